//! The lane sweeps' pieces (see `sweep`): their buffers ([`LaneBuffers`]), the
//! n-ary nodes' kernels ([`gather`], [`scatter`]), unchecked reads of a node's
//! partials ([`partials_at`]) and updates of a slot's lanes ([`add_at`],
//! [`sub_at`]), and the lane-count dispatch ([`with_lanes`]).
//!
//! The kernels and the reads index without bounds checks (they are the sweeps'
//! innermost loops, where the checks measurably cost). They are `unsafe fn`s whose
//! `# Safety` sections name what the caller guarantees; the sweeps justify each
//! call by the tape's invariants (an operand is an earlier node; a node's
//! partials are [`Kind::width`](super::node::Kind::width) in the stream, in node
//! order) and by lengths they assert once before their loops.

use super::sweep::product;
use crate::scalar::Scalar;

/// Buffers for the lane sweeps, kept across blocks and calls.
#[derive(Debug, Clone)]
pub(crate) struct LaneBuffers<T> {
    pub(super) tangents: Vec<T>,
    pub(super) adjoints2: Vec<T>,
    /// The contributions a rolled loop keeps aside (`hvp_rolled`).
    pub(super) aside: Vec<T>,
}

impl<T: 'static> super::pool::Pooled for LaneBuffers<T> {
    fn bytes(&self) -> usize {
        super::pool::Pooled::bytes(&self.tangents)
            + super::pool::Pooled::bytes(&self.adjoints2)
            + super::pool::Pooled::bytes(&self.aside)
    }
}

impl<T> Default for LaneBuffers<T> {
    fn default() -> Self {
        LaneBuffers {
            tangents: Vec::new(),
            adjoints2: Vec::new(),
            aside: Vec::new(),
        }
    }
}

/// The `W` partials at `p`: `partials[p..p + W]`, unchecked.
///
/// # Safety
/// `p + W <= partials.len()`.
#[inline(always)]
pub(super) unsafe fn partials_at<T: Copy, const W: usize>(partials: &[T], p: usize) -> [T; W] {
    debug_assert!(p + W <= partials.len());
    // SAFETY: `p..p + W` lies in `partials` (the caller's contract).
    std::array::from_fn(|i| unsafe { *partials.get_unchecked(p + i) })
}

/// `a[i] += v` on every lane, unchecked.
///
/// # Safety
/// `i < a.len()`.
#[inline(always)]
pub(super) unsafe fn add_at<T: Scalar, const L: usize>(a: &mut [[T; L]], i: usize, v: [T; L]) {
    // SAFETY: `i < a.len()`, the caller's contract.
    let ai = unsafe { a.get_unchecked_mut(i) };
    for l in 0..L {
        ai[l] += v[l];
    }
}

/// `a[i] -= v` on every lane, unchecked.
///
/// # Safety
/// `i < a.len()`.
#[inline(always)]
pub(super) unsafe fn sub_at<T: Scalar, const L: usize>(a: &mut [[T; L]], i: usize, v: [T; L]) {
    // SAFETY: `i < a.len()`, the caller's contract.
    let ai = unsafe { a.get_unchecked_mut(i) };
    for l in 0..L {
        ai[l] -= v[l];
    }
}

/// An n-ary node's tangent, `sum_j c_j t[ops_j]` on every lane (in term order).
/// A function of its own, so that its loop keeps its pointers in registers.
///
/// # Safety
/// Every `ops[j] < t.len()`.
#[inline]
pub(super) unsafe fn gather<T: Scalar, const L: usize, const CAREFUL: bool>(
    t: &[[T; L]],
    ops: &[u32],
    coefs: &[T],
) -> [T; L] {
    let mut acc = [T::zero(); L];
    for (&o, &c) in ops.iter().zip(coefs) {
        debug_assert!((o as usize) < t.len());
        // SAFETY: `o < t.len()`, the caller's contract.
        let to = unsafe { t.get_unchecked(o as usize) };
        for l in 0..L {
            acc[l] += product(CAREFUL, c, to[l]);
        }
    }
    acc
}

/// An n-ary node's adjoint scatter, `a[ops_j] += c_j v` on every lane.
///
/// # Safety
/// Every `ops[j] < a.len()`.
#[inline]
pub(super) unsafe fn scatter<T: Scalar, const L: usize, const CAREFUL: bool>(
    a: &mut [[T; L]],
    ops: &[u32],
    coefs: &[T],
    v: [T; L],
) {
    for (&o, &c) in ops.iter().zip(coefs) {
        debug_assert!((o as usize) < a.len());
        // SAFETY: `o < a.len()`, the caller's contract.
        let ao = unsafe { a.get_unchecked_mut(o as usize) };
        for l in 0..L {
            ao[l] += product(CAREFUL, c, v[l]);
        }
    }
}

/// Runs `$body` with a `const $L: usize` lane count for a runtime `width`: one of
/// the compiled widths `Options::LANE_WIDTHS` (1, 2, 3, 4, 8, 16), which is what
/// `Options::lane_width_for` returns; any other width is rounded up (past 16: 16).
/// The one lane dispatch of the crate: the drivers' dense blocks, compressed sweeps
/// and parallel blocks all go through it.
macro_rules! with_lanes {
    ($width:expr, $L:ident => $body:expr) => {
        match $width {
            0 | 1 => {
                const $L: usize = 1;
                $body
            }
            2 => {
                const $L: usize = 2;
                $body
            }
            3 => {
                const $L: usize = 3;
                $body
            }
            4 => {
                const $L: usize = 4;
                $body
            }
            5..=8 => {
                const $L: usize = 8;
                $body
            }
            _ => {
                const $L: usize = 16;
                $body
            }
        }
    };
}
pub(crate) use with_lanes;

