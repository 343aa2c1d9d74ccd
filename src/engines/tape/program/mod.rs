//! [`Program`]: what a recording needs to be re-evaluated at a new point without
//! running the user's function again.
//!
//! While a function is recorded with a program ([`Builder`], switched on per
//! tape), every operation on a variable also writes one instruction: which rule it
//! applied, on which value slots, with which constant scales. Every value a
//! variable takes has a slot (the inputs are slots `1..=n`, constants meeting a
//! variable get slots of their own, filled once); every recorded node's partials
//! are written in node order, so an evaluation walks the instructions once,
//! recomputing each value with the same floating-point operations the function
//! ran and each node's partials with the same rule, and writes the partials over
//! the tape's stream in place. The result is bit for bit the recording a fresh run
//! of the function at the new point would make, as long as the function takes the
//! same path there.
//!
//! The path depends on the point only through what the function observes of its
//! variables' values:
//! - comparisons (`<`, `==`, `max`, `min`, ...) are recorded as guards, checked in
//!   order during the evaluation; a guard that comes out differently stops it, and
//!   the caller records the function again (ADOL-C's retaping rule);
//! - a value read out as a number (`Scalar::value`, `Var::base_value`, the
//!   `num_traits` conversions) could steer the function in any way: the program is
//!   then marked opaque and never evaluated (the caller records at every point).

mod eval;
mod local;
mod rolled;

use crate::rules::{Binary, Unary};
use crate::scalar::Scalar;
use crate::tape::node::Stream;
use crate::tape::node_loops::NodeLoops;
use rolled::Rolled;
use std::cmp::Ordering;

/// An arithmetic operation of two values.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Arith {
    Add,
    Sub,
    Mul,
    Div,
}

/// The rule a two-operand node's partials come from.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) enum Rule2 {
    /// A function of the rule table.
    Table(Binary),
    /// `a / b` ([`div_rule`]).
    Div,
}

/// Which operands of a two-operand rule are variables (the constant one has a
/// constant slot), and so which partials the node stored.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Form {
    /// Both: a binary node, five partials.
    Both,
    /// Only `a`: a unary node on `a` with `phi_a` (and `phi_aa` when curved).
    OnlyA,
    /// Only `b`: a unary node on `b` with `phi_b` (and `phi_bb` when curved).
    OnlyB,
}

/// One recorded step. Slots index the program's values; `dst` is the slot the
/// step's value goes to. Steps that record a node write their partials at the
/// evaluation's cursor, in node order.
///
/// A plain one-byte tag (`repr(u8)`), which the evaluation's `match` reads
/// directly (the default layout hides the tag in a niche of the rules, decoded
/// with extra steps at every instruction: 3-4 % of a program's instructions).
/// With the tag first, each variant's fields follow in declaration order, so
/// they are declared small ones first: 40 bytes, as before.
#[derive(Clone, Copy, Debug)]
#[repr(u8)]
pub(crate) enum Instr<T> {
    /// `dst = a op b` (a variable with a constant: no node).
    Value { op: Arith, dst: u32, a: u32, b: u32 },
    /// `dst = -a` (no node).
    Neg { dst: u32, a: u32 },
    /// A linear node `dst = a + b` or `a - b`; its `skip` partials (constant
    /// scales) stay as recorded.
    Linear {
        op: Arith,
        skip: u8,
        dst: u32,
        a: u32,
        b: u32,
    },
    /// A product node `dst = a * b`: partials `b sa`, `a sb` (and the constant
    /// `sa sb` skipped when `scaled`).
    Mul {
        scaled: bool,
        dst: u32,
        a: u32,
        b: u32,
        sa: T,
        sb: T,
    },
    /// A unary node `dst = f(a)`: partials `f' s` (and `f'' s s` when curved).
    Unary {
        curved: bool,
        dst: u32,
        a: u32,
        s: T,
        f: Unary,
    },
    /// A two-operand rule (see [`Form`]).
    Binary {
        rule: Rule2,
        form: Form,
        curved: bool,
        dst: u32,
        a: u32,
        b: u32,
        sa: T,
        sb: T,
    },
    /// An n-ary sum node: `dst` is the left fold of the items' values
    /// (`items[start..start + len]`).
    Sum { dst: u32, start: u32, len: u32 },
    /// An n-ary dot-product node: `dst = sum_j items_j * coefs_j`, left to right.
    Dot { dst: u32, start: u32, len: u32 },
    /// A comparison of two values came out as `outcome`.
    Compare {
        outcome: Option<Ordering>,
        a: u32,
        b: u32,
    },
    /// An equality test of two values came out as `outcome`.
    Equal { outcome: bool, a: u32, b: u32 },
    /// A finiteness test came out as `outcome`.
    Finite { outcome: bool, a: u32 },
}

