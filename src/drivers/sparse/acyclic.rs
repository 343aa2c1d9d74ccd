//! Acyclic coloring of a Hessian's sparsity pattern (Gebremedhin, Tarafdar, Manne
//! and Pothen, *New acyclic and star coloring algorithms with application to
//! computing Hessians*, SIAM J. Sci. Comput. 29(3), 2007, Algorithm 3.1).
//!
//! An *acyclic* coloring is a distance-1 coloring in which every cycle uses at
//! least three colors: the vertices of any two colors induce a forest. It needs
//! fewer colors than a star coloring (two on a tridiagonal pattern, where star
//! needs three), and its entries are recovered by substitution along the trees
//! (`substitution`), at a documented cost in accuracy.
//!
//! The greedy search keeps the two-colored trees in a disjoint-set forest over the
//! edges, so that a vertex may not take a color that would close a two-colored
//! cycle; it costs about `sum over w of deg(w)²` steps (times a near-constant for
//! the disjoint sets).

use super::order::Order;
use super::pattern::SparsityPattern;
use super::substitution::Substitution;

/// An acyclic coloring of a symmetric sparsity pattern, with what recovering the
/// Hessian from its compressed products needs (the order of substitution along
/// its two-colored trees).
///
/// ```
/// use hyperhess::{AcyclicColoring, SparsityPattern};
/// // a path 0 - 1 - 2 - 3 (tridiagonal Hessian): two colors (star needs three)
/// let p = SparsityPattern::from_entries(4, &[(0, 1), (1, 2), (2, 3)]);
/// let c = AcyclicColoring::new(&p);
/// assert_eq!(c.count(), 2);
/// assert!(c.is_acyclic_coloring(&p));
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AcyclicColoring {
    colors: Vec<u32>,
    count: usize,
    substitution: Substitution,
}

impl AcyclicColoring {
    /// Greedy acyclic coloring in natural order.
    ///
    /// ```
    /// let p = hyperhess::SparsityPattern::from_entries(3, &[(0, 1), (1, 2), (0, 2)]);
    /// assert_eq!(hyperhess::AcyclicColoring::new(&p).count(), 3); // a triangle
    /// ```
    pub fn new(pattern: &SparsityPattern) -> Self {
        Self::greedy(pattern, Order::Natural, None)
    }

    /// Greedy acyclic coloring in `order`, with the `peeled` vertices (if any)
    /// left out of the search and given one color each, after the others' (a
    /// vertex alone in its color closes no two-colored cycle).
    ///
    /// ```
    /// use hyperhess::{AcyclicColoring, Order, SparsityPattern};
    /// // an arrowhead: 0 coupled with all, and a path 1 - 2 - ... - 7
    /// let mut e: Vec<(usize, usize)> = (1..8).map(|i| (0, i)).collect();
    /// e.extend((1..7).map(|i| (i, i + 1)));
    /// let p = SparsityPattern::from_entries(8, &e);
    /// let mut peeled = vec![false; 8];
    /// peeled[0] = true;
    /// let c = AcyclicColoring::greedy(&p, Order::Natural, Some(&peeled));
    /// assert_eq!(c.count(), 3); // two for the path, one for the dense row
    /// assert_eq!(c.colors()[0], 2);
    /// ```
    pub fn greedy(pattern: &SparsityPattern, order: Order, peeled: Option<&[bool]>) -> Self {
        let n = pattern.dim();
        let no_peel = vec![false; if peeled.is_some() { 0 } else { n }];
        let peeled = peeled.unwrap_or(&no_peel);
        let (colors, count, edge) = search(pattern, order, peeled);
        Self::finish(pattern, colors, count, peeled, edge)
    }

    /// The acyclic coloring of a pattern whose graph without the `peeled` vertices
    /// is a forest (two colors alternating along each tree), `None` when it has a
    /// cycle: `O(n + nnz)`.
    pub(crate) fn forest(pattern: &SparsityPattern, peeled: Option<&[bool]>) -> Option<Self> {
        let no_peel = vec![false; if peeled.is_some() { 0 } else { pattern.dim() }];
        let peeled = peeled.unwrap_or(&no_peel);
        let (colors, count) = super::forest::two_coloring(pattern, peeled)?;
        let edge = super::substitution::edge_ids(pattern);
        Some(Self::finish(pattern, colors, count, peeled, edge))
    }

    /// Colors the `peeled` vertices one each, and orders the substitution.
    fn finish(
        pattern: &SparsityPattern,
        mut colors: Vec<u32>,
        mut count: usize,
        peeled: &[bool],
        edge: Vec<u32>,
    ) -> Self {
        for (v, _) in peeled.iter().enumerate().filter(|(_, p)| **p) {
            colors[v] = count as u32;
            count += 1;
        }
        let substitution = Substitution::new(pattern, &colors, count, edge);
        AcyclicColoring {
            colors,
            count,
            substitution,
        }
    }

