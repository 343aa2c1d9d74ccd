//! The static second-order number against num-dual's static `hessian` (an
//! independent implementation), to a relative tolerance; the engine's own checks
//! (against `HyperDual` and the tape, bit for bit; the seed examples) are in the
//! root package's tests/dual2.rs.
//!
//! - **Against num-dual, to a relative tolerance.** num-dual computes the same
//!   derivatives in a different operation order, so the two differ by rounding only:
//!   each entry is a sum of at most `K` rounded products (`K` = the number of
//!   operations of the test function, under 100 here), each off by at most `eps`
//!   times the size of the terms it is built from. On these functions the terms are
//!   at most ~10x the largest Hessian entry (no catastrophic cancellation: the point
//!   sets stay away from saddles of the sums), giving `K · 10 · eps ≈ 2.2e-13` of
//!   `max(1, max |H|)`; [`ND_TOL`] = 1e-12 (about 4500 `eps`) leaves a safety factor
//!   of 4.5 over that bound.

// Entry-by-entry comparisons of matrices read best as index loops.
#![allow(clippy::needless_range_loop)]

#[path = "../../tests/common/mod.rs"]
mod common;

use common::points_in;
use hyperhess::{forward, testfns};
use hyperhess_rivals::{
    chain_nd, chain_user, chain_user_nd, cubic_sum, cubic_sum_nd, lse_nd, lse_user, lse_user_nd,
    rosenbrock_nd, rosenbrock_user, rosenbrock_user_nd,
};
use nalgebra35 as na35;
use num_dual::Dual2SVec64;
use proptest::prelude::*;

/// Relative tolerance against num-dual (derived in the module docs).
const ND_TOL: f64 = 1e-12;

/// `|a - b| <= tol · scale`.
fn close(a: f64, b: f64, tol: f64, scale: f64) -> bool {
    (a - b).abs() <= tol * scale
}

/// num-dual's static Hessian of `f` at `x`: (value, gradient, Hessian) as plain
/// arrays.
#[allow(clippy::type_complexity)]
fn num_dual_static<const N: usize>(
    f: impl Fn(&[Dual2SVec64<N>]) -> Dual2SVec64<N>,
    x: &[f64; N],
) -> (f64, [f64; N], [[f64; N]; N]) {
    let xs = na35::SVector::<f64, N>::from_column_slice(x);
    let (v, g, h) = num_dual::hessian(|v: na35::SVector<Dual2SVec64<N>, N>| f(v.as_slice()), &xs);
    (
        v,
        std::array::from_fn(|i| g[i]),
        std::array::from_fn(|i| std::array::from_fn(|j| h[(i, j)])),
    )
}

/// Our static derivatives against num-dual's, to [`ND_TOL`] of `max(1, max|·|)`.
fn assert_matches_num_dual<const N: usize>(
    what: &str,
    ours: &forward::StaticDerivatives<f64, N>,
    theirs: (f64, [f64; N], [[f64; N]; N]),
) -> Result<(), TestCaseError> {
    let (v, g, h) = theirs;
    prop_assert!(
        close(ours.value, v, ND_TOL, v.abs().max(1.0)),
        "{}: value {} vs {}",
        what,
        ours.value,
        v
    );
    let gs = g.iter().fold(1.0f64, |m, t| m.max(t.abs()));
    let hs = h.iter().flatten().fold(1.0f64, |m, t| m.max(t.abs()));
    for i in 0..N {
        prop_assert!(
            close(ours.gradient[i], g[i], ND_TOL, gs),
            "{}: gradient {}: {} vs {}",
            what,
            i,
            ours.gradient[i],
            g[i]
        );
        for j in 0..N {
            prop_assert!(
                close(ours.hessian[(i, j)], h[i][j], ND_TOL, hs),
                "{}: H[{}][{}]: {} vs {}",
                what,
                i,
                j,
                ours.hessian[(i, j)],
                h[i][j]
            );
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// Against num-dual's static Hessian (an independent implementation).
    #[test]
    fn matches_num_dual(
        x in prop::array::uniform4(points_in(-2.0, 2.0)),
    ) {
        let a = hyperhess::testfns::LogSumExp::random(6, 4, 11).a;
        let d = forward::derivatives_static(|v| testfns::rosenbrock(v), &x).unwrap();
        assert_matches_num_dual("rosenbrock", &d, num_dual_static(|v| rosenbrock_nd(v), &x))?;
        let d = forward::derivatives_static(|v| testfns::chain(v), &x).unwrap();
        assert_matches_num_dual("chain", &d, num_dual_static(|v| chain_nd(v), &x))?;
        let d = forward::derivatives_static(|v| testfns::log_sum_exp(&a, v), &x).unwrap();
        assert_matches_num_dual("log_sum_exp", &d, num_dual_static(|v| lse_nd(&a, v), &x))?;
        let d = forward::derivatives_static(|v| cubic_sum(v), &x).unwrap();
        assert_matches_num_dual("cubic_sum", &d, num_dual_static(|v| cubic_sum_nd(v), &x))?;
    }

    /// The user-style spellings (`hyperhess_rivals::*_user`, the functions of the
    /// `small` benches) against num-dual's twins of the same spelling and
    /// against the library's own spelling (`testfns`): the same derivatives up to
    /// rounding, the tolerance of the module docs.
    #[test]
    fn user_style_twins_match(
        x2 in prop::array::uniform2(points_in(-2.0, 2.0)),
        x8 in prop::array::uniform8(points_in(-2.0, 2.0)),
    ) {
        user_style::<2>(&x2)?;
        user_style::<8>(&x8)?;
    }
}

fn user_style<const N: usize>(x: &[f64; N]) -> Result<(), TestCaseError> {
    let as_nd = |d: forward::StaticDerivatives<f64, N>| {
        (
            d.value,
            std::array::from_fn(|i| d.gradient[i]),
            std::array::from_fn(|i| std::array::from_fn(|j| d.hessian[(i, j)])),
        )
    };
    let a = hyperhess::testfns::LogSumExp::random(N, N, 5).a;
    let d = forward::derivatives_static(|v| rosenbrock_user(v), x).unwrap();
    assert_matches_num_dual(
        "rosenbrock_user",
        &d,
        num_dual_static(|v| rosenbrock_user_nd(v), x),
    )?;
    let lib = forward::derivatives_static(|v| testfns::rosenbrock(v), x).unwrap();
    assert_matches_num_dual("rosenbrock_user/testfns", &d, as_nd(lib))?;
    let d = forward::derivatives_static(|v| chain_user(v), x).unwrap();
    assert_matches_num_dual("chain_user", &d, num_dual_static(|v| chain_user_nd(v), x))?;
    let lib = forward::derivatives_static(|v| testfns::chain(v), x).unwrap();
    assert_matches_num_dual("chain_user/testfns", &d, as_nd(lib))?;
    let d = forward::derivatives_static(|v| lse_user(&a, v), x).unwrap();
    assert_matches_num_dual("lse_user", &d, num_dual_static(|v| lse_user_nd(&a, v), x))?;
    let lib = forward::derivatives_static(|v| testfns::log_sum_exp(&a, v), x).unwrap();
    assert_matches_num_dual("lse_user/testfns", &d, as_nd(lib))?;
    Ok(())
}
