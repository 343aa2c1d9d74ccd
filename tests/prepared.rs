//! `prepare`: a recording moved to new points by its program must be, bit for bit,
//! the recording the function makes there (values, gradients, Hessian-vector
//! products, dense and sparse Hessians, and the same errors), wherever the function
//! takes the recorded path; where a guard flips, the function is recorded again.

mod expr;

use hyperhess::{Error, Scalar};
use nalgebra::DVector;
use proptest::prelude::*;

fn bits(v: &[f64]) -> Vec<u64> {
    v.iter().map(|x| x.to_bits()).collect()
}

/// Everything asked of `f` at `x` along `v`: fresh recordings against the prepared
/// function, bit for bit (or the same error).
fn same_everywhere<F>(f: F, x0: &[f64], points: &[Vec<f64>], v: &[f64]) -> Result<(), TestCaseError>
where
    F: Fn(&[hyperhess::Var]) -> hyperhess::Var + Copy,
{
    same_at(f, x0, points, v).map(|_| ())
}

/// [`same_everywhere`], returning how often the function was recorded again.
fn same_at<F>(f: F, x0: &[f64], points: &[Vec<f64>], v: &[f64]) -> Result<usize, TestCaseError>
where
    F: Fn(&[hyperhess::Var]) -> hyperhess::Var + Copy,
{
    same_within(f, x0, points, v, &|_, _, _| 0.0)
}

/// A fresh recording's second-order results against a prepared one's: bit for
/// bit, or, where the fresh recording's linear chains were `fused` (see
/// `hyperhess`'s `tape::fuse`: a non-unit link multiplies the coefficients below
/// it once, one rounding), within `bound(k)` at entry `k` (0 for [`same_at`]'s
/// handwritten functions, whose fused links are unit ones: bit for bit).
fn agree(
    fused: bool,
    a: &[f64],
    b: &[f64],
    bound: impl Fn(usize) -> f64,
) -> Result<(), TestCaseError> {
    prop_assert_eq!(a.len(), b.len());
    for (k, (&p, &q)) in a.iter().zip(b).enumerate() {
        let near = fused && (p - q).abs() <= bound(k);
        prop_assert!(
            p.to_bits() == q.to_bits() || near,
            "{} vs {} at {}",
            p,
            q,
            k
        );
    }
    Ok(())
}

/// A rounding bound for Hessian entry `(i, j)` of a generated function at `x`
/// (as tests/expressions.rs derives it): a few eps per operation on a chain-rule
/// path, relative to the sum of the absolute values of the terms.
fn rounding(path_len: usize, magnitude: f64) -> f64 {
    32.0 * f64::EPSILON * path_len as f64 * magnitude + 32.0 * f64::MIN_POSITIVE
}

