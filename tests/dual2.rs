//! The static second-order number `Dual2<T, N>` and its drivers
//! (`forward::hessian_static`, `forward::derivatives_static` and the `SVector` twins).
//!
//! # What is compared, and why the tolerances are what they are
//!
//! - **Against `HyperDual`, bit for bit.** Entry `(i, j)` of a `Dual2` is computed with
//!   exactly the operations (same formula, same order, same zero-tangent skipping)
//!   that `HyperDual` performs on its cross term under the seeds `e1 = e_i`,
//!   `e2 = e_j`. So one `Dual2` evaluation must reproduce the value, the first-order
//!   parts and the cross terms of the `n(n+1)/2` hyper-dual evaluations to the last
//!   bit (up to the sign of a zero, see [`same`]), for every entry of the rule
//!   table (`Unary::ALL`, `Binary::ALL`), plain and nested (`Dual2<Dual<f64>, N>`
//!   against `HyperDual<Dual<f64>>`). The hyper-dual
//!   rules themselves are checked against finite differences in tests/rules.rs, so
//!   this carries that check over exactly; no tolerance is needed.
//! - **Against the tape, bit for bit, on integer-valued examples.** Polynomials with
//!   integer coefficients at integer points have every intermediate an integer far
//!   below 2^53, so every operation is exact in every engine and every order.
//! - **Against num-dual**: `benches/tests/dual2_num_dual.rs` (a rival crate).
//! - **Seed examples exactly** (/work/shared/SEED_EXAMPLES.md).
//!
//! Points come from proptest strategies; no randomness in the test bodies.

// Entry-by-entry comparisons of matrices read best as index loops.
#![allow(clippy::needless_range_loop)]

mod common;

use common::points_in;
use hyperhess::rules::{Binary, Unary};
use hyperhess::{Dual, Dual2, Error, HyperDual, Scalar, forward, testfns};
use nalgebra::{DMatrix, SMatrix, SVector, matrix, vector};
use proptest::prelude::*;

// ---------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------

/// Value, gradient and Hessian (upper triangle mirrored) by `n(n+1)/2` hyper-dual
/// evaluations seeded `e1 = e_i`, `e2 = e_j` (`i <= j`): the reference `Dual2` must
/// equal in bits.
#[allow(clippy::type_complexity)]
fn by_hyperdual<T: Scalar, const N: usize>(
    f: impl Fn(&[HyperDual<T>]) -> HyperDual<T>,
    x: &[T; N],
) -> (T, [T; N], [[T; N]; N]) {
    let z = T::zero();
    let mut xs: Vec<HyperDual<T>> = x.iter().map(|&v| HyperDual::new(v, z, z, z)).collect();
    let mut re = z;
    let mut g = [z; N];
    let mut h = [[z; N]; N];
    for j in 0..N {
        xs[j].e2 = T::one();
        for i in 0..=j {
            xs[i].e1 = T::one();
            let y = f(&xs);
            xs[i].e1 = z;
            re = y.re;
            if j == N - 1 {
                g[i] = y.e1;
            }
            h[i][j] = y.e12;
            h[j][i] = y.e12;
        }
        xs[j].e2 = z;
    }
    (re, g, h)
}

/// Bits of an `f64`, or of every part of a nested number (through `Debug`, which
/// prints every part with round-trip precision and tells -0 from 0).
fn bits<T: std::fmt::Debug>(v: &T) -> String {
    format!("{v:?}")
}

/// The `f64` parts of a (possibly nested) number.
trait Parts {
    fn parts(&self) -> Vec<f64>;
}
impl Parts for f64 {
    fn parts(&self) -> Vec<f64> {
        vec![*self]
    }
}
impl Parts for Dual<f64> {
    fn parts(&self) -> Vec<f64> {
        vec![self.re, self.eps]
    }
}

/// Equal in bits, part by part, up to the sign of zero (and NaN payloads): `Dual2`
/// multiplies a zero tangent by a finite partial where `HyperDual` returns the
/// zero tangent itself (`along`), which may flip the sign of a zero (see
/// `Dual2::apply`); every other bit is the same.
fn same<T: Parts>(a: &T, b: &T) -> bool {
    a.parts().iter().zip(b.parts()).all(|(&x, y)| {
        x.to_bits() == y.to_bits() || (x == 0.0 && y == 0.0) || (x.is_nan() && y.is_nan())
    })
}

