//! nalgebra inside `Objective::eval<S: Scalar>` on every engine (issue 20): the
//! Lennard-Jones + bond-angle + signed-volume energy written with `Vector3` and
//! `Matrix3` (`testfns::Cluster`) gives the tape Hessian, `minimize_newton` and
//! `check::hessian`, and agrees with the same energy over slices and with the
//! forward engine. Also: drivers nest, and foreign variables are typed errors.

use hyperhess::nalgebra::{Matrix3, Vector3};
use hyperhess::testfns::{Cluster, cluster_slices};
use hyperhess::{Error, MinimizeOptions, Objective, Scalar, Var, check};
use std::cell::Cell;

/// Entries agree to rounding: both sides compute the same terms, in another order
/// (nalgebra sums the products of `dot`/`norm_squared` itself).
fn assert_close(a: &hyperhess::nalgebra::DMatrix<f64>, b: &hyperhess::nalgebra::DMatrix<f64>) {
    let scale = b.amax().max(1.0);
    for (x, y) in a.iter().zip(b.iter()) {
        assert!((x - y).abs() <= 1e-12 * scale, "{x} vs {y} (scale {scale})");
    }
}

#[test]
fn tape_hessian_of_a_nalgebra_energy() {
    for m in [3, 5, 8] {
        let x = Cluster::start(m);
        let tape = hyperhess::hessian(|x| Cluster.eval(x), &x).unwrap();
        let slices = hyperhess::hessian(|x| cluster_slices(x), &x).unwrap();
        let forward = hyperhess::forward::hessian(|x| Cluster.eval(x), &x).unwrap();
        let of = hyperhess::derivatives_of(&Cluster, &x).unwrap();
        assert_close(&tape, &slices);
        assert_close(&tape, &forward);
        assert_close(&of.hessian, &tape);
        assert_eq!(tape, tape.transpose());
        let g = hyperhess::gradient(|x| Cluster.eval(x), &x).unwrap();
        let gs = hyperhess::gradient(|x| cluster_slices(x), &x).unwrap();
        assert!((g - gs).amax() <= 1e-12 * of.gradient.amax().max(1.0));
    }
}

#[test]
fn minimize_newton_and_check_on_a_nalgebra_energy() {
    let x0 = Cluster::start(5);
    let min = hyperhess::minimize_newton(&Cluster, &x0, &MinimizeOptions::default()).unwrap();
    assert!(min.value < Cluster.eval(&x0));
    assert!(min.gradient.amax() < 1e-6, "{}", min.gradient.amax());
    let report = check::hessian(&Cluster, &x0, &Default::default()).unwrap();
    assert!(report.passed(), "{report}");
}

/// A function generic over `Scalar` alone may use nalgebra's algebra, and may be
/// passed by name (the tape's `Var` has no lifetime to infer).
fn bond_angle<S: Scalar>(x: &[S]) -> S {
    let p = |i: usize| Vector3::new(x[3 * i], x[3 * i + 1], x[3 * i + 2]);
    let (a, b) = (p(0) - p(1), p(2) - p(1));
    a.cross(&b).norm().atan2(a.dot(&b)) + Matrix3::from_columns(&[a, b, p(0)]).trace()
}

#[test]
fn generic_functions_pass_by_name() {
    let x = [1.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 1.0, 0.0];
    let by_name = hyperhess::hessian(bond_angle, &x).unwrap();
    let closure = hyperhess::hessian(|x| bond_angle(x), &x).unwrap();
    assert_eq!(by_name, closure);
    let f = hyperhess::forward::hessian(|x| bond_angle(x), &x).unwrap();
    assert_close(&by_name, &f);
}

/// Third derivatives by nesting: the gradient (tape) of `H[0][1]` (tape) is row
/// `(0, 1)` of the third-derivative tensor.
#[test]
fn drivers_nest() {
    fn f<S: Scalar>(x: &[S]) -> S {
        x[0] * x[0] * x[1] + (x[0] * x[1]).sin()
    }
    let x = [0.5, 1.5];
    let g = hyperhess::gradient(
        |y| match hyperhess::hessian(|z| f(z), y) {
            Ok(h) => h[(0, 1)],
            Err(_) => Var::from_f64(f64::NAN),
        },
        &x,
    )
    .unwrap();
    let t = hyperhess::third_derivative_tensor(|x| f(x), &x).unwrap();
    for k in 0..2 {
        assert!(
            (g[k] - t[k][(0, 1)]).abs() < 1e-13,
            "{k}: {} vs {}",
            g[k],
            t[k][(0, 1)]
        );
    }
    // A Hessian of a Hessian entry, and a forward driver inside the tape.
    let h = hyperhess::hessian(|y| hyperhess::gradient(|z| f(z), y).unwrap()[0], &x).unwrap();
    let fwd = hyperhess::hessian(
        |y| hyperhess::forward::gradient(|z| f(z), y).unwrap()[0],
        &x,
    );
    assert_eq!(h, fwd.unwrap());
}

