//! Ipopt on an `Nlp` (feature `ipopt`): HS071's known optimum and its KKT
//! conditions checked with this crate's derivatives, Lukšan–Vlček converging at
//! n = 100, a problem without constraints and a linear objective, and every failure
//! path (bad bounds and options, iteration limit, an evaluation error inside Ipopt,
//! a panic in the problem's code) a typed error or the panic itself, never an abort.
#![cfg(feature = "ipopt")]

use hyperhess::ipopt::{Bounds, IpoptOptions, IpoptSolution, IpoptStatus, solve, solve_with_plan};
use hyperhess::testfns::{Hs071, LuksanVlcek};
use hyperhess::{Error, LagrangianPlan, Nlp, Scalar};

/// Ipopt's default `tol`: the scaled NLP error at termination (primal and dual
/// infeasibility, complementarity) is below it.
const TOL: f64 = 1e-8;
/// Ipopt's default `bound_relax_factor`: every finite bound is relaxed by this
/// times `max(1, |bound|)`.
const BOUND_RELAX: f64 = 1e-8;

fn hs071_bounds() -> Bounds {
    Bounds::free(4, 2)
        .variables(1.0, 5.0)
        .constraint(0, 25.0, f64::INFINITY)
        .constraint(1, 40.0, 40.0)
}

/// `|grad f + J^T lambda - z_lower + z_upper|_inf` at the solution, from our own
/// gradient and Jacobian (Ipopt's sign conventions).
fn stationarity<P: Nlp>(nlp: &P, s: &IpoptSolution) -> f64 {
    let g = hyperhess::gradient(|x| nlp.objective(x), &s.x).unwrap();
    let j = hyperhess::jacobian(
        |x| {
            let mut out = vec![x[0] * 0.0; nlp.num_constraints()];
            nlp.constraints(x, &mut out);
            out
        },
        &s.x,
    )
    .unwrap();
    let r = g + j.transpose() * nalgebra::DVector::from_column_slice(&s.lambda)
        - nalgebra::DVector::from_column_slice(&s.z_lower)
        + nalgebra::DVector::from_column_slice(&s.z_upper);
    r.amax()
}

#[test]
fn hs071_reaches_the_known_optimum() {
    let s = solve(
        &Hs071,
        &hs071_bounds(),
        &[1.0, 5.0, 5.0, 1.0],
        &IpoptOptions::default(),
    )
    .unwrap();
    assert_eq!(s.status, IpoptStatus::SolveSucceeded);
    // HS071's gradients at the start are below 100, so Ipopt does not scale: the
    // unscaled conditions hold to `tol` at its last iterate, against bounds it
    // relaxes by `bound_relax_factor` (1e-8) times max(1, |bound|); then it moves
    // x back into the original bounds (`honor_original_bounds`), by at most that
    // relaxation per coordinate, which moves g_k by at most sum_i |J_ki| times it.
    let relaxed = |b: f64| BOUND_RELAX * b.abs().max(1.0);
    assert!(s.x.iter().all(|&x| (1.0..=5.0).contains(&x)), "{:?}", s.x);
    let plan = LagrangianPlan::new(&Hs071, &s.x).unwrap();
    let j = plan.jacobian(&Hs071, &s.x).unwrap();
    let mut shift = [0.0; 2];
    for (k, _, &v) in j.triplet_iter() {
        shift[k] += v.abs() * relaxed(5.0);
    }
    let g = &s.constraints;
    assert!(g[0] >= 25.0 - relaxed(25.0) - TOL - shift[0], "{g:?}");
    assert!(
        (g[1] - 40.0).abs() <= relaxed(40.0) + TOL + shift[1],
        "{g:?}"
    );
    // Dual feasibility (Ipopt's dual scaling s_d = 1 for multipliers this small),
    // recomputed with our derivatives, at the x Ipopt returns: moved back into the
    // original bounds (`honor_original_bounds`) by at most the relaxation, which
    // moves the gradient of the Lagrangian by at most |H_L|_inf times that.
    let h = plan.hessian(&Hs071, &s.x, 1.0, &s.lambda).unwrap();
    let mut row_sums = [0.0; 4];
    for (i, j, &v) in h.triplet_iter() {
        row_sums[i] += v.abs();
        if i != j {
            row_sums[j] += v.abs();
        }
    }
    let h_norm = row_sums.iter().fold(0.0f64, |a, &b| a.max(b));
    let residual = stationarity(&Hs071, &s);
    assert!(residual <= TOL + h_norm * relaxed(5.0), "{residual:e}");
    // x0 sits on its lower bound, with a positive multiplier; the others inside.
    assert!(s.z_lower[0] > 0.1 && s.z_lower[1..].iter().all(|&z| z <= TOL));
    assert!(s.z_upper.iter().all(|&z| z <= TOL));
    // The optimum (Hock and Schittkowski; x* to 9 digits from Ipopt's docs). At a
    // regular KKT point the solution's error is O(tol + relaxation) times the
    // reduced Hessian's condition; 100 tol covers it and the reference's rounding
    // (5e-9). f sits below f* by about lambda_0 times the relaxation of g0's bound
    // (0.55 x 2.5e-7) at Ipopt's last iterate; the solution reports f at the
    // returned x.
    let x_star = [1.0, 4.74299963, 3.82114998, 1.37940829];
    for (x, r) in s.x.iter().zip(x_star) {
        assert!((x - r).abs() <= 100.0 * TOL, "{:?}", s.x);
    }
    assert!(
        (s.objective - 17.0140173).abs() <= 100.0 * TOL * 17.0,
        "{}",
        s.objective
    );
    assert_eq!(s.objective, Hs071.objective(&s.x));
    // Ipopt 3.11 takes 8 iterations on HS071 (its own tutorial's count).
    assert!((1..=15).contains(&s.iterations), "{}", s.iterations);
    let e = s.evaluations;
    assert!(e.hessian.calls >= 1 && e.jacobian.calls >= 1 && e.gradient.calls >= 1);
    assert!(e.total() >= e.hessian.time + e.jacobian.time);
}