/// [`same_at`], where a sparse Hessian at a new point whose pattern is not the
/// one-shot call's may differ from it by `tol(x, i, j)` at entry `(i, j)`: the
/// plan then sweeps by colors (it takes edge pushing's schedule only where edge
/// pushing finds the plan's pattern), the one-shot call pushes edges, and the
/// same terms are summed in another order.
fn same_within<F>(
    f: F,
    x0: &[f64],
    points: &[Vec<f64>],
    v: &[f64],
    tol: &dyn Fn(&[f64], usize, usize) -> f64,
) -> Result<usize, TestCaseError>
where
    F: Fn(&[hyperhess::Var]) -> hyperhess::Var + Copy,
{
    let Ok(mut p) = hyperhess::prepare(f, x0) else {
        return Ok(0);
    };
    // Only products at new points: the one-pass way (`Prepared::hvp` moving the
    // recording and taking its adjoints in the product's reverse sweep).
    let mut q = hyperhess::prepare(f, x0).expect("as p");
    // Sparse Hessians at new points: by the schedule written at `x0`.
    let mut s = hyperhess::prepare(f, x0).expect("as p");
    let _ = s.sparse_hessian(x0);
    // And their values alone, into a buffer of the pattern's length.
    let mut t = hyperhess::prepare(f, x0).expect("as p");
    let mut values = t
        .sparse_plan()
        .map_or(Vec::new(), |plan| vec![0.0; plan.pattern().nnz()]);
    for x in points {
        let (sa, sb) = (s.sparse_hessian(x), hyperhess::sparse_hessian(f, x));
        let sv = t.sparse_hessian_values(x, &mut values);
        prop_assert_eq!(
            format!("{:?}", sa.as_ref().err()),
            format!("{:?}", sv.err())
        );
        if let Ok(sa) = &sa {
            prop_assert_eq!(bits(sa.values()), bits(&values));
        }
        // The same error, or the plan's own: a pattern that grew past its own.
        let grew = matches!(sa, Err(hyperhess::Error::SparsityPatternChanged { .. }));
        if !(grew && sb.is_ok()) {
            prop_assert_eq!(
                format!("{:?}", sa.as_ref().err()),
                format!("{:?}", sb.as_ref().err())
            );
        }
        if let (Ok(sa), Ok(sb)) = (sa, sb) {
            // A plan keeps the pattern it was made with where a guard flipped:
            // the fresh entries, and zeros where the fresh pattern has none.
            let entry = |m: &nalgebra_sparse::CscMatrix<f64>, i: usize, j: usize| {
                m.get_entry(i, j).map(|e| e.into_value().to_bits())
            };
            let same_pattern =
                sa.col_offsets() == sb.col_offsets() && sa.row_indices() == sb.row_indices();
            for (i, j, v) in sa.triplet_iter() {
                match entry(&sb, i, j) {
                    Some(b) if same_pattern => prop_assert_eq!(v.to_bits(), b, "({}, {})", i, j),
                    Some(b) => {
                        let (b, t) = (f64::from_bits(b), tol(x, i, j));
                        prop_assert!(
                            (v - b).abs() <= t,
                            "({}, {}): {:e} vs {:e}, {:e}",
                            i,
                            j,
                            v,
                            b,
                            t
                        );
                    }
                    None => prop_assert_eq!(*v, 0.0),
                }
            }
            for (i, j, _) in sb.triplet_iter() {
                prop_assert!(entry(&sa, i, j).is_some());
            }
        }
        let fresh = hyperhess::record(f, x);
        let product = q.hvp(x, v);
        let moved = p.at(x);
        match (fresh, moved) {
            (Ok(a), Ok(b)) => {
                prop_assert_eq!(a.value().to_bits(), b.value().to_bits());
                prop_assert_eq!(bits(a.gradient().as_slice()), bits(b.gradient().as_slice()));
                let (ha, hb) = (a.hvp(v), b.hvp(v));
                prop_assert_eq!(ha.is_ok(), hb.is_ok());
                prop_assert_eq!(
                    format!("{:?}", ha.as_ref().err()),
                    format!("{:?}", product.as_ref().err())
                );
                // `hyperhess::record` fuses linear chains where they are a good
                // part of the tape; a prepared recording never does (its program
                // rewrites partials by node position): fewer operations.
                let fused = a.operations() != b.operations();
                let n = x.len();
                let along = |i: usize| (0..n).map(|j| tol(x, i, j) * v[j].abs()).sum::<f64>();
                if let (Ok(ha), Ok(hq)) = (&ha, &product) {
                    agree(fused, ha.as_slice(), hq.as_slice(), along)?;
                    let r = q.recording().expect("a product was taken there");
                    prop_assert_eq!(a.value().to_bits(), r.value().to_bits());
                    prop_assert_eq!(bits(a.gradient().as_slice()), bits(r.gradient().as_slice()));
                }
                if let (Ok(ha), Ok(hb)) = (ha, hb) {
                    agree(fused, ha.as_slice(), hb.as_slice(), along)?;
                }
                let (ha, hb) = (a.hessian(), b.hessian());
                prop_assert_eq!(
                    format!("{:?}", ha.as_ref().err()),
                    format!("{:?}", hb.as_ref().err())
                );
                if let (Ok(ha), Ok(hb)) = (ha, hb) {
                    // Column-major: entry `k` is `(k % n, k / n)`.
                    agree(fused, ha.as_slice(), hb.as_slice(), |k| {
                        tol(x, k % n, k / n)
                    })?;
                }
            }
            (Err(a), Err(b)) => {
                prop_assert_eq!(format!("{a:?}"), format!("{b:?}"));
                prop_assert_eq!(
                    format!("{a:?}"),
                    format!("{:?}", product.expect_err("an error"))
                );
            }
            (a, b) => prop_assert!(false, "fresh {:?} vs prepared {:?}", a.err(), b.err()),
        }
    }
    Ok(p.rerecords())
}

