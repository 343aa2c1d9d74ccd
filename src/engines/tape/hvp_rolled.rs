//! The passes of a Hessian-vector product at a new point (`hvp_moved`) over a
//! tape's loops ([`NodeLoops`]): the tangents forward and the first- and
//! second-order adjoints backward, each body node over all repetitions at once,
//! with the same bits as node by node (the argument of `sweep_rolled`: a
//! repetition reads only its own earlier nodes or nodes before the loop, and what
//! several repetitions add to the nodes before the loop is kept aside and added
//! afterwards in the node-by-node order).

use super::hvp_moved::{contributions, two_operands};
use super::lanes::{add_at, sub_at};
use super::loops::blocks;
use super::node::{Kind, Stream, Terms};
use super::sweep::tangents_range;
use super::sweep_rolled::{Column, INSIDE, NodeLoops};
use crate::scalar::Scalar;

/// The kind of a code (`Kind as u8`), for the columns' const parameter.
const fn kind_of(code: u8) -> Kind {
    match code {
        0 => Kind::Add,
        1 => Kind::Sub,
        2 => Kind::Scale,
        3 => Kind::Unary,
        4 => Kind::Mul,
        5 => Kind::Binary,
        7 => Kind::Linear,
        8 => Kind::MulScaled,
        _ => Kind::Nary,
    }
}

/// Runs `$run::<.., KIND>` (a column's function whose last const parameter is the
/// kind's code) for `kind`.
macro_rules! by_kind {
    ($kind:expr, $run:ident::<$($g:tt),*>, $($arg:expr),*) => {
        match $kind {
            Kind::Add => $run::<$($g,)* 0>($($arg),*),
            Kind::Sub => $run::<$($g,)* 1>($($arg),*),
            Kind::Scale => $run::<$($g,)* 2>($($arg),*),
            Kind::Unary => $run::<$($g,)* 3>($($arg),*),
            Kind::Mul => $run::<$($g,)* 4>($($arg),*),
            Kind::Binary => $run::<$($g,)* 5>($($arg),*),
            Kind::Linear => $run::<$($g,)* 7>($($arg),*),
            Kind::MulScaled => $run::<$($g,)* 8>($($arg),*),
            Kind::Nary => unreachable!("loops hold no n-ary node"),
        }
    };
}

/// Every node's tangent up to `output` (one lane; the inputs' already in `t`), as
/// `sweep::tangents_of` computes them, on `L` lanes, the loops of `loops` that
/// end by `output` rolled. Returns the end of the partials read.
pub(super) fn tangents<T: Scalar, const L: usize>(
    stream: &Stream<T>,
    terms: &Terms<T>,
    loops: &NodeLoops,
    n: usize,
    output: usize,
    t: &mut [[T; L]],
) -> usize {
    let (nodes, partials) = (&stream.nodes[..], &stream.partials[..]);
    assert!(loops.fits(stream) && output < nodes.len() && output < t.len());
    let (mut lo, mut p) = (n + 1, 0);
    for l in loops.loops() {
        let (first, k, reps, w) = (
            l.first as usize,
            l.len as usize,
            l.reps as usize,
            l.width as usize,
        );
        let end = first + k * reps;
        if end > output + 1 {
            break;
        }
        p = tangents_range::<T, L, false>(stream, terms, lo..=first - 1, p, t);
        assert!(p + reps * w <= partials.len());
        for block in blocks(reps) {
            let r0 = block.start;
            for (j, b) in loops.body(l).iter().enumerate() {
                let x = nodes[first + j];
                let r = r0 as isize;
                let column = (
                    first + j + r0 * k,
                    (x.a() as isize + r * b.da as isize) as usize,
                    (x.b() as isize + r * b.db as isize) as usize,
                    p + r0 * w + b.at as usize,
                    k,
                    w,
                    b.da as isize,
                    b.db as isize,
                    block.len(),
                );
                // SAFETY: node `first + j + r k < end <= output + 1 <= t.len()`, its
                // operands earlier nodes, its partials within the loop's, which end by
                // `partials.len()` (asserted).
                unsafe { by_kind!(x.kind(), tangent_column::<T, L>, column, t, partials) };
            }
        }
        p += reps * w;
        lo = end;
    }
    tangents_range::<T, L, false>(stream, terms, lo..=output, p, t)
}

/// A column of tangents: node `v` and operands `a`, `b` moving by `k`, `da`,
/// `db`, partials from `at` moving by `w`, `reps` times.
type Tangents = (
    usize,
    usize,
    usize,
    usize,
    usize,
    usize,
    isize,
    isize,
    usize,
);

