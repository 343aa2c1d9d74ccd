//! Many points at once (`hessian_batch`, `gradient_batch`): each point's results are
//! the single-point drivers' bits (`derivatives_of`, `gradient`), at every thread
//! count; the engine is the static number up to its reach and the tape above;
//! failures are per point, named, and NaN in the results; the call's own errors
//! are typed; a reused `Batch` gives the same results as a fresh one.

use hyperhess::testfns::{Chain, LogSumExp, Rosenbrock};
use hyperhess::{Batch, BatchOptions, Error, Objective, Scalar};
use std::sync::atomic::{AtomicUsize, Ordering};

/// `m` points of `n` coordinates in `[-1.5, 1.5]`, deterministic.
fn points(m: usize, n: usize) -> Vec<f64> {
    (0..m * n)
        .map(|k| 1.5 * (0.37 * k as f64 + 0.1).sin())
        .collect()
}

fn with_threads(threads: usize) -> BatchOptions {
    BatchOptions {
        threads: Some(threads),
        ..BatchOptions::default()
    }
}

/// `f` at every point: the batch against `derivatives_of` (Hessians) and the
/// gradient drivers, in bits, for one and two threads.
fn agrees_with_single_points<O: Objective + Sync>(f: &O, n: usize, m: usize) {
    let xs = points(m, n);
    for threads in [1, 2] {
        let opts = with_threads(threads);
        let mut h = Batch::new();
        hyperhess::hessian_batch_into(f, &xs, n, &opts, &mut h).unwrap();
        let mut g = Batch::new();
        hyperhess::gradient_batch_into(f, &xs, n, &opts, &mut g).unwrap();
        assert_eq!((h.len(), g.len(), h.inputs()), (m, m, n));
        assert!(h.failures().is_empty() && g.failures().is_empty());
        assert!(g.hessians().is_empty());
        for (i, x) in xs.chunks_exact(n).enumerate() {
            let d = hyperhess::derivatives_of(f, x).unwrap();
            let ctx = format!("n = {n}, point {i}, {threads} threads");
            assert_eq!(h.value(i).to_bits(), d.value.to_bits(), "{ctx}");
            assert_eq!(h.gradient(i), d.gradient.as_slice(), "{ctx}");
            assert_eq!(h.hessian(i), d.hessian, "{ctx}");
            // Gradients: the static number up to its reach (the engine of
            // `derivatives_of` there), the tape's reverse sweep above.
            let want = if n <= BatchOptions::GRADIENT_STATIC_UP_TO {
                d.gradient
            } else {
                hyperhess::gradient(|v| f.eval(v), x).unwrap()
            };
            assert_eq!(g.gradient(i), want.as_slice(), "{ctx}");
            assert_eq!(g.value(i).to_bits(), d.value.to_bits(), "{ctx}");
        }
    }
}

/// A branch on the first coordinate (and a `max`): points on both sides, so the
/// tape engine's prepared recording is recorded again where the path changes.
struct Branchy;
impl Objective for Branchy {
    fn eval<S: Scalar>(&self, x: &[S]) -> S {
        let s: S = x.iter().map(|&xi| xi * xi).sum();
        if x[0] > 0.0 {
            s * x[0] + x[x.len() - 1].max(x[0])
        } else {
            x.iter().map(|&xi| xi.sin()).sum::<S>() * s
        }
    }
}

#[test]
fn each_point_is_the_single_point_result_in_bits() {
    for n in [1, 2, 3, 5, 6, 7, 10, 11, 12, 16, 24] {
        agrees_with_single_points(&Chain, n, 150);
        agrees_with_single_points(&Rosenbrock, n, 150);
        agrees_with_single_points(&LogSumExp::random(n, n, 7), n, 150);
        agrees_with_single_points(&Branchy, n, 150);
    }
}

/// Counts the evaluations on each engine, by the scalar type's name (`Dual2`: the
/// static number; `Var`: the tape).
#[derive(Default)]
struct Spy {
    forward: AtomicUsize,
    tape: AtomicUsize,
}

impl Objective for Spy {
    fn eval<S: Scalar>(&self, x: &[S]) -> S {
        let name = std::any::type_name::<S>();
        if name.contains("Var") {
            self.tape.fetch_add(1, Ordering::Relaxed);
        } else if name.contains("Dual2") {
            self.forward.fetch_add(1, Ordering::Relaxed);
        } else {
            panic!("an engine that is neither forward nor the tape: {name}");
        }
        x.iter().map(|&xi| xi * xi * xi).sum()
    }
}

