//! # hyperhess
//!
//! Exact first and second derivatives of generic Rust functions.
//!
//! Write the function once, generically over [`Scalar`], and ask for its value,
//! gradient, Hessian, Hessian-vector products or a Newton step; results are exact
//! (no truncation error) and come back as nalgebra types.
//!
//! ```
//! use hyperhess::Scalar;
//!
//! fn f<S: Scalar>(x: &[S]) -> S {
//!     x[0] * x[1].powi(3) - x[0] * 7.0
//! }
//!
//! let x = [1.0, 2.0];
//! assert_eq!(f(&x), 1.0); // plain f64, full speed
//! let d = hyperhess::derivatives(|x| f(x), &x).unwrap(); // one recording
//! assert_eq!(d.gradient.as_slice(), &[1.0, 12.0]);
//! assert_eq!(d.hessian, nalgebra::dmatrix![0.0, 12.0; 12.0, 12.0]);
//! let hv = hyperhess::hvp(|x| f(x), &x, &[1.0, 0.0]).unwrap();
//! assert_eq!(hv.as_slice(), &[0.0, 12.0]);
//! ```
//!
//! ## Two engines
//! - **Forward-over-reverse** (the default: [`gradient`], [`hessian`], [`hvp`],
//!   [`derivatives`], [`record`], [`sparse_hessian`]): the function is recorded once
//!   on a [`tape`]; gradients come from one reverse sweep, Hessian-vector products
//!   from a tangent sweep and a reverse sweep of dual adjoints, the dense Hessian
//!   from `n / L` sweeps of `L` lanes, or, when its sparsity pattern allows, from a
//!   few compressed sweeps ([`Sparsity`]).
//! - **Forward** ([`forward`]): [`Dual`] and [`HyperDual`] numbers pushed through the
//!   function, one evaluation per seed pair; simple, `O(n²)` evaluations, the
//!   reference the tape is tested against.
//!
//! Both read every elementary function's derivatives from one table ([`rules`]).
//!
//! ## Trade-offs
//! - Pass the function as `|x| f(x)`: the tape drivers need the closure written at
//!   the call to infer `for<'t> Fn(&[Var<'t>]) -> Var<'t>`. For functions that carry
//!   data, implement [`Objective`].
//! - [`Scalar`] requires `Copy`: number types are small values, and user code reads
//!   like `f64` code (no clones). Dynamic-width derivative parts are therefore not
//!   offered; lanes are a const width inside the sweeps instead.
//! - Comparisons compare values only, so branches behave as on `f64`; a recording
//!   freezes the branches taken (see `docs/limitations.md`).

#![warn(missing_docs)]

mod blocks;
mod color;
mod drivers;
mod error;
mod newton;
mod number_ops;
mod options;
mod pattern;
mod scalar;
mod shaped;
mod sparse;

#[cfg(feature = "argmin")]
pub mod argmin;
pub mod check;
pub mod forward;
pub mod objective;
pub mod rules;
#[cfg(test)]
mod rules_coverage;
pub mod tape;
pub mod testfns;

pub use blocks::{BlockHessian, hessian_blocks, hessian_blocks_with};
pub use color::StarColoring;
pub use drivers::{
    Derivatives, derivatives, derivatives_with, gradient, gradient_with, hessian, hessian_with,
    hvp, hvp_with,
};
pub use error::Error;
pub use forward::{Dual, HyperDual};
pub use newton::{
    MinimizeOptions, Minimum, NewtonOptions, NewtonStep, minimize_newton, newton_step,
};
pub use objective::{
    Objective, derivatives_of, derivatives_of_with, gradient_of, gradient_of_with,
    hessian_diagonal_of, hessian_of, hessian_of_with, hvp_of, hvp_of_with, record_of,
    sparse_hessian_of, sparse_plan_of,
};
pub use options::{Options, Sparsity};
pub use pattern::SparsityPattern;
pub use scalar::Scalar;
pub use shaped::{AsShaped, Shaped, ShapedHessian, hessian_shaped, hessian_shaped_with};
pub use sparse::{SparsePlan, hessian_diagonal, sparse_hessian};
pub use tape::{Recording, Var, record};
