//! Where the NLP plan's recordings of `[f, g_1, .., g_m]` come from: a fresh
//! recording at every point ([`Fresh`], the plan's own calls), or one kept and
//! moved from point to point by its program ([`super::PreparedNlp`]).

use super::Nlp;
use super::plan::LagrangianPlan;
use crate::error::Error;
use crate::scalar::Scalar;
use crate::tape::{Var, VectorRecording, Workspace};

/// Where an evaluation's recording of `[f, g]` comes from.
pub(super) trait Source {
    /// The recording at `x`, and whether its operations must be checked against
    /// the plan's structures (`false`: they are the plan's own recording's).
    fn recording(
        &mut self,
        plan: &LagrangianPlan,
        x: &[f64],
    ) -> Result<(VectorRecording, bool), Error>;
    /// Takes the recording back after the evaluation.
    fn done(&mut self, plan: &LagrangianPlan, rec: VectorRecording);
}

/// A fresh recording of the problem at every point, into the plan's kept
/// buffers.
pub(super) struct Fresh<'a, P>(pub(super) &'a P);

impl<P: Nlp> Source for Fresh<'_, P> {
    fn recording(
        &mut self,
        plan: &LagrangianPlan,
        x: &[f64],
    ) -> Result<(VectorRecording, bool), Error> {
        Ok((record(self.0, x, &plan.workspace)?, true))
    }
    fn done(&mut self, plan: &LagrangianPlan, rec: VectorRecording) {
        rec.keep_in(&plan.workspace);
    }
}

/// Records `[f, g_1, .., g_m]` at `x` into `buf`; a non-finite objective is
/// [`Error::NonFiniteValue`], a non-finite constraint [`Error::NonFiniteOutput`]
/// with its index among the constraints.
pub(super) fn record<P: Nlp>(
    nlp: &P,
    x: &[f64],
    workspace: &Workspace,
) -> Result<VectorRecording, Error> {
    VectorRecording::new_within(|x| outputs(nlp, x), x, workspace).map_err(as_problem_error)
}

/// [`record`] with a program alongside (for [`super::PreparedNlp`]).
pub(super) fn record_replayable<P: Nlp>(nlp: &P, x: &[f64]) -> Result<VectorRecording, Error> {
    VectorRecording::new_replayable(|x| outputs(nlp, x), x).map_err(as_problem_error)
}

/// The problem's outputs `[f, g_1, .., g_m]` at `x`.
fn outputs<P: Nlp>(nlp: &P, x: &[Var]) -> Vec<Var> {
    let mut out = vec![Var::from_f64(0.0); nlp.num_constraints() + 1];
    out[0] = nlp.objective(x);
    nlp.constraints(x, &mut out[1..]);
    out
}

/// The recording's error, named by the problem: output 0 is the objective, output
/// `k` constraint `k - 1`.
pub(super) fn as_problem_error(e: Error) -> Error {
    match e {
        Error::NonFiniteOutput { index: 0, value } => Error::NonFiniteValue { value },
        Error::NonFiniteOutput { index, value } => Error::NonFiniteOutput {
            index: index - 1,
            value,
        },
        e => e,
    }
}
