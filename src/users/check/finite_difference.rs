//! [`gradient`] and [`hessian`]: AD derivatives against central finite
//! differences, with the error model of the [module docs](super).

use super::CheckOptions;
use super::report::{CheckKind, CheckReport, Entry, Index, Tally};
use crate::error::Error;
use crate::objective::Objective;
use nalgebra::{DMatrix, DVector};

/// One central difference with its error estimate: `at(t)` evaluates the checked
/// quantity (a value, or entries of a gradient) with coordinate `xi` moved to `t`;
/// `at` is called at `xi ± h` and `xi ± 2h` (the steps rounded so both points are
/// exact). Returns, per entry of the result, the difference quotient and its
/// tolerance: the safety factor times truncation (`|D(2h) - D(h)| / 3`) plus
/// rounding (`noise · magnitude / h`, the magnitude being the largest value seen
/// plus the first-order scale), plus `atol`.
fn central<E>(
    xi: f64,
    options: &CheckOptions,
    mut at: impl FnMut(f64) -> Result<DVector<f64>, E>,
    center: &DVector<f64>,
    first_order: &[f64],
) -> Result<Vec<(f64, f64)>, E> {
    let h = options.step(xi);
    let mut quotient = |h: f64| -> Result<_, E> {
        let (xp, xm) = (xi + h, xi - h);
        Ok((at(xp)?, at(xm)?, xp - xm))
    };
    let (p1, m1, d1) = quotient(h)?;
    let (p2, m2, d2) = quotient(2.0 * h)?;
    Ok((0..center.len())
        .map(|i| {
            let q1 = (p1[i] - m1[i]) / d1;
            let q2 = (p2[i] - m2[i]) / d2;
            let magnitude = [center[i], p1[i], m1[i], p2[i], m2[i]]
                .iter()
                .fold(0.0f64, |m, v| m.max(v.abs()))
                + first_order[i];
            let truncation = (q2 - q1).abs() / 3.0;
            let rounding = options.noise * magnitude / (d1 / 2.0);
            (q1, options.safety * (truncation + rounding) + options.atol)
        })
        .collect())
}

/// Checks the AD gradient of `f` at `x` against central differences of `f`
/// (`4n` evaluations of `f` at `f64`, one recording).
///
/// `f` is an `&impl` [`Objective`]; the step and tolerance of each entry follow the
/// [module docs](crate::check). A finite difference that leaves the domain of `f` (a NaN or
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
pub fn gradient<O: Objective + ?Sized>(
    f: &O,
    x: &[f64],
    options: &CheckOptions,
) -> Result<CheckReport, Error> {
    let g = crate::front_door::gradient(|x| f.eval(x), x)?;
    let value = DVector::from_element(1, f.eval(x));
    let first_order = [g.iter().zip(x).map(|(gi, xi)| (gi * xi).abs()).sum()];
    let mut point = x.to_vec();
    let mut tally = Tally::new();
    let mut fds = DMatrix::zeros(x.len(), 1);
    for i in 0..x.len() {
        let at = |t: f64| {
            point[i] = t;
            let v = f.eval(&point);
            point[i] = x[i];
            Ok::<_, Error>(DVector::from_element(1, v))
        };
        let [(fd, tolerance)] = central(x[i], options, at, &value, &first_order)?[..] else {
            unreachable!("one entry per value")
        };
        fds[i] = fd;
        tally.push(Entry {
            index: Index::Vector(i),
            ad: g[i],
            reference: fd,
            tolerance,
        });
    }
    let ad = DMatrix::from_column_slice(x.len(), 1, g.as_slice());
    Ok(tally.report(CheckKind::Gradient, false, (ad, fds)))
}

/// Checks the AD Hessian of `f` at `x` against central differences of the AD
/// gradient, column by column (`4n` gradient evaluations, each one recording), and
/// checks that the finite-difference Hessian is symmetric.
///
/// `f` is an `&impl` [`Objective`]; steps and tolerances follow the
/// [module docs](crate::check).
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
pub fn hessian<O: Objective + ?Sized>(
    f: &O,
    x: &[f64],
    options: &CheckOptions,
) -> Result<CheckReport, Error> {
    let d = crate::front_door::derivatives_of(f, x)?;
    let (h_ad, g0) = (&d.hessian, &d.gradient);
    let n = x.len();
    let first_order: Vec<f64> = (0..n)
        .map(|i| (0..n).map(|k| (h_ad[(i, k)] * x[k]).abs()).sum())
        .collect();
    let mut fd = DMatrix::zeros(n, n);
    let mut tol = DMatrix::zeros(n, n);
    let mut point = x.to_vec();
    let mut tally = Tally::new();
    for j in 0..n {
        let at = |t: f64| {
            point[j] = t;
            let g = crate::front_door::gradient(|x| f.eval(x), &point);
            point[j] = x[j];
            g
        };
        for (i, (q, t)) in central(x[j], options, at, g0, &first_order)?
            .into_iter()
            .enumerate()
        {
            fd[(i, j)] = q;
            tol[(i, j)] = t;
            tally.push(Entry {
                index: Index::Matrix(i, j),
                ad: h_ad[(i, j)],
                reference: q,
                tolerance: t,
            });
        }
    }
    tally.push_symmetries(&fd, |i, j| tol[(i, j)] + tol[(j, i)]);
    Ok(tally.report(CheckKind::Hessian, true, (d.hessian, fd)))
}
