//! The tape engine against the forward engine, num-dual-free: both are ours but
//! independent code paths (seed-pair hyper-duals vs. recorded forward-over-reverse).

use approx::assert_relative_eq;
use hyperhess::testfns::{LogSumExp, chain, log_sum_exp, rosenbrock};
use hyperhess::{Error, Options, Scalar};
use proptest::prelude::*;

/// A named test function: its forward Hessian and the tape driver to compare.
type Case<'a> = (
    &'a str,
    nalgebra::DMatrix<f64>,
    Box<dyn Fn(&Options) -> Result<nalgebra::DMatrix<f64>, Error> + 'a>,
);

fn point(n: usize) -> Vec<f64> {
    (0..n)
        .map(|i| ((i as f64) * 0.7).sin() * 1.3 - 0.2)
        .collect()
}

#[test]
fn tape_hessian_matches_forward_on_composites_for_every_lane_width() {
    let a = LogSumExp::random(7, 13, 3).a;
    for n in [1, 2, 5, 13] {
        let x = point(n);
        let a = LogSumExp::random(7, n, 3).a;
        let cases: Vec<Case> = vec![
            (
                "rosenbrock",
                hyperhess::forward::hessian(|x| rosenbrock(x), &x).unwrap(),
                Box::new(|o: &Options| hyperhess::hessian_with(|x| rosenbrock(x), &x, o)),
            ),
            (
                "chain",
                hyperhess::forward::hessian(|x| chain(x), &x).unwrap(),
                Box::new(|o: &Options| hyperhess::hessian_with(|x| chain(x), &x, o)),
            ),
            (
                "lse",
                hyperhess::forward::hessian(|x| log_sum_exp(&a, x), &x).unwrap(),
                Box::new(|o: &Options| hyperhess::hessian_with(|x| log_sum_exp(&a, x), &x, o)),
            ),
        ];
        for (name, expected, tape) in &cases {
            for lanes in Options::LANE_WIDTHS {
                let h = tape(&Options {
                    lanes: Some(lanes),
                    ..Options::default()
                })
                .unwrap();
                assert_eq!(
                    h,
                    h.transpose(),
                    "{name} n={n} lanes={lanes}: not symmetric"
                );
                assert_relative_eq!(h, expected, max_relative = 1e-12, epsilon = 1e-13);
            }
        }
    }
    let _ = a;
}

#[test]
fn gradient_and_value_match_forward() {
    let x = point(9);
    let d = hyperhess::derivatives(|x| chain(x), &x).unwrap();
    assert_eq!(d.value, chain(&x));
    let g = hyperhess::forward::gradient(|x| chain(x), &x).unwrap();
    assert_relative_eq!(d.gradient, g, max_relative = 1e-13);
    assert_relative_eq!(
        hyperhess::gradient(|x| chain(x), &x).unwrap(),
        g,
        max_relative = 1e-13
    );
}

#[test]
fn one_recording_serves_many_directions() {
    let x = point(6);
    let rec = hyperhess::record(|x| rosenbrock(x), &x).unwrap();
    let h = hyperhess::forward::hessian(|x| rosenbrock(x), &x).unwrap();
    for j in 0..6 {
        let mut v = vec![0.0; 6];
        v[j] = 1.0;
        v[(j + 1) % 6] = -0.5;
        let hv = rec.hvp(&v).unwrap();
        assert_relative_eq!(
            hv,
            &h * nalgebra::DVector::from_vec(v),
            max_relative = 1e-12
        );
    }
}

