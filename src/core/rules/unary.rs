//! [`Unary`]: the rule table's functions of one argument.

use crate::scalar::Scalar;
use std::f64::consts::{FRAC_2_SQRT_PI, LN_2, LN_10};

/// An elementary function of one argument.
///
/// ```
/// use hyperhess::rules::Unary;
/// assert_eq!(Unary::Exp.value(0.0), 1.0);
/// assert_eq!(Unary::Powi(3).taylor(2.0_f64), [8.0, 12.0, 12.0]);
/// ```
#[derive(Clone, Copy, Debug, PartialEq)]
#[non_exhaustive]
pub enum Unary {
    /// `1 / a`
    Recip,
    /// `sqrt(a)`
    Sqrt,
    /// cube root (real, defined for negative `a`)
    Cbrt,
    /// `e^a`
    Exp,
    /// `2^a`
    Exp2,
    /// `e^a - 1`, accurate near 0
    ExpM1,
    /// natural logarithm
    Ln,
    /// `ln(1 + a)`, accurate near 0
    Ln1p,
    /// base-2 logarithm
    Log2,
    /// base-10 logarithm
    Log10,
    /// sine
    Sin,
    /// cosine
    Cos,
    /// tangent
    Tan,
    /// inverse sine
    Asin,
    /// inverse cosine
    Acos,
    /// inverse tangent
    Atan,
    /// hyperbolic sine
    Sinh,
    /// hyperbolic cosine
    Cosh,
    /// hyperbolic tangent
    Tanh,
    /// inverse hyperbolic sine
    Asinh,
    /// inverse hyperbolic cosine
    Acosh,
    /// inverse hyperbolic tangent
    Atanh,
    /// `|a|`; at 0 the derivative is taken as 0 (the midpoint of the subgradient, as
    /// PyTorch and JAX do).
    Abs,
    /// `f64::signum` (so `signum(0.0) = 1`, as in `std`); derivative 0 everywhere.
    Signum,
    /// the error function `2/sqrt(pi) * integral_0^a e^(-t^2) dt`
    Erf,
    /// `a^n` for an integer `n`
    Powi(i32),
    /// `a^c` for a constant real `c`
    Powf(f64),
    /// `floor(a)`: piecewise constant, derivative 0 (also at the jumps, where none
    /// exists; see `docs/limitations.md`)
    Floor,
    /// `ceil(a)`: piecewise constant, derivative 0
    Ceil,
    /// `round(a)` (half away from zero, as `f64::round`): piecewise constant,
    /// derivative 0
    Round,
    /// `trunc(a)` (toward zero): piecewise constant, derivative 0
    Trunc,
    /// `fract(a) = a - trunc(a)`: derivative 1 (0 at none of the jumps)
    Fract,
}

