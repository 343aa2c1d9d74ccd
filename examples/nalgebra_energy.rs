//! A molecular energy written with nalgebra's `Vector3`/`Matrix3` (norm, dot, cross,
//! determinant), differentiated exactly in forward mode: `Dual` and `HyperDual`
//! implement simba's `RealField`, so nalgebra's algebra runs on them.
//!
//! ```sh
//! cargo run --release --example nalgebra_energy
//! ```

use hyperhess::nalgebra::{self, Matrix3, RealField, Vector3};

/// Three atoms (coordinates `x[0..9]`): Lennard-Jones between every pair, a
/// harmonic bond angle at atom 0, and a small penalty on `det[p0 p1 p2]²`.
fn energy<S: RealField + Copy>(x: &[S]) -> S {
    let c = |v: f64| nalgebra::convert::<f64, S>(v);
    let p = |i: usize| Vector3::new(x[3 * i], x[3 * i + 1], x[3 * i + 2]);
    let (p0, p1, p2) = (p(0), p(1), p(2));
    let lj = |r: S| {
        let s6 = (r * r).recip().powi(3);
        c(4.0) * (s6 * s6 - s6)
    };
    let pairs = lj((p1 - p0).norm()) + lj((p2 - p0).norm()) + lj((p2 - p1).norm());
    let (a, b) = (p1 - p0, p2 - p0);
    let theta = a.cross(&b).norm().atan2(a.dot(&b));
    let angle = c(0.5) * (theta - c(1.9)).powi(2);
    let det = Matrix3::from_columns(&[p0, p1, p2]).determinant();
    pairs + angle + c(0.01) * det * det
}

fn main() -> Result<(), hyperhess::Error> {
    let x = [0.1, 0.2, 0.3, 1.2, 0.25, 0.35, -0.3, 1.15, 0.4];
    println!("energy   = {:.6}", energy(&x));
    let g = hyperhess::forward::gradient(|x| energy(x), &x)?;
    println!("gradient = {:.4}", g.transpose());
    let h = hyperhess::forward::hessian(|x| energy(x), &x)?;
    println!("Hessian  = {:.3}", h);
    // A rigid motion leaves the pair and angle terms unchanged, so (up to the
    // determinant term) the Hessian has near-zero eigenvalues.
    let eig = h.symmetric_eigenvalues();
    println!("eigenvalues = {:.4}", eig.transpose());
    Ok(())
}
