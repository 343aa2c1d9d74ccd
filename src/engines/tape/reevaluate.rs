//! Recordings that can be re-evaluated at other points: recorded with a
//! [`Program`](super::program::Program) alongside, then moved to a new point by
//! evaluating it (values and partials recomputed in place, the first-order
//! adjoints swept again), without running the function.

use super::pool;
use super::recording::Recorded;
use super::var::Var;
use crate::error::{Error, check_point};
use crate::scalar::Base;

impl<T: Base> Recorded<T> {
    /// Records `f` at `x` with a program alongside (gradient checked, as
    /// [`Recorded::new`]).
    pub(crate) fn new_replayable<F>(f: F, x: &[T]) -> Result<Self, Error>
    where
        F: Fn(&[Var<T>]) -> Var<T>,
    {
        Self::new_unchecked_program(f, x, pool::take_boxed(), true)?.gradient_checked()
    }

    /// Whether [`Recorded::reevaluate`] can move this recording: it was recorded
    /// with a program, and the function read no value out.
    pub(crate) fn is_replayable(&self) -> bool {
        self.program.as_ref().is_some_and(|p| p.is_replayable())
    }

    /// Bytes the program takes (0 without one).
    pub(crate) fn program_bytes(&self) -> usize {
        self.program.as_ref().map_or(0, |p| p.bytes())
    }

    /// Moves the recording to `x` by evaluating its program: `Ok(true)` when it
    /// now is the recording the function would make at `x` (bit for bit);
    /// `Ok(false)` when it cannot say (no program, or a guard flipped: the
    /// function takes another path at `x`), and the recording must then be made
    /// again. Errors: the point's ([`Error::EmptyInput`], [`Error::NonFiniteInput`],
    /// [`Error::LengthMismatch`]) and, for a scalar function, a non-finite value or
    /// gradient at `x` ([`Error::NonFiniteValue`], [`Error::NonFiniteGradient`]).
    pub(crate) fn reevaluate(&mut self, x: &[T]) -> Result<bool, Error> {
        let Some(value) = self.move_to(x)? else {
            return Ok(false);
        };
        if !self.outputs.is_empty() {
            // A vector function's adjoints wait for their weights.
            let (n, b) = (self.inputs(), self.buf_mut());
            b.adjoints.clear();
            b.adjoints.resize(n + 1, T::zero());
            return Ok(true);
        }
        self.settle(value)?;
        Ok(true)
    }

    /// The first half of [`Recorded::reevaluate`]: the point checked and the
    /// program evaluated there (values and partials moved, adjoints not yet);
    /// its first output's value, or `None` when the recording cannot be moved.
    pub(super) fn move_to(&mut self, x: &[T]) -> Result<Option<T>, Error> {
        let n = check_point(x)?;
        if n != self.inputs() {
            return Err(Error::LengthMismatch {
                what: "point",
                expected: self.inputs(),
                found: n,
            });
        }
        if !self.is_replayable() {
            return Ok(None);
        }
        let mut program = self.program.take().expect("checked above");
        let moved = program.evaluate(x, &mut self.buf_mut().stream.partials);
        let value = program.output(0);
        self.program = Some(program);
        Ok(moved.is_ok().then_some(value))
    }

    /// The second half for a scalar function: the first-order adjoints swept at
    /// the moved recording, then [`Recorded::finish`].
    pub(super) fn settle(&mut self, value: T) -> Result<(), Error> {
        let seed = [(self.output as u32, self.scale)];
        self.reseed(&seed, value);
        self.finish(value)
    }

    /// With the adjoints swept: the value set, and [`Error::NonFiniteValue`] or
    /// [`Error::NonFiniteGradient`] when they are not finite.
    pub(super) fn finish(&mut self, value: T) -> Result<(), Error> {
        if !value.value().is_finite() {
            return Err(Error::NonFiniteValue {
                value: value.value(),
            });
        }
        self.set_value(value);
        if let Some(i) = (0..self.inputs()).find(|&i| !self.input_adjoints()[i].is_finite()) {
            return Err(Error::NonFiniteGradient {
                index: i,
                value: self.input_adjoints()[i].value(),
            });
        }
        Ok(())
    }

    /// The program's value of output `k` at its last evaluation.
    pub(crate) fn program_value(&self, k: usize) -> T {
        self.program.as_ref().map_or_else(T::zero, |p| p.output(k))
    }
}
