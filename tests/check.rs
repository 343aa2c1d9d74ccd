//! Derivative checks: they catch wrong derivatives (naming the entry) and pass on
//! right ones at 1000 property-test cases per function.

use hyperhess::check::{self, CheckKind, CheckOptions, CheckReport, Index};
use hyperhess::testfns::{Chain, Rosenbrock};
use hyperhess::{Error, Objective, Scalar};
use nalgebra::{DMatrix, DVector};
use proptest::prelude::*;

/// `logsumexp(A x) + |x|²/2` with data carried by the objective.
struct LogSumExp {
    a: Vec<Vec<f64>>,
}
impl Objective for LogSumExp {
    fn eval<S: Scalar>(&self, x: &[S]) -> S {
        // Rows of A have the length of x: use the leading columns.
        let a: Vec<Vec<f64>> = self.a.iter().map(|r| r[..x.len()].to_vec()).collect();
        hyperhess::testfns::log_sum_exp(&a, x)
    }
}

fn lse() -> LogSumExp {
    LogSumExp {
        a: hyperhess::testfns::LogSumExp::random(7, 8, 42).a,
    }
}

/// Rosenbrock's Hessian by hand (chained form).
fn rosenbrock_hessian(x: &[f64]) -> DMatrix<f64> {
    let n = x.len();
    let mut h = DMatrix::zeros(n, n);
    for i in 0..n - 1 {
        h[(i, i)] += 1200.0 * x[i] * x[i] - 400.0 * x[i + 1] + 2.0;
        h[(i, i + 1)] -= 400.0 * x[i];
        h[(i + 1, i)] -= 400.0 * x[i];
        h[(i + 1, i + 1)] += 200.0;
    }
    h
}

/// Rosenbrock's gradient by hand.
fn rosenbrock_gradient(x: &[f64]) -> DVector<f64> {
    let n = x.len();
    let mut g = DVector::zeros(n);
    for i in 0..n - 1 {
        let a = x[i + 1] - x[i] * x[i];
        g[i] += -400.0 * x[i] * a - 2.0 * (1.0 - x[i]);
        g[i + 1] += 200.0 * a;
    }
    g
}

#[test]
fn wrong_hand_written_hessian_is_caught_and_named() {
    let x = [0.25, -1.5, 0.75];
    let wrong = |x: &[f64]| {
        let mut h = rosenbrock_hessian(x);
        // A classic slip: the cross term with the wrong factor, in both triangles.
        h[(1, 2)] = -200.0 * x[1];
        h[(2, 1)] = -200.0 * x[1];
        h
    };
    let r = check::hessian_against(&Rosenbrock, wrong, &x).unwrap();
    assert!(!r.passed() && !r.is_ok());
    assert_eq!(r.kind, CheckKind::HessianAgainst);
    assert_eq!(r.failures, 2);
    assert!(
        matches!(r.worst.index, Index::Matrix(1, 2) | Index::Matrix(2, 1)),
        "{r}"
    );
    assert_eq!(r.worst.ad, 600.0);
    assert_eq!(r.worst.reference, 300.0);
    assert!(r.symmetry.unwrap().within_tolerance(), "still symmetric");
    let message = r.assert().unwrap_err().to_string();
    // Numbers as Rust writes f64 back (`600.0`, not `6e2`), tolerances to three
    // digits, and for small n both matrices, right-aligned per column.
    assert!(message.contains("AD = 600.0"), "{message}");
    assert!(message.contains("hand-written = 300.0"), "{message}");
    assert!(
        message.contains("|AD - hand-written| = 300.0 > tolerance "),
        "{message}"
    );
    assert!(message.contains("2 of 9 entries"), "{message}");
    let ad = "AD:\n  [  677.0 -100.0   0.0 ]\n  [ -100.0 2602.0 600.0 ]\n  [    0.0  600.0 200.0 ]";
    let hand = "hand-written:\n  [  677.0 -100.0   0.0 ]\n  [ -100.0 2602.0 300.0 ]\n  [    0.0  300.0 200.0 ]";
    assert!(message.ends_with(&format!("{ad}\n{hand}")), "{message}");
    let both = r.compared.as_ref().unwrap();
    assert_eq!((both.ad[(1, 2)], both.reference[(1, 2)]), (600.0, 300.0));
}

