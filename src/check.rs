//! Derivative checks: automatic derivatives against central finite differences
//! ([`gradient`], [`hessian`]), and hand-written derivatives against automatic ones
//! ([`gradient_against`], [`hessian_against`]).
//!
//! Every check takes the function as an `&impl` [`Objective`]: a finite difference
//! needs the function at plain `f64` and automatic differentiation needs it at tape
//! variables, and an objective is the one form that can be evaluated at both (see
//! [`Objective`] for why a closure cannot).
//!
//! ```
//! use hyperhess::{Objective, Scalar, check::{self, CheckOptions}};
//!
//! struct Rosenbrock;
//! impl Objective for Rosenbrock {
//!     fn eval<S: Scalar>(&self, x: &[S]) -> S {
//!         hyperhess::testfns::rosenbrock(x)
//!     }
//! }
//!
//! let x = [-1.2, 1.0, 0.5];
//! let report = check::hessian(&Rosenbrock, &x, &CheckOptions::default()).unwrap();
//! assert!(report.passed(), "{report}");
//! ```
//!
//! # Steps and tolerances
//!
//! Coordinate `i` is perturbed by `h_i = step_factor · eps^(1/3) · max(1, |x_i|)`
//! (`eps = f64::EPSILON`, so `h_i ≈ 6e-6 · max(1, |x_i|)`), rounded so that
//! `x_i ± h_i` are exact in floating point: the difference quotient divides by the
//! step actually taken.
//!
//! The central difference `D(h) = (f(x + h e_i) - f(x - h e_i)) / 2h` has two errors:
//!
//! - truncation, `h² |∂_i³ f| / 6` (Taylor: the even terms cancel);
//! - rounding, `eps_f / h`, where `eps_f` bounds the error of evaluating `f` once.
//!
//! Their sum is smallest near `h = eps^(1/3)` (scaled by `|x_i|` so the step stays
//! relative to the coordinate), where both are `O(eps^(2/3)) ≈ 4e-11` relative to the
//! scales of `f'''` and `f`. Neither `f'''` nor `eps_f` is known in advance, so each
//! is estimated at the point:
//!
//! - truncation: by Richardson, `T = |D(2h) - D(h)| / 3` (since `D(2h) - D(h) ≈ 3 ·
//!   h² f''' / 6`); this costs two more evaluations per coordinate and adapts to
//!   the function, including where `f''' = 0` (then `T` is at the rounding level);
//! - rounding: `R = noise · M / h`, with `M` the magnitude of what was summed to
//!   compute `f`: the largest `|f|` over the stencil plus the first-order terms
//!   `Σ_k |∂_k f(x)| |x_k|`. Rounding in a floating-point sum is about `eps` times
//!   the sum of the magnitudes of its terms, not `eps |f|`, and near a cancellation
//!   (a valley floor of Rosenbrock, where `f ≈ 0` but `x2` and `x1²` are large) the
//!   first-order terms measure those magnitudes. `noise` defaults to `64 eps`.
//!
//! An entry passes when `|AD - FD| <= safety · (T + R) + atol` (`safety = 10` by
//! default). The error of `D(h)` is at most `T + 1.5 R` up to `O(h⁴)` terms (the
//! Richardson estimate itself carries rounding of at most `R / 2`), so the factor 10
//! leaves a margin of five over the error model; a wrong derivative is typically off
//! by a relative `O(1)`, about `10⁹` times the tolerance.
//!
//! The Hessian check ([`hessian`]) applies the same analysis to central differences
//! of the AD gradient, column by column (`4n` gradient evaluations: `O(n)` recordings,
//! never `O(n²)` function evaluations), with the gradient's magnitudes
//! `max |g_i| + Σ_k |H_ik| |x_k|` in place of `M`. It also checks that the
//! finite-difference Hessian is symmetric within the sum of the two entries'
//! tolerances: a function whose "gradient" is not a gradient field shows there.
//!
//! The checks against hand-written derivatives compare two exact results, so their
//! tolerance is relative only: `atol + rtol · (|AD_ij| + max |AD|)` with `rtol =
//! 1e-8` by default (norm-wise: rounding in an entry scales with the magnitudes that
//! went into it, and the largest entry bounds those).
//!
//! # In property tests
//!
//! [`CheckReport::assert`] returns a [`CheckFailure`], a `std::error::Error`, so
//! inside `proptest!` (whose bodies convert any error into a test-case failure with
//! `?`) a check is one line:
//!
//! ```
//! use hyperhess::{Objective, Scalar, check::{self, CheckOptions}};
//! use proptest::prelude::*;
//!
//! struct Chain;
//! impl Objective for Chain {
//!     fn eval<S: Scalar>(&self, x: &[S]) -> S {
//!         hyperhess::testfns::chain(x)
//!     }
//! }
//!
//! // In a test file this is `proptest! { #[test] fn name(x in ...) { ... } }`;
//! // the closure form runs the cases at once.
//! proptest!(ProptestConfig::with_cases(16), |(x in proptest::collection::vec(-2.0..2.0, 2..6))| {
//!     check::gradient(&Chain, &x, &CheckOptions::default())?.assert()?;
//!     check::hessian(&Chain, &x, &CheckOptions::default())?.assert()?;
//! });
//! ```
//!
//! With the `proptest` feature, the module `check::strategies` has strategies for
//! points in a box and for directions.

