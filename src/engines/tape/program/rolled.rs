//! A program's loops found again: runs of instructions that repeat a body with
//! every slot shifted by a constant per repetition (what a loop over the terms of
//! a sum records), so that an evaluation runs each of the body's instructions
//! over all repetitions at once ([`Rolled`]), one dispatch per instruction of the
//! body instead of one per instruction of the program.
//!
//! Running a body column by column (instruction `j` for every repetition, then
//! `j + 1`) computes every value from the same operands with the same operation
//! as running it repetition by repetition, so the bits are the same, provided no
//! instruction reads a value that the column order has not written yet: a slot
//! written by a later instruction of the body in an earlier repetition. Every
//! operand of a loop is checked for that when the loop is found, and every slot it
//! touches for bounds, so the evaluation indexes without checks.
//!
//! Every value has its own slot (a program is in single assignment), which is what
//! makes the check this simple.

use super::{Arith, Form, Instr};
use crate::scalar::Scalar;
use crate::tape::loops;

/// How one instruction of a body moves from one repetition to the next: its
/// slots' shifts, and where its partials start within a repetition's.
#[derive(Clone, Copy, Debug)]
pub(super) struct Shift {
    pub(super) dst: i32,
    pub(super) a: i32,
    pub(super) b: i32,
    pub(super) at: u32,
    /// Which of `[dst, a, b]` are values local to their repetition
    /// ([`local::BITS`](super::local::BITS)), kept in the scratch.
    pub(super) local: u8,
}

/// A stretch of a program: instructions run one by one, or a loop.
#[derive(Clone, Copy, Debug)]
pub(super) enum Segment {
    /// `instrs[from..to]`, one by one.
    Straight { from: u32, to: u32 },
    /// `reps` repetitions of the body `instrs[from..from + len]` (the first
    /// repetition), shifted by `shifts[shift..shift + len]`; `width` partials per
    /// repetition.
    Loop {
        from: u32,
        len: u32,
        reps: u32,
        width: u32,
        shift: u32,
    },
}

/// A program's instructions as straight stretches and loops (see the module
/// documentation).
#[derive(Debug, Default)]
pub(super) struct Rolled {
    pub(super) segments: Vec<Segment>,
    pub(super) shifts: Vec<Shift>,
    /// The value slots and partials the loops were checked for.
    pub(super) slots: usize,
    pub(super) partials: usize,
    /// Value slots past `slots` for the loops' local values: `BLOCK` repetitions
    /// of the widest such loop's.
    pub(super) scratch: usize,
}

/// An instruction's slots: `[dst, a, b]` (0 where it has none).
pub(super) fn slots<T>(instr: &Instr<T>) -> [u32; 3] {
    match *instr {
        Instr::Value { dst, a, b, .. }
        | Instr::Linear { dst, a, b, .. }
        | Instr::Mul { dst, a, b, .. }
        | Instr::Binary { dst, a, b, .. } => [dst, a, b],
        Instr::Neg { dst, a } | Instr::Unary { dst, a, .. } => [dst, a, 0],
        Instr::Compare { a, b, .. } | Instr::Equal { a, b, .. } => [0, a, b],
        Instr::Finite { a, .. } => [0, a, 0],
        Instr::Sum { .. } | Instr::Dot { .. } => [0; 3],
    }
}

/// Which of `[dst, a, b]` an instruction has.
pub(super) fn has<T>(instr: &Instr<T>) -> [bool; 3] {
    match instr {
        Instr::Value { .. } | Instr::Linear { .. } | Instr::Mul { .. } | Instr::Binary { .. } => {
            [true; 3]
        }
        Instr::Neg { .. } | Instr::Unary { .. } => [true, true, false],
        Instr::Compare { .. } | Instr::Equal { .. } => [false, true, true],
        Instr::Finite { .. } => [false, true, false],
        Instr::Sum { .. } | Instr::Dot { .. } => [false; 3],
    }
}

/// Partials an instruction writes.
pub(super) fn width<T>(instr: &Instr<T>) -> usize {
    match *instr {
        Instr::Linear { skip, .. } => skip as usize,
        Instr::Mul { scaled, .. } => 2 + scaled as usize,
        Instr::Unary { curved, .. } => 1 + curved as usize,
        Instr::Binary {
            form: Form::Both, ..
        } => 5,
        Instr::Binary { curved, .. } => 1 + curved as usize,
        _ => 0,
    }
}

