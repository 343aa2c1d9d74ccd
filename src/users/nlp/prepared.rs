//! [`PreparedNlp`]: a constrained problem with its Lagrangian plan and a
//! recording kept and moved from point to point by its program.

use super::Nlp;
use super::evaluate::NlpValues;
use super::plan::LagrangianPlan;
use super::source::{Source, as_problem_error, record_replayable};
use crate::error::Error;
use crate::tape::VectorRecording;

/// A problem prepared for a solver's many evaluations: the [`LagrangianPlan`]
/// (structures and colorings), and the recording of `[f, g]` with its program
/// ([`crate::prepare`]), moved to each new point without running the problem's
/// functions; they run again only where a guard flips (a comparison of variables
/// comes out differently), and the structures are then checked as the plan's own
/// calls check them.
///
/// It owns the problem, so that the program it evaluates is always the problem's:
/// the plan's own methods take the problem at every call and record it there
/// (the problem could have changed, or be another one).
///
/// ```
/// use hyperhess::{Nlp, PreparedNlp, Scalar};
/// struct Circle;
/// impl Nlp for Circle {
///     fn num_constraints(&self) -> usize { 1 }
///     fn objective<S: Scalar>(&self, x: &[S]) -> S { x[0] * x[1] }
///     fn constraints<S: Scalar>(&self, x: &[S], out: &mut [S]) { out[0] = x[0] * x[0] + x[1] * x[1]; }
/// }
/// let mut p = PreparedNlp::new(Circle, &[1.0, 1.0]).unwrap();
/// let mut v = p.plan().values();
/// p.evaluate(&[0.6, 0.8], 1.0, &[0.5], &mut v).unwrap();
/// assert_eq!(v.constraints, [0.6 * 0.6 + 0.8 * 0.8]);
/// assert_eq!(v.hessian, [1.0, 1.0, 1.0]); // lower triangle of [[2 l, s], [s, 2 l]]
/// assert_eq!(p.rerecords(), 0);
/// ```
#[derive(Debug)]
pub struct PreparedNlp<P> {
    nlp: P,
    plan: LagrangianPlan,
    kept: Kept,
}

/// A recording of a problem kept between evaluations and moved from point to
/// point by its program, and the count of recordings made again (a solver's
/// state: [`PreparedNlp`], the Ipopt adapter).
#[derive(Debug, Default)]
pub(crate) struct Kept {
    rec: Option<VectorRecording>,
    rerecords: usize,
    /// `rec` ran the operations of the plan's own recording (so its moves need
    /// no structure check).
    same: bool,
}

impl Kept {
    /// [`LagrangianPlan::hessian_values`] of `nlp` from the kept recording.
    pub(crate) fn hessian_values<P: Nlp>(
        &mut self,
        plan: &LagrangianPlan,
        nlp: &P,
        x: &[f64],
        (sigma, lambda): (f64, &[f64]),
        out: &mut [f64],
    ) -> Result<(), Error> {
        let mut src = Moved { nlp, kept: self };
        plan.hessian_values_from(&mut src, x, sigma, lambda, out)
    }

    /// [`LagrangianPlan::jacobian_values`] of `nlp` from the kept recording.
    pub(crate) fn jacobian_values<P: Nlp>(
        &mut self,
        plan: &LagrangianPlan,
        nlp: &P,
        x: &[f64],
        out: &mut [f64],
    ) -> Result<(), Error> {
        let mut src = Moved { nlp, kept: self };
        plan.jacobian_values_from(&mut src, x, out)
    }

    /// [`LagrangianPlan::gradient_values`] of `nlp` from the kept recording.
    pub(crate) fn gradient_values<P: Nlp>(
        &mut self,
        plan: &LagrangianPlan,
        nlp: &P,
        x: &[f64],
        out: &mut [f64],
    ) -> Result<f64, Error> {
        let mut src = Moved { nlp, kept: self };
        plan.gradient_values_from(&mut src, x, out)
    }

    /// How many times the problem was recorded again.
    pub(crate) fn rerecords(&self) -> usize {
        self.rerecords
    }
}

/// A [`Source`] moving the kept recording to each point (recording the problem
/// with a program where there is none yet, or a guard flipped).
struct Moved<'a, P> {
    nlp: &'a P,
    kept: &'a mut Kept,
}