use crate::error::Error;
use crate::objective::{Objective, record_of};
use nalgebra::{DMatrix, DVector};
use std::fmt;

#[cfg(feature = "proptest")]
pub mod strategies;

/// Steps and tolerances of the checks (see the [module docs](self) for the error
/// analysis behind them).
///
/// ```
/// use hyperhess::check::CheckOptions;
/// let loose = CheckOptions { safety: 100.0, ..CheckOptions::default() };
/// assert_eq!(loose.noise, CheckOptions::default().noise);
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct CheckOptions {
    /// Multiplies the step `eps^(1/3) · max(1, |x_i|)`. Default 1.
    pub step_factor: f64,
    /// Relative rounding error of one evaluation of `f` (or of the gradient), as a
    /// multiple of the magnitudes summed (see the module docs). Default `64 eps`;
    /// raise it for functions that cancel heavily or loop long.
    pub noise: f64,
    /// Safety factor on the estimated error of the finite difference. Default 10.
    pub safety: f64,
    /// Absolute tolerance added to every entry. Default 0.
    pub atol: f64,
    /// Relative tolerance of the checks of hand-written derivatives
    /// ([`gradient_against`], [`hessian_against`]). Default `1e-8`.
    pub rtol: f64,
}

impl Default for CheckOptions {
    fn default() -> Self {
        CheckOptions {
            step_factor: 1.0,
            noise: 64.0 * f64::EPSILON,
            safety: 10.0,
            atol: 0.0,
            rtol: 1e-8,
        }
    }
}

impl CheckOptions {
    /// The nominal step for a coordinate of value `xi`:
    /// `step_factor · eps^(1/3) · max(1, |xi|)`.
    ///
    /// ```
    /// use hyperhess::check::CheckOptions;
    /// let opts = CheckOptions::default();
    /// assert_eq!(opts.step(100.0), 100.0 * opts.step(0.5));
    /// assert!((opts.step(0.0) - 6.055e-6).abs() < 1e-9);
    /// ```
    pub fn step(&self, xi: f64) -> f64 {
        self.step_factor * f64::EPSILON.cbrt() * xi.abs().max(1.0)
    }
}

/// Which check a [`CheckReport`] comes from; it names the reference values.
///
/// ```
/// use hyperhess::check::CheckKind;
/// assert_eq!(CheckKind::Hessian.reference_name(), "FD");
/// assert_eq!(CheckKind::HessianAgainst.reference_name(), "hand-written");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CheckKind {
    /// [`gradient`]: AD gradient against central differences of `f`.
    Gradient,
    /// [`hessian`]: AD Hessian against central differences of the AD gradient.
    Hessian,
    /// [`gradient_against`]: a hand-written gradient against the AD gradient.
    GradientAgainst,
    /// [`hessian_against`]: a hand-written Hessian against the AD Hessian.
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

    fn what(self) -> &'static str {
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
/// Hessian in [`hessian`], the hand-written one in [`hessian_against`].
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
}