/// The same constant, bit for bit (for `f64`; other number types' programs are
/// not rolled where a body has a constant).
pub(super) fn same<T: Scalar>(x: T, y: T) -> bool {
    use std::any::Any;
    match (
        (&x as &dyn Any).downcast_ref::<f64>(),
        (&y as &dyn Any).downcast_ref::<f64>(),
    ) {
        (Some(x), Some(y)) => x.to_bits() == y.to_bits(),
        _ => false,
    }
}

/// Whether two instructions do the same thing, on possibly other slots (sums and
/// dot products never do: their items are not shifted).
fn alike<T: Scalar>(x: &Instr<T>, y: &Instr<T>) -> bool {
    match (*x, *y) {
        (Instr::Value { op, .. }, Instr::Value { op: o, .. }) => op == o,
        (Instr::Neg { .. }, Instr::Neg { .. }) => true,
        (Instr::Linear { op, skip, .. }, Instr::Linear { op: o, skip: s, .. }) => {
            op == o && skip == s
        }
        (
            Instr::Mul { scaled, sa, sb, .. },
            Instr::Mul {
                scaled: c,
                sa: a,
                sb: b,
                ..
            },
        ) => scaled == c && same(sa, a) && same(sb, b),
        (
            Instr::Unary { curved, s, f, .. },
            Instr::Unary {
                curved: c,
                s: t,
                f: g,
                ..
            },
        ) => curved == c && same(s, t) && f == g,
        (
            Instr::Binary {
                rule,
                form,
                curved,
                sa,
                sb,
                ..
            },
            Instr::Binary {
                rule: r,
                form: f,
                curved: c,
                sa: a,
                sb: b,
                ..
            },
        ) => rule == r && form == f && curved == c && same(sa, a) && same(sb, b),
        (Instr::Compare { outcome, .. }, Instr::Compare { outcome: o, .. }) => outcome == o,
        (Instr::Equal { outcome, .. }, Instr::Equal { outcome: o, .. }) => outcome == o,
        (Instr::Finite { outcome, .. }, Instr::Finite { outcome: o, .. }) => outcome == o,
        _ => false,
    }
}

/// `y`'s slots minus `x`'s, when `y` is `x` shifted.
fn shift_of<T: Scalar>(x: &Instr<T>, y: &Instr<T>) -> Option<[i64; 3]> {
    if !alike(x, y) {
        return None;
    }
    let (sx, sy) = (slots(x), slots(y));
    Some(std::array::from_fn(|k| sy[k] as i64 - sx[k] as i64))
}

impl Rolled {
    /// The loops of `instrs` (over `slots` value slots; `partials` in all).
    pub(super) fn find<T: Scalar>(instrs: &[Instr<T>], slots: usize, partials: usize) -> Self {
        let mut rolled = Rolled {
            slots,
            partials,
            ..Rolled::default()
        };
        let (mut i, mut straight, mut at) = (0, 0, 0usize);
        while i < instrs.len() {
            match loops::longest(instrs.len(), i, |x, y| shift_of(&instrs[x], &instrs[y]))
                .filter(|&(k, reps)| valid(instrs, i, k, reps, slots, at, partials))
            {
                Some((k, reps)) => {
                    if straight < i {
                        rolled.segments.push(Segment::Straight {
                            from: straight as u32,
                            to: i as u32,
                        });
                    }
                    let shift = rolled.shifts.len() as u32;
                    let mut w = 0;
                    for j in 0..k {
                        let d = shift_of(&instrs[i + j], &instrs[i + k + j]).expect("checked");
                        rolled.shifts.push(Shift {
                            dst: d[0] as i32,
                            a: d[1] as i32,
                            b: d[2] as i32,
                            at: w as u32,
                            local: 0,
                        });
                        w += width(&instrs[i + j]);
                    }
                    rolled.segments.push(Segment::Loop {
                        from: i as u32,
                        len: k as u32,
                        reps: reps as u32,
                        width: w as u32,
                        shift,
                    });
                    at += w * reps;
                    i += k * reps;
                    straight = i;
                }
                None => {
                    at += width(&instrs[i]);
                    i += 1;
                }
            }
        }
        if straight < instrs.len() {
            rolled.segments.push(Segment::Straight {
                from: straight as u32,
                to: instrs.len() as u32,
            });
        }
        rolled.segments.shrink_to_fit();
        rolled.shifts.shrink_to_fit();
        rolled
    }

    /// Bytes held.
    pub(super) fn bytes(&self) -> usize {
        self.segments.capacity() * std::mem::size_of::<Segment>()
            + self.shifts.capacity() * std::mem::size_of::<Shift>()
    }
}

