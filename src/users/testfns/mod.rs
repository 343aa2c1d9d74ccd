//! Standard test functions, written once over [`Scalar`]: the functions the test
//! suite, the benchmarks and the examples share, as generic functions and as
//! ready-made [`Objective`]s ([`Rosenbrock`], [`Chain`], [`LogSumExp`]); the
//! large sparse energies of the Newton tests and benchmarks ([`ConvexChain`],
//! [`GridEnergy`], [`DoubleWells`], in `energies.rs`); a molecular energy written
//! with nalgebra types and over slices ([`Cluster`], [`cluster_slices`], in
//! `cluster.rs`); and two constrained
//! problems as [`Nlp`](crate::Nlp)s ([`Hs071`], [`LuksanVlcek`], in `problems.rs`).
//!
//! ```
//! use hyperhess::{Objective, testfns::{Rosenbrock, rosenbrock}};
//! assert_eq!(rosenbrock(&[1.0, 1.0, 1.0]), 0.0);
//! assert_eq!(Rosenbrock.eval(&[1.0, 1.0, 1.0]), 0.0);
//! ```

use crate::objective::Objective;
use crate::scalar::Scalar;

mod cluster;
mod energies;
mod problems;

pub use cluster::{Cluster, cluster_slices};
pub use energies::{ConvexChain, DoubleWells, GridEnergy};
pub use problems::{Hs071, LuksanVlcek};

/// [`rosenbrock`] as an [`Objective`].
///
/// ```
/// use hyperhess::{NewtonOptions, testfns::Rosenbrock};
/// let s = hyperhess::newton_step(&Rosenbrock, &[1.0, 1.0], &NewtonOptions::default()).unwrap();
/// assert_eq!(s.gradient.as_slice(), &[0.0, 0.0]);
/// ```
#[derive(Clone, Copy, Debug, Default)]
pub struct Rosenbrock;

impl Objective for Rosenbrock {
    fn eval<S: Scalar>(&self, x: &[S]) -> S {
        rosenbrock(x)
    }
}

/// [`chain`] as an [`Objective`].
///
/// ```
/// use hyperhess::{Objective, testfns::Chain};
/// assert_eq!(Chain.eval(&[0.0]), 1.0);
/// ```
#[derive(Clone, Copy, Debug, Default)]
pub struct Chain;

impl Objective for Chain {
    fn eval<S: Scalar>(&self, x: &[S]) -> S {
        chain(x)
    }
}

/// [`log_sum_exp`] of a fixed matrix as an [`Objective`] (the data an objective
/// carries).
///
/// ```
/// use hyperhess::{Objective, testfns::LogSumExp};
/// let f = LogSumExp::random(3, 2, 7);
/// assert_eq!(f.eval(&[0.0, 0.0]), 3f64.ln());
/// ```
#[derive(Clone, Debug)]
pub struct LogSumExp {
    /// The matrix `A` (rows of length `n`).
    pub a: Vec<Vec<f64>>,
}

impl LogSumExp {
    /// A deterministic `rows x cols` matrix `A` with entries in `[-1, 1)` from a
    /// fixed `seed` (a 64-bit linear congruential generator), so benchmarks and
    /// tests need no random-number crate.
    ///
    /// ```
    /// let f = hyperhess::testfns::LogSumExp::random(4, 3, 1);
    /// assert_eq!((f.a.len(), f.a[0].len()), (4, 3));
    /// ```
    pub fn random(rows: usize, cols: usize, seed: u64) -> Self {
        LogSumExp {
            a: pseudo_random_matrix(rows, cols, seed),
        }
    }
}

impl Objective for LogSumExp {
    fn eval<S: Scalar>(&self, x: &[S]) -> S {
        log_sum_exp(&self.a, x)
    }
}

/// Extended (chained) Rosenbrock:
/// `sum_i 100 (x_{i+1} - x_i^2)^2 + (1 - x_i)^2`, minimum 0 at `(1, ..., 1)`.
///
/// ```
/// assert_eq!(hyperhess::testfns::rosenbrock(&[-1.2, 1.0]), 24.199999999999996);
/// ```
pub fn rosenbrock<S: Scalar>(x: &[S]) -> S {
    x.windows(2)
        .map(|w| {
            let a = w[1] - w[0] * w[0];
            let b = S::one() - w[0];
            a * a * 100.0 + b * b
        })
        .sum()
}

/// The chain `sum_i sin(x_i) cos(x_{i+1}) + exp(x_i x_{i+1} / 10) + sqrt(1 + x_i^2)`
/// (the last term for every `i`, the first two for neighbours).
///
/// ```
/// assert_eq!(hyperhess::testfns::chain(&[0.0]), 1.0);
/// ```
pub fn chain<S: Scalar>(x: &[S]) -> S {
    let pairs: S = x
        .windows(2)
        .map(|w| w[0].sin() * w[1].cos() + (w[0] * w[1] / 10.0).exp())
        .sum();
    let roots: S = x.iter().map(|&xi| (xi * xi + 1.0).sqrt()).sum();
    if x.len() > 1 { pairs + roots } else { roots }
}

/// `logsumexp(A x) + 0.5 |x|^2` for a fixed matrix `A` (rows of length `x.len()`),
/// computed stably (the maximum is subtracted by value).
///
/// ```
/// use hyperhess::testfns::{LogSumExp, log_sum_exp};
/// let a = LogSumExp::random(3, 2, 7).a;
/// assert!(log_sum_exp(&a, &[0.0, 0.0]) == 3f64.ln());
/// ```
pub fn log_sum_exp<S: Scalar>(a: &[Vec<f64>], x: &[S]) -> S {
    let ax: Vec<S> = a.iter().map(|row| S::dot_const(row, x)).collect();
    let m = ax
        .iter()
        .map(Scalar::value)
        .fold(f64::NEG_INFINITY, f64::max);
    let lse = ax.iter().map(|&v| (v - m).exp()).sum::<S>().ln() + m;
    let half_norm2: S = x.iter().map(|&xi| xi * xi).sum::<S>() * 0.5;
    lse + half_norm2
}

/// The matrix of [`LogSumExp::random`].
fn pseudo_random_matrix(rows: usize, cols: usize, seed: u64) -> Vec<Vec<f64>> {
    let mut state = seed
        .wrapping_mul(6364136223846793005)
        .wrapping_add(1442695040888963407);
    let mut next = move || {
        state = state
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        ((state >> 11) as f64 / (1u64 << 53) as f64) * 2.0 - 1.0
    };
    (0..rows)
        .map(|_| (0..cols).map(|_| next()).collect())
        .collect()
}
