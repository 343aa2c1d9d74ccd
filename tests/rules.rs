//! The rule table on every number type, against central finite differences (see
//! `tests/common/mod.rs` for the step and the tolerance) and against hand-derived
//! values.
//!
//! The property tests iterate `Unary::ALL` and `Binary::ALL`, so an entry added to
//! the table is tested here without touching this file.

mod common;

use common::{Fd, central, points_in};
use hyperhess::rules::{Binary, Unary};
use hyperhess::{Dual, HyperDual, Scalar};
use proptest::prelude::*;
use proptest::test_runner::TestCaseError;
use std::f64::consts::{FRAC_2_SQRT_PI, FRAC_PI_4, LN_2};

type D = Dual<f64>;
type H = HyperDual<f64>;
type DD = Dual<Dual<f64>>;
type DH = Dual<HyperDual<f64>>;

// ---------------------------------------------------------------------------------
// Unary rules
// ---------------------------------------------------------------------------------

/// Points where a function of the table is not smooth (a kink, a jump or a pole)
/// although its sampling interval contains them: finite differences are not taken
/// within `SINGULAR_MARGIN` of them.
fn singular_points(op: Unary) -> &'static [f64] {
    match op {
        Unary::Abs | Unary::Signum | Unary::Recip | Unary::Cbrt => &[0.0],
        Unary::Powi(n) if n < 0 => &[0.0],
        _ => &[],
    }
}

const SINGULAR_MARGIN: f64 = 0.05;

fn near_singular(op: Unary, x: f64) -> bool {
    singular_points(op)
        .iter()
        .any(|s| (x - s).abs() < SINGULAR_MARGIN)
}

/// `f'(x)` through a dual number.
fn d1(op: Unary, x: f64) -> f64 {
    D::new(x, 1.0).apply(op).eps
}

/// `f''(x)` through a hyper-dual number.
fn d2(op: Unary, x: f64) -> f64 {
    H::new(x, 1.0, 1.0, 0.0).apply(op).e12
}

/// `f(x)` through `Dual<Dual<f64>>` seeded for the second derivative in `eps.eps`.
fn dd(op: Unary, x: f64) -> DD {
    DD::new(D::new(x, 1.0), D::new(1.0, 0.0)).apply(op)
}

/// `f(x)` through `Dual<HyperDual<f64>>` seeded for the third derivative in
/// `eps.e12`.
fn dh(op: Unary, x: f64) -> DH {
    DH::new(H::new(x, 1.0, 1.0, 0.0), H::new(1.0, 0.0, 0.0, 0.0)).apply(op)
}

fn check_fd(what: &str, got: f64, fd: Fd) -> Result<(), TestCaseError> {
    prop_assert!(
        fd.accepts(got),
        "{what}: got {got:e}, finite difference {:e}, |diff| {:e} > tol {:e}",
        fd.d,
        (got - fd.d).abs(),
        fd.tolerance(got)
    );
    Ok(())
}

/// Every check of one unary rule at one point; `(u, v, w)` are arbitrary hyper-dual
/// seeds for the general chain rule.
fn check_unary(op: Unary, x: f64, (u, v, w): (f64, f64, f64)) -> Result<(), TestCaseError> {
    let value = op.value(x);
    prop_assert!(value.is_finite(), "{op:?}({x}) = {value} inside its domain");

    // The value arm and the Taylor arm agree: every number type's value part is the
    // f64 value, exactly.
    let (dual, hyper, dd, dh) = (
        D::new(x, 1.0).apply(op),
        H::new(x, 1.0, 1.0, 0.0).apply(op),
        dd(op, x),
        dh(op, x),
    );
    for (name, re) in [
        ("Dual", dual.re),
        ("HyperDual", hyper.re),
        ("Dual<Dual>", dd.re.re),
        ("Dual<HyperDual>", dh.re.re),
    ] {
        prop_assert!(
            re == value,
            "{op:?}({x}): {name} value part {re:e} != f64 value {value:e}"
        );
    }
    prop_assert_eq!(Scalar::apply(x, op), value);

    let fd1 = central(|t| op.value(t), x); // f'
    let fd2 = central(|t| d1(op, t), x); // f'' (Stan-style: difference of f')
    let fd3 = central(|t| d2(op, t), x); // f'''
    let at = |s: &str| format!("{op:?} at {x}: {s}");

    check_fd(&at("Dual eps = f'"), dual.eps, fd1)?;
    check_fd(&at("HyperDual e1 = f'"), hyper.e1, fd1)?;
    check_fd(&at("HyperDual e2 = f'"), hyper.e2, fd1)?;
    check_fd(&at("HyperDual e12 = f''"), hyper.e12, fd2)?;

    // The general hyper-dual chain rule: (x, u, v, w) -> (f, f'u, f'v, f'w + f''uv).
    let g = H::new(x, u, v, w).apply(op);
    let e1 = Fd::combine(&[(fd1, u)]);
    let e2 = Fd::combine(&[(fd1, v)]);
    let e12 = Fd::combine(&[(fd1, w), (fd2, u * v)]);
    check_fd(&at("HyperDual(u,v,w) e1 = f'u"), g.e1, e1)?;
    check_fd(&at("HyperDual(u,v,w) e2 = f'v"), g.e2, e2)?;
    check_fd(&at("HyperDual(u,v,w) e12 = f'w + f''uv"), g.e12, e12)?;

    check_fd(&at("Dual<Dual> re.eps = f'"), dd.re.eps, fd1)?;
    check_fd(&at("Dual<Dual> eps.re = f'"), dd.eps.re, fd1)?;
    check_fd(&at("Dual<Dual> eps.eps = f''"), dd.eps.eps, fd2)?;

    check_fd(&at("Dual<HyperDual> re.e12 = f''"), dh.re.e12, fd2)?;
    check_fd(&at("Dual<HyperDual> eps.re = f'"), dh.eps.re, fd1)?;
    check_fd(&at("Dual<HyperDual> eps.e1 = f''"), dh.eps.e1, fd2)?;
    check_fd(&at("Dual<HyperDual> eps.e12 = f'''"), dh.eps.e12, fd3)?;
    Ok(())
}

