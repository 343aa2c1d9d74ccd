//! [`Recording`]: a function recorded once at a point, replayed for its gradient,
//! Hessian-vector products and Hessian.

use super::deps::{hessian_pattern, independent_inputs};
use super::node::Node;
use super::pool;
use super::sweep::{LaneBuffers, adjoints, hvp_lanes};
use super::var::{Tape, Var};
use crate::Scalar;
use crate::color::StarColoring;
use crate::error::{Error, check_direction, check_point};
use crate::forward::Base;
use crate::options::{Options, Sparsity};
use crate::pattern::SparsityPattern;
use nalgebra::{DMatrix, DVector};
use std::cell::RefCell;
use std::rc::Rc;

/// A function recorded at a point: value, gradient, and replays for Hessian-vector
/// products and Hessians, without running the function again.
///
/// Record once, then ask for as many Hessian-vector products as a Newton-CG or
/// trust-region solver needs; the sweep buffers are kept between calls.
///
/// ```
/// use hyperhess::Scalar;
/// fn f<S: Scalar>(x: &[S]) -> S { x[0] * x[0] * x[1] }
/// let rec = hyperhess::record(|x| f(x), &[1.0, 2.0]).unwrap();
/// assert_eq!(rec.value(), 2.0);
/// assert_eq!(rec.gradient().as_slice(), &[4.0, 1.0]);
/// assert_eq!(rec.hvp(&[1.0, 0.0]).unwrap().as_slice(), &[4.0, 2.0]);
/// assert_eq!(rec.hvp(&[0.0, 1.0]).unwrap().as_slice(), &[2.0, 0.0]);
/// ```
#[derive(Debug)]
pub struct Recording<T: Scalar + 'static = f64> {
    nodes: Vec<Node<T>>,
    n: usize,
    output: usize,
    value: T,
    adjoints: Vec<T>,
    buffers: RefCell<LaneBuffers<T>>,
}

/// Records `f` at `x`. Errors: [`Error::EmptyInput`], [`Error::NonFiniteInput`],
/// [`Error::NonFiniteValue`], [`Error::NonFiniteGradient`].
///
/// ```
/// use hyperhess::Scalar;
/// let rec = hyperhess::record(|x| x[0].exp(), &[0.0]).unwrap();
/// assert_eq!(rec.hessian().unwrap()[(0, 0)], 1.0);
/// ```
pub fn record<T, F>(f: F, x: &[T]) -> Result<Recording<T>, Error>
where
    T: Base,
    F: for<'t> Fn(&[Var<'t, T>]) -> Var<'t, T>,
{
    Recording::new(f, x)
}

