//! N-ary tape nodes: a sum (`Sum` on `Var`) and a dot product with constant
//! coefficients (`Scalar::dot_const`) each record one node; every driver must still
//! agree with the forward engine.

use approx::assert_relative_eq;
use hyperhess::{Options, Scalar, Sparsity};

fn point(n: usize) -> Vec<f64> {
    (0..n)
        .map(|i| ((i as f64) * 0.9).cos() * 1.1 + 0.3)
        .collect()
}

/// Sums whose items record sums of their own (the tape's scratch stack), sums of
/// constants and variables, of one and two items, and dot products.
fn nested<S: Scalar>(x: &[S]) -> S {
    let n = x.len();
    let outer: S = (0..n)
        .map(|i| {
            let inner: S = x.iter().skip(i).map(|&v| v * v).sum();
            let mixed: S = [S::from_f64(2.0), x[i], S::from_f64(-1.0), x[n - 1 - i]]
                .into_iter()
                .sum();
            inner.sin() * x[i] + mixed * mixed
        })
        .sum();
    let coeffs: Vec<f64> = (0..n).map(|i| i as f64 - 1.5).collect();
    let one: S = std::iter::once(x[0]).sum();
    let two: S = x.iter().take(2).copied().sum();
    let consts: S = [S::from_f64(1.0), S::from_f64(2.0), S::from_f64(3.0)]
        .into_iter()
        .sum();
    outer + S::dot_const(&coeffs, x).powi(2) + one * two * consts
}

#[test]
fn nested_sums_and_dot_products_match_the_forward_engine() {
    for n in [1, 2, 3, 7, 20] {
        let x = point(n);
        let want = hyperhess::forward::hessian(|x| nested(x), &x).unwrap();
        let want_g = hyperhess::forward::gradient(|x| nested(x), &x).unwrap();
        for sparsity in [Sparsity::Auto, Sparsity::Dense, Sparsity::Compressed] {
            for lanes in Options::LANE_WIDTHS {
                let opts = Options {
                    lanes: Some(lanes),
                    sparsity,
                    ..Options::default()
                };
                let h = hyperhess::hessian_with(|x| nested(x), &x, &opts).unwrap();
                assert_relative_eq!(h, want, max_relative = 1e-12, epsilon = 1e-12);
                assert_eq!(h, h.transpose());
            }
        }
        let g = hyperhess::gradient(|x| nested(x), &x).unwrap();
        assert_relative_eq!(g, want_g, max_relative = 1e-13, epsilon = 1e-13);
        let v: Vec<f64> = (0..n).map(|i| 1.0 - 0.3 * i as f64).collect();
        let hv_want = &want * nalgebra::DVector::from_column_slice(&v);
        let hv = hyperhess::hvp(|x| nested(x), &x, &v).unwrap();
        assert_relative_eq!(hv, hv_want, max_relative = 1e-11, epsilon = 1e-11);
        let rec = hyperhess::record(|x| nested(x), &x).unwrap();
        let hv = rec.hvp(&v).unwrap();
        assert_relative_eq!(hv, hv_want, max_relative = 1e-11, epsilon = 1e-11);
        let sparse = hyperhess::sparse_hessian(|x| nested(x), &x).unwrap();
        let dense: nalgebra::DMatrix<f64> = (&sparse).into();
        assert_relative_eq!(dense, want, max_relative = 1e-12, epsilon = 1e-12);
    }
}

#[test]
fn a_sum_and_a_dot_product_are_one_operation_each() {
    let x = [1.0, 2.0, 3.0, 4.0];
    let rec = hyperhess::record(|x| x.iter().copied().sum(), &x).unwrap();
    assert_eq!((rec.operations(), rec.value()), (1, 10.0));
    assert_eq!(rec.gradient().as_slice(), &[1.0; 4]);
    let c = [0.5, -1.0, 0.0, 2.0];
    let rec = hyperhess::record(|x| Scalar::dot_const(&c, x), &x).unwrap();
    assert_eq!((rec.operations(), rec.value()), (1, 6.5));
    assert_eq!(rec.gradient().as_slice(), &c);
    // The value is the default method's, bit for bit.
    let plain: f64 = c.iter().zip(&x).map(|(&c, &x)| x * c).sum();
    assert_eq!(f64::dot_const(&c, &x), plain);
    // Independence is structural: a zero coefficient still reads its operand.
    let rec = hyperhess::record(|x| Scalar::dot_const(&[1.0, 0.0], x), &x).unwrap();
    assert_eq!(rec.independent_inputs(), vec![2, 3]);
}

/// `(x_i + x_j + x_k)^2 + sum x^2`: the same node structure for every triple, only
/// the n-ary operand lists differ.
fn triple<S: Scalar>(x: &[S], i: usize) -> S {
    let t: S = [x[i], x[i + 1], x[i + 2]].into_iter().sum();
    t * t + x.iter().map(|&v| v * v).sum::<S>()
}

#[test]
fn the_automatic_rule_tells_apart_sums_of_different_operands() {
    let x = point(16);
    let plan = hyperhess::SparsePlan::new(|x| triple(x, 0), &x).unwrap();
    for i in [0, 13, 5, 0] {
        let want = hyperhess::forward::hessian(|x| triple(x, i), &x).unwrap();
        let h = hyperhess::hessian(|x| triple(x, i), &x).unwrap();
        assert_eq!(h, want, "triple at {i}");
        // A plan made for another triple does not cover this one's pattern.
        let h = plan.hessian(|x| triple(x, i), &x);
        match i {
            0 => assert_eq!(nalgebra::DMatrix::from(&h.unwrap()), want),
            _ => assert!(matches!(
                h.unwrap_err(),
                hyperhess::Error::SparsityPatternChanged { .. }
            )),
        }
    }
}
