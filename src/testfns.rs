//! Standard test functions, written once over [`Scalar`]: the functions the test
//! suite, the benchmarks and the examples share, as generic functions and as
//! ready-made [`Objective`]s ([`Rosenbrock`], [`Chain`], [`LogSumExp`]), and two
//! constrained problems as [`Nlp`]s ([`Hs071`], [`LuksanVlcek`]).
//!
//! ```
//! use hyperhess::{Objective, testfns::{Rosenbrock, rosenbrock}};
//! assert_eq!(rosenbrock(&[1.0, 1.0, 1.0]), 0.0);
//! assert_eq!(Rosenbrock.eval(&[1.0, 1.0, 1.0]), 0.0);
//! ```

use crate::nlp::Nlp;
use crate::objective::Objective;
use crate::scalar::Scalar;

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

/// Hock and Schittkowski's problem 71 (n = 4, m = 2): minimize
/// `x0 x3 (x0 + x1 + x2) + x2` subject to `x0 x1 x2 x3 >= 25`,
/// `x0² + x1² + x2² + x3² = 40` and `1 <= x <= 5` (the bounds are the solver's);
/// the optimum is `f* = 17.0140173` at about `(1, 4.743, 3.82115, 1.37941)`.
///
/// ```
/// use hyperhess::{LagrangianPlan, Nlp, testfns::Hs071};
/// let plan = LagrangianPlan::new(&Hs071, &[1.0, 5.0, 5.0, 1.0]).unwrap();
/// assert_eq!((plan.hessian_nnz(), plan.jacobian_nnz()), (10, 8));
/// assert_eq!(Hs071.objective(&[1.0, 5.0, 5.0, 1.0]), 16.0);
/// ```
#[derive(Clone, Copy, Debug, Default)]
pub struct Hs071;

impl Nlp for Hs071 {
    fn num_constraints(&self) -> usize {
        2
    }
    fn objective<S: Scalar>(&self, x: &[S]) -> S {
        x[0] * x[3] * (x[0] + x[1] + x[2]) + x[2]
    }
    fn constraints<S: Scalar>(&self, x: &[S], out: &mut [S]) {
        out[0] = x[0] * x[1] * x[2] * x[3];
        out[1] = x[0] * x[0] + x[1] * x[1] + x[2] * x[2] + x[3] * x[3];
    }
}

/// Lukšan and Vlček's problem 5.1 with `n` variables: the chained Rosenbrock
/// function `sum_i 100 (x_i² - x_{i+1})² + (x_i - 1)²` subject to the `n - 2`
/// trigonometric-exponential equality constraints
/// `3 x_{k+1}³ + 2 x_{k+2} - 5 + sin(x_{k+1} - x_{k+2}) sin(x_{k+1} + x_{k+2}) + 4 x_{k+1}
/// - x_k exp(x_k - x_{k+1}) - 3 = 0` (the large sparse benchmark of Ipopt, JuMP
/// and CasADi studies). `n >= 3`.
///
/// ```
/// use hyperhess::{LagrangianPlan, Nlp, testfns::LuksanVlcek};
/// let nlp = LuksanVlcek(1000);
/// let plan = LagrangianPlan::new(&nlp, &nlp.start()).unwrap();
/// assert_eq!(plan.colors(), (2, 3)); // a tridiagonal Hessian (acyclic); rows of 3 columns
/// ```
#[derive(Clone, Copy, Debug)]
pub struct LuksanVlcek(pub usize);

impl LuksanVlcek {
    /// The standard start: -1.2 at even (0-based) indices, 1 at odd ones.
    ///
    /// ```
    /// assert_eq!(hyperhess::testfns::LuksanVlcek(3).start(), [-1.2, 1.0, -1.2]);
    /// ```
    pub fn start(&self) -> Vec<f64> {
        (0..self.0)
            .map(|i| if i % 2 == 0 { -1.2 } else { 1.0 })
            .collect()
    }
}

impl Nlp for LuksanVlcek {
    fn num_constraints(&self) -> usize {
        self.0.saturating_sub(2)
    }
    fn objective<S: Scalar>(&self, x: &[S]) -> S {
        x.windows(2)
            .map(|w| (w[0] * w[0] - w[1]).powi(2) * 100.0 + (w[0] - 1.0).powi(2))
            .sum()
    }
    fn constraints<S: Scalar>(&self, x: &[S], out: &mut [S]) {
        for (o, w) in out.iter_mut().zip(x.windows(3)) {
            let (a, b, c) = (w[0], w[1], w[2]);
            *o = b.powi(3) * 3.0 + c * 2.0 - 5.0 + (b - c).sin() * (b + c).sin() + b * 4.0
                - a * (a - b).exp()
                - 3.0;
        }
    }
}
