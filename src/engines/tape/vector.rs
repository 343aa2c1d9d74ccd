//! [`VectorRecording`]: a vector function `g: R^n -> R^m` recorded once at a point,
//! replayed for Jacobian rows (reverse sweeps seeded at an output), Jacobian
//! columns (tangent sweeps read at the outputs), and the Hessian of any weighted
//! sum of its outputs (the Lagrangian `sigma f + sum_k lambda_k g_k`): the
//! outputs' adjoints are seeded with the weights, and the scalar machinery (lane
//! sweeps, sparsity pattern, colorings) runs unchanged on the result.

use super::buffers::{Buffers, Workspace};
use super::deps::jacobian_pattern;
use super::pool;
use super::program::Arg;
use super::recording::Recorded;
use super::sweep::tangent_lanes;
use super::var::Var;
use crate::error::Error;
use crate::scalar::Base;

/// A vector function recorded at a point (crate-internal; the drivers' Jacobians
/// and the NLP plan's Lagrangian are built on it).
#[derive(Debug)]
pub(crate) struct VectorRecording<T: Base + 'static = f64> {
    /// The tape, with the first-order adjoints of the last weighting.
    rec: Recorded<T>,
    /// Each output's node and scale (the output variable is `scale * node`).
    outputs: Vec<(u32, T)>,
    /// Each output's value.
    values: Vec<T>,
    /// The seeds of the last weighting (kept to save an allocation per call).
    seeds: Vec<(u32, T)>,
}

impl<T: Base> VectorRecording<T> {
    /// Records `f` at `x` into buffers from this thread's pool. Errors: those of
    /// the point and the tape ([`Error::EmptyInput`], [`Error::NonFiniteInput`],
    /// [`Error::TapeTooLarge`]) and [`Error::NonFiniteOutput`].
    pub(crate) fn new<F>(f: F, x: &[T]) -> Result<Self, Error>
    where
        F: Fn(&[Var<T>]) -> Vec<Var<T>>,
    {
        Self::new_in(f, x, pool::take_boxed())
    }

    /// [`VectorRecording::new`] into the given buffers (a plan's own).
    fn new_in<F>(f: F, x: &[T], buf: Box<Buffers<T>>) -> Result<Self, Error>
    where
        F: Fn(&[Var<T>]) -> Vec<Var<T>>,
    {
        Self::new_program(f, x, buf, false)
    }

    /// Records `f` at `x` with a program alongside, so that
    /// [`VectorRecording::reevaluate`] can move it to other points.
    pub(crate) fn new_replayable<F>(f: F, x: &[T]) -> Result<Self, Error>
    where
        F: Fn(&[Var<T>]) -> Vec<Var<T>>,
    {
        Self::new_program(f, x, pool::take_boxed(), true)
    }

    /// [`VectorRecording::new_in`], with a program when `program` is set.
    fn new_program<F>(f: F, x: &[T], buf: Box<Buffers<T>>, program: bool) -> Result<Self, Error>
    where
        F: Fn(&[Var<T>]) -> Vec<Var<T>>,
    {
        let run = |inputs: &[Var<T>]| {
            f(inputs)
                .iter()
                .map(|y| (y.output_index(), y.scale(), y.recorded_value(), y.arg()))
                .collect::<Vec<_>>()
        };
        let slots = |read: &Vec<(u32, T, T, Arg<T>)>| read.iter().map(|o| o.3).collect();
        let (buf, n, read, program) = Recorded::tape_in(x, buf, run, program.then_some(slots))?;
        if let Some(index) = read.iter().position(|o| !o.2.is_finite()) {
            pool::give_boxed(buf);
            return Err(Error::NonFiniteOutput {
                index,
                value: read[index].2.value(),
            });
        }
        let last = read.iter().map(|o| o.0 as usize).max().unwrap_or(0);
        let nodes = read.iter().map(|o| o.0).collect();
        let rec = Recorded::from_vector(buf, n, last, nodes, program);
        Ok(VectorRecording {
            rec,
            outputs: read.iter().map(|o| (o.0, o.1)).collect(),
            values: read.iter().map(|o| o.2).collect(),
            seeds: Vec::new(),
        })
    }

