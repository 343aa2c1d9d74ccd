//! Feature `ndarray`: the wrappers return exactly what the slice drivers return,
//! accept strided views, and pass the drivers' errors through.

#![cfg(feature = "ndarray")]

use hyperhess::{Error, Scalar};
use ndarray::{Array1, array, s};
use proptest::prelude::*;

fn f<S: Scalar>(x: &[S]) -> S {
    x.windows(2)
        .map(|w| (w[1] - w[0] * w[0]).powi(2) * 100.0 + (S::one() - w[0]).powi(2))
        .sum::<S>()
        + x[0].sin() * x[x.len() - 1]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// Same tape, same sweeps: the entries are bit for bit those of the slice drivers.
    #[test]
    fn wrappers_equal_the_slice_drivers(
        x in proptest::collection::vec(-2.0..2.0f64, 1..6),
        v in proptest::collection::vec(-2.0..2.0f64, 6),
    ) {
        let n = x.len();
        let v = &v[..n];
        let xa = Array1::from_vec(x.clone());
        let va = Array1::from_vec(v.to_vec());

        let g = hyperhess::ndarray::gradient(|x| f(x), xa.view()).unwrap();
        prop_assert_eq!(g.to_vec(), hyperhess::gradient(|x| f(x), &x).unwrap().as_slice().to_vec());

        let h = hyperhess::ndarray::hessian(|x| f(x), xa.view()).unwrap();
        let want = hyperhess::hessian(|x| f(x), &x).unwrap();
        prop_assert_eq!(h.dim(), (n, n));
        for i in 0..n {
            for j in 0..n {
                prop_assert_eq!(h[[i, j]], want[(i, j)]);
            }
        }

        let hv = hyperhess::ndarray::hvp(|x| f(x), xa.view(), va.view()).unwrap();
        prop_assert_eq!(hv.to_vec(), hyperhess::hvp(|x| f(x), &x, v).unwrap().as_slice().to_vec());
    }
}

#[test]
fn strided_and_reversed_views() {
    let data = array![1.0, 9.0, 2.0, 9.0, 3.0];
    let x = [1.0, 2.0, 3.0];
    let want = hyperhess::gradient(|x| f(x), &x).unwrap();
    let g = hyperhess::ndarray::gradient(|x| f(x), data.slice(s![..;2])).unwrap();
    assert_eq!(g.as_slice().unwrap(), want.as_slice());
    let rev = hyperhess::ndarray::gradient(|x| f(x), data.slice(s![..;-2])).unwrap();
    let want_rev = hyperhess::gradient(|x| f(x), &[3.0, 2.0, 1.0]).unwrap();
    assert_eq!(rev.as_slice().unwrap(), want_rev.as_slice());
}

#[test]
fn errors_pass_through() {
    let empty = Array1::<f64>::zeros(0);
    assert_eq!(
        hyperhess::ndarray::gradient(|x| f(x), empty.view()),
        Err(Error::EmptyInput)
    );
    assert_eq!(
        hyperhess::ndarray::hessian(|x| f(x), empty.view()),
        Err(Error::EmptyInput)
    );
    let x = array![1.0, f64::NAN];
    assert!(matches!(
        hyperhess::ndarray::hessian(|x| f(x), x.view()),
        Err(Error::NonFiniteInput { .. })
    ));
    let x = array![1.0, 2.0];
    let v = array![1.0];
    assert_eq!(
        hyperhess::ndarray::hvp(|x| f(x), x.view(), v.view()),
        hyperhess::hvp(|x| f(x), &[1.0, 2.0], &[1.0]).map(|_| Array1::zeros(0))
    );
    assert!(hyperhess::ndarray::hvp(|x| f(x), x.view(), v.view()).is_err());
}