#[test]
fn luksan_vlcek_converges_at_n_100() {
    let nlp = LuksanVlcek(100);
    let s = solve(
        &nlp,
        &Bounds::equalities(100, 98),
        &nlp.start(),
        &IpoptOptions::default(),
    )
    .unwrap();
    assert_eq!(s.status, IpoptStatus::SolveSucceeded);
    // No bounds on x, equalities only: the constraint violation is below tol
    // (gradients at the start exceed 100, so Ipopt scales; its unscaled
    // `constr_viol_tol` is 1e-4, but each constraint's scale factor is <= 1 and
    // the scaled violation <= tol: recompute unscaled with plain f64).
    let mut g = vec![0.0; 98];
    nlp.constraints(&s.x, &mut g);
    assert_eq!(g, s.constraints);
    let violation = g.iter().fold(0.0f64, |v, gk| v.max(gk.abs()));
    assert!(violation <= TOL, "{violation}");
    assert!(s.iterations <= 20, "{}", s.iterations);
    assert!(s.z_lower.iter().chain(&s.z_upper).all(|&z| z == 0.0));
}

/// `min x0 + 2 x1` on the box `[0, 1]²`: no constraints, a linear objective (the
/// Hessian's structure is empty).
struct LinearBox;
impl Nlp for LinearBox {
    fn num_constraints(&self) -> usize {
        0
    }
    fn objective<S: Scalar>(&self, x: &[S]) -> S {
        x[0] + x[1] * 2.0
    }
    fn constraints<S: Scalar>(&self, _x: &[S], _out: &mut [S]) {}
}

#[test]
fn no_constraints_and_a_linear_objective() {
    let plan = LagrangianPlan::new(&LinearBox, &[0.5, 0.5]).unwrap();
    assert_eq!((plan.hessian_nnz(), plan.jacobian_nnz()), (0, 0));
    let bounds = Bounds::free(2, 0).variables(0.0, 1.0);
    let s = solve(&LinearBox, &bounds, &[0.5, 0.5], &IpoptOptions::default()).unwrap();
    // At the lower bounds; the bound multipliers are the gradient (1, 2).
    assert!(s.x.iter().all(|&x| x.abs() <= TOL), "{:?}", s.x);
    assert!((s.z_lower[0] - 1.0).abs() <= TOL && (s.z_lower[1] - 2.0).abs() <= TOL);
    assert!(s.constraints.is_empty() && s.lambda.is_empty());
}

