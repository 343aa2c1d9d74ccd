//! Every rule of the table against a high-precision reference at extreme and
//! near-singular arguments (`tests/data/rule_reference.csv`, written by
//! `scripts/rule_reference.py` with mpmath at 60 digits).
//!
//! Both engines consume the same rule table, so cross-checking them cannot catch an
//! inaccurate rule; only an independent reference can.
//!
//! # Tolerances
//!
//! A computed `got` is accepted against the reference `want` when
//!
//! ```text
//! |got - want| <= k · eps · |want| + k · f64::MIN_POSITIVE
//! ```
//!
//! - `k = 4` for the value: the values are `std`/`libm` functions (under 1 ulp each) or
//!   a couple of correctly rounded operations on top of one.
//! - `k = 8` for first and `k = 16` for second derivatives: each derivative is at most
//!   ~6 correctly rounded operations (0.5 ulp each) and one or two library calls (1 ulp
//!   each) with no cancellation, and a power `d1³` triples `d1`'s relative error.
//!   A rule that cancels (`1 - a·a` near ±1) or overflows in an intermediate
//!   (`a·a + 1` above 1e154) is off by far more and fails.
//! - The absolute part `k · MIN_POSITIVE` (~1e-307) treats results in the subnormal
//!   range as zero: an intermediate that underflows there loses the digits anyway.
//!
//! A reference beyond the `f64` range is written `inf`: the rule must then return an
//! infinity of that sign, and every driver must return an error (Stan's rule: AD
//! fails exactly when the value or a derivative is not finite).

use hyperhess::Scalar;
use hyperhess::rules::{Binary, Unary};

const EPS: f64 = f64::EPSILON;
const K_VALUE: f64 = 4.0;
const K_D1: f64 = 8.0;
const K_D2: f64 = 16.0;

struct Row {
    line: usize,
    kind: Kind,
    args: Vec<f64>,
    /// Unary: f, f', f''. Binary: f, f_a, f_b, f_aa, f_ab, f_bb.
    want: Vec<f64>,
}

enum Kind {
    Unary(Unary),
    Binary(Binary),
}

fn rows() -> Vec<Row> {
    let text = include_str!("data/rule_reference.csv");
    let parse = |s: &str| s.parse::<f64>().unwrap_or_else(|e| panic!("{s}: {e}"));
    text.lines()
        .enumerate()
        .filter(|(_, l)| !l.starts_with('#') && !l.is_empty())
        .map(|(i, l)| {
            let fields: Vec<&str> = l.split(',').collect();
            let name = fields[1];
            let (kind, nargs) = match fields[0] {
                "unary" => (
                    Kind::Unary(
                        *Unary::ALL
                            .iter()
                            .chain(&[Unary::Powf(2.5), Unary::Powf(-0.5)])
                            .find(|u| format!("{u:?}") == name)
                            .unwrap_or_else(|| panic!("unknown unary {name}")),
                    ),
                    1,
                ),
                "binary" => (
                    Kind::Binary(
                        *Binary::ALL
                            .iter()
                            .find(|b| format!("{b:?}") == name)
                            .unwrap_or_else(|| panic!("unknown binary {name}")),
                    ),
                    2,
                ),
                k => panic!("line {}: unknown kind {k}", i + 1),
            };
            Row {
                line: i + 1,
                kind,
                args: fields[2..2 + nargs].iter().map(|s| parse(s)).collect(),
                want: fields[2 + nargs..].iter().map(|s| parse(s)).collect(),
            }
        })
        .collect()
}

/// `None` when `got` is within `k` ulps-ish of `want` (see the module docs), else the
/// error in units of `eps · |want|`.
fn mismatch(got: f64, want: f64, k: f64) -> Option<f64> {
    if want.is_infinite() {
        return (got != want).then_some(f64::INFINITY);
    }
    let err = (got - want).abs();
    if err <= k * EPS * want.abs() + k * f64::MIN_POSITIVE {
        None
    } else {
        Some(err / (EPS * want.abs()).max(f64::MIN_POSITIVE))
    }
}

fn name(row: &Row) -> String {
    match row.kind {
        Kind::Unary(u) => format!("{u:?}{:?}", row.args),
        Kind::Binary(b) => format!("{b:?}{:?}", row.args),
    }
}

/// The tolerance factor for the `i`-th entry of `want` (value, first, second).
fn k_of(kind: &Kind, i: usize) -> f64 {
    let order = match kind {
        Kind::Unary(_) => i,
        Kind::Binary(_) => [0, 1, 1, 2, 2, 2][i],
    };
    [K_VALUE, K_D1, K_D2][order]
}

fn eval<S: Scalar>(kind: &Kind, x: &[S]) -> S {
    match *kind {
        Kind::Unary(u) => x[0].apply(u),
        Kind::Binary(b) => x[0].apply2(b, x[1]),
    }
}

