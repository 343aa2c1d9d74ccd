//! The memory kept between calls: how much, and giving it back.
//!
//! Recording a function and sweeping its tape needs buffers in proportion to its
//! operations. Each thread keeps the buffers its last call used (one of each
//! kind) for its next call, so a loop of calls (a Newton iteration, a benchmark,
//! an optimizer's evaluations) allocates no fresh memory once warm.
//!
//! Only buffers of at most [`keep_limit`] bytes are kept: 16 MiB by default, enough for each
//! array of a tape of about a million operations. Larger ones go back to the allocator when
//! their call ends, so a thread never holds on to its peak; the next call at that
//! size then gets fresh memory from the system, which costs about as much as the
//! arithmetic at a million inputs (on Linux hyperhess asks for huge pages for
//! such buffers, which makes it cheaper, not free). A program that calls a
//! one-shot driver ([`crate::sparse_hessian`], [`crate::gradient`], ...) again
//! and again on large functions can raise the limit with [`set_keep_limit`], and
//! give the memory back when done with [`release`].
//!
//! A kind made of several buffers (the tape's nine arrays, the edge-pushing
//! lists) keeps each of them up to the limit, so a thread keeps at most a small
//! multiple of it: [`kept_bytes`] says what it holds. Plans and prepared
//! functions ([`crate::SparsePlan`], [`crate::Prepared`]) own their buffers and
//! free them when dropped; this limit does not apply to them.
//!
//! ```
//! use hyperhess::{Scalar, memory};
//!
//! fn f<S: Scalar>(x: &[S]) -> S {
//!     x.iter().map(|&v| v.sin() * v).sum()
//! }
//! let x = vec![0.5; 1000];
//! let before = memory::keep_limit();
//! memory::set_keep_limit(256 << 20); // keep up to 256 MiB per buffer
//! let h = hyperhess::sparse_hessian(|x| f(x), &x).unwrap();
//! assert_eq!(h.nnz(), 1000);
//! memory::release(); // this thread's kept buffers, back to the allocator
//! assert_eq!(memory::kept_bytes(), 0);
//! memory::set_keep_limit(before);
//! ```

use crate::tape::pool;

/// The default [`keep_limit`], in bytes (16 MiB).
///
/// ```
/// assert_eq!(hyperhess::memory::DEFAULT_KEEP_LIMIT, 16 << 20);
/// ```
pub const DEFAULT_KEEP_LIMIT: usize = pool::KEEP_BYTES;

/// The largest buffer a thread keeps between calls, in bytes
/// ([`DEFAULT_KEEP_LIMIT`] unless [`set_keep_limit`] changed it).
///
/// ```
/// assert!(hyperhess::memory::keep_limit() > 0);
/// ```
pub fn keep_limit() -> usize {
    pool::keep_bytes()
}

/// Sets [`keep_limit`] for every thread: each buffer given back from then on is
/// kept if it holds at most `bytes`, else freed. `0` keeps nothing (every call
/// allocates afresh); `usize::MAX` keeps every buffer, however large, until
/// [`release`] (or its thread's end).
///
/// The limit is global, so it applies to the threads a `parallel` driver runs on
/// as well; what each thread already keeps stays until replaced or released.
///
/// ```
/// use hyperhess::memory;
/// let before = memory::keep_limit();
/// memory::set_keep_limit(64 << 20);
/// assert_eq!(memory::keep_limit(), 64 << 20);
/// memory::set_keep_limit(before);
/// ```
pub fn set_keep_limit(bytes: usize) {
    pool::set_keep_bytes(bytes);
}

/// The bytes the calling thread keeps for its next calls.
///
/// ```
/// use hyperhess::memory;
/// let _ = hyperhess::gradient(|x| x[0] * x[1], &[1.0, 2.0]).unwrap();
/// assert!(memory::kept_bytes() > 0); // the tape's buffers, for the next call
/// memory::release();
/// assert_eq!(memory::kept_bytes(), 0);
/// ```
pub fn kept_bytes() -> usize {
    pool::kept_bytes()
}

/// Gives every buffer the calling thread keeps back to the allocator (other
/// threads keep theirs until they call this or end).
///
/// ```
/// hyperhess::memory::release();
/// assert_eq!(hyperhess::memory::kept_bytes(), 0);
/// ```
pub fn release() {
    pool::release();
}
