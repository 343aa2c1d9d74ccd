//! [`Dual2<T, N>`]: a static second-order number carrying a value, an `N`-gradient
//! and an `N x N` Hessian through one evaluation, on the stack (the drivers built on
//! it are in `static_drivers`).
//!
//! # Layout and symmetry
//!
//! The Hessian part is stored as a full `[[T; N]; N]` array, but only its upper
//! triangle (`i <= j`) is ever computed: every operation works on `N (N + 1) / 2`
//! entries instead of `N²`, and the lower triangle stays zero. [`Dual2::hessian`]
//! and the drivers mirror the upper triangle, so the result is symmetric in bits.
//!
//! # One chain rule
//!
//! Entry `(i, j)` of the Hessian part is computed with exactly the formula (and
//! operation order) [`HyperDual`](super::HyperDual) uses for its cross term under
//! the seeds `e1 = e_i`, `e2 = e_j`: one evaluation over `Dual2` gives the same bits
//! as the `N (N + 1) / 2` hyper-dual evaluations of [`super::hessian`], up to the
//! sign of a zero. Zero tangents are skipped as everywhere else ([`Scalar::parts_zero`]:
//! an infinite partial times a zero tangent stays 0), but only when a partial is
//! not finite: with finite `f'` and `f''` the unary chain rule multiplies straight
//! through (no per-entry select; 1.1-1.3x faster on `sin`/`cos`-heavy functions
//! at small `N`), which can turn a `+0` into a `-0` where `HyperDual` keeps the
//! tangent's zero.

// Index loops over the upper triangle (`for i in 0..N { for j in i..N }`) are the
// point of this file; iterator chains would hide the triangle.
#![allow(clippy::needless_range_loop)]

use crate::number_ops::impl_number_ops;
use crate::rules::{Binary, Unary};
use crate::scalar::Scalar;
use crate::scalar::along;
use std::fmt;
use std::ops::{Add, Div, Mul, Neg, Sub};

/// A static second-order forward number: value, gradient `[T; N]` and Hessian
/// `N x N` with respect to `N` inputs, in one `Copy` value (no heap).
///
/// Evaluating `f` once at the seeded point [`Dual2::variables`] gives `f(x)`,
/// `∇f(x)` and `∇²f(x)` together. Generic over its base scalar, so it nests
/// (`Dual2<Dual<f64>, N>` carries a directional third derivative).
///
/// Only the upper triangle of the Hessian part is computed (see the module docs);
/// read it mirrored with [`Dual2::hessian`].
///
/// ```
/// use hyperhess::{Dual2, Scalar};
/// let [x, y] = Dual2::variables(&[1.0, 2.0]);
/// let z = x * y.powi(3) - x * 7.0; // x y³ - 7x
/// assert_eq!(z.re, 1.0);
/// assert_eq!(z.grad, [1.0, 12.0]);
/// assert_eq!(z.hessian(), [[0.0, 12.0], [12.0, 12.0]]);
/// ```
#[derive(Clone, Copy, Debug)]
pub struct Dual2<T, const N: usize> {
    /// The value.
    pub re: T,
    /// The gradient part: `grad[i] = ∂/∂x_i`.
    pub grad: [T; N],
    /// The Hessian part; only `hess[i][j]` with `i <= j` is meaningful.
    pub(super) hess: [[T; N]; N],
}

impl<T: Scalar, const N: usize> Dual2<T, N> {
    /// A number from its value, gradient and Hessian parts; only the upper triangle
    /// (`hess[i][j]`, `i <= j`) of `hess` is read.
    ///
    /// ```
    /// use hyperhess::Dual2;
    /// let d = Dual2::new(1.0, [2.0, 3.0], [[4.0, 5.0], [99.0, 6.0]]);
    /// assert_eq!(d.hessian(), [[4.0, 5.0], [5.0, 6.0]]);
    /// ```
    #[inline(always)]
    pub fn new(re: T, grad: [T; N], hess: [[T; N]; N]) -> Self {
        let mut out = Self::constant(re);
        out.grad = grad;
        for i in 0..N {
            for j in i..N {
                out.hess[i][j] = hess[i][j];
            }
        }
        out
    }

    /// A constant: gradient and Hessian parts zero.
    ///
    /// ```
    /// use hyperhess::Dual2;
    /// let c = Dual2::<f64, 3>::constant(2.5);
    /// assert_eq!((c.re, c.grad), (2.5, [0.0; 3]));
    /// ```
    #[inline(always)]
    pub fn constant(re: T) -> Self {
        let z = T::zero();
        Dual2 {
            re,
            grad: [z; N],
            hess: [[z; N]; N],
        }
    }

