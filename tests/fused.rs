//! Sums built term by term (issue 22, item 2): `acc = acc + x[j] * c`, `acc += ..`,
//! `.sum()` of mapped sums record chains of two-operand linear nodes; a finished
//! recording (`hyperhess::record`, and so `hessian`, `derivatives`, `Recording::hvp`)
//! fuses each chain into one n-ary node. Intermediates that are used again, and
//! outputs, are never folded; every derivative stays right.
//!
//! Expected values are hand-derived and exact where the computation is: a fused
//! chain with unit links (`acc + x c`) computes each tangent as the left fold of
//! its terms, exactly as the chain did, and the second-order adjoints below are
//! single products (`2 c_i c_j` is `(2 c_i) c_j`, one rounding, as `2.0 * c[i] *
//! c[j]`). Where a non-unit link multiplies coefficients (`(s c) t` for `s (c t)`)
//! the bound is derived next to the check.

use hyperhess::Scalar;
use nalgebra::DMatrix;

fn coeffs(n: usize) -> Vec<f64> {
    (0..n)
        .map(|j| ((j as f64) * 0.7).sin() * 1.3 + 0.1)
        .collect()
}

fn point(n: usize) -> Vec<f64> {
    (0..n)
        .map(|i| ((i as f64) * 0.9).cos() * 0.4 + 0.3)
        .collect()
}

/// `c . x` spelled `acc = acc + x[j] * c[j]`.
#[allow(clippy::assign_op_pattern, clippy::needless_range_loop)] // spelled as users spell it
fn loop_dot<S: Scalar>(c: &[f64], x: &[S]) -> S {
    let mut acc = S::from_f64(0.0);
    for j in 0..x.len() {
        acc = acc + x[j] * c[j];
    }
    acc
}

/// `c . x` spelled `acc += x[j] * c[j]`.
fn plus_assign_dot<S: Scalar>(c: &[f64], x: &[S]) -> S {
    let mut acc = S::from_f64(0.0);
    for (xj, cj) in x.iter().zip(c) {
        acc += *xj * *cj;
    }
    acc
}

/// `c . x` as a `.sum()` of two-term sums (each item a linear node of its own).
fn sum_of_sums<S: Scalar>(c: &[f64], x: &[S]) -> S {
    let half = x.len() / 2;
    (0..half)
        .map(|k| x[2 * k] * c[2 * k] + x[2 * k + 1] * c[2 * k + 1])
        .sum()
}

/// `(c . x)^2`: H = 2 c c^T, exactly (see the module's notes).
#[test]
fn loop_sums_become_one_node_and_their_hessians_are_exact() {
    let n = 24;
    let (c, x) = (coeffs(n), point(n));
    type Dot = fn(&[f64], &[hyperhess::Var]) -> hyperhess::Var;
    let spellings: [(&str, Dot); 3] = [
        ("acc = acc + ..", loop_dot),
        ("acc += ..", plus_assign_dot),
        (".sum() of sums", sum_of_sums),
    ];
    let want = DMatrix::from_fn(n, n, |i, j| 2.0 * c[i] * c[j]);
    for (name, dot) in spellings {
        let f = |x: &[hyperhess::Var]| {
            let s = dot(&c, x);
            s * s
        };
        let rec = hyperhess::record(f, &x).unwrap();
        // One n-ary node and the product.
        assert_eq!(rec.operations(), 2, "{name}");
        // Value and gradient are those computed while recording: the unfused
        // gradient driver's, bit for bit.
        let g = hyperhess::gradient(f, &x).unwrap();
        assert_eq!(rec.gradient(), g, "{name}");
        assert_eq!(rec.hessian().unwrap(), want, "{name}");
        assert_eq!(hyperhess::hessian(f, &x).unwrap(), want, "{name}");
        let e0: Vec<f64> = (0..n).map(|i| f64::from(u8::from(i == 3))).collect();
        let hv = rec.hvp(&e0).unwrap();
        assert_eq!(hv.as_slice(), want.column(3).as_slice(), "{name}");
    }
}