/// Reports print numbers readably: values as Rust writes an `f64` back (`1.0`,
/// `0.5`, `1e-10`), errors and tolerances to three digits; both results for
/// `n <= SHOWN_UP_TO` (a gradient as one row), none above.
#[test]
fn reports_print_readable_numbers_and_small_matrices() {
    struct Half;
    impl Objective for Half {
        fn eval<S: Scalar>(&self, x: &[S]) -> S {
            x.iter().map(|&xi| xi * xi * 0.5).sum()
        }
    }
    let off =
        |x: &[f64]| DVector::from_fn(x.len(), |i, _| if i == 0 { x[0] + 1e-10 } else { x[i] });
    let r = check::gradient_against(&Half, off, &[1.0, 0.5]).unwrap();
    let text = r.to_string();
    assert!(
        text.contains("AD = 1.0, hand-written = 1.0000000001"),
        "{text}"
    );
    assert!(
        text.contains("|AD - hand-written| = 1e-10 <= tolerance 2e-8"),
        "{text}"
    );
    assert!(
        text.contains("\nAD:\n  [ 1.0 0.5 ]\nhand-written:\n  [ 1.0000000001 0.5 ]"),
        "{text}"
    );
    assert!(!text.contains("e0"), "{text}");
    // At the limit the matrices are kept; one input more, they are not.
    let n = CheckReport::SHOWN_UP_TO;
    let at = |n: usize| check::hessian(&Half, &vec![0.5; n], &CheckOptions::default()).unwrap();
    let small = at(n);
    assert_eq!(small.compared.as_ref().map(|c| c.ad.shape()), Some((n, n)));
    assert!(small.to_string().contains("\nFD:\n  ["), "{small}");
    let large = at(n + 1);
    assert!(large.compared.is_none());
    assert!(!large.to_string().contains('\n'), "{large}");
}

#[test]
fn asymmetric_hand_written_hessian_is_caught() {
    let x = [0.3, -1.1, 0.7];
    let wrong = |x: &[f64]| {
        let mut h = rosenbrock_hessian(x);
        h[(0, 2)] = 1e-3; // upper triangle only
        h
    };
    let r = check::hessian_against(&Rosenbrock, wrong, &x).unwrap();
    assert!(!r.passed());
    assert_eq!(r.worst.index, Index::Matrix(0, 2));
    assert_eq!(r.failures, 1);
    let s = r.symmetry.unwrap();
    assert!(!s.within_tolerance());
    assert_eq!((s.row, s.col, s.upper, s.lower), (0, 2, 1e-3, 0.0));
    assert!(r.to_string().contains("NOT SYMMETRIC"), "{r}");
}

#[test]
fn right_hand_written_derivatives_pass() {
    let x = [0.3, -1.1, 0.7, 1.9];
    let r = check::hessian_against(&Rosenbrock, rosenbrock_hessian, &x).unwrap();
    assert!(r.passed(), "{r}");
    let r = check::gradient_against(&Rosenbrock, rosenbrock_gradient, &x).unwrap();
    assert!(r.passed(), "{r}");
    assert_eq!(r.kind, CheckKind::GradientAgainst);
}

#[test]
fn wrong_hand_written_gradient_is_caught_and_named() {
    let x = [0.3, -1.1, 0.7, 1.9];
    let wrong = |x: &[f64]| {
        let mut g = rosenbrock_gradient(x);
        g[2] += 1e-4; // small, but far beyond rounding
        g
    };
    let r = check::gradient_against(&Rosenbrock, wrong, &x).unwrap();
    assert!(!r.passed());
    assert_eq!((r.worst.index, r.failures), (Index::Vector(2), 1));
    assert!((r.worst.reference - r.worst.ad - 1e-4).abs() < 1e-9);
}

#[test]
fn hand_written_shapes_and_nans() {
    let x = [1.0, 2.0];
    let err = check::hessian_against(&Rosenbrock, |_| DMatrix::zeros(2, 3), &x).unwrap_err();
    assert_eq!(
        err,
        Error::LengthMismatch {
            what: "Hessian columns",
            expected: 2,
            found: 3
        }
    );
    let err = check::gradient_against(&Rosenbrock, |_| DVector::zeros(3), &x).unwrap_err();
    assert!(matches!(
        err,
        Error::LengthMismatch {
            what: "gradient",
            found: 3,
            ..
        }
    ));
    let nan = |x: &[f64]| {
        let mut h = rosenbrock_hessian(x);
        h[(1, 1)] = f64::NAN;
        h
    };
    let r = check::hessian_against(&Rosenbrock, nan, &x).unwrap();
    assert!(!r.passed());
    assert_eq!(r.worst.index, Index::Matrix(1, 1));
    assert_eq!(r.worst.ratio(), f64::INFINITY);
}

/// A typical bug in generic code: going through `.value()` cuts the derivative
/// (the factor is a constant to AD, but not to a finite difference).
struct StopGradient;
impl Objective for StopGradient {
    fn eval<S: Scalar>(&self, x: &[S]) -> S {
        x[0] * x[0] * x[1].value() + x[1].sin()
    }
}

