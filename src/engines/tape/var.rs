//! [`Var`]: the scalar that records every operation on a [`Tape`].

use super::node::{Curvature, Kind, Node};
use super::program::{Arg, Arith, Builder, Form, Instr, Rule2, rule2};
use super::recorder::Tape;
use crate::rules::{Binary, Unary};
use crate::scalar::Scalar;
use std::fmt;
use std::marker::PhantomData;

#[path = "var_ops.rs"]
mod ops;

/// A scalar that records the operations applied to it on a tape.
///
/// `Var<'t>` is tied to its tape by the invariant lifetime `'t`: it cannot outlive
/// the recording nor meet a variable of another tape (both are compile errors).
/// Constants (`Var::from_f64`) need no tape. Comparisons look at the value.
///
/// ```
/// use hyperhess::Scalar;
/// let rec = hyperhess::record(|x| x[0] * x[1].sin(), &[2.0, 0.0]).unwrap();
/// assert_eq!(rec.gradient().as_slice(), &[0.0, 2.0]);
/// ```
///
/// A variable cannot leave its recording:
///
/// ```compile_fail
/// use std::cell::{Cell, RefCell};
/// let leak = RefCell::new(None);
/// let _ = hyperhess::record(|x| { *leak.borrow_mut() = Some(x[0]); x[0] }, &[1.0]);
/// ```
///
/// nor meet a variable of another tape:
///
/// ```compile_fail
/// let _ = hyperhess::record(|x| {
///     let _ = hyperhess::record(|y| y[0] * x[0], &[1.0]);
///     x[0]
/// }, &[1.0]);
/// ```
#[derive(Clone, Copy)]
pub struct Var<'t, T = f64> {
    tape: Option<&'t Tape<T>>,
    index: u32,
    /// The value's slot in the tape's program (0 when it records none).
    slot: u32,
    value: T,
    /// The variable is `scale` times its node (plus a constant): `c x`, `-x`,
    /// `x / c` and `c - x` record no node, the scale is folded into the partials
    /// of the operation that uses the variable.
    scale: T,
    /// Makes `'t` invariant, so variables of two tapes never unify.
    brand: PhantomData<fn(&'t ()) -> &'t ()>,
}

impl<'t, T: Scalar> Var<'t, T> {
    /// Input `i` (node `i + 1`) of `tape`.
    pub(crate) fn input(tape: &'t Tape<T>, i: usize, value: T) -> Self {
        Var::at(tape, (i + 1) as u32, (i + 1) as u32, value)
    }

    #[inline]
    pub(crate) fn constant(value: T) -> Self {
        Var {
            tape: None,
            index: 0,
            slot: 0,
            value,
            scale: T::one(),
            brand: PhantomData,
        }
    }

    /// The index of this variable's node (0 for a constant).
    #[inline]
    pub(crate) fn index(&self) -> u32 {
        self.index
    }

    /// The factor between this variable's derivatives and its node's (1 unless
    /// constant factors were folded in).
    #[inline]
    pub(crate) fn scale(&self) -> T {
        self.scale
    }

    /// The value, read by the recording itself (not an observation by the
    /// function: see [`Var::base_value`]).
    #[inline]
    pub(crate) fn recorded_value(&self) -> T {
        self.value
    }

    /// The operand this variable is to a program: its slot, or its value when it
    /// is a constant.
    #[inline(always)]
    pub(super) fn arg(&self) -> Arg<T> {
        match self.tape {
            Some(_) => Arg::Slot(self.slot),
            None => Arg::Const(self.value),
        }
    }

    /// Marks the tape's program opaque: the function read this value out.
    #[inline]
    fn observed(&self) {
        if let Some(mut p) = self.tape.and_then(Tape::program) {
            p.observe();
        }
    }

    /// The recorded value (of the base type). Reading it inside the function makes
    /// the recording one that cannot be re-evaluated at other points (see
    /// `hyperhess::prepare`): the function could branch on it unseen.
    ///
    /// ```
    /// let rec = hyperhess::record(|x| {
    ///     assert_eq!(x[0].base_value(), 3.0);
    ///     x[0]
    /// }, &[3.0]).unwrap();
    /// # let _ = rec;
    /// ```
    #[inline]
    pub fn base_value(&self) -> T {
        self.observed();
        self.value
    }

    /// A variable on `tape` at node `index` with program slot `slot`.
    #[inline(always)]
    fn at(tape: &'t Tape<T>, index: u32, slot: u32, value: T) -> Self {
        Var {
            tape: Some(tape),
            index,
            slot,
            value,
            scale: T::one(),
            brand: PhantomData,
        }
    }

    /// The slot of `value = a op b` in `t`'s program (0 when it records none):
    /// a value of no node of its own.
    #[inline(always)]
    fn value_slot(t: &Tape<T>, op: Arith, a: Arg<T>, b: Arg<T>, value: T) -> u32 {
        match t.program() {
            Some(mut p) => {
                let (a, b) = (p.slot(a), p.slot(b));
                p.push(value, |dst| Instr::Value { op, dst, a, b })
            }
            None => 0,
        }
    }

