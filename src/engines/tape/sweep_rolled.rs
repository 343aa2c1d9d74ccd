//! The first-order adjoint sweep over a tape's loops ([`NodeLoops`]): a loop's
//! body node by node, each over all repetitions at once, with the same bits as
//! the node-by-node sweep of `sweep::adjoints`.
//!
//! The sweep reads a node's adjoint once every node after it has added to it. In
//! a loop whose nodes read only earlier nodes of their own repetition or nodes
//! before the loop, running body node `j` over all repetitions after body nodes
//! `j + 1..` keeps that, and adds to a node of the loop in the same order as node
//! by node. What it would reorder are the additions to the nodes before the loop
//! (the inputs), which several repetitions reach: those contributions are kept
//! aside and added afterwards in the order of the node-by-node sweep, so every
//! adjoint is the same sum in the same order.

use super::lanes::{add_at, partials_at, sub_at};
use super::loops::blocks;
use super::node::{Kind, Node, Stream};
use super::node_loops::{Aside, BodyNode, INSIDE, NodeLoop, NodeLoops};
use crate::scalar::Scalar;

/// One rolled reverse sweep's own steps (the first-order sweep below, the
/// product's and the lane sweeps' in `hvp_rolled`); [`reverse`] walks the loops.
pub(super) trait ReverseSteps {
    /// Whether the sweep's adjoints hold nodes up to `last` and its scratch
    /// `scratch` contributions kept aside (what `column` and `aside` rely on).
    fn fits(&self, last: usize, scratch: usize) -> bool;
    /// Sweeps the nodes of `range` one by one, last first, reading their partials
    /// backwards from `p`; returns the offset reached.
    fn nodes(&mut self, range: std::ops::RangeInclusive<usize>, p: usize) -> usize;
    /// Runs the column `c` of body node `x`, its operands' contributions going to
    /// them or aside as `places` says.
    ///
    /// # Safety
    /// `fits(last, scratch)` holds for the loops' `last` and `scratch`, and `c` is
    /// a column of one of those loops ([`reverse`] calls it so).
    unsafe fn column(&mut self, x: Node, c: &Column, places: (bool, bool));
    /// Adds (subtracts, for `sub`) the contribution kept aside at `k` to node
    /// `to`.
    ///
    /// # Safety
    /// As for `column`: `to` a node before one of the loops, `k` below `scratch`.
    unsafe fn aside(&mut self, to: usize, sub: bool, k: usize);
    /// The contributions `kept` aside by the repetitions of `block`, last
    /// repetition first, each repetition's in the order of `kept` (the
    /// node-by-node order): `aside` for each.
    ///
    /// # Safety
    /// As for `aside`, for every repetition of `block`: `to` (at the
    /// repetition) a node before the loop, `(r - block.start) kept.len() + i`
    /// below `scratch`.
    unsafe fn asides(&mut self, kept: &[Aside], block: std::ops::Range<usize>) {
        let r0 = block.start;
        for r in block.rev() {
            for (i, s) in kept.iter().enumerate() {
                let to = (s.to as isize + s.shift as isize * r as isize) as usize;
                // SAFETY: the caller's contract.
                unsafe { self.aside(to, s.sub, (r - r0) * kept.len() + i) };
            }
        }
    }
}

