//! [`Var`]: the scalar that records every operation on a [`Tape`].

use super::active;
use super::node::{Curvature, Kind, Node};
use super::recorder::Tape;
use crate::number_ops::impl_number_ops;
use crate::rules::{Binary, Unary};
use crate::scalar::Scalar;
use std::fmt;
use std::iter::Sum;
use std::ops::{Add, Div, Mul, Neg, Sub};

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
/// thread, return [`Error::ForeignVariable`](crate::Error::ForeignVariable)
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
    value: T,
    /// The variable is `scale` times its node (plus a constant): `c x`, `-x`,
    /// `x / c` and `c - x` record no node, the scale is folded into the partials
    /// of the operation that uses the variable.
    scale: T,
}

impl<T: Scalar> Var<T> {
    /// Input `i` (node `i + 1`) of `tape`.
    pub(crate) fn input(tape: &Tape<T>, i: usize, value: T) -> Self {
        Var::at(tape, (i + 1) as u32, value)
    }

    #[inline]
    pub(crate) fn constant(value: T) -> Self {
        Var {
            id: 0,
            index: 0,
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
    fn at(tape: &Tape<T>, index: u32, value: T) -> Self {
        Var::on(tape.id(), index, value)
    }

    /// A variable of recording `id` at node `index` (the id of the operand whose
    /// tape recorded the node: no read of the tape).
    #[inline(always)]
    fn on(id: u64, index: u32, value: T) -> Self {
        Var {
            id,
            index,
            value,
            scale: T::one(),
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
        if self.id == 0 {
            return Var::constant(value);
        }
        Var {
            value,
            scale: self.scale * c,
            ..self
        }
    }

    /// Records the linear node `value = sa a + sb b` of two variables' nodes: a
    /// plain [`Kind::Add`] or [`Kind::Sub`] for unit scales, else [`Kind::Linear`].
    #[inline(always)]
    fn linear(t: &Tape<T>, a: u32, sa: T, b: u32, sb: T, value: T) -> Self {
        let index = if is_one(sa) && is_one(sb) {
            t.push(Node::add(a, b), [])
        } else if is_one(sa) && is_one(-sb) {
            t.push(Node::sub(a, b), [])
        } else {
            t.push(Node::new(Kind::Linear, a, b, Curvature::LINEAR), [sa, sb])
        };
        Var::on(t.id(), index, value)
    }

    /// `value = self + other`: a linear node when both are variables; with a
    /// constant, the variable's node.
    #[inline(always)]
    fn plus(self, other: Self, value: T) -> Self {
        // With a constant, no tape is needed (a foreign variable stays foreign).
        if other.id == 0 {
            return if self.id == 0 {
                Var::constant(value)
            } else {
                self.shifted(value)
            };
        }
        if self.id == 0 {
            return other.shifted(value);
        }
        match self.tapes(&other) {
            (Some(t), Some(_)) => {
                Var::linear(t, self.index, self.scale, other.index, other.scale, value)
            }
            (Some(_), None) => self.shifted(value),
            (None, Some(_)) => other.shifted(value),
            (None, None) => Var::off_tape(self.id.max(other.id), value),
        }
    }

    /// `value = self - other`: a linear node when both are variables; with a
    /// constant, the variable's node (negated for `c - x`).
    #[inline(always)]
    fn minus(self, other: Self, value: T) -> Self {
        if other.id == 0 {
            return if self.id == 0 {
                Var::constant(value)
            } else {
                self.shifted(value)
            };
        }
        if self.id == 0 {
            return Var {
                value,
                scale: -other.scale,
                ..other
            };
        }
        match self.tapes(&other) {
            (Some(t), Some(_)) => {
                Var::linear(t, self.index, self.scale, other.index, -other.scale, value)
            }
            (Some(_), None) => self.shifted(value),
            (None, Some(_)) => Var {
                value,
                scale: -other.scale,
                ..other
            },
            (None, None) => Var::off_tape(self.id.max(other.id), value),
        }
    }

    /// Records `value = phi(self)` with partials `d`, `dd` (of `phi` at the
    /// variable's value; the scale is folded in here): a [`Kind::Unary`] node when
    /// `curved`, else [`Kind::Scale`] (one partial).
    #[inline(always)]
    fn unary(self, value: T, d: T, dd: T, curved: bool) -> Self {
        let Some(t) = self.tape() else {
            return Var::off_tape(self.id, value);
        };
        let s = self.scale;
        let index = if curved {
            t.push(Node::unary(self.index, true), [d * s, dd * s * s])
        } else {
            t.push(Node::unary(self.index, false), [d * s])
        };
        Var::on(self.id, index, value)
    }

    /// Records `value = phi(self, other)` with partials `[da, db, daa, dab, dbb]`
    /// (scales folded in here): a [`Kind::Binary`] node when both are variables, a
    /// unary one on the variable when the other is a constant.
    #[inline(always)]
    fn binary(self, other: Self, value: T, p: [T; 5], curvature: Curvature) -> Self {
        if other.id == 0 {
            return self.unary(value, p[0], p[2], curvature.aa);
        }
        if self.id == 0 {
            return other.unary(value, p[1], p[4], curvature.bb);
        }
        let t = match self.tapes(&other) {
            (Some(t), Some(_)) => t,
            (Some(_), None) => return self.unary(value, p[0], p[2], curvature.aa),
            (None, Some(_)) => return other.unary(value, p[1], p[4], curvature.bb),
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
        Var::on(self.id, t.push(node, p), value)
    }
}

/// `s == 1` exactly, in every part (the comparison operators look at the value
/// only).
#[inline(always)]
fn is_one<T: Scalar>(s: T) -> bool {
    (s - T::one()).is_zero()
}

impl<T: Scalar> Scalar for Var<T> {
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
        let Some(tape) = xs.iter().find_map(Var::tape) else {
            return Var::off_tape(xs.iter().map(|x| x.id).max().unwrap_or(0), value);
        };
        let coef = |(&c, x): (&f64, &Self)| x.scale * c;
        let index = if xs.iter().all(|x| x.id == tape.id()) {
            // Every term a variable (the common case): straight copies.
            let ops = xs.iter().map(|x| x.index);
            tape.push_nary(ops, coeffs.iter().zip(xs).map(coef))
        } else {
            let terms = || coeffs.iter().zip(xs).filter(|(_, x)| x.id == tape.id());
            tape.push_nary(terms().map(|(_, x)| x.index), terms().map(coef))
        };
        Var::at(tape, index, value)
    }
    #[inline]
    fn apply2(self, f: Binary, other: Self) -> Self {
        if self.id == 0 && other.id == 0 {
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
        if rhs.id == 0 {
            return self.times(rhs.value, value);
        }
        if self.id == 0 {
            return rhs.times(self.value, value);
        }
        let t = match self.tapes(&rhs) {
            (Some(t), Some(_)) => t,
            (Some(_), None) => return self.times(rhs.value, value),
            (None, Some(_)) => return rhs.times(self.value, value),
            (None, None) => return Var::off_tape(self.id.max(rhs.id), value),
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
        Var::on(self.id, index, value)
    }
}
impl<T: Scalar> Div for Var<T> {
    type Output = Self;
    /// `q = a / b`: partials `(1/b, -q/b)`, `(0, -1/b², 2q/b²)`.
    #[inline(always)]
    fn div(self, rhs: Self) -> Self {
        let q = self.value / rhs.value;
        let r = rhs.value.recip();
        if rhs.id == 0 {
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
impl<T: Scalar> Neg for Var<T> {
    type Output = Self;
    /// The negated scale: nothing recorded.
    #[inline]
    fn neg(self) -> Self {
        if self.id == 0 {
            return Var::constant(-self.value);
        }
        Var {
            value: -self.value,
            scale: -self.scale,
            ..self
        }
    }
}
impl<T: Scalar> Add<f64> for Var<T> {
    type Output = Self;
    #[inline]
    fn add(self, c: f64) -> Self {
        self.shifted(self.value + c)
    }
}
impl<T: Scalar> Sub<f64> for Var<T> {
    type Output = Self;
    #[inline]
    fn sub(self, c: f64) -> Self {
        self.shifted(self.value - c)
    }
}
impl<T: Scalar> Mul<f64> for Var<T> {
    type Output = Self;
    #[inline]
    fn mul(self, c: f64) -> Self {
        self.times(T::from_f64(c), self.value * c)
    }
}
impl<T: Scalar> Div<f64> for Var<T> {
    type Output = Self;
    #[inline]
    fn div(self, c: f64) -> Self {
        self.times(T::from_f64(c.recip()), self.value / c)
    }
}

impl_number_ops!(@without_sum [T: Scalar] Var<T>);

impl<T: Scalar> Sum for Var<T> {
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
        let first_tape = first.tape();
        if let Some(t) = first_tape {
            start = t.scratch_push(first.index, first.scale);
        }
        let init = (first.value, first, 1usize, first_tape, first.id);
        let (value, last, items, tape, id) = iter.fold(init, |(value, _, items, tape, id), x| {
            let tape = match x.tape() {
                Some(t) => {
                    let at = t.scratch_push(x.index, x.scale);
                    match tape {
                        None => start = at,
                        // Variables of two active recordings: both are marked.
                        Some(t0) if !std::ptr::eq(t0, t) => active::mark_active(),
                        Some(_) => {}
                    }
                    Some(t)
                }
                None => tape,
            };
            (value + x.value, x, items + 1, tape, id.max(x.id))
        });
        let Some(t) = tape else {
            return Var::off_tape(id, value);
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
        Var::on(t.id(), index, value)
    }
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
