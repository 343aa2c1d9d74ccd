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

use super::pattern::SparsityPattern;
use crate::scalar::Scalar;

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
        .map(|i| {
            offsets[i] + columns[offsets[i]..offsets[i + 1]].partition_point(|&j| j as usize <= i)
        })
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
    /// Accumulator slots: 0 stays zero, 1 is a sink, then one per position (those
    /// naming a (vertex, neighbour color) pair are used).
    slots: usize,
    /// Upper-triangle position of every position.
    upper: Vec<u32>,
}

/// The zero accumulator (read by leaves that start a tree) and the sink (written by
/// entries read off directly).
const ZERO: u32 = 0;
const SINK: u32 = 1;

impl Substitution {
    /// The steps, from an acyclic coloring (`upper` = [`edge_ids`]). The trees
    /// need not be listed: a vertex `v` of color `a` meets the tree of colors
    /// `(a, b)` through exactly its neighbours of color `b`, so the pair (vertex,
    /// neighbour color) names a vertex of one tree, and leaves are eliminated in
    /// all trees at once. Each such pair gets a slot (the position of its first
    /// neighbour of that color in the row) holding its degree in the tree, the
    /// xor of its tree edges (the last one left, at a leaf), and its subtree size.
    /// Edges at a vertex alone in its color (a peeled one) are read off directly
    /// at the other end.
    pub fn new(pattern: &SparsityPattern, colors: &[u32], count: usize, upper: Vec<u32>) -> Self {
        const NONE: u32 = u32::MAX;
        let n = pattern.dim();
        let (offsets, columns) = pattern.arrays();
        let nnz = columns.len();
        let mut alone = vec![0usize; count];
        for &c in colors {
            alone[c as usize] += 1;
        }
        let direct = |c: u32| alone[c as usize] == 1;
        // mirror[k]: the position of the same entry in the other triangle.
        let mut mirror: Vec<u32> = upper.clone();
        for (k, &u) in upper.iter().enumerate() {
            if u as usize != k {
                mirror[u as usize] = k as u32;
            }
        }
        let edges = (nnz - (0..n).filter(|&i| pattern.contains(i, i)).count()) / 2;
        let mut steps = Vec::with_capacity(edges);
        let mut lengths = Vec::with_capacity(edges);
        let mut slot = vec![NONE; nnz];
        let mut degree = vec![0u32; nnz];
        let mut xor = vec![0u32; nnz];
        let mut vertex = vec![0u32; nnz];
        let mut first = vec![NONE; count];
        for i in 0..n {
            let row = offsets[i]..offsets[i + 1];
            for k in row.clone() {
                let j = columns[k] as usize;
                if j == i {
                    continue;
                }
                let (ci, cj) = (colors[i], colors[j]);
                if direct(ci) || direct(cj) {
                    // Read at the end whose neighbour is alone in its color.
                    if direct(cj) && (!direct(ci) || j > i) {
                        steps.push(Step {
                            k: upper[k],
                            leaf: i as u32,
                            color: cj,
                            from: ZERO,
                            into: SINK,
                        });
                        lengths.push(1);
                    }
                    continue;
                }
                let f = &mut first[cj as usize];
                if *f == NONE {
                    *f = k as u32;
                    vertex[k] = i as u32;
                }
                slot[k] = *f;
                degree[*f as usize] += 1;
                xor[*f as usize] ^= upper[k];
            }
            for k in row {
                first[colors[columns[k] as usize] as usize] = NONE;
            }
        }
        // First in, first out; a slot enters at most once (its degree falls to one
        // once), so a vector read from its head is the queue.
        let mut leaves: Vec<u32> = Vec::with_capacity(nnz);
        leaves
            .extend((0..nnz as u32).filter(|&k| slot[k as usize] == k && degree[k as usize] == 1));
        let mut size = vec![1u32; nnz];
        let mut head = 0;
        while head < leaves.len() {
            let s = leaves[head] as usize;
            head += 1;
            if degree[s] != 1 {
                continue;
            }
            let (e, v) = (xor[s], vertex[s]);
            // The edge's positions in v's row and in the other end w's.
            let (at_v, at_w) = if columns[e as usize] != v {
                (e, mirror[e as usize])
            } else {
                (mirror[e as usize], e)
            };
            let w = columns[at_v as usize] as usize;
            let t = slot[at_w as usize] as usize;
            steps.push(Step {
                k: e,
                leaf: v,
                color: colors[w],
                from: s as u32 + 2,
                into: t as u32 + 2,
            });
            lengths.push(size[s]);
            size[t] += size[s];
            degree[s] = 0;
            degree[t] -= 1;
            xor[t] ^= e;
            if degree[t] == 1 {
                leaves.push(t as u32);
            }
        }
        Substitution {
            steps,
            lengths,
            slots: nnz + 2,
            upper,
        }
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
    pub fn recover<T: Scalar>(
        &self,
        pattern: &SparsityPattern,
        colors: &[u32],
        p: usize,
        hv: &[T],
    ) -> Vec<T> {
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
            acc[s.into as usize] += v;
        }
        for (k, &u) in self.upper.iter().enumerate() {
            if u as usize != k {
                values[k] = values[u as usize];
            }
        }
        values
    }
}
