//! The forward engine: dual and hyper-dual numbers pushed through the user function.
//!
//! - [`gradient`]: `n` evaluations over [`Dual`], one per coordinate;
//! - [`hessian`]: `n(n+1)/2` evaluations over [`HyperDual`], one per seed pair
//!   `i <= j`, mirrored, so the result is exactly symmetric;
//! - [`hessian_static`] / [`derivatives_static`]: ONE evaluation over the static
//!   second-order number [`Dual2<T, N>`] (value, gradient and Hessian on the stack)
//!   for a point `&[T; N]` (or an `SVector`, [`hessian_static_vector`]): the fastest
//!   engine for small `n` (up to about 8 to 12 inputs, see docs/benchmarks.md).
//!
//! Exact (no truncation error) and simple, but `O(n²)` evaluations: it is the
//! reference engine the tape is tested against. Both drivers are generic over the
//! base scalar: at a point of `Dual<f64>` coordinates the Hessian comes back with its
//! directional derivative (third order), PyTorch's `create_graph`.
//!
//! ```
//! use hyperhess::{forward, Scalar};
//! fn f<S: Scalar>(x: &[S]) -> S { x[0] * x[1].powi(3) - x[0] * 7.0 }
//! let h = forward::hessian(|x| f(x), &[1.0, 2.0]).unwrap();
//! assert_eq!(h, nalgebra::dmatrix![0.0, 12.0; 12.0, 12.0]);
//! ```

mod dual;
mod dual2;
mod hyper;
mod static_drivers;

pub use dual::Dual;
pub use dual2::Dual2;
pub use hyper::HyperDual;
pub(crate) use static_drivers::{CROSSOVER, SmallVisitor, derivatives_small, with_small};
pub use static_drivers::{
    StaticDerivatives, derivatives_static, derivatives_static_vector, hessian_static,
    hessian_static_vector,
};

use crate::error::{Error, check_point};
use crate::scalar::{Base, Scalar};
use nalgebra::{DMatrix, DVector};

/// The gradient `∇f(x)` by `n` dual-number evaluations.
///
/// Errors: [`Error::EmptyInput`], [`Error::NonFiniteInput`],
/// [`Error::NonFiniteValue`], [`Error::NonFiniteGradient`].
///
/// ```
/// use hyperhess::{forward, Scalar};
/// fn f<S: Scalar>(x: &[S]) -> S { x[0] * x[1].sin() }
/// let g = forward::gradient(|x| f(x), &[2.0, 0.0]).unwrap();
/// assert_eq!(g.as_slice(), &[0.0, 2.0]);
/// ```
pub fn gradient<T, F>(f: F, x: &[T]) -> Result<DVector<T>, Error>
where
    T: Base,
    F: Fn(&[Dual<T>]) -> Dual<T>,
{
    let n = check_point(x)?;
    let mut xs: Vec<Dual<T>> = x.iter().map(|&xi| Dual::new(xi, T::zero())).collect();
    let mut g = DVector::from_element(n, T::zero());
    for i in 0..n {
        xs[i].eps = T::one();
        let y = f(&xs);
        xs[i].eps = T::zero();
        if !y.re.is_finite() {
            return Err(Error::NonFiniteValue { value: y.value() });
        }
        if !y.eps.is_finite() {
            return Err(Error::NonFiniteGradient {
                index: i,
                value: y.eps.value(),
            });
        }
        g[i] = y.eps;
    }
    Ok(g)
}

/// The Hessian `∇²f(x)` by `n(n+1)/2` hyper-dual evaluations, one per seed pair
/// `(i, j)` with `i <= j`; exactly symmetric.
///
/// Errors: [`Error::EmptyInput`], [`Error::NonFiniteInput`],
/// [`Error::NonFiniteValue`], [`Error::NonFiniteGradient`] (a first-order part along
/// a seed), [`Error::NonFiniteHessian`].
///
/// ```
/// use hyperhess::{forward, Scalar};
/// fn f<S: Scalar>(x: &[S]) -> S { x.iter().map(|&xi| xi.powi(3) * 2.0 - xi * xi).sum() }
/// let h = forward::hessian(|x| f(x), &[2.0, 3.0, 4.0]).unwrap();
/// assert_eq!(h, nalgebra::DMatrix::from_diagonal(&nalgebra::dvector![22.0, 34.0, 46.0]));
/// ```
pub fn hessian<T, F>(f: F, x: &[T]) -> Result<DMatrix<T>, Error>
where
    T: Base,
    F: Fn(&[HyperDual<T>]) -> HyperDual<T>,
{
    let n = check_point(x)?;
    let z = T::zero();
    let mut xs: Vec<HyperDual<T>> = x.iter().map(|&xi| HyperDual::new(xi, z, z, z)).collect();
    let mut h = DMatrix::from_element(n, n, z);
    // Errors in the order every engine reports them: the value, then the first
    // gradient entry by index, then the first Hessian entry column by column.
    let mut gradient_error: Option<(usize, f64)> = None;
    let mut hessian_error = None;
    for j in 0..n {
        xs[j].e2 = T::one();
        for i in 0..=j {
            xs[i].e1 = T::one();
            let y = f(&xs);
            xs[i].e1 = z;
            if !y.re.is_finite() {
                return Err(Error::NonFiniteValue { value: y.value() });
            }
            if !y.e1.is_finite() && gradient_error.is_none_or(|(k, _)| i < k) {
                gradient_error = Some((i, y.e1.value()));
            }
            if !y.e12.is_finite() && hessian_error.is_none() {
                hessian_error = Some(Error::NonFiniteHessian {
                    row: i,
                    col: j,
                    value: y.e12.value(),
                });
            }
            h[(i, j)] = y.e12;
            h[(j, i)] = y.e12;
        }
        xs[j].e2 = z;
    }
    if let Some((index, value)) = gradient_error {
        return Err(Error::NonFiniteGradient { index, value });
    }
    hessian_error.map_or(Ok(h), Err)
}
