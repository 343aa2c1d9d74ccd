//! [`Structure`]: a Hessian's sparsity pattern with its coloring (star or acyclic),
//! found within a budget, and what it computes: compressed Hessian-vector products
//! and the entries recovered from them, exactly symmetric.

use super::coloring::{Coloring, ColoringKind};
use super::pattern::SparsityPattern;
use crate::error::Error;
use crate::options::Options;
use crate::scalar::{Base, Scalar};
use crate::tape::{Limits, Recorded, with_lanes};
use nalgebra::DMatrix;

/// A pattern and a coloring of it.
#[derive(Clone, Debug)]
pub(crate) struct Structure {
    pub pattern: SparsityPattern,
    pub coloring: Coloring,
}

/// What finding a structure may spend: `entries` dependency-set entries (memory,
/// 4 bytes each), and `work` coupled pairs produced or greedy coloring steps (time).
#[derive(Clone, Copy, Debug)]
pub(crate) struct Budget {
    pub entries: usize,
    pub work: usize,
}

impl Budget {
    /// The sparse drivers' budget, in proportion to the dense Hessian on the same
    /// recording (`8 n²` bytes of result, `n m / L` sweep steps with `16 L m` bytes
    /// of lanes): `n² + 12 m` set entries (at most `4 n² + 48 m` bytes) and
    /// `n m + n²` steps.
    pub fn sparse<T: Base>(rec: &Recorded<T>) -> Self {
        let (n, m) = (rec.inputs(), rec.sweep_len());
        let n2 = n.saturating_mul(n);
        Budget {
            entries: n2.saturating_add(m.saturating_mul(12)),
            work: n.saturating_mul(m).saturating_add(n2),
        }
    }

    /// What edge pushing may spend for the same budget: as many entries alive
    /// (16 bytes each on `f64`) and entries pushed.
    pub fn limits(self) -> Limits {
        Limits {
            entries: self.entries,
            work: self.work,
        }
    }

    /// The automatic rule's budget: a few passes over the tape, `4 m + 16 n` of each.
    pub fn auto<T: Base>(rec: &Recorded<T>) -> Self {
        let b = 4 * rec.sweep_len() + 16 * rec.inputs();
        Budget {
            entries: b,
            work: b,
        }
    }
}

impl Structure {
    /// The pattern (if found within `budget`) and its coloring (the fewest sweeps
    /// among the greedy colorings within the budget, else one color per column).
    pub fn find<T: Base>(rec: &Recorded<T>, budget: Budget) -> Option<Self> {
        Self::find_within(rec, budget, usize::MAX)
    }

    /// [`Structure::find`], and `None` too when the pattern has more than `max_nnz`
    /// entries.
    pub fn find_within<T: Base>(rec: &Recorded<T>, budget: Budget, max_nnz: usize) -> Option<Self> {
        Self::find_kind(rec, budget, max_nnz, None)
    }

    /// [`Structure::find_within`] with colorings of `kind` only (`None`: both).
    fn find_kind<T: Base>(
        rec: &Recorded<T>,
        budget: Budget,
        max_nnz: usize,
        kind: Option<ColoringKind>,
    ) -> Option<Self> {
        let (offsets, columns) = rec.pattern_rows(budget.entries, budget.work)?;
        let pattern = SparsityPattern::from_rows(offsets, columns);
        if pattern.nnz() > max_nnz {
            return None;
        }
        let coloring = Coloring::fewest(&pattern, kind, budget.work);
        Some(Structure { pattern, coloring })
    }

    /// The structure of the sparse drivers: the pattern within [`Budget::sparse`],
    /// or, when finding it would cost more, every entry with one color per column
    /// (the dense Hessian's sweeps, and its memory; [`Error::OutOfMemory`] when that
    /// does not fit).
    pub fn find_or_full<T: Base>(rec: &Recorded<T>) -> Result<Self, Error> {
        Self::find_or_full_kind(rec, None)
    }

