//! Sweeps over a recorded tape: reverse (gradient), and forward tangents followed by
//! a reverse sweep of second-order adjoints (Hessian times `L` directions at once).
//!
//! For a node `v = phi(a, b)` and directions `x'` (one per lane):
//! - tangent:   `v' = phi_a a' + phi_b b'`
//! - adjoint:   `a_bar += v_bar phi_a`, `b_bar += v_bar phi_b`
//! - second-order adjoint:
//!   `a_bar' += v_bar' phi_a + v_bar (phi_aa a' + phi_ab b')`,
//!   `b_bar' += v_bar' phi_b + v_bar (phi_ab a' + phi_bb b')`.
//!
//! Seeding `v_bar = 1`, `v_bar' = 0` at the output, the inputs' `x_bar` is the
//! gradient and `x_bar'` is `H x'`. Node 0 is the constant slot: its tangent is
//! zero and whatever accumulates in its adjoints is never read.
//!
//! The sweeps run fast first, with plain products. Only when the result is not
//! finite do they run again carefully: every product with a zero factor is then
//! skipped ([`times`]), as the forward engine's chain rule does, so a node that
//! does not reach the output (zero adjoints), a direction that does not move its
//! operand (zero tangent), or a zero partial between an infinite one and the
//! inputs contributes nothing instead of `0 * inf = NaN`. The hot loops carry no
//! test for it, and recording computes no flag for it.
//!
//! The partials are read from the tape's stream by kind ([`Kind::width`]): forward
//! from the first node, backward from the output's.
//!
//! The hot loops index without bounds checks (measured: see `lanes`), on two
//! invariants of every tape swept, and on lengths each sweep asserts or sizes once
//! before its loop:
//! - *operands*: a node's operands (`a` and `b`, an n-ary node's items) are
//!   earlier nodes. The recorder (`Tape::push`, `Tape::push_nary`) records only
//!   nodes of variables of its own tape, pushed before (a variable of another
//!   recording fails the recording: `active`, `Recorded::tape_in`); fusion
//!   (`fuse_build`) appends kept nodes in order, operands renumbered before users.
//! - *partials*: the stream holds [`Kind::width`] partials per node, in node
//!   order: `Tape::push` appends a node with its kind's partials (its callers in
//!   `var`, `var_ops`), fusion copies a kept node's, a program rewrites them in
//!   place. So a backward cursor from `partials_end(last)` ends at 0 (only
//!   [`adjoints`] reads them unchecked: the lane sweeps keep them checked, see
//!   `hvp_lanes_of`).
//!
//! Debug builds (and Miri: `lanes::tests::miri_sweeps`) check both at every index.

use super::lanes::LaneBuffers;
use super::lanes::{add_at, gather, partials_at, scatter, sub_at};
use super::node::{Kind, Node, Stream, Terms};
use super::node_loops::NodeLoops;
use super::sweep_rolled;
use crate::scalar::Scalar;

/// First-order adjoints of every node up to `last`, seeded with `seeds` (node,
/// weight) pairs: one output with its scale for a scalar function, several
/// weighted outputs for a vector function (a row of its Jacobian, or the
/// Lagrangian `sigma f + sum_k lambda_k g_k`). One reverse sweep; a second, careful
/// one only when the first met a non-finite number.
pub(crate) fn adjoints<T: Scalar>(
    stream: &Stream<T>,
    terms: &Terms<T>,
    n: usize,
    last: usize,
    seeds: &[(u32, T)],
    adj: &mut Vec<T>,
) {
    adjoints_of::<T, false>(stream, terms, n, last, seeds, adj);
    // A non-finite adjoint reaches some input's (each node has a variable operand,
    // and a non-finite number times a partial, plus anything, is not finite), so
    // the inputs' adjoints tell whether any was.
    if !adj.get(1..=n).unwrap_or(&[]).iter().all(Scalar::is_finite) {
        adjoints_of::<T, true>(stream, terms, n, last, seeds, adj);
    }
}

