//! Colorings: star and acyclic colorings on known patterns (counts, validity),
//! recovery exact where the products are, substitution within its documented
//! error bound (an adversarial chain), results symmetric in bits.

use hyperhess::testfns::{chain, rosenbrock};
use hyperhess::{
    AcyclicColoring, Coloring, ColoringKind, Order, Scalar, SparsePlan, SparsityPattern,
    StarColoring,
};
use nalgebra::DMatrix;
use proptest::prelude::*;

fn path(n: usize) -> Vec<(usize, usize)> {
    (0..n - 1).map(|i| (i, i + 1)).collect()
}

/// Tridiagonal plus a dense row and column 0 (and the diagonal).
fn arrowhead(n: usize) -> SparsityPattern {
    let mut e: Vec<(usize, usize)> = (1..n).map(|i| (i - 1, i)).collect();
    e.extend((0..n).map(|i| (0, i)));
    e.extend((0..n).map(|i| (i, i)));
    SparsityPattern::from_entries(n, &e)
}

/// The 5-point stencil on a `k x k` grid (with the diagonal).
fn grid(k: usize) -> SparsityPattern {
    let e: Vec<(usize, usize)> = (0..k * k)
        .flat_map(|v| {
            let right = (v % k < k - 1).then_some((v, v + 1));
            let down = (v + k < k * k).then_some((v, v + k));
            right.into_iter().chain(down).chain([(v, v)])
        })
        .collect();
    SparsityPattern::from_entries(k * k, &e)
}

fn counts(p: &SparsityPattern) -> (usize, usize, usize) {
    let star = Coloring::fewest(p, Some(ColoringKind::Star), usize::MAX);
    let acyclic = Coloring::fewest(p, Some(ColoringKind::Acyclic), usize::MAX);
    let best = Coloring::fewest(p, None, usize::MAX);
    assert!(star.is_valid(p) && acyclic.is_valid(p) && best.is_valid(p));
    (star.count(), acyclic.count(), best.count())
}

#[test]
fn colors_on_known_patterns() {
    let tri = SparsityPattern::from_entries(1000, &path(1000));
    assert_eq!(counts(&tri), (3, 2, 2));
    // Arrowhead: the dense row peeled off, two colors for the rest plus its own.
    assert_eq!(counts(&arrowhead(1000)), (4, 3, 3));
    let best = Coloring::fewest(&arrowhead(1000), None, usize::MAX);
    let c = best.colors();
    assert!(
        c[1..].iter().all(|&x| x != c[0]),
        "the dense row has a color of its own"
    );
    let g = grid(30);
    let (star, acyclic, best) = counts(&g);
    assert!(
        acyclic <= star && best == acyclic.min(star),
        "{star} {acyclic} {best}"
    );
    assert!(
        star <= 5 && acyclic <= 4,
        "grid: star {star}, acyclic {acyclic}"
    );
    // The diagonal alone: one color.
    let d = SparsityPattern::from_entries(10, &(0..10).map(|i| (i, i)).collect::<Vec<_>>());
    assert_eq!(counts(&d), (1, 1, 1));
}

#[test]
fn tridiagonal_test_functions_take_two_colors() {
    let x: Vec<f64> = (0..300).map(|i| (0.7 * i as f64).sin()).collect();
    for plan in [
        SparsePlan::new(|x| rosenbrock(x), &x).unwrap(),
        SparsePlan::new(|x| chain(x), &x).unwrap(),
    ] {
        assert_eq!(plan.colors(), 2);
        assert_eq!(plan.coloring().kind(), ColoringKind::Acyclic);
    }
    let star = SparsePlan::with_coloring(|x| rosenbrock(x), &x, Some(ColoringKind::Star)).unwrap();
    assert_eq!(star.colors(), 3);
}

