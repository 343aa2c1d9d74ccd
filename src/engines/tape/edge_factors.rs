//! A schedule's factors at a recording (see `super::edge_schedule`): for each
//! source (a node with at most two operands, or an n-ary coefficient) the factors
//! its instructions read, computed as `super::edge_local::factors` computes them
//! (the same products in the same order, so the same bits).
//!
//! A loop of the tape repeats its sources with node and partial offsets shifted
//! by constants ([`SourceLoop`]). Its factors are computed factor by factor over
//! all repetitions, each read straight from the partials and adjoints, with the
//! node's kind and the factor's formula resolved once per loop, and stored so:
//! a loop's factors factor by factor, each one's repetitions in a row
//! ([`loop_major`]).

use super::edge_local::{Local, factors};
use super::edge_push::Tape;
use super::loops;
use super::node::{Kind, Node};
use crate::scalar::Scalar;

/// A source that is a coefficient (in the partials offset's place).
pub(super) const COEF: u32 = u32::MAX;

/// Sources `first..first + body * reps` repeat a body of `body` sources
/// (`super::loops`).
#[derive(Clone, Copy, Debug)]
pub(super) struct SourceLoop {
    first: u32,
    body: u32,
    reps: u32,
    /// The body sources whose node has an operand met twice (which
    /// `Local::of` folds into one), the same in every repetition (else
    /// `uniform` is false).
    folded: u64,
    uniform: bool,
}

impl SourceLoop {
    /// The sources the loop covers.
    pub(super) fn range(&self) -> std::ops::Range<usize> {
        self.first as usize..(self.first + self.body * self.reps) as usize
    }
}

/// The runs of `sources` (`[node, partials offset, mask]`) that repeat a body:
/// the same nodes' kinds and flags and the same masks, node and partial offsets
/// moving by constants.
pub(super) fn find_source_loops(sources: &[[u32; 3]], nodes: &[Node]) -> Vec<SourceLoop> {
    let shift = |x: usize, y: usize| {
        let ([i, p, m], [j, q, n]) = (sources[x], sources[y]);
        let same = p != COEF
            && q != COEF
            && m == n
            && nodes[i as usize].kind() == nodes[j as usize].kind()
            && nodes[i as usize].couples() == nodes[j as usize].couples();
        same.then(|| [0, j as i64 - i as i64, q as i64 - p as i64])
    };
    let mut found = Vec::new();
    let mut s = 0;
    while s < sources.len() {
        match loops::longest(sources.len(), s, shift) {
            Some((k, reps)) => {
                let twice = |x: usize| {
                    let node = nodes[sources[x][0] as usize];
                    node.a() == node.b() && node.a() != 0
                };
                let folded = (0..k).fold(0u64, |m, j| m | (twice(s + j) as u64) << j);
                let uniform =
                    (s..s + k * reps).all(|x| twice(x) == (folded >> ((x - s) % k) & 1 == 1));
                found.push(SourceLoop {
                    first: s as u32,
                    body: k as u32,
                    reps: reps as u32,
                    folded,
                    uniform,
                });
                s += k * reps;
            }
            None => s += 1,
        }
    }
    found.shrink_to_fit();
    found
}

/// The factors of `sources` into `f` from `c`, source by source; returns the
/// offset past them.
pub(super) fn source_factors<T: Scalar>(
    sources: &[[u32; 3]],
    tape: Tape<'_, T>,
    f: &mut [T],
    mut c: usize,
) -> usize {
    let (nodes, partials) = (&tape.stream.nodes[..], &tape.stream.partials[..]);
    for &[i, p, mask] in sources {
        if p == COEF {
            f[c] = tape.terms.coefs[i as usize];
            c += 1;
            continue;
        }
        let (i, p) = (i as usize, p as usize);
        let node = nodes[i];
        let l = Local::of(node, &partials[p..p + node.kind().width()]);
        let vb = tape.adj.get(i).copied().unwrap_or_else(T::zero);
        let all = factors(false, &l, vb);
        let mut m = mask;
        while m != 0 {
            f[c] = all[m.trailing_zeros() as usize];
            c += 1;
            m &= m - 1;
        }
    }
    c
}

