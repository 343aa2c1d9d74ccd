//! `third_derivative` and `third_derivative_tensor` against num-dual's third-order
//! numbers (`HyperHyperDual64`, `third_partial_derivative_vec`: an independent
//! implementation), entry by entry, on the test functions with nonzero third
//! derivatives.

use hyperhess::testfns;
use hyperhess_rivals::{chain_nd, f2, f2_nd, f3, f3_nd, lse_nd, rosenbrock_nd};
use num_dual::{HyperHyperDual64, third_partial_derivative_vec};
use proptest::prelude::*;

type Nd = HyperHyperDual64;

/// Both sides compute the same sums of products of the rule table's derivatives in
/// a different order: a few ulps of the largest term. `scale` is the largest entry
/// of the tensor (the terms a small entry cancels from are of that size).
fn close(got: f64, want: f64, scale: f64) -> bool {
    (got - want).abs() <= 64.0 * f64::EPSILON * scale.max(want.abs()).max(1.0)
}

/// `∂³f/∂x_i∂x_j∂x_k` for every `i, j, k` by num-dual.
fn num_dual_tensor(f: &dyn Fn(&[Nd]) -> Nd, x: &[f64]) -> Vec<Vec<Vec<f64>>> {
    let n = x.len();
    (0..n)
        .map(|k| {
            (0..n)
                .map(|i| {
                    (0..n)
                        .map(|j| third_partial_derivative_vec(|y: &[Nd]| f(y), x, i, j, k).7)
                        .collect()
                })
                .collect()
        })
        .collect()
}

fn check_tensor(
    name: &str,
    got: &[hyperhess::nalgebra::DMatrix<f64>],
    want: &[Vec<Vec<f64>>],
) -> Result<(), TestCaseError> {
    let scale = want
        .iter()
        .flatten()
        .flatten()
        .fold(0.0f64, |m, e| m.max(e.abs()));
    for (k, slice) in want.iter().enumerate() {
        for (i, row) in slice.iter().enumerate() {
            for (j, &w) in row.iter().enumerate() {
                let g = got[k][(i, j)];
                prop_assert!(
                    close(g, w, scale),
                    "{name} T[{i}][{j}][{k}] = {g}, num-dual {w}"
                );
            }
        }
    }
    Ok(())
}

proptest! {
    #[test]
    fn tensor_agrees_with_num_dual(x in proptest::collection::vec(-1.5f64..1.5, 4)) {
        let t = hyperhess::third_derivative_tensor(|x| testfns::rosenbrock(x), &x).unwrap();
        check_tensor("rosenbrock", &t, &num_dual_tensor(&|y| rosenbrock_nd(y), &x))?;
        let t = hyperhess::third_derivative_tensor(|x| testfns::chain(x), &x).unwrap();
        check_tensor("chain", &t, &num_dual_tensor(&|y| chain_nd(y), &x))?;
        let a = testfns::LogSumExp::random(3, 4, 5).a;
        let t = hyperhess::third_derivative_tensor(|x| testfns::log_sum_exp(&a, x), &x).unwrap();
        check_tensor("log_sum_exp", &t, &num_dual_tensor(&|y| lse_nd(&a, y), &x))?;
        let t = hyperhess::third_derivative_tensor(|x| f2(x), &x[..2]).unwrap();
        check_tensor("f2", &t, &num_dual_tensor(&|y| f2_nd(y), &x[..2]))?;
        let t = hyperhess::third_derivative_tensor(|x| f3(x), &x[..3]).unwrap();
        check_tensor("f3", &t, &num_dual_tensor(&|y| f3_nd(y), &x[..3]))?;
    }

    /// Along a direction: `Σ_k T[i][j][k] v_k` from num-dual's tensor.
    #[test]
    fn direction_agrees_with_num_dual(
        x in proptest::collection::vec(-1.5f64..1.5, 5),
        v in proptest::collection::vec(-1.0f64..1.0, 5),
    ) {
        let got = hyperhess::third_derivative(|x| testfns::chain(x), &x, &v).unwrap();
        let want = num_dual_tensor(&|y| chain_nd(y), &x);
        let n = x.len();
        for i in 0..n {
            for j in 0..n {
                let terms: Vec<f64> = (0..n).map(|k| want[k][i][j] * v[k]).collect();
                let w: f64 = terms.iter().sum();
                let scale = terms.iter().fold(0.0f64, |m, t| m.max(t.abs()));
                prop_assert!(close(got[(i, j)], w, scale * n as f64), "({i}, {j}): {} vs {w}", got[(i, j)]);
            }
        }
    }
}

/// A hand-checked value, so that a shared mistake in the harness cannot pass.
#[test]
fn num_dual_harness_reads_the_third_partial() {
    let t = num_dual_tensor(&|y| y[0] * y[0] * y[1], &[1.0, 2.0]);
    assert_eq!((t[1][0][0], t[0][0][1], t[0][0][0]), (2.0, 2.0, 0.0));
}
