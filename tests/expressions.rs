//! Random expressions over the whole rule table (tests/expr), evaluated on every
//! engine: plain f64, forward (`Dual`, `HyperDual`), and the tape (gradient, hvp,
//! recorded hvp, dense/compressed/auto Hessians at every lane width, sparse Hessian,
//! Hessian diagonal). All must agree.
//!
//! # Tolerance
//!
//! Each engine computes the same sums of chain-rule products in a different order.
//! Every product's relative rounding error is at most the sum over the operations on
//! its path of each operation's error: at most 16 eps for a rule's second derivative
//! (tests/rule_reference.rs) and 0.5 eps for `+ - * /`, and a path is no longer than
//! the number of nodes `L`. So each engine is within `16 eps · L · M` of the exact
//! entry, where `M` is the sum of the *absolute values* of the terms (computed by
//! [`expr::Mag`], a hyper-dual number propagating `|f'|` and `|f''|`), and two
//! engines within twice that: `TOL = 32 eps · L · M` (+ a subnormal floor). This
//! holds whatever cancellation happens, so the test cannot fail by chance.

mod expr;

use expr::{Banded, Expr, Mag};
use hyperhess::{ColoringKind, Error, Options, Scalar, SparsePlan, Sparsity};
use nalgebra::{DMatrix, DVector};
use proptest::prelude::*;

/// A generated function: an expression or a banded sum.
trait Fun: std::fmt::Debug {
    fn eval<S: Scalar>(&self, x: &[S]) -> S;
    fn n(&self) -> usize;
    /// A bound on the number of operations on a chain-rule path.
    fn path_len(&self) -> usize;
    fn magnitude(&self, x: &[f64], i: Option<usize>, j: Option<usize>) -> Mag;
    fn local_partials_finite(&self, x: &[f64]) -> bool;
}

impl Fun for Expr {
    fn eval<S: Scalar>(&self, x: &[S]) -> S {
        Expr::eval(self, x)
    }
    fn n(&self) -> usize {
        self.n
    }
    fn path_len(&self) -> usize {
        // Squashing adds up to three operations (tanh, *, +) per node.
        4 * self.len()
    }
    fn magnitude(&self, x: &[f64], i: Option<usize>, j: Option<usize>) -> Mag {
        Expr::magnitude(self, x, i, j)
    }
    fn local_partials_finite(&self, x: &[f64]) -> bool {
        Expr::local_partials_finite(self, x)
    }
}

impl Fun for Banded {
    fn eval<S: Scalar>(&self, x: &[S]) -> S {
        Banded::eval(self, x)
    }
    fn n(&self) -> usize {
        self.n
    }
    fn path_len(&self) -> usize {
        // The windows' sum adds up to n additions.
        4 * self.e.len() + self.n
    }
    fn magnitude(&self, x: &[f64], i: Option<usize>, j: Option<usize>) -> Mag {
        Banded::magnitude(self, x, i, j)
    }
    fn local_partials_finite(&self, x: &[f64]) -> bool {
        let k = self.e.n;
        (0..=self.n - k).all(|w| self.e.local_partials_finite(&x[w..w + k]))
    }
}

const EPS: f64 = f64::EPSILON;

fn tol<F: Fun>(f: &F, m: f64) -> f64 {
    32.0 * EPS * f.path_len() as f64 * m + 32.0 * f64::MIN_POSITIVE
}

fn points(n: usize) -> impl Strategy<Value = Vec<f64>> {
    proptest::collection::vec(-2.0..2.0f64, n)
}

/// The gradient and Hessian magnitude bounds at `x`.
fn bounds<F: Fun>(f: &F, x: &[f64]) -> (DVector<f64>, DMatrix<f64>) {
    let n = f.n();
    let g = DVector::from_fn(n, |i, _| tol(f, f.magnitude(x, Some(i), None).e1));
    let h = DMatrix::from_fn(n, n, |i, j| tol(f, f.magnitude(x, Some(i), Some(j)).e12));
    (g, h)
}

