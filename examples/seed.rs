//! The worked examples of `torch.autograd.functional.hessian`, reproduced exactly
//! through the shaped and block APIs, printed in the layout of
//! `../shared/SEED_EXAMPLES.md`.
//!
//! Run with `cargo run --release --example seed`.

use hyperhess::{BlockHessian, Scalar, Shaped, ShapedHessian};
use nalgebra::{DMatrix, Dim, Matrix, RawStorage};

/// f(x) = sum over elements of 2 x^3 - x^2.
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

fn main() -> Result<(), hyperhess::Error> {
    println!("## 1. One input, three shapes: f(x) = sum over elements of 2 x^3 - x^2\n");
    println!("| input | Hessian |");
    println!("|---|---|");
    for (data, shape) in [
        (&[3.0][..], &[1][..]),
        (&[2.0, 3.0, 4.0], &[3]),
        (&[2.0, 3.0, 4.0, 7.0], &[2, 2]),
    ] {
        let x = Shaped::new(data, shape)?;
        let h = hyperhess::hessian_shaped(|x| cubic(x), &x)?;
        println!(
            "| x = {} (shape {:?}) | {} |",
            nested(x.data(), x.shape()),
            x.shape(),
            describe(&x, &h)
        );
    }

    println!("\n## 2. Two inputs: f(x, y) = sum of 2 x y^2 + x^3 - 10, at x = [2], y = [-3]\n");
    let h = hyperhess::hessian_blocks(|xs| two_inputs(xs[0], xs[1]), &[[2.0], [-3.0]])?;
    print_grid(&h, &["x", "y"]);

    println!(
        "\n## 3. Three inputs: f(x, y, z) = sum of 2 x^2 y + x z^3 - 10, at x = [1], y = [2], z = [3]\n"
    );
    let h = hyperhess::hessian_blocks(
        |xs| three_inputs(xs[0], xs[1], xs[2]),
        &[[1.0], [2.0], [3.0]],
    )?;
    print_grid(&h, &["x", "y", "z"]);

    println!("\n## 4. A scalar function of two variables: f(x, y) = x y^3 - 7 x");
    let h = hyperhess::hessian(|v| scalar_two(v), &[1.0, 2.0])?;
    println!(
        "Hessian [[0, 3 y^2], [3 y^2, 6 x y]]; at (x, y) = (1, 2): {}.",
        matrix(&h)
    );
    Ok(())
}

/// A flat row-major array of the given shape as nested lists: `[[2, 3], [4, 7]]`.
fn nested(data: &[f64], shape: &[usize]) -> String {
    match shape.split_first() {
        None => format!("{}", data[0]),
        Some((&d, rest)) => {
            let step = data.len() / d.max(1);
            let items: Vec<String> = (0..d)
                .map(|i| nested(&data[i * step..(i + 1) * step], rest))
                .collect();
            format!("[{}]", items.join(", "))
        }
    }
}

/// A matrix (or block view) as nested lists, row by row.
fn matrix<R: Dim, C: Dim, S: RawStorage<f64, R, C>>(m: &Matrix<f64, R, C, S>) -> String {
    let (rows, cols) = m.shape();
    let data: Vec<f64> = (0..rows)
        .flat_map(|i| (0..cols).map(move |j| m[(i, j)]))
        .collect();
    nested(&data, &[rows, cols])
}

/// The Hessian of a shaped input as the worked examples state it: a matrix with its
/// shape, a diagonal, or the nonzero entries by multi-index H[i][j][k][l].
fn describe(x: &Shaped<'_>, h: &ShapedHessian) -> String {
    let shape = h.hessian_shape();
    let m: &DMatrix<f64> = h.matrix();
    if x.shape().len() != 1 {
        let mut entries = Vec::new();
        for r in 0..x.len() {
            for c in 0..x.len() {
                let (i, j) = (x.multi_index(r).unwrap(), x.multi_index(c).unwrap());
                let v = h.get(&i, &j).unwrap();
                if v != 0.0 {
                    let index: String = i.iter().chain(&j).map(|k| format!("[{k}]")).collect();
                    entries.push(format!("H{index} = {v}"));
                }
            }
        }
        let rest = if entries.len() < m.len() {
            ", every other entry 0"
        } else {
            ""
        };
        format!("shape {shape:?}: {}{rest}", entries.join(", "))
    } else if m.nrows() > 1
        && (0..m.nrows()).all(|i| (0..m.ncols()).all(|j| i == j || m[(i, j)] == 0.0))
    {
        let diagonal: Vec<String> = m.diagonal().iter().map(|v| v.to_string()).collect();
        format!("diag({}) (shape {shape:?})", diagonal.join(", "))
    } else {
        format!("{} (shape {shape:?})", matrix(m))
    }
}

/// Prints the blocks H[a][b] as a grid, one row of blocks per line.
fn print_grid(h: &BlockHessian, names: &[&str]) {
    let cells: Vec<Vec<String>> = (0..h.inputs())
        .map(|a| {
            (0..h.inputs())
                .map(|b| {
                    format!(
                        "H[{}][{}] = {}",
                        names[a],
                        names[b],
                        matrix(&h.block(a, b).unwrap())
                    )
                })
                .collect()
        })
        .collect();
    let widths: Vec<usize> = (0..names.len())
        .map(|b| cells.iter().map(|row| row[b].len()).max().unwrap_or(0))
        .collect();
    for row in &cells {
        let last = row.len() - 1;
        let line: String = row
            .iter()
            .enumerate()
            .map(|(b, cell)| {
                if b == last {
                    cell.clone()
                } else {
                    format!("{cell:<w$}", w = widths[b] + 2)
                }
            })
            .collect();
        println!("    {line}");
    }
}
