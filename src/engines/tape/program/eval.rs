//! Evaluating a [`Program`] at a new point: values in slot order, partials over
//! the tape's stream in node order, guards checked on the way.

use super::rolled::{Rolled, Segment, column};
use super::{Arith, Form, Instr, Program, rule2};
use crate::scalar::Scalar;
use crate::tape::loops::blocks;

/// A guard came out differently at the new point: the function takes another path
/// there, and must be recorded again.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Flipped;

#[inline(always)]
fn arith<T: Scalar>(op: Arith, a: T, b: T) -> T {
    match op {
        Arith::Add => a + b,
        Arith::Sub => a - b,
        Arith::Mul => a * b,
        Arith::Div => a / b,
    }
}

/// A unary node's partials at `at`, as the variable records them: `d s`, and
/// `dd s s` when curved; returns the offset past them.
#[inline(always)]
fn unary_partials<T: Scalar>(
    partials: &mut [T],
    at: usize,
    (d, dd, s): (T, T, T),
    curved: bool,
) -> usize {
    partials[at] = d * s;
    if curved {
        partials[at + 1] = dd * s * s;
        at + 2
    } else {
        at + 1
    }
}

/// `instr` on other slots (`[dst, a, b]`, as [`rolled`](super::rolled) lists them).
pub(super) fn shifted<T: Copy>(instr: &Instr<T>, [d, x, y]: [u32; 3]) -> Instr<T> {
    let mut i = *instr;
    match &mut i {
        Instr::Value { dst, a, b, .. }
        | Instr::Linear { dst, a, b, .. }
        | Instr::Mul { dst, a, b, .. }
        | Instr::Binary { dst, a, b, .. } => (*dst, *a, *b) = (d, x, y),
        Instr::Neg { dst, a } | Instr::Unary { dst, a, .. } => (*dst, *a) = (d, x),
        Instr::Compare { a, b, .. } | Instr::Equal { a, b, .. } => (*a, *b) = (x, y),
        Instr::Finite { a, .. } => *a = x,
        Instr::Sum { .. } | Instr::Dot { .. } => {}
    }
    i
}

/// One instruction: its value into its slot, its partials (if any) at `at`;
/// returns the offset past them, or `Err` when it is a guard that flipped.
#[inline(always)]
pub(super) fn step<T: Scalar>(
    instr: &Instr<T>,
    v: &mut [T],
    items: &[u32],
    coefs: &[f64],
    partials: &mut [T],
    mut at: usize,
) -> Result<usize, Flipped> {
    match *instr {
        // One arm per operation: no second dispatch on `op`.
        Instr::Value {
            op: Arith::Add,
            dst,
            a,
            b,
        } => v[dst as usize] = v[a as usize] + v[b as usize],
        Instr::Value {
            op: Arith::Sub,
            dst,
            a,
            b,
        } => v[dst as usize] = v[a as usize] - v[b as usize],
        Instr::Value { op, dst, a, b } => {
            v[dst as usize] = arith(op, v[a as usize], v[b as usize]);
        }
        Instr::Neg { dst, a } => v[dst as usize] = -v[a as usize],
        Instr::Linear {
            op: Arith::Add,
            dst,
            a,
            b,
            skip,
        } => {
            v[dst as usize] = v[a as usize] + v[b as usize];
            at += skip as usize;
        }
        Instr::Linear {
            op: Arith::Sub,
            dst,
            a,
            b,
            skip,
        } => {
            v[dst as usize] = v[a as usize] - v[b as usize];
            at += skip as usize;
        }
        Instr::Linear {
            op,
            dst,
            a,
            b,
            skip,
        } => {
            v[dst as usize] = arith(op, v[a as usize], v[b as usize]);
            at += skip as usize;
        }
        Instr::Mul {
            dst,
            a,
            b,
            sa,
            sb,
            scaled,
        } => {
            let (va, vb) = (v[a as usize], v[b as usize]);
            v[dst as usize] = va * vb;
            partials[at] = vb * sa;
            partials[at + 1] = va * sb;
            at += 2 + scaled as usize;
        }
        Instr::Unary {
            dst,
            a,
            f,
            s,
            curved,
        } => {
            let [f0, f1, f2] = f.taylor(v[a as usize]);
            v[dst as usize] = f0;
            at = unary_partials(partials, at, (f1, f2, s), curved);
        }
        Instr::Binary {
            dst,
            a,
            b,
            rule,
            form,
            sa,
            sb,
            curved,
        } => {
            let (f, p) = rule2(rule, v[a as usize], v[b as usize]);
            v[dst as usize] = f;
            let (d, dd, s) = match form {
                Form::Both => {
                    let q = &mut partials[at..at + 5];
                    q[0] = p[0] * sa;
                    q[1] = p[1] * sb;
                    q[2] = p[2] * sa * sa;
                    q[3] = p[3] * sa * sb;
                    q[4] = p[4] * sb * sb;
                    at += 5;
                    return Ok(at);
                }
                Form::OnlyA => (p[0], p[2], sa),
                Form::OnlyB => (p[1], p[4], sb),
            };
            at = unary_partials(partials, at, (d, dd, s), curved);
        }
        Instr::Sum { dst, start, len } => {
            let items = &items[start as usize..(start + len) as usize];
            let mut acc = v[items[0] as usize];
            for &i in &items[1..] {
                acc += v[i as usize];
            }
            v[dst as usize] = acc;
        }
        Instr::Dot { dst, start, len } => {
            let r = start as usize..(start + len) as usize;
            let (items, coefs) = (&items[r.clone()], &coefs[r]);
            let mut acc = v[items[0] as usize] * coefs[0];
            for (&i, &c) in items.iter().zip(coefs).skip(1) {
                acc += v[i as usize] * c;
            }
            v[dst as usize] = acc;
        }
        Instr::Compare { a, b, outcome } => {
            let now = v[a as usize].value().partial_cmp(&v[b as usize].value());
            if now != outcome {
                return Err(Flipped);
            }
        }
        Instr::Equal { a, b, outcome } => {
            if (v[a as usize].value() == v[b as usize].value()) != outcome {
                return Err(Flipped);
            }
        }
        Instr::Finite { a, outcome } => {
            if v[a as usize].is_finite() != outcome {
                return Err(Flipped);
            }
        }
    }
    Ok(at)
}

