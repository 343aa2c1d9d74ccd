//! THE rule table: every elementary function's value, first and second derivative,
//! stated once.
//!
//! Each entry of [`Unary`] (and [`Binary`]) gives
//! - its value on `f64` ([`Unary::value`]), which is what plain `f64` evaluation runs;
//! - its Taylor triple `[f(a), f'(a), f''(a)]` at a point `a` of any [`Scalar`](crate::scalar::Scalar)
//!   ([`Unary::taylor`]), computed with `a`'s own arithmetic so that it nests
//!   (`Dual<HyperDual<f64>>` gets third derivatives for free);
//! - its domain ([`Unary::domain`]), which the test suite samples.
//!
//! Every number type consumes the triple through one chain rule
//! ([`Scalar::apply`](crate::scalar::Scalar::apply)): a dual number maps `(a, a')` to `(f, f' a')`, a hyper-dual
//! number `(a, a1, a2, a12)` to `(f, f' a1, f' a2, f' a12 + f'' a1 a2)`, and the tape
//! records `f'` and `f''` as the node's local partials. Adding a function means adding
//! one variant here, its two match arms, and a default method on [`Scalar`](crate::scalar::Scalar); see
//! `docs/adding-a-function.md`.
//!
//! ```
//! use hyperhess::rules::Unary;
//! let [f, d1, d2] = Unary::Sin.taylor(0.5_f64);
//! assert_eq!((f, d1, d2), (0.5f64.sin(), 0.5f64.cos(), -0.5f64.sin()));
//! ```

//!
//! - `unary`: [`Unary`], the functions of one argument;
//! - `binary`: [`Binary`] and its [`Partials2`], the functions of two.

mod binary;
mod unary;

pub use binary::{Binary, Partials2};
pub use unary::Unary;