impl CheckReport {
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
    /// use nalgebra::dmatrix;
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
            Err(CheckFailure(self.clone()))
        }
    }
}

impl fmt::Display for CheckReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let w = &self.worst;
        let verdict = if self.passed() { "passed" } else { "FAILED" };
        write!(
            f,
            "{} {verdict}: {} of {} entries beyond tolerance; worst entry {}: AD = {:e}, {} = {:e}, \
             |AD - {}| = {:e} {} tolerance {:e}",
            self.kind.what(),
            self.failures,
            self.entries,
            w.index,
            w.ad,
            self.kind.reference_name(),
            w.reference,
            self.kind.reference_name(),
            w.error(),
            if w.within_tolerance() { "<=" } else { ">" },
            w.tolerance,
        )?;
        if let Some(s) = &self.symmetry {
            write!(
                f,
                "; {} Hessian {} at ({}, {}): {:e} vs ({}, {}): {:e}, tolerance {:e}",
                self.kind.reference_name(),
                if s.within_tolerance() {
                    "symmetric, worst"
                } else {
                    "NOT SYMMETRIC"
                },
                s.row,
                s.col,
                s.upper,
                s.col,
                s.row,
                s.lower,
                s.tolerance,
            )?;
        }
        Ok(())
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
/// let wrong = |x: &[f64]| nalgebra::dvector![x[0]]; // should be 2 x
/// let err = check::gradient_against(&Square, wrong, &[3.0]).unwrap().assert().unwrap_err();
/// assert_eq!(err.0.worst.reference, 3.0);
/// assert_eq!(err.0.worst.ad, 6.0);
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct CheckFailure(pub CheckReport);

impl fmt::Display for CheckFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

impl std::error::Error for CheckFailure {}

/// Collects entries: the worst by ratio and the failure count.
struct Tally {
    worst: Option<(f64, Entry)>,
    failures: usize,
    entries: usize,
    symmetry: Option<(f64, Symmetry)>,
}

impl Tally {
    fn new() -> Self {
        Tally {
            worst: None,
            failures: 0,
            entries: 0,
            symmetry: None,
        }
    }

    fn push(&mut self, e: Entry) {
        self.entries += 1;
        if !e.within_tolerance() {
            self.failures += 1;
        }
        let r = e.ratio();
        if self.worst.as_ref().is_none_or(|(w, _)| r > *w) {
            self.worst = Some((r, e));
        }
    }

    fn push_symmetry(&mut self, s: Symmetry) {
        let r = s.ratio();
        if self.symmetry.as_ref().is_none_or(|(w, _)| r > *w) {
            self.symmetry = Some((r, s));
        }
    }

    fn report(self, kind: CheckKind, matrix: bool) -> CheckReport {
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
        CheckReport {
            kind,
            worst,
            failures: self.failures,
            entries: self.entries,
            symmetry,
        }
    }
}

/// Evaluates `eval` at `xi ± h`, the step rounded so both points are exact.
/// Returns the central difference quotient's numerator parts and the denominator.
fn stencil<R>(xi: f64, h: f64, mut eval: impl FnMut(f64) -> R) -> (R, R, f64) {
    let (xp, xm) = (xi + h, xi - h);
    let plus = eval(xp);
    let minus = eval(xm);
    (plus, minus, xp - xm)
}

