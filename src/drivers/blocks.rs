//! Several inputs (PyTorch's tuple of tensors): [`hessian_blocks`] and the
//! [`BlockHessian`] it returns, block by block; one shaped input:
//! [`hessian_shaped`] and its [`ShapedHessian`], the same result read by
//! multi-index.
//!
//! The inputs are concatenated in order, the function is recorded once on the
//! concatenation (it receives one slice per input), and the blocks are read out of
//! the one symmetric Hessian.

use crate::error::Error;
use crate::options::Options;
use crate::scalar::Base;
use crate::shape::{AsShaped, Shaped, flat_index};
use crate::tape::Var;
use nalgebra::{DMatrix, DMatrixView, DVector, DVectorView};
use std::ops::Range;

/// The Hessian of a function of several inputs, as a grid of blocks:
/// [`BlockHessian::block`]`(a, b)` is `H[a][b] = ∂²f / ∂input_a ∂input_b`, an
/// `n_a x n_b` matrix over the inputs' row-major flattenings.
///
/// [`BlockHessian::matrix`] is the whole symmetric Hessian over the inputs
/// concatenated in order; [`BlockHessian::get`] reads one entry by input and
/// multi-index (see [`crate::Shaped`] for the flat order).
///
/// ```
/// use hyperhess::Scalar;
/// // f(x, y) = 2 x y^2 + x^3 - 10 at x = [2], y = [-3]
/// let h = hyperhess::hessian_blocks(
///     |xs| xs[0][0] * xs[1][0] * xs[1][0] * 2.0 + xs[0][0].powi(3) - 10.0,
///     &[&[2.0][..], &[-3.0][..]],
/// )?;
/// assert_eq!(h.block(0, 0).unwrap(), nalgebra::dmatrix![12.0]);
/// assert_eq!(h.block(0, 1).unwrap(), nalgebra::dmatrix![-12.0]);
/// assert_eq!(h.block(1, 1).unwrap(), nalgebra::dmatrix![8.0]);
/// assert!(h.block(2, 0).is_none());
/// # Ok::<(), hyperhess::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct BlockHessian<T = f64> {
    value: T,
    gradient: DVector<T>,
    hessian: DMatrix<T>,
    shapes: Vec<Vec<usize>>,
    /// `offsets[a]..offsets[a + 1]` are input `a`'s rows and columns.
    offsets: Vec<usize>,
}

impl<T: Base> BlockHessian<T> {
    /// The number of inputs.
    ///
    /// ```
    /// let h = hyperhess::hessian_blocks(|xs| xs[0][0] * xs[1][1], &[&[1.0][..], &[2.0, 3.0]])?;
    /// assert_eq!(h.inputs(), 2);
    /// # Ok::<(), hyperhess::Error>(())
    /// ```
    pub fn inputs(&self) -> usize {
        self.shapes.len()
    }

    /// The shape of input `a` (`[len]` for a slice); `None` when there is no input `a`.
    ///
    /// ```
    /// use hyperhess::Shaped;
    /// let (x, w) = ([1.0], Shaped::new(&[1.0, 2.0, 3.0, 4.0, 5.0, 6.0], &[2, 3])?);
    /// let h = hyperhess::hessian_blocks(|xs| xs[0][0] * xs[1][5], &[Shaped::vector(&x), w])?;
    /// assert_eq!(h.shape(1), Some(&[2, 3][..]));
    /// assert_eq!(h.shape(2), None);
    /// # Ok::<(), hyperhess::Error>(())
    /// ```
    pub fn shape(&self, a: usize) -> Option<&[usize]> {
        self.shapes.get(a).map(Vec::as_slice)
    }

    /// The rows (and columns) of input `a` in [`BlockHessian::matrix`].
    ///
    /// ```
    /// let h = hyperhess::hessian_blocks(|xs| xs[0][0] * xs[1][1], &[&[1.0][..], &[2.0, 3.0]])?;
    /// assert_eq!(h.range(1), Some(1..3));
    /// assert_eq!(h.range(2), None);
    /// # Ok::<(), hyperhess::Error>(())
    /// ```
    pub fn range(&self, a: usize) -> Option<Range<usize>> {
        (a < self.inputs()).then(|| self.offsets[a]..self.offsets[a + 1])
    }