#[test]
fn fd_check_catches_a_cut_derivative() {
    let x = [1.5, 0.5];
    let r = check::gradient(&StopGradient, &x, &CheckOptions::default()).unwrap();
    assert!(!r.passed());
    assert_eq!(r.kind, CheckKind::Gradient);
    // d/dx1 = x0² + cos(x1); AD sees only cos(x1).
    assert_eq!(r.worst.index, Index::Vector(1));
    assert_eq!(r.worst.ad, 0.5f64.cos());
    assert!(
        (r.worst.reference - (2.25 + 0.5f64.cos())).abs() < 1e-8,
        "{r}"
    );
    assert_eq!(r.failures, 1);
    let message = r.to_string();
    assert!(
        message.contains("FAILED") && message.contains("worst entry 1"),
        "{message}"
    );
}

#[test]
fn fd_hessian_check_catches_a_cut_derivative() {
    let x = [1.5, 0.5];
    let r = check::hessian(&StopGradient, &x, &CheckOptions::default()).unwrap();
    assert!(!r.passed());
    // AD: H_01 = 0; the difference of the AD gradient (2 x0 x1, cos x1) along x1
    // gives 2 x0 = 3 in entry (0, 1), and 0 in (1, 0): the FD Hessian is asymmetric.
    assert_eq!(r.worst.index, Index::Matrix(0, 1));
    assert_eq!(r.worst.ad, 0.0);
    assert!((r.worst.reference - 3.0).abs() < 1e-8, "{r}");
    let s = r.symmetry.unwrap();
    assert!(!s.within_tolerance());
    assert_eq!((s.row, s.col), (0, 1));
}

#[test]
fn fd_check_of_a_function_leaving_its_domain_fails_the_entry() {
    struct Log;
    impl Objective for Log {
        fn eval<S: Scalar>(&self, x: &[S]) -> S {
            x[0].ln()
        }
    }
    // ln at 1e-9: the stencil x ± 6e-6 leaves the domain.
    let r = check::gradient(&Log, &[1e-9], &CheckOptions::default()).unwrap();
    assert!(!r.passed());
    assert!(r.worst.reference.is_nan(), "{r}");
    // The point itself outside the domain is an error, as for every driver.
    assert!(check::gradient(&Log, &[-1.0], &CheckOptions::default()).is_err());
}

#[test]
fn steps_scale_with_x() {
    // At |x| = 1e6 the step is 1e6 times larger; the check still passes.
    struct Quartic;
    impl Objective for Quartic {
        fn eval<S: Scalar>(&self, x: &[S]) -> S {
            x[0].powi(4) * 1e-20 + x[0] * x[1]
        }
    }
    let opts = CheckOptions::default();
    for x in [[1e6, -3e5], [1e-6, 2.0], [0.0, 0.0]] {
        let r = check::gradient(&Quartic, &x, &opts).unwrap();
        assert!(r.passed(), "{r}");
        let r = check::hessian(&Quartic, &x, &opts).unwrap();
        assert!(r.passed(), "{r}");
    }
}

/// The largest `error / tolerance` of the right derivatives over many points,
/// printed: how much margin the tolerances leave (1 would be a failure).
#[test]
fn margin_over_many_points() {
    let lse = lse();
    let mut state = 12345u64;
    let mut uniform = move || {
        state = state
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (state >> 11) as f64 / (1u64 << 53) as f64
    };
    let opts = CheckOptions::default();
    let mut worst = [0.0f64; 6];
    for _ in 0..2000 {
        let n = 2 + (uniform() * 4.0) as usize;
        let x: Vec<f64> = (0..n).map(|_| 4.0 * uniform() - 2.0).collect();
        let ratios = [
            check::gradient(&Rosenbrock, &x, &opts)
                .unwrap()
                .worst
                .ratio(),
            check::hessian(&Rosenbrock, &x, &opts)
                .unwrap()
                .worst
                .ratio(),
            check::gradient(&Chain, &x, &opts).unwrap().worst.ratio(),
            check::hessian(&Chain, &x, &opts).unwrap().worst.ratio(),
            check::gradient(&lse, &x, &opts).unwrap().worst.ratio(),
            check::hessian(&lse, &x, &opts).unwrap().worst.ratio(),
        ];
        for (w, r) in worst.iter_mut().zip(ratios) {
            *w = w.max(r);
        }
    }
    eprintln!(
        "largest error/tolerance over 2000 points (gradient, Hessian): rosenbrock {:.3} {:.3}, \
         chain {:.3} {:.3}, log_sum_exp {:.3} {:.3}",
        worst[0], worst[1], worst[2], worst[3], worst[4], worst[5]
    );
    assert!(worst.iter().all(|&w| w < 0.5), "{worst:?}");
}

