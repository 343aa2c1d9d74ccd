//! Many points at once: [`hessian_batch`] and [`gradient_batch`] evaluate one
//! [`Objective`]'s derivatives at thousands to millions of points, spread over
//! threads, into flat buffers ([`Batch`]) with no allocation per point.
//!
//! Per point, the engine is chosen by `n`: the static second-order number
//! ([`crate::forward::derivatives_static`], one evaluation on the stack) up to
//! [`BatchOptions::static_up_to`], the tape above: each thread prepares the function
//! at its first point ([`crate::prepare`]) and moves that recording to every next
//! point by its program, recording again only where the path changes (the bits of
//! a fresh recording either way). Points go to
//! the threads in chunks ([`run`]); every point's result depends on that point
//! alone, so the results are the same bits at any thread count.
//!
//! Errors are per point: a point that fails (a non-finite coordinate, value or
//! derivative) gets NaN in its slots and its [`Error`] in [`Batch::failures`]; the
//! call itself fails only on its arguments (`n = 0`, a length that is not a
//! multiple of `n`, results that do not fit in memory). [`Batch::complete`] turns
//! the first point failure into [`Error::AtPoint`] for `?`.

mod run;

use crate::error::Error;
use crate::objective::Objective;
use nalgebra::DMatrixView;

/// How a batch call runs ([`hessian_batch_into`], [`gradient_batch_into`]).
///
/// ```
/// use hyperhess::{BatchOptions, Objective, Scalar};
/// struct Cube;
/// impl Objective for Cube {
///     fn eval<S: Scalar>(&self, x: &[S]) -> S { x[0] * x[0] * x[0] }
/// }
/// let one_thread = BatchOptions { threads: Some(1), ..BatchOptions::default() };
/// let mut out = hyperhess::Batch::new();
/// hyperhess::hessian_batch_into(&Cube, &[1.0, 2.0], 1, &one_thread, &mut out).unwrap();
/// assert_eq!(out.hessians(), &[6.0, 12.0]);
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct BatchOptions {
    /// The most threads to use (the calling thread is one of them); `None` is
    /// [`std::thread::available_parallelism`]. Helper threads start only when the
    /// first chunk of points predicts more than [`BatchOptions::SPAWN_WORTH`] of
    /// remaining work, so a small batch stays on the calling thread.
    pub threads: Option<usize>,
    /// The largest `n` computed with the static number (one evaluation per point
    /// over [`crate::Dual2`], no heap); larger `n` use the tape. `None` is
    /// [`BatchOptions::HESSIAN_STATIC_UP_TO`] for Hessians and
    /// [`BatchOptions::GRADIENT_STATIC_UP_TO`] for gradients; values above
    /// [`BatchOptions::STATIC_MAX`] act as `STATIC_MAX`, and `Some(0)` is the tape
    /// always.
    pub static_up_to: Option<usize>,
}

impl BatchOptions {
    /// The static number's default reach for Hessians: up to here one [`crate::Dual2`]
    /// evaluation beats the tape (the crossover of [`crate::derivatives_of`];
    /// docs/benchmarks.md, "Many points at once").
    ///
    /// ```
    /// assert_eq!(hyperhess::BatchOptions::HESSIAN_STATIC_UP_TO, 10);
    /// ```
    pub const HESSIAN_STATIC_UP_TO: usize = 10;

    /// The static number's default reach for gradients: it carries a Hessian part
    /// the gradient does not need, so the tape (one recording and one reverse
    /// sweep) takes over sooner (docs/benchmarks.md, "Many points at once").
    ///
    /// ```
    /// assert_eq!(hyperhess::BatchOptions::GRADIENT_STATIC_UP_TO, 4);
    /// ```
    pub const GRADIENT_STATIC_UP_TO: usize = 4;

    /// The largest `n` the static number is compiled for in a batch.
    ///
    /// ```
    /// assert_eq!(hyperhess::BatchOptions::STATIC_MAX, 12);
    /// ```
    pub const STATIC_MAX: usize = 12;

    /// Remaining work (as predicted from the first chunk) below which no helper
    /// thread is started: starting one costs tens of microseconds.
    ///
    /// ```
    /// assert_eq!(hyperhess::BatchOptions::SPAWN_WORTH, std::time::Duration::from_micros(200));
    /// ```
    pub const SPAWN_WORTH: std::time::Duration = std::time::Duration::from_micros(200);

