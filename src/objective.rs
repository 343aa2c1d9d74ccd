//! [`Objective`]: a function as a value, evaluated at any [`Scalar`], and the driver
//! forms that take one ([`gradient_of`], [`hessian_of`], [`hvp_of`],
//! [`derivatives_of`], [`record_of`] and their `_with` variants, plus
//! [`forward::gradient_of`] and [`forward::hessian_of`] on the forward engine).
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
//! let g = hyperhess::gradient_of(&Quadratic, &[1.0, 2.0]).unwrap();
//! assert_eq!(g.as_slice(), &[8.0, 3.0]);
//! ```

use crate::drivers::Derivatives;
use crate::error::Error;
use crate::forward::Base;
use crate::options::Options;
use crate::scalar::Scalar;
use crate::tape::Recording;
use nalgebra::{DMatrix, DVector};

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
/// let h = hyperhess::hessian_of(&fit, &[0.0, 0.0]).unwrap(); // tape variables
/// assert_eq!(h, nalgebra::dmatrix![6.0, 6.0; 6.0, 10.0]);
/// ```
///
/// # Why a trait and not a closure
///
/// The tape drivers ([`crate::gradient`] and friends) take a closure of type
/// `for<'t> Fn(&[Var<'t>]) -> Var<'t>`: one that works for *every* tape lifetime
/// `'t`, which is what keeps variables from escaping their recording. Rust infers
/// that higher-ranked signature only for a closure written directly in the call. A
/// closure stored in a `let` first gets one fixed lifetime, and no longer fits:
///
/// ```compile_fail
/// let f = |x: &[hyperhess::Var]| x[0] * x[0];
/// let g = hyperhess::gradient(f, &[1.0]); // error: lifetime may not live long enough
/// ```
///
/// and a generic function `fn f<S: Scalar>` cannot be stored as a value at all
/// without choosing `S`. An `Objective` can be stored, passed around, and evaluated
/// at `f64` in one place and at `Var<'t>` in another:
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
/// assert_eq!(hyperhess::gradient_of(&f, &[3.0]).unwrap()[0], 6.0);
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
/// assert_eq!(hyperhess::gradient_of(&r, &[2.0]).unwrap()[0], 12.0);
/// ```
impl<O: Objective + ?Sized> Objective for &O {
    #[inline]
    fn eval<S: Scalar>(&self, x: &[S]) -> S {
        (**self).eval(x)
    }
}

/// [`crate::gradient`] of an [`Objective`].
///
/// ```
/// # use hyperhess::{Objective, Scalar};
/// # struct Rosenbrock;
/// # impl Objective for Rosenbrock {
/// #     fn eval<S: Scalar>(&self, x: &[S]) -> S { hyperhess::testfns::rosenbrock(x) }
/// # }
/// let g = hyperhess::gradient_of(&Rosenbrock, &[1.0, 1.0]).unwrap();
/// assert_eq!(g.as_slice(), &[0.0, 0.0]);
/// ```
pub fn gradient_of<O: Objective, T: Base>(objective: &O, x: &[T]) -> Result<DVector<T>, Error> {
    crate::gradient(|x| objective.eval(x), x)
}

/// [`crate::gradient_with`] of an [`Objective`].
///
/// ```
/// use hyperhess::{Objective, Options, Scalar};
/// struct FirstOnly;
/// impl Objective for FirstOnly {
///     fn eval<S: Scalar>(&self, x: &[S]) -> S {
///         x[0] * 2.0
///     }
/// }
/// let strict = Options { strict: true, ..Options::default() };
/// assert!(hyperhess::gradient_of_with(&FirstOnly, &[1.0, 1.0], &strict).is_err());
/// ```
pub fn gradient_of_with<O: Objective, T: Base>(
    objective: &O,
    x: &[T],
    options: &Options,
) -> Result<DVector<T>, Error> {
    crate::gradient_with(|x| objective.eval(x), x, options)
}

/// [`crate::hessian`] of an [`Objective`].
///
/// ```
/// # use hyperhess::{Objective, Scalar};
/// # struct Rosenbrock;
/// # impl Objective for Rosenbrock {
/// #     fn eval<S: Scalar>(&self, x: &[S]) -> S { hyperhess::testfns::rosenbrock(x) }
/// # }
/// let h = hyperhess::hessian_of(&Rosenbrock, &[1.0, 1.0]).unwrap();
/// assert_eq!(h, nalgebra::dmatrix![802.0, -400.0; -400.0, 200.0]);
/// ```
pub fn hessian_of<O: Objective, T: Base>(objective: &O, x: &[T]) -> Result<DMatrix<T>, Error> {
    crate::hessian(|x| objective.eval(x), x)
}

