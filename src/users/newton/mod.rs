//! Newton steps and a damped-Newton minimizer, on three engines:
//!
//! - `dense`: the dense Hessian and nalgebra's Cholesky with an increasing
//!   diagonal shift (small `n`, or a dense Hessian);
//! - `small`: the dense engine on the stack for a few inputs (up to `forward`'s
//!   static-number crossover): one static evaluation, a Cholesky factor of fixed
//!   size with nalgebra's operations in nalgebra's order (so the same bits);
//! - `sparse`: the Hessian of a [`crate::SparsePlan`] and faer's sparse Cholesky
//!   with a fill-reducing (AMD) ordering, its symbolic analysis done once per
//!   pattern, with the same shift;
//! - `cg`: matrix-free truncated Newton-CG on the recording's Hessian-vector
//!   products (no Hessian at all);
//! - `engine`: which of the three, chosen by size and sparsity
//!   ([`NewtonMethod::Auto`]) or by the caller, and the state kept across the
//!   iterations of [`minimize_newton`] ([`NewtonWorkspace`]);
//! - `minimize`: [`minimize_newton`] and its stopping test.
//!
//! docs/newton.md explains the choice between the engines.
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

mod cg;
mod dense;
mod engine;
mod minimize;
mod small;
mod sparse;

pub use engine::NewtonWorkspace;
pub use minimize::{MinimizeOptions, Minimum, Stopping, minimize_newton};

use crate::error::Error;
use crate::objective::Objective;
use nalgebra::{DMatrix, DVector};
use nalgebra_sparse::CscMatrix;

/// Which engine makes a Newton step ([`NewtonOptions::method`]).
///
/// ```
/// use hyperhess::{NewtonMethod, NewtonOptions, Objective, Scalar};
/// struct Chain;
/// impl Objective for Chain {
///     fn eval<S: Scalar>(&self, x: &[S]) -> S {
///         x.windows(2).map(|w| (w[1] - w[0]).powi(2)).sum::<S>() + x[0] * x[0]
///     }
/// }
/// let opts = NewtonOptions { method: NewtonMethod::Sparse, ..NewtonOptions::default() };
/// let s = hyperhess::newton_step(&Chain, &[1.0; 50], &opts).unwrap();
/// assert_eq!(s.method, NewtonMethod::Sparse);
/// assert_eq!(s.sparse_hessian.unwrap().nnz(), 148); // tridiagonal
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum NewtonMethod {
    /// Chosen by size and sparsity: [`NewtonMethod::Dense`] below
    /// [`NewtonOptions::dense_below`] variables; above it, [`NewtonMethod::Sparse`]
    /// when the Hessian's pattern has at most a tenth of the `n²` entries and its
    /// factor fits in [`NewtonOptions::memory_limit`], else
    /// [`NewtonMethod::Dense`] when the dense Hessian fits there, else
    /// [`NewtonMethod::TruncatedCg`]. Never reported in [`NewtonStep::method`].
    #[default]
    Auto,
    /// Dense Hessian, dense Cholesky (Nocedal and Wright, Algorithm 3.3).
    Dense,
    /// Sparse Hessian from a [`crate::SparsePlan`], faer's sparse Cholesky with an
    /// AMD ordering (symbolic analysis once per pattern), the same shift strategy.
    Sparse,
    /// Matrix-free truncated Newton-CG on Hessian-vector products: Nocedal and
    /// Wright's Algorithm 7.1 (Steihaug's truncation rules in line-search form).
    TruncatedCg,
}

/// Knobs of [`newton_step`]: the engine, the increasing-shift strategy of Nocedal
/// and Wright, *Numerical Optimization* (2nd ed.), Algorithm 3.3 (Cholesky with
/// added multiple of the identity), the memory limit and the CG iteration limit.
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
    /// The engine. Default [`NewtonMethod::Auto`].
    pub method: NewtonMethod,
    /// [`NewtonMethod::Auto`] takes the dense engine below this many variables.
    /// Default 500.
    pub dense_below: usize,
    /// Bytes a factorization may take: the dense Hessian (`8 n²`), or the sparse
    /// factor's values and row indices and faer's workspace, estimated from the
    /// symbolic analysis before any numeric factorization. Past it a forced
    /// [`NewtonMethod::Sparse`] returns [`Error::OutOfMemory`] and
    /// [`NewtonMethod::Auto`] goes matrix-free (a forced [`NewtonMethod::Dense`]
    /// is not limited).
    /// Default 1 GiB.
    pub memory_limit: usize,
    /// Most CG iterations (Hessian-vector products) per truncated Newton-CG step;
    /// `None`: `n`. Default `None`.
    pub max_cg_iterations: Option<usize>,
}

impl Default for NewtonOptions {
    fn default() -> Self {
        NewtonOptions {
            beta: 1e-3,
            max_shift_tries: 100,
            method: NewtonMethod::Auto,
            dense_below: 500,
            memory_limit: 1 << 30,
            max_cg_iterations: None,
        }
    }
}

