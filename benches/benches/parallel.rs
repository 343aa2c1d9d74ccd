//! The `parallel` feature: dense lane sweeps on one thread against rayon's threads
//! (`parallel/<function>/<n>`, ids `serial` and `threads`), with the sparse path
//! switched off so that all `n / 8` sweeps run. Needs the feature:
//! `cargo bench -p hyperhess-rivals --features parallel --bench parallel`.

use criterion::{Criterion, criterion_group, criterion_main};
use hyperhess::testfns::{chain, log_sum_exp};
use hyperhess::{Options, Sparsity};
use hyperhess_rivals::*;
use std::hint::black_box;
use std::time::Duration;

/// One group: the dense Hessian of `$f` serial and on threads, and one `f`.
macro_rules! serial_vs_threads {
    ($c:expr, $name:literal, $n:expr, $x:expr, $serial:expr, $threads:expr, $f:expr) => {{
        let mut g = $c.benchmark_group(format!("parallel/{}/{}", $name, $n));
        g.measurement_time(Duration::from_secs(3))
            .warm_up_time(Duration::from_millis(300))
            .sample_size(10)
            .nresamples(2000);
        for (id, o) in [("serial", $serial), ("threads", $threads)] {
            g.bench_function(id, |b| {
                b.iter(|| hyperhess::hessian_with(|v| $f(v), black_box($x), o).unwrap())
            });
        }
        g.bench_function("f", |b| b.iter(|| $f(black_box($x.as_slice()))));
        g.finish();
    }};
}

fn benches(c: &mut Criterion) {
    let serial = Options {
        parallel: false,
        sparsity: Sparsity::Dense,
        ..Options::default()
    };
    let threads = Options {
        parallel: true,
        ..serial.clone()
    };
    for n in [512, 2048] {
        let x = point(n);
        // log-sum-exp's tape has 2 n^2 nodes: at n = 2048 one dense Hessian takes
        // minutes, so it runs at 512 only; the chain runs at both sizes.
        if n <= 512 {
            let a = lse_matrix(n);
            serial_vs_threads!(c, "log_sum_exp", n, &x, &serial, &threads, |v| log_sum_exp(
                &a, v
            ));
        }
        serial_vs_threads!(c, "chain", n, &x, &serial, &threads, chain);
    }
}

criterion_group!(parallel, benches);
criterion_main!(parallel);
