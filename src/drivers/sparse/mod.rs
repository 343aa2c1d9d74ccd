//! Sparse Hessians: pattern from the tape, star coloring, compressed
//! Hessian-vector products, direct recovery.
//!
//! - `pattern`: [`SparsityPattern`];
//! - `color`: [`StarColoring`] and recovery;
//! - `structure`: the two together, found within a budget, and the compressed
//!   sweeps;
//! - `plan`: [`SparsePlan`], a structure kept for many points;
//! - here: [`sparse_hessian`] and [`hessian_diagonal`].
//!
//! Every driver here bounds its work and memory: finding the pattern and coloring
//! it stop at a budget of about one dense Hessian's sweeps, and fall back to one
//! color per column (the dense Hessian's cost) past it.

mod color;
mod pattern;
mod plan;
mod structure;

pub use color::StarColoring;
pub use pattern::SparsityPattern;
pub use plan::SparsePlan;
pub(crate) use structure::{Budget, Structure};

use crate::error::Error;
use crate::options::Options;
use crate::tape::{Recorded, Var};
use nalgebra::DVector;
use nalgebra_sparse::CscMatrix;

/// The Hessian as a sparse matrix in full symmetric storage (both triangles;
/// structural zeros absent), from `p` compressed Hessian-vector products where `p`
/// is the number of colors of a star coloring of its pattern.
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
    F: for<'t> Fn(&[Var<'t>]) -> Var<'t>,
{
    let rec = Recorded::new(f, x)?;
    let structure = Structure::find_or_full(&rec)?;
    to_csc(&structure, &rec)
}

/// The Hessian's diagonal, from the compressed products of a coloring of its
/// pattern (as many sweeps as colors, not `n`).
///
/// ```
/// use hyperhess::Scalar;
/// fn f<S: Scalar>(x: &[S]) -> S { x.iter().map(|&v| v.powi(3)).sum::<S>() + x[0] * x[1] }
/// let d = hyperhess::hessian_diagonal(|x| f(x), &[1.0, 2.0]).unwrap();
/// assert_eq!(d.as_slice(), &[6.0, 12.0]);
/// ```
pub fn hessian_diagonal<F>(f: F, x: &[f64]) -> Result<DVector<f64>, Error>
where
    F: for<'t> Fn(&[Var<'t>]) -> Var<'t>,
{
    let rec = Recorded::new(f, x)?;
    let n = rec.inputs();
    let d = match Structure::find(&rec, Budget::sparse(&rec)) {
        Some(s) => {
            let hv = s.products(&rec, &Options::default());
            let (p, colors) = (s.colors(), s.coloring.colors());
            DVector::from_fn(n, |i, _| {
                if s.pattern.contains(i, i) {
                    hv[i * p + colors[i] as usize]
                } else {
                    0.0
                }
            })
        }
        // Past the budget: the unit sweeps, keeping only the diagonal (memory n).
        None => {
            let mut d = DVector::zeros(n);
            crate::tape::with_lanes!(Options::default().lane_width_for(n), L => {
                for j0 in (0..n).step_by(L) {
                    rec.sweep::<L>(
                        |i, s| {
                            *s = [0.0; L];
                            if (j0..j0 + L).contains(&i) {
                                s[i - j0] = 1.0;
                            }
                        },
                        |i, r| {
                            if (j0..j0 + L).contains(&i) {
                                d[i] = r[i - j0];
                            }
                        },
                    );
                }
            });
            d
        }
    };
    match d.iter().position(|v| !v.is_finite()) {
        Some(i) => Err(Error::NonFiniteHessian {
            row: i,
            col: i,
            value: d[i],
        }),
        None => Ok(d),
    }
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
