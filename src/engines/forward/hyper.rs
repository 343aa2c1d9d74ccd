//! [`HyperDual<T>`]: value, two tangents and their cross term,
//! `a + a1 ε1 + a2 ε2 + a12 ε1ε2` with `ε1² = ε2² = 0`.

use crate::number_ops::impl_number_ops;
use crate::rules::{Binary, Unary};
use crate::scalar::Scalar;
use crate::scalar::along;
use std::fmt;
use std::ops::{Add, Div, Mul, Neg, Sub};

/// A hyper-dual number: evaluating `f` at `x + u ε1 + v ε2` gives
/// `f + (∇f·u) ε1 + (∇f·v) ε2 + (uᵀ H v) ε1ε2`, exactly (no truncation error).
///
/// Seeding `u = e_i`, `v = e_j` reads `H[i][j]` from the `e12` part.
///
/// ```
/// use hyperhess::{HyperDual, Scalar};
/// let x = HyperDual::new(3.0, 1.0, 1.0, 0.0);
/// let y = x * x * x; // d²(x³)/dx² = 6x
/// assert_eq!((y.re, y.e1, y.e12), (27.0, 27.0, 18.0));
/// ```
#[derive(Clone, Copy, Debug, Default)]
pub struct HyperDual<T> {
    /// The value.
    pub re: T,
    /// The first tangent.
    pub e1: T,
    /// The second tangent.
    pub e2: T,
    /// The cross term: the second derivative along both tangents.
    pub e12: T,
}

impl<T> HyperDual<T> {
    /// A hyper-dual number from its four parts.
    ///
    /// ```
    /// let h = hyperhess::HyperDual::new(1.0, 2.0, 3.0, 4.0);
    /// assert_eq!(h.e12, 4.0);
    /// ```
    #[inline]
    pub const fn new(re: T, e1: T, e2: T, e12: T) -> Self {
        HyperDual { re, e1, e2, e12 }
    }
}

impl<T: Scalar> Scalar for HyperDual<T> {
    #[inline]
    fn from_f64(c: f64) -> Self {
        let z = T::zero();
        HyperDual::new(T::from_f64(c), z, z, z)
    }
    #[inline]
    fn value(&self) -> f64 {
        self.re.value()
    }
    #[inline]
    fn is_finite(&self) -> bool {
        self.re.is_finite() && self.e1.is_finite() && self.e2.is_finite() && self.e12.is_finite()
    }
    #[inline]
    fn parts_zero(&self) -> bool {
        self.re.is_zero() && self.e1.is_zero() && self.e2.is_zero() && self.e12.is_zero()
    }
    /// The chain rule: `(a, a1, a2, a12) -> (f, f' a1, f' a2, f' a12 + f'' a1 a2)`.
    #[inline]
    fn apply(self, f: Unary) -> Self {
        let [f0, f1, f2] = f.taylor(self.re);
        HyperDual::new(
            f0,
            along(f1, self.e1),
            along(f1, self.e2),
            along(f1, self.e12) + along(along(f2, self.e1), self.e2),
        )
    }
    #[inline]
    fn apply2(self, f: Binary, other: Self) -> Self {
        let p = f.taylor(self.re, other.re);
        let (a, b) = (self, other);
        HyperDual::new(
            p.f,
            along(p.a, a.e1) + along(p.b, b.e1),
            along(p.a, a.e2) + along(p.b, b.e2),
            along(p.a, a.e12)
                + along(p.b, b.e12)
                + along(along(p.aa, a.e1), a.e2)
                + along(along(p.ab, a.e1), b.e2)
                + along(along(p.ab, a.e2), b.e1)
                + along(along(p.bb, b.e1), b.e2),
        )
    }
}

impl<T: Scalar> Add for HyperDual<T> {
    type Output = Self;
    #[inline]
    fn add(self, r: Self) -> Self {
        HyperDual::new(
            self.re + r.re,
            self.e1 + r.e1,
            self.e2 + r.e2,
            self.e12 + r.e12,
        )
    }
}
impl<T: Scalar> Sub for HyperDual<T> {
    type Output = Self;
    #[inline]
    fn sub(self, r: Self) -> Self {
        HyperDual::new(
            self.re - r.re,
            self.e1 - r.e1,
            self.e2 - r.e2,
            self.e12 - r.e12,
        )
    }
}
impl<T: Scalar> Mul for HyperDual<T> {
    type Output = Self;
    /// The product rule, with the cross term `a12 b + a1 b2 + a2 b1 + a b12`.
    #[inline]
    fn mul(self, r: Self) -> Self {
        HyperDual::new(
            self.re * r.re,
            self.e1 * r.re + self.re * r.e1,
            self.e2 * r.re + self.re * r.e2,
            self.e12 * r.re + self.e1 * r.e2 + self.e2 * r.e1 + self.re * r.e12,
        )
    }
}
impl<T: Scalar> Div for HyperDual<T> {
    type Output = Self;
    /// The quotient rule as a recurrence in `q = a / b`: `q1 = (a1 - q b1) / b`,
    /// `q12 = (a12 - q1 b2 - q2 b1 - q b12) / b`. No `1 / b²` is formed, so a finite
    /// derivative never overflows through an intermediate (`x0 / x1` at
    /// `(1e-200, 1e-160)` has a finite gradient).
    #[inline]
    fn div(self, r: Self) -> Self {
        let q = self.re / r.re;
        let q1 = (self.e1 - q * r.e1) / r.re;
        let q2 = (self.e2 - q * r.e2) / r.re;
        let q12 = (self.e12 - q1 * r.e2 - q2 * r.e1 - q * r.e12) / r.re;
        HyperDual::new(q, q1, q2, q12)
    }
}
impl<T: Scalar> Neg for HyperDual<T> {
    type Output = Self;
    #[inline]
    fn neg(self) -> Self {
        HyperDual::new(-self.re, -self.e1, -self.e2, -self.e12)
    }
}
impl<T: Scalar> Add<f64> for HyperDual<T> {
    type Output = Self;
    #[inline]
    fn add(self, c: f64) -> Self {
        HyperDual {
            re: self.re + c,
            ..self
        }
    }
}
impl<T: Scalar> Sub<f64> for HyperDual<T> {
    type Output = Self;
    #[inline]
    fn sub(self, c: f64) -> Self {
        HyperDual {
            re: self.re - c,
            ..self
        }
    }
}
impl<T: Scalar> Mul<f64> for HyperDual<T> {
    type Output = Self;
    #[inline]
    fn mul(self, c: f64) -> Self {
        HyperDual::new(self.re * c, self.e1 * c, self.e2 * c, self.e12 * c)
    }
}
impl<T: Scalar> Div<f64> for HyperDual<T> {
    type Output = Self;
    #[inline]
    fn div(self, c: f64) -> Self {
        HyperDual::new(self.re / c, self.e1 / c, self.e2 / c, self.e12 / c)
    }
}

impl_number_ops!([T: Scalar] HyperDual<T>);

impl<T: Scalar> fmt::Display for HyperDual<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} + {}ε1 + {}ε2 + {}ε1ε2",
            self.re, self.e1, self.e2, self.e12
        )
    }
}
