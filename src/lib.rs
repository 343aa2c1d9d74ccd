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

mod color;
mod drivers;
mod error;
mod number_ops;
mod options;
mod pattern;
mod scalar;
mod sparse;

pub mod forward;
pub mod rules;
pub mod tape;
pub mod testfns;

pub use drivers::{
    Derivatives, derivatives, derivatives_with, gradient, gradient_with, hessian, hessian_with,
    hvp, hvp_with,
};
pub use error::Error;
pub use forward::{Dual, HyperDual};
pub use color::StarColoring;
pub use options::{Options, Sparsity};
pub use pattern::SparsityPattern;
pub use sparse::{SparsePlan, hessian_diagonal, sparse_hessian};
pub use scalar::Scalar;
pub use tape::{Recording, Var, record};
