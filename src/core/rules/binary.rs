//! [`Binary`]: the rule table's functions of two arguments, with all first and
//! second partials ([`Partials2`]).

use crate::scalar::Scalar;

/// A smooth function of two arguments, with all first and second partials.
///
/// ```
/// use hyperhess::rules::Binary;
/// let p = Binary::Hypot.taylor(3.0_f64, 4.0);
/// assert_eq!((p.f, p.a, p.b), (5.0, 0.6, 0.8));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Binary {
    /// `atan2(a, b)`: the angle of the point `(b, a)`
    Atan2,
    /// `sqrt(a^2 + b^2)` without overflow
    Hypot,
    /// `a^b`; the partials in `b` use `ln a`, so they are NaN for `a < 0`, where `a^b`
    /// is not differentiable in `b` (use [`Unary::Powi`](super::Unary::Powi) or [`Unary::Powf`](super::Unary::Powf) for a
    /// constant exponent).
    Pow,
}

/// The value and the first and second partials of a two-argument function.
///
/// ```
/// let p = hyperhess::rules::Binary::Pow.taylor(2.0_f64, 3.0);
/// assert_eq!((p.f, p.a, p.aa), (8.0, 12.0, 12.0));
/// ```
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Partials2<T> {
    /// `f(a, b)`
    pub f: T,
    /// `df/da`
    pub a: T,
    /// `df/db`
    pub b: T,
    /// `d2f/da2`
    pub aa: T,
    /// `d2f/da db`
    pub ab: T,
    /// `d2f/db2`
    pub bb: T,
}

impl Binary {
    /// Every two-argument function of the table.
    ///
    /// ```
    /// assert_eq!(hyperhess::rules::Binary::ALL.len(), 3);
    /// ```
    pub const ALL: &'static [Binary] = &[Binary::Atan2, Binary::Hypot, Binary::Pow];

    /// The value on plain `f64`.
    ///
    /// ```
    /// assert_eq!(hyperhess::rules::Binary::Pow.value(2.0, 10.0), 1024.0);
    /// ```
    #[inline(always)]
    pub fn value(self, a: f64, b: f64) -> f64 {
        match self {
            Binary::Atan2 => a.atan2(b),
            Binary::Hypot => a.hypot(b),
            Binary::Pow => a.powf(b),
        }
    }

    /// Value, first and second partials at `(a, b)`, in `T`'s own arithmetic.
    ///
    /// ```
    /// let p = hyperhess::rules::Binary::Atan2.taylor(1.0_f64, 1.0);
    /// assert_eq!((p.a, p.b), (0.5, -0.5));
    /// ```
    #[inline(always)]
    pub fn taylor<T: Scalar>(self, a: T, b: T) -> Partials2<T> {
        match self {
            Binary::Atan2 => {
                // a·a + b·b overflowed past 1e154 (gradient 0, Hessian NaN) and
                // underflowed below 1e-162 (a false infinite gradient). Scale both
                // arguments by the same power of two sc (exact), so that the larger is
                // in [1, 2): with a' = a sc, b' = b sc, s = a'² + b'² in [1, 8), the
                // partials are those at (a', b') times sc per order (times sc once more,
                // not sc², which may overflow where the product does not).
                let m = a.value().abs().max(b.value().abs());
                let sc = if m > 0.0 && m.is_finite() {
                    2f64.powi(-(m.log2().floor() as i32).clamp(-1000, 1000))
                } else {
                    1.0
                };
                let (a1, b1) = (a * sc, b * sc);
                let s = a1 * a1 + b1 * b1;
                let s2 = s * s;
                let ab2 = a1 * b1 * 2.0;
                Partials2 {
                    f: a.atan2(b),
                    a: b1 / s * sc,
                    b: -(a1 / s) * sc,
                    aa: -(ab2 / s2) * sc * sc,
                    // a² - b² = (a - b)(a + b), which does not cancel for a ≈ b (a - b
                    // is exact there; a·a - b·b lost 2e7 eps at (1, 1 + 1e-8)).
                    ab: (a1 - b1) * (a1 + b1) / s2 * sc * sc,
                    bb: ab2 / s2 * sc * sc,
                }
            }
            Binary::Hypot => {
                let h = a.hypot(b);
                let (da, db) = (a / h, b / h);
                Partials2 {
                    f: h,
                    a: da,
                    b: db,
                    aa: db * db / h,
                    ab: -(da * db / h),
                    bb: da * da / h,
                }
            }
            Binary::Pow => {
                let f = a.pow(b);
                let p1 = a.pow(b - 1.0);
                let (da, daa) = (p1 * b, a.pow(b - 2.0) * b * (b - 1.0));
                if a.value() == 0.0 && b.value() > 0.0 {
                    // 0^b = 0 for every b > 0, so the partials in b vanish (the
                    // formulas below would give 0 * ln 0 = NaN); the mixed partial
                    // a^(b-1) (1 + b ln a) tends to 0 for b > 1 and diverges else.
                    let ab = if b.value() > 1.0 {
                        T::zero()
                    } else {
                        T::from_f64(f64::NEG_INFINITY)
                    };
                    return Partials2 {
                        f,
                        a: da,
                        b: T::zero(),
                        aa: daa,
                        ab,
                        bb: T::zero(),
                    };
                }
                let l = a.ln();
                Partials2 {
                    f,
                    a: da,
                    b: f * l,
                    aa: daa,
                    ab: p1 * (b * l + 1.0),
                    bb: f * l * l,
                }
            }
        }
    }

    /// An interval of each argument inside the domain, for sampling.
    ///
    /// ```
    /// assert_eq!(hyperhess::rules::Binary::Pow.domain(), ((0.1, 5.0), (-3.0, 3.0)));
    /// ```
    pub fn domain(self) -> ((f64, f64), (f64, f64)) {
        match self {
            Binary::Atan2 | Binary::Hypot => ((0.2, 5.0), (-5.0, 5.0)),
            Binary::Pow => ((0.1, 5.0), (-3.0, 3.0)),
        }
    }
}
