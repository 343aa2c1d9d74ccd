//! A schedule's instructions (`super::edge_schedule`) put in runs of one kind.
//!
//! As written, the instructions follow the sweep: each depends on the one
//! before it through a few reused slots, and each is dispatched on its kind.
//! What they truly depend on is few: an instruction reads the value its source
//! slot holds, and an addition into a slot the value it held. With every value
//! given a slot of its own, the instructions of a window form a shallow graph (a
//! handful of levels on the functions measured), and are taken in an order that
//! runs every ready instruction of one kind before the next kind: runs of
//! hundreds of one kind, each run a loop without dispatch whose instructions do
//! not wait on each other.
//!
//! The values are the same numbers from the same operations: an instruction
//! reads the value it read in the sweep's order (additions into one slot keep
//! their order, and one reading a value comes before the addition that replaces
//! it), so the bits are the sweep's. Slots are then given again in the new
//! order, each reused once its value is read for the last time.
//!
//! Before that, copies and products by 1 or -1 are folded (`super::edge_fold`).

use super::edge_fold::{NONE, fold};
use super::edge_kinds::{KIND_SHIFT, Op, SLOT_MASK, is_update, reads_factor_source, reads_source};

/// Instructions taken in windows of this many: a window's values stay in cache.
const WINDOW: usize = 4096;

/// Instructions reordered: `ops` (kinds kept in their destinations), `runs` of
/// one kind (`(kind, count)`, in order), the slots they use, and the slot of each
/// output (for the given `out`).
pub(super) struct Ordered {
    pub ops: Vec<Op>,
    pub runs: Vec<(u32, u32)>,
    pub slots: u32,
    pub out: Vec<u32>,
}

/// `ops` (on `slots` slots, the kind of each in its destination's top bits at
/// `KIND_SHIFT`) in runs of one kind, and the slots of `out` then; `None` if an
/// instruction or an output reads a slot never written. `unit(f)`: whether the
/// factor `f` is a constant 1 (`Some(true)`) or -1 (`Some(false)`).
pub(super) fn order(
    ops: &[Op],
    out: &[u32],
    slots: usize,
    unit: impl Fn(u32) -> Option<bool>,
) -> Option<Ordered> {
    let n = ops.len();
    let (kind, dst) = (
        |op: &Op| op.dst >> KIND_SHIFT,
        |op: &Op| (op.dst & SLOT_MASK) as usize,
    );
    // Every instruction makes a value (numbered by the instruction); what it
    // reads are values: its source's, and for an addition its slot's.
    let mut current = vec![NONE; slots];
    let (mut source, mut prior) = (vec![NONE; n], vec![NONE; n]);
    for (i, op) in ops.iter().enumerate() {
        if reads_source(kind(op)) {
            source[i] = *current.get(op.src as usize)?;
            if source[i] == NONE {
                return None;
            }
        }
        if is_update(kind(op)) {
            prior[i] = current[dst(op)];
            if prior[i] == NONE {
                return None;
            }
        }
        current[dst(op)] = i as u32;
    }
    let outputs: Vec<u32> = out
        .iter()
        .map(|&s| current.get(s as usize).copied())
        .collect::<Option<_>>()?;
    if outputs.contains(&NONE) {
        return None;
    }
    // The addition that replaces each value, if any (at most one: after it, the
    // slot holds its value).
    let mut replaced = vec![NONE; n];
    for i in 0..n {
        if prior[i] != NONE {
            replaced[prior[i] as usize] = i as u32;
        }
    }
    let mut kept = vec![false; n];
    for &v in &outputs {
        kept[v as usize] = true;
    }
    let mut ops = ops.to_vec();
    let dropped = fold(&mut ops, &mut source, &replaced, &kept, unit);
    let mut order = Vec::with_capacity(n);
    let mut runs: Vec<(u32, u32)> = Vec::new();
    let mut window = Window::default();
    for start in (0..n).step_by(WINDOW) {
        let end = (start + WINDOW).min(n);
        window.order(
            start..end,
            |i| kind(&ops[i]),
            &dropped,
            &source,
            &prior,
            &replaced,
            &mut order,
            &mut runs,
        );
    }
    // Slots again, in the new order: a value's slot is free once its last reader
    // ran (an addition takes over the slot of the value it replaces).
    let mut last = vec![NONE; n];
    for (t, &i) in order.iter().enumerate() {
        if source[i as usize] != NONE {
            last[source[i as usize] as usize] = t as u32;
        }
    }
    let (mut slot, mut free, mut next) = (vec![NONE; n], Vec::new(), 0u32);
    let mut reordered = Vec::with_capacity(n);
    for (t, &i) in order.iter().enumerate() {
        let (i, op) = (i as usize, ops[i as usize]);
        // (A source slot given again; a factor, for the kinds that read one.)
        let s = if source[i] != NONE {
            slot[source[i] as usize]
        } else if reads_factor_source(kind(&op)) {
            op.src
        } else {
            0
        };
        slot[i] = if prior[i] != NONE {
            slot[prior[i] as usize]
        } else {
            free.pop().unwrap_or_else(|| {
                next += 1;
                next - 1
            })
        };
        reordered.push(Op {
            dst: slot[i] | (kind(&op) << KIND_SHIFT),
            src: s,
            f: op.f,
        });
        // Values read for the last time here, and one never read: their slots
        // are free (unless an addition takes the slot over, or it is an output).
        let v = source[i];
        if v != NONE
            && last[v as usize] == t as u32
            && replaced[v as usize] == NONE
            && !kept[v as usize]
        {
            free.push(slot[v as usize]);
        }
        if last[i] == NONE && replaced[i] == NONE && !kept[i] {
            free.push(slot[i]);
        }
    }
    if next > SLOT_MASK {
        return None;
    }
    // (Fewer than written, once folded: the plan keeps what it uses.)
    reordered.shrink_to_fit();
    runs.shrink_to_fit();
    Some(Ordered {
        ops: reordered,
        runs,
        slots: next,
        out: outputs.iter().map(|&v| slot[v as usize]).collect(),
    })
}