/// # Safety
/// Every node, operand and partial the column reaches is in bounds.
#[inline(always)]
unsafe fn tangent_column<T: Scalar, const L: usize, const KIND: u8>(
    (mut v, a, b, mut at, k, w, da, db, reps): Tangents,
    t: &mut [[T; L]],
    partials: &[T],
) {
    let (mut a, mut b) = (a as isize, b as isize);
    for _ in 0..reps {
        // SAFETY: the caller's contract.
        unsafe {
            let ta = *t.get_unchecked(a as usize);
            let tb = *t.get_unchecked(b as usize);
            let q = |i: usize| *partials.get_unchecked(at + i);
            let mut tk = [T::zero(); L];
            for l in 0..L {
                tk[l] = match kind_of(KIND) {
                    Kind::Add => ta[l] + tb[l],
                    Kind::Sub => ta[l] - tb[l],
                    Kind::Scale | Kind::Unary => ta[l] * q(0),
                    _ => ta[l] * q(0) + tb[l] * q(1),
                };
            }
            *t.get_unchecked_mut(v) = tk;
        }
        v += k;
        a += da;
        b += db;
        at += w;
    }
}

/// The product's reverse sweep from `output` (its adjoints seeded), partials read
/// backwards from `p`, the loops of `loops` that end by `output` rolled, and
/// `scalar(range, p, adj, a2)` for the stretches between them; returns the offset
/// reached. `aside`: scratch, grown here.
#[allow(clippy::too_many_arguments)]
pub(super) fn reverse<T: Scalar>(
    stream: &Stream<T>,
    loops: &NodeLoops,
    n: usize,
    output: usize,
    mut p: usize,
    t: &[[T; 1]],
    adj: &mut [T],
    a2: &mut [T],
    aside: &mut Vec<T>,
    mut scalar: impl FnMut(std::ops::RangeInclusive<usize>, usize, &mut [T], &mut [T]) -> usize,
) -> usize {
    let (nodes, partials) = (&stream.nodes[..], &stream.partials[..]);
    assert!(loops.fits(stream) && output < adj.len() && output < a2.len() && output < t.len());
    assert!(output < nodes.len() && p <= partials.len());
    aside.resize(aside.len().max(2 * loops.scratch()), T::zero());
    let mut hi = output;
    for l in loops.loops().iter().rev() {
        let (first, k, reps, w) = (
            l.first as usize,
            l.len as usize,
            l.reps as usize,
            l.width as usize,
        );
        let end = first + k * reps;
        if end > output + 1 {
            continue;
        }
        p = scalar(end..=hi, p, adj, a2);
        p = p
            .checked_sub(reps * w)
            .expect("the loop's partials end where the sweep is");
        let e = l.asides as usize;
        // In blocks of repetitions, last first (see `sweep_rolled::sweep`).
        for block in blocks(reps).rev() {
            let (r0, reps) = (block.start, block.len());
            for (j, b) in loops.body(l).iter().enumerate().rev() {
                let x = nodes[first + j];
                let column = Column::of(l, j, x, b, p, block.clone());
                let places = (b.aside_a == INSIDE, b.aside_b == INSIDE);
                // SAFETY: as in `sweep_rolled::sweep`: nodes of the loop below
                // `end <= output + 1`, operands earlier nodes (of the repetition or
                // before the loop), partials within the loop's, asides below
                // `2 BLOCK e <= aside.len()` (`r` within the block).
                unsafe {
                    by_kind!(
                        x.kind(),
                        product_column::<T>,
                        &column,
                        places,
                        adj,
                        a2,
                        t,
                        aside,
                        partials
                    )
                };
            }
            // The contributions kept aside, in the node-by-node order.
            let kept = loops.asides(l);
            for r in (0..reps).rev() {
                for (i, s) in kept.iter().enumerate() {
                    let to = (s.to as isize + s.shift as isize * (r0 + r) as isize) as usize;
                    let (c, c2) = (aside[2 * (r * e + i)], aside[2 * (r * e + i) + 1]);
                    if s.sub {
                        adj[to] -= c;
                        a2[to] -= c2;
                    } else {
                        adj[to] += c;
                        a2[to] += c2;
                    }
                }
            }
        }
        hi = first - 1;
    }
    scalar(n + 1..=hi, p, adj, a2)
}