fn points(n: usize) -> impl Strategy<Value = Vec<f64>> {
    proptest::collection::vec(-2.0..2.0f64, n)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 128, ..ProptestConfig::default() })]

    #[test]
    fn random_expressions_at_new_points_are_fresh_recordings(
        (f, x0, x1, x2, v) in expr::exprs(8, 16, true, false).prop_flat_map(|f| {
            let n = f.n;
            (Just(f), points(n), points(n), points(n), points(n))
        })
    ) {
        // No comparisons: the program alone reaches every point.
        let tol = |x: &[f64], i, j| rounding(4 * f.len(), f.magnitude(x, Some(i), Some(j)).e12);
        prop_assert_eq!(same_within(|x| f.eval(x), &x0, &[x1, x2, x0.clone()], &v, &tol)?, 0);
    }

    #[test]
    fn raw_expressions_reach_singularities_as_fresh_recordings_do(
        (f, x0, x1, v) in expr::exprs(4, 10, false, false).prop_flat_map(|f| {
            let n = f.n;
            (Just(f), points(n), points(n), points(n))
        })
    ) {
        let tol = |x: &[f64], i, j| rounding(4 * f.len(), f.magnitude(x, Some(i), Some(j)).e12);
        same_within(|x| f.eval(x), &x0, &[x1], &v, &tol)?;
    }

    #[test]
    fn banded_sums_at_new_points_are_fresh_recordings(
        (f, x0, x1, v) in expr::banded(24, 8, false).prop_flat_map(|f| {
            let n = f.n;
            (Just(f), points(n), points(n), points(n))
        })
    ) {
        let tol = |x: &[f64], i, j| {
            rounding(4 * f.e.len() + f.n, f.magnitude(x, Some(i), Some(j)).e12)
        };
        same_within(|x| f.eval(x), &x0, &[x1], &v, &tol)?;
    }

    #[test]
    fn branches_and_kinks_are_guarded(
        x0 in points(3), x1 in points(3), v in points(3)
    ) {
        same_everywhere(|x| branchy(x), &x0, &[x1.clone(), x0.clone()], &v)?;
        same_everywhere(|x| x[0].max(x[1]) * x[2].min(x[0]).powi(2), &x0, std::slice::from_ref(&x1), &v)?;
        same_everywhere(|x| (x[0] - x[1]).abs() * x[2] + x[0].max(x[1]).min(x[1] + 1.0), &x0, std::slice::from_ref(&x1), &v)?;
        same_everywhere(|x| affine_and_constants(x), &x0, std::slice::from_ref(&x1), &v)?;
        same_everywhere(|x| (1.0 - x[0]) * (2.0 / x[1]) + (0.5 + x[2]) * 3.0 - (x[0] < 0.1) as i32 as f64 * x[1], &x0, &[x1], &v)?;
    }
}

