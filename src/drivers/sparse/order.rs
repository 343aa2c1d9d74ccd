//! Vertex orderings for the greedy colorings, and the dense vertices peeled off
//! before coloring.
//!
//! A greedy coloring's number of colors depends on the order it visits the
//! vertices in; no order is best on every graph, so the drivers try several
//! (Gebremedhin, Manne and Pothen, SIAM Review 47(4), 2005, section 9: largest
//! first and smallest last are the usual ones) and keep the coloring with the
//! fewest sweeps.

use super::pattern::SparsityPattern;

/// The order a greedy coloring visits the vertices (columns) in.
///
/// ```
/// use hyperhess::{Order, SparsityPattern};
/// // a star 0 - {1, 2, 3}: largest first starts at the hub
/// let p = SparsityPattern::from_entries(4, &[(0, 1), (0, 2), (0, 3)]);
/// assert_eq!(Order::LargestFirst.vertices(&p)[0], 0);
/// assert_eq!(Order::Natural.vertices(&p), vec![0, 1, 2, 3]);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Order {
    /// `0, 1, ..., n - 1`: the input order (best on banded patterns).
    Natural,
    /// By decreasing degree (ties in natural order).
    LargestFirst,
    /// Smallest last (Matula and Beck, J. ACM 30(3), 1983): repeatedly remove a
    /// vertex of smallest degree from the remaining graph; color in the reverse
    /// order of removal.
    SmallestLast,
}

impl Order {
    /// Every order the drivers try, in the order they try them.
    pub const ALL: [Order; 3] = [Order::Natural, Order::LargestFirst, Order::SmallestLast];

    /// The vertices of `pattern` in this order.
    ///
    /// ```
    /// use hyperhess::{Order, SparsityPattern};
    /// let p = SparsityPattern::from_entries(3, &[(0, 1), (1, 2)]);
    /// let mut v = Order::SmallestLast.vertices(&p);
    /// v.sort();
    /// assert_eq!(v, vec![0, 1, 2]); // a permutation
    /// ```
    pub fn vertices(self, pattern: &SparsityPattern) -> Vec<u32> {
        self.vertices_without(pattern, &vec![false; pattern.dim()])
    }

    /// The vertices not `peeled`, in this order, with degrees counted in the graph
    /// without the peeled vertices.
    pub(crate) fn vertices_without(self, pattern: &SparsityPattern, peeled: &[bool]) -> Vec<u32> {
        let n = pattern.dim();
        let kept = |v: usize| !peeled[v];
        if self == Order::Natural {
            return (0..n as u32).filter(|&v| kept(v as usize)).collect();
        }
        let degree: Vec<usize> = (0..n)
            .map(|v| {
                if kept(v) {
                    pattern.neighbors(v).filter(|&w| kept(w)).count()
                } else {
                    0
                }
            })
            .collect();
        match self {
            Order::Natural => unreachable!("returned above"),
            Order::LargestFirst => {
                let mut v: Vec<u32> = (0..n as u32).filter(|&v| kept(v as usize)).collect();
                v.sort_by_key(|&v| std::cmp::Reverse(degree[v as usize]));
                v
            }
            Order::SmallestLast => smallest_last(pattern, peeled, degree),
        }
    }
}

/// Smallest-last order in `O(n + nnz)`: buckets of vertices by current degree
/// (doubly linked lists), the smallest nonempty bucket found by a pointer that
/// moves down by at most one per removal.
fn smallest_last(pattern: &SparsityPattern, peeled: &[bool], mut degree: Vec<usize>) -> Vec<u32> {
    const NIL: u32 = u32::MAX;
    let n = pattern.dim();
    let max_degree = degree.iter().copied().max().unwrap_or(0);
    let mut head = vec![NIL; max_degree + 1];
    let mut next = vec![NIL; n];
    let mut prev = vec![NIL; n];
    let mut removed = peeled.to_vec();
    let push = |head: &mut [u32], next: &mut [u32], prev: &mut [u32], v: usize, d: usize| {
        next[v] = head[d];
        prev[v] = NIL;
        if head[d] != NIL {
            prev[head[d] as usize] = v as u32;
        }
        head[d] = v as u32;
    };
    let unlink = |head: &mut [u32], next: &mut [u32], prev: &mut [u32], v: usize, d: usize| {
        if prev[v] != NIL {
            next[prev[v] as usize] = next[v];
        } else {
            head[d] = next[v];
        }
        if next[v] != NIL {
            prev[next[v] as usize] = prev[v];
        }
    };
    // Pushed in reverse so that each bucket lists its vertices in natural order.
    for v in (0..n).rev().filter(|&v| !peeled[v]) {
        push(&mut head, &mut next, &mut prev, v, degree[v]);
    }
    let count = removed.iter().filter(|&&r| !r).count();
    let mut order = vec![0u32; count];
    let mut low = 0;
    for slot in (0..count).rev() {
        while head[low] == NIL {
            low += 1;
        }
        let v = head[low] as usize;
        unlink(&mut head, &mut next, &mut prev, v, low);
        removed[v] = true;
        order[slot] = v as u32;
        for w in pattern.neighbors(v) {
            if !removed[w] {
                let d = degree[w];
                unlink(&mut head, &mut next, &mut prev, w, d);
                degree[w] = d - 1;
                push(&mut head, &mut next, &mut prev, w, d - 1);
            }
        }
        low = low.saturating_sub(1);
    }
    order
}

/// The vertices to peel off: those whose degree is at least `max(16, √nnz)`
/// (a dense row or column: it would force its neighbours apart). Each peeled
/// vertex gets a color of its own (one sweep: its column is read off directly),
/// and the rest of the graph is colored without it. `None` when no vertex is
/// that dense.
pub(crate) fn dense_vertices(pattern: &SparsityPattern) -> Option<Vec<bool>> {
    let nnz = pattern.nnz();
    let threshold = 16.max((nnz as f64).sqrt().ceil() as usize);
    let peeled: Vec<bool> = (0..pattern.dim())
        .map(|v| pattern.row(v).len() > threshold)
        .collect();
    peeled.iter().any(|&p| p).then_some(peeled)
}
