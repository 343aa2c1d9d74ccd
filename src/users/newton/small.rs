//! The dense Newton step for a few inputs, on the stack: one static evaluation
//! ([`crate::forward::derivatives_static`], through [`with_small`]), a Cholesky
//! factor of fixed size `K x K` and its two triangular solves, with heap memory
//! only for the three vectors a [`NewtonStep`] returns.
//!
//! The factorization and the solves are nalgebra's (`Cholesky::new`, `solve`)
//! written out for arrays: the same operations in the same order (the column
//! updates as `y + (-l_jk) x`, the back substitution's dot products with
//! nalgebra's eight accumulators), so a step has the same bits as the dynamic
//! path of [`dynamic_step`]. The unit tests check it, for every `K`.

// Index loops over the triangles are the algorithm; iterator chains would hide it.
#![allow(clippy::needless_range_loop)]

use super::dense::{dynamic_step, increasing_shifts};
use super::{NewtonMethod, NewtonOptions, NewtonStep, NewtonWork};
use crate::error::Error;
use crate::forward::{CROSSOVER, SmallVisitor, StaticDerivatives, with_small};
use crate::objective::Objective;
use nalgebra::{Const, DMatrix, DVector, Dyn, VecStorage};

/// Whether [`dense_step`] makes the step of `n` inputs on the stack.
#[inline]
pub(super) fn is_small(n: usize) -> bool {
    (1..=CROSSOVER).contains(&n)
}

/// The dense Newton step at `x`: on the stack when `x` has 1 to `forward`'s
/// small-`n` crossover (10) inputs, by [`dynamic_step`] otherwise. The stack
/// path's errors are the derivatives' and [`Error::NotPositiveDefinite`]: never
/// the ones that make [`super::NewtonWorkspace`] change engines.
#[inline]
pub(crate) fn dense_step<O: Objective>(
    objective: &O,
    x: &[f64],
    options: &NewtonOptions,
) -> Result<NewtonStep, Error> {
    with_small(
        objective,
        x,
        SmallStep {
            objective,
            x,
            options,
        },
    )
}

/// [`dense_step`] at a point of `K` inputs, or [`dynamic_step`].
struct SmallStep<'a, O> {
    objective: &'a O,
    x: &'a [f64],
    options: &'a NewtonOptions,
}

impl<O: Objective> SmallVisitor for SmallStep<'_, O> {
    type Output = Result<NewtonStep, Error>;
    #[inline]
    fn visit<const K: usize>(self, d: Result<StaticDerivatives<f64, K>, Error>) -> Self::Output {
        let d = d?;
        let h = d.hessian.data.0;
        let min_diag = (0..K).map(|i| h[i][i]).fold(f64::INFINITY, f64::min);
        // Algorithm 3.3's first try when the diagonal is positive (`tau = 0`), on a
        // branch of its own: the CPU predicts it and starts the factorization of
        // `H` before `tau` is known (computed as a select, the shift sits between
        // the Hessian and the first square root). The other cases, and a failed
        // first try (then tried once more, with the same result), by
        // `increasing_shifts`.
        let unshifted = if min_diag > 0.0 && self.options.max_shift_tries > 0 {
            cholesky(h)
        } else {
            None
        };
        let (factor, tau, factorizations) = match unshifted {
            Some(factor) => (factor, 0.0, 1),
            None => increasing_shifts(min_diag, self.options, |tau| {
                let mut shifted = h;
                if tau != 0.0 {
                    for i in 0..K {
                        shifted[i][i] += tau;
                    }
                }
                Ok(cholesky(shifted))
            })?,
        };
        let step = solve(&factor, d.gradient.data.0[0].map(|g| -g));
        if step.iter().any(|p| !p.is_finite()) {
            // Only a degenerate factorization (a pivot that underflows) can get here.
            return Err(Error::NotPositiveDefinite { tau });
        }
        Ok(NewtonStep {
            value: d.value,
            gradient: column(d.gradient.as_slice()),
            hessian: DMatrix::from_data(VecStorage::new(
                Dyn(K),
                Dyn(K),
                d.hessian.as_slice().to_vec(),
            )),
            step: column(&step),
            tau,
            positive_definite: tau == 0.0,
            method: NewtonMethod::Dense,
            sparse_hessian: None,
            work: NewtonWork {
                factorizations,
                factor_entries: K * (K + 1) / 2,
                ..NewtonWork::default()
            },
        })
    }
    fn otherwise(self) -> Self::Output {
        dynamic_step(self.objective, self.x, self.options)
    }
}

