//! [argmin](https://docs.rs/argmin) adapters (feature `argmin`): exact gradients and
//! Hessians of an [`Objective`] for argmin's solvers, on nalgebra 0.34 types
//! (argmin-math's `nalgebra_v0_34` backend), so no conversions are needed.
//!
//! - [`ArgminObjective`]: `CostFunction`, `Gradient` and `Hessian` with dense
//!   Hessians (`DMatrix<f64>`), for argmin's `Newton` and any solver that wants the
//!   matrix;
//! - [`MatrixFree`]: the same, but its Hessian is a [`HessianOperator`]: the function
//!   recorded once at the point, whose products `H v` (argmin's `ArgminDot`) each
//!   cost one tangent and one reverse sweep and no `n x n` matrix. For `NewtonCG`
//!   and `TrustRegion` with `Steihaug`.
//!
//! ```
//! use argmin::core::{Executor, State};
//! use argmin::solver::newton::Newton;
//! use hyperhess::argmin::ArgminObjective;
//! use hyperhess::{Objective, Scalar};
//! use nalgebra::dvector;
//!
//! struct Rosenbrock;
//! impl Objective for Rosenbrock {
//!     fn eval<S: Scalar>(&self, x: &[S]) -> S {
//!         hyperhess::testfns::rosenbrock(x)
//!     }
//! }
//!
//! let result = Executor::new(ArgminObjective::new(Rosenbrock), Newton::<f64>::new())
//!     .configure(|state| state.param(dvector![-1.2, 1.0]).max_iters(20))
//!     .run()
//!     .unwrap();
//! let best = result.state().get_best_param().unwrap();
//! assert!((best[0] - 1.0).abs() < 1e-10 && (best[1] - 1.0).abs() < 1e-10);
//! ```

use crate::objective::Objective;
use crate::options::Options;
use crate::recording::Recording;
use ::argmin::core::{CostFunction, Error as ArgminError, Gradient, Hessian};
use argmin_math::ArgminDot;
use nalgebra::{DMatrix, DVector};
use std::cell::RefCell;
use std::rc::Rc;

/// An [`Objective`] as an argmin problem with dense derivatives: `Param` and
/// `Gradient` are `DVector<f64>`, `Hessian` is `DMatrix<f64>`. Failures (a
/// non-finite value or derivative) come back as argmin errors wrapping
/// [`crate::Error`].
///
/// ```
/// use argmin::core::{Gradient, Hessian};
/// use hyperhess::argmin::ArgminObjective;
/// use hyperhess::{Objective, Scalar};
/// use nalgebra::{dmatrix, dvector};
///
/// struct Product;
/// impl Objective for Product {
///     fn eval<S: Scalar>(&self, x: &[S]) -> S {
///         x[0] * x[1]
///     }
/// }
/// let problem = ArgminObjective::new(Product);
/// assert_eq!(problem.gradient(&dvector![2.0, 3.0]).unwrap(), dvector![3.0, 2.0]);
/// assert_eq!(problem.hessian(&dvector![2.0, 3.0]).unwrap(), dmatrix![0.0, 1.0; 1.0, 0.0]);
/// ```
#[derive(Clone, Debug)]
pub struct ArgminObjective<O> {
    /// The objective.
    pub objective: O,
    /// Tape options of the Hessian ([`crate::hessian_with`]).
    pub options: Options,
}

impl<O: Objective> ArgminObjective<O> {
    /// Wraps `objective` with the default [`Options`].
    ///
    /// ```
    /// # use hyperhess::{Objective, Scalar};
    /// # struct Square;
    /// # impl Objective for Square {
    /// #     fn eval<S: Scalar>(&self, x: &[S]) -> S { x[0] * x[0] }
    /// # }
    /// let problem = hyperhess::argmin::ArgminObjective::new(Square);
    /// assert_eq!(problem.options, hyperhess::Options::default());
    /// ```
    pub fn new(objective: O) -> Self {
        ArgminObjective {
            objective,
            options: Options::default(),
        }
    }
}

impl<O: Objective> CostFunction for ArgminObjective<O> {
    type Param = DVector<f64>;
    type Output = f64;

    fn cost(&self, param: &DVector<f64>) -> Result<f64, ArgminError> {
        Ok(self.objective.eval(param.as_slice()))
    }
}

impl<O: Objective> Gradient for ArgminObjective<O> {
    type Param = DVector<f64>;
    type Gradient = DVector<f64>;

    fn gradient(&self, param: &DVector<f64>) -> Result<DVector<f64>, ArgminError> {
        Ok(crate::front_door::gradient(
            |x| self.objective.eval(x),
            param.as_slice(),
        )?)
    }
}

impl<O: Objective> Hessian for ArgminObjective<O> {
    type Param = DVector<f64>;
    type Hessian = DMatrix<f64>;

