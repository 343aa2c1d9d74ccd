//! `LagrangianPlan` against CasADi (the industry reference for exact sparse
//! derivatives of constrained problems): the Hessian of the Lagrangian (lower
//! triangle), the constraint Jacobian, the objective's gradient and the values, at
//! three points per problem with their multipliers, as CasADi 3.8.2's SX
//! Functions computed them. The data, the points and the multipliers are in
//! tests/data/lagrangian_reference.csv, written by scripts/lagrangian_reference.py
//! (which also holds the problems' Python twins).
//!
//! Tolerance: both sides compute each entry as a short sum of rounded products in
//! different orders (CasADi's expression graph against our tape's sweeps), so they
//! agree to a few ulps of the largest term; 1e-12 relative to the largest entry of
//! the same kind at that point (the bar) is about 4500 eps. Every entry of
//! either structure is compared (an entry absent on one side is zero there).

mod nlp_problems;

use hyperhess::{LagrangianPlan, Nlp};
use nlp_problems::{DenseRow, Hs071, LinearObjective, LuksanVlcek};
use std::collections::BTreeMap;

/// One point of one problem: everything the CSV holds for it.
#[derive(Default, Debug)]
struct Case {
    x: BTreeMap<usize, f64>,
    sigma: f64,
    lambda: BTreeMap<usize, f64>,
    f: f64,
    g: BTreeMap<usize, f64>,
    grad: BTreeMap<usize, f64>,
    jac: BTreeMap<(usize, usize), f64>,
    hess: BTreeMap<(usize, usize), f64>,
}

fn cases() -> BTreeMap<(String, usize), Case> {
    let text = include_str!("data/lagrangian_reference.csv");
    let mut out: BTreeMap<(String, usize), Case> = BTreeMap::new();
    for line in text.lines().skip(1) {
        let f: Vec<&str> = line.split(',').collect();
        let (problem, point, kind) = (f[0].to_string(), f[2].parse().unwrap(), f[3]);
        let (row, col): (usize, usize) = (f[4].parse().unwrap(), f[5].parse().unwrap());
        let v: f64 = f[6].parse().unwrap();
        let c = out.entry((problem, point)).or_default();
        match kind {
            "x" => drop(c.x.insert(row, v)),
            "sigma" => c.sigma = v,
            "lambda" => drop(c.lambda.insert(row, v)),
            "f" => c.f = v,
            "g" => drop(c.g.insert(row, v)),
            "grad" => drop(c.grad.insert(row, v)),
            "jac" => drop(c.jac.insert((row, col), v)),
            "hess" => drop(c.hess.insert((row, col), v)),
            other => panic!("unknown kind {other}"),
        }
    }
    out
}

const TOL: f64 = 1e-12;

fn agree(what: &str, ours: &BTreeMap<(usize, usize), f64>, theirs: &BTreeMap<(usize, usize), f64>) {
    let scale = theirs
        .values()
        .chain(ours.values())
        .fold(1.0f64, |m, v| m.max(v.abs()));
    for key in ours.keys().chain(theirs.keys()) {
        let (a, b) = (
            ours.get(key).copied().unwrap_or(0.0),
            theirs.get(key).copied().unwrap_or(0.0),
        );
        assert!(
            (a - b).abs() <= TOL * scale,
            "{what} {key:?}: ours {a}, CasADi {b}"
        );
    }
}

fn check<P: Nlp>(nlp: &P, name: &str, all: &BTreeMap<(String, usize), Case>) {
    let points: Vec<&Case> = all
        .iter()
        .filter(|((p, _), _)| p == name)
        .map(|(_, c)| c)
        .collect();
    assert_eq!(points.len(), 3, "{name}: three points in the data");
    let x0: Vec<f64> = points[0].x.values().copied().collect();
    let plan = LagrangianPlan::new(nlp, &x0).unwrap();
    let structure = plan.hessian_structure().0.to_vec();
    for (p, case) in points.iter().enumerate() {
        let what = format!("{name} point {p}");
        let x: Vec<f64> = case.x.values().copied().collect();
        let lambda: Vec<f64> = case.lambda.values().copied().collect();
        assert_eq!(lambda.len(), nlp.num_constraints());
        let mut v = plan.values();
        plan.evaluate(nlp, &x, case.sigma, &lambda, &mut v).unwrap();
        let rel = |a: f64, b: f64| (a - b).abs() <= TOL * a.abs().max(b.abs()).max(1.0);
        assert!(
            rel(v.objective, case.f),
            "{what}: f {} vs {}",
            v.objective,
            case.f
        );
        for (k, &g) in &case.g {
            assert!(rel(v.constraints[*k], g), "{what}: g[{k}]");
        }
        let gscale = case.grad.values().fold(1.0f64, |m, g| m.max(g.abs()));
        for (i, &g) in &case.grad {
            assert!(
                (v.gradient[*i] - g).abs() <= TOL * gscale,
                "{what}: grad[{i}]"
            );
        }
        let (hr, hc) = plan.hessian_structure();
        let ours_h = hr
            .iter()
            .zip(hc)
            .zip(&v.hessian)
            .map(|((&r, &c), &h)| ((r, c), h))
            .collect();
        agree(&format!("{what}: hess"), &ours_h, &case.hess);
        let (jr, jc) = plan.jacobian_structure();
        let ours_j = jr
            .iter()
            .zip(jc)
            .zip(&v.jacobian)
            .map(|((&r, &c), &j)| ((r, c), j))
            .collect();
        agree(&format!("{what}: jac"), &ours_j, &case.jac);
        // CasADi's structural entries are a subset of ours (ours is structural too,
        // and never drops an entry a value could need).
        for key in case.hess.keys() {
            assert!(
                ours_h.contains_key(key),
                "{what}: CasADi's Hessian entry {key:?} not in ours"
            );
        }
        for key in case.jac.keys() {
            assert!(
                ours_j.contains_key(key),
                "{what}: CasADi's Jacobian entry {key:?} not in ours"
            );
        }
        assert_eq!(
            plan.hessian_structure().0,
            &structure[..],
            "{what}: structure moved"
        );
    }
}

#[test]
fn agrees_with_casadi() {
    let all = cases();
    check(&Hs071, "hs071", &all);
    check(&LuksanVlcek(10), "luksan_vlcek", &all);
    check(&DenseRow, "dense_row", &all);
    check(&LinearObjective, "linear_objective", &all);
}
