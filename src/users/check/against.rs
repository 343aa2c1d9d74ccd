//! Hand-written derivatives against the AD ones: [`gradient_against`],
//! [`hessian_against`] and their `_with` forms.

use super::CheckOptions;
use super::report::{CheckKind, CheckReport, Entry, Index, Tally};
use crate::error::Error;
use crate::objective::Objective;
use nalgebra::{DMatrix, DVector};

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
/// use hyperhess::nalgebra;
/// let right = |x: &[f64]| nalgebra::dvector![2.0 * x[0], 1.0];
/// assert!(check::gradient_against(&Square, right, &[3.0, 1.0]).unwrap().passed());
/// ```
pub fn gradient_against<O: Objective + ?Sized>(
    f: &O,
    hand_written: impl Fn(&[f64]) -> DVector<f64>,
    x: &[f64],
) -> Result<CheckReport, Error> {
    gradient_against_with(f, hand_written, x, &CheckOptions::default())
}

/// Checks a hand-written gradient against the AD gradient at `x`: entry `i` passes
/// when `|AD_i - hand_i| <= atol + rtol · (|AD_i| + max_k |AD_k|)`.
///
/// Errors: those of [`crate::gradient`] at `x`, and [`Error::LengthMismatch`] when
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
/// use hyperhess::nalgebra;
/// let wrong = |x: &[f64]| nalgebra::dvector![3.0 * x[0], 1.0]; // forgot the square
/// let r = check::gradient_against_with(&Cubic, wrong, &[2.0, 0.0], &CheckOptions::default());
/// let r = r.unwrap();
/// assert!(!r.passed());
/// assert_eq!((r.worst.index, r.worst.ad, r.worst.reference), (Index::Vector(0), 12.0, 6.0));
/// ```
pub fn gradient_against_with<O: Objective + ?Sized>(
    f: &O,
    hand_written: impl Fn(&[f64]) -> DVector<f64>,
    x: &[f64],
    options: &CheckOptions,
) -> Result<CheckReport, Error> {
    let g = crate::front_door::gradient(|x| f.eval(x), x)?;
    let hw = hand_written(x);
    if hw.len() != g.len() {
        return Err(Error::LengthMismatch {
            what: "gradient",
            expected: g.len(),
            found: hw.len(),
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
    let column = |v: &DVector<f64>| DMatrix::from_column_slice(v.len(), 1, v.as_slice());
    Ok(tally.report(CheckKind::GradientAgainst, false, (column(&g), column(&hw))))
}

/// Checks a hand-written Hessian against the AD Hessian at `x`, with the default
/// [`CheckOptions`]; see [`hessian_against_with`].
///
/// ```
/// use hyperhess::{Objective, Scalar, check::{self, Index}};
/// use hyperhess::nalgebra::{self, dmatrix};
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
pub fn hessian_against<O: Objective + ?Sized>(
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
/// Errors: those of [`crate::hessian`] at `x`, and [`Error::LengthMismatch`] when
/// the hand-written Hessian is not `n x n`.
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
/// let lopsided = |_: &[f64]| dmatrix![0.0, 1.0; 0.0, 0.0];
/// let opts = CheckOptions::default();
/// let r = check::hessian_against_with(&Product, lopsided, &[1.0, 2.0], &opts).unwrap();
/// assert!(!r.passed());
/// assert!(!r.symmetry.unwrap().within_tolerance());
/// ```
pub fn hessian_against_with<O: Objective + ?Sized>(
    f: &O,
    hand_written: impl Fn(&[f64]) -> DMatrix<f64>,
    x: &[f64],
    options: &CheckOptions,
) -> Result<CheckReport, Error> {
    let h = crate::front_door::derivatives_of(f, x)?.hessian;
    let hw = hand_written(x);
    let n = h.nrows();
    for (what, found) in [
        ("Hessian rows", hw.nrows()),
        ("Hessian columns", hw.ncols()),
    ] {
        if found != n {
            return Err(Error::LengthMismatch {
                what,
                expected: n,
                found,
            });
        }
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
    tally.push_symmetries(&hw, tol);
    Ok(tally.report(CheckKind::HessianAgainst, true, (h, hw)))
}
