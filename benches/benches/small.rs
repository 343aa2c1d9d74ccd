//! Small `n` as users write their functions (issue 22, item 1), side by side with
//! num-dual, measured in THREAD CPU TIME (criterion with a custom measurement,
//! [`CpuTime`]): on a loaded machine wall-clock samples of a 50 ns call are mostly
//! other processes' time slices, and ours and num-dual's groups run seconds apart.
//!
//! - `small/<function>/<n>` (n = 2, 4, 8): Rosenbrock, the chain and log-sum-exp
//!   spelled as users spell them (`hyperhess_rivals::*_user`: `from_f64` constants
//!   and `from_f64(0.0)` accumulators, `acc = acc + ..`, `Vec`s of intermediates,
//!   `powi`, `acc = acc + x[j] * a[j]`); ids `static`
//!   ([`hyperhess::forward::hessian_static`]) and `num_dual_static`
//!   (`num_dual::hessian` over `SVector<Dual2SVec64<N>, N>`). Each is checked
//!   against the analytic Hessian first.
//! - `small/newton/2`: [`hyperhess::newton_step`] on an `Objective` (n = 2: the
//!   stack path of the dense engine) against num-dual's static Hessian plus a 2 x 2
//!   Cholesky solve written by hand (the yardstick), at (-1.2, 1).
//!
//! Run: `cargo bench -p hyperhess-rivals --bench small`.

use hyperhess_rivals::{
    assert_close, chain_entries, chain_user, chain_user_nd, dense_from, lse_hessian, lse_matrix,
    lse_user, lse_user_nd, point, rosenbrock_entries, rosenbrock_nd, rosenbrock_user,
    rosenbrock_user_nd,
};
use std::hint::black_box;
use std::time::Duration;

use criterion::measurement::{Measurement, ValueFormatter};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use nalgebra::DMatrix;
use nalgebra35 as na35;
use num_dual::Dual2SVec64;

/// The calling thread's CPU time (`CLOCK_THREAD_CPUTIME_ID`), in nanoseconds.
fn thread_cpu_ns() -> f64 {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: `ts` is a valid, writable timespec; the clock id is a constant the
    // kernel knows.
    unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut ts) };
    ts.tv_sec as f64 * 1e9 + ts.tv_nsec as f64
}

/// Criterion measurement: thread CPU time in nanoseconds.
struct CpuTime;

impl Measurement for CpuTime {
    type Intermediate = f64;
    type Value = f64;
    fn start(&self) -> f64 {
        thread_cpu_ns()
    }
    fn end(&self, start: f64) -> f64 {
        thread_cpu_ns() - start
    }
    fn add(&self, a: &f64, b: &f64) -> f64 {
        a + b
    }
    fn zero(&self) -> f64 {
        0.0
    }
    fn to_f64(&self, v: &f64) -> f64 {
        *v
    }
    fn formatter(&self) -> &dyn ValueFormatter {
        &Nanoseconds
    }
}

/// Values in ns, µs or ms (CPU time).
struct Nanoseconds;

impl ValueFormatter for Nanoseconds {
    fn scale_values(&self, typical: f64, values: &mut [f64]) -> &'static str {
        let (factor, unit) = if typical < 1e3 {
            (1.0, "ns")
        } else if typical < 1e6 {
            (1e-3, "µs")
        } else {
            (1e-6, "ms")
        };
        values.iter_mut().for_each(|v| *v *= factor);
        unit
    }
    fn scale_throughputs(&self, _: f64, _: &Throughput, values: &mut [f64]) -> &'static str {
        // Not used by these benches: per-second rates of the raw values.
        values.iter_mut().for_each(|v| *v = 1e9 / *v);
        "elem/s"
    }
    fn scale_for_machines(&self, _: &mut [f64]) -> &'static str {
        "ns"
    }
}

