//! proptest strategies for derivative checks (feature `proptest`): points in a box
//! and unit directions.
//!
//! ```
//! use hyperhess::check::{self, CheckOptions, strategies};
//! use hyperhess::{Objective, Scalar};
//! use proptest::prelude::*;
//!
//! struct Rosenbrock;
//! impl Objective for Rosenbrock {
//!     fn eval<S: Scalar>(&self, x: &[S]) -> S {
//!         hyperhess::testfns::rosenbrock(x)
//!     }
//! }
//!
//! proptest!(ProptestConfig::with_cases(16), |(x in strategies::point_in_box(-2.0, 2.0, 2..6))| {
//!     check::hessian(&Rosenbrock, &x, &CheckOptions::default())?.assert()?;
//! });
//! ```

use proptest::collection::{SizeRange, vec};
use proptest::prelude::*;

/// Points of the box `[lo, hi]^n`, coordinates uniform and independent, with the
/// dimension `n` drawn from `dims` (a `usize` or a range such as `2..6`). A failing
/// point shrinks (proptest's float shrinking) each coordinate toward the value of
/// `[lo, hi]` nearest 0 (0 itself when the box contains it, else `lo` or `hi`),
/// and the dimension toward its smallest value.
///
/// Panics (when the strategy is built) if `lo > hi`, as proptest's ranges do.
///
/// ```
/// use hyperhess::check::strategies::point_in_box;
/// use proptest::strategy::{Strategy, ValueTree};
/// use proptest::test_runner::TestRunner;
///
/// let mut runner = TestRunner::deterministic();
/// let x = point_in_box(-2.0, 2.0, 3).new_tree(&mut runner).unwrap().current();
/// assert_eq!(x.len(), 3);
/// assert!(x.iter().all(|v| (-2.0..=2.0).contains(v)));
///
/// // Shrinking all the way (every simplification accepted): 0 in [-2, 2], lo in [1, 3].
/// for (lo, hi, target) in [(-2.0, 2.0, 0.0), (1.0, 3.0, 1.0)] {
///     let mut tree = point_in_box(lo, hi, 3).new_tree(&mut runner).unwrap();
///     while tree.simplify() {}
///     assert!(tree.current().iter().all(|v| (v - target).abs() < 1e-12));
/// }
/// ```
pub fn point_in_box(
    lo: f64,
    hi: f64,
    dims: impl Into<SizeRange>,
) -> impl Strategy<Value = Vec<f64>> {
    vec(lo..=hi, dims)
}

/// Unit vectors of length `n`, uniform on the sphere (normalized Gaussian vectors,
/// by the Box-Muller transform). Where shrinking reaches the zero vector, the
/// direction is the first coordinate axis. `n = 0` gives the empty vector.
///
/// ```
/// use hyperhess::check::strategies::direction;
/// use proptest::strategy::{Strategy, ValueTree};
/// use proptest::test_runner::TestRunner;
///
/// let mut runner = TestRunner::deterministic();
/// for _ in 0..100 {
///     let v = direction(4).new_tree(&mut runner).unwrap().current();
///     let norm = v.iter().map(|x| x * x).sum::<f64>().sqrt();
///     assert!((norm - 1.0).abs() < 1e-12);
/// }
/// ```
pub fn direction(n: usize) -> impl Strategy<Value = Vec<f64>> {
    vec((0.0..1.0f64, 0.0..1.0f64), n).prop_map(|uniforms| {
        let mut v: Vec<f64> = uniforms
            .iter()
            .map(|&(u1, u2)| (-2.0 * (1.0 - u1).ln()).sqrt() * (std::f64::consts::TAU * u2).cos())
            .collect();
        let norm = v.iter().map(|x| x * x).sum::<f64>().sqrt();
        if norm > 1e-150 {
            v.iter_mut().for_each(|x| *x /= norm);
        } else if !v.is_empty() {
            v.iter_mut().for_each(|x| *x = 0.0);
            v[0] = 1.0;
        }
        v
    })
}

/// A point of `[lo, hi]^n` (as [`point_in_box`]) and a unit direction of the same
/// length (as [`direction`]): the input of a directional check such as a
/// Hessian-vector product.
///
/// ```
/// use hyperhess::check::strategies::point_and_direction;
/// use proptest::strategy::{Strategy, ValueTree};
/// use proptest::test_runner::TestRunner;
///
/// let mut runner = TestRunner::deterministic();
/// let (x, v) = point_and_direction(0.0, 1.0, 2..5).new_tree(&mut runner).unwrap().current();
/// assert_eq!(x.len(), v.len());
/// ```
pub fn point_and_direction(
    lo: f64,
    hi: f64,
    dims: impl Into<SizeRange>,
) -> impl Strategy<Value = (Vec<f64>, Vec<f64>)> {
    point_in_box(lo, hi, dims).prop_flat_map(|x| {
        let n = x.len();
        (Just(x), direction(n))
    })
}
