//! Forward-mode Hessians of extended Rosenbrock, side by side, one criterion group per
//! dimension `n` (group `forward/rosenbrock/<n>`, one id per method):
//!
//! - `hyperhess`: [`hyperhess::forward::hessian`], `n(n+1)/2` hyper-dual evaluations;
//! - `num_dual_static`: `num_dual::hessian` over `SVector<Dual2SVec64<N>, N>` (one
//!   evaluation carrying an `N`-gradient and an `N x N` Hessian part, on the stack);
//! - `num_dual_dynamic`: the same over `DVector<Dual2DVec64>` (heap-allocated parts);
//! - `analytic`: the hand-written tridiagonal Hessian, filled into a `DMatrix<f64>`;
//! - `f`: one plain `f64` evaluation of the function (the unit "one f").
//!
//! Every method is checked against `analytic` before it is timed.
//!
//! Small `n` (group `forward_static/<function>/<n>`, issue #12): the static
//! second-order number [`hyperhess::Dual2`] through `forward::hessian_static` (one
//! evaluation) against `num_dual_static`, our `forward::hessian` and the tape's
//! `hyperhess::hessian`, on Rosenbrock, the chain and log-sum-exp at
//! n = 2, 4, 8, 10, 12, 16 (the crossover with the tape).
//!
//! The functions as users write them, and `newton_step` at n = 2: benches/small.rs.
//!
//! Run: `cargo bench -p hyperhess-rivals --bench forward`; then `python3 scripts/bench_table.py` for the
//! table of medians and ratios and the plot (see docs/benchmarks.md).

use hyperhess_rivals::{
    assert_close as assert_close_m, chain_entries, chain_nd, dense_from, lse_hessian, lse_matrix,
    lse_nd, point, rosenbrock_entries, rosenbrock_nd,
};
use std::hint::black_box;
use std::time::Duration;

use criterion::{Criterion, criterion_group, criterion_main};
use hyperhess::testfns::{chain, log_sum_exp, rosenbrock};
use nalgebra::DMatrix;
use nalgebra35 as na35;
use num_dual::{Dual2DVec64, Dual2SVec64};

/// The hand-written Hessian of extended Rosenbrock (tridiagonal), dense.
fn rosenbrock_hessian(x: &[f64]) -> DMatrix<f64> {
    dense_from(x.len(), |put| rosenbrock_entries(x, put))
}

/// The classic starting point `(-1.2, 1, -1.2, 1, ...)`.
fn start(n: usize) -> Vec<f64> {
    (0..n)
        .map(|i| if i % 2 == 0 { -1.2 } else { 1.0 })
        .collect()
}

fn assert_close(name: &str, got: &[f64], want: &DMatrix<f64>) {
    assert_eq!(got.len(), want.len(), "{name}: wrong size");
    for (k, (&g, &w)) in got.iter().zip(want.iter()).enumerate() {
        assert!(
            (g - w).abs() <= 1e-12 * (1.0 + w.abs()),
            "{name}: entry {k} is {g}, want {w}"
        );
    }
}

fn bench_n<const N: usize>(c: &mut Criterion) {
    let x = start(N);
    let xs = na35::SVector::<f64, N>::from_column_slice(&x);
    let xd = na35::DVector::<f64>::from_column_slice(&x);

    let static_h = |x: &na35::SVector<f64, N>| {
        num_dual::hessian(
            |v: na35::SVector<Dual2SVec64<N>, N>| rosenbrock_nd(v.as_slice()),
            x,
        )
    };
    let dynamic_h = |x: &na35::DVector<f64>| {
        num_dual::hessian(
            |v: na35::DVector<Dual2DVec64>| rosenbrock_nd(v.as_slice()),
            x,
        )
    };

    // Every method must agree with the hand-written Hessian before it is timed.
    let want = rosenbrock_hessian(&x);
    let h = hyperhess::forward::hessian(rosenbrock, &x).unwrap();
    assert_close("hyperhess", h.as_slice(), &want);
    assert_close("num_dual_static", static_h(&xs).2.as_slice(), &want);
    assert_close("num_dual_dynamic", dynamic_h(&xd).2.as_slice(), &want);
    assert_eq!(rosenbrock(&x), rosenbrock_nd(&x));

    let mut g = c.benchmark_group(format!("forward/rosenbrock/{N}"));
    g.measurement_time(Duration::from_secs(2))
        .warm_up_time(Duration::from_millis(500))
        .sample_size(30);
    g.bench_function("hyperhess", |b| {
        b.iter(|| hyperhess::forward::hessian(rosenbrock, black_box(&x)).unwrap())
    });
    g.bench_function("num_dual_static", |b| b.iter(|| static_h(black_box(&xs))));
    g.bench_function("num_dual_dynamic", |b| b.iter(|| dynamic_h(black_box(&xd))));
    g.bench_function("analytic", |b| b.iter(|| rosenbrock_hessian(black_box(&x))));
    g.bench_function("f", |b| b.iter(|| rosenbrock(black_box(x.as_slice()))));
    g.finish();
}