/// [`source_factors`] for the sources of `lp`: the same factors in the same
/// places, body source by body source and factor by factor.
pub(super) fn loop_factors<T: Scalar>(
    lp: SourceLoop,
    sources: &[[u32; 3]],
    tape: Tape<'_, T>,
    f: &mut [T],
    c: usize,
) -> usize {
    let (k, reps) = (lp.body as usize, lp.reps as usize);
    let sources = &sources[lp.range()];
    let per_rep: usize = sources[..k]
        .iter()
        .map(|s| s[2].count_ones() as usize)
        .sum();
    // Blocks of repetitions, so that what one block reads stays in cache from
    // one factor to the next.
    for block in loops::blocks(reps) {
        // The loop's factors factor by factor ([`loop_major`]): factor `o` of
        // repetition `r` at `c + o reps + r`.
        let mut o = 0;
        for j in 0..k {
            let ([i0, p0, mask], [i1, p1, _]) = (sources[j], sources[k + j]);
            let (di, dp) = (i1 as isize - i0 as isize, p1 as isize - p0 as isize);
            let node = |rep: usize| (i0 as isize + rep as isize * di) as usize;
            let offset = |rep: usize| (p0 as isize + rep as isize * dp) as usize;
            let kind = tape.stream.nodes[i0 as usize].kind();
            let width = kind.width();
            // A reverse sweep meets a loop's nodes last repetition first: the
            // strided reads below start from the block's lowest node, and the
            // outputs are then taken in reverse. They see every repetition only
            // when these hold (they do for a tape's loop; otherwise the factors
            // are made one by one).
            let reversed = di < 0;
            let (lo, hi) = if reversed {
                (block.end - 1, block.start)
            } else {
                (block.start, block.end - 1)
            };
            let (step_i, step_p) = (di.unsigned_abs(), dp.unsigned_abs());
            let folded = lp.folded >> j & 1 == 1;
            let direct = lp.uniform
                && di != 0
                && (di < 0) == (dp < 0)
                && step_p >= width.max(1)
                && node(hi) < tape.adj.len()
                && offset(hi) + width <= tape.stream.partials.len()
                && c + per_rep * reps <= f.len();
            let mut m = mask;
            while m != 0 {
                let b = m.trailing_zeros() as usize;
                m &= m - 1;
                match formula(kind, folded, b).filter(|_| direct) {
                    Some(formula) => {
                        let reads = Strided {
                            partials: &tape.stream.partials[offset(lo)..],
                            adj: &tape.adj[node(lo)..],
                            step_p,
                            step_i,
                        };
                        let step = if reversed { -1 } else { 1 };
                        reads.fill(f, c + o * reps + lo, step, block.len(), formula);
                    }
                    None => {
                        for rep in block.clone() {
                            let (i, p) = (node(rep), offset(rep));
                            let partials = &tape.stream.partials[p..p + width];
                            let l = Local::of(tape.stream.nodes[i], partials);
                            let vb = tape.adj.get(i).copied().unwrap_or_else(T::zero);
                            f[c + o * reps + rep] = factors(false, &l, vb)[b];
                        }
                    }
                }
                o += 1;
            }
        }
    }
    c + per_rep * reps
}

/// The factors' numbers with each loop's factors laid out factor by factor, as
/// [`loop_factors`] writes them: factor `o` of repetition `r` at `c + o reps +
/// r` where sources in order put it at `c + r per_rep + o` (`c` the loop's
/// first factor, after the `first` constants). `perm[old]` is the new number.
pub(super) fn loop_major(
    loops: &[SourceLoop],
    sources: &[[u32; 3]],
    first: usize,
    factors: usize,
) -> Vec<u32> {
    let mut perm: Vec<u32> = (0..factors as u32).collect();
    let count = |s: &[[u32; 3]]| -> usize {
        s.iter()
            .map(|s| {
                if s[1] == COEF {
                    1
                } else {
                    s[2].count_ones() as usize
                }
            })
            .sum()
    };
    let (mut c, mut next) = (first, 0);
    for lp in loops {
        let range = lp.range();
        c += count(&sources[next..range.start]);
        let (k, reps) = (lp.body as usize, lp.reps as usize);
        let per_rep = count(&sources[range.start..range.start + k]);
        for r in 0..reps {
            for o in 0..per_rep {
                perm[c + r * per_rep + o] = (c + o * reps + r) as u32;
            }
        }
        c += per_rep * reps;
        next = range.end;
    }
    perm
}

