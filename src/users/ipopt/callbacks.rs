//! The callbacks Ipopt calls during a solve: each reads its arguments as slices,
//! runs our evaluation inside `catch_unwind` and answers `TRUE`, or `FALSE` with
//! the typed error (or the panic) kept in the [`Context`] for
//! [`solve`](super::solve) to return (or resume) once Ipopt is done. Nothing
//! unwinds into Ipopt.

use super::ffi::{Bool, FALSE, Index, Number, TRUE, UserDataPtr};
use super::solution::{Evaluations, Timing};
use crate::error::{Error, check_len};
use crate::nlp::{Kept, LagrangianPlan, Nlp};
use std::any::Any;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::time::Instant;

/// What the callbacks share: the problem, its plan, and what they report back.
pub(super) struct Context<'a, P> {
    pub(super) nlp: &'a P,
    pub(super) plan: &'a LagrangianPlan,
    /// The problem's recording, moved from point to point by its program.
    pub(super) kept: Kept,
    /// The last error an evaluation returned to Ipopt.
    pub(super) error: Option<Error>,
    /// A panic of the problem's code, resumed after Ipopt returns; once set, every
    /// callback answers `FALSE` and the intermediate callback stops Ipopt.
    pub(super) panic: Option<Box<dyn Any + Send>>,
    /// The last iteration count Ipopt reported.
    pub(super) iterations: usize,
    pub(super) evaluations: Evaluations,
}