/// Loops that can run column by column, and loops that cannot (a term reading an
/// earlier term's later value, a running product, an operand shared by every
/// term), with guards and differences in their bodies: prepared and fresh
/// recordings agree bit for bit.
#[test]
fn loops_across_repetitions_are_fresh_recordings() {
    fn reads_the_previous_term<S: Scalar>(x: &[S]) -> S {
        let mut t = x[0];
        let mut s = S::zero();
        for &xi in &x[1..] {
            t = xi * t.sin() + xi.cos();
            s += t;
        }
        s
    }
    fn running<S: Scalar>(x: &[S]) -> S {
        // A product reading its own previous value (factors near one: of the
        // order of one at n = 700), and a sum that cannot run column by column.
        let p = x.iter().fold(x[0], |acc, &xi| acc * (xi * 0.01).cos());
        x.iter()
            .fold(S::one(), |acc, &xi| (acc * xi).sin() + xi * 0.5)
            + p
    }
    fn shared<S: Scalar>(x: &[S]) -> S {
        x[1..]
            .iter()
            .map(|&xi| x[0] * xi + (x[0] - xi).exp() - (S::from_f64(2.0) - xi) * x[0])
            .sum()
    }
    fn neighbours<S: Scalar>(x: &[S]) -> S {
        // A value read by its own repetition and by the next one: kept in its
        // slot, not in the loop's scratch of values local to a repetition.
        let mut prev = x[0].sin();
        let mut s = S::zero();
        for &xi in &x[1..] {
            let u = xi.sin();
            s += u * prev + u.cos();
            prev = u;
        }
        s
    }
    fn varying<S: Scalar>(x: &[S]) -> S {
        // A constant of each term's own, read from its slot (Rosenbrock's `1 -
        // x_i` has the same one in every term, read from one slot).
        x.iter()
            .enumerate()
            .map(|(i, &xi)| (S::from_f64(0.5 + i as f64 * 0.01) - xi).sin() * xi)
            .sum()
    }
    fn guarded<S: Scalar>(x: &[S]) -> S {
        x.windows(3)
            .map(|w| w[0].max(w[1]) * (w[2] - w[0]).powi(2) - w[1] / (w[2] * w[2] + 1.5))
            .sum()
    }
    // Loops of fewer repetitions than a block (256), and of several blocks.
    for n in [13, 700] {
        let at = |k: f64| -> Vec<f64> { (0..n).map(|i| (i as f64 * k + 0.3).sin()).collect() };
        let (x0, v) = (at(0.7), at(1.1));
        let points = [at(0.9), at(2.3), x0.clone()];
        same_everywhere(|x| reads_the_previous_term(x), &x0, &points, &v).unwrap();
        same_everywhere(|x| running(x), &x0, &points, &v).unwrap();
        same_everywhere(|x| shared(x), &x0, &points, &v).unwrap();
        same_everywhere(|x| guarded(x), &x0, &points, &v).unwrap();
        same_everywhere(|x| neighbours(x), &x0, &points, &v).unwrap();
        same_everywhere(|x| varying(x), &x0, &points, &v).unwrap();
        same_everywhere(|x| hyperhess::testfns::rosenbrock(x), &x0, &points, &v).unwrap();
        same_everywhere(|x| hyperhess::testfns::chain(x), &x0, &points, &v).unwrap();
    }
}

/// A function with branches on comparisons of variables and constants.
fn branchy<S: Scalar>(x: &[S]) -> S {
    let mut y = if x[0] > x[1] {
        x[0] * x[2]
    } else {
        x[1].sin() * x[2]
    };
    if x[2] < 0.5 {
        y += x[0].exp();
    }
    if x[1] > 0.0 && x[0] != x[2] {
        y *= x[1].sqrt();
    }
    if (x[0] / x[1]).is_finite() {
        y += x[0] / x[1];
    }
    y
}

/// Constants folded into scales and offsets, sums with constant items (before and
/// after the first variable), dot products with constant items, a constant output
/// path.
fn affine_and_constants<S: Scalar>(x: &[S]) -> S {
    let c = S::from_f64(0.3);
    let a = (x[0] * 2.0 + 1.5) / 3.0 - 0.25;
    let b = S::one() - x[1] * c;
    let d = -(S::from_f64(2.0) / (x[2] + 3.0)) * (c * 4.0);
    let items = [
        S::from_f64(2.0),
        c,
        a,
        S::from_f64(1.0),
        b * b,
        d,
        S::from_f64(-0.5),
    ];
    let s: S = items.iter().copied().sum();
    let t = S::dot_const(&[1.0, -2.0, 0.5, 3.0], &[c, a, b, x[2]]);
    let u: S = [x[0], S::from_f64(1.0)].iter().copied().sum();
    s * t + u.powi(3) + (c * c).exp() * a.hypot(b)
}

#[test]
fn a_program_is_of_the_order_of_its_recording() {
    let x: Vec<f64> = (0..1000).map(|i| (i as f64 * 0.1).sin()).collect();
    let mut p = hyperhess::prepare(|x| hyperhess::testfns::chain(x), &x).unwrap();
    let tape = hyperhess::record(|x| hyperhess::testfns::chain(x), &x)
        .unwrap()
        .tape_bytes();
    // One instruction (40 bytes) and about one value slot (8) per operation on a
    // variable, against 8 bytes and 0 to 5 partials per node.
    assert!(p.bytes() < 8 * tape, "{} vs {tape}", p.bytes());
    // Evaluated elsewhere: the loops found, the program keeps only each loop's
    // first repetition of instructions (the others are its shifts), and the
    // scratch of its values and of its sweeps adds little (a few numbers per
    // repetition of one block): less than the tape's bytes (chain at n = 1000:
    // 512 kB before, 134 kB after, against a tape of 200 kB).
    let before = p.bytes();
    let y: Vec<f64> = x.iter().map(|x| x * 0.5).collect();
    p.gradient(&y).unwrap();
    p.hvp(&y, &x).unwrap();
    assert!(
        p.bytes() < before / 2 && p.bytes() < tape,
        "{before} -> {} vs {tape}",
        p.bytes()
    );
}

