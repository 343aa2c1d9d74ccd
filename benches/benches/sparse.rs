//! Sparse Hessians side by side (issue: sparsity), one group per function and `n`
//! (`sparse/<function>/<n>`), one id per method:
//!
//! - `hyperhess`: [`hyperhess::sparse_hessian`], one shot (record, pattern,
//!   coloring, compressed sweeps, CSC output);
//! - `hyperhess_kept`: the same with every buffer kept between calls
//!   ([`hyperhess::memory::set_keep_limit`]), n >= 10^5;
//! - `hyperhess_plan`: [`hyperhess::SparsePlan::hessian`] with the plan built once
//!   (each call still records the function: the plan cannot assume the same point);
//! - `hyperhess_dense`: the dense [`hyperhess::hessian`] (it switches to the
//!   compressed path by itself), n <= 1024;
//! - `echidna`: `echidna::record` + `sparse_hessian` (one shot);
//! - `echidna_plan`: `sparse_hessian_with_pattern` on a kept tape and pattern (no
//!   recording: a looser comparison than `hyperhess_plan`);
//! - `analytic`: the hand-written sparse Hessian (triplets); `f`: one evaluation.
//!
//! Run: `cargo bench -p hyperhess-rivals --bench sparse`, then `python3 scripts/bench_table.py`.

use criterion::{Criterion, criterion_group, criterion_main};
use hyperhess::SparsePlan;
use hyperhess::testfns::{chain, rosenbrock};
use hyperhess_rivals::*;
use nalgebra::DMatrix;
use std::hint::black_box;
use std::time::Duration;

macro_rules! bench_sparse {
    ($c:expr, $name:literal, $n:expr, ours: $ours:expr, echidna: $ech:expr, entries: $entries:expr) => {{
        let n: usize = $n;
        let x = point(n);
        // Correctness first: compare with the analytic entries.
        let h = hyperhess::sparse_hessian(|v| $ours(v), &x).unwrap();
        let mut count = 0;
        $entries(&x, |i: usize, j: usize, v: f64| {
            let got = h.get_entry(i, j).map_or(0.0, |e| e.into_value());
            assert!(
                (got - v).abs() <= 1e-10 * (1.0 + v.abs()),
                "({i}, {j}): {got} vs {v}"
            );
            count += 1;
        });
        assert_eq!(h.nnz(), count);
        let plan = SparsePlan::new(|v| $ours(v), &x).unwrap();
        // echidna runs out of this machine's 24 GiB at n = 10^6 (the process was
        // killed by the OOM killer while it prepared its sparse Hessian), and its
        // one-shot call already takes 4.9 s at 10^5: it runs up to 10^5 only.
        let rival = (n <= 100_000).then(|| {
            let (tape, _) = echidna::record(|v| $ech(v), &x);
            let pattern = tape.detect_sparsity();
            let (colors, num_colors) = echidna::sparse::greedy_coloring(&pattern);
            (tape, pattern, colors, num_colors)
        });

        let mut g = $c.benchmark_group(format!("sparse/{}/{}", $name, n));
        let (samples, time) = if n >= 100_000 { (10, 3000) } else { (15, 1500) };
        g.measurement_time(Duration::from_millis(time))
            .warm_up_time(Duration::from_millis(300))
            .sample_size(samples)
            .nresamples(2000);
        g.bench_function("hyperhess", |b| {
            b.iter(|| hyperhess::sparse_hessian(|v| $ours(v), black_box(&x)).unwrap())
        });
        if n >= 100_000 {
            // The one-shot call with every buffer kept between calls
            // (`hyperhess::memory`): no fresh memory but the result's.
            hyperhess::memory::set_keep_limit(usize::MAX);
            g.bench_function("hyperhess_kept", |b| {
                b.iter(|| hyperhess::sparse_hessian(|v| $ours(v), black_box(&x)).unwrap())
            });
            hyperhess::memory::set_keep_limit(hyperhess::memory::DEFAULT_KEEP_LIMIT);
            hyperhess::memory::release();
        }
        g.bench_function("hyperhess_plan", |b| {
            b.iter(|| plan.hessian(|v| $ours(v), black_box(&x)).unwrap())
        });
        if n <= 1024 {
            let d = hyperhess::hessian(|v| $ours(v), &x).unwrap();
            assert_close("hyperhess_dense", &d, &DMatrix::from(&h));
            g.bench_function("hyperhess_dense", |b| {
                b.iter(|| hyperhess::hessian(|v| $ours(v), black_box(&x)).unwrap())
            });
        }
        if let Some((tape, pattern, colors, num_colors)) = &rival {
            g.bench_function("echidna", |b| {
                b.iter(|| {
                    let (tape, _) = echidna::record(|v| $ech(v), black_box(&x));
                    tape.sparse_hessian(&x).3
                })
            });
            g.bench_function("echidna_plan", |b| {
                b.iter(|| {
                    tape.sparse_hessian_with_pattern(black_box(&x), pattern, colors, *num_colors)
                        .2
                })
            });
        }
        g.bench_function("analytic", |b| {
            b.iter(|| {
                let mut t = Vec::with_capacity(3 * n);
                $entries(black_box(&x), |i, j, v| t.push((i, j, v)));
                t
            })
        });
        g.bench_function("f", |b| b.iter(|| $ours(black_box(x.as_slice()))));
        g.finish();
    }};
}

fn benches(c: &mut Criterion) {
    for n in [128, 1024, 4096, 10_000, 100_000, 1_000_000] {
        bench_sparse!(c, "rosenbrock", n, ours: rosenbrock, echidna: rosenbrock_e, entries: rosenbrock_entries);
        bench_sparse!(c, "chain", n, ours: chain, echidna: chain_e, entries: chain_entries);
    }
}

criterion_group!(sparse, benches);
criterion_main!(sparse);
