use hyperhess::testfns::LuksanVlcek;
use hyperhess::{LagrangianPlan, Nlp};
use std::time::Instant;
fn median(mut v: Vec<f64>) -> f64 { v.sort_by(|a, b| a.partial_cmp(b).unwrap()); v[v.len() / 2] }
fn main() {
    for n in [1_000usize, 10_000, 100_000] {
        let nlp = LuksanVlcek(n);
        let m = n - 2;
        let x0 = nlp.start();
        let x: Vec<f64> = x0.iter().enumerate().map(|(i, v)| v + 0.1 * (i as f64).sin()).collect();
        let lambda: Vec<f64> = (0..m).map(|k| 0.3 + 0.2 * (0.9 * k as f64).cos()).collect();
        let t = Instant::now();
        let plan = LagrangianPlan::new(&nlp, &x0).unwrap();
        let prep = t.elapsed().as_secs_f64();
        let mut h = vec![0.0; plan.hessian_nnz()];
        let mut j = vec![0.0; plan.jacobian_nnz()];
        let mut g = vec![0.0; n];
        let reps = (2_000_000 / n).max(5);
        let time = |f: &mut dyn FnMut()| {
            let mut s = Vec::new();
            for _ in 0..7 { let t = Instant::now(); for _ in 0..reps { f(); } s.push(t.elapsed().as_secs_f64() / reps as f64); }
            median(s)
        };
        let th = time(&mut || plan.hessian_values(&nlp, &x, 1.0, &lambda, &mut h).unwrap());
        let tj = time(&mut || plan.jacobian_values(&nlp, &x, &mut j).unwrap());
        let tg = time(&mut || { plan.gradient_values(&nlp, &x, &mut g).unwrap(); });
        let mut c = vec![0.0; m];
        let tf = time(&mut || { nlp.constraints(&x, &mut c); std::hint::black_box(nlp.objective(&x)); });
        println!("n={n} prep={:.2}ms hess={:.1}us jac={:.1}us grad={:.1}us f+g={:.1}us", prep*1e3, th*1e6, tj*1e6, tg*1e6, tf*1e6);
    }
}
