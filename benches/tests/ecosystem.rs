//! Code generic over `num_traits::Float`, differentiated unchanged: the test
//! functions of `argmin_testfunctions` (written against `Float + FromPrimitive +
//! Sum`) through the tape (`hessian`, `sparse_hessian`) and the forward engine
//! (`forward::hessian`), checked against finite differences of the tape gradient,
//! against each other, against argmin's own hand-written Hessians, and against
//! num-dual on the same formulas written over its `DualNum`.
//!
//! Also: comparisons with `f64` in generic code, the `num_traits` conversions and
//! the piecewise functions `Float` needs (floor, fract, `%`, ...).

#[path = "../../tests/common/mod.rs"]
mod common;

use argmin_testfunctions as atf;
use common::{central_matrix, points_in};
use hyperhess::num_traits::{Float, FloatConst, FromPrimitive, NumCast, ToPrimitive, Zero};
use hyperhess::{Dual, HyperDual, Scalar, forward};
use hyperhess_rivals::{ackley_nd, rastrigin_nd, rosenbrock_nd, styblinski_tang_nd};
use nalgebra::DMatrix;
use nalgebra35 as na35;
use num_dual::Dual2DVec64;
use proptest::prelude::*;
use proptest::test_runner::TestCaseError;

/// `|got - want| <= rel · max(|got|, |want|, largest |want|)` entrywise.
fn assert_close(
    got: &DMatrix<f64>,
    want: &DMatrix<f64>,
    rel: f64,
    what: &str,
) -> Result<(), TestCaseError> {
    prop_assert_eq!(got.shape(), want.shape(), "{}: shapes", what);
    let scale = want.amax();
    for (k, (g, w)) in got.iter().zip(want.iter()).enumerate() {
        prop_assert!(
            common::close(*g, *w, rel, scale),
            "{what}: entry {k}: got {g:e}, want {w:e}"
        );
    }
    Ok(())
}

/// Every column of `h` against central differences of `grad` along that
/// coordinate, with the derived tolerance of `tests/common` plus the rounding of
/// the gradient's own cancellation.
///
/// `tests/common` assumes each gradient entry is computed to a few ulps of its own
/// size. These functions are sums of terms that cancel (Lennard-Jones attraction
/// against repulsion, Beale's residuals), so `g_i` is accurate only to a few ulps
/// of its terms. Their size is estimated as `T_i = |g_i| + Σ_j |H_ij| (|x_j| + 1)`
/// (a term's gradient is its curvature times its distance from where it vanishes,
/// with the test functions' offsets of order 1), and the rounding of the two
/// evaluations, `eps T_i / h` with `h` the difference step, is added with the same
/// safety factor.
fn assert_fd_of_gradient(
    h: &DMatrix<f64>,
    grad: impl Fn(&[f64]) -> Vec<f64>,
    x: &[f64],
    what: &str,
) -> Result<(), TestCaseError> {
    for j in 0..x.len() {
        let fds = central_matrix(
            |t| {
                let mut y = x.to_vec();
                y[j] += t;
                grad(&y)
            },
            0.0,
        );
        let g0 = grad(x);
        for (i, fd) in fds.iter().enumerate() {
            let got = h[(i, j)];
            let terms = g0[i].abs()
                + (0..x.len())
                    .map(|k| h[(i, k)].abs() * (x[k].abs() + 1.0))
                    .sum::<f64>();
            let tol = fd.tolerance(got) + common::SAFETY * common::EPS * terms / common::step(0.0);
            prop_assert!(
                (got - fd.d).abs() <= tol,
                "{what}: H[{i}][{j}] = {got:e}, difference {:e}, tol {tol:e}",
                fd.d
            );
        }
    }
    Ok(())
}

fn from_rows(rows: Vec<Vec<f64>>) -> DMatrix<f64> {
    let n = rows.len();
    DMatrix::from_fn(n, n, |i, j| rows[i][j])
}

fn from_array(rows: [[f64; 2]; 2]) -> DMatrix<f64> {
    DMatrix::from_fn(2, 2, |i, j| rows[i][j])
}