/// One window's graph and ready lists (buffers reused from window to window).
#[derive(Default)]
struct Window {
    /// Instructions waiting on each, and how many each waits on.
    offsets: Vec<u32>,
    targets: Vec<u32>,
    waits: Vec<u32>,
    edges: Vec<(u32, u32)>,
    /// Where each instruction's next waiting one goes in `targets`.
    at: Vec<u32>,
    ready: Vec<std::collections::VecDeque<u32>>,
}

impl Window {
    /// Appends the instructions of `range` to `order` in runs of one kind (the
    /// kind with the most ready instructions next), and the runs to `runs`.
    #[allow(clippy::too_many_arguments)]
    fn order(
        &mut self,
        range: std::ops::Range<usize>,
        kind: impl Fn(usize) -> u32,
        dropped: &[bool],
        source: &[u32],
        prior: &[u32],
        replaced: &[u32],
        order: &mut Vec<u32>,
        runs: &mut Vec<(u32, u32)>,
    ) {
        let (start, len) = (range.start, range.len());
        let inside = |v: u32| v != NONE && (v as usize) >= start && (v as usize) < range.end;
        // Edges within the window: a value before its readers and its addition;
        // every reader of a value before the addition that replaces it.
        self.edges.clear();
        for i in range.clone() {
            for v in [source[i], prior[i]] {
                if inside(v) {
                    self.edges.push((v, i as u32));
                }
            }
            let v = source[i];
            if v != NONE && replaced[v as usize] != NONE && replaced[v as usize] != i as u32 {
                let r = replaced[v as usize];
                if inside(r) {
                    self.edges.push((i as u32, r));
                }
            }
        }
        self.offsets.clear();
        self.offsets.resize(len + 1, 0);
        self.waits.clear();
        self.waits.resize(len, 0);
        for &(a, b) in &self.edges {
            self.offsets[a as usize - start + 1] += 1;
            self.waits[b as usize - start] += 1;
        }
        for k in 0..len {
            self.offsets[k + 1] += self.offsets[k];
        }
        self.targets.clear();
        self.targets.resize(self.edges.len(), 0);
        self.at.clear();
        self.at.extend_from_slice(&self.offsets);
        for &(a, b) in &self.edges {
            let k = a as usize - start;
            self.targets[self.at[k] as usize] = b;
            self.at[k] += 1;
        }
        for i in range.clone() {
            if self.waits[i - start] == 0 && !dropped[i] {
                self.push(kind(i), i as u32);
            }
        }
        let mut left = len - dropped[range].iter().filter(|&&d| d).count();
        while left > 0 {
            let k = (0..self.ready.len())
                .max_by_key(|&k| (self.ready[k].len(), std::cmp::Reverse(k)))
                .filter(|&k| !self.ready[k].is_empty())
                .expect("a ready instruction while some are left: edges go forward");
            while let Some(i) = self.ready[k].pop_front() {
                order.push(i);
                left -= 1;
                match runs.last_mut() {
                    Some((kk, count)) if *kk == k as u32 => *count += 1,
                    _ => runs.push((k as u32, 1)),
                }
                let j = i as usize - start;
                for e in self.offsets[j]..self.offsets[j + 1] {
                    let b = self.targets[e as usize];
                    let w = &mut self.waits[b as usize - start];
                    *w -= 1;
                    if *w == 0 {
                        self.push(kind(b as usize), b);
                    }
                }
            }
        }
    }

