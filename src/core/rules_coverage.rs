//! `Unary::ALL` and `Binary::ALL` list every variant of the rule table.
//!
//! The matches below have no wildcard arm, so adding a variant to [`Unary`] or
//! [`Binary`] without a line here does not compile; the tests then fail unless the
//! new variant is also in `ALL` (which the rest of the test suite iterates over).

use crate::rules::{Binary, Unary};

/// A distinct index per variant (any parameter of `Powi`/`Powf`), by an exhaustive
/// match.
const fn unary_index(u: Unary) -> usize {
    match u {
        Unary::Recip => 0,
        Unary::Sqrt => 1,
        Unary::Cbrt => 2,
        Unary::Exp => 3,
        Unary::Exp2 => 4,
        Unary::ExpM1 => 5,
        Unary::Ln => 6,
        Unary::Ln1p => 7,
        Unary::Log2 => 8,
        Unary::Log10 => 9,
        Unary::Sin => 10,
        Unary::Cos => 11,
        Unary::Tan => 12,
        Unary::Asin => 13,
        Unary::Acos => 14,
        Unary::Atan => 15,
        Unary::Sinh => 16,
        Unary::Cosh => 17,
        Unary::Tanh => 18,
        Unary::Asinh => 19,
        Unary::Acosh => 20,
        Unary::Atanh => 21,
        Unary::Abs => 22,
        Unary::Signum => 23,
        Unary::Erf => 24,
        Unary::Powi(_) => 25,
        Unary::Powf(_) => 26,
        Unary::Floor => 27,
        Unary::Ceil => 28,
        Unary::Round => 29,
        Unary::Trunc => 30,
        Unary::Fract => 31,
    }
}
const UNARY_VARIANTS: usize = 32;

const fn binary_index(b: Binary) -> usize {
    match b {
        Binary::Atan2 => 0,
        Binary::Hypot => 1,
        Binary::Pow => 2,
    }
}
const BINARY_VARIANTS: usize = 3;

#[test]
fn unary_all_lists_every_variant() {
    let mut seen = [false; UNARY_VARIANTS];
    for &u in Unary::ALL {
        seen[unary_index(u)] = true;
    }
    let missing: Vec<usize> = (0..UNARY_VARIANTS).filter(|&i| !seen[i]).collect();
    assert!(
        missing.is_empty(),
        "Unary::ALL lacks the variants with index {missing:?}"
    );
}

#[test]
fn binary_all_lists_every_variant() {
    let mut seen = [false; BINARY_VARIANTS];
    for &b in Binary::ALL {
        seen[binary_index(b)] = true;
    }
    let missing: Vec<usize> = (0..BINARY_VARIANTS).filter(|&i| !seen[i]).collect();
    assert!(
        missing.is_empty(),
        "Binary::ALL lacks the variants with index {missing:?}"
    );
}
