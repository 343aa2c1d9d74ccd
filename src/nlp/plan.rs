//! [`LagrangianPlan`]: the Lagrangian Hessian's and the constraint Jacobian's
//! structures, found once from one recording of `[f, g_1, .., g_m]`, filled at
//! every new point from one recording there.

use super::Nlp;
use crate::error::Error;
use crate::jacobians::JacobianStructure;
use crate::options::Options;
use crate::scalar::Scalar;
use crate::sparse::{Budget, SparsityPattern, Structure};
use crate::tape::{Var, VectorRecording, Workspace};
use nalgebra_sparse::CscMatrix;

/// The structures a constrained solver allocates once, and their values at any
/// point: the Hessian of the Lagrangian `sigma f + sum_k lambda_k g_k` (lower
/// triangle, `row >= col`) and the constraints' `m x n` Jacobian.
///
/// Built from one recording of the objective and the constraints at `x0`: the
/// Hessian's pattern is the union of every output's (structural: it holds every
/// entry that can be nonzero for the recorded operations, whatever `sigma` and
/// `lambda`), star-colored; the Jacobian's is colored by columns or rows, whichever
/// needs fewer sweeps. At each point one recording serves every value: the
/// Lagrangian's Hessian is one set of compressed second-order sweeps with the
/// outputs' adjoints seeded `(sigma, lambda)`, never a re-recorded scalar function.
///
/// The structures never change: at a point where a branch takes another path, the
/// new operations' entries are checked against them, and an entry outside is a
/// typed error ([`Error::SparsityPatternChanged`], [`Error::JacobianPatternChanged`])
/// naming it, never a silent drop.
///
/// ```
/// use hyperhess::{LagrangianPlan, Nlp, Scalar};
/// /// min x0^2 + x1^2 subject to x0 x1 = 1.
/// struct Hyperbola;
/// impl Nlp for Hyperbola {
///     fn num_constraints(&self) -> usize { 1 }
///     fn objective<S: Scalar>(&self, x: &[S]) -> S { x[0] * x[0] + x[1] * x[1] }
///     fn constraints<S: Scalar>(&self, x: &[S], out: &mut [S]) { out[0] = x[0] * x[1]; }
/// }
/// let plan = LagrangianPlan::new(&Hyperbola, &[1.0, 1.0]).unwrap();
/// // Lower triangle of [[2 s, l], [l, 2 s]]: (0,0), (1,0), (1,1).
/// assert_eq!(plan.hessian_structure(), (&[0, 1, 1][..], &[0, 0, 1][..]));
/// let mut h = vec![0.0; plan.hessian_nnz()];
/// plan.hessian_values(&Hyperbola, &[2.0, 0.5], 1.0, &[-3.0], &mut h).unwrap();
/// assert_eq!(h, [2.0, -3.0, 2.0]);
/// ```
#[derive(Debug)]
pub struct LagrangianPlan {
    n: usize,
    m: usize,
    /// The Lagrangian Hessian's pattern (both triangles) and star coloring.
    hessian: Structure,
    /// For each lower-triangle entry (CSC order), its index among the pattern's.
    lower: Vec<usize>,
    /// The lower triangle's CSC column offsets, and each entry's row and column.
    h_offsets: Vec<usize>,
    h_rows: Vec<usize>,
    h_cols: Vec<usize>,
    jacobian: JacobianStructure,
    j_rows: Vec<usize>,
    j_cols: Vec<usize>,
    /// The recorded operations at `x0` (a recording with equal words has the same
    /// structures).
    words: Vec<u64>,
    options: Options,
    /// The last evaluation's buffers, reused by the next.
    workspace: Workspace,
}