/// Whether the loop (`reps` repetitions of the `k` instructions at `i`, its
/// partials from `at`) can run column by column, and stays within `slots` value
/// slots and `partials` partials.
fn valid<T: Scalar>(
    instrs: &[Instr<T>],
    i: usize,
    k: usize,
    reps: usize,
    slots_len: usize,
    at: usize,
    partials: usize,
) -> bool {
    let body = &instrs[i..i + k];
    let shift: Vec<[i64; 3]> = (0..k)
        .map(|j| shift_of(&body[j], &instrs[i + k + j]).expect("checked"))
        .collect();
    let last = reps as i64 - 1;
    // Bounds: affine in the repetition, so its first and last are the extremes.
    for (j, x) in body.iter().enumerate() {
        let (s, h) = (slots(x), has(x));
        for f in 0..3 {
            let (first, end) = (s[f] as i64, s[f] as i64 + shift[j][f] * last);
            if h[f] && (first.min(end) < 0 || first.max(end) >= slots_len as i64) {
                return false;
            }
        }
    }
    let w: usize = body.iter().map(width).sum();
    if at + w * reps > partials {
        return false;
    }
    // The written slots: each body instruction's, moving by one stride for all.
    let writes: Vec<(usize, i64)> = (0..k)
        .filter(|&j| has(&body[j])[0])
        .map(|j| (j, slots(&body[j])[0] as i64))
        .collect();
    let Some(&(_, first)) = writes.first() else {
        return true;
    };
    let stride = shift[writes[0].0][0];
    let lo = writes.iter().map(|w| w.1).min().unwrap_or(first);
    let hi = writes.iter().map(|w| w.1).max().unwrap_or(first);
    if stride <= 0 || writes.iter().any(|&(j, _)| shift[j][0] != stride) || hi - lo >= stride {
        return false;
    }
    // Which body instruction writes each offset of a repetition's slots.
    let mut owner = vec![usize::MAX; stride as usize];
    for &(j, s) in &writes {
        owner[(s - lo) as usize] = j;
    }
    let end = lo + stride * reps as i64;
    for (j, x) in body.iter().enumerate() {
        let (s, h) = (slots(x), has(x));
        for f in 1..3 {
            if !h[f] {
                continue;
            }
            for r in 0..reps as i64 {
                let slot = s[f] as i64 + shift[j][f] * r;
                if slot < lo || slot >= end {
                    continue;
                }
                let o = owner[((slot - lo) % stride) as usize];
                // Written by a later instruction of the body: not yet, column by column.
                if o != usize::MAX && o >= j {
                    let same_column_earlier = o == j && (slot - lo) / stride < r;
                    if !same_column_earlier {
                        return false;
                    }
                }
            }
        }
    }
    true
}

