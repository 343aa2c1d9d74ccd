//! Newton steps (tau and descent at non-convex points, Algorithm 3.3's shifts) and
//! the damped-Newton minimizer on More-Garbow-Hillstrom problems from their standard
//! starting points.
//!
//! J. J. More, B. S. Garbow and K. E. Hillstrom, "Testing unconstrained optimization
//! software", ACM TOMS 7 (1981): problem numbers below are theirs.

use hyperhess::testfns::Rosenbrock as Chained;
use hyperhess::{Error, MinimizeOptions, Minimum, NewtonOptions, Objective, Scalar};
use nalgebra::{DMatrix, DVector, dmatrix};

/// MGH 21, extended Rosenbrock: independent pairs `(x_{2i-1}, x_{2i})`.
struct ExtendedRosenbrock;
impl Objective for ExtendedRosenbrock {
    fn eval<S: Scalar>(&self, x: &[S]) -> S {
        x.chunks(2)
            .map(|p| {
                let a = (p[1] - p[0] * p[0]) * 10.0;
                let b = S::one() - p[0];
                a * a + b * b
            })
            .sum()
    }
}

/// MGH 13, Powell singular (n = 4): minimum 0 at the origin, where the Hessian is
/// singular.
struct PowellSingular;
impl Objective for PowellSingular {
    fn eval<S: Scalar>(&self, x: &[S]) -> S {
        let f1 = x[0] + x[1] * 10.0;
        let f2 = (x[2] - x[3]) * 5f64.sqrt();
        let f3 = (x[1] - x[2] * 2.0).powi(2);
        let f4 = (x[0] - x[3]).powi(2) * 10f64.sqrt();
        f1 * f1 + f2 * f2 + f3 * f3 + f4 * f4
    }
}

/// MGH 5, Beale (n = 2): minimum 0 at (3, 0.5).
struct Beale;
impl Objective for Beale {
    fn eval<S: Scalar>(&self, x: &[S]) -> S {
        [1.5, 2.25, 2.625]
            .iter()
            .enumerate()
            .map(|(i, &y)| {
                let fi = -(x[0] * (-(x[1].powi(i as i32 + 1)) + 1.0)) + y;
                fi * fi
            })
            .sum()
    }
}

/// MGH 7, helical valley (n = 3): minimum 0 at (1, 0, 0). `theta` as MGH define it
/// (a branch on the sign of `x1`, not `atan2`).
struct HelicalValley;
impl Objective for HelicalValley {
    fn eval<S: Scalar>(&self, x: &[S]) -> S {
        let tau = std::f64::consts::TAU;
        let mut theta = (x[1] / x[0]).atan() / tau;
        if x[0].value() < 0.0 {
            theta = theta + 0.5;
        }
        let f1 = (x[2] - theta * 10.0) * 10.0;
        let f2 = ((x[0] * x[0] + x[1] * x[1]).sqrt() - 1.0) * 10.0;
        let f3 = x[2];
        f1 * f1 + f2 * f2 + f3 * f3
    }
}

/// MGH 14, Wood (n = 4): minimum 0 at (1, 1, 1, 1).
struct Wood;
impl Objective for Wood {
    fn eval<S: Scalar>(&self, x: &[S]) -> S {
        (x[1] - x[0] * x[0]).powi(2) * 100.0
            + (S::one() - x[0]).powi(2)
            + (x[3] - x[2] * x[2]).powi(2) * 90.0
            + (S::one() - x[2]).powi(2)
            + (x[1] + x[3] - 2.0).powi(2) * 10.0
            + (x[1] - x[3]).powi(2) * 0.1
    }
}

/// MGH 2, Freudenstein and Roth (n = 2): global minimum 0 at (5, 4), local minimum
/// 48.9842... at (11.41..., -0.8968...).
struct FreudensteinRoth;
impl Objective for FreudensteinRoth {
    fn eval<S: Scalar>(&self, x: &[S]) -> S {
        let f1 = x[0] - 13.0 + ((-x[1] + 5.0) * x[1] - 2.0) * x[1];
        let f2 = x[0] - 29.0 + ((x[1] + 1.0) * x[1] - 14.0) * x[1];
        f1 * f1 + f2 * f2
    }
}

/// MGH 4, Brown badly scaled (n = 2): minimum 0 at (1e6, 2e-6).
struct BrownBadlyScaled;
impl Objective for BrownBadlyScaled {
    fn eval<S: Scalar>(&self, x: &[S]) -> S {
        let f1 = x[0] - 1e6;
        let f2 = x[1] - 2e-6;
        let f3 = x[0] * x[1] - 2.0;
        f1 * f1 + f2 * f2 + f3 * f3
    }
}

