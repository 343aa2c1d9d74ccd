//! [`SparsityPattern`]: which Hessian entries can be nonzero.

/// The structural sparsity pattern of a symmetric Hessian: for each row, the sorted
/// columns that can be nonzero (both triangles; the diagonal only where some
/// operation couples the input with itself).
///
/// Found from the recorded operations, not from values: an entry outside the
/// pattern is zero at every point where the function runs the same operations.
///
/// ```
/// use hyperhess::Scalar;
/// fn f<S: Scalar>(x: &[S]) -> S { x[0] * x[1] + x[2].sin() }
/// let plan = hyperhess::SparsePlan::new(|x| f(x), &[1.0, 2.0, 3.0]).unwrap();
/// let p = plan.pattern();
/// assert_eq!(p.row(0), &[1]);
/// assert_eq!(p.row(2), &[2]);
/// assert_eq!(p.nnz(), 3);
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SparsityPattern {
    offsets: Vec<usize>,
    columns: Vec<u32>,
}

impl SparsityPattern {
    /// A pattern from per-row sorted, deduplicated column lists.
    pub(crate) fn from_rows(offsets: Vec<usize>, columns: Vec<u32>) -> Self {
        SparsityPattern { offsets, columns }
    }

    /// Every entry of an `n x n` matrix, or `None` when that does not fit in memory.
    pub(crate) fn full(n: usize) -> Option<Self> {
        let mut columns = Vec::new();
        columns.try_reserve_exact(n.checked_mul(n)?).ok()?;
        for _ in 0..n {
            columns.extend(0..n as u32);
        }
        Some(SparsityPattern {
            offsets: (0..=n).map(|i| i * n).collect(),
            columns,
        })
    }

    /// A pattern from a list of entries `(i, j)`; both triangles are added.
    ///
    /// ```
    /// let p = hyperhess::SparsityPattern::from_entries(3, &[(0, 1), (2, 2)]);
    /// assert_eq!((p.row(0), p.row(1), p.row(2)), (&[1u32][..], &[0u32][..], &[2u32][..]));
    /// ```
    pub fn from_entries(n: usize, entries: &[(usize, usize)]) -> Self {
        let mut rows = vec![Vec::new(); n];
        for &(i, j) in entries {
            rows[i].push(j as u32);
            rows[j].push(i as u32);
        }
        let mut offsets = Vec::with_capacity(n + 1);
        let mut columns = Vec::new();
        offsets.push(0);
        for mut r in rows {
            r.sort_unstable();
            r.dedup();
            columns.extend(r);
            offsets.push(columns.len());
        }
        SparsityPattern { offsets, columns }
    }

    /// Number of rows (inputs).
    ///
    /// ```
    /// assert_eq!(hyperhess::SparsityPattern::from_entries(4, &[]).dim(), 4);
    /// ```
    pub fn dim(&self) -> usize {
        self.offsets.len() - 1
    }

    /// Number of entries that can be nonzero (both triangles).
    ///
    /// ```
    /// assert_eq!(hyperhess::SparsityPattern::from_entries(2, &[(0, 1)]).nnz(), 2);
    /// ```
    pub fn nnz(&self) -> usize {
        self.columns.len()
    }

    /// The sorted columns of row `i` that can be nonzero.
    ///
    /// ```
    /// let p = hyperhess::SparsityPattern::from_entries(3, &[(1, 0), (1, 2)]);
    /// assert_eq!(p.row(1), &[0, 2]);
    /// ```
    pub fn row(&self, i: usize) -> &[u32] {
        &self.columns[self.offsets[i]..self.offsets[i + 1]]
    }

    /// The neighbours of `v` in the pattern's adjacency graph: the columns of row `v`
    /// other than `v` itself.
    pub(crate) fn neighbors(&self, v: usize) -> impl Iterator<Item = usize> + '_ {
        self.row(v)
            .iter()
            .map(|&w| w as usize)
            .filter(move |&w| w != v)
    }

    /// Whether entry `(i, j)` can be nonzero (`false` out of range).
    ///
    /// ```
    /// let p = hyperhess::SparsityPattern::from_entries(2, &[(0, 1)]);
    /// assert!(p.contains(1, 0) && !p.contains(0, 0) && !p.contains(5, 0));
    /// ```
    pub fn contains(&self, i: usize, j: usize) -> bool {
        i < self.dim() && self.row(i).binary_search(&(j as u32)).is_ok()
    }

    /// Whether every entry of `self` is also in `other`.
    ///
    /// ```
    /// use hyperhess::SparsityPattern;
    /// let small = SparsityPattern::from_entries(2, &[(0, 0)]);
    /// let big = SparsityPattern::from_entries(2, &[(0, 0), (0, 1)]);
    /// assert!(small.is_subset_of(&big) && !big.is_subset_of(&small));
    /// ```
    pub fn is_subset_of(&self, other: &SparsityPattern) -> bool {
        self.dim() == other.dim()
            && (0..self.dim()).all(|i| self.row(i).iter().all(|&j| other.contains(i, j as usize)))
    }

    /// The first entry of `self` missing from `other`, if any.
    pub(crate) fn first_missing(&self, other: &SparsityPattern) -> Option<(usize, usize)> {
        (0..self.dim()).find_map(|i| {
            self.row(i)
                .iter()
                .find(|&&j| !other.contains(i, j as usize))
                .map(|&j| (i, j as usize))
        })
    }

    /// The row offsets and column indices (CSR arrays; equal to CSC for a symmetric
    /// pattern).
    pub(crate) fn arrays(&self) -> (&[usize], &[u32]) {
        (&self.offsets, &self.columns)
    }
}
