//! [`hessian_diagonal`]: the Hessian's diagonal from the compressed products of a
//! distance-1 coloring, the coloring the diagonal alone needs.
//!
//! `(H V)[i][c]` sums `H[i][j]` over the columns `j` of color `c`; when no
//! neighbour of `i` shares its color, the sum at `c = color(i)` is `H[i][i]`
//! alone. So a distance-1 coloring (adjacent vertices differ) suffices: two
//! colors on any bipartite pattern (tridiagonal, a 2-D grid), where the full
//! Hessian needs a star or an acyclic coloring.

use super::order::Order;
use super::pattern::SparsityPattern;
use super::structure::{Budget, products};
use crate::error::Error;
use crate::options::Options;
use crate::tape::{Recorded, Var};
use nalgebra::DVector;

/// The Hessian's diagonal, from as many compressed products as a distance-1
/// coloring of its pattern has colors (not `n`).
///
/// ```
/// use hyperhess::Scalar;
/// fn f<S: Scalar>(x: &[S]) -> S { x.iter().map(|&v| v.powi(3)).sum::<S>() + x[0] * x[1] }
/// let d = hyperhess::hessian_diagonal(|x| f(x), &[1.0, 2.0]).unwrap();
/// assert_eq!(d.as_slice(), &[6.0, 12.0]);
/// ```
pub fn hessian_diagonal<F>(f: F, x: &[f64]) -> Result<DVector<f64>, Error>
where
    F: Fn(&[Var]) -> Var,
{
    let rec = Recorded::new(f, x)?;
    let n = rec.inputs();
    let budget = Budget::sparse(&rec);
    // Past the budget: one color per column (the unit sweeps), keeping only the
    // diagonal (memory n p).
    let (colors, p, pattern) = match rec.pattern_rows(budget.entries, budget.work) {
        Some((offsets, columns)) => {
            let pattern = SparsityPattern::from_rows(offsets, columns);
            let (colors, p) = distance1(&pattern);
            (colors, p, Some(pattern))
        }
        None => ((0..n as u32).collect(), n, None),
    };
    let mut d = DVector::zeros(n);
    let options = Options::default();
    // In blocks of at most 16 colors, so that the products take memory 16 n.
    for c0 in (0..p).step_by(16) {
        let q = 16.min(p - c0);
        let block: Vec<u32> = colors
            .iter()
            .map(|&c| {
                if (c0..c0 + q).contains(&(c as usize)) {
                    c - c0 as u32
                } else {
                    u32::MAX
                }
            })
            .collect();
        let hv = products(&rec, &block, q, &options);
        for i in (0..n).filter(|&i| (c0..c0 + q).contains(&(colors[i] as usize))) {
            if pattern.as_ref().is_none_or(|s| s.contains(i, i)) {
                d[i] = hv[i * q + block[i] as usize];
            }
        }
    }
    match d.iter().position(|v| !v.is_finite()) {
        Some(i) => Err(Error::NonFiniteHessian {
            row: i,
            col: i,
            value: d[i],
        }),
        None => Ok(d),
    }
}

/// A distance-1 coloring of `pattern`: the greedy coloring with the fewest colors
/// over every [`Order`] (stopping at two, or one without off-diagonal entries),
/// as colors and their count.
pub(crate) fn distance1(pattern: &SparsityPattern) -> (Vec<u32>, usize) {
    let n = pattern.dim();
    let fewest_possible = if (0..n).any(|v| pattern.neighbors(v).next().is_some()) {
        2
    } else {
        1
    };
    let mut best: Option<(Vec<u32>, usize)> = None;
    for order in Order::ALL {
        let mut colors = vec![u32::MAX; n];
        let mut forbidden: Vec<usize> = Vec::new();
        let mut count = 0;
        for v in order.vertices(pattern) {
            let v = v as usize;
            for w in pattern.neighbors(v) {
                let c = colors[w] as usize;
                if colors[w] != u32::MAX {
                    if forbidden.len() <= c {
                        forbidden.resize(c + 1, usize::MAX);
                    }
                    forbidden[c] = v;
                }
            }
            let c = (0..)
                .find(|&c| forbidden.get(c).is_none_or(|&u| u != v))
                .unwrap_or(0);
            colors[v] = c as u32;
            count = count.max(c + 1);
        }
        if best.as_ref().is_none_or(|b| count < b.1) {
            best = Some((colors, count));
        }
        if count <= fewest_possible {
            break;
        }
    }
    best.unwrap_or((Vec::new(), 0))
}

/// Whether `colors` is a distance-1 coloring of `pattern` (adjacent vertices
/// differ).
#[cfg(test)]
pub(crate) fn is_distance1(pattern: &SparsityPattern, colors: &[u32]) -> bool {
    colors.len() == pattern.dim()
        && (0..pattern.dim()).all(|v| pattern.neighbors(v).all(|w| colors[w] != colors[v]))
}

#[cfg(test)]
mod tests {
    use super::{distance1, is_distance1};
    use crate::sparse::SparsityPattern;

    #[test]
    fn two_colors_on_bipartite_patterns_and_valid_on_others() {
        let path: Vec<(usize, usize)> = (0..99).map(|i| (i, i + 1)).collect();
        let p = SparsityPattern::from_entries(100, &path);
        let (c, count) = distance1(&p);
        assert_eq!(count, 2);
        assert!(is_distance1(&p, &c));
        // a 10 x 10 grid: bipartite
        let grid: Vec<(usize, usize)> = (0..100)
            .flat_map(|v| {
                let right = (v % 10 < 9).then_some((v, v + 1));
                let down = (v + 10 < 100).then_some((v, v + 10));
                right.into_iter().chain(down)
            })
            .collect();
        let p = SparsityPattern::from_entries(100, &grid);
        let (c, count) = distance1(&p);
        assert_eq!(count, 2);
        assert!(is_distance1(&p, &c));
        // a triangle: three
        let p = SparsityPattern::from_entries(3, &[(0, 1), (1, 2), (0, 2)]);
        let (c, count) = distance1(&p);
        assert_eq!(count, 3);
        assert!(is_distance1(&p, &c));
    }
}