const _: () = assert!(std::mem::size_of::<Instr<f64>>() == 40);

/// An operand as recorded: a variable's slot, or a constant (given a slot).
#[derive(Clone, Copy, Debug)]
pub(crate) enum Arg<T> {
    Slot(u32),
    Const(T),
}

/// The program being recorded alongside a tape.
#[derive(Debug)]
pub(crate) struct Builder<T> {
    program: Program<T>,
    /// The slots of the sums being recorded (a stack, as the tape's scratch).
    pending: Vec<u32>,
}

/// A recorded program (see the module documentation).
#[derive(Debug)]
pub(crate) struct Program<T> {
    pub(super) instrs: Vec<Instr<T>>,
    /// The n-ary nodes' item slots, and the dot products' coefficients.
    pub(super) items: Vec<u32>,
    pub(super) coefs: Vec<f64>,
    /// Every slot's value: the constants' filled at recording, the rest at every
    /// evaluation.
    pub(super) values: Vec<T>,
    /// Number of inputs.
    pub(super) n: usize,
    /// The outputs' slots.
    pub(super) outputs: Vec<u32>,
    /// A value was read out as a number: the program cannot be evaluated.
    pub(super) opaque: bool,
    /// Its loops, found at the first evaluation.
    rolled: Option<Rolled>,
    /// The loops of its recording's tape, found at the first sweep after an
    /// evaluation, and their sweep's scratch.
    node_loops: Option<NodeLoops>,
    aside: Vec<T>,
}

impl<T: Scalar> Builder<T> {
    /// A program over `n` inputs at `x` (slots `1..=n`; slot 0 is zero).
    pub(crate) fn new(x: &[T]) -> Self {
        let mut values = Vec::with_capacity(x.len() + 1);
        values.push(T::zero());
        values.extend_from_slice(x);
        Builder {
            program: Program {
                instrs: Vec::new(),
                items: Vec::new(),
                coefs: Vec::new(),
                values,
                n: x.len(),
                outputs: Vec::new(),
                opaque: false,
                rolled: None,
                node_loops: None,
                aside: Vec::new(),
            },
            pending: Vec::new(),
        }
    }

    /// The recorded program, its outputs' slots set.
    pub(crate) fn finish(mut self, outputs: Vec<Arg<T>>) -> Program<T> {
        self.program.outputs = outputs.into_iter().map(|o| self.slot(o)).collect();
        let p = &mut self.program;
        if p.opaque {
            // Never evaluated: keep nothing.
            (p.instrs, p.items, p.coefs, p.values) = Default::default();
        } else {
            p.instrs.shrink_to_fit();
            p.items.shrink_to_fit();
            p.coefs.shrink_to_fit();
            p.values.shrink_to_fit();
        }
        self.program
    }

    /// Room for `extra` more entries in `v`, by fallible doubling; `false` (and
    /// the program given up as opaque) when memory runs out.
    #[inline(always)]
    fn room<V>(opaque: &mut bool, v: &mut Vec<V>, extra: usize) -> bool {
        if v.capacity() - v.len() >= extra {
            return true;
        }
        let grown = v.try_reserve(extra.max(v.len())).is_ok() || v.try_reserve_exact(extra).is_ok();
        if !grown {
            *opaque = true;
        }
        grown
    }

    /// The slot of an operand (a constant gets a new one).
    #[inline]
    pub(crate) fn slot(&mut self, arg: Arg<T>) -> u32 {
        match arg {
            Arg::Slot(s) => s,
            Arg::Const(c) => self.fresh_slot(c),
        }
    }

    /// A new slot holding `value` (its value at the recorded point).
    #[inline]
    pub(crate) fn fresh_slot(&mut self, value: T) -> u32 {
        let p = &mut self.program;
        if p.opaque || !Self::room(&mut p.opaque, &mut p.values, 1) {
            return 0;
        }
        p.values.push(value);
        (p.values.len() - 1) as u32
    }

    /// Appends an instruction whose result (of value `value`) goes to a new slot,
    /// built by `make` from that slot; returns the slot.
    #[inline]
    pub(crate) fn push(&mut self, value: T, make: impl FnOnce(u32) -> Instr<T>) -> u32 {
        let dst = self.fresh_slot(value);
        self.append(make(dst));
        dst
    }

    /// Appends an instruction (a guard, or one whose slot is already taken).
    #[inline]
    pub(crate) fn append(&mut self, instr: Instr<T>) {
        let p = &mut self.program;
        if !p.opaque && Self::room(&mut p.opaque, &mut p.instrs, 1) {
            p.instrs.push(instr);
        }
    }