fn assert_within(what: &str, got: &[f64], want: &[f64], tol: &[f64]) -> Result<(), TestCaseError> {
    prop_assert_eq!(got.len(), want.len(), "{}: length", what);
    for (k, ((&g, &w), &t)) in got.iter().zip(want).zip(tol).enumerate() {
        prop_assert!(
            (g - w).abs() <= t,
            "{what} entry {k}: got {g:e}, want {w:e}, tolerance {t:e}"
        );
    }
    Ok(())
}

fn ok<T>(what: &str, r: Result<T, Error>) -> Result<T, TestCaseError> {
    r.map_err(|e| TestCaseError::fail(format!("{what}: {e:?}")))
}

fn dense(c: &nalgebra_sparse::CscMatrix<f64>) -> DMatrix<f64> {
    let mut d = DMatrix::zeros(c.nrows(), c.ncols());
    for (i, j, &v) in c.triplet_iter() {
        d[(i, j)] = v;
    }
    d
}

/// Every engine agrees with the forward engine within the derived tolerance. Points
/// where the value or the forward derivatives are not finite are rejected.
fn check_engines<F: Fun>(f: &F, x: &[f64], v: &[f64]) -> Result<(), TestCaseError> {
    let value = f.eval(x);
    prop_assume!(value.is_finite());
    // An infinite local partial met by a zero tangent (tan x - tan x fed to x⁻²): the
    // forward engine gives finite derivatives, the tape today 0 · inf = NaN (a known
    // tape defect, fixed on main; see `tape_zero_times_infinite_partial`).
    prop_assume!(f.local_partials_finite(x));
    let fg = hyperhess::forward::gradient(|x| f.eval(x), x);
    let fh = hyperhess::forward::hessian(|x| f.eval(x), x);
    prop_assume!(fg.is_ok() && fh.is_ok());
    let (fg, fh) = (fg.unwrap(), fh.unwrap());
    let (gt, ht) = bounds(f, x);
    let (gt, ht) = (gt.as_slice(), ht.as_slice());

    let rec = hyperhess::record(|x| f.eval(x), x)
        .map_err(|e| TestCaseError::fail(format!("record: {e}")))?;
    prop_assert_eq!(rec.value(), value, "tape value");
    let tg = ok("tape gradient", hyperhess::gradient(|x| f.eval(x), x))?;
    assert_within("tape gradient", tg.as_slice(), fg.as_slice(), gt)?;
    assert_within(
        "recorded gradient",
        rec.gradient().as_slice(),
        fg.as_slice(),
        gt,
    )?;

    // H v: each entry within Σ_j |v_j| tol_ij, plus the rounding of the sum itself.
    let hv_want = &fh * DVector::from_column_slice(v);
    let n = f.n();
    let hv_tol: Vec<f64> = (0..n)
        .map(|i| {
            (0..n)
                .map(|j| v[j].abs() * (ht[i + j * n] + 2.0 * n as f64 * EPS * fh[(i, j)].abs()))
                .sum()
        })
        .collect();
    let hv = ok("hvp", hyperhess::hvp(|x| f.eval(x), x, v))?;
    assert_within("hvp", hv.as_slice(), hv_want.as_slice(), &hv_tol)?;
    let rhv = ok("recorded hvp", rec.hvp(v))?;
    assert_within("recorded hvp", rhv.as_slice(), hv_want.as_slice(), &hv_tol)?;

    // Each coloring kind through a plan. Star: direct, within `ht`. Acyclic: an
    // entry is an alternating sum of `s` product entries (its substitution length),
    // each product entry `(H V)[v][c]` within `E_v = Σ_k (ht[v][k] + 2 n ε |H[v][k]|)`
    // of exact (as the hvp above), plus the rounding of the substitution,
    // `2 (Δ + 1) ε R_v` per vertex with `R_v = Σ_k |H[v][k]|` and `Δ < n`
    // (see `hyperhess::Coloring`): so within `s max_v (E_v + 2 n ε R_v)`, with
    // `|H|` bounded by `|fh| + ht`.
    let per_vertex = (0..n)
        .map(|v| {
            (0..n)
                .map(|k| {
                    let (t, h) = (ht[v + k * n], fh[(v, k)].abs() + ht[v + k * n]);
                    t + 4.0 * n as f64 * EPS * h
                })
                .sum::<f64>()
        })
        .fold(0.0, f64::max);
    // The compressed drivers pick their coloring themselves (with the budget of
    // each): any substitution length `s < n`.
    let any_tol: Vec<f64> = ht.iter().map(|&t| t + n as f64 * per_vertex).collect();
    for sparsity in [Sparsity::Dense, Sparsity::Compressed, Sparsity::Auto] {
        for lanes in [Some(1), Some(2), Some(4), Some(8), Some(16)] {
            let o = Options {
                sparsity,
                lanes,
                ..Options::default()
            };
            let what = format!("hessian_with {sparsity:?} lanes {lanes:?}");
            let h = ok(&what, hyperhess::hessian_with(|x| f.eval(x), x, &o))?;
            let tol = if sparsity == Sparsity::Dense {
                ht
            } else {
                &any_tol[..]
            };
            assert_within(&what, h.as_slice(), fh.as_slice(), tol)?;
        }
    }
    let sh = ok(
        "sparse_hessian",
        hyperhess::sparse_hessian(|x| f.eval(x), x),
    )?;
    assert_within(
        "sparse_hessian",
        dense(&sh).as_slice(),
        fh.as_slice(),
        &any_tol,
    )?;
    for kind in [ColoringKind::Star, ColoringKind::Acyclic] {
        let what = format!("plan {kind:?}");
        let plan = ok(
            &what,
            SparsePlan::with_coloring(|x| f.eval(x), x, Some(kind)),
        )?;
        prop_assert!(
            plan.coloring().is_valid(plan.pattern()),
            "{}: invalid coloring",
            what
        );
        let h = ok(&what, plan.hessian(|x| f.eval(x), x))?;
        let lengths = plan.coloring().substitution_lengths(plan.pattern());
        let mut tol = ht.to_vec();
        for ((i, j, _), &s) in h.triplet_iter().zip(&lengths) {
            if s > 1 {
                tol[i + j * n] = s as f64 * per_vertex;
            }
        }
        assert_within(&what, dense(&h).as_slice(), fh.as_slice(), &tol)?;
        for (i, j, v) in h.triplet_iter() {
            let mirror = h.get_entry(j, i).map(|e| e.into_value());
            prop_assert_eq!(
                mirror.map(f64::to_bits),
                Some(v.to_bits()),
                "{}: ({}, {}) not symmetric",
                what,
                i,
                j
            );
        }
    }
    let diag = ok(
        "hessian_diagonal",
        hyperhess::hessian_diagonal(|x| f.eval(x), x),
    )?;
    let (dw, dt): (Vec<f64>, Vec<f64>) = (0..n).map(|i| (fh[(i, i)], ht[i + i * n])).unzip();
    assert_within("hessian_diagonal", diag.as_slice(), &dw, &dt)?;
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, max_global_rejects: 10_000, ..ProptestConfig::default() })]

    #[test]
    fn every_engine_agrees_on_random_expressions(
        (f, x, v) in expr::exprs(12, 16, true, true).prop_flat_map(|f| {
            let n = f.n;
            (Just(f), points(n), points(n))
        })
    ) {
        check_engines(&f, &x, &v)?;
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 16, max_global_rejects: 10_000, ..ProptestConfig::default() })]

    #[test]
    fn every_engine_agrees_on_banded_sums(
        (f, x, v) in expr::banded(60, 10, true).prop_flat_map(|f| {
            let n = f.n;
            (Just(f), points(n), points(n))
        })
    ) {
        check_engines(&f, &x, &v)?;
    }
}

