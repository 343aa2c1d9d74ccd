//! Dense Hessians side by side (issue: forward-over-reverse), one criterion group per
//! function and `n` (`hessian/<function>/<n>`), one id per method:
//!
//! - `hyperhess`: [`hyperhess::hessian`] (recording included; takes the sparse path
//!   by itself where the coloring pays, see `Sparsity::Auto`);
//! - `hyperhess_dense`: the same with `Sparsity::Dense` (`n / 8` lane sweeps);
//! - `hyperhess_forward`: [`hyperhess::forward::hessian`] (`n(n+1)/2` hyper-duals);
//! - `num_dual_static` / `num_dual_dynamic`: `num_dual::hessian` over
//!   `Dual2SVec64<N>` / `Dual2DVec64` (one pass carrying the whole Hessian);
//! - `echidna`: `echidna::hessian` (recording included, one H·v per column);
//! - `analytic`: a hand-written Hessian; `f`: one plain evaluation (the unit);
//! - `gradient`: [`hyperhess::gradient`] (recording and one reverse sweep);
//! - `hvp`: [`hyperhess::hvp`] (recording included), `hvp_recorded`:
//!   [`hyperhess::Recording::hvp`] on a kept recording, `echidna_hvp`: on its tape.
//!
//! Every method is checked against the analytic Hessian before it is timed.
//! Run: `cargo bench -p hyperhess-rivals --bench hessian`, then `python3 scripts/bench_table.py`.

use criterion::{Criterion, criterion_group, criterion_main};
use hyperhess::testfns::{chain, log_sum_exp, rosenbrock};
use hyperhess::{Options, Sparsity};
use hyperhess_rivals::*;
use nalgebra::DMatrix;
use nalgebra35 as na35;
use num_dual::{Dual2DVec64, Dual2SVec64};
use std::hint::black_box;
use std::time::Duration;

const DENSE: Options = Options {
    strict: false,
    lanes: None,
    sparsity: Sparsity::Dense,
    parallel: true,
};

macro_rules! bench_function {
    ($c:expr, $name:literal, $n:expr, $static_n:expr,
     ours: $ours:expr, nd: $nd:expr, echidna: $ech:expr, analytic: $analytic:expr) => {{
        const N: usize = $n;
        let x = point(N);
        let want: DMatrix<f64> = $analytic(&x);
        let ours = |x: &[f64]| hyperhess::hessian(|v| $ours(v), x).unwrap();
        assert_close("hyperhess", &ours(&x), &want);
        let dense = hyperhess::hessian_with(|v| $ours(v), &x, &DENSE).unwrap();
        assert_close("hyperhess_dense", &dense, &want);
        let ech = |x: &[f64]| echidna::hessian(|v| $ech(v), x).2;
        let eh = ech(&x);
        assert_close("echidna", &DMatrix::from_fn(N, N, |i, j| eh[i][j]), &want);

        let mut g = $c.benchmark_group(format!("hessian/{}/{}", $name, N));
        g.measurement_time(Duration::from_millis(1500))
            .warm_up_time(Duration::from_millis(300))
            .sample_size(20)
            .nresamples(2000);
        g.bench_function("hyperhess", |b| b.iter(|| ours(black_box(&x))));
        g.bench_function("hyperhess_dense", |b| {
            b.iter(|| hyperhess::hessian_with(|v| $ours(v), black_box(&x), &DENSE).unwrap())
        });
        if N <= 32 {
            let fwd = hyperhess::forward::hessian(|v| $ours(v), &x).unwrap();
            assert_close("hyperhess_forward", &fwd, &want);
            g.bench_function("hyperhess_forward", |b| {
                b.iter(|| hyperhess::forward::hessian(|v| $ours(v), black_box(&x)).unwrap())
            });
        }
        if N <= 128 {
            let xd = na35::DVector::<f64>::from_column_slice(&x);
            let nd_dyn = |x: &na35::DVector<f64>| {
                num_dual::hessian(|v: na35::DVector<Dual2DVec64>| $nd(v.as_slice()), x).2
            };
            let h = nd_dyn(&xd);
            assert_close(
                "num_dual_dynamic",
                &DMatrix::from_column_slice(N, N, h.as_slice()),
                &want,
            );
            g.bench_function("num_dual_dynamic", |b| b.iter(|| nd_dyn(black_box(&xd))));
        }
        if $static_n {
            let xs = na35::SVector::<f64, N>::from_column_slice(&x);
            let nd_static = |x: &na35::SVector<f64, N>| {
                num_dual::hessian(|v: na35::SVector<Dual2SVec64<N>, N>| $nd(v.as_slice()), x).2
            };
            let h = nd_static(&xs);
            assert_close(
                "num_dual_static",
                &DMatrix::from_column_slice(N, N, h.as_slice()),
                &want,
            );
            g.bench_function("num_dual_static", |b| b.iter(|| nd_static(black_box(&xs))));
        }
        g.bench_function("echidna", |b| b.iter(|| ech(black_box(&x))));
        g.bench_function("analytic", |b| b.iter(|| $analytic(black_box(&x))));
        g.bench_function("f", |b| b.iter(|| $ours(black_box(x.as_slice()))));
        g.bench_function("gradient", |b| {
            b.iter(|| hyperhess::gradient(|y| $ours(y), black_box(&x)).unwrap())
        });
        // Hessian-vector products.
        let v: Vec<f64> = x.iter().map(|xi| xi.cos()).collect();
        g.bench_function("hvp", |b| {
            b.iter(|| hyperhess::hvp(|y| $ours(y), black_box(&x), black_box(&v)).unwrap())
        });
        let rec = hyperhess::record(|y| $ours(y), &x).unwrap();
        g.bench_function("hvp_recorded", |b| {
            b.iter(|| rec.hvp(black_box(&v)).unwrap())
        });
        let (tape, _) = echidna::record(|y| $ech(y), &x);
        g.bench_function("echidna_hvp", |b| {
            b.iter(|| tape.hvp(black_box(&x), black_box(&v)).1)
        });
        g.finish();
    }};
}

macro_rules! all_functions {
    ($c:expr, $n:expr, $static_n:expr) => {{
        bench_function!($c, "rosenbrock", $n, $static_n,
            ours: rosenbrock, nd: rosenbrock_nd, echidna: rosenbrock_e,
            analytic: (|x: &[f64]| dense_from(x.len(), |put| rosenbrock_entries(x, put))));
        bench_function!($c, "chain", $n, $static_n,
            ours: chain, nd: chain_nd, echidna: chain_e,
            analytic: (|x: &[f64]| dense_from(x.len(), |put| chain_entries(x, put))));
        let a = lse_matrix($n);
        bench_function!($c, "log_sum_exp", $n, $static_n,
            ours: (|v| log_sum_exp(&a, v)), nd: (|v| lse_nd(&a, v)), echidna: (|v| lse_e(&a, v)),
            analytic: (|x: &[f64]| lse_hessian(&a, x)));
    }};
}

fn benches(c: &mut Criterion) {
    all_functions!(c, 2, true);
    all_functions!(c, 8, true);
    all_functions!(c, 32, false);
    all_functions!(c, 128, false);
    all_functions!(c, 512, false);
}

criterion_group!(hessian, benches);
criterion_main!(hessian);