impl<P: Nlp> Source for Moved<'_, P> {
    fn recording(
        &mut self,
        plan: &LagrangianPlan,
        x: &[f64],
    ) -> Result<(VectorRecording, bool), Error> {
        if let Some(mut rec) = self.kept.rec.take() {
            if rec.reevaluate(x).map_err(as_problem_error)? {
                return Ok((rec, !self.kept.same));
            }
            self.kept.rerecords += 1;
        }
        let rec = record_replayable(self.nlp, x)?;
        self.kept.same = rec.recording().has_structure(&plan.words);
        Ok((rec, !self.kept.same))
    }
    fn done(&mut self, _plan: &LagrangianPlan, rec: VectorRecording) {
        self.kept.rec = Some(rec);
    }
}

impl<P: Nlp> PreparedNlp<P> {
    /// Records the problem at `x0` with its program and builds its plan.
    /// Errors: those of [`LagrangianPlan::new`].
    ///
    /// ```
    /// # use hyperhess::{Nlp, PreparedNlp, Scalar};
    /// # struct P;
    /// # impl Nlp for P {
    /// #     fn num_constraints(&self) -> usize { 1 }
    /// #     fn objective<S: Scalar>(&self, x: &[S]) -> S { x[0] * x[1] }
    /// #     fn constraints<S: Scalar>(&self, x: &[S], out: &mut [S]) { out[0] = x[1].exp(); }
    /// # }
    /// let p = PreparedNlp::new(P, &[1.0, 2.0]).unwrap();
    /// assert_eq!(p.plan().hessian_nnz(), 2);
    /// ```
    pub fn new(nlp: P, x0: &[f64]) -> Result<Self, Error> {
        let plan = LagrangianPlan::new(&nlp, x0)?;
        let rec = record_replayable(&nlp, x0)?;
        let kept = Kept {
            same: rec.recording().has_structure(&plan.words),
            rec: Some(rec),
            rerecords: 0,
        };
        Ok(PreparedNlp { nlp, plan, kept })
    }

    /// The plan: structures, colorings, sizes.
    ///
    /// ```
    /// # use hyperhess::{Nlp, PreparedNlp, Scalar};
    /// # struct P;
    /// # impl Nlp for P {
    /// #     fn num_constraints(&self) -> usize { 1 }
    /// #     fn objective<S: Scalar>(&self, x: &[S]) -> S { x[0] * x[1] }
    /// #     fn constraints<S: Scalar>(&self, x: &[S], out: &mut [S]) { out[0] = x[1].exp(); }
    /// # }
    /// let p = PreparedNlp::new(P, &[1.0, 2.0]).unwrap();
    /// assert_eq!(p.plan().jacobian_structure(), (&[0][..], &[1][..]));
    /// ```
    pub fn plan(&self) -> &LagrangianPlan {
        &self.plan
    }

    /// The problem.
    ///
    /// ```
    /// # use hyperhess::{Nlp, PreparedNlp, Scalar};
    /// # struct P;
    /// # impl Nlp for P {
    /// #     fn num_constraints(&self) -> usize { 1 }
    /// #     fn objective<S: Scalar>(&self, x: &[S]) -> S { x[0] * x[1] }
    /// #     fn constraints<S: Scalar>(&self, x: &[S], out: &mut [S]) { out[0] = x[1].exp(); }
    /// # }
    /// let p = PreparedNlp::new(P, &[1.0, 2.0]).unwrap();
    /// assert_eq!(p.nlp().num_constraints(), 1);
    /// ```
    pub fn nlp(&self) -> &P {
        &self.nlp
    }

    /// How many times the problem was recorded again since [`PreparedNlp::new`] (a
    /// guard flipped, or its functions read a value out).
    ///
    /// ```
    /// # use hyperhess::{Nlp, PreparedNlp, Scalar};
    /// # struct P;
    /// # impl Nlp for P {
    /// #     fn num_constraints(&self) -> usize { 1 }
    /// #     fn objective<S: Scalar>(&self, x: &[S]) -> S { x[0].max(x[1]) }
    /// #     fn constraints<S: Scalar>(&self, x: &[S], out: &mut [S]) { out[0] = x[1].exp(); }
    /// # }
    /// let mut p = PreparedNlp::new(P, &[1.0, 2.0]).unwrap();
    /// let mut g = [0.0; 2];
    /// p.gradient_values(&[3.0, 2.0], &mut g).unwrap(); // max takes the other branch
    /// assert_eq!((g, p.rerecords()), ([1.0, 0.0], 1));
    /// ```
    pub fn rerecords(&self) -> usize {
        self.kept.rerecords()
    }

