//! What edge pushing computes with ([`Values`]): numbers ([`Numbers`], the
//! Hessian at the recording) or, in `super::edge_schedule`, the slots that will
//! hold them at any point with the same operations. One traversal serves both.

use super::edge_local::{Local, factors};
use super::sweep::product;
use crate::scalar::Scalar;

/// What the sweep computes with: numbers ([`Numbers`], the Hessian now), or the
/// slots that will hold them at any point with the same operations (a
/// [`super::edge_schedule::Schedule`] being written). One traversal serves both,
/// so a schedule's evaluation gives the very bits of the sweep.
pub(super) trait Values<T> {
    /// An entry's value, or the slot that holds it.
    type W: Copy + 'static;
    /// A factor, or where it is.
    type F: Copy;
    /// A node's factors (see [`factors`]) at node `i`, whose partials start at `p`.
    fn factors(&mut self, i: usize, p: usize, l: &Local<T>, vb: T) -> [Self::F; 8];
    /// The `k`-th coefficient of the n-ary side arrays, `c`.
    fn coef(&mut self, k: usize, c: T) -> Self::F;
    /// `w f`, doubled when `twice`.
    fn scaled(&mut self, w: Self::W, f: Self::F, twice: bool) -> Self::W;
    /// `f` as an entry.
    fn constant(&mut self, f: Self::F) -> Self::W;
    /// `into + w` (`w` is used up).
    fn merge(&mut self, into: Self::W, w: Self::W) -> Self::W;
    /// `w` is not read again.
    fn release(&mut self, w: Self::W);
    /// A placeholder value (never read).
    fn blank(&self) -> Self::W;
}

/// The numbers themselves; `CAREFUL`: every product with a zero factor skipped.
pub(super) struct Numbers<const CAREFUL: bool>;

impl<T: Scalar, const CAREFUL: bool> Values<T> for Numbers<CAREFUL> {
    type W = T;
    type F = T;
    #[inline(always)]
    fn factors(&mut self, _: usize, _: usize, l: &Local<T>, vb: T) -> [T; 8] {
        factors(CAREFUL, l, vb)
    }
    #[inline(always)]
    fn coef(&mut self, _: usize, c: T) -> T {
        c
    }
    #[inline(always)]
    fn scaled(&mut self, w: T, f: T, twice: bool) -> T {
        let t = product(CAREFUL, f, w);
        if twice { t + t } else { t }
    }
    #[inline(always)]
    fn constant(&mut self, f: T) -> T {
        f
    }
    #[inline(always)]
    fn merge(&mut self, into: T, w: T) -> T {
        into + w
    }
    #[inline(always)]
    fn release(&mut self, _: T) {}
    fn blank(&self) -> T {
        T::zero()
    }
}
