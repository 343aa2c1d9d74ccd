//! Fusion's backward passes (see `fuse`): one mark (a `u32`) per node, then the
//! leaves of the chains.
//!
//! Every user of a node comes after it, so when the first pass, going backward,
//! reaches a node its use count is final: it decides then whether the node folds
//! (a sum used once, by a sum, not the output) and marks it: folded, with where
//! its partials start (its user then a *root*, when kept), or kept, with its new
//! index offset by the folds after it (the offset is known at the end).
//!
//! A *chain* is what `acc = acc + x c` records: links, each a two-operand sum
//! folded into the next as its left operand, whose right operand is kept. The
//! second pass meets a chain from its root down, in the order its leaves come
//! right to left, and collects them (a root then need not be expanded, see
//! `fuse_build`), where that is exactly what the expansion would give: every
//! left scale above a fold exactly 1, so that the path's product stays 1 and each
//! leaf keeps its own scale, as the expansion's unit paths do. Anything else
//! drops the chain; its root is expanded.

use super::node::{Kind, Node, Stream};
use crate::scalar::Scalar;

/// A node's mark while the pass counts its users: none yet (0), the one user's
/// index (with [`BY_CURVED`] when that is not a sum), or `MANY` (several operand
/// slots, or the output): never folded.
const MANY: u32 = u32::MAX;
/// Mark bit of a node used once, by a node that is not a sum (never folded).
const BY_CURVED: u32 = 1 << 30;
/// Mark bit of a folded node; the bits in [`START`] hold where its partials start.
pub(super) const FOLDED: u32 = 1 << 31;
/// Mark bit of a kept node that becomes n-ary: a root, or an n-ary node already.
pub(super) const ROOT: u32 = 1 << 30;
/// Mark bit of a root whose leaves are a chain's, collected by [`chains`].
pub(super) const CHAINED: u32 = 1 << 29;
/// A folded node's mark: where its partials start.
pub(super) const START: u32 = ROOT - 1;
/// A kept node's mark: its index plus the number of folds after it.
pub(super) const INDEX: u32 = CHAINED - 1;

/// The first pass, over nodes `n + 1..=last` of `stream` (`marks`, of length
/// `last + 1`, all zero): marks them (see the module's notes), returns how many
/// fold.
pub(super) fn mark<T>(stream: &Stream<T>, ops: &[u32], n: usize, marks: &mut [u32]) -> u32 {
    let last = marks.len() - 1;
    let nodes = &stream.nodes[..=last];
    let mut end = stream.partials_end(last);
    marks[last] = MANY;
    let mut folded = 0u32;
    for (&node, k) in nodes[n + 1..].iter().zip(n + 1..last + 1).rev() {
        end -= node.width();
        // Final: every user of `k` comes after it.
        let user = marks[k];
        let sum = node.is_sum();
        marks[k] = if sum && user.wrapping_sub(1) < BY_CURVED - 1 {
            // One user, a sum. (A folded user's `ROOT` bit is ignored.)
            marks[user as usize] |= ROOT;
            folded += 1;
            FOLDED | end as u32
        } else {
            k as u32 + folded
        };
        let by = k as u32 | if sum { 0 } else { BY_CURVED };
        // (The inputs' and the constant slot's marks are set afterwards.)
        let mut used = |o: usize| {
            if o > n {
                let m = &mut marks[o];
                *m = if *m == 0 { by } else { MANY };
            }
        };
        if node.is_nary() {
            for &o in &ops[node.terms(ops)] {
                used(o as usize);
            }
            marks[k] |= ROOT;
        } else {
            used(node.a());
            used(node.b());
        }
    }
    folded
}

