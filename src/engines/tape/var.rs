//! [`Var`]: the scalar that records every operation on a [`Tape`].

use super::active;
use super::node::{Curvature, Kind, Node};
use super::program::{Arg, Arith, Builder, Form, Instr, Rule2};
use super::recorder::Tape;
use crate::scalar::Scalar;
use std::fmt;

#[path = "var_ops.rs"]
mod ops;
#[path = "var_scalar.rs"]
mod scalar_impl;

/// A scalar that records the operations applied to it on a tape.
///
/// `Var<T>` is `'static`, `Send` and `Sync`: nalgebra holds it (`Vector3<Var>`,
/// `Matrix3<Var>`), and drivers nest (a driver inside a recorded function). It
/// finds its tape through its recording's id among the recordings active on this
/// thread (innermost first). Constants (`Var::from_f64`) need no tape.
/// Comparisons look at the value.
///
/// ```
/// use hyperhess::Scalar;
/// let rec = hyperhess::record(|x| x[0] * x[1].sin(), &[2.0, 0.0]).unwrap();
/// assert_eq!(rec.gradient().as_slice(), &[0.0, 2.0]);
/// ```
///
/// A variable used outside its recording (kept after the recording ended, sent
/// to another thread, or met by another recording of the same number type) is
/// *foreign*: the recording that meets it, and every recording active on that
/// thread, return [`Error::ForeignVariable`](crate::error::Error::ForeignVariable)
/// instead of derivatives (a compile error when `Var` carried a lifetime; now a
/// typed error, never a panic and never a wrong derivative):
///
/// ```
/// use std::cell::RefCell;
/// use hyperhess::{Error, Var};
/// let leak: RefCell<Option<Var>> = RefCell::new(None);
/// let _ = hyperhess::record(|x| { *leak.borrow_mut() = Some(x[0]); x[0] }, &[1.0]);
/// let kept = leak.borrow().unwrap();
/// let r = hyperhess::gradient(|y| y[0] * kept, &[2.0]);
/// assert!(matches!(r, Err(Error::ForeignVariable)));
/// ```
#[derive(Clone, Copy)]
pub struct Var<T = f64> {
    /// The recording's id (0 for a constant): its tape is found through it
    /// (`active`).
    id: u64,
    index: u32,
    /// The value's slot in the tape's program (0 when it records none).
    slot: u32,
    value: T,
    /// The variable is `scale` times its node (plus a constant): `c x`, `-x`,
    /// `x / c` and `c - x` record no node, the scale is folded into the partials
    /// of the operation that uses the variable.
    scale: T,
}

impl<T: Scalar> Var<T> {
    /// Input `i` (node `i + 1`) of `tape`.
    pub(crate) fn input(tape: &Tape<T>, i: usize, value: T) -> Self {
        Var::at(tape, (i + 1) as u32, (i + 1) as u32, value)
    }

    #[inline]
    pub(crate) fn constant(value: T) -> Self {
        Var {
            id: 0,
            index: 0,
            slot: 0,
            value,
            scale: T::one(),
        }
    }

    /// The index of this variable's node, read off a recording's output while its
    /// recording is active: 0 for a constant; a variable of another recording
    /// marks the active recordings (`active`) and gives 0.
    #[inline]
    pub(crate) fn output_index(&self) -> u32 {
        if self.id != 0 && self.id != active::top_id() {
            active::mark_active();
            return 0;
        }
        self.index
    }

    /// This variable's tape: `None` for a constant, and for a foreign variable
    /// (its recording is not active on this thread; meeting one marks the active
    /// recordings, see `active`).
    #[inline(always)]
    fn tape<'a>(&self) -> Option<&'a Tape<T>> {
        if self.id == 0 {
            None
        } else {
            active::find::<Tape<T>>(self.id)
        }
    }

    /// This variable's tape for a read that records no derivative (a value read
    /// out, a guard): `None` for a constant or a foreign variable, nothing marked.
    #[inline(always)]
    fn tape_quiet<'a>(&self) -> Option<&'a Tape<T>> {
        if self.id == 0 {
            None
        } else {
            active::find_quiet::<Tape<T>>(self.id)
        }
    }