#[test]
fn seed_examples_are_exact_on_the_tape() {
    fn cubic<S: Scalar>(x: &[S]) -> S {
        x.iter().map(|&xi| xi.powi(3) * 2.0 - xi * xi).sum()
    }
    let h = hyperhess::hessian(|x| cubic(x), &[2.0, 3.0, 4.0, 7.0]).unwrap();
    let d = nalgebra::DMatrix::from_diagonal(&nalgebra::dvector![22.0, 34.0, 46.0, 82.0]);
    assert_eq!(h, d);
    let h = hyperhess::hessian(
        |v| v[0] * v[1] * v[1] * 2.0 + v[0].powi(3) - 10.0,
        &[2.0, -3.0],
    );
    assert_eq!(h.unwrap(), nalgebra::dmatrix![12.0, -12.0; -12.0, 8.0]);
    let h = hyperhess::hessian(
        |v| v[0] * v[0] * v[1] * 2.0 + v[0] * v[2].powi(3) - 10.0,
        &[1.0, 2.0, 3.0],
    );
    let e = nalgebra::dmatrix![8.0, 4.0, 27.0; 4.0, 0.0, 0.0; 27.0, 0.0, 18.0];
    assert_eq!(h.unwrap(), e);
    let h = hyperhess::hessian(|v| v[0] * v[1].powi(3) - v[0] * 7.0, &[1.0, 2.0]);
    assert_eq!(h.unwrap(), nalgebra::dmatrix![0.0, 12.0; 12.0, 12.0]);
}

#[test]
fn strict_names_the_independent_inputs_and_non_strict_gives_zeros() {
    fn f<S: Scalar>(x: &[S]) -> S {
        x[0] * x[2] + x[2].sin()
    }
    let strict = Options {
        strict: true,
        ..Options::default()
    };
    let x = [1.0, 2.0, 3.0, 4.0];
    let want = Error::IndependentInputs {
        input: 0,
        indices: vec![1, 3],
    };
    assert_eq!(
        hyperhess::hessian_with(|x| f(x), &x, &strict).unwrap_err(),
        want
    );
    assert_eq!(
        hyperhess::gradient_with(|x| f(x), &x, &strict).unwrap_err(),
        want
    );
    assert_eq!(
        hyperhess::hvp_with(|x| f(x), &x, &x, &strict).unwrap_err(),
        want
    );
    let h = hyperhess::hessian(|x| f(x), &x).unwrap();
    assert!(h.row(1).iter().chain(h.column(3).iter()).all(|&v| v == 0.0));
    // Structural, not by value: 0 * x still depends on x.
    assert!(hyperhess::hessian_with(|x| x[0] * x[0] + x[1] * 0.0, &[1.0, 2.0], &strict).is_ok());
    // A constant output depends on nothing.
    let c = hyperhess::hessian_with(|_| hyperhess::Var::from_f64(2.0), &[1.0], &strict);
    assert_eq!(
        c.unwrap_err(),
        Error::IndependentInputs {
            input: 0,
            indices: vec![0]
        }
    );
    assert_eq!(
        hyperhess::hessian(|_| hyperhess::Var::from_f64(2.0), &[1.0]).unwrap()[(0, 0)],
        0.0
    );
}

