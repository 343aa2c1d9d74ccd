//! Shaped inputs: [`Shaped`] (data with a tensor shape, row-major) and
//! [`AsShaped`] (what the block and shaped drivers, `blocks.rs`, accept).

use crate::error::Error;
use nalgebra::{Dim, Matrix, RawStorage};
use std::borrow::Cow;

/// An input with a tensor shape: elements in row-major order (the last index
/// fastest, as in PyTorch), and the shape.
///
/// # Flat order
///
/// A shaped input is stored flat in **row-major** order (the last index varies
/// fastest), as in PyTorch and NumPy: for shape `[d0, d1, ..., dk]` the element
/// `[i0, i1, ..., ik]` sits at flat index `((i0 d1 + i1) d2 + i2) ... dk + ik`. The
/// user function receives that flat slice, and the Hessian's
/// [`matrix`](crate::ShapedHessian::matrix) uses the same order on both axes.
/// nalgebra stores matrices column-major; a matrix given as an input
/// ([`Shaped::from_matrix`]) is copied into row-major order, so `m[(i, j)]` is
/// element `[i, j]`.
///
/// The data is borrowed when it already is a row-major slice, owned when it had to
/// be reordered (from a column-major nalgebra matrix).
///
/// ```
/// use hyperhess::Shaped;
/// let data = [2.0, 3.0, 4.0, 7.0];
/// let x = Shaped::new(&data, &[2, 2]).unwrap(); // [[2, 3], [4, 7]]
/// assert_eq!(x.get(&[1, 0]), Some(&4.0));
/// assert_eq!(x.get(&[2, 0]), None);
/// assert!(Shaped::new(&data, &[3, 2]).is_err());
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct Shaped<'a, T: Clone = f64> {
    data: Cow<'a, [T]>,
    shape: Vec<usize>,
}

/// The number of elements of `shape`, `None` on overflow.
fn element_count(shape: &[usize]) -> Option<usize> {
    shape.iter().try_fold(1usize, |n, &d| n.checked_mul(d))
}

/// The row-major flat index of `index` in `shape`; `None` when the index has the
/// wrong rank or a coordinate out of range.
pub(crate) fn flat_index(shape: &[usize], index: &[usize]) -> Option<usize> {
    if index.len() != shape.len() {
        return None;
    }
    index
        .iter()
        .zip(shape)
        .try_fold(0usize, |flat, (&i, &d)| (i < d).then(|| flat * d + i))
}

impl<'a, T: Clone> Shaped<'a, T> {
    /// A row-major slice with a shape. Errors with [`Error::LengthMismatch`] when the
    /// shape does not hold exactly `data.len()` elements. The empty shape `[]` is a
    /// scalar (one element).
    ///
    /// ```
    /// let x = hyperhess::Shaped::new(&[1.0, 2.0, 3.0, 4.0, 5.0, 6.0], &[2, 3]).unwrap();
    /// assert_eq!(x.get(&[1, 2]), Some(&6.0));
    /// ```
    pub fn new(data: &'a [T], shape: &[usize]) -> Result<Self, Error> {
        Self::checked(Cow::Borrowed(data), shape)
    }

    /// [`Shaped::new`] taking ownership of the data.
    ///
    /// ```
    /// let x = hyperhess::Shaped::from_vec(vec![1.0, 2.0], &[2, 1]).unwrap();
    /// assert_eq!(x.get(&[1, 0]), Some(&2.0));
    /// ```
    pub fn from_vec(data: Vec<T>, shape: &[usize]) -> Result<Self, Error> {
        Self::checked(Cow::Owned(data), shape)
    }

    fn checked(data: Cow<'a, [T]>, shape: &[usize]) -> Result<Self, Error> {
        if element_count(shape) != Some(data.len()) {
            return Err(Error::LengthMismatch {
                what: "data for the shape",
                expected: element_count(shape).unwrap_or(usize::MAX),
                found: data.len(),
            });
        }
        Ok(Shaped {
            data,
            shape: shape.to_vec(),
        })
    }

