//! A loop's values laid out by who reads them: those read only within their own
//! repetition in a small scratch, the rest packed.
//!
//! A program gives every value a slot of its own, so a loop over the terms of a
//! sum spreads a repetition's values over `stride` consecutive slots (Rosenbrock's
//! term: nine, seven values and two constants). Most are read only by later
//! instructions of the same repetition; only the term itself is read again, by
//! the sum. At n = 10^5 the slots are megabytes that an evaluation writes and
//! nobody reads again, and writing even one value in eight keeps every cache
//! line of them moving. So, once the loops are found:
//!
//! - a *local* value (every instruction that reads it reads it from the same
//!   repetition: an operand of the loop's own body whose slot moves by the
//!   loop's stride and starts within the first repetition's slots) goes to a
//!   scratch past the slots, the block's repetitions
//!   ([`BLOCK`](crate::tape::loops::BLOCK)) side by side, reused by every block:
//!   what stays in cache, run column by column;
//! - a *uniform* constant (every repetition has its own slot, the same bits in
//!   all) is read from one slot;
//! - the rest (values read from elsewhere, constants that differ) are *kept*,
//!   packed at the start of the loop's slots, as many per repetition as there
//!   are.
//!
//! Every reference to a moved slot is renumbered: the loop bodies' operands and
//! shifts, the straight instructions', the sums' items, the outputs. A loop whose
//! slots are read in a way that renumbering cannot follow (a read moving through
//! them by other than whole repetitions, or reaching into them part of the time)
//! keeps its layout. The operations and their order are unchanged, so are the
//! bits; only where values are stored moves.

use super::Instr;
use super::eval::shifted;
use super::rolled::{Rolled, Segment, has, same, slots};
use crate::scalar::Scalar;
use crate::tape::loops::BLOCK;

/// The most local values one repetition may have for them to be kept aside (a
/// scratch of at most `BLOCK` times this many values: 128 KiB of `f64`).
const MOST: usize = 64;

/// Bits of [`Shift::local`](super::rolled::Shift): which of an instruction's
/// `[dst, a, b]` is a local value.
pub(super) const BITS: [u8; 3] = [1, 2, 4];

/// Where one offset of a repetition's slots goes.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Place {
    /// The scratch, at this position of a repetition's locals.
    Local(u32),
    /// The loop's slots, at this position of a repetition's kept values.
    Kept(u32),
    /// One slot for all repetitions.
    Uniform(u32),
}

/// One loop's slots: the first repetition's from `lo`, `stride` per repetition,
/// `reps` repetitions; `owned[o]` when the body writes offset `o`, `escapes[o]`
/// when it is read from elsewhere; `fixed` when its layout must stay.
struct Span {
    segment: usize,
    lo: u32,
    stride: u32,
    reps: u32,
    owned: Vec<bool>,
    escapes: Vec<bool>,
    fixed: bool,
    /// The new layout: a place per offset, and the kept and local values per
    /// repetition.
    places: Vec<Place>,
    kept: u32,
    locals: u32,
}

impl Span {
    fn end(&self) -> u64 {
        self.lo as u64 + self.stride as u64 * self.reps as u64
    }

    /// Whether an operand at `slot` in the first repetition, moving by `step`,
    /// reads this loop's values of its own repetition at every repetition.
    fn same_repetition(&self, slot: u32, step: i32) -> bool {
        step as i64 == self.stride as i64 && slot >= self.lo && slot - self.lo < self.stride
    }

    /// The offset and repetition of a slot within the span.
    fn at(&self, slot: u64) -> (usize, u64) {
        let d = slot - self.lo as u64;
        ((d % self.stride as u64) as usize, d / self.stride as u64)
    }

    /// The new slot of a kept or uniform value's old `slot`.
    fn moved(&self, slot: u64) -> u32 {
        let (o, r) = self.at(slot);
        match self.places[o] {
            Place::Kept(p) => (self.lo as u64 + p as u64 + r * self.kept as u64) as u32,
            Place::Uniform(s) => s,
            Place::Local(_) => unreachable!("a local value is read within its repetition only"),
        }
    }
}

/// The span of loop segment `k`, by index into `spans` (in segment order).
fn span_of(spans: &[Span], k: usize) -> Option<usize> {
    spans.binary_search_by_key(&k, |s| s.segment).ok()
}

/// The spans that the reads `first..=last` (one every `step`) touch, by index
/// into `spans` (sorted by `lo`).
fn touched(spans: &[Span], first: i64, last: i64) -> std::ops::Range<usize> {
    let (lo, hi) = (first.min(last), first.max(last));
    let from = spans.partition_point(|s| (s.end() as i64) <= lo);
    let to = spans.partition_point(|s| (s.lo as i64) <= hi);
    from..to.max(from)
}