fn unary_points() -> Vec<BoxedStrategy<f64>> {
    Unary::ALL
        .iter()
        .map(|op| {
            let (lo, hi) = op.domain();
            points_in(lo, hi).boxed()
        })
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// One random point per entry of `Unary::ALL` per case.
    #[test]
    fn unary_rules_match_finite_differences(
        xs in unary_points(),
        seeds in (-2.0..2.0f64, -2.0..2.0f64, -2.0..2.0f64),
    ) {
        for (&op, &x) in Unary::ALL.iter().zip(&xs) {
            if !near_singular(op, x) {
                check_unary(op, x, seeds)?;
            }
        }
    }
}

/// A fixed grid over each domain, ends included, so the edges are always covered.
#[test]
fn unary_rules_on_a_grid_including_the_domain_ends() {
    for &op in Unary::ALL {
        let (lo, hi) = op.domain();
        for k in 0..=40 {
            let x = common::snap_into(lo + (hi - lo) * f64::from(k) / 40.0, lo, hi);
            if !near_singular(op, x) {
                check_unary(op, x, (0.75, -1.25, 0.5)).unwrap_or_else(|e| panic!("{e}"));
            }
        }
    }
}

/// Every entry's domain has negative points where the function allows them, so the
/// sampling covers both signs (the sign-sensitive rules: cbrt, abs, signum, powi).
#[test]
fn domains_cover_negative_points_where_defined() {
    for op in [
        Unary::Cbrt,
        Unary::Abs,
        Unary::Signum,
        Unary::Recip,
        Unary::Sin,
        Unary::Erf,
        Unary::Atan,
        Unary::Powi(3),
        Unary::Powi(-2),
        Unary::Ln1p,
        Unary::Asin,
    ] {
        assert!(Unary::ALL.contains(&op), "{op:?} missing from Unary::ALL");
        assert!(
            op.domain().0 < 0.0,
            "{op:?}: domain {:?} has no negative point",
            op.domain()
        );
    }
}

// ---------------------------------------------------------------------------------
// Binary rules
// ---------------------------------------------------------------------------------

/// `f(a, b)` through dual numbers with tangents `(ta, tb)`.
fn bd(op: Binary, a: f64, b: f64, (ta, tb): (f64, f64)) -> D {
    D::new(a, ta).apply2(op, D::new(b, tb))
}

/// The `e12` part of `f(a, b)` through hyper-dual numbers with first tangents
/// `(a1, b1)` and second tangents `(a2, b2)`.
fn bh(op: Binary, a: f64, b: f64, (a1, b1): (f64, f64), (a2, b2): (f64, f64)) -> f64 {
    H::new(a, a1, a2, 0.0)
        .apply2(op, H::new(b, b1, b2, 0.0))
        .e12
}

/// `f(a, b)` through `Dual<HyperDual<f64>>`: hyper-dual tangents as in [`bh`], and
/// the outer tangent `(ta, tb)`.
fn bdh(op: Binary, a: f64, b: f64, s1: (f64, f64), s2: (f64, f64), t: (f64, f64)) -> DH {
    let xa = DH::new(H::new(a, s1.0, s2.0, 0.0), H::new(t.0, 0.0, 0.0, 0.0));
    let xb = DH::new(H::new(b, s1.1, s2.1, 0.0), H::new(t.1, 0.0, 0.0, 0.0));
    xa.apply2(op, xb)
}

/// `f(a, b)` through `Dual<Dual<f64>>`: inner tangent `s1`, outer tangent `s2`.
fn bdd(op: Binary, a: f64, b: f64, s1: (f64, f64), s2: (f64, f64)) -> DD {
    let xa = DD::new(D::new(a, s1.0), D::new(s2.0, 0.0));
    let xb = DD::new(D::new(b, s1.1), D::new(s2.1, 0.0));
    xa.apply2(op, xb)
}

const EA: (f64, f64) = (1.0, 0.0);
const EB: (f64, f64) = (0.0, 1.0);

