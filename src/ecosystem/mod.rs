//! The Rust numerical ecosystem's traits on the crate's number types:
//! `num_traits` (`Float` & co.) and simba's `RealField`/`ComplexField` (so nalgebra
//! vectors and matrices of dual numbers work), and the optional `ndarray` drivers.

pub(crate) mod num_traits;
pub(crate) mod simba;

#[cfg(feature = "ndarray")]
pub mod ndarray;
