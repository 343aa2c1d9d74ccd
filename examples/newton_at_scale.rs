//! `minimize_newton` at full size (issue 19): a strictly convex 1-D energy at
//! n = 10^5, a 300 x 300 grid energy, nonconvex double wells at n = 10^5. Run one
//! problem per process to read its peak memory:
//!
//! ```text
//! cargo run --release --example newton_at_scale -- chain 100000
//! /usr/bin/time -v target/release/examples/newton_at_scale grid 300
//! ```
//!
//! Problems: `chain N`, `grid M` (M x M), `wells N`; add `cg` to force truncated
//! Newton-CG.

use hyperhess::testfns::{ConvexChain, DoubleWells, GridEnergy};
use hyperhess::{MinimizeOptions, NewtonMethod, NewtonOptions, Objective};
use std::time::Instant;

fn run<O: Objective>(name: &str, f: &O, x0: &[f64], method: NewtonMethod) {
    let opts = MinimizeOptions {
        newton: NewtonOptions {
            method,
            ..NewtonOptions::default()
        },
        ..MinimizeOptions::default()
    };
    let t = Instant::now();
    let m = hyperhess::minimize_newton(f, x0, &opts).unwrap_or_else(|e| panic!("{name}: {e}"));
    println!(
        "{name}: n = {}, {:?}, {} iterations ({} shifted), {} f evaluations, f = {:.6e}, |g| = {:.3e}, \
         factorizations {}, factor entries {}, CG iterations {}, {:.2} s",
        x0.len(),
        m.method,
        m.iterations,
        m.shifted_steps,
        m.function_evaluations,
        m.value,
        m.gradient.norm(),
        m.work.factorizations,
        m.work.factor_entries,
        m.work.cg_iterations,
        t.elapsed().as_secs_f64()
    );
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let problem = args.first().map_or("chain", |s| s.as_str());
    let size: usize = args.get(1).and_then(|s| s.parse().ok()).unwrap_or(100_000);
    let method = if args.iter().any(|a| a == "cg") {
        NewtonMethod::TruncatedCg
    } else {
        NewtonMethod::Auto
    };
    match problem {
        "chain" => run("convex chain", &ConvexChain, &vec![0.0; size], method),
        "grid" => run(
            "grid",
            &GridEnergy { m: size },
            &vec![0.0; size * size],
            method,
        ),
        "wells" => {
            let x0: Vec<f64> = (0..size)
                .map(|i| 0.3 * (0.37 * i as f64 + 0.2).sin())
                .collect();
            run("double wells", &DoubleWells { c: 0.1 }, &x0, method)
        }
        other => eprintln!("unknown problem {other}: chain N | grid M | wells N [cg]"),
    }
}
