//! Typed errors: every failure names what failed and where.

use thiserror::Error;

/// What can go wrong when asking for derivatives.
///
/// Bad input never panics: each driver checks its arguments and its results and
/// returns one of these, naming the index (or indices) that failed.
///
/// ```
/// use hyperhess::{Error, Scalar};
/// let err = hyperhess::forward::hessian(|x| x[0].ln(), &[-1.0]).unwrap_err();
/// assert!(matches!(err, Error::NonFiniteValue { .. }));
/// ```
#[derive(Debug, Clone, PartialEq, Error)]
#[non_exhaustive]
pub enum Error {
    /// The point has no coordinates.
    #[error("the input is empty: derivatives need at least one variable")]
    EmptyInput,
    /// A coordinate of the point is NaN or infinite.
    #[error("input {index} is not finite ({value})")]
    NonFiniteInput {
        /// Index of the offending coordinate.
        index: usize,
        /// Its value.
        value: f64,
    },
    /// The function value at the point is NaN or infinite (for example `ln` of a
    /// negative number).
    #[error("the function value at the point is not finite ({value})")]
    NonFiniteValue {
        /// The value.
        value: f64,
    },
    /// A gradient entry is NaN or infinite (for example `sqrt` at 0).
    #[error("gradient entry {index} is not finite ({value})")]
    NonFiniteGradient {
        /// Index of the entry.
        index: usize,
        /// Its value.
        value: f64,
    },
    /// A Hessian entry is NaN or infinite.
    #[error("Hessian entry ({row}, {col}) is not finite ({value})")]
    NonFiniteHessian {
        /// Row of the entry.
        row: usize,
        /// Column of the entry.
        col: usize,
        /// Its value.
        value: f64,
    },
    /// An argument has the wrong length: a direction against the point, a point
    /// against a [`crate::SparsePlan`], data against its shape, a hand-written
    /// derivative against the point ([`crate::check`]).
    #[error("the {what} has length {found}, expected {expected}")]
    LengthMismatch {
        /// Which argument: `"direction"`, `"point"`, `"data for the shape"`,
        /// `"gradient"`, `"Hessian rows"`, `"Hessian columns"`.
        what: &'static str,
        /// The length expected.
        expected: usize,
        /// The length given.
        found: usize,
    },
    /// A direction entry is NaN or infinite.
    #[error("direction entry {index} is not finite ({value})")]
    NonFiniteDirection {
        /// Index of the entry.
        index: usize,
        /// Its value.
        value: f64,
    },
    /// A sparse plan's pattern does not cover the Hessian at a new point (a branch
    /// took another path): entry `(row, col)` can be nonzero there but is not in the
    /// plan. Build a new plan at that point.
    #[error("the sparsity pattern changed: entry ({row}, {col}) is not in the plan")]
    SparsityPatternChanged {
        /// Row of the first uncovered entry.
        row: usize,
        /// Column of the first uncovered entry.
        col: usize,
    },
    /// Strict mode (PyTorch's `strict`): the output does not depend at all on
    /// these elements of input `input` (always 0 for one input; with several
    /// inputs, [`crate::hessian_blocks`], the first input, in order, that has such
    /// elements).
    #[error(
        "strict mode: the output does not depend on input {input} at (row-major flat) index(es) {indices:?}"
    )]
    IndependentInputs {
        /// Which input (0-based, in the order given; 0 for a single point).
        input: usize,
        /// Row-major flat indices, within that input, of the ignored elements.
        indices: Vec<usize>,
    },
    /// The recording ran out of room: more operations than a tape can index
    /// (`limit`), or no memory left for the next one.
    #[error("the tape is full: more than {limit} operations, or out of memory while recording")]
    TapeTooLarge {
        /// The most operations a tape can hold.
        limit: usize,
    },
    /// A tape variable of another recording met this one: kept after its
    /// recording ended, used on another thread, mixed with a variable of another
    /// active recording of the same number type, or returned by a nested
    /// recording. No derivatives come from it; every recording active on the
    /// thread where it was met returns this error.
    ///
    /// ```
    /// use std::cell::Cell;
    /// let kept = Cell::new(None);
    /// let _ = hyperhess::gradient(|x| { kept.set(Some(x[0])); x[0] }, &[1.0]);
    /// let stale = kept.get().unwrap();
    /// let r = hyperhess::hessian(|y| y[0] * stale, &[2.0]);
    /// assert!(matches!(r, Err(hyperhess::Error::ForeignVariable)));
    /// ```
    #[error(
        "a tape variable of another recording (finished, on another thread, or another active one) was used in this recording"
    )]
    ForeignVariable,
    /// A result (an `n x n` Hessian, a full sparsity pattern) does not fit in memory.
    #[error("the result needs {bytes} bytes, more than can be allocated")]
    OutOfMemory {
        /// Bytes the result needs.
        bytes: usize,
    },
    /// Output `index` of a vector function (a constraint of a [`crate::Nlp`]: its
    /// index among the constraints) is NaN or infinite at the point.
    #[error("output {index} of the vector function is not finite ({value})")]
    NonFiniteOutput {
        /// Index of the output.
        index: usize,
        /// Its value.
        value: f64,
    },
    /// A Jacobian entry is NaN or infinite.
    #[error("Jacobian entry ({row}, {col}) is not finite ({value})")]
    NonFiniteJacobian {
        /// Row (output) of the entry.
        row: usize,
        /// Column (input) of the entry.
        col: usize,
        /// Its value.
        value: f64,
    },
    /// A Lagrange multiplier (`"sigma"`, the objective's factor, or `"lambda"`,
    /// the constraints') is NaN or infinite.
    #[error("multiplier {what}[{index}] is not finite ({value})")]
    NonFiniteMultiplier {
        /// `"sigma"` or `"lambda"`.
        what: &'static str,
        /// Index of the entry (0 for `sigma`).
        index: usize,
        /// Its value.
        value: f64,
    },
    /// A plan's Jacobian structure does not cover the Jacobian at a new point (a
    /// branch took another path): entry `(row, col)` can be nonzero there but is
    /// not in the plan ([`crate::LagrangianPlan`]). Build a new plan at that point.
    #[error("the Jacobian's sparsity pattern changed: entry ({row}, {col}) is not in the plan")]
    JacobianPatternChanged {
        /// Row (constraint) of the first uncovered entry.
        row: usize,
        /// Column (input) of the first uncovered entry.
        col: usize,
    },
    /// No shift `tau` of the increasing-shift strategy made `H + tau I` positive
    /// definite ([`crate::newton_step`]).
    #[error("no diagonal shift made the Hessian positive definite (last shift tried: {tau})")]
    NotPositiveDefinite {
        /// The last shift tried.
        tau: f64,
    },
    /// The Armijo line search of [`crate::minimize_newton`] found no acceptable step
    /// length (usually: the gradient tolerance is below what rounding in `f` allows).
    #[error("the line search failed at iteration {iteration} (f = {value}, |g| = {gradient_norm})")]
    LineSearchFailed {
        /// The iteration whose line search failed.
        iteration: usize,
        /// `f` at the last iterate.
        value: f64,
        /// The gradient norm at the last iterate.
        gradient_norm: f64,
        /// The last iterate, to restart from.
        point: Vec<f64>,
    },
    /// [`crate::minimize_newton`] reached its iteration limit.
    #[error("not converged after {iterations} iterations (f = {value}, |g| = {gradient_norm})")]
    NotConverged {
        /// Iterations taken.
        iterations: usize,
        /// `f` at the last iterate.
        value: f64,
        /// The gradient norm at the last iterate.
        gradient_norm: f64,
        /// The last iterate, to restart from.
        point: Vec<f64>,
    },
    /// A bound pair is inconsistent: NaN, `lower > upper`, `lower = +inf` or
    /// `upper = -inf` (the bounds handed to a solver, feature `ipopt`).
    #[error("the {what} bounds at index {index} are inconsistent (lower {lower}, upper {upper})")]
    InvalidBounds {
        /// Which bounds: `"variable"` or `"constraint"`.
        what: &'static str,
        /// Index of the variable or constraint.
        index: usize,
        /// Its lower bound.
        lower: f64,
        /// Its upper bound.
        upper: f64,
    },
    /// An external solver (feature `ipopt`) stopped without a solution: it
    /// rejected an option, reached a limit, found the problem infeasible, or one of
    /// our evaluations failed (`cause`).
    #[error("{solver} stopped with status {status} ({message})")]
    SolverFailed {
        /// The solver: `"Ipopt"`.
        solver: &'static str,
        /// The solver's own status code (Ipopt's `ApplicationReturnStatus`).
        status: i32,
        /// What the status means, or which option was rejected.
        message: String,
        /// The solver's last iterate (the start when it stopped before the first
        /// iteration), to restart from.
        point: Vec<f64>,
        /// The last error one of our evaluations returned to the solver, if any
        /// (for example [`Error::NonFiniteValue`] at the start).
        cause: Option<Box<Error>>,
    },
    /// Point `point` of a batch ([`crate::hessian_batch`], [`crate::gradient_batch`])
    /// failed with `error` ([`crate::Batch::complete`]: the first point that failed).
    #[error("point {point} of the batch: {error}")]
    AtPoint {
        /// Index of the point in the batch.
        point: usize,
        /// What failed there.
        error: Box<Error>,
    },
}

/// Checks that a point is non-empty and finite (every part of a nested
/// coordinate: a `Dual` point with a NaN tangent is a non-finite input, reported
/// with value NaN when its own value is finite). The one input check of every
/// engine.
pub(crate) fn check_point<T: crate::scalar::Scalar>(x: &[T]) -> Result<usize, Error> {
    if let Some(index) = x.iter().position(|xi| !xi.is_finite()) {
        let value = x[index].value();
        let value = if value.is_finite() { f64::NAN } else { value };
        return Err(Error::NonFiniteInput { index, value });
    }
    if x.is_empty() {
        return Err(Error::EmptyInput);
    }
    Ok(x.len())
}

/// [`Error::LengthMismatch`] naming `what` unless `found == expected`.
pub(crate) fn check_len(what: &'static str, expected: usize, found: usize) -> Result<(), Error> {
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

/// Checks a direction against the point's length.
pub(crate) fn check_direction<T: crate::scalar::Scalar>(v: &[T], n: usize) -> Result<(), Error> {
    check_len("direction", n, v.len())?;
    match v.iter().position(|x| !x.is_finite()) {
        Some(index) => Err(Error::NonFiniteDirection {
            index,
            value: v[index].value(),
        }),
        None => Ok(()),
    }
}
