//! Ipopt's C interface (`IpStdCInterface.h` of Ipopt 3.11, as Debian's
//! coinor-libipopt-dev ships it): the types, the callback signatures and the seven
//! functions this adapter calls. Nothing else in the crate declares a foreign item.
//!
//! The header's types: `Number` is `double`, `Index`, `Int` and `Bool` are `int`;
//! `IpoptProblem` is an opaque pointer; `ApplicationReturnStatus` is a C enum
//! (an `int`).

use std::ffi::{c_char, c_void};

/// `Number`.
pub(super) type Number = f64;
/// `Index` (and `Int`).
pub(super) type Index = i32;
/// `Bool`: `TRUE` is 1, `FALSE` is 0.
pub(super) type Bool = i32;
/// `TRUE`.
pub(super) const TRUE: Bool = 1;
/// `FALSE`.
pub(super) const FALSE: Bool = 0;

/// `struct IpoptProblemInfo`, only ever behind a pointer.
#[repr(C)]
pub(super) struct IpoptProblemInfo {
    _private: [u8; 0],
}
/// `IpoptProblem`.
pub(super) type IpoptProblem = *mut IpoptProblemInfo;
/// `UserDataPtr`.
pub(super) type UserDataPtr = *mut c_void;

/// `Eval_F_CB`.
pub(super) type EvalF = extern "C" fn(Index, *mut Number, Bool, *mut Number, UserDataPtr) -> Bool;
/// `Eval_Grad_F_CB`.
pub(super) type EvalGradF =
    extern "C" fn(Index, *mut Number, Bool, *mut Number, UserDataPtr) -> Bool;
/// `Eval_G_CB`.
pub(super) type EvalG =
    extern "C" fn(Index, *mut Number, Bool, Index, *mut Number, UserDataPtr) -> Bool;
/// `Eval_Jac_G_CB`: `(n, x, new_x, m, nele_jac, iRow, jCol, values, user_data)`.
pub(super) type EvalJacG = extern "C" fn(
    Index,
    *mut Number,
    Bool,
    Index,
    Index,
    *mut Index,
    *mut Index,
    *mut Number,
    UserDataPtr,
) -> Bool;
/// `Eval_H_CB`: `(n, x, new_x, obj_factor, m, lambda, new_lambda, nele_hess, iRow,
/// jCol, values, user_data)`.
pub(super) type EvalH = extern "C" fn(
    Index,
    *mut Number,
    Bool,
    Number,
    Index,
    *mut Number,
    Bool,
    Index,
    *mut Index,
    *mut Index,
    *mut Number,
    UserDataPtr,
) -> Bool;
/// `Intermediate_CB`: `(alg_mod, iter_count, obj_value, inf_pr, inf_du, mu, d_norm,
/// regularization_size, alpha_du, alpha_pr, ls_trials, user_data)`.
pub(super) type Intermediate = extern "C" fn(
    Index,
    Index,
    Number,
    Number,
    Number,
    Number,
    Number,
    Number,
    Number,
    Number,
    Index,
    UserDataPtr,
) -> Bool;

#[link(name = "ipopt")]
unsafe extern "C" {
    /// Copies the bounds; returns null on bad input.
    pub(super) fn CreateIpoptProblem(
        n: Index,
        x_l: *mut Number,
        x_u: *mut Number,
        m: Index,
        g_l: *mut Number,
        g_u: *mut Number,
        nele_jac: Index,
        nele_hess: Index,
        index_style: Index,
        eval_f: EvalF,
        eval_g: EvalG,
        eval_grad_f: EvalGradF,
        eval_jac_g: EvalJacG,
        eval_h: EvalH,
    ) -> IpoptProblem;
    pub(super) fn FreeIpoptProblem(problem: IpoptProblem);
    /// Returns `FALSE` for an unknown keyword or a bad value.
    pub(super) fn AddIpoptStrOption(
        problem: IpoptProblem,
        keyword: *mut c_char,
        val: *mut c_char,
    ) -> Bool;
    pub(super) fn AddIpoptNumOption(
        problem: IpoptProblem,
        keyword: *mut c_char,
        val: Number,
    ) -> Bool;
    pub(super) fn AddIpoptIntOption(
        problem: IpoptProblem,
        keyword: *mut c_char,
        val: Index,
    ) -> Bool;
    pub(super) fn SetIntermediateCallback(
        problem: IpoptProblem,
        intermediate_cb: Intermediate,
    ) -> Bool;
    /// Returns an `ApplicationReturnStatus`.
    pub(super) fn IpoptSolve(
        problem: IpoptProblem,
        x: *mut Number,
        g: *mut Number,
        obj_val: *mut Number,
        mult_g: *mut Number,
        mult_x_l: *mut Number,
        mult_x_u: *mut Number,
        user_data: UserDataPtr,
    ) -> i32;
}
