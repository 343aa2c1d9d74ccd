//! The sparse engine's factorization: faer's sparse Cholesky of `H + tau I` with
//! an AMD fill-reducing ordering, its symbolic analysis done once per pattern and
//! reused at every shift and every iterate, with Nocedal and Wright's increasing
//! shift (Algorithm 3.3, as the dense engine).

use super::NewtonOptions;
use super::dense::increasing_shifts;
use crate::error::Error;
use faer::dyn_stack::{MemBuffer, MemStack, StackReq};
use faer::linalg::cholesky::llt::factor::LltRegularization;
use faer::sparse::linalg::cholesky::{
    CholeskySymbolicParams, LltRef, SymbolicCholesky, SymmetricOrdering,
    factorize_symbolic_cholesky,
};
use faer::sparse::{SparseColMatRef, SymbolicSparseColMatRef};
use faer::{Conj, MatMut, Par, Side};
use nalgebra::DVector;
use nalgebra_sparse::CscMatrix;

/// `H + tau I`'s sparse Cholesky factorization for one pattern: the upper
/// triangle with a full diagonal (where `tau` goes), its symbolic analysis, and
/// the numeric buffers, all kept for the next factorization.
pub(crate) struct ShiftedCholesky {
    n: usize,
    /// The pattern of the Hessian this was built for (its column offsets and row
    /// indices, to check that a Hessian has it).
    h_offsets: Vec<usize>,
    h_rows: Vec<usize>,
    /// Upper triangle plus diagonal, CSC.
    col_ptr: Vec<usize>,
    row_idx: Vec<usize>,
    /// For each upper entry, its index in the Hessian's values (`usize::MAX`: a
    /// diagonal entry the Hessian's pattern does not have).
    source: Vec<usize>,
    /// Index of each column's diagonal entry in the upper values.
    diag: Vec<usize>,
    values: Vec<f64>,
    symbolic: SymbolicCholesky<usize>,
    l_values: Vec<f64>,
    scratch: MemBuffer,
}

impl std::fmt::Debug for ShiftedCholesky {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ShiftedCholesky")
            .field("n", &self.n)
            .field("factor_entries", &self.l_values.len())
            .finish()
    }
}

/// Allocates `len` copies of `value`, or reports the bytes as out of memory.
fn try_vec<T: Clone>(len: usize, value: T) -> Result<Vec<T>, Error> {
    let mut v = Vec::new();
    v.try_reserve_exact(len).map_err(|_| Error::OutOfMemory {
        bytes: len.saturating_mul(size_of::<T>()),
    })?;
    v.resize(len, value);
    Ok(v)
}

