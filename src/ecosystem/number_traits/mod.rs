//! The Rust numerical ecosystem's traits on the crate's number types:
//! `num_traits` (`Float` & co.) and simba's `RealField`/`ComplexField` (so nalgebra
//! vectors and matrices of dual numbers work). (The optional `ndarray` drivers are
//! the other adapter of this layer: `src/ecosystem/ndarray.rs`.)

pub(crate) mod num_traits;
pub(crate) mod simba;