    fn static_reach(&self, default: usize) -> usize {
        self.static_up_to.unwrap_or(default).min(Self::STATIC_MAX)
    }

    fn thread_count(&self) -> usize {
        self.threads
            .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |t| t.get()))
            .max(1)
    }
}

/// The results of a batch call for `m` points of `n` inputs, in flat buffers: the
/// values (`m`), the gradients (`m n`, point after point) and, for
/// [`hessian_batch`], the Hessians (`m n²`, point after point, each `n x n`
/// column-major and exactly symmetric). A point that failed has NaN in all its slots
/// and its error in [`Batch::failures`].
///
/// A `Batch` can be filled again ([`hessian_batch_into`]): its buffers keep their
/// capacity, so a loop over chunks of a large point set allocates only once.
///
/// ```
/// use hyperhess::{Objective, Scalar};
/// struct Bowl;
/// impl Objective for Bowl {
///     fn eval<S: Scalar>(&self, x: &[S]) -> S { x[0] * x[0] + x[0] * x[1] * 3.0 }
/// }
/// let points = [[1.0, 2.0], [0.0, -1.0], [2.0, 0.5]];
/// let b = hyperhess::hessian_batch(&Bowl, points.as_flattened(), 2).unwrap();
/// assert_eq!(b.len(), 3);
/// assert_eq!(b.value(0), 7.0);
/// assert_eq!(b.gradient(1), &[-3.0, 0.0]);
/// assert_eq!(b.hessian(2), hyperhess::nalgebra::Matrix2::new(2.0, 3.0, 3.0, 0.0));
/// assert!(b.failures().is_empty());
/// ```
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Batch {
    n: usize,
    values: Vec<f64>,
    gradients: Vec<f64>,
    hessians: Vec<f64>,
    failures: Vec<(usize, Error)>,
}

impl Batch {
    /// An empty batch, to be filled by [`hessian_batch_into`] or
    /// [`gradient_batch_into`].
    ///
    /// ```
    /// assert!(hyperhess::Batch::new().is_empty());
    /// ```
    pub fn new() -> Self {
        Self::default()
    }

    /// Number of points.
    ///
    /// ```
    /// let b = hyperhess::gradient_batch(&hyperhess::testfns::Rosenbrock, &[0.0; 6], 2).unwrap();
    /// assert_eq!(b.len(), 3);
    /// ```
    pub fn len(&self) -> usize {
        self.values.len()
    }

