use hyperhess::testfns::{LogSumExp, chain, log_sum_exp, rosenbrock};
use std::hint::black_box;

/// With `HH_TIME` set: the median and fastest of the calls' wall times (the first
/// call left out), on stderr.
fn report(mut times: Vec<f64>) {
    if std::env::var_os("HH_TIME").is_none() || times.is_empty() {
        return;
    }
    times.sort_by(f64::total_cmp);
    eprintln!(
        "median {:.1} us  min {:.1} us",
        times[times.len() / 2] * 1e6,
        times[0] * 1e6
    );
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let (what, func, n, reps): (&str, &str, usize, usize) = (
        &args[1],
        &args[2],
        args[3].parse().unwrap(),
        args[4].parse().unwrap(),
    );
    // With `HH_KEEP=<bytes>`: the memory each thread keeps between calls.
    if let Some(bytes) = std::env::var_os("HH_KEEP") {
        hyperhess::memory::set_keep_limit(bytes.to_str().unwrap().parse().unwrap());
    }
    let x: Vec<f64> = (0..n).map(|i| (0.7 * i as f64).sin()).collect();
    let a = if func.starts_with("lse") {
        LogSumExp::random(n, n, 42).a
    } else {
        Vec::new()
    };
    let v: Vec<f64> = (0..n).map(|i| 1.0 / (1.0 + i as f64)).collect();
    let x1: Vec<f64> = x.iter().map(|v| v * 0.9 + 0.05).collect();
    let xs = [x.clone(), x1];
    // The Lagrangian Hessian of Luksan-Vlcek (n inputs, n - 2 constraints) at
    // alternating points: from `LagrangianPlan` (`nlp_hessian`: the Lagrangian
    // recorded at each point) or `PreparedNlp` (`prepared_nlp_hessian`: owning
    // the problem, so its program).
    if what == "nlp_hessian" || what == "prepared_nlp_hessian" {
        let nlp = hyperhess::testfns::LuksanVlcek(n);
        let x0 = nlp.start();
        let plan = hyperhess::LagrangianPlan::new(&nlp, &x0).unwrap();
        let mut prep =
            hyperhess::PreparedNlp::new(hyperhess::testfns::LuksanVlcek(n), &x0).unwrap();
        let lambda: Vec<f64> = (0..n - 2)
            .map(|k| 0.3 + 0.2 * (0.9 * k as f64).cos())
            .collect();
        let pts: Vec<Vec<f64>> = (0..2)
            .map(|r| {
                x0.iter()
                    .enumerate()
                    .map(|(i, v)| v + 0.1 * ((i + r) as f64).sin())
                    .collect()
            })
            .collect();
        let mut h = vec![0.0; plan.hessian_nnz()];
        let mut times = Vec::new();
        for k in 0..reps {
            let t0 = std::time::Instant::now();
            let x = black_box(&pts[k % 2]);
            if what == "nlp_hessian" {
                plan.hessian_values(&nlp, x, 1.0, &lambda, &mut h).unwrap();
            } else {
                prep.hessian_values(x, 1.0, &lambda, &mut h).unwrap();
            }
            black_box(&h);
            if k > 0 {
                times.push(t0.elapsed().as_secs_f64());
            }
        }
        report(times);
        let _ = func;
        return;
    }
    // Prepared functions (issue 21): prepared once, evaluated at alternating points.
    if let Some(q) = what.strip_prefix("prepared_") {
        macro_rules! run {
            ($f:expr) => {{
                let mut p = hyperhess::prepare(|x| $f(x), &x).unwrap();
                let plan = hyperhess::SparsePlan::new(|x| $f(x), &x).unwrap();
                let mut out: Vec<f64> = Vec::new();
                let mut times = Vec::new();
                for k in 0..reps {
                    let t0 = std::time::Instant::now();
                    let x = black_box(&xs[k % 2]);
                    match q {
                        "value" => {
                            black_box(p.value(x).unwrap());
                        }
                        "gradient" => {
                            black_box(p.gradient(x).unwrap());
                        }
                        "hvp" => {
                            black_box(p.hvp(x, &v).unwrap());
                        }
                        "hessian" => {
                            black_box(p.hessian(x).unwrap());
                        }
                        "sparse" => {
                            black_box(p.sparse_hessian(x).unwrap());
                        }
                        // The sparse Hessian's values into a kept buffer.
                        "values" => {
                            if k == 0 {
                                out = vec![0.0; p.sparse_plan().unwrap().pattern().nnz()];
                            }
                            p.sparse_hessian_values(x, &mut out).unwrap();
                            black_box(&out);
                        }
                        // What the prepared function, a plan and the recording hold.
                        "bytes" => {
                            if k == 0 {
                                // At another point: the loops found, the program rolled.
                                let _ = p.sparse_hessian(&xs[1]).unwrap();
                                let rec = p.recording().unwrap();
                                eprintln!(
                                    "prepared {} plan {} tape {} bytes, {} operations",
                                    p.bytes(),
                                    plan.bytes(),
                                    rec.tape_bytes(),
                                    rec.operations()
                                );
                            }
                        }
                        "plan" => {
                            black_box(plan.hessian(|x| $f(x), x).unwrap());
                        }
                        "plan_new" => {
                            black_box(hyperhess::SparsePlan::new(|x| $f(x), x).unwrap());
                        }
                        "record" => {
                            black_box(hyperhess::record(|x| $f(x), x).unwrap());
                        }
                        _ => panic!("unknown"),
                    }
                    if k > 0 {
                        times.push(t0.elapsed().as_secs_f64());
                    }
                }
                report(times);
            }};
        }
        match func {
            "rosenbrock" => run!(rosenbrock),
            "chain" => run!(chain),
            _ => run!(|x| log_sum_exp(&a, x)),
        }
        return;
    }
    let mut times = Vec::new();
    for k in 0..reps {
        let t0 = std::time::Instant::now();
        match (what, func) {
            ("hessian", "rosenbrock") => {
                black_box(hyperhess::hessian(|x| rosenbrock(x), black_box(&x)).unwrap());
            }
            ("hessian", "chain") => {
                black_box(hyperhess::hessian(|x| chain(x), black_box(&x)).unwrap());
            }
            ("hessian", "lse") => {
                black_box(hyperhess::hessian(|x| log_sum_exp(&a, x), black_box(&x)).unwrap());
            }
            ("hvp", "rosenbrock") => {
                black_box(hyperhess::hvp(|x| rosenbrock(x), black_box(&x), &v).unwrap());
            }
            ("hvp", "chain") => {
                black_box(hyperhess::hvp(|x| chain(x), black_box(&x), &v).unwrap());
            }
            ("hvp", "lse") => {
                black_box(hyperhess::hvp(|x| log_sum_exp(&a, x), black_box(&x), &v).unwrap());
            }
            ("gradient", "rosenbrock") => {
                black_box(hyperhess::gradient(|x| rosenbrock(x), black_box(&x)).unwrap());
            }
            ("gradient", "chain") => {
                black_box(hyperhess::gradient(|x| chain(x), black_box(&x)).unwrap());
            }
            ("gradient", "lse") => {
                black_box(hyperhess::gradient(|x| log_sum_exp(&a, x), black_box(&x)).unwrap());
            }
            ("sparse", "rosenbrock") => {
                black_box(hyperhess::sparse_hessian(|x| rosenbrock(x), black_box(&x)).unwrap());
            }
            ("sparse", "chain") => {
                black_box(hyperhess::sparse_hessian(|x| chain(x), black_box(&x)).unwrap());
            }
            ("diagonal", "rosenbrock") => {
                black_box(hyperhess::hessian_diagonal(|x| rosenbrock(x), black_box(&x)).unwrap());
            }
            ("diagonal", "chain") => {
                black_box(hyperhess::hessian_diagonal(|x| chain(x), black_box(&x)).unwrap());
            }
            ("f", "rosenbrock") => {
                black_box(rosenbrock(black_box(&x)));
            }
            ("f", "chain") => {
                black_box(chain(black_box(&x)));
            }
            ("f", "lse") => {
                black_box(log_sum_exp(&a, black_box(&x)));
            }
            ("f", "lse_user") => {
                black_box(lse_user(&a, black_box(&x)));
            }
            ("hessian", "lse_user") => {
                black_box(hyperhess::hessian(|x| lse_user(&a, x), black_box(&x)).unwrap());
            }
            ("hvp", "lse_user") => {
                black_box(hyperhess::hvp(|x| lse_user(&a, x), black_box(&x), &v).unwrap());
            }
            ("gradient", "lse_user") => {
                black_box(hyperhess::gradient(|x| lse_user(&a, x), black_box(&x)).unwrap());
            }
            ("record", "lse_user") => {
                black_box(hyperhess::record(|x| lse_user(&a, x), black_box(&x)).unwrap());
            }
            ("record", "rosenbrock") => {
                black_box(hyperhess::record(|x| rosenbrock(x), black_box(&x)).unwrap());
            }
            ("record", "chain") => {
                black_box(hyperhess::record(|x| chain(x), black_box(&x)).unwrap());
            }
            _ => panic!("unknown"),
        }
        if k > 0 {
            times.push(t0.elapsed().as_secs_f64());
        }
    }
    report(times);
}

/// `logsumexp(A x) + |x|^2 / 2` spelled as users spell it (`acc = acc + x[j] * a[j]`;
/// the twin of `hyperhess_rivals::lse_user`).
#[allow(clippy::assign_op_pattern, clippy::needless_range_loop)]
fn lse_user<S: hyperhess::Scalar>(a: &[Vec<f64>], x: &[S]) -> S {
    let mut ax: Vec<S> = Vec::new();
    for row in a {
        let mut acc = S::from_f64(0.0);
        for j in 0..x.len() {
            acc = acc + x[j] * row[j];
        }
        ax.push(acc);
    }
    let mut m = f64::NEG_INFINITY;
    for v in &ax {
        m = m.max(v.value());
    }
    let mut s = S::from_f64(0.0);
    for v in &ax {
        s = s + (*v - S::from_f64(m)).exp();
    }
    let mut sq = S::from_f64(0.0);
    for j in 0..x.len() {
        sq = sq + x[j] * x[j];
    }
    s.ln() + S::from_f64(m) + S::from_f64(0.5) * sq
}
