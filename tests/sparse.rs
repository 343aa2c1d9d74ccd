//! Sparsity: patterns of known shapes, the star condition, and sparse = dense.

use hyperhess::testfns::{LogSumExp, chain, log_sum_exp, rosenbrock};
use hyperhess::{Error, Options, Scalar, SparsePlan, Sparsity, SparsityPattern, StarColoring};
use nalgebra::DMatrix;
use proptest::prelude::*;

fn dense(h: &nalgebra_sparse::CscMatrix<f64>) -> DMatrix<f64> {
    DMatrix::from(h)
}

/// Compressed sweeps add the columns of one color in the same adjoint slots, so
/// their rounding differs from one-column sweeps by a few ulps of the entries
/// involved: compare to 1e-14 of the largest entry, and require the same zeros.
fn assert_close(a: &DMatrix<f64>, b: &DMatrix<f64>) {
    let scale = a.amax().max(1.0);
    for (i, (x, y)) in a.iter().zip(b.iter()).enumerate() {
        assert!((x - y).abs() <= 1e-14 * scale, "entry {i}: {x} vs {y}");
        assert_eq!(
            *x == 0.0,
            *y == 0.0,
            "entry {i}: structural zero differs: {x} vs {y}"
        );
    }
}

fn pattern_of(n: usize, f: impl Fn(usize, usize) -> bool) -> SparsityPattern {
    let entries: Vec<(usize, usize)> = (0..n)
        .flat_map(|i| (0..n).map(move |j| (i, j)))
        .filter(|&(i, j)| f(i, j))
        .collect();
    SparsityPattern::from_entries(n, &entries)
}

fn banded<S: Scalar>(x: &[S]) -> S {
    // bandwidth 2: x_i x_{i+2} couples i and i + 2; x_i^3 the diagonal.
    let cross: S = x.windows(3).map(|w| w[0] * w[2] + w[1].sin() * w[0]).sum();
    cross + x.iter().map(|&v| v.powi(3)).sum::<S>()
}

fn arrow<S: Scalar>(x: &[S]) -> S {
    // x_0 couples with everyone; the rest only with themselves.
    x[1..].iter().map(|&v| (v * x[0]).exp() + v.cosh()).sum()
}

fn block_diagonal<S: Scalar>(x: &[S]) -> S {
    // blocks of 3: each block a full quadratic form through a product of sums.
    x.chunks(3)
        .map(|b| {
            let s: S = b.iter().copied().sum();
            s * s + b[0].sin()
        })
        .sum()
}

fn fully_coupled<S: Scalar>(x: &[S]) -> S {
    let s: S = x.iter().copied().sum();
    s.exp()
}

fn point(n: usize) -> Vec<f64> {
    (0..n).map(|i| 0.3 + 0.1 * ((i * 7) % 5) as f64).collect()
}

#[test]
fn patterns_of_known_shapes_are_exact() {
    let n = 9;
    let x = point(n);
    let cases: Vec<(&str, SparsityPattern, SparsityPattern)> = vec![
        (
            "banded",
            SparsePlan::new(|x| banded(x), &x)
                .unwrap()
                .pattern()
                .clone(),
            pattern_of(n, |i, j| {
                i == j || i.abs_diff(j) == 1 && i.min(j) + 2 < n || i.abs_diff(j) == 2
            }),
        ),
        (
            "arrow",
            SparsePlan::new(|x| arrow(x), &x).unwrap().pattern().clone(),
            pattern_of(n, |i, j| i == 0 || j == 0 || i == j),
        ),
        (
            "block diagonal",
            SparsePlan::new(|x| block_diagonal(x), &x)
                .unwrap()
                .pattern()
                .clone(),
            pattern_of(n, |i, j| i / 3 == j / 3),
        ),
        (
            "dense",
            SparsePlan::new(|x| fully_coupled(x), &x)
                .unwrap()
                .pattern()
                .clone(),
            pattern_of(n, |_, _| true),
        ),
    ];
    for (name, found, expected) in cases {
        assert_eq!(found, expected, "{name}");
    }
}

