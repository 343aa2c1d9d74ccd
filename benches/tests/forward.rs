//! The forward drivers `forward::gradient` and `forward::hessian`: against num-dual
//! (an independent implementation), against hand-derived gradients, Hessians and
//! third derivatives, against finite differences of Hessians, and their errors.

#[path = "../../tests/common/mod.rs"]
mod common;

use common::{central_matrix, points_in, snap};
use hyperhess::rules::{Binary, Unary};
use hyperhess::{Dual, Error, HyperDual, Scalar, forward, testfns};
use hyperhess_rivals::{
    chain_nd, cubic_sum, cubic_sum_nd, f2, f2_nd, f3, f3_nd, f4, f4_nd, lse_nd, rosenbrock_nd,
};
use nalgebra::{DMatrix, DVector, dmatrix, dvector};
use nalgebra35 as na35;
use num_dual::{Dual2DVec64, DualDVec64, DualNum};
use proptest::prelude::*;
use proptest::test_runner::TestCaseError;

// ---------------------------------------------------------------------------------
// The test functions, once over our `Scalar` and once over num-dual's `DualNum`
// ---------------------------------------------------------------------------------

#[derive(Clone, Copy, Debug)]
enum Fun {
    Rosenbrock,
    Chain,
    LogSumExp,
    CubicSum,
    F2,
    F3,
    F4,
}

impl Fun {
    const ALL: [Fun; 7] = [
        Fun::Rosenbrock,
        Fun::Chain,
        Fun::LogSumExp,
        Fun::CubicSum,
        Fun::F2,
        Fun::F3,
        Fun::F4,
    ];

    /// The number of variables, when fixed.
    fn arity(self) -> Option<usize> {
        match self {
            Fun::F2 | Fun::F4 => Some(2),
            Fun::F3 => Some(3),
            _ => None,
        }
    }

    /// The matrix of `log_sum_exp` for `n` variables.
    fn matrix(n: usize) -> Vec<Vec<f64>> {
        hyperhess::testfns::LogSumExp::random(4, n, 11).a
    }

    fn ours<S: Scalar>(self, a: &[Vec<f64>], x: &[S]) -> S {
        match self {
            Fun::Rosenbrock => testfns::rosenbrock(x),
            Fun::Chain => testfns::chain(x),
            Fun::LogSumExp => testfns::log_sum_exp(a, x),
            Fun::CubicSum => cubic_sum(x),
            Fun::F2 => f2(x),
            Fun::F3 => f3(x),
            Fun::F4 => f4(x),
        }
    }

    fn theirs<D: DualNum<Primitive = f64>>(self, a: &[Vec<f64>], x: &[D]) -> D {
        match self {
            Fun::Rosenbrock => rosenbrock_nd(x),
            Fun::Chain => chain_nd(x),
            Fun::LogSumExp => lse_nd(a, x),
            Fun::CubicSum => cubic_sum_nd(x),
            Fun::F2 => f2_nd(x),
            Fun::F3 => f3_nd(x),
            Fun::F4 => f4_nd(x),
        }
    }

    /// The first `n` (or `arity`) coordinates of `x`.
    fn point(self, x: &[f64], n: usize) -> Vec<f64> {
        x[..self.arity().unwrap_or(n)].to_vec()
    }

    fn hessian(self, x: &[f64]) -> DMatrix<f64> {
        let a = Fun::matrix(x.len());
        forward::hessian(|y| self.ours(&a, y), x).unwrap()
    }
}

/// `|got - want| <= rel · max(|got|, |want|, scale)` for every entry, where `scale` is
/// the largest entry of `want` (a norm-wise relative comparison).
fn assert_close_all(got: &[f64], want: &[f64], rel: f64, what: &str) -> Result<(), TestCaseError> {
    prop_assert_eq!(got.len(), want.len(), "{}: lengths", what);
    let scale = want.iter().fold(0.0f64, |m, w| m.max(w.abs()));
    for (k, (g, w)) in got.iter().zip(want).enumerate() {
        prop_assert!(
            common::close(*g, *w, rel, scale),
            "{what}: entry {k}: got {g:e}, want {w:e}"
        );
    }
    Ok(())
}