    fn push(&mut self, kind: u32, i: u32) {
        let k = kind as usize;
        if self.ready.len() <= k {
            self.ready.resize_with(k + 1, Default::default);
        }
        self.ready[k].push_back(i);
    }
}

#[cfg(test)]
mod tests {
    use super::super::edge_kinds::*;
    use super::*;

    const SHIFT: u32 = KIND_SHIFT;

    /// The instructions run one by one, as the schedule's evaluation runs them.
    fn run(ops: &[Op], f: &[f64], slots: usize) -> Vec<f64> {
        let mut w = vec![f64::NAN; slots];
        for op in ops {
            let (d, s, k) = (
                (op.dst & ((1 << SHIFT) - 1)) as usize,
                op.src as usize,
                op.f as usize,
            );
            let kind = op.dst >> SHIFT;
            // A kind that reads a factor in its source's place reads `f[src]`.
            let from = || {
                if reads_factor_source(kind) {
                    f[s]
                } else {
                    w[s]
                }
            };
            let base = if kind >= NEG {
                kind
            } else {
                kind % FROM_FACTOR
            };
            w[d] = match base {
                SCALED => from() * f[k],
                DOUBLED => {
                    let t = from() * f[k];
                    t + t
                }
                CONSTANT => f[k],
                MERGE => w[d] + w[s],
                FUSED_SCALED => w[d] + from() * f[k],
                FUSED_DOUBLED => {
                    let t = from() * f[k];
                    w[d] + (t + t)
                }
                FUSED_CONSTANT => w[d] + f[k],
                NEG | NEG_F => -from(),
                SUB | SUB_F => w[d] - from(),
                NEG_SCALED_F => -from() * f[k],
                FUSED_NEG_SCALED_F => w[d] + -from() * f[k],
                _ => unreachable!("kind {kind}"),
            };
        }
        w
    }

    fn op(kind: u32, dst: u32, src: u32, f: u32) -> Op {
        Op {
            dst: dst | (kind << SHIFT),
            src,
            f,
        }
    }

