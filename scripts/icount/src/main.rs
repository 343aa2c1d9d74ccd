use hyperhess::testfns::{LogSumExp, chain, log_sum_exp, rosenbrock};
use std::hint::black_box;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let (what, func, n, reps): (&str, &str, usize, usize) =
        (&args[1], &args[2], args[3].parse().unwrap(), args[4].parse().unwrap());
    let x: Vec<f64> = (0..n).map(|i| (0.7 * i as f64).sin()).collect();
    let a = LogSumExp::random(n, n, 42).a;
    let v: Vec<f64> = (0..n).map(|i| 1.0 / (1.0 + i as f64)).collect();
    for _ in 0..reps {
        match (what, func) {
            ("hessian", "rosenbrock") => { black_box(hyperhess::hessian(|x| rosenbrock(x), black_box(&x)).unwrap()); }
            ("hessian", "chain") => { black_box(hyperhess::hessian(|x| chain(x), black_box(&x)).unwrap()); }
            ("hessian", "lse") => { black_box(hyperhess::hessian(|x| log_sum_exp(&a, x), black_box(&x)).unwrap()); }
            ("hvp", "rosenbrock") => { black_box(hyperhess::hvp(|x| rosenbrock(x), black_box(&x), &v).unwrap()); }
            ("hvp", "chain") => { black_box(hyperhess::hvp(|x| chain(x), black_box(&x), &v).unwrap()); }
            ("hvp", "lse") => { black_box(hyperhess::hvp(|x| log_sum_exp(&a, x), black_box(&x), &v).unwrap()); }
            ("gradient", "rosenbrock") => { black_box(hyperhess::gradient(|x| rosenbrock(x), black_box(&x)).unwrap()); }
            ("gradient", "chain") => { black_box(hyperhess::gradient(|x| chain(x), black_box(&x)).unwrap()); }
            ("gradient", "lse") => { black_box(hyperhess::gradient(|x| log_sum_exp(&a, x), black_box(&x)).unwrap()); }
            ("sparse", "rosenbrock") => { black_box(hyperhess::sparse_hessian(|x| rosenbrock(x), black_box(&x)).unwrap()); }
            ("f", "rosenbrock") => { black_box(rosenbrock(black_box(&x))); }
            ("f", "chain") => { black_box(chain(black_box(&x))); }
            ("f", "lse") => { black_box(log_sum_exp(&a, black_box(&x))); }
            _ => panic!("unknown"),
        }
    }
}