/// Stan's rule, from the forward engine's raw numbers: the gradient drivers must fail
/// exactly when the f64 value or a first-order part (one `Dual` evaluation per seed)
/// is not finite; the Hessian drivers exactly when that, or a part of a `HyperDual`
/// evaluation (one per seed pair), is not finite.
fn stan_expectation(f: &Expr, x: &[f64]) -> (bool, bool) {
    use hyperhess::{Dual, HyperDual};
    let n = f.n;
    if !f.eval(x).is_finite() {
        return (true, true);
    }
    let grad_err = (0..n).any(|i| {
        let xs: Vec<Dual<f64>> = x
            .iter()
            .enumerate()
            .map(|(k, &xk)| Dual::new(xk, if k == i { 1.0 } else { 0.0 }))
            .collect();
        let y = f.eval(&xs);
        !(y.re.is_finite() && y.eps.is_finite())
    });
    let hess_err = grad_err
        || (0..n).any(|j| {
            (0..=j).any(|i| {
                let xs: Vec<HyperDual<f64>> = x
                    .iter()
                    .enumerate()
                    .map(|(k, &xk)| {
                        HyperDual::new(
                            xk,
                            if k == i { 1.0 } else { 0.0 },
                            if k == j { 1.0 } else { 0.0 },
                            0.0,
                        )
                    })
                    .collect();
                let y = f.eval(&xs);
                ![y.re, y.e1, y.e2, y.e12].iter().all(|v| v.is_finite())
            })
        });
    (grad_err, hess_err)
}

