//! Partition colorings of a Jacobian's columns (or rows): two columns that share a
//! row get different colors, so one tangent sweep seeded with every column of a
//! color gives each of their entries alone (Curtis, Powell and Reid; the rows'
//! coloring is the same on the transposed pattern, for reverse sweeps).

/// A greedy partition coloring of the `count` vertices of one side of a bipartite
/// graph: `own` lists each vertex's neighbours on the other side (CSR offsets and
/// indices), `back` each other-side vertex's neighbours here. Vertex `v` takes the
/// smallest color that no vertex sharing a neighbour with it has. Returns the
/// colors and their number, or `None` when the work, `sum_u deg(u)^2` over the
/// other side, exceeds `budget` (a dense row makes its columns' coloring
/// quadratic; the rows' coloring is then the cheap one).
pub(crate) fn partition_coloring(
    count: usize,
    own: (&[usize], &[u32]),
    back: (&[usize], &[u32]),
    budget: usize,
) -> Option<(Vec<u32>, usize)> {
    let (own_off, own_idx) = own;
    let (back_off, back_idx) = back;
    let work = back_off
        .windows(2)
        .map(|w| (w[1] - w[0]).saturating_mul(w[1] - w[0]))
        .fold(0usize, usize::saturating_add);
    if work > budget {
        return None;
    }
    const NONE: u32 = u32::MAX;
    let mut colors = vec![NONE; count];
    // `forbidden[c] == v` when color c is taken by a vertex sharing a neighbour with v.
    let mut forbidden: Vec<u32> = Vec::new();
    let mut used = 0usize;
    for v in 0..count {
        for &u in &own_idx[own_off[v]..own_off[v + 1]] {
            let u = u as usize;
            for &w in &back_idx[back_off[u]..back_off[u + 1]] {
                let c = colors[w as usize];
                if c != NONE {
                    forbidden[c as usize] = v as u32;
                }
            }
        }
        let c = (0..used)
            .find(|&c| forbidden[c] != v as u32)
            .unwrap_or(used);
        if c == used {
            used += 1;
            forbidden.push(NONE);
        }
        colors[v] = c as u32;
    }
    Some((colors, used))
}

#[cfg(test)]
mod tests {
    use super::partition_coloring;

    /// Rows {0,1,2}, {1,2,3}, {2,3,4} (a band of width 3): columns within distance
    /// 2 share a row, so 3 colors, `j mod 3`.
    #[test]
    fn banded_columns_take_three_colors() {
        let rows = (vec![0, 3, 6, 9], vec![0, 1, 2, 1, 2, 3, 2, 3, 4]);
        let cols = (vec![0, 1, 3, 6, 8, 9], vec![0, 0, 1, 0, 1, 2, 1, 2, 2]);
        let (colors, count) =
            partition_coloring(5, (&cols.0, &cols.1), (&rows.0, &rows.1), usize::MAX).unwrap();
        assert_eq!(count, 3);
        assert_eq!(colors, vec![0, 1, 2, 0, 1]);
        // Past the budget (3 rows of 3: work 27), no coloring.
        assert!(partition_coloring(5, (&cols.0, &cols.1), (&rows.0, &rows.1), 26).is_none());
    }
}