/// Everything a solver asks at one point, from one recording: objective value and
/// gradient, constraint values, the Jacobian's and the Lagrangian Hessian's values
/// in their structures' order ([`LagrangianPlan::evaluate`]). Allocate once with
/// [`LagrangianPlan::values`] and reuse.
///
/// ```
/// use hyperhess::{LagrangianPlan, Nlp, Scalar};
/// struct Circle;
/// impl Nlp for Circle {
///     fn num_constraints(&self) -> usize { 1 }
///     fn objective<S: Scalar>(&self, x: &[S]) -> S { x[0] + x[1] }
///     fn constraints<S: Scalar>(&self, x: &[S], out: &mut [S]) { out[0] = x[0] * x[0] + x[1] * x[1]; }
/// }
/// let plan = LagrangianPlan::new(&Circle, &[1.0, 0.0]).unwrap();
/// let mut v = plan.values();
/// plan.evaluate(&Circle, &[0.6, 0.8], 1.0, &[0.5], &mut v).unwrap();
/// assert_eq!(v.objective, 0.6 + 0.8);
/// assert_eq!(v.gradient, [1.0, 1.0]);
/// assert_eq!(v.constraints, [0.6 * 0.6 + 0.8 * 0.8]);
/// assert_eq!(v.jacobian, [1.2, 1.6]);
/// assert_eq!(v.hessian, [1.0, 1.0]); // lambda * 2 on the diagonal; f is linear
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct NlpValues {
    /// `f(x)`.
    pub objective: f64,
    /// `grad f(x)` (length `n`).
    pub gradient: Vec<f64>,
    /// `g(x)` (length `m`).
    pub constraints: Vec<f64>,
    /// The Jacobian's values, in [`LagrangianPlan::jacobian_structure`]'s order.
    pub jacobian: Vec<f64>,
    /// The Lagrangian Hessian's values, in [`LagrangianPlan::hessian_structure`]'s
    /// order.
    pub hessian: Vec<f64>,
}

impl LagrangianPlan {
    /// Records the problem at `x0` and finds both structures and their colorings.
    ///
    /// Errors: [`Error::EmptyInput`], [`Error::NonFiniteInput`],
    /// [`Error::NonFiniteValue`] (the objective), [`Error::NonFiniteOutput`] (a
    /// constraint, by index), [`Error::TapeTooLarge`], [`Error::OutOfMemory`].
    ///
    /// ```
    /// use hyperhess::{LagrangianPlan, Nlp, Scalar};
    /// struct Chain(usize);
    /// impl Nlp for Chain {
    ///     fn num_constraints(&self) -> usize { self.0 - 1 }
    ///     fn objective<S: Scalar>(&self, x: &[S]) -> S { x.iter().map(|&v| v * v).sum() }
    ///     fn constraints<S: Scalar>(&self, x: &[S], out: &mut [S]) {
    ///         for (k, w) in x.windows(2).enumerate() { out[k] = w[0] * w[1]; }
    ///     }
    /// }
    /// let plan = LagrangianPlan::new(&Chain(5), &[1.0; 5]).unwrap();
    /// assert_eq!(plan.hessian_nnz(), 5 + 4); // diagonal and one subdiagonal
    /// assert_eq!(plan.jacobian_nnz(), 2 * 4);
    /// ```
    pub fn new<P: Nlp>(nlp: &P, x0: &[f64]) -> Result<Self, Error> {
        let m = nlp.num_constraints();
        let workspace = Workspace::default();
        let rec = record(nlp, x0, &workspace)?;
        let n = rec.inputs();
        let hessian = Structure::find_or_full(rec.recording())?;
        let (offsets, columns) = hessian.pattern.arrays();
        let (mut lower, mut h_rows, mut h_cols) = (Vec::new(), Vec::new(), Vec::new());
        let mut h_offsets = Vec::with_capacity(n + 1);
        h_offsets.push(0);
        // Column j of the lower triangle is row j of the symmetric pattern, from j.
        for j in 0..n {
            for (e, &i) in columns
                .iter()
                .enumerate()
                .take(offsets[j + 1])
                .skip(offsets[j])
            {
                if i as usize >= j {
                    lower.push(e);
                    h_rows.push(i as usize);
                    h_cols.push(j);
                }
            }
            h_offsets.push(lower.len());
        }
        let jacobian = JacobianStructure::find(&rec, 1, m)?;
        let (j_rows, j_cols) = jacobian.indices();
        Ok(LagrangianPlan {
            n,
            m,
            words: rec.recording().structure_words().collect(),
            hessian,
            lower,
            h_offsets,
            h_rows,
            h_cols,
            jacobian,
            j_rows,
            j_cols,
            options: Options::default(),
            workspace: {
                rec.keep_in(&workspace);
                workspace
            },
        })
    }

