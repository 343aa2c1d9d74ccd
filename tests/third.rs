//! Third derivatives (`third_derivative`, `third_derivative_tensor`): against
//! hand-derived tensors, against central differences of exact Hessians (with the
//! derived tolerance of tests/common), and their errors. The num-dual comparison is
//! in benches/tests/third.rs.

mod common;

use common::{central_matrix, points_in};
use hyperhess::nalgebra::DMatrix;
use hyperhess::{Error, Scalar, testfns};
use proptest::prelude::*;

/// `x0² x1 + sin(x0 x2) + exp(x1) x2³`, and its third derivatives by hand.
fn g<S: Scalar>(x: &[S]) -> S {
    x[0] * x[0] * x[1] + (x[0] * x[2]).sin() + x[1].exp() * x[2].powi(3)
}

fn g_tensor(x: &[f64]) -> [[[f64; 3]; 3]; 3] {
    let (a, b, c) = (x[0], x[1], x[2]);
    let (s, co) = ((a * c).sin(), (a * c).cos());
    let e = b.exp();
    let mut t = [[[0.0; 3]; 3]; 3];
    let mut put = |i: usize, j: usize, k: usize, v: f64| {
        for (p, q, r) in [
            (i, j, k),
            (i, k, j),
            (j, i, k),
            (j, k, i),
            (k, i, j),
            (k, j, i),
        ] {
            t[p][q][r] = v;
        }
    };
    put(0, 0, 0, -c * c * c * co);
    put(0, 0, 1, 2.0);
    put(0, 0, 2, -2.0 * c * s - a * c * c * co);
    put(0, 2, 2, -2.0 * a * s - a * a * c * co);
    put(2, 2, 2, -a * a * a * co + 6.0 * e);
    put(1, 1, 1, e * c.powi(3));
    put(1, 1, 2, 3.0 * e * c * c);
    put(1, 2, 2, 6.0 * e * c);
    t
}

#[test]
fn tensor_is_the_hand_derived_one() {
    for x in [[0.5, -0.25, 1.5], [-1.0, 0.75, 0.125], [2.0, 0.0, -1.0]] {
        let t = hyperhess::third_derivative_tensor(|x| g(x), &x).unwrap();
        let want = g_tensor(&x);
        for (k, slice) in t.iter().enumerate() {
            for i in 0..3 {
                for j in 0..3 {
                    let w = want[i][j][k];
                    let tol = 8.0 * f64::EPSILON * w.abs().max(10.0);
                    assert!(
                        (slice[(i, j)] - w).abs() <= tol,
                        "T[{i}][{j}][{k}] at {x:?}"
                    );
                }
            }
        }
    }
}

#[test]
fn direction_is_the_tensor_contracted() {
    let (x, v) = ([0.5, -0.25, 1.5], [0.5, -2.0, 1.0]);
    let t = hyperhess::third_derivative(|x| g(x), &x, &v).unwrap();
    let want = g_tensor(&x);
    for i in 0..3 {
        for j in 0..3 {
            let w: f64 = (0..3).map(|k| want[i][j][k] * v[k]).sum();
            assert!(
                (t[(i, j)] - w).abs() <= 1e-13 * w.abs().max(10.0),
                "({i}, {j})"
            );
        }
    }
    assert_eq!(t, t.transpose());
}

/// The test functions, by name: the tape Hessian and the third derivative of one.
fn hessian_of(name: &str, y: &[f64]) -> DMatrix<f64> {
    match name {
        "rosenbrock" => hyperhess::hessian(|x| testfns::rosenbrock(x), y).unwrap(),
        "chain" => hyperhess::hessian(|x| testfns::chain(x), y).unwrap(),
        _ => hyperhess::hessian(|x| g(x), y).unwrap(),
    }
}

fn third_of(name: &str, x: &[f64], v: &[f64]) -> DMatrix<f64> {
    match name {
        "rosenbrock" => hyperhess::third_derivative(|x| testfns::rosenbrock(x), x, v).unwrap(),
        "chain" => hyperhess::third_derivative(|x| testfns::chain(x), x, v).unwrap(),
        _ => hyperhess::third_derivative(|x| g(x), x, v).unwrap(),
    }
}

proptest! {
    /// `∇³f(x)[v]` is `d/dt ∇²f(x + t v)` at 0: a central difference of exact
    /// Hessians (tape) along `v`, within the derived bound.
    #[test]
    fn direction_is_a_difference_of_hessians(
        x in proptest::collection::vec(points_in(-1.5, 1.5), 3),
        v in proptest::collection::vec(points_in(-1.0, 1.0), 3),
    ) {
        for name in ["rosenbrock", "chain", "g"] {
            let got = third_of(name, &x, &v);
            let hess = |t: f64| -> Vec<f64> {
                let y: Vec<f64> = x.iter().zip(&v).map(|(a, b)| a + t * b).collect();
                hessian_of(name, &y).as_slice().to_vec()
            };
            for (e, fd) in central_matrix(hess, 0.0).iter().enumerate() {
                let (i, j) = (e % 3, e / 3);
                prop_assert!(fd.accepts(got[(i, j)]), "{name} ({i}, {j}): {} vs {fd:?}", got[(i, j)]);
            }
        }
    }
}

#[test]
fn bad_input_is_a_typed_error() {
    assert!(matches!(
        hyperhess::third_derivative(|x| x[0].powi(3), &[1.0, 2.0], &[1.0]),
        Err(Error::LengthMismatch { .. })
    ));
    assert!(matches!(
        hyperhess::third_derivative(|x| x[0].powi(3), &[1.0], &[f64::NAN]),
        Err(Error::NonFiniteDirection { .. })
    ));
    assert!(matches!(
        hyperhess::third_derivative_tensor(|x| x[0].powi(3), &[f64::INFINITY]),
        Err(Error::NonFiniteInput { .. })
    ));
    assert!(matches!(
        hyperhess::third_derivative_tensor(|x| x[0].powi(3), &[] as &[f64]),
        Err(Error::EmptyInput)
    ));
    // (x^(5/2))''' = 15/8 x^(-1/2): infinite at 0.
    let r = hyperhess::third_derivative(|x| x[0].powf(2.5), &[0.0], &[1.0]);
    assert!(matches!(r, Err(Error::NonFiniteHessian { .. })), "{r:?}");
}