fn check_binary(op: Binary, a: f64, b: f64, seeds: [f64; 6]) -> Result<(), TestCaseError> {
    let value = op.value(a, b);
    prop_assert!(
        value.is_finite(),
        "{op:?}({a}, {b}) = {value} inside its domain"
    );
    let at = |s: &str| format!("{op:?} at ({a}, {b}): {s}");

    // Value parts: exactly the f64 value on every number type.
    for (name, re) in [
        ("Dual", bd(op, a, b, EA).re),
        (
            "HyperDual",
            H::new(a, 1.0, 0.0, 0.0)
                .apply2(op, H::new(b, 0.0, 1.0, 0.0))
                .re,
        ),
        ("Dual<Dual>", bdd(op, a, b, EA, EB).re.re),
        ("Dual<HyperDual>", bdh(op, a, b, EA, EB, EA).re.re),
    ] {
        prop_assert!(
            re == value,
            "{}",
            at(&format!("{name} value part {re:e} != {value:e}"))
        );
    }
    prop_assert_eq!(Scalar::apply2(a, op, b), value);

    // First partials.
    // Each partial is checked with the largest partial of its order as `scale`
    // (see tests/common/mod.rs).
    let fa = central(|t| op.value(t, b), a);
    let fb = central(|t| op.value(a, t), b);
    let s1 = fa.scale.max(fb.scale);
    let (fa, fb) = (fa.with_scale(s1), fb.with_scale(s1));
    check_fd(&at("Dual df/da"), bd(op, a, b, EA).eps, fa)?;
    check_fd(&at("Dual df/db"), bd(op, a, b, EB).eps, fb)?;

    // Second partials: differences of the dual partials; the mixed one both ways.
    let faa = central(|t| bd(op, t, b, EA).eps, a);
    let fab = central(|t| bd(op, a, t, EA).eps, b);
    let fba = central(|t| bd(op, t, b, EB).eps, a);
    let fbb = central(|t| bd(op, a, t, EB).eps, b);
    let s2 = [faa, fab, fba, fbb]
        .iter()
        .fold(0.0, |m, fd| fd.scale.max(m));
    let [faa, fab, fba, fbb] = [faa, fab, fba, fbb].map(|fd| fd.with_scale(s2));
    for (name, s1, s2, fd) in [
        ("aa", EA, EA, faa),
        ("ab", EA, EB, fab),
        ("ba", EB, EA, fba),
        ("bb", EB, EB, fbb),
    ] {
        check_fd(
            &at(&format!("HyperDual d2f/d{name}")),
            bh(op, a, b, s1, s2),
            fd,
        )?;
        check_fd(
            &at(&format!("Dual<Dual> d2f/d{name}")),
            bdd(op, a, b, s1, s2).eps.eps,
            fd,
        )?;
    }
    check_fd(
        &at("HyperDual d2f/dab vs difference in a"),
        bh(op, a, b, EA, EB),
        fba,
    )?;

    // Third partials: differences of the hyper-dual second partials.
    let third: Vec<(String, f64, Fd)> = [("aa", EA, EA), ("ab", EA, EB), ("bb", EB, EB)]
        .into_iter()
        .flat_map(|(name, u, v)| {
            let in_a = central(|t| bh(op, t, b, u, v), a);
            let in_b = central(|t| bh(op, a, t, u, v), b);
            [
                (
                    format!("d3f/d{name}da"),
                    bdh(op, a, b, u, v, EA).eps.e12,
                    in_a,
                ),
                (
                    format!("d3f/d{name}db"),
                    bdh(op, a, b, u, v, EB).eps.e12,
                    in_b,
                ),
            ]
        })
        .collect();
    let s3 = third.iter().fold(0.0, |m, (_, _, fd)| fd.scale.max(m));
    for (name, got, fd) in &third {
        check_fd(
            &at(&format!("Dual<HyperDual> {name}")),
            *got,
            fd.with_scale(s3),
        )?;
    }

    // The general hyper-dual chain rule with arbitrary seeds:
    // e12 = fa a12 + fb b12 + faa a1 a2 + fab (a1 b2 + a2 b1) + fbb b1 b2.
    let [a1, a2, a12, b1, b2, b12] = seeds;
    let g = H::new(a, a1, a2, a12).apply2(op, H::new(b, b1, b2, b12));
    let want = Fd::combine(&[
        (fa, a12),
        (fb, b12),
        (faa, a1 * a2),
        (fab, a1 * b2),
        (fab, a2 * b1),
        (fbb, b1 * b2),
    ]);
    let e1 = Fd::combine(&[(fa, a1), (fb, b1)]);
    let e2 = Fd::combine(&[(fa, a2), (fb, b2)]);
    check_fd(&at("HyperDual general seeds e1"), g.e1, e1)?;
    check_fd(&at("HyperDual general seeds e2"), g.e2, e2)?;
    check_fd(&at("HyperDual general seeds e12"), g.e12, want)?;
    Ok(())
}

fn binary_points() -> Vec<BoxedStrategy<(f64, f64)>> {
    Binary::ALL
        .iter()
        .map(|op| {
            let ((alo, ahi), (blo, bhi)) = op.domain();
            (points_in(alo, ahi), points_in(blo, bhi)).boxed()
        })
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn binary_rules_match_finite_differences(
        points in binary_points(),
        seeds in proptest::array::uniform6(-2.0..2.0f64),
    ) {
        for (&op, &(a, b)) in Binary::ALL.iter().zip(&points) {
            check_binary(op, a, b, seeds)?;
        }
    }
}