#[test]
fn a_constant_function_and_an_input_as_output() {
    let mut p = hyperhess::prepare(|_| hyperhess::Var::from_f64(3.0), &[1.0]).unwrap();
    assert_eq!(p.value(&[2.0]).unwrap(), 3.0);
    assert_eq!(p.gradient(&[2.0]).unwrap()[0], 0.0);
    let mut q = hyperhess::prepare(|x| x[1] * 2.0 + 1.0, &[1.0, 1.0]).unwrap();
    assert_eq!(q.value(&[5.0, 4.0]).unwrap(), 9.0);
    assert_eq!(q.gradient(&[5.0, 4.0]).unwrap().as_slice(), &[0.0, 2.0]);
    assert_eq!(q.rerecords(), 0);
}

#[test]
fn guards_flip_and_the_function_is_recorded_again() {
    let mut p = hyperhess::prepare(|x| branchy(x), &[1.0, 0.5, 1.3]).unwrap();
    assert!(p.is_replayable());
    p.gradient(&[1.1, 0.6, 1.2]).unwrap();
    assert_eq!(p.rerecords(), 0);
    // x0 < x1 now: the other branch.
    let g = p.gradient(&[0.2, 0.6, 1.2]).unwrap();
    assert_eq!(p.rerecords(), 1);
    assert_eq!(
        g,
        hyperhess::gradient(|x| branchy(x), &[0.2, 0.6, 1.2]).unwrap()
    );
    // And the new program is used from then on.
    p.gradient(&[0.3, 0.7, 1.2]).unwrap();
    assert_eq!(p.rerecords(), 1);
}

#[test]
fn a_function_that_reads_values_out_is_recorded_at_every_point() {
    fn f<S: Scalar>(x: &[S]) -> S {
        if x[0].value() > 0.0 {
            x[0] * x[0]
        } else {
            -x[0]
        }
    }
    let mut p = hyperhess::prepare(|x| f(x), &[1.0]).unwrap();
    assert!(!p.is_replayable());
    // Nothing kept of a program that is never evaluated.
    assert!(p.bytes() <= 64, "{}", p.bytes());
    assert_eq!(p.gradient(&[-3.0]).unwrap()[0], -1.0);
    assert_eq!(p.gradient(&[3.0]).unwrap()[0], 6.0);
    assert_eq!(p.rerecords(), 2);
}

#[test]
fn errors_at_a_point_are_those_of_a_fresh_recording_and_do_not_stick() {
    let mut p = hyperhess::prepare(|x| x[0].ln() * x[1], &[1.0, 1.0]).unwrap();
    assert!(matches!(
        p.value(&[-1.0, 1.0]),
        Err(Error::NonFiniteValue { .. })
    ));
    assert!(p.recording().is_none());
    assert!(matches!(
        p.gradient(&[0.0, 1.0]),
        Err(Error::NonFiniteValue { .. })
    ));
    assert!(matches!(p.value(&[1.0]), Err(Error::LengthMismatch { .. })));
    assert!(matches!(
        p.value(&[f64::NAN, 1.0]),
        Err(Error::NonFiniteInput { .. })
    ));
    assert_eq!(p.gradient(&[1.0, 2.0]).unwrap().as_slice(), &[2.0, 0.0]);
    assert!(p.recording().is_some());
}

#[test]
fn sparse_hessians_at_new_points_and_a_pattern_that_grows() {
    fn f<S: Scalar>(x: &[S]) -> S {
        let s: S = x.windows(2).map(|w| (w[1] - w[0] * w[0]).powi(2)).sum();
        if x[0] > S::from_f64(0.0) {
            s
        } else {
            s + x[0] * x[x.len() - 1]
        }
    }
    let n = 30;
    let x0: Vec<f64> = (0..n).map(|i| 0.5 + 0.01 * i as f64).collect();
    let mut p = hyperhess::prepare(|x| f(x), &x0).unwrap();
    for k in 0..5 {
        let x: Vec<f64> = x0.iter().map(|v| v * (1.0 + 0.1 * k as f64)).collect();
        let a = p.sparse_hessian(&x).unwrap();
        let b = hyperhess::sparse_hessian(|x| f(x), &x).unwrap();
        assert_eq!(a, b);
    }
    let mut x = x0.clone();
    x[0] = -0.5;
    assert!(matches!(
        p.sparse_hessian(&x),
        Err(Error::SparsityPatternChanged { .. })
    ));
    assert_eq!(p.rerecords(), 1);
    let v = DVector::from_element(n, 1.0);
    let hv = p.hvp(&x, v.as_slice()).unwrap();
    assert_eq!(hv, hyperhess::hvp(|x| f(x), &x, v.as_slice()).unwrap());
    // Back on the plan's path, recorded again: its operations are compared again.
    let a = p.sparse_hessian(&x0).unwrap();
    assert_eq!(p.rerecords(), 2);
    assert_eq!(a, hyperhess::sparse_hessian(|x| f(x), &x0).unwrap());
}

