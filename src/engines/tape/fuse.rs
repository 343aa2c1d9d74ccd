//! Fusion of linear chains into n-ary nodes, once a recording is finished (its
//! outputs known): a sum built term by term (`acc = acc + x[j] * c`, `acc += ..`,
//! sums of sums) records a chain of two-operand linear nodes; each of them that is
//! used exactly once, by another linear node, and is not an output, is folded into
//! its user, so the chain becomes one [`Kind::Nary`](super::node::Kind::Nary)
//! node (4 + 8 bytes per term, one gather and one scatter per sweep instead of a
//! node, two partials and two updates per term).
//!
//! What stays: every kept node's value, partials and adjoint (the folded nodes are
//! intermediates nothing else reads), so the value and gradient computed while
//! recording stand, and every derivative of the outputs is unchanged up to the
//! order of a sum (a folded chain's tangent is the left fold of its terms, as the
//! chain computed it: bit-identical for unit links such as `acc + x c`; a
//! non-unit link `s` multiplies the coefficients below it once, `(s c) t` instead
//! of `s (c t)`, one rounding).
//!
//! Three passes, linear in the tape, with one mark (a `u32`) per node. Backward,
//! each node's users are counted and its fate decided (`fuse_marks::mark`:
//! folded, or kept with its new index); backward again, the leaves of chains are
//! collected from their roots down (`fuse_marks::chains`: what `acc = acc + x c`
//! records, whose leaves keep their own scales); forward, the kept nodes are
//! appended after the recorded ones, renumbered, with their partials and
//! adjoints, each root as an n-ary node of its leaves, a chain's as collected,
//! any other's by expanding it (`fuse_build`). Then the recorded nodes are
//! dropped and the kept ones moved down (nodes after the output, which it does
//! not depend on, go too). A folded node is met once more after the first pass,
//! by its chain's collection or its root's expansion (a dropped chain's, by
//! both).
//! No allocation once warm: the marks and the chains' leaves are kept with the
//! recording's buffers, and the new side arrays are built after the old ones.
//!
//! It runs only where it pays: when at least one recorded operation in
//! [`LINK_SHARE`] is a *link* (a two-operand sum on the previous sum, or an
//! item of an n-ary sum that is a sum), counted by a light scan first, stopped
//! once the answer is known ([`links_reach`]: the recording itself counts
//! nothing), and only on recordings that will be swept again and again
//! ([`Recorded::fused`]: `hyperhess::record`).
//!
//! Fusion gives up, leaving the tape as recorded, when a folded coefficient is not
//! finite or underflows to zero (the chain's own products would have kept it), or
//! the side arrays would overflow their index space.

use super::fuse_build::Forward;
use super::fuse_marks::{chains as find_chains, mark};
use super::node::{Stream, Terms};
use super::recording::Recorded;
use crate::scalar::{Base, Scalar};

impl<T: Base> Recorded<T> {
    /// This recording with its linear chains fused (see the module's notes), for
    /// callers that sweep it more than once (Hessians, `H v` products): its value
    /// and gradient are those already computed; nothing changes for a recording
    /// that carries a program (a prepared function rewrites its partials in place,
    /// by node position), a vector function's, or one with few links to fold.
    pub(crate) fn fused(mut self) -> Self {
        if self.program.is_some() || !self.outputs.is_empty() {
            return self;
        }
        let (n, output, operations) = (self.inputs(), self.output, self.operations());
        let b = self.buf_mut();
        // Worth a pass only when links are a good part of the tape (a dense
        // Hessian's sweeps then gain several times the pass; see
        // docs/benchmarks.md, "Sums built term by term").
        if !links_reach(
            &b.stream,
            &b.terms,
            n,
            output,
            operations.div_ceil(LINK_SHARE),
        ) {
            return self;
        }
        let scratch = Scratch {
            marks: &mut b.marks,
            chains: &mut b.chains,
            stack: &mut b.scratch,
        };
        if let Some(output) = fuse(
            &mut b.stream,
            &mut b.terms,
            &mut b.adjoints,
            n,
            output,
            scratch,
        ) {
            self.output = output;
        }
        self
    }
}

/// Fusion runs when at least one operation in `LINK_SHARE` is a link (see the
/// module's notes): a dense Hessian of user-style log-sum-exp (97 % links) gains
/// about 10 times the pass; a tape with few links costs one light scan.
const LINK_SHARE: usize = 4;