#[test]
fn binary_rules_on_a_grid_including_the_domain_ends() {
    for &op in Binary::ALL {
        let ((alo, ahi), (blo, bhi)) = op.domain();
        for i in 0..=12 {
            for j in 0..=12 {
                let a = common::snap_into(alo + (ahi - alo) * f64::from(i) / 12.0, alo, ahi);
                let b = common::snap_into(blo + (bhi - blo) * f64::from(j) / 12.0, blo, bhi);
                check_binary(op, a, b, [0.5, -1.0, 0.25, 1.5, 0.75, -0.5])
                    .unwrap_or_else(|e| panic!("{e}"));
            }
        }
    }
}

// ---------------------------------------------------------------------------------
// Hand-derived values at exact points
// ---------------------------------------------------------------------------------

/// `[f, f', f'', f''']` at `x`, through Dual, HyperDual and Dual<HyperDual>.
fn taylor4(op: Unary, x: f64) -> [f64; 4] {
    let dual = D::new(x, 1.0).apply(op);
    [dual.re, dual.eps, d2(op, x), dh(op, x).eps.e12]
}

/// Equal within 4 ulps (relative), or both exactly zero.
fn assert_near(got: f64, want: f64, what: &str) {
    assert!(
        got == want || (got - want).abs() <= 4.0 * f64::EPSILON * want.abs(),
        "{what}: got {got:e}, want {want:e}"
    );
}

fn assert_taylor(op: Unary, x: f64, want: [f64; 4]) {
    let got = taylor4(op, x);
    for (k, (g, w)) in got.iter().zip(want).enumerate() {
        assert_near(*g, w, &format!("{op:?} at {x}: derivative {k}"));
    }
}

#[test]
fn hand_derived_unary_values() {
    let sqrt_pi = std::f64::consts::PI.sqrt();
    // sin: (sin, cos, -sin, -cos)
    assert_taylor(Unary::Sin, 0.0, [0.0, 1.0, 0.0, -1.0]);
    assert_taylor(Unary::Cos, 0.0, [1.0, 0.0, -1.0, 0.0]);
    assert_taylor(Unary::Exp, 0.0, [1.0, 1.0, 1.0, 1.0]);
    // ln: (ln x, 1/x, -1/x², 2/x³)
    assert_taylor(Unary::Ln, 1.0, [0.0, 1.0, -1.0, 2.0]);
    assert_taylor(Unary::Ln, 2.0, [LN_2, 0.5, -0.25, 0.25]);
    // sqrt: (√x, 1/(2√x), -1/(4 x^(3/2)), 3/(8 x^(5/2)))
    assert_taylor(Unary::Sqrt, 4.0, [2.0, 0.25, -1.0 / 32.0, 3.0 / 256.0]);
    // x³: (x³, 3x², 6x, 6)
    assert_taylor(Unary::Powi(3), 2.0, [8.0, 12.0, 12.0, 6.0]);
    assert_taylor(Unary::Powi(3), -2.0, [-8.0, 12.0, -12.0, 6.0]);
    // x^-2: (x^-2, -2x^-3, 6x^-4, -24x^-5)
    assert_taylor(Unary::Powi(-2), 2.0, [0.25, -0.25, 0.375, -0.75]);
    // x^2.5 at 4: (32, 2.5·8, 3.75·2, 1.875/2)
    assert_taylor(Unary::Powf(2.5), 4.0, [32.0, 20.0, 7.5, 0.9375]);
    // atan: (atan x, 1/(1+x²), -2x/(1+x²)², (6x²-2)/(1+x²)³)
    assert_taylor(Unary::Atan, 1.0, [FRAC_PI_4, 0.5, -0.5, 0.5]);
    // tanh: (t, 1-t², -2t(1-t²), (1-t²)(6t²-2)) at t = 0
    assert_taylor(Unary::Tanh, 0.0, [0.0, 1.0, 0.0, -2.0]);
    // erf: (erf, 2/√π e^(-x²), -4x/√π e^(-x²), (8x²-4)/√π e^(-x²))
    assert_taylor(Unary::Erf, 0.0, [0.0, FRAC_2_SQRT_PI, 0.0, -4.0 / sqrt_pi]);
    // 1/x: (1/x, -1/x², 2/x³, -6/x⁴) at 2
    assert_taylor(Unary::Recip, 2.0, [0.5, -0.25, 0.25, -0.375]);
    // cbrt at 8: (2, x^(-2/3)/3, -2x^(-5/3)/9, 10x^(-8/3)/27) = (2, 1/12, -1/144, 5/3456)
    assert_taylor(
        Unary::Cbrt,
        8.0,
        [2.0, 1.0 / 12.0, -1.0 / 144.0, 5.0 / 3456.0],
    );
    // asin at 0: (0, 1, 0, 1)
    assert_taylor(Unary::Asin, 0.0, [0.0, 1.0, 0.0, 1.0]);
    // sinh/cosh at 0
    assert_taylor(Unary::Sinh, 0.0, [0.0, 1.0, 0.0, 1.0]);
    assert_taylor(Unary::Cosh, 0.0, [1.0, 0.0, 1.0, 0.0]);
    // exp2 at 1: 2 ln2^k
    assert_taylor(
        Unary::Exp2,
        1.0,
        [2.0, 2.0 * LN_2, 2.0 * LN_2 * LN_2, 2.0 * LN_2.powi(3)],
    );
}