// ---------------------------------------------------------------------------------
// Against num-dual
// ---------------------------------------------------------------------------------

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn gradient_and_hessian_match_num_dual(
        n in 1usize..=6,
        x in proptest::collection::vec(-2.0..2.0f64, 6),
    ) {
        for fun in Fun::ALL {
            let x = fun.point(&x, n);
            let a = Fun::matrix(x.len());
            let what = format!("{fun:?} at {x:?}");

            let g = forward::gradient(|y| fun.ours(&a, y), &x).unwrap();
            let h = forward::hessian(|y| fun.ours(&a, y), &x).unwrap();

            let xv = na35::DVector::from_column_slice(&x);
            let (f_nd, g_nd) =
                num_dual::gradient(|v: na35::DVector<DualDVec64>| fun.theirs(&a, v.as_slice()), &xv);
            let (_, g_nd2, h_nd) =
                num_dual::hessian(|v: na35::DVector<Dual2DVec64>| fun.theirs(&a, v.as_slice()), &xv);

            // Same function on both sides: the values agree.
            prop_assert!(common::close(fun.ours(&a, &x), f_nd, 1e-14, 1.0), "{what}: values");
            assert_close_all(g.as_slice(), g_nd.as_slice(), 1e-12, &format!("{what}: gradient"))?;
            assert_close_all(g.as_slice(), g_nd2.as_slice(), 1e-12, &format!("{what}: gradient"))?;
            // Both column-major, n x n.
            assert_close_all(h.as_slice(), h_nd.as_slice(), 1e-12, &format!("{what}: Hessian"))?;
            // Exactly symmetric (the driver mirrors each seed pair).
            prop_assert!(h == h.transpose(), "{what}: Hessian not exactly symmetric");
        }
    }
}

// ---------------------------------------------------------------------------------
// Hand-derived: Rosenbrock
// ---------------------------------------------------------------------------------

/// Rosenbrock's gradient and Hessian by hand, with each entry's scale (the sum of
/// the absolute values of its terms, for the rounding of the computed one).
///
/// f = Σ_{i<n-1} 100 (x_{i+1} - x_i²)² + (1 - x_i)²
/// ∂f/∂x_i   = -400 x_i (x_{i+1} - x_i²) - 2 (1 - x_i)   [i < n-1]
///           + 200 (x_i - x_{i-1}²)                        [i > 0]
/// ∂²f/∂x_i² = 1200 x_i² - 400 x_{i+1} + 2                [i < n-1]
///           + 200                                         [i > 0]
/// ∂²f/∂x_i∂x_{i+1} = -400 x_i, all other entries 0.
fn rosenbrock_by_hand(x: &[f64]) -> (Vec<f64>, Vec<f64>, DMatrix<f64>, DMatrix<f64>) {
    let n = x.len();
    let (mut g, mut gs) = (vec![0.0; n], vec![0.0; n]);
    let (mut h, mut hs) = (DMatrix::zeros(n, n), DMatrix::zeros(n, n));
    for i in 0..n {
        if i + 1 < n {
            let (t1, t2) = (
                -400.0 * x[i] * (x[i + 1] - x[i] * x[i]),
                -2.0 * (1.0 - x[i]),
            );
            g[i] += t1 + t2;
            gs[i] += t1.abs() + t2.abs() + 400.0 * x[i].abs() * (x[i + 1].abs() + x[i] * x[i]);
            let (d1, d2) = (1200.0 * x[i] * x[i], -400.0 * x[i + 1]);
            h[(i, i)] += d1 + d2 + 2.0;
            hs[(i, i)] += d1.abs() + d2.abs() + 2.0;
            h[(i, i + 1)] = -400.0 * x[i];
            h[(i + 1, i)] = -400.0 * x[i];
            hs[(i, i + 1)] = 400.0 * x[i].abs();
            hs[(i + 1, i)] = 400.0 * x[i].abs();
        }
        if i > 0 {
            let t = 200.0 * (x[i] - x[i - 1] * x[i - 1]);
            g[i] += t;
            gs[i] += 200.0 * (x[i].abs() + x[i - 1] * x[i - 1]);
            h[(i, i)] += 200.0;
            hs[(i, i)] += 200.0;
        }
    }
    (g, gs, h, hs)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    #[test]
    fn rosenbrock_matches_its_analytic_hessian(
        x in proptest::collection::vec(-2.0..2.0f64, 2..=8),
    ) {
        let (g_want, g_scale, h_want, h_scale) = rosenbrock_by_hand(&x);
        let g = forward::gradient(testfns::rosenbrock, &x).unwrap();
        let h = forward::hessian(testfns::rosenbrock, &x).unwrap();
        // A few roundings of terms of the size of `scale` each.
        let rel = 16.0 * f64::EPSILON;
        for i in 0..x.len() {
            prop_assert!(
                (g[i] - g_want[i]).abs() <= rel * g_scale[i],
                "g[{}] = {:e}, by hand {:e}", i, g[i], g_want[i]
            );
            for j in 0..x.len() {
                prop_assert!(
                    (h[(i, j)] - h_want[(i, j)]).abs() <= rel * h_scale[(i, j)],
                    "H[{},{}] = {:e}, by hand {:e}", i, j, h[(i, j)], h_want[(i, j)]
                );
            }
        }
    }
}