/// Asserts `Dual2` at `x` equals the hyper-dual reference in bits, and that its
/// mirrored Hessian is symmetric in bits.
fn assert_same_bits<T: Scalar + Parts, const N: usize>(
    what: &str,
    f2: impl Fn(&[Dual2<T, N>]) -> Dual2<T, N>,
    fh: impl Fn(&[HyperDual<T>]) -> HyperDual<T>,
    x: &[T; N],
) -> Result<(), TestCaseError> {
    let y = f2(&Dual2::variables(x));
    let (re, g, h) = by_hyperdual(fh, x);
    prop_assert!(same(&y.re, &re), "{}: value {:?} vs {:?}", what, y.re, re);
    let yh = y.hessian();
    for i in 0..N {
        prop_assert!(
            same(&y.grad[i], &g[i]),
            "{}: gradient {}: {:?} vs {:?}",
            what,
            i,
            y.grad[i],
            g[i]
        );
        for j in 0..N {
            prop_assert!(
                same(&yh[i][j], &h[i][j]),
                "{}: H[{}][{}]: {:?} vs {:?}",
                what,
                i,
                j,
                yh[i][j],
                h[i][j]
            );
            prop_assert_eq!(bits(&yh[i][j]), bits(&yh[j][i]), "{}: symmetry", what);
        }
    }
    Ok(())
}

// ---------------------------------------------------------------------------------
// Test functions
// ---------------------------------------------------------------------------------

/// `sum 2 x_i³ - x_i²`
fn cubic_sum<S: Scalar>(x: &[S]) -> S {
    x.iter().map(|&xi| xi.powi(3) * 2.0 - xi * xi).sum()
}

/// `2xy² + x³ - 10`
fn f2<S: Scalar>(x: &[S]) -> S {
    x[0] * x[1] * x[1] * 2.0 + x[0].powi(3) - 10.0
}

/// `2x²y + xz³ - 10`
fn f3<S: Scalar>(x: &[S]) -> S {
    x[0] * x[0] * x[1] * 2.0 + x[0] * x[2].powi(3) - 10.0
}

/// `xy³ - 7x`
fn f4<S: Scalar>(x: &[S]) -> S {
    x[0] * x[1].powi(3) - x[0] * 7.0
}

/// A polynomial with every kind of term: products of all inputs, powers, constants
/// on both sides, subtraction and negation.
fn poly<S: Scalar>(x: &[S]) -> S {
    let p: S = x.iter().copied().product();
    let sq: S = x.iter().map(|&v| v * v).sum();
    -(p * 3.0) + sq * x[0] - x[x.len() - 1].powi(2) * 2.0 + (S::one() - x[0]) * (x[1] + 4.0)
}

/// Every entry of a Hessian equals its mirror in bits.
fn symmetric_bits<const N: usize>(h: &SMatrix<f64, N, N>) -> bool {
    (0..N).all(|i| (0..N).all(|j| h[(i, j)].to_bits() == h[(j, i)].to_bits()))
}

// ---------------------------------------------------------------------------------
// Seed examples, exactly
// ---------------------------------------------------------------------------------

#[test]
fn seed_example_one_input() {
    let h = forward::hessian_static(|x| cubic_sum(x), &[3.0]).unwrap();
    assert_eq!(h, matrix![34.0]);
}

#[test]
fn seed_example_three_coordinates() {
    let h = forward::hessian_static(|x| cubic_sum(x), &[2.0, 3.0, 4.0]).unwrap();
    assert_eq!(
        h,
        SMatrix::<f64, 3, 3>::from_diagonal(&vector![22.0, 34.0, 46.0])
    );
    let h4 = forward::hessian_static(|x| cubic_sum(x), &[2.0, 3.0, 4.0, 7.0]).unwrap();
    assert_eq!(
        h4,
        SMatrix::<f64, 4, 4>::from_diagonal(&vector![22.0, 34.0, 46.0, 82.0])
    );
}

#[test]
fn seed_examples_two_three_and_four() {
    let h = forward::hessian_static(|x| f2(x), &[2.0, -3.0]).unwrap();
    assert_eq!(h, matrix![12.0, -12.0; -12.0, 8.0]);
    let h = forward::hessian_static(|x| f3(x), &[1.0, 2.0, 3.0]).unwrap();
    assert_eq!(h, matrix![8.0, 4.0, 27.0; 4.0, 0.0, 0.0; 27.0, 0.0, 18.0]);
    let d = forward::derivatives_static(|x| f4(x), &[1.0, 2.0]).unwrap();
    assert_eq!(d.value, 1.0);
    assert_eq!(d.gradient, vector![1.0, 12.0]);
    assert_eq!(d.hessian, matrix![0.0, 12.0; 12.0, 12.0]);
}