/// One `small/<name>/<N>` group: `static` against `num_dual_static`, each checked
/// against the analytic Hessian first.
macro_rules! bench_user {
    ($c:expr, $name:literal, ours: $ours:expr, nd: $nd:expr, analytic: $analytic:expr) => {{
        let x: [f64; N] = point(N).try_into().unwrap();
        let xs = na35::SVector::<f64, N>::from_column_slice(&x);
        let want: DMatrix<f64> = $analytic(&x[..]);
        let st = |x: &[f64; N]| hyperhess::forward::hessian_static(|v| $ours(v), x).unwrap();
        let nd = |x: &na35::SVector<f64, N>| {
            num_dual::hessian(|v: na35::SVector<Dual2SVec64<N>, N>| $nd(v.as_slice()), x)
        };
        let dm = |m: &[f64]| DMatrix::from_column_slice(N, N, m);
        assert_close("static", &dm(st(&x).as_slice()), &want);
        assert_close("num_dual_static", &dm(nd(&xs).2.as_slice()), &want);

        let mut g = $c.benchmark_group(format!("small/{}/{}", $name, N));
        g.measurement_time(Duration::from_secs(2))
            .warm_up_time(Duration::from_millis(500))
            .sample_size(30);
        g.bench_function("static", |b| b.iter(|| st(black_box(&x))));
        g.bench_function("num_dual_static", |b| b.iter(|| nd(black_box(&xs))));
        g.finish();
    }};
}

fn user_n<const N: usize>(c: &mut Criterion<CpuTime>) {
    let a = lse_matrix(N);
    bench_user!(c, "rosenbrock", ours: rosenbrock_user, nd: rosenbrock_user_nd,
        analytic: |x: &[f64]| dense_from(x.len(), |put| rosenbrock_entries(x, put)));
    bench_user!(c, "chain", ours: chain_user, nd: chain_user_nd,
        analytic: |x: &[f64]| dense_from(x.len(), |put| chain_entries(x, put)));
    bench_user!(c, "log_sum_exp", ours: |v| lse_user(&a, v), nd: |v| lse_user_nd(&a, v),
        analytic: |x: &[f64]| lse_hessian(&a, x));
}

/// `small/newton/2`: [`hyperhess::newton_step`] on an `Objective` against num-dual's
/// static Hessian plus a 2 x 2 Cholesky solve written by hand.
fn newton_2(c: &mut Criterion<CpuTime>) {
    use hyperhess::{NewtonOptions, testfns::Rosenbrock};
    let x = [-1.2, 1.0];
    let xs = na35::SVector::<f64, 2>::from_column_slice(&x);
    let by_hand = |x: &na35::SVector<f64, 2>| {
        let (_, g, h) = num_dual::hessian(
            |v: na35::SVector<Dual2SVec64<2>, 2>| rosenbrock_nd(v.as_slice()),
            x,
        );
        // H = L L^T, then L L^T p = -g.
        let l11 = h[(0, 0)].sqrt();
        let l21 = h[(1, 0)] / l11;
        let l22 = (h[(1, 1)] - l21 * l21).sqrt();
        let y1 = -g[0] / l11;
        let y2 = (-g[1] - l21 * y1) / l22;
        let p2 = y2 / l22;
        let p1 = (y1 - l21 * p2) / l11;
        [p1, p2]
    };
    let ours =
        |x: &[f64; 2]| hyperhess::newton_step(&Rosenbrock, x, &NewtonOptions::default()).unwrap();
    let s = ours(&x);
    let p = by_hand(&xs);
    assert!((s.step[0] - p[0]).abs() < 1e-12 * p[0].abs().max(1.0));
    assert!((s.step[1] - p[1]).abs() < 1e-12 * p[1].abs().max(1.0));
    let mut g = c.benchmark_group("small/newton/2");
    g.measurement_time(Duration::from_secs(2))
        .warm_up_time(Duration::from_millis(500))
        .sample_size(30);
    g.bench_function("newton_step", |b| b.iter(|| ours(black_box(&x))));
    g.bench_function("num_dual_static_cholesky", |b| {
        b.iter(|| by_hand(black_box(&xs)))
    });
    g.finish();
}

fn benches(c: &mut Criterion<CpuTime>) {
    newton_2(c);
    user_n::<2>(c);
    user_n::<4>(c);
    user_n::<8>(c);
}

criterion_group! {
    name = small;
    config = Criterion::default().with_measurement(CpuTime);
    targets = benches
}
criterion_main!(small);