/// The second pass, over nodes `n + 1..=last` (the marks final, `folded` of
/// them folded): puts the chains' leaves below their roots in `chains`, the last
/// root's first, each chain's right to left (their new indices and scales) then
/// their count, and marks their roots [`CHAINED`]. A root's own right leaf, and
/// whether its left scale is 1, are for the forward pass, which reads its
/// partials. One chain at a time: a root met while a chain is being collected
/// (one within its span, as the dots of `s = s + dot(a_k, x).exp()` written in
/// one loop are in `s`'s, or one interleaved with it) is expanded.
pub(super) fn chains<T: Scalar>(
    stream: &Stream<T>,
    n: usize,
    marks: &mut [u32],
    folded: u32,
    chains: &mut Vec<(u32, T)>,
) {
    let last = marks.len() - 1;
    let (nodes, partials) = (&stream.nodes[..=last], &stream.partials[..]);
    let one = T::one();
    // `s == 1` in every part (`==` may look at the value only).
    let unit = |s: T| (s - one).is_zero();
    let index = |mark: u32| (mark & INDEX) - folded;
    chains.clear();
    #[cfg(test)]
    if tests::NO_CHAINS.with(std::cell::Cell::get) {
        return;
    }
    // The chain being collected: the left operand it goes on with (none: 0, the
    // constant slot, which never comes), the left scale that reaches it, its
    // root and where its leaves start in `chains`.
    let (mut next, mut scale, mut root, mut from) = (0, one, 0, 0);
    for k in (n + 1..last + 1).rev() {
        let mark = marks[k];
        if k == next {
            let node = nodes[k];
            if mark & FOLDED == 0 {
                // `k`, kept, is the last link's left leaf.
                chains.push((index(mark), scale));
            } else if node.is_nary() || !unit(scale) || marks[node.b()] & FOLDED != 0 {
                // Not a chain.
                chains.truncate(from);
                next = 0;
                continue;
            } else {
                // A link: its right leaf, then on with its left operand (an
                // input: the last leaf).
                let (sa, sb) = scales(node, partials, (mark & START) as usize);
                chains.push((index(marks[node.b()]), sb));
                (next, scale) = (node.a(), sa);
                if next > n {
                    continue;
                }
                chains.push((next as u32, scale));
            }
            chains.push(((chains.len() - from) as u32, T::zero()));
            marks[root] |= CHAINED;
            next = 0;
        } else if next == 0 && mark & (FOLDED | ROOT) == ROOT {
            // A root: a chain's when it is not n-ary and its right operand is
            // kept (its left one is then folded).
            let node = nodes[k];
            if !node.is_nary() && marks[node.b()] & FOLDED == 0 {
                from = chains.len();
                (next, scale, root) = (node.a(), one, k);
            }
        }
    }
}

/// A two-operand sum's scales `(sa, sb)`: `(1, 1)` for an `Add`, `(1, -1)` for a
/// `Sub`, a `Linear`'s partials at `start`.
#[inline(always)]
pub(super) fn scales<T: Scalar>(node: Node, partials: &[T], start: usize) -> (T, T) {
    let one = T::one();
    if node.is(Kind::Linear) {
        let [sa, sb]: [T; 2] = partials[start..start + 2].try_into().unwrap();
        (sa, sb)
    } else if node.is(Kind::Add) {
        (one, one)
    } else {
        (one, -one)
    }
}

#[cfg(test)]
mod tests {
    use super::super::recording::Recorded;
    use super::super::var::Var;
    use super::{CHAINED, chains, mark};
    use crate::scalar::Scalar;
    use std::cell::Cell;

    thread_local! {
        /// No chains collected: every root expanded (to check the two agree).
        pub(super) static NO_CHAINS: Cell<bool> = const { Cell::new(false) };
    }

    fn program(seed: u64, len: usize) -> impl Fn(&[Var]) -> Var {
        move |x: &[Var]| {
            let mut rng = seed.wrapping_mul(0x9E3779B97F4A7C15) | 1;
            let mut next = move || {
                rng = rng
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                (rng >> 33) as usize
            };
            let mut vals: Vec<Var> = x.to_vec();
            let coef = |r: usize| match r % 41 {
                0 => 1.0,
                1 => -1.0,
                2 => 0.5,
                3 => 0.3,
                4 => 1e-200,
                7..=20 => 1.0,
                5 => 2.0,
                _ => (r as f64 * 0.37).sin(),
            };
            for _ in 0..len {
                let m = vals.len();
                let pick = |near: bool, r: usize| {
                    if near { m - 1 - r % m.min(2) } else { r % m }
                };
                let (r1, r2, r3, r4, r5) = (next(), next(), next(), next(), next());
                let (i, j) = (pick(r1 % 4 != 0, r2), pick(r3 % 2 == 0, r4));
                let third = pick(false, r5);
                let (a, b) = (vals[i], vals[j]);
                let c = coef(next());
                let v = match next() % 12 {
                    0 | 1 => a + b,
                    2 => a - b,
                    3 => a * c + b,
                    4 => a + b * c,
                    5 => (a + b) * c,
                    6 => a * b,
                    7 => a.sin(),
                    8 => [a, b * c, vals[third]].into_iter().sum(),
                    9 => -a + b,
                    10 => a * c - b * 0.25,
                    _ => a + x[next() % x.len()] * c,
                };
                vals.push(v);
            }
            let k = vals.len();
            let mut out = vals[k - 1];
            for v in &vals[k.saturating_sub(5)..k - 1] {
                out += (*v).sin() * 0.5;
            }
            out
        }
    }

