//! Newton at scale (issue 19), one group per problem (`newton/<problem>/<n>`),
//! one id per method, all in units of one `SparsePlan::hessian` (id `hessian`):
//!
//! - `hessian`: [`hyperhess::SparsePlan::hessian`] with the plan built once (the
//!   unit: record + compressed sweeps + CSC);
//! - `step_faer`: [`hyperhess::NewtonWorkspace::step`] with a warm workspace (one
//!   recording for value, gradient and Hessian; faer's sparse Cholesky, AMD
//!   ordering, symbolic analysis kept; the solve);
//! - `iteration_faer`: `step_faer` plus the accepted line-search trial (one `f64`
//!   evaluation): a full `minimize_newton` iteration when the unit step is taken;
//! - `step_nalgebra`: the same step by hand with nalgebra-sparse's `CscCholesky`
//!   (no fill-reducing ordering): `SparsePlan::hessian`, `gradient`, factor, solve;
//! - `cholesky_nalgebra`: `CscCholesky::factor` + solve alone, on the Hessian
//!   (timed once, not sampled, where its factor has over 4x faer's entries).
//!
//! The point is near the minimizer (positive definite Hessian, no shift).
//! Run: `cargo bench -p hyperhess-rivals --bench newton`.

use criterion::{Criterion, criterion_group, criterion_main};
use hyperhess::testfns::{ConvexChain, GridEnergy};
use hyperhess::{NewtonMethod, NewtonOptions, NewtonWorkspace, Objective, SparsePlan};
use nalgebra::DMatrix;
use nalgebra_sparse::factorization::CscCholesky;
use std::hint::black_box;
use std::time::Duration;

fn bench_problem<O: Objective>(c: &mut Criterion, name: &str, f: &O, x: &[f64]) {
    let n = x.len();
    let plan = SparsePlan::new(|v| f.eval(v), x).unwrap();
    let mut ws = NewtonWorkspace::new(NewtonOptions {
        method: NewtonMethod::Sparse,
        ..NewtonOptions::default()
    });
    let s = ws.step(f, x).unwrap();
    assert_eq!(s.tau, 0.0);
    // nalgebra's step agrees (correctness before speed).
    let h = plan.hessian(|v| f.eval(v), x).unwrap();
    let chol = CscCholesky::factor(&h).unwrap();
    let g = DMatrix::from_column_slice(n, 1, s.gradient.as_slice());
    let p = chol.solve(&(-&g));
    let diff = (p.column(0) - &s.step).norm() / s.step.norm();
    assert!(diff < 1e-8, "faer vs nalgebra step: {diff:e}");
    eprintln!(
        "{name}: n = {n}, H nnz = {}, colors = {}, faer L entries = {}, nalgebra L entries = {}",
        h.nnz(),
        plan.colors(),
        s.work.factor_entries,
        chol.l().nnz()
    );

    let mut group = c.benchmark_group(format!("newton/{name}/{n}"));
    group
        .sample_size(10)
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(3));
    group.bench_function("hessian", |b| {
        b.iter(|| plan.hessian(|v| f.eval(v), black_box(x)).unwrap())
    });
    group.bench_function("step_faer", |b| {
        b.iter(|| ws.step(f, black_box(x)).unwrap())
    });
    group.bench_function("iteration_faer", |b| {
        b.iter(|| {
            let s = ws.step(f, black_box(x)).unwrap();
            let trial: Vec<f64> = x.iter().zip(s.step.iter()).map(|(a, p)| a + p).collect();
            f.eval(&trial)
        })
    });
    // Without an ordering nalgebra's factor of the grid has 7x faer's entries and
    // takes tens of seconds: timed once, not sampled.
    if chol.l().nnz() > 4 * s.work.factor_entries {
        let t = std::time::Instant::now();
        let chol = CscCholesky::factor(black_box(&h)).unwrap();
        black_box(chol.solve(&(-&g)));
        eprintln!(
            "newton/{name}/{n}/cholesky_nalgebra (one run): {:.3} s",
            t.elapsed().as_secs_f64()
        );
        group.finish();
        return;
    }
    group.bench_function("step_nalgebra", |b| {
        b.iter(|| {
            let h = plan.hessian(|v| f.eval(v), black_box(x)).unwrap();
            let g = hyperhess::gradient(|v| f.eval(v), x).unwrap();
            let chol = CscCholesky::factor(&h).unwrap();
            chol.solve(&(-DMatrix::from_column_slice(n, 1, g.as_slice())))
        })
    });
    group.bench_function("cholesky_nalgebra", |b| {
        b.iter(|| {
            let chol = CscCholesky::factor(black_box(&h)).unwrap();
            chol.solve(&(-&g))
        })
    });
    group.finish();
}

fn newton(c: &mut Criterion) {
    // Near the minimizers (x = 1 solves x³ = 1 away from the ends).
    bench_problem(c, "chain", &ConvexChain, &vec![1.0; 100_000]);
    bench_problem(c, "grid", &GridEnergy { m: 300 }, &vec![0.9; 90_000]);
}

criterion_group!(benches, newton);
criterion_main!(benches);
