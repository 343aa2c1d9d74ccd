//! The front door: the top-level calls on a closure, on the forward-over-reverse
//! engine: record once, replay (dense Hessian sweeps: `dense.rs`; sparse: `sparse/`).

use crate::error::{Error, check_direction, check_point};
use crate::forward::Dual;
use crate::objective::Objective;
use crate::options::Options;
use crate::recording::{Recording, record};
use crate::scalar::Base;
use crate::tape::{Recorded, Var};
use nalgebra::{DMatrix, DVector};

/// Value, gradient and Hessian from one recording.
///
/// ```
/// let d = hyperhess::derivatives(|x| x[0] * x[0] * x[1], &[1.0, 2.0]).unwrap();
/// assert_eq!((d.value, d.gradient[0], d.hessian[(0, 1)]), (2.0, 4.0, 2.0));
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct Derivatives<T: Base = f64> {
    /// `f(x)`
    pub value: T,
    /// `∇f(x)`
    pub gradient: DVector<T>,
    /// `∇²f(x)`, exactly symmetric
    pub hessian: DMatrix<T>,
}

/// The gradient by one recording and one reverse sweep.
///
/// ```
/// use hyperhess::Scalar;
/// fn f<S: Scalar>(x: &[S]) -> S { x[0].sin() * x[1] }
/// let g = hyperhess::gradient(|x| f(x), &[0.0, 2.0]).unwrap();
/// assert_eq!(g.as_slice(), &[2.0, 0.0]);
/// ```
pub fn gradient<T, F>(f: F, x: &[T]) -> Result<DVector<T>, Error>
where
    T: Base,
    F: Fn(&[Var<T>]) -> Var<T>,
{
    gradient_with(f, x, &Options::default())
}

/// [`gradient`] with [`Options`] (`strict`: PyTorch's `strict`).
///
/// ```
/// use hyperhess::Options;
/// let strict = Options { strict: true, ..Options::default() };
/// assert!(hyperhess::gradient_with(|x| x[0] * 2.0, &[1.0, 1.0], &strict).is_err());
/// ```
pub fn gradient_with<T, F>(f: F, x: &[T], options: &Options) -> Result<DVector<T>, Error>
where
    T: Base,
    F: Fn(&[Var<T>]) -> Var<T>,
{
    let rec = Recorded::new(f, x)?;
    crate::strict::check(&rec, options, &[0, rec.inputs()])?;
    Ok(rec.gradient())
}

/// The Hessian-vector product `∇²f(x) v`: `f` is recorded once at the dual point
/// `x + v ε` (tape variables over [`Dual`] numbers), and one reverse sweep of dual
/// adjoints gives `∇f(x) + (∇²f(x) v) ε`. Pass a generic `f` by name or as
/// `|x| f(x)`, as for every driver. To take many products at one point,
/// [`crate::record`] once and call [`Recording::hvp`] (a replay, no re-recording).
///
/// ```
/// use hyperhess::Scalar;
/// fn f<S: Scalar>(x: &[S]) -> S { x[0] * x[0] * x[1] }
/// let hv = hyperhess::hvp(|x| f(x), &[1.0, 2.0], &[1.0, 0.0]).unwrap();
/// assert_eq!(hv.as_slice(), &[4.0, 2.0]);
/// ```
pub fn hvp<T, F>(f: F, x: &[T], v: &[T]) -> Result<DVector<T>, Error>
where
    T: Base,
    F: Fn(&[Var<Dual<T>>]) -> Var<Dual<T>>,
{
    hvp_with(f, x, v, &Options::default())
}

/// [`hvp`] with [`Options`] (`strict`: PyTorch's `strict`).
///
/// ```
/// let hv = hyperhess::hvp_with(|x| x[0] * x[1], &[1.0, 2.0], &[1.0, 1.0], &Default::default());
/// assert_eq!(hv.unwrap().as_slice(), &[1.0, 1.0]);
/// ```
pub fn hvp_with<T, F>(f: F, x: &[T], v: &[T], options: &Options) -> Result<DVector<T>, Error>
where
    T: Base,
    F: Fn(&[Var<Dual<T>>]) -> Var<Dual<T>>,
{
    // One recording at the dual point x + v ε and one reverse sweep of dual adjoints:
    // the adjoints' values are the gradient and their tangents are H v. (A kept
    // `Recording` replays tangents instead, for many directions at one point.)
    let (n, point) = dual_point(x, v)?;
    let rec = Recorded::new_unchecked(f, &point)?;
    crate::strict::check(&rec, options, &[0, n])?;
    let adj = rec.input_adjoints();
    if let Some(i) = adj.iter().position(|a| !a.re.is_finite()) {
        return Err(Error::NonFiniteGradient {
            index: i,
            value: adj[i].re.value(),
        });
    }
    if let Some(i) = adj.iter().position(|a| !a.eps.is_finite()) {
        return Err(Error::NonFiniteHessian {
            row: i,
            col: 0,
            value: adj[i].eps.value(),
        });
    }
    Ok(DVector::from_iterator(n, adj.iter().map(|a| a.eps)))
}