    /// The tapes of two operands ([`Var::tape`]); variables of two different
    /// active recordings in one operation mark the active recordings.
    #[inline(always)]
    fn tapes<'a>(&self, other: &Self) -> (Option<&'a Tape<T>>, Option<&'a Tape<T>>) {
        if self.id == other.id {
            let t = self.tape();
            return (t, t);
        }
        let (a, b) = (self.tape(), other.tape());
        if a.is_some() && b.is_some() {
            active::mark_active();
        }
        (a, b)
    }

    /// A value computed off every active tape: a constant for `id` 0, else a
    /// foreign variable of recording `id` (it stays foreign wherever it goes).
    #[inline]
    fn off_tape(id: u64, value: T) -> Self {
        Var {
            id,
            index: 0,
            slot: 0,
            value,
            scale: T::one(),
        }
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
        if self.id == 0 {
            Arg::Const(self.value)
        } else {
            Arg::Slot(self.slot)
        }
    }

    /// Marks the tape's program opaque: the function read this value out.
    #[inline]
    fn observed(&self) {
        if let Some(mut p) = self.tape_quiet().and_then(Tape::program) {
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
    fn at(tape: &Tape<T>, index: u32, slot: u32, value: T) -> Self {
        Var::on(tape.id(), index, slot, value)
    }

    /// A variable of recording `id` at node `index` with program slot `slot` (the
    /// id of the operand whose tape recorded the node: no read of the tape).
    #[inline(always)]
    fn on(id: u64, index: u32, slot: u32, value: T) -> Self {
        Var {
            id,
            index,
            slot,
            value,
            scale: T::one(),
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
        self.derived_on(self.tape(), scale, value, op, x, y)
    }

    /// [`Var::derived`] with this variable's tape `t` already found.
    #[inline(always)]
    fn derived_on(
        self,
        t: Option<&Tape<T>>,
        scale: T,
        value: T,
        op: Arith,
        x: Self,
        y: Self,
    ) -> Self {
        match t {
            Some(t) => Var {
                value,
                scale,
                slot: Var::value_slot(t, op, x.arg(), y.arg(), value),
                ..self
            },
            None => Var::off_tape(self.id, value),
        }
    }

    /// This variable's node with another value, `self op c` (`x + c`, `x - c`).
    #[inline(always)]
    fn shifted(self, op: Arith, c: Self, value: T) -> Self {
        self.derived(self.scale, value, op, self, c)
    }

    /// [`Var::shifted`] with this variable's tape `t` already found.
    #[inline(always)]
    fn shifted_on(self, t: &Tape<T>, op: Arith, c: Self, value: T) -> Self {
        self.derived_on(Some(t), self.scale, value, op, self, c)
    }

    /// Records the linear node `value = sa a + sb b` of two variables' nodes
    /// (`x op y`): a plain [`Kind::Add`] or [`Kind::Sub`] for unit scales, else
    /// [`Kind::Linear`].
    #[inline(always)]
    fn linear(t: &Tape<T>, op: Arith, x: Self, y: Self, sb: T, value: T) -> Self {
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
        Var::on(x.id, index, slot, value)
    }

    /// `value = self + other`: a linear node when both are variables; with a
    /// constant, the variable's node.
    #[inline(always)]
    fn plus(self, other: Self, value: T) -> Self {
        match self.tapes(&other) {
            (Some(t), Some(_)) => Var::linear(t, Arith::Add, self, other, other.scale, value),
            (Some(t), None) => self.shifted_on(t, Arith::Add, other, value),
            (None, Some(t)) => {
                other.derived_on(Some(t), other.scale, value, Arith::Add, self, other)
            }
            (None, None) => Var::off_tape(self.id.max(other.id), value),
        }
    }

    /// `value = self - other`: a linear node when both are variables; with a
    /// constant, the variable's node (negated for `c - x`).
    #[inline(always)]
    fn minus(self, other: Self, value: T) -> Self {
        match self.tapes(&other) {
            (Some(t), Some(_)) => Var::linear(t, Arith::Sub, self, other, -other.scale, value),
            (Some(t), None) => self.shifted_on(t, Arith::Sub, other, value),
            (None, Some(t)) => {
                other.derived_on(Some(t), -other.scale, value, Arith::Sub, self, other)
            }
            (None, None) => Var::off_tape(self.id.max(other.id), value),
        }
    }

    /// Records `value = phi(self)` with partials `d`, `dd` (of `phi` at the
    /// variable's value; the scale is folded in here): a [`Kind::Unary`] node when
    /// `curved`, else [`Kind::Scale`] (one partial).
    #[inline(always)]
    fn unary(self, t: &Tape<T>, value: T, d: T, dd: T, curved: bool) -> Self {
        let s = self.scale;
        let index = if curved {
            t.push(Node::unary(self.index, true), [d * s, dd * s * s])
        } else {
            t.push(Node::unary(self.index, false), [d * s])
        };
        Var::on(self.id, index, 0, value)
    }

    /// The result's slot: `make` builds its instruction from the new slot (0 when
    /// the tape records no program).
    #[inline(always)]
    fn with_slot(
        mut self,
        t: &Tape<T>,
        value: T,
        make: impl FnOnce(&mut Builder<T>, u32) -> Instr<T>,
    ) -> Self {
        if let Some(mut p) = t.program() {
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
        let t = match self.tapes(&other) {
            (Some(t), Some(_)) => t,
            (Some(t), None) => {
                return self.unary(t, value, p[0], p[2], curvature.aa).with_slot(
                    t,
                    value,
                    instr(Form::OnlyA, curvature.aa),
                );
            }
            (None, Some(t)) => {
                return other.unary(t, value, p[1], p[4], curvature.bb).with_slot(
                    t,
                    value,
                    instr(Form::OnlyB, curvature.bb),
                );
            }
            (None, None) => return Var::off_tape(self.id.max(other.id), value),
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
        Var::on(self.id, t.push(node, p), 0, value).with_slot(t, value, instr(Form::Both, true))
    }
}

/// `s == 1` exactly, in every part (the comparison operators look at the value
/// only).
#[inline(always)]
fn is_one<T: Scalar>(s: T) -> bool {
    (s - T::one()).is_zero()
}

impl<T: Scalar> fmt::Display for Var<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.value, f)
    }
}

impl<T: Scalar> fmt::Debug for Var<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Var")
            .field("index", &self.index)
            .field("value", &self.value)
            .finish()
    }
}