/// The static number up to `static_up_to` (default reach per call, at most
/// `STATIC_MAX`), the tape above (prepared once per thread); every dispatch arm
/// 1..=STATIC_MAX is reached.
#[test]
fn the_engine_is_chosen_by_n() {
    let m = 10;
    let cases = [
        (None, true, BatchOptions::HESSIAN_STATIC_UP_TO),
        (None, false, BatchOptions::GRADIENT_STATIC_UP_TO),
        (Some(0), true, 0),
        (
            Some(BatchOptions::STATIC_MAX),
            true,
            BatchOptions::STATIC_MAX,
        ),
        (Some(100), false, BatchOptions::STATIC_MAX),
    ];
    for (static_up_to, hessians, reach) in cases {
        for n in 1..=BatchOptions::STATIC_MAX + 2 {
            let spy = Spy::default();
            let opts = BatchOptions {
                static_up_to,
                threads: Some(1),
            };
            // Multiples of 1/4 in [-1, 1]: x³, 3x² and 6x are exact on either engine.
            let xs: Vec<f64> = (0..m * n).map(|k| (k % 9) as f64 * 0.25 - 1.0).collect();
            let mut out = Batch::new();
            if hessians {
                hyperhess::hessian_batch_into(&spy, &xs, n, &opts, &mut out).unwrap();
            } else {
                hyperhess::gradient_batch_into(&spy, &xs, n, &opts, &mut out).unwrap();
            }
            let (forward, tape) = (spy.forward.into_inner(), spy.tape.into_inner());
            // One Dual2 evaluation per point; or one recording, at the first point,
            // moved to the others by its program (`prepare`: sum x³ has no branch).
            let want = if n <= reach { (m, 0) } else { (0, 1) };
            assert_eq!(
                (forward, tape),
                want,
                "n = {n}, {static_up_to:?}, hessians {hessians}"
            );
            // sum x³: gradient 3x², Hessian diag(6x), either engine.
            for (i, x) in xs.chunks_exact(n).enumerate() {
                for (k, &xk) in x.iter().enumerate() {
                    assert_eq!(out.gradient(i)[k], 3.0 * xk * xk);
                    if hessians {
                        assert_eq!(out.hessian(i)[(k, k)], 6.0 * xk);
                    }
                }
            }
        }
    }
}

struct LogSum;
impl Objective for LogSum {
    fn eval<S: Scalar>(&self, x: &[S]) -> S {
        x.iter().map(|&xi| xi.ln()).sum::<S>() + x[0].sqrt()
    }
}

/// Failed points: in order, with the single-point driver's error, NaN in every
/// slot; the other points unaffected; `complete` names the first.
#[test]
fn failures_are_per_point() {
    for n in [2, 11] {
        for threads in [1, 2] {
            // Points 3 (a NaN coordinate), 5 (ln of a negative), 700 (sqrt'(0)).
            let mut xs: Vec<f64> = (0..1000 * n).map(|k| 1.0 + (k % 7) as f64).collect();
            xs[3 * n + 1] = f64::NAN;
            xs[5 * n + 1] = -1.0;
            xs[700 * n] = 0.0;
            let b = log_sum_batch(&xs, n, threads);
            let failed: Vec<usize> = b.failures().iter().map(|(i, _)| *i).collect();
            assert_eq!(failed, [3, 5, 700], "n = {n}, {threads} threads");
            for (i, e) in b.failures() {
                let x = &xs[i * n..(i + 1) * n];
                let single = hyperhess::derivatives_of(&LogSum, x).unwrap_err();
                // By their text: a NaN in an error is not equal to itself.
                assert_eq!(format!("{e:?}"), format!("{single:?}"), "point {i}");
                assert!(b.value(*i).is_nan());
                assert!(b.gradient(*i).iter().all(|v| v.is_nan()));
                assert!(b.hessian(*i).iter().all(|v| v.is_nan()));
            }
            let d = hyperhess::derivatives_of(&LogSum, &xs[4 * n..5 * n]).unwrap();
            assert_eq!(b.hessian(4), d.hessian);
            match b.complete() {
                Err(Error::AtPoint { point: 3, error }) => {
                    assert!(matches!(*error, Error::NonFiniteInput { index: 1, .. }))
                }
                other => panic!("{other:?}"),
            }
        }
    }
}

fn log_sum_batch(xs: &[f64], n: usize, threads: usize) -> Batch {
    let mut b = Batch::new();
    hyperhess::hessian_batch_into(&LogSum, xs, n, &with_threads(threads), &mut b).unwrap();
    b
}