/// The dense Hessian: one recording, then `ceil(n / L)` sweeps of `L` columns each.
///
/// ```
/// use hyperhess::Scalar;
/// fn f<S: Scalar>(x: &[S]) -> S { x[0] * x[1].powi(3) - x[0] * 7.0 }
/// let h = hyperhess::hessian(|x| f(x), &[1.0, 2.0]).unwrap();
/// assert_eq!(h, nalgebra::dmatrix![0.0, 12.0; 12.0, 12.0]);
/// ```
pub fn hessian<T, F>(f: F, x: &[T]) -> Result<DMatrix<T>, Error>
where
    T: Base,
    F: Fn(&[Var<T>]) -> Var<T>,
{
    hessian_with(f, x, &Options::default())
}

/// [`hessian`] with [`Options`] (`strict`, lane width).
///
/// ```
/// use hyperhess::Options;
/// let opts = Options { lanes: Some(1), ..Options::default() };
/// let h = hyperhess::hessian_with(|x| x[0] * x[1], &[1.0, 2.0], &opts).unwrap();
/// assert_eq!(h, nalgebra::dmatrix![0.0, 1.0; 1.0, 0.0]);
/// ```
pub fn hessian_with<T, F>(f: F, x: &[T], options: &Options) -> Result<DMatrix<T>, Error>
where
    T: Base,
    F: Fn(&[Var<T>]) -> Var<T>,
{
    record(f, x)?.hessian_with(options)
}

/// Value, gradient and Hessian from one recording.
///
/// ```
/// let d = hyperhess::derivatives(|x| x[0] * x[1], &[3.0, 5.0]).unwrap();
/// assert_eq!(d.value, 15.0);
/// ```
pub fn derivatives<T, F>(f: F, x: &[T]) -> Result<Derivatives<T>, Error>
where
    T: Base,
    F: Fn(&[Var<T>]) -> Var<T>,
{
    let rec: Recording<T> = record(f, x)?;
    let hessian = rec.hessian()?;
    Ok(Derivatives {
        value: rec.value(),
        gradient: rec.gradient(),
        hessian,
    })
}

/// Value, gradient and Hessian of an [`Objective`], on the engine that is fastest
/// for its size: the static second-order number ([`crate::forward::Dual2`], one
/// evaluation, no heap) up to `n = 10`, the tape (record once, sweep) above; the
/// crossover was measured on Rosenbrock, chain and log-sum-exp
/// (`docs/benchmarks.md`). The engine is chosen here, so a caller holding an
/// `Objective` (the Newton step, the checks) never picks one itself. A closure
/// cannot offer this: only an `Objective`'s generic `eval` runs on any number type.
///
/// ```
/// use hyperhess::{Objective, Scalar};
/// struct Quadratic;
/// impl Objective for Quadratic {
///     fn eval<S: Scalar>(&self, x: &[S]) -> S { x[0] * x[0] + x[0] * x[1] * 3.0 }
/// }
/// let d = hyperhess::derivatives_of(&Quadratic, &[1.0, 2.0]).unwrap();
/// assert_eq!(d.gradient.as_slice(), &[8.0, 3.0]);
/// assert_eq!(d.hessian, nalgebra::dmatrix![2.0, 3.0; 3.0, 0.0]);
/// ```
pub fn derivatives_of<O: Objective + ?Sized>(
    objective: &O,
    x: &[f64],
) -> Result<Derivatives, Error> {
    match crate::forward::derivatives_small(objective, x) {
        Some(small) => small.map(|(value, gradient, hessian)| Derivatives {
            value,
            gradient,
            hessian,
        }),
        None => derivatives(|x| objective.eval(x), x),
    }
}

/// The dual point `x + v ε` (point and direction checked) and its length.
pub(crate) fn dual_point<T: Base>(x: &[T], v: &[T]) -> Result<(usize, Vec<Dual<T>>), Error> {
    let n = check_point(x)?;
    check_direction(v, n)?;
    let point = x
        .iter()
        .zip(v)
        .map(|(&xi, &vi)| Dual::new(xi, vi))
        .collect();
    Ok((n, point))
}