#[test]
fn the_table_matches_the_reference() {
    let mut failures = Vec::new();
    for row in rows() {
        let got: Vec<f64> = match row.kind {
            Kind::Unary(u) => {
                assert_eq!(
                    u.value(row.args[0]),
                    u.taylor(row.args[0])[0],
                    "{}",
                    name(&row)
                );
                u.taylor(row.args[0]).to_vec()
            }
            Kind::Binary(b) => {
                let p = b.taylor(row.args[0], row.args[1]);
                assert_eq!(b.value(row.args[0], row.args[1]), p.f, "{}", name(&row));
                vec![p.f, p.a, p.b, p.aa, p.ab, p.bb]
            }
        };
        for (i, (&g, &w)) in got.iter().zip(&row.want).enumerate() {
            if let Some(ulps) = mismatch(g, w, k_of(&row.kind, i)) {
                failures.push(format!(
                    "line {}: {} entry {i}: got {g:e}, want {w:e} ({ulps:.3e} eps)",
                    row.line,
                    name(&row)
                ));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} mismatches:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// The engines' gradient and Hessian of the single function agree with the table, and
/// fail exactly when the reference value or a derivative is beyond the `f64` range.
#[test]
fn every_engine_matches_the_reference() {
    let mut failures = Vec::new();
    for row in rows() {
        let n = row.args.len();
        let (value, grad, hess): (f64, Vec<f64>, Vec<f64>) = match row.kind {
            // Hessians in column-major order.
            Kind::Unary(_) => (row.want[0], vec![row.want[1]], vec![row.want[2]]),
            Kind::Binary(_) => (
                row.want[0],
                vec![row.want[1], row.want[2]],
                vec![row.want[3], row.want[4], row.want[4], row.want[5]],
            ),
        };
        let grad_ok = value.is_finite() && grad.iter().all(|g| g.is_finite());
        let hess_ok = grad_ok && hess.iter().all(|h| h.is_finite());
        let kind = &row.kind;
        let x = &row.args;
        let mut check = |engine: &str,
                         got: Result<Vec<f64>, hyperhess::Error>,
                         want: &[f64],
                         ok: bool,
                         k: f64| {
            match (got, ok) {
                (Ok(got), true) => {
                    for (i, (&g, &w)) in got.iter().zip(want).enumerate() {
                        if let Some(ulps) = mismatch(g, w, k) {
                            failures.push(format!(
                                "line {}: {engine} {} entry {i}: got {g:e}, want {w:e} ({ulps:.3e} eps)",
                                row.line,
                                name(&row)
                            ));
                        }
                    }
                }
                (Err(_), false) => {}
                (got, _) => failures.push(format!(
                    "line {}: {engine} {}: got {got:?}, want {} (reference {want:?})",
                    row.line,
                    name(&row),
                    if ok { "Ok" } else { "an error" }
                )),
            }
        };
        let vec = |r: Result<nalgebra::DVector<f64>, _>| r.map(|v| v.as_slice().to_vec());
        let mat = |r: Result<nalgebra::DMatrix<f64>, _>| r.map(|m| m.as_slice().to_vec());
        check(
            "forward gradient",
            vec(hyperhess::forward::gradient(|x| eval(kind, x), x)),
            &grad,
            grad_ok,
            K_D1,
        );
        check(
            "tape gradient",
            vec(hyperhess::gradient(|x| eval(kind, x), x)),
            &grad,
            grad_ok,
            K_D1,
        );
        check(
            "forward hessian",
            mat(hyperhess::forward::hessian(|x| eval(kind, x), x)),
            &hess,
            hess_ok,
            K_D2,
        );
        check(
            "tape hessian",
            mat(hyperhess::hessian(|x| eval(kind, x), x)),
            &hess,
            hess_ok,
            K_D2,
        );
        assert!(n <= 2);
    }
    assert!(
        failures.is_empty(),
        "{} mismatches:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// The rules nest (`taylor` on `Dual<f64>`, as the tape's dual-point hvp and third
/// derivatives use): the derivative part of `f` is `f'` and that of `f'` is `f''`,
/// and an intermediate overflow must not turn into inf/inf = NaN there. The
/// derivative part of `f'` is the derivative of `f'`'s formula, rounded differently
/// from the `f''` formula: twice the `f''` allowance (32 eps). For a two-argument
/// function the second partials share intermediates, so a mixed partial that is a
/// near-cancellation (`f_ab` of atan2 at a ≈ b, `∝ a² - b²`) is only accurate
/// relative to the largest second partial (as in tests/common): that is its scale.
#[test]
fn nested_rules_match_the_reference() {
    use hyperhess::Dual;
    let mut failures = Vec::new();
    for row in rows() {
        let (got, want): (Vec<f64>, Vec<f64>) = match row.kind {
            Kind::Unary(u) => {
                let t = u.taylor(Dual::new(row.args[0], 1.0));
                (vec![t[0].eps, t[1].eps], vec![row.want[1], row.want[2]])
            }
            Kind::Binary(b) => {
                let pa = b.taylor(Dual::new(row.args[0], 1.0), Dual::from_f64(row.args[1]));
                let pb = b.taylor(Dual::from_f64(row.args[0]), Dual::new(row.args[1], 1.0));
                let w = &row.want;
                (
                    vec![pa.f.eps, pb.f.eps, pa.a.eps, pb.a.eps, pa.b.eps, pb.b.eps],
                    vec![w[1], w[2], w[3], w[4], w[4], w[5]],
                )
            }
        };
        let binary = matches!(row.kind, Kind::Binary(_));
        let scale2 = if binary {
            row.want[3..].iter().fold(0.0f64, |m, v| m.max(v.abs()))
        } else {
            0.0
        };
        for (i, (&g, &w)) in got.iter().zip(&want).enumerate() {
            let second = if binary { i >= 2 } else { i == 1 };
            let k = if second { 2.0 * K_D2 } else { K_D1 };
            let scaled = if second && w.is_finite() && scale2.is_finite() {
                // The error measured against the larger of |want| and the scale.
                let s = w.abs().max(scale2);
                ((g - w).abs() > k * EPS * s + k * f64::MIN_POSITIVE)
                    .then(|| (g - w).abs() / (EPS * s))
            } else {
                mismatch(g, w, k)
            };
            if let Some(ulps) = scaled {
                failures.push(format!(
                    "line {}: nested {} entry {i}: got {g:e}, want {w:e} ({ulps:.3e} eps)",
                    row.line,
                    name(&row)
                ));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} mismatches:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
