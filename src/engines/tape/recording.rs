//! [`Recorded`]: a function recorded once at a point, and the replay API the
//! drivers build on (lane sweeps, dependency sweeps, structure words). The public
//! face, `Recording`, is the drivers' (src/recording.rs); the buffers and their pool
//! stay here.

use super::active::Frame;
use super::buffers::{Buffers, Workspace};
use super::deps::{hessian_pattern, independent_inputs};
use super::node::{MAX_NODES, Node};
use super::pool;
use super::program::{Arg, Program};
use super::recorder::Tape;
use super::sweep::{adjoints, adjoints_looped};
use super::var::Var;
use crate::error::{Error, check_direction, check_point};
use crate::scalar::{Base, Scalar};
use nalgebra::DVector;

/// A function recorded at a point: the tape, its first-order adjoints, and the
/// buffers of its lane sweeps (taken from and given back to this thread's pool).
#[derive(Debug)]
pub(crate) struct Recorded<T: Scalar + 'static = f64> {
    /// The tape and sweep buffers, boxed: taken from and given back to the pool
    /// without copying (`None` only while being dropped).
    buf: Option<Box<Buffers<T>>>,
    n: usize,
    /// The last node the sweeps visit: the output's, or the largest of a vector
    /// function's outputs.
    pub(super) output: usize,
    value: T,
    /// The output variable is `scale` times its node.
    pub(super) scale: T,
    /// A vector function's output nodes (empty for a scalar function, whose one
    /// output is `output`); see `VectorRecording`.
    pub(super) outputs: Vec<u32>,
    /// The program that re-evaluates the recording at other points, when it was
    /// recorded with one (see `super::reevaluate`).
    pub(super) program: Option<Box<Program<T>>>,
}

/// Up to this many inputs, the input variables live in an array on the stack.
const SMALL_INPUTS: usize = 16;

impl<T: Base> Recorded<T> {
    /// Records `f` at `x`, into buffers from this thread's pool (value checked,
    /// gradient not).
    pub(crate) fn new_unchecked<F>(f: F, x: &[T]) -> Result<Self, Error>
    where
        F: Fn(&[Var<T>]) -> Var<T>,
    {
        Self::new_unchecked_in(f, x, pool::take_boxed())
    }

    /// [`Recorded::new_unchecked`] into the given buffers (given to this thread's
    /// pool on an error).
    fn new_unchecked_in<F>(f: F, x: &[T], buf: Box<Buffers<T>>) -> Result<Self, Error>
    where
        F: Fn(&[Var<T>]) -> Var<T>,
    {
        Self::new_unchecked_program(f, x, buf, false)
    }

    /// [`Recorded::new_unchecked_in`], with a program recorded alongside when
    /// `program` is set.
    pub(super) fn new_unchecked_program<F>(
        f: F,
        x: &[T],
        buf: Box<Buffers<T>>,
        program: bool,
    ) -> Result<Self, Error>
    where
        F: Fn(&[Var<T>]) -> Var<T>,
    {
        let mut rec = Self::unswept(f, x, buf, program)?;
        rec.sweep_adjoints();
        Ok(rec)
    }

    /// The first-order adjoints of the output (seeded with its scale), by the
    /// plain reverse sweep.
    pub(super) fn sweep_adjoints(&mut self) {
        let (n, output, scale) = (self.n, self.output, self.scale);
        let b = self.buf_mut();
        super::huge_pages::room(&mut b.adjoints, output + 1); // (not in the sweep: slower)
        adjoints(
            &b.stream,
            &b.terms,
            n,
            output,
            &[(output as u32, scale)],
            &mut b.adjoints,
        );
        b.adjoints.resize(b.adjoints.len().max(n + 1), T::zero());
    }