impl Rolled {
    /// Lays out the loops' values (see the module documentation) of a program
    /// of `instrs` with sum items `items`, outputs `outputs`, slots `values` and
    /// `inputs` inputs (slots `1..=inputs`), renumbering them all; sets the
    /// scratch the local values need past the slots.
    pub(super) fn lay_out<T: Scalar>(
        &mut self,
        instrs: &mut [Instr<T>],
        items: &mut [u32],
        outputs: &mut [u32],
        values: &mut [T],
        inputs: usize,
    ) {
        let mut spans = self.spans(instrs);
        if spans.is_empty() {
            return;
        }
        debug_assert!(spans.windows(2).all(|w| w[0].end() <= w[1].lo as u64));
        for span in &mut spans {
            // (A last repetition's offsets past its last value would be constants
            // of a next repetition that does not exist.)
            span.fixed |= span.end() > values.len() as u64;
        }
        self.scan(instrs, items, outputs, &mut spans);
        let mut written = vec![false; values.len()];
        written[..=inputs].fill(true);
        for x in instrs.iter().filter(|x| has(x)[0]) {
            written[slots(x)[0] as usize] = true;
        }
        for span in spans.iter_mut().filter(|s| !s.fixed) {
            place(span, values, &written);
            self.scratch = self.scratch.max(BLOCK * span.locals as usize);
        }
        self.renumber(instrs, items, outputs, &spans);
    }

    /// The loops' slots (loops that write nothing have none).
    fn spans<T: Copy>(&self, instrs: &[Instr<T>]) -> Vec<Span> {
        let mut spans: Vec<Span> = Vec::new();
        for (k, segment) in self.segments.iter().enumerate() {
            let Segment::Loop {
                from,
                len,
                reps,
                shift,
                ..
            } = *segment
            else {
                continue;
            };
            let body = &instrs[from as usize..(from + len) as usize];
            let shifts = &self.shifts[shift as usize..(shift + len) as usize];
            let writes: Vec<u32> = (0..len as usize)
                .filter(|&j| has(&body[j])[0])
                .map(|j| slots(&body[j])[0])
                .collect();
            let (Some(&low), Some(&high)) = (writes.iter().min(), writes.iter().max()) else {
                continue;
            };
            // One stride for all writes, and the first repetition's within it
            // (checked when the loop was found).
            let stride = shifts[body.iter().position(|x| has(x)[0]).expect("a write")].dst as u32;
            // A repetition's slots start at its first: the constants a repetition
            // reads may come before its first value (`2 - x_i`), within one
            // stride of its last, and not in the loop before.
            let after = spans.last().map_or(0, |s| s.end());
            if (low as u64) < after {
                // The loop before ran past its slots into this one's (its last
                // repetition's trailing offsets): neither is laid out anew.
                if let Some(before) = spans.last_mut() {
                    before.fixed = true;
                }
                continue;
            }
            let lo = (0..len as usize)
                .flat_map(|j| {
                    let (s, h, d) = (slots(&body[j]), has(&body[j]), shifts[j]);
                    [(1, d.a), (2, d.b)]
                        .map(|(f, step)| (h[f] && step as u32 == stride).then_some(s[f]))
                })
                .flatten()
                .filter(|&c| c < low && high - c < stride && c as u64 >= after)
                .fold(low, u32::min);
            let mut owned = vec![false; stride as usize];
            for &slot in &writes {
                owned[(slot - lo) as usize] = true;
            }
            spans.push(Span {
                segment: k,
                lo,
                stride,
                reps,
                owned,
                escapes: vec![false; stride as usize],
                fixed: false,
                places: Vec::new(),
                kept: 0,
                locals: 0,
            });
        }
        spans
    }

