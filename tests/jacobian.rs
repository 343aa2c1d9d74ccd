//! Jacobians of vector functions: hand-derived values, finite differences (with
//! the derived bound of tests/common), the forward engine's gradients of each
//! output, and the sparse path against the dense one.

mod common;

use common::{central_many, snap};
use hyperhess::{Error, Scalar, jacobian, sparse_jacobian};

/// Polar to Cartesian and a third output mixing both.
fn polar<S: Scalar>(x: &[S]) -> Vec<S> {
    vec![x[0] * x[1].cos(), x[0] * x[1].sin(), (x[0] * x[1]).exp()]
}

/// A chain: output k couples x[k], x[k+1], x[k+2] (banded: 3 column colors).
fn chain<S: Scalar>(x: &[S]) -> Vec<S> {
    x.windows(3)
        .map(|w| w[0] * w[1].sin() + w[2].powi(3) - w[1] * w[2])
        .collect()
}

/// A dense row (output 0) over a chain: the rows' coloring is the cheap one.
fn dense_row<S: Scalar>(x: &[S]) -> Vec<S> {
    let mut out = vec![x.iter().map(|&v| v * v).sum::<S>()];
    out.extend(x.windows(2).map(|w| w[0] * w[1]));
    out
}

/// A dense column (x[0] in every output): columns take 2 colors, rows m.
fn dense_column<S: Scalar>(x: &[S]) -> Vec<S> {
    x[1..].iter().map(|&v| x[0] * v.exp()).collect()
}

/// Outputs that are not operations: a constant, an input, a scaled input, the same
/// variable twice.
fn odd_outputs<S: Scalar>(x: &[S]) -> Vec<S> {
    let y = x[0] * x[1];
    vec![S::from_f64(2.0), x[1], -(x[0] * 3.0), y, y, y * 0.0]
}

fn point(n: usize) -> Vec<f64> {
    (0..n)
        .map(|i| snap(0.4 + 0.3 * (1.3 * i as f64).sin()))
        .collect()
}

#[test]
fn hand_derived_polar() {
    let (r, t) = (2.0, 0.5);
    let j = jacobian(|x| polar(x), &[r, t]).unwrap();
    let e = (r * t).exp();
    let expected = [
        [t.cos(), -r * t.sin()],
        [t.sin(), r * t.cos()],
        [t * e, r * e],
    ];
    for k in 0..3 {
        for i in 0..2 {
            assert_eq!(j[(k, i)], expected[k][i], "({k}, {i})");
        }
    }
}

#[test]
fn odd_outputs_are_differentiated() {
    let x = [3.0, 5.0];
    let j = jacobian(|x| odd_outputs(x), &x).unwrap();
    let expected = nalgebra::dmatrix![
        0.0, 0.0;
        0.0, 1.0;
        -3.0, 0.0;
        5.0, 3.0;
        5.0, 3.0;
        0.0, 0.0
    ];
    assert_eq!(j, expected);
    let s = sparse_jacobian(|x| odd_outputs(x), &x).unwrap();
    assert_eq!(nalgebra::DMatrix::from(&s), expected);
}

/// Each column against central differences of the outputs along that input.
#[test]
fn columns_agree_with_finite_differences() {
    let check = |f: &dyn Fn(&[f64]) -> Vec<f64>, j: &nalgebra::DMatrix<f64>, x: &[f64]| {
        for c in 0..x.len() {
            let along = |t: f64| {
                let mut y = x.to_vec();
                y[c] = t;
                f(&y)
            };
            for (k, fd) in central_many(along, x[c]).iter().enumerate() {
                assert!(fd.accepts(j[(k, c)]), "({k}, {c}): {} vs {fd:?}", j[(k, c)]);
            }
        }
    };
    let x = point(9);
    check(&|x| chain(x), &jacobian(|x| chain(x), &x).unwrap(), &x);
    check(
        &|x| dense_row(x),
        &jacobian(|x| dense_row(x), &x).unwrap(),
        &x,
    );
    check(
        &|x| dense_column(x),
        &jacobian(|x| dense_column(x), &x).unwrap(),
        &x,
    );
    let x = point(2);
    check(&|x| polar(x), &jacobian(|x| polar(x), &x).unwrap(), &x);
}

