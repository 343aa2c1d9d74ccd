//! argmin's Newton (dense exact Hessians) and Newton-CG (matrix-free exact
//! Hessian-vector products) with derivatives from hyperhess.
//!
//! Run with `cargo run --release --example argmin_newton --features argmin`.

use argmin::core::{Executor, State};
use argmin::solver::linesearch::MoreThuenteLineSearch;
use argmin::solver::newton::{Newton, NewtonCG};
use hyperhess::argmin::{ArgminObjective, MatrixFree};
use hyperhess::{Objective, Scalar};
use nalgebra::DVector;

/// Extended Rosenbrock as an objective: evaluated at `f64` for costs and at tape
/// variables for derivatives.
struct Rosenbrock;

impl Objective for Rosenbrock {
    fn eval<S: Scalar>(&self, x: &[S]) -> S {
        hyperhess::testfns::rosenbrock(x)
    }
}

/// `logsumexp(A x) + |x|²/2` for a fixed `A`: smooth, strongly convex, with data.
struct LogSumExp {
    a: Vec<Vec<f64>>,
}

impl Objective for LogSumExp {
    fn eval<S: Scalar>(&self, x: &[S]) -> S {
        hyperhess::testfns::log_sum_exp(&self.a, x)
    }
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    // Newton with exact dense Hessians. argmin's Newton takes full steps and never
    // evaluates the cost, so it runs to max_iters.
    for (n, iters) in [(2, 12), (3, 50)] {
        let x0 = DVector::from_fn(n, |i, _| if i % 2 == 0 { -1.2 } else { 1.0 });
        let result = Executor::new(ArgminObjective::new(Rosenbrock), Newton::<f64>::new())
            .configure(|state| state.param(x0).max_iters(iters))
            .run()?;
        let x = result.state().get_param().unwrap();
        let error = x.iter().map(|v| (v - 1.0).abs()).fold(0.0, f64::max);
        println!("Newton, Rosenbrock n = {n}: {iters} iterations, max |x_i - 1| = {error:.1e}");
        if error > 1e-10 {
            return Err(format!("Newton did not converge on Rosenbrock n = {n}").into());
        }
    }

    // Newton-CG: conjugate gradients on Hessian-vector products, one recording per
    // point, never an n x n matrix; a More-Thuente line search.
    let n = 200;
    let f = LogSumExp {
        a: hyperhess::testfns::LogSumExp::random(n, n, 7).a,
    };
    let linesearch = MoreThuenteLineSearch::<DVector<f64>, DVector<f64>, f64>::new();
    let result = Executor::new(MatrixFree::new(f), NewtonCG::new(linesearch))
        .configure(|state| state.param(DVector::from_element(n, 1.0)).max_iters(100))
        .run()?;
    let x = result.state().get_best_param().unwrap().clone();
    let f = LogSumExp {
        a: hyperhess::testfns::LogSumExp::random(n, n, 7).a,
    };
    let g = hyperhess::gradient(|x| f.eval(x), x.as_slice())?;
    println!(
        "Newton-CG, log-sum-exp n = {n}: {} iterations, |g| = {:.1e}",
        result.state().get_iter(),
        g.norm()
    );
    if g.norm() > 1e-6 {
        return Err("Newton-CG did not converge on log-sum-exp".into());
    }

    // Newton-CG on Rosenbrock. argmin 0.11 stops its inner CG when the *squared*
    // residual norm falls below min(0.5, sqrt|g|)·|g|; once |g| < 0.5 that holds
    // after one CG iteration, so near the minimum each step is a steepest-descent
    // step and progress along the curved valley is slow. The derivatives are exact
    // (dense Hessians give the same iterates); the solver is what limits it.
    let linesearch = MoreThuenteLineSearch::<DVector<f64>, DVector<f64>, f64>::new();
    let x0 = DVector::from_vec(vec![-1.2, 1.0]);
    let result = Executor::new(MatrixFree::new(Rosenbrock), NewtonCG::new(linesearch))
        .configure(|state| state.param(x0).max_iters(100))
        .run()?;
    let state = result.state();
    println!(
        "Newton-CG, Rosenbrock n = 2: {} iterations, f = {:.1e} (see the comment on argmin's CG stopping test)",
        state.get_iter(),
        state.get_best_cost()
    );
    Ok(())
}
