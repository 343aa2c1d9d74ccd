//! The forward-over-reverse engine: record the function once on an explicit
//! [`Tape`], then replay it.
//!
//! - [`var`]: [`Var`], the recording scalar;
//! - `node`: one recorded operation (48 bytes on `f64`);
//! - `sweep`: reverse, tangent and second-order adjoint sweeps, `L` lanes at once;
//! - `deps`: structural dependencies (for `strict`);
//! - [`recording`]: [`Recording`], the replayable result.

mod deps;
mod node;
pub(crate) mod pool;
pub mod recording;
mod sweep;
pub mod var;

pub use recording::{Recording, record};
pub use var::{Tape, Var};
