//! Dependency sweeps: which inputs the output depends on at all (for `strict`).

use super::node::Node;
use crate::pattern::SparsityPattern;

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

/// The Hessian's structural sparsity pattern, or `None` when finding it would cost
/// more than `budget` set entries or coupled pairs (a dense Hessian).
///
/// A reverse pass marks the nodes that reach the output and those whose input
/// dependency set is needed (operands of curved nodes, and their operands in turn);
/// a forward pass builds those sets by sorted merges into one arena; every curved
/// node that reaches the output then couples its operands' sets
/// (`phi_aa`: `deps(a) x deps(a)`, `phi_ab`: `deps(a) x deps(b)`, `phi_bb`:
/// `deps(b) x deps(b)`), and a counting sort by row turns the pairs into rows.
pub(crate) fn hessian_pattern<T>(
    nodes: &[Node<T>],
    n: usize,
    output: usize,
    budget: usize,
) -> Option<SparsityPattern> {
    let len = output.max(n) + 1;
    let mut reached = vec![false; len];
    let mut needed = vec![false; len];
    reached[output] = output != 0;
    for k in (n + 1..=output).rev() {
        if !reached[k] {
            continue;
        }
        let node = &nodes[k];
        let (a, b, c) = (node.a(), node.b(), node.couples());
        reached[a] = true;
        reached[b] = true;
        needed[a] |= c.aa || c.ab || needed[k];
        needed[b] |= c.bb || c.ab || needed[k];
    }
    // Dependency sets: ranges into one arena. Node 0 and unneeded nodes are empty.
    let mut range = vec![(0u32, 0u32); len];
    let mut arena: Vec<u32> = Vec::new();
    for i in 0..n {
        if needed[i + 1] {
            range[i + 1] = (arena.len() as u32, arena.len() as u32 + 1);
            arena.push(i as u32);
        }
    }
    for k in n + 1..=output {
        if !needed[k] {
            continue;
        }
        let (ra, rb) = (range[nodes[k].a()], range[nodes[k].b()]);
        let start = arena.len();
        merge_into(&mut arena, ra, rb);
        range[k] = (start as u32, arena.len() as u32);
        if arena.len() > budget || arena.len() > u32::MAX as usize / 2 {
            return None;
        }
    }
    // Coupled pairs (i <= j), then rows by counting sort.
    let set = |r: (u32, u32)| &arena[r.0 as usize..r.1 as usize];
    let mut pairs: Vec<(u32, u32)> = Vec::new();
    for k in n + 1..=output {
        let node = &nodes[k];
        let c = node.couples();
        if !reached[k] || !(c.aa || c.ab || c.bb) {
            continue;
        }
        let (sa, sb) = (set(range[node.a()]), set(range[node.b()]));
        if c.aa {
            couple(&mut pairs, sa, sa);
        }
        if c.ab {
            couple(&mut pairs, sa, sb);
        }
        if c.bb {
            couple(&mut pairs, sb, sb);
        }
        if pairs.len() > budget {
            return None;
        }
    }
    Some(rows_from_pairs(n, &pairs))
}

/// Appends the sorted union of two sorted arena ranges.
fn merge_into(arena: &mut Vec<u32>, a: (u32, u32), b: (u32, u32)) {
    let (mut i, mut j) = (a.0 as usize, b.0 as usize);
    let (ie, je) = (a.1 as usize, b.1 as usize);
    while i < ie && j < je {
        let (x, y) = (arena[i], arena[j]);
        let v = x.min(y);
        arena.push(v);
        i += usize::from(x == v);
        j += usize::from(y == v);
    }
    for t in i..ie {
        let v = arena[t];
        arena.push(v);
    }
    for t in j..je {
        let v = arena[t];
        arena.push(v);
    }
}

/// Every pair `(min, max)` of `sa x sb`.
fn couple(pairs: &mut Vec<(u32, u32)>, sa: &[u32], sb: &[u32]) {
    for &i in sa {
        for &j in sb {
            pairs.push((i.min(j), i.max(j)));
        }
    }
}

/// Symmetric rows (both triangles) from upper-triangle pairs, by counting sort.
fn rows_from_pairs(n: usize, pairs: &[(u32, u32)]) -> SparsityPattern {
    let mut count = vec![0usize; n + 1];
    for &(i, j) in pairs {
        count[i as usize + 1] += 1;
        if i != j {
            count[j as usize + 1] += 1;
        }
    }
    for i in 0..n {
        count[i + 1] += count[i];
    }
    let mut fill = count.clone();
    let mut cols = vec![0u32; count[n]];
    for &(i, j) in pairs {
        cols[fill[i as usize]] = j;
        fill[i as usize] += 1;
        if i != j {
            cols[fill[j as usize]] = i;
            fill[j as usize] += 1;
        }
    }
    let mut offsets = Vec::with_capacity(n + 1);
    let mut columns = Vec::with_capacity(cols.len());
    offsets.push(0);
    for i in 0..n {
        let row = &mut cols[count[i]..count[i + 1]];
        row.sort_unstable();
        let mut last = None;
        for &j in row.iter() {
            if last != Some(j) {
                columns.push(j);
                last = Some(j);
            }
        }
        offsets.push(columns.len());
    }
    SparsityPattern::from_rows(offsets, columns)
}