#[test]
fn rosenbrock_exact_at_integer_points() {
    // Small integers: every operation is exact, so the AD Hessian equals the
    // hand-derived one exactly.
    for x in [
        vec![1.0, 1.0],
        vec![-1.0, 2.0, 0.0, 3.0, 1.0],
        vec![2.0, -3.0, 4.0],
    ] {
        let (g_want, _, h_want, _) = rosenbrock_by_hand(&x);
        let g = forward::gradient(testfns::rosenbrock, &x).unwrap();
        let h = forward::hessian(testfns::rosenbrock, &x).unwrap();
        assert_eq!(g.as_slice(), g_want.as_slice(), "gradient at {x:?}");
        assert_eq!(h, h_want, "Hessian at {x:?}");
    }
    let h = forward::hessian(testfns::rosenbrock, &[1.0, 1.0]).unwrap();
    assert_eq!(h, dmatrix![802.0, -400.0; -400.0, 200.0]);
}

// ---------------------------------------------------------------------------------
// Hand-derived: the seed examples, exactly
// ---------------------------------------------------------------------------------

#[test]
fn seed_examples_exact() {
    // f(x) = Σ 2x³ - x²: ∇f = 6x² - 2x, ∇²f = diag(12x - 2).
    let h = forward::hessian(cubic_sum, &[3.0]).unwrap();
    assert_eq!(h, dmatrix![34.0]);
    let h = forward::hessian(cubic_sum, &[2.0, 3.0, 4.0]).unwrap();
    assert_eq!(h, DMatrix::from_diagonal(&dvector![22.0, 34.0, 46.0]));
    // [[2, 3], [4, 7]] flattened row-major.
    let m = [[2.0, 3.0], [4.0, 7.0]];
    let flat: Vec<f64> = m.iter().flatten().copied().collect();
    let h = forward::hessian(cubic_sum, &flat).unwrap();
    assert_eq!(h, DMatrix::from_diagonal(&dvector![22.0, 34.0, 46.0, 82.0]));
    let g = forward::gradient(cubic_sum, &flat).unwrap();
    assert_eq!(g, dvector![20.0, 48.0, 88.0, 280.0]);

    // f(x, y) = 2xy² + x³ - 10: ∇f = (2y² + 3x², 4xy), ∇²f = [[6x, 4y], [4y, 4x]].
    let h = forward::hessian(f2, &[2.0, -3.0]).unwrap();
    assert_eq!(h, dmatrix![12.0, -12.0; -12.0, 8.0]);
    let g = forward::gradient(f2, &[2.0, -3.0]).unwrap();
    assert_eq!(g, dvector![30.0, -24.0]);

    // f(x, y, z) = 2x²y + xz³ - 10: ∇f = (4xy + z³, 2x², 3xz²),
    // ∇²f = [[4y, 4x, 3z²], [4x, 0, 0], [3z², 0, 6xz]].
    let h = forward::hessian(f3, &[1.0, 2.0, 3.0]).unwrap();
    assert_eq!(h, dmatrix![8.0, 4.0, 27.0; 4.0, 0.0, 0.0; 27.0, 0.0, 18.0]);
    let g = forward::gradient(f3, &[1.0, 2.0, 3.0]).unwrap();
    assert_eq!(g, dvector![35.0, 2.0, 27.0]);

    // f(x, y) = xy³ - 7x: ∇f = (y³ - 7, 3xy²), ∇²f = [[0, 3y²], [3y², 6xy]].
    let h = forward::hessian(f4, &[1.0, 2.0]).unwrap();
    assert_eq!(h, dmatrix![0.0, 12.0; 12.0, 12.0]);
    let g = forward::gradient(f4, &[1.0, 2.0]).unwrap();
    assert_eq!(g, dvector![1.0, 12.0]);
}

