//! [`SparsePlan`]: a pattern and its coloring, found once, evaluated at many points.

use super::{
    Budget, Coloring, ColoringKind, SparsityPattern, Structure, csc_pattern, to_csc, with_values,
};
use crate::error::{Error, check_len};
use crate::recording::Recording;
use crate::tape::{Recorded, Schedule, SymmetricEntries, Var, Workspace};
use nalgebra_sparse::CscMatrix;

/// A sparsity pattern and its coloring, built once at one point and evaluated at
/// many: each evaluation records the function, checks that it ran the same
/// operations (else that its pattern is covered), and computes the entries.
///
/// The entries come from the edge-pushing sweep of [`crate::sparse_hessian`],
/// written down once at the plan's point as a flat list of multiply-adds
/// between numbered slots and run at each point (the same bits as the one-shot
/// call); or, where that sweep would cost more than the dense Hessian, from the
/// `p` compressed sweeps of the coloring.
///
/// A plan keeps the buffers of its last evaluation (the tape, and the sweeps'
/// lanes, about `16 p` bytes per recorded operation, when it sweeps), so that its
/// next evaluation allocates little more than the result; they are freed with
/// the plan, as is its schedule ([`SparsePlan::bytes`]). (One-shot calls keep at
/// most 16 MiB per buffer between calls.) Threads sharing a plan each get their
/// own buffers when it is in use.
///
/// ```
/// use hyperhess::{Scalar, SparsePlan};
/// fn f<S: Scalar>(x: &[S]) -> S { x.windows(2).map(|w| (w[1] - w[0] * w[0]).powi(2)).sum() }
/// let plan = SparsePlan::new(|x| f(x), &[0.5; 100]).unwrap();
/// assert_eq!(plan.colors(), 2); // tridiagonal: an acyclic coloring
/// for k in 0..3 {
///     let x = vec![0.1 * k as f64; 100];
///     let h = plan.hessian(|x| f(x), &x).unwrap();
///     assert_eq!(h.nnz(), plan.pattern().nnz());
/// }
/// ```
#[derive(Debug)]
pub struct SparsePlan {
    structure: Structure,
    /// The recorded structure the pattern was found on (see `structure_words`).
    words: Vec<u64>,
    /// The edge-pushing sweep as instructions, when within the budget.
    schedule: Option<Schedule<f64>>,
    /// The pattern as the result's, built once.
    csc: nalgebra_sparse::pattern::SparsityPattern,
    /// The last evaluation's buffers, kept whole for the next.
    workspace: Workspace,
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
        F: Fn(&[Var]) -> Var,
    {
        SparsePlan::from_recording(&Recorded::new(f, x)?, None)
    }

    /// [`SparsePlan::new`] with a coloring of `kind` only, whose compressed sweeps
    /// then compute every evaluation (`None`: as [`SparsePlan::new`]);
    /// [`ColoringKind::Star`] keeps every entry as accurate as the dense sweeps
    /// (see [`Coloring`]).
    ///
    /// ```
    /// use hyperhess::{ColoringKind, Scalar, SparsePlan};
    /// fn f<S: Scalar>(x: &[S]) -> S { x.windows(2).map(|w| w[0] * w[1].exp()).sum() }
    /// let plan = SparsePlan::with_coloring(|x| f(x), &[0.5; 10], Some(ColoringKind::Star)).unwrap();
    /// assert_eq!((plan.colors(), plan.coloring().longest_substitution()), (3, 1));
    /// ```
    pub fn with_coloring<F>(f: F, x: &[f64], kind: Option<ColoringKind>) -> Result<Self, Error>
    where
        F: Fn(&[Var]) -> Var,
    {
        SparsePlan::from_recording(&Recorded::new(f, x)?, kind)
    }