/// An intermediate sum used again later is a node of its own (not folded), and
/// its derivatives stay right: `f = s (s + x_k)` with `s = c . x[..k]`.
/// H_ij = 2 c_i c_j + 0 for i, j < k; H_ik = c_i; H_kk = 0.
#[test]
fn a_reused_intermediate_is_not_folded() {
    let n = 9;
    let k = n - 1;
    let (c, x) = (coeffs(n), point(n));
    let f = |x: &[hyperhess::Var]| {
        let s = loop_dot(&c[..k], &x[..k]);
        let t = s + x[k];
        s * t
    };
    let rec = hyperhess::record(f, &x).unwrap();
    // s (one n-ary node), t = s + x_k (s is used twice: kept), s * t.
    assert_eq!(rec.operations(), 3);
    let want = DMatrix::from_fn(n, n, |i, j| match (i < k, j < k) {
        (true, true) => 2.0 * c[i] * c[j],
        (true, false) => c[i],
        (false, true) => c[j],
        (false, false) => 0.0,
    });
    assert_eq!(rec.hessian().unwrap(), want);
    let s: f64 = loop_dot(&c[..k], &x[..k]);
    let mut g: Vec<f64> = (0..k).map(|i| c[i] * (2.0 * s + x[k])).collect();
    g.push(s);
    // The gradient, hand-derived: within a few roundings of its O(1) entries
    // (`2 s + x_k` and the chain's sums round differently).
    for (got, want) in rec.gradient().iter().zip(&g) {
        assert!((got - want).abs() <= 64.0 * f64::EPSILON, "{got} vs {want}");
    }
}

/// A linear output is never folded into a later linear node (here a dead one,
/// computed after the output): the output keeps its node and its derivatives,
/// and the nodes after it, which it does not depend on, are dropped. (A scalar
/// output is the last node swept, so no user of it is ever counted; `fuse` also
/// marks it used, for tapes with several outputs.)
#[test]
fn an_output_is_not_folded() {
    let x = [0.5, -1.0, 2.0, 3.0];
    let f = |x: &[hyperhess::Var]| {
        let s = x[0] + x[1] * 2.0 + x[2];
        let _after = s + x[3];
        s
    };
    let rec = hyperhess::record(f, &x).unwrap();
    assert_eq!(rec.value(), 0.5 - 2.0 + 2.0);
    assert_eq!(rec.gradient().as_slice(), &[1.0, 2.0, 1.0, 0.0]);
    assert_eq!(rec.hessian().unwrap(), DMatrix::zeros(4, 4));
    // The chain fused into one node; the dead node after the output dropped.
    assert_eq!(rec.operations(), 1);
    // The output feeding a nonlinear node after it: still itself.
    let g = |x: &[hyperhess::Var]| {
        let s = x[0] + x[1] + x[2];
        let _after = (s + x[3]).exp();
        s * s
    };
    let h = hyperhess::hessian(g, &x).unwrap();
    let want = DMatrix::from_fn(4, 4, |i, j| if i < 3 && j < 3 { 2.0 } else { 0.0 });
    assert_eq!(h, want);
}

/// A vector function's outputs are nodes of their own: a Jacobian whose rows are
/// a sum built term by term and that sum plus one more term.
#[test]
fn vector_outputs_stay_their_own() {
    let x = [0.5, -1.0, 2.0, 3.0];
    let j = hyperhess::jacobian(
        |x| {
            let s = x[0] + x[1] * 2.0 + x[2];
            vec![s, s + x[3] * 3.0]
        },
        &x,
    )
    .unwrap();
    assert_eq!(
        j,
        nalgebra::dmatrix![1.0, 2.0, 1.0, 0.0; 1.0, 2.0, 1.0, 3.0]
    );
}