/// `0.5 x^T A x + b^T x` for a fixed symmetric `A`.
struct Quadratic {
    a: DMatrix<f64>,
    b: DVector<f64>,
}
impl Objective for Quadratic {
    fn eval<S: Scalar>(&self, x: &[S]) -> S {
        let n = x.len();
        let mut f = S::zero();
        for i in 0..n {
            f += x[i] * self.b[i];
            for j in 0..n {
                f += x[i] * x[j] * (0.5 * self.a[(i, j)]);
            }
        }
        f
    }
}

fn alternating(n: usize) -> Vec<f64> {
    (0..n)
        .map(|i| if i % 2 == 0 { -1.2 } else { 1.0 })
        .collect()
}

fn minimize<O: Objective>(name: &str, f: &O, x0: &[f64]) -> Minimum {
    let m = hyperhess::minimize_newton(f, x0, &MinimizeOptions::default())
        .unwrap_or_else(|e| panic!("{name}: {e}"));
    eprintln!(
        "{name}: {} iterations ({} shifted), {} f evaluations, f = {:e}, |g| = {:e}",
        m.iterations,
        m.shifted_steps,
        m.function_evaluations,
        m.value,
        m.gradient.norm()
    );
    // The default stopping test is relative: |g| <= 1e-8 max(1, |f|).
    assert!(
        m.gradient.norm() <= 1e-8 * m.value.abs().max(1.0),
        "{name}: |g| = {}",
        m.gradient.norm()
    );
    m
}

fn assert_near(name: &str, x: &DVector<f64>, expected: &[f64], tol: f64) {
    for (i, (&xi, &ei)) in x.iter().zip(expected).enumerate() {
        assert!(
            (xi - ei).abs() <= tol * ei.abs().max(1.0),
            "{name}: x[{i}] = {xi}, expected {ei}"
        );
    }
}

#[test]
fn extended_rosenbrock_under_40_iterations() {
    // testfns::rosenbrock at n = 2 is MGH's extended Rosenbrock with one pair.
    let m = minimize("testfns::rosenbrock n=2", &Chained, &[-1.2, 1.0]);
    assert!(m.iterations < 40, "{} iterations", m.iterations);
    assert_near("testfns::rosenbrock n=2", &m.x, &[1.0, 1.0], 1e-8);
    assert!(m.value < 1e-20);
    for n in [2, 4, 10, 100] {
        let name = format!("MGH 21 extended Rosenbrock n={n}");
        let m = minimize(&name, &ExtendedRosenbrock, &alternating(n));
        assert!(m.iterations < 40, "{name}: {} iterations", m.iterations);
        assert_near(&name, &m.x, &vec![1.0; n], 1e-8);
    }
}

#[test]
fn chained_rosenbrock_from_alternating_start() {
    // testfns::rosenbrock is the *chained* variant. For n = 3 and 4 the alternating
    // start leads to the global minimum at (1, ..., 1) in under 40 steps.
    for n in [3, 4] {
        let name = format!("testfns::rosenbrock n={n}");
        let m = minimize(&name, &Chained, &alternating(n));
        assert!(m.iterations < 40, "{name}: {} iterations", m.iterations);
        assert_near(&name, &m.x, &vec![1.0; n], 1e-8);
    }
    // For larger n the chained function also has a local minimum near
    // (-1, 1, ..., 1) with f ≈ 3.9866, and from the alternating start damped Newton
    // ends there (as does argmin's trust-region method): a stationary point with a
    // positive definite Hessian, not the global minimum.
    for (n, max_iterations) in [(10, 40), (100, 200)] {
        let name = format!("testfns::rosenbrock n={n}");
        let m = minimize(&name, &Chained, &alternating(n));
        assert!(
            m.iterations < max_iterations,
            "{name}: {} iterations",
            m.iterations
        );
        let h = hyperhess::hessian(|x| Chained.eval(x), m.x.as_slice()).unwrap();
        assert!(h.cholesky().is_some(), "{name}: not a local minimum");
        assert!((m.value - 3.9866).abs() < 1e-3, "{name}: f = {}", m.value);
        assert!((m.x[0] + 0.99).abs() < 0.02, "{name}: x[0] = {}", m.x[0]);
    }
}