#[test]
fn every_order_gives_a_valid_coloring() {
    for p in [
        arrowhead(60),
        grid(8),
        SparsityPattern::from_entries(50, &path(50)),
    ] {
        for order in Order::ALL {
            let mut v = order.vertices(&p);
            v.sort_unstable();
            assert_eq!(v, (0..p.dim() as u32).collect::<Vec<_>>(), "{order:?}");
            assert!(StarColoring::greedy(&p, order, None).is_star_coloring(&p));
            assert!(AcyclicColoring::greedy(&p, order, None).is_acyclic_coloring(&p));
        }
    }
}

/// `½ xᵀ H x` for a symmetric `H` given by its upper-triangle entries.
fn quadratic<S: Scalar>(entries: &[(usize, usize, f64)], x: &[S]) -> S {
    entries
        .iter()
        .map(|&(i, j, h)| {
            if i == j {
                x[i] * x[i] * (0.5 * h)
            } else {
                x[i] * x[j] * h
            }
        })
        .sum()
}

fn dense_of(n: usize, entries: &[(usize, usize, f64)]) -> DMatrix<f64> {
    let mut h = DMatrix::zeros(n, n);
    for &(i, j, v) in entries {
        h[(i, j)] += v;
        if i != j {
            h[(j, i)] += v;
        }
    }
    h
}

/// Random symmetric patterns with small integer entries (distinct pairs).
fn random_quadratic() -> impl Strategy<Value = (usize, Vec<(usize, usize, f64)>)> {
    (4usize..40).prop_flat_map(|n| {
        (
            Just(n),
            proptest::collection::btree_map((0..n, 0..n), -8i32..=8, 1..(4 * n)),
        )
            .prop_map(|(n, m)| {
                let mut seen = std::collections::BTreeMap::new();
                for ((i, j), v) in m {
                    if v != 0 {
                        seen.insert((i.min(j), i.max(j)), f64::from(v));
                    }
                }
                (n, seen.into_iter().map(|((i, j), v)| (i, j, v)).collect())
            })
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 128, ..ProptestConfig::default() })]

    /// Integer entries make every product exact (sums of a few small integers),
    /// so both recoveries must give `H` exactly, symmetric in bits: any error in
    /// the trees, the substitution order or the mirroring shows.
    #[test]
    fn both_recoveries_are_exact_on_integer_quadratics((n, entries) in random_quadratic()) {
        let want = dense_of(n, &entries);
        let x: Vec<f64> = (0..n).map(|i| 0.25 * i as f64 - 1.0).collect();
        for kind in [None, Some(ColoringKind::Star), Some(ColoringKind::Acyclic)] {
            let plan = SparsePlan::with_coloring(|x| quadratic(&entries, x), &x, kind).unwrap();
            prop_assert!(plan.coloring().is_valid(plan.pattern()));
            let h = DMatrix::from(&plan.hessian(|x| quadratic(&entries, x), &x).unwrap());
            prop_assert_eq!(&h, &want, "{:?}", kind);
        }
    }
}

