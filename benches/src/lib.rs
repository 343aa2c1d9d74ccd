//! What the benchmarks and the rival tests share: the test functions written again
//! for each rival's number trait (one copy, used by `benches/` and `tests/`),
//! hand-written analytic Hessians, points, and a correctness check run before
//! anything is timed.

use hyperhess::Scalar;
use hyperhess::testfns::LogSumExp;
use nalgebra::DMatrix;
use num_dual::DualNum;

/// The benchmark point: `x_i = sin(0.7 i)` scaled into `[-1, 1]`.
pub fn point(n: usize) -> Vec<f64> {
    (0..n).map(|i| (0.7 * i as f64).sin()).collect()
}

/// The fixed pseudo-random `A` of the log-sum-exp test function (`n x n`).
pub fn lse_matrix(n: usize) -> Vec<Vec<f64>> {
    LogSumExp::random(n, n, 42).a
}

// ---- num-dual versions (DualNum is not Copy: clones) ----

pub fn rosenbrock_nd<D: DualNum<Primitive = f64>>(x: &[D]) -> D {
    x.windows(2)
        .map(|w| {
            let a = w[1].clone() - w[0].clone() * &w[0];
            let b = -(w[0].clone() - 1.0);
            a.clone() * a * 100.0 + b.clone() * b
        })
        .sum()
}

pub fn chain_nd<D: DualNum<Primitive = f64>>(x: &[D]) -> D {
    let pairs: D = x
        .windows(2)
        .map(|w| w[0].sin() * w[1].cos() + (w[0].clone() * &w[1] / 10.0).exp())
        .sum();
    let roots: D = x.iter().map(|xi| (xi.clone() * xi + 1.0).sqrt()).sum();
    pairs + roots
}

pub fn lse_nd<D: DualNum<Primitive = f64>>(a: &[Vec<f64>], x: &[D]) -> D {
    let ax: Vec<D> = a
        .iter()
        .map(|row| row.iter().zip(x).map(|(&aij, xj)| xj.clone() * aij).sum())
        .collect();
    let m = ax.iter().map(|v| v.re()).fold(f64::NEG_INFINITY, f64::max);
    let lse = ax.iter().map(|v| (v.clone() - m).exp()).sum::<D>().ln() + m;
    let half: D = x.iter().map(|xi| xi.clone() * xi).sum::<D>() * 0.5;
    lse + half
}

/// `sum 2x³ - x²` (tests/forward.rs, tests/dual2.rs).
pub fn cubic_sum_nd<D: DualNum<Primitive = f64>>(x: &[D]) -> D {
    x.iter().map(|xi| xi.powi(3) * 2.0 - xi.clone() * xi).sum()
}

/// `2xy² + x³ - 10` (a seed example).
pub fn f2_nd<D: DualNum<Primitive = f64>>(x: &[D]) -> D {
    x[0].clone() * &x[1] * &x[1] * 2.0 + x[0].powi(3) - 10.0
}

/// `2x²y + xz³ - 10` (a seed example).
pub fn f3_nd<D: DualNum<Primitive = f64>>(x: &[D]) -> D {
    x[0].clone() * &x[0] * &x[1] * 2.0 + x[0].clone() * x[2].powi(3) - 10.0
}

/// `xy³ - 7x` (a seed example).
pub fn f4_nd<D: DualNum<Primitive = f64>>(x: &[D]) -> D {
    x[0].clone() * x[1].powi(3) - x[0].clone() * 7.0
}

// The n-dimensional argmin test functions (argmin_testfunctions' formulas and
// constants), for tests/ecosystem.rs. Rosenbrock is `rosenbrock_nd` above.

/// Ackley (`a = 20`, `b = 0.2`, `c = 2π`).
pub fn ackley_nd<D: DualNum<Primitive = f64>>(x: &[D]) -> D {
    let n = x.len() as f64;
    let (a, b, c) = (20.0, 0.2, 2.0 * std::f64::consts::PI);
    let sq: D = x.iter().map(|xi| xi.powi(2)).sum();
    let cs: D = x.iter().map(|xi| (xi.clone() * c).cos()).sum();
    -(((sq / n).sqrt() * -b).exp() * a) - (cs / n).exp() + a + std::f64::consts::E
}