    /// The block `H[a][b] = ∂²f / ∂input_a ∂input_b`, an `n_a x n_b` view (rows
    /// and columns in each input's row-major flat order); `None` when `a` or `b` is
    /// not an input. `block(b, a)` is its transpose.
    ///
    /// ```
    /// let h = hyperhess::hessian_blocks(|xs| xs[0][0] * xs[1][1], &[&[1.0][..], &[2.0, 3.0]])?;
    /// assert_eq!(h.block(0, 1).unwrap(), nalgebra::dmatrix![0.0, 1.0]);
    /// assert_eq!(h.block(1, 0).unwrap(), nalgebra::dmatrix![0.0; 1.0]);
    /// # Ok::<(), hyperhess::Error>(())
    /// ```
    pub fn block(&self, a: usize, b: usize) -> Option<DMatrixView<'_, T>> {
        let (ra, rb) = (self.range(a)?, self.range(b)?);
        Some(
            self.hessian
                .view((ra.start, rb.start), (ra.len(), rb.len())),
        )
    }

    /// `∂²f / ∂input_a[i] ∂input_b[j]` for multi-indices `i` into input `a` and `j`
    /// into input `b` (row-major, as in PyTorch); `None` when an input or an index
    /// is out of range.
    ///
    /// ```
    /// use hyperhess::Shaped;
    /// let w = [1.0, 2.0, 3.0, 4.0];
    /// let inputs = [Shaped::vector(&[5.0]), Shaped::new(&w, &[2, 2])?];
    /// // f(x, W) = x * W[1][0]^2
    /// let h = hyperhess::hessian_blocks(|xs| xs[0][0] * xs[1][2] * xs[1][2], &inputs)?;
    /// assert_eq!(h.get(0, &[0], 1, &[1, 0]), Some(6.0));
    /// assert_eq!(h.get(1, &[1, 0], 1, &[1, 0]), Some(10.0));
    /// assert_eq!(h.get(1, &[2, 0], 1, &[1, 0]), None);
    /// # Ok::<(), hyperhess::Error>(())
    /// ```
    pub fn get(&self, a: usize, i: &[usize], b: usize, j: &[usize]) -> Option<T> {
        let r = flat_index(self.shapes.get(a)?, i)? + self.offsets[a];
        let c = flat_index(self.shapes.get(b)?, j)? + self.offsets[b];
        Some(self.hessian[(r, c)])
    }

    /// The whole Hessian over the inputs concatenated in order (each flattened
    /// row-major); exactly symmetric.
    ///
    /// ```
    /// let h = hyperhess::hessian_blocks(|xs| xs[0][0] * xs[1][0], &[&[1.0][..], &[2.0]])?;
    /// assert_eq!(h.matrix(), &nalgebra::dmatrix![0.0, 1.0; 1.0, 0.0]);
    /// # Ok::<(), hyperhess::Error>(())
    /// ```
    pub fn matrix(&self) -> &DMatrix<T> {
        &self.hessian
    }

    /// The whole Hessian, by value.
    ///
    /// ```
    /// let h = hyperhess::hessian_blocks(|xs| xs[0][0] * xs[1][0], &[&[1.0][..], &[2.0]])?;
    /// assert_eq!(h.into_matrix()[(0, 1)], 1.0);
    /// # Ok::<(), hyperhess::Error>(())
    /// ```
    pub fn into_matrix(self) -> DMatrix<T> {
        self.hessian
    }

    /// `f(inputs)`.
    ///
    /// ```
    /// let h = hyperhess::hessian_blocks(|xs| xs[0][0] * xs[1][0], &[&[3.0][..], &[2.0]])?;
    /// assert_eq!(h.value(), 6.0);
    /// # Ok::<(), hyperhess::Error>(())
    /// ```
    pub fn value(&self) -> T {
        self.value
    }

    /// The gradient with respect to input `a` (row-major flat); `None` when there is
    /// no input `a`.
    ///
    /// ```
    /// let h = hyperhess::hessian_blocks(|xs| xs[0][0] * xs[1][1], &[&[1.0][..], &[2.0, 3.0]])?;
    /// assert_eq!(h.gradient(0).unwrap().as_slice(), &[3.0]);
    /// assert_eq!(h.gradient(1).unwrap().as_slice(), &[0.0, 1.0]);
    /// # Ok::<(), hyperhess::Error>(())
    /// ```
    pub fn gradient(&self, a: usize) -> Option<DVectorView<'_, T>> {
        let ra = self.range(a)?;
        Some(self.gradient.rows(ra.start, ra.len()))
    }

    /// `∂f / ∂input_a[i]` for a multi-index `i`; `None` when out of range.
    ///
    /// ```
    /// let m = nalgebra::dmatrix![1.0, 2.0; 3.0, 4.0];
    /// let h = hyperhess::hessian_blocks(|xs| xs[0][1] * xs[0][2], &[&m])?;
    /// assert_eq!(h.gradient_get(0, &[0, 1]), Some(3.0)); // ∂(m01 m10)/∂m01 = m10
    /// assert_eq!(h.gradient_get(1, &[0, 1]), None);
    /// # Ok::<(), hyperhess::Error>(())
    /// ```
    pub fn gradient_get(&self, a: usize, i: &[usize]) -> Option<T> {
        let k = flat_index(self.shapes.get(a)?, i)? + self.offsets[a];
        Some(self.gradient[k])
    }

    /// The gradient over the concatenated inputs.
    ///
    /// ```
    /// let h = hyperhess::hessian_blocks(|xs| xs[0][0] * xs[1][0], &[&[3.0][..], &[2.0]])?;
    /// assert_eq!(h.full_gradient().as_slice(), &[2.0, 3.0]);
    /// # Ok::<(), hyperhess::Error>(())
    /// ```
    pub fn full_gradient(&self) -> &DVector<T> {
        &self.gradient
    }
}