    /// A slice as a vector input, shape `[data.len()]`.
    ///
    /// ```
    /// assert_eq!(hyperhess::Shaped::vector(&[1.0, 2.0]).shape(), &[2]);
    /// ```
    pub fn vector(data: &'a [T]) -> Self {
        Shaped {
            shape: vec![data.len()],
            data: Cow::Borrowed(data),
        }
    }

    /// A nalgebra matrix as an input of shape `[nrows, ncols]`, copied into
    /// row-major order: element `[i, j]` is `m[(i, j)]`. (A nalgebra vector is an
    /// `n x 1` matrix, so it gets shape `[n, 1]`; use [`Shaped::vector`] on
    /// `v.as_slice()` for shape `[n]`.)
    ///
    /// ```
    /// let m = nalgebra::dmatrix![2.0, 3.0; 4.0, 7.0];
    /// let x = hyperhess::Shaped::from_matrix(&m);
    /// assert_eq!(x.shape(), &[2, 2]);
    /// assert_eq!(x.data(), &[2.0, 3.0, 4.0, 7.0]); // row-major, unlike m.as_slice()
    /// assert_eq!(x.get(&[0, 1]), Some(&m[(0, 1)]));
    /// ```
    pub fn from_matrix<R: Dim, C: Dim, S: RawStorage<T, R, C>>(m: &Matrix<T, R, C, S>) -> Self {
        let (rows, cols) = m.shape();
        let data = (0..rows)
            .flat_map(|i| (0..cols).map(move |j| m[(i, j)].clone()))
            .collect();
        Shaped {
            data: Cow::Owned(data),
            shape: vec![rows, cols],
        }
    }

    /// The shape.
    ///
    /// ```
    /// let x = hyperhess::Shaped::new(&[0.0; 6], &[1, 2, 3]).unwrap();
    /// assert_eq!(x.shape(), &[1, 2, 3]);
    /// ```
    pub fn shape(&self) -> &[usize] {
        &self.shape
    }

    /// The elements in row-major order.
    ///
    /// ```
    /// let x = hyperhess::Shaped::new(&[1.0, 2.0], &[2]).unwrap();
    /// assert_eq!(x.data(), &[1.0, 2.0]);
    /// ```
    pub fn data(&self) -> &[T] {
        &self.data
    }

    /// The number of elements (the product of the shape).
    ///
    /// ```
    /// assert_eq!(hyperhess::Shaped::new(&[0.0; 6], &[2, 3]).unwrap().len(), 6);
    /// ```
    pub fn len(&self) -> usize {
        self.data.len()
    }

