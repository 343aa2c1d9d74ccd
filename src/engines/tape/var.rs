//! [`Var`]: the scalar that records every operation on a [`Tape`].

use super::node::{Curvature, Kind, Node};
use super::recorder::Tape;
use crate::number_ops::impl_number_ops;
use crate::rules::{Binary, Unary};
use crate::scalar::Scalar;
use std::fmt;
use std::iter::Sum;
use std::marker::PhantomData;
use std::ops::{Add, Div, Mul, Neg, Sub};

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
        Var::at(tape, (i + 1) as u32, value)
    }

    #[inline]
    pub(crate) fn constant(value: T) -> Self {
        Var {
            tape: None,
            index: 0,
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

    /// The recorded value (of the base type).
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
        self.value
    }

    /// A variable on `tape` at node `index`.
    #[inline(always)]
    fn at(tape: &'t Tape<T>, index: u32, value: T) -> Self {
        Var {
            tape: Some(tape),
            index,
            value,
            scale: T::one(),
            brand: PhantomData,
        }
    }

    /// This variable's node with another value: `x + c` and `x - c` have `x`'s
    /// derivatives, so they record nothing.
    #[inline(always)]
    fn shifted(self, value: T) -> Self {
        Var { value, ..self }
    }

    /// This variable's node times `c` (folded into the scale: nothing recorded).
    #[inline(always)]
    fn times(self, c: T, value: T) -> Self {
        match self.tape {
            Some(_) => Var {
                value,
                scale: self.scale * c,
                ..self
            },
            None => Var::constant(value),
        }
    }

    /// Records the linear node `value = sa a + sb b` of two variables' nodes: a
    /// plain [`Kind::Add`] or [`Kind::Sub`] for unit scales, else [`Kind::Linear`].
    #[inline(always)]
    fn linear(t: &'t Tape<T>, a: u32, sa: T, b: u32, sb: T, value: T) -> Self {
        let index = if is_one(sa) && is_one(sb) {
            t.push(Node::add(a, b), [])
        } else if is_one(sa) && is_one(-sb) {
            t.push(Node::sub(a, b), [])
        } else {
            t.push(Node::new(Kind::Linear, a, b, Curvature::LINEAR), [sa, sb])
        };
        Var::at(t, index, value)
    }

    /// `value = self + other`: a linear node when both are variables; with a
    /// constant, the variable's node.
    #[inline(always)]
    fn plus(self, other: Self, value: T) -> Self {
        match (self.tape, other.tape) {
            (Some(t), Some(_)) => {
                Var::linear(t, self.index, self.scale, other.index, other.scale, value)
            }
            (Some(_), None) => self.shifted(value),
            (None, Some(_)) => other.shifted(value),
            (None, None) => Var::constant(value),
        }
    }

    /// `value = self - other`: a linear node when both are variables; with a
    /// constant, the variable's node (negated for `c - x`).
    #[inline(always)]
    fn minus(self, other: Self, value: T) -> Self {
        match (self.tape, other.tape) {
            (Some(t), Some(_)) => {
                Var::linear(t, self.index, self.scale, other.index, -other.scale, value)
            }
            (Some(_), None) => self.shifted(value),
            (None, Some(_)) => Var {
                value,
                scale: -other.scale,
                ..other
            },
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
        Var::at(t, index, value)
    }

    /// Records `value = phi(self, other)` with partials `[da, db, daa, dab, dbb]`
    /// (scales folded in here): a [`Kind::Binary`] node when both are variables, a
    /// unary one on the variable when the other is a constant.
    #[inline(always)]
    fn binary(self, other: Self, value: T, p: [T; 5], curvature: Curvature) -> Self {
        let t = match (self.tape, other.tape) {
            (Some(t), Some(_)) => t,
            (Some(_), None) => return self.unary(value, p[0], p[2], curvature.aa),
            (None, Some(_)) => return other.unary(value, p[1], p[4], curvature.bb),
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
        Var::at(t, t.push(node, p), value)
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
    fn value(&self) -> f64 {
        self.value.value()
    }
    #[inline]
    fn is_finite(&self) -> bool {
        self.value.is_finite()
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
        self.unary(f0, f1, f2, !f.is_piecewise_linear())
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
        let index = if xs.iter().all(|x| x.tape.is_some()) {
            // Every term a variable (the common case): straight copies.
            let ops = xs.iter().map(|x| x.index);
            tape.push_nary(ops, coeffs.iter().zip(xs).map(coef))
        } else {
            let terms = || coeffs.iter().zip(xs).filter(|(_, x)| x.tape.is_some());
            tape.push_nary(terms().map(|(_, x)| x.index), terms().map(coef))
        };
        Var::at(tape, index, value)
    }
    #[inline]
    fn apply2(self, f: Binary, other: Self) -> Self {
        if self.tape.is_none() && other.tape.is_none() {
            return Var::constant(self.value.apply2(f, other.value));
        }
        let p = f.taylor(self.value, other.value);
        let curved = Curvature {
            aa: true,
            ab: true,
            bb: true,
        };
        self.binary(other, p.f, [p.a, p.b, p.aa, p.ab, p.bb], curved)
    }
}

impl<T: Scalar> Add for Var<'_, T> {
    type Output = Self;
    #[inline(always)]
    fn add(self, rhs: Self) -> Self {
        self.plus(rhs, self.value + rhs.value)
    }
}
impl<T: Scalar> Sub for Var<'_, T> {
    type Output = Self;
    #[inline(always)]
    fn sub(self, rhs: Self) -> Self {
        self.minus(rhs, self.value - rhs.value)
    }
}
impl<T: Scalar> Mul for Var<'_, T> {
    type Output = Self;
    /// Partials `(b, a)`, cross partial 1 (times the scales; with a constant, the
    /// other's scale times it).
    #[inline(always)]
    fn mul(self, rhs: Self) -> Self {
        let value = self.value * rhs.value;
        let t = match (self.tape, rhs.tape) {
            (Some(t), Some(_)) => t,
            (Some(_), None) => return self.times(rhs.value, value),
            (None, Some(_)) => return rhs.times(self.value, value),
            (None, None) => return Var::constant(value),
        };
        let (sa, sb) = (self.scale, rhs.scale);
        let (a, b) = (self.index, rhs.index);
        let sab = sa * sb;
        let index = if is_one(sab) {
            t.push(Node::mul(a, b), [rhs.value * sa, self.value * sb])
        } else {
            let c = Curvature {
                ab: true,
                ..Curvature::LINEAR
            };
            let p = [rhs.value * sa, self.value * sb, sab];
            t.push(Node::new(Kind::MulScaled, a, b, c), p)
        };
        Var::at(t, index, value)
    }
}
impl<T: Scalar> Div for Var<'_, T> {
    type Output = Self;
    /// `q = a / b`: partials `(1/b, -q/b)`, `(0, -1/b², 2q/b²)`.
    #[inline(always)]
    fn div(self, rhs: Self) -> Self {
        let q = self.value / rhs.value;
        let r = rhs.value.recip();
        if rhs.tape.is_none() {
            return self.times(r, q);
        }
        let db = -(q * r);
        let curvature = Curvature {
            ab: true,
            bb: true,
            ..Curvature::LINEAR
        };
        self.binary(
            rhs,
            q,
            [r, db, T::zero(), -(r * r), -(db * r) * 2.0],
            curvature,
        )
    }
}
impl<T: Scalar> Neg for Var<'_, T> {
    type Output = Self;
    /// The negated scale: nothing recorded.
    #[inline]
    fn neg(self) -> Self {
        match self.tape {
            Some(_) => Var {
                value: -self.value,
                scale: -self.scale,
                ..self
            },
            None => Var::constant(-self.value),
        }
    }
}
impl<T: Scalar> Add<f64> for Var<'_, T> {
    type Output = Self;
    #[inline]
    fn add(self, c: f64) -> Self {
        self.shifted(self.value + c)
    }
}
impl<T: Scalar> Sub<f64> for Var<'_, T> {
    type Output = Self;
    #[inline]
    fn sub(self, c: f64) -> Self {
        self.shifted(self.value - c)
    }
}
impl<T: Scalar> Mul<f64> for Var<'_, T> {
    type Output = Self;
    #[inline]
    fn mul(self, c: f64) -> Self {
        self.times(T::from_f64(c), self.value * c)
    }
}
impl<T: Scalar> Div<f64> for Var<'_, T> {
    type Output = Self;
    #[inline]
    fn div(self, c: f64) -> Self {
        self.times(T::from_f64(c.recip()), self.value / c)
    }
}

