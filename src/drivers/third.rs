//! Third derivatives: the Hessian differentiated once more, along a direction
//! ([`third_derivative`]) or along every input ([`third_derivative_tensor`]).
//!
//! The tape Hessian taken at the dual point `x + v ε` (tape variables over
//! [`Dual`] numbers) is `∇²f(x) + ε ∇³f(x)[v]`: one recording and the Hessian's
//! sweeps, in dual arithmetic, give the directional third derivative as the
//! entries' `ε` parts (PyTorch's `create_graph=True`, one direction per call).

use crate::error::{Error, check_point};
use crate::forward::Dual;
use crate::front_door::dual_point;
use crate::recording::record;
use crate::scalar::Base;
use crate::tape::Var;
use nalgebra::DMatrix;

/// The directional third derivative `∇³f(x)[v]`, the `n x n` matrix
/// `Σ_k ∂³f/∂x_i∂x_j∂x_k v_k` (the derivative of the Hessian along `v`): one
/// recording at the dual point `x + v ε` and the dense Hessian's sweeps over dual
/// numbers. Exactly symmetric.
///
/// ```
/// use hyperhess::Scalar;
/// fn f<S: Scalar>(x: &[S]) -> S { x[0] * x[0] * x[1] }
/// // ∂³f/∂x0²∂x1 = 2: along v = e_1 only H[0][0] moves, along e_0 H[0][1] does.
/// let t = hyperhess::third_derivative(|x| f(x), &[1.0, 2.0], &[0.0, 1.0]).unwrap();
/// assert_eq!(t, nalgebra::dmatrix![2.0, 0.0; 0.0, 0.0]);
/// let t = hyperhess::third_derivative(|x| f(x), &[1.0, 2.0], &[1.0, 0.0]).unwrap();
/// assert_eq!(t, nalgebra::dmatrix![0.0, 2.0; 2.0, 0.0]);
/// ```
///
/// Errors: as [`crate::hessian`], and [`Error::LengthMismatch`] or
/// [`Error::NonFiniteDirection`] for a bad `v`; a non-finite third derivative is
/// [`Error::NonFiniteHessian`].
pub fn third_derivative<T, F>(f: F, x: &[T], v: &[T]) -> Result<DMatrix<T>, Error>
where
    T: Base,
    F: Fn(&[Var<Dual<T>>]) -> Var<Dual<T>>,
{
    let (_, point) = dual_point(x, v)?;
    let h = record(f, &point)?.hessian()?;
    Ok(h.map(|hij| hij.eps))
}

/// The whole third-derivative tensor, as `n` matrices: `t[k][(i, j)] =
/// ∂³f/∂x_i∂x_j∂x_k` (slice `k` is [`third_derivative`] along `e_k`, so the call
/// costs `n` of them; meant for small `n`: the result holds `n³` numbers).
/// Exactly symmetric in `i, j`; symmetric in all three indices up to rounding.
///
/// ```
/// use hyperhess::Scalar;
/// fn f<S: Scalar>(x: &[S]) -> S { x[0] * x[1] * x[2] + x[0].powi(3) }
/// let t = hyperhess::third_derivative_tensor(|x| f(x), &[1.0, 1.0, 1.0]).unwrap();
/// assert_eq!(t[0][(0, 0)], 6.0);
/// assert_eq!((t[2][(0, 1)], t[1][(0, 2)], t[0][(1, 2)]), (1.0, 1.0, 1.0));
/// assert_eq!(t[1][(1, 1)], 0.0);
/// ```
///
/// Errors: as [`third_derivative`]; [`Error::OutOfMemory`] when `n³` numbers do
/// not fit in memory.
pub fn third_derivative_tensor<T, F>(f: F, x: &[T]) -> Result<Vec<DMatrix<T>>, Error>
where
    T: Base,
    F: Fn(&[Var<Dual<T>>]) -> Var<Dual<T>>,
{
    let n = check_point(x)?;
    let bytes = n
        .checked_mul(n)
        .and_then(|nn| nn.checked_mul(n))
        .and_then(|nnn| nnn.checked_mul(std::mem::size_of::<T>()))
        .unwrap_or(usize::MAX);
    let mut slices = Vec::new();
    if bytes > isize::MAX as usize || slices.try_reserve_exact(n).is_err() {
        return Err(Error::OutOfMemory { bytes });
    }
    let mut e = vec![T::zero(); n];
    for k in 0..n {
        e[k] = T::one();
        slices.push(third_derivative(&f, x, &e)?);
        e[k] = T::zero();
    }
    Ok(slices)
}