#[test]
fn bad_bounds_and_points_are_typed_errors() {
    let x0 = [1.0, 5.0, 5.0, 1.0];
    let o = IpoptOptions::default();
    let crossed = hs071_bounds().variable(2, 3.0, 2.0);
    assert_eq!(
        solve(&Hs071, &crossed, &x0, &o).unwrap_err(),
        Error::InvalidBounds {
            what: "variable",
            index: 2,
            lower: 3.0,
            upper: 2.0
        }
    );
    let nan = hs071_bounds().constraint(1, f64::NAN, 40.0);
    assert!(matches!(
        solve(&Hs071, &nan, &x0, &o),
        Err(Error::InvalidBounds {
            what: "constraint",
            index: 1,
            ..
        })
    ));
    let empty = hs071_bounds().constraint(0, f64::INFINITY, f64::INFINITY);
    assert!(matches!(
        solve(&Hs071, &empty, &x0, &o),
        Err(Error::InvalidBounds { index: 0, .. })
    ));
    let past_the_end = hs071_bounds().constraint(2, 0.0, 1.0);
    assert!(matches!(
        solve(&Hs071, &past_the_end, &x0, &o),
        Err(Error::LengthMismatch {
            what: "constraint lower bounds",
            expected: 2,
            found: 3
        })
    ));
    assert!(matches!(
        solve(&Hs071, &hs071_bounds(), &[1.0, f64::NAN, 5.0, 1.0], &o),
        Err(Error::NonFiniteInput { index: 1, .. })
    ));
    let plan = LagrangianPlan::new(&Hs071, &x0).unwrap();
    assert!(matches!(
        solve_with_plan(&Hs071, &plan, &hs071_bounds(), &[1.0; 3], &o),
        Err(Error::LengthMismatch {
            what: "point",
            expected: 4,
            found: 3
        })
    ));
}

#[test]
fn rejected_options_and_limits_are_solver_failures() {
    let x0 = [1.0, 5.0, 5.0, 1.0];
    for options in [
        IpoptOptions::default().string("no_such_option", "yes"),
        IpoptOptions::default().string("mu_strategy", "no_such_value"),
        IpoptOptions::default().integer("max_iter", -3),
        IpoptOptions::default().string("nul\0byte", "yes"),
    ] {
        match solve(&Hs071, &hs071_bounds(), &x0, &options) {
            Err(Error::SolverFailed {
                solver: "Ipopt",
                status: -12,
                point,
                cause: None,
                ..
            }) => {
                assert_eq!(point, x0)
            }
            other => panic!("{options:?}: {other:?}"),
        }
    }
    let nlp = LuksanVlcek(100);
    let one = IpoptOptions {
        max_iter: 1,
        ..IpoptOptions::default()
    };
    match solve(&nlp, &Bounds::equalities(100, 98), &nlp.start(), &one) {
        Err(Error::SolverFailed { status, point, .. }) => {
            assert_eq!(
                IpoptStatus::from_code(status),
                IpoptStatus::MaximumIterationsExceeded
            );
            assert_eq!(point.len(), 100);
            assert_ne!(point, nlp.start());
        }
        other => panic!("{other:?}"),
    }
}

/// `ln(x0) + x0²`, finite only for `x0 > 0`.
struct Log;
impl Nlp for Log {
    fn num_constraints(&self) -> usize {
        0
    }
    fn objective<S: Scalar>(&self, x: &[S]) -> S {
        x[0].ln() + x[0] * x[0]
    }
    fn constraints<S: Scalar>(&self, _x: &[S], _out: &mut [S]) {}
}

#[test]
fn a_non_finite_objective_at_the_start_is_a_typed_error() {
    let o = IpoptOptions::default();
    // Caught before Ipopt: the plan records at the start.
    assert!(matches!(
        solve(&Log, &Bounds::free(1, 0), &[-1.0], &o),
        Err(Error::NonFiniteValue { .. })
    ));
    // Caught inside Ipopt: the plan was made elsewhere, our eval_f answers FALSE and
    // Ipopt gives up; the error says why.
    let plan = LagrangianPlan::new(&Log, &[1.0]).unwrap();
    match solve_with_plan(&Log, &plan, &Bounds::free(1, 0), &[-1.0], &o) {
        Err(Error::SolverFailed { status, cause, .. }) => {
            assert!(!IpoptStatus::from_code(status).is_success());
            assert!(
                matches!(cause.as_deref(), Some(Error::NonFiniteValue { .. })),
                "{cause:?}"
            );
        }
        other => panic!("{other:?}"),
    }
}