    /// Number of variables `n`.
    ///
    /// ```
    /// # use hyperhess::{LagrangianPlan, Nlp, Scalar};
    /// # struct P;
    /// # impl Nlp for P {
    /// #     fn num_constraints(&self) -> usize { 1 }
    /// #     fn objective<S: Scalar>(&self, x: &[S]) -> S { x[0] * x[1] }
    /// #     fn constraints<S: Scalar>(&self, x: &[S], out: &mut [S]) { out[0] = x[0] + x[1]; }
    /// # }
    /// let plan = LagrangianPlan::new(&P, &[1.0, 2.0]).unwrap();
    /// assert_eq!((plan.inputs(), plan.num_constraints()), (2, 1));
    /// ```
    pub fn inputs(&self) -> usize {
        self.n
    }

    /// Number of constraints `m`.
    ///
    /// ```
    /// # use hyperhess::{LagrangianPlan, Nlp, Scalar};
    /// # struct P;
    /// # impl Nlp for P {
    /// #     fn num_constraints(&self) -> usize { 0 }
    /// #     fn objective<S: Scalar>(&self, x: &[S]) -> S { x[0] * x[1] }
    /// #     fn constraints<S: Scalar>(&self, _: &[S], _: &mut [S]) {}
    /// # }
    /// assert_eq!(LagrangianPlan::new(&P, &[1.0, 2.0]).unwrap().num_constraints(), 0);
    /// ```
    pub fn num_constraints(&self) -> usize {
        self.m
    }

    /// The Lagrangian Hessian's structure: (rows, columns) of its lower triangle
    /// (`row >= col`), column by column with rows increasing (a `CscMatrix`'s
    /// order); the order of every values call.
    ///
    /// ```
    /// # use hyperhess::{LagrangianPlan, Nlp, Scalar};
    /// # struct P;
    /// # impl Nlp for P {
    /// #     fn num_constraints(&self) -> usize { 1 }
    /// #     fn objective<S: Scalar>(&self, x: &[S]) -> S { x[0] * x[1] }
    /// #     fn constraints<S: Scalar>(&self, x: &[S], out: &mut [S]) { out[0] = x[1].exp(); }
    /// # }
    /// let plan = LagrangianPlan::new(&P, &[1.0, 2.0]).unwrap();
    /// assert_eq!(plan.hessian_structure(), (&[1, 1][..], &[0, 1][..]));
    /// ```
    pub fn hessian_structure(&self) -> (&[usize], &[usize]) {
        (&self.h_rows, &self.h_cols)
    }

    /// Number of entries of [`LagrangianPlan::hessian_structure`].
    ///
    /// ```
    /// # use hyperhess::{LagrangianPlan, Nlp, Scalar};
    /// # struct P;
    /// # impl Nlp for P {
    /// #     fn num_constraints(&self) -> usize { 1 }
    /// #     fn objective<S: Scalar>(&self, x: &[S]) -> S { x[0] * x[1] }
    /// #     fn constraints<S: Scalar>(&self, x: &[S], out: &mut [S]) { out[0] = x[1].exp(); }
    /// # }
    /// assert_eq!(LagrangianPlan::new(&P, &[1.0, 2.0]).unwrap().hessian_nnz(), 2);
    /// ```
    pub fn hessian_nnz(&self) -> usize {
        self.h_rows.len()
    }