    /// [`LagrangianPlan::evaluate`] at `x`.
    ///
    /// ```
    /// # use hyperhess::{Nlp, PreparedNlp, Scalar};
    /// # struct P;
    /// # impl Nlp for P {
    /// #     fn num_constraints(&self) -> usize { 1 }
    /// #     fn objective<S: Scalar>(&self, x: &[S]) -> S { x[0] * x[1] }
    /// #     fn constraints<S: Scalar>(&self, x: &[S], out: &mut [S]) { out[0] = x[1].exp(); }
    /// # }
    /// let mut p = PreparedNlp::new(P, &[1.0, 2.0]).unwrap();
    /// let mut v = p.plan().values();
    /// p.evaluate(&[3.0, 0.0], 2.0, &[1.0], &mut v).unwrap();
    /// assert_eq!(v.hessian, [2.0, 1.0]);
    /// ```
    pub fn evaluate(
        &mut self,
        x: &[f64],
        sigma: f64,
        lambda: &[f64],
        out: &mut NlpValues,
    ) -> Result<(), Error> {
        let mut src = Moved {
            nlp: &self.nlp,
            kept: &mut self.kept,
        };
        self.plan.evaluate_from(&mut src, x, sigma, lambda, out)
    }

    /// [`LagrangianPlan::hessian_values`] at `(x, sigma, lambda)`.
    ///
    /// ```
    /// # use hyperhess::{Nlp, PreparedNlp, Scalar};
    /// # struct P;
    /// # impl Nlp for P {
    /// #     fn num_constraints(&self) -> usize { 1 }
    /// #     fn objective<S: Scalar>(&self, x: &[S]) -> S { x[0] * x[1] }
    /// #     fn constraints<S: Scalar>(&self, x: &[S], out: &mut [S]) { out[0] = x[1].exp(); }
    /// # }
    /// let mut p = PreparedNlp::new(P, &[1.0, 2.0]).unwrap();
    /// let mut h = [0.0; 2];
    /// p.hessian_values(&[1.0, 0.0], 0.0, &[3.0], &mut h).unwrap();
    /// assert_eq!(h, [0.0, 3.0]);
    /// ```
    pub fn hessian_values(
        &mut self,
        x: &[f64],
        sigma: f64,
        lambda: &[f64],
        out: &mut [f64],
    ) -> Result<(), Error> {
        let (nlp, plan) = (&self.nlp, &self.plan);
        self.kept.hessian_values(plan, nlp, x, (sigma, lambda), out)
    }

    /// [`LagrangianPlan::jacobian_values`] at `x`.
    ///
    /// ```
    /// # use hyperhess::{Nlp, PreparedNlp, Scalar};
    /// # struct P;
    /// # impl Nlp for P {
    /// #     fn num_constraints(&self) -> usize { 1 }
    /// #     fn objective<S: Scalar>(&self, x: &[S]) -> S { x[0] * x[1] }
    /// #     fn constraints<S: Scalar>(&self, x: &[S], out: &mut [S]) { out[0] = x[1].exp(); }
    /// # }
    /// let mut p = PreparedNlp::new(P, &[1.0, 2.0]).unwrap();
    /// let mut j = [0.0; 1];
    /// p.jacobian_values(&[1.0, 0.0], &mut j).unwrap();
    /// assert_eq!(j, [1.0]);
    /// ```
    pub fn jacobian_values(&mut self, x: &[f64], out: &mut [f64]) -> Result<(), Error> {
        self.kept.jacobian_values(&self.plan, &self.nlp, x, out)
    }

    /// [`LagrangianPlan::gradient_values`] at `x`: the objective's gradient into
    /// `out`, and its value.
    ///
    /// ```
    /// # use hyperhess::{Nlp, PreparedNlp, Scalar};
    /// # struct P;
    /// # impl Nlp for P {
    /// #     fn num_constraints(&self) -> usize { 1 }
    /// #     fn objective<S: Scalar>(&self, x: &[S]) -> S { x[0] * x[1] }
    /// #     fn constraints<S: Scalar>(&self, x: &[S], out: &mut [S]) { out[0] = x[1].exp(); }
    /// # }
    /// let mut p = PreparedNlp::new(P, &[1.0, 2.0]).unwrap();
    /// let mut g = [0.0; 2];
    /// assert_eq!(p.gradient_values(&[3.0, 4.0], &mut g).unwrap(), 12.0);
    /// assert_eq!(g, [4.0, 3.0]);
    /// ```
    pub fn gradient_values(&mut self, x: &[f64], out: &mut [f64]) -> Result<f64, Error> {
        self.kept.gradient_values(&self.plan, &self.nlp, x, out)
    }
}