/// Runs a column of the product's reverse sweep, `places` telling whether each
/// operand's contributions go to it (`true`) or aside.
///
/// # Safety
/// Every node, operand, partial and aside index the column reaches is in bounds.
#[allow(clippy::too_many_arguments)]
#[inline(always)]
unsafe fn product_column<T: Scalar, const KIND: u8>(
    c: &Column,
    places: (bool, bool),
    adj: &mut [T],
    a2: &mut [T],
    t: &[[T; 1]],
    aside: &mut [T],
    partials: &[T],
) {
    // SAFETY: the caller's contract.
    unsafe {
        match places {
            (true, true) => run::<T, KIND, true, true>(c, adj, a2, t, aside, partials),
            (true, false) => run::<T, KIND, true, false>(c, adj, a2, t, aside, partials),
            (false, true) => run::<T, KIND, false, true>(c, adj, a2, t, aside, partials),
            (false, false) => run::<T, KIND, false, false>(c, adj, a2, t, aside, partials),
        }
    }
}

/// [`product_column`] with the places known.
///
/// # Safety
/// As [`product_column`].
#[inline(always)]
unsafe fn run<T: Scalar, const KIND: u8, const A_IN: bool, const B_IN: bool>(
    c: &Column,
    adj: &mut [T],
    a2: &mut [T],
    t: &[[T; 1]],
    aside: &mut [T],
    partials: &[T],
) {
    let kind = kind_of(KIND);
    let width = kind.width();
    let (mut v, mut a, mut b, mut at) = (c.v, c.a, c.b, c.at);
    for r in 0..c.reps {
        // SAFETY: the caller's contract.
        unsafe {
            let (vb, vb2) = (*adj.get_unchecked(v), *a2.get_unchecked(v));
            let (ta, tb) = (
                t.get_unchecked(a as usize)[0],
                t.get_unchecked(b as usize)[0],
            );
            let q = partials.get_unchecked(at..at + width);
            let (ca, cb) = contributions(kind, q, vb, vb2, ta, tb);
            // (Where a contribution goes aside: computed only for those that do.)
            let ka = || 2 * (r * c.e + c.ia);
            let kb = || 2 * (r * c.e + c.ib);
            let sub = kind == Kind::Sub;
            // One order's contributions, `a`'s then `b`'s: into `$to`, or aside
            // (first-order ones at an aside pair's first place, second-order ones
            // at its second).
            macro_rules! put {
                ($to:expr, $c:expr, $place:expr) => {
                    if A_IN {
                        *$to.get_unchecked_mut(a as usize) += $c[0];
                    } else {
                        *aside.get_unchecked_mut(ka() + $place) = $c[0];
                    }
                    if two_operands(kind) {
                        if !B_IN {
                            *aside.get_unchecked_mut(kb() + $place) = $c[1];
                        } else if sub {
                            *$to.get_unchecked_mut(b as usize) -= $c[1];
                        } else {
                            *$to.get_unchecked_mut(b as usize) += $c[1];
                        }
                    }
                };
            }
            put!(adj, ca, 0);
            put!(a2, cb, 1);
        }
        v += c.k;
        a += c.da;
        b += c.db;
        at += c.w;
    }
}

/// The reverse half of the lane sweeps (`sweep::hvp_lanes`, fast) from `output`:
/// second-order adjoints on `L` lanes into `a2` (zeroed by the caller) from the
/// tangents `t` and first-order adjoints `adj`, partials read backwards from `p`,
/// the loops of `loops` that end by `output` rolled and `scalar(range, p, a2)` for
/// the stretches between them; returns the offset reached. `aside`: scratch,
/// grown here. The same bits as node by node (see the module documentation).
#[allow(clippy::too_many_arguments)]
pub(super) fn reverse_lanes<T: Scalar, const L: usize>(
    stream: &Stream<T>,
    loops: &NodeLoops,
    n: usize,
    output: usize,
    mut p: usize,
    adj: &[T],
    t: &[[T; L]],
    a2: &mut [[T; L]],
    aside: &mut Vec<T>,
    mut scalar: impl FnMut(std::ops::RangeInclusive<usize>, usize, &mut [[T; L]]) -> usize,
) -> usize {
    let (nodes, partials) = (&stream.nodes[..], &stream.partials[..]);
    assert!(loops.fits(stream) && output < a2.len() && output < t.len());
    assert!(output < nodes.len() && p <= partials.len());
    aside.resize(aside.len().max(L * loops.scratch()), T::zero());
    let mut hi = output;
    for l in loops.loops().iter().rev() {
        let (first, k, reps, w) = (
            l.first as usize,
            l.len as usize,
            l.reps as usize,
            l.width as usize,
        );
        let end = first + k * reps;
        if end > output + 1 {
            continue;
        }
        p = scalar(end..=hi, p, a2);
        p = p
            .checked_sub(reps * w)
            .expect("the loop's partials end where the sweep is");
        let e = l.asides as usize;
        // In blocks of repetitions, last first (see `sweep_rolled::sweep`).
        for block in blocks(reps).rev() {
            let (r0, reps) = (block.start, block.len());
            for (j, b) in loops.body(l).iter().enumerate().rev() {
                let x = nodes[first + j];
                let column = Column::of(l, j, x, b, p, block.clone());
                let places = (b.aside_a == INSIDE, b.aside_b == INSIDE);
                // SAFETY: as in `sweep_rolled::sweep`: nodes of the loop below
                // `end <= output + 1`, operands earlier nodes (of the repetition or
                // before the loop), partials within the loop's, asides below
                // `L BLOCK e <= aside.len()` (`r` within the block).
                unsafe {
                    by_kind!(
                        x.kind(),
                        lane_column::<T, L>,
                        &column,
                        places,
                        adj,
                        a2,
                        t,
                        aside,
                        partials
                    )
                };
            }
            // The contributions kept aside, in the node-by-node order.
            let kept = loops.asides(l);
            for r in (0..reps).rev() {
                for (i, s) in kept.iter().enumerate() {
                    let to = (s.to as isize + s.shift as isize * (r0 + r) as isize) as usize;
                    let c = &aside[L * (r * e + i)..][..L];
                    for l in 0..L {
                        if s.sub {
                            a2[to][l] -= c[l];
                        } else {
                            a2[to][l] += c[l];
                        }
                    }
                }
            }
        }
        hi = first - 1;
    }
    scalar(n + 1..=hi, p, a2)
}

