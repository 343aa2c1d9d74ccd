//! [`Objective`]: a function as a value, evaluated at any [`Scalar`]. Every driver
//! takes a closure, and `|x| objective.eval(x)` is one; the drivers that choose
//! the engine for the caller ([`crate::derivatives_of`], the Newton step, the
//! checks) take the `Objective` itself.
//!
//! ```
//! use hyperhess::{Objective, Scalar};
//!
//! struct Quadratic;
//! impl Objective for Quadratic {
//!     fn eval<S: Scalar>(&self, x: &[S]) -> S {
//!         x[0] * x[0] + x[0] * x[1] * 3.0
//!     }
//! }
//!
//! let g = hyperhess::gradient(|x| Quadratic.eval(x), &[1.0, 2.0]).unwrap();
//! assert_eq!(g.as_slice(), &[8.0, 3.0]);
//! ```

use crate::scalar::Scalar;

/// A function of a point, written once and evaluated at several scalar types: plain
/// `f64` (a line search, a finite-difference check), tape variables (gradients,
/// Hessians, Hessian-vector products), dual numbers (the forward engine).
///
/// An objective is a value: a struct that may carry data (observations, parameters)
/// and uses it as `f64` constants inside [`Objective::eval`].
///
/// ```
/// use hyperhess::{Objective, Scalar};
///
/// /// Least squares of a line through observations.
/// struct LineFit {
///     t: Vec<f64>,
///     y: Vec<f64>,
/// }
///
/// impl Objective for LineFit {
///     fn eval<S: Scalar>(&self, p: &[S]) -> S {
///         self.t
///             .iter()
///             .zip(&self.y)
///             .map(|(&t, &y)| (p[0] + p[1] * t - y).powi(2))
///             .sum()
///     }
/// }
///
/// let fit = LineFit { t: vec![0.0, 1.0, 2.0], y: vec![1.0, 3.0, 5.0] };
/// assert_eq!(fit.eval(&[1.0, 2.0]), 0.0); // plain f64
/// let h = hyperhess::hessian(|p| fit.eval(p), &[0.0, 0.0]).unwrap(); // tape variables
/// assert_eq!(h, nalgebra::dmatrix![6.0, 6.0; 6.0, 10.0]);
/// ```
///
/// # Why a trait and not a closure
///
/// The tape drivers ([`crate::gradient`] and friends) take a closure of type
/// `Fn(&[Var]) -> Var`. A generic function passed by name, or a closure written
/// in the call, fits; a closure stored in a `let` without a type on its argument
/// gets one fixed reference lifetime, and does not:
///
/// ```compile_fail
/// use hyperhess::Scalar;
/// fn f<S: Scalar>(x: &[S]) -> S { x[0] * x[0] }
/// let g = |x| f(x);
/// let _ = hyperhess::gradient(g, &[1.0]); // error: not general enough
/// ```
///
/// and a generic function `fn f<S: Scalar>` cannot be stored as a value at all
/// without choosing `S`. An `Objective` can be stored, passed around, and evaluated
/// at `f64` in one place and at `Var` in another:
///
/// ```
/// use hyperhess::{Objective, Scalar};
/// struct Square;
/// impl Objective for Square {
///     fn eval<S: Scalar>(&self, x: &[S]) -> S {
///         x[0] * x[0]
///     }
/// }
/// let f = Square;
/// assert_eq!(f.eval(&[3.0]), 9.0);
/// assert_eq!(hyperhess::derivatives_of(&f, &[3.0]).unwrap().gradient[0], 6.0);
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a `hyperhess::Objective`",
    label = "the `*_of` drivers take an `Objective`",
    note = "implement `Objective` (one generic method, `fn eval<S: Scalar>(&self, x: &[S]) -> S`), or pass a closure `|x| f(x)` to the plain drivers (`gradient`, `hessian`, ...)"
)]
pub trait Objective {
    /// The value of the function at `x`, computed in the scalar type `S`.
    ///
    /// ```
    /// use hyperhess::{Objective, Scalar};
    /// struct Sum;
    /// impl Objective for Sum {
    ///     fn eval<S: Scalar>(&self, x: &[S]) -> S {
    ///         x.iter().copied().sum()
    ///     }
    /// }
    /// assert_eq!(Sum.eval(&[1.0, 2.0]), 3.0);
    /// ```
    fn eval<S: Scalar>(&self, x: &[S]) -> S;
}

/// A reference to an objective is an objective.
///
/// ```
/// use hyperhess::{Objective, Scalar};
/// struct Cube;
/// impl Objective for Cube {
///     fn eval<S: Scalar>(&self, x: &[S]) -> S {
///         x[0].powi(3)
///     }
/// }
/// let r = &Cube;
/// assert_eq!(hyperhess::derivatives_of(&r, &[2.0]).unwrap().gradient[0], 12.0);
/// ```
impl<O: Objective + ?Sized> Objective for &O {
    #[inline]
    fn eval<S: Scalar>(&self, x: &[S]) -> S {
        (**self).eval(x)
    }
}
