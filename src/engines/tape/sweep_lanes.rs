//! The lane sweeps: `H V` for `L` directions at once, forward tangents then a
//! reverse sweep of second-order adjoints (the formulas in `sweep`'s module
//! documentation), fast, and careful when the fast one's result is not finite;
//! a prepared recording's loops rolled in the fast one (`hvp_rolled`,
//! `lanes_rolled`).

use super::hvp_rolled;
use super::lanes::LaneBuffers;
use super::lanes::{add_at, scatter, sub_at};
use super::lanes_rolled;
use super::node::{Kind, Stream, Terms};
use super::node_loops::NodeLoops;
use super::sweep::{product, tangents_of};
use crate::scalar::Scalar;
use std::any::TypeId;

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
    loops: Option<&NodeLoops>,
    buffers: &mut LaneBuffers<T>,
    mut seed: impl FnMut(usize, &mut [T; L]),
    mut out: impl FnMut(usize, &[T; L]),
) {
    // The careful sweep runs only when the fast one's result is not finite.
    hvp_lanes_of::<T, L, false>(stream, terms, n, output, adj, loops, buffers, &mut seed);
    let (a2, _) = buffers.adjoints2.as_chunks::<L>();
    if !a2[1..=n].iter().flatten().all(Scalar::is_finite) {
        hvp_lanes_of::<T, L, true>(stream, terms, n, output, adj, None, buffers, &mut seed);
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
    loops: Option<&NodeLoops>,
    buffers: &mut LaneBuffers<T>,
    seed: &mut impl FnMut(usize, &mut [T; L]),
) {
    let z = T::zero();
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
    let aside = &mut buffers.aside;
    // Forward: tangents, reading the partials from the first; then the second-order
    // adjoints backward, the loops of `loops` rolled in the fast sweep.
    let rolled = loops.filter(|l| !CAREFUL && l.fits(stream));
    let p = match rolled {
        // (Only on `f64`, the number type of prepared recordings: the rolled
        // passes are instantiated once per lane width, not for every number type
        // the lane sweeps run on.)
        Some(loops) if TypeId::of::<T>() == TypeId::of::<f64>() => {
            // SAFETY: `T` is `f64` (checked just above): each reference is to the
            // same type, so of the same layout and validity.
            unsafe {
                rolled_lanes::<L>(
                    &*(stream as *const Stream<T>).cast::<Stream<f64>>(),
                    &*(terms as *const Terms<T>).cast::<Terms<f64>>(),
                    loops,
                    n,
                    output,
                    &*(adj as *const [T] as *const [f64]),
                    &mut *(t as *mut [[T; L]] as *mut [[f64; L]]),
                    &mut *(a2 as *mut [[T; L]] as *mut [[f64; L]]),
                    &mut *(aside as *mut Vec<T>).cast::<Vec<f64>>(),
                )
            }
        }
        _ => {
            let p = tangents_of::<T, L, CAREFUL>(stream, terms, n, output, t);
            reverse2_range::<T, L, CAREFUL>(stream, terms, adj, t, n + 1..=output, p, a2)
        }
    };
    debug_assert_eq!(p, stream.partials_end(n));
}

/// The fast lane sweep of a recording whose tape's loops were found, on `f64`:
/// tangents and second-order adjoints with the loops rolled (`hvp_rolled`), the
/// stretches between them node by node. Returns the partials' offset reached.
#[inline(never)]
#[allow(clippy::too_many_arguments)]
fn rolled_lanes<const L: usize>(
    stream: &Stream<f64>,
    terms: &Terms<f64>,
    loops: &NodeLoops,
    n: usize,
    output: usize,
    adj: &[f64],
    t: &mut [[f64; L]],
    a2: &mut [[f64; L]],
    aside: &mut Vec<f64>,
) -> usize {
    let p = hvp_rolled::tangents::<f64, L>(stream, terms, loops, n, output, t);
    let t = &*t;
    let scalar = |range, p, a2: &mut [[f64; L]]| {
        reverse2_range::<f64, L, false>(stream, terms, adj, t, range, p, a2)
    };
    lanes_rolled::reverse_lanes::<f64, L>(stream, loops, n, output, p, adj, t, a2, aside, scalar)
}

/// The reverse half of the lane sweeps over the nodes of `range`, last first:
/// second-order adjoints into `a2` from the tangents `t` and first-order adjoints
/// `adj`, the partials read backwards from `p`; returns the offset reached.
fn reverse2_range<T: Scalar, const L: usize, const CAREFUL: bool>(
    stream: &Stream<T>,
    terms: &Terms<T>,
    adj: &[T],
    t: &[[T; L]],
    range: std::ops::RangeInclusive<usize>,
    mut p: usize,
    a2: &mut [[T; L]],
) -> usize {
    let z = T::zero();
    let (ops, coefs) = (&terms.ops[..], &terms.coefs[..]);
    let (nodes, partials) = (&stream.nodes[..], &stream.partials[..]);
    let output = *range.end();
    // Reverse: second-order adjoints, reading the partials back. With the tape's
    // invariants (see the module's notes), what keeps the unchecked indices below
    // in bounds: asserted below. The partials stay checked, as in
    // `tangents_of` (unchecked, their loads pair with the lanes' into vector
    // operations on the sweep's critical path: measured slower), and so does the
    // caller's `adj` (a vector recording's may be short).
    assert!(range.is_empty() || (output < nodes.len() && output < t.len() && output < a2.len()));
    for k in range.rev() {
        // SAFETY: `k <= output < nodes.len()`, `a2.len()`.
        let (node, vb2) = unsafe { (*nodes.get_unchecked(k), *a2.get_unchecked(k)) };
        let (ia, ib) = (node.a(), node.b());
        debug_assert!(node.is_nary() || (ia < k && ib < k && node.width() <= p));
        // SAFETY (every block below): operands are earlier nodes, so `ia, ib < k`,
        // below `t.len()` and `a2.len()`.
        match node.kind() {
            // SAFETY: see above.
            Kind::Add => unsafe {
                add_at(a2, ia, vb2);
                add_at(a2, ib, vb2);
            },
            // SAFETY: see above.
            Kind::Sub => unsafe {
                add_at(a2, ia, vb2);
                sub_at(a2, ib, vb2);
            },
            Kind::Linear => {
                p -= 2;
                let (sa, sb) = (partials[p], partials[p + 1]);
                let inc_a = vb2.map(|v| product(CAREFUL, sa, v));
                let inc_b = vb2.map(|v| product(CAREFUL, sb, v));
                // SAFETY: see above.
                unsafe { add_at(a2, ia, inc_a) };
                unsafe { add_at(a2, ib, inc_b) };
            }
            Kind::MulScaled => {
                p -= 3;
                // a_bar' += v_bar' phi_a + v_bar phi_ab b', b_bar' likewise.
                let [da, db, dab] = [0, 1, 2].map(|i| partials[p + i]);
                // SAFETY: see above.
                let (ta, tb) = unsafe { (*t.get_unchecked(ia), *t.get_unchecked(ib)) };
                let vb = adj[k];
                let mut inc_a = [z; L];
                let mut inc_b = [z; L];
                for l in 0..L {
                    let (sa, sb) = (product(CAREFUL, dab, tb[l]), product(CAREFUL, dab, ta[l]));
                    inc_a[l] = product(CAREFUL, da, vb2[l]) + product(CAREFUL, sa, vb);
                    inc_b[l] = product(CAREFUL, db, vb2[l]) + product(CAREFUL, sb, vb);
                }
                // SAFETY: see above.
                unsafe { add_at(a2, ia, inc_a) };
                unsafe { add_at(a2, ib, inc_b) };
            }
            Kind::Scale => {
                p -= 1;
                let d = partials[p];
                let inc = vb2.map(|v| product(CAREFUL, d, v));
                // SAFETY: see above.
                unsafe { add_at(a2, ia, inc) };
            }
            Kind::Unary => {
                p -= 2;
                // a_bar' += v_bar' phi' + v_bar phi'' a'
                // SAFETY: see above.
                let (d, dd, ta) = (partials[p], partials[p + 1], unsafe {
                    *t.get_unchecked(ia)
                });
                let vb = adj[k];
                let mut inc = [z; L];
                for l in 0..L {
                    let s = product(CAREFUL, dd, ta[l]);
                    inc[l] = product(CAREFUL, d, vb2[l]) + product(CAREFUL, s, vb);
                }
                // SAFETY: see above.
                unsafe { add_at(a2, ia, inc) };
            }
            Kind::Mul => {
                p -= 2;
                // phi_ab = 1: a_bar' += v_bar' b + v_bar b', b_bar' += v_bar' a + v_bar a'
                let (da, db) = (partials[p], partials[p + 1]);
                // SAFETY: see above.
                let (ta, tb) = unsafe { (*t.get_unchecked(ia), *t.get_unchecked(ib)) };
                let vb = adj[k];
                let mut inc_a = [z; L];
                let mut inc_b = [z; L];
                for l in 0..L {
                    inc_a[l] = product(CAREFUL, da, vb2[l]) + product(CAREFUL, tb[l], vb);
                    inc_b[l] = product(CAREFUL, db, vb2[l]) + product(CAREFUL, ta[l], vb);
                }
                // SAFETY: see above.
                unsafe { add_at(a2, ia, inc_a) };
                unsafe { add_at(a2, ib, inc_b) };
            }
            Kind::Binary => {
                p -= 5;
                let [da, db, daa, dab, dbb] = [0, 1, 2, 3, 4].map(|i| partials[p + i]);
                // SAFETY: see above.
                let (ta, tb) = unsafe { (*t.get_unchecked(ia), *t.get_unchecked(ib)) };
                let vb = adj[k];
                let mut inc_a = [z; L];
                let mut inc_b = [z; L];
                for l in 0..L {
                    let sa = product(CAREFUL, daa, ta[l]) + product(CAREFUL, dab, tb[l]);
                    let sb = product(CAREFUL, dab, ta[l]) + product(CAREFUL, dbb, tb[l]);
                    inc_a[l] = product(CAREFUL, da, vb2[l]) + product(CAREFUL, sa, vb);
                    inc_b[l] = product(CAREFUL, db, vb2[l]) + product(CAREFUL, sb, vb);
                }
                // SAFETY: see above.
                unsafe { add_at(a2, ia, inc_a) };
                unsafe { add_at(a2, ib, inc_b) };
            }
            Kind::Nary => {
                // Linear: a scatter, x_j_bar' += c_j v_bar' on every lane.
                let r = node.terms(ops);
                // SAFETY: its items are earlier nodes: `< k < a2.len()`.
                unsafe { scatter::<T, L, CAREFUL>(a2, &ops[r.clone()], &coefs[r], vb2) };
            }
        }
    }
    p
}
