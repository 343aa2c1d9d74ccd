//! The recordings active on this thread: how a [`Var`](super::var::Var) finds its
//! tape.
//!
//! A variable carries its recording's id (unique for the life of the process,
//! never reused), not a reference: so it is `'static`, `Send` and `Sync`, and
//! nalgebra can hold it. Each recording, while its function runs, is a [`Frame`] on
//! this thread's stack of active recordings (innermost on top, so nested
//! recordings work: an inner recording's partials are variables of the outer one).
//! A variable finds its tape by walking that stack from the top (the top is almost
//! always the one: one comparison).
//!
//! A variable whose recording is not on this thread's stack (finished, or of
//! another thread) is *foreign*: meeting one marks the innermost active recording
//! (and, process-wide, the foreign one, in case it is still running on another
//! thread), and a marked recording returns [`crate::error::Error::ForeignVariable`]
//! instead of derivatives. Nothing panics and no derivative comes from a foreign
//! variable.

use std::cell::Cell;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};

/// One active recording: its id, its tape (type-erased; only variables of that
/// tape's type carry this id), the frame below it, and whether it met a foreign
/// variable.
pub(super) struct Frame {
    id: u64,
    tape: *const (),
    below: *const Frame,
    foreign: Cell<bool>,
}

thread_local! {
    /// The innermost active recording of this thread (null: none).
    static TOP: Cell<*const Frame> = const { Cell::new(std::ptr::null()) };
    /// Its id and tape, copied out of the frame: the common lookup reads these
    /// two and follows no pointer.
    static TOP_ID: Cell<u64> = const { Cell::new(0) };
    static TOP_TAPE: Cell<*const ()> = const { Cell::new(std::ptr::null()) };
}

/// Makes `frame` (null: none) the innermost active recording.
fn set_top(frame: *const Frame) {
    TOP.with(|top| top.set(frame));
    // SAFETY: a non-null frame is alive (it is being pushed or restored).
    let (id, tape) = if frame.is_null() {
        (0, std::ptr::null())
    } else {
        unsafe { ((*frame).id, (*frame).tape) }
    };
    TOP_ID.with(|top| top.set(id));
    TOP_TAPE.with(|top| top.set(tape));
}

/// The next recording id (0 is "no recording": constants).
static NEXT_ID: AtomicU64 = AtomicU64::new(1);

/// Ids of recordings that met their own variables on another thread (or after
/// they finished), and how many there are (so that the common case reads one
/// atomic and takes no lock).
static MARKED: Mutex<Vec<u64>> = Mutex::new(Vec::new());
static MARKED_LEN: AtomicUsize = AtomicUsize::new(0);

/// A fresh recording id, never handed out before.
pub(super) fn fresh_id() -> u64 {
    NEXT_ID.fetch_add(1, Ordering::Relaxed)
}

impl Frame {
    /// The frame of recording `id` with its tape.
    pub(super) fn new<T>(id: u64, tape: &T) -> Self {
        Frame {
            id,
            tape: (tape as *const T).cast(),
            below: std::ptr::null(),
            foreign: Cell::new(false),
        }
    }

    /// Runs `run` with this frame on top of this thread's stack (taken off again
    /// when `run` returns or unwinds); then whether the recording met a foreign
    /// variable (here or, process-wide, on another thread).
    pub(super) fn active<R>(&mut self, run: impl FnOnce() -> R) -> (R, bool) {
        /// Puts the previous top back, also on unwinding.
        struct Restore(*const Frame);
        impl Drop for Restore {
            fn drop(&mut self) {
                set_top(self.0);
            }
        }
        self.below = TOP.with(Cell::get);
        let _restore = Restore(self.below);
        set_top(self as *const Frame);
        let out = run();
        let marked = MARKED_LEN.load(Ordering::SeqCst) != 0 && unmark(self.id);
        (out, self.foreign.get() || marked)
    }
}