    /// `true` when the batch holds no points.
    ///
    /// ```
    /// let b = hyperhess::gradient_batch(&hyperhess::testfns::Rosenbrock, &[], 2).unwrap();
    /// assert!(b.is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        self.values.is_empty()
    }

    /// Number of inputs `n` of each point.
    ///
    /// ```
    /// let b = hyperhess::gradient_batch(&hyperhess::testfns::Rosenbrock, &[0.0; 6], 3).unwrap();
    /// assert_eq!(b.inputs(), 3);
    /// ```
    pub fn inputs(&self) -> usize {
        self.n
    }

    /// The value at point `i`. Panics if `i >= len()`, as slice indexing does.
    ///
    /// ```
    /// let b = hyperhess::gradient_batch(&hyperhess::testfns::Rosenbrock, &[1.0, 1.0], 2).unwrap();
    /// assert_eq!(b.value(0), 0.0);
    /// ```
    pub fn value(&self, i: usize) -> f64 {
        self.values[i]
    }

    /// The values, one per point.
    ///
    /// ```
    /// let b = hyperhess::gradient_batch(&hyperhess::testfns::Rosenbrock, &[1.0, 1.0, 0.0, 0.0], 2);
    /// assert_eq!(b.unwrap().values(), &[0.0, 1.0]);
    /// ```
    pub fn values(&self) -> &[f64] {
        &self.values
    }

    /// The gradient at point `i` (`n` entries). Panics if `i >= len()`.
    ///
    /// ```
    /// let b = hyperhess::gradient_batch(&hyperhess::testfns::Rosenbrock, &[1.0, 1.0], 2).unwrap();
    /// assert_eq!(b.gradient(0), &[0.0, 0.0]);
    /// ```
    pub fn gradient(&self, i: usize) -> &[f64] {
        &self.gradients[i * self.n..(i + 1) * self.n]
    }

    /// The gradients, point after point (`len() * inputs()` entries).
    ///
    /// ```
    /// let b = hyperhess::gradient_batch(&hyperhess::testfns::Rosenbrock, &[1.0, 1.0, 0.0, 0.0], 2);
    /// assert_eq!(b.unwrap().gradients(), &[0.0, 0.0, -2.0, 0.0]);
    /// ```
    pub fn gradients(&self) -> &[f64] {
        &self.gradients
    }

    /// The Hessian at point `i`, an `n x n` view into the batch. Panics if
    /// `i >= len()`, or if the batch holds no Hessians ([`gradient_batch`]).
    ///
    /// ```
    /// use hyperhess::nalgebra; // nalgebra's macros expand to `nalgebra::` paths
    /// let b = hyperhess::hessian_batch(&hyperhess::testfns::Rosenbrock, &[1.0, 1.0], 2).unwrap();
    /// assert_eq!(b.hessian(0), nalgebra::dmatrix![802.0, -400.0; -400.0, 200.0]);
    /// ```
    pub fn hessian(&self, i: usize) -> DMatrixView<'_, f64> {
        let nn = self.n * self.n;
        DMatrixView::from_slice(&self.hessians[i * nn..(i + 1) * nn], self.n, self.n)
    }

    /// The Hessians, point after point, each `n x n` column-major (`len() * n²`
    /// entries; empty after [`gradient_batch`]).
    ///
    /// ```
    /// let b = hyperhess::hessian_batch(&hyperhess::testfns::Rosenbrock, &[1.0, 1.0], 2).unwrap();
    /// assert_eq!(b.hessians(), &[802.0, -400.0, -400.0, 200.0]);
    /// ```
    pub fn hessians(&self) -> &[f64] {
        &self.hessians
    }

    /// The points that failed, in increasing order, each with its error (the error
    /// the single-point driver gives there).
    ///
    /// ```
    /// use hyperhess::{Error, Objective, Scalar};
    /// struct Log;
    /// impl Objective for Log {
    ///     fn eval<S: Scalar>(&self, x: &[S]) -> S { x[0].ln() }
    /// }
    /// let b = hyperhess::hessian_batch(&Log, &[1.0, -1.0, 2.0], 1).unwrap();
    /// assert!(matches!(b.failures(), [(1, Error::NonFiniteValue { .. })]));
    /// assert!(b.value(1).is_nan());
    /// assert_eq!(b.hessian(2)[(0, 0)], -0.25);
    /// ```
    pub fn failures(&self) -> &[(usize, Error)] {
        &self.failures
    }

    /// The batch, or [`Error::AtPoint`] naming the first point that failed.
    ///
    /// ```
    /// use hyperhess::{Error, Objective, Scalar};
    /// struct Sqrt;
    /// impl Objective for Sqrt {
    ///     fn eval<S: Scalar>(&self, x: &[S]) -> S { x[0].sqrt() }
    /// }
    /// let err = hyperhess::gradient_batch(&Sqrt, &[4.0, 0.0], 1).unwrap().complete().unwrap_err();
    /// assert!(matches!(err, Error::AtPoint { point: 1, .. }));
    /// ```
    pub fn complete(self) -> Result<Self, Error> {
        match self.failures.first() {
            None => Ok(self),
            Some((point, error)) => Err(Error::AtPoint {
                point: *point,
                error: Box::new(error.clone()),
            }),
        }
    }
}

/// Value, gradient and Hessian of `f` at each of the points, spread over threads:
/// `points` holds `m` points of `n` coordinates one after another (from
/// `&[[f64; N]]`, pass `points.as_flattened()`). The static number up to
/// [`BatchOptions::HESSIAN_STATIC_UP_TO`] inputs, the tape above; the same numbers as
/// [`crate::derivatives_of`] at each point, in bits.
///
/// Errors (of the call): [`Error::EmptyInput`] (`n = 0`),
/// [`Error::LengthMismatch`] (`points.len()` not a multiple of `n`),
/// [`Error::OutOfMemory`] (the results, `8 (1 + n + n²)` bytes per point). Errors
/// of a point are in [`Batch::failures`].
///
/// ```
/// use hyperhess::{Objective, Scalar};
/// struct Spring; // (|a - b| - 1)², a and b in the plane
/// impl Objective for Spring {
///     fn eval<S: Scalar>(&self, x: &[S]) -> S {
///         let (dx, dy) = (x[2] - x[0], x[3] - x[1]);
///         ((dx * dx + dy * dy).sqrt() - 1.0).powi(2)
///     }
/// }
/// let points: Vec<[f64; 4]> = (0..1000).map(|k| [0.0, 0.0, 1.0 + k as f64 * 1e-3, 0.0]).collect();
/// let b = hyperhess::hessian_batch(&Spring, points.as_flattened(), 4).unwrap();
/// assert_eq!(b.len(), 1000);
/// assert_eq!(b.hessian(0)[(0, 0)], 2.0); // stretched by 0: stiffness 2 along the spring
/// assert_eq!(b.hessian(0)[(1, 1)], 0.0); // and none across
/// ```
pub fn hessian_batch<O: Objective + Sync + ?Sized>(
    f: &O,
    points: &[f64],
    n: usize,
) -> Result<Batch, Error> {
    let mut out = Batch::new();
    hessian_batch_into(f, points, n, &BatchOptions::default(), &mut out)?;
    Ok(out)
}

