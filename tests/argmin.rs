//! argmin's Newton, NewtonCG and TrustRegion(Steihaug) on the adapters.
#![cfg(feature = "argmin")]

use argmin::core::{CostFunction, Executor, Gradient, Hessian, State, TerminationReason};
use argmin::solver::linesearch::MoreThuenteLineSearch;
use argmin::solver::newton::{Newton, NewtonCG};
use argmin::solver::trustregion::{Steihaug, TrustRegion};
use argmin_math::ArgminDot;
use hyperhess::argmin::{ArgminObjective, HessianOperator, MatrixFree};
use hyperhess::testfns::{LogSumExp, Rosenbrock};
use hyperhess::{Objective, Scalar};
use nalgebra::{DVector, dvector};

/// `logsumexp(A x) + |x|²/2`: smooth and strongly convex, minimum where the
/// gradient vanishes (no closed form).
fn lse(n: usize) -> LogSumExp {
    LogSumExp {
        a: LogSumExp::random(2 * n, n, 3).a,
    }
}

fn alternating(n: usize) -> DVector<f64> {
    DVector::from_fn(n, |i, _| if i % 2 == 0 { -1.2 } else { 1.0 })
}

fn max_error_from_one(x: &DVector<f64>) -> f64 {
    x.iter().map(|v| (v - 1.0).abs()).fold(0.0, f64::max)
}

#[test]
fn adapters_give_exact_derivatives() {
    let x = dvector![0.3, -0.7, 1.1];
    let dense = ArgminObjective::new(Rosenbrock);
    let free = MatrixFree::new(Rosenbrock);
    assert_eq!(
        dense.cost(&x).unwrap(),
        hyperhess::testfns::rosenbrock(x.as_slice())
    );
    assert_eq!(free.cost(&x).unwrap(), dense.cost(&x).unwrap());
    let g = hyperhess::gradient(|x| Rosenbrock.eval(x), x.as_slice()).unwrap();
    assert_eq!(dense.gradient(&x).unwrap(), g);
    assert_eq!(free.gradient(&x).unwrap(), g);
    let h = hyperhess::hessian(|x| Rosenbrock.eval(x), x.as_slice()).unwrap();
    assert_eq!(dense.hessian(&x).unwrap(), h);
    let op: HessianOperator = free.hessian(&x).unwrap();
    let v = dvector![1.0, -2.0, 0.5];
    let hv = op.dot(&v);
    assert!((hv - &h * &v).amax() < 1e-12);
    assert_eq!(op.to_dense().unwrap(), h);
    // A bad direction gives NaN through ArgminDot, a typed error through hvp.
    assert!(op.dot(&dvector![1.0]).iter().all(|v| v.is_nan()));
    assert!(op.hvp(&[1.0]).is_err());
}

#[test]
fn errors_reach_argmin() {
    struct Log;
    impl Objective for Log {
        fn eval<S: Scalar>(&self, x: &[S]) -> S {
            x[0].ln()
        }
    }
    let e = ArgminObjective::new(Log)
        .gradient(&dvector![-1.0])
        .unwrap_err();
    let inner = e.downcast_ref::<hyperhess::Error>().unwrap();
    assert!(matches!(inner, hyperhess::Error::NonFiniteValue { .. }));
    assert!(MatrixFree::new(Log).hessian(&dvector![-1.0]).is_err());
}

#[test]
fn newton_dense_converges_on_rosenbrock() {
    // argmin's Newton takes full steps (no line search) and never computes the
    // cost, so it stops at max_iters; pure Newton finds stationary points (at n = 4
    // from this start it ends at a saddle with f ≈ 3.708).
    for (n, iters) in [(2, 12), (3, 50)] {
        let result = Executor::new(ArgminObjective::new(Rosenbrock), Newton::<f64>::new())
            .configure(|state| state.param(alternating(n)).max_iters(iters))
            .run()
            .unwrap();
        let x = result.state().get_param().unwrap();
        assert!(max_error_from_one(x) < 1e-12, "n = {n}: {x}");
    }
}

