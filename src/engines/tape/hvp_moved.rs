//! A Hessian-vector product at a new point of a recording with a program
//! ([`Recorded::reevaluate_hvp`]): the program moves the recording there, and the
//! first-order adjoints are computed in the reverse sweep of the product itself
//! instead of in a reverse sweep of their own, so the product costs one reverse
//! pass, not two.
//!
//! The reverse sweep updates each node's operands' first-order adjoints exactly as
//! `super::sweep::adjoints` does (same products, same order, seeded the same way)
//! and their second-order adjoints exactly as `super::sweep_lanes::hvp_lanes` does on one
//! lane: the same bits as [`Recorded::reevaluate`] followed by the product. Where
//! either comes out not finite, the two-pass way runs instead (its careful re-runs
//! decide what is finite).

use super::hvp_rolled;
use super::node::{Kind, Stream, Terms};
use super::node_loops::NodeLoops;
use super::recording::Recorded;
use super::sweep::tangents_of;
use crate::error::{Error, check_direction};
use crate::scalar::{Base, Scalar};
use nalgebra::DVector;

/// A node's contributions in the product's reverse sweep, from its first- and
/// second-order adjoints `vb`, `vb2`, its partials `q` and its operands' tangents
/// `ta`, `tb`: to its operands' first-order adjoints (`[a, b]`) and second-order
/// ones (`[a, b]`); a difference's are subtracted from `b`'s, a one-operand node
/// has none for `b`. Not for an n-ary node.
#[inline(always)]
pub(super) fn contributions<T: Scalar>(
    kind: Kind,
    q: &[T],
    vb: T,
    vb2: T,
    ta: T,
    tb: T,
) -> ([T; 2], [T; 2]) {
    let z = T::zero();
    match kind {
        Kind::Add | Kind::Sub => ([vb, vb], [vb2, vb2]),
        Kind::Scale => {
            let d = q[0];
            ([vb * d, z], [vb2 * d, z])
        }
        Kind::Unary => {
            let (d, dd) = (q[0], q[1]);
            let s = ta * dd;
            ([vb * d, z], [vb2 * d + vb * s, z])
        }
        Kind::Linear => {
            let (sa, sb) = (q[0], q[1]);
            ([vb * sa, vb * sb], [vb2 * sa, vb2 * sb])
        }
        Kind::Mul => {
            let (da, db) = (q[0], q[1]);
            ([vb * da, vb * db], [vb2 * da + vb * tb, vb2 * db + vb * ta])
        }
        Kind::MulScaled => {
            let (da, db, dab) = (q[0], q[1], q[2]);
            let (sa, sb) = (tb * dab, ta * dab);
            ([vb * da, vb * db], [vb2 * da + vb * sa, vb2 * db + vb * sb])
        }
        Kind::Binary => {
            let [da, db, daa, dab, dbb] = [0, 1, 2, 3, 4].map(|i| q[i]);
            let sa = ta * daa + tb * dab;
            let sb = ta * dab + tb * dbb;
            ([vb * da, vb * db], [vb2 * da + vb * sa, vb2 * db + vb * sb])
        }
        Kind::Nary => unreachable!("an n-ary node's contributions are a scatter"),
    }
}

/// Whether a node of `kind` has a second operand.
#[inline(always)]
pub(super) fn two_operands(kind: Kind) -> bool {
    !matches!(kind, Kind::Scale | Kind::Unary)
}

/// Adds a node's contributions to its operands' adjoints (subtracts `b`'s for a
/// difference), in the order of the node-by-node sweep: first-order `a`, `b`,
/// then second-order `a`, `b`.
#[inline(always)]
fn apply<T: Scalar>(
    kind: Kind,
    (a, b): (usize, usize),
    (c, c2): ([T; 2], [T; 2]),
    adj: &mut [T],
    a2: &mut [T],
) {
    adj[a] += c[0];
    if two_operands(kind) {
        if kind == Kind::Sub {
            adj[b] -= c[1];
        } else {
            adj[b] += c[1];
        }
    }
    a2[a] += c2[0];
    if two_operands(kind) {
        if kind == Kind::Sub {
            a2[b] -= c2[1];
        } else {
            a2[b] += c2[1];
        }
    }
}

/// The reverse sweep from `output` (seeded with `scale`) over the tangents `t`
/// (one lane, filled by `tangents_of`, which returned `p`): first-order adjoints
/// into `adj`, second-order ones into `a2` (both sized and zeroed here), the loops
/// of `loops` rolled (`hvp_rolled`; `None`: none). `true` when every input's are
/// finite.
#[allow(clippy::too_many_arguments)]
fn adjoints_and_product<T: Scalar>(
    stream: &Stream<T>,
    terms: &Terms<T>,
    n: usize,
    output: usize,
    scale: T,
    t: &[[T; 1]],
    p: usize,
    adj: &mut Vec<T>,
    a2: &mut Vec<T>,
    loops: Option<(&NodeLoops, &mut Vec<T>)>,
) -> bool {
    let z = T::zero();
    adj.clear();
    adj.resize(output + 1, z);
    a2.clear();
    a2.resize((output + 1).max(n + 1), z);
    adj[output] += scale;
    let scalar =
        |range, p, adj: &mut [T], a2: &mut [T]| reverse_range(stream, terms, range, p, t, adj, a2);
    match loops {
        Some((loops, aside)) => {
            hvp_rolled::reverse(stream, loops, n, output, p, t, adj, a2, aside, scalar)
        }
        None => scalar(n + 1..=output, p, adj, a2),
    };
    let finite = |v: &[T]| v.get(1..=n).unwrap_or(&[]).iter().all(Scalar::is_finite);
    finite(adj) && finite(a2)
}