    /// Marks every span's offsets read from elsewhere, and the spans read in a
    /// way renumbering cannot follow as fixed.
    fn scan<T: Copy>(
        &self,
        instrs: &[Instr<T>],
        items: &[u32],
        outputs: &[u32],
        spans: &mut [Span],
    ) {
        // A read of one slot.
        let one = |spans: &mut [Span], slot: u32| reads(spans, slot as i64, 0, 1);
        for &o in outputs {
            one(spans, o);
        }
        for (k, segment) in self.segments.iter().enumerate() {
            match *segment {
                Segment::Straight { from, to } => {
                    for x in &instrs[from as usize..to as usize] {
                        let (s, h) = (slots(x), has(x));
                        for f in 1..3 {
                            if h[f] {
                                one(spans, s[f]);
                            }
                        }
                        if let Instr::Sum { start, len, .. } | Instr::Dot { start, len, .. } = *x {
                            for &i in &items[start as usize..(start + len) as usize] {
                                one(spans, i);
                            }
                        }
                    }
                }
                Segment::Loop {
                    from,
                    len,
                    reps,
                    shift,
                    ..
                } => {
                    let own = span_of(spans, k);
                    for j in 0..len as usize {
                        let x = &instrs[from as usize + j];
                        let d = self.shifts[shift as usize + j];
                        let (s, h) = (slots(x), has(x));
                        for (f, step) in [(1, d.a), (2, d.b)] {
                            if h[f] && !own.is_some_and(|i| spans[i].same_repetition(s[f], step)) {
                                reads(spans, s[f] as i64, step as i64, reps as i64);
                            }
                        }
                    }
                }
            }
        }
    }

    /// Every reference to a moved slot renumbered (see the module documentation).
    fn renumber<T: Copy>(
        &mut self,
        instrs: &mut [Instr<T>],
        items: &mut [u32],
        outputs: &mut [u32],
        spans: &[Span],
    ) {
        // The span holding `slot`, if laid out anew.
        let moved_span = |slot: u64| -> Option<&Span> {
            let i = spans
                .partition_point(|s| s.lo as u64 <= slot)
                .checked_sub(1)?;
            let s = &spans[i];
            (slot < s.end() && !s.fixed).then_some(s)
        };
        let moved = |slot: u32| moved_span(slot as u64).map_or(slot, |s| s.moved(slot as u64));
        for o in outputs.iter_mut() {
            *o = moved(*o);
        }
        for (k, segment) in self.segments.iter().enumerate() {
            match *segment {
                Segment::Straight { from, to } => {
                    for x in &mut instrs[from as usize..to as usize] {
                        let s = slots(x);
                        *x = shifted(x, [s[0], moved(s[1]), moved(s[2])]);
                        if let Instr::Sum { start, len, .. } | Instr::Dot { start, len, .. } = *x {
                            for i in &mut items[start as usize..(start + len) as usize] {
                                *i = moved(*i);
                            }
                        }
                    }
                }
                Segment::Loop {
                    from, len, shift, ..
                } => {
                    let own = span_of(spans, k).map(|i| &spans[i]).filter(|s| !s.fixed);
                    for j in 0..len as usize {
                        let x = &mut instrs[from as usize + j];
                        let d = &mut self.shifts[shift as usize + j];
                        let (mut s, h) = (slots(x), has(x));
                        let mut steps = [d.dst, d.a, d.b];
                        for f in 0..3 {
                            if !h[f] {
                                continue;
                            }
                            let step = &mut steps[f];
                            if let Some(span) = own.filter(|o| o.same_repetition(s[f], *step)) {
                                let (o, _) = span.at(s[f] as u64);
                                (s[f], *step) = match span.places[o] {
                                    Place::Local(p) => {
                                        d.local |= BITS[f];
                                        (p, span.locals as i32)
                                    }
                                    Place::Kept(p) => (span.lo + p, span.kept as i32),
                                    Place::Uniform(u) => (u, 0),
                                };
                            } else if let Some(span) = moved_span(s[f] as u64) {
                                // Whole repetitions at a time (checked by `reads`).
                                let (o, _) = span.at(s[f] as u64);
                                let per = match span.places[o] {
                                    Place::Uniform(_) => 0,
                                    _ => span.kept as i32,
                                };
                                (s[f], *step) =
                                    (span.moved(s[f] as u64), *step / span.stride as i32 * per);
                            }
                        }
                        *x = shifted(x, s);
                        [d.dst, d.a, d.b] = steps;
                    }
                }
            }
        }
    }
}

/// Records `reps` reads from `first`, `step` apart: the offset they read in the
/// span holding them all, moving by whole repetitions; any span they reach
/// otherwise is fixed.
fn reads(spans: &mut [Span], first: i64, step: i64, reps: i64) {
    let last = first + step * (reps - 1);
    for i in touched(spans, first, last) {
        let s = &mut spans[i];
        let (lo, end) = (s.lo as i64, s.end() as i64);
        let inside = first >= lo && first < end && last >= lo && last < end;
        if inside && step % s.stride as i64 == 0 {
            let (o, _) = s.at(first as u64);
            s.escapes[o] = true;
        } else {
            s.fixed = true;
        }
    }
}