    pub(crate) fn from_recording(
        rec: &Recorded,
        kind: Option<ColoringKind>,
    ) -> Result<Self, Error> {
        let structure = Structure::find_or_full_kind(rec, kind)?;
        // A coloring asked for is the one the evaluations sweep with.
        let schedule = kind
            .is_none()
            .then(|| rec.hessian_schedule(Budget::sparse(rec).limits()))
            .flatten()
            .filter(|s| s.pattern() == structure.pattern.arrays());
        let (offsets, rows) = structure.pattern.arrays();
        Ok(SparsePlan {
            csc: csc_pattern(offsets.to_vec(), rows),
            structure,
            words: rec.structure_words().collect(),
            schedule,
            workspace: Workspace::default(),
        })
    }

    /// Bytes the plan holds besides its kept buffers: the pattern, the coloring
    /// and the schedule.
    ///
    /// ```
    /// use hyperhess::Scalar;
    /// fn f<S: Scalar>(x: &[S]) -> S { x.windows(2).map(|w| w[0] * w[1].exp()).sum() }
    /// let plan = hyperhess::SparsePlan::new(|x| f(x), &[0.5; 100]).unwrap();
    /// assert!(plan.bytes() > 0 && plan.bytes() < 100 * 1000);
    /// ```
    pub fn bytes(&self) -> usize {
        let (offsets, columns) = self.structure.pattern.arrays();
        std::mem::size_of_val(offsets)
            + columns.len() * 4
            + self.coloring().colors().len() * 4
            + self.words.len() * 8
            + std::mem::size_of_val(self.csc.major_offsets())
            + std::mem::size_of_val(self.csc.minor_indices())
            + self.schedule.as_ref().map_or(0, Schedule::bytes)
    }

    /// The structural sparsity pattern.
    ///
    /// ```
    /// use hyperhess::Scalar;
    /// let plan = hyperhess::SparsePlan::new(|x| x[0].sin() + x[1], &[1.0, 2.0]).unwrap();
    /// assert!(plan.pattern().contains(0, 0) && !plan.pattern().contains(1, 1));
    /// ```
    pub fn pattern(&self) -> &SparsityPattern {
        &self.structure.pattern
    }

    /// The coloring of the pattern (star or acyclic).
    ///
    /// ```
    /// let plan = hyperhess::SparsePlan::new(|x| x[0] * x[1], &[1.0, 2.0]).unwrap();
    /// assert!(plan.coloring().is_valid(plan.pattern()));
    /// ```
    pub fn coloring(&self) -> &Coloring {
        &self.structure.coloring
    }

    /// The number of colors: compressed Hessian-vector products per evaluation.
    ///
    /// ```
    /// let plan = hyperhess::SparsePlan::new(|x| x[0] * x[0] + x[1] * x[1], &[1.0, 2.0]).unwrap();
    /// assert_eq!(plan.colors(), 1);
    /// ```
    pub fn colors(&self) -> usize {
        self.structure.colors()
    }

    /// The Hessian at `x`. Errors: those of [`crate::record`],
    /// [`Error::LengthMismatch`], and [`Error::SparsityPatternChanged`] when `f`
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
        F: Fn(&[Var]) -> Var,
    {
        let n = self.structure.pattern.dim();
        if x.len() != n && !x.is_empty() {
            return Err(Error::LengthMismatch {
                what: "point",
                expected: n,
                found: x.len(),
            });
        }
        // This plan's own buffers when free (another thread may hold them).
        let rec = self.workspace.record(f, x)?;
        let h = self.evaluate(&rec);
        self.workspace.keep(rec);
        h
    }

    /// The Hessian at a recording the caller already has (its value and gradient
    /// are wanted too: the Newton step records once per iterate).
    pub(crate) fn hessian_of(&self, rec: &Recording) -> Result<CscMatrix<f64>, Error> {
        let rec = rec.tape();
        let n = self.structure.pattern.dim();
        if rec.inputs() != n {
            return Err(Error::LengthMismatch {
                what: "point",
                expected: n,
                found: rec.inputs(),
            });
        }
        self.evaluate(rec)
    }