/// [`adjoints`] with the loops of `loops` run rolled (`sweep_rolled`): the same
/// bits. `aside`: its scratch, kept by the caller.
#[allow(clippy::too_many_arguments)]
pub(crate) fn adjoints_looped<T: Scalar>(
    stream: &Stream<T>,
    terms: &Terms<T>,
    n: usize,
    last: usize,
    seeds: &[(u32, T)],
    adj: &mut Vec<T>,
    loops: &NodeLoops,
    aside: &mut Vec<T>,
) {
    if !loops.fits(stream) {
        return adjoints(stream, terms, n, last, seeds, adj);
    }
    let Some(p) = seeded(stream, last, seeds, adj) else {
        return;
    };
    aside.resize(aside.len().max(loops.scratch()), T::zero());
    let (ops, coefs) = (&terms.ops[..], &terms.coefs[..]);
    let adj2: &mut [[T; 1]] = adj.as_chunks_mut().0;
    let mut steps = sweep_rolled::FirstOrder {
        adj: adj2,
        aside,
        partials: &stream.partials,
        scalar: |range, p, adj: &mut [[T; 1]]| {
            reverse_nodes::<T, false>(stream, ops, coefs, range, p, adj)
        },
    };
    let end = sweep_rolled::reverse(stream, loops, n, last, p, &mut steps);
    debug_assert_eq!(end, stream.partials_end(n));
    if !adj.get(1..=n).unwrap_or(&[]).iter().all(Scalar::is_finite) {
        adjoints_of::<T, true>(stream, terms, n, last, seeds, adj);
    }
}

/// `adj` cleared to `last + 1` zeros and seeded; the partials' offset a reverse
/// sweep from `last` starts at (`None` when there is nothing to sweep).
pub(super) fn seeded<T: Scalar>(
    stream: &Stream<T>,
    last: usize,
    seeds: &[(u32, T)],
    adj: &mut Vec<T>,
) -> Option<usize> {
    adj.clear();
    adj.resize(last + 1, T::zero());
    if last == 0 {
        return None;
    }
    for &(k, w) in seeds {
        adj[k as usize] += w;
    }
    // The partials are read backwards from the last node's.
    let p = stream.partials_end(last);
    // With the tape's invariants (see the module's notes), what keeps every index
    // below in bounds; and `adj.len() == last + 1` (resized above).
    assert!(last < stream.nodes.len() && p <= stream.partials.len());
    Some(p)
}

/// [`adjoints`]; `CAREFUL`: skip every product with a zero factor.
fn adjoints_of<T: Scalar, const CAREFUL: bool>(
    stream: &Stream<T>,
    terms: &Terms<T>,
    n: usize,
    last: usize,
    seeds: &[(u32, T)],
    adj: &mut Vec<T>,
) {
    let Some(p) = seeded(stream, last, seeds, adj) else {
        return;
    };
    let adj: &mut [[T; 1]] = adj.as_chunks_mut().0;
    let p = reverse_nodes::<T, CAREFUL>(stream, &terms.ops, &terms.coefs, n + 1..=last, p, adj);
    debug_assert_eq!(p, stream.partials_end(n));
}

/// The reverse sweep over the nodes of `range`, last first, reading their
/// partials backwards from offset `p` (just past the last one's); returns the
/// offset reached. Contract (checked by [`seeded`] for the whole sweep): the range
/// ends below `adj.len()` and `stream.nodes.len()`, and `p` is the end of its last
/// node's partials.
#[inline(always)]
fn reverse_nodes<T: Scalar, const CAREFUL: bool>(
    stream: &Stream<T>,
    ops: &[u32],
    coefs: &[T],
    range: std::ops::RangeInclusive<usize>,
    mut p: usize,
    adj: &mut [[T; 1]],
) -> usize {
    let (nodes, partials) = (&stream.nodes[..], &stream.partials[..]);
    assert!(
        range.is_empty()
            || (*range.end() < nodes.len() && *range.end() < adj.len() && p <= partials.len())
    );
    for k in range.rev() {
        // SAFETY: `k <= last`, below `nodes.len()` (asserted) and `adj.len()`;
        // `p` is the end of node `k`'s partials (the contract, then the value
        // returned for node `k + 1`).
        p = unsafe {
            reverse_node::<T, CAREFUL>(*nodes.get_unchecked(k), k, p, ops, coefs, partials, adj)
        };
    }
    p
}