    /// `value = x op y` where one of the two is this variable, the other a
    /// constant: this variable's node, scaled by `scale` (`x + c` and `x - c`
    /// have `x`'s derivatives, `c x` its scaled ones; nothing is recorded on the
    /// tape).
    #[inline(always)]
    fn derived(self, scale: T, value: T, op: Arith, x: Self, y: Self) -> Self {
        match self.tape {
            Some(t) => Var {
                value,
                scale,
                slot: Var::value_slot(t, op, x.arg(), y.arg(), value),
                ..self
            },
            None => Var::constant(value),
        }
    }

    /// This variable's node with another value, `self op c` (`x + c`, `x - c`).
    #[inline(always)]
    fn shifted(self, op: Arith, c: Self, value: T) -> Self {
        self.derived(self.scale, value, op, self, c)
    }

    /// Records the linear node `value = sa a + sb b` of two variables' nodes
    /// (`x op y`): a plain [`Kind::Add`] or [`Kind::Sub`] for unit scales, else
    /// [`Kind::Linear`].
    #[inline(always)]
    fn linear(t: &'t Tape<T>, op: Arith, x: Self, y: Self, sb: T, value: T) -> Self {
        let (a, sa, b) = (x.index, x.scale, y.index);
        let (index, skip) = if is_one(sa) && is_one(sb) {
            (t.push(Node::add(a, b), []), 0)
        } else if is_one(sa) && is_one(-sb) {
            (t.push(Node::sub(a, b), []), 0)
        } else {
            let node = Node::new(Kind::Linear, a, b, Curvature::LINEAR);
            (t.push(node, [sa, sb]), 2)
        };
        let slot = match t.program() {
            Some(mut p) => {
                let (a, b) = (x.slot, y.slot);
                p.push(value, |dst| Instr::Linear {
                    op,
                    dst,
                    a,
                    b,
                    skip,
                })
            }
            None => 0,
        };
        Var::at(t, index, slot, value)
    }

    /// `value = self + other`: a linear node when both are variables; with a
    /// constant, the variable's node.
    #[inline(always)]
    fn plus(self, other: Self, value: T) -> Self {
        match (self.tape, other.tape) {
            (Some(t), Some(_)) => Var::linear(t, Arith::Add, self, other, other.scale, value),
            (Some(_), None) => self.shifted(Arith::Add, other, value),
            (None, Some(_)) => other.derived(other.scale, value, Arith::Add, self, other),
            (None, None) => Var::constant(value),
        }
    }

    /// `value = self - other`: a linear node when both are variables; with a
    /// constant, the variable's node (negated for `c - x`).
    #[inline(always)]
    fn minus(self, other: Self, value: T) -> Self {
        match (self.tape, other.tape) {
            (Some(t), Some(_)) => Var::linear(t, Arith::Sub, self, other, -other.scale, value),
            (Some(_), None) => self.shifted(Arith::Sub, other, value),
            (None, Some(_)) => other.derived(-other.scale, value, Arith::Sub, self, other),
            (None, None) => Var::constant(value),
        }
    }

    /// Records `value = phi(self)` with partials `d`, `dd` (of `phi` at the
    /// variable's value; the scale is folded in here): a [`Kind::Unary`] node when
    /// `curved`, else [`Kind::Scale`] (one partial).
    #[inline(always)]
    fn unary(self, value: T, d: T, dd: T, curved: bool) -> Self {
        let Some(t) = self.tape else {
            return Var::constant(value);
        };
        let s = self.scale;
        let index = if curved {
            t.push(Node::unary(self.index, true), [d * s, dd * s * s])
        } else {
            t.push(Node::unary(self.index, false), [d * s])
        };
        Var::at(t, index, 0, value)
    }

    /// The result's slot: `make` builds its instruction from the new slot (0 when
    /// the tape records no program).
    #[inline(always)]
    fn with_slot(mut self, value: T, make: impl FnOnce(&mut Builder<T>, u32) -> Instr<T>) -> Self {
        if let Some(mut p) = self.tape.and_then(Tape::program) {
            let p = &mut *p;
            let dst = p.fresh_slot(value);
            let instr = make(p, dst);
            p.append(instr);
            self.slot = dst;
        }
        self
    }

