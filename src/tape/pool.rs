//! Per-thread reuse of tape and sweep buffers, and of the automatic sparse rule's
//! last decision.
//!
//! A recording takes its node buffer and sweep buffers from here and gives them
//! back when dropped, so repeated calls (a Newton loop, a benchmark) allocate and
//! fault in no fresh memory once warm. This is a cache of memory and of one
//! coloring, not a tape: every recording is still an explicit value.

use crate::color::StarColoring;
use crate::pattern::SparsityPattern;
use std::any::Any;
use std::cell::RefCell;
use std::rc::Rc;

/// The automatic rule's decision for one tape structure: the pattern and coloring
/// to use, or `None` for dense sweeps.
pub(crate) type Decision = Option<Rc<(SparsityPattern, StarColoring)>>;

struct Memo {
    structure: Vec<u64>,
    decision: Decision,
}

thread_local! {
    static BUFFERS: RefCell<Vec<Box<dyn Any>>> = const { RefCell::new(Vec::new()) };
    static MEMO: RefCell<Option<Memo>> = const { RefCell::new(None) };
}

/// A buffer of type `B` from this thread's pool (empty if none is there).
pub(crate) fn take<B: Default + 'static>() -> B {
    BUFFERS.with(|pool| {
        let mut pool = pool.borrow_mut();
        pool.iter_mut()
            .find_map(|b| b.downcast_mut::<B>())
            .map(std::mem::take)
            .unwrap_or_default()
    })
}

/// Gives a buffer back to this thread's pool, into a slot of its type (one slot per
/// type: the last buffer given is kept).
pub(crate) fn give<B: 'static>(buffer: B) {
    // During thread teardown the pool may be gone: then the buffer is just dropped.
    let _ = BUFFERS.try_with(|pool| {
        let mut pool = pool.borrow_mut();
        if let Some(slot) = pool.iter_mut().find_map(|b| b.downcast_mut::<B>()) {
            *slot = buffer;
        } else {
            pool.push(Box::new(buffer));
        }
    });
}

/// The decision remembered for exactly this structure (compared word by word, not
/// by hash), if any.
pub(crate) fn recall(structure: impl ExactSizeIterator<Item = u64>) -> Option<Decision> {
    MEMO.with(|memo| {
        let memo = memo.borrow();
        let m = memo.as_ref()?;
        same_words(structure, &m.structure).then(|| m.decision.clone())
    })
}

/// Whether a recording's structure words equal stored ones, word by word.
pub(crate) fn same_words(words: impl ExactSizeIterator<Item = u64>, stored: &[u64]) -> bool {
    words.len() == stored.len() && words.zip(stored).all(|(a, &b)| a == b)
}

/// Remembers the decision for this structure (replacing the previous one).
pub(crate) fn remember(structure: impl Iterator<Item = u64>, decision: Decision) {
    MEMO.with(|memo| {
        let mut memo = memo.borrow_mut();
        let mut words = memo.take().map(|m| m.structure).unwrap_or_default();
        words.clear();
        words.extend(structure);
        *memo = Some(Memo {
            structure: words,
            decision,
        });
    });
}