// ---------------------------------------------------------------------------------
// Third derivatives through nesting: the Hessian at Dual<f64> coordinates
// ---------------------------------------------------------------------------------

/// The Hessian at `x + v ε`: its value parts and its tangent parts (the directional
/// derivative of the Hessian along `v`).
fn hessian_and_tangent(fun: Fun, x: &[f64], v: &[f64]) -> (DMatrix<f64>, DMatrix<f64>) {
    let a = Fun::matrix(x.len());
    let xd: Vec<Dual<f64>> = x
        .iter()
        .zip(v)
        .map(|(&xi, &vi)| Dual::new(xi, vi))
        .collect();
    let h = forward::hessian(|y| fun.ours(&a, y), &xd).unwrap();
    (h.map(|d| d.re), h.map(|d| d.eps))
}

/// `D_v ∇²f` for the seed functions, by hand.
fn third_by_hand(fun: Fun, x: &[f64], v: &[f64]) -> DMatrix<f64> {
    match fun {
        // ∇²f = diag(12x - 2)
        Fun::CubicSum => DMatrix::from_diagonal(&DVector::from_iterator(
            v.len(),
            v.iter().map(|vi| 12.0 * vi),
        )),
        // ∇²f = [[6x, 4y], [4y, 4x]]
        Fun::F2 => dmatrix![6.0 * v[0], 4.0 * v[1]; 4.0 * v[1], 4.0 * v[0]],
        // ∇²f = [[4y, 4x, 3z²], [4x, 0, 0], [3z², 0, 6xz]]
        Fun::F3 => {
            let (x0, z) = (x[0], x[2]);
            dmatrix![
                4.0 * v[1], 4.0 * v[0], 6.0 * z * v[2];
                4.0 * v[0], 0.0, 0.0;
                6.0 * z * v[2], 0.0, 6.0 * (v[0] * z + x0 * v[2])
            ]
        }
        // ∇²f = [[0, 3y²], [3y², 6xy]]
        Fun::F4 => {
            let (x0, y) = (x[0], x[1]);
            dmatrix![0.0, 6.0 * y * v[1]; 6.0 * y * v[1], 6.0 * (v[0] * y + x0 * v[1])]
        }
        _ => unreachable!("no hand-derived third derivative for {fun:?}"),
    }
}

#[test]
fn third_derivatives_exact_at_integer_points() {
    // f = xy³ - 7x at (1, 2): D_v ∇²f = [[0, 6y v1], [6y v1, 6(y v0 + x v1)]].
    let (h, dh) = hessian_and_tangent(Fun::F4, &[1.0, 2.0], &[1.0, 0.0]);
    assert_eq!(h, dmatrix![0.0, 12.0; 12.0, 12.0]);
    assert_eq!(dh, dmatrix![0.0, 0.0; 0.0, 12.0]);
    let (_, dh) = hessian_and_tangent(Fun::F4, &[1.0, 2.0], &[0.0, 1.0]);
    assert_eq!(dh, dmatrix![0.0, 12.0; 12.0, 6.0]);
    let (_, dh) = hessian_and_tangent(Fun::F4, &[1.0, 2.0], &[2.0, -1.0]);
    assert_eq!(dh, dmatrix![0.0, -12.0; -12.0, 18.0]);

    let (h, dh) = hessian_and_tangent(Fun::F3, &[1.0, 2.0, 3.0], &[1.0, -1.0, 2.0]);
    assert_eq!(h, dmatrix![8.0, 4.0, 27.0; 4.0, 0.0, 0.0; 27.0, 0.0, 18.0]);
    assert_eq!(
        dh,
        dmatrix![-4.0, 4.0, 36.0; 4.0, 0.0, 0.0; 36.0, 0.0, 30.0]
    );

    let (_, dh) = hessian_and_tangent(Fun::F2, &[2.0, -3.0], &[1.0, 2.0]);
    assert_eq!(dh, dmatrix![6.0, 8.0; 8.0, 4.0]);

    // The gradient at Dual coordinates carries the Hessian-vector product.
    let xd = [Dual::new(1.0, 2.0), Dual::new(2.0, -1.0)];
    let g = forward::gradient(f4, &xd).unwrap();
    assert_eq!(g.map(|d| d.re), dvector![1.0, 12.0]);
    assert_eq!(g.map(|d| d.eps), dvector![-12.0, 12.0]); // [[0, 12], [12, 12]] (2, -1)
}