/// [`crate::hessian_with`] of an [`Objective`].
///
/// ```
/// # use hyperhess::{Objective, Scalar};
/// # struct Rosenbrock;
/// # impl Objective for Rosenbrock {
/// #     fn eval<S: Scalar>(&self, x: &[S]) -> S { hyperhess::testfns::rosenbrock(x) }
/// # }
/// use hyperhess::Options;
/// let opts = Options { lanes: Some(1), ..Options::default() };
/// let h = hyperhess::hessian_of_with(&Rosenbrock, &[1.0, 1.0], &opts);
/// assert_eq!(h.unwrap()[(0, 1)], -400.0);
/// ```
pub fn hessian_of_with<O: Objective, T: Base>(
    objective: &O,
    x: &[T],
    options: &Options,
) -> Result<DMatrix<T>, Error> {
    crate::hessian_with(|x| objective.eval(x), x, options)
}

/// [`crate::hvp`] of an [`Objective`]: `∇²f(x) v`.
///
/// ```
/// # use hyperhess::{Objective, Scalar};
/// # struct Rosenbrock;
/// # impl Objective for Rosenbrock {
/// #     fn eval<S: Scalar>(&self, x: &[S]) -> S { hyperhess::testfns::rosenbrock(x) }
/// # }
/// let hv = hyperhess::hvp_of(&Rosenbrock, &[1.0, 1.0], &[1.0, 0.0]);
/// assert_eq!(hv.unwrap().as_slice(), &[802.0, -400.0]);
/// ```
pub fn hvp_of<O: Objective, T: Base>(objective: &O, x: &[T], v: &[T]) -> Result<DVector<T>, Error> {
    crate::hvp(|x| objective.eval(x), x, v)
}

/// [`crate::hvp_with`] of an [`Objective`].
///
/// ```
/// # use hyperhess::{Objective, Scalar};
/// # struct Rosenbrock;
/// # impl Objective for Rosenbrock {
/// #     fn eval<S: Scalar>(&self, x: &[S]) -> S { hyperhess::testfns::rosenbrock(x) }
/// # }
/// let hv = hyperhess::hvp_of_with(
///     &Rosenbrock,
///     &[1.0, 1.0],
///     &[0.0, 1.0],
///     &Default::default(),
/// );
/// assert_eq!(hv.unwrap().as_slice(), &[-400.0, 200.0]);
/// ```
pub fn hvp_of_with<O: Objective, T: Base>(
    objective: &O,
    x: &[T],
    v: &[T],
    options: &Options,
) -> Result<DVector<T>, Error> {
    crate::hvp_with(|x| objective.eval(x), x, v, options)
}

/// [`crate::derivatives`] of an [`Objective`]: value, gradient and Hessian from one
/// recording.
///
/// ```
/// # use hyperhess::{Objective, Scalar};
/// # struct Rosenbrock;
/// # impl Objective for Rosenbrock {
/// #     fn eval<S: Scalar>(&self, x: &[S]) -> S { hyperhess::testfns::rosenbrock(x) }
/// # }
/// let d = hyperhess::derivatives_of(&Rosenbrock, &[0.0, 0.0]).unwrap();
/// assert_eq!((d.value, d.gradient[0], d.hessian[(0, 0)]), (1.0, -2.0, 2.0));
/// ```
pub fn derivatives_of<O: Objective, T: Base>(
    objective: &O,
    x: &[T],
) -> Result<Derivatives<T>, Error> {
    crate::derivatives(|x| objective.eval(x), x)
}

/// [`crate::derivatives_with`] of an [`Objective`].
///
/// ```
/// # use hyperhess::{Objective, Scalar};
/// # struct Rosenbrock;
/// # impl Objective for Rosenbrock {
/// #     fn eval<S: Scalar>(&self, x: &[S]) -> S { hyperhess::testfns::rosenbrock(x) }
/// # }
/// let d = hyperhess::derivatives_of_with(
///     &Rosenbrock,
///     &[0.0, 0.0],
///     &Default::default(),
/// );
/// assert_eq!(d.unwrap().gradient.as_slice(), &[-2.0, 0.0]);
/// ```
pub fn derivatives_of_with<O: Objective, T: Base>(
    objective: &O,
    x: &[T],
    options: &Options,
) -> Result<Derivatives<T>, Error> {
    crate::derivatives_with(|x| objective.eval(x), x, options)
}

/// [`crate::record`] of an [`Objective`]: record once, then replay for the gradient,
/// Hessian-vector products and the Hessian.
///
/// ```
/// # use hyperhess::{Objective, Scalar};
/// # struct Rosenbrock;
/// # impl Objective for Rosenbrock {
/// #     fn eval<S: Scalar>(&self, x: &[S]) -> S { hyperhess::testfns::rosenbrock(x) }
/// # }
/// let rec = hyperhess::record_of(&Rosenbrock, &[1.0, 1.0]).unwrap();
/// assert_eq!(rec.value(), 0.0);
/// assert_eq!(rec.hvp(&[1.0, 1.0]).unwrap().as_slice(), &[402.0, -200.0]);
/// ```
pub fn record_of<O: Objective, T: Base>(objective: &O, x: &[T]) -> Result<Recording<T>, Error> {
    crate::record(|x| objective.eval(x), x)
}

