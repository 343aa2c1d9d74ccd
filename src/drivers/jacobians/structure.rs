//! [`JacobianStructure`]: a Jacobian's sparsity pattern with a partition coloring
//! of its columns or of its rows (whichever needs fewer sweeps), and what it
//! computes: the entries, each read alone from one compressed sweep.

use super::color::partition_coloring;
use crate::error::Error;
use crate::options::Options;
use crate::tape::{VectorRecording, with_lanes};
use nalgebra_sparse::CscMatrix;

/// How the entries are read: from tangent sweeps seeded with a color's columns,
/// or from reverse sweeps seeded at a color's rows.
#[derive(Clone, Debug)]
enum Coloring {
    /// Column `j` has color `colors[j]`.
    Columns { colors: Vec<u32>, count: usize },
    /// Row `k` has color `colors[k]`; `rows[offsets[c]..offsets[c + 1]]` are the
    /// rows of color `c`.
    Rows {
        colors: Vec<u32>,
        count: usize,
        offsets: Vec<usize>,
        rows: Vec<u32>,
    },
}

/// The structure of an `m x n` Jacobian whose row `k` is output `first + k` of a
/// [`VectorRecording`]: the pattern (rows and columns), the coloring, and the
/// order of the entries (column-major, rows sorted: a `CscMatrix`'s).
#[derive(Clone, Debug)]
pub(crate) struct JacobianStructure {
    m: usize,
    n: usize,
    first: usize,
    /// CSR: row offsets and sorted columns.
    row_offsets: Vec<usize>,
    row_cols: Vec<u32>,
    /// CSC: column offsets and sorted rows.
    col_offsets: Vec<usize>,
    col_rows: Vec<u32>,
    /// For each CSR entry, its position in the CSC order.
    csc_of_csr: Vec<usize>,
    coloring: Coloring,
}

impl JacobianStructure {
    /// The structure of rows `first..first + m` of `rec`'s Jacobian: its pattern
    /// from the tape (all `m x n` entries when finding it exceeds a budget of
    /// `m n` entries plus 12 per recorded operation), colored by columns or rows,
    /// whichever needs fewer sweeps ([`Error::OutOfMemory`] when even the full
    /// pattern does not fit).
    pub(crate) fn find(rec: &VectorRecording, first: usize, m: usize) -> Result<Self, Error> {
        let n = rec.inputs();
        let dense = m.saturating_mul(n);
        let budget = dense.saturating_add(rec.recording().sweep_len().saturating_mul(12));
        let (offsets, cols) = match rec.jacobian_pattern(budget) {
            Some((offsets, cols)) => {
                let base = offsets[first];
                let offsets: Vec<usize> = offsets[first..=first + m]
                    .iter()
                    .map(|o| o - base)
                    .collect();
                (offsets, cols[base..].to_vec())
            }
            None => {
                let mut cols = Vec::new();
                cols.try_reserve_exact(dense)
                    .map_err(|_| Error::OutOfMemory {
                        bytes: dense.saturating_mul(4),
                    })?;
                for _ in 0..m {
                    cols.extend(0..n as u32);
                }
                ((0..=m).map(|k| k * n).collect(), cols)
            }
        };
        let mut cols = cols;
        cols.truncate(offsets[m]);
        Ok(Self::from_rows(m, n, first, offsets, cols))
    }

    /// The structure of a given pattern (CSR, sorted columns), colored.
    fn from_rows(
        m: usize,
        n: usize,
        first: usize,
        row_offsets: Vec<usize>,
        row_cols: Vec<u32>,
    ) -> Self {
        let nnz = row_cols.len();
        // CSC by counting sort (rows come out sorted within each column): the
        // entries grouped by column, in row order.
        let (col_offsets, by_column) = group_by(n, &row_cols);
        let mut col_rows = vec![0u32; nnz];
        let mut csc_of_csr = vec![0usize; nnz];
        for k in 0..m {
            for e in row_offsets[k]..row_offsets[k + 1] {
                csc_of_csr[e] = by_column[e];
                col_rows[by_column[e]] = k as u32;
            }
        }
        // Colorings within a budget of a few passes over the pattern; a dense row
        // (or column) makes one side's coloring quadratic, and that side distinct.
        let budget = 64usize.saturating_mul(nnz + m + n);
        let rows = (&row_offsets[..], &row_cols[..]);
        let cols = (&col_offsets[..], &col_rows[..]);
        let by_cols = partition_coloring(n, cols, rows, budget)
            .unwrap_or_else(|| ((0..n as u32).collect(), n));
        let by_rows = partition_coloring(m, rows, cols, budget);
        // Tangent sweeps carry several colors at once (lanes), so columns win ties.
        let coloring = match by_rows {
            Some((colors, count)) if count < by_cols.1 => {
                let (offsets, position) = group_by(count, &colors);
                let mut rows = vec![0u32; m];
                for (k, &p) in position.iter().enumerate() {
                    rows[p] = k as u32;
                }
                Coloring::Rows {
                    colors,
                    count,
                    offsets,
                    rows,
                }
            }
            _ => Coloring::Columns {
                colors: by_cols.0,
                count: by_cols.1,
            },
        };
        JacobianStructure {
            m,
            n,
            first,
            row_offsets,
            row_cols,
            col_offsets,
            col_rows,
            csc_of_csr,
            coloring,
        }
    }

    /// Number of structural nonzeros.
    pub(crate) fn nnz(&self) -> usize {
        self.row_cols.len()
    }

