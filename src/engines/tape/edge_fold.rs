//! Exact rewrites of a schedule's instructions before they are ordered
//! (`super::edge_order`), on its values (each instruction's, numbered by it).
//!
//! A product by a constant factor of 1 or -1 (a sum's or difference's partial)
//! is no product: `w 1` is `w`, `w (-1)` is `-w`, and `a + w (-1)` is `a - w`, to
//! the bit. Such a copy is dropped (its readers read the value copied, where
//! that value is not replaced before they run), a negation is a `NEG` and the
//! additions a `MERGE` or a `SUB`.
//!
//! A factor copied to a slot and only read from there (never added into, not an
//! output) is not copied: its readers read the factor itself (kinds
//! `FROM_FACTOR + k`, `NEG_F`, `SUB_F`), the same operations on the same numbers.
//! A negated factor read once, by a product, is negated in that product
//! (`NEG_SCALED_F`, `FUSED_NEG_SCALED_F`).

use super::edge_kinds::{
    CONSTANT, FUSED_NEG_SCALED_F, FUSED_SCALED, KIND_SHIFT, MERGE, NEG, NEG_F, NEG_SCALED_F, Op,
    SCALED, SLOT_MASK, SUB, from_factor,
};

/// No value (an instruction's source or prior, when it reads none).
pub(super) const NONE: u32 = u32::MAX;

/// Folds `ops` (each one's source value in `source`, the addition that
/// replaces each value in `replaced`, the outputs' values `kept`) as the
/// module's notes say: kinds and sources rewritten in place; returns the
/// instructions dropped. `unit(f)`: whether the factor `f` is a constant 1
/// (`Some(true)`) or -1 (`Some(false)`).
pub(super) fn fold(
    ops: &mut [Op],
    source: &mut [u32],
    replaced: &[u32],
    kept: &[bool],
    unit: impl Fn(u32) -> Option<bool>,
) -> Vec<bool> {
    let n = ops.len();
    let kind = |op: &Op| op.dst >> KIND_SHIFT;
    let with = |op: &Op, k: u32| (op.dst & SLOT_MASK) | (k << KIND_SHIFT);
    let mut dropped = vec![false; n];
    // Products by 1 or -1 (see the module's notes). A copy `i` of `u` is
    // dropped when `i` is never added into nor an output, and `u` is not
    // replaced before `i`'s last reader: that reader, reading `u`, then reads
    // what it read (and `u`'s replacement still comes after it).
    let mut last_reader = vec![NONE; n];
    for (i, &v) in source.iter().enumerate() {
        if v != NONE {
            last_reader[v as usize] = i as u32;
        }
    }
    let mut alias = vec![NONE; n];
    for i in 0..n {
        let v = source[i];
        if v != NONE && alias[v as usize] != NONE {
            source[i] = alias[v as usize];
        }
        let k = kind(&ops[i]);
        let Some(one) = unit(ops[i].f).filter(|_| k == SCALED || k == FUSED_SCALED) else {
            continue;
        };
        let u = source[i] as usize;
        let to = match (k == SCALED, one) {
            (true, true) => {
                let r = replaced[u];
                if replaced[i] == NONE
                    && !kept[i]
                    && (r == NONE || last_reader[i] == NONE || last_reader[i] < r)
                {
                    alias[i] = u as u32;
                    dropped[i] = true;
                    source[i] = NONE;
                }
                continue;
            }
            (true, false) => NEG,
            (false, true) => MERGE,
            (false, false) => SUB,
        };
        ops[i].dst = with(&ops[i], to);
    }
    // A factor copied to a slot and only read from there (never added into, not
    // an output): its readers read the factor (`w f` is then `f_c f`, the same
    // product), and the copy is dropped.
    for v in 0..n {
        if kind(&ops[v]) == CONSTANT && !dropped[v] && replaced[v] == NONE && !kept[v] {
            dropped[v] = true;
        }
    }
    for i in 0..n {
        let v = source[i];
        if v != NONE && dropped[v as usize] {
            let (k, c) = (kind(&ops[i]), ops[v as usize].f);
            let op = &mut ops[i];
            op.dst = with(op, from_factor(k));
            if k == MERGE {
                // `w[d] + w[s]` with `w[s] = f_c`: added as a constant is.
                op.f = c;
            } else {
                op.src = c;
            }
            source[i] = NONE;
        }
    }
    // A negated factor read once, by a product: that product of the negated
    // factor (`(-f_a) f`, the same operations), the negation dropped.
    let (mut readers, mut reader) = (vec![0u32; n], vec![NONE; n]);
    for (i, &v) in source.iter().enumerate() {
        if v != NONE {
            readers[v as usize] += 1;
            reader[v as usize] = i as u32;
        }
    }
    for v in 0..n {
        if kind(&ops[v]) != NEG_F || replaced[v] != NONE || kept[v] || readers[v] != 1 {
            continue;
        }
        let j = reader[v] as usize;
        let to = match kind(&ops[j]) {
            SCALED => NEG_SCALED_F,
            FUSED_SCALED => FUSED_NEG_SCALED_F,
            _ => continue,
        };
        ops[j].dst = with(&ops[j], to);
        ops[j].src = ops[v].src;
        source[j] = NONE;
        dropped[v] = true;
    }
    dropped
}
