//! The dense Hessian driver: `Recording::hessian` from `ceil(n / L)` sweeps of
//! `L` unit directions, or, when the automatic rule finds the Hessian sparse enough,
//! from a few compressed sweeps ([`crate::sparse`]); exactly symmetric either way.
//!
//! The automatic rule ([`Sparsity::Auto`]) and its per-thread memo live here: they
//! serve this driver's choice and nothing else.

use crate::error::Error;
use crate::options::{Options, Sparsity};
use crate::scalar::{Base, Scalar};
use crate::sparse::{Budget, Structure};
use crate::tape::{Recorded, recording_active, with_lanes};
use nalgebra::DMatrix;
use std::cell::RefCell;
use std::rc::Rc;

/// The dense Hessian of `rec`, exactly symmetric (one triangle is computed or
/// recovered and mirrored, bit for bit), by the rule `options.sparsity` names
/// (`Recording::hessian_with` checks `strict` first).
pub(crate) fn hessian<T: Base>(rec: &Recorded<T>, options: &Options) -> Result<DMatrix<T>, Error> {
    let n = rec.inputs();
    let compressed = match options.sparsity {
        Sparsity::Dense => None,
        Sparsity::Auto => auto_decision(rec),
        Sparsity::Compressed => Structure::find(rec, Budget::sparse(rec)).map(Rc::new),
    };
    let mut h = zeros(n)?;
    match compressed {
        Some(structure) => {
            let values = structure.values(&structure.products(rec, options));
            if let Some(err) = structure.first_non_finite(&values) {
                return Err(err);
            }
            structure.fill_dense(&values, &mut h);
        }
        None => {
            let width = dense_width::<T>(options, n, rec.operations());
            // Inside a recording (a nested driver) the sweeps' arithmetic may record
            // on this thread's active tapes: no threads then.
            let threads = cfg!(feature = "parallel")
                && options.parallel
                && n >= Options::PARALLEL_MIN_INPUTS
                && !recording_active();
            with_lanes!(width, L => if threads {
                dense_blocks_parallel::<T, L>(rec, &mut h)
            } else {
                dense_blocks::<T, L>(rec, &mut h)
            });
            // The first entry of the upper triangle, column by column, that is
            // not finite (the order every engine reports in).
            for (j, column) in h.as_slice().chunks_exact(n.max(1)).enumerate() {
                if let Some(i) = column[..=j].iter().position(|v| !v.is_finite()) {
                    return Err(Error::NonFiniteHessian {
                        row: i,
                        col: j,
                        value: column[i].value(),
                    });
                }
            }
            mirror_upper(&mut h);
        }
    }
    Ok(h)
}

/// The most bytes the dense sweeps' two lane buffers (tangents and second-order
/// adjoints, `L` numbers per node each) may take for [`dense_width`] to widen them.
const WIDE_BYTES: usize = 32 << 20;

/// The dense sweeps' lane width: [`Options::lane_width_for`]; but with no width
/// asked for ([`Options::lanes`] `None`), 16 lanes when at least 16 columns are
/// needed and the lane buffers of a tape of `operations` nodes stay within
/// [`WIDE_BYTES`]: one block of 16 directions reads the tape (operands, partials,
/// n-ary items) once where two blocks of 8 read it twice, and the lanes' results
/// are the same bits at any width. Measured at n = 128: log-sum-exp 10-25 % faster,
/// written as loops (`acc = acc + x[j] * a[j]`) 5 %; no change on Rosenbrock and
/// the chain function (their Hessians are compressed, not dense).
fn dense_width<T>(options: &Options, n: usize, operations: usize) -> usize {
    const WIDE: usize = 16;
    let per_node = 2 * WIDE * std::mem::size_of::<T>();
    let fits = operations.saturating_add(n + 1).saturating_mul(per_node) <= WIDE_BYTES;
    if options.lanes.is_none() && n >= WIDE && fits {
        WIDE
    } else {
        options.lane_width_for(n)
    }
}

/// An `n x n` zero matrix, or [`Error::OutOfMemory`] instead of an abort.
pub(crate) fn zeros<T: Base>(n: usize) -> Result<DMatrix<T>, Error> {
    let entries = n.checked_mul(n);
    let bytes = entries.and_then(|e| e.checked_mul(std::mem::size_of::<T>()));
    let mut data = Vec::new();
    match (entries, bytes) {
        (Some(e), Some(_)) if data.try_reserve_exact(e).is_ok() => {
            data.resize(e, T::zero());
            Ok(DMatrix::from_vec(n, n, data))
        }
        _ => Err(Error::OutOfMemory {
            bytes: bytes.unwrap_or(usize::MAX),
        }),
    }
}

