//! An edge-pushing sweep's working memory ([`Scratch`]): the nodes' lists, the
//! entries' arena and the marks of a merge, kept per thread between sweeps (as
//! the tape's buffers are, `super::pool`), so a repeated call faults in no fresh
//! memory once warm.
//!
//! Kept *clean*: between sweeps every list head is `NIL`, every stamp 0 and every
//! reach and diagonal mark unset, so a sweep of a tape no longer than the last starts without a
//! pass over its memory (a sweep leaves what it touched as it found it; one that
//! stops early, or unwinds, clears everything before the memory goes back). The
//! values (`sum`, `diag`) are never read before they are written, and so never
//! cleared.

use super::huge_pages;
use super::pool::{self, Pooled};

/// No entry: the end of a list (the arena's first entry is never used, so that
/// the lists' heads start as zeroed memory).
pub(super) const NIL: u32 = 0;

/// One entry of a node's list: the pair's other (smaller) node and its value.
#[derive(Clone, Copy, Debug)]
pub(super) struct Entry<W> {
    pub(super) w: W,
    pub(super) p: u32,
    pub(super) next: u32,
}

/// A sweep's working memory (see the module's notes); `W` is a value or a slot.
pub(super) struct Scratch<W> {
    /// Each node's list (its first entry), `NIL` when empty.
    pub(super) heads: Vec<u32>,
    pub(super) arena: Vec<Entry<W>>,
    /// Merging a list: `stamp[p] == i` (never 0) when `p` is in node `i`'s merged
    /// list, with its sum in `sum[p]`; `keys` the merged list's keys in order.
    pub(super) stamp: Vec<u32>,
    pub(super) sum: Vec<W>,
    pub(super) keys: Vec<u32>,
    /// The nodes that reach an output (set from their users, cleared once read).
    pub(super) reached: Vec<bool>,
    /// Each node's diagonal entry (the pair of the node with itself), kept
    /// apart from its list: `diag[i]` holds a value when `has_diag[i]`.
    pub(super) diag: Vec<W>,
    pub(super) has_diag: Vec<bool>,
}

/// The rows' assembly at the end of a sweep (`edge_push`'s `rows`), kept per
/// thread apart from [`Scratch`] (under its own cap): the lower triangles'
/// entries and offsets, and a count or cursor per row. What they hold between
/// sweeps is never read (each is cleared before use).
pub(super) struct Assembly<W> {
    pub(super) low: Vec<(u32, W)>,
    pub(super) low_offsets: Vec<usize>,
    pub(super) counts: Vec<usize>,
}

impl<W> Default for Assembly<W> {
    fn default() -> Self {
        Assembly {
            low: Vec::new(),
            low_offsets: Vec::new(),
            counts: Vec::new(),
        }
    }
}

impl<W: Copy + 'static> Pooled for Assembly<W> {
    fn bytes(&self) -> usize {
        self.low.bytes() + self.low_offsets.bytes() + self.counts.bytes()
    }
}

impl<W: Copy> Assembly<W> {
    /// Full symmetric rows (offsets, columns, values) from the lower triangles
    /// `low` by rows (`low_offsets`) and `counts`, each row's entries in both
    /// triangles (the diagonal once); `counts` is left as each row's end.
    pub(super) fn full_rows(
        low: &[(u32, W)],
        low_offsets: &[usize],
        counts: &mut [usize],
        blank: W,
    ) -> (Vec<usize>, Vec<u32>, Vec<W>) {
        let n = counts.len();
        // The diagonal was counted once and each other entry once per triangle.
        let mut offsets = Vec::with_capacity(n + 1);
        offsets.push(0);
        for c in counts.iter() {
            offsets.push(offsets.last().copied().unwrap_or(0) + c);
        }
        let nnz = offsets[n];
        let mut columns = huge_pages::filled(nnz, 0u32);
        let mut values: Vec<W> = huge_pages::filled(nnz, blank);
        // (The counts, now each row's cursor.)
        let cursor = counts;
        cursor.copy_from_slice(&offsets[..n]);
        for r in 0..n {
            // Row r: its lower entries, then (as later rows reach it) its upper ones.
            for &(c, w) in &low[low_offsets[r]..low_offsets[r + 1]] {
                columns[cursor[r]] = c;
                values[cursor[r]] = w;
                cursor[r] += 1;
                let c = c as usize;
                if c != r {
                    columns[cursor[c]] = r as u32;
                    values[cursor[c]] = w;
                    cursor[c] += 1;
                }
            }
        }
        (offsets, columns, values)
    }
}

impl<W> Default for Scratch<W> {
    fn default() -> Self {
        Scratch {
            heads: Vec::new(),
            arena: Vec::new(),
            stamp: Vec::new(),
            sum: Vec::new(),
            keys: Vec::new(),
            reached: Vec::new(),
            diag: Vec::new(),
            has_diag: Vec::new(),
        }
    }
}

