//! One recorded operation: its kind and operand indices (8 bytes); its local
//! partials live in the tape's partials stream, as many as its kind needs.
//!
//! | kind | operation | partials stored (in this order) | curvature |
//! |---|---|---|---|
//! | [`Kind::Add`] | `a + b` (`x + c`, `x - c`: no node, `x`'s own) | none (`1, 1`) | none |
//! | [`Kind::Sub`] | `a - b` (`-x`, `c - x`: `a` = 0) | none (`1, -1`) | none |
//! | [`Kind::Linear`] | `sa a + sb b` (other scales) | `sa`, `sb` | none |
//! | [`Kind::Scale`] | piecewise-linear `phi(x)` | `phi'` | none |
//! | [`Kind::Unary`] | `phi(x)`, `phi(x, c)`, `phi(c, x)` | `phi'`, `phi''` | `aa` |
//! | [`Kind::Mul`] | `a * b` | `b`, `a` (`phi_ab = 1`) | `ab` |
//! | [`Kind::MulScaled`] | `(sa a) * (sb b)` | `sa b`, `sb a`, `sa sb` | `ab` |
//! | [`Kind::Binary`] | `phi(a, b)`: `a / b`, `pow`, `atan2`, ... | `phi_a`, `phi_b`, `phi_aa`, `phi_ab`, `phi_bb` | by rule |
//! | [`Kind::Nary`] | `sum_j c_j x_j` | none (operands and `c_j` in [`Terms`]) | none |
//!
//! So a node costs 8 bytes plus 0 to 5 partials (0 to 40 bytes on `f64`): linear
//! nodes carry no second partials, and only a general binary rule carries five.
//! Constant factors and offsets record no node at all: a variable carries a scale
//! (`c x`, `-x`, `x / c`, `c - x`) that the operation using it folds into its
//! partials (see [`super::var::Var`]); `x + c` is `x`'s node. A unary node's `b` is
//! 0, the constant slot (tangent and adjoint always zero), so the dependency
//! sweeps need not know the kinds.

/// What a node computes, and so how many partials it stored ([`Kind::width`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u32)]
pub(crate) enum Kind {
    /// `a + b`: no partials.
    Add = 0,
    /// `a - b`: no partials.
    Sub = 1,
    /// `sa a + sb b`: two partials, `sa` and `sb`.
    Linear = 7,
    /// `phi(a)` with `phi'' = 0`: one partial.
    Scale = 2,
    /// `phi(a)`: two partials, `phi'` and `phi''`.
    Unary = 3,
    /// `a * b`: two partials, `b` and `a`.
    Mul = 4,
    /// `(sa a) * (sb b)`: three partials, `sa b`, `sb a` and `sa sb`.
    MulScaled = 8,
    /// `phi(a, b)`: five partials.
    Binary = 5,
    /// `sum_j c_j x_j`: no partials (see [`Terms`]).
    Nary = 6,
}

impl Kind {
    /// Every kind, in the order of the table above (for tests that must meet
    /// each).
    #[cfg(test)]
    pub(crate) const ALL: [Kind; 9] = [
        Kind::Add,
        Kind::Sub,
        Kind::Linear,
        Kind::Scale,
        Kind::Unary,
        Kind::Mul,
        Kind::MulScaled,
        Kind::Binary,
        Kind::Nary,
    ];

    /// Number of partials the node stored in the stream.
    #[inline(always)]
    pub fn width(self) -> usize {
        match self {
            Kind::Add | Kind::Sub | Kind::Nary => 0,
            Kind::Scale => 1,
            Kind::Unary | Kind::Mul | Kind::Linear => 2,
            Kind::MulScaled => 3,
            Kind::Binary => 5,
        }
    }
}

/// A recorded node `v = phi(a, b)`: 8 bytes, two `u32` operand indices whose top
/// bits carry the kind, the structural nonlinearity flags the sparsity pattern
/// needs (see [`Node::couples`]).
///
/// An n-ary node ([`Kind::Nary`]) keeps its operands and coefficients in the
/// recording's side arrays: `a` is the offset of its operand count there.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Node {
    a: u32,
    b: u32,
}

