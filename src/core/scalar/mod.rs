//! The [`Scalar`] trait: the contract user functions are written against.
//!
//! - here: [`Base`], [`Scalar`] (its required methods, and the chain-rule helpers);
//! - `elementary`: its elementary functions, each a default method naming its
//!   entry in the rule table;
//! - `f64`: plain `f64`, the number type that is not a derivative;
//! - `determinant`: [`Determinant`], `m.determinant()` for nalgebra matrices of
//!   any `Scalar`.

mod determinant;
mod elementary;
mod f64;

pub use determinant::Determinant;

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
    note = "write the function generically, `fn f<S: Scalar>(x: &[S]) -> S`; the number types are f64, Dual<T>, HyperDual<T>, Dual2<T, N> and Var<T>"
)]
pub trait Scalar:
    Copy
    + nalgebra::Scalar
    + nalgebra::SimdRealField
    + Send
    + Sync
    + 'static
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

    /// `true` when every part (value and derivative parts) is exactly zero (a tape
    /// variable: only a constant zero). The chain rules use it to skip a zero
    /// tangent, so that an infinite derivative times a zero tangent stays zero
    /// instead of becoming NaN (`inf * 0`). It is what `num_traits::Zero::is_zero`
    /// (`x.is_zero()` in generic code) answers on every number type.
    ///
    /// ```
    /// use hyperhess::{Dual, Scalar};
    /// assert!(Dual::new(0.0, 0.0).parts_zero() && !Dual::new(0.0, 1.0).parts_zero());
    /// fn zero_tangent<S: Scalar>(x: S) -> bool { x.is_zero() } // num_traits::Zero
    /// assert!(!zero_tangent(Dual::new(0.0, 1.0)));
    /// ```
    fn parts_zero(&self) -> bool;

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
    crate::scalar::elementary::elementary_functions!();
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

/// `min`/`max` by value with the documented tie and NaN rules. Through the
/// comparison operators, so that a tape records them as guards.
#[inline]
#[allow(clippy::eq_op)]
fn pick<S: Scalar>(a: S, b: S, first_wins: impl Fn(&S, &S) -> bool) -> S {
    if first_wins(&a, &b) {
        a
    } else if first_wins(&b, &a) {
        b
    } else if a == b {
        a * 0.5 + b * 0.5
    } else if a != a {
        // `a` is NaN (compared, so that a tape guards it).
        b
    } else {
        a
    }
}
