//! Lukšan and Vlček's chained Rosenbrock function with trigonometric-exponential
//! equality constraints (problem 5.1), the large sparse benchmark of Ipopt, JuMP and
//! CasADi studies, solved by Ipopt with exact derivatives from hyperhess at
//! n = 10^4 (or the n given):
//!
//! ```text
//! min  sum_{i=0}^{n-2} 100 (x_i² - x_{i+1})² + (x_i - 1)²
//! s.t. 3 x_{k+1}³ + 2 x_{k+2} - 5 + sin(x_{k+1} - x_{k+2}) sin(x_{k+1} + x_{k+2})
//!        + 4 x_{k+1} - x_k exp(x_k - x_{k+1}) - 3 = 0,   k = 0 .. n-3
//! x_i = -1.2 (i even), 1 (i odd) at the start
//! ```
//!
//! Prints Ipopt's iterations and time, and the share of it spent in our
//! evaluations (the plan, gradient, Jacobian and Lagrangian Hessian).
//!
//! Run with `cargo run --release --example ipopt_luksan_vlcek --features ipopt`
//! (`-- 100000` for another n, `-- 10000 5` for Ipopt's iteration table and its
//! CPU-time statistics).

use hyperhess::ipopt::{Bounds, IpoptOptions, Timing, solve};
use hyperhess::testfns::LuksanVlcek;
use std::time::{Duration, Instant};

fn main() -> Result<(), hyperhess::Error> {
    let mut args = std::env::args().skip(1);
    let n: usize = args
        .next()
        .and_then(|a| a.parse().ok())
        .unwrap_or(10_000)
        .max(3);
    let print_level = args.next().and_then(|a| a.parse().ok()).unwrap_or(0);
    let nlp = LuksanVlcek(n);
    let x0 = nlp.start();
    let bounds = Bounds::equalities(n, n - 2);
    let mut options = IpoptOptions {
        print_level,
        ..IpoptOptions::default()
    };
    if print_level > 0 {
        // Ipopt's own CPU-time breakdown (its "Function Evaluations" are ours).
        options = options.string("print_timing_statistics", "yes");
    }

    let start = Instant::now();
    let s = solve(&nlp, &bounds, &x0, &options)?;
    let total = start.elapsed();

    let violation = s.constraints.iter().fold(0.0f64, |v, g| v.max(g.abs()));
    println!("Luksan-Vlcek, n = {n}, m = {}", n - 2);
    println!("status        {:?}", s.status);
    println!("iterations    {}", s.iterations);
    println!("f*            {:.10}", s.objective);
    println!("max |g(x*)|   {violation:.3e}");
    println!("time          {:.1} ms (plan and solve)", ms(total));
    let e = &s.evaluations;
    let row = |name: &str, t: Timing| {
        println!(
            "  {name:<22}{:>5} calls {:>9.2} ms  {:>5.1} %",
            t.calls,
            ms(t.time),
            100.0 * t.time.as_secs_f64() / total.as_secs_f64()
        );
    };
    println!("our evaluations:");
    row(
        "plan (once)",
        Timing {
            calls: 1,
            time: e.plan,
        },
    );
    row("objective (f64)", e.objective);
    row("constraints (f64)", e.constraints);
    row("gradient", e.gradient);
    row("Jacobian", e.jacobian);
    row("Lagrangian Hessian", e.hessian);
    row(
        "all of ours",
        Timing {
            calls: 0,
            time: e.total(),
        },
    );
    row(
        "Ipopt (the rest)",
        Timing {
            calls: 0,
            time: total.saturating_sub(e.total()),
        },
    );
    Ok(())
}

fn ms(t: Duration) -> f64 {
    t.as_secs_f64() * 1e3
}