impl Unary {
    /// Every function of the table, with representative parameters for `Powi` and
    /// `Powf`: the test suite iterates over this list, so a new entry is tested
    /// without touching the tests.
    ///
    /// ```
    /// assert!(hyperhess::rules::Unary::ALL.len() > 20);
    /// ```
    pub const ALL: &'static [Unary] = &[
        Unary::Recip,
        Unary::Sqrt,
        Unary::Cbrt,
        Unary::Exp,
        Unary::Exp2,
        Unary::ExpM1,
        Unary::Ln,
        Unary::Ln1p,
        Unary::Log2,
        Unary::Log10,
        Unary::Sin,
        Unary::Cos,
        Unary::Tan,
        Unary::Asin,
        Unary::Acos,
        Unary::Atan,
        Unary::Sinh,
        Unary::Cosh,
        Unary::Tanh,
        Unary::Asinh,
        Unary::Acosh,
        Unary::Atanh,
        Unary::Abs,
        Unary::Signum,
        Unary::Erf,
        Unary::Powi(0),
        Unary::Powi(1),
        Unary::Powi(2),
        Unary::Powi(3),
        Unary::Powi(-2),
        Unary::Powf(0.0),
        Unary::Powf(1.0),
        Unary::Powf(2.5),
        Unary::Powf(-0.5),
        Unary::Floor,
        Unary::Ceil,
        Unary::Round,
        Unary::Trunc,
        Unary::Fract,
    ];

    /// The function's value on plain `f64`: what the `f64` implementation of
    /// [`Scalar`] runs.
    ///
    /// ```
    /// assert_eq!(hyperhess::rules::Unary::Sqrt.value(9.0), 3.0);
    /// ```
    #[inline(always)]
    pub fn value(self, a: f64) -> f64 {
        match self {
            Unary::Recip => a.recip(),
            Unary::Sqrt => a.sqrt(),
            Unary::Cbrt => a.cbrt(),
            Unary::Exp => a.exp(),
            Unary::Exp2 => a.exp2(),
            Unary::ExpM1 => a.exp_m1(),
            Unary::Ln => a.ln(),
            Unary::Ln1p => a.ln_1p(),
            Unary::Log2 => a.log2(),
            Unary::Log10 => a.log10(),
            Unary::Sin => a.sin(),
            Unary::Cos => a.cos(),
            Unary::Tan => a.tan(),
            Unary::Asin => a.asin(),
            Unary::Acos => a.acos(),
            Unary::Atan => a.atan(),
            Unary::Sinh => a.sinh(),
            Unary::Cosh => a.cosh(),
            Unary::Tanh => a.tanh(),
            Unary::Asinh => a.asinh(),
            Unary::Acosh => {
                // std's ln(a + sqrt(a-1) sqrt(a+1)) loses all but a few digits near 1
                // (ln of 1 + tiny: 3e5 eps at 1 + 1e-12) and overflows past 9e307.
                if a < 2.0 {
                    // a² - 1 = t (a + 1) with t = a - 1 exact (Sterbenz).
                    let t = a - 1.0;
                    (t + (t * (a + 1.0)).sqrt()).ln_1p()
                } else if a < 268435456.0 {
                    (a + (a - 1.0).sqrt() * (a + 1.0).sqrt()).ln()
                } else {
                    // acosh a = ln 2a - 1/(4a²) - ...; the tail is below eps/4 past 2^28.
                    a.ln() + LN_2
                }
            }
            Unary::Atanh => {
                // std's 0.5 ln_1p(2a / (1 - a)) is accurate for a > 0 only: near -1 the
                // argument of ln_1p is -1 + tiny and rounds (1.8e10 eps at -1 + 1e-12).
                // atanh is odd, so take it at |a|.
                let x = a.abs();
                (0.5 * (2.0 * x / (1.0 - x)).ln_1p()).copysign(a)
            }
            Unary::Abs => a.abs(),
            Unary::Signum => a.signum(),
            Unary::Erf => libm::erf(a),
            Unary::Powi(n) => a.powi(n),
            Unary::Powf(c) => a.powf(c),
            Unary::Floor => a.floor(),
            Unary::Ceil => a.ceil(),
            Unary::Round => a.round(),
            Unary::Trunc => a.trunc(),
            Unary::Fract => a.fract(),
        }
    }

    /// The Taylor triple `[f(a), f'(a), f''(a)]`, computed in `T`'s own arithmetic.
    ///
    /// ```
    /// use hyperhess::rules::Unary;
    /// assert_eq!(Unary::Ln.taylor(2.0_f64), [2f64.ln(), 0.5, -0.25]);
    /// ```
    #[inline(always)]
    pub fn taylor<T: Scalar>(self, a: T) -> [T; 3] {
        let c = T::from_f64;
        match self {
            Unary::Recip => {
                let r = a.recip();
                [r, -(r * r), r * r * r * 2.0]
            }
            Unary::Sqrt => {
                let s = a.sqrt();
                let d1 = s.recip() * 0.5;
                [s, d1, -(d1 / a) * 0.5]
            }
            Unary::Cbrt => {
                let s = a.cbrt();
                let d1 = (s * s * 3.0).recip();
                [s, d1, -(d1 / a) * (2.0 / 3.0)]
            }
            Unary::Exp => {
                let e = a.exp();
                [e, e, e]
            }
            Unary::Exp2 => {
                let e = a.exp2();
                [e, e * LN_2, e * (LN_2 * LN_2)]
            }
            Unary::ExpM1 => {
                let e = a.exp();
                [a.exp_m1(), e, e]
            }
            Unary::Ln => {
                let r = a.recip();
                [a.ln(), r, -(r * r)]
            }
            Unary::Ln1p => {
                let r = (a + 1.0).recip();
                [a.ln_1p(), r, -(r * r)]
            }
            Unary::Log2 => {
                let r = a.recip();
                [a.log2(), r / LN_2, -(r * r) / LN_2]
            }
            Unary::Log10 => {
                let r = a.recip();
                [a.log10(), r / LN_10, -(r * r) / LN_10]
            }
            Unary::Sin => {
                let (s, co) = a.sin_cos();
                [s, co, -s]
            }
            Unary::Cos => {
                let (s, co) = a.sin_cos();
                [co, -s, -co]
            }
            Unary::Tan => {
                let t = a.tan();
                let d1 = t * t + 1.0;
                [t, d1, t * d1 * 2.0]
            }
            Unary::Asin => {
                let d1 = one_minus_square(a).sqrt().recip();
                [a.asin(), d1, a * d1 * d1 * d1]
            }
            Unary::Acos => {
                let d1 = one_minus_square(a).sqrt().recip();
                [a.acos(), -d1, -(a * d1 * d1 * d1)]
            }
            Unary::Atan => {
                // Past 1e150, 1/hypot(a, 1)² (a·a overflows past 1.3e154: harmless on
                // f64, where the true value underflows too, but nested the derivative
                // part of 1/(a·a + 1) is inf/inf = NaN).
                let d1 = if a.value().abs() < 1e150 {
                    (a * a + 1.0).recip()
                } else {
                    let r = a.hypot(c(1.0)).recip();
                    r * r
                };
                [a.atan(), d1, -(a * d1 * d1) * 2.0]
            }
            Unary::Sinh => {
                let (s, co) = (a.sinh(), a.cosh());
                [s, co, s]
            }
            Unary::Cosh => {
                let (s, co) = (a.sinh(), a.cosh());
                [co, s, co]
            }
            Unary::Tanh => {
                let t = a.tanh();
                // sech² = 4e / (1 + e)² with e = exp(-2|a|) in (0, 1]: not 1 - t², which
                // cancels for |a| > ~1 (a relative error of 1e-8 at |a| = 10, exactly 0
                // past |a| = 19), and not 1/cosh², whose cosh overflows past |a| = 710:
                // harmless on f64, but nested (T = Dual, as in the tape's hvp) the
                // derivative part of 1/cosh is inf/inf = NaN.
                // Below |a| = 1/2, 1 - t² (at least 0.78, no cancellation), whose
                // derivative part (nested) is -2 t t'; the form in e has (1 + e) - 2e
                // there, which cancels near 0 (4e7 eps at 1e-8).
                let d1 = if a.value().abs() < 0.5 {
                    c(1.0) - t * t
                } else {
                    let two = if a.value() < 0.0 { 2.0 } else { -2.0 };
                    let e = (a * two).exp();
                    e * 4.0 / ((e + 1.0) * (e + 1.0))
                };
                [t, d1, -(t * d1) * 2.0]
            }
            Unary::Asinh => {
                // hypot(a, 1): a·a + 1 overflows past 1.3e154 (the derivative came out 0).
                let d1 = a.hypot(c(1.0)).recip();
                [a.asinh(), d1, -(a * d1 * d1 * d1)]
            }
            Unary::Acosh => {
                // sqrt(a - 1) sqrt(a + 1): neither cancels near 1 (a - 1 is exact) nor
                // overflows past 1.3e154, as a·a - 1 did.
                let d1 = ((a - 1.0).sqrt() * (a + 1.0).sqrt()).recip();
                [a.acosh(), d1, -(a * d1 * d1 * d1)]
            }
            Unary::Atanh => {
                let d1 = one_minus_square(a).recip();
                [a.atanh(), d1, a * d1 * d1 * 2.0]
            }
            Unary::Abs => {
                let v = a.value();
                let sign = if v > 0.0 {
                    1.0
                } else if v < 0.0 {
                    -1.0
                } else {
                    0.0
                };
                [a * sign, c(sign), c(0.0)]
            }
            Unary::Signum => [c(a.value().signum()), c(0.0), c(0.0)],
            Unary::Erf => {
                // e^(-a²) with a² split exactly: the rounding of a·a (eps·a²) is
                // multiplied by a² in the exponential (8 eps at 4.7, 300 eps at 20).
                // With h = a's value cut to 26 significant bits (h·h is exact) and
                // l = a - h (exact), a² = h² + l (2h + l), the second term small.
                let v = a.value();
                let e = if v.is_finite() {
                    let h = f64::from_bits(v.to_bits() & !((1u64 << 27) - 1));
                    let l = a - h;
                    (-(l * (l + 2.0 * h))).exp() * (-(h * h)).exp()
                } else {
                    (-(a * a)).exp()
                };
                let d1 = e * FRAC_2_SQRT_PI;
                [a.erf(), d1, -(a * d1) * 2.0]
            }
            Unary::Powi(n) => match n {
                0 => [c(1.0), c(0.0), c(0.0)],
                1 => [a, c(1.0), c(0.0)],
                2 => [a * a, a * 2.0, c(2.0)],
                _ if n < i32::MIN + 2 => powf_taylor(a, f64::from(n)),
                _ => {
                    // Each power from powi itself: the value is then f64::powi's bit
                    // for bit (a^(n-2)·a·a rounds differently), and at a = 0 with
                    // n < 0 the parts are ±inf, not inf·0 = NaN.
                    let nf = f64::from(n);
                    [
                        a.powi(n),
                        a.powi(n - 1) * nf,
                        a.powi(n - 2) * (nf * (nf - 1.0)),
                    ]
                }
            },
            Unary::Powf(e) => powf_taylor(a, e),
            // Piecewise constant: the value as a constant of `T` (every derivative
            // part zero, at every nesting level).
            Unary::Floor | Unary::Ceil | Unary::Round | Unary::Trunc => {
                [c(self.value(a.value())), c(0.0), c(0.0)]
            }
            // a - trunc(a), exact in floating point, with a's derivative parts.
            Unary::Fract => [a - c(a.value().trunc()), c(1.0), c(0.0)],
        }
    }

    /// `true` when `f''` is identically zero on the whole domain (`abs`, `signum`,
    /// `a^0`, `a^1`): such a node couples no inputs in the Hessian's sparsity pattern.
    ///
    /// ```
    /// use hyperhess::rules::Unary;
    /// assert!(Unary::Abs.is_piecewise_linear() && !Unary::Sin.is_piecewise_linear());
    /// ```
    #[inline]
    pub fn is_piecewise_linear(self) -> bool {
        match self {
            Unary::Abs | Unary::Signum => true,
            Unary::Floor | Unary::Ceil | Unary::Round | Unary::Trunc | Unary::Fract => true,
            Unary::Powi(n) => n == 0 || n == 1,
            Unary::Powf(e) => e == 0.0 || e == 1.0,
            _ => false,
        }
    }

    /// An interval inside the function's domain, from which tests and property
    /// strategies sample points. Value and both derivatives are finite on it, except
    /// at 0 for `Recip`, `Cbrt`, negative `Powi` (poles) and `Abs`, `Signum` (kinks),
    /// where the interval straddles the singular point on purpose.
    ///
    /// ```
    /// assert_eq!(hyperhess::rules::Unary::Ln.domain(), (1e-2, 10.0));
    /// ```
    pub fn domain(self) -> (f64, f64) {
        match self {
            Unary::Sqrt | Unary::Ln | Unary::Log2 | Unary::Log10 => (1e-2, 10.0),
            Unary::Powf(_) => (1e-2, 10.0),
            Unary::Ln1p => (-0.99, 10.0),
            Unary::Asin | Unary::Acos | Unary::Atanh => (-0.95, 0.95),
            Unary::Acosh => (1.05, 10.0),
            Unary::Tan => (-1.4, 1.4),
            Unary::Exp | Unary::Exp2 | Unary::ExpM1 | Unary::Sinh | Unary::Cosh => (-5.0, 5.0),
            // One piece of each piecewise function, clear of its jumps.
            Unary::Floor | Unary::Ceil | Unary::Fract => (0.1, 0.9),
            Unary::Round => (-0.4, 0.4),
            Unary::Trunc => (-0.9, 0.9),
            _ => (-10.0, 10.0),
        }
    }
}

