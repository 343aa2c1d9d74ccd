//! What a [`Recorded`] offers of edge pushing: the Hessian's nonzeros in one
//! sweep (`super::edge_push`), that sweep written down as a [`Schedule`]
//! (`super::edge_schedule`), and the values by a schedule at a recording with
//! the same operations.

use super::edge_push::{self, Limits, SymmetricEntries};
use super::edge_schedule::Schedule;
use super::recording::Recorded;
use super::sweep::seeded;
use super::var::Var;
use super::{huge_pages, pool};
use crate::error::Error;
use crate::scalar::{Base, Scalar};

impl<T: Base> Recorded<T> {
    /// Records `f` at `x` (the gradient checked, as [`Recorded::new`]) with the
    /// Hessian's nonzeros (as [`Recorded::hessian_entries`], within the limits
    /// `limits` gives for the recording; `None` past them), the first-order
    /// adjoints swept in edge pushing's own pass (`edge_push::hessian_entries_fused`):
    /// one reverse pass over the tape instead of two, and the same bits.
    pub(crate) fn new_with_entries<F>(
        f: F,
        x: &[T],
        limits: impl FnOnce(&Self) -> Limits,
    ) -> Result<(Self, Option<SymmetricEntries<T>>), Error>
    where
        F: Fn(&[Var<T>]) -> Var<T>,
    {
        let mut rec = Self::unswept(f, x, pool::take_boxed(), false)?;
        let limits = limits(&rec);
        let (n, output, scale) = (rec.inputs(), rec.output, rec.scale);
        let b = rec.buf_mut();
        huge_pages::room(&mut b.adjoints, output + 1);
        let seeds = [(output as u32, scale)];
        let fused = seeded(&b.stream, output, &seeds, &mut b.adjoints).map(|_| {
            let tape = edge_push::Tape {
                stream: &b.stream,
                terms: &b.terms,
                n,
                outputs: &[output],
                adj: &[],
            };
            edge_push::hessian_entries_fused(tape, &mut b.adjoints, limits)
        });
        let swept = |adj: &[T]| adj.get(1..=n).unwrap_or(&[]).iter().all(Scalar::is_finite);
        match fused {
            // The plain sweep's adjoints where its fast pass is final (finite
            // inputs' adjoints, see `super::sweep::adjoints`); the entries are
            // then the fast edge pushing's.
            Some(Some(h)) if swept(&b.adjoints) => {
                b.adjoints.resize(b.adjoints.len().max(n + 1), T::zero());
                let rec = rec.gradient_checked()?;
                let entries = edge_push::finite_or_careful(h, rec.edge_tape(&[output]), limits);
                Ok((rec, entries))
            }
            // Nothing swept, the sweep given up past the limits (so would a second
            // one: the limits count structure, not values), or the careful
            // adjoints needed: the plain way.
            _ => {
                rec.sweep_adjoints();
                let rec = rec.gradient_checked()?;
                let entries = match fused {
                    Some(None) => None,
                    _ => rec.hessian_entries(limits),
                };
                Ok((rec, entries))
            }
        }
    }

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

    /// The fused pass gives the plain passes' bits: adjoints, entries, errors;
    /// on the careful paths (a dead intermediate's infinite partial, an infinite
    /// curvature), past the limits, and with an input as the output.
    #[test]
    fn fused_adjoints_are_the_plain_sweeps() {
        use crate::scalar::Scalar;
        type F = fn(&[Var]) -> Var;
        let fs: [(F, &[f64]); 6] = [
            (f, &[0.5, 1.5, -0.5]),
            (|x| x[0], &[2.0, 1.0]),
            (|x| x[0].sqrt() * (x[1] - x[2]) + x[1], &[0.0, 1.0, 1.0]),
            (|x| x[0].sqrt() + x[1] * x[0], &[0.0, 1.0]),
            (|x| (x[0] * x[1]).powf(1.5) + x[1], &[0.0, 2.0]),
            (|x| (x[0] / x[1]).exp(), &[1e3, 1e-3]),
        ];
        let bits = |v: &[f64]| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
        for (g, x) in fs {
            for limits in [
                Limits {
                    entries: usize::MAX,
                    work: usize::MAX,
                },
                Limits {
                    entries: usize::MAX,
                    work: 1,
                },
            ] {
                let plain = Recorded::new(g, x).map(|r| {
                    let h = r.hessian_entries(limits);
                    (bits(r.input_adjoints()), r.value(), h)
                });
                let fused = Recorded::new_with_entries(g, x, |_| limits)
                    .map(|(r, h)| (bits(r.input_adjoints()), r.value(), h));
                match (plain, fused) {
                    (Ok((ga, va, ha)), Ok((gb, vb, hb))) => {
                        assert_eq!((ga, va.to_bits()), (gb, vb.to_bits()), "{x:?}");
                        assert_eq!(ha.is_some(), hb.is_some());
                        if let (Some(ha), Some(hb)) = (ha, hb) {
                            assert_eq!((&ha.offsets, &ha.columns), (&hb.offsets, &hb.columns));
                            assert_eq!(bits(&ha.values), bits(&hb.values));
                        }
                    }
                    (Err(a), Err(b)) => assert_eq!(format!("{a:?}"), format!("{b:?}")),
                    (a, b) => panic!("{:?} vs {:?}", a.err(), b.err()),
                }
            }
        }
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