    #[allow(clippy::assign_op_pattern, clippy::needless_range_loop)]
    fn structured(which: usize) -> impl Fn(&[Var]) -> Var {
        move |x: &[Var]| {
            let n = x.len();
            let c = |j: usize| ((j as f64) * 0.37 + which as f64).sin() * 1.3;
            match which % 12 {
                0 => {
                    // lse-like rows.
                    let mut s = Var::from_f64(0.0);
                    for k in 0..n {
                        let mut acc = Var::from_f64(0.0);
                        for j in 0..n {
                            acc = acc + x[j] * c(k * n + j);
                        }
                        s = s + acc.exp();
                    }
                    let mut sq = Var::from_f64(0.0);
                    for j in 0..n {
                        sq = sq + x[j] * x[j];
                    }
                    s.ln() + sq * 0.5
                }
                1 => {
                    // Interleaved accumulators.
                    let (mut s1, mut s2) = (x[0] * 0.5, x[1] * 0.25);
                    for j in 0..n {
                        s1 = s1 + x[j] * c(j);
                        s2 = s2 - x[j] * c(j + 1);
                    }
                    (s1 * s2).sin()
                }
                2 => {
                    // Non-unit links.
                    let mut acc = x[0];
                    for j in 1..n {
                        acc = (acc + x[j]) * c(j);
                    }
                    acc * acc
                }
                3 => {
                    // Kept nodes between the links.
                    let mut acc = Var::from_f64(0.0);
                    for j in 0..n {
                        acc = acc + x[j] * x[j].sin();
                    }
                    acc.exp()
                }
                4 => {
                    // Right chains.
                    let mut acc = x[0] * 2.0;
                    for j in 1..n {
                        acc = x[j] * c(j) + acc;
                    }
                    acc * x[0]
                }
                5 => {
                    // A chain continued after a sum of sums, and a reused link.
                    let s: Var = (0..n).map(|j| x[j] * c(j) + x[(j + 1) % n]).sum();
                    let mut acc = s;
                    for j in 0..n {
                        acc = acc + x[j] * c(2 * j);
                    }
                    let mid = acc;
                    for j in 0..n {
                        acc = acc - x[j];
                    }
                    (acc * mid).cos()
                }
                6 => {
                    // Chains whose right operand is a sum.
                    let mut acc = x[0] + x[1];
                    for j in 0..n {
                        acc = acc + (x[j] * c(j) + x[(j + 2) % n] * 0.5);
                    }
                    acc.sin() * acc
                }
                7 => {
                    // A chain ending in the output.
                    let mut acc = x[0] * x[1];
                    for j in 0..n {
                        acc = acc + x[j] * c(j);
                    }
                    acc
                }
                8 => {
                    // Scaled first link, unit rest; a scaled root.
                    let mut acc = (x[0] + x[1]) * 3.0;
                    for j in 2..n {
                        acc = acc + x[j];
                    }
                    (acc * 0.5 + x[0]).exp()
                }
                9 => {
                    // Two chains feeding one sum.
                    let (mut a, mut b) = (Var::from_f64(0.0), Var::from_f64(0.0));
                    for j in 0..n {
                        a = a + x[j] * c(j);
                    }
                    for j in 0..n {
                        b = b + x[j] * c(j + 7);
                    }
                    (a + b).sin() + (a - b) * 0.5
                }
                10 => {
                    // Underflowing products in a chain.
                    let mut acc = x[0] * 1e-160;
                    for j in 1..n {
                        acc = (acc + x[j] * 1e-160) * 1e-160;
                    }
                    acc.sin() + x[0]
                }
                _ => {
                    // A chain's link used twice.
                    let mut acc = x[0] * 0.1;
                    let mut keep = acc;
                    for j in 0..n {
                        acc = acc + x[j] * c(j);
                        if j == n / 2 {
                            keep = acc;
                        }
                    }
                    acc.exp() * keep
                }
            }
        }
    }