    /// Records `value = phi(self, other)` with partials `[da, db, daa, dab, dbb]`
    /// (scales folded in here): a [`Kind::Binary`] node when both are variables, a
    /// unary one on the variable when the other is a constant.
    #[inline(always)]
    fn binary(self, other: Self, rule: Rule2, p: (T, [T; 5]), curvature: Curvature) -> Self {
        let (value, p) = p;
        let (sa, sb) = (self.scale, other.scale);
        let instr = |form, curved| {
            move |b: &mut Builder<T>, dst| Instr::Binary {
                dst,
                a: b.slot(self.arg()),
                b: b.slot(other.arg()),
                rule,
                form,
                sa,
                sb,
                curved,
            }
        };
        let t = match (self.tape, other.tape) {
            (Some(t), Some(_)) => t,
            (Some(_), None) => {
                return self
                    .unary(value, p[0], p[2], curvature.aa)
                    .with_slot(value, instr(Form::OnlyA, curvature.aa));
            }
            (None, Some(_)) => {
                return other
                    .unary(value, p[1], p[4], curvature.bb)
                    .with_slot(value, instr(Form::OnlyB, curvature.bb));
            }
            (None, None) => return Var::constant(value),
        };
        let (sa, sb) = (self.scale, other.scale);
        let p = [
            p[0] * sa,
            p[1] * sb,
            p[2] * sa * sa,
            p[3] * sa * sb,
            p[4] * sb * sb,
        ];
        let node = Node::new(Kind::Binary, self.index, other.index, curvature);
        Var::at(t, t.push(node, p), 0, value).with_slot(value, instr(Form::Both, true))
    }
}

/// `s == 1` exactly, in every part (the comparison operators look at the value
/// only).
#[inline(always)]
fn is_one<T: Scalar>(s: T) -> bool {
    (s - T::one()).is_zero()
}

impl<T: Scalar> Scalar for Var<'_, T> {
    #[inline]
    fn from_f64(c: f64) -> Self {
        Var::constant(T::from_f64(c))
    }
    #[inline]
    /// Reading the value out makes the recording one that cannot be re-evaluated
    /// at other points (see [`Var::base_value`]).
    fn value(&self) -> f64 {
        self.observed();
        self.value.value()
    }
    /// Recorded as a guard of the program, when the tape records one.
    #[inline]
    fn is_finite(&self) -> bool {
        let outcome = self.value.is_finite();
        if let Some(mut p) = self.tape.and_then(Tape::program) {
            let a = self.slot;
            p.append(Instr::Finite { a, outcome });
        }
        outcome
    }
    /// Only a constant zero is zero: a variable's derivative parts live on the tape.
    #[inline]
    fn is_zero(&self) -> bool {
        self.tape.is_none() && self.value.is_zero()
    }
    /// Records `f(a)` with local partials `f'(a)`, `f''(a)` from the rule table (only
    /// `f'` for a piecewise-linear `f`).
    #[inline]
    fn apply(self, f: Unary) -> Self {
        if self.tape.is_none() {
            return Var::constant(self.value.apply(f));
        }
        let [f0, f1, f2] = f.taylor(self.value);
        let curved = !f.is_piecewise_linear();
        let (a, s) = (self.slot, self.scale);
        self.unary(f0, f1, f2, curved)
            .with_slot(f0, |_, dst| Instr::Unary {
                dst,
                a,
                f,
                s,
                curved,
            })
    }
    /// One n-ary linear node for the whole dot product (its value as the default
    /// method computes it, term by term in order).
    fn dot_const(coeffs: &[f64], xs: &[Self]) -> Self {
        let (coeffs, xs) = (
            &coeffs[..coeffs.len().min(xs.len())],
            &xs[..coeffs.len().min(xs.len())],
        );
        let Some((&c0, x0)) = coeffs.first().zip(xs.first()) else {
            return Var::constant(T::zero());
        };
        let mut value = x0.value * c0;
        for (&c, x) in coeffs.iter().zip(xs).skip(1) {
            value += x.value * c;
        }
        let Some(tape) = xs.iter().find_map(|x| x.tape) else {
            return Var::constant(value);
        };
        let coef = |(&c, x): (&f64, &Self)| x.scale * c;
        let slot = match tape.program() {
            Some(mut p) => {
                let items: Vec<u32> = xs.iter().map(|x| p.slot(x.arg())).collect();
                p.dot(&items, coeffs, value)
            }
            None => 0,
        };
        let index = if xs.iter().all(|x| x.tape.is_some()) {
            // Every term a variable (the common case): straight copies.
            let ops = xs.iter().map(|x| x.index);
            tape.push_nary(ops, coeffs.iter().zip(xs).map(coef))
        } else {
            let terms = || coeffs.iter().zip(xs).filter(|(_, x)| x.tape.is_some());
            tape.push_nary(terms().map(|(_, x)| x.index), terms().map(coef))
        };
        Var::at(tape, index, slot, value)
    }
    #[inline]
    fn apply2(self, f: Binary, other: Self) -> Self {
        if self.tape.is_none() && other.tape.is_none() {
            return Var::constant(self.value.apply2(f, other.value));
        }
        let rule = Rule2::Table(f);
        let curved = Curvature {
            aa: true,
            ab: true,
            bb: true,
        };
        self.binary(other, rule, rule2(rule, self.value, other.value), curved)
    }
}

impl<T: Scalar> fmt::Display for Var<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.value, f)
    }
}

impl<T: Scalar> fmt::Debug for Var<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Var")
            .field("index", &self.index)
            .field("value", &self.value)
            .finish()
    }
}
