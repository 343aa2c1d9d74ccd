//! The constrained-problem layer: `LagrangianPlan`'s Hessian of the Lagrangian and
//! constraint Jacobian against hand-derived values, finite differences of exact
//! gradients (the derived bound of tests/common), the scalar Lagrangian's
//! `sparse_hessian`, and (tests/nlp_reference.rs) CasADi.

mod common;
mod nlp_problems;

use common::{central_many, central_matrix, snap};
use hyperhess::{Error, LagrangianPlan, Nlp, Scalar};
use nalgebra::DMatrix;
use nlp_problems::{DenseRow, Hs071, LinearObjective, LuksanVlcek, lagrangian};

/// The lower triangle as a dense symmetric matrix.
fn symmetric(h: &nalgebra_sparse::CscMatrix<f64>) -> DMatrix<f64> {
    let mut d = DMatrix::zeros(h.nrows(), h.ncols());
    for (i, j, &v) in h.triplet_iter() {
        assert!(i >= j, "an upper entry ({i}, {j})");
        d[(i, j)] = v;
        d[(j, i)] = v;
    }
    d
}

fn point(n: usize, p: usize) -> Vec<f64> {
    (0..n)
        .map(|i| snap(0.5 + 0.3 * (1.7 * i as f64 + 2.3 * p as f64 + 0.4).sin()))
        .collect()
}

fn multipliers(m: usize, p: usize) -> Vec<f64> {
    (0..m)
        .map(|k| 0.3 + 0.2 * (0.9 * k as f64 + p as f64).cos())
        .collect()
}

#[test]
fn hs071_hand_derived() {
    let x = [1.0, 5.0, 5.0, 1.0];
    let (sigma, lambda) = (2.0, [3.0, -1.0]);
    let plan = LagrangianPlan::new(&Hs071, &x).unwrap();
    let h = symmetric(&plan.hessian(&Hs071, &x, sigma, &lambda).unwrap());
    let [x0, x1, x2, x3] = x;
    let f = nalgebra::dmatrix![
        2.0 * x3, x3, x3, 2.0 * x0 + x1 + x2;
        x3, 0.0, 0.0, x0;
        x3, 0.0, 0.0, x0;
        2.0 * x0 + x1 + x2, x0, x0, 0.0
    ];
    let g0 = nalgebra::dmatrix![
        0.0, x2 * x3, x1 * x3, x1 * x2;
        x2 * x3, 0.0, x0 * x3, x0 * x2;
        x1 * x3, x0 * x3, 0.0, x0 * x1;
        x1 * x2, x0 * x2, x0 * x1, 0.0
    ];
    let g1 = DMatrix::<f64>::identity(4, 4) * 2.0;
    assert_eq!(h, f * sigma + g0 * lambda[0] + g1 * lambda[1]);
    assert_eq!(plan.hessian_nnz(), 10); // the whole lower triangle
    let j = DMatrix::from(&plan.jacobian(&Hs071, &x).unwrap());
    let expected = nalgebra::dmatrix![
        x1 * x2 * x3, x0 * x2 * x3, x0 * x1 * x3, x0 * x1 * x2;
        2.0 * x0, 2.0 * x1, 2.0 * x2, 2.0 * x3
    ];
    assert_eq!(j, expected);
}

/// Every problem at three points: the plan's Hessian against `sparse_hessian` of
/// the Lagrangian written as one scalar function, and its Jacobian against the
/// dense `jacobian` of the constraints. Same products summed in another order:
/// within `16 eps` of the largest entry (times the outputs meeting at an entry).
fn agrees_with_scalar_drivers<P: Nlp>(nlp: &P, n: usize) {
    let m = nlp.num_constraints();
    let plan = LagrangianPlan::new(nlp, &point(n, 0)).unwrap();
    let structure = (
        plan.hessian_structure().0.to_vec(),
        plan.jacobian_structure().0.to_vec(),
    );
    for p in 0..3 {
        let x = point(n, p);
        let (sigma, lambda) = ([1.0, 0.7, 0.0][p], multipliers(m, p));
        let h = plan.hessian(nlp, &x, sigma, &lambda).unwrap();
        let reference =
            hyperhess::sparse_hessian(|y| lagrangian(nlp, y, sigma, &lambda), &x).unwrap();
        let (h, reference) = (symmetric(&h), DMatrix::from(&reference));
        let tol = 16.0 * f64::EPSILON * (m + 1) as f64 * reference.amax().max(1.0);
        assert!(
            (&h - &reference).amax() <= tol,
            "point {p}: {h} vs {reference}"
        );
        let j = DMatrix::from(&plan.jacobian(nlp, &x).unwrap());
        let dense = hyperhess::jacobian(
            |y| {
                let mut g = vec![hyperhess::Var::from_f64(0.0); m];
                nlp.constraints(y, &mut g);
                g
            },
            &x,
        )
        .unwrap();
        let tol = 16.0 * f64::EPSILON * n as f64 * dense.amax().max(1.0);
        assert!((&j - &dense).amax() <= tol, "point {p}");
        // The structures are the plan's at every point.
        let again = plan.hessian(nlp, &x, sigma, &lambda).unwrap();
        assert_eq!(again.row_indices(), &structure.0[..]);
        assert_eq!(plan.jacobian_structure().0, &structure.1[..]);
    }
}