/// Fills `h` column block by column block, `L` unit directions per sweep.
fn dense_blocks<T: Base, const L: usize>(rec: &Recorded<T>, h: &mut DMatrix<T>) {
    let n = rec.inputs();
    for j0 in (0..n).step_by(L) {
        rec.sweep::<L>(
            |i, s| unit_lanes(i, j0, s),
            |i, r| {
                for (l, &v) in r.iter().enumerate().take(n - j0) {
                    h[(i, j0 + l)] = v;
                }
            },
        );
    }
}

/// Lane `l` of input `i` is 1 when `i = j0 + l`: the unit directions of columns
/// `j0..j0 + L`.
#[inline]
pub(crate) fn unit_lanes<T: Scalar, const L: usize>(i: usize, j0: usize, s: &mut [T; L]) {
    *s = [T::zero(); L];
    if (j0..j0 + L).contains(&i) {
        s[i - j0] = T::one();
    }
}

/// [`dense_blocks`] with the blocks spread over rayon's threads, each with its own
/// sweep buffers (the tape and first-order adjoints are shared).
#[cfg(feature = "parallel")]
fn dense_blocks_parallel<T: Base, const L: usize>(rec: &Recorded<T>, h: &mut DMatrix<T>) {
    use rayon::prelude::*;
    let (n, replay) = (rec.inputs(), rec.replay());
    // Column-major storage: the columns of block b are one contiguous chunk, so
    // every job writes straight into its own part of the result.
    h.as_mut_slice()
        .par_chunks_mut(n * L)
        .enumerate()
        .for_each(|(b, chunk)| {
            let j0 = b * L;
            let width = chunk.len() / n;
            // Each worker thread keeps its sweep buffers in its own (bounded) pool.
            replay.sweep_pooled::<L>(
                |i, s| unit_lanes(i, j0, s),
                |i, r| {
                    for (l, &v) in r.iter().enumerate().take(width) {
                        chunk[l * n + i] = v;
                    }
                },
            );
        });
}

/// Without the `parallel` feature: the serial sweeps.
#[cfg(not(feature = "parallel"))]
fn dense_blocks_parallel<T: Base, const L: usize>(rec: &Recorded<T>, h: &mut DMatrix<T>) {
    dense_blocks::<T, L>(rec, h)
}

/// Copies the upper triangle onto the lower one, in 32 x 32 tiles so that the
/// transposed reads stay in cache (the exact symmetry of the dense result).
fn mirror_upper<T: Base>(h: &mut DMatrix<T>) {
    const TILE: usize = 32;
    let n = h.nrows();
    for jt in (0..n).step_by(TILE) {
        for it in (0..=jt).step_by(TILE) {
            for j in jt..(jt + TILE).min(n) {
                for i in it..(it + TILE).min(j) {
                    h[(j, i)] = h[(i, j)];
                }
            }
        }
    }
}

/// The automatic rule's decision: the structure to use, or `None` for dense sweeps.
type Decision = Option<Rc<Structure>>;

/// The last decision of this thread, for the exact tape structure it was made on.
struct Memo {
    structure: Vec<u64>,
    decision: Decision,
}

thread_local! {
    static MEMO: RefCell<Option<Memo>> = const { RefCell::new(None) };
}

/// The longest structure remembered (in words of 8 bytes: 8 MiB); longer tapes are
/// decided afresh each time rather than hold a copy of their structure.
const MEMO_MAX_WORDS: usize = 1 << 20;

/// The automatic rule (see [`Sparsity::Auto`]): with `n >= 16` inputs, find the
/// pattern within a budget of a few passes over the tape, give up on patterns with
/// more than `n² / 4` entries, and take the compressed path when the coloring needs
/// `p <= n / 4` colors. The decision is remembered per thread for the last tape
/// structure seen (compared word by word, never by hash), so a loop evaluating the
/// same function at many points pays for the pattern and coloring once.
fn auto_decision<T: Base>(rec: &Recorded<T>) -> Decision {
    let n = rec.inputs();
    if n < 16 {
        return None;
    }
    let recalled = MEMO.with(|memo| {
        let memo = memo.borrow();
        let m = memo.as_ref()?;
        rec.has_structure(&m.structure).then(|| m.decision.clone())
    });
    if let Some(decision) = recalled {
        return decision;
    }
    let decision = Structure::find_within(rec, Budget::auto(rec), n * n / 4)
        .filter(|s| s.colors() * 4 <= n)
        .map(Rc::new);
    if rec.structure_len() <= MEMO_MAX_WORDS {
        MEMO.with(|memo| {
            let mut memo = memo.borrow_mut();
            let mut words = memo.take().map(|m| m.structure).unwrap_or_default();
            words.clear();
            words.extend(rec.structure_words());
            *memo = Some(Memo {
                structure: words,
                decision: decision.clone(),
            });
        });
    }
    decision
}