#[test]
fn svector_twins_agree_with_the_array_drivers() {
    let x = [1.5, -2.0, 0.25];
    let v = SVector::<f64, 3>::from(x);
    let h = forward::hessian_static(|x| testfns::chain(x), &x).unwrap();
    assert_eq!(
        forward::hessian_static_vector(|x| testfns::chain(x), &v).unwrap(),
        h
    );
    let d = forward::derivatives_static(|x| testfns::chain(x), &x).unwrap();
    assert_eq!(
        forward::derivatives_static_vector(|x| testfns::chain(x), &v).unwrap(),
        d
    );
    assert_eq!(d.hessian, h);
    assert_eq!(d.value, testfns::chain(&x));
}

// ---------------------------------------------------------------------------------
// The whole rule table, against HyperDual in bits
// ---------------------------------------------------------------------------------

/// `op` applied to an argument `u(x) = x0 + x1 x2 - k` that equals `x0` at the point
/// (so `x0` can be sampled in the entry's domain) and has a full gradient and an
/// off-diagonal Hessian; the result is mixed with the inputs again so that every
/// chain-rule term (`f' h_ij`, `f'' g_i g_j`) reaches every entry.
fn unary_case<S: Scalar>(op: Unary, k: f64, x: &[S]) -> S {
    let u = x[0] + (x[1] * x[2] - k);
    u.apply(op) * x[1] + x[2] * x[0]
}

