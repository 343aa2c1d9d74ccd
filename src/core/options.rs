//! [`Options`]: the knobs every tape driver takes.

/// The compiled lane widths (see [`Options::LANE_WIDTHS`]).
const LANE_WIDTHS: [usize; 6] = [1, 2, 3, 4, 8, 16];

/// Options of the tape drivers ([`crate::hessian_with`] and friends).
///
/// ```
/// use hyperhess::Options;
/// let strict = Options { strict: true, ..Options::default() };
/// let err = hyperhess::hessian_with(|x| x[0] * x[0], &[1.0, 2.0], &strict).unwrap_err();
/// assert_eq!(err, hyperhess::Error::IndependentInputs { input: 0, indices: vec![1] });
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
    /// lanes). `None` picks [`Options::DEFAULT_LANES`], except that a dense
    /// Hessian of at least 16 inputs whose two lane buffers (16 numbers per
    /// recorded operation each) fit in 32 MiB takes 16 lanes (fewer passes over
    /// the tape, the same bits); other values are rounded down to a compiled width
    /// ([`Options::LANE_WIDTHS`]; 0 is 1).
    pub lanes: Option<usize>,
    /// Whether the dense Hessian may take the sparse path (see [`Sparsity`]).
    pub sparsity: Sparsity,
    /// With the `parallel` feature: split the dense Hessian's column blocks across
    /// rayon's threads when there are at least [`Options::PARALLEL_MIN_INPUTS`]
    /// inputs (below that, threads cost more than they save). On by default;
    /// without the feature it changes nothing.
    pub parallel: bool,
}

/// How the dense Hessian drivers use sparsity.
///
/// ```
/// use hyperhess::{Options, Sparsity};
/// let dense_sweeps = Options { sparsity: Sparsity::Dense, ..Options::default() };
/// let h = hyperhess::hessian_with(|x| x[0] * x[1], &[1.0, 2.0], &dense_sweeps).unwrap();
/// assert_eq!(h[(0, 1)], 1.0);
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Sparsity {
    /// The rule: with `n >= 16` inputs, find the sparsity pattern (giving up when
    /// that would cost more than a few passes over the tape, or when the pattern
    /// has more than `n² / 4` entries) and color it (see [`crate::Coloring`]); when the coloring needs
    /// `p <= n / 4` colors,
    /// compute `p` compressed Hessian-vector products instead of `n` columns. Either
    /// way the result is exactly symmetric; the two paths agree to a few ulps (see
    /// `docs/limitations.md`).
    #[default]
    Auto,
    /// Always `n` columns in blocks of lanes.
    Dense,
    /// Always the pattern, the coloring and compressed products.
    Compressed,
}

impl Options {
    /// The lane width used when [`Options::lanes`] is `None`: eight `f64` lanes fill
    /// two 256-bit vector registers.
    ///
    /// ```
    /// assert_eq!(hyperhess::Options::default().lane_width(), hyperhess::Options::DEFAULT_LANES);
    /// ```
    pub const DEFAULT_LANES: usize = 8;

    /// The fewest inputs for which [`Options::parallel`] uses threads.
    ///
    /// ```
    /// assert_eq!(hyperhess::Options::PARALLEL_MIN_INPUTS, 256);
    /// ```
    pub const PARALLEL_MIN_INPUTS: usize = 256;

    /// The lane width asked for: [`Options::lanes`] (or the default) rounded down
    /// to a compiled width ([`Options::LANE_WIDTHS`]).
    ///
    /// ```
    /// use hyperhess::Options;
    /// assert_eq!(Options { lanes: Some(12), ..Options::default() }.lane_width(), 8);
    /// assert_eq!(Options { lanes: Some(3), ..Options::default() }.lane_width(), 3);
    /// assert_eq!(Options { lanes: Some(0), ..Options::default() }.lane_width(), 1);
    /// ```
    pub fn lane_width(&self) -> usize {
        let asked = self.lanes.unwrap_or(Self::DEFAULT_LANES);
        LANE_WIDTHS
            .iter()
            .copied()
            .filter(|&w| w <= asked)
            .max()
            .unwrap_or(1)
    }

    /// The lane width for `columns` directions: [`Options::lane_width`], or, when
    /// fewer columns than that are needed, the smallest compiled width that holds
    /// them all (one sweep carries them).
    ///
    /// ```
    /// use hyperhess::Options;
    /// assert_eq!(Options::default().lane_width_for(3), 3); // three colors: one sweep
    /// assert_eq!(Options::default().lane_width_for(5), 8);
    /// assert_eq!(Options::default().lane_width_for(100), 8);
    /// ```
    pub fn lane_width_for(&self, columns: usize) -> usize {
        let fits = LANE_WIDTHS.iter().copied().find(|&w| w >= columns);
        self.lane_width().min(fits.unwrap_or(usize::MAX))
    }

    /// The lane widths the sweeps are compiled for: every lane count the drivers
    /// use is one of these (the one table: `with_lanes!` dispatches on exactly these).
    ///
    /// ```
    /// assert_eq!(hyperhess::Options::LANE_WIDTHS, [1, 2, 3, 4, 8, 16]);
    /// ```
    pub const LANE_WIDTHS: [usize; 6] = LANE_WIDTHS;
}

impl Default for Options {
    fn default() -> Self {
        Options {
            strict: false,
            lanes: None,
            sparsity: Sparsity::Auto,
            parallel: true,
        }
    }
}