/// `tape`: check the tape drivers too (else only the forward ones).
fn check_stan(f: &Expr, x: &[f64], tape: bool) -> Result<(), TestCaseError> {
    let (grad_err, hess_err) = stan_expectation(f, x);
    let mut cases: Vec<(&str, bool, bool)> = vec![
        (
            "forward gradient",
            hyperhess::forward::gradient(|x| f.eval(x), x).is_err(),
            grad_err,
        ),
        (
            "forward hessian",
            hyperhess::forward::hessian(|x| f.eval(x), x).is_err(),
            hess_err,
        ),
    ];
    if tape {
        cases.extend([
            (
                "tape gradient",
                hyperhess::gradient(|x| f.eval(x), x).is_err(),
                grad_err,
            ),
            (
                "tape hessian",
                hyperhess::hessian(|x| f.eval(x), x).is_err(),
                hess_err,
            ),
            (
                "sparse_hessian",
                hyperhess::sparse_hessian(|x| f.eval(x), x).is_err(),
                hess_err,
            ),
        ]);
    }
    for (what, got, want) in cases {
        prop_assert_eq!(
            got,
            want,
            "{}: error {} but Stan's rule says {}",
            what,
            got,
            want
        );
    }
    Ok(())
}

/// Coordinates at singular points of the table (sqrt, ln, recip at 0; asin, atanh,
/// acosh at ±1), extreme magnitudes, and ordinary values.
fn singular_points(n: usize) -> impl Strategy<Value = Vec<f64>> {
    proptest::collection::vec(
        prop_oneof![
            Just(0.0),
            Just(1.0),
            Just(-1.0),
            Just(1e-200),
            Just(1e200),
            -2.0..2.0f64,
        ],
        n,
    )
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    /// Raw (unsquashed) expressions in which every node reaches the output. The tape
    /// drivers are checked only where every local partial is finite (and no
    /// coordinate is extreme, see below): where one is
    /// infinite but multiplied by a zero tangent (acosh(x⁰) at any x), the forward
    /// engine gives 0 and the tape today gives 0·inf = NaN, a known tape defect
    /// being fixed on main (see `tape_zero_times_infinite_partial` below and
    /// `errors_follow_stans_rule_everywhere`, both ignored).
    #[test]
    fn errors_follow_stans_rule(
        (f, x) in expr::exprs(4, 8, false, true).prop_flat_map(|f| {
            let n = f.n;
            (Just(f), singular_points(n))
        })
    ) {
        // The tape is also checked off the extreme coordinates (1e±200): there, the
        // forward engine's hyper-dual parts can overflow where the tape's reverse
        // products do not (`sqrt(x) / sqrt(x)` at 1e-200: forward e12 = inf, tape 0,
        // see `stan_verdicts_differ_on_intermediate_overflow`).
        let moderate = |v: &f64| *v == 0.0 || (1e-100..=2.0).contains(&v.abs());
        let tape = f.local_partials_finite(&x) && x.iter().all(moderate);
        check_stan(&f, &x, tape)?;
    }

    /// The same with dead nodes and no exclusion: fails today on the tape defects.
    #[test]
    #[ignore = "known limitation (docs/limitations.md): with infinite intermediate partials, forward and reverse multiply the chain in different orders; dead nodes and zero partials are fixed (tests below)"]
    fn errors_follow_stans_rule_everywhere(
        (f, x) in expr::exprs(4, 8, false, false).prop_flat_map(|f| {
            let n = f.n;
            (Just(f), singular_points(n))
        })
    ) {
        check_stan(&f, &x, true)?;
    }
}