    /// The greedy search's cost (steps) on `pattern` without the `peeled`
    /// vertices, or `None` past `budget`: `sum over w of deg(w)²`.
    pub(crate) fn cost_within(
        pattern: &SparsityPattern,
        peeled: Option<&[bool]>,
        budget: usize,
    ) -> Option<usize> {
        let mut work = 0usize;
        for w in (0..pattern.dim()).filter(|&w| peeled.is_none_or(|p| !p[w])) {
            let d = pattern.row(w).len();
            work = work.saturating_add(d.saturating_mul(d));
            if work > budget {
                return None;
            }
        }
        Some(work)
    }

    /// Number of colors (compressed Hessian-vector products needed).
    ///
    /// ```
    /// let p = hyperhess::SparsityPattern::from_entries(2, &[(0, 1)]);
    /// assert_eq!(hyperhess::AcyclicColoring::new(&p).count(), 2);
    /// ```
    pub fn count(&self) -> usize {
        self.count
    }

    /// The color of each column.
    ///
    /// ```
    /// let p = hyperhess::SparsityPattern::from_entries(3, &[(0, 1), (1, 2)]);
    /// assert_eq!(hyperhess::AcyclicColoring::new(&p).colors(), &[0, 1, 0]);
    /// ```
    pub fn colors(&self) -> &[u32] {
        &self.colors
    }

    /// The longest substitution: the largest number of compressed-product entries
    /// that enter one recovered entry (1 where every entry is read off directly).
    /// The error bound of [`crate::Coloring`] grows in proportion to it.
    ///
    /// ```
    /// // a path of 8 vertices, two colors: the middle entries subtract up to 4
    /// let e: Vec<(usize, usize)> = (0..7).map(|i| (i, i + 1)).collect();
    /// let p = hyperhess::SparsityPattern::from_entries(8, &e);
    /// assert_eq!(hyperhess::AcyclicColoring::new(&p).longest_substitution(), 4);
    /// ```
    pub fn longest_substitution(&self) -> usize {
        self.substitution.longest()
    }

    /// For each entry of `pattern` (pattern order), how many compressed-product
    /// entries enter its recovery (`s` in the error bound of [`crate::Coloring`]).
    pub(crate) fn substitution_lengths(&self, pattern: &SparsityPattern) -> Vec<usize> {
        self.substitution.lengths(pattern)
    }

    /// Checks the acyclic condition on `pattern`: adjacent vertices differ in color,
    /// and the vertices of any two colors induce a forest (checked with a
    /// disjoint-set union per pair of colors).
    ///
    /// ```
    /// use hyperhess::{AcyclicColoring, SparsityPattern};
    /// let cycle = SparsityPattern::from_entries(4, &[(0, 1), (1, 2), (2, 3), (3, 0)]);
    /// assert!(AcyclicColoring::new(&cycle).is_acyclic_coloring(&cycle));
    /// ```
    pub fn is_acyclic_coloring(&self, pattern: &SparsityPattern) -> bool {
        is_acyclic(pattern, &self.colors)
    }

    /// Recovers every entry of `pattern` (pattern order) from the compressed
    /// products `hv[i * p + c]`: see [`Substitution`].
    pub(crate) fn recover<T: crate::scalar::Scalar>(
        &self,
        pattern: &SparsityPattern,
        hv: &[T],
    ) -> Vec<T> {
        self.substitution
            .recover(pattern, &self.colors, self.count, hv)
    }
}

/// Whether `colors` is an acyclic coloring of `pattern`.
pub(crate) fn is_acyclic(pattern: &SparsityPattern, colors: &[u32]) -> bool {
    let n = pattern.dim();
    if colors.len() != n {
        return false;
    }
    if (0..n).any(|v| pattern.neighbors(v).any(|w| colors[w] == colors[v])) {
        return false;
    }
    // Union-find over vertices, per pair of colors: an edge joining two vertices
    // already connected closes a cycle.
    let mut edges: Vec<((u32, u32), (u32, u32))> = (0..n)
        .flat_map(|v| {
            pattern.neighbors(v).filter(move |&w| w > v).map(move |w| {
                let (a, b) = (colors[v].min(colors[w]), colors[v].max(colors[w]));
                ((a, b), (v as u32, w as u32))
            })
        })
        .collect();
    edges.sort_unstable();
    let mut parent: Vec<u32> = (0..n as u32).collect();
    let mut touched: Vec<u32> = Vec::new();
    let mut pair = None;
    for (p, (v, w)) in edges {
        if pair != Some(p) {
            for &t in &touched {
                parent[t as usize] = t;
            }
            touched.clear();
            pair = Some(p);
        }
        touched.extend([v, w]);
        let (rv, rw) = (find(&mut parent, v), find(&mut parent, w));
        if rv == rw {
            return false;
        }
        parent[rv as usize] = rw;
    }
    true
}

