//! Sparse Hessians: pattern from the tape, star or acyclic coloring, compressed
//! Hessian-vector products, direct recovery or substitution.
//!
//! - `pattern`: [`SparsityPattern`];
//! - `order`: [`Order`]s of the greedy colorings, and the dense rows peeled off;
//! - `color`: [`StarColoring`] and direct recovery;
//! - `acyclic`: [`AcyclicColoring`] (its two-colored trees);
//! - `forest`: the exact two-coloring of a graph without cycles;
//! - `substitution`: recovery along those trees, and its error bound;
//! - `coloring`: [`Coloring`], the one with the fewest sweeps;
//! - `structure`: pattern and coloring together, found within a budget, and the
//!   compressed sweeps;
//! - `plan`: [`SparsePlan`], a structure kept for many points;
//! - `diagonal`: [`hessian_diagonal`], with the distance-1 coloring it needs;
//! - here: [`sparse_hessian`].
//!
//! Every driver here bounds its work and memory: finding the pattern and coloring
//! it stop at a budget of about one dense Hessian's sweeps, and fall back to one
//! color per column (the dense Hessian's cost) past it.

mod acyclic;
mod color;
mod coloring;
mod diagonal;
mod forest;
mod order;
mod pattern;
mod plan;
mod structure;
mod substitution;

pub use acyclic::AcyclicColoring;
pub use color::StarColoring;
pub use coloring::{Coloring, ColoringKind};
pub use diagonal::hessian_diagonal;
pub use order::Order;
pub use pattern::SparsityPattern;
pub use plan::SparsePlan;
pub(crate) use structure::{Budget, Structure};

use crate::error::Error;
use crate::options::Options;
use crate::tape::{Recorded, SymmetricEntries, Var, huge_pages};
use nalgebra_sparse::CscMatrix;

/// The Hessian as a sparse matrix in full symmetric storage (both triangles;
/// structural zeros absent), exactly symmetric.
///
/// Its nonzeros come from one reverse sweep that pushes second-order adjoints
/// along the recorded operations (edge pushing: no pattern or coloring to find
/// first), or, where that would cost more than the dense Hessian, from `p`
/// compressed Hessian-vector products where `p` is the number of colors of a
/// coloring of its pattern (see [`Coloring`]: star or acyclic, whichever needs
/// fewer). The pattern is the structural one ([`SparsityPattern`]) either way.
///
/// ```
/// use hyperhess::Scalar;
/// fn f<S: Scalar>(x: &[S]) -> S { x.windows(2).map(|w| w[0] * w[1]).sum() }
/// let h = hyperhess::sparse_hessian(|x| f(x), &[1.0, 2.0, 3.0]).unwrap();
/// assert_eq!(h.nnz(), 4); // (0,1), (1,0), (1,2), (2,1)
/// assert_eq!(h.get_entry(1, 2).unwrap().into_value(), 1.0);
/// ```
pub fn sparse_hessian<F>(f: F, x: &[f64]) -> Result<CscMatrix<f64>, Error>
where
    F: Fn(&[Var]) -> Var,
{
    let (rec, entries) = Recorded::new_with_entries(f, x, |rec| Budget::sparse(rec).limits())?;
    if let Some(h) = entries {
        return csc(h);
    }
    let structure = Structure::find_or_full(&rec)?;
    to_csc(&structure, &rec)
}

/// Full symmetric rows (equally columns) as a `CscMatrix`, or the first entry
/// of the upper triangle that is not finite as an error.
pub(crate) fn csc(h: SymmetricEntries<f64>) -> Result<CscMatrix<f64>, Error> {
    let SymmetricEntries {
        offsets,
        columns,
        values,
    } = h;
    finite(&offsets, &columns, &values)?;
    // (Moved, not copied: the arrays are the matrix's own.)
    let pattern = csc_pattern(offsets, &columns);
    Ok(CscMatrix::try_from_pattern_and_values(pattern, values)
        .expect("one value per pattern entry by construction"))
}

/// Full symmetric rows (equally columns) as nalgebra's pattern.
pub(crate) fn csc_pattern(
    offsets: Vec<usize>,
    columns: &[u32],
) -> nalgebra_sparse::pattern::SparsityPattern {
    let n = offsets.len() - 1;
    let mut rows: Vec<usize> = Vec::new();
    huge_pages::reserve(&mut rows, columns.len());
    rows.extend(columns.iter().map(|&j| j as usize));
    nalgebra_sparse::pattern::SparsityPattern::try_from_offsets_and_indices(n, n, offsets, rows)
        .expect("rows are sorted and in range by construction")
}

/// `Ok` when every value is finite, else the first entry of the upper triangle
/// that is not, as an error.
fn finite(offsets: &[usize], columns: &[u32], values: &[f64]) -> Result<(), Error> {
    if values.iter().all(|v| v.is_finite()) {
        return Ok(());
    }
    let err = structure::first_non_finite(offsets, columns, values);
    Err(err.expect("a value is not finite"))
}

/// `values` (in `pattern`'s order, symmetric) on `pattern`, or the first entry
/// of the upper triangle that is not finite as an error.
pub(crate) fn with_values(
    pattern: &nalgebra_sparse::pattern::SparsityPattern,
    values: Vec<f64>,
) -> Result<CscMatrix<f64>, Error> {
    if !values.iter().all(|v| v.is_finite()) {
        let columns: Vec<u32> = pattern.minor_indices().iter().map(|&i| i as u32).collect();
        finite(pattern.major_offsets(), &columns, &values)?;
    }
    Ok(
        CscMatrix::try_from_pattern_and_values(pattern.clone(), values)
            .expect("one value per pattern entry by construction"),
    )
}

/// The Hessian at a recording as a sparse matrix with `structure`'s pattern
/// (both triangles, exactly symmetric).
pub(crate) fn to_csc(structure: &Structure, rec: &Recorded) -> Result<CscMatrix<f64>, Error> {
    let values = structure.values(&structure.products(rec, &Options::default()));
    if let Some(err) = structure.first_non_finite(&values) {
        return Err(err);
    }
    let n = structure.pattern.dim();
    let (offsets, columns) = structure.pattern.arrays();
    let rows: Vec<usize> = columns.iter().map(|&j| j as usize).collect();
    let pattern = nalgebra_sparse::pattern::SparsityPattern::try_from_offsets_and_indices(
        n,
        n,
        offsets.to_vec(),
        rows,
    )
    .expect("rows are sorted and in range by construction");
    Ok(CscMatrix::try_from_pattern_and_values(pattern, values)
        .expect("one value per pattern entry by construction"))
}