/// Minimal reproducer (found by `errors_follow_stans_rule_everywhere`): a node that
/// does not reach the output but has an infinite partial (log2 at 0) poisons the
/// reverse sweep (0 · inf = NaN). f(x) = x¹, so the gradient is 1.
#[test]
fn tape_dead_node_with_infinite_partial() {
    fn f<S: Scalar>(x: &[S]) -> S {
        let _dead = x[0].log2();
        x[0].powi(1)
    }
    assert_eq!(
        hyperhess::forward::gradient(|x| f(x), &[0.0]).unwrap()[0],
        1.0
    );
    assert_eq!(hyperhess::gradient(|x| f(x), &[0.0]).unwrap()[0], 1.0);
}

/// Minimal reproducer (found by `errors_follow_stans_rule_everywhere`): an infinite
/// partial (acosh' at 1) times a zero partial upstream (x⁰): the forward engine
/// (tangent 0) gives f' = 0, the tape 0 · inf = NaN and NonFiniteGradient.
#[test]
fn tape_zero_times_infinite_partial() {
    fn f<S: Scalar>(x: &[S]) -> S {
        x[0].sin().powi(0).acosh().ln_1p()
    }
    assert_eq!(
        hyperhess::forward::gradient(|x| f(x), &[0.0]).unwrap()[0],
        0.0
    );
    assert_eq!(hyperhess::gradient(|x| f(x), &[0.0]).unwrap()[0], 0.0);
}

/// Found by `errors_follow_stans_rule` (once in ~7000 cases before the extreme points
/// were excluded from its tape checks): f = s / s = 1 with s = sqrt(x) (one node) at x = 1e-200. The
/// forward engine's hyper-dual division squares sqrt' = 5e99 and overflows (Hessian
/// error), the tape's reverse products stay finite (Hessian 0). Stan's rule as stated
/// (errors exactly where the forward engine's numbers are not finite) then requires
/// the tape to fail too; the tape's answer is the better one. Not a tape bug: listed
/// for the maintainers to decide which engine should change.
#[test]
#[ignore = "known limitation (docs/limitations.md): the tape avoids an overflow the forward engine hits; the tape answer (0) is right"]
fn stan_verdicts_differ_on_intermediate_overflow() {
    fn f<S: Scalar>(x: &[S]) -> S {
        let s = x[0].sqrt();
        s / s
    }
    let forward = hyperhess::forward::hessian(|x| f(x), &[1e-200]);
    let tape = hyperhess::hessian(|x| f(x), &[1e-200]);
    assert_eq!(
        forward.is_err(),
        tape.is_err(),
        "forward {forward:?}, tape {tape:?}"
    );
}