/// A reverse sweep of nodes `n + 1..=last` with the loops of `loops` that end by
/// `last` rolled: `steps.nodes` for the stretches between them; for each loop, in
/// blocks of repetitions, last first (each block's nodes, partials and adjoints
/// staying in cache from one body node to the next), each body node's column,
/// last first, then the block's contributions kept aside, last repetition first,
/// in the node-by-node order. Reads the partials backwards from `p`; returns the
/// offset reached.
pub(super) fn reverse<T>(
    stream: &Stream<T>,
    loops: &NodeLoops,
    n: usize,
    last: usize,
    mut p: usize,
    steps: &mut impl ReverseSteps,
) -> usize {
    let nodes = &stream.nodes[..];
    assert!(loops.fits(stream) && last < nodes.len() && p <= stream.partials.len());
    assert!(steps.fits(last, loops.scratch()));
    let mut hi = last;
    for l in loops.loops.iter().rev() {
        let (first, k, reps) = (l.first as usize, l.len as usize, l.reps as usize);
        let end = first + k * reps;
        if end > last + 1 {
            continue;
        }
        p = steps.nodes(end..=hi, p);
        // The loop's partials: `reps * width` before `p`.
        p = p
            .checked_sub(reps * l.width as usize)
            .expect("the loop's partials end where the sweep is");
        let body = &loops.body[l.body as usize..][..k];
        let kept = &loops.asides[l.aside as usize..][..l.asides as usize];
        for block in blocks(reps).rev() {
            for j in (0..k).rev() {
                let (x, b) = (nodes[first + j], &body[j]);
                let column = Column::of(l, j, x, b, p, block.clone());
                // SAFETY: `steps` fits these loops (asserted), and this is a
                // column of one: its nodes below `end <= last + 1`, its operands
                // earlier nodes (of the repetition or before the loop), its
                // partials within the loop's (the node-by-node cursor's
                // invariant, as in `sweep::adjoints_of`), its asides below
                // `BLOCK * asides <= scratch` (`r` within the block).
                unsafe { steps.column(x, &column, (b.aside_a == INSIDE, b.aside_b == INSIDE)) };
            }
            // SAFETY: `to < first <= last` at every repetition (checked when the
            // loop was found: `NodeLoops::push`), and `(r - r0) e + i < BLOCK e
            // <= scratch`.
            unsafe { steps.asides(kept, block) };
        }
        hi = first - 1;
    }
    steps.nodes(n + 1..=hi, p)
}

/// The fast first-order sweep (`sweep::adjoints_of` without care)'s steps:
/// adjoints `adj`, partials, scratch `aside`, and `scalar(range, p, adj)` for
/// node-by-node stretches.
pub(super) struct FirstOrder<'a, T, F> {
    pub(super) adj: &'a mut [[T; 1]],
    pub(super) aside: &'a mut [T],
    pub(super) partials: &'a [T],
    pub(super) scalar: F,
}

impl<T: Scalar, F> ReverseSteps for FirstOrder<'_, T, F>
where
    F: FnMut(std::ops::RangeInclusive<usize>, usize, &mut [[T; 1]]) -> usize,
{
    fn fits(&self, last: usize, scratch: usize) -> bool {
        last < self.adj.len() && scratch <= self.aside.len()
    }

    fn nodes(&mut self, range: std::ops::RangeInclusive<usize>, p: usize) -> usize {
        (self.scalar)(range, p, self.adj)
    }

    unsafe fn column(&mut self, x: Node, column: &Column, (ina, inb): (bool, bool)) {
        let (adj, aside, partials) = (&mut *self.adj, &mut *self.aside, self.partials);
        // SAFETY: the caller's contract (see `Column::run`).
        unsafe {
            macro_rules! by_place {
                ($kind:expr) => {
                    match (ina, inb) {
                        (true, true) => {
                            column.run::<T, { $kind }, true, true>(adj, aside, partials)
                        }
                        (true, false) => {
                            column.run::<T, { $kind }, true, false>(adj, aside, partials)
                        }
                        (false, true) => {
                            column.run::<T, { $kind }, false, true>(adj, aside, partials)
                        }
                        (false, false) => {
                            column.run::<T, { $kind }, false, false>(adj, aside, partials)
                        }
                    }
                };
            }
            match x.kind() {
                Kind::Add => by_place!(ADD),
                Kind::Sub => by_place!(SUB),
                Kind::Scale | Kind::Unary => by_place!(ONE),
                _ => by_place!(TWO),
            }
        }
    }

    unsafe fn aside(&mut self, to: usize, sub: bool, k: usize) {
        // SAFETY: `to < adj.len()`, `k < aside.len()` (the caller's contract).
        unsafe {
            let val = *self.aside.get_unchecked(k);
            if sub {
                sub_at(self.adj, to, [val]);
            } else {
                add_at(self.adj, to, [val]);
            }
        }
    }

    /// As the default, with the additions to one adjoint that follow each
    /// other summed in a register: `(a + x) + y` as before, the sum no longer
    /// stored and loaded again between them (each such pair waited on the
    /// store).
    unsafe fn asides(&mut self, kept: &[Aside], block: std::ops::Range<usize>) {
        let (r0, e) = (block.start, kept.len());
        let mut at = usize::MAX;
        let mut sum = T::zero();
        for r in block.rev() {
            for (i, s) in kept.iter().enumerate() {
                let to = (s.to as isize + s.shift as isize * r as isize) as usize;
                // SAFETY: `to < adj.len()` and `(r - r0) e + i < aside.len()`
                // (the caller's contract); `at` is a `to` of before.
                unsafe {
                    let val = *self.aside.get_unchecked((r - r0) * e + i);
                    if to != at {
                        if at != usize::MAX {
                            self.adj.get_unchecked_mut(at)[0] = sum;
                        }
                        at = to;
                        sum = self.adj.get_unchecked(to)[0];
                    }
                    sum = if s.sub { sum - val } else { sum + val };
                }
            }
        }
        if at != usize::MAX {
            // SAFETY: as above.
            unsafe { self.adj.get_unchecked_mut(at)[0] = sum };
        }
    }
}