/// Runs `$body` (an expression in the slice `$v`, generic over the number type) on
/// all three engines at `$x`; checks them against each other, against finite
/// differences of the tape gradient and against the reference Hessian `$want`.
macro_rules! check_engines {
    ($name:expr, $x:expr, |$v:ident| $body:expr, $want:expr) => {{
        let x: &[f64] = $x;
        let what = format!("{} at {:?}", $name, x);
        let tape = hyperhess::hessian(|$v| $body, x).unwrap();
        let fwd = forward::hessian(|$v| $body, x).unwrap();
        let sparse = DMatrix::from(&hyperhess::sparse_hessian(|$v| $body, x).unwrap());
        let grad = |y: &[f64]| {
            hyperhess::gradient(|$v| $body, y)
                .unwrap()
                .as_slice()
                .to_vec()
        };
        // The gradient of the same code on f64 (value through Float on f64).
        let value = {
            let $v = x;
            $body
        };
        let tape_value = hyperhess::derivatives(|$v| $body, x).unwrap().value;
        prop_assert!(
            value == tape_value,
            "{what}: value {value} vs tape {tape_value}"
        );
        assert_fd_of_gradient(&tape, grad, x, &format!("{what}: tape"))?;
        assert_close(&fwd, &tape, 1e-12, &format!("{what}: forward vs tape"))?;
        assert_close(&sparse, &tape, 1e-12, &format!("{what}: sparse vs tape"))?;
        let want: DMatrix<f64> = $want(x);
        assert_close(
            &tape,
            &want,
            1e-10,
            &format!("{what}: tape vs argmin's Hessian"),
        )?;
        tape
    }};
}

/// num-dual's Hessian of `f` at `x`.
fn num_dual_hessian(f: impl Fn(&[Dual2DVec64]) -> Dual2DVec64, x: &[f64]) -> DMatrix<f64> {
    let xv = na35::DVector::from_column_slice(x);
    let (_, _, h) = num_dual::hessian(|v: na35::DVector<Dual2DVec64>| f(v.as_slice()), &xv);
    DMatrix::from_column_slice(x.len(), x.len(), h.as_slice())
}

fn vec_in(lo: f64, hi: f64) -> impl Strategy<Value = Vec<f64>> {
    (2usize..=5).prop_flat_map(move |n| proptest::collection::vec(points_in(lo, hi), n))
}

