//! [`LagrangianPlan`]: the Lagrangian Hessian's and the constraint Jacobian's
//! structures, found once from one recording of `[f, g_1, .., g_m]`, filled at
//! every new point from one recording there.

use super::Nlp;
use super::source::record;
use crate::error::Error;
use crate::jacobians::JacobianStructure;
use crate::options::Options;
use crate::sparse::{Budget, Structure};
use crate::tape::{Schedule, Workspace};

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
    pub(super) n: usize,
    pub(super) m: usize,
    /// The Lagrangian Hessian's pattern (both triangles) and star coloring.
    pub(super) hessian: Structure,
    /// The edge-pushing sweep of the weighted outputs written down once, where
    /// it finds that pattern: the Hessian's values at a recording with the
    /// plan's operations without colored sweeps.
    pub(super) schedule: Option<Schedule<f64>>,
    /// For each lower-triangle entry (CSC order), its index among the pattern's.
    pub(super) lower: Vec<usize>,
    /// The lower triangle's CSC column offsets, and each entry's row and column.
    pub(super) h_offsets: Vec<usize>,
    pub(super) h_rows: Vec<usize>,
    pub(super) h_cols: Vec<usize>,
    pub(super) jacobian: JacobianStructure,
    pub(super) j_rows: Vec<usize>,
    pub(super) j_cols: Vec<usize>,
    /// The recorded operations at `x0` (a recording with equal words has the same
    /// structures).
    pub(super) words: Vec<u64>,
    pub(super) options: Options,
    /// The last evaluation's buffers, reused by the next.
    pub(super) workspace: Workspace,
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
        let schedule = rec
            .recording()
            .hessian_schedule(Budget::sparse(rec.recording()).limits())
            .filter(|s| s.pattern() == hessian.pattern.arrays());
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
            schedule,
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
}