/// Directions on a 2^-10 grid in [-1, 1] and points on the 2^-20 grid, so that the
/// difference stencils `x + t v` are exact.
fn direction() -> impl Strategy<Value = f64> {
    (-1024i32..=1024).prop_map(|k| f64::from(k) / 1024.0)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn third_derivatives_of_seed_functions_match_hand_derived(
        x in proptest::collection::vec(points_in(-3.0, 3.0), 4),
        v in proptest::collection::vec(direction(), 4),
    ) {
        for fun in [Fun::CubicSum, Fun::F2, Fun::F3, Fun::F4] {
            let (x, v) = (fun.point(&x, 4), fun.point(&v, 4));
            let (h, dh) = hessian_and_tangent(fun, &x, &v);
            prop_assert!(h == fun.hessian(&x), "{:?}: value parts differ from the f64 Hessian", fun);
            prop_assert!(dh == dh.transpose(), "{:?}: tangent parts not symmetric", fun);
            let want = third_by_hand(fun, &x, &v);
            assert_close_all(dh.as_slice(), want.as_slice(), 1e-14, &format!("{fun:?} at {x:?} along {v:?}"))?;
        }
    }

    #[test]
    fn third_derivatives_match_finite_differences_of_hessians(
        n in 1usize..=5,
        x in proptest::collection::vec(points_in(-2.0, 2.0), 5),
        v in proptest::collection::vec(direction(), 5),
    ) {
        for fun in Fun::ALL {
            let (x, v) = (fun.point(&x, n), fun.point(&v, n));
            let (h, dh) = hessian_and_tangent(fun, &x, &v);
            // The value parts are the f64 Hessian, exactly.
            prop_assert!(h == fun.hessian(&x), "{:?}: value parts differ from the f64 Hessian", fun);
            // D_v ∇²f(x) = d/dt ∇²f(x + t v) at t = 0.
            let fds = central_matrix(
                |t| {
                    let xt: Vec<f64> = x.iter().zip(&v).map(|(xi, vi)| xi + t * vi).collect();
                    fun.hessian(&xt).as_slice().to_vec()
                },
                0.0,
            );
            for (k, (&got, fd)) in dh.as_slice().iter().zip(&fds).enumerate() {
                prop_assert!(
                    fd.accepts(got),
                    "{:?} at {:?} along {:?}: entry {}: got {:e}, difference {:e}, tol {:e}",
                    fun, x, v, k, got, fd.d, fd.tolerance(got)
                );
            }
        }
    }
}

// ---------------------------------------------------------------------------------
// Errors: each case returns its typed error, never a panic
// ---------------------------------------------------------------------------------

#[test]
fn empty_input_is_an_error() {
    let sum = |x: &[HyperDual<f64>]| x.iter().copied().sum::<HyperDual<f64>>();
    assert_eq!(forward::hessian(sum, &[] as &[f64]), Err(Error::EmptyInput));
    let sum = |x: &[Dual<f64>]| x.iter().copied().sum::<Dual<f64>>();
    assert_eq!(
        forward::gradient(sum, &[] as &[f64]),
        Err(Error::EmptyInput)
    );
}

fn bad_value() -> impl Strategy<Value = f64> {
    prop_oneof![Just(f64::NAN), Just(f64::INFINITY), Just(f64::NEG_INFINITY)]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// The first non-finite coordinate is named, with its value; later ones (and
    /// the function) do not matter.
    #[test]
    fn non_finite_input_names_its_index(
        x in proptest::collection::vec(-5.0..5.0f64, 1..=6),
        k in any::<proptest::sample::Index>(),
        bad in bad_value(),
        later in proptest::option::of(bad_value()),
    ) {
        let mut x = x;
        let k = k.index(x.len());
        x[k] = bad;
        let last = x.len() - 1;
        if let (Some(b), true) = (later, k < last) {
            x[last] = b;
        }
        let is_ours = |e: &Error| match *e {
            Error::NonFiniteInput { index, value } => {
                index == k && (value == bad || (value.is_nan() && bad.is_nan()))
            }
            _ => false,
        };
        let h = forward::hessian(testfns::chain, &x).unwrap_err();
        prop_assert!(is_ours(&h), "hessian: {:?}", h);
        let g = forward::gradient(testfns::chain, &x).unwrap_err();
        prop_assert!(is_ours(&g), "gradient: {:?}", g);
    }
}

