//! simba's `RealField` and `ComplexField` (the traits nalgebra 0.34's algebra is
//! written against) for [`Dual<T>`](crate::Dual) and
//! [`HyperDual<T>`](crate::HyperDual), over any `T: Scalar + Send + Sync + 'static`
//! (`f64`, or a number type over it: `Dual<Dual<f64>>` works too).
//!
//! With them a function written with `nalgebra::Vector3<S>` / `Matrix3<S>`
//! operations (`norm`, `dot`, `cross`, `determinant`, ...) runs on dual and
//! hyper-dual numbers, so [`crate::forward::hessian`] differentiates it. The tape
//! variable `Var<T>` carries a lifetime and nalgebra's `Scalar` needs
//! `'static`, so the tape gets no `RealField`: see `docs/limitations.md`.
//!
//! Every function forwards to the `num_traits::Float` implementation
//! (`src/ecosystem/num_traits.rs`), which forwards to the rule table. A real number
//! type is its own `RealField`: `imaginary` is 0, `conjugate` the identity,
//! `argument` 0 or π by the sign. Approximate equality (`approx`) and the
//! predicates look at the value, like the comparisons. `SimdValue` is the trivial
//! one-lane implementation `f64` has.
//!
//! A new number type gets all of it from one line at the end of this file:
//! `impl_simba!([T: Scalar + Send + Sync + 'static, const N: usize] crate::forward::Dual2<T, N>);`.