/// Non-unit links (`acc = (acc + x_j) * 0.5`, a decayed sum) fold their factor
/// into the coefficients below them: `(s c) t` instead of `s (c t)`, one rounding
/// per link on each coefficient. f = (sum_j w_j x_j)^2 with w_j = 0.5^(n - j):
/// the factors are powers of two, so every product is exact and H = 2 w w^T
/// exactly; then a factor 0.3 per link, whose bound is derived below.
#[test]
fn non_unit_links_fold_their_factors() {
    let n = 12;
    let x = point(n);
    let decayed = |r: f64| {
        move |x: &[hyperhess::Var]| {
            let mut acc = x[0] * r;
            for xj in &x[1..] {
                acc = (acc + *xj) * r;
            }
            acc * acc
        }
    };
    let w = |r: f64| -> Vec<f64> { (0..n).map(|j| r.powi((n - j) as i32)).collect() };
    let rec = hyperhess::record(decayed(0.5), &x).unwrap();
    assert_eq!(rec.operations(), 2);
    let w2 = w(0.5);
    let want = DMatrix::from_fn(n, n, |i, j| 2.0 * w2[i] * w2[j]);
    assert_eq!(rec.hessian().unwrap(), want);
    // r = 0.3: each fused coefficient is a product of at most n - 1 rounded
    // factors (relative error <= (n - 1) eps to first order), and H_ij takes
    // three more roundings (r r, its product with the tangent, the scatter), so
    // within (2 n + 1) eps |H_ij| of exact; the powi reference within as much.
    // ((1 + eps)^k - 1 < 1.01 k eps for these k: the first-order bound, +1 %.)
    let rec = hyperhess::record(decayed(0.3), &x).unwrap();
    let w3 = w(0.3);
    let h = rec.hessian().unwrap();
    let bound = 1.01 * (2 * (2 * n + 1)) as f64 * f64::EPSILON;
    for i in 0..n {
        for j in 0..n {
            let want = 2.0 * w3[i] * w3[j];
            assert!(
                (h[(i, j)] - want).abs() <= bound * want.abs(),
                "({i}, {j}): {} vs {want}",
                h[(i, j)]
            );
        }
    }
}

/// Log-sum-exp spelled as users spell it, against its analytic Hessian
/// `A^T (diag p - p p^T) A + I`: the fused recording and the forward engine agree.
#[test]
fn user_spelled_log_sum_exp_is_right() {
    let n = 16;
    let a = hyperhess::testfns::LogSumExp::random(n, n, 7).a;
    #[allow(clippy::assign_op_pattern, clippy::needless_range_loop)]
    fn lse<S: Scalar>(a: &[Vec<f64>], x: &[S]) -> S {
        let mut ax: Vec<S> = Vec::new();
        for row in a {
            let mut acc = S::from_f64(0.0);
            for j in 0..x.len() {
                acc = acc + x[j] * row[j];
            }
            ax.push(acc);
        }
        let mut s = S::from_f64(0.0);
        for v in &ax {
            s = s + v.exp();
        }
        let mut sq = S::from_f64(0.0);
        for j in 0..x.len() {
            sq = sq + x[j] * x[j];
        }
        s.ln() + S::from_f64(0.5) * sq
    }
    let x = point(n);
    let rec = hyperhess::record(|v| lse(&a, v), &x).unwrap();
    // n dot products (n-ary), n exps, the sum of the exps (n-ary), its ln, n
    // squares, and one n-ary node `ln + 0.5 sum squares` (the squares' chain is
    // used once, by that last sum: folded into it).
    assert_eq!(rec.operations(), 3 * n + 3);
    let h = rec.hessian().unwrap();
    let fh = hyperhess::forward::hessian(|v| lse(&a, v), &x).unwrap();
    // The rule of tests/expressions.rs: each engine within 16 eps L M of exact,
    // L the longest chain-rule path (a dot of n terms, exp, the sum of n exps, ln,
    // the last sum: at most 2 n + 8 operations), M the sum of the terms' absolute
    // values (|a| <= 1 and p_k summing to 1: |A^T diag(p) A|_ij + |A^T p p^T A|_ij
    // + 1 <= 3); two engines within twice that.
    let tol = 32.0 * f64::EPSILON * (2 * n + 8) as f64 * 3.0;
    for (got, want) in h.iter().zip(fh.iter()) {
        assert!((got - want).abs() <= tol, "{got} vs {want}");
    }
}
