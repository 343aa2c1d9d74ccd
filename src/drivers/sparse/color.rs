//! Star coloring of a Hessian's sparsity pattern, and direct recovery of its
//! entries from compressed Hessian-vector products.
//!
//! Columns of one color are summed into one direction, so `p` colors give all of
//! `H` from the `p` products `H V`. A *star* coloring (Gebremedhin, Manne and Pothen,
//! SIAM Review 47(4), 2005) is a distance-1 coloring in which every path on four
//! vertices uses at least three colors; it allows *direct* recovery: each entry
//! `H[i][j]` is read off one product, with no substitution and so no error growth.
//! Acyclic coloring needs fewer colors but recovers by substitution; we chose direct
//! recovery for accuracy (no error growth). Each entry of the upper triangle is read
//! once and mirrored, so the result is exactly symmetric; it agrees with the dense
//! sweeps to rounding (a compressed sweep adds the columns of one color in the same
//! adjoint slots), and exactly where no rounding happens.
//!
//! Coloring costs up to `sum over w of deg(w) * sum over neighbours x of deg(x)`
//! steps (about `n d³` for degree `d`); [`StarColoring::new_within`] estimates that
//! first and, over its budget, takes one color per column instead (the dense
//! sweeps: never more work than the dense Hessian).

use super::pattern::SparsityPattern;

/// A star coloring of a symmetric sparsity pattern.
///
/// ```
/// use hyperhess::{SparsityPattern, StarColoring};
/// // a path 0 - 1 - 2 - 3 (tridiagonal Hessian): three colors
/// let p = SparsityPattern::from_entries(4, &[(0, 1), (1, 2), (2, 3)]);
/// let c = StarColoring::new(&p);
/// assert_eq!(c.count(), 3);
/// assert!(c.is_star_coloring(&p));
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StarColoring {
    colors: Vec<u32>,
    count: usize,
}

impl StarColoring {
    /// Greedy star coloring in natural order. Every path on four vertices is
    /// checked by the last of its vertices to be colored: a vertex `v` may not take
    /// - the color of a neighbour (distance-1);
    /// - as an end of `v - w - x - y`: the color of `x` when `y` has `w`'s color;
    /// - inside `u - v - w - x`: the color of `x` when `u` has `w`'s color.
    ///
    /// ```
    /// let p = hyperhess::SparsityPattern::from_entries(3, &[(0, 0), (1, 1), (2, 2)]);
    /// assert_eq!(hyperhess::StarColoring::new(&p).count(), 1); // diagonal: one color
    /// ```
    pub fn new(pattern: &SparsityPattern) -> Self {
        const NONE: u32 = u32::MAX;
        let n = pattern.dim();
        let neighbors = |v: usize| pattern.neighbors(v);
        let mut colors = vec![NONE; n];
        // forbidden[c] == v: color c is forbidden for v. around[c]: how many
        // neighbours of the current vertex have color c (stamped by vertex).
        let mut forbidden: Vec<usize> = Vec::new();
        let mut around: Vec<(usize, u32)> = Vec::new();
        let mut count = 0;
        for v in 0..n {
            for w in neighbors(v) {
                let cw = colors[w];
                if cw != NONE {
                    forbid(&mut forbidden, cw, v);
                    let slot = grow(&mut around, cw, (usize::MAX, 0));
                    *slot = if slot.0 == v { (v, slot.1 + 1) } else { (v, 1) };
                }
            }
            for w in neighbors(v) {
                let cw = colors[w];
                if cw == NONE {
                    continue;
                }
                let shared = around[cw as usize].1 >= 2;
                for x in neighbors(w) {
                    let cx = colors[x];
                    if x == v || cx == NONE {
                        continue;
                    }
                    if shared || neighbors(x).any(|y| y != w && colors[y] == cw) {
                        forbid(&mut forbidden, cx, v);
                    }
                }
            }
            let c = (0..)
                .find(|&c| forbidden.get(c).is_none_or(|&u| u != v))
                .unwrap_or(0);
            colors[v] = c as u32;
            count = count.max(c + 1);
        }
        StarColoring { colors, count }
    }

    /// [`StarColoring::new`] when its greedy search costs at most `budget` steps
    /// (estimated exactly from the degrees), else one color per column.
    pub(crate) fn new_within(pattern: &SparsityPattern, budget: usize) -> Self {
        let n = pattern.dim();
        let degree = |v: usize| pattern.row(v).len();
        let mut work = 0usize;
        for w in 0..n {
            let around: usize = pattern.row(w).iter().map(|&x| degree(x as usize)).sum();
            work = work.saturating_add(degree(w).saturating_mul(around));
            if work > budget {
                return Self::distinct(n);
            }
        }
        Self::new(pattern)
    }