impl ShiftedCholesky {
    /// The symbolic analysis of `h`'s pattern (AMD ordering, elimination tree,
    /// the factor's structure), and the numeric buffers when the estimate of the
    /// factorization's bytes (factor values and row indices, faer's workspace,
    /// the shifted upper triangle) is within `memory_limit`; else
    /// [`Error::OutOfMemory`] with the estimate, before any numeric work.
    pub(crate) fn new(h: &CscMatrix<f64>, memory_limit: usize) -> Result<Self, Error> {
        let n = h.nrows();
        let (offsets, rows, _) = h.csc_data();
        let mut col_ptr = Vec::with_capacity(n + 1);
        let upper = (h.nnz() + n) / 2 + n;
        let mut row_idx = Vec::with_capacity(upper);
        let mut source = Vec::with_capacity(upper);
        let mut diag = Vec::with_capacity(n);
        col_ptr.push(0);
        for j in 0..n {
            let mut has_diag = false;
            for (k, &i) in rows
                .iter()
                .enumerate()
                .take(offsets[j + 1])
                .skip(offsets[j])
            {
                if i > j {
                    break;
                }
                if i == j {
                    has_diag = true;
                    diag.push(row_idx.len());
                }
                row_idx.push(i);
                source.push(k);
            }
            if !has_diag {
                diag.push(row_idx.len());
                row_idx.push(j);
                source.push(usize::MAX);
            }
            col_ptr.push(row_idx.len());
        }
        let pattern = SymbolicSparseColMatRef::new_checked(n, n, &col_ptr, None, &row_idx);
        let symbolic = factorize_symbolic_cholesky(
            pattern,
            Side::Upper,
            SymmetricOrdering::Amd,
            CholeskySymbolicParams::default(),
        )
        .map_err(|_| Error::OutOfMemory {
            bytes: n.saturating_mul(64),
        })?;
        let req = StackReq::any_of(&[
            symbolic.factorize_numeric_llt_scratch::<f64>(Par::Seq, Default::default()),
            symbolic.solve_in_place_scratch::<f64>(1, Par::Seq),
        ]);
        let len = symbolic.len_val();
        let bytes = len
            .saturating_mul(16)
            .saturating_add(req.unaligned_bytes_required())
            .saturating_add(row_idx.len().saturating_mul(24));
        if bytes > memory_limit {
            return Err(Error::OutOfMemory { bytes });
        }
        let l_values = try_vec(len, 0.0)?;
        let values = try_vec(row_idx.len(), 0.0)?;
        let scratch = MemBuffer::try_new(req).map_err(|_| Error::OutOfMemory {
            bytes: req.unaligned_bytes_required(),
        })?;
        Ok(ShiftedCholesky {
            n,
            h_offsets: offsets.to_vec(),
            h_rows: rows.to_vec(),
            col_ptr,
            row_idx,
            source,
            diag,
            values,
            symbolic,
            l_values,
            scratch,
        })
    }

    /// Whether `h` has the pattern this factorization was analysed for.
    pub(crate) fn fits(&self, h: &CscMatrix<f64>) -> bool {
        let (offsets, rows, _) = h.csc_data();
        h.nrows() == self.n && offsets == self.h_offsets && rows == self.h_rows
    }

    /// Stored entries of the factor `L`.
    pub(crate) fn factor_entries(&self) -> usize {
        self.l_values.len()
    }

    /// `p` solving `(H + tau I) p = -g`, `tau` (Algorithm 3.3) and the number of
    /// numeric factorizations tried. `h` must [`fit`](Self::fits).
    pub(crate) fn solve(
        &mut self,
        h: &CscMatrix<f64>,
        g: &DVector<f64>,
        options: &NewtonOptions,
    ) -> Result<(DVector<f64>, f64, usize), Error> {
        let hv = h.values();
        let entry = |k: usize| if k == usize::MAX { 0.0 } else { hv[k] };
        let min_diag = self
            .diag
            .iter()
            .map(|&d| entry(self.source[d]))
            .fold(f64::INFINITY, f64::min);
        increasing_shifts(min_diag, options, |tau| {
            for (v, &k) in self.values.iter_mut().zip(&self.source) {
                *v = entry(k);
            }
            for &d in &self.diag {
                self.values[d] += tau;
            }
            let a = SparseColMatRef::new(
                SymbolicSparseColMatRef::new_checked(
                    self.n,
                    self.n,
                    &self.col_ptr,
                    None,
                    &self.row_idx,
                ),
                &self.values,
            );
            let stack = MemStack::new(&mut self.scratch);
            let factored = self.symbolic.factorize_numeric_llt(
                &mut self.l_values,
                a,
                Side::Upper,
                LltRegularization::default(),
                Par::Seq,
                stack,
                Default::default(),
            );
            if factored.is_err() {
                return Ok(None);
            }
            let mut p = -g;
            let llt = LltRef::new(&self.symbolic, &self.l_values);
            llt.solve_in_place_with_conj(
                Conj::No,
                MatMut::from_column_major_slice_mut(p.as_mut_slice(), self.n, 1),
                Par::Seq,
                MemStack::new(&mut self.scratch),
            );
            if p.iter().any(|v| !v.is_finite()) {
                return Err(Error::NotPositiveDefinite { tau });
            }
            Ok(Some(p))
        })
    }
}