/// Runs `body` on the context behind `user_data`, timed into `timing`'s entry (if
/// any), catching panics.
///
/// # Safety
/// `user_data` is the `Context<P>` that [`solve`](super::solve) handed to
/// `IpoptSolve`.
unsafe fn run<P: Nlp>(
    user_data: UserDataPtr,
    timing: Option<fn(&mut Evaluations) -> &mut Timing>,
    body: impl FnOnce(&P, &LagrangianPlan, &mut Kept) -> Result<(), Error>,
) -> Bool {
    // SAFETY: `user_data` points to the `Context<P>` that `solve` owns and keeps
    // alive (and does not touch) for the whole `IpoptSolve` call, which calls back
    // on the same thread, one callback at a time: this is the only reference.
    let ctx = unsafe { &mut *user_data.cast::<Context<'_, P>>() };
    if ctx.panic.is_some() {
        return FALSE;
    }
    let start = Instant::now();
    let result = catch_unwind(AssertUnwindSafe(|| body(ctx.nlp, ctx.plan, &mut ctx.kept)));
    if let Some(timing) = timing {
        let entry = timing(&mut ctx.evaluations);
        entry.calls += 1;
        entry.time += start.elapsed();
    }
    match result {
        Ok(Ok(())) => TRUE,
        Ok(Err(error)) => {
            ctx.error = Some(error);
            FALSE
        }
        Err(payload) => {
            ctx.panic = Some(payload);
            FALSE
        }
    }
}

/// `len` numbers at `ptr` (none when `len` is 0 or `ptr` is null: the evaluation
/// then reports a length mismatch).
///
/// # Safety
/// A non-null `ptr` is valid for `len` reads for `'a`, and nothing writes there
/// meanwhile.
unsafe fn numbers<'a>(ptr: *const Number, len: usize) -> &'a [Number] {
    if len == 0 || ptr.is_null() {
        return &[];
    }
    // SAFETY: the caller's contract.
    unsafe { std::slice::from_raw_parts(ptr, len) }
}

/// `len` writable numbers at `ptr` (as [`numbers`]).
///
/// # Safety
/// A non-null `ptr` is valid for `len` reads and writes for `'a`, and nothing else
/// reads or writes there meanwhile.
unsafe fn numbers_mut<'a>(ptr: *mut Number, len: usize) -> &'a mut [Number] {
    if len == 0 || ptr.is_null() {
        return &mut [];
    }
    // SAFETY: the caller's contract.
    unsafe { std::slice::from_raw_parts_mut(ptr, len) }
}

/// `len` writable indices at `ptr` (as [`numbers_mut`]).
///
/// # Safety
/// As [`numbers_mut`].
unsafe fn indices_mut<'a>(ptr: *mut Index, len: usize) -> &'a mut [Index] {
    if len == 0 || ptr.is_null() {
        return &mut [];
    }
    // SAFETY: the caller's contract.
    unsafe { std::slice::from_raw_parts_mut(ptr, len) }
}

/// A length from Ipopt (never negative for a valid call).
fn len(k: Index) -> usize {
    usize::try_from(k).unwrap_or(0)
}

/// `eval_f`: the objective on `f64`.
pub(super) extern "C" fn eval_f<P: Nlp>(
    n: Index,
    x: *mut Number,
    _new_x: Bool,
    obj_value: *mut Number,
    user_data: UserDataPtr,
) -> Bool {
    // SAFETY: Ipopt passes `x` with `n` entries and `obj_value` to one number,
    // both valid for the call; `user_data` is ours (`run`'s contract).
    unsafe {
        let (x, out) = (numbers(x, len(n)), numbers_mut(obj_value, 1));
        run::<P>(user_data, Some(|e| &mut e.objective), |nlp, plan, _| {
            check_len("point", plan.inputs(), x.len())?;
            let value = nlp.objective(x);
            if !value.is_finite() {
                return Err(Error::NonFiniteValue { value });
            }
            check_len("objective output", 1, out.len())?;
            out[0] = value;
            Ok(())
        })
    }
}

/// `eval_g`: the constraints on `f64`.
pub(super) extern "C" fn eval_g<P: Nlp>(
    n: Index,
    x: *mut Number,
    _new_x: Bool,
    m: Index,
    g: *mut Number,
    user_data: UserDataPtr,
) -> Bool {
    // SAFETY: Ipopt passes `x` with `n` entries and `g` with `m`, valid for the
    // call; `user_data` is ours.
    unsafe {
        let (x, out) = (numbers(x, len(n)), numbers_mut(g, len(m)));
        run::<P>(user_data, Some(|e| &mut e.constraints), |nlp, plan, _| {
            check_len("point", plan.inputs(), x.len())?;
            check_len("constraint output", plan.num_constraints(), out.len())?;
            out.fill(0.0);
            nlp.constraints(x, out);
            match out.iter().position(|v| !v.is_finite()) {
                Some(index) => Err(Error::NonFiniteOutput {
                    index,
                    value: out[index],
                }),
                None => Ok(()),
            }
        })
    }
}

/// `eval_grad_f`: the objective's gradient, from a recording of the objective
/// alone (the plan's `gradient_values` records the constraints too: at n = 10^4 on
/// Lukšan–Vlček, four times the cost).
pub(super) extern "C" fn eval_grad_f<P: Nlp>(
    n: Index,
    x: *mut Number,
    _new_x: Bool,
    grad_f: *mut Number,
    user_data: UserDataPtr,
) -> Bool {
    // SAFETY: Ipopt passes `x` and `grad_f` with `n` entries each, distinct and
    // valid for the call; `user_data` is ours.
    unsafe {
        let (x, out) = (numbers(x, len(n)), numbers_mut(grad_f, len(n)));
        run::<P>(user_data, Some(|e| &mut e.gradient), |nlp, plan, kept| {
            kept.gradient_values(plan, nlp, x, out).map(|_| ())
        })
    }
}

/// `eval_jac_g`: the Jacobian's structure (when `values` is null) or its values.
pub(super) extern "C" fn eval_jac_g<P: Nlp>(
    n: Index,
    x: *mut Number,
    _new_x: Bool,
    _m: Index,
    nele_jac: Index,
    i_row: *mut Index,
    j_col: *mut Index,
    values: *mut Number,
    user_data: UserDataPtr,
) -> Bool {
    if values.is_null() {
        // SAFETY: in structure mode Ipopt passes `iRow` and `jCol` with `nele_jac`
        // entries each; `user_data` is ours.
        return unsafe { structure::<P>(user_data, nele_jac, i_row, j_col, false) };
    }
    // SAFETY: in value mode Ipopt passes `x` with `n` entries and `values` with
    // `nele_jac`, valid for the call; `user_data` is ours.
    unsafe {
        let (x, out) = (numbers(x, len(n)), numbers_mut(values, len(nele_jac)));
        run::<P>(user_data, Some(|e| &mut e.jacobian), |nlp, plan, kept| {
            kept.jacobian_values(plan, nlp, x, out)
        })
    }
}

/// `eval_h`: the Lagrangian Hessian's lower triangle, structure (when `values` is
/// null) or values of `obj_factor f + sum_k lambda_k g_k`.
pub(super) extern "C" fn eval_h<P: Nlp>(
    n: Index,
    x: *mut Number,
    _new_x: Bool,
    obj_factor: Number,
    m: Index,
    lambda: *mut Number,
    _new_lambda: Bool,
    nele_hess: Index,
    i_row: *mut Index,
    j_col: *mut Index,
    values: *mut Number,
    user_data: UserDataPtr,
) -> Bool {
    if values.is_null() {
        // SAFETY: as in `eval_jac_g`.
        return unsafe { structure::<P>(user_data, nele_hess, i_row, j_col, true) };
    }
    // SAFETY: in value mode Ipopt passes `x` with `n` entries, `lambda` with `m`
    // and `values` with `nele_hess`, valid for the call; `user_data` is ours.
    unsafe {
        let x = numbers(x, len(n));
        let lambda = numbers(lambda, len(m));
        let out = numbers_mut(values, len(nele_hess));
        run::<P>(user_data, Some(|e| &mut e.hessian), |nlp, plan, kept| {
            kept.hessian_values(plan, nlp, x, (obj_factor, lambda), out)
        })
    }
}

/// Writes the Jacobian's (or the Hessian's lower triangle's) structure, 0-based.
/// Not timed (Ipopt asks once).
///
/// # Safety
/// Non-null `i_row` and `j_col` are valid for `nele` writes; `user_data` is ours.
unsafe fn structure<P: Nlp>(
    user_data: UserDataPtr,
    nele: Index,
    i_row: *mut Index,
    j_col: *mut Index,
    hessian: bool,
) -> Bool {
    // SAFETY: the caller's contract (a null pointer gives an empty slice, which the
    // length check below reports).
    let (rows_out, cols_out) =
        unsafe { (indices_mut(i_row, len(nele)), indices_mut(j_col, len(nele))) };
    // SAFETY: the caller's contract.
    unsafe {
        run::<P>(user_data, None, |_, plan, _| {
            let (rows, cols) = if hessian {
                plan.hessian_structure()
            } else {
                plan.jacobian_structure()
            };
            check_len("structure output", rows.len(), rows_out.len())?;
            check_len("structure output", rows.len(), cols_out.len())?;
            for (k, (&r, &c)) in rows.iter().zip(cols).enumerate() {
                // The plan's indices fit: `solve` checked n and m against Index.
                rows_out[k] = Index::try_from(r).unwrap_or(Index::MAX);
                cols_out[k] = Index::try_from(c).unwrap_or(Index::MAX);
            }
            Ok(())
        })
    }
}

/// `intermediate_callback`: counts iterations; stops Ipopt after a panic.
pub(super) extern "C" fn intermediate<P: Nlp>(
    _alg_mod: Index,
    iter_count: Index,
    _obj_value: Number,
    _inf_pr: Number,
    _inf_du: Number,
    _mu: Number,
    _d_norm: Number,
    _regularization_size: Number,
    _alpha_du: Number,
    _alpha_pr: Number,
    _ls_trials: Index,
    user_data: UserDataPtr,
) -> Bool {
    // SAFETY: as in `run`: the only reference to our context during the call.
    let ctx = unsafe { &mut *user_data.cast::<Context<'_, P>>() };
    ctx.iterations = len(iter_count);
    if ctx.panic.is_some() { FALSE } else { TRUE }
}