#[test]
fn abs_and_signum_piecewise() {
    // |x|: slope -1 / +1 off 0; at 0 the derivative is taken as 0 (documented: the
    // midpoint of the subgradient [-1, 1]). Second derivative 0 everywhere.
    assert_taylor(Unary::Abs, -2.0, [2.0, -1.0, 0.0, 0.0]);
    assert_taylor(Unary::Abs, 0.0, [0.0, 0.0, 0.0, 0.0]);
    assert_taylor(Unary::Abs, 2.0, [2.0, 1.0, 0.0, 0.0]);
    // signum as f64::signum (signum(+0) = 1, signum(-0) = -1), derivative 0.
    assert_taylor(Unary::Signum, -2.0, [-1.0, 0.0, 0.0, 0.0]);
    assert_taylor(Unary::Signum, 0.0, [1.0, 0.0, 0.0, 0.0]);
    assert_taylor(Unary::Signum, -0.0, [-1.0, 0.0, 0.0, 0.0]);
    assert_taylor(Unary::Signum, 2.0, [1.0, 0.0, 0.0, 0.0]);
    assert!(Unary::Abs.is_piecewise_linear() && Unary::Signum.is_piecewise_linear());
}

/// `[f, fa, fb, faa, fab, fbb]` through Dual and HyperDual seeds.
fn partials(op: Binary, a: f64, b: f64) -> [f64; 6] {
    [
        op.value(a, b),
        bd(op, a, b, EA).eps,
        bd(op, a, b, EB).eps,
        bh(op, a, b, EA, EA),
        bh(op, a, b, EA, EB),
        bh(op, a, b, EB, EB),
    ]
}

fn assert_partials(op: Binary, a: f64, b: f64, want: [f64; 6]) {
    let names = ["f", "fa", "fb", "faa", "fab", "fbb"];
    for ((g, w), name) in partials(op, a, b).iter().zip(want).zip(names) {
        assert_near(*g, w, &format!("{op:?} at ({a}, {b}): {name}"));
    }
    // The mixed partial is symmetric in the seeding order.
    assert_near(bh(op, a, b, EB, EA), want[4], &format!("{op:?}: fba"));
}

#[test]
fn hand_derived_binary_values() {
    // hypot = √(a²+b²): fa = a/h, fb = b/h, faa = b²/h³, fab = -ab/h³, fbb = a²/h³.
    assert_partials(
        Binary::Hypot,
        3.0,
        4.0,
        [5.0, 0.6, 0.8, 16.0 / 125.0, -12.0 / 125.0, 9.0 / 125.0],
    );
    // atan2(a, b) with s = a²+b²: fa = b/s, fb = -a/s, faa = -2ab/s²,
    // fab = d/db (b/s) = (s - 2b²)/s² = (a²-b²)/s², fbb = 2ab/s².
    assert_partials(
        Binary::Atan2,
        1.0,
        1.0,
        [FRAC_PI_4, 0.5, -0.5, -0.5, 0.0, 0.5],
    );
    assert_partials(
        Binary::Atan2,
        1.0,
        2.0,
        [0.5f64.atan(), 0.4, -0.2, -0.16, -0.12, 0.16],
    );
    // a^b at (2, 3): fa = b a^(b-1) = 12, fb = a^b ln a = 8 ln 2,
    // faa = b(b-1)a^(b-2) = 12, fab = a^(b-1)(1 + b ln a) = 4(1 + 3 ln 2),
    // fbb = a^b ln² a = 8 ln² 2.
    assert_partials(
        Binary::Pow,
        2.0,
        3.0,
        [
            8.0,
            12.0,
            8.0 * LN_2,
            12.0,
            4.0 * (1.0 + 3.0 * LN_2),
            8.0 * LN_2 * LN_2,
        ],
    );
}

// ---------------------------------------------------------------------------------
// Scalar trait methods and operators on Dual and HyperDual
// ---------------------------------------------------------------------------------

fn assert_dual(got: D, re: f64, eps: f64, what: &str) {
    assert_near(got.re, re, &format!("{what}: re"));
    assert_near(got.eps, eps, &format!("{what}: eps"));
}

fn assert_hyper(got: H, want: [f64; 4], what: &str) {
    for (k, (g, w)) in [got.re, got.e1, got.e2, got.e12]
        .iter()
        .zip(want)
        .enumerate()
    {
        assert_near(*g, w, &format!("{what}: part {k}"));
    }
}