/// The root of `v` in a disjoint-set forest, halving the path on the way.
pub(crate) fn find(parent: &mut [u32], mut v: u32) -> u32 {
    while parent[v as usize] != v {
        let p = parent[v as usize];
        parent[v as usize] = parent[p as usize];
        v = parent[v as usize];
    }
    v
}

/// The greedy search (Algorithm 3.1 of Gebremedhin et al. 2007): the colors of the
/// vertices not peeled (peeled ones `u32::MAX`), their count, and the edge ids
/// (`substitution::edge_ids`, the upper-triangle positions). A disjoint-set forest
/// over the edges holds the two-colored trees as the search grows them.
fn search(pattern: &SparsityPattern, order: Order, peeled: &[bool]) -> (Vec<u32>, usize, Vec<u32>) {
    const NONE: u32 = u32::MAX;
    let n = pattern.dim();
    let (offsets, columns) = pattern.arrays();
    let edge = super::substitution::edge_ids(pattern);
    let mut parent: Vec<u32> = (0..columns.len() as u32).collect();
    let mut colors = vec![NONE; n];
    let mut forbidden: Vec<u32> = Vec::new();
    // first_neighbor[c] = (v, w, edge vw): the first neighbour of v with color c.
    let mut first_neighbor: Vec<(u32, u32, u32)> = Vec::new();
    // first_visit[tree root] = (v, w): the tree was first reached from v through w.
    let mut first_visit: Vec<(u32, u32)> = vec![(NONE, NONE); columns.len()];
    let mut count = 0usize;
    let mut scratch: Vec<(usize, usize)> = Vec::new();
    for v in order.vertices_without(pattern, peeled) {
        let v32 = v;
        let v = v as usize;
        scratch.clear();
        // The colored neighbours of v, with their positions in row v.
        scratch.extend(
            (offsets[v]..offsets[v + 1])
                .map(|k| (columns[k] as usize, k))
                .filter(|&(w, _)| w != v && colors[w] != NONE),
        );
        for &(w, _) in &scratch {
            *grow(&mut forbidden, colors[w], NONE) = v32;
        }
        for &(w, _) in &scratch {
            for k in offsets[w]..offsets[w + 1] {
                let x = columns[k] as usize;
                let cx = colors[x];
                if x == w || cx == NONE || forbidden.get(cx as usize) == Some(&v32) {
                    continue;
                }
                // prevent a cycle: the tree of wx reached from v through a second
                // edge would close one.
                let root = find(&mut parent, edge[k]) as usize;
                let (p, q) = first_visit[root];
                if p != v32 {
                    first_visit[root] = (v32, w as u32);
                } else if q != w as u32 {
                    *grow(&mut forbidden, cx, NONE) = v32;
                }
            }
        }
        let c = (0..)
            .find(|&c| forbidden.get(c).is_none_or(|&u| u != v32))
            .unwrap_or(0);
        colors[v] = c as u32;
        count = count.max(c + 1);
        // Grow the two-colored stars around v.
        for &(w, k) in &scratch {
            let e = edge[k];
            let slot = grow(&mut first_neighbor, colors[w], (NONE, NONE, NONE));
            if slot.0 != v32 {
                *slot = (v32, w as u32, e);
            } else {
                let (rv, rq) = (find(&mut parent, e), find(&mut parent, slot.2));
                if rv != rq {
                    parent[rv as usize] = rq;
                }
            }
        }
        // Merge the trees that v joins: v - w - x with x of v's color.
        for &(w, k) in &scratch {
            for kx in offsets[w]..offsets[w + 1] {
                let x = columns[kx] as usize;
                if x == v || x == w || colors[x] != c as u32 {
                    continue;
                }
                let (r1, r2) = (find(&mut parent, edge[k]), find(&mut parent, edge[kx]));
                if r1 != r2 {
                    parent[r1 as usize] = r2;
                }
            }
        }
    }
    (colors, count, edge)
}

/// The slot of `color`, growing the table with `fill` as needed.
fn grow<T: Copy>(table: &mut Vec<T>, color: u32, fill: T) -> &mut T {
    let c = color as usize;
    if table.len() <= c {
        table.resize(c + 1, fill);
    }
    &mut table[c]
}