#[test]
fn non_finite_value_is_an_error() {
    // ln of a negative number: NaN.
    let e = forward::gradient(|x| x[0].ln() + x[1], &[-1.0, 2.0]).unwrap_err();
    assert!(
        matches!(e, Error::NonFiniteValue { value } if value.is_nan()),
        "{e:?}"
    );
    let e = forward::hessian(|x| x[0].ln() + x[1], &[-1.0, 2.0]).unwrap_err();
    assert!(
        matches!(e, Error::NonFiniteValue { value } if value.is_nan()),
        "{e:?}"
    );
    // 1/x at 0: +inf.
    let e = forward::hessian(|x| x[0].recip(), &[0.0]).unwrap_err();
    assert_eq!(
        e,
        Error::NonFiniteValue {
            value: f64::INFINITY
        }
    );
    let e = forward::gradient(|x| x[0].recip(), &[0.0]).unwrap_err();
    assert_eq!(
        e,
        Error::NonFiniteValue {
            value: f64::INFINITY
        }
    );
}

#[test]
fn non_finite_gradient_names_its_entry() {
    // d/dx sqrt(x) at 0 = +inf.
    let e = forward::gradient(|x| x[0].sqrt(), &[0.0]).unwrap_err();
    assert_eq!(
        e,
        Error::NonFiniteGradient {
            index: 0,
            value: f64::INFINITY
        }
    );
    let e = forward::hessian(|x| x[0].sqrt(), &[0.0]).unwrap_err();
    assert_eq!(
        e,
        Error::NonFiniteGradient {
            index: 0,
            value: f64::INFINITY
        }
    );
    // The singular coordinate first, a regular one after it.
    let e = forward::gradient(|x| x[0].sqrt() + x[1] * x[1], &[0.0, 3.0]).unwrap_err();
    assert_eq!(
        e,
        Error::NonFiniteGradient {
            index: 0,
            value: f64::INFINITY
        }
    );
    // A later entry: 1/x through the quotient rule at x = 1e-200 has the finite value
    // 1e200 and the derivative -1e400 = -inf (and, unlike a rule with an infinite
    // partial, a zero tangent gives 0 in the earlier evaluation).
    let e = forward::gradient(|x| x[0] + 1.0 / x[1], &[1.0, 1e-200]).unwrap_err();
    assert_eq!(
        e,
        Error::NonFiniteGradient {
            index: 1,
            value: f64::NEG_INFINITY
        }
    );
    // cbrt at 0: d/dx = +inf too.
    let e = forward::gradient(|x| x[0].cbrt(), &[0.0]).unwrap_err();
    assert_eq!(
        e,
        Error::NonFiniteGradient {
            index: 0,
            value: f64::INFINITY
        }
    );
}

#[test]
fn non_finite_hessian_names_its_entry() {
    // x^1.5 at 0: f' = 0, f'' = 0.75 x^-0.5 = +inf.
    let e = forward::hessian(|x| x[0].powf(1.5), &[0.0]).unwrap_err();
    assert_eq!(
        e,
        Error::NonFiniteHessian {
            row: 0,
            col: 0,
            value: f64::INFINITY
        }
    );
    let e = forward::hessian(|x| x[0].powf(1.5) + x[0] * x[1], &[0.0, 1.0]).unwrap_err();
    assert_eq!(
        e,
        Error::NonFiniteHessian {
            row: 0,
            col: 0,
            value: f64::INFINITY
        }
    );
    // Later entries, by overflow: with a = 1e160 x0, b = 1e160 x1 at x = 1e-200 the
    // values are 1e-40 and the first derivatives 1e160 · 1e-40, but
    // d2(ab)/dx0dx1 = 1e320 = inf and d2(b²)/dx1² = 2e320 = inf.
    let big = |x: &[HyperDual<f64>], i: usize| x[i] * 1e160;
    let e = forward::hessian(|x| big(x, 0) * big(x, 1), &[1e-200, 1e-200]).unwrap_err();
    assert_eq!(
        e,
        Error::NonFiniteHessian {
            row: 0,
            col: 1,
            value: f64::INFINITY
        }
    );
    let e = forward::hessian(|x| x[0] + big(x, 1) * big(x, 1), &[1.0, 1e-200]).unwrap_err();
    assert_eq!(
        e,
        Error::NonFiniteHessian {
            row: 1,
            col: 1,
            value: f64::INFINITY
        }
    );
    // The gradient alone is fine there.
    let g = forward::gradient(|x| x[0].powf(1.5) + x[0] * x[1], &[0.0, 1.0]).unwrap();
    assert_eq!(g, dvector![1.0, 0.0]);
}

