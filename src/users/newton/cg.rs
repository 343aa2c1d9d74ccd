//! The matrix-free engine: truncated Newton-CG on a recording's Hessian-vector
//! products (Nocedal and Wright, *Numerical Optimization* 2nd ed., Algorithm 7.1:
//! Steihaug's truncation rules in line-search form), no Hessian formed.

use crate::error::Error;
use crate::recording::Recording;
use nalgebra::DVector;

/// A truncated CG solve of `H p = -g`.
pub(crate) struct CgStep {
    pub(crate) step: DVector<f64>,
    pub(crate) iterations: usize,
    pub(crate) hvps: usize,
    /// A direction of nonpositive curvature stopped the iteration.
    pub(crate) negative_curvature: bool,
}

/// CG on `H p = -g` from `p = 0`, `H v` by one replay of `rec` per iteration,
/// stopped when
/// - the residual is below the forcing tolerance `min(0.5, sqrt(|g|)) |g|`
///   (superlinear convergence of the outer iteration), or
/// - a direction `d` has `dᵀ H d <= 0`: the iterate so far, or `-g` at the first
///   iteration (both descent directions), or
/// - `max_iterations` products were taken.
pub(crate) fn truncated_cg(
    rec: &Recording,
    g: &DVector<f64>,
    max_iterations: usize,
) -> Result<CgStep, Error> {
    let g_norm = g.norm();
    let tolerance = g_norm.sqrt().min(0.5) * g_norm;
    let mut z = DVector::zeros(g.len());
    let mut r = g.clone();
    let mut d = -g;
    let mut rr = r.norm_squared();
    let mut iterations = 0;
    let mut negative_curvature = false;
    while iterations < max_iterations.max(1) && rr.sqrt() > tolerance {
        let hd = rec.hvp(d.as_slice())?;
        iterations += 1;
        let curvature = d.dot(&hd);
        if curvature <= 0.0 || !curvature.is_finite() {
            negative_curvature = true;
            if iterations == 1 {
                z = -g;
            }
            break;
        }
        let alpha = rr / curvature;
        z.axpy(alpha, &d, 1.0);
        r.axpy(alpha, &hd, 1.0);
        let rr_next = r.norm_squared();
        d *= rr_next / rr;
        d -= &r;
        rr = rr_next;
    }
    Ok(CgStep {
        step: z,
        iterations,
        hvps: iterations,
        negative_curvature,
    })
}
