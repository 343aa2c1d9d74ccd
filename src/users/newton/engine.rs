//! [`NewtonWorkspace`]: the engine chosen for a problem and what it keeps across
//! Newton steps (a sparse plan and a symbolic factorization).

use super::cg::truncated_cg;
use super::small::dense_step;
use super::sparse::ShiftedCholesky;
use super::{NewtonMethod, NewtonOptions, NewtonStep, NewtonWork};
use crate::error::{Error, check_point};
use crate::forward::CROSSOVER;
use crate::objective::Objective;
use crate::prepared::replay_or_record;
use crate::recording::Recording;
use crate::sparse::SparsePlan;
use nalgebra::DMatrix;

/// Whether [`NewtonWorkspace`] takes the dense engine at `n` inputs without
/// looking at the Hessian's sparsity: [`NewtonMethod::Dense`], or
/// [`NewtonMethod::Auto`] below [`NewtonOptions::dense_below`].
#[inline]
pub(super) fn dense_by_size(options: &NewtonOptions, n: usize) -> bool {
    match options.method {
        NewtonMethod::Dense => true,
        NewtonMethod::Auto => n < options.dense_below,
        NewtonMethod::Sparse | NewtonMethod::TruncatedCg => false,
    }
}

/// Newton steps on one problem, keeping the engine's state from step to step:
/// for the sparse engine the [`SparsePlan`] (pattern and coloring) and the
/// symbolic factorization (AMD ordering, the factor's structure), rebuilt only
/// when the pattern changes (a branch took another path). [`crate::newton_step`]
/// is one step of a fresh workspace; [`crate::minimize_newton`] keeps one.
///
/// The engine is chosen at the first step ([`NewtonMethod::Auto`]) and kept.
///
/// ```
/// use hyperhess::{NewtonMethod, NewtonOptions, NewtonWorkspace, Objective, Scalar};
/// struct Chain;
/// impl Objective for Chain {
///     fn eval<S: Scalar>(&self, x: &[S]) -> S {
///         x.windows(2).map(|w| (w[1] - w[0]).powi(2)).sum::<S>() + x.iter().map(|&v| v.powi(4)).sum::<S>()
///     }
/// }
/// let mut ws = NewtonWorkspace::new(NewtonOptions::default());
/// let mut x = vec![1.0; 1000];
/// for _ in 0..3 {
///     let s = ws.step(&Chain, &x).unwrap();
///     for (xi, pi) in x.iter_mut().zip(s.step.iter()) {
///         *xi += pi;
///     }
/// }
/// assert_eq!(ws.method(), Some(NewtonMethod::Sparse)); // n = 1000, tridiagonal
/// ```
#[derive(Debug)]
pub struct NewtonWorkspace {
    options: NewtonOptions,
    engine: Engine,
    /// Set by [`crate::minimize_newton`], whose objective is the same at every
    /// step: the sparse and matrix-free engines then keep their recording and move
    /// it to the next point by its program ([`crate::prepare`]).
    replay: Option<Option<Recording>>,
}

#[derive(Debug)]
enum Engine {
    Undecided,
    Dense,
    Sparse {
        plan: Box<SparsePlan>,
        factor: Option<Box<ShiftedCholesky>>,
    },
    TruncatedCg,
}

impl NewtonWorkspace {
    /// A workspace that has not chosen its engine yet.
    ///
    /// ```
    /// let ws = hyperhess::NewtonWorkspace::new(hyperhess::NewtonOptions::default());
    /// assert_eq!(ws.method(), None);
    /// ```
    pub fn new(options: NewtonOptions) -> Self {
        NewtonWorkspace {
            options,
            engine: Engine::Undecided,
            replay: None,
        }
    }

    /// The engine chosen (`None` before the first step).
    ///
    /// ```
    /// use hyperhess::{NewtonMethod, NewtonOptions, NewtonWorkspace};
    /// let mut ws = NewtonWorkspace::new(NewtonOptions::default());
    /// struct Sq;
    /// impl hyperhess::Objective for Sq {
    ///     fn eval<S: hyperhess::Scalar>(&self, x: &[S]) -> S { x[0] * x[0] }
    /// }
    /// ws.step(&Sq, &[1.0]).unwrap();
    /// assert_eq!(ws.method(), Some(NewtonMethod::Dense));
    /// ```
    pub fn method(&self) -> Option<NewtonMethod> {
        match self.engine {
            Engine::Undecided => None,
            Engine::Dense => Some(NewtonMethod::Dense),
            Engine::Sparse { .. } => Some(NewtonMethod::Sparse),
            Engine::TruncatedCg => Some(NewtonMethod::TruncatedCg),
        }
    }

    /// The options.
    ///
    /// ```
    /// let ws = hyperhess::NewtonWorkspace::new(hyperhess::NewtonOptions::default());
    /// assert_eq!(ws.options().beta, 1e-3);
    /// ```
    pub fn options(&self) -> &NewtonOptions {
        &self.options
    }