/// The adversarial chain: `H[k][k+1] = 1 + k ε` (exact), so that every product
/// entry `2 + (2k - 1) ε` is a tie, rounded to even: up and down in turn, and the
/// alternating sums of substitution add the errors up instead of cancelling them.
/// The error must grow with the substitution length `s` (else this test would not
/// test the bound) and stay within the documented `s (δ + 2 (Δ + 1) ε R)` with
/// `δ = ε R / 2` (one rounding of a sum of two exact entries), `Δ = 2`, `R` the
/// largest absolute row sum. Star recovery reads each entry off one exact
/// product: exact.
#[test]
fn substitution_stays_within_its_error_bound_on_an_adversarial_chain() {
    const EPS: f64 = f64::EPSILON;
    let n = 2001;
    let entries: Vec<(usize, usize, f64)> = (0..n - 1)
        .map(|k| (k, k + 1, 1.0 + k as f64 * EPS))
        .collect();
    let want = dense_of(n, &entries);
    let r = (0..n).map(|i| want.row(i).abs().sum()).fold(0.0, f64::max);
    let x = vec![0.5; n];
    let star = SparsePlan::with_coloring(|x| quadratic(&entries, x), &x, Some(ColoringKind::Star))
        .unwrap();
    assert_eq!(
        DMatrix::from(&star.hessian(|x| quadratic(&entries, x), &x).unwrap()),
        want
    );

    let plan =
        SparsePlan::with_coloring(|x| quadratic(&entries, x), &x, Some(ColoringKind::Acyclic))
            .unwrap();
    assert_eq!(plan.colors(), 2);
    let lengths = plan.coloring().substitution_lengths(plan.pattern());
    assert_eq!(plan.coloring().longest_substitution(), n / 2);
    let h = plan.hessian(|x| quadratic(&entries, x), &x).unwrap();
    let mut worst: f64 = 0.0;
    for ((i, j, &v), &s) in h.triplet_iter().zip(&lengths) {
        let err = (v - want[(i, j)]).abs();
        let bound = s as f64 * (0.5 + 2.0 * 3.0) * EPS * r;
        assert!(
            err <= bound,
            "({i}, {j}): error {err:e} > bound {bound:e} (s = {s})"
        );
        worst = worst.max(err / EPS);
    }
    eprintln!("adversarial chain: worst error {worst} eps");
    assert!(
        worst >= 100.0,
        "the chain should accumulate: worst error {worst} ε"
    );
}

/// Symmetric in mathematics, symmetric in bits: every off-diagonal entry is
/// recovered once and written to both triangles, whatever the recovery.
#[test]
fn results_are_symmetric_in_bits() {
    fn f<S: Scalar>(x: &[S]) -> S {
        x.windows(3)
            .map(|w| (w[0] * w[1]).sin() * w[2].exp() + (w[0] - w[2]).powi(2) * 0.1)
            .sum::<S>()
            + x[0] * x.iter().copied().sum::<S>()
    }
    let x: Vec<f64> = (0..80).map(|i| (1.3 * i as f64).cos()).collect();
    for kind in [None, Some(ColoringKind::Star), Some(ColoringKind::Acyclic)] {
        let plan = SparsePlan::with_coloring(|x| f(x), &x, kind).unwrap();
        let h = DMatrix::from(&plan.hessian(|x| f(x), &x).unwrap());
        for i in 0..80 {
            for j in 0..i {
                assert_eq!(
                    h[(i, j)].to_bits(),
                    h[(j, i)].to_bits(),
                    "{kind:?} ({i}, {j})"
                );
            }
        }
    }
}

/// An arrowhead Hessian (tridiagonal plus a dense row and column): its dense row is
/// peeled off, two colors take the rest, and recovery is exact on integer entries.
#[test]
fn an_arrowhead_takes_two_colors_plus_its_dense_row() {
    let n = 300;
    let mut entries: Vec<(usize, usize, f64)> =
        (1..n).map(|i| (i - 1, i, (i % 7) as f64 + 1.0)).collect();
    entries.extend((2..n).map(|i| (0, i, (i % 5) as f64 - 2.5)));
    entries.extend((0..n).map(|i| (i, i, 4.0)));
    let x = vec![0.5; n];
    let plan = SparsePlan::new(|x| quadratic(&entries, x), &x).unwrap();
    assert_eq!(plan.colors(), 3);
    let c = plan.coloring().colors();
    assert!(
        c[1..].iter().all(|&k| k != c[0]),
        "the dense row has a color of its own"
    );
    let h = DMatrix::from(&plan.hessian(|x| quadratic(&entries, x), &x).unwrap());
    assert_eq!(h, dense_of(n, &entries));
    // Star: the dense row peeled too, three colors for the rest.
    let star = SparsePlan::with_coloring(|x| quadratic(&entries, x), &x, Some(ColoringKind::Star));
    assert_eq!(star.unwrap().colors(), 4);
}
