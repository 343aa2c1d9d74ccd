//! [`solve`] and [`solve_with_plan`]: check the input, hand the problem, its
//! structures and the callbacks to Ipopt, and turn its answer into an
//! [`IpoptSolution`] or a typed error.

use super::callbacks::{self, Context};
use super::ffi::{self, Index, IpoptProblem, UserDataPtr};
use super::problem::{Bounds, IpoptOptions};
use super::solution::{Evaluations, IpoptSolution, IpoptStatus};
use crate::error::{Error, check_point};
use crate::nlp::{Kept, LagrangianPlan, Nlp};
use std::ffi::CString;
use std::sync::{Mutex, PoisonError};
use std::time::Instant;

/// One solve at a time in the process: Ipopt 3.11 with MUMPS (sequential MUMPS
/// keeps global state) is not thread-safe.
static IPOPT: Mutex<()> = Mutex::new(());

/// Solves `min f(x)` subject to `bounds` (on `x` and on `g(x)`) with Ipopt, from
/// `x0`, with exact derivatives: the constraint Jacobian and the Hessian of the
/// Lagrangian `sigma f + sum_k lambda_k g_k` (Ipopt's `eval_h`) from one
/// [`LagrangianPlan`] built at `x0`, the objective's gradient from a recording of
/// the objective.
///
/// Returns the solution when Ipopt converges ([`IpoptStatus::is_success`]).
/// Errors: the plan's at `x0` ([`LagrangianPlan::new`]: [`Error::EmptyInput`],
/// [`Error::NonFiniteInput`], [`Error::NonFiniteValue`], ...),
/// [`Error::LengthMismatch`] and [`Error::InvalidBounds`] for the bounds, and
/// [`Error::SolverFailed`] for an option Ipopt rejects (status `-12`), a problem
/// too large for its 32-bit indices (`-11`) or any status that is not a
/// solution, with Ipopt's last iterate and the last error our evaluations gave
/// it. A panic in the problem's code stops Ipopt and is resumed once Ipopt has
/// returned (it never unwinds through Ipopt).
///
/// Solves are serialized across threads (a process-wide lock; so a solve called
/// from inside a problem's own code would wait forever).
///
/// ```
/// use hyperhess::ipopt::{Bounds, IpoptOptions, IpoptStatus, solve};
/// use hyperhess::{Nlp, Scalar};
///
/// /// The point of the unit circle nearest to (2, 1).
/// struct Nearest;
/// impl Nlp for Nearest {
///     fn num_constraints(&self) -> usize { 1 }
///     fn objective<S: Scalar>(&self, x: &[S]) -> S {
///         (x[0] - 2.0).powi(2) + (x[1] - 1.0).powi(2)
///     }
///     fn constraints<S: Scalar>(&self, x: &[S], out: &mut [S]) {
///         out[0] = x[0] * x[0] + x[1] * x[1];
///     }
/// }
///
/// let bounds = Bounds::free(2, 1).constraint(0, 1.0, 1.0);
/// let s = solve(&Nearest, &bounds, &[1.0, 0.0], &IpoptOptions::default())?;
/// assert_eq!(s.status, IpoptStatus::SolveSucceeded);
/// let r = 5f64.sqrt();
/// assert!((s.x[0] - 2.0 / r).abs() < 1e-8 && (s.x[1] - 1.0 / r).abs() < 1e-8);
/// assert!((s.lambda[0] - (r - 1.0)).abs() < 1e-8); // grad f + lambda grad g = 0
/// # Ok::<(), hyperhess::Error>(())
/// ```
pub fn solve<P: Nlp>(
    nlp: &P,
    bounds: &Bounds,
    x0: &[f64],
    options: &IpoptOptions,
) -> Result<IpoptSolution, Error> {
    let start = Instant::now();
    let plan = LagrangianPlan::new(nlp, x0)?;
    let plan_time = start.elapsed();
    let mut solution = solve_with_plan(nlp, &plan, bounds, x0, options)?;
    solution.evaluations.plan = plan_time;
    Ok(solution)
}

