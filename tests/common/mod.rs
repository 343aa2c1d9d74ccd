//! Shared test helpers: central finite differences with a derived error bound, and
//! point snapping so that the difference stencils are exact.
//!
//! # The error bound
//!
//! For a central difference `d = (g(x+h) - g(x-h)) / 2h` of a function `g` evaluated
//! with a relative rounding error of about `eps` (a few ulps),
//!
//! ```text
//! |d - g'(x)| <= h² |g'''| / 6          (truncation)
//!              + eps · max|g| / h       (rounding of the two evaluations)
//! ```
//!
//! minimised near `h = eps^(1/3) · max(1, |x|)`. `|g'''|` is not known in advance, so
//! it is estimated by a five-point third difference with the wider step
//! `H = eps^(1/5) · max(1, |x|)` (whose own rounding error, `3 eps max|g| / H³`, is
//! added to the estimate). A computed derivative `got` is accepted when
//!
//! ```text
//! |got - d| <= SAFETY · (h² M3 / 6 + eps M0 / h)  +  SAFETY · eps · max(|got|, scale)
//! ```
//!
//! an absolute part (the truncation and rounding bound of the difference, `M0` the
//! largest `|g|` on the stencil, `M3` the estimate of `|g'''|`) plus a relative part
//! for the rounding of the derivative under test itself. `scale` is the size of the
//! terms that derivative is computed from: `|d|` for a single derivative,
//! `Σ |k_i d_i|` for a chain-rule combination `Σ k_i d_i` ([`Fd::combine`]), and the
//! largest partial of the same order for a partial of a two-argument function (its
//! partials share intermediates, so a partial that is exactly zero comes out as a
//! cancellation of terms of that size). `SAFETY` = 16 allows for `g` being a few
//! ulps off rather than half of one, and for `|g'''|` varying across the stencil.
//!
//! The bound assumes `g` is computed to a few ulps *relative to `|g|`*: a derivative
//! rule that loses relative accuracy (by cancellation) makes the next order's
//! difference fail, which is intended.
//!
//! Both steps are powers of two and the sample points are snapped to multiples of
//! 2^-20 ([`snap`]), so every stencil point `x ± k h` is exactly representable and the
//! divisor is exactly `2h`.

#![allow(dead_code)]

use proptest::prelude::*;

/// Machine epsilon of `f64`.
pub const EPS: f64 = f64::EPSILON;

/// Safety factor on the derived finite-difference error bound (see the module docs).
pub const SAFETY: f64 = 16.0;

/// A central difference and its tolerance.
#[derive(Clone, Copy, Debug)]
pub struct Fd {
    /// The central-difference estimate of the derivative.
    pub d: f64,
    /// `SAFETY · (h² M3 / 6 + eps M0 / h)`, the absolute part of the tolerance.
    pub tol: f64,
    /// The size of the terms the derivative under test is computed from (see the
    /// module docs); `|d|` for a plain difference.
    pub scale: f64,
}

impl Fd {
    /// The whole tolerance for a computed derivative `got`.
    pub fn tolerance(&self, got: f64) -> f64 {
        self.tol + SAFETY * EPS * got.abs().max(self.scale)
    }

    /// `true` when `got` agrees with the difference within [`Fd::tolerance`].
    pub fn accepts(&self, got: f64) -> bool {
        (got - self.d).abs() <= self.tolerance(got)
    }

    /// The same difference, with `scale` raised to at least `s`.
    pub fn with_scale(self, s: f64) -> Fd {
        Fd {
            scale: self.scale.max(s),
            ..self
        }
    }

    /// The reference for `Σ k_i d_i`: tolerances and scales add with weight `|k_i|`.
    pub fn combine(terms: &[(Fd, f64)]) -> Fd {
        let zero = Fd {
            d: 0.0,
            tol: 0.0,
            scale: 0.0,
        };
        terms.iter().fold(zero, |acc, (fd, k)| Fd {
            d: acc.d + fd.d * k,
            tol: acc.tol + fd.tol * k.abs(),
            scale: acc.scale + fd.scale * k.abs(),
        })
    }
}