/// `v` as a `DVector`: one allocation and a copy (`DVector::from_vec` and
/// `from_column_slice` pass the entries through an iterator, one by one).
#[inline]
fn column(v: &[f64]) -> DVector<f64> {
    DVector::from_data(VecStorage::new(Dyn(v.len()), Const::<1>, v.to_vec()))
}

/// The lower Cholesky factor `L` of `a` (columns: `a[col][row]`, the lower
/// triangle read), in the lower triangle of the result; `None` when a pivot is
/// zero, negative or NaN. nalgebra's `Cholesky::new`, step for step: column `j`
/// is updated by `col_j += (-l_jk) col_k` for `k < j`, then its pivot replaced by
/// its square root and the entries below divided by it.
#[inline]
fn cholesky<const K: usize>(mut a: [[f64; K]; K]) -> Option<[[f64; K]; K]> {
    for j in 0..K {
        for k in 0..j {
            let factor = -a[k][j];
            for r in j..K {
                a[j][r] += factor * a[k][r];
            }
        }
        let diag = a[j][j];
        // nalgebra's test: not zero, and a square root exists (not negative, not NaN).
        if diag <= 0.0 || diag.is_nan() {
            return None;
        }
        let denom = diag.sqrt();
        a[j][j] = denom;
        for r in j + 1..K {
            a[j][r] /= denom;
        }
    }
    Some(a)
}

/// `x` solving `L L^T x = b`, as nalgebra's `Cholesky::solve`: forward
/// substitution by columns, then back substitution by dot products.
#[inline]
fn solve<const K: usize>(l: &[[f64; K]; K], mut b: [f64; K]) -> [f64; K] {
    for i in 0..K {
        let coeff = b[i] / l[i][i];
        b[i] = coeff;
        for r in i + 1..K {
            b[r] += -coeff * l[i][r];
        }
    }
    for i in (0..K).rev() {
        let dot = nalgebra_dot(&l[i][i + 1..], &b[i + 1..]);
        b[i] = (b[i] - dot) / l[i][i];
    }
    b
}

