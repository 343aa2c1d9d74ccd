//! [`Dual<T>`]: a value and one tangent, `a + a' ε` with `ε² = 0`.

use crate::number_ops::impl_number_ops;
use crate::rules::{Binary, Unary};
use crate::scalar::Scalar;
use crate::scalar::along;
use std::fmt;
use std::ops::{Add, Div, Mul, Neg, Sub};

/// A dual number `re + eps ε` (`ε² = 0`): evaluating `f` at `x + v ε` gives
/// `f(x) + (∇f(x) · v) ε`.
///
/// Generic over its base scalar, so it nests: `Dual<Dual<f64>>` carries second
/// derivatives and `Dual<HyperDual<f64>>` third ones.
///
/// ```
/// use hyperhess::{Dual, Scalar};
/// let x = Dual::new(2.0, 1.0); // seed dx/dx = 1
/// let y = x * x * x;
/// assert_eq!((y.re, y.eps), (8.0, 12.0));
/// ```
#[derive(Clone, Copy, Debug, Default)]
pub struct Dual<T> {
    /// The value.
    pub re: T,
    /// The tangent (directional derivative).
    pub eps: T,
}

impl<T> Dual<T> {
    /// A dual number from its value and tangent.
    ///
    /// ```
    /// let d = hyperhess::Dual::new(1.0, 0.5);
    /// assert_eq!(d.eps, 0.5);
    /// ```
    #[inline]
    pub const fn new(re: T, eps: T) -> Self {
        Dual { re, eps }
    }
}

impl<T: Scalar> Dual<T> {
    /// A variable: value `re`, tangent one.
    ///
    /// ```
    /// let d = hyperhess::Dual::variable(3.0);
    /// assert_eq!((d.re, d.eps), (3.0, 1.0));
    /// ```
    #[inline]
    pub fn variable(re: T) -> Self {
        Dual::new(re, T::one())
    }
}

impl<T: Scalar> Scalar for Dual<T> {
    #[inline]
    fn from_f64(c: f64) -> Self {
        Dual::new(T::from_f64(c), T::zero())
    }
    #[inline]
    fn value(&self) -> f64 {
        self.re.value()
    }
    #[inline]
    fn is_finite(&self) -> bool {
        self.re.is_finite() && self.eps.is_finite()
    }
    #[inline]
    fn parts_zero(&self) -> bool {
        self.re.is_zero() && self.eps.is_zero()
    }
    /// The chain rule: `(a, a') -> (f, f' a')`.
    #[inline]
    fn apply(self, f: Unary) -> Self {
        let [f0, f1, _] = f.taylor(self.re);
        Dual::new(f0, along(f1, self.eps))
    }
    #[inline]
    fn apply2(self, f: Binary, other: Self) -> Self {
        let p = f.taylor(self.re, other.re);
        Dual::new(p.f, along(p.a, self.eps) + along(p.b, other.eps))
    }
    /// Both from the rule table's one `Sin` row, `[sin, sin', sin'']`: `cos` is
    /// `sin'` and `cos'` is `sin''`, so one `sin_cos` of the value part serves both
    /// (the bits of `(self.sin(), self.cos())`, at half the cost).
    #[inline]
    fn sin_cos(self) -> (Self, Self) {
        let [s, c, ms] = Unary::Sin.taylor(self.re);
        (
            Dual::new(s, along(c, self.eps)),
            Dual::new(c, along(ms, self.eps)),
        )
    }
}

impl<T: Scalar> Add for Dual<T> {
    type Output = Self;
    #[inline]
    fn add(self, rhs: Self) -> Self {
        Dual::new(self.re + rhs.re, self.eps + rhs.eps)
    }
}
impl<T: Scalar> Sub for Dual<T> {
    type Output = Self;
    #[inline]
    fn sub(self, rhs: Self) -> Self {
        Dual::new(self.re - rhs.re, self.eps - rhs.eps)
    }
}
impl<T: Scalar> Mul for Dual<T> {
    type Output = Self;
    /// The product rule: `(a b, a' b + a b')`.
    #[inline]
    fn mul(self, rhs: Self) -> Self {
        Dual::new(self.re * rhs.re, self.eps * rhs.re + self.re * rhs.eps)
    }
}
impl<T: Scalar> Div for Dual<T> {
    type Output = Self;
    /// The quotient rule: `(q, (a' - q b') / b)` with `q = a / b`.
    #[inline]
    fn div(self, rhs: Self) -> Self {
        let q = self.re / rhs.re;
        Dual::new(q, (self.eps - q * rhs.eps) / rhs.re)
    }
}
impl<T: Scalar> Neg for Dual<T> {
    type Output = Self;
    #[inline]
    fn neg(self) -> Self {
        Dual::new(-self.re, -self.eps)
    }
}
impl<T: Scalar> Add<f64> for Dual<T> {
    type Output = Self;
    #[inline]
    fn add(self, c: f64) -> Self {
        Dual::new(self.re + c, self.eps)
    }
}
impl<T: Scalar> Sub<f64> for Dual<T> {
    type Output = Self;
    #[inline]
    fn sub(self, c: f64) -> Self {
        Dual::new(self.re - c, self.eps)
    }
}
impl<T: Scalar> Mul<f64> for Dual<T> {
    type Output = Self;
    #[inline]
    fn mul(self, c: f64) -> Self {
        Dual::new(self.re * c, self.eps * c)
    }
}
impl<T: Scalar> Div<f64> for Dual<T> {
    type Output = Self;
    #[inline]
    fn div(self, c: f64) -> Self {
        Dual::new(self.re / c, self.eps / c)
    }
}

impl_number_ops!([T: Scalar] Dual<T>);

impl<T: Scalar> fmt::Display for Dual<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} + {}ε", self.re, self.eps)
    }
}

#[cfg(test)]
mod sin_cos_tests {
    use super::Dual;
    use crate::scalar::Scalar;

    /// `sin_cos` gives the bits of `(sin, cos)`, plain and nested, at ordinary,
    /// huge, zero, infinite and NaN points (any NaN is a NaN: the sign of a NaN
    /// is not a result).
    #[test]
    fn sin_cos_is_sin_and_cos_bit_for_bit() {
        let bit = |v: f64| if v.is_nan() { u64::MAX } else { v.to_bits() };
        let bits = |d: Dual<f64>| (bit(d.re), bit(d.eps));
        let points = [0.0, -0.0, 0.5, -2.0, 1e-300, 1e300, f64::INFINITY, f64::NAN];
        for &re in &points {
            for &eps in &[0.0, 1.0, -3.5, f64::INFINITY] {
                let x = Dual::new(re, eps);
                let (s, c) = x.sin_cos();
                assert_eq!(
                    (bits(s), bits(c)),
                    (bits(x.sin()), bits(x.cos())),
                    "{re} {eps}"
                );
                let y = Dual::new(x, Dual::new(eps, re));
                let (s, c) = y.sin_cos();
                let (ws, wc) = (y.sin(), y.cos());
                for (a, b) in [
                    (s.re, ws.re),
                    (s.eps, ws.eps),
                    (c.re, wc.re),
                    (c.eps, wc.eps),
                ] {
                    assert_eq!(bits(a), bits(b), "nested {re} {eps}");
                }
            }
        }
    }
}
