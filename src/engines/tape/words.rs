//! A recording's structure words: its operations (kind, operands, curvature
//! flags) as one word each, compared exactly to tell whether two recordings ran the
//! same operations (and so have the same sparsity patterns).

use super::node::Node;
use super::recording::Recorded;
use crate::scalar::Base;

impl<T: Base> Recorded<T> {
    /// Whether this recording ran exactly the operations whose structure words are
    /// `stored` (see [`Recorded::structure_words`]), compared word by word.
    pub(crate) fn has_structure(&self, stored: &[u64]) -> bool {
        if self.structure_len() != stored.len() {
            return false;
        }
        let b = self.buf();
        let nodes = &b.stream.nodes[..self.sweep_len()];
        let (node_words, rest) = stored.split_at(nodes.len());
        let (op_words, output_words) = rest.split_at(self.terms_len());
        // Chunks compared without early exit inside (the loop vectorizes), with an
        // early exit between them.
        const CHUNK: usize = 64;
        let same_nodes = nodes
            .chunks(CHUNK)
            .zip(node_words.chunks(CHUNK))
            .all(|(n, w)| {
                n.iter()
                    .zip(w)
                    .fold(true, |same, (n, &w)| same & (n.structure() == w))
            });
        same_nodes
            && b.terms.ops[..op_words.len()]
                .iter()
                .zip(op_words)
                .all(|(&o, &w)| u64::from(o) == w)
            && self
                .outputs
                .iter()
                .zip(output_words)
                .all(|(&o, &w)| u64::from(o) == w)
    }

    /// Number of structure words ([`Recorded::structure_words`]).
    pub(crate) fn structure_len(&self) -> usize {
        self.sweep_len() + self.terms_len() + self.outputs.len()
    }

    /// Length of the n-ary side arrays used by the nodes up to the output (they are
    /// appended in node order).
    fn terms_len(&self) -> usize {
        let ops = &self.buf().terms.ops;
        self.buf().stream.nodes[..self.sweep_len()]
            .iter()
            .rev()
            .find(|node| node.is_nary())
            .map_or(0, |node| node.terms(ops).end)
    }

    /// Number of nodes up to the output: the length of every sweep.
    pub(crate) fn sweep_len(&self) -> usize {
        self.output.max(self.inputs()) + 1
    }

    /// The recorded structure, one word per node up to the output (operands and
    /// curvature flags), then one per entry of the n-ary nodes' operand lists (with
    /// their counts): two recordings with equal words ran the same operations, so
    /// they have the same sparsity pattern. Compared exactly, never by hash, so a
    /// reused pattern can never be a wrong one. [`Recorded::structure_len`] words.
    pub(crate) fn structure_words(&self) -> impl Iterator<Item = u64> + '_ {
        let nodes = self.buf().stream.nodes[..self.sweep_len()]
            .iter()
            .map(Node::structure);
        nodes
            .chain(
                self.buf().terms.ops[..self.terms_len()]
                    .iter()
                    .map(|&o| u64::from(o)),
            )
            .chain(self.outputs.iter().map(|&o| u64::from(o)))
    }
}
