//! Dependency sweeps: which inputs the output depends on at all (for `strict`).

use super::node::Node;
use std::collections::HashSet;
use std::hash::{BuildHasherDefault, Hasher};

/// The operands of node `k`: `a` and `b`, or an n-ary node's list (`ops`).
#[inline]
fn for_operands(node: &Node, ops: &[u32], mut f: impl FnMut(usize)) {
    if node.is_nary() {
        for j in node.terms(ops) {
            f(ops[j] as usize);
        }
    } else {
        f(node.a());
        f(node.b());
    }
}

/// Inputs (0-based) that no path of the tape connects to `output`: structural
/// independence, read from the operations, not from zero values.
pub(crate) fn independent_inputs(
    nodes: &[Node],
    ops: &[u32],
    n: usize,
    output: usize,
) -> Vec<usize> {
    let mut reached = vec![false; output.max(n) + 1];
    reached[output] = true;
    for k in (n + 1..=output).rev() {
        if reached[k] {
            for_operands(&nodes[k], ops, |o| reached[o] = true);
        }
    }
    (0..n).filter(|&i| !reached[i + 1]).collect()
}

/// The Hessian's structural sparsity pattern as sorted rows (CSR offsets and
/// columns, both triangles), or `None` when finding it would cost more than
/// its budget: more than `max_entries` set entries (memory), or more than
/// `max_pairs` coupled pairs produced (time).
///
/// A reverse pass marks the nodes that reach the output and those whose input
/// dependency set is needed (operands of curved nodes, and their operands in turn);
/// a forward pass builds those sets by sorted merges into one arena (a node whose
/// set equals an operand's shares it: chains cost nothing); every curved node that
/// reaches the output then couples its operands' sets (`phi_aa`: `deps(a) x
/// deps(a)`, `phi_ab`: `deps(a) x deps(b)`, `phi_bb`: `deps(b) x deps(b)`), each
/// product of two sets once. Pairs are deduplicated as they are produced, so the
/// pair buffer stays within twice the number of distinct entries (plus one row),
/// and a counting sort turns them into rows. Memory: at most `max_entries` set entries
/// (4 bytes each) and `2 * nnz + n` pairs (8 bytes each).
pub(crate) fn hessian_pattern(
    nodes: &[Node],
    ops: &[u32],
    n: usize,
    outputs: &[usize],
    max_entries: usize,
    max_pairs: usize,
) -> Option<(Vec<usize>, Vec<u32>)> {
    let output = outputs.iter().copied().max().unwrap_or(0);
    let len = output.max(n) + 1;
    let mut reached = vec![false; len];
    let mut needed = vec![false; len];
    for &o in outputs {
        reached[o] = o != 0;
    }
    for k in (n + 1..=output).rev() {
        if !reached[k] {
            continue;
        }
        let node = &nodes[k];
        if node.is_nary() {
            // Linear: operands are needed when this node is.
            let need = needed[k];
            for_operands(node, ops, |o| {
                reached[o] = true;
                needed[o] |= need;
            });
            continue;
        }
        let (a, b, c) = (node.a(), node.b(), node.couples());
        reached[a] = true;
        reached[b] = true;
        needed[a] |= c.aa || c.ab || needed[k];
        needed[b] |= c.bb || c.ab || needed[k];
    }
    let (range, arena) = dependency_sets(nodes, ops, n, output, &needed, max_entries)?;
    let size = |r: (u32, u32)| (r.1 - r.0) as usize;
    // Coupled pairs (i <= j), each product of two sets once, deduplicated as they
    // grow; then rows by counting sort.
    let set = |r: (u32, u32)| &arena[r.0 as usize..r.1 as usize];
    let mut pairs = Pairs::new(max_pairs);
    let mut done: HashSet<(Range, Range), BuildHasherDefault<MixHasher>> = HashSet::default();
    for k in n + 1..=output {
        let node = &nodes[k];
        let c = node.couples();
        // (n-ary nodes are linear: no couplings.)
        if !reached[k] || !(c.aa || c.ab || c.bb) {
            continue;
        }
        let (ra, rb) = (range[node.a()], range[node.b()]);
        let products = [
            (c.aa, ra, ra),
            (c.ab, ra.min(rb), ra.max(rb)),
            (c.bb, rb, rb),
        ];
        for (on, rx, ry) in products {
            if on && size(rx) > 0 && size(ry) > 0 && done.insert((rx, ry)) {
                pairs.couple(set(rx), set(ry))?;
            }
        }
    }
    Some(rows_from_pairs(n, pairs.into_sorted()))
}