    /// Marks the program opaque: a value was read out (nothing more is recorded:
    /// the program will not be evaluated).
    #[inline]
    pub(crate) fn observe(&mut self) {
        self.program.opaque = true;
    }

    /// Pushes a sum's item slot on the pending stack; returns its position.
    #[inline]
    pub(crate) fn pending_push(&mut self, slot: u32) -> usize {
        let p = &mut self.program;
        if !p.opaque && Self::room(&mut p.opaque, &mut self.pending, 1) {
            self.pending.push(slot);
        }
        self.pending.len().saturating_sub(1)
    }

    /// Drops the pending items from `start` on.
    #[inline]
    pub(crate) fn pending_truncate(&mut self, start: usize) {
        self.pending.truncate(start);
    }

    /// Records the sum node of the pending items from `start` on (popping them).
    pub(crate) fn sum(&mut self, start: usize, value: T) -> u32 {
        let p = &mut self.program;
        let len = self.pending.len().saturating_sub(start);
        if p.opaque || !Self::room(&mut p.opaque, &mut p.items, len) {
            self.pending.truncate(start);
            return 0;
        }
        let from = self.program.items.len() as u32;
        self.program.items.extend_from_slice(&self.pending[start..]);
        let len = (self.pending.len() - start) as u32;
        self.pending.truncate(start);
        self.push(value, |dst| Instr::Sum {
            dst,
            start: from,
            len,
        })
    }

    /// Records a dot-product node over the item slots and coefficients.
    pub(crate) fn dot(&mut self, items: &[u32], coefs: &[f64], value: T) -> u32 {
        let p = &mut self.program;
        let need = p.items.len() + items.len() - p.coefs.len().min(p.items.len() + items.len());
        if p.opaque
            || !Self::room(&mut p.opaque, &mut p.items, items.len())
            || !Self::room(&mut p.opaque, &mut p.coefs, need)
        {
            return 0;
        }
        let from = self.program.items.len() as u32;
        self.program.items.extend_from_slice(items);
        // Coefficients sit at the items' offsets.
        let p = &mut self.program;
        p.coefs.resize(from as usize, 0.0);
        p.coefs.extend_from_slice(coefs);
        let len = items.len() as u32;
        self.push(value, |dst| Instr::Dot {
            dst,
            start: from,
            len,
        })
    }
}

impl<T> Program<T> {
    /// Whether the program can be evaluated (no value was read out).
    pub(crate) fn is_replayable(&self) -> bool {
        !self.opaque
    }

    /// Bytes the program holds: its instructions, item lists and value slots.
    pub(crate) fn bytes(&self) -> usize {
        self.instrs.capacity() * std::mem::size_of::<Instr<T>>()
            + self.items.capacity() * 4
            + self.coefs.capacity() * 8
            + self.values.capacity() * std::mem::size_of::<T>()
            + self.outputs.capacity() * 4
            + self.rolled.as_ref().map_or(0, Rolled::bytes)
            + self.node_loops.as_ref().map_or(0, NodeLoops::bytes)
            + self.aside.capacity() * std::mem::size_of::<T>()
    }

    /// The loops of the recording's tape, if a sweep found them already.
    pub(crate) fn found_loops(&self) -> Option<&NodeLoops> {
        self.node_loops.as_ref()
    }

    /// The loops of the recording's tape `stream` (over `n` inputs), found once,
    /// and the scratch their sweep needs.
    pub(crate) fn node_loops(&mut self, stream: &Stream<T>, n: usize) -> (&NodeLoops, &mut Vec<T>) {
        if !self.node_loops.as_ref().is_some_and(|l| l.fits(stream)) {
            self.node_loops = Some(NodeLoops::find(stream, n));
        }
        (
            self.node_loops.as_ref().expect("found above"),
            &mut self.aside,
        )
    }
}

/// The quotient rule at `(a, b)`: `q = a / b` and the partials `[1/b, -q/b, 0,
/// -1/b², 2q/b²]` (shared by the variable and the program, so both compute the
/// same bits).
#[inline(always)]
pub(crate) fn div_rule<T: Scalar>(a: T, b: T) -> (T, [T; 5]) {
    let q = a / b;
    let r = b.recip();
    let db = -(q * r);
    (q, [r, db, T::zero(), -(r * r), -(db * r) * 2.0])
}

/// A two-operand rule's value and partials `[phi_a, phi_b, phi_aa, phi_ab,
/// phi_bb]` at `(a, b)`.
#[inline(always)]
pub(crate) fn rule2<T: Scalar>(rule: Rule2, a: T, b: T) -> (T, [T; 5]) {
    match rule {
        Rule2::Div => div_rule(a, b),
        Rule2::Table(f) => {
            let p = f.taylor(a, b);
            (p.f, [p.a, p.b, p.aa, p.ab, p.bb])
        }
    }
}
