//! A recorded node's local derivatives as edge pushing reads them
//! ([`Local`]: operands, first and second partials by kind, an operand met twice
//! folded into one) and the eight factors an elimination multiplies by
//! ([`factors`]), shared by the numeric sweep (`super::edge_push`) and a
//! schedule's evaluation (`super::edge_schedule`), so both compute the same bits.

use super::node::{Kind, Node};
use super::sweep::product;
use crate::scalar::Scalar;

/// The factors of a node with at most two operands, in the order the sweep reads
/// them: `d_a`, `d_b`, `d_a d_a`, `d_b d_b`, `d_a d_b`, and `v_bar` times `phi_aa`,
/// `phi_ab`, `phi_bb`.
#[inline(always)]
pub(super) fn factors<T: Scalar>(careful: bool, l: &Local<T>, vb: T) -> [T; 8] {
    [
        l.da,
        l.db,
        product(careful, l.da, l.da),
        product(careful, l.db, l.db),
        product(careful, l.da, l.db),
        product(careful, l.daa, vb),
        product(careful, l.dab, vb),
        product(careful, l.dbb, vb),
    ]
}

/// A node with at most two operands, its partials read by kind; `a == b` folded
/// into one operand (`d = d_a + d_b`, `phi'' = phi_aa + 2 phi_ab + phi_bb`).
pub(super) struct Local<T> {
    pub(super) a: usize,
    pub(super) b: usize,
    pub(super) da: T,
    pub(super) db: T,
    pub(super) daa: T,
    pub(super) dab: T,
    pub(super) dbb: T,
    pub(super) curvature: super::node::Curvature,
}

impl<T: Scalar> Local<T> {
    #[inline(always)]
    pub(super) fn of(node: Node, q: &[T]) -> Self {
        let (z, one) = (T::zero(), T::one());
        let (a, b, curvature) = (node.a(), node.b(), node.couples());
        let (da, db, daa, dab, dbb) = match node.kind() {
            Kind::Add => (one, one, z, z, z),
            Kind::Sub => (one, -one, z, z, z),
            Kind::Linear => (q[0], q[1], z, z, z),
            Kind::Scale => (q[0], z, z, z, z),
            Kind::Unary => (q[0], z, q[1], z, z),
            Kind::Mul => (q[0], q[1], z, one, z),
            Kind::MulScaled => (q[0], q[1], z, q[2], z),
            Kind::Binary => (q[0], q[1], q[2], q[3], q[4]),
            Kind::Nary => unreachable!("n-ary nodes are eliminated by `Sweep::nary`"),
        };
        // (A unary node's `b` is the constant slot, as is `a` of `0 - x`: the
        // pairs of node 0 are never stored.)
        if a == b && a != 0 {
            let any = curvature.aa || curvature.ab || curvature.bb;
            return Local {
                a,
                b: 0,
                da: da + db,
                db: z,
                daa: daa + (dab + dab) + dbb,
                dab: z,
                dbb: z,
                curvature: super::node::Curvature {
                    aa: any,
                    ..super::node::Curvature::LINEAR
                },
            };
        }
        Local {
            a,
            b,
            da,
            db,
            daa,
            dab,
            dbb,
            curvature,
        }
    }
}
