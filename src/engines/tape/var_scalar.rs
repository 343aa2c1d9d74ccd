//! [`Var`] as a [`Scalar`]: the rule table's functions recorded as nodes, values
//! read out (an observation that makes the tape's program opaque), finiteness as
//! a guard, dot products as one n-ary node.

use super::super::node::Curvature;
use super::super::program::{Instr, Rule2, rule2};
use super::super::recorder::Tape;
use super::Var;
use crate::rules::{Binary, Unary};
use crate::scalar::Scalar;

impl<T: Scalar> Scalar for Var<T> {
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
        if let Some(mut p) = self.tape_quiet().and_then(Tape::program) {
            let a = self.slot;
            p.append(Instr::Finite { a, outcome });
        }
        outcome
    }
    /// Only a constant zero is zero: a variable's derivative parts live on the tape.
    #[inline]
    fn parts_zero(&self) -> bool {
        self.id == 0 && self.value.is_zero()
    }
    /// Records `f(a)` with local partials `f'(a)`, `f''(a)` from the rule table (only
    /// `f'` for a piecewise-linear `f`).
    #[inline]
    fn apply(self, f: Unary) -> Self {
        if self.id == 0 {
            return Var::constant(self.value.apply(f));
        }
        let [f0, f1, f2] = f.taylor(self.value);
        let Some(t) = self.tape() else {
            return Var::off_tape(self.id, f0);
        };
        let curved = !f.is_piecewise_linear();
        let (a, s) = (self.slot, self.scale);
        self.unary(t, f0, f1, f2, curved)
            .with_slot(t, f0, |_, dst| Instr::Unary {
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
        let Some(tape) = xs.iter().find_map(Var::tape) else {
            return Var::off_tape(xs.iter().map(|x| x.id).max().unwrap_or(0), value);
        };
        let coef = |(&c, x): (&f64, &Self)| x.scale * c;
        let slot = match tape.program() {
            Some(mut p) => {
                let items: Vec<u32> = xs.iter().map(|x| p.slot(x.arg())).collect();
                p.dot(&items, coeffs, value)
            }
            None => 0,
        };
        let index = if xs.iter().all(|x| x.id == tape.id()) {
            // Every term a variable (the common case): straight copies.
            let ops = xs.iter().map(|x| x.index);
            tape.push_nary(ops, coeffs.iter().zip(xs).map(coef))
        } else {
            let terms = || coeffs.iter().zip(xs).filter(|(_, x)| x.id == tape.id());
            tape.push_nary(terms().map(|(_, x)| x.index), terms().map(coef))
        };
        Var::at(tape, index, slot, value)
    }
    #[inline]
    fn apply2(self, f: Binary, other: Self) -> Self {
        if self.id == 0 && other.id == 0 {
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