/// `x0 x1` where `x0 > 0`, `x0 + x1` elsewhere: a plan made on the linear branch
/// has no Hessian entry for the product.
struct Branch;
impl Nlp for Branch {
    fn num_constraints(&self) -> usize {
        1
    }
    fn objective<S: Scalar>(&self, x: &[S]) -> S {
        if x[0] > 0.0 { x[0] * x[1] } else { x[0] + x[1] }
    }
    fn constraints<S: Scalar>(&self, x: &[S], out: &mut [S]) {
        out[0] = x[0] * x[0] + x[1] * x[1];
    }
}

#[test]
fn a_structure_left_at_a_new_point_is_named() {
    let plan = LagrangianPlan::new(&Branch, &[-1.0, -1.0]).unwrap();
    let bounds = Bounds::free(2, 1).constraint(0, 1.0, 1.0);
    match solve_with_plan(
        &Branch,
        &plan,
        &bounds,
        &[0.6, 0.8],
        &IpoptOptions::default(),
    ) {
        // The product's entry (either triangle's index).
        Err(Error::SolverFailed { cause, .. }) => match cause.as_deref() {
            Some(&Error::SparsityPatternChanged { row, col }) => {
                assert_eq!(row.min(col), 0);
                assert_eq!(row.max(col), 1);
            }
            other => panic!("{other:?}"),
        },
        other => panic!("{other:?}"),
    }
}

/// Panics (a bug in the problem's code) where `x0 < 0`.
struct Panics;
impl Nlp for Panics {
    fn num_constraints(&self) -> usize {
        0
    }
    fn objective<S: Scalar>(&self, x: &[S]) -> S {
        assert!(x[0] >= 0.0, "negative x0");
        x[0] * x[0]
    }
    fn constraints<S: Scalar>(&self, _x: &[S], _out: &mut [S]) {}
}

#[test]
fn a_panic_in_the_problem_stops_ipopt_and_resumes_after_it() {
    let plan = LagrangianPlan::new(&Panics, &[1.0]).unwrap();
    let o = IpoptOptions::default();
    let caught = std::panic::catch_unwind(|| {
        solve_with_plan(&Panics, &plan, &Bounds::free(1, 0), &[-1.0], &o)
    });
    let payload = caught.unwrap_err();
    assert_eq!(payload.downcast_ref::<&str>(), Some(&"negative x0"));
    // Ipopt is usable afterwards (its lock was released before the panic resumed).
    let s = solve(&Hs071, &hs071_bounds(), &[1.0, 5.0, 5.0, 1.0], &o).unwrap();
    assert!(s.status.is_success());
}

#[test]
fn solves_from_several_threads_take_turns() {
    let handles: Vec<_> = (0..3)
        .map(|_| {
            std::thread::spawn(|| {
                let o = IpoptOptions::default();
                solve(&Hs071, &hs071_bounds(), &[1.0, 5.0, 5.0, 1.0], &o)
                    .unwrap()
                    .x
            })
        })
        .collect();
    let xs: Vec<_> = handles.into_iter().map(|h| h.join().unwrap()).collect();
    assert!(xs.iter().all(|x| x == &xs[0]));
}

#[test]
fn limited_memory_needs_no_hessian() {
    let o = IpoptOptions::default().string("hessian_approximation", "limited-memory");
    let s = solve(&Hs071, &hs071_bounds(), &[1.0, 5.0, 5.0, 1.0], &o).unwrap();
    assert_eq!(s.evaluations.hessian.calls, 0);
    // The same optimum (quasi-Newton: the same KKT conditions to tol).
    assert!(
        (s.objective - 17.0140173).abs() <= 100.0 * TOL * 17.0,
        "{}",
        s.objective
    );
}
