//! The passes of a Hessian-vector product at a new point (`hvp_moved`) over a
//! tape's loops ([`NodeLoops`]): the tangents forward and the first- and
//! second-order adjoints backward, each body node over all repetitions at once,
//! with the same bits as node by node (the argument of `sweep_rolled`: a
//! repetition reads only its own earlier nodes or nodes before the loop, and what
//! several repetitions add to the nodes before the loop is kept aside and added
//! afterwards in the node-by-node order).

use super::hvp_moved::{contributions, two_operands};
use super::loops::blocks;
use super::node::Node;
use super::node::{Kind, Stream, Terms};
use super::node_loops::NodeLoops;
use super::sweep::tangents_range;
use super::sweep_rolled::{self, Column, ReverseSteps};
use crate::scalar::Scalar;

/// The kind of a code (`Kind as u8`), for the columns' const parameter.
pub(super) const fn kind_of(code: u8) -> Kind {
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
pub(super) use by_kind;

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
    p: usize,
    t: &[[T; 1]],
    adj: &mut [T],
    a2: &mut [T],
    aside: &mut Vec<T>,
    scalar: impl FnMut(std::ops::RangeInclusive<usize>, usize, &mut [T], &mut [T]) -> usize,
) -> usize {
    aside.resize(aside.len().max(2 * loops.scratch()), T::zero());
    let mut steps = Product {
        t,
        adj,
        a2,
        aside,
        partials: &stream.partials,
        scalar,
    };
    sweep_rolled::reverse(stream, loops, n, output, p, &mut steps)
}

/// The product's reverse sweep's steps ([`ReverseSteps`]): first- and
/// second-order adjoints, each contribution kept aside as a pair.
struct Product<'a, T, F> {
    t: &'a [[T; 1]],
    adj: &'a mut [T],
    a2: &'a mut [T],
    aside: &'a mut [T],
    partials: &'a [T],
    scalar: F,
}

impl<T: Scalar, F> ReverseSteps for Product<'_, T, F>
where
    F: FnMut(std::ops::RangeInclusive<usize>, usize, &mut [T], &mut [T]) -> usize,
{
    fn fits(&self, last: usize, scratch: usize) -> bool {
        last < self.adj.len()
            && last < self.a2.len()
            && last < self.t.len()
            && 2 * scratch <= self.aside.len()
    }

    fn nodes(&mut self, range: std::ops::RangeInclusive<usize>, p: usize) -> usize {
        (self.scalar)(range, p, self.adj, self.a2)
    }

    unsafe fn column(&mut self, x: Node, c: &Column, places: (bool, bool)) {
        let (adj, a2, t, aside, partials) = (
            &mut *self.adj,
            &mut *self.a2,
            self.t,
            &mut *self.aside,
            self.partials,
        );
        // SAFETY: the caller's contract.
        unsafe {
            by_kind!(
                x.kind(),
                product_column::<T>,
                c,
                places,
                adj,
                a2,
                t,
                aside,
                partials
            )
        };
    }

    unsafe fn aside(&mut self, to: usize, sub: bool, k: usize) {
        let (c, c2) = (self.aside[2 * k], self.aside[2 * k + 1]);
        if sub {
            self.adj[to] -= c;
            self.a2[to] -= c2;
        } else {
            self.adj[to] += c;
            self.a2[to] += c2;
        }
    }
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
