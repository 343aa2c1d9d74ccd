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
//! A careful node ([`Node::is_careful`]: a non-finite partial, or a zero first
//! partial on a variable operand) takes a slower path that skips each product with
//! a zero factor ([`times`]), as the forward engine's chain rule does: a node that
//! does not reach the output (zero adjoints), a direction that does not move its
//! operand (zero tangent), or a zero partial between an infinite one and the inputs
//! then contributes nothing instead of `0 * inf = NaN`. Each sweep runs fast first
//! and carefully only when the fast result is not finite, so the hot loops carry no
//! per-node test.

use super::node::{Node, Terms};
use crate::Scalar;

/// First-order adjoints of every node up to `output` (one reverse sweep; a second,
/// careful one only when the first met a non-finite number).
pub(crate) fn adjoints<T: Scalar>(
    nodes: &[Node<T>],
    terms: &Terms<T>,
    n: usize,
    output: usize,
    adj: &mut Vec<T>,
) {
    // A tape without n-ary nodes takes a loop without their test.
    let nary = !terms.ops.is_empty();
    match nary {
        false => adjoints_of::<T, false, false>(nodes, terms, n, output, adj),
        true => adjoints_of::<T, true, false>(nodes, terms, n, output, adj),
    }
    if !adj.iter().all(Scalar::is_finite) {
        match nary {
            false => adjoints_of::<T, false, true>(nodes, terms, n, output, adj),
            true => adjoints_of::<T, true, true>(nodes, terms, n, output, adj),
        }
    }
}

/// [`adjoints`]; `NARY`: the tape may hold n-ary nodes; `CAREFUL`: careful nodes
/// skip products with a zero factor.
fn adjoints_of<T: Scalar, const NARY: bool, const CAREFUL: bool>(
    nodes: &[Node<T>],
    terms: &Terms<T>,
    n: usize,
    output: usize,
    adj: &mut Vec<T>,
) {
    let (ops, coefs) = (&terms.ops[..], &terms.coefs[..]);
    adj.clear();
    adj.resize(output + 1, T::zero());
    if output == 0 {
        return;
    }
    adj[output] = T::one();
    for k in (n + 1..=output).rev() {
        let node = &nodes[k];
        let vb = adj[k];
        if NARY && node.is_nary() {
            // A scatter: x_j_bar += c_j v_bar.
            let careful = CAREFUL && node.is_careful();
            for j in node.terms(ops) {
                let (o, c) = (ops[j] as usize, coefs[j]);
                adj[o] += if careful { times(c, vb) } else { vb * c };
            }
            continue;
        }
        if CAREFUL && node.is_careful() {
            adj[node.a()] += times(node.da, vb);
            adj[node.b()] += times(node.db, vb);
        } else {
            adj[node.a()] += vb * node.da;
            adj[node.b()] += vb * node.db;
        }
    }
}

/// `d * t`, or zero when `t` or `d` is zero (whatever the other is): the product of
/// a partial and a tangent or adjoint on a careful node, as the forward engine's
/// `along`.
#[inline]
fn times<T: Scalar>(d: T, t: T) -> T {
    if t.is_zero() || d.is_zero() {
        T::zero()
    } else {
        d * t
    }
}