/// Each row against the forward engine's gradient of that output alone, and the
/// sparse Jacobian against the dense one, entry by entry. Both are sums of the
/// same products in possibly another order: within a few ulps of the largest
/// product, bounded here by `8 eps` times the row's largest entry times the number
/// of inputs.
#[test]
fn rows_agree_with_the_forward_engine_and_sparse_with_dense() {
    fn run<F, G>(f: F, g: G, x: &[f64], m: usize)
    where
        F: Fn(&[hyperhess::Var]) -> Vec<hyperhess::Var> + Copy,
        G: Fn(&[hyperhess::Dual<f64>], usize) -> hyperhess::Dual<f64>,
    {
        let dense = jacobian(f, x).unwrap();
        let sparse = nalgebra::DMatrix::from(&sparse_jacobian(f, x).unwrap());
        for k in 0..m {
            let fwd = hyperhess::forward::gradient(|y| g(y, k), x).unwrap();
            let scale = (0..x.len())
                .map(|i| dense[(k, i)].abs())
                .fold(1.0, f64::max);
            let tol = 8.0 * f64::EPSILON * scale * x.len() as f64;
            for i in 0..x.len() {
                assert!((dense[(k, i)] - fwd[i]).abs() <= tol, "({k}, {i})");
                assert!((dense[(k, i)] - sparse[(k, i)]).abs() <= tol, "({k}, {i})");
            }
        }
    }
    let x = point(12);
    run(|x| chain(x), |y, k| chain(y)[k], &x, 10);
    run(|x| dense_row(x), |y, k| dense_row(y)[k], &x, 12);
    run(|x| dense_column(x), |y, k| dense_column(y)[k], &x, 11);
    // Few outputs, many inputs: the dense path's reverse rows.
    let x = point(40);
    run(|x| dense_row(&x[..3]), |y, k| dense_row(&y[..3])[k], &x, 3);
}

#[test]
fn sparse_pattern_is_structural_and_colored_cheaply() {
    let x = point(200);
    let s = sparse_jacobian(|x| chain(x), &x).unwrap();
    assert_eq!((s.nrows(), s.ncols(), s.nnz()), (198, 200, 3 * 198));
    let s = sparse_jacobian(|x| dense_row(x), &x).unwrap();
    assert_eq!(s.nnz(), 200 + 2 * 199);
    // A zero value at the point stays a structural entry.
    let mut z = x.clone();
    z[5] = 0.0;
    let s = sparse_jacobian(|x| dense_row(x), &z).unwrap();
    assert_eq!(s.nnz(), 200 + 2 * 199);
    assert_eq!(s.get_entry(0, 5).unwrap().into_value(), 0.0);
}

#[test]
fn bad_input_and_results_are_typed_errors() {
    let e = jacobian(|x| vec![x[0].ln(), x[1]], &[1.0, 1.0]).unwrap();
    assert_eq!(e[(0, 0)], 1.0);
    assert!(matches!(
        jacobian(|x| vec![x[1], (x[0] - 2.0).ln()], &[1.0, 1.0]),
        Err(Error::NonFiniteOutput { index: 1, .. })
    ));
    assert!(matches!(
        sparse_jacobian(|x| vec![x[1], x[0].sqrt()], &[0.0, 1.0]),
        Err(Error::NonFiniteJacobian { row: 1, col: 0, .. })
    ));
    assert!(matches!(
        jacobian(|x| vec![x[1], x[0].sqrt()], &[0.0, 1.0]),
        Err(Error::NonFiniteJacobian { row: 1, col: 0, .. })
    ));
    assert!(matches!(
        jacobian(|x| vec![x[0]], &[]),
        Err(Error::EmptyInput)
    ));
    assert!(matches!(
        sparse_jacobian(|x| vec![x[0]], &[f64::NAN]),
        Err(Error::NonFiniteInput { index: 0, .. })
    ));
    // No outputs: an empty 0 x n Jacobian.
    let j = jacobian(|_| Vec::new(), &[1.0, 2.0]).unwrap();
    assert_eq!(j.shape(), (0, 2));
    let s = sparse_jacobian(|_| Vec::new(), &[1.0, 2.0]).unwrap();
    assert_eq!((s.nrows(), s.ncols(), s.nnz()), (0, 2, 0));
}
