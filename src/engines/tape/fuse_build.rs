//! Fusion's forward pass (see `fuse`, and `fuse_marks` for the marks it reads):
//! each kept node appended after the recorded ones (which it still reads),
//! renumbered, with its partials and adjoint; a root as an n-ary node of its
//! leaves, a chain's as the backward pass collected them, any other's by
//! expanding it: depth first from the root, right to left, each leaf with the
//! product of the coefficients on its path, then reversed.

use super::fuse_marks::{CHAINED, FOLDED, INDEX, ROOT, START, scales};
use super::node::{MAX_TERMS, Node, Stream, Terms};
use crate::scalar::Scalar;

/// The forward pass's state: the marks and chains the backward passes left, and
/// the expansion's stack.
pub(super) struct Forward<'a, T> {
    pub n: usize,
    pub marks: &'a [u32],
    /// How many nodes fold: a kept node's new index is its mark's index less it.
    pub folded: u32,
    /// The chains not used yet (see `fuse_marks::chains`): the next root's last.
    pub chains: &'a [(u32, T)],
    pub stack: &'a mut Vec<(u32, T)>,
}

impl<T: Scalar> Forward<'_, T> {
    /// The forward pass over nodes `n + 1..=last`: appends the kept nodes (their
    /// partials, adjoints and, for the n-ary ones, terms after the first `side`)
    /// after the recorded ones. `false` when fusion gives up.
    pub fn run(
        &mut self,
        stream: &mut Stream<T>,
        terms: &mut Terms<T>,
        adjoints: &mut Vec<T>,
        last: usize,
        side: usize,
    ) -> bool {
        let marks = self.marks;
        // Where the last kept node's partials end: a kept node after a folded one
        // starts where that one ends, its start (in its mark) plus its width.
        let (mut before, mut end) = (self.n, 0);
        for (&mark, k) in marks[self.n + 1..last + 1].iter().zip(self.n + 1..) {
            if mark & FOLDED != 0 {
                continue;
            }
            let start = if before + 1 == k {
                end
            } else {
                (marks[k - 1] & START) as usize + stream.nodes[k - 1].width()
            };
            let node = stream.nodes[k];
            let kept = if mark & ROOT != 0 {
                let at = terms.ops.len();
                if !self.leaves(stream, terms, node, mark, start)
                    || terms.ops.len() - side > MAX_TERMS
                {
                    return false;
                }
                Node::nary((at - side) as u32)
            } else {
                // (Every n-ary node is a root here.)
                for j in start..start + node.width() {
                    stream.partials.push(stream.partials[j]);
                }
                node.with_operands(self.index(node.a()), self.index(node.b()))
            };
            stream.nodes.push(kept);
            adjoints.push(adjoints[k]);
            (before, end) = (k, start + node.width());
        }
        true
    }

    /// Kept node `o`'s new index.
    fn index(&self, o: usize) -> u32 {
        (self.marks[o] & INDEX) - self.folded
    }

    /// Appends root `node`'s terms (its mark `mark`, its partials at `start`) to
    /// `terms`: their count, then its leaves, left to right. A chain's are its
    /// leaves below the root, then the root's right one, when the root's left
    /// scale is 1 (else, and for any other root, expanded). `false` when fusion
    /// gives up.
    fn leaves(
        &mut self,
        stream: &Stream<T>,
        terms: &mut Terms<T>,
        node: Node,
        mark: u32,
        start: usize,
    ) -> bool {
        let at = terms.ops.len();
        terms.ops.push(0);
        terms.coefs.push(T::zero());
        let mut chained = false;
        if mark & CHAINED != 0 {
            let [rest @ .., (count, _)] = self.chains else {
                unreachable!("a chained root has its chain")
            };
            let (rest, leaves) = rest.split_at(rest.len() - *count as usize);
            self.chains = rest;
            let (sa, sb) = scales(node, &stream.partials, start);
            // (`sa == 1` in every part: `==` may look at the value only.)
            if (sa - T::one()).is_zero() {
                terms.ops.extend(leaves.iter().rev().map(|l| l.0));
                terms.ops.push(self.index(node.b()));
                terms.coefs.extend(leaves.iter().rev().map(|l| l.1));
                terms.coefs.push(sb);
                chained = true;
            }
        }
        if !chained {
            let tape = Tape {
                nodes: &stream.nodes,
                partials: &stream.partials,
                marks: self.marks,
                folded: self.folded,
            };
            if !expand(&tape, node, start, self.stack, terms) {
                return false;
            }
            terms.ops[at + 1..].reverse();
            terms.coefs[at + 1..].reverse();
        }
        terms.ops[at] = (terms.ops.len() - at - 1) as u32;
        true
    }
}