/// Checks the AD gradient of `f` at `x` against central differences of `f`
/// (`4n` evaluations of `f` at `f64`, one recording).
///
/// `f` is an `&impl` [`Objective`]; the step and tolerance of each entry follow the
/// [module docs](self). A finite difference that leaves the domain of `f` (a NaN or
/// infinite value at `x ± h e_i`) fails that entry, with the non-finite FD value in
/// the report.
///
/// Errors: those of [`crate::record`] at `x` (empty or non-finite point, non-finite
/// value or gradient).
///
/// ```
/// use hyperhess::{Objective, Scalar, check::{self, CheckOptions}};
/// struct SinProduct;
/// impl Objective for SinProduct {
///     fn eval<S: Scalar>(&self, x: &[S]) -> S {
///         (x[0] * x[1]).sin() + x[2].powi(4)
///     }
/// }
/// let report = check::gradient(&SinProduct, &[0.3, -2.0, 50.0], &CheckOptions::default());
/// let report = report.unwrap();
/// assert!(report.passed(), "{report}");
/// assert!(report.worst.tolerance < 1e-4 * 4.0 * 50f64.powi(3));
/// ```
pub fn gradient<O: Objective>(
    f: &O,
    x: &[f64],
    options: &CheckOptions,
) -> Result<CheckReport, Error> {
    let rec = record_of(f, x)?;
    let g = rec.gradient();
    let first_order: f64 = g.iter().zip(x).map(|(gi, xi)| (gi * xi).abs()).sum();
    let mut point = x.to_vec();
    let mut eval = |i: usize, xi: f64| {
        point[i] = xi;
        let v = f.eval(&point);
        point[i] = x[i];
        v
    };
    let mut tally = Tally::new();
    for i in 0..x.len() {
        let h = options.step(x[i]);
        let (fp, fm, d) = stencil(x[i], h, |xi| eval(i, xi));
        let (fp2, fm2, d2) = stencil(x[i], 2.0 * h, |xi| eval(i, xi));
        let fd = (fp - fm) / d;
        let fd2 = (fp2 - fm2) / d2;
        let magnitude = [rec.value(), fp, fm, fp2, fm2]
            .iter()
            .fold(0.0f64, |m, v| m.max(v.abs()))
            + first_order;
        let truncation = (fd2 - fd).abs() / 3.0;
        let rounding = options.noise * magnitude / (d / 2.0);
        tally.push(Entry {
            index: Index::Vector(i),
            ad: g[i],
            reference: fd,
            tolerance: options.safety * (truncation + rounding) + options.atol,
        });
    }
    Ok(tally.report(CheckKind::Gradient, false))
}

/// Checks the AD Hessian of `f` at `x` against central differences of the AD
/// gradient, column by column (`4n` gradient evaluations, each one recording), and
/// checks that the finite-difference Hessian is symmetric.
///
/// `f` is an `&impl` [`Objective`]; steps and tolerances follow the
/// [module docs](self).
///
/// Errors: those of [`crate::hessian`] at `x`, and those of [`crate::gradient`] at
/// the stencil points `x ± h e_j`, `x ± 2h e_j` (the stencil left the domain).
///
/// ```
/// use hyperhess::{Objective, Scalar, check::{self, CheckOptions}};
/// struct Chain;
/// impl Objective for Chain {
///     fn eval<S: Scalar>(&self, x: &[S]) -> S {
///         hyperhess::testfns::chain(x)
///     }
/// }
/// let report = check::hessian(&Chain, &[0.5, -1.0, 2.0], &CheckOptions::default()).unwrap();
/// assert!(report.passed(), "{report}");
/// assert_eq!(report.entries, 9);
/// ```
pub fn hessian<O: Objective>(
    f: &O,
    x: &[f64],
    options: &CheckOptions,
) -> Result<CheckReport, Error> {
    let rec = record_of(f, x)?;
    let h_ad = rec.hessian()?;
    let g0 = rec.gradient();
    let n = x.len();
    let first_order: Vec<f64> = (0..n)
        .map(|i| (0..n).map(|k| (h_ad[(i, k)] * x[k]).abs()).sum())
        .collect();
    let mut fd = DMatrix::zeros(n, n);
    let mut tol = DMatrix::zeros(n, n);
    let mut point = x.to_vec();
    let mut grad = |j: usize, xj: f64| -> Result<DVector<f64>, Error> {
        point[j] = xj;
        let g = record_of(f, &point).map(|r| r.gradient());
        point[j] = x[j];
        g
    };
    let mut tally = Tally::new();
    for j in 0..n {
        let h = options.step(x[j]);
        let (gp, gm, d) = stencil(x[j], h, |xj| grad(j, xj));
        let (gp2, gm2, d2) = stencil(x[j], 2.0 * h, |xj| grad(j, xj));
        let (gp, gm, gp2, gm2) = (gp?, gm?, gp2?, gm2?);
        for i in 0..n {
            let d1 = (gp[i] - gm[i]) / d;
            let d2 = (gp2[i] - gm2[i]) / d2;
            let magnitude = [g0[i], gp[i], gm[i], gp2[i], gm2[i]]
                .iter()
                .fold(0.0f64, |m, v| m.max(v.abs()))
                + first_order[i];
            let truncation = (d2 - d1).abs() / 3.0;
            let rounding = options.noise * magnitude / (d / 2.0);
            fd[(i, j)] = d1;
            tol[(i, j)] = options.safety * (truncation + rounding) + options.atol;
            tally.push(Entry {
                index: Index::Matrix(i, j),
                ad: h_ad[(i, j)],
                reference: d1,
                tolerance: tol[(i, j)],
            });
        }
    }
    for j in 0..n {
        for i in 0..j {
            tally.push_symmetry(Symmetry {
                row: i,
                col: j,
                upper: fd[(i, j)],
                lower: fd[(j, i)],
                tolerance: tol[(i, j)] + tol[(j, i)],
            });
        }
    }
    Ok(tally.report(CheckKind::Hessian, true))
}