/// Rastrigin (`a = 10`).
pub fn rastrigin_nd<D: DualNum<Primitive = f64>>(x: &[D]) -> D {
    let a = 10.0;
    let terms: D = x
        .iter()
        .map(|xi| xi.powi(2) - (xi.clone() * (2.0 * std::f64::consts::PI)).cos() * a)
        .sum();
    terms + a * x.len() as f64
}

/// Styblinski-Tang.
pub fn styblinski_tang_nd<D: DualNum<Primitive = f64>>(x: &[D]) -> D {
    let s: D = x
        .iter()
        .map(|xi| xi.powi(4) - xi.powi(2) * 16.0 + xi.clone() * 5.0)
        .sum();
    s * 0.5
}

// ---- echidna versions (no Sum on its tape type, constants through from_f64) ----

fn k<T: echidna::Scalar>(v: f64) -> T {
    T::from_f64(v).unwrap()
}

pub fn rosenbrock_e<T: echidna::Scalar>(x: &[T]) -> T {
    let (one, hundred) = (k::<T>(1.0), k::<T>(100.0));
    x.windows(2).fold(T::zero(), |acc, w| {
        let a = w[1] - w[0] * w[0];
        let b = one - w[0];
        acc + a * a * hundred + b * b
    })
}

pub fn chain_e<T: echidna::Scalar>(x: &[T]) -> T {
    let (one, ten) = (k::<T>(1.0), k::<T>(10.0));
    let pairs = x.windows(2).fold(T::zero(), |acc, w| {
        acc + w[0].sin() * w[1].cos() + (w[0] * w[1] / ten).exp()
    });
    let roots = x
        .iter()
        .fold(T::zero(), |acc, &xi| acc + (xi * xi + one).sqrt());
    pairs + roots
}

pub fn lse_e<T: echidna::Scalar>(a: &[Vec<f64>], x: &[T]) -> T {
    let ax: Vec<T> = a
        .iter()
        .map(|row| {
            row.iter()
                .zip(x)
                .fold(T::zero(), |acc, (&aij, &xj)| acc + xj * k::<T>(aij))
        })
        .collect();
    let m = ax
        .iter()
        .map(|v| v.to_f64().unwrap())
        .fold(f64::NEG_INFINITY, f64::max);
    let mt = k::<T>(m);
    let lse = ax
        .iter()
        .fold(T::zero(), |acc, &v| acc + (v - mt).exp())
        .ln()
        + mt;
    lse + x.iter().fold(T::zero(), |acc, &xi| acc + xi * xi) * k::<T>(0.5)
}

// ---- hand-written analytic Hessians ----

/// Extended Rosenbrock's tridiagonal Hessian as `(i, j, value)` for `j <= i`
/// pairs (diagonal and sub-diagonal); `put` receives both triangles' entries.
pub fn rosenbrock_entries(x: &[f64], mut put: impl FnMut(usize, usize, f64)) {
    let n = x.len();
    for i in 0..n {
        let mut d = 0.0;
        if i + 1 < n {
            d += 1200.0 * x[i] * x[i] - 400.0 * x[i + 1] + 2.0;
            let off = -400.0 * x[i];
            put(i, i + 1, off);
            put(i + 1, i, off);
        }
        if i > 0 {
            d += 200.0;
        }
        put(i, i, d);
    }
}

/// The chain's tridiagonal Hessian, entry by entry.
pub fn chain_entries(x: &[f64], mut put: impl FnMut(usize, usize, f64)) {
    let n = x.len();
    let mut diag: Vec<f64> = x.iter().map(|&v| (1.0 + v * v).powf(-1.5)).collect();
    for i in 0..n.saturating_sub(1) {
        let (a, b) = (x[i], x[i + 1]);
        let (sa, ca, sb, cb) = (a.sin(), a.cos(), b.sin(), b.cos());
        let e = (a * b / 10.0).exp();
        diag[i] += -sa * cb + (b / 10.0) * (b / 10.0) * e;
        diag[i + 1] += -sa * cb + (a / 10.0) * (a / 10.0) * e;
        let off = -ca * sb + e / 10.0 + a * b / 100.0 * e;
        put(i, i + 1, off);
        put(i + 1, i, off);
    }
    for (i, d) in diag.into_iter().enumerate() {
        put(i, i, d);
    }
}