/// `op(a(x), b(x))` with both arguments depending on all inputs.
fn binary_case<S: Scalar>(op: Binary, ka: f64, kb: f64, x: &[S]) -> S {
    let a = x[0] + (x[1] * x[2] - ka);
    let b = x[3] + (x[0] * x[2] - kb);
    a.apply2(op, b) * x[1] + x[3]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn unary_rules_match_hyperdual_bit_for_bit(
        t in 0.0..=1.0f64,
        x1 in points_in(-2.0, 2.0),
        x2 in points_in(-2.0, 2.0),
    ) {
        for &op in Unary::ALL {
            let (lo, hi) = op.domain();
            let x0 = common::snap_into(lo + t * (hi - lo), lo, hi);
            let k = x1 * x2;
            let x = [x0, x1, x2];
            assert_same_bits(
                &format!("{op:?} at {x:?}"),
                |v| unary_case(op, k, v),
                |v| unary_case(op, k, v),
                &x,
            )?;
            // Nested: a tangent in the base (third derivatives ride along).
            let xn = [Dual::new(x0, 1.0), Dual::new(x1, -0.5), Dual::new(x2, 0.25)];
            assert_same_bits(
                &format!("{op:?} nested at {x:?}"),
                |v| unary_case(op, k, v),
                |v| unary_case(op, k, v),
                &xn,
            )?;
        }
    }

    #[test]
    fn binary_rules_match_hyperdual_bit_for_bit(
        s in 0.0..=1.0f64,
        t in 0.0..=1.0f64,
        x1 in points_in(-2.0, 2.0),
        x2 in points_in(-2.0, 2.0),
    ) {
        for &op in Binary::ALL {
            let ((alo, ahi), (blo, bhi)) = op.domain();
            let x0 = common::snap_into(alo + s * (ahi - alo), alo, ahi);
            let x3 = common::snap_into(blo + t * (bhi - blo), blo, bhi);
            let (ka, kb) = (x1 * x2, x0 * x2);
            let x = [x0, x1, x2, x3];
            assert_same_bits(
                &format!("{op:?} at {x:?}"),
                |v| binary_case(op, ka, kb, v),
                |v| binary_case(op, ka, kb, v),
                &x,
            )?;
            let xn = [
                Dual::new(x0, 1.0),
                Dual::new(x1, 0.5),
                Dual::new(x2, -1.0),
                Dual::new(x3, 2.0),
            ];
            assert_same_bits(
                &format!("{op:?} nested at {x:?}"),
                |v| binary_case(op, ka, kb, v),
                |v| binary_case(op, ka, kb, v),
                &xn,
            )?;
        }
    }

    /// The drivers: `hessian_static` equals `forward::hessian` in bits (and so is
    /// symmetric in bits), on the shared test functions, plain and nested.
    #[test]
    fn hessian_static_equals_forward_hessian_bit_for_bit(
        x in prop::array::uniform5(points_in(-2.0, 2.0)),
    ) {
        let a = hyperhess::testfns::LogSumExp::random(7, 5, 3).a;
        let cases: [(&str, SMatrix<f64, 5, 5>, DMatrix<f64>); 4] = [
            (
                "rosenbrock",
                forward::hessian_static(|v| testfns::rosenbrock(v), &x).unwrap(),
                forward::hessian(|v| testfns::rosenbrock(v), &x).unwrap(),
            ),
            (
                "chain",
                forward::hessian_static(|v| testfns::chain(v), &x).unwrap(),
                forward::hessian(|v| testfns::chain(v), &x).unwrap(),
            ),
            (
                "log_sum_exp",
                forward::hessian_static(|v| testfns::log_sum_exp(&a, v), &x).unwrap(),
                forward::hessian(|v| testfns::log_sum_exp(&a, v), &x).unwrap(),
            ),
            (
                "poly",
                forward::hessian_static(|v| poly(v), &x).unwrap(),
                forward::hessian(|v| poly(v), &x).unwrap(),
            ),
        ];
        for (what, hs, hf) in cases {
            prop_assert!(symmetric_bits(&hs), "{}: not symmetric in bits", what);
            for i in 0..5 {
                for j in 0..5 {
                    prop_assert!(same(&hs[(i, j)], &hf[(i, j)]), "{} H[{}][{}]", what, i, j);
                }
            }
        }
        // Nested base: the Hessian with its directional derivative along v.
        let xn: [Dual<f64>; 5] = std::array::from_fn(|i| Dual::new(x[i], 1.0 - 0.25 * i as f64));
        let hs = forward::hessian_static(|v| testfns::chain(v), &xn).unwrap();
        let hf = forward::hessian(|v| testfns::chain(v), &xn).unwrap();
        for i in 0..5 {
            for j in 0..5 {
                prop_assert!(same(&hs[(i, j)], &hf[(i, j)]));
                prop_assert_eq!(bits(&hs[(i, j)]), bits(&hs[(j, i)]));
            }
        }
    }

    /// Integer-valued examples: every engine is exact, so the static number, the
    /// tape and the hyper-dual driver agree in bits (value and gradient too).
    #[test]
    fn integer_examples_match_the_tape_bit_for_bit(
        x in prop::array::uniform4(-20i32..=20),
    ) {
        let x = x.map(f64::from);
        type Case = (
            &'static str,
            forward::StaticDerivatives<f64, 4>,
            hyperhess::Derivatives,
        );
        let cases: [Case; 3] = [
            (
                "poly",
                forward::derivatives_static(|v| poly(v), &x).unwrap(),
                hyperhess::derivatives(|v| poly(v), &x).unwrap(),
            ),
            (
                "cubic_sum",
                forward::derivatives_static(|v| cubic_sum(v), &x).unwrap(),
                hyperhess::derivatives(|v| cubic_sum(v), &x).unwrap(),
            ),
            (
                "f3+f4",
                forward::derivatives_static(|v| f3(v) + f4(&v[2..]), &x).unwrap(),
                hyperhess::derivatives(|v| f3(v) + f4(&v[2..]), &x).unwrap(),
            ),
        ];
        for (what, s, t) in cases {
            prop_assert_eq!(s.value.to_bits(), t.value.to_bits(), "{}: value", what);
            prop_assert_eq!(s.gradient.as_slice(), t.gradient.as_slice(), "{}: gradient", what);
            prop_assert_eq!(s.hessian.as_slice(), t.hessian.as_slice(), "{}: Hessian", what);
        }
    }
}

// ---------------------------------------------------------------------------------
// Zero tangents, errors
// ---------------------------------------------------------------------------------