#[test]
fn foreign_variables_are_typed_errors() {
    // Kept after its recording ended.
    let kept = Cell::new(None);
    let _ = hyperhess::gradient(
        |x| {
            kept.set(Some(x[0]));
            x[0]
        },
        &[1.0],
    );
    let stale: Var = kept.get().unwrap();
    let r = hyperhess::gradient(|y| y[0] * stale, &[2.0]);
    assert!(matches!(r, Err(Error::ForeignVariable)), "{r:?}");
    // Derived from a stale variable outside any recording: still foreign.
    let derived = (stale * 2.0 + 1.0).sin();
    let r = hyperhess::hessian(|y| y[0] + derived, &[2.0]);
    assert!(matches!(r, Err(Error::ForeignVariable)), "{r:?}");
    let r = hyperhess::hessian(|y| [y[0], derived, y[0]].into_iter().sum(), &[2.0]);
    assert!(matches!(r, Err(Error::ForeignVariable)), "{r:?}");
    // A comparison with one steers a branch: an error too.
    let r = hyperhess::gradient(|y| if y[0] > stale { y[0] } else { -y[0] }, &[2.0]);
    assert!(matches!(r, Err(Error::ForeignVariable)), "{r:?}");
    // Reading its value outside any recording is harmless.
    assert_eq!(stale.value(), 1.0);
    // Returned alone.
    let r = hyperhess::gradient(|_| stale, &[2.0]);
    assert!(matches!(r, Err(Error::ForeignVariable)), "{r:?}");
    // Two active recordings of one number type mixed: both fail.
    let inner = Cell::new(None);
    let outer = hyperhess::gradient(
        |x| {
            inner.set(Some(
                hyperhess::gradient(|y| y[0] * x[0], &[1.0]).map(|g| g[0]),
            ));
            x[0] * x[0]
        },
        &[3.0],
    );
    assert!(matches!(outer, Err(Error::ForeignVariable)), "{outer:?}");
    assert!(matches!(inner.take(), Some(Err(Error::ForeignVariable))));
    // Another thread.
    let r = hyperhess::gradient(
        |x| {
            let x0 = x[0];
            std::thread::scope(|s| s.spawn(move || x0 * x0).join().unwrap_or(x0))
        },
        &[2.0],
    );
    assert!(matches!(r, Err(Error::ForeignVariable)), "{r:?}");
    // And a fresh recording afterwards is fine.
    assert_eq!(
        hyperhess::gradient(|y| y[0] * y[0], &[2.0]).unwrap()[0],
        4.0
    );
}

/// `Determinant` (generic code) against nalgebra's own (f64, and `Dual` through
/// `RealField`), and its derivatives where a pivot column is zero in value.
#[test]
fn determinant_in_generic_code() {
    use hyperhess::Determinant;
    use hyperhess::nalgebra::{DMatrix, RealField};
    fn det_generic<S: Scalar>(x: &[S]) -> S {
        DMatrix::from_column_slice(5, 5, x).determinant()
    }
    fn det_nalgebra<S: RealField + Copy>(x: &[S]) -> S {
        DMatrix::from_column_slice(5, 5, x).determinant()
    }
    let x: Vec<f64> = (0..25).map(|k| ((k * 7 % 11) as f64 - 5.0) / 3.0).collect();
    let (a, b) = (det_generic(&x), det_nalgebra(&x));
    assert!((a - b).abs() <= 1e-12 * b.abs().max(1.0), "{a} vs {b}");
    let g = hyperhess::gradient(det_generic, &x).unwrap();
    let gf = hyperhess::forward::gradient(|x| det_nalgebra(x), &x).unwrap();
    assert!((&g - &gf).amax() <= 1e-12 * gf.amax().max(1.0));
    // diag(0, 2, 3, 5, 7): the first pivot column is zero in value, its derivative
    // (the cofactor 210) is not.
    let mut d = vec![0.0; 25];
    for (k, v) in [0.0, 2.0, 3.0, 5.0, 7.0].into_iter().enumerate() {
        d[k * 6] = v;
    }
    let g = hyperhess::gradient(det_generic, &d).unwrap();
    assert_eq!((g[0], g[6], g[24]), (210.0, 0.0, 0.0));
    let h = hyperhess::hessian(det_generic, &d).unwrap();
    assert_eq!((h[(0, 6)], h[(0, 12)], h[(6, 12)]), (105.0, 70.0, 0.0));
}

/// A nested dense Hessian large enough for the `parallel` feature's threads stays
/// on the recording's thread (its arithmetic records on the outer tape).
#[test]
fn nesting_at_the_parallel_size() {
    let n = hyperhess::Options::PARALLEL_MIN_INPUTS;
    let x: Vec<f64> = (0..n).map(|i| 0.1 * i as f64 - 0.3).collect();
    let dense = hyperhess::Options {
        sparsity: hyperhess::Sparsity::Dense,
        ..Default::default()
    };
    let g = hyperhess::gradient(
        |y| match hyperhess::hessian_with(|z| hyperhess::testfns::chain(z), y, &dense) {
            Ok(h) => h[(1, 2)],
            Err(_) => Var::from_f64(f64::NAN),
        },
        &x,
    )
    .unwrap();
    let t = hyperhess::third_derivative(|z| hyperhess::testfns::chain(z), &x, &{
        let mut e = vec![0.0; n];
        e[1] = 1.0;
        e
    })
    .unwrap();
    // ∂H[1][2]/∂x_k = T[1][2][k] = T[k][2][1]: the tensor's slice along e_1, row 2.
    for k in 0..n {
        assert!(
            (g[k] - t[(k, 2)]).abs() <= 1e-13 * t[(k, 2)].abs().max(1.0),
            "{k}"
        );
    }
}