/// A column's kinds of contribution: `a + b`, `a - b`, one partial, two.
const ADD: u8 = 0;
const SUB: u8 = 1;
const ONE: u8 = 2;
const TWO: u8 = 3;

/// One body node over a block of repetitions: node `v`, operands `a`, `b`,
/// partials at `at`, moving by `k`, `da`, `db`, `w` per repetition; contributions
/// kept aside at `ia`, `ib` of each repetition's `e` (counted from the block's
/// first repetition).
pub(super) struct Column {
    pub(super) v: usize,
    pub(super) a: isize,
    pub(super) b: isize,
    pub(super) at: usize,
    pub(super) k: usize,
    pub(super) w: usize,
    pub(super) da: isize,
    pub(super) db: isize,
    pub(super) ia: usize,
    pub(super) ib: usize,
    pub(super) e: usize,
    pub(super) reps: usize,
}

impl Column {
    /// Body node `j` of loop `l` (node `x`, body entry `b`), the loop's partials
    /// from `p`, over the repetitions of `block`.
    pub(super) fn of(
        l: &NodeLoop,
        j: usize,
        x: Node,
        b: &BodyNode,
        p: usize,
        block: std::ops::Range<usize>,
    ) -> Self {
        let (k, w, r0) = (l.len as usize, l.width as usize, block.start);
        let r = r0 as isize;
        Column {
            v: l.first as usize + j + r0 * k,
            a: x.a() as isize + r * b.da as isize,
            b: x.b() as isize + r * b.db as isize,
            at: p + r0 * w + b.at as usize,
            k,
            w,
            da: b.da as isize,
            db: b.db as isize,
            ia: b.aside_a as usize,
            ib: b.aside_b as usize,
            e: l.asides as usize,
            reps: block.len(),
        }
    }