#[test]
fn every_problem_agrees_with_the_scalar_drivers() {
    agrees_with_scalar_drivers(&Hs071, 4);
    agrees_with_scalar_drivers(&LuksanVlcek(10), 10);
    agrees_with_scalar_drivers(&LuksanVlcek(101), 101);
    agrees_with_scalar_drivers(&DenseRow, 6);
    agrees_with_scalar_drivers(&LinearObjective, 3);
}

/// Hessian columns against central differences of the Lagrangian's exact gradient,
/// Jacobian columns against central differences of the constraints.
fn agrees_with_finite_differences<P: Nlp>(nlp: &P, n: usize) {
    let m = nlp.num_constraints();
    let x = point(n, 1);
    let (sigma, lambda) = (0.7, multipliers(m, 1));
    let plan = LagrangianPlan::new(nlp, &x).unwrap();
    let h = symmetric(&plan.hessian(nlp, &x, sigma, &lambda).unwrap());
    let j = DMatrix::from(&plan.jacobian(nlp, &x).unwrap());
    for c in 0..n {
        let moved = |t: f64| {
            let mut y = x.clone();
            y[c] = t;
            y
        };
        let grad = |t: f64| {
            let y = moved(t);
            hyperhess::gradient(|v| lagrangian(nlp, v, sigma, &lambda), &y)
                .unwrap()
                .as_slice()
                .to_vec()
        };
        for (i, fd) in central_matrix(grad, x[c]).iter().enumerate() {
            assert!(
                fd.accepts(h[(i, c)]),
                "H({i}, {c}) = {} vs {fd:?}",
                h[(i, c)]
            );
        }
        let cons = |t: f64| {
            let mut g = vec![0.0; m];
            nlp.constraints(&moved(t), &mut g);
            g
        };
        for (k, fd) in central_many(cons, x[c]).iter().enumerate() {
            assert!(
                fd.accepts(j[(k, c)]),
                "J({k}, {c}) = {} vs {fd:?}",
                j[(k, c)]
            );
        }
    }
}

#[test]
fn every_problem_agrees_with_finite_differences() {
    agrees_with_finite_differences(&Hs071, 4);
    agrees_with_finite_differences(&LuksanVlcek(12), 12);
    agrees_with_finite_differences(&DenseRow, 6);
    agrees_with_finite_differences(&LinearObjective, 3);
}

#[test]
fn one_recording_serves_every_value_bit_for_bit() {
    let nlp = LuksanVlcek(30);
    let x = point(30, 2);
    let (sigma, lambda) = (1.3, multipliers(28, 2));
    let plan = LagrangianPlan::new(&nlp, &nlp.start()).unwrap();
    let mut v = plan.values();
    plan.evaluate(&nlp, &x, sigma, &lambda, &mut v).unwrap();
    let mut h = vec![0.0; plan.hessian_nnz()];
    plan.hessian_values(&nlp, &x, sigma, &lambda, &mut h)
        .unwrap();
    let mut j = vec![0.0; plan.jacobian_nnz()];
    plan.jacobian_values(&nlp, &x, &mut j).unwrap();
    let mut g = vec![0.0; 30];
    let f = plan.gradient_values(&nlp, &x, &mut g).unwrap();
    assert_eq!(
        (v.hessian, v.jacobian, v.gradient, v.objective),
        (h, j, g, f)
    );
    let mut c = vec![0.0; 28];
    nlp.constraints(&x, &mut c);
    assert_eq!(v.constraints, c);
    assert_eq!(v.objective, nlp.objective(&x));
}