    /// [`Structure::find_or_full`] with colorings of `kind` only (`None`: both).
    pub fn find_or_full_kind<T: Base>(
        rec: &Recorded<T>,
        kind: Option<ColoringKind>,
    ) -> Result<Self, Error> {
        if let Some(s) = Self::find_kind(rec, Budget::sparse(rec), usize::MAX, kind) {
            return Ok(s);
        }
        let n = rec.inputs();
        let pattern = SparsityPattern::full(n).ok_or(Error::OutOfMemory {
            bytes: n.saturating_mul(n).saturating_mul(4),
        })?;
        Ok(Structure {
            pattern,
            coloring: Coloring::distinct(n),
        })
    }

    /// Number of colors: compressed products per evaluation.
    pub fn colors(&self) -> usize {
        self.coloring.count()
    }

    /// `H V` for the coloring's `p` directions (column `c` of `V` sums the unit
    /// vectors of color `c`), as `hv[i * p + c]`: sweeps of
    /// `Options::lane_width_for(p)` lanes (the smallest compiled width that holds
    /// `p`, capped at the lane width asked for), as many as the columns need.
    pub fn products<T: Base>(&self, rec: &Recorded<T>, options: &Options) -> Vec<T> {
        products(rec, self.coloring.colors(), self.colors(), options)
    }

    /// Every entry of the pattern, in pattern (CSR = CSC) order, from the compressed
    /// products: exactly symmetric.
    pub fn values<T: Base>(&self, hv: &[T]) -> Vec<T> {
        self.coloring.recover(&self.pattern, hv)
    }

    /// Writes recovered `values` (in pattern order) into the zero matrix `h`.
    pub fn fill_dense<T: Base>(&self, values: &[T], h: &mut DMatrix<T>) {
        let (offsets, columns) = self.pattern.arrays();
        for i in 0..self.pattern.dim() {
            for k in offsets[i]..offsets[i + 1] {
                h[(i, columns[k] as usize)] = values[k];
            }
        }
    }

    /// The first entry of the upper triangle (column by column, `row <= col`, the
    /// order every driver reports in) of `values` that is not finite, as an error.
    pub fn first_non_finite<T: Scalar>(&self, values: &[T]) -> Option<Error> {
        let (offsets, rows) = self.pattern.arrays();
        first_non_finite(offsets, rows, values)
    }
}

/// The first entry of the upper triangle (column by column, `row <= col`) of the
/// symmetric matrix with columns `offsets` / `rows` and `values` that is not
/// finite, as an error.
pub(crate) fn first_non_finite<T: Scalar>(
    offsets: &[usize],
    rows: &[u32],
    values: &[T],
) -> Option<Error> {
    (0..offsets.len().saturating_sub(1)).find_map(|j| {
        (offsets[j]..offsets[j + 1])
            .take_while(|&k| rows[k] as usize <= j)
            .find(|&k| !values[k].is_finite())
            .map(|k| Error::NonFiniteHessian {
                row: rows[k] as usize,
                col: j,
                value: values[k].value(),
            })
    })
}

/// `H V` for `p` directions (column `c` of `V` sums the unit vectors of the inputs
/// of color `c`; inputs with a color `>= p` are in none), as `hv[i * p + c]`:
/// sweeps of `Options::lane_width_for(p)` lanes (the smallest compiled width that
/// holds `p`, capped at the lane width asked for), as many as the columns need.
pub(crate) fn products<T: Base>(
    rec: &Recorded<T>,
    colors: &[u32],
    p: usize,
    options: &Options,
) -> Vec<T> {
    let mut hv = vec![T::zero(); rec.inputs() * p];
    with_lanes!(options.lane_width_for(p), L => blocks::<T, L>(rec, colors, p, &mut hv));
    hv
}

fn blocks<T: Base, const L: usize>(rec: &Recorded<T>, colors: &[u32], p: usize, hv: &mut [T]) {
    for c0 in (0..p).step_by(L) {
        rec.sweep::<L>(
            |i, s| {
                *s = [T::zero(); L];
                let c = colors[i] as usize;
                if (c0..c0 + L).contains(&c) {
                    s[c - c0] = T::one();
                }
            },
            |i, r| {
                for (l, &v) in r.iter().enumerate().take(p - c0) {
                    hv[i * p + c0 + l] = v;
                }
            },
        );
    }
}
