//! How a [`CheckReport`] prints: one line with the verdict, the worst entry and the
//! symmetry, then for small `n` the two results compared; numbers as Rust writes an
//! `f64` back (`600.0`, not `6e2`), errors and tolerances to three digits.

use super::report::CheckReport;
use nalgebra::DMatrix;
use std::fmt;

impl fmt::Display for CheckReport {
    /// One line with the verdict, the worst entry and the symmetry; then, for small
    /// `n`, the two results compared (numbers as Rust writes `f64` back exactly:
    /// `1.0`, `0.5`, `1e-10`; errors and tolerances to three digits).
    ///
    /// ```
    /// use hyperhess::{Objective, Scalar, check::{self, CheckOptions}};
    /// use hyperhess::nalgebra;
    /// struct Square;
    /// impl Objective for Square {
    ///     fn eval<S: Scalar>(&self, x: &[S]) -> S { x[0] * x[0] * 0.5 + x[1] }
    /// }
    /// let hand = |_: &[f64]| nalgebra::dmatrix![1.0, 0.0; 0.0, 2.0];
    /// let text = check::hessian_against(&Square, hand, &[3.0, 1.0]).unwrap().to_string();
    /// assert!(text.contains("worst entry (1, 1): AD = 0.0, hand-written = 2.0"), "{text}");
    /// assert!(text.contains("AD:\n  [ 1.0 0.0 ]\n  [ 0.0 0.0 ]"), "{text}");
    /// assert!(text.contains("hand-written:\n  [ 1.0 0.0 ]\n  [ 0.0 2.0 ]"), "{text}");
    /// ```
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let w = &self.worst;
        let verdict = if self.passed() { "passed" } else { "FAILED" };
        let reference = self.kind.reference_name();
        write!(
            f,
            "{} {verdict}: {} of {} entries beyond tolerance; worst entry {}: AD = {:?}, \
             {reference} = {:?}, |AD - {reference}| = {} {} tolerance {}",
            self.kind.what(),
            self.failures,
            self.entries,
            w.index,
            w.ad,
            w.reference,
            Short(w.error()),
            if w.within_tolerance() { "<=" } else { ">" },
            Short(w.tolerance),
        )?;
        if let Some(s) = &self.symmetry {
            write!(
                f,
                "; {reference} Hessian {} at ({}, {}): {:?} vs ({}, {}): {:?}, tolerance {}",
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
                Short(s.tolerance),
            )?;
        }
        if let Some(c) = &self.compared {
            write_matrix(f, "AD", &c.ad)?;
            write_matrix(f, reference, &c.reference)?;
        }
        Ok(())
    }
}

/// A matrix on its own lines (a column vector as one row), entries as `{:?}`,
/// right-aligned per column.
fn write_matrix(f: &mut fmt::Formatter<'_>, name: &str, m: &DMatrix<f64>) -> fmt::Result {
    let m = if m.ncols() == 1 {
        m.transpose()
    } else {
        m.clone()
    };
    let cells: Vec<String> = m.iter().map(|v| format!("{v:?}")).collect();
    let width = |j: usize| (0..m.nrows()).map(|i| cells[j * m.nrows() + i].len()).max();
    let widths: Vec<usize> = (0..m.ncols()).map(|j| width(j).unwrap_or(0)).collect();
    write!(f, "\n{name}:")?;
    for i in 0..m.nrows() {
        write!(f, "\n  [")?;
        for (j, w) in widths.iter().enumerate() {
            write!(f, " {:>w$}", cells[j * m.nrows() + i])?;
        }
        write!(f, " ]")?;
    }
    Ok(())
}

/// An error or tolerance to three significant digits, without an exponent between
/// 1e-3 and 1e6 (`0.0025`, `4.1e-9`, `0.0`).
struct Short(f64);

impl fmt::Display for Short {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let x = self.0;
        if x == 0.0 || !x.is_finite() {
            return write!(f, "{x:?}");
        }
        // Round to three significant digits first; `{:?}` then writes the shortest
        // text that reads back as the rounded number.
        let rounded: f64 = format!("{x:.2e}").parse().unwrap_or(x);
        if (1e-3..1e6).contains(&rounded.abs()) {
            write!(f, "{rounded:?}")
        } else {
            let text = format!("{rounded:e}");
            write!(f, "{text}")
        }
    }
}