#[test]
fn the_pattern_contains_every_nonzero_of_the_dense_hessian() {
    let a = LogSumExp::random(5, 12, 9).a;
    let x = point(12);
    let check = |p: &SparsityPattern, h: &DMatrix<f64>| {
        for i in 0..12 {
            for j in 0..12 {
                assert!(
                    h[(i, j)] == 0.0 || p.contains(i, j),
                    "({i}, {j}) = {} missing",
                    h[(i, j)]
                );
            }
        }
    };
    let dense_only = Options {
        sparsity: Sparsity::Dense,
        ..Options::default()
    };
    let p = SparsePlan::new(|x| rosenbrock(x), &x).unwrap();
    check(
        p.pattern(),
        &hyperhess::hessian_with(|x| rosenbrock(x), &x, &dense_only).unwrap(),
    );
    let p = SparsePlan::new(|x| chain(x), &x).unwrap();
    check(
        p.pattern(),
        &hyperhess::hessian_with(|x| chain(x), &x, &dense_only).unwrap(),
    );
    let p = SparsePlan::new(|x| log_sum_exp(&a, x), &x).unwrap();
    check(
        p.pattern(),
        &hyperhess::hessian_with(|x| log_sum_exp(&a, x), &x, &dense_only).unwrap(),
    );
}

#[test]
fn tridiagonal_problems_need_two_colors_acyclic_three_star() {
    let x = point(200);
    assert_eq!(SparsePlan::new(|x| rosenbrock(x), &x).unwrap().colors(), 2);
    assert_eq!(SparsePlan::new(|x| chain(x), &x).unwrap().colors(), 2);
    let star = Some(hyperhess::ColoringKind::Star);
    assert_eq!(
        SparsePlan::with_coloring(|x| rosenbrock(x), &x, star)
            .unwrap()
            .colors(),
        3
    );
    assert_eq!(
        SparsePlan::with_coloring(|x| chain(x), &x, star)
            .unwrap()
            .colors(),
        3
    );
    // The arrow: a star coloring needs only two colors (a distance-2 coloring n).
    assert_eq!(
        SparsePlan::new(|x| arrow(x), &point(50)).unwrap().colors(),
        2
    );
}

#[test]
fn sparse_and_dense_hessians_agree_on_the_test_functions() {
    let a = LogSumExp::random(6, 40, 2).a;
    let x = point(40);
    let dense_only = Options {
        sparsity: Sparsity::Dense,
        ..Options::default()
    };
    let compressed = Options {
        sparsity: Sparsity::Compressed,
        ..Options::default()
    };
    macro_rules! same {
        ($f:expr) => {{
            let d = hyperhess::hessian_with(|x| $f(x), &x, &dense_only).unwrap();
            let s = dense(&hyperhess::sparse_hessian(|x| $f(x), &x).unwrap());
            assert_close(&d, &s);
            assert_close(
                &d,
                &hyperhess::hessian_with(|x| $f(x), &x, &compressed).unwrap(),
            );
            assert_close(&d, &hyperhess::hessian(|x| $f(x), &x).unwrap());
            let diag = hyperhess::hessian_diagonal(|x| $f(x), &x).unwrap();
            assert_close(
                &DMatrix::from_diagonal(&diag),
                &DMatrix::from_diagonal(&d.diagonal()),
            );
        }};
    }
    same!(rosenbrock);
    same!(chain);
    same!(banded);
    same!(arrow);
    same!(block_diagonal);
    same!(fully_coupled);
    same!(|x| log_sum_exp(&a, x));
}

#[test]
fn the_dense_call_takes_the_sparse_path_only_where_it_pays() {
    // Observable through the Auto rule's documented threshold: the results agree
    // in both cases; here we check the rule's inputs.
    let x = point(64);
    assert!(SparsePlan::new(|x| rosenbrock(x), &x).unwrap().colors() * 4 <= 64);
    assert!(SparsePlan::new(|x| fully_coupled(x), &x).unwrap().colors() * 4 > 64);
}

#[test]
fn a_plan_is_reused_across_points_and_refuses_a_changed_pattern() {
    fn branchy<S: Scalar>(x: &[S]) -> S {
        let base: S = x.windows(2).map(|w| w[0] * w[1]).sum();
        if x[0].value() > 0.0 {
            base + x[0] * x[3]
        } else {
            base
        }
    }
    let n = 6;
    let plan = SparsePlan::new(|x| rosenbrock(x), &point(n)).unwrap();
    for k in 0..5 {
        let x: Vec<f64> = (0..n).map(|i| (i as f64 * 0.3 + k as f64).sin()).collect();
        let h = dense(&plan.hessian(|x| rosenbrock(x), &x).unwrap());
        assert_close(
            &h,
            &hyperhess::forward::hessian(|x| rosenbrock(x), &x).unwrap(),
        );
    }
    let plan = SparsePlan::new(|x| branchy(x), &[-1.0; 6]).unwrap();
    assert!(matches!(
        plan.hessian(|x| branchy(x), &[1.0; 6]).unwrap_err(),
        Error::SparsityPatternChanged { row: 0, col: 3 }
    ));
    // The other way round the new pattern is covered: fine.
    let plan = SparsePlan::new(|x| branchy(x), &[1.0; 6]).unwrap();
    let h = dense(&plan.hessian(|x| branchy(x), &[-1.0; 6]).unwrap());
    assert_close(
        &h,
        &hyperhess::forward::hessian(|x| branchy(x), &[-1.0; 6]).unwrap(),
    );
    assert_eq!(
        plan.hessian(|x| branchy(x), &[1.0; 5]).unwrap_err(),
        Error::LengthMismatch {
            what: "point",
            expected: 6,
            found: 5
        }
    );
}