#[test]
fn scalar_methods_on_dual() {
    let x = D::new(0.5, 1.0);
    assert_dual(x.sin(), 0.5f64.sin(), 0.5f64.cos(), "sin");
    assert_dual(x.cos(), 0.5f64.cos(), -(0.5f64.sin()), "cos");
    let (s, c) = x.sin_cos();
    assert_dual(s, 0.5f64.sin(), 0.5f64.cos(), "sin_cos.0");
    assert_dual(c, 0.5f64.cos(), -(0.5f64.sin()), "sin_cos.1");

    let two = D::new(2.0, 1.0);
    assert_dual(two.powi(3), 8.0, 12.0, "powi(3)");
    assert_dual(two.powi(-1), 0.5, -0.25, "powi(-1)");
    assert_dual(two.powf(0.5), 2f64.sqrt(), 0.5 / 2f64.sqrt(), "powf(0.5)");
    assert_dual(two.recip(), 0.5, -0.25, "recip");
    // log_2(8) = 3, d/dx log_2 x = 1 / (x ln 2)
    assert_dual(D::new(8.0, 1.0).log(2.0), 3.0, 1.0 / (8.0 * LN_2), "log(2)");
    assert_dual(
        D::new(100.0, 1.0).log10(),
        2.0,
        0.01 / std::f64::consts::LN_10,
        "log10",
    );
    assert_dual(D::new(8.0, 1.0).log2(), 3.0, 0.125 / LN_2, "log2");
    // mul_add: x a + b with x' = 1, a' = 0, b' = 1 -> 2·3 + 1, 1·3 + 1
    assert_dual(
        two.mul_add(D::new(3.0, 0.0), D::new(1.0, 1.0)),
        7.0,
        4.0,
        "mul_add",
    );
    assert_dual(two.exp(), 2f64.exp(), 2f64.exp(), "exp");
    assert_dual(two.sqrt(), 2f64.sqrt(), 0.5 / 2f64.sqrt(), "sqrt");
    assert_dual(D::new(3.0, 1.0).hypot(D::new(4.0, 0.0)), 5.0, 0.6, "hypot");
    assert_dual(
        D::new(1.0, 1.0).atan2(D::new(1.0, 0.0)),
        FRAC_PI_4,
        0.5,
        "atan2",
    );
    assert_dual(
        D::new(2.0, 1.0).pow(D::new(3.0, 0.0)),
        8.0,
        12.0,
        "pow in a",
    );
    assert_dual(
        D::new(2.0, 0.0).pow(D::new(3.0, 1.0)),
        8.0,
        8.0 * LN_2,
        "pow in b",
    );

    // min / max: the smaller / larger by value with its own tangent; at a tie the
    // midpoint, whose tangent is the mean of both; a NaN argument is ignored.
    let (p, q) = (D::new(1.0, 3.0), D::new(2.0, 5.0));
    assert_dual(p.min(q), 1.0, 3.0, "min");
    assert_dual(q.min(p), 1.0, 3.0, "min swapped");
    assert_dual(p.max(q), 2.0, 5.0, "max");
    assert_dual(q.max(p), 2.0, 5.0, "max swapped");
    let (t1, t2) = (D::new(1.0, 1.0), D::new(1.0, 0.0));
    assert_dual(t1.min(t2), 1.0, 0.5, "min tie");
    assert_dual(t1.max(t2), 1.0, 0.5, "max tie");
    assert_dual(D::new(f64::NAN, 1.0).min(q), 2.0, 5.0, "min(NaN, q)");
    assert_dual(q.max(D::new(f64::NAN, 1.0)), 2.0, 5.0, "max(q, NaN)");

    // f64 on either side.
    let x = D::new(3.0, 1.0);
    assert_dual(2.0 * x, 6.0, 2.0, "2 * x");
    assert_dual(x * 2.0, 6.0, 2.0, "x * 2");
    assert_dual(2.0 + x, 5.0, 1.0, "2 + x");
    assert_dual(x + 2.0, 5.0, 1.0, "x + 2");
    assert_dual(2.0 - x, -1.0, -1.0, "2 - x");
    assert_dual(x - 2.0, 1.0, 1.0, "x - 2");
    assert_dual(2.0 / x, 2.0 / 3.0, -2.0 / 9.0, "2 / x");
    assert_dual(x / 2.0, 1.5, 0.5, "x / 2");
    assert_dual(-x, -3.0, -1.0, "-x");

    // Number-number operators: product and quotient rules with y = (2, -1).
    let y = D::new(2.0, -1.0);
    assert_dual(x * y, 6.0, 2.0 - 3.0, "x * y");
    assert_dual(x / y, 1.5, (1.0 * 2.0 + 3.0) / 4.0, "x / y");
    assert_dual(x + y, 5.0, 0.0, "x + y");
    assert_dual(x - y, 1.0, 2.0, "x - y");

    // Assign forms.
    let mut z = x;
    z += y;
    assert_dual(z, 5.0, 0.0, "+=");
    z -= y;
    assert_dual(z, 3.0, 1.0, "-=");
    z *= y;
    assert_dual(z, 6.0, -1.0, "*=");
    z /= y;
    assert_dual(z, 3.0, 1.0, "/=");

    // Sum and Product: d/dx1 (x1 + x2 + x3) = 1, d/dx1 (x1 x2 x3) = x2 x3.
    let v = [D::new(1.0, 1.0), D::new(2.0, 0.0), D::new(3.0, 0.0)];
    assert_dual(v.iter().copied().sum(), 6.0, 1.0, "sum");
    assert_dual(v.iter().copied().product(), 6.0, 6.0, "product");
    assert_dual(std::iter::empty::<D>().sum(), 0.0, 0.0, "empty sum");
    assert_dual(std::iter::empty::<D>().product(), 1.0, 0.0, "empty product");

    // Comparisons look at the value only.
    assert!(D::new(1.0, 5.0) == D::new(1.0, -3.0));
    assert!(D::new(1.0, 0.0) != D::new(2.0, 0.0));
    assert!(D::new(1.0, 100.0) < D::new(2.0, -100.0));
    assert!(D::new(2.0, -100.0) >= D::new(2.0, 100.0));
    assert_eq!(
        D::new(1.0, 7.0).partial_cmp(&D::new(1.0, -7.0)),
        Some(std::cmp::Ordering::Equal)
    );
    assert_eq!(D::new(f64::NAN, 0.0).partial_cmp(&D::new(1.0, 0.0)), None);

    // from_f64 / value / is_finite / zero / one / variable.
    let c = D::from_f64(2.5);
    assert_eq!((c.re, c.eps, c.value()), (2.5, 0.0, 2.5));
    assert!(!D::new(1.0, f64::INFINITY).is_finite() && D::new(1.0, 2.0).is_finite());
    assert_eq!(
        (
            <D as hyperhess::num_traits::Zero>::zero().re,
            <D as hyperhess::num_traits::One>::one().re,
            D::variable(4.0).eps
        ),
        (0.0, 1.0, 1.0)
    );
}