impl<T: Scalar> Program<T> {
    /// Evaluates the program at `x` (as many values as inputs), writing every
    /// node's partials over `partials` (the recording's stream, same layout).
    /// Returns the outputs' values through [`Program::output`]; `Err` when a guard
    /// flipped (values and partials are then partly updated: record again).
    ///
    /// The program's loops ([`Rolled`]) are found at the first evaluation and run
    /// column by column from then on.
    pub(crate) fn evaluate(&mut self, x: &[T], partials: &mut [T]) -> Result<(), Flipped> {
        debug_assert!(!self.opaque && x.len() == self.n);
        if self.rolled.is_none() {
            self.roll(partials.len());
        }
        let Program {
            instrs,
            items,
            coefs,
            values: v,
            rolled,
            ..
        } = self;
        let Some(rolled) = rolled else {
            unreachable!("found above")
        };
        v[1..=x.len()].copy_from_slice(x);
        // The loops were checked against these lengths.
        assert!(v.len() == rolled.slots + rolled.scratch && partials.len() == rolled.partials);
        let mut at = 0usize;
        for segment in &rolled.segments {
            match *segment {
                Segment::Straight { from, to } => {
                    for instr in &instrs[from as usize..to as usize] {
                        at = step(instr, v, items, coefs, partials, at)?;
                    }
                }
                Segment::Loop {
                    from,
                    len,
                    reps,
                    width,
                    shift,
                } => {
                    let body = &instrs[from as usize..(from + len) as usize];
                    let shifts = &rolled.shifts[shift as usize..(shift + len) as usize];
                    // In blocks of repetitions, each block's values and partials
                    // staying in cache from one instruction to the next.
                    for block in blocks(reps as usize) {
                        for (instr, &d) in body.iter().zip(shifts) {
                            // SAFETY: the loop was found for these slots and
                            // partials (asserted above), each block within its
                            // repetitions.
                            unsafe {
                                column(
                                    instr,
                                    d,
                                    block.clone(),
                                    width as usize,
                                    at,
                                    rolled.slots,
                                    v,
                                    partials,
                                )?
                            };
                        }
                    }
                    at += (reps * width) as usize;
                }
            }
        }
        debug_assert_eq!(at, partials.len());
        Ok(())
    }

    /// The program's loops found ([`Rolled::find`], over `partials` partials), its
    /// values laid out for them ([`Rolled::lay_out`]), and the instructions kept
    /// to what the evaluation runs: the straight stretches and each loop's first
    /// repetition (the others are its shifts; Rosenbrock at n = 10^5: 28 MB of
    /// instructions down to a few hundred bytes).
    fn roll(&mut self, partials: usize) {
        let mut rolled = Rolled::find(&self.instrs, self.values.len(), partials);
        rolled.lay_out(
            &mut self.instrs,
            &mut self.items,
            &mut self.outputs,
            &mut self.values,
            self.n,
        );
        // The local values' scratch, past the slots.
        self.values.reserve_exact(rolled.scratch);
        self.values.resize(rolled.slots + rolled.scratch, T::zero());
        let mut kept = Vec::new();
        for segment in &mut rolled.segments {
            let start = kept.len() as u32;
            match segment {
                Segment::Straight { from, to } => {
                    kept.extend_from_slice(&self.instrs[*from as usize..*to as usize]);
                    (*from, *to) = (start, start + (*to - *from));
                }
                Segment::Loop { from, len, .. } => {
                    kept.extend_from_slice(&self.instrs[*from as usize..(*from + *len) as usize]);
                    *from = start;
                }
            }
        }
        kept.shrink_to_fit();
        self.instrs = kept;
        self.rolled = Some(rolled);
    }

    /// The value of output `k` at the last evaluation.
    pub(crate) fn output(&self, k: usize) -> T {
        self.values[self.outputs[k] as usize]
    }
}