/// [`hessian_batch`] into a [`Batch`] whose buffers are reused, with
/// [`BatchOptions`]. Memory: the results (`8 (1 + n + n²)` bytes per point), and per
/// thread one prepared recording (tape path: the recording and its program, the
/// size of one evaluation of `f`) — nothing else grows with the number of points. For more points than fit in
/// memory, call it on chunks of the points with the same `Batch`.
///
/// ```
/// use hyperhess::{Batch, BatchOptions, testfns::Rosenbrock};
/// let points = vec![0.5; 3 * 100_000];
/// let mut out = Batch::new();
/// let mut largest = 0.0f64;
/// for chunk in points.chunks(3 * 10_000) {
///     hyperhess::hessian_batch_into(&Rosenbrock, chunk, 3, &BatchOptions::default(), &mut out)
///         .unwrap();
///     largest = out.hessians().iter().fold(largest, |m, h| m.max(h.abs()));
/// }
/// assert_eq!(largest, 302.0); // 1200 x0² - 400 x1 + 2 + 200 at x = (0.5, 0.5, 0.5)
/// ```
pub fn hessian_batch_into<O: Objective + Sync + ?Sized>(
    f: &O,
    points: &[f64],
    n: usize,
    options: &BatchOptions,
    out: &mut Batch,
) -> Result<(), Error> {
    let reach = options.static_reach(BatchOptions::HESSIAN_STATIC_UP_TO);
    run::fill(f, points, n, true, reach, options.thread_count(), out)
}

/// Value and gradient of `f` at each of the points, spread over threads (points as
/// in [`hessian_batch`]). The static number up to
/// [`BatchOptions::GRADIENT_STATIC_UP_TO`] inputs, the tape (a prepared recording
/// moved to each point, and one reverse sweep) above. Errors as [`hessian_batch`]; the results take
/// `8 (1 + n)` bytes per point.
///
/// ```
/// use hyperhess::testfns::Rosenbrock;
/// let b = hyperhess::gradient_batch(&Rosenbrock, &[1.0, 1.0, 0.0, 0.0], 2).unwrap();
/// assert_eq!(b.gradients(), &[0.0, 0.0, -2.0, 0.0]);
/// assert!(b.hessians().is_empty());
/// ```
pub fn gradient_batch<O: Objective + Sync + ?Sized>(
    f: &O,
    points: &[f64],
    n: usize,
) -> Result<Batch, Error> {
    let mut out = Batch::new();
    gradient_batch_into(f, points, n, &BatchOptions::default(), &mut out)?;
    Ok(out)
}

/// [`gradient_batch`] into a reused [`Batch`], with [`BatchOptions`] (memory as
/// [`hessian_batch_into`], without the Hessians).
///
/// ```
/// use hyperhess::{Batch, BatchOptions, testfns::Rosenbrock};
/// let tape = BatchOptions { static_up_to: Some(0), ..BatchOptions::default() };
/// let mut out = Batch::new();
/// hyperhess::gradient_batch_into(&Rosenbrock, &[1.0, 1.0], 2, &tape, &mut out).unwrap();
/// assert_eq!(out.gradient(0), &[0.0, 0.0]);
/// ```
pub fn gradient_batch_into<O: Objective + Sync + ?Sized>(
    f: &O,
    points: &[f64],
    n: usize,
    options: &BatchOptions,
    out: &mut Batch,
) -> Result<(), Error> {
    let reach = options.static_reach(BatchOptions::GRADIENT_STATIC_UP_TO);
    run::fill(f, points, n, false, reach, options.thread_count(), out)
}
