//! [`Coloring`]: the coloring a sparse Hessian is computed with, star or acyclic,
//! chosen by the number of sweeps among several vertex orders, with dense rows
//! peeled off.

use super::acyclic::AcyclicColoring;
use super::color::StarColoring;
use super::order::{Order, dense_vertices};
use super::pattern::SparsityPattern;
use crate::scalar::Scalar;

/// Which kind of coloring (and so which recovery) to use.
///
/// ```
/// use hyperhess::{ColoringKind, Scalar, SparsePlan};
/// fn f<S: Scalar>(x: &[S]) -> S { x.windows(2).map(|w| (w[1] - w[0] * w[0]).powi(2)).sum() }
/// let x = [0.5; 50];
/// let star = SparsePlan::with_coloring(|x| f(x), &x, Some(ColoringKind::Star)).unwrap();
/// let acyclic = SparsePlan::with_coloring(|x| f(x), &x, Some(ColoringKind::Acyclic)).unwrap();
/// assert_eq!((star.colors(), acyclic.colors()), (3, 2));
/// assert_eq!(star.coloring().kind(), ColoringKind::Star);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ColoringKind {
    /// Star coloring, direct recovery: every entry read off one product.
    Star,
    /// Acyclic coloring, recovery by substitution: fewer colors, and an error
    /// that grows with the length of the substitutions (see [`Coloring`]).
    Acyclic,
}

/// A coloring of a Hessian's sparsity pattern: the columns of one color are summed
/// into one direction, and the entries are recovered from the compressed products,
/// each entry of the upper triangle once and mirrored (exactly symmetric).
///
/// The sparse drivers take the coloring with the fewest sweeps among greedy star and
/// acyclic colorings in several [`Order`]s, with and without the dense rows peeled
/// off (a row with more than `max(16, √nnz)` entries gets a color of its own: one
/// sweep, its column read off directly); on a tie, star (direct recovery) wins.
///
/// # Accuracy
///
/// A star coloring's entries are read off one product each: as accurate as the
/// dense sweeps. An acyclic coloring's are alternating sums of up to `s` product
/// entries, `s` = [`Coloring::longest_substitution`]; with each product entry in
/// error by at most `δ`, `R` the largest absolute row sum of `H` and `Δ` the largest
/// degree of a vertex in the pattern's graph, a recovered entry is within
/// `s (δ + 2 (Δ + 1) ε R)` of the exact one (`ε` = `f64::EPSILON`; first order in
/// `ε`). On a path of `m` vertices (a tridiagonal Hessian), `s ≤ ⌈m / 2⌉`: entries
/// small next to their row's largest lose relative accuracy in proportion. Ask for
/// [`ColoringKind::Star`] ([`crate::SparsePlan::with_coloring`]) when that matters.
///
/// ```
/// use hyperhess::{ColoringKind, Scalar, SparsePlan};
/// fn f<S: Scalar>(x: &[S]) -> S { x.windows(2).map(|w| w[0] * w[1].sin()).sum() }
/// let plan = SparsePlan::new(|x| f(x), &[0.5; 20]).unwrap();
/// let c = plan.coloring();
/// assert_eq!((c.kind(), c.count()), (ColoringKind::Acyclic, 2));
/// assert!(c.is_valid(plan.pattern()));
/// assert_eq!(c.longest_substitution(), 10);
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Coloring {
    /// A star coloring (direct recovery).
    Star(StarColoring),
    /// An acyclic coloring (recovery by substitution).
    Acyclic(AcyclicColoring),
}