/// Runs a loop's instruction `x` (shifted by `d`) for repetitions `reps` (one
/// block), the loop's partials from `at` and `width` apart per repetition, its
/// local values (`d.local`) in the scratch from slot `scratch` (`x`'s slot their
/// position there). `Err` when a guard flipped.
///
/// # Safety
/// The loop was found by [`Rolled::find`] for value slots of `scratch` and a
/// stream of `partials.len()` partials, with `at` its partials' start: every slot
/// and partial it touches was checked in bounds there ([`valid`]), and stays
/// within them as [`Rolled::lay_out`] moved it; the local values' scratch holds a
/// block of them (`v.len() >= scratch + Rolled::scratch`, and `reps` at most one
/// block).
#[inline(never)]
#[allow(clippy::too_many_arguments, unused_assignments)]
pub(super) unsafe fn column<T: Scalar>(
    x: &Instr<T>,
    d: Shift,
    reps: std::ops::Range<usize>,
    width: usize,
    at: usize,
    scratch: usize,
    v: &mut [T],
    partials: &mut [T],
) -> Result<(), super::eval::Flipped> {
    let (dd, da, db) = (d.dst as isize, d.a as isize, d.b as isize);
    let r0 = reps.start as isize;
    // A slot's index at the block's first repetition: a local value's in the
    // scratch (the block's repetitions side by side from its start).
    let start = |k: usize, slot: u32, step: isize| {
        if d.local & super::local::BITS[k] != 0 {
            scratch as isize + slot as isize
        } else {
            slot as isize + r0 * step
        }
    };
    let [dst, a, b] = slots(x);
    let (mut dst, mut a, mut b) = (start(0, dst, dd), start(1, a, da), start(2, b, db));
    let mut at = (at + reps.start * width + d.at as usize) as isize;
    let reps = reps.len();
    let (vlen, plen) = (v.len(), partials.len());
    let (v, p) = (v.as_mut_ptr(), partials.as_mut_ptr());
    // Each access's index, checked in debug builds (and under Miri).
    macro_rules! v {
        ($i:expr) => {
            *{
                debug_assert!(($i as usize) < vlen);
                v.offset($i)
            }
        };
    }
    macro_rules! p {
        ($i:expr) => {
            *{
                debug_assert!(($i as usize) < plen);
                p.offset($i)
            }
        };
    }
    macro_rules! each {
        ($body:block) => {{
            for _ in 0..reps {
                $body
                dst += dd;
                a += da;
                b += db;
                at += width as isize;
            }
        }};
    }
    // SAFETY (every arm): the slots `dst`, `a`, `b` and partials `at`, `at + 1`
    // of every repetition are in bounds (see the function's contract).
    unsafe {
        match *x {
            Instr::Value { op: Arith::Add, .. } | Instr::Linear { op: Arith::Add, .. } => {
                each!({ v!(dst) = v!(a) + v!(b) })
            }
            Instr::Value { op: Arith::Sub, .. } | Instr::Linear { op: Arith::Sub, .. } => {
                each!({ v!(dst) = v!(a) - v!(b) })
            }
            Instr::Value { op: Arith::Mul, .. } | Instr::Linear { op: Arith::Mul, .. } => {
                each!({ v!(dst) = v!(a) * v!(b) })
            }
            Instr::Value { op: Arith::Div, .. } | Instr::Linear { op: Arith::Div, .. } => {
                each!({ v!(dst) = v!(a) / v!(b) })
            }
            Instr::Neg { .. } => each!({ v!(dst) = -v!(a) }),
            Instr::Mul { sa, sb, .. } => each!({
                let (va, vb) = (v!(a), v!(b));
                v!(dst) = va * vb;
                p!(at) = vb * sa;
                p!(at + 1) = va * sb;
            }),
            Instr::Unary { f, s, curved, .. } => each!({
                let [f0, f1, f2] = f.taylor(v!(a));
                v!(dst) = f0;
                p!(at) = f1 * s;
                if curved {
                    p!(at + 1) = f2 * s * s;
                }
            }),
            _ => {
                let v = std::slice::from_raw_parts_mut(v, vlen);
                let partials = std::slice::from_raw_parts_mut(p, plen);
                each!({
                    let shifted = super::eval::shifted(x, [dst as u32, a as u32, b as u32]);
                    super::eval::step(&shifted, v, &[], &[], partials, at as usize)?;
                })
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::Segment;
    use crate::scalar::Scalar;
    use crate::tape::loops::examples::{chain, rosenbrock};
    use crate::tape::{Recorded, Var};

    /// The loops of `f`'s program at `n` inputs, after one evaluation: (body
    /// length, repetitions).
    fn loops_of(f: impl Fn(&[Var]) -> Var, n: usize) -> Vec<(u32, u32)> {
        let x: Vec<f64> = (0..n).map(|i| (i as f64 * 0.7).sin()).collect();
        let mut rec = Recorded::new_replayable(f, &x).unwrap();
        let y: Vec<f64> = x.iter().map(|x| x * 0.5).collect();
        assert!(rec.reevaluate(&y).unwrap());
        let rolled = rec.program.as_ref().unwrap().rolled.as_ref().unwrap();
        let loops = rolled.segments.iter().filter_map(|s| match *s {
            Segment::Loop { len, reps, .. } => Some((len, reps)),
            Segment::Straight { .. } => None,
        });
        loops.collect()
    }

    #[test]
    fn loops_run_column_by_column_only_where_the_order_keeps_the_values() {
        // Rosenbrock's terms: seven instructions each; the chain function's two
        // sums of terms.
        assert_eq!(loops_of(|x| rosenbrock(x), 20), [(7, 19)]);
        assert_eq!(loops_of(|x| chain(x), 20), [(7, 19), (3, 20)]);
        // A term reading the previous term's value: its first instruction would
        // read a value the column order has not written yet.
        let previous = |x: &[Var]| {
            let mut t = x[0];
            for &xi in &x[1..] {
                t = xi * t.sin() + xi.cos();
            }
            t
        };
        assert!(loops_of(previous, 20).is_empty());
        // So does a running value scaled by a constant before its next term is
        // added (`acc * 0.5` is an instruction of its own, after the sum's)...
        let scaled = |x: &[Var]| x.iter().fold(x[0], |acc, &xi| acc * 0.5 + xi.sin());
        assert!(loops_of(scaled, 20).is_empty());
        // ... but a running product reads only its own column's previous value,
        // which the column order has written.
        let running = |x: &[Var]| x.iter().fold(x[0], |acc, &xi| acc * xi.sin());
        assert_eq!(loops_of(running, 20), [(2, 19)]);
    }
}
