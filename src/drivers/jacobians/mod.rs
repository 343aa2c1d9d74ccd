//! Jacobians of vector functions `g: R^n -> R^m`, written generically as
//! `fn g<S: Scalar>(x: &[S]) -> Vec<S>` and recorded once: a reverse sweep seeded
//! at an output gives a row, a tangent sweep read at the outputs a column (PyTorch's
//! `torch.autograd.functional.jacobian`).
//!
//! - `color`: partition colorings of columns and rows;
//! - `structure`: [`JacobianStructure`], the pattern and its coloring, evaluated;
//! - here: [`jacobian`] and [`sparse_jacobian`].

mod color;
mod structure;

pub(crate) use structure::JacobianStructure;

use crate::dense::unit_lanes;
use crate::error::Error;
use crate::options::Options;
use crate::tape::{Var, VectorRecording, with_lanes};
use nalgebra::DMatrix;
use nalgebra_sparse::CscMatrix;

/// The `m x n` Jacobian of a vector function at `x`, dense: `m` reverse sweeps
/// (one per row) when `2 m <= n`, else tangent sweeps of up to 8 columns at once.
///
/// Pass the function as `|x| g(x)`, where `g` is written once over any
/// [`Scalar`](crate::scalar::Scalar) and returns a `Vec`. Errors:
/// [`Error::EmptyInput`], [`Error::NonFiniteInput`], [`Error::NonFiniteOutput`],
/// [`Error::NonFiniteJacobian`], [`Error::TapeTooLarge`], [`Error::OutOfMemory`].
///
/// ```
/// use hyperhess::Scalar;
/// fn polar<S: Scalar>(x: &[S]) -> Vec<S> {
///     vec![x[0] * x[1].cos(), x[0] * x[1].sin()]
/// }
/// let j = hyperhess::jacobian(|x| polar(x), &[2.0, 0.0]).unwrap();
/// assert_eq!(j, hyperhess::nalgebra::dmatrix![1.0, 0.0; 0.0, 2.0]);
/// ```
pub fn jacobian<F>(f: F, x: &[f64]) -> Result<DMatrix<f64>, Error>
where
    F: Fn(&[Var]) -> Vec<Var>,
{
    let mut rec = VectorRecording::new(f, x)?;
    let (m, n) = (rec.outputs(), rec.inputs());
    let mut j = zeros(m, n)?;
    if 2 * m <= n {
        for k in 0..m {
            rec.weigh(|i| if i == k { 1.0 } else { 0.0 });
            for (c, &v) in rec.weighted_gradient().iter().enumerate() {
                j[(k, c)] = v;
            }
        }
    } else {
        with_lanes!(Options::default().lane_width_for(n), L => {
            for c0 in (0..n).step_by(L) {
                rec.tangents::<L>(
                    |i, s| unit_lanes(i, c0, s),
                    |k, r| {
                        for (l, &v) in r.iter().enumerate().take(n - c0) {
                            j[(k, c0 + l)] = v;
                        }
                    },
                );
            }
        });
    }
    match j.iter().position(|v| !v.is_finite()) {
        None => Ok(j),
        Some(e) => Err(Error::NonFiniteJacobian {
            row: e % m,
            col: e / m,
            value: j[e],
        }),
    }
}

/// The Jacobian of a vector function at `x` as a sparse `m x n` matrix (structural
/// zeros absent): its pattern from the tape, then a partition coloring of its
/// columns (tangent sweeps, several colors per sweep) or of its rows (one reverse
/// sweep each), whichever needs fewer sweeps; each entry is read alone from one
/// compressed sweep (no substitution, so every entry is exact).
///
/// Errors: those of [`jacobian`].
///
/// ```
/// use hyperhess::Scalar;
/// // A chain of constraints: row k couples x[k] and x[k + 1].
/// fn chain<S: Scalar>(x: &[S]) -> Vec<S> {
///     x.windows(2).map(|w| w[0] * w[1] - S::from_f64(1.0)).collect()
/// }
/// let j = hyperhess::sparse_jacobian(|x| chain(x), &[1.0, 2.0, 3.0, 4.0]).unwrap();
/// assert_eq!((j.nrows(), j.ncols(), j.nnz()), (3, 4, 6));
/// assert_eq!(j.get_entry(1, 2).unwrap().into_value(), 2.0); // d(x1 x2)/dx2 = x1
/// ```
pub fn sparse_jacobian<F>(f: F, x: &[f64]) -> Result<CscMatrix<f64>, Error>
where
    F: Fn(&[Var]) -> Vec<Var>,
{
    let mut rec = VectorRecording::new(f, x)?;
    let m = rec.outputs();
    let structure = JacobianStructure::find(&rec, 0, m)?;
    let mut values = vec![0.0; structure.nnz()];
    structure.evaluate(&mut rec, &Options::default(), &mut values)?;
    Ok(structure.to_csc(values))
}

/// An `m x n` zero matrix, or [`Error::OutOfMemory`] instead of an abort.
fn zeros(m: usize, n: usize) -> Result<DMatrix<f64>, Error> {
    let entries = m.checked_mul(n);
    let bytes = entries.and_then(|e| e.checked_mul(8));
    let mut data = Vec::new();
    match (entries, bytes) {
        (Some(e), Some(_)) if data.try_reserve_exact(e).is_ok() => {
            data.resize(e, 0.0);
            Ok(DMatrix::from_vec(m, n, data))
        }
        _ => Err(Error::OutOfMemory {
            bytes: bytes.unwrap_or(usize::MAX),
        }),
    }
}