/// The work one Newton step did, by engine.
///
/// ```
/// use hyperhess::{NewtonMethod, NewtonOptions, Objective, Scalar};
/// struct Bowl;
/// impl Objective for Bowl {
///     fn eval<S: Scalar>(&self, x: &[S]) -> S {
///         x[0] * x[0] + x[1] * x[1] * 4.0
///     }
/// }
/// let opts = NewtonOptions { method: NewtonMethod::TruncatedCg, ..NewtonOptions::default() };
/// let s = hyperhess::newton_step(&Bowl, &[1.0, 1.0], &opts).unwrap();
/// // One CG iteration brings the residual below min(0.5, sqrt|g|) |g|: truncated there.
/// assert_eq!((s.work.cg_iterations, s.work.hvps, s.work.factorizations), (1, 1, 0));
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct NewtonWork {
    /// Numeric factorizations of `H + tau I` (one per shift tried).
    pub factorizations: usize,
    /// Stored entries of the factor (`n (n + 1) / 2` dense; `L`'s for sparse).
    pub factor_entries: usize,
    /// CG iterations (truncated Newton-CG).
    pub cg_iterations: usize,
    /// Hessian-vector products (truncated Newton-CG).
    pub hvps: usize,
}

impl NewtonWork {
    pub(crate) fn add(&mut self, other: &NewtonWork) {
        self.factorizations += other.factorizations;
        self.factor_entries = self.factor_entries.max(other.factor_entries);
        self.cg_iterations += other.cg_iterations;
        self.hvps += other.hvps;
    }
}

/// One Newton step at a point: the derivatives used and the step taken.
///
/// The Hessian is in [`NewtonStep::hessian`] when the dense engine made the step,
/// in [`NewtonStep::sparse_hessian`] when the sparse one did, and in neither for
/// the matrix-free one (then `hessian` is `0 x 0`).
///
/// ```
/// use hyperhess::{NewtonMethod, NewtonOptions, Objective, Scalar};
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
/// assert_eq!(s.method, NewtonMethod::Dense); // n = 2
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct NewtonStep {
    /// `f(x)`.
    pub value: f64,
    /// `∇f(x)`.
    pub gradient: DVector<f64>,
    /// `∇²f(x)` (unshifted) from the dense engine; `0 x 0` from the others.
    pub hessian: DMatrix<f64>,
    /// `p` solving `(H + tau I) p = -g` by Cholesky (dense or sparse), or the
    /// truncated CG approximation of `H p = -g`.
    pub step: DVector<f64>,
    /// The shift: exactly `0.0` when `H` itself is positive definite (always `0.0`
    /// from truncated CG, which truncates instead of shifting).
    pub tau: f64,
    /// Whether `H` itself is (numerically) positive definite: its Cholesky
    /// factorization succeeded without a shift. From truncated CG: no direction of
    /// nonpositive curvature was met.
    pub positive_definite: bool,
    /// The engine that made the step (never [`NewtonMethod::Auto`]).
    pub method: NewtonMethod,
    /// `∇²f(x)` (unshifted, both triangles) from the sparse engine.
    pub sparse_hessian: Option<CscMatrix<f64>>,
    /// The work done.
    pub work: NewtonWork,
}

/// The Newton step of `objective` at `x`: `p` solving `(H + tau I) p = -g`, with
/// `tau = 0` when the Hessian `H` is positive definite (the factorization of `H`
/// itself succeeds), and otherwise the shift found by Nocedal and Wright's Algorithm
/// 3.3: start from `tau_0 = 0` if `min_i H_ii > 0`, else `tau_0 = -min_i H_ii +
/// beta`; while the Cholesky factorization of `H + tau_k I` fails, set `tau_{k+1} =
/// max(2 tau_k, beta)`. The engine (dense, sparse or matrix-free truncated CG) is
/// [`NewtonOptions::method`]; see [`NewtonMethod::Auto`] for the automatic choice.
///
/// With `tau > 0` the matrix `H + tau I` is positive definite, so `p` is a descent
/// direction: `g·p = -g^T (H + tau I)^{-1} g < 0` whenever `g ≠ 0` (truncated CG's
/// step is a descent direction too).
///
/// One call builds its engine's state (a sparse plan and a symbolic
/// factorization) and drops it; to take many steps on one problem keep a
/// [`NewtonWorkspace`], as [`minimize_newton`] does. The dense engine at up to
/// ten inputs has no state: its step is made on the stack, without a workspace.
///
/// Errors: those of [`crate::derivatives`] (empty or non-finite point, non-finite
/// value or derivatives), [`Error::NotPositiveDefinite`] when no shift among
/// [`NewtonOptions::max_shift_tries`] makes the factorization succeed (or a shift
/// overflows), [`Error::OutOfMemory`] when a forced engine's factorization would
/// pass [`NewtonOptions::memory_limit`].
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
    if small::is_small(x.len()) && engine::dense_by_size(options, x.len()) {
        // What a fresh workspace would do, without building and dropping one.
        return small::dense_step(objective, x, options);
    }
    NewtonWorkspace::new(options.clone()).step(objective, x)
}
