//! A molecular energy written with nalgebra types inside `Objective::eval`, and
//! the same energy written over slices: Lennard-Jones between every pair of atoms,
//! a harmonic bond angle at every inner atom of the chain, and a penalty on the
//! squared signed volume of every four consecutive atoms.

use crate::objective::Objective;
use crate::scalar::Determinant;
use crate::scalar::Scalar;
use nalgebra::{Matrix3, Vector3};

/// `m` atoms (coordinates `x[3i..3i+3]`): `Σ_{i<j} 4 (r⁻¹² - r⁻⁶)` +
/// `Σ_i ½ (θ_i - 1.9)²` (θ_i the angle at atom `i + 1` between its neighbours in
/// the chain) + `0.01 Σ_i V_i²` (V_i the signed volume `det[p1-p0, p2-p0, p3-p0]`
/// of atoms `i..i+4`), written with `Vector3<S>` (`norm_squared`, `norm`, `dot`,
/// `cross`) and `Matrix3<S>` (`determinant`, through [`crate::Determinant`]).
/// [`cluster_slices`] is the same energy over arrays.
///
/// ```
/// use hyperhess::{Objective, testfns::{Cluster, cluster_slices}};
/// let x = Cluster::start(4);
/// let h = hyperhess::hessian(|x| Cluster.eval(x), &x).unwrap(); // the tape
/// let f = hyperhess::forward::hessian(|x| Cluster.eval(x), &x).unwrap();
/// assert!((h - f).amax() < 1e-9);
/// assert!((Cluster.eval(&x) - cluster_slices(&x)).abs() < 1e-12);
/// ```
#[derive(Clone, Copy, Debug, Default)]
pub struct Cluster;

impl Cluster {
    /// A start of `m` atoms on a zig-zag chain near the pair and angle minima.
    ///
    /// ```
    /// assert_eq!(hyperhess::testfns::Cluster::start(13).len(), 39);
    /// ```
    pub fn start(m: usize) -> Vec<f64> {
        (0..m)
            .flat_map(|i| {
                let t = i as f64;
                [
                    0.95 * t,
                    0.6 * (t * 1.7).sin(),
                    0.5 * (t * 0.9).cos() + 0.05 * t,
                ]
            })
            .collect()
    }
}

impl Objective for Cluster {
    fn eval<S: Scalar>(&self, x: &[S]) -> S {
        let p: Vec<Vector3<S>> = x
            .chunks_exact(3)
            .map(|c| Vector3::new(c[0], c[1], c[2]))
            .collect();
        let mut e = S::zero();
        for (i, pi) in p.iter().enumerate() {
            for pj in &p[i + 1..] {
                let s6 = (pj - pi).norm_squared().recip().powi(3);
                e += (s6 * s6 - s6) * 4.0;
            }
        }
        for w in p.windows(3) {
            let (a, b) = (w[0] - w[1], w[2] - w[1]);
            let theta = a.cross(&b).norm().atan2(a.dot(&b));
            e += (theta - 1.9).powi(2) * 0.5;
        }
        for w in p.windows(4) {
            let v = Matrix3::from_columns(&[w[1] - w[0], w[2] - w[0], w[3] - w[0]]).determinant();
            e += v * v * 0.01;
        }
        e
    }
}

/// [`Cluster`]'s energy over slices and arrays (no nalgebra), term by term the
/// same operations.
///
/// ```
/// let x = hyperhess::testfns::Cluster::start(3);
/// let g = hyperhess::gradient(|x| hyperhess::testfns::cluster_slices(x), &x).unwrap();
/// assert_eq!(g.len(), 9);
/// ```
pub fn cluster_slices<S: Scalar>(x: &[S]) -> S {
    let m = x.len() / 3;
    let p = |i: usize| [x[3 * i], x[3 * i + 1], x[3 * i + 2]];
    let sub = |a: [S; 3], b: [S; 3]| [a[0] - b[0], a[1] - b[1], a[2] - b[2]];
    let dot = |a: [S; 3], b: [S; 3]| a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
    let cross = |a: [S; 3], b: [S; 3]| {
        [
            a[1] * b[2] - a[2] * b[1],
            a[2] * b[0] - a[0] * b[2],
            a[0] * b[1] - a[1] * b[0],
        ]
    };
    let mut e = S::zero();
    for i in 0..m {
        for j in i + 1..m {
            let d = sub(p(j), p(i));
            let s6 = dot(d, d).recip().powi(3);
            e += (s6 * s6 - s6) * 4.0;
        }
    }
    for i in 0..m.saturating_sub(2) {
        let (a, b) = (sub(p(i), p(i + 1)), sub(p(i + 2), p(i + 1)));
        let c = cross(a, b);
        let theta = dot(c, c).sqrt().atan2(dot(a, b));
        e += (theta - 1.9).powi(2) * 0.5;
    }
    for i in 0..m.saturating_sub(3) {
        let (a, b, c) = (
            sub(p(i + 1), p(i)),
            sub(p(i + 2), p(i)),
            sub(p(i + 3), p(i)),
        );
        let v = dot(a, cross(b, c));
        e += v * v * 0.01;
    }
    e
}
