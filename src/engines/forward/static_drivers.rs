//! The drivers built on [`Dual2`]: [`hessian_static`], [`derivatives_static`] and
//! their `SVector` twins, and the small-`n` engine of the drivers that take an
//! `Objective` (`derivatives_small`).

// Index loops over the upper triangle are the point of the number type; its
// drivers read them the same way.
#![allow(clippy::needless_range_loop)]

use super::dual2::Dual2;
use crate::error::{Error, check_point};
use crate::scalar::Base;
use crate::scalar::Scalar;
use nalgebra::{DMatrix, DVector, SMatrix, SVector};

/// Value, gradient and Hessian from one [`Dual2`] evaluation
/// ([`derivatives_static`]).
///
/// ```
/// use hyperhess::{forward, Scalar};
/// fn f<S: Scalar>(x: &[S]) -> S { x[0] * x[1] }
/// let d: forward::StaticDerivatives<f64, 2> =
///     forward::derivatives_static(|x| f(x), &[2.0, 3.0]).unwrap();
/// assert_eq!(d.value, 6.0);
/// ```
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct StaticDerivatives<T: nalgebra::Scalar, const N: usize> {
    /// `f(x)`
    pub value: T,
    /// `∇f(x)`
    pub gradient: SVector<T, N>,
    /// `∇²f(x)`, exactly symmetric.
    pub hessian: SMatrix<T, N, N>,
}

/// Evaluates `f` once at the seeded point and checks the result: the common part
/// of every static driver.
#[inline]
fn eval_checked<T, F, const N: usize>(f: F, x: &[T; N]) -> Result<Dual2<T, N>, Error>
where
    T: Base,
    F: Fn(&[Dual2<T, N>]) -> Dual2<T, N>,
{
    check_point(&x[..])?;
    let y = f(&Dual2::variables(x));
    // One pass without early exits (no branch per entry); the error's search only
    // when it fails.
    let mut finite = y.re.is_finite();
    for i in 0..N {
        finite &= y.grad[i].is_finite();
        for j in i..N {
            finite &= y.hess[i][j].is_finite();
        }
    }
    if finite {
        Ok(y)
    } else {
        first_non_finite(&y).map_or(Ok(y), Err)
    }
}

/// The error for the first part of `y` that is not finite, if any: the value, then
/// the first gradient entry, then the Hessian's upper triangle column by column
/// (the order `forward::hessian` meets the entries in).
#[cold]
#[inline(never)]
fn first_non_finite<T: Base, const N: usize>(y: &Dual2<T, N>) -> Option<Error> {
    if !y.re.is_finite() {
        return Some(Error::NonFiniteValue { value: y.value() });
    }
    if let Some(index) = y.grad.iter().position(|g| !g.is_finite()) {
        return Some(Error::NonFiniteGradient {
            index,
            value: y.grad[index].value(),
        });
    }
    for col in 0..N {
        for row in 0..=col {
            let h = y.hess[row][col];
            if !h.is_finite() {
                return Some(Error::NonFiniteHessian {
                    row,
                    col,
                    value: h.value(),
                });
            }
        }
    }
    None
}

/// The mirrored Hessian part as an `SMatrix`.
#[inline]
fn smatrix<T: Base, const N: usize>(y: &Dual2<T, N>) -> SMatrix<T, N, N> {
    SMatrix::from_fn(|i, j| y.hess_entry(i, j))
}

/// The Hessian `∇²f(x)` of a function of `N` inputs from ONE evaluation over
/// [`Dual2<T, N>`] (value, gradient and Hessian on the stack): the fastest engine
/// for small `N` (see docs/benchmarks.md for the crossover with [`crate::hessian`]).
/// Exactly symmetric, and bit-identical to [`super::hessian`].
///
/// Errors: [`Error::EmptyInput`] (`N = 0`), [`Error::NonFiniteInput`],
/// [`Error::NonFiniteValue`], [`Error::NonFiniteGradient`],
/// [`Error::NonFiniteHessian`] (the first non-finite entry of the upper triangle,
/// column by column).
///
/// ```
/// use hyperhess::{forward, Scalar};
/// fn f<S: Scalar>(x: &[S]) -> S { x.iter().map(|&xi| xi.powi(3) * 2.0 - xi * xi).sum() }
/// let h = forward::hessian_static(|x| f(x), &[2.0, 3.0, 4.0]).unwrap();
/// assert_eq!(h, nalgebra::Matrix3::from_diagonal(&nalgebra::vector![22.0, 34.0, 46.0]));
/// ```
#[inline]
pub fn hessian_static<T, F, const N: usize>(f: F, x: &[T; N]) -> Result<SMatrix<T, N, N>, Error>
where
    T: Base,
    F: Fn(&[Dual2<T, N>]) -> Dual2<T, N>,
{
    eval_checked(f, x).map(|y| smatrix(&y))
}