/// Input dependency sets of the `needed` nodes up to `last`, as ranges into one
/// arena (node 0 and unneeded nodes empty), by sorted merges (a node whose set
/// equals an operand's shares it: chains cost nothing); `None` past `max_entries`
/// set entries.
#[allow(clippy::type_complexity)]
fn dependency_sets(
    nodes: &[Node],
    ops: &[u32],
    n: usize,
    last: usize,
    needed: &[bool],
    max_entries: usize,
) -> Option<(Vec<(u32, u32)>, Vec<u32>)> {
    let len = last.max(n) + 1;
    let mut range = vec![(0u32, 0u32); len];
    let mut arena: Vec<u32> = Vec::new();
    for i in 0..n {
        if needed[i + 1] {
            range[i + 1] = (arena.len() as u32, arena.len() as u32 + 1);
            arena.push(i as u32);
        }
    }
    let size = |r: (u32, u32)| (r.1 - r.0) as usize;
    // For n-ary unions: `stamp[i] == k` when input `i` is already in node k's set.
    let mut stamp: Vec<u32> = Vec::new();
    for k in n + 1..=last {
        if !needed[k] {
            continue;
        }
        if nodes[k].is_nary() {
            if stamp.is_empty() {
                stamp = vec![0; n];
            }
            range[k] = union_of(&mut arena, &mut stamp, k as u32, &range, &nodes[k], ops);
            if arena.len() > max_entries || arena.len() > u32::MAX as usize / 2 {
                return None;
            }
            continue;
        }
        let (ra, rb) = (range[nodes[k].a()], range[nodes[k].b()]);
        range[k] = if size(rb) == 0 || ra == rb {
            ra
        } else if size(ra) == 0 {
            rb
        } else {
            let start = arena.len();
            merge_into(&mut arena, ra, rb);
            let merged = arena.len() - start;
            // A union as large as an operand's set is that set: share it.
            if merged == size(ra) || merged == size(rb) {
                arena.truncate(start);
                if merged == size(ra) { ra } else { rb }
            } else {
                (start as u32, arena.len() as u32)
            }
        };
        if arena.len() > max_entries || arena.len() > u32::MAX as usize / 2 {
            return None;
        }
    }
    Some((range, arena))
}

/// The Jacobian's structural pattern of a vector function whose outputs are the
/// nodes `outputs`: row `k` holds the inputs that some path of the tape connects
/// to output `k` (sorted), as CSR offsets and columns; `None` past `max_entries`
/// dependency-set entries.
pub(crate) fn jacobian_pattern(
    nodes: &[Node],
    ops: &[u32],
    n: usize,
    outputs: &[usize],
    max_entries: usize,
) -> Option<(Vec<usize>, Vec<u32>)> {
    let last = outputs.iter().copied().max().unwrap_or(0);
    let mut needed = vec![false; last.max(n) + 1];
    for &o in outputs {
        needed[o] = true;
    }
    for k in (n + 1..=last).rev() {
        if needed[k] {
            for_operands(&nodes[k], ops, |o| needed[o] = true);
        }
    }
    let (range, arena) = dependency_sets(nodes, ops, n, last, &needed, max_entries)?;
    let mut offsets = Vec::with_capacity(outputs.len() + 1);
    let mut columns = Vec::new();
    offsets.push(0);
    for &o in outputs {
        let r = range[o];
        columns.extend_from_slice(&arena[r.0 as usize..r.1 as usize]);
        offsets.push(columns.len());
    }
    Some((offsets, columns))
}

/// Coupled pairs `(i, j)`, `i <= j`, kept sorted and deduplicated in bulk whenever
/// the buffer doubles, within a budget of pairs produced.
struct Pairs {
    pairs: Vec<(u32, u32)>,
    /// Compact when the buffer reaches this length.
    compact_at: usize,
    /// Pairs that may still be produced.
    budget: usize,
}

impl Pairs {
    fn new(budget: usize) -> Self {
        Pairs {
            pairs: Vec::new(),
            compact_at: 1 << 12,
            budget,
        }
    }