    /// Number of inputs.
    pub(crate) fn inputs(&self) -> usize {
        self.rec.inputs()
    }

    /// Number of outputs.
    pub(crate) fn outputs(&self) -> usize {
        self.outputs.len()
    }

    /// Moves the recording to `x` by its program (see [`Recorded::reevaluate`]):
    /// `Ok(false)` when it must be recorded again there. Adjoints wait for the
    /// next [`VectorRecording::weigh`]. Errors: the point's, and
    /// [`Error::NonFiniteOutput`].
    pub(crate) fn reevaluate(&mut self, x: &[T]) -> Result<bool, Error> {
        if !self.rec.reevaluate(x)? {
            return Ok(false);
        }
        for (k, v) in self.values.iter_mut().enumerate() {
            *v = self.rec.program_value(k);
        }
        match self.values.iter().position(|v| !v.is_finite()) {
            Some(index) => Err(Error::NonFiniteOutput {
                index,
                value: self.values[index].value(),
            }),
            None => Ok(true),
        }
    }

    /// The outputs' values at the recorded point.
    pub(crate) fn values(&self) -> &[T] {
        &self.values
    }

    /// The recording, with the first-order adjoints of the last [`weigh`]: its
    /// gradient and Hessian are those of `sum_k w_k g_k` (its value too).
    ///
    /// [`weigh`]: VectorRecording::weigh
    pub(crate) fn recording(&self) -> &Recorded<T> {
        &self.rec
    }

    /// Seeds the outputs' adjoints with `weight(k)` for output `k` (one reverse
    /// sweep): afterwards [`VectorRecording::recording`] is the recording of
    /// `sum_k w_k g_k`, and its input adjoints that sum's gradient.
    pub(crate) fn weigh(&mut self, weight: impl Fn(usize) -> T) {
        self.seeds.clear();
        let mut value = T::zero();
        for (k, (&(node, scale), &v)) in self.outputs.iter().zip(&self.values).enumerate() {
            let w = weight(k);
            if !w.is_zero() {
                self.seeds.push((node, w * scale));
                value += w * v;
            }
        }
        self.rec.reseed(&self.seeds, value);
    }

    /// The gradient of the last weighting's sum (its inputs' adjoints).
    pub(crate) fn weighted_gradient(&self) -> &[T] {
        self.rec.input_adjoints()
    }

    /// Jacobian times `L` directions at once: `seed(i, lanes)` writes input `i`'s
    /// entries, `out(k, lanes)` receives output `k`'s (one forward sweep).
    pub(crate) fn tangents<const L: usize>(
        &self,
        seed: impl FnMut(usize, &mut [T; L]),
        out: impl FnMut(usize, &[T; L]),
    ) {
        let b = self.rec.buffers();
        let mut lanes = b.lanes.borrow_mut();
        tangent_lanes::<T, L>(
            &b.stream,
            &b.terms,
            self.rec.inputs(),
            &self.outputs,
            &mut lanes,
            seed,
            out,
        );
    }

    /// The Jacobian's structural pattern (CSR offsets and sorted columns, one row
    /// per output), or `None` past `max_entries` dependency-set entries.
    pub(crate) fn jacobian_pattern(&self, max_entries: usize) -> Option<(Vec<usize>, Vec<u32>)> {
        let b = self.rec.buffers();
        let outputs: Vec<usize> = self.outputs.iter().map(|&(o, _)| o as usize).collect();
        jacobian_pattern(
            &b.stream.nodes,
            &b.terms.ops,
            self.rec.inputs(),
            &outputs,
            max_entries,
        )
    }
}

impl VectorRecording<f64> {
    /// Records `f` at `x` into `workspace`'s kept buffers.
    pub(crate) fn new_within<F>(f: F, x: &[f64], workspace: &Workspace) -> Result<Self, Error>
    where
        F: Fn(&[Var]) -> Vec<Var>,
    {
        Self::new_in(f, x, workspace.take())
    }

    /// Gives the buffers to `workspace` for the next call.
    pub(crate) fn keep_in(self, workspace: &Workspace) {
        workspace.put(self.rec.into_buffers());
    }
}
