//! Constrained test problems as [`Nlp`]s.

use crate::nlp::Nlp;
use crate::scalar::Scalar;

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
/// assert_eq!(plan.colors(), (2, 3)); // a tridiagonal Hessian (acyclic: 2); rows of 3 columns
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