#[test]
fn powell_singular() {
    let m = minimize(
        "MGH 13 Powell singular",
        &PowellSingular,
        &[3.0, -1.0, 0.0, 1.0],
    );
    assert!(m.value < 1e-12);
    // The Hessian is singular at the minimum: convergence is linear, to about |g|^(1/3).
    assert_near("MGH 13 Powell singular", &m.x, &[0.0; 4], 1e-3);
}

#[test]
fn beale() {
    let m = minimize("MGH 5 Beale", &Beale, &[1.0, 1.0]);
    assert_near("MGH 5 Beale", &m.x, &[3.0, 0.5], 1e-8);
    assert!(m.value < 1e-16);
}

#[test]
fn helical_valley() {
    let m = minimize("MGH 7 helical valley", &HelicalValley, &[-1.0, 0.0, 0.0]);
    assert_near("MGH 7 helical valley", &m.x, &[1.0, 0.0, 0.0], 1e-8);
    assert!(m.value < 1e-20);
}

#[test]
fn wood() {
    let m = minimize("MGH 14 Wood", &Wood, &[-3.0, -1.0, -3.0, -1.0]);
    assert_near("MGH 14 Wood", &m.x, &[1.0; 4], 1e-8);
    assert!(m.value < 1e-20);
}

#[test]
fn freudenstein_roth() {
    let m = minimize("MGH 2 Freudenstein-Roth", &FreudensteinRoth, &[0.5, -2.0]);
    // MGH list two minima; which one a method finds depends on its steps.
    let global = (m.x[0] - 5.0).abs() < 1e-6 && (m.x[1] - 4.0).abs() < 1e-6;
    let local = (m.value - 48.98425367924).abs() < 1e-8
        && (m.x[0] - 11.4128).abs() < 1e-3
        && (m.x[1] + 0.896805).abs() < 1e-5;
    eprintln!("  -> x = {:?}, f = {}", m.x.as_slice(), m.value);
    assert!(global || local, "x = {:?}, f = {}", m.x.as_slice(), m.value);
}

#[test]
fn brown_badly_scaled() {
    let m = minimize("MGH 4 Brown badly scaled", &BrownBadlyScaled, &[1.0, 1.0]);
    assert_near("MGH 4 Brown badly scaled", &m.x, &[1e6, 2e-6], 1e-10);
}

#[test]
fn nonconvex_point_gives_positive_tau_and_descent() {
    // Rosenbrock at (0, 1): H_00 = 1200·0 - 400·1 + 2 = -398 < 0.
    let s = hyperhess::newton_step(&Chained, &[0.0, 1.0], &NewtonOptions::default()).unwrap();
    assert!(s.tau > 0.0, "tau = {}", s.tau);
    assert!(!s.positive_definite);
    assert!(
        s.hessian.clone().cholesky().is_none(),
        "H itself is indefinite"
    );
    let slope = s.gradient.dot(&s.step);
    assert!(slope < 0.0, "g·p = {slope}");
    // p solves the shifted system.
    let shifted = &s.hessian + DMatrix::identity(2, 2) * s.tau;
    let residual = (&shifted * &s.step + &s.gradient).norm();
    assert!(residual <= 1e-10 * s.gradient.norm(), "residual {residual}");
    // Algorithm 3.3 starts at tau_0 = -min diag + beta = 398.001 and only grows.
    assert!(s.tau >= 398.001);
}

#[test]
fn positive_definite_point_gives_tau_exactly_zero() {
    let s = hyperhess::newton_step(&Chained, &[-1.2, 1.0], &NewtonOptions::default()).unwrap();
    assert_eq!(s.tau, 0.0);
    assert!(s.positive_definite);
    let exact = s.hessian.clone().lu().solve(&(-&s.gradient)).unwrap();
    assert!((&s.step - exact).norm() <= 1e-12 * s.step.norm());
    // Same at the minimum (g = 0 gives p = 0).
    let s = hyperhess::newton_step(&Chained, &[1.0, 1.0], &NewtonOptions::default()).unwrap();
    assert_eq!((s.tau, s.step.norm(), s.value), (0.0, 0.0, 0.0));
}

