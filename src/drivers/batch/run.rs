//! The batch's work: sizing the results, handing chunks of points to threads, and
//! one point on each engine.
//!
//! Chunks are taken from a shared cursor under a mutex, so a thread that runs
//! slower (a loaded core) takes fewer chunks; each chunk's results are written
//! straight into the caller's buffers (disjoint `&mut` slices, no copies).

use super::Batch;
use crate::error::{Error, check_len, check_point};
use crate::forward::{Dual2, derivatives_static};
use crate::objective::Objective;
use crate::prepared::prepare;
use std::sync::Mutex;
use std::time::Instant;

/// Points per chunk: big enough that taking a chunk (a lock) is noise next to its
/// work, small enough that the last chunks spread evenly over the threads.
const CHUNK: usize = 64;

/// Fills `out` with the results at every point (Hessians when `hessians`), the
/// static number for `n <= reach`, on at most `threads` threads.
pub(super) fn fill<O: Objective + Sync + ?Sized>(
    f: &O,
    points: &[f64],
    n: usize,
    hessians: bool,
    reach: usize,
    threads: usize,
    out: &mut Batch,
) -> Result<(), Error> {
    if n == 0 {
        return Err(Error::EmptyInput);
    }
    let m = points.len() / n;
    check_len("point list (a multiple of n)", m * n, points.len())?;
    let per_point = 1 + n + if hessians { n * n } else { 0 };
    let bytes = m
        .checked_mul(per_point)
        .and_then(|e| e.checked_mul(std::mem::size_of::<f64>()));
    let Some(bytes) = bytes else {
        return Err(Error::OutOfMemory { bytes: usize::MAX });
    };
    out.n = n;
    out.failures.clear();
    let sized = resize(&mut out.values, m, bytes)
        .and_then(|()| resize(&mut out.gradients, m * n, bytes))
        .and_then(|()| {
            resize(
                &mut out.hessians,
                if hessians { m * n * n } else { 0 },
                bytes,
            )
        });
    if let Err(e) = sized {
        // An empty batch, not a half-sized one.
        out.values.clear();
        out.gradients.clear();
        out.hessians.clear();
        return Err(e);
    }
    let work = Work {
        start: 0,
        n,
        points,
        values: &mut out.values,
        gradients: &mut out.gradients,
        hessians: &mut out.hessians,
    };
    let point = PointFn {
        f,
        n,
        hessians,
        reach,
    };
    out.failures = spread(work, &point, threads);
    Ok(())
}

/// Sets `v` to `len` entries, every one of which is then written (a result, or NaN
/// for a failed point); reserves without aborting: [`Error::OutOfMemory`] names all
/// the results' bytes. A reused buffer keeps its capacity and is not cleared first.
fn resize(v: &mut Vec<f64>, len: usize, bytes: usize) -> Result<(), Error> {
    v.truncate(len);
    v.try_reserve_exact(len - v.len())
        .map_err(|_| Error::OutOfMemory { bytes })?;
    v.resize(len, 0.0);
    Ok(())
}

/// The points not yet taken, and their result slots.
struct Work<'a> {
    start: usize,
    n: usize,
    points: &'a [f64],
    values: &'a mut [f64],
    gradients: &'a mut [f64],
    hessians: &'a mut [f64],
}

impl<'a> Work<'a> {
    /// The next (at most) `k` points and their slots, or `None` when all are taken.
    fn take(&mut self, k: usize) -> Option<Work<'a>> {
        let m = self.values.len();
        if m == 0 {
            return None;
        }
        let k = k.min(m);
        let (n, nn) = (self.n, self.hessians.len() / m);
        let (points, rest) = self.points.split_at(k * n);
        self.points = rest;
        let (values, rest) = std::mem::take(&mut self.values).split_at_mut(k);
        self.values = rest;
        let (gradients, rest) = std::mem::take(&mut self.gradients).split_at_mut(k * n);
        self.gradients = rest;
        let (hessians, rest) = std::mem::take(&mut self.hessians).split_at_mut(k * nn);
        self.hessians = rest;
        let start = self.start;
        self.start += k;
        Some(Work {
            start,
            n,
            points,
            values,
            gradients,
            hessians,
        })
    }

    /// Computes every point of this chunk, pushing failures (by global index) and
    /// filling a failed point's slots with NaN.
    fn compute<O: Objective + ?Sized>(
        self,
        point: &PointFn<'_, O>,
        tape: &mut impl TapeEngine,
        failures: &mut Vec<(usize, Error)>,
    ) {
        let n = self.n;
        let nn = self.hessians.len() / self.values.len().max(1);
        for (k, x) in self.points.chunks_exact(n).enumerate() {
            let mut slots = Slots {
                value: &mut self.values[k],
                gradient: &mut self.gradients[k * n..(k + 1) * n],
                hessian: &mut self.hessians[k * nn..(k + 1) * nn],
            };
            if let Err(e) = point.at(x, &mut slots, tape) {
                *slots.value = f64::NAN;
                slots.gradient.fill(f64::NAN);
                slots.hessian.fill(f64::NAN);
                failures.push((self.start + k, e));
            }
        }
    }
}

