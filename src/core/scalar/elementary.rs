//! The elementary functions of [`Scalar`](super::Scalar), each a default method
//! that names its entry in the rule table ([`crate::rules`]): one macro, expanded
//! inside the trait, so the trait's file holds its contract and this one its
//! functions.
//!
//! Each is `#[inline(always)]`: the rule-table entry (and `powi`'s `n`, `powf`'s
//! `c`) must reach the number's `apply` as a constant at the call site, where the
//! `match` on it folds away. With plain `#[inline]` LLVM kept `Dual2`'s `powi` out
//! of line once a program called it from a few places, and the out-of-line copy
//! took the general `n` path at run time (a third of a user-style Rosenbrock
//! Hessian's time at n = 2, issue 22).

/// The default methods, from `recip` to `max` (expanded in the trait's body, where
/// `Unary`, `Binary` and `pick` are in scope).
macro_rules! elementary_functions {
    () => {
        /// `1 / self`.
        ///
        /// ```
        /// use hyperhess::Scalar;
        /// assert_eq!(Scalar::recip(4.0), 0.25);
        /// ```
        #[inline(always)]
        fn recip(self) -> Self {
            self.apply(Unary::Recip)
        }
        /// `self^n`.
        ///
        /// ```
        /// use hyperhess::Scalar;
        /// assert_eq!(Scalar::powi(2.0, 3), 8.0);
        /// ```
        #[inline(always)]
        fn powi(self, n: i32) -> Self {
            self.apply(Unary::Powi(n))
        }
        /// `self^c` for a constant `c`.
        ///
        /// ```
        /// use hyperhess::Scalar;
        /// assert_eq!(Scalar::powf(4.0, 0.5), 2.0);
        /// ```
        #[inline(always)]
        fn powf(self, c: f64) -> Self {
            self.apply(Unary::Powf(c))
        }
        /// `self^e`; the exponent may vary (see [`Binary::Pow`] for negative bases).
        ///
        /// ```
        /// use hyperhess::Scalar;
        /// assert_eq!(Scalar::pow(2.0, 10.0), 1024.0);
        /// ```
        #[inline(always)]
        fn pow(self, e: Self) -> Self {
            self.apply2(Binary::Pow, e)
        }
        /// Square root.
        ///
        /// ```
        /// use hyperhess::Scalar;
        /// assert_eq!(Scalar::sqrt(9.0), 3.0);
        /// ```
        #[inline(always)]
        fn sqrt(self) -> Self {
            self.apply(Unary::Sqrt)
        }
        /// Cube root.
        ///
        /// ```
        /// use hyperhess::Scalar;
        /// assert_eq!(Scalar::cbrt(-8.0), -2.0);
        /// ```
        #[inline(always)]
        fn cbrt(self) -> Self {
            self.apply(Unary::Cbrt)
        }
        /// `e^self`.
        ///
        /// ```
        /// use hyperhess::Scalar;
        /// assert_eq!(Scalar::exp(0.0), 1.0);
        /// ```
        #[inline(always)]
        fn exp(self) -> Self {
            self.apply(Unary::Exp)
        }
        /// `2^self`.
        ///
        /// ```
        /// use hyperhess::Scalar;
        /// assert_eq!(Scalar::exp2(3.0), 8.0);
        /// ```
        #[inline(always)]
        fn exp2(self) -> Self {
            self.apply(Unary::Exp2)
        }
        /// `e^self - 1`.
        ///
        /// ```
        /// use hyperhess::Scalar;
        /// assert_eq!(Scalar::exp_m1(0.0), 0.0);
        /// ```
        #[inline(always)]
        fn exp_m1(self) -> Self {
            self.apply(Unary::ExpM1)
        }
        /// Natural logarithm.
        ///
        /// ```
        /// use hyperhess::Scalar;
        /// assert_eq!(Scalar::ln(1.0), 0.0);
        /// ```
        #[inline(always)]
        fn ln(self) -> Self {
            self.apply(Unary::Ln)
        }
        /// `ln(1 + self)`.
        ///
        /// ```
        /// use hyperhess::Scalar;
        /// assert_eq!(Scalar::ln_1p(0.0), 0.0);
        /// ```
        #[inline(always)]
        fn ln_1p(self) -> Self {
            self.apply(Unary::Ln1p)
        }
        /// Base-2 logarithm.
        ///
        /// ```
        /// use hyperhess::Scalar;
        /// assert_eq!(Scalar::log2(8.0), 3.0);
        /// ```
        #[inline(always)]
        fn log2(self) -> Self {
            self.apply(Unary::Log2)
        }
        /// Base-10 logarithm.
        ///
        /// ```
        /// use hyperhess::Scalar;
        /// assert_eq!(Scalar::log10(100.0), 2.0);
        /// ```
        #[inline(always)]
        fn log10(self) -> Self {
            self.apply(Unary::Log10)
        }
        /// Logarithm to a constant base: `ln(self) / ln(base)`.
        ///
        /// ```
        /// use hyperhess::Scalar;
        /// assert!((Scalar::log(27.0, 3.0) - 3.0).abs() < 1e-15);
        /// ```
        #[inline(always)]
        fn log(self, base: f64) -> Self {
            self.ln() / base.ln()
        }
        /// Sine.
        ///
        /// ```
        /// use hyperhess::Scalar;
        /// assert_eq!(Scalar::sin(0.0), 0.0);
        /// ```
        #[inline(always)]
        fn sin(self) -> Self {
            self.apply(Unary::Sin)
        }
        /// Cosine.
        ///
        /// ```
        /// use hyperhess::Scalar;
        /// assert_eq!(Scalar::cos(0.0), 1.0);
        /// ```
        #[inline(always)]
        fn cos(self) -> Self {
            self.apply(Unary::Cos)
        }
        /// Sine and cosine together.
        ///
        /// ```
        /// use hyperhess::Scalar;
        /// assert_eq!(Scalar::sin_cos(0.0), (0.0, 1.0));
        /// ```
        #[inline(always)]
        fn sin_cos(self) -> (Self, Self) {
            (self.sin(), self.cos())
        }
        /// Tangent.
        ///
        /// ```
        /// use hyperhess::Scalar;
        /// assert_eq!(Scalar::tan(0.0), 0.0);
        /// ```
        #[inline(always)]
        fn tan(self) -> Self {
            self.apply(Unary::Tan)
        }
        /// Inverse sine.
        ///
        /// ```
        /// use hyperhess::Scalar;
        /// assert_eq!(Scalar::asin(0.0), 0.0);
        /// ```
        #[inline(always)]
        fn asin(self) -> Self {
            self.apply(Unary::Asin)
        }
        /// Inverse cosine.
        ///
        /// ```
        /// use hyperhess::Scalar;
        /// assert_eq!(Scalar::acos(1.0), 0.0);
        /// ```
        #[inline(always)]
        fn acos(self) -> Self {
            self.apply(Unary::Acos)
        }
        /// Inverse tangent.
        ///
        /// ```
        /// use hyperhess::Scalar;
        /// assert_eq!(Scalar::atan(0.0), 0.0);
        /// ```
        #[inline(always)]
        fn atan(self) -> Self {
            self.apply(Unary::Atan)
        }
        /// `atan2(self, x)`: the angle of the point `(x, self)`.
        ///
        /// ```
        /// use hyperhess::Scalar;
        /// assert_eq!(Scalar::atan2(0.0, 1.0), 0.0);
        /// ```
        #[inline(always)]
        fn atan2(self, x: Self) -> Self {
            self.apply2(Binary::Atan2, x)
        }
        /// Hyperbolic sine.
        ///
        /// ```
        /// use hyperhess::Scalar;
        /// assert_eq!(Scalar::sinh(0.0), 0.0);
        /// ```
        #[inline(always)]
        fn sinh(self) -> Self {
            self.apply(Unary::Sinh)
        }
        /// Hyperbolic cosine.
        ///
        /// ```
        /// use hyperhess::Scalar;
        /// assert_eq!(Scalar::cosh(0.0), 1.0);
        /// ```
        #[inline(always)]
        fn cosh(self) -> Self {
            self.apply(Unary::Cosh)
        }
        /// Hyperbolic tangent.
        ///
        /// ```
        /// use hyperhess::Scalar;
        /// assert_eq!(Scalar::tanh(0.0), 0.0);
        /// ```
        #[inline(always)]
        fn tanh(self) -> Self {
            self.apply(Unary::Tanh)
        }
        /// Inverse hyperbolic sine.
        ///
        /// ```
        /// use hyperhess::Scalar;
        /// assert_eq!(Scalar::asinh(0.0), 0.0);
        /// ```
        #[inline(always)]
        fn asinh(self) -> Self {
            self.apply(Unary::Asinh)
        }
        /// Inverse hyperbolic cosine.
        ///
        /// ```
        /// use hyperhess::Scalar;
        /// assert_eq!(Scalar::acosh(1.0), 0.0);
        /// ```
        #[inline(always)]
        fn acosh(self) -> Self {
            self.apply(Unary::Acosh)
        }
        /// Inverse hyperbolic tangent.
        ///
        /// ```
        /// use hyperhess::Scalar;
        /// assert_eq!(Scalar::atanh(0.0), 0.0);
        /// ```
        #[inline(always)]
        fn atanh(self) -> Self {
            self.apply(Unary::Atanh)
        }
        /// Absolute value; its derivative at 0 is taken as 0.
        ///
        /// ```
        /// use hyperhess::Scalar;
        /// assert_eq!(Scalar::abs(-2.0), 2.0);
        /// ```
        #[inline(always)]
        fn abs(self) -> Self {
            self.apply(Unary::Abs)
        }
        /// Sign, as `f64::signum` (`signum(0.0) = 1`); derivative 0.
        ///
        /// ```
        /// use hyperhess::Scalar;
        /// assert_eq!(Scalar::signum(-2.0), -1.0);
        /// ```
        #[inline(always)]
        fn signum(self) -> Self {
            self.apply(Unary::Signum)
        }
        /// Largest integer `<= self`; derivative 0 ([`Unary::Floor`]).
        ///
        /// ```
        /// use hyperhess::Scalar;
        /// assert_eq!(Scalar::floor(-1.5), -2.0);
        /// ```
        #[inline(always)]
        fn floor(self) -> Self {
            self.apply(Unary::Floor)
        }
        /// Smallest integer `>= self`; derivative 0 ([`Unary::Ceil`]).
        ///
        /// ```
        /// use hyperhess::Scalar;
        /// assert_eq!(Scalar::ceil(-1.5), -1.0);
        /// ```
        #[inline(always)]
        fn ceil(self) -> Self {
            self.apply(Unary::Ceil)
        }
        /// Nearest integer, half away from zero; derivative 0 ([`Unary::Round`]).
        ///
        /// ```
        /// use hyperhess::Scalar;
        /// assert_eq!(Scalar::round(2.5), 3.0);
        /// ```
        #[inline(always)]
        fn round(self) -> Self {
            self.apply(Unary::Round)
        }
        /// Integer part, toward zero; derivative 0 ([`Unary::Trunc`]).
        ///
        /// ```
        /// use hyperhess::Scalar;
        /// assert_eq!(Scalar::trunc(-1.5), -1.0);
        /// ```
        #[inline(always)]
        fn trunc(self) -> Self {
            self.apply(Unary::Trunc)
        }
        /// `self - trunc(self)`; derivative 1 ([`Unary::Fract`]).
        ///
        /// ```
        /// use hyperhess::{Dual, Scalar};
        /// let y = Dual::new(2.25, 1.0).fract();
        /// assert_eq!((y.re, y.eps), (0.25, 1.0));
        /// ```
        #[inline(always)]
        fn fract(self) -> Self {
            self.apply(Unary::Fract)
        }
        /// The error function.
        ///
        /// ```
        /// use hyperhess::Scalar;
        /// assert_eq!(Scalar::erf(0.0), 0.0);
        /// ```
        #[inline(always)]
        fn erf(self) -> Self {
            self.apply(Unary::Erf)
        }
        /// `sqrt(self^2 + other^2)` without overflow.
        ///
        /// ```
        /// use hyperhess::Scalar;
        /// assert_eq!(Scalar::hypot(3.0, 4.0), 5.0);
        /// ```
        #[inline(always)]
        fn hypot(self, other: Self) -> Self {
            self.apply2(Binary::Hypot, other)
        }
        /// `self * a + b` (fused on `f64`).
        ///
        /// ```
        /// use hyperhess::Scalar;
        /// assert_eq!(Scalar::mul_add(2.0, 3.0, 1.0), 7.0);
        /// ```
        #[inline(always)]
        fn mul_add(self, a: Self, b: Self) -> Self {
            self * a + b
        }
        /// The smaller by value. At a tie the result is the midpoint `(self + other) / 2`,
        /// whose derivative is the mean of both (the midpoint of the subgradient); a NaN
        /// argument is ignored, as in `f64::min`.
        ///
        /// ```
        /// use hyperhess::{Dual, Scalar};
        /// let m = Dual::new(1.0, 1.0).min(Dual::new(1.0, 0.0));
        /// assert_eq!((m.re, m.eps), (1.0, 0.5));
        /// ```
        #[inline(always)]
        fn min(self, other: Self) -> Self {
            pick(self, other, |a, b| a < b)
        }
        /// The larger by value; ties and NaN as in [`Scalar::min`].
        ///
        /// ```
        /// use hyperhess::Scalar;
        /// assert_eq!(Scalar::max(1.0, 2.0), 2.0);
        /// ```
        #[inline(always)]
        fn max(self, other: Self) -> Self {
            pick(self, other, |a, b| a > b)
        }
    };
}
pub(crate) use elementary_functions;