#[test]
fn scalar_methods_on_hyperdual() {
    let x = H::new(0.5, 1.0, 1.0, 0.0);
    let (s, c) = (0.5f64.sin(), 0.5f64.cos());
    assert_hyper(x.sin(), [s, c, c, -s], "sin");
    assert_hyper(x.cos(), [c, -s, -s, -c], "cos");
    let (hs, hc) = x.sin_cos();
    assert_hyper(hs, [s, c, c, -s], "sin_cos.0");
    assert_hyper(hc, [c, -s, -s, -c], "sin_cos.1");

    let x = H::new(2.0, 1.0, 1.0, 0.0);
    assert_hyper(x.powi(3), [8.0, 12.0, 12.0, 12.0], "powi(3)");
    assert_hyper(x.powi(-1), [0.5, -0.25, -0.25, 0.25], "powi(-1)");
    // log_2 x: (3, 1/(x ln2), -1/(x² ln2)) at 8
    let e = H::new(8.0, 1.0, 1.0, 0.0);
    assert_hyper(
        e.log(2.0),
        [3.0, 0.125 / LN_2, 0.125 / LN_2, -1.0 / (64.0 * LN_2)],
        "log(2)",
    );
    // x·x + x at 2 with x' = 1: (6, 5, 5, 2)
    assert_hyper(x.mul_add(x, x), [6.0, 5.0, 5.0, 2.0], "mul_add");
    // 2/x: (1, -2/x², -2/x², 4/x³)
    assert_hyper(2.0 / x, [1.0, -0.5, -0.5, 0.5], "2 / x");
    assert_hyper(x / 2.0, [1.0, 0.5, 0.5, 0.0], "x / 2");
    assert_hyper(2.0 * x, [4.0, 2.0, 2.0, 0.0], "2 * x");
    assert_hyper(2.0 - x, [0.0, -1.0, -1.0, 0.0], "2 - x");
    assert_hyper(2.0 + x, [4.0, 1.0, 1.0, 0.0], "2 + x");
    assert_hyper(x - 2.0, [0.0, 1.0, 1.0, 0.0], "x - 2");
    assert_hyper(x * x, [4.0, 4.0, 4.0, 2.0], "x * x");

    // Mixed partials of two variables: a seeded in e1, b in e2.
    let (a, b) = (H::new(3.0, 1.0, 0.0, 0.0), H::new(2.0, 0.0, 1.0, 0.0));
    // a/b: d/da = 1/b, d/db = -a/b², d2/dadb = -1/b²
    assert_hyper(a / b, [1.5, 0.5, -0.75, -0.25], "a / b");
    // a·b: d2/dadb = 1
    assert_hyper(a * b, [6.0, 2.0, 3.0, 1.0], "a * b");
    // a^b: d2/dadb = a^(b-1) (1 + b ln a) = 3 (1 + 2 ln 3)
    let ln3 = 3f64.ln();
    assert_hyper(
        a.pow(b),
        [9.0, 6.0, 9.0 * ln3, 3.0 * (1.0 + 2.0 * ln3)],
        "a.pow(b)",
    );
    assert_hyper(
        a.hypot(H::new(4.0, 0.0, 1.0, 0.0)),
        [5.0, 0.6, 0.8, -12.0 / 125.0],
        "hypot",
    );

    // Assign forms: ((a + b) - b) * b / b = a.
    let mut z = a;
    z += b;
    assert_hyper(z, [5.0, 1.0, 1.0, 0.0], "+=");
    z *= b;
    assert_hyper(z, [10.0, 2.0, 7.0, 1.0], "*=");
    z /= b;
    assert_hyper(z, [5.0, 1.0, 1.0, 0.0], "/=");
    z -= b;
    assert_hyper(z, [3.0, 1.0, 0.0, 0.0], "-=");

    // min / max ties: midpoint, every part the mean.
    let (p, q) = (H::new(1.0, 1.0, 0.0, 2.0), H::new(1.0, 0.0, 1.0, 0.0));
    assert_hyper(p.min(q), [1.0, 0.5, 0.5, 1.0], "min tie");
    assert_hyper(p.max(q), [1.0, 0.5, 0.5, 1.0], "max tie");
    assert_hyper(a.min(b), [2.0, 0.0, 1.0, 0.0], "min");
    assert_hyper(a.max(b), [3.0, 1.0, 0.0, 0.0], "max");

    // Sum / Product of (a, b, a): sum e1 = 2, e2 = 1; product a²b: e12 = 2a = 6.
    let v = [a, b, a];
    assert_hyper(v.iter().copied().sum(), [8.0, 2.0, 1.0, 0.0], "sum");
    assert_hyper(
        v.iter().copied().product(),
        [18.0, 12.0, 9.0, 6.0],
        "product",
    );

    // Comparisons by value.
    assert!(H::new(1.0, 1.0, 2.0, 3.0) == H::new(1.0, 0.0, 0.0, 0.0));
    assert!(H::new(1.0, 9.0, 9.0, 9.0) < H::new(1.5, -9.0, -9.0, -9.0));
    assert!(!H::new(1.0, f64::NAN, 0.0, 0.0).is_finite());
}

