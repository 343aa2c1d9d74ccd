//! The forward-over-reverse engine: record the function once on an explicit tape,
//! then replay it. Records and sweeps, and holds buffers; it knows nothing of the
//! Hessian drivers built on it.
//!
//! - `var`: [`Var`], the recording scalar, and the tape it writes to;
//! - `node`: one recorded operation (8 bytes) and its partials (0 to 5, by kind);
//! - `sweep`: reverse, tangent and second-order adjoint sweeps, `L` lanes at once;
//! - `deps`: dependency sweeps (independence for `strict`, the sparsity pattern);
//! - `recording`: [`Recording`], the replayable result: value, gradient, `H v`;
//! - `vector`: `VectorRecording`, a vector function's recording: Jacobian rows
//!   and columns, and the Hessian of a weighted sum of its outputs;
//! - `pool`: per-thread, bounded reuse of buffers.

mod deps;
mod node;
pub(crate) mod pool;
mod recording;
mod sweep;
mod var;
mod vector;

pub(crate) use recording::Buffers;
pub use recording::{Recording, record};
#[cfg(feature = "parallel")]
pub(crate) use sweep::LaneBuffers;
pub(crate) use sweep::with_lanes;
pub use var::Var;
pub(crate) use vector::VectorRecording;
