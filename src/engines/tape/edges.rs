//! What a [`Recorded`] offers of edge pushing: the Hessian's nonzeros in one
//! sweep (`super::edge_push`), that sweep written down as a [`Schedule`]
//! (`super::edge_schedule`), and the values by a schedule at a recording with
//! the same operations.

use super::edge_push::{self, Limits, SymmetricEntries};
use super::edge_schedule::Schedule;
use super::recording::Recorded;
use crate::scalar::Base;

impl<T: Base> Recorded<T> {
    /// The Hessian's structural nonzeros and their values (full symmetric rows), in
    /// one reverse sweep that pushes second-order adjoints along the tape (see
    /// `super::edge_push`); `None` when that would spend more than `limits`.
    pub(crate) fn hessian_entries(&self, limits: Limits) -> Option<SymmetricEntries<T>> {
        let outputs = self.output_nodes();
        edge_push::hessian_entries(self.edge_tape(&outputs), limits)
    }

    /// The edge-pushing sweep of [`Recorded::hessian_entries`] written down as a
    /// [`Schedule`], for recordings with the same operations; `None` past `limits`.
    pub(crate) fn hessian_schedule(&self, limits: Limits) -> Option<Schedule<T>> {
        let outputs = self.output_nodes();
        Schedule::new(self.edge_tape(&outputs), limits)
    }

    /// The values of [`Recorded::hessian_entries`] by `schedule`, written from a
    /// recording with this one's operations (the caller checks
    /// `Recorded::has_structure`): the same bits. `None` past `limits`.
    pub(crate) fn hessian_by(&self, schedule: &Schedule<T>, limits: Limits) -> Option<Vec<T>> {
        let outputs = self.output_nodes();
        schedule.evaluate(self.edge_tape(&outputs), limits)
    }

    /// [`Recorded::hessian_by`] into `out` (of the pattern's length).
    pub(crate) fn hessian_by_into(
        &self,
        schedule: &Schedule<T>,
        limits: Limits,
        out: &mut [T],
    ) -> Option<()> {
        let outputs = self.output_nodes();
        schedule.evaluate_into(self.edge_tape(&outputs), limits, out)
    }

    /// What edge pushing reads of this recording, with its `outputs`.
    fn edge_tape<'a>(&'a self, outputs: &'a [usize]) -> edge_push::Tape<'a, T> {
        let b = self.buf();
        edge_push::Tape {
            stream: &b.stream,
            terms: &b.terms,
            n: self.inputs(),
            outputs,
            adj: &b.adjoints,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::edge_push::Limits;
    use super::super::recording::Recorded;
    use super::super::var::Var;

    fn f(x: &[Var]) -> Var {
        use crate::scalar::Scalar;
        (x[0] * x[1]).sin() + x[2].exp() * x[0]
    }

    /// Past either limit the sweep and the schedule give up (the drivers then
    /// take pattern and coloring); within them both find the same entries.
    #[test]
    fn limits_are_kept_and_schedule_matches_the_sweep() {
        let rec = Recorded::new(f, &[0.5, 1.5, -0.5]).unwrap();
        let none = Limits {
            entries: usize::MAX,
            work: 2,
        };
        assert!(rec.hessian_entries(none).is_none());
        assert!(rec.hessian_schedule(none).is_none());
        let few = Limits {
            entries: 2,
            work: usize::MAX,
        };
        assert!(rec.hessian_entries(few).is_none());
        let all = Limits {
            entries: usize::MAX,
            work: usize::MAX,
        };
        let h = rec.hessian_entries(all).unwrap();
        // Rows: 0 couples with 0, 1, 2; 1 with 0, 1; 2 with 0, 2.
        assert_eq!(h.offsets, [0, 3, 5, 7]);
        assert_eq!(h.columns, [0, 1, 2, 0, 1, 0, 2]);
        let s = rec.hessian_schedule(all).unwrap();
        assert_eq!(s.pattern(), (&h.offsets[..], &h.columns[..]));
        let by = rec.hessian_by(&s, all).unwrap();
        let bits = |v: &[f64]| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
        assert_eq!(bits(&by), bits(&h.values));
    }
}
