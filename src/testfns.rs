//! Standard test functions, written once over [`Scalar`]: the functions the test
//! suite, the benchmarks and the examples share, as generic functions and as
//! ready-made [`Objective`]s ([`Rosenbrock`], [`Chain`], [`LogSumExp`]).
//!
//! ```
//! use hyperhess::{Objective, testfns::{Rosenbrock, rosenbrock}};
//! assert_eq!(rosenbrock(&[1.0, 1.0, 1.0]), 0.0);
//! assert_eq!(Rosenbrock.eval(&[1.0, 1.0, 1.0]), 0.0);
//! ```

use crate::{Objective, Scalar};

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
    /// `A` from [`pseudo_random_matrix`]`(rows, cols, seed)`.
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
/// use hyperhess::testfns::{log_sum_exp, pseudo_random_matrix};
/// let a = pseudo_random_matrix(3, 2, 7);
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

/// A deterministic `rows x cols` matrix with entries in `[-1, 1)`, from a fixed
/// seed (a 64-bit linear congruential generator), so benchmarks and tests need no
/// random-number crate.
///
/// ```
/// let a = hyperhess::testfns::pseudo_random_matrix(2, 3, 1);
/// assert_eq!((a.len(), a[0].len()), (2, 3));
/// assert!(a.iter().flatten().all(|v| (-1.0..1.0).contains(v)));
/// ```
pub fn pseudo_random_matrix(rows: usize, cols: usize, seed: u64) -> Vec<Vec<f64>> {
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

/// A strictly convex 1-D energy (a discrete `-u'' + u³ = 1`, zero at both ends):
/// `Σ_{i=0}^{n} ½ (x_{i+1} - x_i)² + Σ_i (x_i⁴/4 - x_i)` with `x_{-1} = x_n = 0`.
/// Its Hessian is tridiagonal, `tridiag(-1, 2 + 3 x_i², -1)`: positive definite
/// everywhere.
///
/// ```
/// use hyperhess::{Objective, testfns::ConvexChain};
/// assert_eq!(ConvexChain.eval(&[1.0, 1.0]), 1.0 + 2.0 * (0.25 - 1.0));
/// let h = hyperhess::sparse_hessian(|x| ConvexChain.eval(x), &[0.0; 4]).unwrap();
/// assert_eq!(h.nnz(), 10);
/// ```
#[derive(Clone, Copy, Debug, Default)]
pub struct ConvexChain;

impl Objective for ConvexChain {
    fn eval<S: Scalar>(&self, x: &[S]) -> S {
        let n = x.len();
        let ends = (x[0] * x[0] + x[n - 1] * x[n - 1]) * 0.5;
        let springs: S = x.windows(2).map(|w| (w[1] - w[0]).powi(2) * 0.5).sum();
        let wells: S = x.iter().map(|&v| v.powi(4) * 0.25 - v).sum();
        ends + springs + wells
    }
}

/// A strictly convex 2-D grid energy (a discrete `-Δu + u³ = 1` on an `m x m`
/// grid, zero on the boundary): `Σ_edges ½ (u_p - u_q)² + Σ_p (u_p⁴/4 - u_p)`,
/// with the point stored row by row (`x.len() = m²`). Its Hessian has the
/// 5-point stencil's pattern.
///
/// ```
/// use hyperhess::{Objective, testfns::GridEnergy};
/// let h = hyperhess::sparse_hessian(|x| GridEnergy { m: 3 }.eval(x), &[0.0; 9]).unwrap();
/// assert_eq!(h.nnz(), 9 + 2 * 12); // the diagonal and 12 edges
/// ```
#[derive(Clone, Copy, Debug)]
pub struct GridEnergy {
    /// Points per side.
    pub m: usize,
}

impl Objective for GridEnergy {
    fn eval<S: Scalar>(&self, x: &[S]) -> S {
        let m = self.m;
        let mut e = S::zero();
        for r in 0..m {
            for c in 0..m {
                let u = x[r * m + c];
                let right = if c + 1 < m {
                    x[r * m + c + 1]
                } else {
                    S::zero()
                };
                let down = if r + 1 < m {
                    x[(r + 1) * m + c]
                } else {
                    S::zero()
                };
                let mut local = (u - right).powi(2) + (u - down).powi(2);
                if r == 0 {
                    local += u * u;
                }
                if c == 0 {
                    local += u * u;
                }
                e += local * 0.5 + u.powi(4) * 0.25 - u;
            }
        }
        e
    }
}

/// A nonconvex, coercive 1-D energy: double wells with a coupling `c`,
/// `Σ_i ¼ (x_i² - 1)² + (c/2) Σ_i (x_{i+1} - x_i)²`. Near `x = 0` its Hessian
/// `tridiag(-c, 3 x_i² - 1 + 2c, -c)` is indefinite for `c < 1/4`.
///
/// ```
/// use hyperhess::{Objective, testfns::DoubleWells};
/// assert_eq!(DoubleWells { c: 0.1 }.eval(&[1.0, -1.0]), 0.2);
/// ```
#[derive(Clone, Copy, Debug)]
pub struct DoubleWells {
    /// The coupling.
    pub c: f64,
}

impl Objective for DoubleWells {
    fn eval<S: Scalar>(&self, x: &[S]) -> S {
        let wells: S = x.iter().map(|&v| (v * v - 1.0).powi(2) * 0.25).sum();
        let springs: S = x.windows(2).map(|w| (w[1] - w[0]).powi(2)).sum();
        wells + springs * (self.c * 0.5)
    }
}
