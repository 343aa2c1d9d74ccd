//! Plain `f64` as a [`Scalar`]: the values of the rule table, no derivative parts.

use super::Scalar;
use crate::rules::{Binary, Unary};

impl Scalar for f64 {
    #[inline]
    fn from_f64(c: f64) -> Self {
        c
    }
    #[inline]
    fn value(&self) -> f64 {
        *self
    }
    #[inline]
    fn is_finite(&self) -> bool {
        f64::is_finite(*self)
    }
    #[inline]
    fn parts_zero(&self) -> bool {
        *self == 0.0
    }
    #[inline(always)]
    fn apply(self, f: Unary) -> Self {
        f.value(self)
    }
    #[inline(always)]
    fn apply2(self, f: Binary, other: Self) -> Self {
        f.value(self, other)
    }
    #[inline]
    fn sin_cos(self) -> (Self, Self) {
        f64::sin_cos(self)
    }
    #[inline]
    fn log(self, base: f64) -> Self {
        f64::log(self, base)
    }
    #[inline]
    fn mul_add(self, a: Self, b: Self) -> Self {
        f64::mul_add(self, a, b)
    }
    #[inline]
    fn min(self, other: Self) -> Self {
        f64::min(self, other)
    }
    #[inline]
    fn max(self, other: Self) -> Self {
        f64::max(self, other)
    }
}