    /// The constraint Jacobian's structure: (rows, columns) of its entries, column
    /// by column with rows increasing (a `CscMatrix`'s order); the order of every
    /// values call.
    ///
    /// ```
    /// # use hyperhess::{LagrangianPlan, Nlp, Scalar};
    /// # struct P;
    /// # impl Nlp for P {
    /// #     fn num_constraints(&self) -> usize { 2 }
    /// #     fn objective<S: Scalar>(&self, x: &[S]) -> S { x[0] * x[1] }
    /// #     fn constraints<S: Scalar>(&self, x: &[S], out: &mut [S]) {
    /// #         out[0] = x[1].exp();
    /// #         out[1] = x[0] + x[1];
    /// #     }
    /// # }
    /// let plan = LagrangianPlan::new(&P, &[1.0, 2.0]).unwrap();
    /// assert_eq!(plan.jacobian_structure(), (&[1, 0, 1][..], &[0, 1, 1][..]));
    /// ```
    pub fn jacobian_structure(&self) -> (&[usize], &[usize]) {
        (&self.j_rows, &self.j_cols)
    }

    /// Number of entries of [`LagrangianPlan::jacobian_structure`].
    ///
    /// ```
    /// # use hyperhess::{LagrangianPlan, Nlp, Scalar};
    /// # struct P;
    /// # impl Nlp for P {
    /// #     fn num_constraints(&self) -> usize { 1 }
    /// #     fn objective<S: Scalar>(&self, x: &[S]) -> S { x[0] * x[1] }
    /// #     fn constraints<S: Scalar>(&self, x: &[S], out: &mut [S]) { out[0] = x[1].exp(); }
    /// # }
    /// assert_eq!(LagrangianPlan::new(&P, &[1.0, 2.0]).unwrap().jacobian_nnz(), 1);
    /// ```
    pub fn jacobian_nnz(&self) -> usize {
        self.j_rows.len()
    }

    /// Sweeps per evaluation: the Hessian's colors (compressed second-order
    /// sweeps, several per lane sweep) and the Jacobian's (tangent columns, or
    /// reverse sweeps when it is colored by rows).
    ///
    /// ```
    /// # use hyperhess::{LagrangianPlan, Nlp, Scalar};
    /// # struct P;
    /// # impl Nlp for P {
    /// #     fn num_constraints(&self) -> usize { 1 }
    /// #     fn objective<S: Scalar>(&self, x: &[S]) -> S { x.iter().map(|&v| v.powi(4)).sum() }
    /// #     fn constraints<S: Scalar>(&self, x: &[S], out: &mut [S]) { out[0] = x.iter().copied().sum(); }
    /// # }
    /// let plan = LagrangianPlan::new(&P, &[1.0; 10]).unwrap();
    /// assert_eq!(plan.colors(), (1, 1)); // a diagonal Hessian, a dense row
    /// ```
    pub fn colors(&self) -> (usize, usize) {
        (self.hessian.colors(), self.jacobian.colors())
    }

    /// Buffers for [`LagrangianPlan::evaluate`], sized for this plan.
    ///
    /// ```
    /// # use hyperhess::{LagrangianPlan, Nlp, Scalar};
    /// # struct P;
    /// # impl Nlp for P {
    /// #     fn num_constraints(&self) -> usize { 1 }
    /// #     fn objective<S: Scalar>(&self, x: &[S]) -> S { x[0] * x[1] }
    /// #     fn constraints<S: Scalar>(&self, x: &[S], out: &mut [S]) { out[0] = x[1].exp(); }
    /// # }
    /// let v = LagrangianPlan::new(&P, &[1.0, 2.0]).unwrap().values();
    /// assert_eq!((v.gradient.len(), v.constraints.len(), v.jacobian.len(), v.hessian.len()), (2, 1, 1, 2));
    /// ```
    pub fn values(&self) -> NlpValues {
        NlpValues {
            objective: 0.0,
            gradient: vec![0.0; self.n],
            constraints: vec![0.0; self.m],
            jacobian: vec![0.0; self.jacobian_nnz()],
            hessian: vec![0.0; self.hessian_nnz()],
        }
    }

