//! The sparse and matrix-free Newton engines against the dense one: the same
//! steps and shifts at small `n` (to bounds derived from the factorizations'
//! backward error), the same minimizers, the automatic choice, the memory
//! limit. Full-size runs: `examples/newton_at_scale.rs`.

use hyperhess::testfns::{ConvexChain, DoubleWells, GridEnergy};
use hyperhess::{
    Error, MinimizeOptions, NewtonMethod, NewtonOptions, NewtonStep, Objective, Stopping,
};
use nalgebra::{DMatrix, DVector};

fn with(method: NewtonMethod) -> NewtonOptions {
    NewtonOptions {
        method,
        ..NewtonOptions::default()
    }
}

/// A deterministic point with entries in `[-a, a]`.
fn wavy(n: usize, a: f64) -> Vec<f64> {
    (0..n).map(|i| a * (0.37 * i as f64 + 0.2).sin()).collect()
}

/// The 2-norm condition number of a symmetric positive definite matrix.
fn condition(h: &DMatrix<f64>) -> f64 {
    let e = h.clone().symmetric_eigen().eigenvalues;
    let (lo, hi) = (e.min(), e.max());
    assert!(lo > 0.0, "not positive definite: {lo}");
    hi / lo
}

/// Both steps solve `(H + tau I) p = -g` with a Cholesky factorization (in other
/// orders): each has relative error at most `kappa * c_n * eps` with `c_n = 4n`
/// (Higham, *Accuracy and Stability*, Thm 10.4 and (7.2): backward error
/// `gamma_{3n+1}`), and the Hessians themselves agree to a few ulps (compressed
/// products vs. columns), inside the same bound. Two such solutions differ by at
/// most twice that.
fn assert_same_step(dense: &NewtonStep, sparse: &NewtonStep) {
    let n = dense.gradient.len();
    let h = sparse.sparse_hessian.as_ref().expect("a sparse step");
    let h_dense = DMatrix::from(h);
    let eps = f64::EPSILON;
    for j in 0..n {
        for i in 0..n {
            let (a, b) = (dense.hessian[(i, j)], h_dense[(i, j)]);
            assert!(
                (a - b).abs() <= 4.0 * eps * a.abs().max(1.0),
                "H[{i},{j}] {a} {b}"
            );
        }
    }
    assert!((dense.value - sparse.value).abs() <= 4.0 * eps * dense.value.abs());
    let g_scale = dense.gradient.amax().max(1.0);
    assert!((&dense.gradient - &sparse.gradient).amax() <= 4.0 * eps * g_scale);
    // Algorithm 3.3 from the same diagonal: the same shifts tried, to rounding.
    assert!(
        (dense.tau - sparse.tau).abs() <= 4.0 * eps * dense.tau,
        "tau {} vs {}",
        dense.tau,
        sparse.tau
    );
    let shifted = &dense.hessian + DMatrix::identity(n, n) * dense.tau;
    let bound = 2.0 * condition(&shifted) * 4.0 * n as f64 * eps;
    let err = (&dense.step - &sparse.step).norm() / dense.step.norm();
    assert!(err <= bound, "relative step difference {err:e} > {bound:e}");
}

fn both_steps<O: Objective>(f: &O, x: &[f64]) -> NewtonStep {
    let d = hyperhess::newton_step(f, x, &with(NewtonMethod::Dense)).unwrap();
    let s = hyperhess::newton_step(f, x, &with(NewtonMethod::Sparse)).unwrap();
    assert_eq!(
        (d.method, s.method),
        (NewtonMethod::Dense, NewtonMethod::Sparse)
    );
    assert_eq!(s.hessian.shape(), (0, 0));
    assert_same_step(&d, &s);
    s
}

#[test]
fn sparse_steps_agree_with_dense_on_convex_and_indefinite_hessians() {
    let n = 60;
    let s = both_steps(&ConvexChain, &wavy(n, 1.0));
    assert_eq!((s.tau, s.work.factorizations), (0.0, 1));
    assert!(s.positive_definite);
    // 3 x² - 1 + 2c < 0 somewhere: a shift, reported, and a descent step.
    let s = both_steps(&DoubleWells { c: 0.1 }, &wavy(n, 0.3));
    assert!(s.tau > 0.0 && !s.positive_definite, "tau {}", s.tau);
    assert!(s.work.factorizations >= 2);
    assert!(s.gradient.dot(&s.step) < 0.0);
    let grid = GridEnergy { m: 8 };
    let x = wavy(64, 0.5);
    both_steps(&grid, &x);
}