    /// Every pair `(min, max)` of `sa x sb`; `None` over budget.
    fn couple(&mut self, sa: &[u32], sb: &[u32]) -> Option<()> {
        for &i in sa {
            self.budget = self.budget.checked_sub(sb.len())?;
            self.pairs.extend(sb.iter().map(|&j| (i.min(j), i.max(j))));
            if self.pairs.len() >= self.compact_at {
                self.compact();
                self.compact_at = (2 * self.pairs.len()).max(1 << 12);
            }
        }
        Some(())
    }

    fn compact(&mut self) {
        self.pairs.sort_unstable();
        self.pairs.dedup();
    }

    fn into_sorted(mut self) -> Vec<(u32, u32)> {
        self.compact();
        self.pairs
    }
}

/// An arena range `(start, end)`: one dependency set.
type Range = (u32, u32);

/// A multiply-and-rotate hasher for the products already coupled (keys are small
/// integers, not attacker-chosen: SipHash's protection buys nothing here and costs
/// a tenth of the pattern's time).
#[derive(Default)]
struct MixHasher(u64);

impl Hasher for MixHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.write_u64(u64::from(b));
        }
    }
    fn write_u32(&mut self, v: u32) {
        self.write_u64(u64::from(v));
    }
    fn write_u64(&mut self, v: u64) {
        self.0 = (self.0.rotate_left(5) ^ v).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }
}

/// The dependency set of n-ary node `k`: the union of its operands' sets, as an
/// arena range (an operand's own range when the union is just that set; else
/// appended, deduplicated by `stamp` and sorted).
fn union_of(
    arena: &mut Vec<u32>,
    stamp: &mut [u32],
    k: u32,
    range: &[(u32, u32)],
    node: &Node,
    ops: &[u32],
) -> (u32, u32) {
    let start = arena.len();
    let mut largest = (0u32, 0u32);
    for_operands(node, ops, |o| {
        let r = range[o];
        if r.1 - r.0 > largest.1 - largest.0 {
            largest = r;
        }
        for t in r.0 as usize..r.1 as usize {
            let i = arena[t];
            if stamp[i as usize] != k {
                stamp[i as usize] = k;
                arena.push(i);
            }
        }
    });
    let merged = arena.len() - start;
    // A union as large as an operand's set is that set: share it.
    if merged == (largest.1 - largest.0) as usize {
        arena.truncate(start);
        return largest;
    }
    arena[start..].sort_unstable();
    (start as u32, arena.len() as u32)
}

/// Appends the sorted union of two sorted arena ranges.
fn merge_into(arena: &mut Vec<u32>, a: (u32, u32), b: (u32, u32)) {
    let (mut i, mut j) = (a.0 as usize, b.0 as usize);
    let (ie, je) = (a.1 as usize, b.1 as usize);
    while i < ie && j < je {
        let (x, y) = (arena[i], arena[j]);
        let v = x.min(y);
        arena.push(v);
        i += usize::from(x == v);
        j += usize::from(y == v);
    }
    for t in i..ie {
        let v = arena[t];
        arena.push(v);
    }
    for t in j..je {
        let v = arena[t];
        arena.push(v);
    }
}

/// Symmetric rows (both triangles, sorted) from sorted, distinct upper-triangle
/// pairs, by counting sort: CSR offsets and columns.
fn rows_from_pairs(n: usize, pairs: Vec<(u32, u32)>) -> (Vec<usize>, Vec<u32>) {
    let mut offsets = vec![0usize; n + 1];
    for &(i, j) in &pairs {
        offsets[i as usize + 1] += 1;
        if i != j {
            offsets[j as usize + 1] += 1;
        }
    }
    for i in 0..n {
        offsets[i + 1] += offsets[i];
    }
    let mut fill = offsets.clone();
    let mut columns = vec![0u32; offsets[n]];
    // Sorted by (i, j): row j receives its lower entries i in increasing order
    // before its upper entries (which come later, as pairs (j, _)); row i receives
    // its upper entries j in increasing order. So every row comes out sorted.
    for &(i, j) in &pairs {
        if i != j {
            columns[fill[j as usize]] = i;
            fill[j as usize] += 1;
        }
    }
    for &(i, j) in &pairs {
        columns[fill[i as usize]] = j;
        fill[i as usize] += 1;
    }
    drop(pairs);
    (offsets, columns)
}