    /// Every value at `x` from one recording: objective, gradient, constraints,
    /// the Jacobian and the Lagrangian Hessian (`sigma f + sum_k lambda_k g_k`),
    /// written into `out` (from [`LagrangianPlan::values`]).
    ///
    /// Errors: those of [`LagrangianPlan::hessian_values`] and
    /// [`LagrangianPlan::jacobian_values`], and [`Error::NonFiniteGradient`].
    ///
    /// ```
    /// # use hyperhess::{LagrangianPlan, Nlp, Scalar};
    /// # struct P;
    /// # impl Nlp for P {
    /// #     fn num_constraints(&self) -> usize { 1 }
    /// #     fn objective<S: Scalar>(&self, x: &[S]) -> S { x[0] * x[1] }
    /// #     fn constraints<S: Scalar>(&self, x: &[S], out: &mut [S]) { out[0] = x[1].exp(); }
    /// # }
    /// let plan = LagrangianPlan::new(&P, &[1.0, 2.0]).unwrap();
    /// let mut v = plan.values();
    /// plan.evaluate(&P, &[3.0, 0.0], 2.0, &[1.0], &mut v).unwrap();
    /// assert_eq!((v.objective, v.gradient.as_slice()), (0.0, &[0.0, 3.0][..]));
    /// assert_eq!(v.hessian, [2.0, 1.0]); // (1,0): sigma; (1,1): lambda e^0
    /// ```
    pub fn evaluate<P: Nlp>(
        &self,
        nlp: &P,
        x: &[f64],
        sigma: f64,
        lambda: &[f64],
        out: &mut NlpValues,
    ) -> Result<(), Error> {
        self.check_multipliers(sigma, lambda)?;
        check_len("gradient output", self.n, out.gradient.len())?;
        check_len("constraint output", self.m, out.constraints.len())?;
        check_len("Jacobian output", self.jacobian_nnz(), out.jacobian.len())?;
        check_len("Hessian output", self.hessian_nnz(), out.hessian.len())?;
        self.with_recording(nlp, x, Needs::BOTH, |rec| {
            out.objective = rec.values()[0];
            out.constraints.copy_from_slice(&rec.values()[1..]);
            self.jacobian
                .evaluate(rec, &self.options, &mut out.jacobian)?;
            gradient_into(rec, &mut out.gradient)?;
            self.hessian_into(rec, sigma, lambda, &mut out.hessian)
        })
    }

    /// The Lagrangian Hessian's values at `(x, sigma, lambda)` into `out`, in
    /// [`LagrangianPlan::hessian_structure`]'s order.
    ///
    /// Errors: [`Error::LengthMismatch`] (the point, `lambda` or `out`),
    /// [`Error::NonFiniteInput`], [`Error::NonFiniteMultiplier`], the recording's
    /// ([`Error::NonFiniteValue`], [`Error::NonFiniteOutput`]),
    /// [`Error::NonFiniteHessian`], and [`Error::SparsityPatternChanged`] or
    /// [`Error::JacobianPatternChanged`] where a branch at `x` needs an entry
    /// outside the structures.
    ///
    /// ```
    /// # use hyperhess::{LagrangianPlan, Nlp, Scalar};
    /// # struct P;
    /// # impl Nlp for P {
    /// #     fn num_constraints(&self) -> usize { 1 }
    /// #     fn objective<S: Scalar>(&self, x: &[S]) -> S { x[0] * x[1] }
    /// #     fn constraints<S: Scalar>(&self, x: &[S], out: &mut [S]) { out[0] = x[1].exp(); }
    /// # }
    /// let plan = LagrangianPlan::new(&P, &[1.0, 2.0]).unwrap();
    /// let mut h = [0.0; 2];
    /// plan.hessian_values(&P, &[1.0, 0.0], 0.0, &[3.0], &mut h).unwrap(); // sigma = 0
    /// assert_eq!(h, [0.0, 3.0]);
    /// ```
    pub fn hessian_values<P: Nlp>(
        &self,
        nlp: &P,
        x: &[f64],
        sigma: f64,
        lambda: &[f64],
        out: &mut [f64],
    ) -> Result<(), Error> {
        self.check_multipliers(sigma, lambda)?;
        check_len("Hessian output", self.hessian_nnz(), out.len())?;
        self.with_recording(nlp, x, Needs::HESSIAN, |rec| {
            self.hessian_into(rec, sigma, lambda, out)
        })
    }