/// The Hessian of a function of several inputs, block by block (PyTorch's
/// `hessian(func, (x, y, ...))`), on the tape engine.
///
/// Each input is a slice, array or `Vec`, a [`crate::Shaped`], or a nalgebra
/// matrix (all inputs of one call have one type: wrap mixed inputs in `Shaped`).
/// The function receives one slice per input, each input's elements in row-major
/// order. The function is recorded once, on the inputs concatenated in order.
///
/// Errors: as [`crate::hessian`]; the indices in [`Error::NonFiniteInput`],
/// [`Error::NonFiniteGradient`] and [`Error::NonFiniteHessian`] are into the
/// concatenation ([`BlockHessian::range`] gives each input's part).
///
/// ```
/// use hyperhess::Scalar;
/// fn f<S: Scalar>(x: &[S], y: &[S], z: &[S]) -> S {
///     x[0] * x[0] * y[0] * 2.0 + x[0] * z[0].powi(3) - 10.0
/// }
/// let h = hyperhess::hessian_blocks(|xs| f(xs[0], xs[1], xs[2]), &[[1.0], [2.0], [3.0]])?;
/// assert_eq!(h.block(0, 2).unwrap()[(0, 0)], 27.0);
/// assert_eq!(h.block(2, 2).unwrap()[(0, 0)], 18.0);
/// # Ok::<(), hyperhess::Error>(())
/// ```
pub fn hessian_blocks<T, I, F>(f: F, inputs: &[I]) -> Result<BlockHessian<T>, Error>
where
    T: Base,
    I: AsShaped<T>,
    F: Fn(&[&[Var<T>]]) -> Var<T>,
{
    hessian_blocks_with(f, inputs, &Options::default())
}