#[test]
fn sigma_zero_and_a_linear_objective() {
    let x = point(3, 0);
    let plan = LagrangianPlan::new(&LinearObjective, &x).unwrap();
    let lambda = [0.5, -2.0];
    // f is linear: sigma changes nothing; sigma = 0 is feasibility restoration.
    let h0 = plan.hessian(&LinearObjective, &x, 0.0, &lambda).unwrap();
    let h1 = plan.hessian(&LinearObjective, &x, 5.0, &lambda).unwrap();
    assert_eq!(h0, h1);
    // Lower triangle: 2 l0 on the diagonal but -l1 sin(x2) at (2,2), l1 at (1,0).
    let d = symmetric(&h0);
    assert_eq!(d[(0, 0)], 1.0);
    assert_eq!(d[(1, 0)], -2.0);
    assert_eq!(d[(2, 2)], 1.0 + 2.0 * x[2].sin());
    // A linear objective alone (no constraints) has an empty Hessian.
    struct Linear;
    impl Nlp for Linear {
        fn num_constraints(&self) -> usize {
            0
        }
        fn objective<S: Scalar>(&self, x: &[S]) -> S {
            x[0] * 2.0 - x[1]
        }
        fn constraints<S: Scalar>(&self, _: &[S], _: &mut [S]) {}
    }
    let plan = LagrangianPlan::new(&Linear, &[1.0, 2.0]).unwrap();
    assert_eq!((plan.hessian_nnz(), plan.jacobian_nnz()), (0, 0));
    let h = plan.hessian(&Linear, &[3.0, 4.0], 1.0, &[]).unwrap();
    assert_eq!((h.nrows(), h.nnz()), (2, 0));
    let j = plan.jacobian(&Linear, &[3.0, 4.0]).unwrap();
    assert_eq!((j.nrows(), j.ncols()), (0, 2));
    let mut g = [0.0; 2];
    assert_eq!(
        plan.gradient_values(&Linear, &[3.0, 4.0], &mut g).unwrap(),
        2.0
    );
    assert_eq!(g, [2.0, -1.0]);
}

#[test]
fn structures_hold_every_structural_entry_even_at_zeros() {
    let plan = LagrangianPlan::new(&Hs071, &[0.0; 4]).unwrap();
    assert_eq!(plan.hessian_nnz(), 10);
    assert_eq!(plan.jacobian_nnz(), 8);
    let h = plan.hessian(&Hs071, &[0.0; 4], 1.0, &[1.0, 0.0]).unwrap();
    assert_eq!(h.nnz(), 10);
    assert!(h.values().iter().all(|&v| v == 0.0));
}

#[test]
fn large_chained_problem_takes_few_sweeps() {
    let nlp = LuksanVlcek(10_000);
    let plan = LagrangianPlan::new(&nlp, &nlp.start()).unwrap();
    let (hc, jc) = plan.colors();
    // The Lagrangian's Hessian is tridiagonal (g_k couples (x_k, x_{k+1}) and
    // (x_{k+1}, x_{k+2}), never x_k with x_{k+2}): 2 acyclic colors (3 star); the
    // Jacobian's rows hold three consecutive columns: 3 column colors.
    assert_eq!(hc, 2);
    assert_eq!(jc, 3);
    assert_eq!(plan.jacobian_nnz(), 3 * 9_998);
    assert_eq!(plan.hessian_nnz(), 10_000 + 9_999);
}

/// A constraint whose operations depend on a branch.
struct Branchy;
impl Nlp for Branchy {
    fn num_constraints(&self) -> usize {
        2
    }
    fn objective<S: Scalar>(&self, x: &[S]) -> S {
        x[0] * x[0] + x[1] * x[2]
    }
    fn constraints<S: Scalar>(&self, x: &[S], out: &mut [S]) {
        out[0] = if x[0].value() > 0.0 {
            x[0] * x[1]
        } else {
            x[0] * x[2].exp()
        };
        // A branch whose other side is covered: fewer operations.
        out[1] = if x[1].value() > 0.0 {
            x[1] * x[2] + x[0]
        } else {
            x[1] * x[2]
        };
    }
}