/// Dense and sparse minimizers stop where `|g| <= tol max(1, |f|)`; with the
/// smallest eigenvalue `lambda` of the Hessian at the minimum, each iterate is
/// within `|g| / lambda` (to first order) of it, so the two within the sum.
fn assert_same_minimum<O: Objective>(f: &O, x0: &[f64]) -> (hyperhess::Minimum, usize) {
    let dense = MinimizeOptions {
        newton: with(NewtonMethod::Dense),
        ..MinimizeOptions::default()
    };
    let sparse = MinimizeOptions {
        newton: with(NewtonMethod::Sparse),
        ..MinimizeOptions::default()
    };
    let d = hyperhess::minimize_newton(f, x0, &dense).unwrap();
    let s = hyperhess::minimize_newton(f, x0, &sparse).unwrap();
    assert_eq!(
        (d.method, s.method),
        (NewtonMethod::Dense, NewtonMethod::Sparse)
    );
    let h = hyperhess::hessian(|x| f.eval(x), s.x.as_slice()).unwrap();
    let lambda = h.symmetric_eigen().eigenvalues.min();
    assert!(lambda > 0.0, "not a strict minimum: {lambda}");
    let bound = 2.0 * (d.gradient.norm() + s.gradient.norm()) / lambda + 1e-15;
    let gap = (&d.x - &s.x).norm();
    assert!(gap <= bound, "|x_dense - x_sparse| = {gap:e} > {bound:e}");
    assert_eq!(d.iterations, s.iterations);
    (s, d.iterations)
}

#[test]
fn minimize_converges_on_a_convex_chain() {
    let (m, _) = assert_same_minimum(&ConvexChain, &vec![0.0; 200]);
    assert!(m.iterations <= 10, "{} iterations", m.iterations);
    assert_eq!(m.shifted_steps, 0);
    assert!(m.work.factor_entries > 0);
    // Auto at n = 2000: sparse, the symbolic analysis once.
    let m = hyperhess::minimize_newton(&ConvexChain, &vec![0.0; 2000], &MinimizeOptions::default())
        .unwrap();
    assert_eq!(m.method, NewtonMethod::Sparse);
    assert!(m.gradient.norm() <= 1e-8 * m.value.abs().max(1.0));
}

#[test]
fn minimize_converges_on_a_grid() {
    let (m, _) = assert_same_minimum(&GridEnergy { m: 12 }, &vec![0.0; 144]);
    assert!(m.iterations <= 10, "{} iterations", m.iterations);
    let grid = GridEnergy { m: 40 };
    let m =
        hyperhess::minimize_newton(&grid, &vec![0.0; 1600], &MinimizeOptions::default()).unwrap();
    assert_eq!(m.method, NewtonMethod::Sparse);
}

#[test]
fn minimize_converges_on_nonconvex_double_wells_with_shifts() {
    let f = DoubleWells { c: 0.1 };
    let (m, _) = assert_same_minimum(&f, &wavy(100, 0.3));
    assert!(m.shifted_steps > 0, "started at an indefinite Hessian");
    // Every coordinate in a well (|x| near 1), none left near the hump.
    assert!(m.x.iter().all(|v| v.abs() > 0.8), "{}", m.x);
}

#[test]
fn truncated_cg_minimizes_without_a_hessian() {
    let opts = MinimizeOptions {
        newton: with(NewtonMethod::TruncatedCg),
        ..MinimizeOptions::default()
    };
    let x0 = vec![0.0; 300];
    let cg = hyperhess::minimize_newton(&ConvexChain, &x0, &opts).unwrap();
    assert_eq!(cg.method, NewtonMethod::TruncatedCg);
    assert!(cg.work.hvps > 0 && cg.work.factorizations == 0);
    assert_eq!(cg.work.hvps, cg.work.cg_iterations);
    let sparse =
        hyperhess::minimize_newton(&ConvexChain, &x0, &MinimizeOptions::default()).unwrap();
    // Both within |g|/lambda of the minimizer (lambda >= 2 - 2 cos(pi/(n+1)) > 0
    // for this Hessian, bounded below by the Laplacian's).
    let lambda = 2.0 - 2.0 * (std::f64::consts::PI / 301.0).cos();
    let bound = (cg.gradient.norm() + sparse.gradient.norm()) / lambda;
    assert!((&cg.x - &sparse.x).norm() <= bound);
    // Nonconvex: negative curvature met, still converges.
    let wells =
        hyperhess::minimize_newton(&DoubleWells { c: 0.1 }, &wavy(100, 0.3), &opts).unwrap();
    assert!(wells.shifted_steps > 0);
    assert!(wells.x.iter().all(|v| v.abs() > 0.8));
}

#[test]
fn cg_steps_report_their_work_and_descend() {
    let x = wavy(50, 0.3);
    let s = hyperhess::newton_step(
        &DoubleWells { c: 0.1 },
        &x,
        &with(NewtonMethod::TruncatedCg),
    )
    .unwrap();
    assert!(s.gradient.dot(&s.step) < 0.0);
    assert!(!s.positive_definite && s.tau == 0.0);
    assert!(s.work.hvps >= 1 && s.work.hvps <= 50);
    let limited = NewtonOptions {
        max_cg_iterations: Some(3),
        ..with(NewtonMethod::TruncatedCg)
    };
    let s = hyperhess::newton_step(&ConvexChain, &vec![0.0; 50], &limited).unwrap();
    assert_eq!(s.work.cg_iterations, 3);
}

