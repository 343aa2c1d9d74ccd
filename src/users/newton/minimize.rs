//! [`minimize_newton`]: damped Newton with an Armijo backtracking line search, on
//! a [`NewtonWorkspace`] kept across iterations, and its stopping test.

use super::{NewtonMethod, NewtonOptions, NewtonStep, NewtonWork, NewtonWorkspace};
use crate::error::Error;
use crate::objective::Objective;
use nalgebra::DVector;

/// The stopping test of [`minimize_newton`], on the gradient's Euclidean norm.
///
/// ```
/// use hyperhess::{MinimizeOptions, Stopping};
/// let absolute = MinimizeOptions { stopping: Stopping::Absolute, ..MinimizeOptions::default() };
/// assert!(Stopping::Relative.converged(1e-7, -50.0, 1e-8)); // 1e-7 <= 1e-8 * 50
/// assert!(!Stopping::Absolute.converged(1e-7, -50.0, 1e-8));
/// # let _ = absolute;
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Stopping {
    /// `|g| <= gradient_tolerance * max(1, |f|)`: relative to the objective's
    /// magnitude, so that a sum of many terms (whose gradient's rounding grows with
    /// the sum) stops where rounding allows; the same as the absolute test where
    /// `|f| <= 1`. The default.
    #[default]
    Relative,
    /// `|g| <= gradient_tolerance`.
    Absolute,
}

impl Stopping {
    /// Whether a gradient norm passes the test at value `f` with tolerance `tol`.
    ///
    /// ```
    /// assert!(hyperhess::Stopping::Absolute.converged(1e-9, 1e6, 1e-8));
    /// ```
    pub fn converged(self, gradient_norm: f64, value: f64, tol: f64) -> bool {
        match self {
            Stopping::Relative => gradient_norm <= tol * value.abs().max(1.0),
            Stopping::Absolute => gradient_norm <= tol,
        }
    }
}

/// Knobs of [`minimize_newton`].
///
/// ```
/// use hyperhess::MinimizeOptions;
/// let opts = MinimizeOptions { gradient_tolerance: 1e-10, ..MinimizeOptions::default() };
/// assert_eq!(opts.c1, 1e-4);
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct MinimizeOptions {
    /// The tolerance of the stopping test [`MinimizeOptions::stopping`]. Default
    /// `1e-8`.
    pub gradient_tolerance: f64,
    /// How the gradient norm is compared with the tolerance. Default
    /// [`Stopping::Relative`]: `|g| <= gradient_tolerance * max(1, |f|)`.
    pub stopping: Stopping,
    /// Give up with [`Error::NotConverged`] after this many Newton steps. Default 200.
    pub max_iterations: usize,
    /// The Armijo (sufficient decrease) constant: accept the step length `alpha`
    /// when `f(x + alpha p) <= f(x) + c1 alpha g·p`. Default `1e-4`.
    pub c1: f64,
    /// The backtracking factor: `alpha` is multiplied by this after each rejected
    /// trial. Default `0.5`.
    pub backtrack: f64,
    /// Give up with [`Error::LineSearchFailed`] after this many rejected trials in
    /// one line search. Default 60 (`alpha` down to about `1e-18`).
    pub max_backtracks: usize,
    /// The options of each Newton step (engine, shift, memory limit).
    pub newton: NewtonOptions,
}

impl Default for MinimizeOptions {
    fn default() -> Self {
        MinimizeOptions {
            gradient_tolerance: 1e-8,
            stopping: Stopping::Relative,
            max_iterations: 200,
            c1: 1e-4,
            backtrack: 0.5,
            max_backtracks: 60,
            newton: NewtonOptions::default(),
        }
    }
}

/// The result of [`minimize_newton`]: a point where the gradient norm is within
/// tolerance.
///
/// ```
/// use hyperhess::{MinimizeOptions, Objective, Scalar};
/// struct Bowl;
/// impl Objective for Bowl {
///     fn eval<S: Scalar>(&self, x: &[S]) -> S {
///         (x[0] - 3.0).powi(2)
///     }
/// }
/// let m = hyperhess::minimize_newton(&Bowl, &[0.0], &MinimizeOptions::default()).unwrap();
/// assert!((m.x[0] - 3.0).abs() < 1e-15 && m.value < 1e-30);
/// assert_eq!(m.iterations, 1); // a quadratic: one Newton step
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct Minimum {
    /// The point found.
    pub x: DVector<f64>,
    /// `f(x)`.
    pub value: f64,
    /// `∇f(x)`.
    pub gradient: DVector<f64>,
    /// Newton steps taken (each one factorization or CG solve, one line search).
    pub iterations: usize,
    /// Evaluations of `f` at `f64` (line-search trials).
    pub function_evaluations: usize,
    /// Steps whose Hessian was not positive definite (`tau > 0`, or negative
    /// curvature met by truncated CG).
    pub shifted_steps: usize,
    /// The engine used (never [`NewtonMethod::Auto`]).
    pub method: NewtonMethod,
    /// The work of all steps, summed (`factor_entries`: the largest factor).
    pub work: NewtonWork,
}

