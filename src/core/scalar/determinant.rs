//! [`Determinant`]: `m.determinant()` for nalgebra square matrices of any
//! [`Scalar`], inside a `fn f<S: Scalar>` or `Objective::eval`.
//!
//! nalgebra's own `determinant` asks for simba's `ComplexField`, which `Scalar`
//! cannot imply (its `FromPrimitive::from_f64` would clash with
//! `Scalar::from_f64`). With this trait in scope the call resolves to nalgebra's
//! method where its bound holds (`f64`, a concrete number type) and to this one in
//! generic code.

use super::Scalar;
use nalgebra::{Dim, Matrix, RawStorage};

/// The determinant of a square nalgebra matrix over any [`Scalar`]: closed forms
/// up to 3 x 3, Gaussian elimination with partial pivoting (by value) above. A
/// pivot's choice only orders the same polynomial, so derivatives are exact; a
/// non-square matrix has determinant zero here (nalgebra's panics).
///
/// ```
/// use hyperhess::{Determinant, Objective, Scalar};
/// use hyperhess::nalgebra::{Matrix3, Vector3};
///
/// struct Volume;
/// impl Objective for Volume {
///     fn eval<S: Scalar>(&self, x: &[S]) -> S {
///         let c = |i: usize| Vector3::new(x[3 * i], x[3 * i + 1], x[3 * i + 2]);
///         Matrix3::from_columns(&[c(0), c(1), c(2)]).determinant()
///     }
/// }
/// let x = [1.0, 0.0, 0.0, 0.0, 2.0, 0.0, 0.0, 0.0, 3.0];
/// assert_eq!(Volume.eval(&x), 6.0);
/// let g = hyperhess::gradient(|x| Volume.eval(x), &x).unwrap(); // the cofactors
/// assert_eq!((g[0], g[4], g[8]), (6.0, 3.0, 2.0));
/// ```
pub trait Determinant<S> {
    /// The determinant (zero for a non-square matrix).
    ///
    /// ```
    /// use hyperhess::{Determinant, Scalar};
    /// fn det<S: Scalar>(m: &hyperhess::nalgebra::DMatrix<S>) -> S { m.determinant() }
    /// let m = hyperhess::nalgebra::dmatrix![2.0, 1.0, 0.0, 0.0; 1.0, 2.0, 1.0, 0.0;
    ///                                       0.0, 1.0, 2.0, 1.0; 0.0, 0.0, 1.0, 2.0];
    /// assert!((det(&m) - 5.0).abs() < 1e-14);
    /// ```
    fn determinant(&self) -> S;
}

impl<S: Scalar, R: Dim, C: Dim, St: RawStorage<S, R, C>> Determinant<S> for Matrix<S, R, C, St> {
    fn determinant(&self) -> S {
        let n = self.nrows();
        if n != self.ncols() {
            return S::zero();
        }
        let m = |i: usize, j: usize| self[(i, j)];
        match n {
            0 => S::one(),
            1 => m(0, 0),
            2 => m(0, 0) * m(1, 1) - m(0, 1) * m(1, 0),
            3 => {
                m(0, 0) * (m(1, 1) * m(2, 2) - m(1, 2) * m(2, 1))
                    - m(0, 1) * (m(1, 0) * m(2, 2) - m(1, 2) * m(2, 0))
                    + m(0, 2) * (m(1, 0) * m(2, 1) - m(1, 1) * m(2, 0))
            }
            _ => eliminate(n, (0..n * n).map(|k| m(k % n, k / n)).collect()),
        }
    }
}

/// The determinant of the column-major `n x n` matrix `a` by Gaussian
/// elimination with partial pivoting (the largest value in the column). A column
/// whose values are all zero may still carry derivative parts: the remaining
/// block is then expanded along it (Laplace), so no derivative is dropped.
fn eliminate<S: Scalar>(n: usize, mut a: Vec<S>) -> S {
    let mut det = S::one();
    for k in 0..n {
        let pivot = (k..n)
            .max_by(|&i, &j| {
                let (vi, vj) = (a[i + k * n].value().abs(), a[j + k * n].value().abs());
                vi.total_cmp(&vj)
            })
            .unwrap_or(k);
        if a[pivot + k * n].value() == 0.0 {
            return det * expand(n - k, |i, j| a[(k + i) + (k + j) * n]);
        }
        if pivot != k {
            for j in 0..n {
                a.swap(k + j * n, pivot + j * n);
            }
            det = -det;
        }
        let p = a[k + k * n];
        det *= p;
        for i in k + 1..n {
            let l = a[i + k * n] / p;
            for j in k + 1..n {
                let u = a[k + j * n];
                a[i + j * n] -= l * u;
            }
        }
    }
    det
}

/// The determinant of the `m x m` block `b` by expansion along its first column
/// (minors by [`eliminate`]).
fn expand<S: Scalar>(m: usize, b: impl Fn(usize, usize) -> S + Copy) -> S {
    let mut sum = S::zero();
    for r in 0..m {
        let e = b(r, 0);
        if e.is_zero() {
            continue;
        }
        let minor: Vec<S> = (1..m)
            .flat_map(|j| (0..m).filter(move |&i| i != r).map(move |i| b(i, j)))
            .collect();
        let term = e * eliminate(m - 1, minor);
        if r % 2 == 0 {
            sum += term;
        } else {
            sum -= term;
        }
    }
    sum
}