/// Value, gradient and Hessian of a function of `N` inputs from one [`Dual2`]
/// evaluation; errors as [`hessian_static`].
///
/// ```
/// use hyperhess::{forward, Scalar};
/// fn f<S: Scalar>(x: &[S]) -> S { x[0] * x[1].powi(3) - x[0] * 7.0 }
/// let d = forward::derivatives_static(|x| f(x), &[1.0, 2.0]).unwrap();
/// assert_eq!(d.value, 1.0);
/// assert_eq!(d.gradient, nalgebra::vector![1.0, 12.0]);
/// assert_eq!(d.hessian, nalgebra::matrix![0.0, 12.0; 12.0, 12.0]);
/// ```
#[inline]
pub fn derivatives_static<T, F, const N: usize>(
    f: F,
    x: &[T; N],
) -> Result<StaticDerivatives<T, N>, Error>
where
    T: Base,
    F: Fn(&[Dual2<T, N>]) -> Dual2<T, N>,
{
    eval_checked(f, x).map(|y| StaticDerivatives {
        value: y.re,
        gradient: SVector::from(y.grad),
        hessian: smatrix(&y),
    })
}

/// [`hessian_static`] at a point given as an `SVector`.
///
/// ```
/// use hyperhess::{forward, Scalar};
/// fn f<S: Scalar>(x: &[S]) -> S { x[0] * x[0] * x[1] }
/// let h = forward::hessian_static_vector(|x| f(x), &nalgebra::vector![1.0, 2.0]).unwrap();
/// assert_eq!(h, nalgebra::matrix![4.0, 2.0; 2.0, 0.0]);
/// ```
#[inline]
pub fn hessian_static_vector<T, F, const N: usize>(
    f: F,
    x: &SVector<T, N>,
) -> Result<SMatrix<T, N, N>, Error>
where
    T: Base,
    F: Fn(&[Dual2<T, N>]) -> Dual2<T, N>,
{
    hessian_static(f, &x.data.0[0])
}

/// [`derivatives_static`] at a point given as an `SVector`.
///
/// ```
/// use hyperhess::{forward, Scalar};
/// fn f<S: Scalar>(x: &[S]) -> S { x[0] * x[0] * x[1] }
/// let d = forward::derivatives_static_vector(|x| f(x), &nalgebra::vector![1.0, 2.0]).unwrap();
/// assert_eq!((d.value, d.gradient), (2.0, nalgebra::vector![4.0, 1.0]));
/// ```
#[inline]
pub fn derivatives_static_vector<T, F, const N: usize>(
    f: F,
    x: &SVector<T, N>,
) -> Result<StaticDerivatives<T, N>, Error>
where
    T: Base,
    F: Fn(&[Dual2<T, N>]) -> Dual2<T, N>,
{
    derivatives_static(f, &x.data.0[0])
}

// ---------------------------------------------------------------------------------
// Small-n dispatch for the Objective-based drivers
// ---------------------------------------------------------------------------------

/// The largest `n` for which [`derivatives_small`] takes the static engine: up to
/// here one [`Dual2`] evaluation beats the tape's `hessian` on every benchmark
/// function (Rosenbrock, chain, log-sum-exp: 0.4-0.7x the tape's time at n = 10,
/// 1.0-2.1x at n = 12; docs/benchmarks.md, "Small n: the static number").
pub(crate) const CROSSOVER: usize = 10;

/// What to do with the static derivatives of an `Objective` at a point of `K`
/// inputs (or with their error), for every `K` in `1..=CROSSOVER`, and what to do
/// at any other number of inputs ([`with_small`]): a caller that keeps the result
/// on the stack (a small Newton step) gets `K` as a constant.
pub(crate) trait SmallVisitor {
    /// The result of [`SmallVisitor::visit`] and [`SmallVisitor::otherwise`].
    type Output;
    /// Uses the derivatives at a point of `K` inputs, or their error (those of
    /// [`derivatives_static`]).
    fn visit<const K: usize>(self, d: Result<StaticDerivatives<f64, K>, Error>) -> Self::Output;
    /// The result when the point has no inputs or more than `CROSSOVER`.
    fn otherwise(self) -> Self::Output;
}

