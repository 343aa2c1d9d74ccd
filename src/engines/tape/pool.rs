//! Per-thread reuse of tape and sweep buffers, bounded.
//!
//! A recording takes its node buffer and sweep buffers from here and gives them
//! back when dropped, so repeated calls (a Newton loop, a benchmark) allocate and
//! fault in no fresh memory once warm. This is a cache of memory, not a tape: every
//! recording is still an explicit value.
//!
//! The pool is bounded: it keeps one buffer per type, and only a buffer of at most
//! [`keep_bytes`] (a type made of several, a few times that); a larger one is
//! freed when its recording is dropped, so a thread (a rayon worker, a
//! long-running optimizer) never holds on to its peak. The limit is the user's
//! to raise (then a million-input one-shot call reuses its memory as a small one
//! does) and the pool theirs to empty ([`crate::memory`]).

use std::any::Any;
use std::cell::RefCell;
use std::sync::atomic::{AtomicUsize, Ordering};

/// The default of [`keep_bytes`]: 16 MiB, enough for each array of a tape of
/// about a million operations on `f64`.
pub(crate) const KEEP_BYTES: usize = 16 << 20;

/// The largest buffer kept for reuse, in bytes, for every thread (see
/// [`crate::memory`]).
static LIMIT: AtomicUsize = AtomicUsize::new(KEEP_BYTES);

/// The largest buffer kept for reuse, in bytes ([`KEEP_BYTES`] unless set):
/// larger buffers are given back to the allocator when their call ends.
pub(crate) fn keep_bytes() -> usize {
    LIMIT.load(Ordering::Relaxed)
}

/// Sets [`keep_bytes`] for every thread, from each buffer's next return on.
pub(crate) fn set_keep_bytes(bytes: usize) {
    LIMIT.store(bytes, Ordering::Relaxed);
}

/// A buffer that knows how much memory it holds.
pub(crate) trait Pooled: Default + 'static {
    /// How many [`keep_bytes`] a kept buffer of this type may hold (a type made
    /// of several buffers, each capped, holds up to that many).
    const SHARE: usize = 1;
    /// Bytes of capacity held.
    fn bytes(&self) -> usize;
    /// The most bytes a kept buffer of this type may hold.
    fn keep() -> usize {
        keep_bytes().saturating_mul(Self::SHARE)
    }
}

impl<T: 'static> Pooled for Vec<T> {
    fn bytes(&self) -> usize {
        self.capacity() * std::mem::size_of::<T>()
    }
}

/// What the pool holds: a buffer of some [`Pooled`] type, its size known.
trait Slot: Any {
    fn held(&self) -> usize;
}

impl<B: Pooled> Slot for B {
    fn held(&self) -> usize {
        self.bytes()
    }
}

thread_local! {
    static BUFFERS: RefCell<Vec<Box<dyn Slot>>> = const { RefCell::new(Vec::new()) };
}

/// Whether `slot` holds a `B`.
fn is<B: Pooled>(slot: &dyn Slot) -> bool {
    let any: &dyn Any = slot;
    any.is::<B>()
}

/// `slot` as a `B`, if it holds one.
fn as_mut<B: Pooled>(slot: &mut Box<dyn Slot>) -> Option<&mut B> {
    let any: &mut dyn Any = &mut **slot;
    any.downcast_mut::<B>()
}

/// A buffer of type `B` from this thread's pool (empty if none is there).
#[cfg_attr(not(feature = "parallel"), allow(dead_code))]
pub(crate) fn take<B: Pooled>() -> B {
    BUFFERS.with(|pool| {
        let mut pool = pool.borrow_mut();
        pool.iter_mut()
            .find_map(as_mut::<B>)
            .map(std::mem::take)
            .unwrap_or_default()
    })
}

/// Gives a buffer back to this thread's pool, into a slot of its type (one slot per
/// type: the larger of the kept and the given buffer stays), unless it holds more
/// than [`Pooled::keep`].
#[cfg_attr(not(feature = "parallel"), allow(dead_code))]
pub(crate) fn give<B: Pooled>(buffer: B) {
    // (Boxed: moved into the kept box in place instead, a one-shot sparse Hessian
    // at a million inputs faulted in twice the pages, 173 k against 87 k in six
    // calls; where glibc then puts the large buffers, not a difference here.)
    give_boxed(Box::new(buffer));
}