    /// Everything a fused recording holds, bit for bit.
    type Tape = (usize, Vec<u64>, Vec<u64>, Vec<u32>, Vec<u64>, Vec<u64>);

    /// `f` recorded at `x` and fused, with or without collecting chains.
    fn fused(f: impl Fn(&[Var]) -> Var, x: &[f64], collect: bool) -> Option<Tape> {
        let rec = Recorded::new(f, x).ok()?;
        NO_CHAINS.with(|c| c.set(!collect));
        let rec = rec.fused();
        NO_CHAINS.with(|c| c.set(false));
        let b = rec.buf();
        let bits = |v: &[f64]| v.iter().map(|p| p.to_bits()).collect();
        Some((
            rec.operations(),
            b.stream.nodes.iter().map(|n| n.structure()).collect(),
            bits(&b.stream.partials),
            b.terms.ops.clone(),
            bits(&b.terms.coefs),
            bits(&b.adjoints),
        ))
    }

    /// A chain's leaves as collected are exactly those the expansion finds:
    /// same tape, bit for bit, on chains of every shape (unit and scaled links,
    /// kept nodes between links, interleaved and right-leaning chains, sums as
    /// right operands, reused links, underflowing products) and on random
    /// programs.
    #[test]
    fn collected_chains_are_the_expansion() {
        let point = |n: usize| {
            (0..n)
                .map(|i| ((i + 1) as f64 * 0.7).cos())
                .collect::<Vec<_>>()
        };
        for which in 0..24 {
            for n in [2, 3, 5, 9, 17] {
                let (f, x) = (structured(which), point(n));
                assert_eq!(fused(&f, &x, true), fused(&f, &x, false), "{which}, {n}");
            }
        }
        for seed in 0..3000u64 {
            let x = point(1 + (seed as usize % 7));
            let f = program(seed, 1 + (seed as usize * 7) % 150);
            assert_eq!(fused(&f, &x, true), fused(&f, &x, false), "seed {seed}");
        }
    }

    /// Log-sum-exp's dots and its sum of exponentials are chains (collected); the
    /// output, whose right operand is the sum of squares (a chain scaled by 1/2),
    /// is expanded; so are the dots when each is summed within the loop that
    /// computes it (within the span of the chain of the sum).
    #[test]
    fn loops_of_products_are_collected() {
        #[allow(clippy::needless_range_loop)]
        fn lse(x: &[Var]) -> Var {
            let n = x.len();
            let mut dots = Vec::new();
            for k in 0..n {
                let mut acc = Var::from_f64(0.0);
                for j in 0..n {
                    acc += x[j] * ((k * n + j) as f64 * 0.37).sin();
                }
                dots.push(acc);
            }
            let mut s = Var::from_f64(0.0);
            for d in dots {
                s += d.exp();
            }
            let mut sq = Var::from_f64(0.0);
            for xj in x {
                sq += *xj * *xj;
            }
            s.ln() + sq * 0.5
        }
        let chained = |f: &dyn Fn(&[Var]) -> Var, n: usize| {
            let x: Vec<f64> = (0..n).map(|i| (i as f64 * 0.3).sin()).collect();
            let mut rec = Recorded::new(f, &x).unwrap();
            let last = rec.output;
            let b = rec.buf_mut();
            let mut marks = vec![0; last + 1];
            let folded = mark(&b.stream, &b.terms.ops, n, &mut marks);
            let mut found = Vec::new();
            chains(&b.stream, n, &mut marks, folded, &mut found);
            assert_eq!(marks[last] & CHAINED, 0);
            marks.iter().filter(|&&m| m & CHAINED != 0).count()
        };
        assert_eq!(chained(&lse, 9), 9 + 1);
        assert_eq!(chained(&structured(0), 9), 2);
    }
}