/// The call's own errors: `n = 0`, a length that is not a multiple of `n`, results
/// that cannot be sized; no points is an empty batch.
#[test]
fn argument_errors_are_typed() {
    let f = Rosenbrock;
    assert_eq!(
        hyperhess::hessian_batch(&f, &[1.0, 2.0], 0),
        Err(Error::EmptyInput)
    );
    assert!(matches!(
        hyperhess::gradient_batch(&f, &[1.0, 2.0, 3.0], 2),
        Err(Error::LengthMismatch {
            expected: 2,
            found: 3,
            ..
        })
    ));
    let empty = hyperhess::hessian_batch(&f, &[], 3).unwrap();
    assert!(empty.is_empty() && empty.failures().is_empty());
    // One point of n = 2^20 (8 MiB): its Hessian slot alone is 8 TiB, which the
    // allocator refuses (Linux's heuristic overcommit, mode 0, refuses one request
    // beyond RAM + swap; mode 2 refuses it too) before any work: a typed error.
    let mode = std::fs::read_to_string("/proc/sys/vm/overcommit_memory").unwrap_or_default();
    if mode.trim() == "1" {
        eprintln!("overcommit mode 1 would grant 8 TiB: the OutOfMemory case is not run");
        return;
    }
    let n = 1usize << 20;
    let bytes = 8 * (1 + n + n * n);
    let mut b = hyperhess::hessian_batch(&f, &[1.0, 2.0], 2).unwrap();
    assert_eq!(
        hyperhess::hessian_batch_into(&f, &vec![1.0; n], n, &BatchOptions::default(), &mut b),
        Err(Error::OutOfMemory { bytes })
    );
    assert!(b.is_empty() && b.gradients().is_empty() && b.hessians().is_empty());
}

/// A `Batch` filled again (smaller, larger, gradients after Hessians) holds exactly
/// what a fresh one would.
#[test]
fn a_reused_batch_is_a_fresh_batch() {
    let f = Chain;
    let mut reused = Batch::new();
    let opts = BatchOptions::default();
    for (m, n, hessians) in [
        (500, 3, true),
        (20, 3, true),
        (700, 12, true),
        (30, 4, false),
        (90, 2, true),
    ] {
        let xs = points(m, n);
        let fresh = if hessians {
            hyperhess::hessian_batch_into(&f, &xs, n, &opts, &mut reused).unwrap();
            hyperhess::hessian_batch(&f, &xs, n).unwrap()
        } else {
            hyperhess::gradient_batch_into(&f, &xs, n, &opts, &mut reused).unwrap();
            hyperhess::gradient_batch(&f, &xs, n).unwrap()
        };
        assert_eq!(reused, fresh, "m = {m}, n = {n}");
    }
    // A failure does not outlive its call.
    let mut b = log_sum_batch(&[-1.0, 1.0], 1, 1);
    assert_eq!(b.failures().len(), 1);
    hyperhess::hessian_batch_into(&LogSum, &[1.0, 2.0], 1, &opts, &mut b).unwrap();
    assert!(b.failures().is_empty());
}

/// Enough work for helper threads to start (a tape at n = 20, thousands of points):
/// the same bits as one thread.
#[test]
fn two_threads_give_the_bits_of_one() {
    let (m, n) = (4000, 20);
    let xs = points(m, n);
    let f = LogSumExp::random(n, n, 3);
    let mut one = Batch::new();
    let mut two = Batch::new();
    hyperhess::hessian_batch_into(&f, &xs, n, &with_threads(1), &mut one).unwrap();
    hyperhess::hessian_batch_into(&f, &xs, n, &with_threads(2), &mut two).unwrap();
    assert_eq!(one, two);
    assert_eq!(one.len(), m);
}

/// A gradient batch asks nothing of the Hessian: `x^1.5` at 0 has gradient 0 and an
/// infinite second derivative, which fails the Hessian batch only.
#[test]
fn a_gradient_batch_ignores_the_hessian_part() {
    struct Pow15;
    impl Objective for Pow15 {
        fn eval<S: Scalar>(&self, x: &[S]) -> S {
            x[0].powf(1.5) + x[1]
        }
    }
    for static_up_to in [None, Some(0)] {
        let opts = BatchOptions {
            static_up_to,
            threads: Some(1),
        };
        let mut b = Batch::new();
        hyperhess::gradient_batch_into(&Pow15, &[0.0, 1.0, 4.0, 1.0], 2, &opts, &mut b).unwrap();
        assert!(
            b.failures().is_empty(),
            "{static_up_to:?}: {:?}",
            b.failures()
        );
        assert_eq!(b.gradients(), &[0.0, 1.0, 3.0, 1.0]);
        hyperhess::hessian_batch_into(&Pow15, &[0.0, 1.0, 4.0, 1.0], 2, &opts, &mut b).unwrap();
        assert!(matches!(
            b.failures(),
            [(0, Error::NonFiniteHessian { row: 0, col: 0, .. })]
        ));
    }
}
