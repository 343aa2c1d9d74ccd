//! [`Schedule`]: an edge-pushing sweep (see `super::edge_push`) written down once,
//! as a flat list of multiply-adds between numbered slots, and evaluated at any
//! recording with the same operations without the sweep's lists, merges or
//! lookups.
//!
//! Writing it runs the very traversal of the numeric sweep with slots in place of
//! numbers ([`Writer`] is its `Values`): each product becomes an instruction that
//! writes a fresh slot, each merge of two entries of one pair an addition into the
//! first (one instruction with the product when it merges a product just made,
//! as a node's diagonal does), and slots are reused once read for the last time. Evaluating computes
//! each node's factors from its partials and first-order adjoint (the same
//! `edge_push::factors`), then runs the instructions in order: the same
//! operations on the same numbers, so the bits of the numeric sweep.

use super::edge_factors::{
    COEF, SourceLoop, find_source_loops, loop_factors, loop_major, source_factors,
};
use super::edge_kinds::*;
use super::edge_local::{Local, factors};
use super::edge_order::order;
use super::edge_push::{self, Limits, Tape};
use super::edge_values::Values;
use super::node::Kind;
use crate::scalar::Scalar;
use std::sync::Mutex;

/// An edge-pushing sweep as instructions, for recordings with the operations of the
/// one it was written from (the caller checks: `Recorded::has_structure`).
#[derive(Debug)]
pub(crate) struct Schedule<T> {
    /// Where the factors come from, in the order they are stored: a node with at
    /// most two operands (its index, the offset of its partials, and which of its
    /// eight factors are read, as a mask), or a coefficient of the n-ary side
    /// arrays (`COEF` and its index).
    sources: Vec<[u32; 3]>,
    /// Runs of `sources` that repeat a body (the nodes of a loop of the tape),
    /// their factors computed factor by factor over all repetitions.
    source_loops: Vec<SourceLoop>,
    /// The first factors, constants (those of sums and differences).
    constants: Vec<T>,
    factors: usize,
    ops: Vec<Op>,
    /// The instructions' runs of one kind, `(kind, count)` in order
    /// (`super::edge_order`).
    runs: Vec<(u32, u32)>,
    slots: usize,
    /// The Hessian's rows (full symmetric, sorted) and the slot of each entry.
    offsets: Vec<usize>,
    columns: Vec<u32>,
    out: Vec<u32>,
    /// The last evaluation's factors and slots, kept for the next (taken by one
    /// thread at a time; another allocates its own).
    scratch: Mutex<(Vec<T>, Vec<T>)>,
}

