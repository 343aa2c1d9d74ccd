//! The reverse half of the lane sweeps (`sweep_lanes::hvp_lanes`: dense Hessians, a
//! Lagrangian's colored sweeps) over a tape's loops: second-order adjoints on `L`
//! lanes, each body node over all repetitions at once, with the same bits as node
//! by node (the argument of `sweep_rolled`; the tangents forward are
//! `hvp_rolled::tangents`).

use super::hvp_moved::{contributions, two_operands};
use super::hvp_rolled::{by_kind, kind_of};
use super::lanes::{add_at, sub_at};
use super::node::{Kind, Node, Stream};
use super::node_loops::NodeLoops;
use super::sweep_rolled::{self, Column, ReverseSteps};
use crate::scalar::Scalar;

/// The reverse half of the lane sweeps (`sweep_lanes::hvp_lanes`, fast) from `output`:
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
    p: usize,
    adj: &[T],
    t: &[[T; L]],
    a2: &mut [[T; L]],
    aside: &mut Vec<T>,
    scalar: impl FnMut(std::ops::RangeInclusive<usize>, usize, &mut [[T; L]]) -> usize,
) -> usize {
    aside.resize(aside.len().max(L * loops.scratch()), T::zero());
    let mut steps = Lanes {
        adj,
        t,
        a2,
        aside,
        partials: &stream.partials,
        scalar,
    };
    sweep_rolled::reverse(stream, loops, n, output, p, &mut steps)
}

/// The lane sweeps' reverse half's steps ([`ReverseSteps`]): second-order
/// adjoints on `L` lanes, each contribution kept aside as `L` numbers.
struct Lanes<'a, T, const L: usize, F> {
    adj: &'a [T],
    t: &'a [[T; L]],
    a2: &'a mut [[T; L]],
    aside: &'a mut [T],
    partials: &'a [T],
    scalar: F,
}

impl<T: Scalar, const L: usize, F> ReverseSteps for Lanes<'_, T, L, F>
where
    F: FnMut(std::ops::RangeInclusive<usize>, usize, &mut [[T; L]]) -> usize,
{
    fn fits(&self, last: usize, scratch: usize) -> bool {
        last < self.a2.len() && last < self.t.len() && L * scratch <= self.aside.len()
    }

    fn nodes(&mut self, range: std::ops::RangeInclusive<usize>, p: usize) -> usize {
        (self.scalar)(range, p, self.a2)
    }

    unsafe fn column(&mut self, x: Node, c: &Column, places: (bool, bool)) {
        let (adj, a2, t, aside, partials) = (
            self.adj,
            &mut *self.a2,
            self.t,
            &mut *self.aside,
            self.partials,
        );
        // SAFETY: the caller's contract.
        unsafe {
            by_kind!(
                x.kind(),
                lane_column::<T, L>,
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
        let c = &self.aside[L * k..][..L];
        for (a, &c) in self.a2[to].iter_mut().zip(c) {
            if sub {
                *a -= c;
            } else {
                *a += c;
            }
        }
    }
}

/// A column of the lane sweeps' reverse half (see `hvp_rolled::product_column`; the places
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