/// A loop's partials and adjoints from its lowest node on, and the steps from
/// one repetition's to the next.
struct Strided<'a, T> {
    partials: &'a [T],
    adj: &'a [T],
    step_p: usize,
    step_i: usize,
}

impl<T: Scalar> Strided<'_, T> {
    /// `formula` at every repetition, lowest node first, into `f` at `out`,
    /// `out + step`, ...
    #[inline(always)]
    fn fill(&self, f: &mut [T], out: usize, step: isize, reps: usize, formula: Formula<T>) {
        let (q, adj, sp, si) = (self.partials, self.adj, self.step_p, self.step_i);
        // (A generic function, so that each formula's loop is compiled with it.)
        #[inline(always)]
        fn each<T>(f: &mut [T], out: usize, step: isize, reps: usize, value: impl Fn(usize) -> T) {
            let mut o = out as isize;
            for r in 0..reps {
                f[o as usize] = value(r);
                o += step;
            }
        }
        match formula {
            Formula::Read(Read::Partial(s)) => each(f, out, step, reps, |r| q[r * sp + s]),
            Formula::Product(Read::Partial(s), Read::Partial(t)) => {
                each(f, out, step, reps, |r| q[r * sp + s] * q[r * sp + t])
            }
            Formula::Product(Read::Adjoint, Read::Partial(t)) => {
                each(f, out, step, reps, |r| adj[r * si] * q[r * sp + t])
            }
            Formula::Product(Read::Adjoint, Read::Constant(y)) => {
                each(f, out, step, reps, |r| adj[r * si] * y)
            }
            Formula::Read(Read::Sum(s, t)) => {
                each(f, out, step, reps, |r| q[r * sp + s] + q[r * sp + t])
            }
            Formula::Product(Read::Sum(s, t), Read::Sum(u, v)) => each(f, out, step, reps, |r| {
                (q[r * sp + s] + q[r * sp + t]) * (q[r * sp + u] + q[r * sp + v])
            }),
            formula => {
                let read = |x: Read<T>, r: usize| match x {
                    Read::Partial(s) => q[r * sp + s],
                    Read::Sum(s, t) => q[r * sp + s] + q[r * sp + t],
                    Read::Adjoint => adj[r * si],
                    Read::Constant(v) => v,
                };
                each(f, out, step, reps, |r| match formula {
                    Formula::Read(x) => read(x, r),
                    Formula::Product(x, y) => read(x, r) * read(y, r),
                })
            }
        }
    }
}

/// Where a factor's number comes from.
#[derive(Clone, Copy)]
enum Read<T> {
    /// The node's partial at this offset.
    Partial(usize),
    /// The sum of two of its partials (`q[s] + q[t]`).
    Sum(usize, usize),
    /// The node's first-order adjoint.
    Adjoint,
    Constant(T),
}

/// A factor: one number, or the product `x * y` (in that order, as
/// `edge_local::factors` multiplies).
#[derive(Clone, Copy)]
enum Formula<T> {
    Read(Read<T>),
    Product(Read<T>, Read<T>),
}