/// The n-ary nodes' side arrays: each node's operand count, then its operands
/// (`ops`), and its coefficients at the same offsets (`coefs`; zero at the count).
#[derive(Debug)]
pub(crate) struct Terms<T> {
    pub ops: Vec<u32>,
    pub coefs: Vec<T>,
}

impl<T> Default for Terms<T> {
    fn default() -> Self {
        Terms {
            ops: Vec::new(),
            coefs: Vec::new(),
        }
    }
}

/// The recorded operations: one [`Node`] per operation (the constant slot and the
/// inputs first), and their partials in node order, [`Kind::width`] each.
#[derive(Debug)]
pub(crate) struct Stream<T> {
    pub nodes: Vec<Node>,
    pub partials: Vec<T>,
}

impl<T> Default for Stream<T> {
    fn default() -> Self {
        Stream {
            nodes: Vec::new(),
            partials: Vec::new(),
        }
    }
}

impl<T> Stream<T> {
    /// The offset in `partials` just past node `output`'s partials: where a reverse
    /// sweep from `output` starts reading.
    pub fn partials_end(&self, output: usize) -> usize {
        let after = self.nodes.get(output + 1..).unwrap_or(&[]);
        self.partials.len() - after.iter().map(|n| n.kind().width()).sum::<usize>()
    }
}

/// Flag bit: the second partial is structurally nonzero (on `a` for `aa`, on `b`
/// for `bb`; the cross flag sits on `b`'s second-highest bit).
const SELF_FLAG: u32 = 1 << 31;
const CROSS_FLAG: u32 = 1 << 30;
/// The kind sits in `a`'s bits 27 to 30.
const KIND_SHIFT: u32 = 27;
const INDEX_MASK: u32 = (1 << KIND_SHIFT) - 1;

/// The largest number of nodes a tape can hold (indices keep five bits for flags
/// and kind).
pub(crate) const MAX_NODES: usize = INDEX_MASK as usize;

/// The largest offset into the n-ary side arrays.
pub(crate) const MAX_TERMS: usize = INDEX_MASK as usize;

/// Which second partials of a node are structurally nonzero: the operations, not the
/// values at the point, decide (so `sin''(0) = 0` still counts).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct Curvature {
    /// `phi_aa` can be nonzero.
    pub aa: bool,
    /// `phi_ab` can be nonzero.
    pub ab: bool,
    /// `phi_bb` can be nonzero.
    pub bb: bool,
}

impl Curvature {
    pub const LINEAR: Curvature = Curvature {
        aa: false,
        ab: false,
        bb: false,
    };
}

