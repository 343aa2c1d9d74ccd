//! The lane sweeps' pieces (see `sweep`): their buffers ([`LaneBuffers`]), the
//! n-ary nodes' kernels ([`gather`], [`scatter`]), unchecked reads of a node's
//! partials ([`partials_at`]) and updates of a slot's lanes ([`add_at`],
//! [`sub_at`]), and the lane-count dispatch ([`with_lanes`]).
//!
//! The kernels and the reads index without bounds checks (they are the sweeps'
//! innermost loops, where the checks measurably cost). They are `unsafe fn`s whose
//! `# Safety` sections name what the caller guarantees; the sweeps justify each
//! call by the tape's invariants (an operand is an earlier node; a node's
//! partials are [`Kind::width`](super::node::Kind::width) in the stream, in node
//! order) and by lengths they assert once before their loops.

use super::sweep::product;
use crate::scalar::Scalar;

/// Buffers for the lane sweeps, kept across blocks and calls.
#[derive(Debug, Clone)]
pub(crate) struct LaneBuffers<T> {
    pub(super) tangents: Vec<T>,
    pub(super) adjoints2: Vec<T>,
}

impl<T: 'static> super::pool::Pooled for LaneBuffers<T> {
    fn bytes(&self) -> usize {
        super::pool::Pooled::bytes(&self.tangents) + super::pool::Pooled::bytes(&self.adjoints2)
    }
}

impl<T> Default for LaneBuffers<T> {
    fn default() -> Self {
        LaneBuffers {
            tangents: Vec::new(),
            adjoints2: Vec::new(),
        }
    }
}

/// The `W` partials at `p`: `partials[p..p + W]`, unchecked.
///
/// # Safety
/// `p + W <= partials.len()`.
#[inline(always)]
pub(super) unsafe fn partials_at<T: Copy, const W: usize>(partials: &[T], p: usize) -> [T; W] {
    debug_assert!(p + W <= partials.len());
    // SAFETY: `p..p + W` lies in `partials` (the caller's contract), and `[T; W]`
    // has `T`'s alignment.
    unsafe { partials.as_ptr().add(p).cast::<[T; W]>().read() }
}

/// `a[i] += v` on every lane, unchecked.
///
/// # Safety
/// `i < a.len()`.
#[inline(always)]
pub(super) unsafe fn add_at<T: Scalar, const L: usize>(a: &mut [[T; L]], i: usize, v: [T; L]) {
    // SAFETY: `i < a.len()`, the caller's contract.
    let ai = unsafe { a.get_unchecked_mut(i) };
    for l in 0..L {
        ai[l] += v[l];
    }
}

/// `a[i] -= v` on every lane, unchecked.
///
/// # Safety
/// `i < a.len()`.
#[inline(always)]
pub(super) unsafe fn sub_at<T: Scalar, const L: usize>(a: &mut [[T; L]], i: usize, v: [T; L]) {
    // SAFETY: `i < a.len()`, the caller's contract.
    let ai = unsafe { a.get_unchecked_mut(i) };
    for l in 0..L {
        ai[l] -= v[l];
    }
}

/// An n-ary node's tangent, `sum_j c_j t[ops_j]` on every lane (in term order).
/// A function of its own, so that its loop keeps its pointers in registers.
///
/// # Safety
/// Every `ops[j] < t.len()`.
#[inline]
pub(super) unsafe fn gather<T: Scalar, const L: usize, const CAREFUL: bool>(
    t: &[[T; L]],
    ops: &[u32],
    coefs: &[T],
) -> [T; L] {
    let mut acc = [T::zero(); L];
    for (&o, &c) in ops.iter().zip(coefs) {
        debug_assert!((o as usize) < t.len());
        // SAFETY: `o < t.len()`, the caller's contract.
        let to = unsafe { t.get_unchecked(o as usize) };
        for l in 0..L {
            acc[l] += product(CAREFUL, c, to[l]);
        }
    }
    acc
}

/// An n-ary node's adjoint scatter, `a[ops_j] += c_j v` on every lane.
///
/// # Safety
/// Every `ops[j] < a.len()`.
#[inline]
pub(super) unsafe fn scatter<T: Scalar, const L: usize, const CAREFUL: bool>(
    a: &mut [[T; L]],
    ops: &[u32],
    coefs: &[T],
    v: [T; L],
) {
    for (&o, &c) in ops.iter().zip(coefs) {
        debug_assert!((o as usize) < a.len());
        // SAFETY: `o < a.len()`, the caller's contract.
        let ao = unsafe { a.get_unchecked_mut(o as usize) };
        for l in 0..L {
            ao[l] += product(CAREFUL, c, v[l]);
        }
    }
}

/// Runs `$body` with a `const $L: usize` lane count for a runtime `width`: one of
/// the compiled widths `Options::LANE_WIDTHS` (1, 2, 3, 4, 8, 16), which is what
/// `Options::lane_width_for` returns; any other width is rounded up (past 16: 16).
/// The one lane dispatch of the crate: the drivers' dense blocks, compressed sweeps
/// and parallel blocks all go through it.
macro_rules! with_lanes {
    ($width:expr, $L:ident => $body:expr) => {
        match $width {
            0 | 1 => {
                const $L: usize = 1;
                $body
            }
            2 => {
                const $L: usize = 2;
                $body
            }
            3 => {
                const $L: usize = 3;
                $body
            }
            4 => {
                const $L: usize = 4;
                $body
            }
            5..=8 => {
                const $L: usize = 8;
                $body
            }
            _ => {
                const $L: usize = 16;
                $body
            }
        }
    };
}
pub(crate) use with_lanes;

#[cfg(test)]
mod tests {
    /// `with_lanes!` dispatches on exactly the widths of the one table.
    #[test]
    fn lane_dispatch_matches_the_table() {
        for w in crate::options::Options::LANE_WIDTHS {
            assert_eq!(with_lanes!(w, L => L), w);
        }
        assert_eq!(with_lanes!(0, L => L), 1);
        assert_eq!(with_lanes!(5, L => L), 8);
        assert_eq!(with_lanes!(17, L => L), 16);
    }
}
