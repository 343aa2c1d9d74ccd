//! The constrained test problems, written once over `Scalar` (the twins of
//! `scripts/lagrangian_reference.py`'s, which wrote tests/data/lagrangian_reference.csv).

#![allow(dead_code)]

use hyperhess::{Nlp, Scalar};

/// Hock–Schittkowski 71: n = 4, m = 2.
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

/// Lukšan–Vlček 5.1: the chained Rosenbrock function with trigonometric-exponential
/// constraints, m = n - 2.
pub struct LuksanVlcek(pub usize);

impl LuksanVlcek {
    /// The standard start: -1.2 at even indices, 1 at odd ones.
    pub fn start(&self) -> Vec<f64> {
        (0..self.0)
            .map(|i| if i % 2 == 0 { -1.2 } else { 1.0 })
            .collect()
    }
}

impl Nlp for LuksanVlcek {
    fn num_constraints(&self) -> usize {
        self.0 - 2
    }
    fn objective<S: Scalar>(&self, x: &[S]) -> S {
        x.windows(2)
            .map(|w| (w[0] * w[0] - w[1]).powi(2) * 100.0 + (w[0] - 1.0).powi(2))
            .sum()
    }
    fn constraints<S: Scalar>(&self, x: &[S], out: &mut [S]) {
        for (k, o) in out.iter_mut().enumerate() {
            let (a, b, c) = (x[k], x[k + 1], x[k + 2]);
            *o = b.powi(3) * 3.0 + c * 2.0 - 5.0 + (b - c).sin() * (b + c).sin() + b * 4.0
                - a * (a - b).exp()
                - 3.0;
        }
    }
}

/// A dense row in the Jacobian (g0) and an arrowhead in the Hessian (g1), n = 6,
/// m = n + 1.
pub struct DenseRow;

impl Nlp for DenseRow {
    fn num_constraints(&self) -> usize {
        7
    }
    fn objective<S: Scalar>(&self, x: &[S]) -> S {
        let n = x.len();
        x.iter().map(|&v| (v - 1.0).powi(4)).sum::<S>() + x[0].exp() * x[n - 1]
    }
    fn constraints<S: Scalar>(&self, x: &[S], out: &mut [S]) {
        out[0] = x.iter().map(|&v| v * v).sum();
        out[1] = x[0] * x.iter().copied().sum::<S>();
        for k in 0..x.len() - 1 {
            out[k + 2] = x[k] * x[k + 1] - x[k + 1].sin();
        }
    }
}

/// A linear objective: n = 3, m = 2.
pub struct LinearObjective;

impl Nlp for LinearObjective {
    fn num_constraints(&self) -> usize {
        2
    }
    fn objective<S: Scalar>(&self, x: &[S]) -> S {
        x[0] + x[1] * 2.0 + x[2] * 3.0
    }
    fn constraints<S: Scalar>(&self, x: &[S], out: &mut [S]) {
        out[0] = x[0] * x[0] + x[1] * x[1] + x[2] * x[2];
        out[1] = x[0] * x[1] + x[2].sin();
    }
}

/// The Lagrangian `sigma f + sum_k lambda_k g_k` of `nlp` as one scalar function.
pub fn lagrangian<P: Nlp, S: Scalar>(nlp: &P, x: &[S], sigma: f64, lambda: &[f64]) -> S {
    let mut g = vec![S::from_f64(0.0); nlp.num_constraints()];
    nlp.constraints(x, &mut g);
    g.iter()
        .zip(lambda)
        .fold(nlp.objective(x) * sigma, |acc, (&gk, &l)| acc + gk * l)
}
