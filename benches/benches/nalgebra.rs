//! A molecular energy written with nalgebra types inside `Objective::eval<S:
//! Scalar>` (`testfns::Cluster`: `Vector3`, `Matrix3`, `norm_squared`, `norm`,
//! `dot`, `cross`) against the same energy written over slices
//! (`testfns::cluster_slices`), side by side in one run, per method and size
//! (`nalgebra/cluster/<atoms>`):
//!
//! - `tape_nalgebra` / `tape_slices`: [`hyperhess::hessian`] (recording included);
//! - `gradient_nalgebra` / `gradient_slices`: [`hyperhess::gradient`];
//! - `forward_nalgebra`: [`hyperhess::forward::hessian`] (the only engine nalgebra
//!   code ran on before `Var` lost its lifetime), up to 13 atoms;
//! - `f_nalgebra` / `f_slices`: one plain evaluation.
//!
//! Both versions are checked to give the same Hessian before they are timed.
//! Run: `cargo bench -p hyperhess-rivals --bench nalgebra`.

use criterion::{Criterion, criterion_group, criterion_main};
use hyperhess::Objective;
use hyperhess::testfns::{Cluster, cluster_slices};
use std::hint::black_box;
use std::time::Duration;

fn bench(c: &mut Criterion) {
    for atoms in [5, 13, 38] {
        let x = Cluster::start(atoms);
        let h_nalgebra = hyperhess::hessian(|x| Cluster.eval(x), &x).unwrap();
        let h_slices = hyperhess::hessian(|x| cluster_slices(x), &x).unwrap();
        let scale = h_slices.amax().max(1.0);
        assert!((h_nalgebra - h_slices).amax() <= 1e-12 * scale);

        let mut g = c.benchmark_group(format!("nalgebra/cluster/{atoms}"));
        g.measurement_time(Duration::from_millis(2000))
            .warm_up_time(Duration::from_millis(300))
            .sample_size(30);
        g.bench_function("tape_nalgebra", |b| {
            b.iter(|| hyperhess::hessian(|x| Cluster.eval(x), black_box(&x)).unwrap())
        });
        g.bench_function("tape_slices", |b| {
            b.iter(|| hyperhess::hessian(|x| cluster_slices(x), black_box(&x)).unwrap())
        });
        g.bench_function("gradient_nalgebra", |b| {
            b.iter(|| hyperhess::gradient(|x| Cluster.eval(x), black_box(&x)).unwrap())
        });
        g.bench_function("gradient_slices", |b| {
            b.iter(|| hyperhess::gradient(|x| cluster_slices(x), black_box(&x)).unwrap())
        });
        if atoms <= 13 {
            g.bench_function("forward_nalgebra", |b| {
                b.iter(|| hyperhess::forward::hessian(|x| Cluster.eval(x), black_box(&x)).unwrap())
            });
        }
        g.bench_function("f_nalgebra", |b| b.iter(|| Cluster.eval(black_box(&x[..]))));
        g.bench_function("f_slices", |b| b.iter(|| cluster_slices(black_box(&x[..]))));
        g.finish();
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