    /// The Newton step of `objective` at `x` (see [`crate::newton_step`]).
    ///
    /// ```
    /// use hyperhess::{NewtonOptions, NewtonWorkspace, Objective, Scalar};
    /// struct Bowl;
    /// impl Objective for Bowl {
    ///     fn eval<S: Scalar>(&self, x: &[S]) -> S { (x[0] - 1.0).powi(2) }
    /// }
    /// let mut ws = NewtonWorkspace::new(NewtonOptions::default());
    /// assert!((ws.step(&Bowl, &[3.0]).unwrap().step[0] + 2.0).abs() < 1e-15);
    /// ```
    pub fn step<O: Objective>(&mut self, objective: &O, x: &[f64]) -> Result<NewtonStep, Error> {
        check_point(x)?;
        if let Engine::Undecided = self.engine {
            self.engine = self.choose(objective, x)?;
        }
        if let Engine::Dense = self.engine
            && x.len() <= CROSSOVER
        {
            // On the stack; returned as it comes: its errors never change engines.
            return dense_step(objective, x, &self.options);
        }
        match self.engine_step(objective, x) {
            Err(Error::SparsityPatternChanged { .. }) => {
                // Another branch: a new plan (and factorization) at this point.
                self.engine = Engine::Sparse {
                    plan: Box::new(SparsePlan::new(|v| objective.eval(v), x)?),
                    factor: None,
                };
                self.engine_step(objective, x)
            }
            Err(Error::OutOfMemory { .. }) if self.options.method == NewtonMethod::Auto => {
                self.engine = Engine::TruncatedCg;
                self.engine_step(objective, x)
            }
            other => other,
        }
    }

    /// The automatic choice (or the forced one).
    fn choose<O: Objective>(&self, objective: &O, x: &[f64]) -> Result<Engine, Error> {
        let n = x.len();
        if dense_by_size(&self.options, n) {
            return Ok(Engine::Dense);
        }
        let plan = || SparsePlan::new(|v| objective.eval(v), x);
        Ok(match self.options.method {
            NewtonMethod::Dense => Engine::Dense,
            NewtonMethod::TruncatedCg => Engine::TruncatedCg,
            NewtonMethod::Sparse => Engine::Sparse {
                plan: Box::new(plan()?),
                factor: None,
            },
            NewtonMethod::Auto => {
                let dense_fits = n
                    .checked_mul(n)
                    .and_then(|nn| nn.checked_mul(16))
                    .is_some_and(|bytes| bytes <= self.options.memory_limit);
                let fallback = if dense_fits {
                    Engine::Dense
                } else {
                    Engine::TruncatedCg
                };
                match plan() {
                    Ok(plan) if plan.pattern().nnz() as f64 <= 0.1 * (n as f64) * (n as f64) => {
                        Engine::Sparse {
                            plan: Box::new(plan),
                            factor: None,
                        }
                    }
                    Ok(_) | Err(Error::OutOfMemory { .. }) => fallback,
                    Err(e) => return Err(e),
                }
            }
        })
    }

    /// From now on, every step is of the same objective (its recording is kept
    /// and moved from point to point).
    pub(crate) fn same_objective(&mut self) {
        self.replay = Some(None);
    }

    /// The recording of `objective` at `x`: the kept one moved there when every
    /// step is of the same objective, else a fresh one.
    fn recording<O: Objective>(&mut self, objective: &O, x: &[f64]) -> Result<Recording, Error> {
        match &mut self.replay {
            Some(kept) => replay_or_record(kept.take(), |v| objective.eval(v), x),
            None => crate::recording::record(|v| objective.eval(v), x),
        }
    }

    /// Keeps `rec` for the next step when every step is of the same objective.
    fn keep(&mut self, rec: Recording) {
        if let Some(kept) = &mut self.replay {
            *kept = Some(rec);
        }
    }

    /// The step by the chosen engine.
    fn engine_step<O: Objective>(&mut self, objective: &O, x: &[f64]) -> Result<NewtonStep, Error> {
        let rec = match self.engine {
            Engine::Undecided | Engine::Dense => None,
            _ => Some(self.recording(objective, x)?),
        };
        let step = self.step_with(objective, x, rec.as_ref());
        if let Some(rec) = rec {
            self.keep(rec);
        }
        step
    }

    /// The step by the chosen engine, from `rec` (the sparse and matrix-free
    /// engines').
    fn step_with<O: Objective>(
        &mut self,
        objective: &O,
        x: &[f64],
        rec: Option<&Recording>,
    ) -> Result<NewtonStep, Error> {
        let options = &self.options;
        match (&mut self.engine, rec) {
            (Engine::Undecided | Engine::Dense, _) | (_, None) => dense_step(objective, x, options),
            (Engine::TruncatedCg, Some(rec)) => {
                let gradient = rec.gradient();
                let max = options.max_cg_iterations.unwrap_or(x.len());
                let cg = truncated_cg(rec, &gradient, max)?;
                Ok(NewtonStep {
                    value: rec.value(),
                    gradient,
                    hessian: DMatrix::zeros(0, 0),
                    step: cg.step,
                    tau: 0.0,
                    positive_definite: !cg.negative_curvature,
                    method: NewtonMethod::TruncatedCg,
                    sparse_hessian: None,
                    work: NewtonWork {
                        cg_iterations: cg.iterations,
                        hvps: cg.hvps,
                        ..NewtonWork::default()
                    },
                })
            }
            (Engine::Sparse { plan, factor }, Some(rec)) => {
                let h = plan.hessian_of(rec)?;
                let gradient = rec.gradient();
                if !factor.as_ref().is_some_and(|f| f.fits(&h)) {
                    *factor = None; // freed before the next one is allocated
                    *factor = Some(Box::new(ShiftedCholesky::new(&h, options.memory_limit)?));
                }
                let factor = factor.as_mut().expect("set above");
                let (step, tau, factorizations) = factor.solve(&h, &gradient, options)?;
                Ok(NewtonStep {
                    value: rec.value(),
                    gradient,
                    hessian: DMatrix::zeros(0, 0),
                    step,
                    tau,
                    positive_definite: tau == 0.0,
                    method: NewtonMethod::Sparse,
                    sparse_hessian: Some(h),
                    work: NewtonWork {
                        factorizations,
                        factor_entries: factor.factor_entries(),
                        ..NewtonWork::default()
                    },
                })
            }
        }
    }
}