/// The span's new layout: each offset's place, and its constants moved there
/// (read from the old layout in full before any is written); `written[s]` when
/// slot `s` is an input or an instruction's value.
fn place<T: Scalar>(span: &mut Span, values: &mut [T], written: &[bool]) {
    let (lo, stride, reps) = (span.lo as usize, span.stride as usize, span.reps as usize);
    // An offset the loop does not write holds constants only if nothing else
    // writes any of its slots either.
    if (0..stride).any(|o| !span.owned[o] && (0..reps).any(|r| written[lo + o + r * stride])) {
        span.fixed = true;
        return;
    }
    let uniform = |o: usize| (0..reps).all(|r| same(values[lo + o], values[lo + o + r * stride]));
    let mut places = Vec::with_capacity(stride);
    let (mut local, mut kept) = (0u32, 0u32);
    let mut uniforms = Vec::new();
    for o in 0..stride {
        places.push(if span.owned[o] && !span.escapes[o] {
            local += 1;
            Place::Local(local - 1)
        } else if !span.owned[o] && uniform(o) {
            uniforms.push(o);
            Place::Uniform(0)
        } else {
            kept += 1;
            Place::Kept(kept - 1)
        });
    }
    if local as usize > MOST || (local == 0 && uniforms.is_empty()) {
        // Nothing to gain (or a scratch too large): the layout stays.
        span.fixed = true;
        return;
    }
    // The uniform constants after the kept values of every repetition.
    for (u, &o) in uniforms.iter().enumerate() {
        places[o] = Place::Uniform((lo + kept as usize * reps + u) as u32);
    }
    // The constants' values, then written where they go.
    let mut constants = Vec::new();
    for (o, &p) in places.iter().enumerate() {
        match p {
            Place::Kept(k) if !span.owned[o] => {
                for r in 0..reps {
                    constants.push((
                        lo + k as usize + r * kept as usize,
                        values[lo + o + r * stride],
                    ));
                }
            }
            Place::Uniform(s) => constants.push((s as usize, values[lo + o])),
            _ => {}
        }
    }
    for (slot, value) in constants {
        values[slot] = value;
    }
    span.places = places;
    span.kept = kept;
    span.locals = local;
}

#[cfg(test)]
mod tests {
    use crate::scalar::Scalar;
    use crate::tape::loops::BLOCK;
    use crate::tape::loops::examples::{chain, rosenbrock};
    use crate::tape::{Recorded, Var};

    /// After one evaluation elsewhere: the scratch's slots per block repetition,
    /// and the program's values at the new point against a fresh recording's.
    fn locals_of(f: impl Fn(&[Var]) -> Var + Copy, n: usize) -> usize {
        let x: Vec<f64> = (0..n).map(|i| (i as f64 * 0.7).sin()).collect();
        let mut rec = Recorded::new_replayable(f, &x).unwrap();
        let y: Vec<f64> = x.iter().map(|x| x * 0.5).collect();
        assert!(rec.reevaluate(&y).unwrap());
        let fresh = Recorded::new_replayable(f, &y).unwrap();
        assert_eq!(rec.value().to_bits(), fresh.value().to_bits());
        rec.program
            .as_ref()
            .unwrap()
            .rolled
            .as_ref()
            .unwrap()
            .scratch
            / BLOCK
    }

    #[test]
    fn values_read_within_their_repetition_go_to_the_scratch() {
        // Rosenbrock's term: six of its seven values (the term itself is read by
        // the sum); the chain function's wider loop, six of seven.
        assert_eq!(locals_of(|x| rosenbrock(x), 40), 6);
        assert_eq!(locals_of(|x| chain(x), 40), 6);
        // A value read by the next repetition from the first repetition on,
        // which reads a value before the loop: the loop's slots stay as they are.
        let neighbours = |x: &[Var]| {
            let mut prev = x[0].sin();
            let mut s = Var::constant(0.0);
            for &xi in &x[1..] {
                let u = xi.sin();
                s += u * prev + u.cos();
                prev = u;
            }
            s
        };
        assert_eq!(locals_of(neighbours, 40), 0);
        // A constant read before a repetition's first value, the same in every
        // repetition or of each its own: two locals (the difference, its sine).
        let first = |x: &[Var]| -> Var {
            x.iter()
                .enumerate()
                .map(|(i, &xi)| (Var::constant(0.5 + i as f64 * 0.01) - xi).sin() * xi)
                .sum()
        };
        let same = |x: &[Var]| -> Var {
            x.iter()
                .map(|&xi| (Var::constant(2.0) - xi).sin() * xi)
                .sum()
        };
        assert_eq!(locals_of(first, 40), 2);
        assert_eq!(locals_of(same, 40), 2);
    }
}
