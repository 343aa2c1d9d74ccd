//! Derivative checks: automatic derivatives against central finite differences
//! ([`gradient`], [`hessian`]), and hand-written derivatives against automatic ones
//! ([`gradient_against`], [`hessian_against`]).
//!
//! Every check takes the function as an `&impl` [`Objective`](crate::Objective): a finite difference
//! needs the function at plain `f64` and automatic differentiation needs it at tape
//! variables, and an objective is the one form that can be evaluated at both (see
//! [`Objective`](crate::Objective) for why a closure cannot).
//!
//! ```
//! use hyperhess::{Objective, Scalar, check::{self, CheckOptions}};
//!
//! struct Rosenbrock;
//! impl Objective for Rosenbrock {
//!     fn eval<S: Scalar>(&self, x: &[S]) -> S {
//!         hyperhess::testfns::rosenbrock(x)
//!     }
//! }
//!
//! let x = [-1.2, 1.0, 0.5];
//! let report = check::hessian(&Rosenbrock, &x, &CheckOptions::default()).unwrap();
//! assert!(report.passed(), "{report}");
//! ```
//!
//! # Steps and tolerances
//!
//! Coordinate `i` is perturbed by `h_i = step_factor · eps^(1/3) · max(1, |x_i|)`
//! (`eps = f64::EPSILON`, so `h_i ≈ 6e-6 · max(1, |x_i|)`), rounded so that
//! `x_i ± h_i` are exact in floating point: the difference quotient divides by the
//! step actually taken.
//!
//! The central difference `D(h) = (f(x + h e_i) - f(x - h e_i)) / 2h` has two errors:
//!
//! - truncation, `h² |∂_i³ f| / 6` (Taylor: the even terms cancel);
//! - rounding, `eps_f / h`, where `eps_f` bounds the error of evaluating `f` once.
//!
//! Their sum is smallest near `h = eps^(1/3)` (scaled by `|x_i|` so the step stays
//! relative to the coordinate), where both are `O(eps^(2/3)) ≈ 4e-11` relative to the
//! scales of `f'''` and `f`. Neither `f'''` nor `eps_f` is known in advance, so each
//! is estimated at the point:
//!
//! - truncation: by Richardson, `T = |D(2h) - D(h)| / 3` (since `D(2h) - D(h) ≈ 3 ·
//!   h² f''' / 6`); this costs two more evaluations per coordinate and adapts to
//!   the function, including where `f''' = 0` (then `T` is at the rounding level);
//! - rounding: `R = noise · M / h`, with `M` the magnitude of what was summed to
//!   compute `f`: the largest `|f|` over the stencil plus the first-order terms
//!   `Σ_k |∂_k f(x)| |x_k|`. Rounding in a floating-point sum is about `eps` times
//!   the sum of the magnitudes of its terms, not `eps |f|`, and near a cancellation
//!   (a valley floor of Rosenbrock, where `f ≈ 0` but `x2` and `x1²` are large) the
//!   first-order terms measure those magnitudes. `noise` defaults to `64 eps`.
//!
//! An entry passes when `|AD - FD| <= safety · (T + R) + atol` (`safety = 10` by
//! default). The error of `D(h)` is at most `T + 1.5 R` up to `O(h⁴)` terms (the
//! Richardson estimate itself carries rounding of at most `R / 2`), so the factor 10
//! leaves a margin of five over the error model; a wrong derivative is typically off
//! by a relative `O(1)`, about `10⁹` times the tolerance.
//!
//! The Hessian check ([`hessian`]) applies the same analysis to central differences
//! of the AD gradient, column by column (`4n` gradient evaluations: `O(n)` recordings,
//! never `O(n²)` function evaluations), with the gradient's magnitudes
//! `max |g_i| + Σ_k |H_ik| |x_k|` in place of `M`. It also checks that the
//! finite-difference Hessian is symmetric within the sum of the two entries'
//! tolerances: a function whose "gradient" is not a gradient field shows there.
//!
//! The checks against hand-written derivatives compare two exact results, so their
//! tolerance is relative only: `atol + rtol · (|AD_ij| + max |AD|)` with `rtol =
//! 1e-8` by default (norm-wise: rounding in an entry scales with the magnitudes that
//! went into it, and the largest entry bounds those).
//!
//! # In property tests
//!
//! [`CheckReport::assert`] returns a [`CheckFailure`], a `std::error::Error`, so
//! inside `proptest!` (whose bodies convert any error into a test-case failure with
//! `?`) a check is one line:
//!
//! ```
//! use hyperhess::{Objective, Scalar, check::{self, CheckOptions}};
//! use proptest::prelude::*;
//!
//! struct Chain;
//! impl Objective for Chain {
//!     fn eval<S: Scalar>(&self, x: &[S]) -> S {
//!         hyperhess::testfns::chain(x)
//!     }
//! }
//!
//! // In a test file this is `proptest! { #[test] fn name(x in ...) { ... } }`;
//! // the closure form runs the cases at once.
//! proptest!(ProptestConfig::with_cases(16), |(x in proptest::collection::vec(-2.0..2.0, 2..6))| {
//!     check::gradient(&Chain, &x, &CheckOptions::default())?.assert()?;
//!     check::hessian(&Chain, &x, &CheckOptions::default())?.assert()?;
//! });
//! ```
//!
//! With the `proptest` feature, the module `check::strategies` has strategies for
//! points in a box and for directions.