/// Points of `[-2, 2]^n`, `n` in `2..6`: the crate's strategy with the `proptest`
/// feature, the same distribution from proptest directly without it.
#[cfg(feature = "proptest")]
fn points() -> impl Strategy<Value = Vec<f64>> {
    hyperhess::check::strategies::point_in_box(-2.0, 2.0, 2..6)
}
#[cfg(not(feature = "proptest"))]
fn points() -> impl Strategy<Value = Vec<f64>> {
    proptest::collection::vec(-2.0..=2.0, 2..6)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1000))]

    #[test]
    fn rosenbrock_derivatives_pass(x in points()) {
        let opts = CheckOptions::default();
        check::gradient(&Rosenbrock, &x, &opts)?.assert()?;
        check::hessian(&Rosenbrock, &x, &opts)?.assert()?;
        check::gradient_against(&Rosenbrock, rosenbrock_gradient, &x)?.assert()?;
        check::hessian_against(&Rosenbrock, rosenbrock_hessian, &x)?.assert()?;
    }

    #[test]
    fn chain_derivatives_pass(x in points()) {
        let opts = CheckOptions::default();
        check::gradient(&Chain, &x, &opts)?.assert()?;
        check::hessian(&Chain, &x, &opts)?.assert()?;
    }

    #[test]
    fn log_sum_exp_derivatives_pass(x in points()) {
        let opts = CheckOptions::default();
        let f = lse();
        check::gradient(&f, &x, &opts)?.assert()?;
        let r = check::hessian(&f, &x, &opts)?;
        prop_assert!(r.passed(), "{}", r);
    }

    #[test]
    fn wrong_hessians_are_always_caught(x in points(), scale in 1e-6..1.0f64) {
        // Perturb the first diagonal entry by a relative `scale`: caught every time.
        let wrong = |x: &[f64]| {
            let mut h = rosenbrock_hessian(x);
            h[(0, 0)] += scale * h[(0, 0)].abs().max(1.0);
            h
        };
        let r = check::hessian_against(&Rosenbrock, wrong, &x)?;
        prop_assert!(!r.passed());
        prop_assert_eq!(r.worst.index, Index::Matrix(0, 0));
    }
}

#[cfg(feature = "proptest")]
mod strategies {
    use hyperhess::check::strategies::{direction, point_and_direction, point_in_box};
    use proptest::prelude::*;
    use proptest::strategy::ValueTree;
    use proptest::test_runner::TestRunner;

    /// What the docs promise of a failing point: every coordinate shrinks toward the
    /// value of the box nearest 0, the dimension toward its smallest value (a
    /// failure that persists all the way: every simplification is accepted).
    #[test]
    fn failing_points_shrink_toward_the_value_nearest_zero() {
        let mut runner = TestRunner::deterministic();
        let boxes = [
            (-2.0, 2.0, 0.0),
            (-0.5, 3.0, 0.0),
            (1.0, 3.0, 1.0),
            (-3.0, -1.0, -1.0),
        ];
        for (lo, hi, target) in boxes {
            for _ in 0..20 {
                let mut tree = point_in_box(lo, hi, 2..6).new_tree(&mut runner).unwrap();
                let start = tree.current();
                while tree.simplify() {}
                let end = tree.current();
                assert_eq!(end.len(), 2, "[{lo}, {hi}] from {start:?}");
                assert!(
                    end.iter().all(|v| (v - target).abs() <= 1e-12),
                    "[{lo}, {hi}]: {start:?} shrank to {end:?}, not toward {target}"
                );
            }
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(200))]

        #[test]
        fn points_are_in_the_box(x in point_in_box(-0.5, 3.0, 1..9)) {
            prop_assert!((1..9).contains(&x.len()));
            prop_assert!(x.iter().all(|v| (-0.5..=3.0).contains(v)));
        }

        #[test]
        fn directions_are_unit(v in direction(5)) {
            let norm = v.iter().map(|x| x * x).sum::<f64>().sqrt();
            prop_assert!((norm - 1.0).abs() < 1e-12);
        }

        #[test]
        fn hvp_matches_the_hessian_along_directions(
            (x, v) in point_and_direction(-2.0, 2.0, 2..6)
        ) {
            let hv = hyperhess::hvp(|x| hyperhess::testfns::rosenbrock(x), &x, &v)?;
            let h = hyperhess::hessian(|x| hyperhess::testfns::rosenbrock(x), &x)?;
            let expected = &h * nalgebra::DVector::from_vec(v);
            prop_assert!((hv - &expected).amax() <= 1e-12 * expected.amax().max(1.0));
        }
    }
}