    /// Whether `rec` has the operations of the recording the plan was made from.
    pub(crate) fn has_operations_of(&self, rec: &Recorded) -> bool {
        rec.has_structure(&self.words)
    }

    /// The Hessian from a recording at the plan's point size.
    pub(crate) fn evaluate(&self, rec: &Recorded) -> Result<CscMatrix<f64>, Error> {
        self.evaluate_at(rec, self.has_operations_of(rec))
    }

    /// [`SparsePlan::evaluate`] at a recording the caller knows to have the plan's
    /// operations (`same`: the one the plan was made from, moved to another point
    /// by its program), without comparing them again.
    pub(crate) fn evaluate_at(&self, rec: &Recorded, same: bool) -> Result<CscMatrix<f64>, Error> {
        let n = self.structure.pattern.dim();
        let full = self.structure.pattern.nnz() == n * n;
        if let (Some(schedule), true) = (&self.schedule, same)
            && let Some(values) = rec.hessian_by(schedule, Budget::sparse(rec).limits())
        {
            return self.matrix(values);
        }
        if !full && !same {
            // Another path was taken: its pattern must be covered. (Past the budget
            // it cannot be checked, and is reported as changed at its first row.)
            if self.schedule.is_some() {
                // The one-shot sweep there, its entries placed in the plan's pattern.
                if let Some(h) = rec.hessian_entries(Budget::sparse(rec).limits()) {
                    return self.covering(h);
                }
            }
            let budget = Budget::sparse(rec);
            let Some((offsets, columns)) = rec.pattern_rows(budget.entries, budget.work) else {
                return Err(Error::SparsityPatternChanged { row: 0, col: 0 });
            };
            let now = SparsityPattern::from_rows(offsets, columns);
            if let Some((row, col)) = now.first_missing(&self.structure.pattern) {
                return Err(Error::SparsityPatternChanged { row, col });
            }
        }
        to_csc(&self.structure, rec)
    }

    /// [`SparsePlan::evaluate_at`]'s values, in the pattern's order, into `out`.
    pub(crate) fn values_at(
        &self,
        rec: &Recorded,
        same: bool,
        out: &mut [f64],
    ) -> Result<(), Error> {
        check_len("Hessian output", self.structure.pattern.nnz(), out.len())?;
        if let (Some(schedule), true) = (&self.schedule, same)
            && rec
                .hessian_by_into(schedule, Budget::sparse(rec).limits(), out)
                .is_some()
        {
            // (Not finite: the entry `evaluate_at` reports, by the same rule.)
            return self.structure.first_non_finite(out).map_or(Ok(()), Err);
        }
        out.copy_from_slice(self.evaluate_at(rec, same)?.values());
        Ok(())
    }

    /// The plan's pattern with `values` (in pattern order).
    fn matrix(&self, values: Vec<f64>) -> Result<CscMatrix<f64>, Error> {
        with_values(&self.csc, values)
    }

    /// Entries found on another path, placed in the plan's pattern (zero where
    /// they have none), or the first one outside it as an error.
    fn covering(&self, h: SymmetricEntries<f64>) -> Result<CscMatrix<f64>, Error> {
        let (offsets, rows) = self.structure.pattern.arrays();
        let mut values = vec![0.0; rows.len()];
        for j in 0..offsets.len().saturating_sub(1) {
            let mine = &rows[offsets[j]..offsets[j + 1]];
            for k in h.offsets[j]..h.offsets[j + 1] {
                let i = h.columns[k];
                match mine.binary_search(&i) {
                    Ok(at) => values[offsets[j] + at] = h.values[k],
                    Err(_) => {
                        // (Rows scanned in order, as `SparsityPattern::first_missing`.)
                        let (row, col) = (j, i as usize);
                        return Err(Error::SparsityPatternChanged { row, col });
                    }
                }
            }
        }
        self.matrix(values)
    }
}
