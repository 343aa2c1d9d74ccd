//! What a check returns: [`CheckReport`], its entries, its symmetry verdict and,
//! for small `n`, the two results compared; how it prints them.

use nalgebra::DMatrix;
use std::fmt;

/// Which check a [`CheckReport`] comes from; it names the reference values.
///
/// ```
/// use hyperhess::check::CheckKind;
/// assert_eq!(CheckKind::Hessian.reference_name(), "FD");
/// assert_eq!(CheckKind::HessianAgainst.reference_name(), "hand-written");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CheckKind {
    /// [`gradient`](super::gradient): AD gradient against central differences of `f`.
    Gradient,
    /// [`hessian`](super::hessian): AD Hessian against central differences of the AD gradient.
    Hessian,
    /// [`gradient_against`](super::gradient_against): a hand-written gradient against the AD gradient.
    GradientAgainst,
    /// [`hessian_against`](super::hessian_against): a hand-written Hessian against the AD Hessian.
    HessianAgainst,
}

impl CheckKind {
    /// The name of the reference values: `"FD"` (finite differences) or
    /// `"hand-written"`.
    ///
    /// ```
    /// assert_eq!(hyperhess::check::CheckKind::Gradient.reference_name(), "FD");
    /// ```
    pub fn reference_name(self) -> &'static str {
        match self {
            CheckKind::Gradient | CheckKind::Hessian => "FD",
            CheckKind::GradientAgainst | CheckKind::HessianAgainst => "hand-written",
        }
    }

    pub(super) fn what(self) -> &'static str {
        match self {
            CheckKind::Gradient => "gradient check (AD vs FD)",
            CheckKind::Hessian => "Hessian check (AD vs FD of the AD gradient)",
            CheckKind::GradientAgainst => "hand-written gradient check",
            CheckKind::HessianAgainst => "hand-written Hessian check",
        }
    }
}

/// The position of an entry: in a gradient or in a Hessian.
///
/// ```
/// use hyperhess::check::Index;
/// assert_eq!(Index::Vector(3).to_string(), "3");
/// assert_eq!(Index::Matrix(1, 2).to_string(), "(1, 2)");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Index {
    /// Entry `i` of a gradient.
    Vector(usize),
    /// Entry `(row, col)` of a Hessian.
    Matrix(usize, usize),
}

impl fmt::Display for Index {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Index::Vector(i) => write!(f, "{i}"),
            Index::Matrix(i, j) => write!(f, "({i}, {j})"),
        }
    }
}

/// One compared entry: the AD value, the reference value (finite difference or
/// hand-written, see [`CheckKind::reference_name`]) and the tolerance used.
///
/// ```
/// use hyperhess::check::{Entry, Index};
/// let e = Entry { index: Index::Vector(0), ad: 1.0, reference: 1.5, tolerance: 1e-6 };
/// assert_eq!(e.error(), 0.5);
/// assert!(!e.within_tolerance());
/// ```
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Entry {
    /// Where the entry is.
    pub index: Index,
    /// The automatic derivative.
    pub ad: f64,
    /// The reference: finite difference or hand-written value.
    pub reference: f64,
    /// The tolerance on `|ad - reference|`.
    pub tolerance: f64,
}

impl Entry {
    /// `|ad - reference|` (NaN if either is NaN).
    ///
    /// ```
    /// use hyperhess::check::{Entry, Index};
    /// let e = Entry { index: Index::Vector(0), ad: 2.0, reference: 1.0, tolerance: 0.0 };
    /// assert_eq!(e.error(), 1.0);
    /// ```
    pub fn error(&self) -> f64 {
        (self.ad - self.reference).abs()
    }

    /// `error() <= tolerance`; false when either value is NaN or infinite.
    ///
    /// ```
    /// use hyperhess::check::{Entry, Index};
    /// let e = Entry { index: Index::Vector(0), ad: 1.0, reference: f64::NAN, tolerance: 1.0 };
    /// assert!(!e.within_tolerance());
    /// ```
    pub fn within_tolerance(&self) -> bool {
        self.ad.is_finite() && self.reference.is_finite() && self.error() <= self.tolerance
    }

    /// `error() / tolerance`: at most 1 for a passing entry, infinite for a failing
    /// entry with zero tolerance or a non-finite value.
    ///
    /// ```
    /// use hyperhess::check::{Entry, Index};
    /// let e = Entry { index: Index::Vector(0), ad: 1.0, reference: 1.25, tolerance: 0.5 };
    /// assert_eq!(e.ratio(), 0.5);
    /// ```
    pub fn ratio(&self) -> f64 {
        ratio(self.error(), self.tolerance, self.within_tolerance())
    }
}

fn ratio(error: f64, tolerance: f64, ok: bool) -> f64 {
    if ok {
        if error == 0.0 { 0.0 } else { error / tolerance }
    } else if error.is_finite() && tolerance > 0.0 {
        error / tolerance
    } else {
        f64::INFINITY // a zero tolerance, or a NaN or infinite value
    }
}

