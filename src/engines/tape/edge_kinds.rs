//! A schedule's instruction set (`super::edge_schedule`): what each kind of
//! instruction computes, and which slots and factors it reads. Every kind is a
//! multiply-add of the numeric edge-pushing sweep or an exact rewrite of one
//! (`super::edge_fold`): the same operations on the same numbers.

/// The instruction kinds, in a slot index's top five bits.
pub(super) const KIND_SHIFT: u32 = 27;
pub(super) const SLOT_MASK: u32 = (1 << KIND_SHIFT) - 1;
/// `w[dst] = w[src] f`
pub(super) const SCALED: u32 = 0;
/// `w[dst] = 2 (w[src] f)`
pub(super) const DOUBLED: u32 = 1;
/// `w[dst] = f`
pub(super) const CONSTANT: u32 = 2;
/// `w[dst] = w[dst] + w[src]`
pub(super) const MERGE: u32 = 3;
/// A product merged as it is made (`SCALED`, `DOUBLED` or `CONSTANT` into a
/// fresh slot, then `MERGE`d at once, written as one): `w[dst] = w[dst] + x`
/// with `x` as the kind `FUSED` below it computes (the same operations, so the
/// same bits).
pub(super) const FUSED: u32 = 4;
pub(super) const FUSED_SCALED: u32 = FUSED + SCALED;
pub(super) const FUSED_DOUBLED: u32 = FUSED + DOUBLED;
pub(super) const FUSED_CONSTANT: u32 = FUSED + CONSTANT;
/// The product kinds with the factor `src` in place of a slot that holds it
/// (`super::edge_fold` drops a `CONSTANT` read only as a source):
/// `w[dst] = f[src] f`, `2 (f[src] f)`, and those added into `w[dst]`.
pub(super) const FROM_FACTOR: u32 = 8;
pub(super) const SCALED_F: u32 = FROM_FACTOR + SCALED;
pub(super) const DOUBLED_F: u32 = FROM_FACTOR + DOUBLED;
pub(super) const FUSED_SCALED_F: u32 = FROM_FACTOR + FUSED_SCALED;
pub(super) const FUSED_DOUBLED_F: u32 = FROM_FACTOR + FUSED_DOUBLED;
/// A product by a constant factor of -1 (a difference's), as
/// `super::edge_fold` writes it: `w[dst] = -w[src]`, and added,
/// `w[dst] = w[dst] - w[src]` (`a + b (-1)` is `a - b`, to the bit).
pub(super) const NEG: u32 = 16;
pub(super) const SUB: u32 = 17;
/// [`NEG`] and [`SUB`] with the factor `src` in place of a slot that holds it.
pub(super) const NEG_F: u32 = 18;
pub(super) const SUB_F: u32 = 19;
/// A `NEG_F` read once, by a product, in that product:
/// `w[dst] = (-f[src]) f`, and added, `w[dst] = w[dst] + (-f[src]) f`.
pub(super) const NEG_SCALED_F: u32 = 20;
pub(super) const FUSED_NEG_SCALED_F: u32 = 21;

/// One instruction: its kind and destination slot, its source slot and factor.
#[derive(Clone, Copy, Debug)]
pub(super) struct Op {
    pub dst: u32,
    pub src: u32,
    pub f: u32,
}

/// Whether an instruction of `kind` reads its source slot.
pub(super) fn reads_source(kind: u32) -> bool {
    matches!(
        kind,
        SCALED | DOUBLED | MERGE | FUSED_SCALED | FUSED_DOUBLED | NEG | SUB
    )
}

/// Whether an instruction of `kind` adds into its destination (reads it).
pub(super) fn is_update(kind: u32) -> bool {
    matches!(
        kind,
        MERGE
            | FUSED_SCALED
            | FUSED_DOUBLED
            | FUSED_CONSTANT
            | SUB
            | FUSED_SCALED_F
            | FUSED_DOUBLED_F
            | SUB_F
            | FUSED_NEG_SCALED_F
    )
}

/// The kind that reads the factor `src` where `kind` (one that
/// [`reads_source`]) reads the slot `src`, the same operations on the same
/// numbers; a `MERGE` becomes a `FUSED + CONSTANT` (its factor `f` then `src`'s).
pub(super) fn from_factor(kind: u32) -> u32 {
    match kind {
        NEG => NEG_F,
        SUB => SUB_F,
        MERGE => FUSED_CONSTANT,
        k => FROM_FACTOR + k,
    }
}

/// Whether an instruction of `kind` reads a factor in its source's place.
pub(super) fn reads_factor_source(kind: u32) -> bool {
    matches!(
        kind,
        SCALED_F
            | DOUBLED_F
            | FUSED_SCALED_F
            | FUSED_DOUBLED_F
            | NEG_F
            | SUB_F
            | NEG_SCALED_F
            | FUSED_NEG_SCALED_F
    )
}

/// Whether an instruction of `kind` reads its factor `f`.
pub(super) fn reads_factor(kind: u32) -> bool {
    !matches!(kind, MERGE | NEG | SUB | NEG_F | SUB_F)
}
