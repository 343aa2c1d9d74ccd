//! [`Var`]'s operators: `+ - * /` (with variables, constants and `f64`), `Sum`
//! (one n-ary node), and the comparisons (by value; guards of the tape's program).

use super::super::active;
use super::super::node::{Curvature, Kind, Node};
use super::super::program::{Arith, Instr, Rule2, div_rule};
use super::super::recorder::Tape;
use super::{Var, is_one};
use crate::number_ops::impl_number_ops;
use crate::scalar::Scalar;
use std::iter::Sum;
use std::ops::{Add, Div, Mul, Neg, Sub};

impl<T: Scalar> Add for Var<T> {
    type Output = Self;
    #[inline(always)]
    fn add(self, rhs: Self) -> Self {
        self.plus(rhs, self.value + rhs.value)
    }
}
impl<T: Scalar> Sub for Var<T> {
    type Output = Self;
    #[inline(always)]
    fn sub(self, rhs: Self) -> Self {
        self.minus(rhs, self.value - rhs.value)
    }
}
impl<T: Scalar> Mul for Var<T> {
    type Output = Self;
    /// Partials `(b, a)`, cross partial 1 (times the scales; with a constant, the
    /// other's scale times it).
    #[inline(always)]
    fn mul(self, rhs: Self) -> Self {
        let value = self.value * rhs.value;
        let (x, y) = (self, rhs);
        let t = match self.tapes(&rhs) {
            (Some(t), Some(_)) => t,
            (Some(t), None) => {
                return self.derived_on(Some(t), self.scale * rhs.value, value, Arith::Mul, x, y);
            }
            (None, Some(t)) => {
                return rhs.derived_on(Some(t), rhs.scale * self.value, value, Arith::Mul, x, y);
            }
            (None, None) => return Var::off_tape(self.id.max(rhs.id), value),
        };
        let (sa, sb) = (self.scale, rhs.scale);
        let (a, b) = (self.index, rhs.index);
        let sab = sa * sb;
        let scaled = !is_one(sab);
        let index = if !scaled {
            t.push(Node::mul(a, b), [rhs.value * sa, self.value * sb])
        } else {
            let c = Curvature {
                ab: true,
                ..Curvature::LINEAR
            };
            let p = [rhs.value * sa, self.value * sb, sab];
            t.push(Node::new(Kind::MulScaled, a, b, c), p)
        };
        let (a, b) = (self.slot, rhs.slot);
        Var::on(self.id, index, 0, value).with_slot(t, value, |_, dst| Instr::Mul {
            dst,
            a,
            b,
            sa,
            sb,
            scaled,
        })
    }
}
impl<T: Scalar> Div for Var<T> {
    type Output = Self;
    /// `q = a / b`: partials `(1/b, -q/b)`, `(0, -1/b², 2q/b²)`.
    #[inline(always)]
    fn div(self, rhs: Self) -> Self {
        if rhs.id == 0 {
            let q = self.value / rhs.value;
            let scale = self.scale * rhs.value.recip();
            return self.derived(scale, q, Arith::Div, self, rhs);
        }
        let curvature = Curvature {
            ab: true,
            bb: true,
            ..Curvature::LINEAR
        };
        let p = div_rule(self.value, rhs.value);
        self.binary(rhs, Rule2::Div, p, curvature)
    }
}
impl<T: Scalar> Neg for Var<T> {
    type Output = Self;
    /// The negated scale: nothing recorded.
    #[inline]
    fn neg(self) -> Self {
        match self.tape() {
            Some(t) => {
                let value = -self.value;
                let slot = match t.program() {
                    Some(mut p) => {
                        let a = self.slot;
                        p.push(value, |dst| Instr::Neg { dst, a })
                    }
                    None => 0,
                };
                Var {
                    value,
                    scale: -self.scale,
                    slot,
                    ..self
                }
            }
            None => Var::off_tape(self.id, -self.value),
        }
    }
}
impl<T: Scalar> Add<f64> for Var<T> {
    type Output = Self;
    #[inline]
    fn add(self, c: f64) -> Self {
        self.shifted(Arith::Add, Var::from_f64(c), self.value + c)
    }
}
impl<T: Scalar> Sub<f64> for Var<T> {
    type Output = Self;
    #[inline]
    fn sub(self, c: f64) -> Self {
        self.shifted(Arith::Sub, Var::from_f64(c), self.value - c)
    }
}
impl<T: Scalar> Mul<f64> for Var<T> {
    type Output = Self;
    #[inline]
    fn mul(self, c: f64) -> Self {
        let scale = self.scale * T::from_f64(c);
        self.derived(scale, self.value * c, Arith::Mul, self, Var::from_f64(c))
    }
}
impl<T: Scalar> Div<f64> for Var<T> {
    type Output = Self;
    #[inline]
    fn div(self, c: f64) -> Self {
        let scale = self.scale * T::from_f64(c.recip());
        self.derived(scale, self.value / c, Arith::Div, self, Var::from_f64(c))
    }
}

impl_number_ops!(@arithmetic [T: Scalar] Var<T>);

