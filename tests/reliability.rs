//! Regression tests for the reliability defects of issue 9 (items 2 to 7): each
//! failed on the code before the fix.

use hyperhess::{Dual, Error, Options, Scalar, Sparsity};
use nalgebra::DMatrix;

/// Every `(i, j)` entry equals its `(j, i)` entry bit for bit.
fn exactly_symmetric(h: &DMatrix<f64>) -> bool {
    (0..h.nrows()).all(|i| (0..i).all(|j| h[(i, j)].to_bits() == h[(j, i)].to_bits()))
}

// Item 2: a node that does not reach the output has a zero adjoint; its infinite
// partial must not turn 0 * inf into NaN.

fn compute_then_select<S: Scalar>(x: &[S]) -> S {
    let a = x[0].ln();
    let b = x[0] * x[0];
    if x[0].value() > 0.0 { a } else { b }
}

#[test]
fn a_dead_intermediate_does_not_poison_the_gradient() {
    let tape = hyperhess::gradient(|x| compute_then_select(x), &[0.0]);
    let forward = hyperhess::forward::gradient(|x| compute_then_select(x), &[0.0]);
    assert_eq!(tape.unwrap().as_slice(), &[0.0]);
    assert_eq!(forward.unwrap().as_slice(), &[0.0]);
    let h = hyperhess::hessian(|x| compute_then_select(x), &[0.0]).unwrap();
    assert_eq!(h[(0, 0)], 2.0);
    let hv = hyperhess::hvp(|x| compute_then_select(x), &[0.0], &[1.0]).unwrap();
    assert_eq!(hv[0], 2.0);
}

#[test]
fn max_of_a_safe_norm_and_a_dead_power_agree_with_the_forward_engine() {
    // sqrt(x0) at 0 is infinite-slope but loses the max to x1^2 = 1.
    let tape = hyperhess::hessian(|x| x[0].sqrt().max(x[1] * x[1]), &[0.0, 1.0]).unwrap();
    let forward = hyperhess::forward::hessian(|x| x[0].sqrt().max(x[1] * x[1]), &[0.0, 1.0]);
    assert_eq!(tape, forward.unwrap());
    assert_eq!(tape, nalgebra::dmatrix![0.0, 0.0; 0.0, 2.0]);
    // A computed-and-dropped power with infinite curvature at 0.
    let h = hyperhess::hessian(
        |x| {
            let _ = x[0].powf(1.5);
            x[0] * x[1]
        },
        &[0.0, 1.0],
    );
    assert_eq!(h.unwrap(), nalgebra::dmatrix![0.0, 1.0; 1.0, 0.0]);
    let d = hyperhess::record(
        |x| {
            let _ = x[0].powf(1.5);
            x[0] * x[1]
        },
        &[0.0, 1.0],
    )
    .unwrap();
    assert_eq!(d.hvp(&[1.0, 1.0]).unwrap().as_slice(), &[1.0, 1.0]);
}

// Item 3: exactly symmetric on every path.

fn banded<S: Scalar>(x: &[S]) -> S {
    x.windows(3).map(|w| (w[0] * w[1]).sin() * w[2].exp()).sum()
}

#[test]
fn every_hessian_path_is_exactly_symmetric() {
    let x: Vec<f64> = (0..20).map(|i| 0.3 + 0.17 * i as f64).collect();
    for sparsity in [Sparsity::Auto, Sparsity::Dense, Sparsity::Compressed] {
        for lanes in [Some(1), Some(3), None, Some(16)] {
            let options = Options {
                sparsity,
                lanes,
                ..Options::default()
            };
            let h = hyperhess::hessian_with(|x| banded(x), &x, &options).unwrap();
            assert!(exactly_symmetric(&h), "{sparsity:?} {lanes:?}");
        }
    }
    let s = hyperhess::sparse_hessian(|x| banded(x), &x).unwrap();
    for (i, j, v) in s.triplet_iter() {
        let mirror = s.get_entry(j, i).unwrap().into_value();
        assert_eq!(v.to_bits(), mirror.to_bits(), "({i}, {j})");
    }
    // A plan's result is the same numbers as the one-shot call's.
    let plan = hyperhess::SparsePlan::new(|x| banded(x), &x).unwrap();
    assert_eq!(plan.hessian(|x| banded(x), &x).unwrap(), s);
}

// Item 4: the sparse drivers have a cost bound.

/// 100 (or `n`) inputs summed, then a long nonlinear scalar chain: every node's
/// dependency set is all inputs.
fn summed_then_chained<S: Scalar>(x: &[S]) -> S {
    let mut y = x.iter().copied().sum::<S>() * 1e-3;
    for _ in 0..30_000 {
        y = (y * 0.999).sin() + 0.5;
    }
    y
}

