//! [`Options`]: the knobs every tape driver takes.

/// Options of the tape drivers ([`crate::hessian_with`] and friends).
///
/// ```
/// use hyperhess::Options;
/// let strict = Options { strict: true, ..Options::default() };
/// let err = hyperhess::hessian_with(|x| x[0] * x[0], &[1.0, 2.0], &strict).unwrap_err();
/// assert_eq!(err, hyperhess::Error::IndependentInputs { indices: vec![1] });
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Options {
    /// PyTorch's `strict`: return [`crate::Error::IndependentInputs`] when the output
    /// does not depend on some input at all. Decided structurally from the recorded
    /// operations (so `0.0 * x` still depends on `x`, and a zero derivative at the
    /// point is not independence). Off by default: independent inputs get zero rows
    /// and columns.
    pub strict: bool,
    /// PyTorch's `vectorize`: how many Hessian columns one sweep carries (tangent
    /// lanes). `None` picks [`Options::DEFAULT_LANES`]; other values are rounded down
    /// to a power of two in `1..=16`.
    pub lanes: Option<usize>,
}

impl Options {
    /// The lane width used when [`Options::lanes`] is `None`: eight `f64` lanes fill
    /// two 256-bit vector registers.
    pub const DEFAULT_LANES: usize = 8;

    /// The lane width actually used: a power of two in `1..=16`.
    ///
    /// ```
    /// use hyperhess::Options;
    /// assert_eq!(Options { lanes: Some(12), ..Options::default() }.lane_width(), 8);
    /// assert_eq!(Options { lanes: Some(0), ..Options::default() }.lane_width(), 1);
    /// ```
    pub fn lane_width(&self) -> usize {
        let l = self.lanes.unwrap_or(Self::DEFAULT_LANES).clamp(1, 16);
        1 << l.ilog2()
    }
}

impl Default for Options {
    fn default() -> Self {
        Options { strict: false, lanes: None }
    }
}