/// [`hessian_blocks`] with [`Options`] (lane width, sparsity, parallel, strict).
///
/// With `strict`, when the output does not depend at all (structurally, see
/// [`Options::strict`]) on some element of some input, the error is
/// [`Error::IndependentInputs`], naming the first such input and the row-major flat
/// indices of all its ignored elements. Without `strict`, ignored inputs get zero
/// blocks. One input of any shape is the same call: [`crate::hessian_shaped`].
///
/// ```
/// use hyperhess::{Error, Options, Scalar};
/// fn f<S: Scalar>(xs: &[&[S]]) -> S { xs[0][0] * xs[0][1] + xs[2][1] } // ignores y, z[0]
/// let (x, y, z) = ([1.0, 2.0], [3.0], [4.0, 5.0]);
/// let strict = Options { strict: true, lanes: Some(2), ..Options::default() };
/// let err = hyperhess::hessian_blocks_with(|xs| f(xs), &[&x[..], &y, &z], &strict).unwrap_err();
/// assert_eq!(err, Error::IndependentInputs { input: 1, indices: vec![0] });
/// let h = hyperhess::hessian_blocks(|xs| f(xs), &[&x[..], &y, &z])?;
/// assert_eq!(h.block(1, 1).unwrap()[(0, 0)], 0.0);
/// # Ok::<(), hyperhess::Error>(())
/// ```
pub fn hessian_blocks_with<T, I, F>(
    f: F,
    inputs: &[I],
    options: &Options,
) -> Result<BlockHessian<T>, Error>
where
    T: Base,
    I: AsShaped<T>,
    F: Fn(&[&[Var<T>]]) -> Var<T>,
{
    let shaped: Vec<Shaped<'_, T>> = inputs.iter().map(AsShaped::as_shaped).collect();
    let mut offsets = Vec::with_capacity(shaped.len() + 1);
    offsets.push(0);
    for s in &shaped {
        offsets.push(offsets[offsets.len() - 1] + s.len());
    }
    let point: Vec<T> = shaped
        .iter()
        .flat_map(|s| s.data().iter().copied())
        .collect();
    let rec = crate::recording::record(
        |flat| {
            let parts: Vec<&[Var<T>]> = offsets.windows(2).map(|w| &flat[w[0]..w[1]]).collect();
            f(&parts)
        },
        &point,
    )?;
    crate::strict::check(rec.tape(), options, &offsets)?;
    let hessian = rec.hessian_with(&Options {
        strict: false,
        ..options.clone()
    })?;
    Ok(BlockHessian {
        value: rec.value(),
        gradient: rec.gradient(),
        hessian,
        shapes: shaped.into_iter().map(|s| s.shape().to_vec()).collect(),
        offsets,
    })
}

/// The Hessian of a function of one shaped input, answering by multi-index:
/// [`ShapedHessian::get`]`(&[i, j], &[k, l])` is `∂²f / ∂x[i][j] ∂x[k][l]`. As a
/// tensor it has the input's shape twice ([`ShapedHessian::hessian_shape`]), like
/// PyTorch's; [`ShapedHessian::matrix`] is its row-major flattening (see
/// [`Shaped`] for the flat order).
///
/// ```
/// use hyperhess::{Scalar, Shaped};
/// fn f<S: Scalar>(x: &[S]) -> S { x.iter().map(|&xi| xi.powi(3) * 2.0 - xi * xi).sum() }
/// let data = [2.0, 3.0, 4.0, 7.0];
/// let h = hyperhess::hessian_shaped(|x| f(x), &Shaped::new(&data, &[2, 2])?)?;
/// assert_eq!(h.hessian_shape(), vec![2, 2, 2, 2]);
/// assert_eq!(h.get(&[1, 0], &[1, 0]), Some(46.0));
/// assert_eq!(h.get(&[1, 0], &[0, 1]), Some(0.0));
/// assert_eq!(h.get(&[2, 0], &[0, 0]), None); // out of range: no panic
/// # Ok::<(), hyperhess::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct ShapedHessian<T = f64> {
    /// The result as a [`BlockHessian`] with one input: one result type for both.
    blocks: BlockHessian<T>,
}

impl<T: Base> ShapedHessian<T> {
    /// The input's shape.
    ///
    /// ```
    /// let h = hyperhess::hessian_shaped(|x| x[0] * x[1], &nalgebra::dmatrix![1.0, 2.0])?;
    /// assert_eq!(h.shape(), &[1, 2]);
    /// # Ok::<(), hyperhess::Error>(())
    /// ```
    pub fn shape(&self) -> &[usize] {
        self.blocks.shape(0).unwrap_or(&[])
    }

    /// The Hessian's shape as a tensor: the input's shape twice.
    ///
    /// ```
    /// let h = hyperhess::hessian_shaped(|x| x[0] * x[1], &nalgebra::dmatrix![1.0, 2.0])?;
    /// assert_eq!(h.hessian_shape(), vec![1, 2, 1, 2]);
    /// # Ok::<(), hyperhess::Error>(())
    /// ```
    pub fn hessian_shape(&self) -> Vec<usize> {
        [self.shape(), self.shape()].concat()
    }