#[test]
fn a_long_chain_over_all_inputs_stays_cheap_on_the_sparse_drivers() {
    // Before: sparse_hessian produced every coupled pair of every node (3e8 pairs,
    // 4.8 GB, then an abort). Now each product of two sets is coupled once.
    let x: Vec<f64> = (0..100).map(|i| 0.01 * i as f64).collect();
    let dense = hyperhess::hessian(|x| summed_then_chained(x), &x).unwrap();
    let sparse = hyperhess::sparse_hessian(|x| summed_then_chained(x), &x).unwrap();
    assert_eq!(sparse.nnz(), 100 * 100);
    // Every entry is `1e-6 y''` of the same chain: one number (bits), and within
    // the chain's rounding of the dense sweeps' (each of the 30,000 steps rounds
    // at most 6 times in each method: a relative `2 * 6 * 30_000 * eps`).
    let first = sparse.values()[0];
    let tol = 2.0 * 6.0 * 30_000.0 * f64::EPSILON * first.abs();
    for (i, j, v) in sparse.triplet_iter() {
        assert_eq!(v.to_bits(), first.to_bits());
        assert!(
            (v - dense[(i, j)]).abs() <= tol,
            "({i}, {j}): {v} vs {}",
            dense[(i, j)]
        );
    }
    let d = hyperhess::hessian_diagonal(|x| summed_then_chained(x), &x).unwrap();
    assert!((0..100).all(|i| d[i].to_bits() == dense[(i, i)].to_bits()));
    let plan = hyperhess::SparsePlan::new(|x| summed_then_chained(x), &x).unwrap();
    assert_eq!(plan.pattern().nnz(), 100 * 100);
}

#[test]
fn a_dense_pattern_is_not_star_colored_at_n_fourth_cost() {
    // Before: greedy star coloring of a dense 1000 x 1000 pattern took about 500 s.
    // Now its cost is estimated first and one color per column is taken instead.
    fn f<S: Scalar>(x: &[S]) -> S {
        (x.iter().copied().sum::<S>() * 1e-2).sin()
    }
    let n = 1000;
    let x: Vec<f64> = (0..n).map(|i| (i as f64).sin()).collect();
    let plan = hyperhess::SparsePlan::new(|x| f(x), &x).unwrap();
    assert_eq!((plan.pattern().nnz(), plan.colors()), (n * n, n));
    // One color per column: valid for any pattern (checked directly; the general
    // star check is cubic in a dense row's length).
    match plan.coloring() {
        hyperhess::Coloring::Star(c) => {
            let mut colors = c.colors().to_vec();
            colors.sort_unstable();
            colors.dedup();
            assert_eq!(colors.len(), n);
        }
        other => panic!("expected one star color per column, got {other:?}"),
    }
    let s = hyperhess::sparse_hessian(|x| f(x), &x).unwrap();
    let h = hyperhess::hessian(|x| f(x), &x).unwrap();
    for (i, j, v) in s.triplet_iter() {
        assert_eq!(v.to_bits(), h[(i, j)].to_bits());
    }
}

// Item 7: the same failure gives the same variant and index on every engine.

#[test]
fn hvp_names_an_infinite_gradient_as_a_gradient_error() {
    // sqrt at 0: infinite gradient entry 0; the value is finite.
    let err = hyperhess::hvp(|x| x[0].sqrt() + x[1], &[0.0, 1.0], &[1.0, 1.0]).unwrap_err();
    assert!(
        matches!(err, Error::NonFiniteGradient { index: 0, .. }),
        "{err:?}"
    );
    let rec = hyperhess::record(|x| x[0].sqrt() + x[1], &[0.0, 1.0]).unwrap_err();
    assert!(matches!(rec, Error::NonFiniteGradient { index: 0, .. }));
    // Infinite curvature with a finite gradient: H v, row 0, on both.
    let err = hyperhess::hvp(|x| x[0].powf(1.5) + x[1], &[0.0, 1.0], &[1.0, 1.0]).unwrap_err();
    let rec = hyperhess::record(|x| x[0].powf(1.5) + x[1], &[0.0, 1.0]).unwrap();
    let err2 = rec.hvp(&[1.0, 1.0]).unwrap_err();
    assert!(matches!(
        err,
        Error::NonFiniteHessian { row: 0, col: 0, .. }
    ));
    assert_eq!(std::mem::discriminant(&err), std::mem::discriminant(&err2));
}

#[test]
fn a_nested_point_with_a_nan_tangent_is_a_non_finite_input_on_both_engines() {
    let x = [Dual::new(1.0, 0.0), Dual::new(2.0, f64::NAN)];
    let tape = hyperhess::hessian(|x| x[0] * x[1], &x).unwrap_err();
    let forward = hyperhess::forward::hessian(|x| x[0] * x[1], &x).unwrap_err();
    assert!(
        matches!(tape, Error::NonFiniteInput { index: 1, .. }),
        "{tape:?}"
    );
    assert!(matches!(forward, Error::NonFiniteInput { index: 1, .. }));
}

#[test]
fn an_overflowing_quotient_names_the_same_entry_on_both_engines() {
    let x = [1e-200, 1e-160];
    let tape = hyperhess::hessian(|x| x[0] / x[1], &x).unwrap_err();
    let forward = hyperhess::forward::hessian(|x| x[0] / x[1], &x).unwrap_err();
    assert_eq!(tape, forward);
    assert!(matches!(
        tape,
        Error::NonFiniteHessian { row: 0, col: 1, .. }
    ));
    let sparse = hyperhess::sparse_hessian(|x| x[0] / x[1], &x).unwrap_err();
    assert_eq!(sparse, forward);
}