    /// Runs the column: `KIND`'s contributions, to the operand (`A_IN`, `B_IN`)
    /// or kept aside.
    ///
    /// # Safety
    /// Every node, operand in the loop, aside and partial index it reaches is in
    /// bounds (see [`sweep`]).
    #[inline(always)]
    unsafe fn run<T: Scalar, const KIND: u8, const A_IN: bool, const B_IN: bool>(
        &self,
        adj: &mut [[T; 1]],
        aside: &mut [T],
        partials: &[T],
    ) {
        let (mut v, mut a, mut b, mut at) = (self.v, self.a, self.b, self.at);
        for r in 0..self.reps {
            // SAFETY: the caller's contract.
            unsafe {
                let [vb] = *adj.get_unchecked(v);
                let (ca, cb) = match KIND {
                    ADD | SUB => (vb, vb),
                    ONE => (vb * partials_at::<T, 1>(partials, at)[0], vb),
                    _ => {
                        let [d0, d1] = partials_at(partials, at);
                        (vb * d0, vb * d1)
                    }
                };
                if A_IN {
                    add_at(adj, a as usize, [ca]);
                } else {
                    *aside.get_unchecked_mut(r * self.e + self.ia) = ca;
                }
                if KIND != ONE {
                    if B_IN {
                        if KIND == SUB {
                            sub_at(adj, b as usize, [cb]);
                        } else {
                            add_at(adj, b as usize, [cb]);
                        }
                    } else {
                        *aside.get_unchecked_mut(r * self.e + self.ib) = cb;
                    }
                }
            }
            v += self.k;
            a += self.da;
            b += self.db;
            at += self.w;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::NodeLoops;
    use crate::scalar::Scalar;
    use crate::tape::{Recorded, Var};

    /// The rolled paths (`program::rolled`'s columns, this sweep, `hvp_rolled`'s
    /// tangents and reverse sweeps, one lane and two) on small loops, against
    /// fresh recordings bit for bit; small enough for Miri (`MIRIFLAGS=-Zmiri-deterministic-floats
    /// cargo +nightly miri test --lib miri_rolled`, by hand: CI does not run Miri;
    /// without the flag Miri perturbs each `sin` and `exp` by a few units in the
    /// last place, so a recording and its program no longer agree bit for bit).
    #[test]
    fn miri_rolled() {
        let f = |x: &[Var]| {
            let terms: Var = x
                .windows(2)
                .map(|w| (w[0] - w[1] * w[1]) * (w[0] * 0.5).sin() - (1.5 - w[1]).exp())
                .sum();
            terms + x.iter().fold(x[0], |acc, &xi| acc * xi)
        };
        let x = [0.3, -0.7, 0.5, 0.9, -0.2, 0.4];
        let y = [0.1, 0.6, -0.5, 0.2, 0.8, -0.3];
        let v = [1.0, -0.5, 0.25, 2.0, -1.0, 0.5];
        let bits = |v: &[f64]| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
        let fresh = Recorded::new_unchecked(f, &y).unwrap();
        let mut moved = Recorded::new_replayable(f, &x).unwrap();
        assert!(moved.reevaluate(&y).unwrap());
        assert!(
            !NodeLoops::find(&moved.buffers().stream, 6)
                .loops()
                .is_empty()
        );
        assert_eq!(
            bits(moved.gradient().as_slice()),
            bits(fresh.gradient().as_slice())
        );
        // The lane sweeps (`hvp_rolled::reverse_lanes`), one lane and two.
        let (hm, hf) = (moved.hvp(&v).unwrap(), fresh.hvp(&v).unwrap());
        assert_eq!(bits(hm.as_slice()), bits(hf.as_slice()));
        let (mut a, mut b) = ([[0.0; 2]; 6], [[0.0; 2]; 6]);
        let seed = |i: usize, s: &mut [f64; 2]| *s = [v[i], f64::from(i == 2)];
        moved.sweep::<2>(seed, |i, r| a[i] = *r);
        fresh.sweep::<2>(seed, |i, r| b[i] = *r);
        assert_eq!(bits(a.as_flattened()), bits(b.as_flattened()));
        let mut product = Recorded::new_replayable(f, &x).unwrap();
        let hv = product.reevaluate_hvp(&y, &v).unwrap().unwrap();
        assert_eq!(bits(hv.as_slice()), bits(fresh.hvp(&v).unwrap().as_slice()));
        assert_eq!(
            bits(product.gradient().as_slice()),
            bits(fresh.gradient().as_slice())
        );
    }
}