/// [`crate::sparse_hessian`] of an [`Objective`].
///
/// ```
/// # use hyperhess::{Objective, Scalar};
/// # struct Rosenbrock;
/// # impl Objective for Rosenbrock {
/// #     fn eval<S: Scalar>(&self, x: &[S]) -> S { hyperhess::testfns::rosenbrock(x) }
/// # }
/// let h = hyperhess::sparse_hessian_of(&Rosenbrock, &[1.0; 5]).unwrap();
/// assert_eq!(h.nnz(), 13); // tridiagonal
/// ```
pub fn sparse_hessian_of<O: Objective>(
    objective: &O,
    x: &[f64],
) -> Result<nalgebra_sparse::CscMatrix<f64>, Error> {
    crate::sparse_hessian(|x| objective.eval(x), x)
}

/// [`crate::hessian_diagonal`] of an [`Objective`].
///
/// ```
/// # use hyperhess::{Objective, Scalar};
/// # struct Rosenbrock;
/// # impl Objective for Rosenbrock {
/// #     fn eval<S: Scalar>(&self, x: &[S]) -> S { hyperhess::testfns::rosenbrock(x) }
/// # }
/// let d = hyperhess::hessian_diagonal_of(&Rosenbrock, &[1.0, 1.0]).unwrap();
/// assert_eq!(d.as_slice(), &[802.0, 200.0]);
/// ```
pub fn hessian_diagonal_of<O: Objective>(objective: &O, x: &[f64]) -> Result<DVector<f64>, Error> {
    crate::hessian_diagonal(|x| objective.eval(x), x)
}

/// [`crate::SparsePlan::new`] for an [`Objective`]; evaluate it with
/// `plan.hessian(|x| objective.eval(x), &x)`.
///
/// ```
/// # use hyperhess::{Objective, Scalar};
/// # struct Rosenbrock;
/// # impl Objective for Rosenbrock {
/// #     fn eval<S: Scalar>(&self, x: &[S]) -> S { hyperhess::testfns::rosenbrock(x) }
/// # }
/// let plan = hyperhess::sparse_plan_of(&Rosenbrock, &[0.5; 50]).unwrap();
/// let h = plan.hessian(|x| Rosenbrock.eval(x), &[1.0; 50]).unwrap();
/// assert_eq!(h.nnz(), 148);
/// ```
pub fn sparse_plan_of<O: Objective>(objective: &O, x: &[f64]) -> Result<crate::SparsePlan, Error> {
    crate::SparsePlan::new(|x| objective.eval(x), x)
}

/// The forward engine ([`crate::forward`]) on an [`Objective`].
///
/// ```
/// # use hyperhess::{Objective, Scalar};
/// # struct Rosenbrock;
/// # impl Objective for Rosenbrock {
/// #     fn eval<S: Scalar>(&self, x: &[S]) -> S { hyperhess::testfns::rosenbrock(x) }
/// # }
/// let h = hyperhess::objective::forward::hessian_of(&Rosenbrock, &[1.0, 1.0]);
/// assert_eq!(h.unwrap()[(0, 0)], 802.0);
/// ```
pub mod forward {
    use super::Objective;
    use crate::error::Error;
    use crate::forward::Base;
    use nalgebra::{DMatrix, DVector};

    /// [`crate::forward::gradient`] of an [`Objective`]: `n` dual-number evaluations.
    ///
    /// ```
    /// # use hyperhess::{Objective, Scalar};
    /// # struct Rosenbrock;
    /// # impl Objective for Rosenbrock {
    /// #     fn eval<S: Scalar>(&self, x: &[S]) -> S { hyperhess::testfns::rosenbrock(x) }
    /// # }
    /// use hyperhess::objective::forward;
    /// let g = forward::gradient_of(&Rosenbrock, &[0.0, 0.0]).unwrap();
    /// assert_eq!(g.as_slice(), &[-2.0, 0.0]);
    /// ```
    pub fn gradient_of<O: Objective, T: Base>(objective: &O, x: &[T]) -> Result<DVector<T>, Error> {
        crate::forward::gradient(|x| objective.eval(x), x)
    }

    /// [`crate::forward::hessian`] of an [`Objective`]: `n(n+1)/2` hyper-dual
    /// evaluations, exactly symmetric.
    ///
    /// ```
    /// # use hyperhess::{Objective, Scalar};
    /// # struct Rosenbrock;
    /// # impl Objective for Rosenbrock {
    /// #     fn eval<S: Scalar>(&self, x: &[S]) -> S { hyperhess::testfns::rosenbrock(x) }
    /// # }
    /// use hyperhess::objective::forward;
    /// let h = forward::hessian_of(&Rosenbrock, &[1.0, 1.0]).unwrap();
    /// assert_eq!(h, nalgebra::dmatrix![802.0, -400.0; -400.0, 200.0]);
    /// ```
    pub fn hessian_of<O: Objective, T: Base>(objective: &O, x: &[T]) -> Result<DMatrix<T>, Error> {
        crate::forward::hessian(|x| objective.eval(x), x)
    }
}