// ---------------------------------------------------------------------------------
// Edge cases
// ---------------------------------------------------------------------------------

#[test]
fn powi_zero_at_zero_is_one_with_zero_derivatives() {
    assert_eq!(Scalar::powi(0.0, 0), 1.0);
    assert_dual(D::new(0.0, 1.0).powi(0), 1.0, 0.0, "x^0 at 0");
    assert_hyper(
        H::new(0.0, 1.0, 1.0, 0.0).powi(0),
        [1.0, 0.0, 0.0, 0.0],
        "x^0 at 0",
    );
    assert_eq!(taylor4(Unary::Powi(0), 0.0), [1.0, 0.0, 0.0, 0.0]);
    assert_eq!(taylor4(Unary::Powf(0.0), 0.0), [1.0, 0.0, 0.0, 0.0]);
}

#[test]
fn powf_one_at_zero_is_identity() {
    assert_eq!(taylor4(Unary::Powf(1.0), 0.0), [0.0, 1.0, 0.0, 0.0]);
    assert_eq!(taylor4(Unary::Powi(1), 0.0), [0.0, 1.0, 0.0, 0.0]);
    // Powf(2) at 0 has the exact polynomial derivatives too (no 0^0 · 0 = NaN).
    assert_eq!(taylor4(Unary::Powf(2.0), 0.0), [0.0, 0.0, 2.0, 0.0]);
    assert_eq!(taylor4(Unary::Powf(2.5), 0.0)[..3], [0.0, 0.0, 0.0]);
}

#[test]
fn pow_at_base_zero_with_positive_exponent() {
    // 0^b = 0 for b > 0: the partial in b is 0 (not 0 · ln 0 = NaN);
    // fa = b 0^(b-1) and faa = b(b-1) 0^(b-2) are the power rule's.
    assert_partials(Binary::Pow, 0.0, 3.0, [0.0, 0.0, 0.0, 0.0, 0.0, 0.0]);
    assert_partials(Binary::Pow, 0.0, 2.0, [0.0, 0.0, 0.0, 2.0, 0.0, 0.0]);
    let p = Binary::Pow.taylor(0.0_f64, 0.5);
    assert_eq!((p.f, p.b, p.bb), (0.0, 0.0, 0.0));
    assert_eq!(
        p.ab,
        f64::NEG_INFINITY,
        "a^(b-1)(1 + b ln a) -> -inf as a -> 0+, b <= 1"
    );
    // Through a dual number seeded in the exponent, b > 1: finite and 0.
    assert_dual(
        D::new(0.0, 0.0).pow(D::new(2.0, 1.0)),
        0.0,
        0.0,
        "d/db 0^b at b = 2",
    );
}

#[test]
fn powi_extreme_exponents_do_not_panic() {
    for n in [
        i32::MIN,
        i32::MIN + 1,
        i32::MIN + 2,
        i32::MIN + 3,
        i32::MAX - 1,
        i32::MAX,
    ] {
        let nf = f64::from(n);
        // d/dx x^n = n x^(n-1), d2 = n (n-1) x^(n-2), at x = 1 and x = -1.
        for x in [1.0, -1.0] {
            let sign = |k: i32| {
                if x < 0.0 && k.rem_euclid(2) == 1 {
                    -1.0
                } else {
                    1.0
                }
            };
            let d = D::new(x, 1.0).powi(n);
            let h = H::new(x, 1.0, 1.0, 0.0).powi(n);
            let what = format!("x^{n} at {x}");
            assert_dual(d, sign(n), nf * sign(n.wrapping_sub(1)), &what);
            assert_near(h.e12, nf * (nf - 1.0) * sign(n.wrapping_sub(2)), &what);
        }
        // Nested and far from 1: no panic, and the value agrees with f64.
        for x in [0.5, 2.0, -3.0, 0.0] {
            let v = Scalar::powi(x, n);
            let dh = DH::new(H::new(x, 1.0, 1.0, 0.0), H::new(1.0, 0.0, 0.0, 0.0)).powi(n);
            assert!(
                dh.re.re == v || (v.is_nan() && dh.re.re.is_nan()),
                "x^{n} at {x}"
            );
            let _ = DD::new(D::new(x, 1.0), D::new(1.0, 0.0)).powi(n);
        }
    }
}

/// `0^b = 0` for every `b > 0`, so with a constant base 0 the derivative in the
/// exponent is 0 (the rule table says so: `Partials2::b = 0`). For `0 < b < 1` the
/// partial in the base is infinite, and the chain rule multiplies it by the base's
/// zero tangent: `inf · 0 = NaN`. See the report on the inf·0 chain rule.
#[test]
fn pow_at_base_zero_exponent_below_one_through_a_dual() {
    assert_dual(
        D::new(0.0, 0.0).pow(D::new(0.5, 1.0)),
        0.0,
        0.0,
        "d/db 0^b at b = 0.5",
    );
}