#[test]
fn a_branch_outside_the_structure_is_named() {
    let plan = LagrangianPlan::new(&Branchy, &[1.0, 1.0, 1.0]).unwrap();
    // Covered: x1 < 0 drops x0 from constraint 1's row.
    let j = plan.jacobian(&Branchy, &[1.0, -1.0, 1.0]).unwrap();
    assert_eq!(j.nnz(), plan.jacobian_nnz());
    assert_eq!(j.get_entry(1, 0).unwrap().into_value(), 0.0);
    // Not covered: x0 < 0 puts x2 in constraint 0's row, and couples (2, 0), (2, 2).
    let bad = [-1.0, 1.0, 1.0];
    assert_eq!(
        plan.jacobian(&Branchy, &bad).unwrap_err(),
        Error::JacobianPatternChanged { row: 0, col: 2 }
    );
    assert!(matches!(
        plan.hessian(&Branchy, &bad, 1.0, &[1.0, 1.0]).unwrap_err(),
        Error::SparsityPatternChanged { .. }
    ));
    // The gradient needs no structure.
    let mut g = [0.0; 3];
    plan.gradient_values(&Branchy, &bad, &mut g).unwrap();
    assert_eq!(g, [-2.0, 1.0, 1.0]);
}

#[test]
fn bad_input_is_a_typed_error() {
    let x = [1.0, 5.0, 5.0, 1.0];
    let plan = LagrangianPlan::new(&Hs071, &x).unwrap();
    let mut h = vec![0.0; plan.hessian_nnz()];
    let mut j = vec![0.0; plan.jacobian_nnz()];
    let err = |r: Result<(), Error>| r.unwrap_err();
    assert!(matches!(
        err(plan.hessian_values(&Hs071, &x, 1.0, &[1.0], &mut h)),
        Error::LengthMismatch {
            what: "multipliers",
            expected: 2,
            found: 1
        }
    ));
    assert!(matches!(
        err(plan.hessian_values(&Hs071, &x[..3], 1.0, &[1.0, 1.0], &mut h)),
        Error::LengthMismatch {
            what: "point",
            expected: 4,
            found: 3
        }
    ));
    assert!(matches!(
        err(plan.hessian_values(&Hs071, &x, 1.0, &[1.0, 1.0], &mut h[..3])),
        Error::LengthMismatch {
            what: "Hessian output",
            ..
        }
    ));
    assert!(matches!(
        err(plan.jacobian_values(&Hs071, &x, &mut j[1..])),
        Error::LengthMismatch {
            what: "Jacobian output",
            ..
        }
    ));
    assert!(matches!(
        err(plan.hessian_values(&Hs071, &[1.0, f64::NAN, 5.0, 1.0], 1.0, &[1.0, 1.0], &mut h)),
        Error::NonFiniteInput { index: 1, .. }
    ));
    assert!(matches!(
        err(plan.hessian_values(&Hs071, &x, f64::INFINITY, &[1.0, 1.0], &mut h)),
        Error::NonFiniteMultiplier { what: "sigma", .. }
    ));
    assert!(matches!(
        err(plan.hessian_values(&Hs071, &x, 1.0, &[1.0, f64::NAN], &mut h)),
        Error::NonFiniteMultiplier {
            what: "lambda",
            index: 1,
            ..
        }
    ));
    assert!(matches!(
        LagrangianPlan::new(&Hs071, &[]),
        Err(Error::EmptyInput)
    ));
    // Non-finite values: the objective, then a constraint by its index.
    struct Logs;
    impl Nlp for Logs {
        fn num_constraints(&self) -> usize {
            2
        }
        fn objective<S: Scalar>(&self, x: &[S]) -> S {
            x[0].ln()
        }
        fn constraints<S: Scalar>(&self, x: &[S], out: &mut [S]) {
            out[0] = x[0];
            out[1] = x[1].ln();
        }
    }
    assert!(matches!(
        LagrangianPlan::new(&Logs, &[-1.0, 1.0]),
        Err(Error::NonFiniteValue { .. })
    ));
    let plan = LagrangianPlan::new(&Logs, &[1.0, 1.0]).unwrap();
    assert!(matches!(
        plan.jacobian(&Logs, &[1.0, -1.0]),
        Err(Error::NonFiniteOutput { index: 1, .. })
    ));
    // A non-finite Hessian entry is named.
    let mut h = vec![0.0; plan.hessian_nnz()];
    plan.hessian_values(&Logs, &[1.0, 1.0], 1.0, &[0.0, 1.0], &mut h)
        .unwrap();
    assert_eq!(h, [-1.0, -1.0]);
}