/// Whether the links among nodes `n + 1..=last` (two-operand sums on the
/// previous sum, the chains of `acc = acc + ..`, and items of n-ary sums that are
/// sums past the inputs) number at least `need`. One light scan (a few bit
/// operations per node, a branch only at n-ary nodes), stopped once the answer is
/// known (a tape of chains, after a quarter of it), so the recording itself
/// counts nothing.
fn links_reach<T>(
    stream: &Stream<T>,
    terms: &Terms<T>,
    n: usize,
    last: usize,
    need: usize,
) -> bool {
    if last <= n {
        // (The output is an input or a constant: nothing to fuse.)
        return false;
    }
    let nodes = &stream.nodes[..=last];
    let (mut prev, mut links) = (usize::MAX, 0);
    let mut k = n;
    for block in nodes[n + 1..].chunks(1024) {
        for node in block {
            k += 1;
            if !node.is_sum() {
                continue;
            }
            if node.is_nary() {
                let items = &terms.ops[node.terms(&terms.ops)];
                links += items
                    .iter()
                    .filter(|&&o| o as usize > n && nodes[o as usize].is_sum())
                    .count();
            } else {
                links += usize::from(node.a() == prev || node.b() == prev);
            }
            prev = k;
        }
        // At most one link per node to come, and one per n-ary item.
        if links >= need || links + (last - k) + terms.ops.len() < need {
            break;
        }
    }
    links >= need
}

/// Fusion's scratch buffers: the marks, the chains' leaves and the expansion's
/// stack.
pub(super) struct Scratch<'a, T> {
    pub marks: &'a mut Vec<u32>,
    pub chains: &'a mut Vec<(u32, T)>,
    pub stack: &'a mut Vec<(u32, T)>,
}

/// Fuses the tape's nodes `0..=last` (`n` inputs; `last` is the output, which
/// stays a node of its own), the kept nodes' adjoints (at least `last + 1`) moved
/// with them: returns the output's new index. `None` when nothing folds, or when
/// fusion gives up (see the module's notes): the tape is then as recorded.
pub(super) fn fuse<T: Scalar>(
    stream: &mut Stream<T>,
    terms: &mut Terms<T>,
    adjoints: &mut Vec<T>,
    n: usize,
    last: usize,
    scratch: Scratch<'_, T>,
) -> Option<usize> {
    if last <= n || last >= stream.nodes.len() || adjoints.len() <= last {
        return None;
    }
    let (marks, chains) = (scratch.marks, scratch.chains);
    marks.clear();
    marks.resize(last + 1, 0);
    let folded = mark(stream, &terms.ops, n, marks);
    if folded == 0 {
        return None;
    }
    // The inputs and the constant slot keep their indices.
    for (o, m) in marks[..=n].iter_mut().enumerate() {
        *m = o as u32 + folded;
    }
    find_chains(stream, n, marks, folded, chains);
    let lens = (
        stream.nodes.len(),
        stream.partials.len(),
        adjoints.len(),
        terms.ops.len(),
    );
    let mut pass = Forward {
        n,
        marks,
        folded,
        chains,
        stack: scratch.stack,
    };
    let done = pass.run(stream, terms, adjoints, last, lens.3);
    let (nodes, partials, adj, side) = lens;
    if !done {
        stream.nodes.truncate(nodes);
        stream.partials.truncate(partials);
        adjoints.truncate(adj);
        terms.ops.truncate(side);
        terms.coefs.truncate(side);
        return None;
    }
    stream.nodes.drain(n + 1..nodes);
    stream.partials.drain(..partials);
    adjoints.drain(n + 1..adj);
    terms.ops.drain(..side);
    terms.coefs.drain(..side);
    Some(last - folded as usize)
}

#[cfg(test)]
mod tests {
    use super::super::recording::Recorded;
    use super::super::var::Var;
    use crate::scalar::Scalar;

    /// `log(sum_k exp(a_k . x)) + |x|^2 / 2`, the dots spelled `acc = acc + x c`.
    #[allow(clippy::assign_op_pattern, clippy::needless_range_loop)]
    fn lse(x: &[Var]) -> Var {
        let n = x.len();
        let mut s = Var::from_f64(0.0);
        for k in 0..n {
            let mut acc = Var::from_f64(0.0);
            for j in 0..n {
                acc = acc + x[j] * (((k * n + j) as f64) * 0.37).sin();
            }
            s = s + acc.exp();
        }
        let mut sq = Var::from_f64(0.0);
        for j in 0..n {
            sq = sq + x[j] * x[j];
        }
        s.ln() + sq * 0.5
    }

    fn lanes<const L: usize>(rec: &Recorded) -> Vec<u64> {
        let n = rec.inputs();
        let mut out = vec![0u64; n * n];
        for j0 in (0..n).step_by(L) {
            rec.sweep::<L>(
                |i, s| {
                    *s = [0.0; L];
                    if (j0..j0 + L).contains(&i) {
                        s[i - j0] = 1.0;
                    }
                },
                |i, r| {
                    for (l, v) in r.iter().enumerate().take(n - j0) {
                        out[i + (j0 + l) * n] = v.to_bits();
                    }
                },
            );
        }
        out
    }

