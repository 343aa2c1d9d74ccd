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

use super::node::{Kind, Stream, Terms};
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

/// [`adjoints`]; `CAREFUL`: skip every product with a zero factor.
fn adjoints_of<T: Scalar, const CAREFUL: bool>(
    stream: &Stream<T>,
    terms: &Terms<T>,
    n: usize,
    last: usize,
    seeds: &[(u32, T)],
    adj: &mut Vec<T>,
) {
    let (ops, coefs) = (&terms.ops[..], &terms.coefs[..]);
    let (nodes, partials) = (&stream.nodes[..], &stream.partials[..]);
    adj.clear();
    adj.resize(last + 1, T::zero());
    if last == 0 {
        return;
    }
    for &(k, w) in seeds {
        adj[k as usize] += w;
    }
    // The partials are read backwards from the last node's.
    let mut p = stream.partials_end(last);
    for k in (n + 1..=last).rev() {
        let node = nodes[k];
        let vb = adj[k];
        let (a, b) = (node.a(), node.b());
        match node.kind() {
            Kind::Add => {
                adj[a] += vb;
                adj[b] += vb;
            }
            Kind::Sub => {
                adj[a] += vb;
                adj[b] -= vb;
            }
            Kind::Scale | Kind::Unary => {
                p -= node.kind().width();
                adj[a] += product(CAREFUL, partials[p], vb);
            }
            Kind::Linear | Kind::Mul | Kind::MulScaled | Kind::Binary => {
                p -= node.kind().width();
                let (da, db) = (partials[p], partials[p + 1]);
                adj[a] += product(CAREFUL, da, vb);
                adj[b] += product(CAREFUL, db, vb);
            }
            Kind::Nary => {
                // A scatter: x_j_bar += c_j v_bar.
                let r = node.terms(ops);
                let adj: &mut [[T; 1]] = adj.as_chunks_mut().0;
                scatter::<T, 1, CAREFUL>(adj, &ops[r.clone()], &coefs[r], [vb]);
            }
        }
    }
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

/// An n-ary node's tangent, `sum_j c_j t[ops_j]` on every lane (in term order).
/// A function of its own, so that its loop keeps its pointers in registers.
fn gather<T: Scalar, const L: usize, const CAREFUL: bool>(
    t: &[[T; L]],
    ops: &[u32],
    coefs: &[T],
) -> [T; L] {
    let mut acc = [T::zero(); L];
    for (&o, &c) in ops.iter().zip(coefs) {
        let to = &t[o as usize];
        for l in 0..L {
            acc[l] += product(CAREFUL, c, to[l]);
        }
    }
    acc
}

/// An n-ary node's adjoint scatter, `a[ops_j] += c_j v` on every lane.
fn scatter<T: Scalar, const L: usize, const CAREFUL: bool>(
    a: &mut [[T; L]],
    ops: &[u32],
    coefs: &[T],
    v: [T; L],
) {
    for (&o, &c) in ops.iter().zip(coefs) {
        let ao = &mut a[o as usize];
        for l in 0..L {
            ao[l] += product(CAREFUL, c, v[l]);
        }
    }
}

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

/// `H V` for `L` directions at once: `seed(i, lanes)` writes input `i`'s `L`
/// direction entries, and `out(i, lanes)` receives input `i`'s `L` entries of
/// `H V`.
#[allow(clippy::too_many_arguments)]
pub(crate) fn hvp_lanes<T: Scalar, const L: usize>(
    stream: &Stream<T>,
    terms: &Terms<T>,
    n: usize,
    output: usize,
    adj: &[T],
    buffers: &mut LaneBuffers<T>,
    mut seed: impl FnMut(usize, &mut [T; L]),
    mut out: impl FnMut(usize, &[T; L]),
) {
    // The careful sweep runs only when the fast one's result is not finite.
    hvp_lanes_of::<T, L, false>(stream, terms, n, output, adj, buffers, &mut seed);
    let (a2, _) = buffers.adjoints2.as_chunks::<L>();
    if !a2[1..=n].iter().flatten().all(Scalar::is_finite) {
        hvp_lanes_of::<T, L, true>(stream, terms, n, output, adj, buffers, &mut seed);
    }
    let (a2, _) = buffers.adjoints2.as_chunks::<L>();
    for i in 0..n {
        out(i, &a2[i + 1]);
    }
}

/// [`hvp_lanes`] without the output: `H V` is left in the inputs' second-order
/// adjoints. `CAREFUL`: skip every product with a zero factor.
#[allow(clippy::too_many_arguments)]
fn hvp_lanes_of<T: Scalar, const L: usize, const CAREFUL: bool>(
    stream: &Stream<T>,
    terms: &Terms<T>,
    n: usize,
    output: usize,
    adj: &[T],
    buffers: &mut LaneBuffers<T>,
    seed: &mut impl FnMut(usize, &mut [T; L]),
) {
    let z = T::zero();
    let (ops, coefs) = (&terms.ops[..], &terms.coefs[..]);
    let (nodes, partials) = (&stream.nodes[..], &stream.partials[..]);
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
    // Forward: tangents, reading the partials from the first.
    let mut p = tangents_of::<T, L, CAREFUL>(stream, terms, n, output, t);
    // Reverse: second-order adjoints, reading the partials back.
    for k in (n + 1..=output).rev() {
        let node = nodes[k];
        let (ia, ib) = (node.a(), node.b());
        let vb2 = a2[k];
        match node.kind() {
            Kind::Add => {
                for l in 0..L {
                    a2[ia][l] += vb2[l];
                }
                for l in 0..L {
                    a2[ib][l] += vb2[l];
                }
            }
            Kind::Sub => {
                for l in 0..L {
                    a2[ia][l] += vb2[l];
                }
                for l in 0..L {
                    a2[ib][l] -= vb2[l];
                }
            }
            Kind::Linear => {
                p -= 2;
                let (sa, sb) = (partials[p], partials[p + 1]);
                for l in 0..L {
                    a2[ia][l] += product(CAREFUL, sa, vb2[l]);
                }
                for l in 0..L {
                    a2[ib][l] += product(CAREFUL, sb, vb2[l]);
                }
            }
            Kind::MulScaled => {
                // a_bar' += v_bar' phi_a + v_bar phi_ab b', b_bar' likewise.
                p -= 3;
                let [da, db, dab] = [0, 1, 2].map(|i| partials[p + i]);
                let (vb, ta, tb) = (adj[k], t[ia], t[ib]);
                let mut inc_a = [z; L];
                let mut inc_b = [z; L];
                for l in 0..L {
                    let (sa, sb) = (product(CAREFUL, dab, tb[l]), product(CAREFUL, dab, ta[l]));
                    inc_a[l] = product(CAREFUL, da, vb2[l]) + product(CAREFUL, sa, vb);
                    inc_b[l] = product(CAREFUL, db, vb2[l]) + product(CAREFUL, sb, vb);
                }
                for l in 0..L {
                    a2[ia][l] += inc_a[l];
                }
                for l in 0..L {
                    a2[ib][l] += inc_b[l];
                }
            }
            Kind::Scale => {
                p -= 1;
                let d = partials[p];
                for l in 0..L {
                    a2[ia][l] += product(CAREFUL, d, vb2[l]);
                }
            }
            Kind::Unary => {
                // a_bar' += v_bar' phi' + v_bar phi'' a'
                p -= 2;
                let (d, dd, vb, ta) = (partials[p], partials[p + 1], adj[k], t[ia]);
                for l in 0..L {
                    let s = product(CAREFUL, dd, ta[l]);
                    a2[ia][l] += product(CAREFUL, d, vb2[l]) + product(CAREFUL, s, vb);
                }
            }
            Kind::Mul => {
                // phi_ab = 1: a_bar' += v_bar' b + v_bar b', b_bar' += v_bar' a + v_bar a'
                p -= 2;
                let (da, db, vb) = (partials[p], partials[p + 1], adj[k]);
                let (ta, tb) = (t[ia], t[ib]);
                let mut inc_a = [z; L];
                let mut inc_b = [z; L];
                for l in 0..L {
                    inc_a[l] = product(CAREFUL, da, vb2[l]) + product(CAREFUL, tb[l], vb);
                    inc_b[l] = product(CAREFUL, db, vb2[l]) + product(CAREFUL, ta[l], vb);
                }
                for l in 0..L {
                    a2[ia][l] += inc_a[l];
                }
                for l in 0..L {
                    a2[ib][l] += inc_b[l];
                }
            }
            Kind::Binary => {
                p -= 5;
                let [da, db, daa, dab, dbb] = [0, 1, 2, 3, 4].map(|i| partials[p + i]);
                let (vb, ta, tb) = (adj[k], t[ia], t[ib]);
                let mut inc_a = [z; L];
                let mut inc_b = [z; L];
                for l in 0..L {
                    let sa = product(CAREFUL, daa, ta[l]) + product(CAREFUL, dab, tb[l]);
                    let sb = product(CAREFUL, dab, ta[l]) + product(CAREFUL, dbb, tb[l]);
                    inc_a[l] = product(CAREFUL, da, vb2[l]) + product(CAREFUL, sa, vb);
                    inc_b[l] = product(CAREFUL, db, vb2[l]) + product(CAREFUL, sb, vb);
                }
                for l in 0..L {
                    a2[ia][l] += inc_a[l];
                }
                for l in 0..L {
                    a2[ib][l] += inc_b[l];
                }
            }
            Kind::Nary => {
                // Linear: a scatter, x_j_bar' += c_j v_bar' on every lane.
                let r = node.terms(ops);
                scatter::<T, L, CAREFUL>(a2, &ops[r.clone()], &coefs[r], vb2);
            }
        }
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
    let z = T::zero();
    let (ops, coefs) = (&terms.ops[..], &terms.coefs[..]);
    let (nodes, partials) = (&stream.nodes[..], &stream.partials[..]);
    let mut p = 0;
    for k in n + 1..=output {
        let node = nodes[k];
        let mut tk = [z; L];
        // (An n-ary node's `a` and `b` are not operands: read them only on the others.)
        let operands = |t: &[[T; L]]| (t[node.a()], t[node.b()]);
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
                tk = gather::<T, L, CAREFUL>(t, &ops[r.clone()], &coefs[r]);
            }
        }
        t[k] = tk;
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
