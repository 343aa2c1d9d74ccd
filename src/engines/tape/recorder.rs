//! [`Tape`]: the recorder a [`Var`](super::var::Var) writes to: a growing list of
//! nodes and their partials, the n-ary nodes' side arrays, and the scratch stack of
//! the sums being recorded.

use super::huge_pages;
use super::node::{MAX_NODES, MAX_TERMS, Node, Stream, Terms};
use super::program::{Arg, Builder, Program};
use crate::scalar::Scalar;
use std::cell::{Cell, RefCell, RefMut};

/// The recording: a growing list of nodes. Node 0 is the constant slot; nodes
/// `1..=n` are the inputs.
///
/// A tape is only ever reached through [`crate::record`] (or the drivers built on
/// it), which hands the user function fresh [`Var`]s carrying its id (and keeps
/// it on this thread's stack of active recordings while the function runs, see
/// `active`); what comes back is a [`crate::Recording`] that owns the recorded
/// operations.
#[derive(Debug)]
pub(crate) struct Tape<T = f64> {
    /// This recording's id, unique in the process (its variables carry it).
    id: u64,
    /// The nodes and their partials.
    stream: RefCell<Stream<T>>,
    /// The n-ary nodes' operands and coefficients.
    terms: RefCell<Terms<T>>,
    /// Operands of the sums being recorded (a stack: a sum whose items record
    /// sums of their own pushes above, and pops back to, its own part).
    pub(super) scratch: RefCell<Vec<(u32, T)>>,
    /// Set when a node could not be recorded (index space or memory exhausted):
    /// from then on nothing is recorded, and the recording returns
    /// [`crate::error::Error::TapeTooLarge`].
    full: Cell<bool>,
    /// The program recorded alongside, when asked for (see [`super::program`]).
    program: Option<RefCell<Builder<T>>>,
}

#[cfg(test)]
thread_local! {
    /// Test-only knob: a lower node limit, so that running out of tape is testable.
    pub(crate) static TEST_NODE_LIMIT: Cell<usize> = const { Cell::new(MAX_NODES) };
}

/// The most nodes a tape may hold (lowered in unit tests).
#[inline]
fn node_limit() -> usize {
    #[cfg(test)]
    {
        TEST_NODE_LIMIT.with(Cell::get)
    }
    #[cfg(not(test))]
    {
        MAX_NODES
    }
}

impl<T: Scalar> Tape<T> {
    /// An empty tape with its constant slot and `n` input nodes, or `None` when
    /// they do not fit.
    pub(crate) fn with_inputs(
        n: usize,
        (mut stream, mut terms, mut scratch): TapeBuffers<T>,
    ) -> Result<Self, TapeBuffers<T>> {
        stream.nodes.clear();
        stream.partials.clear();
        terms.ops.clear();
        terms.coefs.clear();
        scratch.clear();
        if n >= node_limit() || !huge_pages::try_reserve_exact(&mut stream.nodes, n + 1) {
            return Err((stream, terms, scratch));
        }
        stream.nodes.resize(n + 1, Node::LEAF);
        Ok(Tape {
            id: super::active::fresh_id(),
            stream: RefCell::new(stream),
            terms: RefCell::new(terms),
            scratch: RefCell::new(scratch),
            full: Cell::new(false),
            program: None,
        })
    }

    /// This recording's id (what its variables carry).
    #[inline(always)]
    pub(crate) fn id(&self) -> u64 {
        self.id
    }

    /// Records a [`Program`] alongside from now on (the inputs at `x`).
    pub(crate) fn with_program(mut self, x: &[T]) -> Self {
        self.program = Some(RefCell::new(Builder::new(x)));
        self
    }