/// One node's step of the reverse sweep: node `k` (`node`) adds its adjoint times
/// its partials (read backwards from `p`, the end of its own) to its operands';
/// returns the start of its partials.
///
/// # Safety
/// `k < adj.len()`, `p <= partials.len()` and `p` is the end of node `k`'s
/// partials; `node` is a node of a tape with the invariants of the module's notes
/// (operands, an n-ary node's items included, are earlier nodes).
#[inline(always)]
pub(super) unsafe fn reverse_node<T: Scalar, const CAREFUL: bool>(
    node: Node,
    k: usize,
    mut p: usize,
    ops: &[u32],
    coefs: &[T],
    partials: &[T],
    adj: &mut [[T; 1]],
) -> usize {
    // SAFETY: `k < adj.len()` (the contract).
    let [vb] = unsafe { *adj.get_unchecked(k) };
    let (a, b) = (node.a(), node.b());
    // (An n-ary node's `a` is an offset in `ops`, not an operand.)
    debug_assert!(node.is_nary() || (a < k && b < k && node.width() <= p));
    match node.kind() {
        // SAFETY: operands are earlier nodes: `a, b < k < adj.len()`.
        Kind::Add => unsafe {
            add_at(adj, a, [vb]);
            add_at(adj, b, [vb]);
        },
        // SAFETY: as for `Add`.
        Kind::Sub => unsafe {
            add_at(adj, a, [vb]);
            sub_at(adj, b, [vb]);
        },
        Kind::Scale | Kind::Unary => {
            // (The width within the arm: the kind's known there, no second
            // dispatch.)
            p -= node.kind().width();
            // SAFETY: `width` partials per node: node `k`'s end (`p` before) is
            // the sum of the widths up to `k`, at least its width, and at most
            // `partials.len()` (the contract); `a < k`, as for `Add`.
            unsafe {
                let [d] = partials_at(partials, p);
                add_at(adj, a, [product(CAREFUL, d, vb)]);
            }
        }
        Kind::Linear | Kind::Mul | Kind::MulScaled | Kind::Binary => {
            p -= node.kind().width();
            // SAFETY: as for `Scale` (a width of at least 2); `a, b < k`.
            unsafe {
                let [da, db] = partials_at(partials, p);
                add_at(adj, a, [product(CAREFUL, da, vb)]);
                add_at(adj, b, [product(CAREFUL, db, vb)]);
            }
        }
        Kind::Nary => {
            // A scatter: x_j_bar += c_j v_bar.
            let r = node.terms(ops);
            // SAFETY: its items are earlier nodes: `< k < adj.len()`.
            unsafe { scatter::<T, 1, CAREFUL>(adj, &ops[r.clone()], &coefs[r], [vb]) };
        }
    }
    p
}

/// `d * t` (as `t * d`: the same bits), or in a careful sweep [`times`].
#[inline(always)]
pub(super) fn product<T: Scalar>(careful: bool, d: T, t: T) -> T {
    if careful { times(d, t) } else { t * d }
}

/// `d * t`, or zero when `t` or `d` is zero (whatever the other is): the product of
/// a partial and a tangent or adjoint in a careful sweep, as the forward engine's
/// `along`.
#[inline]
fn times<T: Scalar>(d: T, t: T) -> T {
    if t.is_zero() || d.is_zero() {
        T::zero()
    } else {
        d * t
    }
}

/// The forward half of the lane sweeps: every node's tangents up to `output` on
/// `L` lanes, from the inputs' (and slot 0's) already in `t`, reading the partials
/// from the first node. Returns the end of the partials read (where the reverse
/// half starts reading backwards).
#[inline(always)]
pub(super) fn tangents_of<T: Scalar, const L: usize, const CAREFUL: bool>(
    stream: &Stream<T>,
    terms: &Terms<T>,
    n: usize,
    output: usize,
    t: &mut [[T; L]],
) -> usize {
    tangents_range::<T, L, CAREFUL>(stream, terms, n + 1..=output, 0, t)
}