fn pair_in(lo: f64, hi: f64) -> impl Strategy<Value = Vec<f64>> {
    proptest::collection::vec(points_in(lo, hi), 2)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn rosenbrock_unchanged(x in vec_in(-2.0, 2.0)) {
        let h = check_engines!("rosenbrock", &x, |v| atf::rosenbrock(v), |x: &[f64]| from_rows(atf::rosenbrock_hessian(x)));
        assert_close(&h, &num_dual_hessian(|v| rosenbrock_nd(v), &x), 1e-12, "rosenbrock vs num-dual")?;
    }

    /// Away from 0, where `sqrt(Σ x²)` has no derivative.
    #[test]
    fn ackley_unchanged(x in vec_in(0.25, 3.0)) {
        let h = check_engines!("ackley", &x, |v| atf::ackley(v), |x: &[f64]| from_rows(atf::ackley_hessian(x)));
        assert_close(&h, &num_dual_hessian(|v| ackley_nd(v), &x), 1e-12, "ackley vs num-dual")?;
    }

    #[test]
    fn rastrigin_unchanged(x in vec_in(-5.12, 5.12)) {
        let h = check_engines!("rastrigin", &x, |v| atf::rastrigin(v), |x: &[f64]| from_rows(atf::rastrigin_hessian(x)));
        assert_close(&h, &num_dual_hessian(|v| rastrigin_nd(v), &x), 1e-12, "rastrigin vs num-dual")?;
    }

    #[test]
    fn styblinski_tang_unchanged(x in vec_in(-5.0, 5.0)) {
        let h = check_engines!("styblinski_tang", &x, |v| atf::styblinski_tang(v), |x: &[f64]| from_rows(atf::styblinski_tang_hessian(x)));
        assert_close(&h, &num_dual_hessian(|v| styblinski_tang_nd(v), &x), 1e-12, "styblinski_tang vs num-dual")?;
    }

    #[test]
    fn sphere_unchanged(x in vec_in(-5.0, 5.0)) {
        check_engines!("sphere", &x, |v| atf::sphere(v), |x: &[f64]| from_rows(atf::sphere_hessian(x)));
    }

    #[test]
    fn two_dimensional_functions_unchanged(x in pair_in(-4.5, 4.5)) {
        check_engines!("beale", &x, |v| atf::beale(&[v[0], v[1]]), |x: &[f64]| from_array(atf::beale_hessian(&[x[0], x[1]])));
        check_engines!("booth", &x, |v| atf::booth(&[v[0], v[1]]), |x: &[f64]| from_array(atf::booth_hessian(&[x[0], x[1]])));
        check_engines!("himmelblau", &x, |v| atf::himmelblau(&[v[0], v[1]]), |x: &[f64]| from_array(atf::himmelblau_hessian(&[x[0], x[1]])));
        check_engines!("matyas", &x, |v| atf::matyas(&[v[0], v[1]]), |x: &[f64]| from_array(atf::matyas_hessian(&[x[0], x[1]])));
        check_engines!("threehumpcamel", &x, |v| atf::threehumpcamel(&[v[0], v[1]]), |x: &[f64]| from_array(atf::threehumpcamel_hessian(&[x[0], x[1]])));
    }

    #[test]
    fn goldstein_price_and_mccormick_unchanged(x in pair_in(-2.0, 2.0)) {
        check_engines!("goldsteinprice", &x, |v| atf::goldsteinprice(&[v[0], v[1]]), |x: &[f64]| from_array(atf::goldsteinprice_hessian(&[x[0], x[1]])));
        check_engines!("mccormick", &x, |v| atf::mccormick(&[v[0], v[1]]), |x: &[f64]| from_array(atf::mccormick_hessian(&[x[0], x[1]])));
    }
}

// ---------------------------------------------------------------------------------
// Comparisons with f64 in generic code
// ---------------------------------------------------------------------------------

/// `x > 0.0`, `x == 1.0`, `x <= 2.0` compile for `S: Scalar`.
fn branchy<S: Scalar>(x: &[S]) -> S {
    let mut s = S::zero();
    for &xi in x {
        if xi == 1.0 {
            s += xi * 3.0;
        } else if xi > 0.0 && xi <= 2.0 {
            s += xi * xi;
        } else {
            s -= xi;
        }
    }
    s
}

#[test]
fn comparisons_with_f64_follow_the_value() {
    let g = hyperhess::gradient(|x| branchy(x), &[1.0, 1.5, -2.0]).unwrap();
    assert_eq!(g.as_slice(), &[3.0, 3.0, -1.0]);
    let g = forward::gradient(|x| branchy(x), &[1.0, 1.5, -2.0]).unwrap();
    assert_eq!(g.as_slice(), &[3.0, 3.0, -1.0]);
    // Concrete types also take f64 on the left.
    let d = Dual::new(2.0, 1.0);
    assert!(d == 2.0);
    assert!(2.0 == d);
    assert!(1.0 < d);
    assert!(d <= 2.0);
    assert!(3.0 > d);
    assert_eq!(d.partial_cmp(&2.5), Some(std::cmp::Ordering::Less));
    assert_eq!(2.5.partial_cmp(&d), Some(std::cmp::Ordering::Greater));
    let h = HyperDual::new(f64::NAN, 1.0, 1.0, 0.0);
    assert!(h != 0.0);
    assert_eq!(h.partial_cmp(&0.0), None);
    assert_eq!(0.0.partial_cmp(&h), None);
}

// ---------------------------------------------------------------------------------
// num_traits conversions and the piecewise functions
// ---------------------------------------------------------------------------------

