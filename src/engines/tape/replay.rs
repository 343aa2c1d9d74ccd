//! [`Replay`]: what the lane sweeps read of a [`Recorded`] (the tape and its
//! first-order adjoints), without its buffers: `Sync`, so threads can sweep one
//! recording at once, each with its own lane buffers.

use super::lanes::LaneBuffers;
use super::node::{Stream, Terms};
use super::node_loops::NodeLoops;
#[cfg(feature = "parallel")]
use super::pool;
use super::recording::Recorded;
use super::sweep_lanes::hvp_lanes;
use crate::scalar::{Base, Scalar};

impl<T: Base> Recorded<T> {
    /// One lane sweep with this recording's buffers.
    pub(crate) fn sweep<const L: usize>(
        &self,
        seed: impl FnMut(usize, &mut [T; L]),
        out: impl FnMut(usize, &[T; L]),
    ) {
        let mut buffers = self.buf().lanes.borrow_mut();
        self.replay().sweep_with::<L>(&mut buffers, seed, out);
    }

    /// What the lane sweeps read (the tape and the first-order adjoints), without
    /// this recording's own buffers: `Sync`, so threads can sweep one recording at
    /// once, each with its own buffers.
    pub(crate) fn replay(&self) -> Replay<'_, T> {
        Replay {
            stream: &self.buf().stream,
            terms: &self.buf().terms,
            n: self.inputs(),
            output: self.output,
            adjoints: &self.buf().adjoints,
            loops: self.program.as_deref().and_then(|p| p.found_loops()),
        }
    }
}

/// A shareable view of a [`Recorded`] for lane sweeps ([`Recorded::replay`]).
#[derive(Clone, Copy)]
pub(crate) struct Replay<'a, T> {
    stream: &'a Stream<T>,
    terms: &'a Terms<T>,
    n: usize,
    output: usize,
    adjoints: &'a [T],
    /// The tape's loops, when its program found them (a prepared function).
    loops: Option<&'a NodeLoops>,
}

impl<T: Scalar + 'static> Replay<'_, T> {
    /// One lane sweep with lane buffers from this thread's pool (threads sharing
    /// one recording each sweep with their own).
    #[cfg(feature = "parallel")]
    pub(crate) fn sweep_pooled<const L: usize>(
        &self,
        seed: impl FnMut(usize, &mut [T; L]),
        out: impl FnMut(usize, &[T; L]),
    ) {
        let mut buffers: LaneBuffers<T> = pool::take();
        self.sweep_with::<L>(&mut buffers, seed, out);
        pool::give(buffers);
    }

    /// One lane sweep with the caller's buffers.
    fn sweep_with<const L: usize>(
        &self,
        buffers: &mut LaneBuffers<T>,
        seed: impl FnMut(usize, &mut [T; L]),
        out: impl FnMut(usize, &[T; L]),
    ) {
        hvp_lanes::<T, L>(
            self.stream,
            self.terms,
            self.n,
            self.output,
            self.adjoints,
            self.loops,
            buffers,
            seed,
            out,
        );
    }
}