/// An infinite partial (`sqrt'(0)`, `powf(1.5)''(0)`) times a zero tangent stays 0.
#[test]
fn zero_tangents_are_skipped() {
    let h = forward::hessian_static(|x| x[0] * x[1] + (x[0] * 0.0).sqrt(), &[2.0, 3.0]).unwrap();
    assert_eq!(h, matrix![0.0, 1.0; 1.0, 0.0]);
    // x1 does not reach the sqrt: its row and column stay finite.
    let d = forward::derivatives_static(|x| x[0].sqrt() + x[1] * x[1], &[4.0, 0.0]).unwrap();
    assert_eq!(d.gradient, vector![0.25, 0.0]);
    assert_eq!(d.hessian, matrix![-1.0 / 32.0, 0.0; 0.0, 2.0]);
    let c = Dual2::<f64, 2>::constant(0.0).sqrt();
    assert!(c.is_finite() && c.parts_zero());
    let p = Dual2::<f64, 2>::constant(0.0)
        .powf(1.5)
        .apply2(Binary::Pow, Dual2::variable(2.0, 1));
    assert!(p.is_finite());
}

/// The errors name what failed, in the same words as `forward::hessian`.
#[test]
fn errors_match_forward_hessian() {
    type F2 = fn(&[Dual2<f64, 2>]) -> Dual2<f64, 2>;
    type H = fn(&[HyperDual<f64>]) -> HyperDual<f64>;
    let cases: [(F2, H, [f64; 2]); 5] = [
        (|x| x[0] + x[1], |x| x[0] + x[1], [1.0, f64::NAN]),
        (|x| x[0].ln() + x[1], |x| x[0].ln() + x[1], [-1.0, 1.0]),
        (|x| x[0] + x[1].sqrt(), |x| x[0] + x[1].sqrt(), [1.0, 0.0]),
        (
            |x| x[1] + x[0].powf(1.5),
            |x| x[1] + x[0].powf(1.5),
            [0.0, 1.0],
        ),
        (
            |x| x[0] * x[1].powf(1.5),
            |x| x[0] * x[1].powf(1.5),
            [1.0, 0.0],
        ),
    ];
    for (fs, fh, x) in cases {
        let es = forward::hessian_static(fs, &x).unwrap_err();
        let eh = forward::hessian(fh, &x).unwrap_err();
        assert_eq!(format!("{es:?}"), format!("{eh:?}"), "at {x:?}");
        let ed = forward::derivatives_static(fs, &x).unwrap_err();
        assert_eq!(format!("{ed:?}"), format!("{eh:?}"));
    }
    assert!(matches!(
        forward::hessian_static(|x| x[1] + x[0].powf(1.5), &[0.0, 1.0]),
        Err(Error::NonFiniteHessian { row: 0, col: 0, .. })
    ));
    assert!(matches!(
        forward::hessian_static(|x| x[0] + x[1].sqrt(), &[1.0, 0.0]),
        Err(Error::NonFiniteGradient { index: 1, .. })
    ));
    assert_eq!(
        forward::hessian_static(|x: &[Dual2<f64, 0>]| x.iter().copied().sum(), &[]),
        Err(Error::EmptyInput)
    );
    assert_eq!(
        forward::derivatives_static(|x: &[Dual2<f64, 0>]| x.iter().copied().sum(), &[]),
        Err(Error::EmptyInput)
    );
    // A nested input whose tangent is not finite is a non-finite input.
    let xn = [Dual::new(1.0, f64::INFINITY)];
    assert!(matches!(
        forward::hessian_static(|x| x[0] * x[0], &xn),
        Err(Error::NonFiniteInput { index: 0, .. })
    ));
}

#[test]
fn number_basics() {
    let d = Dual2::new(1.0, [2.0, 3.0], [[4.0, 5.0], [f64::NAN, 6.0]]);
    assert!(
        d.is_finite(),
        "the lower triangle is not part of the number"
    );
    assert_eq!(d.hessian(), [[4.0, 5.0], [5.0, 6.0]]);
    assert_eq!(d.hess_entry(1, 0), 5.0);
    assert_eq!(d.hess_entry(2, 0), 0.0);
    assert_eq!(Dual2::<f64, 2>::variable(1.0, 5).grad, [0.0, 0.0]);
    let [a, b] = Dual2::variables(&[2.0, 3.0]);
    assert!(a < b && a == Dual2::constant(2.0));
    assert_eq!((a / b).re, 2.0 / 3.0);
    assert_eq!((1.0 - a).grad, [-1.0, 0.0]);
    assert_eq!((2.0 / b).re, 2.0 / 3.0);
    assert!(!format!("{a}").is_empty());
}