impl Coloring {
    /// The coloring with the fewest colors among the greedy colorings of `kind`
    /// (both kinds when `None`; direct recovery first on a tie) in every [`Order`]
    /// (and, for acyclic, the two-coloring of a graph that is a forest), with and
    /// without the dense rows peeled off, each tried while its cost (steps,
    /// estimated from the degrees) fits in what is left of `budget`; one color
    /// per column when none fits. Stops early at the fewest colors possible: one
    /// without off-diagonal entries, else two (direct recovery needs three as
    /// soon as the graph has a path on four vertices).
    ///
    /// ```
    /// use hyperhess::{Coloring, SparsityPattern};
    /// let p = SparsityPattern::from_entries(4, &[(0, 1), (1, 2), (2, 3)]);
    /// assert_eq!(Coloring::fewest(&p, None, usize::MAX).count(), 2);
    /// ```
    pub fn fewest(pattern: &SparsityPattern, kind: Option<ColoringKind>, budget: usize) -> Self {
        let n = pattern.dim();
        let (fewest, fewest_star) = fewest_possible(pattern);
        let kinds: &[ColoringKind] = match kind {
            Some(ColoringKind::Star) => &[ColoringKind::Star],
            Some(ColoringKind::Acyclic) => &[ColoringKind::Acyclic],
            None => &[ColoringKind::Acyclic, ColoringKind::Star],
        };
        // Done when no coloring can have fewer colors, nor as many with direct
        // recovery.
        let done = |b: &Coloring| {
            b.count() <= fewest && (b.longest_substitution() == 1 || b.count() < fewest_star)
        };
        let dense = dense_vertices(pattern);
        let mut left = budget;
        let mut best: Option<Coloring> = None;
        for peeled in [None, dense.as_deref()] {
            // A forest (without the peeled vertices): two colors, exactly.
            let forest = kinds.contains(&ColoringKind::Acyclic);
            if let Some(c) = forest
                .then(|| AcyclicColoring::forest(pattern, peeled))
                .flatten()
                .map(Coloring::Acyclic)
            {
                if best.as_ref().is_none_or(|b| c.better_than(b)) {
                    best = Some(c);
                }
                if best.as_ref().is_some_and(done) {
                    return best.unwrap_or_else(|| Self::distinct(n));
                }
            }
            for order in Order::ALL {
                for &k in kinds {
                    let cost = match k {
                        ColoringKind::Star => StarColoring::cost_within(pattern, peeled, left),
                        ColoringKind::Acyclic => {
                            AcyclicColoring::cost_within(pattern, peeled, left)
                        }
                    };
                    let Some(cost) = cost else { continue };
                    left -= cost;
                    let c = match k {
                        ColoringKind::Star => {
                            Coloring::Star(StarColoring::greedy(pattern, order, peeled))
                        }
                        ColoringKind::Acyclic => {
                            Coloring::Acyclic(AcyclicColoring::greedy(pattern, order, peeled))
                        }
                    };
                    if best.as_ref().is_none_or(|b| c.better_than(b)) {
                        best = Some(c);
                    }
                    if best.as_ref().is_some_and(done) {
                        return best.unwrap_or_else(|| Self::distinct(n));
                    }
                }
            }
            if dense.is_none() {
                break;
            }
        }
        best.unwrap_or_else(|| Self::distinct(n))
    }

    /// One color per column (the dense Hessian's sweeps).
    pub(crate) fn distinct(n: usize) -> Self {
        Coloring::Star(StarColoring::distinct(n))
    }

    /// Fewer colors; on a tie, the shorter substitution (1: direct), then star.
    fn better_than(&self, other: &Coloring) -> bool {
        let key = |c: &Coloring| {
            (
                c.count(),
                c.longest_substitution(),
                c.kind() == ColoringKind::Acyclic,
            )
        };
        key(self) < key(other)
    }

    /// The kind of coloring.
    ///
    /// ```
    /// use hyperhess::{Coloring, ColoringKind, SparsityPattern};
    /// // a triangle: three colors either way, and star (direct) wins the tie
    /// let p = SparsityPattern::from_entries(3, &[(0, 1), (1, 2), (0, 2)]);
    /// assert_eq!(Coloring::fewest(&p, None, usize::MAX).kind(), ColoringKind::Star);
    /// ```
    pub fn kind(&self) -> ColoringKind {
        match self {
            Coloring::Star(_) => ColoringKind::Star,
            Coloring::Acyclic(_) => ColoringKind::Acyclic,
        }
    }

