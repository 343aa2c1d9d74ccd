//! Operator boilerplate shared by every number type: assign forms, `f64` on the
//! left, `Sum`, `Product`, and comparisons by value (with `Self` and with `f64`, on
//! either side). A number type writes only its
//! own `+ - * /` (the product and quotient rules) and its chain rule.

/// Derives the shared operators of a number type from its binary `+ - * /` and its
/// `Scalar` impl.
macro_rules! impl_number_ops {
    ([$($gen:tt)*] $ty:ty) => {
        $crate::number_ops::impl_number_ops!(@without_sum [$($gen)*] $ty);
        impl<$($gen)*> ::std::iter::Sum for $ty {
            #[inline]
            fn sum<I: Iterator<Item = Self>>(iter: I) -> Self {
                let mut it = iter;
                match it.next() {
                    Some(first) => it.fold(first, |a, b| a + b),
                    None => <$ty as $crate::scalar::Scalar>::from_f64(0.0),
                }
            }
        }
    };
    // Everything but `Sum` (the tape records a sum as one node).
    (@without_sum [$($gen:tt)*] $ty:ty) => {
        $crate::number_ops::impl_number_ops!(@arithmetic [$($gen)*] $ty);
        $crate::number_ops::impl_number_ops!(@comparisons [$($gen)*] $ty);
    };
    // The assign forms, `f64` on the left and `Product` (the tape also records its
    // own comparisons, as guards).
    (@arithmetic [$($gen:tt)*] $ty:ty) => {
        impl<$($gen)*> ::std::ops::AddAssign for $ty {
            #[inline]
            fn add_assign(&mut self, rhs: Self) {
                *self = *self + rhs;
            }
        }
        impl<$($gen)*> ::std::ops::SubAssign for $ty {
            #[inline]
            fn sub_assign(&mut self, rhs: Self) {
                *self = *self - rhs;
            }
        }
        impl<$($gen)*> ::std::ops::MulAssign for $ty {
            #[inline]
            fn mul_assign(&mut self, rhs: Self) {
                *self = *self * rhs;
            }
        }
        impl<$($gen)*> ::std::ops::DivAssign for $ty {
            #[inline]
            fn div_assign(&mut self, rhs: Self) {
                *self = *self / rhs;
            }
        }
        impl<$($gen)*> ::std::ops::Add<$ty> for f64 {
            type Output = $ty;
            #[inline]
            fn add(self, rhs: $ty) -> $ty {
                rhs + self
            }
        }
        impl<$($gen)*> ::std::ops::Sub<$ty> for f64 {
            type Output = $ty;
            #[inline]
            fn sub(self, rhs: $ty) -> $ty {
                -(rhs - self)
            }
        }
        impl<$($gen)*> ::std::ops::Mul<$ty> for f64 {
            type Output = $ty;
            #[inline]
            fn mul(self, rhs: $ty) -> $ty {
                rhs * self
            }
        }
        impl<$($gen)*> ::std::ops::Div<$ty> for f64 {
            type Output = $ty;
            #[inline]
            fn div(self, rhs: $ty) -> $ty {
                <$ty as $crate::scalar::Scalar>::from_f64(self) / rhs
            }
        }
        impl<$($gen)*> ::std::iter::Product for $ty {
            #[inline]
            fn product<I: Iterator<Item = Self>>(iter: I) -> Self {
                let mut it = iter;
                match it.next() {
                    Some(first) => it.fold(first, |a, b| a * b),
                    None => <$ty as $crate::scalar::Scalar>::from_f64(1.0),
                }
            }
        }
    };
    // Comparisons by value.
    (@comparisons [$($gen:tt)*] $ty:ty) => {
        impl<$($gen)*> PartialEq for $ty {
            #[inline]
            fn eq(&self, other: &Self) -> bool {
                $crate::scalar::Scalar::value(self) == $crate::scalar::Scalar::value(other)
            }
        }
        impl<$($gen)*> PartialOrd for $ty {
            #[inline]
            fn partial_cmp(&self, other: &Self) -> Option<::std::cmp::Ordering> {
                $crate::scalar::Scalar::value(self).partial_cmp(&$crate::scalar::Scalar::value(other))
            }
        }
        // Comparisons with a plain `f64`, by value: `x > 0.0`, `x == 1.0` (the
        // `Scalar` supertraits), and `0.0 < x` on concrete types.
        impl<$($gen)*> PartialEq<f64> for $ty {
            #[inline]
            fn eq(&self, other: &f64) -> bool {
                $crate::scalar::Scalar::value(self) == *other
            }
        }
        impl<$($gen)*> PartialOrd<f64> for $ty {
            #[inline]
            fn partial_cmp(&self, other: &f64) -> Option<::std::cmp::Ordering> {
                $crate::scalar::Scalar::value(self).partial_cmp(other)
            }
        }
        impl<$($gen)*> PartialEq<$ty> for f64 {
            #[inline]
            fn eq(&self, other: &$ty) -> bool {
                *self == $crate::scalar::Scalar::value(other)
            }
        }
        impl<$($gen)*> PartialOrd<$ty> for f64 {
            #[inline]
            fn partial_cmp(&self, other: &$ty) -> Option<::std::cmp::Ordering> {
                self.partial_cmp(&$crate::scalar::Scalar::value(other))
            }
        }
    };
}

pub(crate) use impl_number_ops;
