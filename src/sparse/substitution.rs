//! Recovery by substitution from the compressed products of an acyclic coloring
//! (Gebremedhin et al. 2007, section 5; Powell and Toint 1979).
//!
//! The vertices of two colors `a` and `b` induce a forest. In one of its trees,
//! `(H V)[u][b]` is the sum of `H[u][w]` over the tree's neighbours `w` of `u`
//! (every neighbour of `u` with color `b` is in the tree; the diagonal has color
//! `a`). At a leaf that sum is one entry; subtracting it from the neighbour's sum
//! makes that neighbour a leaf in turn. So the entries come out leaf by leaf,
//! each once, and are mirrored: the result is exactly symmetric.
//!
//! Leaves are taken in layers (first-in first-out), which ends each tree at its
//! centre: on a path of `m` vertices no entry depends on more than `⌈m / 2⌉`
//! products.
//!
//! # Error bound
//!
//! The entry of a leaf `u` whose subtree (the vertices eliminated into it, `u`
//! included) is `T_u` is an alternating sum of one product entry per vertex of
//! `T_u`. With each product entry in error by at most `δ`, and `R` the largest
//! sum `Σ_w |H[v][w]|` over the tree neighbours of a vertex, rounding adds at most
//! `γ_{d+1} (|(HV)[v][·]| + Σ |children|) ≤ 2 (d + 1) ε R` per vertex of degree
//! `d` (to first order in `ε`), so, with `s = |T_u|` and `Δ` the largest degree
//! in the tree,
//!
//! `|Ĥ[u][w] - H[u][w]| ≤ s (δ + 2 (Δ + 1) ε R)`.
//!
//! Direct recovery (star coloring) is the case `s = 1`. `s` is at most the
//! tree's size, and is reported per coloring by
//! [`crate::AcyclicColoring::longest_substitution`].

use super::acyclic::find;
use super::pattern::SparsityPattern;
use crate::scalar::Scalar;
use std::collections::VecDeque;

/// For each position of `pattern`, the position of the same undirected entry in
/// the upper triangle (`row <= column`): its own for upper entries.
pub(crate) fn edge_ids(pattern: &SparsityPattern) -> Vec<u32> {
    let (offsets, columns) = pattern.arrays();
    let n = pattern.dim();
    let mut ids: Vec<u32> = (0..columns.len() as u32).collect();
    // upper[i]: the next entry of row i right of the diagonal still to be paired;
    // rows are visited in order, so row j meets its lower entries (i, j) in the
    // order row i lists them.
    let mut upper: Vec<usize> = (0..n)
        .map(|i| offsets[i] + columns[offsets[i]..offsets[i + 1]].partition_point(|&j| j as usize <= i))
        .collect();
    for i in 0..n {
        for k in offsets[i]..offsets[i + 1] {
            let j = columns[k] as usize;
            if j < i {
                ids[k] = upper[j] as u32;
                upper[j] += 1;
            }
        }
    }
    ids
}

/// One substitution step: `H[k] = (H V)[leaf][color] - acc[from]`, then
/// `acc[into] += H[k]`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Step {
    /// Upper-triangle position of the entry.
    k: u32,
    leaf: u32,
    color: u32,
    from: u32,
    into: u32,
}

/// The order of substitution along the two-colored trees of an acyclic coloring.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Substitution {
    steps: Vec<Step>,
    /// How many product entries enter each step's entry.
    lengths: Vec<u32>,
    /// Accumulator slots: 0 stays zero, 1 is a sink, then one per vertex of each
    /// tree.
    slots: usize,
    /// Upper-triangle position of every position.
    upper: Vec<u32>,
}

/// The zero accumulator (read by leaves that start a tree) and the sink (written by
/// entries read off directly).
const ZERO: u32 = 0;
const SINK: u32 = 1;