    /// One color per column (a star coloring of any pattern).
    pub(crate) fn distinct(n: usize) -> Self {
        StarColoring {
            colors: (0..n as u32).collect(),
            count: n,
        }
    }

    /// Number of colors (compressed Hessian-vector products needed).
    ///
    /// ```
    /// let p = hyperhess::SparsityPattern::from_entries(2, &[(0, 1)]);
    /// assert_eq!(hyperhess::StarColoring::new(&p).count(), 2);
    /// ```
    pub fn count(&self) -> usize {
        self.count
    }

    /// The color of each column.
    ///
    /// ```
    /// let p = hyperhess::SparsityPattern::from_entries(2, &[(0, 1)]);
    /// assert_eq!(hyperhess::StarColoring::new(&p).colors(), &[0, 1]);
    /// ```
    pub fn colors(&self) -> &[u32] {
        &self.colors
    }

    /// Checks the star condition on `pattern`: adjacent vertices differ in color, and
    /// no path `v - w - x - y` is two-colored.
    ///
    /// ```
    /// use hyperhess::{SparsityPattern, StarColoring};
    /// let p = SparsityPattern::from_entries(5, &[(0, 1), (1, 2), (2, 3), (3, 4)]);
    /// assert!(StarColoring::new(&p).is_star_coloring(&p));
    /// ```
    pub fn is_star_coloring(&self, pattern: &SparsityPattern) -> bool {
        let n = pattern.dim();
        if self.colors.len() != n {
            return false;
        }
        let c = &self.colors;
        let nb = |v: usize| pattern.neighbors(v);
        (0..n).all(|w| {
            nb(w).all(|x| {
                c[w] != c[x]
                    && !(nb(w).any(|v| v != x && c[v] == c[x])
                        && nb(x).any(|y| y != w && c[y] == c[w]))
            })
        })
    }

    /// Recovers `H[i][j]` for every entry of `pattern`, in pattern order (row by
    /// row), from the compressed products `hv[i * p + c] = (H V)[i][c]`, where
    /// column `c` of `V` sums the unit vectors of color `c`. Each entry of the upper
    /// triangle is read off one product and mirrored: exactly symmetric.
    pub(crate) fn recover<T: Copy>(&self, pattern: &SparsityPattern, hv: &[T]) -> Vec<T> {
        let p = self.count;
        let c = &self.colors;
        let (offsets, columns) = pattern.arrays();
        let n = pattern.dim();
        let mut values: Vec<T> = Vec::with_capacity(columns.len());
        let mut seen = vec![0u32; p];
        // upper[i]: the next entry of row i right of the diagonal still to be
        // mirrored; rows are visited in order, so row j meets its lower entries
        // (i, j) in the order row i lists them.
        let mut upper: Vec<usize> = (0..n)
            .map(|i| {
                offsets[i]
                    + columns[offsets[i]..offsets[i + 1]].partition_point(|&j| (j as usize) <= i)
            })
            .collect();
        for i in 0..n {
            let row = &columns[offsets[i]..offsets[i + 1]];
            for &j in row {
                seen[c[j as usize] as usize] += 1;
            }
            for &j in row {
                let j = j as usize;
                let value = if j < i {
                    // Mirror of (j, i), already recovered in row j.
                    let k = upper[j];
                    upper[j] += 1;
                    values[k]
                } else if j == i || seen[c[j] as usize] == 1 {
                    // Unique neighbour of i with j's color (always so for j == i):
                    // read row i.
                    hv[i * p + c[j] as usize]
                } else {
                    // Else i is the unique neighbour of j with i's color.
                    hv[j * p + c[i] as usize]
                };
                values.push(value);
            }
            for &j in row {
                seen[c[j as usize] as usize] = 0;
            }
        }
        values
    }
}

fn forbid(forbidden: &mut Vec<usize>, color: u32, v: usize) {
    *grow(forbidden, color, usize::MAX) = v;
}

/// The slot of `color`, growing the table with `fill` as needed.
fn grow<T: Copy>(table: &mut Vec<T>, color: u32, fill: T) -> &mut T {
    let c = color as usize;
    if table.len() <= c {
        table.resize(c + 1, fill);
    }
    &mut table[c]
}