    /// The Lagrangian Hessian at `(x, sigma, lambda)`: its lower triangle
    /// (`row >= col`) as an `n x n` `CscMatrix` with the plan's structure (the
    /// same at every point). Errors: those of [`LagrangianPlan::hessian_values`].
    ///
    /// ```
    /// # use hyperhess::{LagrangianPlan, Nlp, Scalar};
    /// # struct P;
    /// # impl Nlp for P {
    /// #     fn num_constraints(&self) -> usize { 1 }
    /// #     fn objective<S: Scalar>(&self, x: &[S]) -> S { x[0] * x[1] }
    /// #     fn constraints<S: Scalar>(&self, x: &[S], out: &mut [S]) { out[0] = x[1].exp(); }
    /// # }
    /// let plan = LagrangianPlan::new(&P, &[1.0, 2.0]).unwrap();
    /// let h = plan.hessian(&P, &[1.0, 0.0], 1.0, &[3.0]).unwrap();
    /// assert_eq!(h.get_entry(1, 0).unwrap().into_value(), 1.0);
    /// assert_eq!(h.get_entry(1, 1).unwrap().into_value(), 3.0);
    /// ```
    pub fn hessian<P: Nlp>(
        &self,
        nlp: &P,
        x: &[f64],
        sigma: f64,
        lambda: &[f64],
    ) -> Result<CscMatrix<f64>, Error> {
        let mut values = vec![0.0; self.hessian_nnz()];
        self.hessian_values(nlp, x, sigma, lambda, &mut values)?;
        let pattern = nalgebra_sparse::pattern::SparsityPattern::try_from_offsets_and_indices(
            self.n,
            self.n,
            self.h_offsets.clone(),
            self.h_rows.clone(),
        )
        .expect("rows are sorted and in range by construction");
        Ok(CscMatrix::try_from_pattern_and_values(pattern, values)
            .expect("one value per pattern entry by construction"))
    }

    /// The constraint Jacobian's values at `x` into `out`, in
    /// [`LagrangianPlan::jacobian_structure`]'s order.
    ///
    /// Errors: [`Error::LengthMismatch`] (the point or `out`),
    /// [`Error::NonFiniteInput`], the recording's, [`Error::NonFiniteJacobian`],
    /// and the pattern errors of [`LagrangianPlan::hessian_values`].
    ///
    /// ```
    /// # use hyperhess::{LagrangianPlan, Nlp, Scalar};
    /// # struct P;
    /// # impl Nlp for P {
    /// #     fn num_constraints(&self) -> usize { 1 }
    /// #     fn objective<S: Scalar>(&self, x: &[S]) -> S { x[0] * x[1] }
    /// #     fn constraints<S: Scalar>(&self, x: &[S], out: &mut [S]) { out[0] = x[1].exp(); }
    /// # }
    /// let plan = LagrangianPlan::new(&P, &[1.0, 2.0]).unwrap();
    /// let mut j = [0.0];
    /// plan.jacobian_values(&P, &[1.0, 0.0], &mut j).unwrap();
    /// assert_eq!(j, [1.0]);
    /// ```
    pub fn jacobian_values<P: Nlp>(
        &self,
        nlp: &P,
        x: &[f64],
        out: &mut [f64],
    ) -> Result<(), Error> {
        check_len("Jacobian output", self.jacobian_nnz(), out.len())?;
        self.with_recording(nlp, x, Needs::JACOBIAN, |rec| {
            self.jacobian.evaluate(rec, &self.options, out)
        })
    }