    /// [`Recorded::new_unchecked_program`] before its adjoint sweep: the adjoints
    /// are stale, for a caller that sweeps them itself (`super::edges`).
    pub(super) fn unswept<F>(
        f: F,
        x: &[T],
        buf: Box<Buffers<T>>,
        program: bool,
    ) -> Result<Self, Error>
    where
        F: Fn(&[Var<T>]) -> Var<T>,
    {
        let run = |inputs: &[Var<T>]| {
            let y = f(inputs);
            (
                y.output_index() as usize,
                y.recorded_value(),
                y.scale(),
                y.arg(),
            )
        };
        let slots = |read: &(usize, T, T, Arg<T>)| vec![read.3];
        let (buf, n, (output, value, scale, _), program) =
            Self::tape_in(x, buf, run, program.then_some(slots))?;
        // The value's own part only: a non-finite derivative part of a nested value
        // (the gradient along `v` in `hvp`) is a gradient error, found below.
        if !value.value().is_finite() {
            pool::give_boxed(buf);
            return Err(Error::NonFiniteValue {
                value: value.value(),
            });
        }
        Ok(Recorded {
            buf: Some(buf),
            n,
            output,
            value,
            scale,
            outputs: Vec::new(),
            program,
        })
    }

    /// Runs `run` on the inputs of a fresh tape at `x`, recording into `buf`:
    /// the buffers holding the tape, the number of inputs, what `run` read off
    /// its outputs (plain data: variables cannot leave the recording) and, when
    /// `slots` is given (it reads the outputs' program slots from that), the
    /// program recorded alongside. Checks the point and the tape's size (buffers
    /// given to this thread's pool on an error).
    #[allow(clippy::type_complexity)]
    pub(super) fn tape_in<R>(
        x: &[T],
        mut buf: Box<Buffers<T>>,
        run: impl FnOnce(&[Var<T>]) -> R,
        slots: Option<impl FnOnce(&R) -> Vec<Arg<T>>>,
    ) -> Result<(Box<Buffers<T>>, usize, R, Option<Box<Program<T>>>), Error> {
        let n = match check_point(x) {
            Ok(n) => n,
            Err(e) => {
                pool::give_boxed(buf);
                return Err(e);
            }
        };
        let too_large = Error::TapeTooLarge { limit: MAX_NODES };
        let parts = (
            std::mem::take(&mut buf.stream),
            std::mem::take(&mut buf.terms),
            std::mem::take(&mut buf.scratch),
        );
        let give_back = |mut buf: Box<Buffers<T>>, (stream, terms, scratch)| {
            (buf.stream, buf.terms, buf.scratch) = (stream, terms, scratch);
            pool::give_boxed(buf);
        };
        let tape = match Tape::with_inputs(n, parts) {
            Ok(tape) if slots.is_some() => tape.with_program(x),
            Ok(tape) => tape,
            Err(parts) => {
                give_back(buf, parts);
                return Err(too_large);
            }
        };
        let mut frame = Frame::new(tape.id(), &tape);
        let (read, foreign) = frame.active(|| {
            // Small inputs on the stack, larger in this thread's kept buffer.
            let input = |(i, &xi): (usize, &T)| Var::input(&tape, i, xi);
            if n <= SMALL_INPUTS {
                let mut small = [Var::from_f64(0.0); SMALL_INPUTS];
                small
                    .iter_mut()
                    .zip(x.iter().enumerate().map(input))
                    .for_each(|(s, v)| *s = v);
                return run(&small[..n]);
            }
            let mut large: Vec<Var<T>> = pool::take();
            large.clear();
            large.extend(x.iter().enumerate().map(input));
            let out = run(&large);
            pool::give(large);
            out
        });
        if foreign {
            let parts = tape.into_parts().unwrap_or_else(|parts| parts);
            give_back(buf, parts);
            return Err(Error::ForeignVariable);
        }
        let mut tape = tape;
        let program = slots.and_then(|slots| tape.take_program(slots(&read)).map(Box::new));
        let parts = match tape.into_parts() {
            Ok(parts) => parts,
            Err(parts) => {
                give_back(buf, parts);
                return Err(too_large);
            }
        };
        (buf.stream, buf.terms, buf.scratch) = parts;
        Ok((buf, n, read, program))
    }