    fn hessian(&self, param: &DVector<f64>) -> Result<DMatrix<f64>, ArgminError> {
        let x = param.as_slice();
        Ok(crate::front_door::hessian_with(
            |x| self.objective.eval(x),
            x,
            &self.options,
        )?)
    }
}

/// The Hessian of a function at one point as a linear operator: the function
/// recorded once ([`Recording`]), each product `H v` one replay
/// ([`Recording::hvp`]). argmin's `NewtonCG` and `Steihaug` only need products
/// (`H: ArgminDot<P, P>` and `Clone`), which this provides without forming the
/// matrix.
///
/// `ArgminDot::dot` cannot fail, so a direction of the wrong length or with
/// non-finite entries gives a vector of NaN (which argmin's solvers then report);
/// [`HessianOperator::hvp`] returns the typed error instead.
///
/// ```
/// use argmin::core::Hessian;
/// use argmin_math::ArgminDot;
/// use hyperhess::argmin::MatrixFree;
/// use hyperhess::{Objective, Scalar};
/// use nalgebra::dvector;
///
/// struct Cubes;
/// impl Objective for Cubes {
///     fn eval<S: Scalar>(&self, x: &[S]) -> S {
///         x[0].powi(3) + x[0] * x[1]
///     }
/// }
/// let h = MatrixFree::new(Cubes).hessian(&dvector![1.0, 5.0]).unwrap();
/// assert_eq!(h.dot(&dvector![1.0, 0.0]), dvector![6.0, 1.0]);
/// assert_eq!(h.dot(&dvector![0.0, 1.0]), dvector![1.0, 0.0]);
/// ```
#[derive(Clone, Debug)]
pub struct HessianOperator {
    recording: Rc<Recording<f64>>,
}

impl HessianOperator {
    /// Records `objective` at `x`.
    ///
    /// Errors: those of [`crate::record`].
    ///
    /// ```
    /// # use hyperhess::{Objective, Scalar};
    /// # struct Square;
    /// # impl Objective for Square {
    /// #     fn eval<S: Scalar>(&self, x: &[S]) -> S { x[0] * x[0] }
    /// # }
    /// let h = hyperhess::argmin::HessianOperator::new(&Square, &[3.0]).unwrap();
    /// assert_eq!(h.hvp(&[1.0]).unwrap()[0], 2.0);
    /// ```
    pub fn new<O: Objective>(objective: &O, x: &[f64]) -> Result<Self, crate::error::Error> {
        Ok(HessianOperator {
            recording: Rc::new(crate::recording::record(|x| objective.eval(x), x)?),
        })
    }

    /// Wraps an existing recording.
    ///
    /// ```
    /// let rec = hyperhess::record(|x| x[0] * x[1], &[1.0, 2.0]).unwrap();
    /// let h = hyperhess::argmin::HessianOperator::from_recording(rec);
    /// assert_eq!(h.recording().value(), 2.0);
    /// ```
    pub fn from_recording(recording: Recording<f64>) -> Self {
        HessianOperator {
            recording: Rc::new(recording),
        }
    }

    /// The recording behind the operator (value, gradient, dense Hessian).
    ///
    /// ```
    /// let rec = hyperhess::record(|x| x[0] * x[1], &[1.0, 2.0]).unwrap();
    /// let h = hyperhess::argmin::HessianOperator::from_recording(rec);
    /// assert_eq!(h.recording().gradient().as_slice(), &[2.0, 1.0]);
    /// ```
    pub fn recording(&self) -> &Recording<f64> {
        &self.recording
    }

    /// The product `H v`, with typed errors ([`Recording::hvp`]).
    ///
    /// ```
    /// let rec = hyperhess::record(|x| x[0] * x[1], &[1.0, 2.0]).unwrap();
    /// let h = hyperhess::argmin::HessianOperator::from_recording(rec);
    /// assert_eq!(h.hvp(&[1.0, 0.0]).unwrap().as_slice(), &[0.0, 1.0]);
    /// assert!(h.hvp(&[1.0]).is_err());
    /// ```
    pub fn hvp(&self, v: &[f64]) -> Result<DVector<f64>, crate::error::Error> {
        self.recording.hvp(v)
    }

    /// The dense Hessian (`ceil(n / 8)` sweeps), when a solver or a user wants it
    /// after all.
    ///
    /// ```
    /// let rec = hyperhess::record(|x| x[0] * x[1], &[1.0, 2.0]).unwrap();
    /// let h = hyperhess::argmin::HessianOperator::from_recording(rec);
    /// assert_eq!(h.to_dense().unwrap(), nalgebra::dmatrix![0.0, 1.0; 1.0, 0.0]);
    /// ```
    pub fn to_dense(&self) -> Result<DMatrix<f64>, crate::error::Error> {
        self.recording.hessian()
    }
}

impl ArgminDot<DVector<f64>, DVector<f64>> for HessianOperator {
    fn dot(&self, other: &DVector<f64>) -> DVector<f64> {
        self.recording
            .hvp(other.as_slice())
            .unwrap_or_else(|_| DVector::from_element(self.recording.inputs(), f64::NAN))
    }
}

