//! The dense engine: the dense Hessian and nalgebra's Cholesky of `H + tau I`
//! with Nocedal and Wright's increasing shift (Algorithm 3.3).

use super::{NewtonMethod, NewtonOptions, NewtonStep, NewtonWork};
use crate::error::Error;
use crate::front_door::derivatives_of;
use crate::objective::Objective;
use nalgebra::{DMatrix, linalg::Cholesky};

/// The dense Newton step at `x` on the heap: [`derivatives_of`] and nalgebra's
/// dynamic Cholesky (the behaviour of `newton_step` before the other engines
/// existed, unchanged). `super::small::dense_step` takes it past the small-`n`
/// crossover.
pub(super) fn dynamic_step<O: Objective>(
    objective: &O,
    x: &[f64],
    options: &NewtonOptions,
) -> Result<NewtonStep, Error> {
    let n = x.len();
    let d = derivatives_of(objective, x)?;
    let (factor, tau, factorizations) = shifted_cholesky(&d.hessian, options)?;
    let step = factor.solve(&(-&d.gradient));
    if step.iter().any(|p| !p.is_finite()) {
        // Only a degenerate factorization (a pivot that underflows) can get here.
        return Err(Error::NotPositiveDefinite { tau });
    }
    Ok(NewtonStep {
        value: d.value,
        gradient: d.gradient,
        hessian: d.hessian,
        step,
        tau,
        positive_definite: tau == 0.0,
        method: NewtonMethod::Dense,
        sparse_hessian: None,
        work: NewtonWork {
            factorizations,
            factor_entries: n * (n + 1) / 2,
            ..NewtonWork::default()
        },
    })
}

/// The first shift of Algorithm 3.3: `0` if the smallest diagonal entry is
/// positive, else `beta` above its negative.
pub(crate) fn first_shift(min_diag: f64, beta: f64) -> f64 {
    if min_diag > 0.0 {
        0.0
    } else {
        -min_diag + beta
    }
}

/// Algorithm 3.3 of Nocedal and Wright, for any factorization: `factor(tau)`
/// factors `H + tau I` (`Ok(None)` when it is not positive definite), starting
/// from [`first_shift`] of the smallest diagonal entry and doubling (at least
/// `beta`); returns the factor's result, `tau` and the factorizations tried.
pub(crate) fn increasing_shifts<F>(
    min_diag: f64,
    options: &NewtonOptions,
    mut factor: impl FnMut(f64) -> Result<Option<F>, Error>,
) -> Result<(F, f64, usize), Error> {
    let beta = options.beta;
    let mut tau = first_shift(min_diag, beta);
    let mut last_tried = tau;
    for tries in 1..=options.max_shift_tries {
        if !tau.is_finite() {
            break;
        }
        last_tried = tau;
        if let Some(f) = factor(tau)? {
            return Ok((f, tau, tries));
        }
        tau = f64::max(2.0 * tau, beta);
    }
    Err(Error::NotPositiveDefinite { tau: last_tried })
}

/// The dense Cholesky factor of `H + tau I`, `tau` and the number of
/// factorizations tried ([`increasing_shifts`]).
fn shifted_cholesky(
    h: &DMatrix<f64>,
    options: &NewtonOptions,
) -> Result<(Cholesky<f64, nalgebra::Dyn>, f64, usize), Error> {
    let min_diag = h.diagonal().iter().copied().fold(f64::INFINITY, f64::min);
    increasing_shifts(min_diag, options, |tau| {
        let mut shifted = h.clone();
        if tau != 0.0 {
            for i in 0..h.nrows() {
                shifted[(i, i)] += tau;
            }
        }
        Ok(Cholesky::new(shifted))
    })
}