impl<T: Scalar> Schedule<T> {
    /// Writes the sweep of `tape`; `None` past `limits` (those of the numeric
    /// sweep) or past `2^29` slots.
    pub(super) fn new(tape: Tape<'_, T>, limits: Limits) -> Option<Self> {
        let writer = Writer::default();
        let (rows, w) = edge_push::sweep(tape, limits, writer)?;
        if w.overflow {
            return None;
        }
        let mut w = w;
        // Only the factors an instruction reads are computed: masks, and the
        // instructions renumbered to the factors kept (in source order).
        let mut used = vec![false; w.factors];
        for op in &w.ops {
            if op.dst >> KIND_SHIFT != MERGE {
                used[op.f as usize] = true;
            }
        }
        let mut at = vec![0u32; w.factors];
        let mut kept = 0u32;
        // A sum's or difference's factors are constants (its partials are 1 and
        // -1, and it has no curvature): computed once, here, first in line.
        let nodes = &tape.stream.nodes;
        let fixed =
            |i: u32, p: u32| p != COEF && matches!(nodes[i as usize].kind(), Kind::Add | Kind::Sub);
        let mut constants = Vec::new();
        for &[i, _, first] in w.sources.iter().filter(|s| fixed(s[0], s[1])) {
            let all = factors(false, &Local::of(nodes[i as usize], &[]), T::zero());
            for k in 0..8 {
                let f = (first + k) as usize;
                if used[f] {
                    at[f] = kept;
                    kept += 1;
                    constants.push(all[k as usize]);
                }
            }
        }
        let mut sources = Vec::with_capacity(w.sources.len());
        for &[i, p, first] in w.sources.iter().filter(|s| !fixed(s[0], s[1])) {
            if p == COEF {
                if used[first as usize] {
                    at[first as usize] = kept;
                    kept += 1;
                    sources.push([i, COEF, 0]);
                }
                continue;
            }
            let mut mask = 0;
            for k in 0..8 {
                let f = (first + k) as usize;
                if used[f] {
                    mask |= 1 << k;
                    at[f] = kept;
                    kept += 1;
                }
            }
            if mask != 0 {
                sources.push([i, p, mask]);
            }
        }
        for op in &mut w.ops {
            if op.dst >> KIND_SHIFT != MERGE {
                op.f = at[op.f as usize];
            }
        }
        // In runs of one kind (or, failing that, as written: one run each),
        // products by a constant 1 or -1 (a sum's or difference's) as copies,
        // negations and additions.
        let unit = |f: u32| {
            let c = *constants.get(f as usize)?;
            (c == T::one() || c == -T::one()).then(|| c == T::one())
        };
        let (mut ops, runs, slots, out) = match order(&w.ops, &rows.values, w.next as usize, unit) {
            Some(o) => (o.ops, o.runs, o.slots, o.out),
            None => {
                let runs = w.ops.iter().map(|op| (op.dst >> KIND_SHIFT, 1)).collect();
                (std::mem::take(&mut w.ops), runs, w.next, rows.values)
            }
        };
        let source_loops = find_source_loops(&sources, nodes);
        // A loop's factors are computed factor by factor: stored so, in order.
        let perm = loop_major(&source_loops, &sources, constants.len(), kept as usize);
        for op in &mut ops {
            let kind = op.dst >> KIND_SHIFT;
            if reads_factor(kind) {
                op.f = perm[op.f as usize];
            }
            if reads_factor_source(kind) {
                op.src = perm[op.src as usize];
            }
        }
        // What `evaluate` indexes without checks, checked once here for all
        // evaluations: every slot an instruction reads or writes is below `slots`,
        // every factor it reads below `factors`.
        let factors = kept as usize;
        let in_bounds = |op: &Op| {
            let kind = op.dst >> KIND_SHIFT;
            (kind <= FUSED_CONSTANT || reads_factor_source(kind) || matches!(kind, NEG | SUB))
                && (op.dst & SLOT_MASK) < slots
                && (!reads_source(kind) || op.src < slots)
                && (!reads_factor_source(kind) || (op.src as usize) < factors)
                && (!reads_factor(kind) || (op.f as usize) < factors)
        };
        // (And every instruction of a run has the run's kind.)
        let mut kinds = runs
            .iter()
            .flat_map(|&(k, count)| std::iter::repeat_n(k, count as usize));
        assert!(
            ops.iter()
                .all(|op| in_bounds(op) && kinds.next() == Some(op.dst >> KIND_SHIFT))
                && kinds.next().is_none()
                && out.iter().all(|&s| s < slots),
            "a schedule's slot out of range"
        );
        Some(Schedule {
            constants,
            source_loops,
            sources,
            factors: kept as usize,
            ops,
            runs,
            slots: slots as usize,
            offsets: rows.offsets,
            columns: rows.columns,
            out,
            scratch: Mutex::default(),
        })
    }

    /// The Hessian's rows (CSR offsets and sorted columns, both triangles).
    pub fn pattern(&self) -> (&[usize], &[u32]) {
        (&self.offsets, &self.columns)
    }

    /// The kept buffers, or new ones when another thread holds them.
    fn scratch(&self) -> (Vec<T>, Vec<T>) {
        match self.scratch.try_lock() {
            Ok(mut kept) => std::mem::take(&mut *kept),
            Err(_) => Default::default(),
        }
    }

    /// Keeps the buffers for the next evaluation.
    fn keep(&self, f: Vec<T>, w: Vec<T>) {
        if let Ok(mut kept) = self.scratch.try_lock() {
            *kept = (f, w);
        }
    }

    /// Bytes the schedule holds (its kept buffers included).
    pub fn bytes(&self) -> usize {
        self.sources.capacity() * 12
            + self.source_loops.capacity() * std::mem::size_of::<SourceLoop>()
            + self.constants.capacity() * std::mem::size_of::<T>()
            + self.ops.capacity() * std::mem::size_of::<Op>()
            + self.offsets.capacity() * std::mem::size_of::<usize>()
            + (self.columns.capacity() + self.out.capacity()) * 4
            + self.scratch.try_lock().map_or(0, |k| {
                (k.0.capacity() + k.1.capacity()) * std::mem::size_of::<T>()
            })
    }

    /// The Hessian's values at `tape` (in pattern order), or, when some value is
    /// not finite, the careful numeric sweep's (`None` only past `limits` there).
    pub(super) fn evaluate(&self, tape: Tape<'_, T>, limits: Limits) -> Option<Vec<T>> {
        let mut values = vec![T::zero(); self.out.len()];
        self.evaluate_into(tape, limits, &mut values)?;
        Some(values)
    }