/// Runs all of `work` on up to `threads` threads (the caller's included) and
/// returns the failures in point order. The first chunk runs on the calling thread
/// and is timed: helpers start only when the rest is predicted to take longer than
/// [`super::BatchOptions::SPAWN_WORTH`].
fn spread<O: Objective + Sync + ?Sized>(
    mut work: Work<'_>,
    point: &PointFn<'_, O>,
    threads: usize,
) -> Vec<(usize, Error)> {
    let mut failures = Vec::new();
    let mut tape = tape_engine(point.f, point.hessians);
    let total = work.values.len();
    let clock = Instant::now();
    if let Some(first) = work.take(CHUNK) {
        first.compute(point, &mut tape, &mut failures);
    }
    let left = work.values.len();
    let predicted = clock
        .elapsed()
        .mul_f64(left as f64 / (total - left).max(1) as f64);
    let helpers = (threads - 1).min(left.div_ceil(CHUNK));
    if helpers == 0 || predicted < super::BatchOptions::SPAWN_WORTH {
        if let Some(rest) = work.take(left) {
            rest.compute(point, &mut tape, &mut failures);
        }
        return failures;
    }
    let shared = Mutex::new(work);
    let next = || shared.lock().unwrap_or_else(|e| e.into_inner()).take(CHUNK);
    let drain = |tape: &mut _, failures: &mut Vec<(usize, Error)>| {
        while let Some(chunk) = next() {
            chunk.compute(point, tape, failures);
        }
    };
    std::thread::scope(|s| {
        let handles: Vec<_> = (0..helpers)
            .map(|_| {
                s.spawn(|| {
                    let mut mine = Vec::new();
                    drain(&mut tape_engine(point.f, point.hessians), &mut mine);
                    mine
                })
            })
            .collect();
        drain(&mut tape, &mut failures);
        for h in handles {
            // A panic in the user's function is re-raised here, as on one thread.
            match h.join() {
                Ok(mine) => failures.extend(mine),
                Err(panic) => std::panic::resume_unwind(panic),
            }
        }
    });
    failures.sort_by_key(|(i, _)| *i);
    failures
}

/// One point's result slots.
struct Slots<'s> {
    value: &'s mut f64,
    gradient: &'s mut [f64],
    hessian: &'s mut [f64],
}

/// What is computed at one point, and by which engine.
struct PointFn<'o, O: ?Sized> {
    f: &'o O,
    n: usize,
    hessians: bool,
    reach: usize,
}

impl<O: Objective + ?Sized> PointFn<'_, O> {
    /// The results at `x` into `slots` (left NaN on an error).
    fn at(
        &self,
        x: &[f64],
        slots: &mut Slots<'_>,
        tape: &mut impl TapeEngine,
    ) -> Result<(), Error> {
        if self.n <= self.reach {
            macro_rules! dispatch {
                ($($k:literal)*) => {
                    match self.n {
                        $($k => return self.at_static::<$k>(x, slots),)*
                        _ => {}
                    }
                };
            }
            // Must list exactly 1..=BatchOptions::STATIC_MAX (a test checks it).
            dispatch!(1 2 3 4 5 6 7 8 9 10 11 12);
        }
        tape(x, slots)
    }

    /// One evaluation over `Dual2<f64, K>`.
    #[inline]
    fn at_static<const K: usize>(&self, x: &[f64], slots: &mut Slots<'_>) -> Result<(), Error> {
        let x: &[f64; K] = x.try_into().expect("chunks of n = K coordinates");
        if self.hessians {
            let d = derivatives_static(|v: &[Dual2<f64, K>]| self.f.eval(v), x)?;
            *slots.value = d.value;
            slots.gradient.copy_from_slice(d.gradient.as_slice());
            slots.hessian.copy_from_slice(d.hessian.as_slice());
        } else {
            // The same one evaluation; only its value and gradient parts are checked
            // and read (a Hessian part that is not finite is no error here).
            check_point(x)?;
            let y = self.f.eval(&Dual2::variables(x));
            if !y.re.is_finite() {
                return Err(Error::NonFiniteValue { value: y.re });
            }
            if let Some(index) = y.grad.iter().position(|g| !g.is_finite()) {
                let value = y.grad[index];
                return Err(Error::NonFiniteGradient { index, value });
            }
            *slots.value = y.re;
            slots.gradient.copy_from_slice(&y.grad);
        }
        Ok(())
    }
}

/// The tape engine of one thread: one point's results into its slots.
trait TapeEngine: for<'s> FnMut(&[f64], &mut Slots<'s>) -> Result<(), Error> {}
impl<T: for<'s> FnMut(&[f64], &mut Slots<'s>) -> Result<(), Error>> TapeEngine for T {}

/// A thread's tape engine: `f` prepared ([`crate::prepare`]) at the thread's first
/// point, then moved to each next point by its program (recorded again only where
/// the function's path changes), so the results are those of a fresh recording
/// ([`crate::derivatives`]) in bits, without running `f` at every point.
fn tape_engine<O: Objective + ?Sized>(f: &O, hessians: bool) -> impl TapeEngine + '_ {
    let mut prepared = None;
    move |x: &[f64], slots: &mut Slots<'_>| {
        let prepared = match &mut prepared {
            Some(p) => p,
            None => prepared.insert(prepare(move |v| f.eval(v), x)?),
        };
        let rec = prepared.at(x)?;
        if hessians {
            slots.hessian.copy_from_slice(rec.hessian()?.as_slice());
        }
        *slots.value = rec.value();
        slots.gradient.copy_from_slice(rec.gradient().as_slice());
        Ok(())
    }
}
