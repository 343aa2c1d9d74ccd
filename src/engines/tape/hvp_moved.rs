//! A Hessian-vector product at a new point of a recording with a program
//! ([`Recorded::reevaluate_hvp`]): the program moves the recording there, and the
//! first-order adjoints are computed in the reverse sweep of the product itself
//! instead of in a reverse sweep of their own, so the product costs one reverse
//! pass, not two.
//!
//! The reverse sweep updates each node's operands' first-order adjoints exactly as
//! `super::sweep::adjoints` does (same products, same order, seeded the same way)
//! and their second-order adjoints exactly as `super::sweep::hvp_lanes` does on one
//! lane: the same bits as [`Recorded::reevaluate`] followed by the product. Where
//! either comes out not finite, the two-pass way runs instead (its careful re-runs
//! decide what is finite).

use super::node::{Kind, Stream, Terms};
use super::recording::Recorded;
use super::sweep::tangents_of;
use crate::error::{Error, check_direction};
use crate::scalar::{Base, Scalar};
use nalgebra::DVector;

/// The reverse sweep from `output` (seeded with `scale`) over the tangents `t`
/// (one lane, filled by `tangents_of`, which returned `p`): first-order adjoints
/// into `adj`, second-order ones into `a2` (both sized and zeroed here). `true`
/// when every input's are finite.
#[allow(clippy::too_many_arguments)]
fn adjoints_and_product<T: Scalar>(
    stream: &Stream<T>,
    terms: &Terms<T>,
    n: usize,
    output: usize,
    scale: T,
    t: &[[T; 1]],
    mut p: usize,
    adj: &mut Vec<T>,
    a2: &mut Vec<T>,
) -> bool {
    let z = T::zero();
    let (ops, coefs) = (&terms.ops[..], &terms.coefs[..]);
    let (nodes, partials) = (&stream.nodes[..], &stream.partials[..]);
    adj.clear();
    adj.resize(output + 1, z);
    a2.clear();
    a2.resize((output + 1).max(n + 1), z);
    adj[output] += scale;
    for k in (n + 1..=output).rev() {
        let node = nodes[k];
        let (a, b) = (node.a(), node.b());
        let (vb, vb2) = (adj[k], a2[k]);
        match node.kind() {
            Kind::Add => {
                adj[a] += vb;
                adj[b] += vb;
                a2[a] += vb2;
                a2[b] += vb2;
            }
            Kind::Sub => {
                adj[a] += vb;
                adj[b] -= vb;
                a2[a] += vb2;
                a2[b] -= vb2;
            }
            Kind::Scale => {
                p -= 1;
                let d = partials[p];
                adj[a] += vb * d;
                a2[a] += vb2 * d;
            }
            Kind::Unary => {
                p -= 2;
                let (d, dd) = (partials[p], partials[p + 1]);
                adj[a] += vb * d;
                let s = t[a][0] * dd;
                a2[a] += vb2 * d + vb * s;
            }
            Kind::Linear => {
                p -= 2;
                let (sa, sb) = (partials[p], partials[p + 1]);
                adj[a] += vb * sa;
                adj[b] += vb * sb;
                a2[a] += vb2 * sa;
                a2[b] += vb2 * sb;
            }
            Kind::Mul => {
                p -= 2;
                let (da, db) = (partials[p], partials[p + 1]);
                adj[a] += vb * da;
                adj[b] += vb * db;
                let inc_a = vb2 * da + vb * t[b][0];
                let inc_b = vb2 * db + vb * t[a][0];
                a2[a] += inc_a;
                a2[b] += inc_b;
            }
            Kind::MulScaled => {
                p -= 3;
                let (da, db, dab) = (partials[p], partials[p + 1], partials[p + 2]);
                adj[a] += vb * da;
                adj[b] += vb * db;
                let (sa, sb) = (t[b][0] * dab, t[a][0] * dab);
                let inc_a = vb2 * da + vb * sa;
                let inc_b = vb2 * db + vb * sb;
                a2[a] += inc_a;
                a2[b] += inc_b;
            }
            Kind::Binary => {
                p -= 5;
                let [da, db, daa, dab, dbb] = [0, 1, 2, 3, 4].map(|i| partials[p + i]);
                adj[a] += vb * da;
                adj[b] += vb * db;
                let (ta, tb) = (t[a][0], t[b][0]);
                let sa = ta * daa + tb * dab;
                let sb = ta * dab + tb * dbb;
                let inc_a = vb2 * da + vb * sa;
                let inc_b = vb2 * db + vb * sb;
                a2[a] += inc_a;
                a2[b] += inc_b;
            }
            Kind::Nary => {
                let r = node.terms(ops);
                for (&o, &c) in ops[r.clone()].iter().zip(&coefs[r.clone()]) {
                    adj[o as usize] += vb * c;
                }
                for (&o, &c) in ops[r.clone()].iter().zip(&coefs[r]) {
                    a2[o as usize] += vb2 * c;
                }
            }
        }
    }
    let finite = |v: &[T]| v.get(1..=n).unwrap_or(&[]).iter().all(Scalar::is_finite);
    finite(adj) && finite(a2)
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
        let p = tangents_of::<T, 1, false>(&b.stream, &b.terms, n, output, t);
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
        );
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