/// Factor `b` (`edge_local::factors`' order) of a node of `kind`, its operands
/// `folded` into one as `Local::of` folds them when they are the same; `None` for
/// a kind without fixed partials or a fold not written as one sum.
fn formula<T: Scalar>(kind: Kind, folded: bool, b: usize) -> Option<Formula<T>> {
    use Read::{Constant, Partial};
    let (z, one) = (Constant(T::zero()), Constant(T::one()));
    // `d_a, d_b, phi_aa, phi_ab, phi_bb` as `Local::of` reads them.
    let [da, db, daa, dab, dbb] = match kind {
        Kind::Linear => [Partial(0), Partial(1), z, z, z],
        Kind::Scale => [Partial(0), z, z, z, z],
        Kind::Unary => [Partial(0), z, Partial(1), z, z],
        Kind::Mul => [Partial(0), Partial(1), z, one, z],
        Kind::MulScaled => [Partial(0), Partial(1), z, Partial(2), z],
        Kind::Binary => [0, 1, 2, 3, 4].map(Partial),
        Kind::Add | Kind::Sub | Kind::Nary => return None,
    };
    // `Local::of`'s fold: `d_a + d_b`, and `(phi_aa + (phi_ab + phi_ab)) + phi_bb`.
    let [da, db, daa, dab, dbb] = if folded {
        let add = |x: Read<T>, y: Read<T>| match (x, y) {
            (Constant(x), Constant(y)) => Some(Constant(x + y)),
            (Partial(s), Partial(t)) => Some(Read::Sum(s, t)),
            _ => None,
        };
        let curvature = add(add(daa, add(dab, dab)?)?, dbb)?;
        [add(da, db)?, z, curvature, z, z]
    } else {
        [da, db, daa, dab, dbb]
    };
    // `product(false, d, t)` is `t * d`.
    Some(match b {
        0 => Formula::Read(da),
        1 => Formula::Read(db),
        2 => Formula::Product(da, da),
        3 => Formula::Product(db, db),
        4 => Formula::Product(db, da),
        5 => Formula::Product(Read::Adjoint, daa),
        6 => Formula::Product(Read::Adjoint, dab),
        _ => Formula::Product(Read::Adjoint, dbb),
    })
}

#[cfg(test)]
mod tests {
    use super::super::node::Curvature;
    use super::*;

    /// Every formula is `edge_local::factors` of `Local::of`, bit for bit: for
    /// every kind with fixed partials, operands distinct or the same, partials
    /// and adjoints ordinary, zero, signed zero, infinite and not a number.
    #[test]
    fn formulas_are_the_factors_of_local() {
        let numbers = [
            1.5,
            -0.75,
            0.0,
            -0.0,
            3.0e300,
            f64::INFINITY,
            f64::NAN,
            1e-310,
        ];
        let read = |x: Read<f64>, q: &[f64], vb: f64| match x {
            Read::Partial(s) => q[s],
            Read::Sum(s, t) => q[s] + q[t],
            Read::Adjoint => vb,
            Read::Constant(v) => v,
        };
        let mut checked = 0;
        for kind in Kind::ALL {
            let width = kind.width();
            for (a, b) in [(3, 5), (4, 4)] {
                let node = Node::new(kind, a, b, Curvature::LINEAR);
                for k in 0..numbers.len() {
                    let q: Vec<f64> = (0..width).map(|s| numbers[(k + 3 * s) % 8]).collect();
                    let vb = numbers[(k + 5) % 8];
                    if kind == Kind::Nary {
                        continue;
                    }
                    let all = factors(false, &Local::of(node, &q), vb);
                    for (bit, &want) in all.iter().enumerate() {
                        let Some(formula) = formula::<f64>(kind, a == b, bit) else {
                            continue;
                        };
                        let got = match formula {
                            Formula::Read(x) => read(x, &q, vb),
                            Formula::Product(x, y) => read(x, &q, vb) * read(y, &q, vb),
                        };
                        assert_eq!(got.to_bits(), want.to_bits(), "{kind:?} {a} {b} {bit}");
                        checked += 1;
                    }
                }
            }
        }
        // Six kinds with distinct operands, and the folds written as one sum
        // (Linear's and Mul's); eight factors, eight points.
        assert_eq!(checked, (6 + 2) * 8 * 8);
    }
}