    /// Input `i` of `N`: value `re`, gradient part `e_i`, Hessian part zero. An
    /// index `i >= N` gives a constant.
    ///
    /// ```
    /// use hyperhess::Dual2;
    /// let x1 = Dual2::<f64, 2>::variable(3.0, 1);
    /// assert_eq!(x1.grad, [0.0, 1.0]);
    /// ```
    #[inline(always)]
    pub fn variable(re: T, i: usize) -> Self {
        let mut out = Self::constant(re);
        if let Some(g) = out.grad.get_mut(i) {
            *g = T::one();
        }
        out
    }

    /// The seeded point: `x[i]` as input `i` of `N`.
    ///
    /// ```
    /// use hyperhess::Dual2;
    /// let [a, b] = Dual2::variables(&[1.0, 2.0]);
    /// assert_eq!((a.grad, b.grad), ([1.0, 0.0], [0.0, 1.0]));
    /// ```
    #[inline(always)]
    pub fn variables(x: &[T; N]) -> [Self; N] {
        std::array::from_fn(|i| Self::variable(x[i], i))
    }

    /// The Hessian part, mirrored from its upper triangle (symmetric in bits).
    ///
    /// ```
    /// use hyperhess::Dual2;
    /// let [a, b] = Dual2::variables(&[2.0, 3.0]);
    /// assert_eq!((a * b).hessian(), [[0.0, 1.0], [1.0, 0.0]]);
    /// ```
    #[inline(always)]
    pub fn hessian(&self) -> [[T; N]; N] {
        std::array::from_fn(|i| std::array::from_fn(|j| self.hess_entry(i, j)))
    }

    /// Entry `(i, j)` of the Hessian part (either triangle); zero out of range.
    ///
    /// ```
    /// use hyperhess::Dual2;
    /// let [a, b] = Dual2::variables(&[2.0, 3.0]);
    /// assert_eq!((a * b).hess_entry(1, 0), 1.0);
    /// ```
    #[inline(always)]
    pub fn hess_entry(&self, i: usize, j: usize) -> T {
        let (r, c) = if i <= j { (i, j) } else { (j, i) };
        self.hess
            .get(r)
            .and_then(|row| row.get(c))
            .copied()
            .unwrap_or_else(T::zero)
    }

    /// `(i, j)` over the upper triangle, row by row.
    #[inline(always)]
    fn upper() -> impl Iterator<Item = (usize, usize)> {
        (0..N).flat_map(|i| (i..N).map(move |j| (i, j)))
    }

    /// The same number with every part mapped by `g` (the Hessian's upper triangle
    /// only): the linear operations.
    #[inline(always)]
    fn map(self, g: impl Fn(T) -> T) -> Self {
        let mut out = Self::constant(g(self.re));
        for i in 0..N {
            out.grad[i] = g(self.grad[i]);
            for j in i..N {
                out.hess[i][j] = g(self.hess[i][j]);
            }
        }
        out
    }

    /// Part-wise combination of two numbers (upper triangle only).
    #[inline(always)]
    fn zip(self, r: Self, g: impl Fn(T, T) -> T) -> Self {
        let mut out = Self::constant(g(self.re, r.re));
        for i in 0..N {
            out.grad[i] = g(self.grad[i], r.grad[i]);
            for j in i..N {
                out.hess[i][j] = g(self.hess[i][j], r.hess[i][j]);
            }
        }
        out
    }
}

impl<T: Scalar, const N: usize> Scalar for Dual2<T, N> {
    #[inline(always)]
    fn from_f64(c: f64) -> Self {
        Self::constant(T::from_f64(c))
    }
    #[inline(always)]
    fn value(&self) -> f64 {
        self.re.value()
    }
    #[inline(always)]
    fn is_finite(&self) -> bool {
        self.re.is_finite()
            && self.grad.iter().all(T::is_finite)
            && Self::upper().all(|(i, j)| self.hess[i][j].is_finite())
    }
    #[inline(always)]
    fn parts_zero(&self) -> bool {
        self.re.is_zero()
            && self.grad.iter().all(T::is_zero)
            && Self::upper().all(|(i, j)| self.hess[i][j].is_zero())
    }
    /// The chain rule, entry by entry as [`HyperDual`](super::HyperDual) with seeds
    /// `e_i`, `e_j`: `g_i -> f' g_i`, `h_ij -> f' h_ij + f'' g_i g_j`. Zero tangents
    /// are skipped only when `f'` or `f''` is not finite (see the module docs).
    #[inline(always)]
    fn apply(self, f: Unary) -> Self {
        let [f0, f1, f2] = f.taylor(self.re);
        let mut out = Self::constant(f0);
        if f1.is_finite() && f2.is_finite() {
            // Finite partials: a zero tangent gives a zero product anyway.
            for i in 0..N {
                out.grad[i] = f1 * self.grad[i];
                let t = f2 * self.grad[i];
                for j in i..N {
                    out.hess[i][j] = f1 * self.hess[i][j] + t * self.grad[j];
                }
            }
            return out;
        }
        for i in 0..N {
            out.grad[i] = along(f1, self.grad[i]);
            let t = along(f2, self.grad[i]);
            for j in i..N {
                out.hess[i][j] = along(f1, self.hess[i][j]) + along(t, self.grad[j]);
            }
        }
        out
    }
    #[inline(always)]
    fn apply2(self, f: Binary, other: Self) -> Self {
        let p = f.taylor(self.re, other.re);
        let (a, b) = (self, other);
        let mut out = Self::constant(p.f);
        for i in 0..N {
            out.grad[i] = along(p.a, a.grad[i]) + along(p.b, b.grad[i]);
            let (aa_i, ab_i, bb_i) = (
                along(p.aa, a.grad[i]),
                along(p.ab, a.grad[i]),
                along(p.bb, b.grad[i]),
            );
            for j in i..N {
                // The order of HyperDual's cross term under e1 = e_i, e2 = e_j.
                out.hess[i][j] = along(p.a, a.hess[i][j])
                    + along(p.b, b.hess[i][j])
                    + along(aa_i, a.grad[j])
                    + along(ab_i, b.grad[j])
                    + along(along(p.ab, a.grad[j]), b.grad[i])
                    + along(bb_i, b.grad[j]);
            }
        }
        out
    }
}