/// The tape of recording `id` if it is active on this thread; `None` (and the
/// recordings concerned marked) if not. `id` must be nonzero and come from a
/// variable of tape type `T`.
#[inline(always)]
pub(super) fn find<'a, T>(id: u64) -> Option<&'a T> {
    // SAFETY: a frame is on the stack only while `Frame::active` runs, and the
    // frame and its tape outlive that call; ids are unique, and a `Var<T>` only
    // ever carries the id of a `Tape<T>`, so the cast is to the tape's own type.
    // The caller uses the reference within one operation on a variable of this
    // thread's active recording, so while the tape is alive.
    unsafe {
        if TOP_ID.with(Cell::get) == id {
            return Some(&*TOP_TAPE.with(Cell::get).cast::<T>());
        }
        find_below(TOP.with(Cell::get), id).map(|p| &*p.cast::<T>())
    }
}

/// [`find`] without marking anything when `id` is not active on this thread
/// (for reading a value or a comparison: no derivative comes of either).
#[inline]
pub(super) fn find_quiet<'a, T>(id: u64) -> Option<&'a T> {
    // SAFETY: as in `find`.
    unsafe {
        if TOP_ID.with(Cell::get) == id {
            return Some(&*TOP_TAPE.with(Cell::get).cast::<T>());
        }
        let mut f = TOP.with(Cell::get);
        while !f.is_null() {
            if (*f).id == id {
                return Some(&*(*f).tape.cast::<T>());
            }
            f = (*f).below;
        }
    }
    None
}

/// [`find`] below the top, and the foreign case.
#[cold]
#[inline(never)]
unsafe fn find_below(top: *const Frame, id: u64) -> Option<*const ()> {
    let mut f = top;
    // SAFETY: as in `find`: the frames on the stack are alive.
    unsafe {
        while !f.is_null() {
            if (*f).id == id {
                return Some((*f).tape);
            }
            f = (*f).below;
        }
    }
    mark_foreign(id);
    None
}

/// The most ids kept in the process-wide marks (a mark is only read by a
/// recording still running on another thread; the oldest go first).
const MARKS_KEPT: usize = 1024;

/// A foreign variable (of recording `id`) met: marks every recording active on
/// this thread (an outer one may hold what an inner one computes), and recording
/// `id` process-wide.
#[cold]
pub(super) fn mark_foreign(id: u64) {
    mark_active();
    let mut marked = MARKED.lock().unwrap_or_else(|e| e.into_inner());
    if !marked.contains(&id) {
        if marked.len() >= MARKS_KEPT {
            marked.remove(0);
        }
        marked.push(id);
        MARKED_LEN.store(marked.len(), Ordering::SeqCst);
    }
}

/// Marks every recording active on this thread (one operation met variables of
/// two active recordings, or a recording returned another one's variable).
#[cold]
pub(super) fn mark_active() {
    let mut f = TOP.with(Cell::get);
    // SAFETY: the frames on the stack are alive (see `find`).
    unsafe {
        while !f.is_null() {
            (*f).foreign.set(true);
            f = (*f).below;
        }
    }
}

/// The id of the innermost active recording (0: none).
#[inline]
pub(super) fn top_id() -> u64 {
    TOP_ID.with(Cell::get)
}

/// `true` while a recording is active on this thread (a driver called inside a
/// recorded function: its arithmetic may record on the active tapes, so it must
/// stay on this thread).
#[inline]
pub(crate) fn recording_active() -> bool {
    top_id() != 0
}

/// Takes `id` off the process-wide marks; `true` if it was marked.
#[cold]
fn unmark(id: u64) -> bool {
    let mut marked = MARKED.lock().unwrap_or_else(|e| e.into_inner());
    let found = marked.iter().position(|&m| m == id);
    if let Some(i) = found {
        marked.swap_remove(i);
        MARKED_LEN.store(marked.len(), Ordering::SeqCst);
    }
    found.is_some()
}