impl<T: Scalar> Var<T> {
    /// Records the outcome of comparing `self` with `other` (by value) as a guard
    /// of the tape's program, when one of them is a variable of a tape recording
    /// one.
    #[inline]
    fn guard(&self, other: &Self, make: impl FnOnce(u32, u32) -> Instr<T>) {
        let (a, b) = (self.tape_quiet(), other.tape_quiet());
        let mixed = matches!((a, b), (Some(x), Some(y)) if !std::ptr::eq(x, y));
        if mixed || (self.id != 0 && a.is_none()) || (other.id != 0 && b.is_none()) {
            // A foreign variable (or one of another active recording) steers a
            // branch of the recordings active here: they are marked (nothing
            // process-wide: no derivative comes of a comparison).
            active::mark_active();
            return;
        }
        if let Some(mut p) = a.or(b).and_then(Tape::program) {
            let (a, b) = (p.slot(self.arg()), p.slot(other.arg()));
            p.append(make(a, b));
        }
    }
}

/// Comparisons look at the values; on a tape recording a program, each is a guard
/// (see `hyperhess::prepare`).
impl<T: Scalar> PartialEq for Var<T> {
    #[inline]
    fn eq(&self, other: &Self) -> bool {
        let outcome = self.value.value() == other.value.value();
        self.guard(other, |a, b| Instr::Equal { a, b, outcome });
        outcome
    }
}
impl<T: Scalar> PartialOrd for Var<T> {
    #[inline]
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        let outcome = self.value.value().partial_cmp(&other.value.value());
        self.guard(other, |a, b| Instr::Compare { a, b, outcome });
        outcome
    }
}
impl<T: Scalar> PartialEq<f64> for Var<T> {
    #[inline]
    fn eq(&self, other: &f64) -> bool {
        *self == Var::from_f64(*other)
    }
}
impl<T: Scalar> PartialOrd<f64> for Var<T> {
    #[inline]
    fn partial_cmp(&self, other: &f64) -> Option<std::cmp::Ordering> {
        self.partial_cmp(&Var::from_f64(*other))
    }
}
impl<T: Scalar> PartialEq<Var<T>> for f64 {
    #[inline]
    fn eq(&self, other: &Var<T>) -> bool {
        Var::from_f64(*self) == *other
    }
}
impl<T: Scalar> PartialOrd<Var<T>> for f64 {
    #[inline]
    fn partial_cmp(&self, other: &Var<T>) -> Option<std::cmp::Ordering> {
        Var::from_f64(*self).partial_cmp(other)
    }
}

impl<T: Scalar> Sum for Var<T> {
    /// One n-ary linear node for a sum of three or more items with a variable
    /// among them (two items: one `+`; one item: itself). The value is the left
    /// fold of the items' values, as `a + b + c + ...` computes it.
    fn sum<I: Iterator<Item = Self>>(mut iter: I) -> Self {
        let Some(first) = iter.next() else {
            return Var::constant(T::zero());
        };
        // This sum's operands start at `start` on the tape's scratch stack (items
        // that record sums of their own push above it and pop back to it), and
        // its items' slots at `pending` on the program's stack (when it records
        // one: the constants before the first variable as one prefix value).
        let (mut start, mut pending) = (0, 0);
        let first_tape = first.tape();
        if let Some(t) = first_tape {
            start = t.scratch_push(first.index, first.scale);
            if let Some(mut p) = t.program() {
                pending = p.pending_push(first.slot);
            }
        }
        let init = (first.value, first, 1usize, first_tape, first.id);
        let (value, last, items, tape, id) = iter.fold(init, |(value, _, items, tape, id), x| {
            let tape = match (x.tape(), tape) {
                (Some(t), tape) => {
                    if let Some(t0) = tape
                        && !std::ptr::eq(t0, t)
                    {
                        // Variables of two active recordings: both are marked.
                        active::mark_active();
                    }
                    let at = t.scratch_push(x.index, x.scale);
                    if let Some(mut p) = t.program() {
                        if tape.is_none() {
                            // The constants so far, folded: one item.
                            let prefix = p.fresh_slot(value);
                            pending = p.pending_push(prefix);
                        }
                        p.pending_push(x.slot);
                    }
                    if tape.is_none() {
                        start = at;
                    }
                    Some(t)
                }
                (None, Some(t)) => {
                    if let Some(mut p) = t.program() {
                        let c = p.fresh_slot(x.value);
                        p.pending_push(c);
                    }
                    Some(t)
                }
                (None, None) => None,
            };
            (value + x.value, x, items + 1, tape, id.max(x.id))
        });
        let Some(t) = tape else {
            return Var::off_tape(id, value);
        };
        if items <= 2 {
            t.scratch.borrow_mut().truncate(start);
            if let Some(mut p) = t.program() {
                p.pending_truncate(pending);
            }
            return if items == 1 { first } else { first + last };
        }
        let index = {
            let mut scratch = t.scratch.borrow_mut();
            let terms = &scratch[start..];
            let index = t.push_nary(terms.iter().map(|t| t.0), terms.iter().map(|t| t.1));
            scratch.truncate(start);
            index
        };
        let slot = match t.program() {
            Some(mut p) => p.sum(pending, value),
            None => 0,
        };
        Var::at(t, index, slot, value)
    }
}
