//! Loops found again in a recorded sequence (a program's instructions, a tape's
//! nodes): a body of `k` consecutive entries repeated, every index it holds
//! shifted by a constant per repetition. Used to run a body's entries over all its
//! repetitions at once (`program::rolled`, `sweep_rolled`).

/// The longest body searched for.
const MAX_BODY: usize = 64;
/// The fewest repetitions worth a loop.
const MIN_REPS: usize = 4;

/// Repetitions run together, body entry by body entry: few enough that what one
/// block of a loop touches stays in cache from one entry to the next.
pub(crate) const BLOCK: usize = 256;

/// The blocks of `reps` repetitions, first to last.
pub(crate) fn blocks(
    reps: usize,
) -> impl DoubleEndedIterator<Item = std::ops::Range<usize>> + Clone {
    (0..reps.div_ceil(BLOCK)).map(move |b| b * BLOCK..((b + 1) * BLOCK).min(reps))
}

/// The body length `k` and repetitions of the loop starting at entry `i` of a
/// sequence of `len` that covers the most entries (the shortest body among
/// equals), if one has at least `MIN_REPS` repetitions. `shift(x, y)` is entry
/// `y`'s indices minus entry `x`'s when `y` does what `x` does on other indices
/// (`None` otherwise).
pub(crate) fn longest(
    len: usize,
    i: usize,
    shift: impl Fn(usize, usize) -> Option<[i64; 3]>,
) -> Option<(usize, usize)> {
    let mut best: Option<(usize, usize)> = None;
    for k in 1..=MAX_BODY {
        if i + MIN_REPS * k > len {
            break;
        }
        if shift(i, i + k).is_none() {
            continue;
        }
        let Some(d) = (0..k)
            .map(|j| shift(i + j, i + k + j))
            .collect::<Option<Vec<_>>>()
        else {
            continue;
        };
        let mut reps = 2;
        'reps: while i + (reps + 1) * k <= len {
            for (j, d) in d.iter().enumerate() {
                let Some(s) = shift(i + j, i + reps * k + j) else {
                    break 'reps;
                };
                if (0..3).any(|f| s[f] != d[f] * reps as i64) {
                    break 'reps;
                }
            }
            reps += 1;
        }
        if reps >= MIN_REPS && best.is_none_or(|(bk, br)| k * reps > bk * br) {
            best = Some((k, reps));
            if k * reps >= 4 * MAX_BODY {
                // Long enough: a longer body would be a multiple of this one.
                break;
            }
        }
    }
    best
}

/// Functions written as users write them, for the tests of the loops' users (this
/// layer cannot import `testfns`, where the same two live).
#[cfg(test)]
pub(crate) mod examples {
    use crate::scalar::Scalar;

    /// Rosenbrock's function: one loop of terms, then their sum.
    pub(crate) fn rosenbrock<S: Scalar>(x: &[S]) -> S {
        x.windows(2)
            .map(|w| {
                let a = w[1] - w[0] * w[0];
                let b = S::one() - w[0];
                a * a * 100.0 + b * b
            })
            .sum()
    }

    /// The chain function: two loops of terms.
    pub(crate) fn chain<S: Scalar>(x: &[S]) -> S {
        let pairs: S = x
            .windows(2)
            .map(|w| w[0].sin() * w[1].cos() + (w[0] * w[1] / 10.0).exp())
            .sum();
        let roots: S = x.iter().map(|&xi| (xi * xi + 1.0).sqrt()).sum();
        pairs + roots
    }
}

#[cfg(test)]
mod tests {
    use super::longest;

    #[test]
    fn finds_the_shortest_body_of_the_longest_loop() {
        // Entries: (kind, index); a body of 3 repeated 5 times from entry 2.
        let mut e: Vec<(u8, i64)> = vec![(9, 0), (8, 0)];
        for r in 0..5 {
            e.extend([(0, 10 + r), (1, 20 + 2 * r), (2, 7)]);
        }
        e.push((9, 0));
        let shift = |x: usize, y: usize| (e[x].0 == e[y].0).then(|| [e[y].1 - e[x].1, 0, 0]);
        assert_eq!(longest(e.len(), 2, shift), Some((3, 5)));
        assert_eq!(longest(e.len(), 0, shift), None);
        // Fewer than four repetitions: no loop.
        assert_eq!(longest(e.len(), 8, shift), None);
    }
}