impl<W: Copy + 'static> Pooled for Scratch<W> {
    /// Kept up to twice the tape buffers' cap, [`pool::keep_bytes`]: the lists of
    /// a tape of about 1.9 million operations (17 bytes each on `f64`) and the
    /// entries alive at once.
    const SHARE: usize = 2;
    fn bytes(&self) -> usize {
        self.heads.bytes()
            + self.arena.bytes()
            + self.stamp.bytes()
            + self.sum.bytes()
            + self.keys.bytes()
            + self.reached.bytes()
            + self.diag.bytes()
            + self.has_diag.bytes()
    }
}

/// A [`Scratch`] on loan to one sweep: back to the pool when dropped, cleared
/// first unless the sweep said it left it clean.
pub(super) struct Lease<W: Copy + 'static> {
    s: Scratch<W>,
    /// Unset by the sweep once it has left the memory clean.
    pub(super) dirty: bool,
}

impl<W: Copy + 'static> std::ops::Deref for Lease<W> {
    type Target = Scratch<W>;
    fn deref(&self) -> &Scratch<W> {
        &self.s
    }
}

impl<W: Copy + 'static> std::ops::DerefMut for Lease<W> {
    fn deref_mut(&mut self) -> &mut Scratch<W> {
        &mut self.s
    }
}

impl<W: Copy + 'static> Drop for Lease<W> {
    fn drop(&mut self) {
        std::mem::take(&mut self.s).give(self.dirty);
    }
}

impl<W: Copy + 'static> Scratch<W> {
    /// This thread's kept memory (or fresh), clean, for nodes `0..len`; the
    /// arena holds only its unused first entry, `blank`.
    pub(super) fn take(len: usize, blank: W) -> Lease<W> {
        let mut s: Scratch<W> = pool::take();
        if s.heads.len() < len {
            // Zeroed growth (NIL, no stamp, unreached), as clean as the rest.
            huge_pages::resize(&mut s.heads, len, NIL);
            huge_pages::resize(&mut s.stamp, len, 0);
            huge_pages::resize(&mut s.reached, len, false);
            huge_pages::resize(&mut s.sum, len, blank);
            huge_pages::resize(&mut s.has_diag, len, false);
            huge_pages::resize(&mut s.diag, len, blank);
        }
        s.arena.clear();
        s.arena.push(Entry {
            w: blank,
            p: 0,
            next: NIL,
        });
        Lease { s, dirty: true }
    }

    /// Back to this thread's pool; `dirty`: the sweep did not leave it clean
    /// (it stopped early or unwound), so everything is cleared first.
    fn give(mut self, dirty: bool) {
        if dirty {
            self.heads.fill(NIL);
            self.stamp.fill(0);
            self.reached.fill(false);
            self.has_diag.fill(false);
        }
        pool::give(self);
    }
}

#[cfg(test)]
mod tests {
    use super::super::edge_push::Limits;
    use super::super::recording::Recorded;
    use super::super::var::Var;
    use super::*;

    /// Products of intermediates: pairs of two nodes above the inputs, merged
    /// (and marked) when the larger is eliminated.
    fn f(x: &[Var]) -> Var {
        use crate::scalar::Scalar;
        let (u, v) = (x[0].exp(), (x[1] * x[2]).sin());
        (u * v).sin() + u * x[0] * x[0] + (x[1] - x[2]).powi(2)
    }

    /// This thread's kept scratch: every head `NIL`, every stamp 0, no mark.
    fn clean() -> bool {
        let s: Scratch<f64> = pool::take();
        let ok = s.heads.iter().all(|&h| h == NIL)
            && s.stamp.iter().all(|&t| t == 0)
            && s.reached.iter().all(|&r| !r)
            && s.has_diag.iter().all(|&d| !d);
        pool::give(s);
        ok
    }

    /// A sweep that finishes and one that gives up both leave the kept memory
    /// clean, and the next sweep on it gives the bits of one on fresh memory.
    #[test]
    fn sweeps_leave_the_kept_memory_clean() {
        let x = [0.5, 1.5, -0.5];
        let rec = Recorded::new(f, &x).unwrap();
        let all = Limits {
            entries: usize::MAX,
            work: usize::MAX,
        };
        let first = rec.hessian_entries(all).unwrap();
        assert!(pool::kept::<Scratch<f64>>() > 0);
        assert!(pool::kept::<Assembly<f64>>() > 0);
        assert!(clean());
        let stop = Limits {
            entries: usize::MAX,
            work: 3,
        };
        assert!(rec.hessian_entries(stop).is_none());
        assert!(clean());
        let again = rec.hessian_entries(all).unwrap();
        assert_eq!(first, again);
        // A shorter tape on longer kept memory.
        let short = Recorded::new(|x: &[Var]| x[0] * x[1], &x[..2]).unwrap();
        let h = short.hessian_entries(all).unwrap();
        assert_eq!(h.columns, [1, 0]);
        assert_eq!(h.values, [1.0, 1.0]);
        assert!(clean());
    }
}
