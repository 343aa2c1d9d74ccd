//! Dependency sweeps: which inputs the output depends on at all (for `strict`).

use super::node::Node;

/// Inputs (0-based) that no path of the tape connects to `output`: structural
/// independence, read from the operations, not from zero values.
pub(crate) fn independent_inputs<T>(nodes: &[Node<T>], n: usize, output: usize) -> Vec<usize> {
    let mut reached = vec![false; output.max(n) + 1];
    reached[output] = true;
    for k in (n + 1..=output).rev() {
        if reached[k] {
            let node = &nodes[k];
            reached[node.a()] = true;
            reached[node.b()] = true;
        }
    }
    (0..n).filter(|&i| !reached[i + 1]).collect()
}