    /// A recording of a vector function from [`Recorded::tape_in`]'s buffers,
    /// its last output node `last` and its outputs' nodes; adjoints all zero until
    /// seeded (see `VectorRecording::weigh`).
    pub(super) fn from_vector(
        mut buf: Box<Buffers<T>>,
        n: usize,
        last: usize,
        outputs: Vec<u32>,
        program: Option<Box<Program<T>>>,
    ) -> Self {
        // The inputs' adjoints only (zero): the weighting sweeps size the rest.
        buf.adjoints.clear();
        buf.adjoints.resize(n + 1, T::zero());
        Recorded {
            buf: Some(buf),
            n,
            output: last,
            value: T::zero(),
            scale: T::one(),
            outputs,
            program,
        }
    }

    /// Re-seeds the first-order adjoints with `seeds` (node, weight) pairs and sets
    /// the value the recording reports (for a vector function: the weighted sum).
    pub(super) fn reseed(&mut self, seeds: &[(u32, T)], value: T) {
        let (n, output) = (self.n, self.output);
        let b = self
            .buf
            .as_deref_mut()
            .expect("a recording's buffers are only taken by drop");
        // With a program (a prepared function moved to new points), the sweep
        // rolls the tape's loops: the same bits.
        match self.program.as_deref_mut() {
            Some(p) => {
                let (loops, aside) = p.node_loops(&b.stream, n);
                adjoints_looped(
                    &b.stream,
                    &b.terms,
                    n,
                    output,
                    seeds,
                    &mut b.adjoints,
                    loops,
                    aside,
                );
            }
            None => adjoints(&b.stream, &b.terms, n, output, seeds, &mut b.adjoints),
        }
        b.adjoints.resize(b.adjoints.len().max(n + 1), T::zero());
        self.value = value;
    }

    /// The tape's buffers, for the sibling modules' sweeps.
    pub(super) fn buffers(&self) -> &Buffers<T> {
        self.buf()
    }

    /// Records `f` at `x` and checks that the gradient is finite.
    pub(crate) fn new<F>(f: F, x: &[T]) -> Result<Self, Error>
    where
        F: Fn(&[Var<T>]) -> Var<T>,
    {
        Self::new_in(f, x, pool::take_boxed())
    }

    /// [`Recorded::new`] into the given buffers (a warm caller's own, see
    /// [`Recorded::into_buffers`]).
    pub(crate) fn new_in<F>(f: F, x: &[T], buf: Box<Buffers<T>>) -> Result<Self, Error>
    where
        F: Fn(&[Var<T>]) -> Var<T>,
    {
        Self::new_unchecked_in(f, x, buf)?.gradient_checked()
    }

    /// The recording, or [`Error::NonFiniteGradient`] at its first non-finite
    /// gradient entry.
    pub(super) fn gradient_checked(self) -> Result<Self, Error> {
        let rec = self;
        let adj = &rec.buf().adjoints;
        if let Some(i) = (0..rec.n).find(|&i| !adj[i + 1].is_finite()) {
            return Err(Error::NonFiniteGradient {
                index: i,
                value: adj[i + 1].value(),
            });
        }
        Ok(rec)
    }

    /// The recording's buffers, whole (not trimmed to the pool's cap): for a caller
    /// that records again and again at one size and keeps them between calls.
    pub(crate) fn into_buffers(mut self) -> Box<Buffers<T>> {
        self.buf
            .take()
            .expect("a recording's buffers are only taken by drop")
    }

    /// The buffers (present until the recording is dropped).
    #[inline]
    pub(super) fn buf(&self) -> &Buffers<T> {
        self.buf
            .as_deref()
            .expect("a recording's buffers are only taken by drop")
    }

    /// The buffers, mutably.
    pub(super) fn buf_mut(&mut self) -> &mut Buffers<T> {
        self.buf
            .as_deref_mut()
            .expect("a recording's buffers are only taken by drop")
    }

    /// Sets the value the recording reports.
    pub(super) fn set_value(&mut self, value: T) {
        self.value = value;
    }