/// One `forward_static/<name>/<N>` group: `static` ([`hyperhess::forward::hessian_static`]),
/// `num_dual_static`, `forward` ([`hyperhess::forward::hessian`]) and `tape`
/// ([`hyperhess::hessian`]), each checked against the analytic Hessian first.
macro_rules! bench_static {
    ($c:expr, $name:literal, ours: $ours:expr, nd: $nd:expr, analytic: $analytic:expr) => {{
        let x: [f64; N] = point(N).try_into().unwrap();
        let xs = na35::SVector::<f64, N>::from_column_slice(&x);
        let want: DMatrix<f64> = $analytic(&x[..]);
        let st = |x: &[f64; N]| hyperhess::forward::hessian_static(|v| $ours(v), x).unwrap();
        let nd = |x: &na35::SVector<f64, N>| {
            num_dual::hessian(|v: na35::SVector<Dual2SVec64<N>, N>| $nd(v.as_slice()), x)
        };
        let fw = |x: &[f64]| hyperhess::forward::hessian(|v| $ours(v), x).unwrap();
        let tp = |x: &[f64]| hyperhess::hessian(|v| $ours(v), x).unwrap();
        let dm = |m: &[f64]| DMatrix::from_column_slice(N, N, m);
        assert_close_m("static", &dm(st(&x).as_slice()), &want);
        assert_close_m("num_dual_static", &dm(nd(&xs).2.as_slice()), &want);
        assert_close_m("forward", &fw(&x), &want);
        assert_close_m("tape", &tp(&x), &want);

        let mut g = $c.benchmark_group(format!("forward_static/{}/{}", $name, N));
        g.measurement_time(Duration::from_secs(2))
            .warm_up_time(Duration::from_millis(500))
            .sample_size(30);
        g.bench_function("static", |b| b.iter(|| st(black_box(&x))));
        g.bench_function("num_dual_static", |b| b.iter(|| nd(black_box(&xs))));
        g.bench_function("forward", |b| b.iter(|| fw(black_box(&x))));
        g.bench_function("tape", |b| b.iter(|| tp(black_box(&x))));
        g.finish();
    }};
}

fn static_n<const N: usize>(c: &mut Criterion) {
    let a = lse_matrix(N);
    bench_static!(c, "rosenbrock", ours: rosenbrock, nd: rosenbrock_nd,
        analytic: |x: &[f64]| dense_from(x.len(), |put| rosenbrock_entries(x, put)));
    bench_static!(c, "chain", ours: chain, nd: chain_nd,
        analytic: |x: &[f64]| dense_from(x.len(), |put| chain_entries(x, put)));
    bench_static!(c, "log_sum_exp", ours: |v| log_sum_exp(&a, v), nd: |v| lse_nd(&a, v),
        analytic: |x: &[f64]| lse_hessian(&a, x));
}

fn benches(c: &mut Criterion) {
    static_n::<2>(c);
    static_n::<4>(c);
    static_n::<8>(c);
    static_n::<10>(c);
    static_n::<12>(c);
    static_n::<16>(c);
    bench_n::<2>(c);
    bench_n::<8>(c);
    bench_n::<32>(c);
}

criterion_group!(forward, benches);
criterion_main!(forward);