impl_number_ops!(@without_sum ['t, T: Scalar] Var<'t, T>);

impl<T: Scalar> Sum for Var<'_, T> {
    /// One n-ary linear node for a sum of three or more items with a variable
    /// among them (two items: one `+`; one item: itself). The value is the left
    /// fold of the items' values, as `a + b + c + ...` computes it.
    fn sum<I: Iterator<Item = Self>>(mut iter: I) -> Self {
        let Some(first) = iter.next() else {
            return Var::constant(T::zero());
        };
        // This sum's operands start at `start` on the tape's scratch stack (items
        // that record sums of their own push above it and pop back to it).
        let mut start = 0;
        if let Some(t) = first.tape {
            start = t.scratch_push(first.index, first.scale);
        }
        let init = (first.value, first, 1usize, first.tape);
        let (value, last, items, tape) = iter.fold(init, |(value, _, items, tape), x| {
            let tape = match x.tape {
                Some(t) => {
                    let at = t.scratch_push(x.index, x.scale);
                    if tape.is_none() {
                        start = at;
                    }
                    Some(t)
                }
                None => tape,
            };
            (value + x.value, x, items + 1, tape)
        });
        let Some(t) = tape else {
            return Var::constant(value);
        };
        if items <= 2 {
            t.scratch.borrow_mut().truncate(start);
            return if items == 1 { first } else { first + last };
        }
        let index = {
            let mut scratch = t.scratch.borrow_mut();
            let terms = &scratch[start..];
            let index = t.push_nary(terms.iter().map(|t| t.0), terms.iter().map(|t| t.1));
            scratch.truncate(start);
            index
        };
        Var::at(t, index, value)
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