/// Implements simba's `RealField`, `ComplexField`, `Field`, `SimdValue`,
/// `SubsetOf` (with `f32`, `f64` and itself) and approx's `AbsDiffEq`, `RelativeEq`,
/// `UlpsEq` for a number type that implements [`Scalar`](crate::scalar::Scalar) and
/// `num_traits::Float` (see `impl_num_traits!`).
macro_rules! impl_simba {
    ([$($gen:tt)*] $ty:ty) => {
        impl<$($gen)*> ::simba::simd::SimdValue for $ty {
            const LANES: usize = 1;
            type Element = Self;
            type SimdBool = bool;
            #[inline]
            fn splat(val: Self) -> Self {
                val
            }
            #[inline]
            fn extract(&self, _: usize) -> Self {
                *self
            }
            #[inline]
            unsafe fn extract_unchecked(&self, _: usize) -> Self {
                *self
            }
            #[inline]
            fn replace(&mut self, _: usize, val: Self) {
                *self = val;
            }
            #[inline]
            unsafe fn replace_unchecked(&mut self, _: usize, val: Self) {
                *self = val;
            }
            #[inline]
            fn select(self, cond: bool, other: Self) -> Self {
                if cond { self } else { other }
            }
        }
        impl<$($gen)*> ::simba::simd::PrimitiveSimdValue for $ty {}
        impl<$($gen)*> ::simba::scalar::Field for $ty {}

        impl<$($gen)*> ::simba::scalar::SubsetOf<$ty> for $ty {
            #[inline]
            fn to_superset(&self) -> Self {
                *self
            }
            #[inline]
            fn from_superset_unchecked(element: &Self) -> Self {
                *element
            }
            #[inline]
            fn is_in_subset(_: &Self) -> bool {
                true
            }
        }
        impl<$($gen)*> ::simba::scalar::SubsetOf<$ty> for f64 {
            #[inline]
            fn to_superset(&self) -> $ty {
                <$ty as $crate::scalar::Scalar>::from_f64(*self)
            }
            /// The value (the derivative parts are dropped).
            #[inline]
            fn from_superset_unchecked(element: &$ty) -> f64 {
                $crate::scalar::Scalar::value(element)
            }
            /// `true` for a constant (every derivative part zero).
            #[inline]
            fn is_in_subset(element: &$ty) -> bool {
                let c = <$ty as $crate::scalar::Scalar>::from_f64($crate::scalar::Scalar::value(element));
                $crate::scalar::Scalar::parts_zero(&(*element - c))
            }
        }
        impl<$($gen)*> ::simba::scalar::SubsetOf<$ty> for f32 {
            #[inline]
            fn to_superset(&self) -> $ty {
                <$ty as $crate::scalar::Scalar>::from_f64(f64::from(*self))
            }
            #[inline]
            fn from_superset_unchecked(element: &$ty) -> f32 {
                $crate::scalar::Scalar::value(element) as f32
            }
            #[inline]
            fn is_in_subset(element: &$ty) -> bool {
                <f64 as ::simba::scalar::SubsetOf<$ty>>::is_in_subset(element)
            }
        }

        impl<$($gen)*> ::approx::AbsDiffEq for $ty {
            type Epsilon = Self;
            #[inline]
            fn default_epsilon() -> Self {
                <Self as $crate::scalar::Scalar>::from_f64(f64::EPSILON)
            }
            #[inline]
            fn abs_diff_eq(&self, other: &Self, epsilon: Self) -> bool {
                ::approx::AbsDiffEq::abs_diff_eq(
                    &$crate::scalar::Scalar::value(self),
                    &$crate::scalar::Scalar::value(other),
                    $crate::scalar::Scalar::value(&epsilon),
                )
            }
        }
        impl<$($gen)*> ::approx::RelativeEq for $ty {
            #[inline]
            fn default_max_relative() -> Self {
                <Self as $crate::scalar::Scalar>::from_f64(f64::EPSILON)
            }
            #[inline]
            fn relative_eq(&self, other: &Self, epsilon: Self, max_relative: Self) -> bool {
                ::approx::RelativeEq::relative_eq(
                    &$crate::scalar::Scalar::value(self),
                    &$crate::scalar::Scalar::value(other),
                    $crate::scalar::Scalar::value(&epsilon),
                    $crate::scalar::Scalar::value(&max_relative),
                )
            }
        }
        impl<$($gen)*> ::approx::UlpsEq for $ty {
            #[inline]
            fn default_max_ulps() -> u32 {
                4
            }
            #[inline]
            fn ulps_eq(&self, other: &Self, epsilon: Self, max_ulps: u32) -> bool {
                ::approx::UlpsEq::ulps_eq(
                    &$crate::scalar::Scalar::value(self),
                    &$crate::scalar::Scalar::value(other),
                    $crate::scalar::Scalar::value(&epsilon),
                    max_ulps,
                )
            }
        }

        impl<$($gen)*> ::simba::scalar::ComplexField for $ty {
            type RealField = Self;
            $crate::number_traits::simba::impl_simba!(@float
                floor ceil round trunc fract recip sin cos tan asin acos atan sinh cosh
                tanh asinh acosh atanh log2 log10 ln ln_1p sqrt exp exp2 exp_m1 cbrt abs);
            #[inline]
            fn from_real(re: Self) -> Self {
                re
            }
            #[inline]
            fn real(self) -> Self {
                self
            }
            #[inline]
            fn imaginary(self) -> Self {
                <Self as $crate::scalar::Scalar>::from_f64(0.0)
            }
            #[inline]
            fn modulus(self) -> Self {
                $crate::scalar::Scalar::abs(self)
            }
            #[inline]
            fn modulus_squared(self) -> Self {
                self * self
            }
            /// 0 for a non-negative value, π for a negative one (a constant).
            #[inline]
            fn argument(self) -> Self {
                let v = $crate::scalar::Scalar::value(&self);
                <Self as $crate::scalar::Scalar>::from_f64(if v < 0.0 { ::std::f64::consts::PI } else { 0.0 })
            }
            #[inline]
            fn norm1(self) -> Self {
                $crate::scalar::Scalar::abs(self)
            }
            #[inline]
            fn scale(self, factor: Self) -> Self {
                self * factor
            }
            #[inline]
            fn unscale(self, factor: Self) -> Self {
                self / factor
            }
            #[inline]
            fn signum(self) -> Self {
                $crate::scalar::Scalar::signum(self)
            }
            #[inline]
            fn mul_add(self, a: Self, b: Self) -> Self {
                $crate::scalar::Scalar::mul_add(self, a, b)
            }
            #[inline]
            fn hypot(self, other: Self) -> Self {
                $crate::scalar::Scalar::hypot(self, other)
            }
            #[inline]
            fn conjugate(self) -> Self {
                self
            }
            #[inline]
            fn sin_cos(self) -> (Self, Self) {
                $crate::scalar::Scalar::sin_cos(self)
            }
            #[inline]
            fn log(self, base: Self) -> Self {
                <Self as ::num_traits::Float>::log(self, base)
            }
            #[inline]
            fn powi(self, n: i32) -> Self {
                $crate::scalar::Scalar::powi(self, n)
            }
            #[inline]
            fn powf(self, n: Self) -> Self {
                <Self as ::num_traits::Float>::powf(self, n)
            }
            #[inline]
            fn powc(self, n: Self) -> Self {
                <Self as ::num_traits::Float>::powf(self, n)
            }
            /// The value is finite (as `Float::is_finite`).
            #[inline]
            fn is_finite(&self) -> bool {
                $crate::scalar::Scalar::value(self).is_finite()
            }
            /// `None` at a negative value.
            #[inline]
            fn try_sqrt(self) -> Option<Self> {
                if $crate::scalar::Scalar::value(&self) >= 0.0 {
                    Some($crate::scalar::Scalar::sqrt(self))
                } else {
                    None
                }
            }
        }

        impl<$($gen)*> ::simba::scalar::RealField for $ty {
            #[inline]
            fn is_sign_positive(&self) -> bool {
                $crate::scalar::Scalar::value(self).is_sign_positive()
            }
            #[inline]
            fn is_sign_negative(&self) -> bool {
                $crate::scalar::Scalar::value(self).is_sign_negative()
            }
            #[inline]
            fn copysign(self, sign: Self) -> Self {
                <Self as ::num_traits::Float>::copysign(self, sign)
            }
            #[inline]
            fn max(self, other: Self) -> Self {
                $crate::scalar::Scalar::max(self, other)
            }
            #[inline]
            fn min(self, other: Self) -> Self {
                $crate::scalar::Scalar::min(self, other)
            }
            /// By value; never panics (a `min > max` gives `max` or `min` as the
            /// comparisons fall, a NaN `self` stays NaN).
            #[inline]
            fn clamp(self, min: Self, max: Self) -> Self {
                if self < min {
                    min
                } else if self > max {
                    max
                } else {
                    self
                }
            }
            #[inline]
            fn atan2(self, other: Self) -> Self {
                $crate::scalar::Scalar::atan2(self, other)
            }
            #[inline]
            fn min_value() -> Option<Self> {
                Some(<Self as $crate::scalar::Scalar>::from_f64(f64::MIN))
            }
            #[inline]
            fn max_value() -> Option<Self> {
                Some(<Self as $crate::scalar::Scalar>::from_f64(f64::MAX))
            }
            $crate::number_traits::simba::impl_simba!(@consts
                pi PI, two_pi TAU, frac_pi_2 FRAC_PI_2, frac_pi_3 FRAC_PI_3,
                frac_pi_4 FRAC_PI_4, frac_pi_6 FRAC_PI_6, frac_pi_8 FRAC_PI_8,
                frac_1_pi FRAC_1_PI, frac_2_pi FRAC_2_PI, frac_2_sqrt_pi FRAC_2_SQRT_PI,
                e E, log2_e LOG2_E, log10_e LOG10_E, ln_2 LN_2, ln_10 LN_10);
        }
    };
    (@float $($name:ident)*) => {
        $(
            #[inline]
            fn $name(self) -> Self {
                <Self as ::num_traits::Float>::$name(self)
            }
        )*
    };
    (@consts $($name:ident $c:ident),*) => {
        $(
            #[inline]
            fn $name() -> Self {
                <Self as $crate::scalar::Scalar>::from_f64(::std::f64::consts::$c)
            }
        )*
    };
}

pub(crate) use impl_simba;

use crate::scalar::Scalar;

impl_simba!([T: Scalar] crate::forward::Dual<T>);
impl_simba!([T: Scalar] crate::forward::HyperDual<T>);
impl_simba!([T: Scalar, const N: usize] crate::forward::Dual2<T, N>);
impl_simba!([T: Scalar] crate::tape::Var<T>);