/// Checks a hand-written gradient against the AD gradient at `x`, with the default
/// [`CheckOptions`]; see [`gradient_against_with`].
///
/// ```
/// use hyperhess::{Objective, Scalar, check};
/// struct Square;
/// impl Objective for Square {
///     fn eval<S: Scalar>(&self, x: &[S]) -> S {
///         x[0] * x[0] + x[1]
///     }
/// }
/// let right = |x: &[f64]| nalgebra::dvector![2.0 * x[0], 1.0];
/// assert!(check::gradient_against(&Square, right, &[3.0, 1.0]).unwrap().passed());
/// ```
pub fn gradient_against<O: Objective>(
    f: &O,
    hand_written: impl Fn(&[f64]) -> DVector<f64>,
    x: &[f64],
) -> Result<CheckReport, Error> {
    gradient_against_with(f, hand_written, x, &CheckOptions::default())
}

/// Checks a hand-written gradient against the AD gradient at `x`: entry `i` passes
/// when `|AD_i - hand_i| <= atol + rtol · (|AD_i| + max_k |AD_k|)`.
///
/// Errors: those of [`crate::gradient`] at `x`, and [`Error::ShapeMismatch`] when
/// the hand-written gradient has the wrong length.
///
/// ```
/// use hyperhess::{Objective, Scalar, check::{self, CheckOptions, Index}};
/// struct Cubic;
/// impl Objective for Cubic {
///     fn eval<S: Scalar>(&self, x: &[S]) -> S {
///         x[0].powi(3) + x[1]
///     }
/// }
/// let wrong = |x: &[f64]| nalgebra::dvector![3.0 * x[0], 1.0]; // forgot the square
/// let r = check::gradient_against_with(&Cubic, wrong, &[2.0, 0.0], &CheckOptions::default());
/// let r = r.unwrap();
/// assert!(!r.passed());
/// assert_eq!((r.worst.index, r.worst.ad, r.worst.reference), (Index::Vector(0), 12.0, 6.0));
/// ```
pub fn gradient_against_with<O: Objective>(
    f: &O,
    hand_written: impl Fn(&[f64]) -> DVector<f64>,
    x: &[f64],
    options: &CheckOptions,
) -> Result<CheckReport, Error> {
    let g = record_of(f, x)?.gradient();
    let hw = hand_written(x);
    if hw.len() != g.len() {
        return Err(Error::ShapeMismatch {
            expected_rows: g.len(),
            expected_cols: 1,
            rows: hw.len(),
            cols: 1,
        });
    }
    let scale = g.amax();
    let mut tally = Tally::new();
    for i in 0..g.len() {
        tally.push(Entry {
            index: Index::Vector(i),
            ad: g[i],
            reference: hw[i],
            tolerance: options.atol + options.rtol * (g[i].abs() + scale),
        });
    }
    Ok(tally.report(CheckKind::GradientAgainst, false))
}