#[test]
fn conversions_are_on_the_value_and_never_panic() {
    let d = Dual::new(2.7, 1.0);
    assert_eq!(d.to_i64(), Some(2));
    assert_eq!(d.to_f64(), Some(2.7));
    assert_eq!(Dual::new(f64::NAN, 0.0).to_i64(), None);
    assert_eq!(Dual::new(-1.0, 0.0).to_u64(), None);
    assert_eq!(Dual::new(1e300, 0.0).to_i32(), None);
    let c: Dual<f64> = NumCast::from(7u8).unwrap();
    assert_eq!((c.re, c.eps), (7.0, 0.0));
    let c = <HyperDual<f64> as FromPrimitive>::from_usize(3).unwrap();
    assert_eq!((c.re, c.e1, c.e12), (3.0, 0.0, 0.0));
    assert_eq!(<Dual<f64> as FloatConst>::PI().re, std::f64::consts::PI);
    assert!(<Dual<f64> as Float>::nan().re.is_nan());
    assert!(Zero::is_zero(&<Dual<f64> as Zero>::zero()));
    let parsed = <Dual<f64> as hyperhess::num_traits::Num>::from_str_radix("2.5", 10).unwrap();
    assert_eq!(parsed.re, 2.5);
    assert!(<Dual<f64> as hyperhess::num_traits::Num>::from_str_radix("x", 10).is_err());
}

#[test]
fn piecewise_functions_have_the_documented_derivatives() {
    let x = Dual::new(2.75, 1.0);
    for (y, want) in [
        (Float::floor(x), (2.0, 0.0)),
        (Float::ceil(x), (3.0, 0.0)),
        (Float::round(x), (3.0, 0.0)),
        (Float::trunc(x), (2.0, 0.0)),
        (Float::fract(x), (0.75, 1.0)),
        (x % Dual::new(1.0, 0.0), (0.75, 1.0)),
        (x % Dual::new(2.0, 1.0), (0.75, 0.0)), // 1 - q with q = 1
        (
            Float::to_degrees(x),
            (2.75f64.to_degrees(), 180.0 / std::f64::consts::PI),
        ),
    ] {
        assert!(
            (y.re - want.0).abs() <= 1e-15 * want.0.abs()
                && (y.eps - want.1).abs() <= 1e-15 * want.1.abs().max(1.0),
            "{y:?} vs {want:?}"
        );
    }
    // `%` by zero is NaN, as on f64, not a panic.
    assert!((x % Dual::new(0.0, 0.0)).re.is_nan());
    // `powf` with a variable exponent, and at a negative base with a constant one.
    let p = Float::powf(Dual::new(2.0, 0.0), Dual::new(3.0, 1.0));
    assert_eq!((p.re, p.eps), (8.0, 8.0 * 2f64.ln()));
    let p = Float::powf(Dual::new(-2.0, 1.0), Dual::new(3.0, 0.0));
    assert_eq!((p.re, p.eps), (-8.0, 12.0));
    // `log` to a base.
    let l = Float::log(Dual::new(8.0, 1.0), Dual::new(2.0, 0.0));
    assert!((l.re - 3.0).abs() < 1e-15 && (l.eps - 1.0 / (8.0 * 2f64.ln())).abs() < 1e-15);
}

/// The tape records the piecewise functions as rule-table nodes with the same
/// derivatives.
#[test]
fn piecewise_functions_on_the_tape() {
    fn f<T: Float>(x: &[T]) -> T {
        x[0].floor() + x[0].fract() * x[1] + (x[1] % x[0])
    }
    let x = [2.5, 3.25];
    let h = hyperhess::hessian(|x| f(x), &x).unwrap();
    let hf = forward::hessian(|x| f(x), &x).unwrap();
    assert_eq!(h, hf);
    let g = hyperhess::gradient(|x| f(x), &x).unwrap();
    // d/dx0 = fract' x1 + d(x1 % x0)/dx0 = 3.25 - 1; d/dx1 = fract(x0) + 1.
    assert_eq!(g.as_slice(), &[3.25 - 1.0, 1.5]);
}

// ---------------------------------------------------------------------------------
// nalgebra vectors of dual numbers (simba's RealField on Dual and HyperDual)
// ---------------------------------------------------------------------------------

use nalgebra::{Matrix3, RealField, Vector3};