    /// Number of colors (compressed Hessian-vector products needed).
    ///
    /// ```
    /// let p = hyperhess::SparsityPattern::from_entries(3, &[(0, 0), (1, 1), (2, 2)]);
    /// assert_eq!(hyperhess::Coloring::fewest(&p, None, usize::MAX).count(), 1);
    /// ```
    pub fn count(&self) -> usize {
        match self {
            Coloring::Star(c) => c.count(),
            Coloring::Acyclic(c) => c.count(),
        }
    }

    /// The color of each column.
    ///
    /// ```
    /// let p = hyperhess::SparsityPattern::from_entries(3, &[(0, 1), (1, 2)]);
    /// assert_eq!(hyperhess::Coloring::fewest(&p, None, usize::MAX).colors(), &[0, 1, 0]);
    /// ```
    pub fn colors(&self) -> &[u32] {
        match self {
            Coloring::Star(c) => c.colors(),
            Coloring::Acyclic(c) => c.colors(),
        }
    }

    /// The largest number of product entries entering one recovered entry: 1 for
    /// a star coloring (direct), up to the size of a two-colored tree for an
    /// acyclic one (see the error bound above).
    ///
    /// ```
    /// let p = hyperhess::SparsityPattern::from_entries(2, &[(0, 1)]);
    /// assert_eq!(hyperhess::Coloring::fewest(&p, None, usize::MAX).longest_substitution(), 1);
    /// ```
    pub fn longest_substitution(&self) -> usize {
        match self {
            Coloring::Star(_) => 1,
            Coloring::Acyclic(c) => c.longest_substitution(),
        }
    }

    /// Whether this is a valid coloring of its kind for `pattern` (star, or
    /// acyclic).
    ///
    /// ```
    /// let p = hyperhess::SparsityPattern::from_entries(3, &[(0, 1), (1, 2)]);
    /// assert!(hyperhess::Coloring::fewest(&p, None, usize::MAX).is_valid(&p));
    /// ```
    pub fn is_valid(&self, pattern: &SparsityPattern) -> bool {
        match self {
            Coloring::Star(c) => c.is_star_coloring(pattern),
            Coloring::Acyclic(c) => c.is_acyclic_coloring(pattern),
        }
    }

    /// For each entry of `pattern` (pattern order), how many product entries enter
    /// its recovery (`s` of the error bound above; 1: read off directly).
    ///
    /// ```
    /// let p = hyperhess::SparsityPattern::from_entries(4, &[(0, 1), (1, 2), (2, 3)]);
    /// let c = hyperhess::Coloring::fewest(&p, None, usize::MAX);
    /// // (1, 2) is recovered last, from two products: 1's and, through (0, 1), 0's
    /// assert_eq!(c.substitution_lengths(&p), vec![1, 1, 2, 2, 1, 1]);
    /// ```
    pub fn substitution_lengths(&self, pattern: &SparsityPattern) -> Vec<usize> {
        match self {
            Coloring::Star(_) => vec![1; pattern.nnz()],
            Coloring::Acyclic(c) => c.substitution_lengths(pattern),
        }
    }

    /// Every entry of `pattern` (pattern order) from the compressed products
    /// `hv[i * p + c]`: exactly symmetric.
    pub(crate) fn recover<T: Scalar>(&self, pattern: &SparsityPattern, hv: &[T]) -> Vec<T> {
        match self {
            Coloring::Star(c) => c.recover(pattern, hv),
            Coloring::Acyclic(c) => c.recover(pattern, hv),
        }
    }
}

/// The fewest colors any coloring can have (1 without off-diagonal entries, else
/// 2), and the fewest a star coloring can have (3 when the graph has a path on
/// four vertices: an edge both of whose ends have another neighbour).
fn fewest_possible(pattern: &SparsityPattern) -> (usize, usize) {
    let n = pattern.dim();
    let degree: Vec<usize> = (0..n).map(|v| pattern.neighbors(v).count()).collect();
    if degree.iter().all(|&d| d == 0) {
        return (1, 1);
    }
    let p4 = (0..n).any(|v| degree[v] >= 2 && pattern.neighbors(v).any(|w| degree[w] >= 2));
    (2, if p4 { 3 } else { 2 })
}
