//! Evaluation at a new point (issue 21), one group per function, `n` and
//! quantity (`prepared/<function>/<quantity>/<n>`), one id per method:
//!
//! - `prepared`: [`hyperhess::prepare`] once, then each call moves the recording
//!   to the point by its program (the function does not run) and sweeps;
//! - `prepared_values` (sparse Hessians): the same, the values alone into a kept
//!   buffer (`Prepared::sparse_hessian_values`);
//! - `record`: what a caller did before: record at the point, then sweep
//!   (`hyperhess::gradient`, `hvp`, `hessian`, or `SparsePlan::hessian` with the
//!   plan built once).
//!
//! The points alternate between two, so that every call is at a new point.
//! CasADi's side of the comparison is `scripts/casadi_bench.py` (run right after,
//! on the same machine). Run: `cargo bench -p hyperhess-rivals --bench prepared`.

use criterion::{Criterion, criterion_group, criterion_main};
use hyperhess::SparsePlan;
use hyperhess::testfns::{chain, rosenbrock};
use hyperhess_rivals::point;
use std::hint::black_box;
use std::time::Duration;

macro_rules! bench_function {
    ($c:expr, $name:literal, $f:expr, $sizes:expr) => {{
        for n in $sizes {
            let x0 = point(n);
            let x1: Vec<f64> = x0.iter().map(|v| v * 0.9 + 0.05).collect();
            let xs = [x0.clone(), x1];
            let v: Vec<f64> = (0..n).map(|i| ((i as f64) * 0.37).cos()).collect();
            let mut p = hyperhess::prepare(|x| $f(x), &x0).unwrap();
            let plan = SparsePlan::new(|x| $f(x), &x0).unwrap();
            // Correctness first: the prepared results are the fresh ones.
            assert_eq!(
                p.sparse_hessian(&xs[1]).unwrap(),
                plan.hessian(|x| $f(x), &xs[1]).unwrap()
            );
            // (CasADi's Hessian is its sparse one at every size: at small `n` both
            // of ours are measured, the dense `hessian` and `sparse_hessian`.)
            let quantities: &[&str] = if n <= 1024 {
                &["gradient", "hvp", "hessian", "sparse_hessian"]
            } else {
                &["gradient", "hvp", "sparse_hessian"]
            };
            for &q in quantities {
                let mut g = $c.benchmark_group(format!("prepared/{}/{}/{}", $name, q, n));
                let (samples, time) = if n >= 100_000 { (10, 2000) } else { (20, 1000) };
                g.measurement_time(Duration::from_millis(time))
                    .warm_up_time(Duration::from_millis(300))
                    .sample_size(samples);
                let mut k = 0usize;
                g.bench_function("prepared", |b| {
                    b.iter(|| {
                        k += 1;
                        let x = black_box(&xs[k % 2]);
                        match q {
                            "gradient" => p.gradient(x).unwrap().len(),
                            "hvp" => p.hvp(x, &v).unwrap().len(),
                            "hessian" => p.hessian(x).unwrap().len(),
                            _ => p.sparse_hessian(x).unwrap().nnz(),
                        }
                    })
                });
                if q == "sparse_hessian" {
                    // The values alone into a kept buffer (what CasADi's buffer
                    // calls and Ipopt's `eval_h` do).
                    let mut h = vec![0.0; p.sparse_plan().unwrap().pattern().nnz()];
                    g.bench_function("prepared_values", |b| {
                        b.iter(|| {
                            k += 1;
                            let x = black_box(&xs[k % 2]);
                            p.sparse_hessian_values(x, &mut h).unwrap();
                            h[0]
                        })
                    });
                }
                g.bench_function("record", |b| {
                    b.iter(|| {
                        k += 1;
                        let x = black_box(&xs[k % 2]);
                        match q {
                            "gradient" => hyperhess::gradient(|x| $f(x), x).unwrap().len(),
                            "hvp" => hyperhess::hvp(|x| $f(x), x, &v).unwrap().len(),
                            "hessian" => hyperhess::hessian(|x| $f(x), x).unwrap().len(),
                            _ => plan.hessian(|x| $f(x), x).unwrap().nnz(),
                        }
                    })
                });
                g.finish();
            }
        }
    }};
}

fn prepared(c: &mut Criterion) {
    let sizes = [128usize, 10_000, 100_000];
    bench_function!(c, "rosenbrock", rosenbrock, sizes);
    bench_function!(c, "chain", chain, sizes);
}

criterion_group!(benches, prepared);
criterion_main!(benches);
