//! One recorded operation: operand indices and local partials.

/// A recorded node `v = phi(a, b)` with its local partials at the recorded point.
///
/// 48 bytes on `f64`: two `u32` operand indices and five partials. A unary node
/// has `b = 0`, the constant slot (tangent and adjoint always zero, all partials in
/// it zero), so every sweep is branch-free. The top bits of the indices carry the
/// structural nonlinearity flags the sparsity pattern needs (see [`Node::couples`]),
/// and one flag marks a node whose products need care (see [`Node::is_careful`]).
///
/// An n-ary linear node `v = sum_j c_j x_j` ([`Node::nary`]: a sum, a dot product
/// with constant coefficients) keeps its operands and coefficients in the
/// recording's side arrays: `a` is the offset of its operand count there, and `b`
/// holds [`NARY`], an index no node can have; its five partials are unused.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Node<T> {
    a: u32,
    b: u32,
    /// `dphi/da`
    pub da: T,
    /// `dphi/db`
    pub db: T,
    /// `d2phi/da2`
    pub daa: T,
    /// `d2phi/da db`
    pub dab: T,
    /// `d2phi/db2`
    pub dbb: T,
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

/// Flag bit: the second partial is structurally nonzero (on `a` for `aa`, on `b`
/// for `bb`; the cross flag sits on `b`'s second-highest bit).
const SELF_FLAG: u32 = 1 << 31;
const CROSS_FLAG: u32 = 1 << 30;
/// Flag bit on `a`: some partial of the node is not finite (`sqrt'(0)`, `ln'(0)`),
/// or a first partial on a variable operand is zero (`x^0`, `x * 0`).
const CAREFUL_FLAG: u32 = 1 << 30;
const INDEX_MASK: u32 = CROSS_FLAG - 1;

/// The largest number of nodes a tape can hold (indices keep two flag bits).
pub(crate) const MAX_NODES: usize = INDEX_MASK as usize;

/// `b` of an n-ary node: an index past [`MAX_NODES`], so never a real operand.
const NARY: u32 = INDEX_MASK;

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

impl<T> Node<T> {
    #[inline]
    pub fn new(a: u32, b: u32, partials: [T; 5], curvature: Curvature, finite: bool) -> Self {
        debug_assert!(a <= INDEX_MASK && b <= INDEX_MASK);
        let [da, db, daa, dab, dbb] = partials;
        let a =
            a | if curvature.aa { SELF_FLAG } else { 0 } | if finite { 0 } else { CAREFUL_FLAG };
        let b = b
            | if curvature.bb { SELF_FLAG } else { 0 }
            | if curvature.ab { CROSS_FLAG } else { 0 };
        Node {
            a,
            b,
            da,
            db,
            daa,
            dab,
            dbb,
        }
    }
    /// An n-ary linear node whose operand count sits at offset `start` of the side
    /// arrays, followed by its operands (coefficients at the same offsets);
    /// `finite`: every coefficient is finite.
    #[inline]
    pub fn nary(start: u32, finite: bool, zero: T) -> Self
    where
        T: Copy,
    {
        debug_assert!(start <= INDEX_MASK);
        Node {
            a: start | if finite { 0 } else { CAREFUL_FLAG },
            b: NARY,
            da: zero,
            db: zero,
            daa: zero,
            dab: zero,
            dbb: zero,
        }
    }
    /// `true` for an n-ary linear node ([`Node::nary`]): its operands are
    /// `ops[a() + 1..][..ops[a()]]`, not `a()` and `b()`.
    #[inline(always)]
    pub fn is_nary(&self) -> bool {
        self.b == NARY
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
    /// Operand indices and curvature flags in one word: two nodes with equal words
    /// record the same structure (the careful flag is a property of the point, not
    /// of the structure, and is left out).
    #[inline]
    pub fn structure(&self) -> u64 {
        (u64::from(self.a & !CAREFUL_FLAG) << 32) | u64::from(self.b)
    }
    /// `true` when some partial is not finite or a first partial on a variable
    /// operand is zero: the sweeps then skip every product with a zero factor
    /// (tangent, adjoint or partial), as the forward engine's chain rule does, so
    /// that `0 * inf` never becomes NaN (a node that does not reach the output, a
    /// direction that does not move its operand, or a zero partial between an
    /// infinite one and the inputs, contributes nothing). The other nodes, nearly
    /// all of them, take the branch-free path.
    #[inline(always)]
    pub fn is_careful(&self) -> bool {
        self.a & CAREFUL_FLAG != 0
    }
    /// `true` when no second partial can be nonzero (or every nonzero one meets a
    /// constant operand, whose tangent is zero): the second-order adjoint then
    /// reduces to `a_bar' += v_bar' phi_a`, exactly.
    #[inline(always)]
    pub fn is_linear(&self) -> bool {
        (self.a & SELF_FLAG) | (self.b & (SELF_FLAG | CROSS_FLAG)) == 0
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
    fn a_node_on_f64_is_48_bytes() {
        assert_eq!(std::mem::size_of::<Node<f64>>(), 48);
    }

    #[test]
    fn flags_do_not_disturb_indices() {
        let c = Curvature {
            aa: true,
            ab: true,
            bb: true,
        };
        let n = Node::new(7, 9, [0.0; 5], c, false);
        assert_eq!((n.a(), n.b(), n.couples(), n.is_careful()), (7, 9, c, true));
        let n = Node::new(7, 0, [0.0; 5], Curvature::LINEAR, true);
        let want = (7, 0, Curvature::LINEAR, false);
        assert_eq!((n.a(), n.b(), n.couples(), n.is_careful()), want);
        assert!(!n.is_nary());
        let n = Node::nary(5, false, 0.0);
        let ops = [0, 0, 0, 0, 0, 2, 3, 4];
        assert!(n.is_nary() && n.is_careful() && n.is_linear());
        assert_eq!((n.terms(&ops), n.couples()), (6..8, Curvature::LINEAR));
    }
}