/// An [`Objective`] as an argmin problem with a matrix-free Hessian: `Param` and
/// `Gradient` are `DVector<f64>`, `Hessian` is a [`HessianOperator`]. One recording
/// per point: the last recording is kept, so a solver asking for the gradient and
/// then the Hessian at the same point (as `NewtonCG` does) records once.
///
/// The cache makes `MatrixFree` neither `Sync` nor `Send` (a recording is
/// single-threaded); argmin's sequential solvers need neither.
///
/// ```
/// use argmin::core::{Executor, State};
/// use argmin::solver::linesearch::MoreThuenteLineSearch;
/// use argmin::solver::newton::NewtonCG;
/// use hyperhess::argmin::MatrixFree;
/// use hyperhess::{Objective, Scalar};
/// use nalgebra::DVector;
///
/// /// `logsumexp(A x) + |x|²/2`: strongly convex, with data.
/// struct LogSumExp {
///     a: Vec<Vec<f64>>,
/// }
/// impl Objective for LogSumExp {
///     fn eval<S: Scalar>(&self, x: &[S]) -> S {
///         hyperhess::testfns::log_sum_exp(&self.a, x)
///     }
/// }
///
/// let f = LogSumExp { a: hyperhess::testfns::LogSumExp::random(20, 10, 1).a };
/// let linesearch = MoreThuenteLineSearch::<DVector<f64>, DVector<f64>, f64>::new();
/// let result = Executor::new(MatrixFree::new(f), NewtonCG::new(linesearch))
///     .configure(|state| state.param(DVector::from_element(10, 1.0)).max_iters(100))
///     .run()
///     .unwrap();
/// let x = result.state().get_best_param().unwrap();
/// let f = LogSumExp { a: hyperhess::testfns::LogSumExp::random(20, 10, 1).a };
/// assert!(hyperhess::gradient(|x| f.eval(x), x.as_slice()).unwrap().norm() < 1e-8);
/// ```
#[derive(Debug)]
pub struct MatrixFree<O> {
    /// The objective.
    pub objective: O,
    last: RefCell<Option<(DVector<f64>, HessianOperator)>>,
}

impl<O: Objective> MatrixFree<O> {
    /// Wraps `objective`.
    ///
    /// ```
    /// # use hyperhess::{Objective, Scalar};
    /// # struct Square;
    /// # impl Objective for Square {
    /// #     fn eval<S: Scalar>(&self, x: &[S]) -> S { x[0] * x[0] }
    /// # }
    /// use argmin::core::CostFunction;
    /// let problem = hyperhess::argmin::MatrixFree::new(Square);
    /// assert_eq!(problem.cost(&nalgebra::dvector![3.0]).unwrap(), 9.0);
    /// ```
    pub fn new(objective: O) -> Self {
        MatrixFree {
            objective,
            last: RefCell::new(None),
        }
    }

    /// The recording at `x`: the cached one if `x` is the last point, else a new one.
    ///
    /// ```
    /// # use hyperhess::{Objective, Scalar};
    /// # struct Square;
    /// # impl Objective for Square {
    /// #     fn eval<S: Scalar>(&self, x: &[S]) -> S { x[0] * x[0] }
    /// # }
    /// let problem = hyperhess::argmin::MatrixFree::new(Square);
    /// let h = problem.operator(&nalgebra::dvector![3.0]).unwrap();
    /// assert_eq!(h.recording().gradient()[0], 6.0);
    /// ```
    pub fn operator(&self, x: &DVector<f64>) -> Result<HessianOperator, crate::error::Error> {
        if let Some((at, op)) = self.last.borrow().as_ref()
            && at == x
        {
            return Ok(op.clone());
        }
        let op = HessianOperator::new(&self.objective, x.as_slice())?;
        *self.last.borrow_mut() = Some((x.clone(), op.clone()));
        Ok(op)
    }
}

impl<O: Objective + Clone> Clone for MatrixFree<O> {
    fn clone(&self) -> Self {
        MatrixFree::new(self.objective.clone())
    }
}

impl<O: Objective> CostFunction for MatrixFree<O> {
    type Param = DVector<f64>;
    type Output = f64;

    fn cost(&self, param: &DVector<f64>) -> Result<f64, ArgminError> {
        Ok(self.objective.eval(param.as_slice()))
    }
}

impl<O: Objective> Gradient for MatrixFree<O> {
    type Param = DVector<f64>;
    type Gradient = DVector<f64>;

    fn gradient(&self, param: &DVector<f64>) -> Result<DVector<f64>, ArgminError> {
        Ok(self.operator(param)?.recording().gradient())
    }
}

impl<O: Objective> Hessian for MatrixFree<O> {
    type Param = DVector<f64>;
    type Hessian = HessianOperator;

    fn hessian(&self, param: &DVector<f64>) -> Result<HessianOperator, ArgminError> {
        Ok(self.operator(param)?)
    }
}