/// The worst asymmetry of a Hessian that should be symmetric: the finite-difference
/// Hessian in [`hessian`](super::hessian), the hand-written one in [`hessian_against`](super::hessian_against).
///
/// ```
/// use hyperhess::check::Symmetry;
/// let s = Symmetry { row: 0, col: 1, upper: 2.0, lower: 2.0, tolerance: 0.0 };
/// assert!(s.within_tolerance());
/// ```
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Symmetry {
    /// Row of the upper entry (`row < col`).
    pub row: usize,
    /// Column of the upper entry.
    pub col: usize,
    /// The entry `(row, col)`.
    pub upper: f64,
    /// The entry `(col, row)`.
    pub lower: f64,
    /// The tolerance on `|upper - lower|`.
    pub tolerance: f64,
}

impl Symmetry {
    /// `|upper - lower| <= tolerance`; false when either value is not finite.
    ///
    /// ```
    /// use hyperhess::check::Symmetry;
    /// let s = Symmetry { row: 0, col: 1, upper: 2.0, lower: 3.0, tolerance: 0.5 };
    /// assert!(!s.within_tolerance());
    /// ```
    pub fn within_tolerance(&self) -> bool {
        self.upper.is_finite()
            && self.lower.is_finite()
            && (self.upper - self.lower).abs() <= self.tolerance
    }

    fn ratio(&self) -> f64 {
        ratio(
            (self.upper - self.lower).abs(),
            self.tolerance,
            self.within_tolerance(),
        )
    }
}

/// The outcome of a check: the worst entry (largest error relative to its
/// tolerance), how many entries are beyond tolerance, and for Hessians the worst
/// asymmetry. Its `Display` says all of it in one line.
///
/// ```
/// use hyperhess::{Objective, Scalar, check::{self, CheckOptions, Index}};
/// struct Product;
/// impl Objective for Product {
///     fn eval<S: Scalar>(&self, x: &[S]) -> S {
///         x[0] * x[1]
///     }
/// }
/// let report = check::gradient(&Product, &[2.0, 3.0], &CheckOptions::default()).unwrap();
/// assert!(report.passed() && report.failures == 0 && report.entries == 2);
/// assert!(matches!(report.worst.index, Index::Vector(_)));
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct CheckReport {
    /// Which check this is.
    pub kind: CheckKind,
    /// The entry with the largest `error / tolerance`.
    pub worst: Entry,
    /// Entries beyond tolerance.
    pub failures: usize,
    /// Entries compared.
    pub entries: usize,
    /// Hessian checks: the worst asymmetry of the reference Hessian.
    pub symmetry: Option<Symmetry>,
    /// For `n <= CheckReport::SHOWN_UP_TO` inputs: the AD and reference values
    /// side by side (`n x n`, or `n x 1` for a gradient), shown by `Display`.
    pub compared: Option<Box<Compared>>,
}

/// The two results a check compared, kept for small `n` ([`CheckReport::compared`]):
/// the automatic derivative and the reference (finite differences or hand-written).
///
/// ```
/// use hyperhess::{Objective, Scalar, check::{self, CheckOptions}};
/// struct Product;
/// impl Objective for Product {
///     fn eval<S: Scalar>(&self, x: &[S]) -> S { x[0] * x[1] }
/// }
/// use hyperhess::nalgebra;
/// let hand = |_: &[f64]| nalgebra::dmatrix![0.0, 1.0; 1.0, 0.0];
/// let report = check::hessian_against(&Product, hand, &[2.0, 3.0]).unwrap();
/// let both = report.compared.unwrap();
/// assert_eq!(both.ad, both.reference);
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct Compared {
    /// The automatic derivative (a gradient as one column).
    pub ad: DMatrix<f64>,
    /// The reference values, the same shape.
    pub reference: DMatrix<f64>,
}

impl CheckReport {
    /// The largest `n` for which a report keeps and shows both results
    /// ([`CheckReport::compared`]).
    ///
    /// ```
    /// assert_eq!(hyperhess::check::CheckReport::SHOWN_UP_TO, 6);
    /// ```
    pub const SHOWN_UP_TO: usize = 6;

    /// `true` when every entry is within tolerance and the reference Hessian (if
    /// any) is symmetric within tolerance.
    ///
    /// ```
    /// use hyperhess::{Objective, Scalar, check::{self, CheckOptions}};
    /// struct Exp;
    /// impl Objective for Exp {
    ///     fn eval<S: Scalar>(&self, x: &[S]) -> S {
    ///         x[0].exp()
    ///     }
    /// }
    /// assert!(check::hessian(&Exp, &[1.0], &CheckOptions::default()).unwrap().passed());
    /// ```
    pub fn passed(&self) -> bool {
        self.failures == 0 && self.symmetry.is_none_or(|s| s.within_tolerance())
    }

