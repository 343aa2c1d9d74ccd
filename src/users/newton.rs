//! Newton steps with a Cholesky factorization and an increasing diagonal shift
//! ([`newton_step`]), and a small damped-Newton minimizer with an Armijo
//! backtracking line search ([`minimize_newton`]).
//!
//! ```
//! use hyperhess::{MinimizeOptions, Objective, Scalar};
//!
//! struct Rosenbrock;
//! impl Objective for Rosenbrock {
//!     fn eval<S: Scalar>(&self, x: &[S]) -> S {
//!         hyperhess::testfns::rosenbrock(x)
//!     }
//! }
//!
//! let min = hyperhess::minimize_newton(&Rosenbrock, &[-1.2, 1.0], &MinimizeOptions::default())
//!     .unwrap();
//! assert!((min.x[0] - 1.0).abs() < 1e-8 && (min.x[1] - 1.0).abs() < 1e-8);
//! assert!(min.iterations < 40);
//! ```

use crate::error::Error;
use crate::front_door::derivatives_of;
use crate::objective::Objective;
use nalgebra::{DMatrix, DVector, linalg::Cholesky};

/// Knobs of [`newton_step`]: the increasing-shift strategy of Nocedal and Wright,
/// *Numerical Optimization* (2nd ed.), Algorithm 3.3 (Cholesky with added multiple
/// of the identity).
///
/// ```
/// use hyperhess::NewtonOptions;
/// let opts = NewtonOptions { beta: 1e-2, ..NewtonOptions::default() };
/// assert_eq!(opts.max_shift_tries, NewtonOptions::default().max_shift_tries);
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct NewtonOptions {
    /// `beta` of Algorithm 3.3: the first nonzero shift when the diagonal of the
    /// Hessian is positive, and the amount added above `-min_i H_ii` when it is not.
    /// Default `1e-3`.
    pub beta: f64,
    /// How many factorizations of `H + tau I` to try (tau doubling each time) before
    /// giving up with [`Error::NotPositiveDefinite`]. Default 100: from `beta = 1e-3`
    /// the last shift tried is about `1e27`, far beyond any finite Hessian's spectrum.
    pub max_shift_tries: usize,
}

impl Default for NewtonOptions {
    fn default() -> Self {
        NewtonOptions {
            beta: 1e-3,
            max_shift_tries: 100,
        }
    }
}

/// One Newton step at a point: the derivatives used and the step taken.
///
/// ```
/// use hyperhess::{NewtonOptions, Objective, Scalar};
/// struct Bowl;
/// impl Objective for Bowl {
///     fn eval<S: Scalar>(&self, x: &[S]) -> S {
///         x[0] * x[0] + x[1] * x[1] * 4.0
///     }
/// }
/// let s = hyperhess::newton_step(&Bowl, &[1.0, 1.0], &NewtonOptions::default()).unwrap();
/// assert!((s.step - nalgebra::dvector![-1.0, -1.0]).norm() < 1e-15); // to the minimum
/// assert_eq!(s.tau, 0.0);
/// assert!(s.positive_definite);
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct NewtonStep {
    /// `f(x)`.
    pub value: f64,
    /// `∇f(x)`.
    pub gradient: DVector<f64>,
    /// `∇²f(x)` (unshifted).
    pub hessian: DMatrix<f64>,
    /// `p` solving `(H + tau I) p = -g` by Cholesky.
    pub step: DVector<f64>,
    /// The shift: exactly `0.0` when `H` itself is positive definite.
    pub tau: f64,
    /// Whether `H` itself is (numerically) positive definite: its Cholesky
    /// factorization succeeded without a shift.
    pub positive_definite: bool,
}