#[test]
fn newton_cg_matrix_free_converges() {
    // Strongly convex: NewtonCG reaches a vanishing gradient.
    for n in [5, 30] {
        let f = lse(n);
        let linesearch = MoreThuenteLineSearch::<DVector<f64>, DVector<f64>, f64>::new();
        let result = Executor::new(MatrixFree::new(f), NewtonCG::new(linesearch))
            .configure(|state| state.param(DVector::from_element(n, 1.0)).max_iters(100))
            .run()
            .unwrap();
        let x = result.state().get_best_param().unwrap();
        let g = hyperhess::gradient(|x| lse(n).eval(x), x.as_slice()).unwrap();
        eprintln!(
            "NewtonCG log_sum_exp n={n}: {} iterations, |g| = {:e}, {:?}",
            result.state().get_iter(),
            g.norm(),
            result.state().get_termination_reason()
        );
        assert!(g.norm() < 1e-8, "n = {n}: |g| = {}", g.norm());
    }
}

#[test]
fn newton_cg_matrix_free_matches_dense_on_rosenbrock() {
    // argmin's NewtonCG on Rosenbrock: the matrix-free operator and dense
    // Hessians give the same iterates (up to rounding), and both descend to the
    // valley floor near (1, 1).
    let run_free = |iters| {
        let linesearch = MoreThuenteLineSearch::<DVector<f64>, DVector<f64>, f64>::new();
        Executor::new(MatrixFree::new(Rosenbrock), NewtonCG::new(linesearch))
            .configure(|state| state.param(dvector![-1.2, 1.0]).max_iters(iters))
            .run()
            .unwrap()
    };
    let linesearch = MoreThuenteLineSearch::<DVector<f64>, DVector<f64>, f64>::new();
    let dense = Executor::new(ArgminObjective::new(Rosenbrock), NewtonCG::new(linesearch))
        .configure(|state| state.param(dvector![-1.2, 1.0]).max_iters(100))
        .run()
        .unwrap();
    let free = run_free(100);
    let (xd, xf) = (
        dense.state().get_param().unwrap(),
        free.state().get_param().unwrap(),
    );
    assert!((xd - xf).amax() < 1e-9, "{xd} vs {xf}");
    let cost = free.state().get_best_cost();
    eprintln!("NewtonCG Rosenbrock n=2, 100 iterations: f = {cost:e}, x = {xf}");
    assert!(cost < 1e-4);
    assert!(max_error_from_one(xf) < 2e-2);
}

#[test]
fn trust_region_steihaug_matrix_free_converges_on_rosenbrock() {
    for n in [2, 3, 4] {
        let steihaug = Steihaug::<DVector<f64>, f64>::new().with_max_iters(2 * n as u64);
        let solver = TrustRegion::new(steihaug).with_radius(1.0).unwrap();
        let result = Executor::new(MatrixFree::new(Rosenbrock), solver)
            .configure(|state| {
                state
                    .param(alternating(n))
                    .max_iters(500)
                    .target_cost(1e-24)
            })
            .run()
            .unwrap();
        let state = result.state();
        eprintln!(
            "TrustRegion(Steihaug) matrix-free Rosenbrock n={n}: {} iterations, f = {:e}",
            state.get_iter(),
            state.get_best_cost()
        );
        assert_eq!(
            state.get_termination_reason(),
            Some(&TerminationReason::TargetCostReached)
        );
        assert!(max_error_from_one(state.get_best_param().unwrap()) < 1e-10);
    }
}

#[test]
fn trust_region_steihaug_dense_converges_on_rosenbrock() {
    let steihaug = Steihaug::<DVector<f64>, f64>::new().with_max_iters(4);
    let solver = TrustRegion::new(steihaug).with_radius(1.0).unwrap();
    let result = Executor::new(ArgminObjective::new(Rosenbrock), solver)
        .configure(|state| {
            state
                .param(alternating(2))
                .max_iters(500)
                .target_cost(1e-24)
        })
        .run()
        .unwrap();
    let state = result.state();
    assert_eq!(
        state.get_termination_reason(),
        Some(&TerminationReason::TargetCostReached)
    );
    assert!(max_error_from_one(state.get_best_param().unwrap()) < 1e-10);
}

#[test]
fn trust_region_steihaug_matrix_free_on_a_large_convex_problem() {
    let n = 200;
    let f = lse(n);
    let steihaug = Steihaug::<DVector<f64>, f64>::new().with_max_iters(50);
    let solver = TrustRegion::new(steihaug).with_radius(1.0).unwrap();
    let result = Executor::new(MatrixFree::new(f), solver)
        .configure(|state| state.param(DVector::from_element(n, 1.0)).max_iters(30))
        .run()
        .unwrap();
    let x = result.state().get_best_param().unwrap();
    let g = hyperhess::gradient(|x| lse(n).eval(x), x.as_slice()).unwrap();
    assert!(g.norm() < 1e-8, "|g| = {}", g.norm());
}