/// Three atoms (coordinates `x[0..9]`): Lennard-Jones between every pair, a
/// harmonic bond angle at atom 0 (the angle from `atan2(|a × b|, a · b)`), and the
/// squared volume `det[a b c]²` of the triangle's position matrix, written with
/// nalgebra's `Vector3` and `Matrix3`.
fn energy_nalgebra<S: RealField + Copy>(x: &[S]) -> S {
    let c = |v: f64| nalgebra::convert::<f64, S>(v);
    let p = |i: usize| Vector3::new(x[3 * i], x[3 * i + 1], x[3 * i + 2]);
    let (p0, p1, p2) = (p(0), p(1), p(2));
    let lj = |r: S| {
        let s6 = (r * r).recip().powi(3);
        c(4.0) * (s6 * s6 - s6)
    };
    let pairs = lj((p1 - p0).norm()) + lj((p2 - p0).norm()) + lj((p2 - p1).norm());
    let (a, b) = (p1 - p0, p2 - p0);
    let theta = a.cross(&b).norm().atan2(a.dot(&b));
    let angle = c(0.5) * (theta - c(1.9)).powi(2);
    let det = Matrix3::from_columns(&[p0, p1, p2]).determinant();
    pairs + angle + c(0.01) * det * det
}

/// The same energy with plain slice arithmetic over `Scalar` (runs on the tape).
fn energy_slices<S: Scalar>(x: &[S]) -> S {
    let sub = |i: usize, j: usize| {
        [
            x[3 * i] - x[3 * j],
            x[3 * i + 1] - x[3 * j + 1],
            x[3 * i + 2] - x[3 * j + 2],
        ]
    };
    let dot = |u: &[S; 3], v: &[S; 3]| u[0] * v[0] + u[1] * v[1] + u[2] * v[2];
    let lj = |u: [S; 3]| {
        let s6 = dot(&u, &u).recip().powi(3);
        (s6 * s6 - s6) * 4.0
    };
    let pairs = lj(sub(1, 0)) + lj(sub(2, 0)) + lj(sub(2, 1));
    let (a, b) = (sub(1, 0), sub(2, 0));
    let cross = [
        a[1] * b[2] - a[2] * b[1],
        a[2] * b[0] - a[0] * b[2],
        a[0] * b[1] - a[1] * b[0],
    ];
    let theta = dot(&cross, &cross).sqrt().atan2(dot(&a, &b));
    let angle = (theta - 1.9).powi(2) * 0.5;
    let m = |i: usize, k: usize| x[3 * k + i]; // column k is atom k
    let det = m(0, 0) * (m(1, 1) * m(2, 2) - m(1, 2) * m(2, 1))
        - m(0, 1) * (m(1, 0) * m(2, 2) - m(1, 2) * m(2, 0))
        + m(0, 2) * (m(1, 0) * m(2, 1) - m(1, 1) * m(2, 0));
    pairs + angle + det * det * 0.01
}

/// A bent, non-degenerate triangle of atoms about 1.1 apart, moved by `d`.
fn atoms(d: &[f64]) -> Vec<f64> {
    let base = [0.1, 0.2, 0.3, 1.2, 0.25, 0.35, -0.3, 1.15, 0.4];
    base.iter()
        .zip(d)
        .map(|(b, e)| common::snap(b + e))
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn nalgebra_energy_differentiates_in_forward_mode(d in proptest::collection::vec(points_in(-0.1, 0.1), 9)) {
        let x = atoms(&d);
        let h = forward::hessian(|x| energy_nalgebra(x), &x).unwrap();
        let g = forward::gradient(|x| energy_nalgebra(x), &x).unwrap();
        // The same energy written with slices, on the tape and in forward mode.
        let want = hyperhess::hessian(|x| energy_slices(x), &x).unwrap();
        let g_want = hyperhess::gradient(|x| energy_slices(x), &x).unwrap();
        prop_assert!(common::close(energy_nalgebra(&x), energy_slices(&x), 1e-13, 1.0));
        assert_close(&DMatrix::from_column_slice(9, 1, g.as_slice()), &DMatrix::from_column_slice(9, 1, g_want.as_slice()), 1e-12, "gradient: nalgebra vs slices")?;
        assert_close(&h, &want, 1e-11, "Hessian: nalgebra (forward) vs slices (tape)")?;
        prop_assert!(h == h.transpose());
        assert_fd_of_gradient(
            &h,
            |y| forward::gradient(|v| energy_nalgebra(v), y).unwrap().as_slice().to_vec(),
            &x,
            "nalgebra energy",
        )?;
    }
}