/// Dense analytic Hessian from an entry function.
pub fn dense_from(
    n: usize,
    entries: impl FnOnce(&mut dyn FnMut(usize, usize, f64)),
) -> DMatrix<f64> {
    let mut h = DMatrix::zeros(n, n);
    entries(&mut |i, j, v| h[(i, j)] = v);
    h
}

/// `lse(Ax) + |x|^2/2`: `H = A^T (diag(p) - p p^T) A + I`, `p = softmax(Ax)`.
pub fn lse_hessian(a: &[Vec<f64>], x: &[f64]) -> DMatrix<f64> {
    let n = x.len();
    let am = DMatrix::from_fn(a.len(), n, |i, j| a[i][j]);
    let ax = &am * nalgebra::DVector::from_column_slice(x);
    let m = ax.max();
    let e = ax.map(|v| (v - m).exp());
    let p = &e / e.sum();
    let w = DMatrix::from_diagonal(&p) - &p * p.transpose();
    am.transpose() * w * &am + DMatrix::identity(n, n)
}

/// Panics unless `got` agrees with `want` to 1e-10 relative to the largest entry.
pub fn assert_close(name: &str, got: &DMatrix<f64>, want: &DMatrix<f64>) {
    assert_eq!(got.shape(), want.shape(), "{name}: wrong shape");
    let scale = want.amax().max(1.0);
    for (k, (&g, &w)) in got.iter().zip(want.iter()).enumerate() {
        assert!(
            (g - w).abs() <= 1e-10 * scale,
            "{name}: entry {k} is {g}, want {w}"
        );
    }
}

// ---- the seed examples (../shared/SEED_EXAMPLES.md), over hyperhess::Scalar ----

/// `sum 2x³ - x²`
pub fn cubic_sum<S: Scalar>(x: &[S]) -> S {
    x.iter().map(|&xi| xi.powi(3) * 2.0 - xi * xi).sum()
}

/// `2xy² + x³ - 10`
pub fn f2<S: Scalar>(x: &[S]) -> S {
    x[0] * x[1] * x[1] * 2.0 + x[0].powi(3) - 10.0
}

/// `2x²y + xz³ - 10`
pub fn f3<S: Scalar>(x: &[S]) -> S {
    x[0] * x[0] * x[1] * 2.0 + x[0] * x[2].powi(3) - 10.0
}

/// `xy³ - 7x`
pub fn f4<S: Scalar>(x: &[S]) -> S {
    x[0] * x[1].powi(3) - x[0] * 7.0
}

// ---- the test functions as users write them (issue 22, item 1) ----
//
// The same three functions spelled the way a user spells them: constants through
// `from_f64` (`D::from` for num-dual), `from_f64(0.0)` accumulators updated by
// `acc = acc + ..`, `Vec`s of intermediates, index loops. The library's own
// versions (`testfns`) use iterator sums and `f64` operands instead.

/// Extended Rosenbrock, user-style (`powi(2)`, a `Vec` of terms summed at the end).
#[allow(clippy::assign_op_pattern, clippy::needless_range_loop)] // spelled as users spell it, on purpose
pub fn rosenbrock_user<S: Scalar>(x: &[S]) -> S {
    let mut terms: Vec<S> = Vec::new();
    for i in 0..x.len() - 1 {
        terms.push(
            S::from_f64(100.0) * (x[i + 1] - x[i].powi(2)).powi(2)
                + (S::from_f64(1.0) - x[i]).powi(2),
        );
    }
    let mut acc = S::from_f64(0.0);
    for t in &terms {
        acc = acc + *t;
    }
    acc
}

