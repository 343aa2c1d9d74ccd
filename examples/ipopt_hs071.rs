//! Hock–Schittkowski problem 71, Ipopt's own tutorial problem, solved by Ipopt with
//! exact derivatives from hyperhess: the problem is written once, generically,
//! and no derivative, index or sparsity structure is written by hand.
//!
//! ```text
//! min  x0 x3 (x0 + x1 + x2) + x2
//! s.t. x0 x1 x2 x3 >= 25,  x0² + x1² + x2² + x3² = 40,  1 <= x <= 5
//! ```
//!
//! Run with `cargo run --release --example ipopt_hs071 --features ipopt` (add a
//! print level, e.g. `-- 5`, to see Ipopt's iteration table).

use hyperhess::ipopt::{Bounds, IpoptOptions, solve};
use hyperhess::{Nlp, Scalar};

struct Hs071;

impl Nlp for Hs071 {
    fn num_constraints(&self) -> usize {
        2
    }
    fn objective<S: Scalar>(&self, x: &[S]) -> S {
        x[0] * x[3] * (x[0] + x[1] + x[2]) + x[2]
    }
    fn constraints<S: Scalar>(&self, x: &[S], out: &mut [S]) {
        out[0] = x[0] * x[1] * x[2] * x[3];
        out[1] = x.iter().map(|&v| v * v).sum();
    }
}

fn main() -> Result<(), hyperhess::Error> {
    let print_level = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(0);
    let bounds = Bounds::free(4, 2)
        .variables(1.0, 5.0)
        .constraint(0, 25.0, f64::INFINITY)
        .constraint(1, 40.0, 40.0);
    let options = IpoptOptions {
        print_level,
        ..IpoptOptions::default()
    };
    let s = solve(&Hs071, &bounds, &[1.0, 5.0, 5.0, 1.0], &options)?;
    println!(
        "status      {:?} after {} iterations",
        s.status, s.iterations
    );
    println!("f*          {:.10} (known: 17.0140173)", s.objective);
    println!(
        "x*          {:.6?} (known: [1, 4.743, 3.82115, 1.37941])",
        s.x
    );
    println!("g(x*)       {:.6?}", s.constraints);
    println!("lambda      {:.6?}", s.lambda);
    println!("z_lower     {:.6?}", s.z_lower);
    println!("z_upper     {:.6?}", s.z_upper);
    let e = &s.evaluations;
    println!(
        "our side    {:?} (plan {:?}; {} Hessians, {} Jacobians, {} gradients)",
        e.total(),
        e.plan,
        e.hessian.calls,
        e.jacobian.calls,
        e.gradient.calls
    );
    Ok(())
}