/// A random partially separable function: a list of terms, each a nonlinear
/// function of one or two coordinates or a linear one.
fn random_terms(n: usize) -> impl Strategy<Value = Vec<(u8, usize, usize)>> {
    proptest::collection::vec((0u8..5, 0..n, 0..n), 1..(2 * n))
}

fn eval_terms<S: Scalar>(terms: &[(u8, usize, usize)], x: &[S]) -> S {
    terms
        .iter()
        .map(|&(kind, i, j)| match kind {
            0 => x[i] * x[j],
            1 => (x[i] - x[j]).sin(),
            2 => x[i].exp() * 0.5,
            3 => x[i] * 3.0 + x[j],
            _ => (x[i] * x[i] + x[j] * x[j] + 1.0).sqrt(),
        })
        .sum()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]
    #[test]
    fn star_coloring_satisfies_the_star_condition(
        n in 1usize..30,
        edges in proptest::collection::vec((0usize..30, 0usize..30), 0..80),
    ) {
        let edges: Vec<(usize, usize)> = edges.into_iter().map(|(i, j)| (i % n, j % n)).collect();
        let p = SparsityPattern::from_entries(n, &edges);
        let c = StarColoring::new(&p);
        prop_assert!(c.is_star_coloring(&p));
        prop_assert!(c.count() <= n.max(1));
    }

    #[test]
    fn sparse_equals_dense_on_random_sparse_functions(
        terms in random_terms(12),
        x in proptest::collection::vec(-1.0..1.0f64, 12),
    ) {
        let d = hyperhess::forward::hessian(|x| eval_terms(&terms, x), &x).unwrap();
        let s = dense(&hyperhess::sparse_hessian(|x| eval_terms(&terms, x), &x).unwrap());
        let c = Options { sparsity: Sparsity::Compressed, ..Options::default() };
        let t = hyperhess::hessian_with(|x| eval_terms(&terms, x), &x, &c).unwrap();
        for i in 0..12 {
            for j in 0..12 {
                let tol = 1e-13 * (1.0 + d[(i, j)].abs());
                prop_assert!((s[(i, j)] - d[(i, j)]).abs() <= tol, "({}, {})", i, j);
                prop_assert!((s[(i, j)] - t[(i, j)]).abs() <= tol, "({}, {})", i, j);
            }
        }
    }
}

#[test]
fn the_remembered_decision_follows_the_tape_structure() {
    // The automatic rule remembers its last decision per thread, keyed by the exact
    // tape structure: alternating functions (sparse, dense, sparse of another size)
    // must each get their own, right answer.
    let x = point(64);
    let y = point(80);
    for _ in 0..2 {
        let want = hyperhess::forward::hessian(|x| rosenbrock(x), &x).unwrap();
        assert_close(&hyperhess::hessian(|x| rosenbrock(x), &x).unwrap(), &want);
        let want = hyperhess::forward::hessian(|x| fully_coupled(x), &x).unwrap();
        assert_close(
            &hyperhess::hessian(|x| fully_coupled(x), &x).unwrap(),
            &want,
        );
        let want = hyperhess::forward::hessian(|x| chain(x), &y).unwrap();
        assert_close(&hyperhess::hessian(|x| chain(x), &y).unwrap(), &want);
        // Same structure at another point: the remembered coloring is reused.
        let z: Vec<f64> = y.iter().map(|v| v * 0.5 - 0.1).collect();
        let want = hyperhess::forward::hessian(|x| chain(x), &z).unwrap();
        assert_close(&hyperhess::hessian(|x| chain(x), &z).unwrap(), &want);
    }
}

