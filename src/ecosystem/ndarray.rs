//! ndarray in and out (feature `ndarray`): the point as an `ArrayView1<f64>`, the
//! gradient and Hessian-vector product as `Array1<f64>`, the Hessian as
//! `Array2<f64>`.
//!
//! Thin wrappers over the crate's [`gradient`](crate::gradient),
//! [`hessian`](crate::hessian) and [`hvp`](crate::hvp): the same tape, the same
//! errors, and the same function argument, a closure written in the call, `|x|
//! f(x)`, that receives the coordinates as a slice. Views need not be contiguous
//! (a strided `slice(s![..;2])` is copied once).
//!
//! ```
//! use hyperhess::Scalar;
//! use ndarray::array;
//!
//! fn f<S: Scalar>(x: &[S]) -> S {
//!     x[0] * x[0] * x[1]
//! }
//! let x = array![1.0, 2.0];
//! let h = hyperhess::ndarray::hessian(|x| f(x), x.view()).unwrap();
//! assert_eq!(h, array![[4.0, 2.0], [2.0, 0.0]]);
//! ```

use crate::error::Error;
use crate::forward::Dual;
use crate::tape::Var;
use ::ndarray::{Array1, Array2, ArrayView1};

/// The gradient `∇f(x)`, as [`crate::gradient`], from and to ndarray.
///
/// Errors: those of [`crate::gradient`] ([`Error::EmptyInput`],
/// [`Error::NonFiniteInput`], ...).
///
/// ```
/// use hyperhess::Scalar;
/// use ndarray::array;
///
/// fn f<S: Scalar>(x: &[S]) -> S { x[0] * x[1].sin() }
/// let g = hyperhess::ndarray::gradient(|x| f(x), array![2.0, 0.0].view()).unwrap();
/// assert_eq!(g, array![0.0, 2.0]);
/// ```
pub fn gradient<F>(f: F, x: ArrayView1<'_, f64>) -> Result<Array1<f64>, Error>
where
    F: Fn(&[Var]) -> Var,
{
    let g = crate::front_door::gradient(f, &x.to_vec())?;
    Ok(Array1::from_vec(g.as_slice().to_vec()))
}

/// The dense Hessian `∇²f(x)`, as [`crate::hessian`], from and to ndarray
/// (row `i`, column `j` is `∂²f/∂x_i∂x_j`).
///
/// Errors: those of [`crate::hessian`].
///
/// ```
/// use hyperhess::Scalar;
/// use ndarray::{array, s};
///
/// fn f<S: Scalar>(x: &[S]) -> S { x[0] * x[1].powi(3) }
/// let data = array![1.0, -5.0, 2.0, -5.0];
/// // A strided view: the coordinates 1.0 and 2.0.
/// let h = hyperhess::ndarray::hessian(|x| f(x), data.slice(s![..;2])).unwrap();
/// assert_eq!(h, array![[0.0, 12.0], [12.0, 12.0]]);
/// ```
pub fn hessian<F>(f: F, x: ArrayView1<'_, f64>) -> Result<Array2<f64>, Error>
where
    F: Fn(&[Var]) -> Var,
{
    let h = crate::front_door::hessian(f, &x.to_vec())?;
    Ok(Array2::from_shape_fn(h.shape(), |(i, j)| h[(i, j)]))
}

/// The Hessian-vector product `∇²f(x) v`, as [`crate::hvp`], from and to ndarray.
///
/// Errors: those of [`crate::hvp`] (a `v` of another length than `x` is
/// [`Error::LengthMismatch`]).
///
/// ```
/// use hyperhess::Scalar;
/// use ndarray::array;
///
/// fn f<S: Scalar>(x: &[S]) -> S { x[0] * x[1].powi(3) }
/// let hv = hyperhess::ndarray::hvp(|x| f(x), array![1.0, 2.0].view(), array![1.0, 0.0].view())
///     .unwrap();
/// assert_eq!(hv, array![0.0, 12.0]);
/// ```
pub fn hvp<F>(f: F, x: ArrayView1<'_, f64>, v: ArrayView1<'_, f64>) -> Result<Array1<f64>, Error>
where
    F: Fn(&[Var<Dual<f64>>]) -> Var<Dual<f64>>,
{
    let hv = crate::front_door::hvp(f, &x.to_vec(), &v.to_vec())?;
    Ok(Array1::from_vec(hv.as_slice().to_vec()))
}