#[test]
fn the_same_point_again_reuses_the_recording() {
    fn f<S: Scalar>(x: &[S]) -> S {
        x[0].max(x[1]) * x[1]
    }
    let mut p = hyperhess::prepare(|x| f(x), &[1.0, 2.0]).unwrap();
    let x = [3.0, 2.0]; // the other branch: recorded again, once
    let g = p.gradient(&x).unwrap();
    let hv = p.hvp(&x, &[1.0, 0.0]).unwrap();
    let h = p.hessian(&x).unwrap();
    assert_eq!(p.rerecords(), 1);
    assert_eq!(g, hyperhess::gradient(|x| f(x), &x).unwrap());
    assert_eq!(hv.as_slice(), &[0.0, 1.0]);
    assert_eq!(h, hyperhess::hessian(|x| f(x), &x).unwrap());
    // -0.0 is another point (bit for bit), and an error there is not kept.
    assert!(p.value(&[-0.0, 1.0]).is_ok());
    assert!(p.value(&[f64::NAN, 1.0]).is_err());
    assert!(p.recording().is_none());
    assert_eq!(p.value(&[-0.0, 1.0]).unwrap(), 1.0);
}

#[test]
fn sparse_values_need_a_buffer_of_the_patterns_length() {
    fn f<S: Scalar>(x: &[S]) -> S {
        x.windows(2).map(|w| w[0] * w[1].exp()).sum()
    }
    let mut p = hyperhess::prepare(|x| f(x), &[0.5; 4]).unwrap();
    let nnz = p.sparse_plan().unwrap().pattern().nnz();
    assert_eq!(nnz, 9);
    let mut short = vec![0.0; nnz - 1];
    assert_eq!(
        p.sparse_hessian_values(&[1.0; 4], &mut short),
        Err(hyperhess::Error::LengthMismatch {
            what: "Hessian output",
            expected: nnz,
            found: nnz - 1
        })
    );
    let mut h = vec![0.0; nnz];
    p.sparse_hessian_values(&[1.0, 2.0, 3.0, 4.0], &mut h)
        .unwrap();
    let m = hyperhess::sparse_hessian(|x| f(x), &[1.0, 2.0, 3.0, 4.0]).unwrap();
    assert_eq!(h, m.values());
}

/// Sparse values into a buffer that would not be finite are the error the matrix
/// reports, never numbers returned as fine (the schedule's path checked them
/// nowhere; found by `banded_sums_at_new_points_are_fresh_recordings`).
#[test]
fn sparse_values_that_overflow_are_the_matrix_error() {
    // Near 0 the curvature of the square root, -x^(-3/2) / 4, overflows where
    // its value and slope do not.
    let f = |x: &[hyperhess::Var]| x[0].sqrt() + x[0] * x[1];
    let mut p = hyperhess::prepare(f, &[1.0, 2.0]).unwrap();
    let mut h = vec![0.0; p.sparse_plan().unwrap().pattern().nnz()];
    let x = [1e-300, 1.0];
    let overflow = Error::NonFiniteHessian {
        row: 0,
        col: 0,
        value: f64::NEG_INFINITY,
    };
    assert_eq!(p.sparse_hessian_values(&x, &mut h), Err(overflow.clone()));
    assert_eq!(p.sparse_hessian(&x).err(), Some(overflow.clone()));
    assert_eq!(hyperhess::sparse_hessian(f, &x).err(), Some(overflow));
    // And where it is finite, the values are the matrix's.
    let y = [0.5, 1.0];
    p.sparse_hessian_values(&y, &mut h).unwrap();
    assert_eq!(bits(&h), bits(p.sparse_hessian(&y).unwrap().values()));
}