/// [`solve`] with a plan built beforehand (for several solves of one problem:
/// other bounds, starts or options). `plan` must be `nlp`'s; its structures are
/// what Ipopt is told, and an evaluation whose operations leave them (a branch
/// taken otherwise) fails with [`Error::SparsityPatternChanged`] or
/// [`Error::JacobianPatternChanged`] as the `cause` of [`Error::SolverFailed`].
///
/// ```
/// use hyperhess::ipopt::{Bounds, IpoptOptions, solve_with_plan};
/// use hyperhess::{LagrangianPlan, Nlp, testfns::Hs071};
///
/// let x0 = [1.0, 5.0, 5.0, 1.0];
/// let plan = LagrangianPlan::new(&Hs071, &x0)?;
/// let hs071 = Bounds::free(4, 2).variables(1.0, 5.0)
///     .constraint(0, 25.0, f64::INFINITY).constraint(1, 40.0, 40.0);
/// let a = solve_with_plan(&Hs071, &plan, &hs071, &x0, &IpoptOptions::default())?;
/// let wider = hs071.clone().variables(0.5, 5.0);
/// let b = solve_with_plan(&Hs071, &plan, &wider, &x0, &IpoptOptions::default())?;
/// assert!(b.objective < a.objective); // more room, a lower minimum
/// # Ok::<(), hyperhess::Error>(())
/// ```
pub fn solve_with_plan<P: Nlp>(
    nlp: &P,
    plan: &LagrangianPlan,
    bounds: &Bounds,
    x0: &[f64],
    options: &IpoptOptions,
) -> Result<IpoptSolution, Error> {
    let (n, m) = (plan.inputs(), plan.num_constraints());
    if x0.len() != n {
        return Err(Error::LengthMismatch {
            what: "point",
            expected: n,
            found: x0.len(),
        });
    }
    check_point(x0)?;
    bounds.check(n, m)?;
    let sizes = [n, m, plan.jacobian_nnz(), plan.hessian_nnz()].map(Index::try_from);
    let [Ok(n_ipopt), Ok(m_ipopt), Ok(nele_jac), Ok(nele_hess)] = sizes else {
        return Err(failed(
            IpoptStatus::InvalidProblemDefinition,
            "the problem is too large for Ipopt's 32-bit indices".to_string(),
            x0,
            None,
        ));
    };
    let (lower_inf, upper_inf) = options.infinities();
    // An infinite bound is no bound: Ipopt reads any value beyond its
    // `nlp_*_bound_inf` as one.
    let finite = |b: &[f64]| -> Vec<f64> {
        b.iter()
            .map(|&v| match v {
                f64::INFINITY => upper_inf,
                f64::NEG_INFINITY => lower_inf,
                v => v,
            })
            .collect()
    };
    let (mut x_l, mut x_u) = (finite(&bounds.x_lower), finite(&bounds.x_upper));
    let (mut g_l, mut g_u) = (finite(&bounds.g_lower), finite(&bounds.g_upper));
    let settings = Settings::new(options)
        .map_err(|message| failed(IpoptStatus::InvalidOption, message, x0, None))?;

    let _lock = IPOPT.lock().unwrap_or_else(PoisonError::into_inner);
    // SAFETY: the four bound arrays have n, n, m, m entries (checked above) and
    // Ipopt copies them; the callbacks match the header's typedefs (ffi.rs).
    let raw = unsafe {
        ffi::CreateIpoptProblem(
            n_ipopt,
            x_l.as_mut_ptr(),
            x_u.as_mut_ptr(),
            m_ipopt,
            g_l.as_mut_ptr(),
            g_u.as_mut_ptr(),
            nele_jac,
            nele_hess,
            0, // C-style (0-based) indices
            callbacks::eval_f::<P>,
            callbacks::eval_g::<P>,
            callbacks::eval_grad_f::<P>,
            callbacks::eval_jac_g::<P>,
            callbacks::eval_h::<P>,
        )
    };
    if raw.is_null() {
        return Err(failed(
            IpoptStatus::InvalidProblemDefinition,
            "CreateIpoptProblem rejected the problem".to_string(),
            x0,
            None,
        ));
    }
    let problem = Problem(raw);
    settings
        .apply(&problem)
        .map_err(|message| failed(IpoptStatus::InvalidOption, message, x0, None))?;
    // SAFETY: `problem` is live; the callback matches `Intermediate_CB`.
    unsafe { ffi::SetIntermediateCallback(problem.0, callbacks::intermediate::<P>) };

    let mut x = x0.to_vec();
    let mut g = vec![0.0; m];
    let mut objective = 0.0;
    let mut lambda = vec![0.0; m];
    let (mut z_lower, mut z_upper) = (vec![0.0; n], vec![0.0; n]);
    let mut context = Context {
        nlp,
        plan,
        kept: Kept::default(),
        error: None,
        panic: None,
        iterations: 0,
        evaluations: Evaluations::default(),
    };
    // SAFETY: `problem` is live; `x`, `z_lower`, `z_upper` have n entries, `g` and
    // `lambda` m, `objective` is one number, all written by Ipopt only during
    // this call; `context` outlives the call and nothing else touches it until
    // the call returns (the callbacks' contract, callbacks.rs).
    let code = unsafe {
        ffi::IpoptSolve(
            problem.0,
            x.as_mut_ptr(),
            g.as_mut_ptr(),
            &mut objective,
            lambda.as_mut_ptr(),
            z_lower.as_mut_ptr(),
            z_upper.as_mut_ptr(),
            (&raw mut context).cast::<std::ffi::c_void>() as UserDataPtr,
        )
    };
    drop(problem);
    drop(_lock);
    if let Some(payload) = context.panic {
        std::panic::resume_unwind(payload);
    }
    let status = IpoptStatus::from_code(code);
    // Ipopt's objective and constraint values are those of its last iterate,
    // before it moves x back into the original bounds (`honor_original_bounds`):
    // report the values at the x returned.
    if status.is_success() {
        objective = nlp.objective(&x);
        g.fill(0.0);
        nlp.constraints(&x, &mut g);
    }
    if !status.is_success() {
        return Err(failed(
            status,
            status.message().to_string(),
            &x,
            context.error,
        ));
    }
    Ok(IpoptSolution {
        x,
        objective,
        constraints: g,
        lambda,
        z_lower,
        z_upper,
        iterations: context.iterations,
        status,
        evaluations: context.evaluations,
    })
}