/// What a root's expansion reads: the recorded tape and the marks (and how many
/// nodes fold: a kept node's new index is its mark's index less it).
struct Tape<'a, T> {
    nodes: &'a [Node],
    partials: &'a [T],
    marks: &'a [u32],
    folded: u32,
}

/// Appends root `node`'s leaves (its partials at `start`) to `terms` (after what
/// it holds, which n-ary nodes' offsets still point into), right to left, each
/// with the product of the coefficients on its path: depth first, a two-operand
/// sum's right operand emitted when a leaf (else followed, the left one
/// stacked), then its left operand followed (a chain `((a + b) + c) + ..`
/// descends without the stack); an n-ary sum's items stacked. `false` when a
/// product is not finite, or underflows to zero from nonzero factors.
fn expand<T: Scalar>(
    tape: &Tape<'_, T>,
    node: Node,
    start: usize,
    stack: &mut Vec<(u32, T)>,
    terms: &mut Terms<T>,
) -> bool {
    let &Tape {
        nodes,
        partials,
        marks,
        folded,
    } = tape;
    let mut ok = true;
    let one = T::one();
    // `c m` on a path whose product so far, `m`, is not 1 (a unit path keeps `c`
    // itself, exactly).
    let mut times = |c: T, m: T| {
        let cm = c * m;
        ok &= cm.is_finite() && !(cm.is_zero() && !c.is_zero() && !m.is_zero());
        cm
    };
    // (`m - 1` zero in every part: `==` may look at the value only.)
    let unit = |m: T| (m - one).is_zero();
    let leaf = |terms: &mut Terms<T>, mark: u32, c: T| {
        terms.ops.push((mark & INDEX) - folded);
        terms.coefs.push(c);
    };
    stack.clear();
    // `node` is a sum to expand, its partials at `start`, its coefficient `m`.
    let (mut node, mut start, mut m) = (node, start, one);
    loop {
        if node.is_nary() {
            let unit = unit(m);
            for i in node.terms(&terms.ops) {
                let c = terms.coefs[i];
                stack.push((terms.ops[i], if unit { c } else { times(c, m) }));
            }
        } else {
            let (sa, sb) = scales(node, partials, start);
            let (ma, mb) = if unit(m) {
                (sa, sb)
            } else {
                (times(sa, m), times(sb, m))
            };
            let (a, b) = (node.a(), node.b());
            let mark = marks[b];
            if mark & FOLDED != 0 {
                stack.push((a as u32, ma));
                (node, start, m) = (nodes[b], (mark & START) as usize, mb);
                continue;
            }
            leaf(terms, mark, mb);
            let mark = marks[a];
            if mark & FOLDED != 0 {
                (node, start, m) = (nodes[a], (mark & START) as usize, ma);
                continue;
            }
            leaf(terms, mark, ma);
        }
        // The next sum to expand: the stack's top; leaves on the way emitted.
        loop {
            let Some((o, c)) = stack.pop() else {
                return ok;
            };
            let mark = marks[o as usize];
            if mark & FOLDED != 0 {
                (node, start, m) = (nodes[o as usize], (mark & START) as usize, c);
                break;
            }
            leaf(terms, mark, c);
        }
    }
}