    /// `∂²f / ∂x[i] ∂x[j]` for multi-indices `i`, `j`; `None` when either is out of
    /// range or has the wrong number of coordinates.
    ///
    /// ```
    /// let h = hyperhess::hessian_shaped(|x| x[0] * x[1], &nalgebra::dmatrix![1.0, 2.0])?;
    /// assert_eq!(h.get(&[0, 0], &[0, 1]), Some(1.0));
    /// assert_eq!(h.get(&[0, 2], &[0, 1]), None);
    /// # Ok::<(), hyperhess::Error>(())
    /// ```
    pub fn get(&self, i: &[usize], j: &[usize]) -> Option<T> {
        self.blocks.get(0, i, 0, j)
    }

    /// `∂f / ∂x[i]` for a multi-index `i`; `None` when out of range.
    ///
    /// ```
    /// let h = hyperhess::hessian_shaped(|x| x[0] * x[1], &nalgebra::dmatrix![3.0, 5.0])?;
    /// assert_eq!(h.gradient_get(&[0, 1]), Some(3.0));
    /// assert_eq!(h.gradient_get(&[1, 0]), None);
    /// # Ok::<(), hyperhess::Error>(())
    /// ```
    pub fn gradient_get(&self, i: &[usize]) -> Option<T> {
        self.blocks.gradient_get(0, i)
    }

    /// The whole result as a [`BlockHessian`] of one input: `matrix`, `value`,
    /// `full_gradient` and the rest.
    ///
    /// ```
    /// let h = hyperhess::hessian_shaped(|x| x[0] * x[1], &[3.0, 5.0])?;
    /// assert_eq!(h.blocks().value(), 15.0);
    /// assert_eq!(h.blocks().full_gradient().as_slice(), &[5.0, 3.0]);
    /// # Ok::<(), hyperhess::Error>(())
    /// ```
    pub fn blocks(&self) -> &BlockHessian<T> {
        &self.blocks
    }

    /// The Hessian as an `n x n` matrix over the row-major flattening of the input.
    ///
    /// ```
    /// let h = hyperhess::hessian_shaped(|x| x[0] * x[1], &[1.0, 2.0])?;
    /// assert_eq!(h.matrix(), &nalgebra::dmatrix![0.0, 1.0; 1.0, 0.0]);
    /// # Ok::<(), hyperhess::Error>(())
    /// ```
    pub fn matrix(&self) -> &DMatrix<T> {
        self.blocks.matrix()
    }

    /// The flattened Hessian, by value.
    ///
    /// ```
    /// let h = hyperhess::hessian_shaped(|x| x[0] * x[0], &[3.0])?;
    /// assert_eq!(h.into_matrix()[(0, 0)], 2.0);
    /// # Ok::<(), hyperhess::Error>(())
    /// ```
    pub fn into_matrix(self) -> DMatrix<T> {
        self.blocks.into_matrix()
    }
}

/// The Hessian of a function of one shaped input (a [`Shaped`], a nalgebra
/// matrix, or a slice), on the tape engine. The function receives the input's
/// elements flat, in row-major order; the result answers by multi-index.
///
/// Errors: as [`crate::hessian`].
///
/// ```
/// use hyperhess::Scalar;
/// // f(X) = x00 * x11 - x01 * x10 (the determinant), X given as a nalgebra matrix.
/// let m = nalgebra::dmatrix![2.0, 3.0; 4.0, 7.0];
/// let h = hyperhess::hessian_shaped(|x| x[0] * x[3] - x[1] * x[2], &m)?;
/// assert_eq!(h.get(&[0, 0], &[1, 1]), Some(1.0));
/// assert_eq!(h.get(&[0, 1], &[1, 0]), Some(-1.0));
/// # Ok::<(), hyperhess::Error>(())
/// ```
pub fn hessian_shaped<T, X, F>(f: F, x: &X) -> Result<ShapedHessian<T>, Error>
where
    T: Base,
    X: AsShaped<T> + ?Sized,
    F: Fn(&[Var<T>]) -> Var<T>,
{
    let blocks = hessian_blocks_with(|xs| f(xs[0]), &[x.as_shaped()], &Options::default())?;
    Ok(ShapedHessian { blocks })
}