    /// [`Schedule::evaluate`] into `out` (of the pattern's length: `None`
    /// otherwise), nothing allocated once the kept buffers are.
    pub(super) fn evaluate_into(
        &self,
        tape: Tape<'_, T>,
        limits: Limits,
        out: &mut [T],
    ) -> Option<()> {
        if out.len() != self.out.len() {
            return None;
        }
        let (mut f, mut w) = self.scratch();
        // Every factor and every slot is written before it is read: what the
        // buffers held is never seen, except the constant factors first in `f`,
        // which only this schedule's evaluations keep there (a kept `f` has its
        // full length; a new one is empty).
        if f.len() != self.factors {
            f.clear();
            f.resize(self.factors, T::zero());
            f[..self.constants.len()].copy_from_slice(&self.constants);
        }
        let mut c = self.constants.len();
        let mut next = 0;
        for &lp in &self.source_loops {
            let range = lp.range();
            c = source_factors(&self.sources[next..range.start], tape, &mut f, c);
            c = loop_factors(lp, &self.sources, tape, &mut f, c);
            next = range.end;
        }
        c = source_factors(&self.sources[next..], tape, &mut f, c);
        debug_assert_eq!(c, self.factors);
        w.resize(self.slots, T::zero());
        // `new` (the one constructor; the fields never change) checked every slot
        // an instruction reads or writes below `slots`, every factor it reads below
        // `factors`: the lengths of `w` and `f` (resized above).
        let (ws, fs) = (&mut w[..], &f[..]);
        // One loop per run, its kind known: no dispatch per instruction.
        let mut at = 0;
        for &(kind, count) in &self.runs {
            let ops = &self.ops[at..at + count as usize];
            at += count as usize;
            // Each instruction's slots and factor.
            let parts = |op: &Op| {
                (
                    (op.dst & SLOT_MASK) as usize,
                    op.src as usize,
                    op.f as usize,
                )
            };
            // SAFETY: `d`, and `s` and `k` where read, are in bounds (see above;
            // every instruction of a run has its kind).
            unsafe {
                match kind {
                    SCALED => {
                        for (d, s, k) in ops.iter().map(parts) {
                            *ws.get_unchecked_mut(d) = *ws.get_unchecked(s) * *fs.get_unchecked(k);
                        }
                    }
                    DOUBLED => {
                        for (d, s, k) in ops.iter().map(parts) {
                            let t = *ws.get_unchecked(s) * *fs.get_unchecked(k);
                            *ws.get_unchecked_mut(d) = t + t;
                        }
                    }
                    CONSTANT => {
                        for (d, _, k) in ops.iter().map(parts) {
                            *ws.get_unchecked_mut(d) = *fs.get_unchecked(k);
                        }
                    }
                    MERGE => {
                        for (d, s, _) in ops.iter().map(parts) {
                            *ws.get_unchecked_mut(d) = *ws.get_unchecked(d) + *ws.get_unchecked(s);
                        }
                    }
                    FUSED_SCALED => {
                        for (d, s, k) in ops.iter().map(parts) {
                            let x = *ws.get_unchecked(s) * *fs.get_unchecked(k);
                            *ws.get_unchecked_mut(d) = *ws.get_unchecked(d) + x;
                        }
                    }
                    FUSED_DOUBLED => {
                        for (d, s, k) in ops.iter().map(parts) {
                            let t = *ws.get_unchecked(s) * *fs.get_unchecked(k);
                            *ws.get_unchecked_mut(d) += t + t;
                        }
                    }
                    SCALED_F => {
                        for (d, s, k) in ops.iter().map(parts) {
                            *ws.get_unchecked_mut(d) = *fs.get_unchecked(s) * *fs.get_unchecked(k);
                        }
                    }
                    DOUBLED_F => {
                        for (d, s, k) in ops.iter().map(parts) {
                            let t = *fs.get_unchecked(s) * *fs.get_unchecked(k);
                            *ws.get_unchecked_mut(d) = t + t;
                        }
                    }
                    FUSED_SCALED_F => {
                        for (d, s, k) in ops.iter().map(parts) {
                            let x = *fs.get_unchecked(s) * *fs.get_unchecked(k);
                            *ws.get_unchecked_mut(d) = *ws.get_unchecked(d) + x;
                        }
                    }
                    FUSED_DOUBLED_F => {
                        for (d, s, k) in ops.iter().map(parts) {
                            let t = *fs.get_unchecked(s) * *fs.get_unchecked(k);
                            *ws.get_unchecked_mut(d) += t + t;
                        }
                    }
                    NEG => {
                        for (d, s, _) in ops.iter().map(parts) {
                            *ws.get_unchecked_mut(d) = -*ws.get_unchecked(s);
                        }
                    }
                    SUB => {
                        for (d, s, _) in ops.iter().map(parts) {
                            *ws.get_unchecked_mut(d) = *ws.get_unchecked(d) - *ws.get_unchecked(s);
                        }
                    }
                    NEG_F => {
                        for (d, s, _) in ops.iter().map(parts) {
                            *ws.get_unchecked_mut(d) = -*fs.get_unchecked(s);
                        }
                    }
                    SUB_F => {
                        for (d, s, _) in ops.iter().map(parts) {
                            *ws.get_unchecked_mut(d) = *ws.get_unchecked(d) - *fs.get_unchecked(s);
                        }
                    }
                    NEG_SCALED_F => {
                        for (d, s, k) in ops.iter().map(parts) {
                            *ws.get_unchecked_mut(d) = -*fs.get_unchecked(s) * *fs.get_unchecked(k);
                        }
                    }
                    FUSED_NEG_SCALED_F => {
                        for (d, s, k) in ops.iter().map(parts) {
                            let x = -*fs.get_unchecked(s) * *fs.get_unchecked(k);
                            *ws.get_unchecked_mut(d) = *ws.get_unchecked(d) + x;
                        }
                    }
                    // FUSED_CONSTANT (`new` checked that every kind is one of these)
                    _ => {
                        for (d, _, k) in ops.iter().map(parts) {
                            *ws.get_unchecked_mut(d) += *fs.get_unchecked(k);
                        }
                    }
                }
            }
        }
        for (o, &s) in out.iter_mut().zip(&self.out) {
            *o = w[s as usize];
        }
        self.keep(f, w);
        if out.iter().all(Scalar::is_finite) {
            return Some(());
        }
        let h = edge_push::careful(tape, limits)?;
        out.copy_from_slice(&h.values);
        Some(())
    }
}