/// [`tangents_of`] for the nodes of `range` only, their partials from offset `p`
/// (where the first one's start); returns the offset past the last one's.
#[inline(always)]
pub(super) fn tangents_range<T: Scalar, const L: usize, const CAREFUL: bool>(
    stream: &Stream<T>,
    terms: &Terms<T>,
    range: std::ops::RangeInclusive<usize>,
    mut p: usize,
    t: &mut [[T; L]],
) -> usize {
    let (ops, coefs) = (&terms.ops[..], &terms.coefs[..]);
    let (nodes, partials) = (&stream.nodes[..], &stream.partials[..]);
    let output = *range.end();
    // With the tape's invariants (see the module's notes), what keeps every index
    // below in bounds.
    assert!(range.is_empty() || (output < nodes.len() && output < t.len()));
    for k in range {
        // SAFETY: `k <= output < nodes.len()` (asserted).
        let node = unsafe { *nodes.get_unchecked(k) };
        let (a, b) = (node.a(), node.b());
        debug_assert!(node.is_nary() || (a < k && b < k && p + node.width() <= partials.len()));
        // SAFETY: operands are earlier nodes: `a, b < k <= output < t.len()`
        // (asserted). (An n-ary node's `a` and `b` are not operands: read them only
        // on the others.)
        let operands = |t: &[[T; L]]| unsafe { (*t.get_unchecked(a), *t.get_unchecked(b)) };
        // (The partials stay checked: see `hvp_lanes_of`.)
        let mut tk = [T::zero(); L];
        match node.kind() {
            Kind::Add => {
                let (ta, tb) = operands(t);
                for l in 0..L {
                    tk[l] = ta[l] + tb[l];
                }
            }
            Kind::Sub => {
                let (ta, tb) = operands(t);
                for l in 0..L {
                    tk[l] = ta[l] - tb[l];
                }
            }
            Kind::Scale | Kind::Unary => {
                let (d, (ta, _)) = (partials[p], operands(t));
                p += node.kind().width();
                for l in 0..L {
                    tk[l] = product(CAREFUL, d, ta[l]);
                }
            }
            Kind::Linear | Kind::Mul | Kind::MulScaled | Kind::Binary => {
                let (da, db, (ta, tb)) = (partials[p], partials[p + 1], operands(t));
                p += node.kind().width();
                for l in 0..L {
                    tk[l] = product(CAREFUL, da, ta[l]) + product(CAREFUL, db, tb[l]);
                }
            }
            Kind::Nary => {
                // A small matrix-vector kernel: v' = sum_j c_j x_j' on every lane.
                let r = node.terms(ops);
                // SAFETY: its items are earlier nodes: `< k < t.len()`.
                tk = unsafe { gather::<T, L, CAREFUL>(t, &ops[r.clone()], &coefs[r]) };
            }
        }
        // SAFETY: `k <= output < t.len()` (asserted).
        unsafe { *t.get_unchecked_mut(k) = tk };
    }
    p
}

/// Tangents of the given `outputs` nodes for `L` directions at once (the
/// Jacobian times `L` columns): `seed(i, lanes)` writes input `i`'s direction
/// entries and `out(k, lanes)` receives output `k`'s (its node's tangent times its
/// scale). One forward sweep; a careful one when the fast one is not finite.
pub(crate) fn tangent_lanes<T: Scalar, const L: usize>(
    stream: &Stream<T>,
    terms: &Terms<T>,
    n: usize,
    outputs: &[(u32, T)],
    buffers: &mut LaneBuffers<T>,
    mut seed: impl FnMut(usize, &mut [T; L]),
    mut out: impl FnMut(usize, &[T; L]),
) {
    let z = T::zero();
    let last = outputs.iter().map(|&(k, _)| k as usize).max().unwrap_or(0);
    let len = (last + 1).max(n + 1);
    if buffers.tangents.len() < len * L {
        buffers.tangents.resize(len * L, z);
    }
    let (t, _) = buffers.tangents.as_chunks_mut::<L>();
    t[0] = [z; L];
    for i in 0..n {
        seed(i, &mut t[i + 1]);
    }
    tangents_of::<T, L, false>(stream, terms, n, last, t);
    let finite = |t: &[[T; L]]| {
        outputs
            .iter()
            .all(|&(k, _)| t[k as usize].iter().all(Scalar::is_finite))
    };
    if !finite(t) {
        tangents_of::<T, L, true>(stream, terms, n, last, t);
    }
    for (k, &(node, scale)) in outputs.iter().enumerate() {
        let mut r = t[node as usize];
        for v in r.iter_mut() {
            *v = product(CAREFUL_OUTPUT, scale, *v);
        }
        out(k, &r);
    }
}

/// Output scales multiply tangents carefully: a zero scale (`0 * x`) gives a zero
/// tangent whatever the node's.
const CAREFUL_OUTPUT: bool = true;
