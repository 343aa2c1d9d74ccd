//! [`NodeLoops`]: the loops of a tape found again (a body of nodes repeated, every
//! operand shifted by a constant per repetition: what a loop over the terms of a
//! sum records), for the rolled sweeps (`sweep_rolled`, `hvp_rolled`).
//!
//! A loop is kept when every node of a repetition reads only earlier nodes of its
//! own repetition or nodes before the loop. What several repetitions add to a node
//! before the loop is listed as a contribution kept aside ([`Aside`]), in the
//! order the node-by-node sweep adds them within a repetition.

use super::loops;
use super::loops::BLOCK;
use super::node::{Kind, Node, Stream};

/// An operand's contribution goes straight to a node of the loop.
pub(super) const INSIDE: u32 = u32::MAX;

/// A body node: its operands' shifts per repetition, where its partials start in
/// a repetition's, and for each operand, which contribution kept aside it is
/// (`INSIDE` for an operand in the loop).
#[derive(Clone, Copy, Debug)]
pub(super) struct BodyNode {
    pub(super) da: i32,
    pub(super) db: i32,
    pub(super) at: u32,
    pub(super) aside_a: u32,
    pub(super) aside_b: u32,
}

/// A contribution kept aside: added to node `to + r * shift` at repetition `r`,
/// subtracted for the second operand of a difference.
#[derive(Clone, Copy, Debug)]
pub(super) struct Aside {
    pub(super) to: u32,
    pub(super) shift: i32,
    pub(super) sub: bool,
}

/// A loop of the tape: `reps` repetitions of the `len` nodes from `first`,
/// `width` partials each; its body nodes and contributions kept aside.
#[derive(Clone, Copy, Debug)]
pub(super) struct NodeLoop {
    pub(super) first: u32,
    pub(super) len: u32,
    pub(super) reps: u32,
    pub(super) width: u32,
    pub(super) body: u32,
    pub(super) aside: u32,
    pub(super) asides: u32,
}

/// The loops of a tape (see the module documentation).
#[derive(Debug, Default)]
pub(crate) struct NodeLoops {
    pub(super) loops: Vec<NodeLoop>,
    pub(super) body: Vec<BodyNode>,
    pub(super) asides: Vec<Aside>,
    /// The nodes they were found on.
    nodes: usize,
}

/// `y`'s operands minus `x`'s when both are the same kind with the same flags (an
/// n-ary node never is).
fn shift_of(x: Node, y: Node) -> Option<[i64; 3]> {
    let flags =
        |n: Node| n.structure() & !(u64::from(u32::MAX >> 5) << 32 | u64::from(u32::MAX >> 5));
    (flags(x) == flags(y) && !x.is_nary())
        .then(|| [0, y.a() as i64 - x.a() as i64, y.b() as i64 - x.b() as i64])
}

impl NodeLoops {
    /// The loops among nodes `n + 1..` of `stream` (`n` inputs).
    pub(crate) fn find<T>(stream: &Stream<T>, n: usize) -> Self {
        let nodes = &stream.nodes[..];
        let mut found = NodeLoops {
            nodes: nodes.len(),
            ..NodeLoops::default()
        };
        let mut i = n + 1;
        while i < nodes.len() {
            match loops::longest(nodes.len(), i, |x, y| shift_of(nodes[x], nodes[y])) {
                Some((k, reps)) if found.push(nodes, i, k, reps) => i += k * reps,
                _ => i += 1,
            }
        }
        found.loops.shrink_to_fit();
        found.body.shrink_to_fit();
        found.asides.shrink_to_fit();
        found
    }

