//! The worked examples of `torch.autograd.functional.hessian`, reproduced exactly.
//!
//! Run with `cargo run --release --example seed`.

use hyperhess::Scalar;
use nalgebra::DMatrix;

/// f(x) = sum of 2 x^3 - x^2 over the elements.
fn cubic<S: Scalar>(x: &[S]) -> S {
    x.iter().map(|&xi| xi.powi(3) * 2.0 - xi * xi).sum()
}

/// f(x, y) = 2 x y^2 + x^3 - 10.
fn two_inputs<S: Scalar>(x: &[S], y: &[S]) -> S {
    x[0] * y[0] * y[0] * 2.0 + x[0].powi(3) - 10.0
}

/// f(x, y, z) = 2 x^2 y + x z^3 - 10.
fn three_inputs<S: Scalar>(x: &[S], y: &[S], z: &[S]) -> S {
    x[0] * x[0] * y[0] * 2.0 + x[0] * z[0].powi(3) - 10.0
}

/// f(x, y) = x y^3 - 7 x.
fn scalar_two<S: Scalar>(v: &[S]) -> S {
    v[0] * v[1].powi(3) - v[0] * 7.0
}

fn show(m: &DMatrix<f64>) -> String {
    let rows: Vec<String> = m
        .row_iter()
        .map(|r| format!("[{}]", r.iter().map(|v| format!("{v}")).collect::<Vec<_>>().join(", ")))
        .collect();
    format!("[{}]", rows.join(", "))
}

fn main() -> Result<(), hyperhess::Error> {
    println!("## 1. One input, three shapes: f(x) = sum of 2 x^3 - x^2");
    let h = hyperhess::forward::hessian(|x| cubic(x), &[3.0])?;
    println!("x = [3] (shape [1]): {} (shape [1, 1])", show(&h));
    let h = hyperhess::forward::hessian(|x| cubic(x), &[2.0, 3.0, 4.0])?;
    println!("x = [2, 3, 4] (shape [3]): {} (shape [3, 3])", show(&h));
    // Row-major flattening of [[2, 3], [4, 7]]: flat index = 2 i + j.
    let h = hyperhess::forward::hessian(|x| cubic(x), &[2.0, 3.0, 4.0, 7.0])?;
    println!("x = [[2, 3], [4, 7]] (shape [2, 2]): shape [2, 2, 2, 2], nonzero entries:");
    for (i, j) in [(0, 0), (0, 1), (1, 0), (1, 1)] {
        for (k, l) in [(0, 0), (0, 1), (1, 0), (1, 1)] {
            let v = h[(2 * i + j, 2 * k + l)];
            if v != 0.0 {
                println!("  H[{i}][{j}][{k}][{l}] = {v}");
            }
        }
    }

    println!("\n## 2. Two inputs: f(x, y) = 2 x y^2 + x^3 - 10 at x = [2], y = [-3]");
    let h = hyperhess::forward::hessian(|v| two_inputs(&v[0..1], &v[1..2]), &[2.0, -3.0])?;
    print_blocks(&h, &["x", "y"]);

    println!("\n## 3. Three inputs: f(x, y, z) = 2 x^2 y + x z^3 - 10 at x = [1], y = [2], z = [3]");
    let h = hyperhess::forward::hessian(
        |v| three_inputs(&v[0..1], &v[1..2], &v[2..3]),
        &[1.0, 2.0, 3.0],
    )?;
    print_blocks(&h, &["x", "y", "z"]);

    println!("\n## 4. f(x, y) = x y^3 - 7 x at (1, 2)");
    let h = hyperhess::forward::hessian(|v| scalar_two(v), &[1.0, 2.0])?;
    println!("{}", show(&h));
    Ok(())
}

/// Prints a Hessian of scalar inputs as a grid of 1 x 1 blocks.
fn print_blocks(h: &DMatrix<f64>, names: &[&str]) {
    for (a, na) in names.iter().enumerate() {
        let line: Vec<String> = names
            .iter()
            .enumerate()
            .map(|(b, nb)| format!("H[{na}][{nb}] = [[{}]]", h[(a, b)]))
            .collect();
        println!("    {}", line.join("  "));
    }
}