/// The documented exact properties: every path is exactly symmetric; dense sweeps
/// give the same bits at every lane width, compressed sweeps too; `sparse_hessian`
/// and a plan give the same bits; and where both engines fail, they report the
/// same error.
fn check_exact<F: Fun>(f: &F, x: &[f64], errors: bool) -> Result<(), TestCaseError> {
    let dense = Options {
        sparsity: Sparsity::Dense,
        lanes: Some(1),
        ..Options::default()
    };
    let reference = hyperhess::hessian_with(|x| f.eval(x), x, &dense);
    let forward = hyperhess::forward::hessian(|x| f.eval(x), x);
    match (&reference, &forward) {
        (Ok(h), Ok(_)) => {
            prop_assert!(
                h == &h.transpose(),
                "dense Hessian not exactly symmetric: {}",
                h
            );
            // Dense sweeps at every lane width are the same numbers; compressed
            // sweeps at every lane width are the same numbers as each other (they
            // round differently from dense sweeps, see docs/limitations.md; their
            // closeness is `every_engine_agrees_*`).
            let compressed = |lanes| Options {
                sparsity: Sparsity::Compressed,
                lanes,
                ..Options::default()
            };
            let c = hyperhess::hessian_with(|x| f.eval(x), x, &compressed(Some(1)));
            let c = c.map_err(|e| TestCaseError::fail(format!("{e:?}")))?;
            prop_assert!(
                c == c.transpose(),
                "compressed Hessian not exactly symmetric: {}",
                c
            );
            for lanes in [Some(1), Some(2), Some(4), Some(8), Some(16)] {
                let o = Options {
                    sparsity: Sparsity::Dense,
                    lanes,
                    ..Options::default()
                };
                let g = hyperhess::hessian_with(|x| f.eval(x), x, &o);
                prop_assert!(g.as_ref() == Ok(h), "dense lanes {lanes:?}: {g:?} vs {h}");
                let g = hyperhess::hessian_with(|x| f.eval(x), x, &compressed(lanes));
                prop_assert!(
                    g.as_ref() == Ok(&c),
                    "compressed lanes {lanes:?}: {g:?} vs {c}"
                );
            }
            // `sparse_hessian` pushes second-order adjoints instead (its closeness
            // is `every_engine_agrees_*`): exactly symmetric, and the same bits as
            // a plan's evaluation.
            let s = hyperhess::sparse_hessian(|x| f.eval(x), x);
            let s = s.map_err(|e| TestCaseError::fail(format!("{e:?}")))?;
            for (i, j, v) in s.triplet_iter() {
                let mirror = s.get_entry(j, i).map(|e| e.into_value().to_bits());
                prop_assert!(mirror == Some(v.to_bits()), "sparse ({i}, {j})");
            }
            let plan = SparsePlan::new(|x| f.eval(x), x);
            let p = plan.and_then(|p| p.hessian(|x| f.eval(x), x));
            let p = p.map_err(|e| TestCaseError::fail(format!("{e:?}")))?;
            prop_assert!(p == s, "plan and one-shot sparse differ: {p:?} vs {s:?}");
        }
        // Compared as text: NaN values in the errors are then equal.
        (Err(a), Err(b)) if errors => {
            prop_assert_eq!(
                format!("{a:?}"),
                format!("{b:?}"),
                "tape and forward errors differ"
            )
        }
        _ => {}
    }
    let tg = hyperhess::gradient(|x| f.eval(x), x);
    let fg = hyperhess::forward::gradient(|x| f.eval(x), x);
    if let (Err(a), Err(b), true) = (&tg, &fg, errors) {
        prop_assert_eq!(
            format!("{a:?}"),
            format!("{b:?}"),
            "tape and forward gradient errors differ"
        );
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    #[ignore = "known limitation (docs/limitations.md): at points with infinite intermediate partials the engines can name different entries; the common cases agree (tests/reliability.rs)"]
    fn tape_and_forward_errors_agree(
        (f, x) in expr::exprs(6, 12, false, true).prop_flat_map(|f| {
            let n = f.n;
            (Just(f), singular_points(n))
        })
    ) {
        check_exact(&f, &x, true)?;
    }

    #[test]
    fn hessians_are_exactly_symmetric_and_identical_across_options(
        (f, x) in expr::banded(24, 10, true).prop_flat_map(|f| {
            let n = f.n;
            (Just(f), points(n))
        })
    ) {
        check_exact(&f, &x, false)?;
    }
}