#[test]
fn bad_inputs_give_typed_errors() {
    fn f<S: Scalar>(x: &[S]) -> S {
        x[0] * x[0]
    }
    assert_eq!(
        hyperhess::hessian(|x| f(x), &[] as &[f64]).unwrap_err(),
        Error::EmptyInput
    );
    assert!(matches!(
        hyperhess::hessian(|x| f(x), &[1.0, f64::NAN]).unwrap_err(),
        Error::NonFiniteInput { index: 1, .. }
    ));
    assert_eq!(
        hyperhess::hvp(|x| f(x), &[1.0, 2.0], &[1.0]).unwrap_err(),
        Error::LengthMismatch {
            what: "direction",
            expected: 2,
            found: 1
        }
    );
    assert!(matches!(
        hyperhess::hvp(|x| f(x), &[1.0, 2.0], &[1.0, f64::INFINITY]).unwrap_err(),
        Error::NonFiniteDirection { index: 1, .. }
    ));
    assert!(matches!(
        hyperhess::hessian(|x| x[0].ln(), &[-1.0]).unwrap_err(),
        Error::NonFiniteValue { .. }
    ));
    assert!(matches!(
        hyperhess::gradient(|x| x[0] + x[1].sqrt(), &[1.0, 0.0]).unwrap_err(),
        Error::NonFiniteGradient { index: 1, .. }
    ));
    // x^(3/2) at 0: finite gradient, infinite curvature.
    assert!(matches!(
        hyperhess::hessian(|x| x[0] * 2.0 + x[1].powf(1.5), &[1.0, 0.0]).unwrap_err(),
        Error::NonFiniteHessian { row: 1, col: 1, .. }
    ));
    // |x|^(3/2) at 0: abs'(0) = 0 is the documented choice, so the infinite
    // curvature of powf meets a zero tangent and is skipped, on every engine alike
    // (docs/limitations.md).
    let tape = hyperhess::hessian(|x| x[0] * 2.0 + x[1].abs().powf(1.5), &[1.0, 0.0]);
    let forward = hyperhess::forward::hessian(|x| x[0] * 2.0 + x[1].abs().powf(1.5), &[1.0, 0.0]);
    assert_eq!(tape, forward);
    assert_eq!(tape.unwrap(), nalgebra::DMatrix::zeros(2, 2));
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]
    /// H v against central differences of the gradient: error about h^2 |g'''| / 6
    /// plus eps |g| / h; with h = 1e-5 and |g'''| of order 10^3 on this box, 1e-5
    /// relative (plus 1e-6 absolute) leaves a safety factor of about 10.
    #[test]
    fn hvp_matches_finite_differences_of_the_gradient(
        x in proptest::collection::vec(-1.5..1.5f64, 2..8),
        seed in 0u64..1000,
    ) {
        let n = x.len();
        let v: Vec<f64> = LogSumExp::random(1, n, seed).a.remove(0);
        let hv = hyperhess::hvp(|x| chain(x), &x, &v).unwrap();
        let h = 1e-5;
        let shift = |s: f64| -> Vec<f64> { x.iter().zip(&v).map(|(a, b)| a + s * b).collect() };
        let gp = hyperhess::gradient(|x| chain(x), &shift(h)).unwrap();
        let gm = hyperhess::gradient(|x| chain(x), &shift(-h)).unwrap();
        let fd = (gp - gm) / (2.0 * h);
        for i in 0..n {
            prop_assert!((hv[i] - fd[i]).abs() <= 1e-5 * fd[i].abs() + 1e-6, "{i}: {} vs {}", hv[i], fd[i]);
        }
    }
}

#[test]
fn parallel_and_serial_sweeps_give_the_same_bits() {
    // With the `parallel` feature the blocks run on rayon's threads; each column is
    // computed by the same sweep either way, so the results are bit-identical.
    let n = hyperhess::Options::PARALLEL_MIN_INPUTS + 3;
    let x = point(n);
    let a = LogSumExp::random(20, n, 5).a;
    let serial = Options {
        parallel: false,
        sparsity: hyperhess::Sparsity::Dense,
        ..Options::default()
    };
    let threads = Options {
        parallel: true,
        ..serial.clone()
    };
    let hs = hyperhess::hessian_with(|x| log_sum_exp(&a, x), &x, &serial).unwrap();
    let hp = hyperhess::hessian_with(|x| log_sum_exp(&a, x), &x, &threads).unwrap();
    assert_eq!(hs, hp);
    let fwd_column = hyperhess::hvp(|x| log_sum_exp(&a, x), &x, &{
        let mut e = vec![0.0; n];
        e[n - 1] = 1.0;
        e
    })
    .unwrap();
    assert_relative_eq!(
        hp.column(n - 1).into_owned(),
        fwd_column,
        max_relative = 1e-12
    );
}