impl<T: Scalar, const N: usize> Add for Dual2<T, N> {
    type Output = Self;
    #[inline(always)]
    fn add(self, r: Self) -> Self {
        self.zip(r, |a, b| a + b)
    }
}
impl<T: Scalar, const N: usize> Sub for Dual2<T, N> {
    type Output = Self;
    #[inline(always)]
    fn sub(self, r: Self) -> Self {
        self.zip(r, |a, b| a - b)
    }
}
impl<T: Scalar, const N: usize> Mul for Dual2<T, N> {
    type Output = Self;
    /// The product rule, `h_ij = a_ij b + a_i b_j + a_j b_i + a b_ij`.
    #[inline(always)]
    fn mul(self, r: Self) -> Self {
        let mut out = Self::constant(self.re * r.re);
        for i in 0..N {
            out.grad[i] = self.grad[i] * r.re + self.re * r.grad[i];
            for j in i..N {
                out.hess[i][j] = self.hess[i][j] * r.re
                    + self.grad[i] * r.grad[j]
                    + self.grad[j] * r.grad[i]
                    + self.re * r.hess[i][j];
            }
        }
        out
    }
}
impl<T: Scalar, const N: usize> Div for Dual2<T, N> {
    type Output = Self;
    /// The quotient rule as a recurrence in `q = a / b` (as
    /// [`HyperDual`](super::HyperDual)): `q_i = (a_i - q b_i) / b`,
    /// `q_ij = (a_ij - q_i b_j - q_j b_i - q b_ij) / b`. No `1 / b²` is formed, so a
    /// finite derivative never overflows through an intermediate.
    #[inline(always)]
    fn div(self, r: Self) -> Self {
        let mut q = Self::constant(self.re / r.re);
        for i in 0..N {
            q.grad[i] = (self.grad[i] - q.re * r.grad[i]) / r.re;
        }
        for i in 0..N {
            for j in i..N {
                q.hess[i][j] = (self.hess[i][j]
                    - q.grad[i] * r.grad[j]
                    - q.grad[j] * r.grad[i]
                    - q.re * r.hess[i][j])
                    / r.re;
            }
        }
        q
    }
}
impl<T: Scalar, const N: usize> Neg for Dual2<T, N> {
    type Output = Self;
    #[inline(always)]
    fn neg(self) -> Self {
        self.map(|a| -a)
    }
}
impl<T: Scalar, const N: usize> Add<f64> for Dual2<T, N> {
    type Output = Self;
    #[inline(always)]
    fn add(mut self, c: f64) -> Self {
        self.re = self.re + c;
        self
    }
}
impl<T: Scalar, const N: usize> Sub<f64> for Dual2<T, N> {
    type Output = Self;
    #[inline(always)]
    fn sub(mut self, c: f64) -> Self {
        self.re = self.re - c;
        self
    }
}
impl<T: Scalar, const N: usize> Mul<f64> for Dual2<T, N> {
    type Output = Self;
    #[inline(always)]
    fn mul(self, c: f64) -> Self {
        self.map(|a| a * c)
    }
}
impl<T: Scalar, const N: usize> Div<f64> for Dual2<T, N> {
    type Output = Self;
    #[inline(always)]
    fn div(self, c: f64) -> Self {
        self.map(|a| a / c)
    }
}

impl_number_ops!([T: Scalar, const N: usize] Dual2<T, N>);

impl<T: Scalar, const N: usize> fmt::Display for Dual2<T, N> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} + {:?}·ε + ½εᵀ{:?}ε",
            self.re,
            self.grad,
            self.hessian()
        )
    }
}