/// The chain, user-style (a `Vec` of terms, summed at the end).
#[allow(clippy::assign_op_pattern, clippy::needless_range_loop)] // spelled as users spell it, on purpose
pub fn chain_user<S: Scalar>(x: &[S]) -> S {
    let n = x.len();
    let mut terms: Vec<S> = Vec::with_capacity(3 * n);
    for i in 0..n - 1 {
        terms.push(x[i].sin() * x[i + 1].cos());
        terms.push((x[i] * x[i + 1] / S::from_f64(10.0)).exp());
    }
    for i in 0..n {
        terms.push((x[i] * x[i] + S::from_f64(1.0)).sqrt());
    }
    let mut acc = S::from_f64(0.0);
    for t in &terms {
        acc = acc + *t;
    }
    acc
}

/// `logsumexp(A x) + |x|^2 / 2`, user-style (`A x` as `acc = acc + x[j] * a[j]`).
#[allow(clippy::assign_op_pattern, clippy::needless_range_loop)] // spelled as users spell it, on purpose
pub fn lse_user<S: Scalar>(a: &[Vec<f64>], x: &[S]) -> S {
    let mut ax: Vec<S> = Vec::new();
    for row in a {
        let mut acc = S::from_f64(0.0);
        for j in 0..x.len() {
            acc = acc + x[j] * row[j];
        }
        ax.push(acc);
    }
    let mut m = f64::NEG_INFINITY;
    for v in &ax {
        m = m.max(v.value());
    }
    let mut s = S::from_f64(0.0);
    for v in &ax {
        s = s + (*v - S::from_f64(m)).exp();
    }
    let mut sq = S::from_f64(0.0);
    for j in 0..x.len() {
        sq = sq + x[j] * x[j];
    }
    s.ln() + S::from_f64(m) + S::from_f64(0.5) * sq
}

/// [`rosenbrock_user`] over num-dual.
#[allow(clippy::assign_op_pattern, clippy::needless_range_loop)] // spelled as users spell it, on purpose
pub fn rosenbrock_user_nd<D: DualNum<Primitive = f64>>(x: &[D]) -> D {
    let mut terms: Vec<D> = Vec::new();
    for i in 0..x.len() - 1 {
        terms.push(
            D::from(100.0) * (x[i + 1].clone() - x[i].powi(2)).powi(2)
                + (D::from(1.0) - &x[i]).powi(2),
        );
    }
    let mut acc = D::from(0.0);
    for t in &terms {
        acc = acc + t;
    }
    acc
}

/// [`chain_user`] over num-dual.
#[allow(clippy::assign_op_pattern, clippy::needless_range_loop)] // spelled as users spell it, on purpose
pub fn chain_user_nd<D: DualNum<Primitive = f64>>(x: &[D]) -> D {
    let n = x.len();
    let mut terms: Vec<D> = Vec::with_capacity(3 * n);
    for i in 0..n - 1 {
        terms.push(x[i].sin() * x[i + 1].cos());
        terms.push((x[i].clone() * &x[i + 1] / D::from(10.0)).exp());
    }
    for i in 0..n {
        terms.push((x[i].clone() * &x[i] + D::from(1.0)).sqrt());
    }
    let mut acc = D::from(0.0);
    for t in &terms {
        acc = acc + t;
    }
    acc
}

/// [`lse_user`] over num-dual.
#[allow(clippy::assign_op_pattern, clippy::needless_range_loop)] // spelled as users spell it, on purpose
pub fn lse_user_nd<D: DualNum<Primitive = f64>>(a: &[Vec<f64>], x: &[D]) -> D {
    let mut ax: Vec<D> = Vec::new();
    for row in a {
        let mut acc = D::from(0.0);
        for j in 0..x.len() {
            acc = acc + x[j].clone() * row[j];
        }
        ax.push(acc);
    }
    let mut m = f64::NEG_INFINITY;
    for v in &ax {
        m = m.max(v.re());
    }
    let mut s = D::from(0.0);
    for v in &ax {
        s = s + (v.clone() - D::from(m)).exp();
    }
    let mut sq = D::from(0.0);
    for j in 0..x.len() {
        sq = sq + x[j].clone() * &x[j];
    }
    s.ln() + D::from(m) + D::from(0.5) * sq
}