    /// The program builder, when this tape records a program.
    #[inline(always)]
    pub(super) fn program(&self) -> Option<RefMut<'_, Builder<T>>> {
        self.program.as_ref().map(RefCell::borrow_mut)
    }

    /// Takes the recorded program (its outputs' slots set), if any.
    pub(crate) fn take_program(&mut self, outputs: Vec<Arg<T>>) -> Option<Program<T>> {
        self.program.take().map(|b| b.into_inner().finish(outputs))
    }

    /// The recorded nodes and terms (and the scratch buffer), `Err` when the tape
    /// ran out of room.
    pub(crate) fn into_parts(self) -> Result<TapeBuffers<T>, TapeBuffers<T>> {
        let parts = (
            self.stream.into_inner(),
            self.terms.into_inner(),
            self.scratch.into_inner(),
        );
        if self.full.get() {
            Err(parts)
        } else {
            Ok(parts)
        }
    }

    /// Pushes a sum's operand (node and scale) on the scratch stack; returns its
    /// position.
    #[inline(always)]
    pub(super) fn scratch_push(&self, index: u32, scale: T) -> usize {
        let mut scratch = self.scratch.borrow_mut();
        scratch.push((index, scale));
        scratch.len() - 1
    }

    /// Records an n-ary linear node `sum_j c_j x_j` over the operand indices `ops`
    /// and their coefficients `coefs` (as many, at least one); returns its index
    /// (the constant slot when the tape is full, as [`Tape::push`]). Slice-based
    /// iterators extend the side arrays without a check per term.
    pub(super) fn push_nary(
        &self,
        ops: impl Iterator<Item = u32>,
        coefs: impl Iterator<Item = T>,
    ) -> u32 {
        if self.full.get() {
            return 0;
        }
        let start = {
            let mut side = self.terms.borrow_mut();
            let side = &mut *side;
            let start = side.ops.len();
            let (lo, _) = ops.size_hint();
            if !huge_pages::try_reserve(&mut side.ops, lo + 1)
                || !huge_pages::try_reserve(&mut side.coefs, lo + 1)
            {
                self.full.set(true);
                return 0;
            }
            side.ops.push(0);
            side.coefs.push(T::zero());
            side.ops.extend(ops);
            side.coefs.extend(coefs);
            debug_assert_eq!(side.ops.len(), side.coefs.len());
            if side.ops.len() > MAX_TERMS {
                self.full.set(true);
                return 0;
            }
            side.ops[start] = (side.ops.len() - start - 1) as u32;
            start
        };
        self.push(Node::nary(start as u32), [])
    }

    /// Appends a node and its `W` partials; returns its index. When the index
    /// space or memory runs out, marks the tape full and returns the constant slot
    /// (what is computed after that is thrown away: the recording reports the
    /// overflow).
    #[inline(always)]
    pub(super) fn push<const W: usize>(&self, node: Node, partials: [T; W]) -> u32 {
        let mut stream = self.stream.borrow_mut();
        let s = &mut *stream;
        let k = s.nodes.len();
        let room = k < s.nodes.capacity() && s.partials.capacity() - s.partials.len() >= W;
        if (!room || k >= node_limit()) && !self.grow(s, W) {
            return 0;
        }
        s.nodes.push(node);
        s.partials.extend_from_slice(&partials);
        k as u32
    }

    /// Makes room for one more node and `width` partials by fallible doubling;
    /// `false` (and the tape marked full) when the limit or the memory is reached.
    #[cold]
    fn grow(&self, s: &mut Stream<T>, width: usize) -> bool {
        let k = s.nodes.len();
        let limit = node_limit();
        /// Room for `need` more in `v`: double (at most by `cap`), or just `need`.
        fn grow<V>(v: &mut Vec<V>, need: usize, cap: usize) -> bool {
            v.len() + need <= v.capacity() || {
                let want = v.len().max(64).min(cap);
                huge_pages::try_reserve_exact(v, want.max(need))
                    || huge_pages::try_reserve_exact(v, need)
            }
        }
        let room = k < limit
            && !self.full.get()
            && grow(&mut s.nodes, 1, limit - k)
            && grow(&mut s.partials, width, usize::MAX);
        if !room {
            self.full.set(true);
        }
        room
    }
}

/// What a tape records into: nodes, the n-ary terms, and the sums' scratch stack.
pub(crate) type TapeBuffers<T> = (Stream<T>, Terms<T>, Vec<(u32, T)>);

#[cfg(test)]
mod tests {
    use super::TEST_NODE_LIMIT;
    use crate::error::Error;

    #[test]
    fn running_out_of_tape_is_a_typed_error() {
        TEST_NODE_LIMIT.with(|l| l.set(1000));
        let long = crate::tape::Recorded::new(
            |x| {
                let mut y = x[0];
                for _ in 0..2000 {
                    y *= x[1];
                }
                y
            },
            &[1.0, 1.0],
        );
        let inputs = crate::tape::Recorded::new(|x| x[0], &vec![1.0; 1000]);
        let short = crate::tape::Recorded::new(|x| x[0] * x[1], &[1.0, 2.0]);
        TEST_NODE_LIMIT.with(|l| l.set(super::MAX_NODES));
        assert!(matches!(long.unwrap_err(), Error::TapeTooLarge { .. }));
        assert!(matches!(inputs.unwrap_err(), Error::TapeTooLarge { .. }));
        assert_eq!(short.unwrap().value(), 2.0);
    }
}