/// The `Values` that write a [`Schedule`]: slots for numbers, factor offsets for
/// factors.
#[derive(Default)]
struct Writer {
    /// As [`Schedule`]'s, with the offset of the first factor in the mask's place.
    sources: Vec<[u32; 3]>,
    factors: usize,
    ops: Vec<Op>,
    /// Slots free for reuse, and the next never used.
    free: Vec<u32>,
    next: u32,
    overflow: bool,
}

impl Writer {
    fn slot(&mut self) -> u32 {
        if let Some(s) = self.free.pop() {
            return s;
        }
        let s = self.next;
        if s >= SLOT_MASK {
            self.overflow = true;
            return 0;
        }
        self.next += 1;
        s
    }

    fn write(&mut self, kind: u32, src: u32, f: u32) -> u32 {
        let d = self.slot();
        self.ops.push(Op {
            dst: d | (kind << KIND_SHIFT),
            src,
            f,
        });
        d
    }

    fn factor_offset(&mut self, count: usize) -> u32 {
        let off = self.factors;
        self.factors += count;
        if self.factors > u32::MAX as usize {
            self.overflow = true;
        }
        off as u32
    }
}

impl<T: Scalar> Values<T> for Writer {
    type W = u32;
    type F = u32;
    fn factors(&mut self, i: usize, p: usize, _: &Local<T>, _: T) -> [u32; 8] {
        let off = self.factor_offset(8);
        self.sources.push([i as u32, p as u32, off]);
        std::array::from_fn(|k| off + k as u32)
    }
    fn coef(&mut self, k: usize, _: T) -> u32 {
        let off = self.factor_offset(1);
        self.sources.push([k as u32, COEF, off]);
        off
    }
    fn scaled(&mut self, w: u32, f: u32, twice: bool) -> u32 {
        self.write(if twice { DOUBLED } else { SCALED }, w, f)
    }
    fn constant(&mut self, f: u32) -> u32 {
        self.write(CONSTANT, 0, f)
    }
    fn merge(&mut self, into: u32, w: u32) -> u32 {
        // `w` made by the last instruction, and used up here: one instruction.
        if let Some(last) = self.ops.last_mut() {
            let kind = last.dst >> KIND_SHIFT;
            if kind < MERGE && last.dst & SLOT_MASK == w {
                last.dst = into | ((FUSED + kind) << KIND_SHIFT);
                self.free.push(w);
                return into;
            }
        }
        self.ops.push(Op {
            dst: into | (MERGE << KIND_SHIFT),
            src: w,
            f: 0,
        });
        self.free.push(w);
        into
    }
    fn release(&mut self, w: u32) {
        self.free.push(w);
    }
    fn blank(&self) -> u32 {
        0
    }
}