/// A singular coordinate after a regular one should be named too. Today it is not:
/// the unseeded singular coordinate gives `f' · 0 = inf · 0 = NaN` in the first
/// (regular) evaluation, so entry 0 is reported. See the report on the inf·0 chain
/// rule.
#[test]
fn non_finite_gradient_names_a_later_entry() {
    let e = forward::gradient(|x| x[0] + x[1].sqrt(), &[1.0, 0.0]).unwrap_err();
    assert_eq!(
        e,
        Error::NonFiniteGradient {
            index: 1,
            value: f64::INFINITY
        }
    );
    let e = forward::hessian(|x| x[0] * x[0] + x[1].powf(1.5), &[1.0, 0.0]).unwrap_err();
    assert_eq!(
        e,
        Error::NonFiniteHessian {
            row: 1,
            col: 1,
            value: f64::INFINITY
        }
    );
}

#[test]
fn non_finite_tangent_of_a_nested_input_is_an_input_error() {
    // At Dual coordinates the whole coordinate must be finite, tangent included.
    let x = [Dual::new(1.0, 0.0), Dual::new(2.0, f64::NAN)];
    let e = forward::hessian(f4, &x).unwrap_err();
    assert!(matches!(e, Error::NonFiniteInput { index: 1, .. }), "{e:?}");
    let e = forward::gradient(f4, &x).unwrap_err();
    assert!(matches!(e, Error::NonFiniteInput { index: 1, .. }), "{e:?}");
}

/// Every rule of the table, at awkward points (zeros, signs, huge and tiny
/// magnitudes), through both drivers: an `Ok` with finite entries or one of the
/// documented errors, never a panic.
#[test]
fn never_panics_on_any_rule_at_awkward_points() {
    let points = [
        0.0,
        -0.0,
        1.0,
        -1.0,
        0.5,
        -2.0,
        1e-300,
        -1e-300,
        f64::MIN_POSITIVE,
        1e300,
        -1e300,
        f64::MAX,
        f64::MIN,
    ];
    let allowed = |e: &Error| {
        matches!(
            e,
            Error::NonFiniteValue { .. }
                | Error::NonFiniteGradient { .. }
                | Error::NonFiniteHessian { .. }
        )
    };
    let check_ok_or_allowed = |r: Result<Vec<f64>, Error>, what: &str| match r {
        Ok(v) => assert!(
            v.iter().all(|e| e.is_finite()),
            "{what}: Ok with non-finite {v:?}"
        ),
        Err(e) => assert!(allowed(&e), "{what}: unexpected {e:?}"),
    };
    for &op in Unary::ALL
        .iter()
        .chain(&[Unary::Powi(i32::MIN), Unary::Powi(i32::MAX)])
    {
        for &p in &points {
            let x = [p, 0.5];
            let what = format!("{op:?} at {p:e}");
            let g = forward::gradient(|y| y[0].apply(op) * y[1] + y[0], &x);
            check_ok_or_allowed(g.map(|g| g.as_slice().to_vec()), &what);
            let h = forward::hessian(|y| y[0].apply(op) * y[1] + y[0], &x);
            check_ok_or_allowed(h.map(|h| h.as_slice().to_vec()), &what);
        }
    }
    for &op in Binary::ALL {
        for &p in &points {
            for &q in &points {
                let what = format!("{op:?} at ({p:e}, {q:e})");
                let h = forward::hessian(|y| y[0].apply2(op, y[1]), &[p, q]);
                check_ok_or_allowed(h.map(|h| h.as_slice().to_vec()), &what);
                let g = forward::gradient(|y| y[0].apply2(op, y[1]), &[p, q]);
                check_ok_or_allowed(g.map(|g| g.as_slice().to_vec()), &what);
            }
        }
    }
}

#[test]
fn finite_difference_helper_rejects_a_wrong_derivative() {
    // The reference itself can fail: a derivative off by 1e-6 relative is refused.
    let x = snap(0.7);
    let fd = common::central(f64::sin, x);
    assert!(fd.accepts(x.cos()));
    assert!(!fd.accepts(x.cos() * (1.0 + 1e-6)));
}