/// The Newton step of `objective` at `x`: `p` solving `(H + tau I) p = -g`, with
/// `tau = 0` when the Hessian `H` is positive definite (the factorization of `H`
/// itself succeeds), and otherwise the shift found by Nocedal and Wright's Algorithm
/// 3.3: start from `tau_0 = 0` if `min_i H_ii > 0`, else `tau_0 = -min_i H_ii +
/// beta`; while the Cholesky factorization of `H + tau_k I` fails, set `tau_{k+1} =
/// max(2 tau_k, beta)`.
///
/// With `tau > 0` the matrix `H + tau I` is positive definite, so `p` is a descent
/// direction: `g·p = -g^T (H + tau I)^{-1} g < 0` whenever `g ≠ 0`.
///
/// Errors: those of [`crate::derivatives`] (empty or non-finite point, non-finite
/// value or derivatives), and [`Error::NotPositiveDefinite`] when no shift among
/// [`NewtonOptions::max_shift_tries`] makes the factorization succeed (or a shift
/// overflows).
///
/// ```
/// use hyperhess::{NewtonOptions, Objective, Scalar};
/// struct Saddle;
/// impl Objective for Saddle {
///     fn eval<S: Scalar>(&self, x: &[S]) -> S {
///         x[0] * x[0] - x[1] * x[1]
///     }
/// }
/// let s = hyperhess::newton_step(&Saddle, &[1.0, 1.0], &NewtonOptions::default()).unwrap();
/// assert!(s.tau > 2.0 && !s.positive_definite);
/// assert!(s.gradient.dot(&s.step) < 0.0); // still a descent direction
/// ```
pub fn newton_step<O: Objective>(
    objective: &O,
    x: &[f64],
    options: &NewtonOptions,
) -> Result<NewtonStep, Error> {
    let d = derivatives_of(objective, x)?;
    let (factor, tau) = shifted_cholesky(&d.hessian, options)?;
    let step = factor.solve(&(-&d.gradient));
    if step.iter().any(|p| !p.is_finite()) {
        // Only a degenerate factorization (a pivot that underflows) can get here.
        return Err(Error::NotPositiveDefinite { tau });
    }
    Ok(NewtonStep {
        value: d.value,
        gradient: d.gradient,
        hessian: d.hessian,
        step,
        tau,
        positive_definite: tau == 0.0,
    })
}

/// Algorithm 3.3 of Nocedal and Wright: the Cholesky factor of `H + tau I` and `tau`.
fn shifted_cholesky(
    h: &DMatrix<f64>,
    options: &NewtonOptions,
) -> Result<(Cholesky<f64, nalgebra::Dyn>, f64), Error> {
    let beta = options.beta;
    let min_diag = h.diagonal().iter().copied().fold(f64::INFINITY, f64::min);
    let mut tau = if min_diag > 0.0 {
        0.0
    } else {
        -min_diag + beta
    };
    let mut last_tried = tau;
    for _ in 0..options.max_shift_tries {
        if !tau.is_finite() {
            break;
        }
        last_tried = tau;
        let mut shifted = h.clone();
        if tau != 0.0 {
            for i in 0..h.nrows() {
                shifted[(i, i)] += tau;
            }
        }
        if let Some(factor) = Cholesky::new(shifted) {
            return Ok((factor, tau));
        }
        tau = f64::max(2.0 * tau, beta);
    }
    Err(Error::NotPositiveDefinite { tau: last_tried })
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
    /// Stop when the Euclidean norm of the gradient is at most this. Default `1e-8`.
    pub gradient_tolerance: f64,
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
    /// The options of each [`newton_step`].
    pub newton: NewtonOptions,
}

impl Default for MinimizeOptions {
    fn default() -> Self {
        MinimizeOptions {
            gradient_tolerance: 1e-8,
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
    /// Newton steps taken (each one factorization, one line search).
    pub iterations: usize,
    /// Evaluations of `f` at `f64` (line-search trials).
    pub function_evaluations: usize,
    /// Steps whose Hessian was not positive definite (`tau > 0`).
    pub shifted_steps: usize,
}

/// Damped Newton minimization from `x0`: at each iterate take the [`newton_step`]
/// `p` (shifted to a descent direction where the Hessian is indefinite), then
/// backtrack from `alpha = 1` until the Armijo condition `f(x + alpha p) <= f(x) +
/// c1 alpha g·p` holds; stop when `|g| <= gradient_tolerance`.
///
/// Each iteration records the objective once (value, gradient and Hessian from one
/// recording) and evaluates it at `f64` in the line search.
///
/// Errors: those of [`newton_step`]; [`Error::LineSearchFailed`] when no step length
/// satisfies the Armijo condition within [`MinimizeOptions::max_backtracks`] trials
/// (typically the gradient tolerance is below what rounding in `f` allows);
/// [`Error::NotConverged`] after [`MinimizeOptions::max_iterations`] steps. Both
/// carry the last iterate, to restart from.
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
    let mut x = DVector::from_column_slice(x0);
    let mut function_evaluations = 0;
    let mut shifted_steps = 0;
    let mut iteration = 0;
    loop {
        let NewtonStep {
            value,
            gradient,
            step,
            tau,
            ..
        } = newton_step(objective, x.as_slice(), &options.newton)?;
        let gradient_norm = gradient.norm();
        if gradient_norm <= options.gradient_tolerance {
            return Ok(Minimum {
                x,
                value,
                gradient,
                iterations: iteration,
                function_evaluations,
                shifted_steps,
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
        if tau > 0.0 {
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