/// A prepared problem at new points gives, bit for bit, what the plan's own calls
/// (a fresh recording at each point) give.
fn prepared_matches_plan<P: Nlp + Clone>(nlp: &P, n: usize) {
    let x0: Vec<f64> = (0..n).map(|i| 0.5 + 0.1 * ((i * 7 % 11) as f64)).collect();
    let plan = LagrangianPlan::new(nlp, &x0).unwrap();
    let mut prepared = hyperhess::PreparedNlp::new(nlp.clone(), &x0).unwrap();
    let m = nlp.num_constraints();
    for k in 0..4 {
        let x: Vec<f64> = x0
            .iter()
            .enumerate()
            .map(|(i, v)| v + 0.05 * k as f64 * ((i % 3) as f64 - 1.0))
            .collect();
        let lambda: Vec<f64> = (0..m)
            .map(|j| 0.3 * j as f64 - 0.7 + 0.1 * k as f64)
            .collect();
        let sigma = 1.0 - 0.25 * k as f64;
        let (mut a, mut b) = (plan.values(), plan.values());
        plan.evaluate(nlp, &x, sigma, &lambda, &mut a).unwrap();
        prepared.evaluate(&x, sigma, &lambda, &mut b).unwrap();
        assert_eq!(a, b);
        let (mut ha, mut hb) = (vec![0.0; plan.hessian_nnz()], vec![0.0; plan.hessian_nnz()]);
        plan.hessian_values(nlp, &x, sigma, &lambda, &mut ha)
            .unwrap();
        prepared
            .hessian_values(&x, sigma, &lambda, &mut hb)
            .unwrap();
        assert_eq!(ha, hb);
        let (mut ja, mut jb) = (
            vec![0.0; plan.jacobian_nnz()],
            vec![0.0; plan.jacobian_nnz()],
        );
        plan.jacobian_values(nlp, &x, &mut ja).unwrap();
        prepared.jacobian_values(&x, &mut jb).unwrap();
        assert_eq!(ja, jb);
        let (mut ga, mut gb) = (vec![0.0; n], vec![0.0; n]);
        let fa = plan.gradient_values(nlp, &x, &mut ga).unwrap();
        let fb = prepared.gradient_values(&x, &mut gb).unwrap();
        assert_eq!((fa, ga), (fb, gb));
    }
    assert_eq!(prepared.rerecords(), 0);
}

#[test]
fn a_prepared_problem_is_the_plan_at_every_point() {
    prepared_matches_plan(&Hs071, 4);
    prepared_matches_plan(&LuksanVlcek(10), 10);
    prepared_matches_plan(&LuksanVlcek(301), 301);
}

/// `x0 x1` where `x0 > x1`, `x0 + x1` elsewhere.
#[derive(Clone)]
struct Branch;
impl Nlp for Branch {
    fn num_constraints(&self) -> usize {
        1
    }
    fn objective<S: Scalar>(&self, x: &[S]) -> S {
        if x[0] > x[1] {
            x[0] * x[1]
        } else {
            x[0] + x[1]
        }
    }
    fn constraints<S: Scalar>(&self, x: &[S], out: &mut [S]) {
        out[0] = x[0].max(x[1]) * x[0];
    }
}

#[test]
fn a_prepared_problem_records_again_where_a_guard_flips_and_checks_the_structure() {
    // Made on the product branch: its structures cover the other.
    let mut p = hyperhess::PreparedNlp::new(Branch, &[2.0, 1.0]).unwrap();
    let mut h = vec![0.0; p.plan().hessian_nnz()];
    p.hessian_values(&[3.0, 1.0], 1.0, &[1.0], &mut h).unwrap();
    assert_eq!(p.rerecords(), 0);
    p.hessian_values(&[1.0, 3.0], 1.0, &[1.0], &mut h).unwrap();
    assert_eq!(p.rerecords(), 1);
    let mut want = vec![0.0; h.len()];
    p.plan()
        .hessian_values(&Branch, &[1.0, 3.0], 1.0, &[1.0], &mut want)
        .unwrap();
    assert_eq!(h, want);
    // Made on the linear branch: the product's entry is outside the structure.
    let mut q = hyperhess::PreparedNlp::new(Branch, &[-1.0, 0.0]).unwrap();
    let mut h = vec![0.0; q.plan().hessian_nnz()];
    let mut g = [0.0; 2];
    q.gradient_values(&[2.0, 1.0], &mut g).unwrap(); // no structure needed
    assert_eq!(g, [1.0, 2.0]);
    let err = q
        .hessian_values(&[2.0, 1.0], 1.0, &[1.0], &mut h)
        .unwrap_err();
    assert!(
        matches!(err, Error::SparsityPatternChanged { .. }),
        "{err:?}"
    );
}