    /// Unit links and chains that reach their inputs once each: the fused sweeps
    /// are the recorded ones bit for bit, and so are value, gradient, sparsity
    /// pattern and independent inputs.
    #[test]
    fn unit_link_chains_fuse_bit_for_bit() {
        let x: Vec<f64> = (0..7).map(|i| (i as f64 * 0.8).cos() * 0.6).collect();
        let plain = Recorded::new(lse, &x).unwrap();
        let fused = Recorded::new(lse, &x).unwrap().fused();
        // 70 nodes recorded (42 links of the dots), 24 kept.
        assert_eq!((plain.operations(), fused.operations()), (70, 24));
        assert_eq!(fused.value().to_bits(), plain.value().to_bits());
        assert_eq!(fused.gradient(), plain.gradient());
        assert_eq!(lanes::<1>(&fused), lanes::<1>(&plain));
        assert_eq!(lanes::<4>(&fused), lanes::<4>(&plain));
        assert_eq!(lanes::<8>(&fused), lanes::<8>(&plain));
        let budget = (usize::MAX, usize::MAX);
        assert_eq!(
            fused.pattern_rows(budget.0, budget.1),
            plain.pattern_rows(budget.0, budget.1)
        );
        assert_eq!(fused.independent_inputs(), plain.independent_inputs());
        // Fusing twice changes nothing more.
        let again = Recorded::new(lse, &x).unwrap().fused().fused();
        assert_eq!(again.operations(), fused.operations());
        assert_eq!(
            again.structure_words().collect::<Vec<_>>(),
            fused.structure_words().collect::<Vec<_>>()
        );
    }

    /// Sums of sums, subtractions, scaled links, a reused chain, an independent
    /// input: the pattern and the independent inputs are the recorded ones, and
    /// the Hessian within the rounding of reordered sums of O(1) terms (a handful
    /// of products each: 64 eps covers the orders of these short sums).
    #[test]
    fn mixed_chains_keep_structure_and_derivatives() {
        fn f(x: &[Var]) -> Var {
            let a = x[0] + x[1] - x[2] * 2.0;
            let b = (a + x[3]) * 0.5 - x[1];
            let c: Var = [a * 3.0, x[4], x[0] - x[4]].into_iter().sum();
            let d = b + c;
            let e = d.sin() * b + (c + x[1]).exp();
            e - d * 0.25
        }
        let x = [0.3, -0.2, 0.5, 0.1, -0.4, 9.0];
        let plain = Recorded::new(f, &x).unwrap();
        let fused = Recorded::new(f, &x).unwrap().fused();
        assert!(fused.operations() < plain.operations());
        let budget = usize::MAX;
        assert_eq!(
            fused.pattern_rows(budget, budget),
            plain.pattern_rows(budget, budget)
        );
        assert_eq!(fused.independent_inputs(), vec![5]);
        assert_eq!(fused.gradient(), plain.gradient());
        for (p, q) in lanes::<2>(&plain).iter().zip(lanes::<2>(&fused)) {
            let (p, q) = (f64::from_bits(*p), f64::from_bits(q));
            assert!((p - q).abs() <= 64.0 * f64::EPSILON, "{p} vs {q}");
        }
    }

    /// An output that is an input (nothing recorded after it, or only what it
    /// does not depend on) is left as it is.
    #[test]
    fn an_input_as_output_leaves_the_tape_as_recorded() {
        let f = |x: &[Var]| {
            let _unused = x[1] + x[2] * 2.0 + x[0];
            x[0]
        };
        let fused = Recorded::new(f, &[1.0, 2.0, 3.0]).unwrap().fused();
        assert_eq!((fused.operations(), fused.gradient()[0]), (2, 1.0));
    }

    /// A coefficient that would underflow to zero (`1e-200 * 1e-200`) stops the
    /// fusion: the tape is swept as recorded.
    #[test]
    fn an_underflowing_coefficient_leaves_the_tape_as_recorded() {
        let f = |x: &[Var]| ((x[0] * 1e-200 + x[1]) * 1e-200 + x[2]).sin();
        let x = [1.0, 1.0, 0.5];
        let plain = Recorded::new(f, &x).unwrap();
        let fused = Recorded::new(f, &x).unwrap().fused();
        assert_eq!(fused.operations(), plain.operations());
        let _ = Scalar::value(&fused.value());
    }
}
