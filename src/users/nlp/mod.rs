//! Constrained problems for Newton-type solvers (interior point like Ipopt, SQP):
//! the objective's gradient, the constraints' Jacobian and the Hessian of the
//! Lagrangian `L(x) = sigma f(x) + sum_k lambda_k g_k(x)`, in sparse structures
//! found once and filled at every new `(x, sigma, lambda)` (the contract of Ipopt's
//! `eval_jac_g`/`eval_h`, MathOptInterface's `hessian_lagrangian_structure`,
//! CasADi's `nlp_hess_l`).
//!
//! - here: [`Nlp`], a problem written once over any [`Scalar`];
//! - `plan`: [`LagrangianPlan`], the structures and their colorings, found once;
//! - `evaluate`: its evaluations at many points; [`NlpValues`], everything at one
//!   point from one recording.

mod evaluate;
mod plan;
mod prepared;
mod source;

pub use evaluate::NlpValues;
pub use plan::LagrangianPlan;
#[cfg(feature = "ipopt")]
pub(crate) use prepared::Kept;
pub use prepared::PreparedNlp;

use crate::scalar::Scalar;

/// A constrained problem: minimize `objective(x)` subject to bounds on
/// `constraints(x)` (the bounds are the solver's business). Written once,
/// generically over [`Scalar`], and evaluated on plain `f64`, on the tape
/// (gradients, Jacobians, the Lagrangian's Hessian) and on dual numbers.
///
/// ```
/// use hyperhess::{Nlp, Scalar};
///
/// /// Hock–Schittkowski problem 71.
/// struct Hs071;
/// impl Nlp for Hs071 {
///     fn num_constraints(&self) -> usize {
///         2
///     }
///     fn objective<S: Scalar>(&self, x: &[S]) -> S {
///         x[0] * x[3] * (x[0] + x[1] + x[2]) + x[2]
///     }
///     fn constraints<S: Scalar>(&self, x: &[S], out: &mut [S]) {
///         out[0] = x[0] * x[1] * x[2] * x[3];
///         out[1] = x.iter().map(|&v| v * v).sum();
///     }
/// }
///
/// let x = [1.0, 5.0, 5.0, 1.0];
/// let plan = hyperhess::LagrangianPlan::new(&Hs071, &x).unwrap();
/// let h = plan.hessian(&Hs071, &x, 1.0, &[1.0, 1.0]).unwrap(); // lower triangle
/// let j = plan.jacobian(&Hs071, &x).unwrap(); // 2 x 4
/// assert_eq!(j.get_entry(0, 0).unwrap().into_value(), 25.0); // x1 x2 x3
/// // d2f/dx0dx3 = 2 x0 + x1 + x2 = 12, d2g0/dx0dx3 = x1 x2 = 25
/// assert_eq!(h.get_entry(3, 0).unwrap().into_value(), 37.0);
/// assert!(h.get_entry(0, 3).unwrap().into_value() == 0.0); // upper triangle: absent
/// ```
pub trait Nlp {
    /// Number of constraints `m` (0 for an unconstrained problem).
    fn num_constraints(&self) -> usize;
    /// The objective `f(x)`.
    fn objective<S: Scalar>(&self, x: &[S]) -> S;
    /// The constraints `g(x)`, written into `out` (length
    /// [`Nlp::num_constraints`]; its entries start at zero).
    fn constraints<S: Scalar>(&self, x: &[S], out: &mut [S]);
}
