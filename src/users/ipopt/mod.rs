//! [Ipopt](https://coin-or.github.io/Ipopt/) as the solver of an [`Nlp`] (feature
//! `ipopt`): minimize `f(x)` subject to `x_lower <= x <= x_upper` and
//! `g_lower <= g(x) <= g_upper`, with exact derivatives: the constraint Jacobian
//! (`eval_jac_g`) and the lower triangle of the Lagrangian's Hessian
//! `sigma f + sum_k lambda_k g_k` (`eval_h`) from one [`LagrangianPlan`], in
//! structures found once at the start, and the objective's gradient
//! (`eval_grad_f`), all from one recording of `[f, g]` moved from point to point
//! by its program (`hyperhess::prepare`; the problem's functions run on the tape
//! again only where a guard flips).
//!
//! ```
//! use hyperhess::ipopt::{Bounds, IpoptOptions, solve};
//! use hyperhess::testfns::Hs071;
//!
//! // HS071: 1 <= x <= 5, x0 x1 x2 x3 >= 25, |x|² = 40.
//! let bounds = Bounds::free(4, 2)
//!     .variables(1.0, 5.0)
//!     .constraint(0, 25.0, f64::INFINITY)
//!     .constraint(1, 40.0, 40.0);
//! let s = solve(&Hs071, &bounds, &[1.0, 5.0, 5.0, 1.0], &IpoptOptions::default())?;
//! assert!((s.objective - 17.0140173).abs() < 1e-6);
//! assert!((s.x[2] - 3.82115).abs() < 1e-5);
//! # Ok::<(), hyperhess::Error>(())
//! ```
//!
//! - `solve`: [`solve`], [`solve_with_plan`];
//! - `problem`: its inputs, [`Bounds`] and [`IpoptOptions`];
//! - `solution`: its output, [`IpoptSolution`], [`IpoptStatus`], [`Evaluations`];
//! - `callbacks`: the functions Ipopt calls (panics and errors never cross into
//!   Ipopt);
//! - `ffi`: Ipopt's C interface (`IpStdCInterface.h`), linked as `libipopt`.
//!
//! Linking needs Ipopt's shared library (Debian/Ubuntu: `apt-get install
//! coinor-libipopt-dev`, Ipopt 3.11 with MUMPS); the C interface is bound
//! directly, so no bindgen or libclang is needed.

mod callbacks;
mod ffi;
mod problem;
mod solution;
mod solve;

pub use problem::{Bounds, IpoptOptions};
pub use solution::{Evaluations, IpoptSolution, IpoptStatus, Timing};
pub use solve::{solve, solve_with_plan};

#[cfg(doc)]
use crate::nlp::{LagrangianPlan, Nlp};