/// Buffers for the lane sweeps, kept across blocks and calls.
#[derive(Debug, Clone)]
pub(crate) struct LaneBuffers<T> {
    tangents: Vec<T>,
    adjoints2: Vec<T>,
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

/// `H V` for `L` directions at once: `seed(i, lanes)` writes input `i`'s `L`
/// direction entries, and `out(i, lanes)` receives input `i`'s `L` entries of
/// `H V`.
#[allow(clippy::too_many_arguments)]
pub(crate) fn hvp_lanes<T: Scalar, const L: usize>(
    nodes: &[Node<T>],
    terms: &Terms<T>,
    n: usize,
    output: usize,
    adj: &[T],
    buffers: &mut LaneBuffers<T>,
    mut seed: impl FnMut(usize, &mut [T; L]),
    mut out: impl FnMut(usize, &[T; L]),
) {
    // A tape without n-ary nodes takes loops without their test; the careful sweep
    // runs only when the fast one's result is not finite.
    let nary = !terms.ops.is_empty();
    let (nodes, s) = (nodes, &mut seed);
    match nary {
        false => hvp_lanes_of::<T, L, false, false>(nodes, terms, n, output, adj, buffers, s),
        true => hvp_lanes_of::<T, L, true, false>(nodes, terms, n, output, adj, buffers, s),
    }
    let (a2, _) = buffers.adjoints2.as_chunks::<L>();
    if !a2[1..=n].iter().flatten().all(Scalar::is_finite) {
        match nary {
            false => hvp_lanes_of::<T, L, false, true>(nodes, terms, n, output, adj, buffers, s),
            true => hvp_lanes_of::<T, L, true, true>(nodes, terms, n, output, adj, buffers, s),
        }
    }
    let (a2, _) = buffers.adjoints2.as_chunks::<L>();
    for i in 0..n {
        out(i, &a2[i + 1]);
    }
}

/// [`hvp_lanes`] without the output: `H V` is left in the inputs' second-order
/// adjoints. `NARY`: the tape may hold n-ary nodes; `CAREFUL`: careful nodes skip
/// products with a zero factor.
#[allow(clippy::too_many_arguments)]
fn hvp_lanes_of<T: Scalar, const L: usize, const NARY: bool, const CAREFUL: bool>(
    nodes: &[Node<T>],
    terms: &Terms<T>,
    n: usize,
    output: usize,
    adj: &[T],
    buffers: &mut LaneBuffers<T>,
    seed: &mut impl FnMut(usize, &mut [T; L]),
) {
    let z = T::zero();
    let (ops, coefs) = (&terms.ops[..], &terms.coefs[..]);
    let len = (output + 1).max(n + 1);
    // Every tangent the sweep reads is written first (slot 0 below, the inputs by
    // `seed`, the nodes in order), so only the adjoints need zeroing.
    if buffers.tangents.len() < len * L {
        buffers.tangents.resize(len * L, z);
    }
    buffers.adjoints2.clear();
    buffers.adjoints2.resize(len * L, z);
    let (t, _) = buffers.tangents.as_chunks_mut::<L>();
    let (a2, _) = buffers.adjoints2.as_chunks_mut::<L>();
    t[0] = [z; L];
    for i in 0..n {
        seed(i, &mut t[i + 1]);
    }
    // Forward: tangents.
    for k in n + 1..=output {
        let node = &nodes[k];
        if NARY && node.is_nary() {
            // A small matrix-vector kernel: v' = sum_j c_j x_j' on every lane.
            let careful = CAREFUL && node.is_careful();
            let mut acc = [z; L];
            for j in node.terms(ops) {
                let (tj, c) = (&t[ops[j] as usize], coefs[j]);
                for l in 0..L {
                    acc[l] += if careful { times(c, tj[l]) } else { c * tj[l] };
                }
            }
            t[k] = acc;
            continue;
        }
        let (ta, tb) = (t[node.a()], t[node.b()]);
        let tk = &mut t[k];
        if CAREFUL && node.is_careful() {
            for l in 0..L {
                tk[l] = times(node.da, ta[l]) + times(node.db, tb[l]);
            }
            continue;
        }
        for l in 0..L {
            tk[l] = node.da * ta[l] + node.db * tb[l];
        }
    }
    // Reverse: second-order adjoints.
    for k in (n + 1..=output).rev() {
        let node = &nodes[k];
        if NARY && node.is_nary() {
            // Linear: a scatter, x_j_bar' += c_j v_bar' on every lane.
            let (careful, vb2) = (CAREFUL && node.is_careful(), a2[k]);
            for j in node.terms(ops) {
                let (o, c) = (&mut a2[ops[j] as usize], coefs[j]);
                for l in 0..L {
                    o[l] += if careful {
                        times(c, vb2[l])
                    } else {
                        vb2[l] * c
                    };
                }
            }
            continue;
        }
        let (ia, ib) = (node.a(), node.b());
        let (vb, vb2) = (adj[k], a2[k]);
        let (ta, tb) = (t[ia], t[ib]);
        let mut inc_a = [z; L];
        let mut inc_b = [z; L];
        if CAREFUL && node.is_careful() {
            for l in 0..L {
                let sa = times(node.daa, ta[l]) + times(node.dab, tb[l]);
                let sb = times(node.dab, ta[l]) + times(node.dbb, tb[l]);
                a2[ia][l] += times(node.da, vb2[l]) + times(sa, vb);
                a2[ib][l] += times(node.db, vb2[l]) + times(sb, vb);
            }
            continue;
        }
        if node.is_linear() {
            for l in 0..L {
                a2[ia][l] += vb2[l] * node.da;
            }
            for l in 0..L {
                a2[ib][l] += vb2[l] * node.db;
            }
            continue;
        }
        for l in 0..L {
            let (sa, sb) = (
                node.daa * ta[l] + node.dab * tb[l],
                node.dab * ta[l] + node.dbb * tb[l],
            );
            inc_a[l] = vb2[l] * node.da + vb * sa;
            inc_b[l] = vb2[l] * node.db + vb * sb;
        }
        for l in 0..L {
            a2[ia][l] += inc_a[l];
        }
        for l in 0..L {
            a2[ib][l] += inc_b[l];
        }
    }
}
/// Runs `$body` with a `const $L: usize` lane count for a runtime `width`, rounded
/// up to one of the compiled widths 1, 2, 3, 4, 8, 16 (the one lane dispatch of the
/// crate: the drivers' dense blocks, compressed sweeps and parallel blocks all go
/// through it).
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