#[test]
fn pooled_buffers_of_different_base_types_do_not_mix() {
    use hyperhess::Dual;
    let x = point(20);
    let xd: Vec<Dual<f64>> = x.iter().map(|&v| Dual::new(v, 1.0)).collect();
    for _ in 0..3 {
        let h = hyperhess::hessian(|x| chain(x), &x).unwrap();
        let hd = hyperhess::hessian(|x| chain(x), &xd).unwrap();
        let want = hyperhess::forward::hessian(|x| chain(x), &x).unwrap();
        assert_close(&h, &want);
        assert_close(&hd.map(|d| d.re), &want);
    }
}

/// A plan keeps its last evaluation's buffers: later evaluations, at other points
/// and sizes of tape, give the bits of a fresh one-shot call, and threads sharing
/// the plan get their own buffers while it is in use.
#[test]
fn a_plan_reused_many_times_and_across_threads_gives_one_shot_bits() {
    let n = 300;
    let plan = SparsePlan::new(|x| banded(x), &point(n)).unwrap();
    let bits = |h: &nalgebra_sparse::CscMatrix<f64>| -> Vec<u64> {
        h.values().iter().map(|v| v.to_bits()).collect()
    };
    for k in 0..4 {
        let x: Vec<f64> = point(n).iter().map(|v| v + 0.1 * k as f64).collect();
        let h = plan.hessian(|x| banded(x), &x).unwrap();
        let fresh = hyperhess::sparse_hessian(|x| banded(x), &x).unwrap();
        assert_eq!(bits(&h), bits(&fresh), "evaluation {k}");
    }
    std::thread::scope(|s| {
        for k in 0..3 {
            let plan = &plan;
            s.spawn(move || {
                let x: Vec<f64> = point(n).iter().map(|v| v - 0.2 * k as f64).collect();
                for _ in 0..3 {
                    let h = plan.hessian(|x| banded(x), &x).unwrap();
                    let fresh = hyperhess::sparse_hessian(|x| banded(x), &x).unwrap();
                    assert_eq!(bits(&h), bits(&fresh));
                }
            });
        }
    });
}

/// Edge pushing (the one-shot call and a plan's schedule) on operands that meet
/// themselves: a sum with a repeated term under a curved function (its pairs of
/// the same node count twice), `x * x`, `x - x` fed to a curved function, and a
/// node used by two branches that meet again. Against the forward engine, and
/// the plan against the one-shot call bit for bit at other points.
#[test]
fn edge_pushing_counts_operands_that_meet_themselves() {
    fn f<S: Scalar>(x: &[S]) -> S {
        let repeated = [x[0], x[1], x[0], x[2] * 3.0, x[0]];
        let s: S = repeated.iter().copied().sum();
        let t = x[1] * x[1] + (x[2] - x[2]).sin();
        let shared = (x[0] * x[3]).exp();
        s.exp() * 0.1 + t.powi(3) + shared * shared.ln() + x[3].atan2(shared)
    }
    let plan = SparsePlan::new(|x| f(x), &[0.1, 0.2, 0.3, 0.4]).unwrap();
    for k in 0..4 {
        let x: Vec<f64> = (0..4).map(|i| 0.3 * (i as f64 + k as f64).sin()).collect();
        let s = hyperhess::sparse_hessian(|x| f(x), &x).unwrap();
        assert_eq!(plan.hessian(|x| f(x), &x).unwrap(), s, "point {k}");
        assert_close(
            &dense(&s),
            &hyperhess::forward::hessian(|x| f(x), &x).unwrap(),
        );
        for (i, j, v) in s.triplet_iter() {
            assert_eq!(
                v.to_bits(),
                s.get_entry(j, i).unwrap().into_value().to_bits()
            );
        }
    }
}

/// A zero adjoint meets an infinite curvature (`sqrt` at 0 behind a zero factor):
/// the fast edge-pushing sweep gives `0 * inf = NaN`, and the careful one, which
/// skips every product with a zero factor as the lane sweeps do, the dense
/// Hessian's finite answer; a plan's schedule falls back to it the same way.
#[test]
fn edge_pushing_skips_zero_products_carefully_where_it_must() {
    fn f<S: Scalar>(x: &[S]) -> S {
        x[0] * x[0] * 3.0 + x[1].sqrt() * 0.0 + x[0] * x[2]
    }
    let x = [1.0, 0.0, 0.0];
    let dense = hyperhess::hessian(|x| f(x), &x).unwrap();
    let sparse = hyperhess::sparse_hessian(|x| f(x), &x).unwrap();
    assert_eq!(self::dense(&sparse), dense);
    let plan = SparsePlan::new(|x| f(x), &[1.0, 1.0, 1.0]).unwrap();
    assert_eq!(plan.hessian(|x| f(x), &x).unwrap(), sparse);
    assert_eq!(dense[(0, 0)], 6.0);
}