/// A column of the lane sweeps' reverse half (see [`product_column`]; the places
/// are tested at each repetition here, a branch the same way every time, to keep
/// the lane widths' instances few).
///
/// # Safety
/// Every node, operand, partial and aside index the column reaches is in bounds.
#[allow(clippy::too_many_arguments)]
unsafe fn lane_column<T: Scalar, const L: usize, const KIND: u8>(
    c: &Column,
    places: (bool, bool),
    adj: &[T],
    a2: &mut [[T; L]],
    t: &[[T; L]],
    aside: &mut [T],
    partials: &[T],
) {
    // SAFETY: the caller's contract.
    unsafe { lanes_run::<T, L, KIND>(c, places, adj, a2, t, aside, partials) }
}

/// [`lane_column`]: each lane's second-order contributions as [`contributions`]
/// gives them (the lane sweep's formulas).
///
/// # Safety
/// As [`lane_column`].
#[inline(always)]
unsafe fn lanes_run<T: Scalar, const L: usize, const KIND: u8>(
    c: &Column,
    (a_in, b_in): (bool, bool),
    adj: &[T],
    a2: &mut [[T; L]],
    t: &[[T; L]],
    aside: &mut [T],
    partials: &[T],
) {
    let kind = kind_of(KIND);
    let width = kind.width();
    // The first-order adjoint, read (checked) only where a rule is curved.
    let curved = matches!(
        kind,
        Kind::Unary | Kind::Mul | Kind::MulScaled | Kind::Binary
    );
    let (mut v, mut a, mut b, mut at) = (c.v, c.a, c.b, c.at);
    for r in 0..c.reps {
        // SAFETY: the caller's contract.
        unsafe {
            let vb2 = *a2.get_unchecked(v);
            let vb = if curved { adj[v] } else { T::zero() };
            let (ta, tb) = (*t.get_unchecked(a as usize), *t.get_unchecked(b as usize));
            let q = partials.get_unchecked(at..at + width);
            let mut inc = [[T::zero(); L]; 2];
            for l in 0..L {
                let (_, c2) = contributions(kind, q, vb, vb2[l], ta[l], tb[l]);
                inc[0][l] = c2[0];
                inc[1][l] = c2[1];
            }
            if a_in {
                add_at(a2, a as usize, inc[0]);
            } else {
                aside
                    .get_unchecked_mut(L * (r * c.e + c.ia)..)
                    .get_unchecked_mut(..L)
                    .copy_from_slice(&inc[0]);
            }
            if two_operands(kind) {
                if !b_in {
                    aside
                        .get_unchecked_mut(L * (r * c.e + c.ib)..)
                        .get_unchecked_mut(..L)
                        .copy_from_slice(&inc[1]);
                } else if kind == Kind::Sub {
                    sub_at(a2, b as usize, inc[1]);
                } else {
                    add_at(a2, b as usize, inc[1]);
                }
            }
        }
        v += c.k;
        a += c.da;
        b += c.db;
        at += c.w;
    }
}
