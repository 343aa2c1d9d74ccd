//! PyTorch's `strict`: the one check that the output depends on every input
//! (structurally, from the tape), for one point or several inputs side by side.

use crate::error::Error;
use crate::options::Options;
use crate::scalar::Base;
use crate::tape::Recorded;

/// [`Error::IndependentInputs`] when `options.strict` and the output ignores some
/// input: the first input (of those whose flat ranges `offsets` delimits: `[0, n]`
/// for one point) that has ignored elements, with their indices within it.
pub(crate) fn check<T: Base>(
    rec: &Recorded<T>,
    options: &Options,
    offsets: &[usize],
) -> Result<(), Error> {
    if !options.strict {
        return Ok(());
    }
    let ignored = rec.independent_inputs();
    let Some(&first) = ignored.first() else {
        return Ok(());
    };
    let input = offsets.partition_point(|&o| o <= first) - 1;
    let part = offsets[input]..offsets[input + 1];
    let indices = ignored
        .iter()
        .filter(|k| part.contains(k))
        .map(|k| k - part.start)
        .collect();
    Err(Error::IndependentInputs { input, indices })
}