    /// The constraint Jacobian at `x`, an `m x n` `CscMatrix` with the plan's
    /// structure. Errors: those of [`LagrangianPlan::jacobian_values`].
    ///
    /// ```
    /// # use hyperhess::{LagrangianPlan, Nlp, Scalar};
    /// # struct P;
    /// # impl Nlp for P {
    /// #     fn num_constraints(&self) -> usize { 1 }
    /// #     fn objective<S: Scalar>(&self, x: &[S]) -> S { x[0] * x[1] }
    /// #     fn constraints<S: Scalar>(&self, x: &[S], out: &mut [S]) { out[0] = x[1].exp(); }
    /// # }
    /// let plan = LagrangianPlan::new(&P, &[1.0, 2.0]).unwrap();
    /// let j = plan.jacobian(&P, &[1.0, 0.0]).unwrap();
    /// assert_eq!((j.nrows(), j.ncols(), j.nnz()), (1, 2, 1));
    /// ```
    pub fn jacobian<P: Nlp>(&self, nlp: &P, x: &[f64]) -> Result<CscMatrix<f64>, Error> {
        let mut values = vec![0.0; self.jacobian_nnz()];
        self.jacobian_values(nlp, x, &mut values)?;
        Ok(self.jacobian.to_csc(values))
    }

    /// The objective's gradient at `x` into `out`; returns the objective's value.
    /// Errors: [`Error::LengthMismatch`], the recording's,
    /// [`Error::NonFiniteGradient`], and the pattern errors.
    ///
    /// ```
    /// # use hyperhess::{LagrangianPlan, Nlp, Scalar};
    /// # struct P;
    /// # impl Nlp for P {
    /// #     fn num_constraints(&self) -> usize { 1 }
    /// #     fn objective<S: Scalar>(&self, x: &[S]) -> S { x[0] * x[1] }
    /// #     fn constraints<S: Scalar>(&self, x: &[S], out: &mut [S]) { out[0] = x[1].exp(); }
    /// # }
    /// let plan = LagrangianPlan::new(&P, &[1.0, 2.0]).unwrap();
    /// let mut g = [0.0; 2];
    /// assert_eq!(plan.gradient_values(&P, &[3.0, 4.0], &mut g).unwrap(), 12.0);
    /// assert_eq!(g, [4.0, 3.0]);
    /// ```
    pub fn gradient_values<P: Nlp>(
        &self,
        nlp: &P,
        x: &[f64],
        out: &mut [f64],
    ) -> Result<f64, Error> {
        check_len("gradient output", self.n, out.len())?;
        self.with_recording(nlp, x, Needs::NONE, |rec| {
            gradient_into(rec, out)?;
            Ok(rec.values()[0])
        })
    }

    /// Checks `sigma` and `lambda`.
    fn check_multipliers(&self, sigma: f64, lambda: &[f64]) -> Result<(), Error> {
        check_len("multipliers", self.m, lambda.len())?;
        if !sigma.is_finite() {
            return Err(Error::NonFiniteMultiplier {
                what: "sigma",
                index: 0,
                value: sigma,
            });
        }
        match lambda.iter().position(|l| !l.is_finite()) {
            Some(index) => Err(Error::NonFiniteMultiplier {
                what: "lambda",
                index,
                value: lambda[index],
            }),
            None => Ok(()),
        }
    }

    /// Records the problem at `x` (into this plan's buffers when free), checks that
    /// the structures `needs` names cover its operations, runs `body`, and keeps the
    /// buffers.
    fn with_recording<P: Nlp, R>(
        &self,
        nlp: &P,
        x: &[f64],
        needs: Needs,
        body: impl FnOnce(&mut VectorRecording) -> Result<R, Error>,
    ) -> Result<R, Error> {
        check_len("point", self.n, x.len())?;
        let mut rec = record(nlp, x, &self.workspace)?;
        let result = self
            .check_structure(&rec, needs)
            .and_then(|()| body(&mut rec));
        rec.keep_in(&self.workspace);
        result
    }