impl<T: Base> Recording<T> {
    /// Records `f` at `x`, into buffers from this thread's pool (value checked,
    /// gradient not).
    pub(crate) fn new_unchecked<F>(f: F, x: &[T]) -> Result<Self, Error>
    where
        F: for<'t> Fn(&[Var<'t, T>]) -> Var<'t, T>,
    {
        let n = check_point(x.iter().map(Scalar::value))?;
        let tape = Tape::with_inputs(n, pool::take());
        let (output, value) = {
            let inputs: Vec<Var<'_, T>> = x
                .iter()
                .enumerate()
                .map(|(i, &xi)| Var::input(&tape, i, xi))
                .collect();
            let y = f(&inputs);
            (y.index() as usize, y.base_value())
        };
        if !value.is_finite() {
            return Err(Error::NonFiniteValue {
                value: value.value(),
            });
        }
        let nodes = tape.into_nodes();
        let mut adj: Vec<T> = pool::take();
        adjoints(&nodes, n, output, &mut adj);
        adj.resize(adj.len().max(n + 1), T::zero());
        Ok(Recording {
            nodes,
            n,
            output,
            value,
            adjoints: adj,
            buffers: RefCell::new(pool::take()),
        })
    }

    /// Records `f` at `x` and checks that the gradient is finite.
    pub(crate) fn new<F>(f: F, x: &[T]) -> Result<Self, Error>
    where
        F: for<'t> Fn(&[Var<'t, T>]) -> Var<'t, T>,
    {
        let rec = Self::new_unchecked(f, x)?;
        let adj = &rec.adjoints;
        if let Some(i) = (0..rec.n).find(|&i| !adj[i + 1].is_finite()) {
            return Err(Error::NonFiniteGradient {
                index: i,
                value: adj[i + 1].value(),
            });
        }
        Ok(rec)
    }

    /// The adjoints of the inputs (the gradient), unchecked.
    pub(crate) fn input_adjoints(&self) -> &[T] {
        &self.adjoints[1..=self.n]
    }

    /// Number of inputs.
    ///
    /// ```
    /// assert_eq!(hyperhess::record(|x| x[0] + x[1], &[1.0, 2.0]).unwrap().inputs(), 2);
    /// ```
    pub fn inputs(&self) -> usize {
        self.n
    }

    /// Number of recorded operations (inputs and the constant slot excluded).
    ///
    /// ```
    /// let rec = hyperhess::record(|x| x[0] * x[1] + x[0], &[1.0, 2.0]).unwrap();
    /// assert_eq!(rec.operations(), 2);
    /// ```
    pub fn operations(&self) -> usize {
        self.nodes.len() - self.n - 1
    }

    /// The function value at the recorded point.
    ///
    /// ```
    /// assert_eq!(hyperhess::record(|x| x[0] * 3.0, &[2.0]).unwrap().value(), 6.0);
    /// ```
    pub fn value(&self) -> T {
        self.value
    }

    /// The gradient at the recorded point (computed at recording, one reverse sweep).
    ///
    /// ```
    /// let rec = hyperhess::record(|x| x[0] * x[1], &[3.0, 5.0]).unwrap();
    /// assert_eq!(rec.gradient().as_slice(), &[5.0, 3.0]);
    /// ```
    pub fn gradient(&self) -> DVector<T> {
        DVector::from_iterator(self.n, self.adjoints[1..=self.n].iter().copied())
    }

    /// Inputs the output does not depend on at all (structurally, from the tape).
    ///
    /// ```
    /// let rec = hyperhess::record(|x| x[0] * 2.0, &[1.0, 2.0]).unwrap();
    /// assert_eq!(rec.independent_inputs(), vec![1]);
    /// ```
    pub fn independent_inputs(&self) -> Vec<usize> {
        independent_inputs(&self.nodes, self.n, self.output)
    }

    /// [`Error::IndependentInputs`] when `options.strict` and some input is ignored.
    pub(crate) fn check_strict(&self, options: &Options) -> Result<(), Error> {
        if options.strict {
            let indices = self.independent_inputs();
            if !indices.is_empty() {
                return Err(Error::IndependentInputs { indices });
            }
        }
        Ok(())
    }

    /// The Hessian-vector product `H v` (one tangent sweep and one reverse sweep).
    ///
    /// Errors: [`Error::DirectionLength`], [`Error::NonFiniteDirection`],
    /// [`Error::NonFiniteHessian`] (naming the row, column 0).
    ///
    /// ```
    /// let rec = hyperhess::record(|x| x[0] * x[1], &[3.0, 5.0]).unwrap();
    /// assert_eq!(rec.hvp(&[1.0, 1.0]).unwrap().as_slice(), &[1.0, 1.0]);
    /// ```
    pub fn hvp(&self, v: &[T]) -> Result<DVector<T>, Error> {
        check_direction(v, self.n)?;
        let mut out = DVector::from_element(self.n, T::zero());
        self.sweep::<1>(|i, s| s[0] = v[i], |i, r| out[i] = r[0]);
        if let Some(i) = out.iter().position(|h| !h.is_finite()) {
            return Err(Error::NonFiniteHessian {
                row: i,
                col: 0,
                value: out[i].value(),
            });
        }
        Ok(out)
    }

    /// The dense Hessian, `lanes` columns per sweep (see [`Options::lanes`]), exactly
    /// symmetric (the upper triangle is mirrored).
    ///
    /// ```
    /// let rec = hyperhess::record(|x| x[0] * x[0] * x[1], &[1.0, 2.0]).unwrap();
    /// assert_eq!(rec.hessian().unwrap(), nalgebra::dmatrix![4.0, 2.0; 2.0, 0.0]);
    /// ```
    pub fn hessian(&self) -> Result<DMatrix<T>, Error> {
        self.hessian_with(&Options::default())
    }

    /// [`Recording::hessian`] with options (lane width, strict).
    ///
    /// ```
    /// use hyperhess::Options;
    /// let rec = hyperhess::record(|x| x[0] * x[0], &[1.0, 2.0]).unwrap();
    /// let strict = Options { strict: true, ..Options::default() };
    /// assert!(rec.hessian_with(&strict).is_err());
    /// ```
    pub fn hessian_with(&self, options: &Options) -> Result<DMatrix<T>, Error> {
        self.check_strict(options)?;
        let n = self.n;
        let mut h = DMatrix::from_element(n, n, T::zero());
        let compressed = match options.sparsity {
            Sparsity::Dense => None,
            Sparsity::Auto if n < 16 => None,
            Sparsity::Auto => self.auto_decision(),
            Sparsity::Compressed => self.structure(usize::MAX, usize::MAX).map(Rc::new),
        };
        if let Some(found) = compressed {
            let (pattern, coloring) = &*found;
            let hv = self.compressed_products(coloring, options);
            let mut bad = None;
            coloring.recover(pattern, &hv, |i, j, v| {
                if !v.is_finite() && bad.is_none() {
                    bad = Some(Error::NonFiniteHessian {
                        row: i.min(j),
                        col: i.max(j),
                        value: v.value(),
                    });
                }
                h[(i, j)] = v;
            });
            return bad.map_or(Ok(h), Err);
        } else {
            let threads =
                cfg!(feature = "parallel") && options.parallel && n >= Options::PARALLEL_MIN_INPUTS;
            match (options.lane_width(), threads) {
                (1, false) => self.dense_blocks::<1>(&mut h),
                (2, false) => self.dense_blocks::<2>(&mut h),
                (4, false) => self.dense_blocks::<4>(&mut h),
                (8, false) => self.dense_blocks::<8>(&mut h),
                (_, false) => self.dense_blocks::<16>(&mut h),
                (1, true) => self.dense_blocks_parallel::<1>(&mut h),
                (2, true) => self.dense_blocks_parallel::<2>(&mut h),
                (4, true) => self.dense_blocks_parallel::<4>(&mut h),
                (8, true) => self.dense_blocks_parallel::<8>(&mut h),
                (_, true) => self.dense_blocks_parallel::<16>(&mut h),
            }
            mirror_upper(&mut h);
        }
        for j in 0..n {
            for i in 0..=j {
                if !h[(i, j)].is_finite() {
                    return Err(Error::NonFiniteHessian {
                        row: i,
                        col: j,
                        value: h[(i, j)].value(),
                    });
                }
            }
        }
        Ok(h)
    }

    /// The automatic rule (see [`Sparsity::Auto`]): the pattern and coloring to use,
    /// or `None` for dense sweeps. The decision is remembered per thread for the
    /// last tape structure seen (compared exactly), so a loop evaluating the same
    /// function at many points pays for the pattern and coloring once.
    fn auto_decision(&self) -> pool::Decision {
        let n = self.n;
        if n < 16 {
            return None;
        }
        let words = || {
            self.nodes[..=self.output.max(n)]
                .iter()
                .map(Node::structure)
        };
        if let Some(decision) = pool::recall(words()) {
            return decision;
        }
        let decision = self
            .structure(self.pattern_budget(), n * n / 4)
            .filter(|(_, coloring)| coloring.count() * 4 <= n)
            .map(Rc::new);
        pool::remember(self.structure_words(), decision.clone());
        decision
    }

    /// How many set entries and coupled pairs the automatic rule lets pattern
    /// detection spend before calling the Hessian dense: a few passes over the tape.
    fn pattern_budget(&self) -> usize {
        4 * self.nodes.len() + 16 * self.n
    }

    /// The sparsity pattern and its star coloring, or `None` over `budget` or when
    /// the pattern has more than `max_nnz` entries (coloring a dense pattern costs
    /// up to `n d^3` and cannot pay).
    pub(crate) fn structure(
        &self,
        budget: usize,
        max_nnz: usize,
    ) -> Option<(SparsityPattern, StarColoring)> {
        let pattern = hessian_pattern(&self.nodes, self.n, self.output, budget)?;
        if pattern.nnz() > max_nnz {
            return None;
        }
        let coloring = StarColoring::new(&pattern);
        Some((pattern, coloring))
    }

    /// The sparsity pattern of the Hessian (structural, from the operations).
    pub(crate) fn pattern(&self) -> SparsityPattern {
        hessian_pattern(&self.nodes, self.n, self.output, usize::MAX)
            .expect("an unlimited budget always gives a pattern")
    }

    /// The recorded structure, one word per node up to the output (operands and
    /// curvature flags): two recordings with equal words ran the same operations, so
    /// they have the same sparsity pattern. Compared exactly, never by hash, so a
    /// reused pattern can never be a wrong one.
    pub(crate) fn structure_words(&self) -> impl ExactSizeIterator<Item = u64> + '_ {
        self.nodes[..=self.output.max(self.n)]
            .iter()
            .map(Node::structure)
    }

    /// `H V` for the coloring's `p` directions (column `c` of `V` sums the unit
    /// vectors of color `c`), as `hv[i * p + c]`, `L` colors per sweep.
    pub(crate) fn compressed_products(&self, coloring: &StarColoring, options: &Options) -> Vec<T> {
        let p = coloring.count();
        // One sweep of exactly p lanes when p <= 4 (three colors for banded
        // Hessians: a fourth lane would be a quarter more memory traffic for
        // nothing); else blocks of the lane width.
        let width = match options.lanes {
            Some(l) => l.clamp(1, 16).min(p.max(1)),
            None => p.clamp(1, Options::DEFAULT_LANES),
        };
        let mut hv = vec![T::zero(); self.n * p];
        match width {
            1 => self.compressed_blocks::<1>(coloring, &mut hv),
            2 => self.compressed_blocks::<2>(coloring, &mut hv),
            3 => self.compressed_blocks::<3>(coloring, &mut hv),
            4 => self.compressed_blocks::<4>(coloring, &mut hv),
            5..=8 => self.compressed_blocks::<8>(coloring, &mut hv),
            _ => self.compressed_blocks::<16>(coloring, &mut hv),
        }
        hv
    }

    fn compressed_blocks<const L: usize>(&self, coloring: &StarColoring, hv: &mut [T]) {
        let (p, colors) = (coloring.count(), coloring.colors());
        for c0 in (0..p).step_by(L) {
            self.sweep::<L>(
                |i, s| {
                    *s = [T::zero(); L];
                    let c = colors[i] as usize;
                    if (c0..c0 + L).contains(&c) {
                        s[c - c0] = T::one();
                    }
                },
                |i, r| {
                    for (l, &v) in r.iter().enumerate().take(p - c0) {
                        hv[i * p + c0 + l] = v;
                    }
                },
            );
        }
    }

    /// Fills `h` column block by column block, `L` unit directions per sweep.
    fn dense_blocks<const L: usize>(&self, h: &mut DMatrix<T>) {
        let n = self.n;
        for j0 in (0..n).step_by(L) {
            self.sweep::<L>(
                |i, s| {
                    *s = [T::zero(); L];
                    if (j0..j0 + L).contains(&i) {
                        s[i - j0] = T::one();
                    }
                },
                |i, r| {
                    for (l, &v) in r.iter().enumerate().take(n - j0) {
                        h[(i, j0 + l)] = v;
                    }
                },
            );
        }
    }

    /// [`Recording::dense_blocks`] with the blocks spread over rayon's threads, each
    /// with its own sweep buffers (the tape and first-order adjoints are shared).
    #[cfg(feature = "parallel")]
    fn dense_blocks_parallel<const L: usize>(&self, h: &mut DMatrix<T>) {
        use rayon::prelude::*;
        let (n, output) = (self.n, self.output);
        let (nodes, adjoints) = (&self.nodes, &self.adjoints);
        // Column-major storage: the columns of block b are one contiguous chunk, so
        // every job writes straight into its own part of the result.
        h.as_mut_slice()
            .par_chunks_mut(n * L)
            .enumerate()
            .for_each(|(b, chunk)| {
                let j0 = b * L;
                let width = chunk.len() / n;
                // Each worker thread keeps its sweep buffers in its own pool, so they
                // are allocated (and faulted in) once per thread, not per job.
                let mut buffers: LaneBuffers<T> = pool::take();
                hvp_lanes::<T, L>(
                    nodes,
                    n,
                    output,
                    adjoints,
                    &mut buffers,
                    |i, s| {
                        *s = [T::zero(); L];
                        if (j0..j0 + L).contains(&i) {
                            s[i - j0] = T::one();
                        }
                    },
                    |i, r| {
                        for (l, &v) in r.iter().enumerate().take(width) {
                            chunk[l * n + i] = v;
                        }
                    },
                );
                pool::give(buffers);
            });
    }

    /// Without the `parallel` feature: the serial sweeps.
    #[cfg(not(feature = "parallel"))]
    fn dense_blocks_parallel<const L: usize>(&self, h: &mut DMatrix<T>) {
        self.dense_blocks::<L>(h)
    }

    /// One lane sweep with this recording's buffers.
    pub(crate) fn sweep<const L: usize>(
        &self,
        seed: impl FnMut(usize, &mut [T; L]),
        out: impl FnMut(usize, &[T; L]),
    ) {
        let mut buffers = self.buffers.borrow_mut();
        hvp_lanes::<T, L>(
            &self.nodes,
            self.n,
            self.output,
            &self.adjoints,
            &mut buffers,
            seed,
            out,
        );
    }
}

impl<T: Scalar + 'static> Drop for Recording<T> {
    /// Gives the buffers back to this thread's pool.
    fn drop(&mut self) {
        pool::give(std::mem::take(&mut self.nodes));
        pool::give(std::mem::take(&mut self.adjoints));
        pool::give(std::mem::take(self.buffers.get_mut()));
    }
}

/// Copies the upper triangle onto the lower one, in 32 x 32 tiles so that the
/// transposed reads stay in cache (the exact symmetry of the dense result).
fn mirror_upper<T: Base>(h: &mut DMatrix<T>) {
    const TILE: usize = 32;
    let n = h.nrows();
    for jt in (0..n).step_by(TILE) {
        for it in (0..=jt).step_by(TILE) {
            for j in jt..(jt + TILE).min(n) {
                for i in it..(it + TILE).min(j) {
                    h[(j, i)] = h[(i, j)];
                }
            }
        }
    }
}