/// The compact tape's size, counted: 8 bytes per node, 8 per stored partial (none
/// for `+`/`-`, two for `*` and curved unary rules), 12 per n-ary term (operand
/// and coefficient, plus one count per node); constant factors and offsets record
/// nothing. Per scalar operation of the plain `f64` function, every test function
/// stays within the 24-byte target (one 48-byte node each before).
#[test]
fn tape_bytes_per_operation_are_counted_and_small() {
    let n = 128;
    let x = point(n);
    let a = LogSumExp::random(n, n, 42).a;
    // (nodes, tape bytes, scalar operations of f). Rosenbrock: per term x0*x0,
    // x1 - (.), a*a, b*b (two partials each, but `-` none) and `100 a² + b²`
    // (two scales); `1 - x0` and `* 100` fold. f: 7 per term, 126 adds.
    let rosenbrock_nodes = 5 * 127 + 1;
    let rosenbrock_bytes = rosenbrock_nodes * 8 + 8 * 127 * 8 + 128 * 12;
    let rosenbrock_case = (rosenbrock_nodes, rosenbrock_bytes, 7 * 127 + 126);
    // Chain: per pair sin, cos, *, *, exp (two partials each) and +; per input
    // x*x and sqrt; `/ 10` and `+ 1` fold; three sums. f: 7 per pair, 3 per
    // input, 254 adds. (The last `+` is a plain two-operand node.)
    let chain_nodes = 6 * 127 + 2 * 128 + 3;
    let chain_partials = 10 * 127 + 4 * 128;
    let chain_terms = (127 + 1) + (128 + 1);
    let chain_case = (
        chain_nodes,
        chain_nodes * 8 + chain_partials * 8 + chain_terms * 12,
        7 * 127 + 3 * 128 + 254,
    );
    let cases = [
        (
            "rosenbrock",
            hyperhess::record(|y| rosenbrock(y), &x).unwrap(),
            rosenbrock_case,
        ),
        (
            "chain",
            hyperhess::record(|y| chain(y), &x).unwrap(),
            chain_case,
        ),
    ];
    for (name, rec, (nodes, bytes, ops)) in cases {
        assert_eq!(
            (rec.operations(), rec.tape_bytes()),
            (nodes, bytes),
            "{name}"
        );
        assert!(bytes as f64 / ops as f64 <= 24.0, "{name}");
    }
    // log-sum-exp(A x): n dot nodes of n terms, exp on each (two partials), three
    // sums and a log; f: 2n² - n for A x, then 6n + 2.
    let rec = hyperhess::record(|y| log_sum_exp(&a, y), &x).unwrap();
    let ops = 2 * n * n - n + 6 * n + 2;
    assert!(
        rec.tape_bytes() as f64 / ops as f64 <= 8.0,
        "{}",
        rec.tape_bytes()
    );
}

/// Constant factors and offsets record no node (`c x`, `-x`, `x / c`, `c - x`,
/// `x + c`): the variable carries the factor into the operation that uses it. The
/// derivatives are the forward engine's, to a few ulps (a factor now multiplies a
/// partial once instead of a tangent along the sweep).
#[test]
fn constant_factors_and_offsets_record_nothing() {
    fn f<S: Scalar>(x: &[S]) -> S {
        let a = -(x[0] * 3.0) + 1.0; // folds: no node
        let b = (S::from_f64(2.0) - x[1] / 4.0) * 0.5; // folds
        let c = a * b; // one node (scales -3 and -1/8 folded into its partials)
        let d = (a * 2.0).sin(); // one node
        let e = a * 2.0 + b; // one node: 2 (-3 x0) + (-1/8 x1), a linear node
        (c + d) * 7.0 + e - 5.0 // one node, then folds; (+ e: one more)
    }
    let x = [0.3, -1.7];
    let rec = hyperhess::record(|y| f(y), &x).unwrap();
    assert_eq!(rec.operations(), 5);
    let h = hyperhess::hessian(|y| f(y), &x).unwrap();
    let h_fwd = hyperhess::forward::hessian(|y| f(y), &x).unwrap();
    let g_fwd = hyperhess::forward::gradient(|y| f(y), &x).unwrap();
    // Entries are O(100); a few ulps of the largest term.
    assert_relative_eq!(h, h_fwd, epsilon = 1e-12, max_relative = 1e-14);
    assert_relative_eq!(rec.gradient(), g_fwd, epsilon = 1e-12, max_relative = 1e-14);
    assert_eq!(rec.value(), f(&x));
    // A factor on the output seeds the reverse sweep: f = 3 x0 x1 records one node.
    let rec = hyperhess::record(|y| y[0] * y[1] * 3.0, &x).unwrap();
    assert_eq!(rec.operations(), 1);
    assert_eq!(rec.gradient().as_slice(), &[x[1] * 3.0, x[0] * 3.0]);
    assert_eq!(rec.hessian().unwrap()[(0, 1)], 3.0);
    // A variable times zero is a zero derivative, not NaN, even beside an infinity.
    let g = hyperhess::gradient(|y| y[0] * 0.0 + y[1], &[1.0, 2.0]).unwrap();
    assert_eq!(g.as_slice(), &[0.0, 1.0]);
}