    /// Number of colors: tangent sweeps' columns, or reverse sweeps.
    pub(crate) fn colors(&self) -> usize {
        match &self.coloring {
            Coloring::Columns { count, .. } | Coloring::Rows { count, .. } => *count,
        }
    }

    /// The entries' (row, column) indices, in the CSC order of the values.
    pub(crate) fn indices(&self) -> (Vec<usize>, Vec<usize>) {
        let rows = self.col_rows.iter().map(|&k| k as usize).collect();
        let cols = (0..self.n)
            .flat_map(|j| std::iter::repeat_n(j, self.col_offsets[j + 1] - self.col_offsets[j]))
            .collect();
        (rows, cols)
    }

    /// The first entry of `rec`'s Jacobian pattern (rows `first..first + m`) that
    /// this structure lacks, as (row, column).
    pub(crate) fn first_missing(&self, rec: &VectorRecording) -> Option<(usize, usize)> {
        let budget = self
            .m
            .saturating_mul(self.n)
            .saturating_add(rec.recording().sweep_len().saturating_mul(12));
        let Some((offsets, cols)) = rec.jacobian_pattern(budget) else {
            return Some((0, 0));
        };
        (0..self.m).find_map(|k| {
            let mine = &self.row_cols[self.row_offsets[k]..self.row_offsets[k + 1]];
            let now = &cols[offsets[self.first + k]..offsets[self.first + k + 1]];
            now.iter()
                .find(|j| mine.binary_search(j).is_err())
                .map(|&j| (k, j as usize))
        })
    }

    /// The entries at `rec`'s point into `out` (CSC order, [`JacobianStructure::nnz`]
    /// values). Reverse sweeps leave `rec` weighted by their last row color.
    /// Errors: [`Error::NonFiniteJacobian`].
    pub(crate) fn evaluate(
        &self,
        rec: &mut VectorRecording,
        options: &Options,
        out: &mut [f64],
    ) -> Result<(), Error> {
        let (first, m) = (self.first, self.m);
        match &self.coloring {
            Coloring::Columns { colors, count } => {
                with_lanes!(options.lane_width_for(*count), L => {
                    for c0 in (0..*count).step_by(L) {
                        rec.tangents::<L>(
                            |i, s| {
                                *s = [0.0; L];
                                let c = colors[i] as usize;
                                if (c0..c0 + L).contains(&c) {
                                    s[c - c0] = 1.0;
                                }
                            },
                            |k, r| {
                                if !(first..first + m).contains(&k) {
                                    return;
                                }
                                let row = k - first;
                                for e in self.row_offsets[row]..self.row_offsets[row + 1] {
                                    let c = colors[self.row_cols[e] as usize] as usize;
                                    if (c0..c0 + L).contains(&c) {
                                        out[self.csc_of_csr[e]] = r[c - c0];
                                    }
                                }
                            },
                        );
                    }
                });
            }
            Coloring::Rows {
                colors,
                count,
                offsets,
                rows,
            } => {
                for c in 0..*count {
                    rec.weigh(|k| {
                        let on = (first..first + m).contains(&k) && colors[k - first] as usize == c;
                        if on { 1.0 } else { 0.0 }
                    });
                    let g = rec.weighted_gradient();
                    for &row in &rows[offsets[c]..offsets[c + 1]] {
                        let row = row as usize;
                        for e in self.row_offsets[row]..self.row_offsets[row + 1] {
                            out[self.csc_of_csr[e]] = g[self.row_cols[e] as usize];
                        }
                    }
                }
            }
        }
        self.first_non_finite(out)
    }

    /// [`Error::NonFiniteJacobian`] for the first non-finite value (CSC order).
    fn first_non_finite(&self, values: &[f64]) -> Result<(), Error> {
        match values.iter().position(|v| !v.is_finite()) {
            None => Ok(()),
            Some(e) => {
                let col = self.col_offsets.partition_point(|&o| o <= e) - 1;
                Err(Error::NonFiniteJacobian {
                    row: self.col_rows[e] as usize,
                    col,
                    value: values[e],
                })
            }
        }
    }

    /// The Jacobian as a `CscMatrix` with `values` (CSC order).
    pub(crate) fn to_csc(&self, values: Vec<f64>) -> CscMatrix<f64> {
        let rows = self.col_rows.iter().map(|&k| k as usize).collect();
        let pattern = nalgebra_sparse::pattern::SparsityPattern::try_from_offsets_and_indices(
            self.n,
            self.m,
            self.col_offsets.clone(),
            rows,
        )
        .expect("rows are sorted and in range by construction");
        CscMatrix::try_from_pattern_and_values(pattern, values)
            .expect("one value per pattern entry by construction")
    }
}

/// Counting sort of `keys` (each below `groups`): the groups' offsets, and each
/// key's position in the grouped order (stable: equal keys keep their order).
fn group_by(groups: usize, keys: &[u32]) -> (Vec<usize>, Vec<usize>) {
    let mut offsets = vec![0usize; groups + 1];
    for &k in keys {
        offsets[k as usize + 1] += 1;
    }
    for g in 0..groups {
        offsets[g + 1] += offsets[g];
    }
    let mut fill = offsets.clone();
    let position = keys
        .iter()
        .map(|&k| {
            let p = fill[k as usize];
            fill[k as usize] += 1;
            p
        })
        .collect();
    (offsets, position)
}