#[cfg(test)]
mod tests {
    use super::super::edge_push::Limits;
    use super::super::node::Kind;
    use super::super::recording::Recorded;
    use super::super::var::Var;
    use super::super::vector::VectorRecording;
    use crate::scalar::Scalar;

    const KINDS: [Kind; 9] = Kind::ALL;

    /// Every node kind ([`KINDS`]): Add, Sub, Linear, Scale, Unary, Mul, MulScaled, Binary,
    /// Nary; with `shift` 0 also a square root at 0 (`x[0]` is 0.3: an infinite
    /// partial), so that the sweeps' careful runs come too.
    fn kinds(x: &[Var], shift: f64) -> Var {
        let (add, sub, lin) = (x[0] + x[1], x[1] - x[2], x[0] * 2.0 + x[2] * 3.0);
        let (scale, unary) = (sub.abs(), add.sin());
        let (mul, scaled) = (lin * unary, (scale * 2.0) * (x[1] * 3.0));
        let binary = mul / x[0].exp();
        let nary: Var = [binary, scaled, x[0], x[2]].into_iter().sum();
        nary * nary + (x[0] - 0.3 + shift).sqrt()
    }

    /// The unchecked paths (`sweep`'s reverse, tangent and second-order adjoint
    /// sweeps, fast and careful, on every node kind, with the kernels above; the
    /// edge schedule's evaluation; a product at a new point in one pass) on tiny
    /// functions, for Miri. CI does not run
    /// Miri (too slow for its budget); run it by hand after changing them:
    /// `cargo +nightly miri test --lib miri_sweeps`.
    #[test]
    fn miri_sweeps() {
        let x = [0.3, -0.7, 0.5];
        let all = Limits {
            entries: usize::MAX,
            work: usize::MAX,
        };
        for shift in [1.0, 0.0] {
            // Reverse (at recording), then two blocks of two lanes of `H V`.
            let rec = Recorded::new_unchecked(|x| kinds(x, shift), &x).unwrap();
            assert_eq!(rec.gradient()[0].is_finite(), shift == 1.0);
            let recorded = |k: Kind| rec.buffers().stream.nodes.iter().any(|n| n.kind() == k);
            assert!(KINDS.into_iter().all(recorded));
            let mut h = [[f64::NAN; 4]; 3];
            for j0 in [0, 2] {
                let seed = |i: usize, s: &mut [f64; 2]| *s = [0, 1].map(|l| f64::from(i == j0 + l));
                rec.sweep::<2>(seed, |i, r| h[i][j0..j0 + 2].copy_from_slice(r));
            }
            // The schedule's values, as the numeric sweep's (and, finite, as `H V`'s).
            let s = rec.hessian_schedule(all).unwrap();
            let by = rec.hessian_by(&s, all).unwrap();
            let entries = rec.hessian_entries(all).unwrap().values;
            let bits = |v: &[f64]| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
            assert_eq!(bits(&by), bits(&entries));
            let (rows, cols) = s.pattern();
            for i in 0..3 {
                for e in rows[i]..rows[i + 1] {
                    let got = h[i][cols[e] as usize];
                    assert!(
                        shift == 0.0 || (got - by[e]).abs() <= 1e-12,
                        "{got} {}",
                        by[e]
                    );
                }
            }
            // A product at a new point in one reverse pass (`hvp_moved`, through
            // `tangents_of`), as the moved recording's two passes give it (from
            // the point where the gradient is finite).
            if shift == 1.0 {
                let y = [0.4, -0.6, 0.55];
                let mut moved = Recorded::new_replayable(|x| kinds(x, shift), &x).unwrap();
                let one_pass = moved
                    .reevaluate_hvp(&y, &[1.0, -1.0, 0.5])
                    .unwrap()
                    .unwrap();
                let mut again = Recorded::new_replayable(|x| kinds(x, shift), &x).unwrap();
                assert!(again.reevaluate(&y).unwrap());
                let two_pass = again.hvp(&[1.0, -1.0, 0.5]).unwrap();
                assert_eq!(bits(one_pass.as_slice()), bits(two_pass.as_slice()));
            }
            // Tangents of a vector function, and its weighted sum's reverse.
            let f = |x: &[Var]| vec![kinds(x, shift), x[1] * x[2]];
            let mut vector = VectorRecording::new(f, &x).unwrap();
            let mut jac = [[0.0; 3]; 2];
            let seed = |i: usize, s: &mut [f64; 4]| *s = [0, 1, 2, 3].map(|l| f64::from(i == l));
            vector.tangents::<4>(seed, |k, r| jac[k].copy_from_slice(&r[..3]));
            assert_eq!(jac[1], [0.0, x[2], x[1]]);
            vector.weigh(|k| [0.5, 2.0][k]);
            assert_eq!(vector.weighted_gradient()[0].is_finite(), shift == 1.0);
            // (Forward and reverse sum in other orders: within rounding.)
            let g = vector.weighted_gradient()[0];
            assert!(shift == 0.0 || (g - 0.5 * jac[0][0]).abs() <= 1e-12 * g.abs());
        }
    }

    /// `with_lanes!` dispatches on exactly the widths of the one table.
    #[test]
    fn lane_dispatch_matches_the_table() {
        for w in crate::options::Options::LANE_WIDTHS {
            assert_eq!(with_lanes!(w, L => L), w);
        }
        assert_eq!(with_lanes!(0, L => L), 1);
        assert_eq!(with_lanes!(5, L => L), 8);
        assert_eq!(with_lanes!(17, L => L), 16);
    }
}
