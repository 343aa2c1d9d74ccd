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
//! A factor copied to a slot and only read from there (never added into, not an
//! output) is not copied: its readers read the factor itself (kinds
//! `FROM_FACTOR + k`), the same product of the same numbers.

use super::edge_schedule::{CONSTANT, FROM_FACTOR, FUSED, MERGE, Op, is_update, reads_source};

/// Instructions taken in windows of this many: a window's values stay in cache.
const WINDOW: usize = 4096;
const NONE: u32 = u32::MAX;

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
/// `shift`) in runs of one kind, and the slots of `out` then; `None` if an
/// instruction or an output reads a slot never written.
pub(super) fn order(ops: &[Op], out: &[u32], slots: usize, shift: u32) -> Option<Ordered> {
    let n = ops.len();
    let mask = (1u32 << shift) - 1;
    let (kind, dst) = (
        |op: &Op| op.dst >> shift,
        |op: &Op| (op.dst & mask) as usize,
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
    // A factor copied to a slot and only read from there (never added into, not
    // an output): its readers read the factor (`w f` is then `f_c f`, the same
    // product), and the copy is dropped.
    let mut ops = ops.to_vec();
    let copy = |v: u32| {
        v != NONE
            && kind(&ops[v as usize]) == CONSTANT
            && replaced[v as usize] == NONE
            && !kept[v as usize]
    };
    let dropped: Vec<bool> = (0..n as u32).map(copy).collect();
    for i in 0..n {
        let v = source[i];
        if v != NONE && dropped[v as usize] {
            let (k, c) = (kind(&ops[i]), ops[v as usize].f);
            let op = &mut ops[i];
            if k == MERGE {
                // `w[d] + w[s]` with `w[s] = f_c`: added as a constant is.
                op.dst = (op.dst & mask) | ((FUSED + CONSTANT) << shift);
                op.f = c;
            } else {
                op.dst = (op.dst & mask) | ((FROM_FACTOR + k) << shift);
                op.src = c;
            }
            source[i] = NONE;
        }
    }
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
        } else if kind(&op) >= FROM_FACTOR {
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
            dst: slot[i] | (kind(&op) << shift),
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
    if next > mask {
        return None;
    }
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
    use super::super::edge_schedule::{DOUBLED, SCALED};
    use super::*;

    const SHIFT: u32 = 28;

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
            // A kind `FROM_FACTOR + k` reads the factor `src` where `k` reads
            // the slot `src`.
            let from = || if kind >= FROM_FACTOR { f[s] } else { w[s] };
            let x = match kind % FUSED {
                SCALED => from() * f[k],
                DOUBLED => {
                    let t = from() * f[k];
                    t + t
                }
                CONSTANT => f[k],
                _ => from(),
            };
            w[d] = if kind % FROM_FACTOR >= MERGE {
                w[d] + x
            } else {
                x
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
        let f: Vec<f64> = (0..64)
            .map(|k| ((k as f64) * 0.77).sin() * 3.0 + 0.1)
            .collect();
        let check = |ops: &[Op], out: &[u32], slots: usize| {
            let o = order(ops, out, slots, SHIFT).expect("every slot written before read");
            let (a, b) = (run(ops, &f, slots), run(&o.ops, &f, o.slots as usize));
            for (&s, &t) in out.iter().zip(&o.out) {
                assert_eq!(a[s as usize].to_bits(), b[t as usize].to_bits());
            }
            let count: u32 = o.runs.iter().map(|r| r.1).sum();
            // Every instruction, but the dropped copies of a factor.
            let copies = ops.iter().filter(|op| op.dst >> SHIFT == CONSTANT).count();
            assert!(count as usize <= ops.len() && count as usize + copies >= ops.len());
            o
        };
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
                ops.push(op(kind, d, s, next(64)));
                written[d as usize] = true;
            }
            let out: Vec<u32> = (0..8).filter(|&s| written[s as usize]).collect();
            check(&ops, &out, 8);
        }
    }
}