    /// Whether the structures cover `rec`'s operations (equal operations: yes;
    /// else the new patterns are found and compared).
    fn check_structure(&self, rec: &VectorRecording, needs: Needs) -> Result<(), Error> {
        if !(needs.hessian || needs.jacobian) || rec.recording().has_structure(&self.words) {
            return Ok(());
        }
        let full = self.hessian.pattern.nnz() == self.n * self.n;
        if needs.hessian && !full {
            let budget = Budget::sparse(rec.recording());
            let Some((offsets, columns)) =
                rec.recording().pattern_rows(budget.entries, budget.work)
            else {
                return Err(Error::SparsityPatternChanged { row: 0, col: 0 });
            };
            let now = SparsityPattern::from_rows(offsets, columns);
            if let Some((row, col)) = now.first_missing(&self.hessian.pattern) {
                return Err(Error::SparsityPatternChanged { row, col });
            }
        }
        match self.jacobian.first_missing(rec).filter(|_| needs.jacobian) {
            Some((row, col)) => Err(Error::JacobianPatternChanged { row, col }),
            None => Ok(()),
        }
    }

    /// The Lagrangian Hessian's lower triangle of `rec` weighted `(sigma, lambda)`.
    fn hessian_into(
        &self,
        rec: &mut VectorRecording,
        sigma: f64,
        lambda: &[f64],
        out: &mut [f64],
    ) -> Result<(), Error> {
        rec.weigh(|k| if k == 0 { sigma } else { lambda[k - 1] });
        let values = self
            .hessian
            .values(&self.hessian.products(rec.recording(), &self.options));
        if let Some(err) = self.hessian.first_non_finite(&values) {
            return Err(err);
        }
        for (o, &e) in out.iter_mut().zip(&self.lower) {
            *o = values[e];
        }
        Ok(())
    }
}

/// Which structures an evaluation fills (and so must cover the point's operations).
#[derive(Clone, Copy, Debug)]
struct Needs {
    hessian: bool,
    jacobian: bool,
}

impl Needs {
    const NONE: Needs = Needs {
        hessian: false,
        jacobian: false,
    };
    const HESSIAN: Needs = Needs {
        hessian: true,
        jacobian: false,
    };
    const JACOBIAN: Needs = Needs {
        hessian: false,
        jacobian: true,
    };
    const BOTH: Needs = Needs {
        hessian: true,
        jacobian: true,
    };
}

/// Records `[f, g_1, .., g_m]` at `x` into `buf`; a non-finite objective is
/// [`Error::NonFiniteValue`], a non-finite constraint [`Error::NonFiniteOutput`]
/// with its index among the constraints.
fn record<P: Nlp>(nlp: &P, x: &[f64], workspace: &Workspace) -> Result<VectorRecording, Error> {
    let m = nlp.num_constraints();
    let outputs = VectorRecording::new_within(
        |x| {
            let mut out = vec![Var::from_f64(0.0); m + 1];
            out[0] = nlp.objective(x);
            nlp.constraints(x, &mut out[1..]);
            out
        },
        x,
        workspace,
    );
    outputs.map_err(|e| match e {
        Error::NonFiniteOutput { index: 0, value } => Error::NonFiniteValue { value },
        Error::NonFiniteOutput { index, value } => Error::NonFiniteOutput {
            index: index - 1,
            value,
        },
        e => e,
    })
}

/// The objective's gradient (output 0's adjoints) into `out`.
fn gradient_into(rec: &mut VectorRecording, out: &mut [f64]) -> Result<(), Error> {
    rec.weigh(|k| if k == 0 { 1.0 } else { 0.0 });
    out.copy_from_slice(rec.weighted_gradient());
    match out.iter().position(|g| !g.is_finite()) {
        Some(index) => Err(Error::NonFiniteGradient {
            index,
            value: out[index],
        }),
        None => Ok(()),
    }
}

/// [`Error::LengthMismatch`] unless `found == expected`.
fn check_len(what: &'static str, expected: usize, found: usize) -> Result<(), Error> {
    if found == expected {
        Ok(())
    } else {
        Err(Error::LengthMismatch {
            what,
            expected,
            found,
        })
    }
}
