//! Many points at once (issue 20, item 4): one function's Hessians (and gradients)
//! at `M` points, [`hyperhess::hessian_batch_into`] on one and on two threads
//! against num-dual's static numbers called in a loop over the same points (the
//! results written to a flat buffer, as the batch does). One criterion group per
//! function, quantity and `n` (`batch/<hessian|gradient>/<function>/<n>`), with
//! `Throughput::Elements(M)`, so criterion prints points per second:
//!
//! - `batch_1t`, `batch_2t`: the batch with `threads: Some(1)` / `Some(2)` (default
//!   engine choice: the static number up to n = 10 for Hessians, 4 for gradients);
//! - `batch_static_1t`, `batch_tape_1t`: the engine forced (`static_up_to: Some(12)`,
//!   `Some(0)`: the static number, or the tape prepared once per thread), one thread
//!   (the crossover);
//! - `static_loop`: `forward::derivatives_static` in a plain loop (the batch's
//!   overhead);
//! - `num_dual_loop`: `num_dual::hessian` over `Dual2SVec64<N>` (`num_dual::gradient`
//!   over `DualSVec64<N>`) in a loop, one thread.
//!
//! Plus `batch/hessian/rosenbrock/3/million`: 10^6 points on one and two threads.
//!
//! Every method's results are checked against the batch's before timing.
//!
//! Run: `cargo bench -p hyperhess-rivals --bench batch`.

use std::hint::black_box;
use std::time::Duration;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use hyperhess::testfns::{Chain, Rosenbrock};
use hyperhess::{Batch, BatchOptions, Objective};
use hyperhess_rivals::{chain_nd, point, rosenbrock_nd};
use nalgebra35 as na35;
use num_dual::{Dual2SVec64, DualSVec64};

/// Points per iteration.
const M: usize = 10_000;

/// `m` points of `n` coordinates: the benchmark point, shifted per point.
fn points(m: usize, n: usize) -> Vec<f64> {
    let base = point(n);
    (0..m)
        .flat_map(|k| base.iter().map(move |&b| b + 1e-4 * k as f64))
        .collect()
}

fn opts(threads: usize, static_up_to: Option<usize>) -> BatchOptions {
    BatchOptions {
        threads: Some(threads),
        static_up_to,
    }
}

fn close(name: &str, got: &[f64], want: &[f64]) {
    assert_eq!(got.len(), want.len(), "{name}: length");
    for (k, (g, w)) in got.iter().zip(want).enumerate() {
        assert!(
            (g - w).abs() <= 1e-12 * (1.0 + w.abs()),
            "{name}: entry {k}: {g} vs {w}"
        );
    }
}