    /// Adds the loop of `reps` repetitions of the `k` nodes from `first`, when
    /// every operand is a node of its own repetition before it, or a node before
    /// the loop at every repetition.
    fn push(&mut self, nodes: &[Node], first: usize, k: usize, reps: usize) -> bool {
        let end = first + k * reps;
        let (body, asides) = (self.body.len(), self.asides.len());
        let mut at = 0;
        let mut kept = Vec::new();
        for j in 0..k {
            let (x, y) = (nodes[first + j], nodes[first + k + j]);
            let d = shift_of(x, y).expect("a loop");
            let kind = x.kind();
            let operands: &[usize] = match kind {
                Kind::Scale | Kind::Unary => &[1],
                _ => &[1, 2],
            };
            let mut aside = [INSIDE; 3];
            for &f in operands {
                let o = if f == 1 { x.a() } else { x.b() } as i64;
                let last = o + d[f] * (reps as i64 - 1);
                if o >= first as i64 && o < (first + j) as i64 && d[f] == k as i64 {
                    continue; // in its own repetition, before
                }
                if o.max(last) >= first as i64 || o.min(last) < 0 || last >= end as i64 {
                    self.body.truncate(body);
                    return false;
                }
                aside[f] = kept.len() as u32;
                kept.push((
                    j,
                    f,
                    Aside {
                        to: o as u32,
                        shift: d[f] as i32,
                        sub: kind == Kind::Sub && f == 2,
                    },
                ));
            }
            self.body.push(BodyNode {
                da: d[1] as i32,
                db: d[2] as i32,
                at: at as u32,
                aside_a: aside[1],
                aside_b: aside[2],
            });
            at += x.width();
        }
        // Kept aside in the order the node-by-node sweep adds them within a
        // repetition: later nodes first, `a` before `b`.
        let mut order: Vec<usize> = (0..kept.len()).collect();
        order.sort_by_key(|&e| (std::cmp::Reverse(kept[e].0), kept[e].1));
        let mut rank = vec![0u32; kept.len()];
        for (r, &e) in order.iter().enumerate() {
            rank[e] = r as u32;
            self.asides.push(kept[e].2);
        }
        for b in &mut self.body[body..] {
            if b.aside_a != INSIDE {
                b.aside_a = rank[b.aside_a as usize];
            }
            if b.aside_b != INSIDE {
                b.aside_b = rank[b.aside_b as usize];
            }
        }
        self.loops.push(NodeLoop {
            first: first as u32,
            len: k as u32,
            reps: reps as u32,
            width: at as u32,
            body: body as u32,
            aside: asides as u32,
            asides: kept.len() as u32,
        });
        true
    }

    /// The loops, first to last.
    pub(super) fn loops(&self) -> &[NodeLoop] {
        &self.loops
    }

    /// A loop's body nodes.
    pub(super) fn body(&self, l: &NodeLoop) -> &[BodyNode] {
        &self.body[l.body as usize..][..l.len as usize]
    }

    /// Bytes held.
    pub(crate) fn bytes(&self) -> usize {
        self.loops.capacity() * std::mem::size_of::<NodeLoop>()
            + self.body.capacity() * std::mem::size_of::<BodyNode>()
            + self.asides.capacity() * std::mem::size_of::<Aside>()
    }

    /// The most contributions one block of a loop keeps aside (the scratch its
    /// sweeps need).
    pub(crate) fn scratch(&self) -> usize {
        let most = |l: &NodeLoop| (l.reps as usize).min(BLOCK) * l.asides as usize;
        self.loops.iter().map(most).max().unwrap_or(0)
    }

    /// Whether these loops were found on `stream` (the same nodes).
    pub(crate) fn fits<T>(&self, stream: &Stream<T>) -> bool {
        self.nodes == stream.nodes.len()
    }
}

#[cfg(test)]
mod tests {
    use super::NodeLoops;
    use crate::scalar::Scalar;
    use crate::tape::loops::examples::rosenbrock;
    use crate::tape::{Recorded, Var};

    /// The loops found on `f`'s tape at `n` inputs: (body length, repetitions).
    fn loops_of(f: impl Fn(&[Var]) -> Var, n: usize) -> Vec<(u32, u32)> {
        let x: Vec<f64> = (0..n).map(|i| (i as f64 * 0.7).sin()).collect();
        let rec = Recorded::new_replayable(f, &x).unwrap();
        let found = NodeLoops::find(&rec.buffers().stream, n);
        found.loops.iter().map(|l| (l.len, l.reps)).collect()
    }

    #[test]
    fn loops_are_rolled_only_where_a_repetition_reads_its_own_or_earlier_nodes() {
        // Rosenbrock's terms: five nodes each (the sum after them is n-ary).
        assert_eq!(loops_of(|x| rosenbrock(x), 20), [(5, 19)]);
        // A term reading the previous term's value (`t`) and sum (`s`): not
        // rolled.
        let previous = |x: &[Var]| {
            let mut t = x[0];
            let mut s = Var::from_f64(0.0);
            for &xi in &x[1..] {
                t = xi * t.sin() + xi.cos();
                s += t;
            }
            s
        };
        assert!(
            loops_of(previous, 20).is_empty(),
            "{:?}",
            loops_of(previous, 20)
        );
    }
}