    /// The adjoints of the inputs (the gradient), unchecked.
    pub(crate) fn input_adjoints(&self) -> &[T] {
        &self.buf().adjoints[1..=self.n]
    }

    /// Number of inputs.
    pub(crate) fn inputs(&self) -> usize {
        self.n
    }

    /// Number of recorded operations (inputs and the constant slot excluded).
    pub(crate) fn operations(&self) -> usize {
        self.buf().stream.nodes.len() - self.n - 1
    }

    /// Bytes the recorded operations take: 8 per node, the partials their kinds
    /// store, and the n-ary nodes' operands and coefficients (the inputs, the
    /// constant slot and the sweeps' buffers excluded).
    pub(crate) fn tape_bytes(&self) -> usize {
        let b = self.buf();
        let node = std::mem::size_of::<Node>();
        let t = std::mem::size_of::<T>();
        self.operations() * node
            + b.stream.partials.len() * t
            + b.terms.ops.len() * std::mem::size_of::<u32>()
            + b.terms.coefs.len() * t
    }

    /// The function value at the recorded point.
    pub(crate) fn value(&self) -> T {
        self.value
    }

    /// The gradient at the recorded point (computed at recording, one reverse sweep).
    pub(crate) fn gradient(&self) -> DVector<T> {
        DVector::from_iterator(self.n, self.buf().adjoints[1..=self.n].iter().copied())
    }

    /// Inputs the output does not depend on at all (structurally, from the tape).
    pub(crate) fn independent_inputs(&self) -> Vec<usize> {
        independent_inputs(
            &self.buf().stream.nodes,
            &self.buf().terms.ops,
            self.n,
            self.output,
        )
    }

    /// The Hessian-vector product `H v` (one tangent sweep and one reverse sweep).
    pub(crate) fn hvp(&self, v: &[T]) -> Result<DVector<T>, Error> {
        check_direction(v, self.n)?;
        let mut out = DVector::from_element(self.n, T::zero());
        self.sweep::<1>(|i, s| s[0] = v[i], |i, r| out[i] = r[0]);
        if let Some(i) = out.iter().position(|h| !h.is_finite()) {
            return Err(Error::NonFiniteHessian {
                row: i,
                col: 0,
                value: out[i].value(),
            });
        }
        Ok(out)
    }

    /// The Hessian's structural sparsity pattern as sorted rows (CSR offsets and
    /// columns, both triangles), or `None` when finding it would cost more than
    /// `max_entries` set entries or `max_pairs` coupled pairs (see
    /// [`hessian_pattern`]).
    pub(crate) fn pattern_rows(
        &self,
        max_entries: usize,
        max_pairs: usize,
    ) -> Option<(Vec<usize>, Vec<u32>)> {
        let outputs = self.output_nodes();
        hessian_pattern(
            &self.buf().stream.nodes,
            &self.buf().terms.ops,
            self.n,
            &outputs,
            max_entries,
            max_pairs,
        )
    }

    /// The output nodes: the one output of a scalar function, or a vector
    /// function's outputs.
    pub(super) fn output_nodes(&self) -> Vec<usize> {
        if self.outputs.is_empty() {
            vec![self.output]
        } else {
            self.outputs.iter().map(|&o| o as usize).collect()
        }
    }
}

impl<T: Scalar + 'static> Drop for Recorded<T> {
    /// Gives the buffers back to this thread's pool.
    fn drop(&mut self) {
        if let Some(mut buf) = self.buf.take() {
            buf.trim();
            pool::give_boxed(buf);
        }
    }
}

impl Workspace {
    /// Records `f` at `x` into the kept buffers (gradient checked).
    pub(crate) fn record<F>(&self, f: F, x: &[f64]) -> Result<Recorded<f64>, Error>
    where
        F: Fn(&[Var]) -> Var,
    {
        Recorded::new_in(f, x, self.take())
    }

    /// Keeps `rec`'s buffers for the next call.
    pub(crate) fn keep(&self, rec: Recorded<f64>) {
        self.put(rec.into_buffers());
    }
}