/// nalgebra's own algorithms accept the dual numbers: an LU solve and a symmetric
/// eigen-decomposition of `Dual<f64>` matrices carry the derivative through.
#[test]
fn nalgebra_algorithms_on_dual_numbers() {
    // d/dt of the solution of (A + t I) y = b at t = 0 is -A^{-1} A^{-1} b.
    let a = Matrix3::new(4.0, 1.0, 0.0, 1.0, 3.0, 1.0, 0.0, 1.0, 2.0);
    let b = Vector3::new(1.0, 2.0, 3.0);
    let at = a.map(|v| Dual::new(v, 0.0)) + Matrix3::identity().map(|v: f64| Dual::new(0.0, v));
    let y = at.lu().solve(&b.map(|v| Dual::new(v, 0.0))).unwrap();
    let ainv = a.try_inverse().unwrap();
    let dy = -(ainv * ainv * b);
    for i in 0..3 {
        assert!(
            (y[i].eps - dy[i]).abs() <= 1e-14 * dy.amax() * 16.0,
            "{i}: {} vs {}",
            y[i].eps,
            dy[i]
        );
    }
    // The largest eigenvalue's derivative along a symmetric direction E is v^T E v.
    let e = Matrix3::new(1.0, 0.5, 0.0, 0.5, 0.0, 0.0, 0.0, 0.0, -1.0);
    let m = a.zip_map(&e, |v, w| Dual::new(v, w));
    let eig = m.symmetric_eigen();
    let k = eig.eigenvalues.map(|l| l.re).imax();
    let v = a
        .symmetric_eigen()
        .eigenvectors
        .column(a.symmetric_eigen().eigenvalues.imax())
        .into_owned();
    let want = (v.transpose() * e * v)[0];
    assert!(
        (eig.eigenvalues[k].eps - want).abs() <= 1e-12,
        "{} vs {want}",
        eig.eigenvalues[k].eps
    );
}

/// `Float` code through the other drivers: `hvp` (a tape of dual numbers) equals
/// the Hessian times `v`, and a Hessian at `Dual<f64>` points carries third
/// derivatives (tape and forward agree).
#[test]
fn float_code_through_hvp_and_third_derivatives() {
    let x = [-1.2, 1.0, 0.5];
    let v = [0.5, -1.0, 2.0];
    let h = hyperhess::hessian(|x| atf::rosenbrock(x), &x).unwrap();
    let hv = hyperhess::hvp(|x| atf::rosenbrock(x), &x, &v).unwrap();
    let want = &h * nalgebra::DVector::from_column_slice(&v);
    for i in 0..3 {
        assert!(
            common::close(hv[i], want[i], 1e-14, want.amax()),
            "{i}: {} vs {}",
            hv[i],
            want[i]
        );
    }
    let xd: Vec<Dual<f64>> = x
        .iter()
        .zip(&v)
        .map(|(&xi, &vi)| Dual::new(xi, vi))
        .collect();
    let t = hyperhess::hessian(|x| atf::rosenbrock(x), &xd).unwrap();
    let f = forward::hessian(|x| atf::rosenbrock(x), &xd).unwrap();
    for (a, b) in t.iter().zip(f.iter()) {
        assert!(
            common::close(a.eps, b.eps, 1e-14, 1200.0),
            "{} vs {}",
            a.eps,
            b.eps
        );
    }
    // d/dv of H[0][0] = 1200 x0² - 400 x1 + 2 along v: 2400 x0 v0 - 400 v1.
    assert!(common::close(
        t[(0, 0)].eps,
        2400.0 * x[0] * v[0] - 400.0 * v[1],
        1e-14,
        1.0
    ));
}
