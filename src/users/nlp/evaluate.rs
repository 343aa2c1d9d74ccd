//! [`LagrangianPlan`]'s evaluations: every value at a point from one recording
//! ([`NlpValues`]), the Lagrangian Hessian's and the Jacobian's values into a
//! caller's slices or as `CscMatrix`es, and the objective's gradient.

use super::Nlp;
use super::plan::LagrangianPlan;
use super::source::{Fresh, Source};
use crate::error::{Error, check_len};
use crate::scalar::Scalar;
use crate::sparse::{Budget, SparsityPattern};
use crate::tape::VectorRecording;
use nalgebra_sparse::CscMatrix;

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
        self.evaluate_from(&mut Fresh(nlp), x, sigma, lambda, out)
    }

    /// [`LagrangianPlan::evaluate`] from `src`'s recording.
    pub(super) fn evaluate_from(
        &self,
        src: &mut impl Source,
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
        self.with_recording(src, x, Needs::BOTH, |rec, same| {
            out.objective = rec.values()[0];
            out.constraints.copy_from_slice(&rec.values()[1..]);
            self.jacobian
                .evaluate(rec, &self.options, &mut out.jacobian)?;
            gradient_into(rec, &mut out.gradient)?;
            self.hessian_into(rec, same, sigma, lambda, &mut out.hessian)
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
        self.hessian_values_from(&mut Fresh(nlp), x, sigma, lambda, out)
    }

    /// [`LagrangianPlan::hessian_values`] from `src`'s recording.
    pub(super) fn hessian_values_from(
        &self,
        src: &mut impl Source,
        x: &[f64],
        sigma: f64,
        lambda: &[f64],
        out: &mut [f64],
    ) -> Result<(), Error> {
        self.check_multipliers(sigma, lambda)?;
        check_len("Hessian output", self.hessian_nnz(), out.len())?;
        self.with_recording(src, x, Needs::HESSIAN, |rec, same| {
            self.hessian_into(rec, same, sigma, lambda, out)
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
        self.jacobian_values_from(&mut Fresh(nlp), x, out)
    }

    /// [`LagrangianPlan::jacobian_values`] from `src`'s recording.
    pub(super) fn jacobian_values_from(
        &self,
        src: &mut impl Source,
        x: &[f64],
        out: &mut [f64],
    ) -> Result<(), Error> {
        check_len("Jacobian output", self.jacobian_nnz(), out.len())?;
        self.with_recording(src, x, Needs::JACOBIAN, |rec, _| {
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
        self.gradient_values_from(&mut Fresh(nlp), x, out)
    }

    /// [`LagrangianPlan::gradient_values`] from `src`'s recording.
    pub(super) fn gradient_values_from(
        &self,
        src: &mut impl Source,
        x: &[f64],
        out: &mut [f64],
    ) -> Result<f64, Error> {
        check_len("gradient output", self.n, out.len())?;
        self.with_recording(src, x, Needs::NONE, |rec, _| {
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
    fn with_recording<R>(
        &self,
        src: &mut impl Source,
        x: &[f64],
        needs: Needs,
        body: impl FnOnce(&mut VectorRecording, bool) -> Result<R, Error>,
    ) -> Result<R, Error> {
        check_len("point", self.n, x.len())?;
        let (mut rec, check) = src.recording(self, x)?;
        // Whether `rec` has the operations the plan was made from (known without
        // comparing them when `src` moved that recording by its program; not
        // compared for a call that fills no structure).
        let same = !check
            || ((needs.hessian || needs.jacobian) && rec.recording().has_structure(&self.words));
        let covered = if same {
            Ok(())
        } else {
            self.check_structure(&rec, needs)
        };
        let result = covered.and_then(|()| body(&mut rec, same));
        src.done(self, rec);
        result
    }

    /// Whether the structures cover the operations of `rec` (operations not
    /// those of the plan's recording): the new patterns found and compared.
    fn check_structure(&self, rec: &VectorRecording, needs: Needs) -> Result<(), Error> {
        if !(needs.hessian || needs.jacobian) {
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

    /// The Lagrangian Hessian's lower triangle of `rec` weighted `(sigma, lambda)`:
    /// by the plan's schedule when `rec` has the operations it was written from
    /// (`same`), else by the colored products.
    fn hessian_into(
        &self,
        rec: &mut VectorRecording,
        same: bool,
        sigma: f64,
        lambda: &[f64],
        out: &mut [f64],
    ) -> Result<(), Error> {
        rec.weigh(|k| if k == 0 { sigma } else { lambda[k - 1] });
        let scheduled = self
            .schedule
            .as_ref()
            .filter(|_| same)
            .and_then(|schedule| {
                let rec = rec.recording();
                rec.hessian_by(schedule, Budget::sparse(rec).limits())
            });
        let values = match scheduled {
            Some(values) => values,
            None => self
                .hessian
                .values(&self.hessian.products(rec.recording(), &self.options)),
        };
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