#[test]
fn shift_sequence_is_algorithm_3_3() {
    // min diag > 0 but indefinite (eigenvalues 3 and -1): tau = 0, 1e-3, 2e-3, ...,
    // 1.024e0, the first of the doubling sequence above 1.
    let q = Quadratic {
        a: dmatrix![1.0, 2.0; 2.0, 1.0],
        b: DVector::from_vec(vec![1.0, 0.0]),
    };
    let s = hyperhess::newton_step(&q, &[0.0, 0.0], &NewtonOptions::default()).unwrap();
    assert_eq!(s.tau, 1e-3 * 1024.0);
    assert!(s.gradient.dot(&s.step) < 0.0);
    // min diag <= 0: tau_0 = -min diag + beta, accepted at once.
    let q = Quadratic {
        a: dmatrix![-1.0, 0.0; 0.0, 2.0],
        b: DVector::from_vec(vec![1.0, 1.0]),
    };
    let s = hyperhess::newton_step(&q, &[0.0, 0.0], &NewtonOptions::default()).unwrap();
    assert_eq!(s.tau, 1.0 + 1e-3);
    let shifted = &q.a + DMatrix::identity(2, 2) * s.tau;
    assert!((&shifted * &s.step + &s.gradient).norm() < 1e-9);
    // With beta = 0.5: 1.5.
    let opts = NewtonOptions {
        beta: 0.5,
        ..NewtonOptions::default()
    };
    assert_eq!(
        hyperhess::newton_step(&q, &[0.0, 0.0], &opts).unwrap().tau,
        1.5
    );
}

#[test]
fn bounded_tries_give_a_typed_error() {
    let q = Quadratic {
        a: dmatrix![1.0, 2.0; 2.0, 1.0],
        b: DVector::from_vec(vec![1.0, 0.0]),
    };
    let opts = NewtonOptions {
        max_shift_tries: 3,
        ..NewtonOptions::default()
    };
    let err = hyperhess::newton_step(&q, &[0.0, 0.0], &opts).unwrap_err();
    assert_eq!(err, Error::NotPositiveDefinite { tau: 2e-3 });
    let opts = NewtonOptions {
        max_shift_tries: 0,
        ..NewtonOptions::default()
    };
    assert!(matches!(
        hyperhess::newton_step(&q, &[0.0, 0.0], &opts),
        Err(Error::NotPositiveDefinite { .. })
    ));
}

#[test]
fn newton_step_errors_are_typed() {
    let o = NewtonOptions::default();
    assert_eq!(
        hyperhess::newton_step(&Chained, &[], &o).unwrap_err(),
        Error::EmptyInput
    );
    assert!(matches!(
        hyperhess::newton_step(&Chained, &[f64::NAN, 1.0], &o),
        Err(Error::NonFiniteInput { index: 0, .. })
    ));
}

/// `|x|`: a constant-magnitude gradient that never vanishes near 0.
struct Abs;
impl Objective for Abs {
    fn eval<S: Scalar>(&self, x: &[S]) -> S {
        x[0].abs()
    }
}

/// `x² + 10 [x < 1]`: a jump the full Newton step crosses.
struct Jump;
impl Objective for Jump {
    fn eval<S: Scalar>(&self, x: &[S]) -> S {
        let jump = if x[0].value() < 1.0 { 10.0 } else { 0.0 };
        x[0] * x[0] + jump
    }
}

#[test]
fn minimizer_failures_are_typed_and_carry_the_iterate() {
    let opts = MinimizeOptions {
        max_iterations: 5,
        ..MinimizeOptions::default()
    };
    match hyperhess::minimize_newton(&Abs, &[1.0], &opts) {
        Err(Error::NotConverged {
            iterations: 5,
            gradient_norm,
            point,
            ..
        }) => {
            assert_eq!(gradient_norm, 1.0);
            assert_eq!(point.len(), 1);
        }
        other => panic!("{other:?}"),
    }
    let opts = MinimizeOptions {
        max_backtracks: 0,
        ..MinimizeOptions::default()
    };
    match hyperhess::minimize_newton(&Jump, &[1.5], &opts) {
        Err(Error::LineSearchFailed {
            iteration: 0,
            value,
            point,
            ..
        }) => {
            assert_eq!((value, point), (2.25, vec![1.5]));
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn armijo_condition_holds_on_every_step() {
    // Replay the minimizer by hand on Wood and check sufficient decrease per step.
    let opts = MinimizeOptions::default();
    let mut x = DVector::from_vec(vec![-3.0, -1.0, -3.0, -1.0]);
    for _ in 0..100 {
        let s = hyperhess::newton_step(&Wood, x.as_slice(), &opts.newton).unwrap();
        if s.gradient.norm() <= opts.gradient_tolerance {
            return;
        }
        let slope = s.gradient.dot(&s.step);
        assert!(slope < 0.0);
        let mut alpha = 1.0;
        while Wood.eval((&x + &s.step * alpha).as_slice()) > s.value + opts.c1 * alpha * slope {
            alpha *= opts.backtrack;
        }
        x += &s.step * alpha;
    }
    panic!("did not converge");
}