/// The product's reverse sweep over the nodes of `range`, last first, their
/// partials read backwards from `p`; returns the offset reached.
fn reverse_range<T: Scalar>(
    stream: &Stream<T>,
    terms: &Terms<T>,
    range: std::ops::RangeInclusive<usize>,
    mut p: usize,
    t: &[[T; 1]],
    adj: &mut [T],
    a2: &mut [T],
) -> usize {
    let (ops, coefs) = (&terms.ops[..], &terms.coefs[..]);
    let (nodes, partials) = (&stream.nodes[..], &stream.partials[..]);
    for k in range.rev() {
        let node = nodes[k];
        let (a, b) = (node.a(), node.b());
        let (vb, vb2) = (adj[k], a2[k]);
        let kind = node.kind();
        if kind == Kind::Nary {
            let r = node.terms(ops);
            for (&o, &c) in ops[r.clone()].iter().zip(&coefs[r.clone()]) {
                adj[o as usize] += vb * c;
            }
            for (&o, &c) in ops[r.clone()].iter().zip(&coefs[r]) {
                a2[o as usize] += vb2 * c;
            }
            continue;
        }
        let w = node.width();
        p -= w;
        let c = contributions(kind, &partials[p..p + w], vb, vb2, t[a][0], t[b][0]);
        apply(kind, (a, b), c, adj, a2);
    }
    p
}

impl<T: Base> Recorded<T> {
    /// `H(x) v` at a new point `x` of a scalar function's recording with a
    /// program: the recording moved to `x` (as [`Recorded::reevaluate`], adjoints
    /// included) and the product, in one reverse pass. `Ok(None)` when the
    /// recording cannot be moved there (record again, then take the product).
    /// Errors: those of [`Recorded::reevaluate`], then the direction's and a
    /// non-finite product's ([`Error::NonFiniteHessian`]), in that order.
    pub(crate) fn reevaluate_hvp(&mut self, x: &[T], v: &[T]) -> Result<Option<DVector<T>>, Error> {
        let n = self.inputs();
        if !self.outputs.is_empty() || check_direction(v, n).is_err() {
            // (Not the one-pass case: the errors as the two passes give them.)
            return self.reevaluate_then_hvp(x, v);
        }
        let Some(value) = self.move_to(x)? else {
            return Ok(None);
        };
        let (output, scale) = (self.output, self.scale);
        let b = self.buf_mut();
        let lanes = b.lanes.get_mut();
        let len = (output + 1).max(n + 1);
        if lanes.tangents.len() < len {
            lanes.tangents.resize(len, T::zero());
        }
        let (t, _) = lanes.tangents.as_chunks_mut::<1>();
        t[0] = [T::zero()];
        for i in 0..n {
            t[i + 1] = [v[i]];
        }
        let mut program = self.program.take();
        let b = self.buf_mut();
        let lanes = b.lanes.get_mut();
        let (t, _) = lanes.tangents.as_chunks_mut::<1>();
        let mut loops = program.as_deref_mut().map(|p| p.node_loops(&b.stream, n));
        let p = match &loops {
            Some((loops, _)) => hvp_rolled::tangents(&b.stream, &b.terms, loops, n, output, t),
            None => tangents_of::<T, 1, false>(&b.stream, &b.terms, n, output, t),
        };
        let (t, _) = lanes.tangents.as_chunks::<1>();
        let all_finite = adjoints_and_product(
            &b.stream,
            &b.terms,
            n,
            output,
            scale,
            t,
            p,
            &mut b.adjoints,
            &mut lanes.adjoints2,
            loops.as_mut().map(|(l, a)| (*l, &mut **a)),
        );
        self.program = program;
        let b = self.buf_mut();
        let lanes = b.lanes.get_mut();
        if !all_finite {
            // The two-pass way, with its careful re-runs.
            return self.settle(value).and_then(|()| self.hvp(v)).map(Some);
        }
        b.adjoints.resize(b.adjoints.len().max(n + 1), T::zero());
        let out = DVector::from_iterator(n, lanes.adjoints2[1..=n].iter().copied());
        self.finish(value)?;
        Ok(Some(out))
    }

    /// [`Recorded::reevaluate`], then the product.
    fn reevaluate_then_hvp(&mut self, x: &[T], v: &[T]) -> Result<Option<DVector<T>>, Error> {
        if !self.reevaluate(x)? {
            return Ok(None);
        }
        self.hvp(v).map(Some)
    }
}