/// The Taylor triple of `a^e` (`Unary::Powf(e)`, and `Unary::Powi(n)` for the two
/// `n` whose `n - 2` overflows `i32`). Its own function so that
/// [`Unary::taylor`] does not call itself: a recursive function is never inlined,
/// and every number type's `apply` must inline the rule table to fold the `match`
/// on a known entry.
#[inline(always)]
fn powf_taylor<T: Scalar>(a: T, e: f64) -> [T; 3] {
    let c = T::from_f64;
    if e == 0.0 {
        [c(1.0), c(0.0), c(0.0)]
    } else if e == 1.0 {
        [a, c(1.0), c(0.0)]
    } else if e == 2.0 {
        [a * a, a * 2.0, c(2.0)]
    } else {
        let p2 = a.powf(e - 2.0);
        [a.powf(e), a.powf(e - 1.0) * e, p2 * (e * (e - 1.0))]
    }
}

/// `1 - a²` without cancellation: `(1 - a)(1 + a)` for `|a| >= 1/2` (`1 - a·a`
/// cancels near ±1: 2.5e4 eps in asin' at 1 - 1e-6, while `1 - a` is exact there),
/// `1 - a·a` below (at least 3/4; nested, its derivative part is `-2 a a'`, where the
/// product form's `(1 - a) - (1 + a)` cancels near 0).
#[inline]
fn one_minus_square<T: Scalar>(a: T) -> T {
    if a.value().abs() < 0.5 {
        T::from_f64(1.0) - a * a
    } else {
        (T::from_f64(1.0) - a) * (a + 1.0)
    }
}