/// One `batch/hessian/<name>/<N>` and one `batch/gradient/<name>/<N>` group.
/// `nd2` and `nd1` are the function's num-dual twin at its static second- and
/// first-order numbers.
fn bench_fn<const N: usize, O: Objective + Sync>(
    c: &mut Criterion,
    name: &str,
    f: &O,
    nd2: fn(&[Dual2SVec64<N>]) -> Dual2SVec64<N>,
    nd1: fn(&[DualSVec64<N>]) -> DualSVec64<N>,
) {
    let xs = points(M, N);
    let run = |o: &BatchOptions, hess: bool, out: &mut Batch| {
        if hess {
            hyperhess::hessian_batch_into(f, &xs, N, o, out).unwrap()
        } else {
            hyperhess::gradient_batch_into(f, &xs, N, o, out).unwrap()
        }
    };
    let nd_hessians = |out: &mut [f64]| {
        for (x, h) in xs.chunks_exact(N).zip(out.chunks_exact_mut(N * N)) {
            let x = na35::SVector::<f64, N>::from_column_slice(x);
            let (_, _, hx) =
                num_dual::hessian(|v: na35::SVector<Dual2SVec64<N>, N>| nd2(v.as_slice()), &x);
            h.copy_from_slice(hx.as_slice());
        }
    };
    let nd_gradients = |out: &mut [f64]| {
        for (x, g) in xs.chunks_exact(N).zip(out.chunks_exact_mut(N)) {
            let x = na35::SVector::<f64, N>::from_column_slice(x);
            let (_, gx) =
                num_dual::gradient(|v: na35::SVector<DualSVec64<N>, N>| nd1(v.as_slice()), &x);
            g.copy_from_slice(gx.as_slice());
        }
    };
    let static_loop = |hs: &mut [f64]| {
        for (x, h) in xs.chunks_exact(N).zip(hs.chunks_exact_mut(N * N)) {
            let x: &[f64; N] = x.try_into().unwrap();
            let d = hyperhess::forward::derivatives_static(|v| f.eval(v), x).unwrap();
            h.copy_from_slice(d.hessian.as_slice());
        }
    };

    // Checks before timing: every method against the one-thread batch.
    let mut reference = Batch::new();
    let mut out = Batch::new();
    let mut buf = vec![0.0; M * N * N];
    run(&opts(1, None), true, &mut reference);
    assert!(reference.failures().is_empty());
    for o in [opts(2, None), opts(1, Some(0)), opts(1, Some(12))] {
        run(&o, true, &mut out);
        close("batch", out.hessians(), reference.hessians());
    }
    nd_hessians(&mut buf);
    close("num_dual hessian", &buf, reference.hessians());
    static_loop(&mut buf);
    close("static loop", &buf, reference.hessians());
    run(&opts(1, None), false, &mut out);
    nd_gradients(&mut buf[..M * N]);
    close("num_dual gradient", &buf[..M * N], out.gradients());
    close("gradient batch", out.gradients(), reference.gradients());

    for hess in [true, false] {
        let what = if hess { "hessian" } else { "gradient" };
        let mut g = c.benchmark_group(format!("batch/{what}/{name}/{N}"));
        g.throughput(Throughput::Elements(M as u64))
            .measurement_time(Duration::from_secs(2))
            .warm_up_time(Duration::from_millis(500))
            .sample_size(20);
        g.bench_function("batch_1t", |b| {
            b.iter(|| run(&opts(1, None), hess, black_box(&mut out)))
        });
        g.bench_function("batch_2t", |b| {
            b.iter(|| run(&opts(2, None), hess, black_box(&mut out)))
        });
        g.bench_function("batch_static_1t", |b| {
            b.iter(|| run(&opts(1, Some(12)), hess, black_box(&mut out)))
        });
        g.bench_function("batch_tape_1t", |b| {
            b.iter(|| run(&opts(1, Some(0)), hess, black_box(&mut out)))
        });
        if hess {
            g.bench_function("static_loop", |b| {
                b.iter(|| static_loop(black_box(&mut buf)))
            });
            g.bench_function("num_dual_loop", |b| {
                b.iter(|| nd_hessians(black_box(&mut buf)))
            });
        } else {
            g.bench_function("num_dual_loop", |b| {
                b.iter(|| nd_gradients(black_box(&mut buf[..M * N])))
            });
        }
        g.finish();
    }
}

fn million(c: &mut Criterion) {
    let xs = points(1_000_000, 3);
    let mut out = Batch::new();
    let mut g = c.benchmark_group("batch/hessian/rosenbrock/3/million");
    g.throughput(Throughput::Elements(1_000_000))
        .measurement_time(Duration::from_secs(4))
        .warm_up_time(Duration::from_millis(500))
        .sample_size(10);
    for threads in [1, 2] {
        g.bench_function(format!("batch_{threads}t"), |b| {
            b.iter(|| {
                hyperhess::hessian_batch_into(&Rosenbrock, &xs, 3, &opts(threads, None), &mut out)
                    .unwrap()
            })
        });
    }
    g.finish();
}

fn benches(c: &mut Criterion) {
    bench_n::<3>(c);
    bench_n::<6>(c);
    bench_n::<12>(c);
    million(c);
}

fn bench_n<const N: usize>(c: &mut Criterion) {
    bench_fn::<N, _>(c, "rosenbrock", &Rosenbrock, rosenbrock_nd, rosenbrock_nd);
    bench_fn::<N, _>(c, "chain", &Chain, chain_nd, chain_nd);
}

criterion_group!(batch, benches);
criterion_main!(batch);
