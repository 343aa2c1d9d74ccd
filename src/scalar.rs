//! The [`Scalar`] trait: the contract user functions are written against.

use crate::rules::{Binary, Unary};
use std::fmt::{Debug, Display};
use std::iter::{Product, Sum};
use std::ops::{Add, AddAssign, Div, DivAssign, Mul, MulAssign, Neg, Sub, SubAssign};

/// A base scalar the drivers can return in nalgebra containers: `f64`, or a
/// number type over it (`Dual<f64>` for third derivatives).
///
/// ```
/// fn takes_base<T: hyperhess::Base>(_: T) {}
/// takes_base(1.0);
/// takes_base(hyperhess::Dual::new(1.0, 1.0));
/// ```
///
/// `Send + Sync` so that the `parallel` feature can share a recording across threads.
pub trait Base: Scalar + nalgebra::Scalar + Send + Sync {}
impl<T: Scalar + nalgebra::Scalar + Send + Sync> Base for T {}

/// A number a user function can be evaluated at: plain `f64`, a dual or hyper-dual
/// number, or a tape variable.
///
/// Write a function once, generically, and every engine of the crate can run it:
///
/// ```
/// use hyperhess::Scalar;
///
/// fn rosenbrock<S: Scalar>(x: &[S]) -> S {
///     x.windows(2)
///         .map(|w| (w[1] - w[0] * w[0]).powi(2) * 100.0 + (S::one() - w[0]).powi(2))
///         .sum()
/// }
///
/// assert_eq!(rosenbrock(&[1.0, 1.0, 1.0]), 0.0); // plain f64, at full speed
/// let h = hyperhess::forward::hessian(|x| rosenbrock(x), &[1.0, 1.0]).unwrap();
/// assert_eq!(h[(0, 0)], 802.0);
/// ```
///
/// Comparisons (`==`, `<`, ...) look at the value only, so branches in user code
/// behave as they do on `f64`; a number compares with a plain `f64` too
/// (`x > 0.0`, `x == 1.0`). A constant on the *left* of a generic number
/// (`2.0 * x`, `1.0 - x`, `0.0 < x`) cannot be promised by a trait bound: write
/// `x * 2.0`, `S::from_f64(1.0) - x`, `x > 0.0` in generic code (on concrete types
/// such as `Dual<f64>` the left forms work too).
///
/// ```
/// use hyperhess::Scalar;
///
/// fn relu_sq<S: Scalar>(x: &[S]) -> S {
///     x.iter().map(|&xi| if xi > 0.0 { xi * xi } else { S::zero() }).sum()
/// }
/// let g = hyperhess::gradient(|x| relu_sq(x), &[2.0, -1.0]).unwrap();
/// assert_eq!(g.as_slice(), &[4.0, 0.0]);
/// ```
///
/// A number type implements only the arithmetic
/// operators, [`Scalar::from_f64`], [`Scalar::value`], [`Scalar::is_finite`] and the
/// two chain-rule hooks [`Scalar::apply`] and [`Scalar::apply2`]; every elementary
/// function is a default method that names its entry in the rule table
/// ([`crate::rules`]).
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a hyperhess number type (`hyperhess::Scalar`)",
    label = "not a `hyperhess::Scalar`",
    note = "write the function generically, `fn f<S: Scalar>(x: &[S]) -> S`, and pass it as `|x| f(x)`; the number types are f64, Dual<T>, HyperDual<T> and Var<'t, T>"
)]
pub trait Scalar:
    Copy
    + Debug
    + Display
    + PartialEq
    + PartialOrd
    + PartialEq<f64>
    + PartialOrd<f64>
    + Add<Output = Self>
    + Sub<Output = Self>
    + Mul<Output = Self>
    + Div<Output = Self>
    + Neg<Output = Self>
    + AddAssign
    + SubAssign
    + MulAssign
    + DivAssign
    + Add<f64, Output = Self>
    + Sub<f64, Output = Self>
    + Mul<f64, Output = Self>
    + Div<f64, Output = Self>
    + Sum
    + Product
{
    /// A constant (derivative parts zero).
    ///
    /// ```
    /// use hyperhess::{Dual, Scalar};
    /// assert_eq!(Dual::<f64>::from_f64(2.0).eps, 0.0);
    /// ```
    fn from_f64(c: f64) -> Self;

    /// The real part, to branch on.
    ///
    /// ```
    /// use hyperhess::{Dual, Scalar};
    /// assert_eq!(Dual::new(3.0, 1.0).value(), 3.0);
    /// ```
    fn value(&self) -> f64;

    /// `true` when every part (value and derivative parts) is finite.
    ///
    /// ```
    /// use hyperhess::{Dual, Scalar};
    /// assert!(!Dual::new(1.0, f64::NAN).is_finite());
    /// ```
    fn is_finite(&self) -> bool;

    /// `true` when every part (value and derivative parts) is exactly zero. The
    /// chain rules use it to skip a zero tangent, so that an infinite derivative
    /// times a zero tangent stays zero instead of becoming NaN (`inf * 0`).
    ///
    /// ```
    /// use hyperhess::{Dual, Scalar};
    /// assert!(Dual::new(0.0, 0.0).is_zero() && !Dual::new(0.0, 1.0).is_zero());
    /// ```
    fn is_zero(&self) -> bool;

    /// Applies an elementary function of the rule table through this type's chain
    /// rule.
    ///
    /// ```
    /// use hyperhess::{rules::Unary, Dual, Scalar};
    /// let y = Dual::new(0.0, 1.0).apply(Unary::Exp);
    /// assert_eq!((y.re, y.eps), (1.0, 1.0));
    /// ```
    fn apply(self, f: Unary) -> Self;

    /// Applies a two-argument function of the rule table through this type's chain
    /// rule.
    ///
    /// ```
    /// use hyperhess::{rules::Binary, Dual, Scalar};
    /// let y = Dual::new(3.0, 1.0).apply2(Binary::Hypot, Dual::from_f64(4.0));
    /// assert_eq!((y.re, y.eps), (5.0, 0.6));
    /// ```
    fn apply2(self, f: Binary, other: Self) -> Self;

    /// Zero.
    ///
    /// ```
    /// assert_eq!(<f64 as hyperhess::Scalar>::zero(), 0.0);
    /// ```
    #[inline]
    fn zero() -> Self {
        Self::from_f64(0.0)
    }
    /// One.
    ///
    /// ```
    /// assert_eq!(<f64 as hyperhess::Scalar>::one(), 1.0);
    /// ```
    #[inline]
    fn one() -> Self {
        Self::from_f64(1.0)
    }
    /// `xs[0] * coeffs[0] + xs[1] * coeffs[1] + ...` with constant coefficients
    /// (pairs up to the shorter slice; zero when empty), summed left to right. The
    /// tape records it as one node instead of a product and a sum per term, so
    /// prefer it for a matrix-vector product with a constant matrix.
    ///
    /// ```
    /// use hyperhess::Scalar;
    /// assert_eq!(f64::dot_const(&[1.0, 2.0], &[3.0, 4.0]), 11.0);
    /// let g = hyperhess::gradient(|x| Scalar::dot_const(&[2.0, 5.0], x), &[1.0, 1.0]);
    /// assert_eq!(g.unwrap().as_slice(), &[2.0, 5.0]);
    /// ```
    #[inline]
    fn dot_const(coeffs: &[f64], xs: &[Self]) -> Self {
        coeffs.iter().zip(xs).map(|(&c, &x)| x * c).sum()
    }
    /// `1 / self`.
    ///
    /// ```
    /// use hyperhess::Scalar;
    /// assert_eq!(Scalar::recip(4.0), 0.25);
    /// ```
    #[inline]
    fn recip(self) -> Self {
        self.apply(Unary::Recip)
    }
    /// `self^n`.
    ///
    /// ```
    /// use hyperhess::Scalar;
    /// assert_eq!(Scalar::powi(2.0, 3), 8.0);
    /// ```
    #[inline]
    fn powi(self, n: i32) -> Self {
        self.apply(Unary::Powi(n))
    }
    /// `self^c` for a constant `c`.
    ///
    /// ```
    /// use hyperhess::Scalar;
    /// assert_eq!(Scalar::powf(4.0, 0.5), 2.0);
    /// ```
    #[inline]
    fn powf(self, c: f64) -> Self {
        self.apply(Unary::Powf(c))
    }
    /// `self^e`; the exponent may vary (see [`Binary::Pow`] for negative bases).
    ///
    /// ```
    /// use hyperhess::Scalar;
    /// assert_eq!(Scalar::pow(2.0, 10.0), 1024.0);
    /// ```
    #[inline]
    fn pow(self, e: Self) -> Self {
        self.apply2(Binary::Pow, e)
    }
    /// Square root.
    ///
    /// ```
    /// use hyperhess::Scalar;
    /// assert_eq!(Scalar::sqrt(9.0), 3.0);
    /// ```
    #[inline]
    fn sqrt(self) -> Self {
        self.apply(Unary::Sqrt)
    }
    /// Cube root.
    ///
    /// ```
    /// use hyperhess::Scalar;
    /// assert_eq!(Scalar::cbrt(-8.0), -2.0);
    /// ```
    #[inline]
    fn cbrt(self) -> Self {
        self.apply(Unary::Cbrt)
    }
    /// `e^self`.
    ///
    /// ```
    /// use hyperhess::Scalar;
    /// assert_eq!(Scalar::exp(0.0), 1.0);
    /// ```
    #[inline]
    fn exp(self) -> Self {
        self.apply(Unary::Exp)
    }
    /// `2^self`.
    ///
    /// ```
    /// use hyperhess::Scalar;
    /// assert_eq!(Scalar::exp2(3.0), 8.0);
    /// ```
    #[inline]
    fn exp2(self) -> Self {
        self.apply(Unary::Exp2)
    }
    /// `e^self - 1`.
    ///
    /// ```
    /// use hyperhess::Scalar;
    /// assert_eq!(Scalar::exp_m1(0.0), 0.0);
    /// ```
    #[inline]
    fn exp_m1(self) -> Self {
        self.apply(Unary::ExpM1)
    }
    /// Natural logarithm.
    ///
    /// ```
    /// use hyperhess::Scalar;
    /// assert_eq!(Scalar::ln(1.0), 0.0);
    /// ```
    #[inline]
    fn ln(self) -> Self {
        self.apply(Unary::Ln)
    }
    /// `ln(1 + self)`.
    ///
    /// ```
    /// use hyperhess::Scalar;
    /// assert_eq!(Scalar::ln_1p(0.0), 0.0);
    /// ```
    #[inline]
    fn ln_1p(self) -> Self {
        self.apply(Unary::Ln1p)
    }
    /// Base-2 logarithm.
    ///
    /// ```
    /// use hyperhess::Scalar;
    /// assert_eq!(Scalar::log2(8.0), 3.0);
    /// ```
    #[inline]
    fn log2(self) -> Self {
        self.apply(Unary::Log2)
    }
    /// Base-10 logarithm.
    ///
    /// ```
    /// use hyperhess::Scalar;
    /// assert_eq!(Scalar::log10(100.0), 2.0);
    /// ```
    #[inline]
    fn log10(self) -> Self {
        self.apply(Unary::Log10)
    }
    /// Logarithm to a constant base: `ln(self) / ln(base)`.
    ///
    /// ```
    /// use hyperhess::Scalar;
    /// assert!((Scalar::log(27.0, 3.0) - 3.0).abs() < 1e-15);
    /// ```
    #[inline]
    fn log(self, base: f64) -> Self {
        self.ln() / base.ln()
    }
    /// Sine.
    ///
    /// ```
    /// use hyperhess::Scalar;
    /// assert_eq!(Scalar::sin(0.0), 0.0);
    /// ```
    #[inline]
    fn sin(self) -> Self {
        self.apply(Unary::Sin)
    }
    /// Cosine.
    ///
    /// ```
    /// use hyperhess::Scalar;
    /// assert_eq!(Scalar::cos(0.0), 1.0);
    /// ```
    #[inline]
    fn cos(self) -> Self {
        self.apply(Unary::Cos)
    }
    /// Sine and cosine together.
    ///
    /// ```
    /// use hyperhess::Scalar;
    /// assert_eq!(Scalar::sin_cos(0.0), (0.0, 1.0));
    /// ```
    #[inline]
    fn sin_cos(self) -> (Self, Self) {
        (self.sin(), self.cos())
    }
    /// Tangent.
    ///
    /// ```
    /// use hyperhess::Scalar;
    /// assert_eq!(Scalar::tan(0.0), 0.0);
    /// ```
    #[inline]
    fn tan(self) -> Self {
        self.apply(Unary::Tan)
    }
    /// Inverse sine.
    ///
    /// ```
    /// use hyperhess::Scalar;
    /// assert_eq!(Scalar::asin(0.0), 0.0);
    /// ```
    #[inline]
    fn asin(self) -> Self {
        self.apply(Unary::Asin)
    }
    /// Inverse cosine.
    ///
    /// ```
    /// use hyperhess::Scalar;
    /// assert_eq!(Scalar::acos(1.0), 0.0);
    /// ```
    #[inline]
    fn acos(self) -> Self {
        self.apply(Unary::Acos)
    }
    /// Inverse tangent.
    ///
    /// ```
    /// use hyperhess::Scalar;
    /// assert_eq!(Scalar::atan(0.0), 0.0);
    /// ```
    #[inline]
    fn atan(self) -> Self {
        self.apply(Unary::Atan)
    }
    /// `atan2(self, x)`: the angle of the point `(x, self)`.
    ///
    /// ```
    /// use hyperhess::Scalar;
    /// assert_eq!(Scalar::atan2(0.0, 1.0), 0.0);
    /// ```
    #[inline]
    fn atan2(self, x: Self) -> Self {
        self.apply2(Binary::Atan2, x)
    }
    /// Hyperbolic sine.
    ///
    /// ```
    /// use hyperhess::Scalar;
    /// assert_eq!(Scalar::sinh(0.0), 0.0);
    /// ```
    #[inline]
    fn sinh(self) -> Self {
        self.apply(Unary::Sinh)
    }
    /// Hyperbolic cosine.
    ///
    /// ```
    /// use hyperhess::Scalar;
    /// assert_eq!(Scalar::cosh(0.0), 1.0);
    /// ```
    #[inline]
    fn cosh(self) -> Self {
        self.apply(Unary::Cosh)
    }
    /// Hyperbolic tangent.
    ///
    /// ```
    /// use hyperhess::Scalar;
    /// assert_eq!(Scalar::tanh(0.0), 0.0);
    /// ```
    #[inline]
    fn tanh(self) -> Self {
        self.apply(Unary::Tanh)
    }
    /// Inverse hyperbolic sine.
    ///
    /// ```
    /// use hyperhess::Scalar;
    /// assert_eq!(Scalar::asinh(0.0), 0.0);
    /// ```
    #[inline]
    fn asinh(self) -> Self {
        self.apply(Unary::Asinh)
    }
    /// Inverse hyperbolic cosine.
    ///
    /// ```
    /// use hyperhess::Scalar;
    /// assert_eq!(Scalar::acosh(1.0), 0.0);
    /// ```
    #[inline]
    fn acosh(self) -> Self {
        self.apply(Unary::Acosh)
    }
    /// Inverse hyperbolic tangent.
    ///
    /// ```
    /// use hyperhess::Scalar;
    /// assert_eq!(Scalar::atanh(0.0), 0.0);
    /// ```
    #[inline]
    fn atanh(self) -> Self {
        self.apply(Unary::Atanh)
    }
    /// Absolute value; its derivative at 0 is taken as 0.
    ///
    /// ```
    /// use hyperhess::Scalar;
    /// assert_eq!(Scalar::abs(-2.0), 2.0);
    /// ```
    #[inline]
    fn abs(self) -> Self {
        self.apply(Unary::Abs)
    }
    /// Sign, as `f64::signum` (`signum(0.0) = 1`); derivative 0.
    ///
    /// ```
    /// use hyperhess::Scalar;
    /// assert_eq!(Scalar::signum(-2.0), -1.0);
    /// ```
    #[inline]
    fn signum(self) -> Self {
        self.apply(Unary::Signum)
    }
    /// Largest integer `<= self`; derivative 0 ([`Unary::Floor`]).
    ///
    /// ```
    /// use hyperhess::Scalar;
    /// assert_eq!(Scalar::floor(-1.5), -2.0);
    /// ```
    #[inline]
    fn floor(self) -> Self {
        self.apply(Unary::Floor)
    }
    /// Smallest integer `>= self`; derivative 0 ([`Unary::Ceil`]).
    ///
    /// ```
    /// use hyperhess::Scalar;
    /// assert_eq!(Scalar::ceil(-1.5), -1.0);
    /// ```
    #[inline]
    fn ceil(self) -> Self {
        self.apply(Unary::Ceil)
    }
    /// Nearest integer, half away from zero; derivative 0 ([`Unary::Round`]).
    ///
    /// ```
    /// use hyperhess::Scalar;
    /// assert_eq!(Scalar::round(2.5), 3.0);
    /// ```
    #[inline]
    fn round(self) -> Self {
        self.apply(Unary::Round)
    }
    /// Integer part, toward zero; derivative 0 ([`Unary::Trunc`]).
    ///
    /// ```
    /// use hyperhess::Scalar;
    /// assert_eq!(Scalar::trunc(-1.5), -1.0);
    /// ```
    #[inline]
    fn trunc(self) -> Self {
        self.apply(Unary::Trunc)
    }
    /// `self - trunc(self)`; derivative 1 ([`Unary::Fract`]).
    ///
    /// ```
    /// use hyperhess::{Dual, Scalar};
    /// let y = Dual::new(2.25, 1.0).fract();
    /// assert_eq!((y.re, y.eps), (0.25, 1.0));
    /// ```
    #[inline]
    fn fract(self) -> Self {
        self.apply(Unary::Fract)
    }
    /// The error function.
    ///
    /// ```
    /// use hyperhess::Scalar;
    /// assert_eq!(Scalar::erf(0.0), 0.0);
    /// ```
    #[inline]
    fn erf(self) -> Self {
        self.apply(Unary::Erf)
    }
    /// `sqrt(self^2 + other^2)` without overflow.
    ///
    /// ```
    /// use hyperhess::Scalar;
    /// assert_eq!(Scalar::hypot(3.0, 4.0), 5.0);
    /// ```
    #[inline]
    fn hypot(self, other: Self) -> Self {
        self.apply2(Binary::Hypot, other)
    }
    /// `self * a + b` (fused on `f64`).
    ///
    /// ```
    /// use hyperhess::Scalar;
    /// assert_eq!(Scalar::mul_add(2.0, 3.0, 1.0), 7.0);
    /// ```
    #[inline]
    fn mul_add(self, a: Self, b: Self) -> Self {
        self * a + b
    }
    /// The smaller by value. At a tie the result is the midpoint `(self + other) / 2`,
    /// whose derivative is the mean of both (the midpoint of the subgradient); a NaN
    /// argument is ignored, as in `f64::min`.
    ///
    /// ```
    /// use hyperhess::{Dual, Scalar};
    /// let m = Dual::new(1.0, 1.0).min(Dual::new(1.0, 0.0));
    /// assert_eq!((m.re, m.eps), (1.0, 0.5));
    /// ```
    #[inline]
    fn min(self, other: Self) -> Self {
        pick(self, other, |a, b| a < b)
    }
    /// The larger by value; ties and NaN as in [`Scalar::min`].
    ///
    /// ```
    /// use hyperhess::Scalar;
    /// assert_eq!(Scalar::max(1.0, 2.0), 2.0);
    /// ```
    #[inline]
    fn max(self, other: Self) -> Self {
        pick(self, other, |a, b| a > b)
    }
}

/// `d * t`, or zero when the tangent `t` or the partial `d` is zero (even when the
/// other factor is infinite): the chain rules' product of a partial and a tangent.
/// A path through a zero factor contributes nothing, on every engine (the tape's
/// sweeps skip the same products).
#[inline]
pub(crate) fn along<S: Scalar>(d: S, t: S) -> S {
    if t.is_zero() {
        t
    } else if d.is_zero() {
        d
    } else {
        d * t
    }
}

/// `min`/`max` by value with the documented tie and NaN rules.
#[inline]
fn pick<S: Scalar>(a: S, b: S, first_wins: impl Fn(f64, f64) -> bool) -> S {
    let (va, vb) = (a.value(), b.value());
    if first_wins(va, vb) {
        a
    } else if first_wins(vb, va) {
        b
    } else if va == vb {
        a * 0.5 + b * 0.5
    } else if va.is_nan() {
        b
    } else {
        a
    }
}

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
    fn is_zero(&self) -> bool {
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