    /// Reordered instructions compute the same outputs, bit for bit: a reader
    /// of a value before the addition that replaces it (which the kinds alone
    /// would put first), and random sequences with slots reused.
    #[test]
    fn reordered_instructions_compute_the_same_bits() {
        // Factors 0 and 1 are the constants 1 and -1.
        let f: Vec<f64> = (0..64)
            .map(|k| match k {
                0 => 1.0,
                1 => -1.0,
                _ => ((k as f64) * 0.77).sin() * 3.0 + 0.1,
            })
            .collect();
        let unit = |k: u32| (k < 2).then_some(k == 0);
        let check = |ops: &[Op], out: &[u32], slots: usize| {
            let o = order(ops, out, slots, unit).expect("every slot written before read");
            let (a, b) = (run(ops, &f, slots), run(&o.ops, &f, o.slots as usize));
            for (&s, &t) in out.iter().zip(&o.out) {
                assert_eq!(a[s as usize].to_bits(), b[t as usize].to_bits());
            }
            let count: u32 = o.runs.iter().map(|r| r.1).sum();
            // Every instruction, but the dropped copies (of a factor, or of a
            // slot by a factor 1) and negations (by a factor -1).
            let copies = ops
                .iter()
                .filter(|op| {
                    let kind = op.dst >> SHIFT;
                    kind == CONSTANT || (kind == SCALED && op.f < 2)
                })
                .count();
            assert!(count as usize <= ops.len() && count as usize + copies >= ops.len());
            o
        };
        // A copy (by a factor 1) read after the value it copied is replaced, by
        // an addition that reads the replacement: it stays (read through, the
        // reader would have to run both before and after the replacement).
        let ops = [
            op(CONSTANT, 0, 0, 5),
            op(SCALED, 1, 0, 0),
            op(FUSED_CONSTANT, 0, 0, 6),
            op(MERGE, 0, 1, 0),
        ];
        check(&ops, &[0], 2);
        // A copy read before the replacement goes; negations and subtractions.
        let ops = [
            op(CONSTANT, 0, 0, 5),
            op(SCALED, 1, 0, 0),
            op(SCALED, 2, 1, 7),
            op(FUSED_SCALED, 0, 2, 1),
            op(SCALED, 3, 0, 1),
        ];
        // A negated factor read once by a product: one instruction.
        let neg = [
            op(CONSTANT, 0, 0, 5),
            op(SCALED, 1, 0, 1),
            op(SCALED, 2, 1, 7),
        ];
        let o = check(&neg, &[2], 3);
        assert_eq!(o.runs, [(NEG_SCALED_F, 1)]);
        let o = check(&ops, &[0, 3], 4);
        assert_eq!(o.ops.len(), 4);
        assert!(o.runs.iter().any(|r| r.0 == SUB) && o.runs.iter().any(|r| r.0 == NEG));
        let ops = [
            op(CONSTANT, 0, 0, 0),
            op(CONSTANT, 2, 0, 1),
            op(CONSTANT, 3, 0, 2),
            op(FUSED + SCALED, 2, 0, 3), // reads slot 0's first value
            op(MERGE, 0, 3, 0),          // then replaces it
        ];
        // (Slot 3 an output too: a copy read only by the addition would be
        // dropped, the addition reading the factor.)
        let o = check(&ops, &[2, 0, 3], 4);
        assert_eq!(o.runs[0], (CONSTANT, 3));
        // Random sequences: slots 0..8, every read after a write.
        let mut seed = 0x2545_f491_4f6c_dd1du64;
        let mut next = |m: u64| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            (seed % m) as u32
        };
        for _ in 0..2000 {
            let len = 1 + next(40) as usize;
            let mut written = [false; 8];
            let mut ops = Vec::new();
            while ops.len() < len {
                let kind = next(7);
                let (d, s) = (next(8), next(8));
                let reads_s = kind % FUSED != CONSTANT;
                if (reads_s && !written[s as usize]) || (kind >= MERGE && !written[d as usize]) {
                    continue;
                }
                // (A constant 1 or -1 one time in four.)
                let k = if next(4) == 0 { next(2) } else { next(64) };
                ops.push(op(kind, d, s, k));
                written[d as usize] = true;
            }
            let out: Vec<u32> = (0..8).filter(|&s| written[s as usize]).collect();
            check(&ops, &out, 8);
        }
    }
}
