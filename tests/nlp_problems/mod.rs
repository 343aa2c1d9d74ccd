//! The constrained test problems, written once over `Scalar` (the twins of
//! `scripts/lagrangian_reference.py`'s, which wrote tests/data/lagrangian_reference.csv).

#![allow(dead_code)]

use hyperhess::{Nlp, Scalar};

pub use hyperhess::testfns::{Hs071, LuksanVlcek};

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