impl Node {
    /// A node of `kind` on operands `a`, `b` with the given curvature flags.
    #[inline(always)]
    pub fn new(kind: Kind, a: u32, b: u32, curvature: Curvature) -> Self {
        debug_assert!(a <= INDEX_MASK && b <= INDEX_MASK);
        let a = a | ((kind as u32) << KIND_SHIFT) | if curvature.aa { SELF_FLAG } else { 0 };
        let b = b
            | if curvature.bb { SELF_FLAG } else { 0 }
            | if curvature.ab { CROSS_FLAG } else { 0 };
        Node { a, b }
    }
    /// The constant slot and the inputs: no operands, nothing stored.
    pub const LEAF: Node = Node { a: 0, b: 0 };
    /// `a + b`.
    #[inline(always)]
    pub fn add(a: u32, b: u32) -> Self {
        Node::new(Kind::Add, a, b, Curvature::LINEAR)
    }
    /// `a - b` (`a = 0` for `-x`).
    #[inline(always)]
    pub fn sub(a: u32, b: u32) -> Self {
        Node::new(Kind::Sub, a, b, Curvature::LINEAR)
    }
    /// A unary node on `a`: [`Kind::Scale`] when `curved` is false, else
    /// [`Kind::Unary`].
    #[inline(always)]
    pub fn unary(a: u32, curved: bool) -> Self {
        if curved {
            let c = Curvature {
                aa: true,
                ..Curvature::LINEAR
            };
            Node::new(Kind::Unary, a, 0, c)
        } else {
            Node::new(Kind::Scale, a, 0, Curvature::LINEAR)
        }
    }
    /// `a * b`.
    #[inline(always)]
    pub fn mul(a: u32, b: u32) -> Self {
        let c = Curvature {
            ab: true,
            ..Curvature::LINEAR
        };
        Node::new(Kind::Mul, a, b, c)
    }
    /// An n-ary linear node whose operand count sits at offset `start` of the side
    /// arrays, followed by its operands (coefficients at the same offsets).
    #[inline]
    pub fn nary(start: u32) -> Self {
        Node::new(Kind::Nary, start, 0, Curvature::LINEAR)
    }
    /// What the node computes.
    #[inline(always)]
    pub fn kind(&self) -> Kind {
        // A table lookup (no bounds check: the index is below 16), not a chain of
        // compares: the sweeps then dispatch on the kind with one jump.
        const KINDS: [Kind; 16] = [
            Kind::Add,
            Kind::Sub,
            Kind::Scale,
            Kind::Unary,
            Kind::Mul,
            Kind::Binary,
            Kind::Nary,
            Kind::Linear,
            Kind::MulScaled,
            Kind::Nary,
            Kind::Nary,
            Kind::Nary,
            Kind::Nary,
            Kind::Nary,
            Kind::Nary,
            Kind::Nary,
        ];
        KINDS[((self.a >> KIND_SHIFT) & 15) as usize]
    }
    /// `true` for a sum: [`Kind::Add`], [`Kind::Sub`], [`Kind::Linear`],
    /// [`Kind::Nary`] (constant coefficients, no curvature; also for the leaves,
    /// whose word is an `Add`'s): one shift of a bit mask, no table.
    #[inline(always)]
    pub fn is_sum(&self) -> bool {
        // Bits 0 (Add), 1 (Sub), 6 (Nary), 7 (Linear), 9 to 15 (Nary).
        const SUMS: u32 = 0xFEC3;
        (SUMS >> ((self.a >> KIND_SHIFT) & 15)) & 1 != 0
    }
    /// Number of partials the node stored ([`Kind::width`]), by one table
    /// lookup (not the kind's, then its width's).
    #[inline(always)]
    pub fn width(&self) -> usize {
        // By kind code: Add, Sub, Scale, Unary, Mul, Binary, Nary, Linear,
        // MulScaled, then codes 9 to 15 (Nary).
        const WIDTHS: [u8; 16] = [0, 0, 1, 2, 2, 5, 0, 2, 3, 0, 0, 0, 0, 0, 0, 0];
        WIDTHS[((self.a >> KIND_SHIFT) & 15) as usize] as usize
    }
    /// `true` for a node of `kind`, one of the kinds with a single code (not
    /// [`Kind::Nary`]): one compare, no table.
    #[inline(always)]
    pub fn is(&self, kind: Kind) -> bool {
        debug_assert!(kind != Kind::Nary);
        (self.a >> KIND_SHIFT) & 15 == kind as u32
    }
    /// This node on operands `a` and `b` instead: kind and flags kept.
    #[inline(always)]
    pub fn with_operands(self, a: u32, b: u32) -> Self {
        debug_assert!(a <= INDEX_MASK && b <= INDEX_MASK);
        Node {
            a: (self.a & !INDEX_MASK) | a,
            b: (self.b & !INDEX_MASK) | b,
        }
    }
    /// `true` for an n-ary linear node ([`Node::nary`]): its operands are
    /// `ops[a() + 1..][..ops[a()]]`, not `a()` and `b()`.
    #[inline(always)]
    pub fn is_nary(&self) -> bool {
        // Bits 6 and 9 to 15 (the codes `kind` maps to `Nary`): no table.
        const NARY: u32 = 0xFE40;
        (NARY >> ((self.a >> KIND_SHIFT) & 15)) & 1 != 0
    }
    /// The offsets of an n-ary node's operands (and coefficients) in the side
    /// arrays `ops` (and `coefs`).
    #[inline(always)]
    pub fn terms(&self, ops: &[u32]) -> std::ops::Range<usize> {
        let start = self.a() + 1;
        start..start + ops[start - 1] as usize
    }
    /// First operand's index.
    #[inline(always)]
    pub fn a(&self) -> usize {
        (self.a & INDEX_MASK) as usize
    }
    /// Second operand's index (0, the constant slot, for unary nodes).
    #[inline(always)]
    pub fn b(&self) -> usize {
        (self.b & INDEX_MASK) as usize
    }
    /// Kind, operand indices and curvature flags in one word: two nodes with equal
    /// words record the same structure.
    #[inline]
    pub fn structure(&self) -> u64 {
        (u64::from(self.a) << 32) | u64::from(self.b)
    }
    /// `true` when some second partial is structurally nonzero.
    #[inline(always)]
    pub fn is_curved(&self) -> bool {
        (self.a & SELF_FLAG) | (self.b & (SELF_FLAG | CROSS_FLAG)) != 0
    }
    /// The structural curvature flags.
    #[inline]
    pub fn couples(&self) -> Curvature {
        Curvature {
            aa: self.a & SELF_FLAG != 0,
            ab: self.b & CROSS_FLAG != 0,
            bb: self.b & SELF_FLAG != 0,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_node_is_8_bytes_and_partials_go_by_kind() {
        assert_eq!(std::mem::size_of::<Node>(), 8);
        let widths = Kind::ALL.map(Kind::width);
        assert_eq!(widths, [0, 0, 2, 1, 2, 2, 3, 5, 0]);
    }

    #[test]
    fn flags_and_kind_do_not_disturb_indices() {
        let c = Curvature {
            aa: true,
            ab: true,
            bb: true,
        };
        let big = INDEX_MASK;
        let n = Node::new(Kind::Binary, big, big - 1, c);
        let got = (n.a(), n.b(), n.couples(), n.kind());
        assert_eq!(got, (big as usize, big as usize - 1, c, Kind::Binary));
        let kinds = [Kind::Add, Kind::Sub, Kind::Linear, Kind::Unary, Kind::Mul];
        for kind in kinds.into_iter().chain([Kind::MulScaled, Kind::Nary]) {
            let n = Node::new(kind, 7, 9, Curvature::LINEAR);
            let want = (7, 9, Curvature::LINEAR, kind);
            assert_eq!((n.a(), n.b(), n.couples(), n.kind()), want);
        }
        let n = Node::nary(5);
        let ops = [0, 0, 0, 0, 0, 2, 3, 4];
        assert!(n.is_nary());
        assert_eq!((n.terms(&ops), n.couples()), (6..8, Curvature::LINEAR));
        assert_eq!(Node::unary(3, false).kind(), Kind::Scale);
        for code in 0..16u32 {
            let node = Node {
                a: code << KIND_SHIFT,
                b: 0,
            };
            let sum = matches!(
                node.kind(),
                Kind::Add | Kind::Sub | Kind::Linear | Kind::Nary
            );
            assert_eq!(node.is_sum(), sum, "kind code {code}");
            assert_eq!(node.width(), node.kind().width(), "kind code {code}");
            assert_eq!(
                node.is_nary(),
                node.kind() == Kind::Nary,
                "kind code {code}"
            );
        }
        assert!(Node::unary(3, true).couples().aa);
        assert!(Node::mul(3, 4).couples().ab);
        let moved = Node::new(Kind::Binary, 7, 9, c).with_operands(2, 3);
        assert_eq!((moved.a(), moved.b(), moved.couples()), (2, 3, c));
        assert_eq!(moved.kind(), Kind::Binary);
        assert!(moved.is(Kind::Binary) && !moved.is(Kind::Mul));
    }
}