/// [`take`], boxed: the pool's own box is handed out, so nothing is copied (a
/// fresh box only when the pool has none of this type).
pub(crate) fn take_boxed<B: Pooled>() -> Box<B> {
    let found = BUFFERS.try_with(|pool| {
        let mut pool = pool.borrow_mut();
        let i = pool.iter().position(|b| is::<B>(&**b))?;
        let any: Box<dyn Any> = pool.swap_remove(i);
        any.downcast::<B>().ok()
    });
    found.ok().flatten().unwrap_or_default()
}

/// [`give`], boxed: the box itself goes back into the pool.
pub(crate) fn give_boxed<B: Pooled>(buffer: Box<B>) {
    if buffer.bytes() > B::keep() {
        return;
    }
    // During thread teardown the pool may be gone: then the buffer is just dropped.
    let _ = BUFFERS.try_with(|pool| {
        let mut pool = pool.borrow_mut();
        if let Some(slot) = pool.iter_mut().find(|b| is::<B>(&***b)) {
            if buffer.bytes() >= slot.held() {
                *slot = buffer;
            }
        } else {
            pool.push(buffer);
        }
    });
}

/// Bytes this thread's pool holds.
pub(crate) fn kept_bytes() -> usize {
    BUFFERS
        .try_with(|pool| pool.borrow().iter().map(|b| b.held()).sum())
        .unwrap_or(0)
}

/// Gives everything this thread's pool holds back to the allocator.
pub(crate) fn release() {
    // (Taken out first: the buffers are dropped with the pool not borrowed.)
    let held = BUFFERS.try_with(|pool| std::mem::take(&mut *pool.borrow_mut()));
    drop(held);
}

/// Bytes this thread's pool holds for buffers of type `B` (for tests).
#[cfg(test)]
pub(crate) fn kept<B: Pooled>() -> usize {
    BUFFERS.with(|pool| {
        pool.borrow()
            .iter()
            .find_map(|b| (&**b as &dyn Any).downcast_ref::<B>())
            .map_or(0, Pooled::bytes)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn small_buffers_are_kept_and_large_ones_freed() {
        give(vec![0u8; 1024]);
        assert_eq!(kept::<Vec<u8>>(), 1024);
        // A buffer over the cap is dropped, and does not displace the kept one.
        give(vec![0u8; keep_bytes() + 1]);
        assert_eq!(kept::<Vec<u8>>(), 1024);
        let b: Vec<u8> = take();
        assert_eq!(b.capacity(), 1024);
        assert_eq!(kept::<Vec<u8>>(), 0);
    }

    #[test]
    fn a_recordings_inputs_are_kept_and_given_again() {
        use crate::scalar::Scalar;
        use crate::tape::{Recorded, Var};
        let f = |x: &[Var]| x.iter().fold(x[0], |a, &b| a * b.sin() + b);
        let x: Vec<f64> = (0..40).map(|i| 0.1 * i as f64 - 1.0).collect();
        let first = Recorded::new(f, &x).unwrap();
        // (More inputs than fit on the stack: a kept buffer of variables.)
        assert!(kept::<Vec<Var>>() >= 40 * std::mem::size_of::<Var>());
        let y: Vec<f64> = x.iter().map(|v| v * 0.5).collect();
        let other = Recorded::new(f, &y).unwrap();
        let again = Recorded::new(f, &x).unwrap();
        let bits = |r: &Recorded<f64>| r.gradient().iter().map(|g| g.to_bits()).collect::<Vec<_>>();
        assert_eq!(bits(&first), bits(&again));
        assert_ne!(bits(&first), bits(&other));
    }

    #[test]
    fn a_huge_recording_gives_its_memory_back_when_dropped() {
        // About 1.2 million operations (58 MB of nodes): over the cap.
        let x = vec![1.0; 4];
        let rec = crate::tape::Recorded::new(
            |x| {
                let mut y = x[0];
                for _ in 0..1_200_000 {
                    y = y * 0.5 + x[1];
                }
                y
            },
            &x,
        )
        .unwrap();
        let _ = rec.hvp(&[1.0, 0.0, 0.0, 0.0]).unwrap();
        drop(rec);
        // Each of the recording's buffers is kept only up to the cap: the nodes
        // (over it) are freed, the rest kept.
        let held = kept::<super::super::buffers::Buffers<f64>>();
        assert!(held <= 2 * keep_bytes(), "{held} bytes kept");
    }
}
