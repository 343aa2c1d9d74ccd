//! `num_traits` for the number types: `Zero`, `One`, `Num`, `ToPrimitive`,
//! `NumCast`, `FromPrimitive`, `Signed`, `Float`, `FloatConst`, plus the `%`
//! operator `Num` requires.
//!
//! Every derivative comes from the rule table: each `Float` method forwards to the
//! [`Scalar`](crate::scalar::Scalar) method of the same name (which names its
//! [`Unary`](crate::rules::Unary) / [`Binary`](crate::rules::Binary) entry) or is
//! written with `Scalar` arithmetic (`log`, `to_degrees`, `abs_sub`, `%`).
//! Predicates (`is_nan`, `is_sign_negative`, `classify`, ...) and conversions
//! (`to_f64`, `to_i64`, ...) look at the value, like the comparisons.
//!
//! A new number type gets all of it from one line at the end of this file:
//! `impl_num_traits!([T: Scalar, const N: usize] crate::forward::Dual2<T, N>);`.

/// Implements `num_traits`' numeric traits and `Rem` for a type that implements
/// [`Scalar`](crate::scalar::Scalar).
macro_rules! impl_num_traits {
    ([$($gen:tt)*] $ty:ty) => {
        impl<$($gen)*> ::std::ops::Rem for $ty {
            type Output = Self;
            /// `a % b = a - b q` with the integer quotient `q = trunc(a / b)` of the
            /// values, a constant (as `fmod`, the result has the sign of `a`):
            /// derivative 1 in `a` and `-q` in `b`. `b = 0` gives NaN, as on `f64`.
            #[inline]
            fn rem(self, rhs: Self) -> Self {
                let (a, b) = ($crate::scalar::Scalar::value(&self), $crate::scalar::Scalar::value(&rhs));
                let q = ((a - a % b) / b).round();
                self - rhs * q
            }
        }
        impl<$($gen)*> ::std::ops::RemAssign for $ty {
            #[inline]
            fn rem_assign(&mut self, rhs: Self) {
                *self = *self % rhs;
            }
        }
        impl<$($gen)*> ::num_traits::Zero for $ty {
            #[inline]
            fn zero() -> Self {
                <Self as $crate::scalar::Scalar>::from_f64(0.0)
            }
            /// Every part zero (as [`Scalar::parts_zero`](crate::scalar::Scalar::parts_zero)).
            #[inline]
            fn is_zero(&self) -> bool {
                $crate::scalar::Scalar::parts_zero(self)
            }
        }
        impl<$($gen)*> ::num_traits::One for $ty {
            #[inline]
            fn one() -> Self {
                <Self as $crate::scalar::Scalar>::from_f64(1.0)
            }
        }
        impl<$($gen)*> ::num_traits::Num for $ty {
            type FromStrRadixErr = <f64 as ::num_traits::Num>::FromStrRadixErr;
            /// A constant parsed as an `f64`.
            #[inline]
            fn from_str_radix(s: &str, radix: u32) -> Result<Self, Self::FromStrRadixErr> {
                <f64 as ::num_traits::Num>::from_str_radix(s, radix)
                    .map(<Self as $crate::scalar::Scalar>::from_f64)
            }
        }
        impl<$($gen)*> ::num_traits::ToPrimitive for $ty {
            #[inline]
            fn to_i64(&self) -> Option<i64> {
                ::num_traits::ToPrimitive::to_i64(&$crate::scalar::Scalar::value(self))
            }
            #[inline]
            fn to_u64(&self) -> Option<u64> {
                ::num_traits::ToPrimitive::to_u64(&$crate::scalar::Scalar::value(self))
            }
            #[inline]
            fn to_i128(&self) -> Option<i128> {
                ::num_traits::ToPrimitive::to_i128(&$crate::scalar::Scalar::value(self))
            }
            #[inline]
            fn to_u128(&self) -> Option<u128> {
                ::num_traits::ToPrimitive::to_u128(&$crate::scalar::Scalar::value(self))
            }
            #[inline]
            fn to_f32(&self) -> Option<f32> {
                ::num_traits::ToPrimitive::to_f32(&$crate::scalar::Scalar::value(self))
            }
            #[inline]
            fn to_f64(&self) -> Option<f64> {
                Some($crate::scalar::Scalar::value(self))
            }
        }
        impl<$($gen)*> ::num_traits::NumCast for $ty {
            /// A constant.
            #[inline]
            fn from<P: ::num_traits::ToPrimitive>(n: P) -> Option<Self> {
                n.to_f64().map(<Self as $crate::scalar::Scalar>::from_f64)
            }
        }
        impl<$($gen)*> ::num_traits::FromPrimitive for $ty {
            #[inline]
            fn from_i64(n: i64) -> Option<Self> {
                Some(<Self as $crate::scalar::Scalar>::from_f64(n as f64))
            }
            #[inline]
            fn from_u64(n: u64) -> Option<Self> {
                Some(<Self as $crate::scalar::Scalar>::from_f64(n as f64))
            }
            #[inline]
            fn from_i128(n: i128) -> Option<Self> {
                Some(<Self as $crate::scalar::Scalar>::from_f64(n as f64))
            }
            #[inline]
            fn from_u128(n: u128) -> Option<Self> {
                Some(<Self as $crate::scalar::Scalar>::from_f64(n as f64))
            }
            #[inline]
            fn from_f32(n: f32) -> Option<Self> {
                Some(<Self as $crate::scalar::Scalar>::from_f64(f64::from(n)))
            }
            #[inline]
            fn from_f64(n: f64) -> Option<Self> {
                Some(<Self as $crate::scalar::Scalar>::from_f64(n))
            }
        }
        impl<$($gen)*> ::num_traits::Signed for $ty {
            #[inline]
            fn abs(&self) -> Self {
                $crate::scalar::Scalar::abs(*self)
            }
            #[inline]
            fn abs_sub(&self, other: &Self) -> Self {
                <Self as ::num_traits::Float>::abs_sub(*self, *other)
            }
            #[inline]
            fn signum(&self) -> Self {
                $crate::scalar::Scalar::signum(*self)
            }
            #[inline]
            fn is_positive(&self) -> bool {
                $crate::scalar::Scalar::value(self) > 0.0
            }
            #[inline]
            fn is_negative(&self) -> bool {
                $crate::scalar::Scalar::value(self) < 0.0
            }
        }
        impl<$($gen)*> ::num_traits::FloatConst for $ty {
            $crate::number_traits::num_traits::impl_num_traits!(@consts
                E FRAC_1_PI FRAC_1_SQRT_2 FRAC_2_PI FRAC_2_SQRT_PI FRAC_PI_2 FRAC_PI_3
                FRAC_PI_4 FRAC_PI_6 FRAC_PI_8 LN_10 LN_2 LOG10_E LOG2_E PI SQRT_2 TAU
                LOG10_2 LOG2_10);
        }
        impl<$($gen)*> ::num_traits::Float for $ty {
            $crate::number_traits::num_traits::impl_num_traits!(@consts_fn
                nan NAN, infinity INFINITY, neg_infinity NEG_INFINITY,
                min_value MIN, min_positive_value MIN_POSITIVE, max_value MAX,
                epsilon EPSILON);
            $crate::number_traits::num_traits::impl_num_traits!(@unary
                floor ceil round trunc fract abs signum recip sqrt cbrt exp exp2 exp_m1
                ln ln_1p log2 log10 sin cos tan asin acos atan sinh cosh tanh asinh
                acosh atanh);
            $crate::number_traits::num_traits::impl_num_traits!(@binary hypot atan2 max min);
            $crate::number_traits::num_traits::impl_num_traits!(@value_bool
                is_nan is_infinite is_finite is_normal is_subnormal is_sign_positive
                is_sign_negative);
            #[inline]
            fn neg_zero() -> Self {
                <Self as $crate::scalar::Scalar>::from_f64(-0.0)
            }
            #[inline]
            fn classify(self) -> ::std::num::FpCategory {
                $crate::scalar::Scalar::value(&self).classify()
            }
            #[inline]
            fn integer_decode(self) -> (u64, i16, i8) {
                ::num_traits::Float::integer_decode($crate::scalar::Scalar::value(&self))
            }
            #[inline]
            fn mul_add(self, a: Self, b: Self) -> Self {
                $crate::scalar::Scalar::mul_add(self, a, b)
            }
            #[inline]
            fn powi(self, n: i32) -> Self {
                $crate::scalar::Scalar::powi(self, n)
            }
            /// `self^n` by [`Binary::Pow`](crate::rules::Binary::Pow) at a
            /// non-negative base; at a negative base (where `a^b` is real only for
            /// integer `b` and has no derivative in `b`) the exponent is taken as a
            /// constant, [`Unary::Powf`](crate::rules::Unary::Powf).
            #[inline]
            fn powf(self, n: Self) -> Self {
                if $crate::scalar::Scalar::value(&self) < 0.0 {
                    $crate::scalar::Scalar::powf(self, $crate::scalar::Scalar::value(&n))
                } else {
                    $crate::scalar::Scalar::pow(self, n)
                }
            }
            /// `ln(self) / ln(base)`.
            #[inline]
            fn log(self, base: Self) -> Self {
                $crate::scalar::Scalar::ln(self) / $crate::scalar::Scalar::ln(base)
            }
            #[inline]
            fn sin_cos(self) -> (Self, Self) {
                $crate::scalar::Scalar::sin_cos(self)
            }
            /// `max(self - other, 0)` by value, as `f64`'s.
            #[inline]
            fn abs_sub(self, other: Self) -> Self {
                if self <= other {
                    <Self as $crate::scalar::Scalar>::from_f64(0.0)
                } else {
                    self - other
                }
            }
            #[inline]
            fn to_degrees(self) -> Self {
                self * (180.0 / ::std::f64::consts::PI)
            }
            #[inline]
            fn to_radians(self) -> Self {
                self * (::std::f64::consts::PI / 180.0)
            }
        }
    };
    (@consts $($name:ident)*) => {
        $(
            #[inline]
            fn $name() -> Self {
                <Self as $crate::scalar::Scalar>::from_f64(::std::f64::consts::$name)
            }
        )*
    };
    (@consts_fn $($name:ident $c:ident),*) => {
        $(
            #[inline]
            fn $name() -> Self {
                <Self as $crate::scalar::Scalar>::from_f64(f64::$c)
            }
        )*
    };
    (@unary $($name:ident)*) => {
        $(
            #[inline]
            fn $name(self) -> Self {
                $crate::scalar::Scalar::$name(self)
            }
        )*
    };
    (@binary $($name:ident)*) => {
        $(
            #[inline]
            fn $name(self, other: Self) -> Self {
                $crate::scalar::Scalar::$name(self, other)
            }
        )*
    };
    (@value_bool $($name:ident)*) => {
        $(
            #[inline]
            fn $name(self) -> bool {
                $crate::scalar::Scalar::value(&self).$name()
            }
        )*
    };
}

pub(crate) use impl_num_traits;

use crate::scalar::Scalar;

impl_num_traits!([T: Scalar] crate::forward::Dual<T>);
impl_num_traits!([T: Scalar] crate::forward::HyperDual<T>);
impl_num_traits!([T: Scalar] crate::tape::Var<T>);
impl_num_traits!([T: Scalar, const N: usize] crate::forward::Dual2<T, N>);