    /// `true` when the shape holds no element (some dimension is 0).
    ///
    /// ```
    /// let x: hyperhess::Shaped = hyperhess::Shaped::new(&[], &[2, 0]).unwrap();
    /// assert!(x.is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        self.data.is_empty()
    }

    /// The row-major flat index of a multi-index; `None` when it has the wrong
    /// number of coordinates or one is out of range.
    ///
    /// ```
    /// let x = hyperhess::Shaped::new(&[0.0; 6], &[2, 3]).unwrap();
    /// assert_eq!(x.flat_index(&[1, 2]), Some(5));
    /// assert_eq!(x.flat_index(&[0, 3]), None);
    /// assert_eq!(x.flat_index(&[5]), None);
    /// ```
    pub fn flat_index(&self, index: &[usize]) -> Option<usize> {
        flat_index(&self.shape, index)
    }

    /// The multi-index of a row-major flat index (the inverse of
    /// [`Shaped::flat_index`]); `None` when out of range. Use it to read the flat
    /// indices of an error.
    ///
    /// ```
    /// let x = hyperhess::Shaped::new(&[0.0; 6], &[2, 3]).unwrap();
    /// assert_eq!(x.multi_index(5), Some(vec![1, 2]));
    /// assert_eq!(x.multi_index(6), None);
    /// ```
    pub fn multi_index(&self, flat: usize) -> Option<Vec<usize>> {
        if flat >= self.len() {
            return None;
        }
        let mut index = vec![0; self.shape.len()];
        let mut rest = flat;
        for (slot, &d) in index.iter_mut().zip(&self.shape).rev() {
            *slot = rest % d;
            rest /= d;
        }
        Some(index)
    }

    /// The element at a multi-index; `None` when out of range.
    ///
    /// ```
    /// let x = hyperhess::Shaped::new(&[1.0, 2.0, 3.0, 4.0], &[2, 2]).unwrap();
    /// assert_eq!(x.get(&[1, 1]), Some(&4.0));
    /// assert_eq!(x.get(&[1, 1, 0]), None);
    /// ```
    pub fn get(&self, index: &[usize]) -> Option<&T> {
        self.flat_index(index).map(|k| &self.data[k])
    }

    /// A copy that owns its data.
    ///
    /// ```
    /// let x = hyperhess::Shaped::vector(&[1.0]).into_owned();
    /// assert_eq!(x.data(), &[1.0]);
    /// ```
    pub fn into_owned(self) -> Shaped<'static, T>
    where
        T: 'static,
    {
        Shaped {
            data: Cow::Owned(self.data.into_owned()),
            shape: self.shape,
        }
    }
}

/// What the shaped and block drivers accept as one input: a slice, array or `Vec`
/// (shape `[len]`), a [`Shaped`], or a nalgebra matrix (shape `[nrows, ncols]`,
/// copied row-major, see [`Shaped::from_matrix`]); and references to these.
///
/// ```
/// use hyperhess::{AsShaped, Shaped};
/// assert_eq!([1.0, 2.0].as_shaped().shape(), &[2]);
/// assert_eq!(nalgebra::dmatrix![1.0, 2.0; 3.0, 4.0].as_shaped().data(), &[1.0, 2.0, 3.0, 4.0]);
/// let x = Shaped::new(&[1.0, 2.0], &[1, 2]).unwrap();
/// assert_eq!((&x).as_shaped(), x);
/// ```
pub trait AsShaped<T: Clone> {
    /// This input as a row-major [`Shaped`] (borrowed where possible).
    ///
    /// ```
    /// use hyperhess::AsShaped;
    /// assert_eq!(vec![1.0, 2.0, 3.0].as_shaped().len(), 3);
    /// ```
    fn as_shaped(&self) -> Shaped<'_, T>;
}

impl<T: Clone> AsShaped<T> for [T] {
    fn as_shaped(&self) -> Shaped<'_, T> {
        Shaped::vector(self)
    }
}

impl<T: Clone, const N: usize> AsShaped<T> for [T; N] {
    fn as_shaped(&self) -> Shaped<'_, T> {
        Shaped::vector(self)
    }
}

impl<T: Clone> AsShaped<T> for Vec<T> {
    fn as_shaped(&self) -> Shaped<'_, T> {
        Shaped::vector(self)
    }
}

impl<T: Clone> AsShaped<T> for Shaped<'_, T> {
    fn as_shaped(&self) -> Shaped<'_, T> {
        Shaped {
            data: Cow::Borrowed(&self.data),
            shape: self.shape.clone(),
        }
    }
}

impl<T: Clone, R: Dim, C: Dim, S: RawStorage<T, R, C>> AsShaped<T> for Matrix<T, R, C, S> {
    fn as_shaped(&self) -> Shaped<'_, T> {
        Shaped::from_matrix(self)
    }
}

impl<T: Clone, X: AsShaped<T> + ?Sized> AsShaped<T> for &X {
    fn as_shaped(&self) -> Shaped<'_, T> {
        (**self).as_shaped()
    }
}