/// `sum_k a_k b_k` summed as nalgebra's `dot` sums a dynamic-length vector: eight
/// accumulators over the blocks of eight, their pairwise sums, then the tail one
/// by one.
#[inline]
fn nalgebra_dot(a: &[f64], b: &[f64]) -> f64 {
    let mut acc = [0.0f64; 8];
    let mut i = 0;
    while a.len() - i >= 8 {
        for m in 0..8 {
            acc[m] += a[i + m] * b[i + m];
        }
        i += 8;
    }
    let mut res = 0.0;
    res += acc[0] + acc[4];
    res += acc[1] + acc[5];
    res += acc[2] + acc[6];
    res += acc[3] + acc[7];
    for k in i..a.len() {
        res += a[k] * b[k];
    }
    res
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scalar::Scalar;
    use nalgebra::linalg::Cholesky;

    /// A deterministic stream in [-1, 1).
    fn stream(seed: u64) -> impl FnMut() -> f64 {
        let mut state = seed.wrapping_mul(6364136223846793005) | 1;
        move || {
            state = state
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            ((state >> 11) as f64 / (1u64 << 53) as f64) * 2.0 - 1.0
        }
    }

    /// `B B^T + shift I` with `B` from the stream: positive definite for
    /// `shift > 0`, indefinite for a negative enough one.
    fn symmetric<const K: usize>(next: &mut impl FnMut() -> f64, shift: f64) -> [[f64; K]; K] {
        let b: [[f64; K]; K] = std::array::from_fn(|_| std::array::from_fn(|_| next()));
        std::array::from_fn(|c| {
            std::array::from_fn(|r| {
                let s: f64 = (0..K).map(|k| b[k][r] * b[k][c]).sum();
                if r == c { s + shift } else { s }
            })
        })
    }

    /// Factor and solve against nalgebra's dynamic `Cholesky`, in bits.
    fn same_as_nalgebra<const K: usize>() {
        let mut next = stream(K as u64);
        for (case, shift) in [1.0, 1e-3, 0.5, -0.5, -3.0, 10.0].into_iter().enumerate() {
            let a = symmetric::<K>(&mut next, shift);
            let rhs: [f64; K] = std::array::from_fn(|_| next());
            let dynamic = Cholesky::new(DMatrix::from_fn(K, K, |r, c| a[c][r]));
            match (cholesky(a), dynamic) {
                (Some(l), Some(chol)) => {
                    let ours = solve(&l, rhs);
                    let theirs = chol.solve(&DVector::from_column_slice(&rhs));
                    for i in 0..K {
                        assert_eq!(
                            ours[i].to_bits(),
                            theirs[i].to_bits(),
                            "K = {K}, case {case}"
                        );
                        for j in 0..=i {
                            assert_eq!(l[j][i].to_bits(), chol.l_dirty()[(i, j)].to_bits());
                        }
                    }
                }
                (None, None) => {}
                (ours, theirs) => panic!(
                    "K = {K}, case {case}: ours {}, nalgebra {}",
                    ours.is_some(),
                    theirs.is_some()
                ),
            }
        }
    }

    #[test]
    fn factor_and_solve_are_nalgebras_in_bits() {
        same_as_nalgebra::<1>();
        same_as_nalgebra::<2>();
        same_as_nalgebra::<3>();
        same_as_nalgebra::<4>();
        same_as_nalgebra::<5>();
        same_as_nalgebra::<6>();
        same_as_nalgebra::<7>();
        same_as_nalgebra::<8>();
        same_as_nalgebra::<9>(); // dot products of length 8: the accumulators
        same_as_nalgebra::<10>();
        // nalgebra's failures: a zero, negative or NaN pivot; an infinite one passes.
        assert!(cholesky([[0.0]]).is_none());
        assert!(cholesky([[-1.0]]).is_none());
        assert!(cholesky([[f64::NAN]]).is_none());
        assert!(cholesky([[f64::INFINITY]]).is_some());
        assert!(Cholesky::new(DMatrix::from_element(1, 1, f64::INFINITY)).is_some());
    }

    /// A function of `n` inputs with a Hessian that is indefinite at some of the
    /// points below (a shift is needed) and positive definite at others.
    struct Mixed;
    impl crate::objective::Objective for Mixed {
        fn eval<S: Scalar>(&self, x: &[S]) -> S {
            let mut acc = S::from_f64(0.0);
            for i in 0..x.len() {
                let next = x[(i + 1) % x.len()];
                acc = acc + (x[i] * next).sin() + x[i].powi(4) * 0.25 + (x[i] - next).exp();
            }
            acc
        }
    }

    #[test]
    fn small_steps_equal_the_dynamic_path() {
        let opts = NewtonOptions::default();
        let (mut shifted, mut unshifted) = (0, 0);
        for n in 1..=10 {
            for (p, scale) in [0.1, 0.7, 1.3, -2.0].into_iter().enumerate() {
                let x: Vec<f64> = (0..n).map(|i| scale * (1.0 + i as f64).sin()).collect();
                let small = dense_step(&Mixed, &x, &opts);
                let dynamic = dynamic_step(&Mixed, &x, &opts);
                match (small, dynamic) {
                    (Ok(s), Ok(d)) => {
                        assert_eq!(s, d, "n = {n}, point {p}");
                        if s.tau > 0.0 {
                            shifted += 1;
                        } else {
                            unshifted += 1;
                        }
                        for i in 0..n {
                            assert_eq!(s.step[i].to_bits(), d.step[i].to_bits());
                        }
                    }
                    (s, d) => assert_eq!(s, d, "n = {n}, point {p}"),
                }
            }
        }
        // Both kinds of point were met.
        assert!(
            shifted > 0 && unshifted > 0,
            "{shifted} shifted, {unshifted} not"
        );
        // Past the crossover `dense_step` is the dynamic path.
        let x = [0.3; 11];
        assert_eq!(
            dense_step(&Mixed, &x, &opts),
            dynamic_step(&Mixed, &x, &opts)
        );
        // Errors as the dynamic path's.
        for bad in [[f64::NAN, 1.0], [1.0, f64::INFINITY], [1e300, 1.0]] {
            assert_eq!(
                format!("{:?}", dense_step(&Mixed, &bad, &opts)),
                format!("{:?}", dynamic_step(&Mixed, &bad, &opts)),
            );
        }
    }

    /// `x0^2 + x1^2 + c x0 x1`: a positive diagonal, indefinite for `|c| > 2`.
    struct Coupled(f64);
    impl crate::objective::Objective for Coupled {
        fn eval<S: Scalar>(&self, x: &[S]) -> S {
            x[0] * x[0] + x[1] * x[1] + x[0] * x[1] * self.0
        }
    }

    #[test]
    fn every_way_through_the_shifts_equals_the_dynamic_path() {
        let x = [0.3, -1.1];
        for (c, tries, want) in [
            (1.0, 100, Some((0.0, 1))), // positive definite: the first try
            (3.0, 100, None),           // positive diagonal, indefinite: shifted
            (-0.5, 0, None),            // no tries at all: an error
            (3.0, 1, None),             // the first try fails, no other: an error
        ] {
            let opts = NewtonOptions {
                max_shift_tries: tries,
                ..NewtonOptions::default()
            };
            let small = dense_step(&Coupled(c), &x, &opts);
            assert_eq!(small, dynamic_step(&Coupled(c), &x, &opts), "c = {c}");
            match (want, &small) {
                (Some(w), Ok(s)) => assert_eq!((s.tau, s.work.factorizations), w),
                (None, Ok(s)) => assert!(s.tau > 0.0 && s.work.factorizations > 1),
                (_, Err(e)) => assert!(tries < 2, "{e:?}"),
            }
        }
    }

    #[test]
    fn newton_step_is_a_fresh_workspaces_step() {
        use super::super::{NewtonWorkspace, newton_step};
        let with = |method, dense_below| NewtonOptions {
            method,
            dense_below,
            ..NewtonOptions::default()
        };
        let options = [
            NewtonOptions::default(),
            with(NewtonMethod::Dense, 0),
            with(NewtonMethod::Auto, 3), // dense below 3 inputs, sparse from 3
            with(NewtonMethod::Sparse, 500),
            with(NewtonMethod::TruncatedCg, 500),
        ];
        let mut methods = Vec::new();
        for opts in &options {
            for n in [0, 1, 2, 3, 10, 11] {
                let x: Vec<f64> = (0..n).map(|i| 0.7 * (1.0 + i as f64).sin()).collect();
                let mut bad = x.clone();
                if let Some(first) = bad.first_mut() {
                    *first = f64::NAN;
                }
                for x in [&x, &bad] {
                    let fresh = NewtonWorkspace::new(opts.clone()).step(&Mixed, x);
                    let step = newton_step(&Mixed, x, opts);
                    assert_eq!(format!("{step:?}"), format!("{fresh:?}"), "n = {n}");
                    if let Ok(s) = step {
                        methods.push(s.method);
                    }
                }
            }
        }
        // Every engine was met.
        for m in [
            NewtonMethod::Dense,
            NewtonMethod::Sparse,
            NewtonMethod::TruncatedCg,
        ] {
            assert!(methods.contains(&m), "{m:?}");
        }
    }
}