/// Damped Newton minimization from `x0`: at each iterate take the Newton step
/// `p` of a [`NewtonWorkspace`] kept across iterations (shifted to a descent
/// direction where the Hessian is indefinite), then backtrack from `alpha = 1`
/// until the Armijo condition `f(x + alpha p) <= f(x) + c1 alpha g·p` holds; stop
/// when the [`MinimizeOptions::stopping`] test passes (by default `|g| <=
/// gradient_tolerance * max(1, |f|)`).
///
/// Each iteration takes value, gradient and Hessian (or Hessian-vector products)
/// from one recording, and evaluates the objective at `f64` in the line search.
/// The engine is chosen at `x0` (see [`NewtonMethod::Auto`]); the sparse engine's
/// plan and symbolic factorization are reused at every iterate, and the sparse
/// and matrix-free engines move their recording to the next iterate by its
/// program ([`crate::prepare`]: the objective runs on the tape only where a
/// guard flips).
///
/// Errors: those of [`crate::newton_step`]; [`Error::LineSearchFailed`] when no
/// step length satisfies the Armijo condition within
/// [`MinimizeOptions::max_backtracks`] trials (typically the gradient tolerance is
/// below what rounding in `f` allows); [`Error::NotConverged`] after
/// [`MinimizeOptions::max_iterations`] steps. Both carry the last iterate, to
/// restart from.
///
/// ```
/// use hyperhess::{MinimizeOptions, Objective, Scalar};
/// struct Rosenbrock;
/// impl Objective for Rosenbrock {
///     fn eval<S: Scalar>(&self, x: &[S]) -> S {
///         hyperhess::testfns::rosenbrock(x)
///     }
/// }
/// let x0 = [-1.2, 1.0, -1.2, 1.0];
/// let m = hyperhess::minimize_newton(&Rosenbrock, &x0, &MinimizeOptions::default()).unwrap();
/// assert!(m.gradient.norm() <= 1e-8 && m.iterations < 40);
/// ```
pub fn minimize_newton<O: Objective>(
    objective: &O,
    x0: &[f64],
    options: &MinimizeOptions,
) -> Result<Minimum, Error> {
    let mut workspace = NewtonWorkspace::new(options.newton.clone());
    workspace.same_objective();
    let mut x = DVector::from_column_slice(x0);
    let mut function_evaluations = 0;
    let mut shifted_steps = 0;
    let mut iteration = 0;
    let mut work = NewtonWork::default();
    loop {
        let NewtonStep {
            value,
            gradient,
            step,
            tau,
            positive_definite,
            method,
            work: step_work,
            ..
        } = workspace.step(objective, x.as_slice())?;
        work.add(&step_work);
        let gradient_norm = gradient.norm();
        if options
            .stopping
            .converged(gradient_norm, value, options.gradient_tolerance)
        {
            return Ok(Minimum {
                x,
                value,
                gradient,
                iterations: iteration,
                function_evaluations,
                shifted_steps,
                method,
                work,
            });
        }
        if iteration == options.max_iterations {
            return Err(Error::NotConverged {
                iterations: iteration,
                value,
                gradient_norm,
                point: x.as_slice().to_vec(),
            });
        }
        if tau > 0.0 || !positive_definite {
            shifted_steps += 1;
        }
        let slope = gradient.dot(&step);
        let mut alpha = 1.0;
        let mut accepted = None;
        for _ in 0..=options.max_backtracks {
            let trial = &x + &step * alpha;
            let f_trial = objective.eval(trial.as_slice());
            function_evaluations += 1;
            if f_trial.is_finite() && f_trial <= value + options.c1 * alpha * slope {
                accepted = Some(trial);
                break;
            }
            alpha *= options.backtrack;
        }
        match accepted {
            Some(trial) => {
                x = trial;
                iteration += 1;
            }
            None => {
                return Err(Error::LineSearchFailed {
                    iteration,
                    value,
                    gradient_norm,
                    point: x.as_slice().to_vec(),
                });
            }
        }
    }
}
