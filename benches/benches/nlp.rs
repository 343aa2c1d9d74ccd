//! The constrained-problem layer (issue 18), Lukšan–Vlček 5.1 at n = 10^3, 10^4,
//! 10^5 (`nlp/<what>/<n>`), per evaluation at a new point:
//!
//! - `hessian`: [`hyperhess::LagrangianPlan::hessian_values`] (lower triangle);
//! - `prepared_hessian`: [`hyperhess::PreparedNlp::hessian_values`] (prepared once,
//!   at two alternating points);
//! - `jacobian`: [`hyperhess::LagrangianPlan::jacobian_values`];
//! - `evaluate`: [`hyperhess::LagrangianPlan::evaluate`] (objective, gradient,
//!   constraints, Jacobian and Hessian from one recording);
//! - `workaround_hessian`: what a user did before: one closure for the scalar
//!   Lagrangian (capturing lambda) and a [`hyperhess::SparsePlan`];
//! - `workaround_jacobian`: the constraints' one-shot [`hyperhess::sparse_jacobian`];
//! - `new`: [`hyperhess::LagrangianPlan::new`] (preparation);
//! - `f`: one plain evaluation of the objective and the constraints.
//!
//! CasADi's numbers for the same problem come from `scripts/casadi_bench.py`.
//! Run: `cargo bench -p hyperhess-rivals --bench nlp`.

use criterion::{Criterion, criterion_group, criterion_main};
use hyperhess::testfns::LuksanVlcek;
use hyperhess::{LagrangianPlan, Nlp, Scalar, SparsePlan};
use std::hint::black_box;
use std::time::Duration;

fn lagrangian<S: Scalar>(nlp: &LuksanVlcek, x: &[S], sigma: f64, lambda: &[f64]) -> S {
    let mut g = vec![S::from_f64(0.0); nlp.num_constraints()];
    nlp.constraints(x, &mut g);
    g.iter()
        .zip(lambda)
        .fold(nlp.objective(x) * sigma, |acc, (&gk, &l)| acc + gk * l)
}

fn bench(c: &mut Criterion) {
    let sizes: Vec<usize> = std::env::var("NLP_SIZES")
        .map(|s| s.split(',').map(|v| v.parse().unwrap()).collect())
        .unwrap_or_else(|_| vec![1_000, 10_000, 100_000]);
    for n in sizes {
        let nlp = LuksanVlcek(n);
        let m = nlp.num_constraints();
        let x0 = nlp.start();
        // A new point: the start moved (the plan was built at x0).
        let x: Vec<f64> = x0
            .iter()
            .enumerate()
            .map(|(i, v)| v + 0.1 * (i as f64).sin())
            .collect();
        let lambda: Vec<f64> = (0..m).map(|k| 0.3 + 0.2 * (0.9 * k as f64).cos()).collect();
        let plan = LagrangianPlan::new(&nlp, &x0).unwrap();
        let mut h = vec![0.0; plan.hessian_nnz()];
        let mut j = vec![0.0; plan.jacobian_nnz()];
        let mut v = plan.values();
        let mut g = c.benchmark_group(format!("nlp/luksan_vlcek/{n}"));
        let (samples, time) = if n >= 100_000 { (10, 3000) } else { (20, 1500) };
        g.measurement_time(Duration::from_millis(time))
            .warm_up_time(Duration::from_millis(300))
            .sample_size(samples);
        g.bench_function("hessian", |b| {
            b.iter(|| {
                plan.hessian_values(&nlp, black_box(&x), 1.0, &lambda, &mut h)
                    .unwrap()
            })
        });
        // Prepared once (`PreparedNlp`): the recording moved to each point by its
        // program, at two alternating points so that every call is at a new one.
        let mut prepared = hyperhess::PreparedNlp::new(nlp, &x0).unwrap();
        let x1: Vec<f64> = x.iter().map(|v| v * 0.99 + 0.01).collect();
        let xs = [x.clone(), x1];
        let mut k = 0usize;
        g.bench_function("prepared_hessian", |b| {
            b.iter(|| {
                k += 1;
                prepared
                    .hessian_values(black_box(&xs[k % 2]), 1.0, &lambda, &mut h)
                    .unwrap()
            })
        });
        g.bench_function("jacobian", |b| {
            b.iter(|| plan.jacobian_values(&nlp, black_box(&x), &mut j).unwrap())
        });
        g.bench_function("evaluate", |b| {
            b.iter(|| {
                plan.evaluate(&nlp, black_box(&x), 1.0, &lambda, &mut v)
                    .unwrap()
            })
        });
        let scalar = SparsePlan::new(|y| lagrangian(&nlp, y, 1.0, &lambda), &x0).unwrap();
        g.bench_function("workaround_hessian", |b| {
            b.iter(|| {
                scalar
                    .hessian(|y| lagrangian(&nlp, y, 1.0, &lambda), black_box(&x))
                    .unwrap()
            })
        });
        g.bench_function("workaround_jacobian", |b| {
            b.iter(|| {
                hyperhess::sparse_jacobian(
                    |y| {
                        let mut out = vec![hyperhess::Var::from_f64(0.0); m];
                        nlp.constraints(y, &mut out);
                        out
                    },
                    black_box(&x),
                )
                .unwrap()
            })
        });
        g.bench_function("new", |b| {
            b.iter(|| LagrangianPlan::new(&nlp, black_box(&x0)).unwrap())
        });
        let mut out = vec![0.0; m];
        g.bench_function("f", |b| {
            b.iter(|| {
                nlp.constraints(black_box(&x), &mut out);
                nlp.objective(black_box(&x))
            })
        });
        g.finish();
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
