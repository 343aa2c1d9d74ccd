//! The forward-over-reverse engine: record the function once on an explicit tape,
//! then replay it. Records and sweeps, and holds buffers; it knows nothing of the
//! Hessian drivers built on it.
//!
//! - `recorder`: the tape a [`Var`] writes to (nodes, partials, side arrays);
//! - `var`: [`Var`], the recording scalar;
//! - `active`: the recordings active on this thread (how a `Var` finds its tape);
//! - `node`: one recorded operation (8 bytes) and its partials (0 to 5, by kind);
//! - `sweep`: reverse, tangent and second-order adjoint sweeps, `L` lanes at once;
//! - `lanes`: their buffers, n-ary kernels, unchecked partial reads, lane dispatch;
//! - `fuse`: linear chains folded into n-ary nodes once a recording is finished;
//! - `fuse_marks`: its backward passes (what folds, the chains' leaves);
//! - `fuse_build`: its forward pass (the fused tape, roots expanded);
//! - `deps`: dependency sweeps (independence for `strict`, the sparsity pattern);
//! - `edge_push`: the Hessian's nonzeros directly, in one reverse sweep;
//! - `edge_local`: a node's local derivatives and factors as that sweep reads them;
//! - `edge_scratch`: its lists, marks and arena, kept per thread and left clean;
//! - `edge_values`: what it computes with: numbers, or a schedule's slots;
//! - `edges`: what a `Recorded` offers of it (entries, a schedule, values by it);
//! - `edge_schedule`: that sweep written down once as instructions, for plans;
//! - `edge_factors`: the factors a schedule's instructions read, loops rolled;
//! - `edge_kinds`: its instruction set;
//! - `edge_fold`: its copies and products by 1 or -1 folded, exactly;
//! - `edge_order`: its instructions put in runs of one kind;
//! - `recording`: `Recorded`, the replayable result (value, gradient, `H v`, lane
//!   sweeps, structure words), and `Workspace`, a plan's kept buffers;
//! - `replay`: `Replay`, a recording's shareable view for threads' lane sweeps;
//! - `vector`: `VectorRecording`, a vector function's recording: Jacobian rows
//!   and columns, and the Hessian of a weighted sum of its outputs;
//! - `program`, `reevaluate`: a recording's program (recorded on request) and
//!   moving a `Recorded` to a new point by it;
//! - `hvp_moved`: a product at a new point, the adjoints in its own reverse sweep;
//! - `buffers`: a recording's buffers as one, and a plan's kept `Workspace`;
//! - `pool`: per-thread, bounded reuse of buffers;
//! - `huge_pages`: huge pages advised for the large ones the pool does not keep.

mod active;
mod buffers;
mod deps;
mod edge_factors;
mod edge_fold;
mod edge_kinds;
mod edge_local;
mod edge_order;
mod edge_push;
mod edge_schedule;
mod edge_scratch;
mod edge_values;
mod edges;
mod fuse;
mod fuse_build;
mod fuse_marks;
pub(crate) mod huge_pages;
mod hvp_moved;
mod hvp_rolled;
mod lanes;
mod lanes_rolled;
mod loops;
mod node;
mod node_loops;
pub(crate) mod pool;
mod program;
mod recorder;
mod recording;
mod reevaluate;
mod replay;
mod sweep;
mod sweep_lanes;
mod sweep_rolled;
mod var;
mod vector;
mod words;

pub(crate) use active::recording_active;
pub(crate) use buffers::Workspace;
pub(crate) use edge_push::{Limits, SymmetricEntries};
pub(crate) use edge_schedule::Schedule;
pub(crate) use lanes::with_lanes;
pub(crate) use recording::Recorded;
pub use var::Var;
pub(crate) use vector::VectorRecording;