/// `visitor` applied to the value, gradient and Hessian of `obj` at `x` (or to
/// their error), by one [`Dual2<f64, n>`] evaluation, when `1 <= n = x.len() <=
/// CROSSOVER`; [`SmallVisitor::otherwise`] when not (including `n = 0`: the
/// caller's general driver reports [`Error::EmptyInput`] itself). One result type
/// for both, so a caller can return it as it comes (no wrapper to move out of).
#[inline]
pub(crate) fn with_small<O, V>(obj: &O, x: &[f64], visitor: V) -> V::Output
where
    O: crate::objective::Objective + ?Sized,
    V: SmallVisitor,
{
    #[inline]
    fn run<O, V, const K: usize>(obj: &O, x: &[f64], visitor: V) -> V::Output
    where
        O: crate::objective::Objective + ?Sized,
        V: SmallVisitor,
    {
        match x.try_into() {
            Ok(x) => visitor.visit(derivatives_static(|v: &[Dual2<f64, K>]| obj.eval(v), x)),
            Err(_) => visitor.otherwise(),
        }
    }
    macro_rules! dispatch {
        ($($k:literal)*) => {{
            $(const _: () = assert!($k <= CROSSOVER);)*
            match x.len() {
                $($k => run::<O, V, $k>(obj, x, visitor),)*
                _ => visitor.otherwise(),
            }
        }};
    }
    // Must list exactly 1..=CROSSOVER (the test below checks it).
    dispatch!(1 2 3 4 5 6 7 8 9 10)
}

/// The static derivatives as a value, a `DVector` and a `DMatrix`.
struct ToDynamic;

impl SmallVisitor for ToDynamic {
    type Output = Option<Result<(f64, DVector<f64>, DMatrix<f64>), Error>>;
    fn visit<const K: usize>(self, d: Result<StaticDerivatives<f64, K>, Error>) -> Self::Output {
        Some(d.map(|d| {
            (
                d.value,
                DVector::from_column_slice(d.gradient.as_slice()),
                DMatrix::from_column_slice(K, K, d.hessian.as_slice()),
            )
        }))
    }
    fn otherwise(self) -> Self::Output {
        None
    }
}

/// Value, gradient and Hessian of `obj` at `x` by one [`Dual2<f64, n>`] evaluation
/// when `1 <= n = x.len() <= CROSSOVER`; `None` otherwise (including `n = 0`: the
/// caller's general driver reports [`Error::EmptyInput`] itself).
#[allow(clippy::type_complexity)] // the signature the drivers' owner asked for
pub(crate) fn derivatives_small<O: crate::objective::Objective + ?Sized>(
    obj: &O,
    x: &[f64],
) -> Option<Result<(f64, DVector<f64>, DMatrix<f64>), Error>> {
    with_small(obj, x, ToDynamic)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::objective::Objective;

    struct Cubic;
    impl Objective for Cubic {
        fn eval<S: Scalar>(&self, x: &[S]) -> S {
            x.iter().map(|&xi| xi.powi(3) * 2.0 - xi * xi).sum()
        }
    }

    #[test]
    fn small_dispatch_covers_exactly_one_to_crossover() {
        assert!(derivatives_small(&Cubic, &[]).is_none());
        for n in 1..=CROSSOVER {
            let x: Vec<f64> = (0..n).map(|i| i as f64 + 2.0).collect();
            let (v, g, h) = derivatives_small(&Cubic, &x).unwrap().unwrap();
            let want_v: f64 = x.iter().map(|&t| 2.0 * t * t * t - t * t).sum();
            assert_eq!(v, want_v);
            for i in 0..n {
                assert_eq!(g[i], 6.0 * x[i] * x[i] - 2.0 * x[i]);
                for j in 0..n {
                    let want = if i == j { 12.0 * x[i] - 2.0 } else { 0.0 };
                    assert_eq!(h[(i, j)], want);
                }
            }
        }
        let big: Vec<f64> = vec![1.0; CROSSOVER + 1];
        assert!(derivatives_small(&Cubic, &big).is_none());
        assert!(matches!(
            derivatives_small(&Cubic, &[f64::NAN]),
            Some(Err(Error::NonFiniteInput { index: 0, .. }))
        ));
    }
}
