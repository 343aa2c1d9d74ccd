//! argmin's trust-region method with the Steihaug (truncated CG) subproblem solver,
//! on exact matrix-free Hessian-vector products from hyperhess, and on dense exact
//! Hessians for comparison.
//!
//! Run with `cargo run --release --example argmin_trust_region --features argmin`.

use argmin::core::{Executor, IterState, State, TerminationReason};
use argmin::solver::trustregion::{Steihaug, TrustRegion};
use hyperhess::argmin::{ArgminObjective, MatrixFree};
use hyperhess::{Objective, Scalar};
use nalgebra::DVector;

/// Extended Rosenbrock as an objective.
struct Rosenbrock;

impl Objective for Rosenbrock {
    fn eval<S: Scalar>(&self, x: &[S]) -> S {
        hyperhess::testfns::rosenbrock(x)
    }
}

fn solver(n: usize) -> Result<TrustRegion<Steihaug<DVector<f64>, f64>, f64>, argmin::core::Error> {
    let steihaug = Steihaug::new().with_max_iters(2 * n as u64);
    TrustRegion::new(steihaug)
        .with_radius(1.0)?
        .with_max_radius(100.0)
}

fn check<H>(
    name: &str,
    n: usize,
    state: &IterState<DVector<f64>, DVector<f64>, (), H, (), f64>,
) -> Result<(), String> {
    let x = state.get_best_param().unwrap();
    let error = x.iter().map(|v| (v - 1.0).abs()).fold(0.0, f64::max);
    println!(
        "TrustRegion(Steihaug), {name:>11} Hessian, Rosenbrock n = {n}: {:3} iterations, \
         f = {:.1e}, max |x_i - 1| = {error:.1e}",
        state.get_iter(),
        state.get_best_cost()
    );
    if state.get_termination_reason() == Some(&TerminationReason::TargetCostReached) {
        Ok(())
    } else {
        Err(format!("{name} did not converge on n = {n}"))
    }
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    for n in [2, 3, 4] {
        let x0 = DVector::from_fn(n, |i, _| if i % 2 == 0 { -1.2 } else { 1.0 });
        // TrustRegion has no convergence test of its own: stop at a target cost.
        let matrix_free = Executor::new(MatrixFree::new(Rosenbrock), solver(n)?)
            .configure(|state| state.param(x0.clone()).max_iters(500).target_cost(1e-24))
            .run()?;
        let dense = Executor::new(ArgminObjective::new(Rosenbrock), solver(n)?)
            .configure(|state| state.param(x0).max_iters(500).target_cost(1e-24))
            .run()?;
        check("matrix-free", n, matrix_free.state())?;
        check("dense", n, dense.state())?;
    }
    Ok(())
}
