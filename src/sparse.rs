//! Sparse Hessians: pattern from the tape, star coloring, compressed
//! Hessian-vector products, direct recovery.

use crate::color::StarColoring;
use crate::error::Error;
use crate::options::Options;
use crate::pattern::SparsityPattern;
use crate::tape::pool::same_words;
use crate::tape::{Recording, Var};
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
    let rec = crate::record(f, x)?;
    let plan = SparsePlan::from_recording(&rec);
    plan.evaluate(&rec, &Options::default())
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
    let rec = crate::record(f, x)?;
    let plan = SparsePlan::from_recording(&rec);
    let hv = rec.compressed_products(&plan.coloring, &Options::default());
    let p = plan.coloring.count();
    let colors = plan.coloring.colors();
    let d = DVector::from_iterator(
        rec.inputs(),
        (0..rec.inputs()).map(|i| {
            if plan.pattern.contains(i, i) {
                hv[i * p + colors[i] as usize]
            } else {
                0.0
            }
        }),
    );
    match d.iter().position(|v| !v.is_finite()) {
        Some(i) => Err(Error::NonFiniteHessian {
            row: i,
            col: i,
            value: d[i],
        }),
        None => Ok(d),
    }
}

/// A sparsity pattern and its coloring, built once at one point and evaluated at
/// many: each evaluation records the function, checks that it ran the same
/// operations (else that its pattern is covered), and runs the `p` compressed
/// sweeps.
///
/// ```
/// use hyperhess::{Scalar, SparsePlan};
/// fn f<S: Scalar>(x: &[S]) -> S { x.windows(2).map(|w| (w[1] - w[0] * w[0]).powi(2)).sum() }
/// let plan = SparsePlan::new(|x| f(x), &[0.5; 100]).unwrap();
/// assert_eq!(plan.colors(), 3); // tridiagonal
/// for k in 0..3 {
///     let x = vec![0.1 * k as f64; 100];
///     let h = plan.hessian(|x| f(x), &x).unwrap();
///     assert_eq!(h.nnz(), plan.pattern().nnz());
/// }
/// ```
#[derive(Debug)]
pub struct SparsePlan {
    pattern: SparsityPattern,
    coloring: StarColoring,
    /// The recorded structure the pattern was found on (see `structure_words`).
    structure: Vec<u64>,
}

impl SparsePlan {
    /// Records `f` at `x` and builds the pattern and its coloring.
    ///
    /// ```
    /// let plan = hyperhess::SparsePlan::new(|x| x[0] * x[1], &[1.0, 2.0]).unwrap();
    /// assert_eq!(plan.pattern().nnz(), 2);
    /// ```
    pub fn new<F>(f: F, x: &[f64]) -> Result<Self, Error>
    where
        F: for<'t> Fn(&[Var<'t>]) -> Var<'t>,
    {
        Ok(SparsePlan::from_recording(&crate::record(f, x)?))
    }

    fn from_recording(rec: &Recording) -> Self {
        let pattern = rec.pattern();
        let coloring = StarColoring::new(&pattern);
        SparsePlan {
            pattern,
            coloring,
            structure: rec.structure_words().collect(),
        }
    }

    /// The structural sparsity pattern.
    ///
    /// ```
    /// use hyperhess::Scalar;
    /// let plan = hyperhess::SparsePlan::new(|x| x[0].sin() + x[1], &[1.0, 2.0]).unwrap();
    /// assert!(plan.pattern().contains(0, 0) && !plan.pattern().contains(1, 1));
    /// ```
    pub fn pattern(&self) -> &SparsityPattern {
        &self.pattern
    }

    /// The star coloring of the pattern.
    ///
    /// ```
    /// let plan = hyperhess::SparsePlan::new(|x| x[0] * x[1], &[1.0, 2.0]).unwrap();
    /// assert!(plan.coloring().is_star_coloring(plan.pattern()));
    /// ```
    pub fn coloring(&self) -> &StarColoring {
        &self.coloring
    }

    /// The number of colors: compressed Hessian-vector products per evaluation.
    ///
    /// ```
    /// let plan = hyperhess::SparsePlan::new(|x| x[0] * x[0] + x[1] * x[1], &[1.0, 2.0]).unwrap();
    /// assert_eq!(plan.colors(), 1);
    /// ```
    pub fn colors(&self) -> usize {
        self.coloring.count()
    }

    /// The Hessian at `x`. Errors: those of [`crate::record`],
    /// [`Error::DimensionMismatch`], and [`Error::SparsityPatternChanged`] when `f`
    /// ran other operations at `x` and its pattern there is not covered by the plan.
    ///
    /// ```
    /// use hyperhess::{Error, Scalar, SparsePlan};
    /// fn f<S: Scalar>(x: &[S]) -> S { if x[0] > S::zero() { x[0] * x[1] } else { x[0] * x[0] } }
    /// let plan = SparsePlan::new(|x| f(x), &[-1.0, 0.0]).unwrap();
    /// let err = plan.hessian(|x| f(x), &[1.0, 0.0]).unwrap_err();
    /// assert!(matches!(err, Error::SparsityPatternChanged { .. }));
    /// ```
    pub fn hessian<F>(&self, f: F, x: &[f64]) -> Result<CscMatrix<f64>, Error>
    where
        F: for<'t> Fn(&[Var<'t>]) -> Var<'t>,
    {
        if x.len() != self.pattern.dim() && !x.is_empty() {
            return Err(Error::DimensionMismatch {
                expected: self.pattern.dim(),
                found: x.len(),
            });
        }
        let rec = Recording::new(f, x)?;
        self.evaluate(&rec, &Options::default())
    }

    /// Evaluates the plan on a recording.
    fn evaluate(&self, rec: &Recording, options: &Options) -> Result<CscMatrix<f64>, Error> {
        if !same_words(rec.structure_words(), &self.structure)
            && let Some((row, col)) = rec.pattern().first_missing(&self.pattern)
        {
            return Err(Error::SparsityPatternChanged { row, col });
        }
        let hv = rec.compressed_products(&self.coloring, options);
        let mut values = Vec::with_capacity(self.pattern.nnz());
        self.coloring
            .recover(&self.pattern, &hv, |_, _, v| values.push(v));
        let (offsets, columns) = self.pattern.arrays();
        if let Some(k) = values.iter().position(|v| !v.is_finite()) {
            let col = offsets.partition_point(|&o| o <= k) - 1;
            return Err(Error::NonFiniteHessian {
                row: columns[k] as usize,
                col,
                value: values[k],
            });
        }
        let n = self.pattern.dim();
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
}
