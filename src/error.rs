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
    /// A direction (for a Hessian-vector product) has the wrong length.
    #[error("the direction has length {found}, but the point has {expected} coordinates")]
    DirectionLength {
        /// Number of coordinates of the point.
        expected: usize,
        /// Length of the direction given.
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
    /// A sparse plan was built for another number of inputs.
    #[error("the plan was built for {expected} inputs, but the point has {found}")]
    DimensionMismatch {
        /// Inputs the plan was built for.
        expected: usize,
        /// Inputs given.
        found: usize,
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
    /// Strict mode: the output does not depend on these inputs at all.
    #[error("strict mode: the output does not depend on input(s) {indices:?}")]
    IndependentInputs {
        /// Indices (into the flat point) of the inputs the output ignores.
        indices: Vec<usize>,
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
    /// A user-supplied derivative has the wrong shape ([`crate::check`]).
    #[error("expected a {expected_rows} x {expected_cols} result, found {rows} x {cols}")]
    ShapeMismatch {
        /// Rows expected.
        expected_rows: usize,
        /// Columns expected.
        expected_cols: usize,
        /// Rows found.
        rows: usize,
        /// Columns found.
        cols: usize,
    },
    /// A shape does not hold as many elements as the data given with it
    /// ([`crate::Shaped::new`]).
    #[error("shape {shape:?} does not hold {len} elements")]
    InputShapeMismatch {
        /// The shape given.
        shape: Vec<usize>,
        /// The number of elements given.
        len: usize,
    },
    /// Strict mode with several inputs ([`crate::hessian_blocks_with`]): the output
    /// does not depend at all on these elements of input `input` (the first input,
    /// in order, that has such elements).
    #[error(
        "strict mode: the output does not depend on input {input} at (row-major flat) index(es) {indices:?}"
    )]
    IndependentInput {
        /// Which input (0-based, in the order given).
        input: usize,
        /// Row-major flat indices, within that input, of the ignored elements.
        indices: Vec<usize>,
    },
}

/// Checks that a point is non-empty and finite.
pub(crate) fn check_point(values: impl IntoIterator<Item = f64>) -> Result<usize, Error> {
    let mut n = 0;
    for (index, value) in values.into_iter().enumerate() {
        if !value.is_finite() {
            return Err(Error::NonFiniteInput { index, value });
        }
        n += 1;
    }
    if n == 0 {
        return Err(Error::EmptyInput);
    }
    Ok(n)
}

/// Checks a direction against the point's length.
pub(crate) fn check_direction<T: crate::Scalar>(v: &[T], n: usize) -> Result<(), Error> {
    if v.len() != n {
        return Err(Error::DirectionLength {
            expected: n,
            found: v.len(),
        });
    }
    match v.iter().position(|x| !x.is_finite()) {
        Some(index) => Err(Error::NonFiniteDirection {
            index,
            value: v[index].value(),
        }),
        None => Ok(()),
    }
}