impl Substitution {
    /// The steps, from the coloring and its forest (`parent`, a disjoint-set forest
    /// over positions whose sets are the two-colored trees, `upper` = [`edge_ids`];
    /// edges at a peeled
    /// vertex, alone in its color, are read off directly at the other end).
    pub fn new(
        pattern: &SparsityPattern,
        colors: &[u32],
        count: usize,
        mut parent: Vec<u32>,
        upper: Vec<u32>,
    ) -> Self {
        let n = pattern.dim();
        let (offsets, columns) = pattern.arrays();
        let alone = {
            let mut size = vec![0usize; count];
            for &c in colors {
                size[c as usize] += 1;
            }
            size
        };
        let mut steps = Vec::new();
        let mut lengths = Vec::new();
        // Off-diagonal upper entries (position, row) grouped by tree: a counting
        // sort on the root.
        let mut roots: Vec<(u32, u32, u32)> = Vec::new();
        for i in 0..n {
            for k in offsets[i]..offsets[i + 1] {
                let j = columns[k] as usize;
                if j <= i {
                    continue;
                }
                let (ci, cj) = (colors[i], colors[j]);
                if alone[cj as usize] == 1 || alone[ci as usize] == 1 {
                    // j (or i) alone in its color: read at the other end.
                    let (leaf, color) = if alone[cj as usize] == 1 { (i, cj) } else { (j, ci) };
                    steps.push(Step { k: k as u32, leaf: leaf as u32, color, from: ZERO, into: SINK });
                    lengths.push(1);
                } else {
                    roots.push((find(&mut parent, k as u32), k as u32, i as u32));
                }
            }
        }
        let mut start = parent;
        start.iter_mut().for_each(|s| *s = 0);
        start.push(0);
        for &(r, _, _) in &roots {
            start[r as usize + 1] += 1;
        }
        for r in 1..start.len() {
            start[r] += start[r - 1];
        }
        let mut trees = vec![(0u32, 0u32, 0u32); roots.len()];
        for &(r, k, i) in &roots {
            trees[start[r as usize] as usize] = (r, k, i);
            start[r as usize] += 1;
        }
        drop((roots, start));
        // The row of each tree entry's position, filled tree by tree.
        let mut row = vec![0u32; columns.len()];
        let mut degree = vec![0u32; n];
        let mut xor = vec![0u32; n];
        let mut slot_of = vec![(u32::MAX, 0u32); n];
        let mut slot_len: Vec<u32> = vec![0, 0];
        let mut leaves = VecDeque::new();
        for (t, tree) in trees.chunk_by(|a, b| a.0 == b.0).enumerate() {
            let t = t as u32;
            for &(_, k, i) in tree {
                let (i, j) = (i as usize, columns[k as usize] as usize);
                row[k as usize] = i as u32;
                for v in [i, j] {
                    degree[v] += 1;
                    xor[v] ^= k;
                    if slot_of[v].0 != t {
                        slot_of[v] = (t, slot_len.len() as u32);
                        slot_len.push(1);
                    }
                }
            }
            for &(_, k, i) in tree {
                let (i, j) = (i as usize, columns[k as usize] as usize);
                leaves.extend([i, j].into_iter().filter(|&v| degree[v] == 1));
            }
            while let Some(u) = leaves.pop_front() {
                if degree[u] != 1 {
                    continue;
                }
                let k = xor[u];
                let (i, j) = (row[k as usize] as usize, columns[k as usize] as usize);
                let w = if i == u { j } else { i };
                let (from, into) = (slot_of[u].1, slot_of[w].1);
                steps.push(Step { k, leaf: u as u32, color: colors[w], from, into });
                lengths.push(slot_len[from as usize]);
                slot_len[into as usize] += slot_len[from as usize];
                degree[u] = 0;
                xor[u] = 0;
                degree[w] -= 1;
                xor[w] ^= k;
                if degree[w] == 1 {
                    leaves.push_back(w);
                }
            }
        }
        Substitution { steps, lengths, slots: slot_len.len(), upper }
    }

    /// The largest number of product entries entering one entry (1 for none).
    pub fn longest(&self) -> usize {
        self.lengths.iter().copied().max().unwrap_or(1).max(1) as usize
    }

    /// Per entry of `pattern` (pattern order), how many product entries enter it.
    pub fn lengths(&self, pattern: &SparsityPattern) -> Vec<usize> {
        let mut at = vec![1usize; pattern.nnz()];
        for (s, &l) in self.steps.iter().zip(&self.lengths) {
            at[s.k as usize] = l as usize;
        }
        self.upper.iter().map(|&u| at[u as usize]).collect()
    }

    /// Every entry of `pattern` (pattern order) from `hv[i * p + c] = (H V)[i][c]`.
    pub fn recover<T: Scalar>(&self, pattern: &SparsityPattern, colors: &[u32], p: usize, hv: &[T]) -> Vec<T> {
        let (offsets, columns) = pattern.arrays();
        let mut values = vec![T::zero(); columns.len()];
        for i in 0..pattern.dim() {
            let row = &columns[offsets[i]..offsets[i + 1]];
            if let Ok(d) = row.binary_search(&(i as u32)) {
                // No neighbour shares i's color: read off directly.
                values[offsets[i] + d] = hv[i * p + colors[i] as usize];
            }
        }
        let mut acc = vec![T::zero(); self.slots];
        for s in &self.steps {
            let v = hv[s.leaf as usize * p + s.color as usize] - acc[s.from as usize];
            values[s.k as usize] = v;
            acc[s.into as usize] = acc[s.into as usize] + v;
        }
        for (k, &u) in self.upper.iter().enumerate() {
            if u as usize != k {
                values[k] = values[u as usize];
            }
        }
        values
    }
}