/// Checks a hand-written Hessian against the AD Hessian at `x`, with the default
/// [`CheckOptions`]; see [`hessian_against_with`].
///
/// ```
/// use hyperhess::{Objective, Scalar, check::{self, Index}};
/// use nalgebra::dmatrix;
/// struct Rosenbrock;
/// impl Objective for Rosenbrock {
///     fn eval<S: Scalar>(&self, x: &[S]) -> S {
///         hyperhess::testfns::rosenbrock(x)
///     }
/// }
/// // The true (0, 0) entry is 1200 x0² - 400 x1 + 2; this one forgot the 2.
/// let wrong = |x: &[f64]| {
///     dmatrix![1200.0 * x[0] * x[0] - 400.0 * x[1], -400.0 * x[0];
///              -400.0 * x[0], 200.0]
/// };
/// let report = check::hessian_against(&Rosenbrock, wrong, &[1.0, 1.0]).unwrap();
/// assert!(!report.passed());
/// assert_eq!(report.worst.index, Index::Matrix(0, 0));
/// assert_eq!((report.worst.ad, report.worst.reference), (802.0, 800.0));
/// ```
pub fn hessian_against<O: Objective>(
    f: &O,
    hand_written: impl Fn(&[f64]) -> DMatrix<f64>,
    x: &[f64],
) -> Result<CheckReport, Error> {
    hessian_against_with(f, hand_written, x, &CheckOptions::default())
}

/// Checks a hand-written Hessian against the AD Hessian at `x`: entry `(i, j)`
/// passes when `|AD_ij - hand_ij| <= atol + rtol · (|AD_ij| + max |AD|)`; the
/// hand-written Hessian must also be symmetric within that tolerance.
///
/// Errors: those of [`crate::hessian`] at `x`, and [`Error::ShapeMismatch`] when
/// the hand-written Hessian is not `n x n`.
///
/// ```
/// use hyperhess::{Objective, Scalar, check::{self, CheckOptions}};
/// use nalgebra::dmatrix;
/// struct Product;
/// impl Objective for Product {
///     fn eval<S: Scalar>(&self, x: &[S]) -> S {
///         x[0] * x[1]
///     }
/// }
/// let lopsided = |_: &[f64]| dmatrix![0.0, 1.0; 0.0, 0.0];
/// let opts = CheckOptions::default();
/// let r = check::hessian_against_with(&Product, lopsided, &[1.0, 2.0], &opts).unwrap();
/// assert!(!r.passed());
/// assert!(!r.symmetry.unwrap().within_tolerance());
/// ```
pub fn hessian_against_with<O: Objective>(
    f: &O,
    hand_written: impl Fn(&[f64]) -> DMatrix<f64>,
    x: &[f64],
    options: &CheckOptions,
) -> Result<CheckReport, Error> {
    let h = record_of(f, x)?.hessian()?;
    let hw = hand_written(x);
    let n = h.nrows();
    if hw.shape() != (n, n) {
        return Err(Error::ShapeMismatch {
            expected_rows: n,
            expected_cols: n,
            rows: hw.nrows(),
            cols: hw.ncols(),
        });
    }
    let scale = h.amax();
    let tol = |i: usize, j: usize| options.atol + options.rtol * (h[(i, j)].abs() + scale);
    let mut tally = Tally::new();
    for j in 0..n {
        for i in 0..n {
            tally.push(Entry {
                index: Index::Matrix(i, j),
                ad: h[(i, j)],
                reference: hw[(i, j)],
                tolerance: tol(i, j),
            });
        }
    }
    for j in 0..n {
        for i in 0..j {
            tally.push_symmetry(Symmetry {
                row: i,
                col: j,
                upper: hw[(i, j)],
                lower: hw[(j, i)],
                tolerance: tol(i, j),
            });
        }
    }
    Ok(tally.report(CheckKind::HessianAgainst, true))
}
