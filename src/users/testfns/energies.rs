//! Large sparse energies for Newton at scale: convex in 1-D and on a grid, and a
//! nonconvex coercive chain of double wells.

use crate::objective::Objective;
use crate::scalar::Scalar;

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