fn failed(status: IpoptStatus, message: String, point: &[f64], cause: Option<Error>) -> Error {
    Error::SolverFailed {
        solver: "Ipopt",
        status: status.code(),
        message,
        point: point.to_vec(),
        cause: cause.map(Box::new),
    }
}

/// An Ipopt problem, freed on drop.
struct Problem(IpoptProblem);

impl Drop for Problem {
    fn drop(&mut self) {
        // SAFETY: created non-null by CreateIpoptProblem, freed once, here.
        unsafe { ffi::FreeIpoptProblem(self.0) }
    }
}

/// The options as C strings, made before Ipopt is called.
struct Settings {
    strings: Vec<(CString, CString)>,
    numbers: Vec<(CString, f64)>,
    integers: Vec<(CString, Index)>,
}

impl Settings {
    fn new(options: &IpoptOptions) -> Result<Self, String> {
        let c = |s: &str| CString::new(s).map_err(|_| format!("option {s:?} contains a NUL byte"));
        let mut strings = Vec::new();
        if options.print_level == 0 {
            // Ipopt's banner ("This program contains Ipopt ...") shows at any
            // print level unless skipped.
            strings.push((c("sb")?, c("yes")?));
        }
        let mut numbers = vec![(c("tol")?, options.tol)];
        let mut integers = vec![
            (c("print_level")?, options.print_level),
            (c("max_iter")?, options.max_iter),
        ];
        for (k, v) in &options.strings {
            strings.push((c(k)?, c(v)?));
        }
        for (k, v) in &options.numbers {
            numbers.push((c(k)?, *v));
        }
        for (k, v) in &options.integers {
            integers.push((c(k)?, *v));
        }
        Ok(Settings {
            strings,
            numbers,
            integers,
        })
    }

    /// Hands every option to Ipopt, the integers (`print_level` first, so that a
    /// silent solve stays silent) before the others; the first it rejects is the
    /// error.
    fn apply(&self, problem: &Problem) -> Result<(), String> {
        let rejected = |k: &CString| format!("Ipopt rejected the option {k:?}");
        for (k, v) in &self.integers {
            // SAFETY: `problem` is live; the keyword is NUL-terminated and outlives
            // the call; Ipopt only reads it (the header's `char*` is not const, but
            // it is copied into a std::string).
            if unsafe { ffi::AddIpoptIntOption(problem.0, k.as_ptr().cast_mut(), *v) } == ffi::FALSE
            {
                return Err(format!("{} (value {v})", rejected(k)));
            }
        }
        for (k, v) in &self.numbers {
            // SAFETY: as for the integers.
            if unsafe { ffi::AddIpoptNumOption(problem.0, k.as_ptr().cast_mut(), *v) } == ffi::FALSE
            {
                return Err(format!("{} (value {v})", rejected(k)));
            }
        }
        for (k, v) in &self.strings {
            // SAFETY: as for the integers; both strings are NUL-terminated and
            // outlive the call; Ipopt only reads them (the header's `char*` is not
            // const, but the strings are copied into std::string).
            if unsafe {
                ffi::AddIpoptStrOption(problem.0, k.as_ptr().cast_mut(), v.as_ptr().cast_mut())
            } == ffi::FALSE
            {
                return Err(format!("{} (value {v:?})", rejected(k)));
            }
        }
        Ok(())
    }
}