//!
//! Files: `report` (what a check returns), `display` (how it prints),
//! `finite_difference` ([`gradient`], [`hessian`] against central differences),
//! `against` (hand-written derivatives against AD), `strategies` (proptest
//! strategies, feature `proptest`).

mod against;
mod display;
mod finite_difference;
mod report;
#[cfg(feature = "proptest")]
pub mod strategies;

pub use against::{gradient_against, gradient_against_with, hessian_against, hessian_against_with};
pub use finite_difference::{gradient, hessian};
pub use report::{CheckFailure, CheckKind, CheckReport, Compared, Entry, Index, Symmetry};

/// Steps and tolerances of the checks (see the [module docs](self) for the error
/// analysis behind them).
///
/// ```
/// use hyperhess::check::CheckOptions;
/// let loose = CheckOptions { safety: 100.0, ..CheckOptions::default() };
/// assert_eq!(loose.noise, CheckOptions::default().noise);
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct CheckOptions {
    /// Multiplies the step `eps^(1/3) · max(1, |x_i|)`. Default 1.
    pub step_factor: f64,
    /// Relative rounding error of one evaluation of `f` (or of the gradient), as a
    /// multiple of the magnitudes summed (see the module docs). Default `64 eps`;
    /// raise it for functions that cancel heavily or loop long.
    pub noise: f64,
    /// Safety factor on the estimated error of the finite difference. Default 10.
    pub safety: f64,
    /// Absolute tolerance added to every entry. Default 0.
    pub atol: f64,
    /// Relative tolerance of the checks of hand-written derivatives
    /// ([`gradient_against`], [`hessian_against`]). Default `1e-8`.
    pub rtol: f64,
}

impl Default for CheckOptions {
    fn default() -> Self {
        CheckOptions {
            step_factor: 1.0,
            noise: 64.0 * f64::EPSILON,
            safety: 10.0,
            atol: 0.0,
            rtol: 1e-8,
        }
    }
}

impl CheckOptions {
    /// The nominal step for a coordinate of value `xi`:
    /// `step_factor · eps^(1/3) · max(1, |xi|)`.
    ///
    /// ```
    /// use hyperhess::check::CheckOptions;
    /// let opts = CheckOptions::default();
    /// assert_eq!(opts.step(100.0), 100.0 * opts.step(0.5));
    /// assert!((opts.step(0.0) - 6.055e-6).abs() < 1e-9);
    /// ```
    pub fn step(&self, xi: f64) -> f64 {
        self.step_factor * f64::EPSILON.cbrt() * xi.abs().max(1.0)
    }
}
