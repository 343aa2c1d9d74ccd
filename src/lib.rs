//! # hyperhess
//!
//! Exact first and second derivatives of generic Rust functions.
//!
//! Write the function once, generically over [`Scalar`], and ask for its gradient or
//! Hessian; results are exact (no truncation error) and come back as nalgebra types.
//!
//! ```
//! use hyperhess::Scalar;
//!
//! fn f<S: Scalar>(x: &[S]) -> S {
//!     x[0] * x[1].powi(3) - x[0] * 7.0
//! }
//!
//! let x = [1.0, 2.0];
//! let g = hyperhess::forward::gradient(|x| f(x), &x).unwrap();
//! let h = hyperhess::forward::hessian(|x| f(x), &x).unwrap();
//! assert_eq!(g.as_slice(), &[1.0, 12.0]);
//! assert_eq!(h, nalgebra::dmatrix![0.0, 12.0; 12.0, 12.0]);
//! ```

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
    Objective, derivatives_of, derivatives_of_with, gradient_of, gradient_of_with, hessian_of,
    hessian_of_with, hvp_of, hvp_of_with, record_of,
};
pub use options::{Options, Sparsity};
pub use pattern::SparsityPattern;
pub use scalar::Scalar;
pub use shaped::{AsShaped, Shaped, ShapedHessian, hessian_shaped, hessian_shaped_with};
pub use sparse::{SparsePlan, hessian_diagonal, sparse_hessian};
pub use tape::{Recording, Var, record};