    /// Same as [`CheckReport::passed`].
    ///
    /// ```
    /// use hyperhess::{Objective, Scalar, check::{self, CheckOptions}};
    /// struct Exp;
    /// impl Objective for Exp {
    ///     fn eval<S: Scalar>(&self, x: &[S]) -> S {
    ///         x[0].exp()
    ///     }
    /// }
    /// assert!(check::gradient(&Exp, &[1.0], &CheckOptions::default()).unwrap().is_ok());
    /// ```
    pub fn is_ok(&self) -> bool {
        self.passed()
    }

    /// `Ok(())` when the check passed, else the report as an error, for `?` in tests
    /// (inside `proptest!`, any `std::error::Error` becomes a test-case failure).
    ///
    /// ```
    /// use hyperhess::{Objective, Scalar, check::{self, CheckOptions}};
    /// use hyperhess::nalgebra::{self, dmatrix};
    /// struct Product;
    /// impl Objective for Product {
    ///     fn eval<S: Scalar>(&self, x: &[S]) -> S {
    ///         x[0] * x[1]
    ///     }
    /// }
    /// let wrong = |_: &[f64]| dmatrix![0.0, 2.0; 2.0, 0.0];
    /// let failure = check::hessian_against(&Product, wrong, &[1.0, 1.0]).unwrap().assert();
    /// let message = failure.unwrap_err().to_string();
    /// assert!(message.contains("(0, 1)") && message.contains("hand-written = 2"), "{message}");
    /// ```
    pub fn assert(&self) -> Result<(), CheckFailure> {
        if self.passed() {
            Ok(())
        } else {
            Err(CheckFailure(Box::new(self.clone())))
        }
    }
}

/// A failed check, as an error: [`CheckReport::assert`]. Displays the report.
///
/// ```
/// use hyperhess::{Objective, Scalar, check::{self, CheckOptions}};
/// struct Square;
/// impl Objective for Square {
///     fn eval<S: Scalar>(&self, x: &[S]) -> S {
///         x[0] * x[0]
///     }
/// }
/// use hyperhess::nalgebra;
/// let wrong = |x: &[f64]| nalgebra::dvector![x[0]]; // should be 2 x
/// let err = check::gradient_against(&Square, wrong, &[3.0]).unwrap().assert().unwrap_err();
/// assert_eq!(err.0.worst.reference, 3.0);
/// assert_eq!(err.0.worst.ad, 6.0);
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct CheckFailure(pub Box<CheckReport>);

impl fmt::Display for CheckFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

impl std::error::Error for CheckFailure {}

/// Collects entries: the worst by ratio and the failure count.
pub(crate) struct Tally {
    worst: Option<(f64, Entry)>,
    failures: usize,
    entries: usize,
    symmetry: Option<(f64, Symmetry)>,
}

impl Tally {
    pub(crate) fn new() -> Self {
        Tally {
            worst: None,
            failures: 0,
            entries: 0,
            symmetry: None,
        }
    }

    pub(crate) fn push(&mut self, e: Entry) {
        self.entries += 1;
        if !e.within_tolerance() {
            self.failures += 1;
        }
        let r = e.ratio();
        if self.worst.as_ref().is_none_or(|(w, _)| r > *w) {
            self.worst = Some((r, e));
        }
    }

    pub(crate) fn push_symmetry(&mut self, s: Symmetry) {
        let r = s.ratio();
        if self.symmetry.as_ref().is_none_or(|(w, _)| r > *w) {
            self.symmetry = Some((r, s));
        }
    }

    /// Pushes the symmetry verdict of every pair `(i, j)`, `i < j`, of an `n x n`
    /// matrix `m`, with the tolerance `tol(i, j)` for the pair.
    pub(crate) fn push_symmetries(&mut self, m: &DMatrix<f64>, tol: impl Fn(usize, usize) -> f64) {
        let n = m.nrows();
        for j in 0..n {
            for i in 0..j {
                self.push_symmetry(Symmetry {
                    row: i,
                    col: j,
                    upper: m[(i, j)],
                    lower: m[(j, i)],
                    tolerance: tol(i, j),
                });
            }
        }
    }

    /// The report; `compared` (AD, reference) is kept when `n` is at most
    /// [`CheckReport::SHOWN_UP_TO`].
    pub(crate) fn report(
        self,
        kind: CheckKind,
        matrix: bool,
        compared: (DMatrix<f64>, DMatrix<f64>),
    ) -> CheckReport {
        let index = if matrix {
            Index::Matrix(0, 0)
        } else {
            Index::Vector(0)
        };
        let worst = self.worst.map(|(_, e)| e).unwrap_or(Entry {
            index,
            ad: 0.0,
            reference: 0.0,
            tolerance: 0.0,
        });
        let symmetry = self.symmetry.map(|(_, s)| s);
        let (ad, reference) = compared;
        let compared =
            (ad.nrows() <= CheckReport::SHOWN_UP_TO).then(|| Box::new(Compared { ad, reference }));
        CheckReport {
            kind,
            worst,
            failures: self.failures,
            entries: self.entries,
            symmetry,
            compared,
        }
    }
}