#[test]
fn a_factor_past_the_memory_limit_is_an_error_or_goes_matrix_free() {
    let x = vec![0.0; 1000];
    let tight = NewtonOptions {
        memory_limit: 10_000,
        ..with(NewtonMethod::Sparse)
    };
    match hyperhess::newton_step(&ConvexChain, &x, &tight) {
        Err(Error::OutOfMemory { bytes }) => assert!(bytes > 10_000),
        other => panic!("{other:?}"),
    }
    let auto = NewtonOptions {
        memory_limit: 10_000,
        ..NewtonOptions::default()
    };
    let s = hyperhess::newton_step(&ConvexChain, &x, &auto).unwrap();
    assert_eq!(s.method, NewtonMethod::TruncatedCg);
}

#[test]
fn auto_keeps_small_problems_dense_and_bad_input_is_typed() {
    let s = hyperhess::newton_step(&ConvexChain, &[0.5; 10], &NewtonOptions::default()).unwrap();
    assert_eq!(s.method, NewtonMethod::Dense);
    assert!(s.sparse_hessian.is_none());
    for method in [NewtonMethod::Sparse, NewtonMethod::TruncatedCg] {
        let err = hyperhess::newton_step(&ConvexChain, &[], &with(method)).unwrap_err();
        assert_eq!(err, Error::EmptyInput);
        let err = hyperhess::newton_step(&ConvexChain, &[1.0, f64::NAN], &with(method));
        assert!(matches!(err, Err(Error::NonFiniteInput { index: 1, .. })));
    }
}

#[test]
fn relative_stopping_scales_with_the_objective() {
    // f scaled by 1e6: the relative test stops at the same iterate, the absolute
    // one needs |g| 1e6 times smaller relative to f.
    struct Scaled(f64);
    impl Objective for Scaled {
        fn eval<S: hyperhess::Scalar>(&self, x: &[S]) -> S {
            ConvexChain.eval(x) * self.0
        }
    }
    let x0 = vec![0.0; 20];
    let one = hyperhess::minimize_newton(&Scaled(1.0), &x0, &MinimizeOptions::default()).unwrap();
    let big = hyperhess::minimize_newton(&Scaled(1e6), &x0, &MinimizeOptions::default()).unwrap();
    assert_eq!(one.iterations, big.iterations);
    let absolute = MinimizeOptions {
        stopping: Stopping::Absolute,
        ..MinimizeOptions::default()
    };
    let abs = hyperhess::minimize_newton(&Scaled(1e6), &x0, &absolute).unwrap();
    assert!(abs.gradient.norm() <= 1e-8);
    assert!(abs.iterations >= big.iterations);
    let _ = DVector::<f64>::zeros(1);
}

/// Lennard-Jones, `Σ_{i<j} 4 (r⁻¹² - r⁻⁶)` over 13 atoms (`x.len() = 39`).
struct LennardJones13;
impl Objective for LennardJones13 {
    fn eval<S: hyperhess::Scalar>(&self, x: &[S]) -> S {
        let mut e = S::zero();
        for i in 0..13 {
            for j in i + 1..13 {
                let r2 = (0..3)
                    .map(|k| (x[3 * i + k] - x[3 * j + k]).powi(2))
                    .fold(S::zero(), |a, b| a + b);
                let inv6 = r2.powi(-3);
                e += (inv6 * inv6 - inv6) * 4.0;
            }
        }
        e
    }
}

#[test]
fn the_lennard_jones_cluster_stops_at_the_relative_tolerance() {
    // Issue 19: an icosahedron (centre and 12 vertices (0, ±1, ±φ) cyclically),
    // scaled a little off the minimum. f ≈ -44.33 at the minimum, so the relative
    // test stops at |g| <= 4.4e-7, which rounding in f allows.
    let phi = (1.0 + 5f64.sqrt()) / 2.0;
    let mut x0 = vec![0.0; 3];
    for (a, b) in [(1.0, phi), (1.0, -phi), (-1.0, phi), (-1.0, -phi)] {
        for k in 0..3 {
            let mut v = [0.0; 3];
            v[(k + 1) % 3] = a;
            v[(k + 2) % 3] = b;
            x0.extend(v.iter().map(|c| c * 0.6));
        }
    }
    let m = hyperhess::minimize_newton(&LennardJones13, &x0, &MinimizeOptions::default()).unwrap();
    assert!((m.value + 44.326801).abs() < 1e-5, "f = {}", m.value);
    assert!(m.iterations <= 20, "{} iterations", m.iterations);
    assert!(m.gradient.norm() <= 1e-8 * m.value.abs());
}