/// Largest power of two not above `max(1, |x|)`.
fn scale(x: f64) -> f64 {
    let m = x.abs().max(1.0);
    2f64.powi(m.log2().floor() as i32)
}

/// The finite-difference step near `eps^(1/3) max(1, |x|)`, a power of two (2^-17).
pub fn step(x: f64) -> f64 {
    scale(x) * 2f64.powi(-17)
}

/// The wider step for the third-derivative estimate, near `eps^(1/5) max(1, |x|)`
/// (2^-10).
pub fn wide_step(x: f64) -> f64 {
    scale(x) * 2f64.powi(-10)
}

/// Snaps `x` to a multiple of 2^-20, so that `x ± k·step(x)` and `x ± k·wide_step(x)`
/// are exact for `|x| < 2^30`.
pub fn snap(x: f64) -> f64 {
    (x * 1048576.0).round() / 1048576.0
}

/// Snaps `x` (in `[lo, hi]`) to the 2^-20 grid, staying inside `[lo, hi]`.
pub fn snap_into(x: f64, lo: f64, hi: f64) -> f64 {
    const G: f64 = 1.0 / 1048576.0;
    snap(x).clamp(snap(lo + G), snap(hi - G))
}

/// A proptest strategy for snapped points in `[lo, hi]`.
pub fn points_in(lo: f64, hi: f64) -> impl Strategy<Value = f64> {
    (0.0..=1.0f64).prop_map(move |u| snap_into(lo + u * (hi - lo), lo, hi))
}

/// Central differences of every component of `g` at `x`, each with its tolerance.
pub fn central_many(g: impl Fn(f64) -> Vec<f64>, x: f64) -> Vec<Fd> {
    differences(g, x, false)
}

/// Central differences of the entries of a matrix-valued `g` (a Hessian) whose
/// entries are computed from shared intermediates: each entry's rounding is taken
/// relative to the largest entry on the stencil (an off-diagonal entry that is a
/// small difference of large terms is only accurate to eps times those terms), and
/// each entry's `scale` is the largest difference.
pub fn central_matrix(g: impl Fn(f64) -> Vec<f64>, x: f64) -> Vec<Fd> {
    let fds = differences(g, x, true);
    let scale = fds.iter().fold(0.0f64, |m, fd| m.max(fd.scale));
    fds.into_iter().map(|fd| fd.with_scale(scale)).collect()
}

fn differences(g: impl Fn(f64) -> Vec<f64>, x: f64, shared: bool) -> Vec<Fd> {
    let (h, hw) = (step(x), wide_step(x));
    let at = |k: f64, s: f64| g(x + k * s);
    let (gp, gm, g0) = (at(1.0, h), at(-1.0, h), at(0.0, h));
    let w = [at(2.0, hw), at(1.0, hw), at(-1.0, hw), at(-2.0, hw)];
    let largest = |v: &[f64]| v.iter().fold(0.0f64, |m, e| m.max(e.abs()));
    let m0_all = largest(&gp).max(largest(&gm)).max(largest(&g0));
    (0..g0.len())
        .map(|i| {
            let d = (gp[i] - gm[i]) / (2.0 * h);
            let m0 = if shared {
                m0_all
            } else {
                gp[i].abs().max(gm[i].abs()).max(g0[i].abs())
            };
            let m0w = w.iter().map(|v| v[i].abs()).fold(m0, f64::max);
            let third = (w[0][i] - 2.0 * w[1][i] + 2.0 * w[2][i] - w[3][i]) / (2.0 * hw.powi(3));
            let m3 = third.abs() + 3.0 * EPS * m0w / hw.powi(3);
            let tol = SAFETY * (h * h * m3 / 6.0 + EPS * m0 / h);
            Fd {
                d,
                tol,
                scale: d.abs(),
            }
        })
        .collect()
}

/// Central difference of a scalar function.
pub fn central(g: impl Fn(f64) -> f64, x: f64) -> Fd {
    central_many(|t| vec![g(t)], x)[0]
}

/// `|a - b| <= rel · max(|a|, |b|, floor)`.
pub fn close(a: f64, b: f64, rel: f64, floor: f64) -> bool {
    (a - b).abs() <= rel * a.abs().max(b.abs()).max(floor)
}
