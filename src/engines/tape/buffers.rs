//! The buffers of a recording ([`Buffers`]: tape, adjoints, lane buffers),
//! taken from and given back to this thread's pool as one, and a caller's own kept
//! buffers ([`Workspace`], a plan's). Nothing outside the tape sees what they hold.

use super::lanes::LaneBuffers;
use super::node::{Stream, Terms};
use super::pool::{self, Pooled};
use std::cell::RefCell;
use std::sync::Mutex;

/// Every buffer of one recording, taken from this thread's pool and given back to
/// it as one (one pool lookup per recording instead of one per buffer).
#[derive(Debug)]
pub(crate) struct Buffers<T> {
    /// The nodes and their partials.
    pub(super) stream: Stream<T>,
    /// The n-ary nodes' operands and coefficients.
    pub(super) terms: Terms<T>,
    /// The scratch stack of the recording's sums (kept for the pool).
    pub(super) scratch: Vec<(u32, T)>,
    /// One mark per node for the fusion of linear chains (see `fuse`).
    pub(super) marks: Vec<u32>,
    /// The leaves of the chains being fused (see `fuse`).
    pub(super) chains: Vec<(u32, T)>,
    /// First-order adjoints of the nodes up to the output.
    pub(super) adjoints: Vec<T>,
    pub(super) lanes: RefCell<LaneBuffers<T>>,
}

impl<T> Default for Buffers<T> {
    fn default() -> Self {
        Buffers {
            stream: Stream::default(),
            terms: Terms::default(),
            scratch: Vec::new(),
            marks: Vec::new(),
            chains: Vec::new(),
            adjoints: Vec::new(),
            lanes: RefCell::default(),
        }
    }
}

impl<T: 'static> Pooled for Buffers<T> {
    /// Each buffer is kept only up to [`pool::keep_bytes`] (see [`Buffers::trim`]).
    const SHARE: usize = 9;
    fn bytes(&self) -> usize {
        self.stream.nodes.bytes()
            + self.stream.partials.bytes()
            + self.terms.ops.bytes()
            + self.terms.coefs.bytes()
            + self.scratch.bytes()
            + self.marks.bytes()
            + self.chains.bytes()
            + self.adjoints.bytes()
            + self.lanes.borrow().bytes()
    }
}

impl<T: 'static> Buffers<T> {
    /// Frees each buffer that holds more than [`pool::keep_bytes`].
    pub(super) fn trim(&mut self) {
        fn cap<B: Pooled>(b: &mut B) {
            if b.bytes() > pool::keep_bytes() {
                *b = B::default();
            }
        }
        cap(&mut self.stream.nodes);
        cap(&mut self.stream.partials);
        cap(&mut self.terms.ops);
        cap(&mut self.terms.coefs);
        cap(&mut self.scratch);
        cap(&mut self.marks);
        cap(&mut self.chains);
        cap(&mut self.adjoints);
        cap(self.lanes.get_mut());
    }
}

/// A caller's own buffers for repeated recordings at one size (a plan's): the last
/// evaluation's buffers, reused by the next and freed with their owner. Threads
/// sharing one owner take them when free and fall back to this thread's pool.
#[derive(Debug, Default)]
pub(crate) struct Workspace(Mutex<Option<Box<Buffers<f64>>>>);

impl Workspace {
    /// The kept buffers when free, else a pool's.
    pub(super) fn take(&self) -> Box<Buffers<f64>> {
        let kept = self.0.try_lock().ok().and_then(|mut b| b.take());
        kept.unwrap_or_else(pool::take_boxed)
    }

    /// Keeps `buf` for the next call (unless another thread holds the slot).
    pub(super) fn put(&self, buf: Box<Buffers<f64>>) {
        if let Ok(mut slot) = self.0.try_lock() {
            *slot = Some(buf);
        }
    }
}
