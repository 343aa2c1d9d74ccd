//! Sums built term by term (issue 22, item 2): one criterion group per function at
//! n = 128 (`fused/<function>/128`), one id per call:
//!
//! - `f`: one plain evaluation (the unit);
//! - `hessian`: [`hyperhess::hessian_with`] with `Sparsity::Dense` (recording,
//!   fusion and `n / 16` lane sweeps);
//! - `record`: [`hyperhess::record`] alone (recording, first reverse sweep, fusion);
//! - `hvp_recorded`: [`hyperhess::Recording::hvp`] on a kept recording;
//! - `gradient`: [`hyperhess::gradient`] (not fused: one sweep only).
//!
//! Functions: log-sum-exp spelled as users spell it (`lse_user`: `acc = acc + x[j]
//! * a[k][j]`) and with `dot_const` (`log_sum_exp`), Rosenbrock and the chain in
//! both spellings (`*_user`: `acc = acc + term` over a `Vec` of terms). Each
//! Hessian is checked against the analytic one first.
//! Run: `cargo bench -p hyperhess-rivals --bench fused`.

use criterion::{Criterion, criterion_group, criterion_main};
use hyperhess::testfns::{chain, log_sum_exp, rosenbrock};
use hyperhess::{Options, Sparsity};
use hyperhess_rivals::*;
use nalgebra::DMatrix;
use std::hint::black_box;
use std::time::Duration;

const DENSE: Options = Options {
    strict: false,
    lanes: None,
    sparsity: Sparsity::Dense,
    parallel: false,
};

macro_rules! bench_fused {
    ($c:expr, $name:literal, $n:expr, ours: $ours:expr, analytic: $analytic:expr) => {{
        let x = point($n);
        let want: DMatrix<f64> = $analytic(&x);
        let h = hyperhess::hessian_with(|v| $ours(v), &x, &DENSE).unwrap();
        assert_close($name, &h, &want);
        let mut g = $c.benchmark_group(format!("fused/{}/{}", $name, $n));
        g.measurement_time(Duration::from_millis(1500))
            .warm_up_time(Duration::from_millis(300))
            .sample_size(20);
        g.bench_function("f", |b| b.iter(|| $ours(black_box(x.as_slice()))));
        g.bench_function("hessian", |b| {
            b.iter(|| hyperhess::hessian_with(|v| $ours(v), black_box(&x), &DENSE).unwrap())
        });
        g.bench_function("record", |b| {
            b.iter(|| hyperhess::record(|v| $ours(v), black_box(&x)).unwrap())
        });
        let v: Vec<f64> = x.iter().map(|xi| xi.cos()).collect();
        let rec = hyperhess::record(|y| $ours(y), &x).unwrap();
        g.bench_function("hvp_recorded", |b| {
            b.iter(|| rec.hvp(black_box(&v)).unwrap())
        });
        g.bench_function("gradient", |b| {
            b.iter(|| hyperhess::gradient(|y| $ours(y), black_box(&x)).unwrap())
        });
        g.finish();
    }};
}

fn benches(c: &mut Criterion) {
    const N: usize = 128;
    let a = lse_matrix(N);
    bench_fused!(c, "lse_user", N, ours: (|v| lse_user(&a, v)),
        analytic: (|x: &[f64]| lse_hessian(&a, x)));
    bench_fused!(c, "log_sum_exp", N, ours: (|v| log_sum_exp(&a, v)),
        analytic: (|x: &[f64]| lse_hessian(&a, x)));
    bench_fused!(c, "rosenbrock_user", N, ours: rosenbrock_user,
        analytic: (|x: &[f64]| dense_from(x.len(), |put| rosenbrock_entries(x, put))));
    bench_fused!(c, "rosenbrock", N, ours: rosenbrock,
        analytic: (|x: &[f64]| dense_from(x.len(), |put| rosenbrock_entries(x, put))));
    bench_fused!(c, "chain_user", N, ours: chain_user,
        analytic: (|x: &[f64]| dense_from(x.len(), |put| chain_entries(x, put))));
    bench_fused!(c, "chain", N, ours: chain,
        analytic: (|x: &[f64]| dense_from(x.len(), |put| chain_entries(x, put))));
}

criterion_group!(fused, benches);
criterion_main!(fused);
