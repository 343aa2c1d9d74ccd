//! The Hessian's nonzeros directly, by edge pushing (Gower and Mello, 2012): one
//! reverse sweep that carries, next to the first-order adjoints, the symmetric
//! matrix `W` of second-order adjoints between pairs of nodes, and eliminates one
//! node at a time. No pattern, no coloring, no compressed products: what reaches the
//! inputs is the Hessian, entry by entry.
//!
//! Eliminating node `i`, `v_i = phi(v_j, ...)` with partials `d_j` and second partials
//! `phi_jk`, from the full symmetric `W`:
//! - pushing: `W(j, p) += d_j W(i, p)` (and its mirror) for every `p != i`, and
//!   `W(j, k) += d_j d_k W(i, i)` for every pair of operands;
//! - creating: `W(j, k) += v_bar_i phi_jk`;
//! - the first-order adjoints are the recording's (`v_bar`).
//!
//! `W` is kept as unordered pairs `{j, p}`, each stored once at its larger node
//! (so node `i`'s list is complete when the sweep reaches it: every node above has
//! been eliminated) with the smaller as key. A node's pair with itself (`W(j, j)`,
//! where a pushed pair's two ends meet and count twice) is kept apart, one value
//! per node merged as it comes (`edge_scratch`'s `diag`): most entries of a
//! typical tape are diagonal, and they then cost no list entry, no merge when
//! the node is eliminated and no duplicates in an input's row. The lists are
//! linked entries in one arena whose freed entries are reused, so memory is the
//! most entries alive at once (and, per node, a head, a mark, a diagonal).
//!
//! Structural, as the dependency pattern (`super::deps::hessian_pattern`): entries
//! are created where a node that reaches an output has a curvature flag, whatever
//! the values, and pushed whatever the partials; so the entries that reach the
//! inputs are exactly that pattern. Values are exact up to rounding (each is a sum
//! of products of partials along the tape, in the sweep's order), and exactly
//! symmetric (one number per pair). Like the lane sweeps, it runs fast first and
//! again carefully (every product with a zero factor skipped) only when a result
//! is not finite.
//!
//! A one-shot call sweeps the first-order adjoints in this pass too
//! ([`hessian_entries_fused`]): a node's adjoint is final when the sweep reaches
//! it, so its first-order step runs just before its elimination (the same bits).

use super::edge_local::Local;
use super::edge_scratch::{Assembly, Entry, Lease, NIL, Scratch};
use super::edge_values::{Numbers, Values};
use super::huge_pages;
use super::node::{Kind, Stream, Terms};
use super::pool;
use super::sweep::reverse_node;
use crate::scalar::Scalar;

/// The Hessian of the recorded outputs' weighted sum as full symmetric rows
/// (CSR: both triangles, columns sorted; with a symmetric matrix, equally CSC).
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct SymmetricEntries<T> {
    pub offsets: Vec<usize>,
    pub columns: Vec<u32>,
    pub values: Vec<T>,
}

/// What a sweep may spend before it gives up (`None`): entries alive at once
/// (memory, 16 bytes each on `f64`) and entries pushed or created (time).
#[derive(Clone, Copy, Debug)]
pub(crate) struct Limits {
    pub entries: usize,
    pub work: usize,
}

/// The tape a sweep reads: nodes `1..=n` are the inputs, `outputs` the recorded
/// outputs (their weights are in the first-order adjoints `adj`).
#[derive(Clone, Copy)]
pub(super) struct Tape<'a, T> {
    pub stream: &'a Stream<T>,
    pub terms: &'a Terms<T>,
    pub n: usize,
    pub outputs: &'a [usize],
    pub adj: &'a [T],
}

/// The Hessian's structural nonzeros and their values at the recording; `None`
/// past `limits`.
pub(crate) fn hessian_entries<T: Scalar>(
    tape: Tape<'_, T>,
    limits: Limits,
) -> Option<SymmetricEntries<T>> {
    let h = sweep(tape, limits, Numbers::<false>)?.0;
    finite_or_careful(h, tape, limits)
}

/// `h`, the fast sweep's entries, when they are all finite; else the careful
/// sweep's.
pub(super) fn finite_or_careful<T: Scalar>(
    h: SymmetricEntries<T>,
    tape: Tape<'_, T>,
    limits: Limits,
) -> Option<SymmetricEntries<T>> {
    match h.values.iter().all(Scalar::is_finite) {
        true => Some(h),
        false => careful(tape, limits),
    }
}

/// [`hessian_entries`] (fast only) with the first-order adjoints swept in the same
/// pass: `adj` holds the seeds at entry and the plain sweep's adjoints, bit for
/// bit, at the end (`tape.adj` is not read). `None` past `limits` (`adj` partly swept).
pub(crate) fn hessian_entries_fused<T: Scalar>(
    tape: Tape<'_, T>,
    adj: &mut [T],
    limits: Limits,
) -> Option<SymmetricEntries<T>> {
    let mut sweep = Sweep::new(tape, limits, Numbers::<false>);
    sweep.run(Some(adj.as_chunks_mut().0))?;
    Some(sweep.rows())
}

/// [`hessian_entries`] with every product with a zero factor skipped (as the lane
/// sweeps' careful pass), for a result that was not finite.
pub(super) fn careful<T: Scalar>(tape: Tape<'_, T>, limits: Limits) -> Option<SymmetricEntries<T>> {
    Some(sweep(tape, limits, Numbers::<true>)?.0)
}

/// The sweep with `values`, and the values back.
pub(super) fn sweep<T: Scalar, V: Values<T>>(
    tape: Tape<'_, T>,
    limits: Limits,
    values: V,
) -> Option<(SymmetricEntries<V::W>, V)> {
    let mut sweep = Sweep::new(tape, limits, values);
    sweep.run(None)?;
    let h = sweep.rows();
    Some((h, sweep.values))
}

/// One edge-pushing sweep's state.
struct Sweep<'a, T, V: Values<T>> {
    tape: Tape<'a, T>,
    limits: Limits,
    values: V,
    /// The lists, the arena and a merge's marks (this thread's, on loan).
    mem: Lease<V::W>,
    /// The freed entries, linked.
    free: u32,
    work: usize,
    /// An n-ary node's coefficients as factors.
    coefs: Vec<V::F>,
}

impl<'a, T: Scalar, V: Values<T>> Sweep<'a, T, V> {
    fn new(tape: Tape<'a, T>, limits: Limits, values: V) -> Self {
        let last = tape.outputs.iter().copied().max().unwrap_or(0);
        let mem = Scratch::take(last.max(tape.n) + 1, values.blank());
        Sweep {
            tape,
            limits,
            values,
            mem,
            free: NIL,
            work: 0,
            coefs: Vec::new(),
        }
    }

    /// Adds `w` to the pair `{j, k}` of two nodes other than the constant slot: a
    /// node's pair with itself into its diagonal (merged at once), any other as
    /// an entry of the larger node's list.
    #[inline(always)]
    fn add(&mut self, j: usize, k: usize, w: V::W) {
        self.work += 1;
        let s = &mut *self.mem;
        if j == k {
            if s.has_diag[j] {
                s.diag[j] = self.values.merge(s.diag[j], w);
            } else {
                s.has_diag[j] = true;
                s.diag[j] = w;
            }
            return;
        }
        let (hi, lo) = if j > k { (j, k) } else { (k, j) };
        let next = s.heads[hi];
        let e = Entry {
            w,
            p: lo as u32,
            next,
        };
        let at = if self.free != NIL {
            let at = self.free;
            self.free = s.arena[at as usize].next;
            s.arena[at as usize] = e;
            at
        } else {
            huge_pages::push(&mut s.arena, e);
            (s.arena.len() - 1) as u32
        };
        s.heads[hi] = at;
    }

    /// Pushes `w = W(i, q)` through operand `j` of node `i` (factor `d = d_j`).
    #[inline(always)]
    fn push(&mut self, j: usize, d: V::F, q: usize, w: V::W) {
        if j != 0 {
            let t = self.values.scaled(w, d, j == q);
            self.add(j, q, t);
        }
    }

    /// Creates or pushes `f` (a constant) or `w f` into the pair `{j, k}` when
    /// neither is the constant slot.
    #[inline(always)]
    fn put(&mut self, j: usize, k: usize, w: Option<V::W>, f: V::F) {
        if j != 0 && k != 0 {
            let t = match w {
                Some(w) => self.values.scaled(w, f, false),
                None => self.values.constant(f),
            };
            self.add(j, k, t);
        }
    }

    /// Merges node `i`'s list into `keys` / `sum` (duplicates summed in list
    /// order) and frees it; returns its diagonal entry, if any.
    fn take(&mut self, i: usize, keys: &mut Vec<u32>) -> Option<V::W> {
        keys.clear();
        let s = &mut *self.mem;
        let diag = s.has_diag[i].then(|| s.diag[i]);
        s.has_diag[i] = false;
        let head = s.heads[i];
        if head == NIL {
            return diag;
        }
        let tail = self.merge(i, head, |p| keys.push(p));
        let s = &mut *self.mem;
        s.arena[tail as usize].next = self.free;
        self.free = head;
        s.heads[i] = NIL;
        diag
    }

    /// Merges the list from entry `at` by marks `i`: each key's sum in `sum`
    /// (duplicates summed in list order), each distinct key given to `key` once,
    /// in list order. Returns the list's last entry.
    #[inline(always)]
    fn merge(&mut self, i: usize, mut at: u32, mut key: impl FnMut(u32)) -> u32 {
        let s = &mut *self.mem;
        let mut tail = at;
        while at != NIL {
            let e = s.arena[at as usize];
            let p = e.p as usize;
            if s.stamp[p] == i as u32 {
                s.sum[p] = self.values.merge(s.sum[p], e.w);
            } else {
                s.stamp[p] = i as u32;
                s.sum[p] = e.w;
                key(e.p);
            }
            tail = at;
            at = e.next;
        }
        tail
    }

    /// The sweep from the last output down to the inputs; `None` past the limits.
    /// With `fused` (seeded) adjoints, each node's first-order step before its
    /// adjoint is read (see [`hessian_entries_fused`]); else the tape's adjoints.
    fn run(&mut self, mut fused: Option<&mut [[T; 1]]>) -> Option<()> {
        let Tape {
            stream,
            terms,
            n,
            outputs,
            adj,
        } = self.tape;
        let (nodes, partials) = (&stream.nodes[..], &stream.partials[..]);
        let ops = &terms.ops[..];
        let last = outputs.iter().copied().max().unwrap_or(0);
        // (The lists, stamps and marks are clean: see `edge_scratch`.)
        self.free = NIL;
        self.work = 0;
        let mut reached = std::mem::take(&mut self.mem.reached);
        for &o in outputs {
            reached[o] = o != 0;
        }
        let mut keys = std::mem::take(&mut self.mem.keys);
        let mut p = stream.partials_end(last);
        if let Some(adj) = fused.as_deref() {
            // What `reverse_node` needs below (and the invariants of `super::sweep`).
            assert!(last < adj.len() && last < nodes.len() && p <= partials.len());
        }
        for i in (n + 1..=last).rev() {
            let node = nodes[i];
            let kind = node.kind();
            if let Some(adj) = fused.as_deref_mut() {
                // SAFETY: `i <= last < adj.len()`, `p <= partials.len()` (asserted);
                // `p` is node `i`'s partials' end (the last's, less each width).
                unsafe { reverse_node::<T, false>(node, i, p, ops, &terms.coefs, partials, adj) };
            }
            p -= kind.width();
            if !reached[i] {
                continue;
            }
            reached[i] = false;
            if self.mem.heads[i] == NIL && !self.mem.has_diag[i] && !node.is_curved() {
                // Nothing to push or create: only the operands are reached.
                if kind == Kind::Nary {
                    for j in node.terms(ops) {
                        reached[ops[j] as usize] = true;
                    }
                } else {
                    reached[node.a()] = true;
                    reached[node.b()] = true;
                }
                continue;
            }
            let diag = self.take(i, &mut keys);
            if kind == Kind::Nary {
                let r = node.terms(ops);
                // What this node can add at most, checked before it is spent.
                let m = r.len();
                let diagonal = if diag.is_some() { m * (m + 1) / 2 } else { 0 };
                let most = keys.len().saturating_mul(m).saturating_add(diagonal);
                if self.work.saturating_add(most) > self.limits.work
                    || self.mem.arena.len().saturating_add(most) > self.limits.entries
                {
                    self.mem.reached = reached;
                    return None;
                }
                for &j in &ops[r.clone()] {
                    reached[j as usize] = true;
                }
                self.nary(r, &keys, diag);
            } else {
                let local = Local::of(node, &partials[p..p + kind.width()]);
                reached[local.a] = true;
                reached[local.b] = true;
                let vb = match fused.as_deref() {
                    Some(adj) => adj[i][0],
                    None => adj.get(i).copied().unwrap_or_else(T::zero),
                };
                let f = self.values.factors(i, p, &local, vb);
                self.binary(&local, &f, &keys, diag);
                // (At most twice the entries alive, plus six, past the limits.)
                if self.work > self.limits.work || self.mem.arena.len() > self.limits.entries {
                    self.mem.reached = reached;
                    return None;
                }
            }
            let s = &mut *self.mem;
            for &q in &keys {
                self.values.release(s.sum[q as usize]);
                s.stamp[q as usize] = 0;
            }
            if let Some(w) = diag {
                self.values.release(w);
            }
        }
        // The inputs' marks (and the constant slot's) are the only ones left.
        let end = (n + 1).min(reached.len());
        reached[..end].fill(false);
        self.mem.reached = reached;
        self.mem.keys = keys;
        Some(())
    }

    /// Eliminates a node with at most two operands (factors `f`, see [`factors`]).
    fn binary(&mut self, l: &Local<T>, f: &[V::F; 8], keys: &[u32], diag: Option<V::W>) {
        let [da, db, da2, db2, dab, caa, cab, cbb] = *f;
        for &q in keys {
            let (q, w) = (q as usize, self.mem.sum[q as usize]);
            self.push(l.a, da, q, w);
            if l.b != 0 {
                self.push(l.b, db, q, w);
            }
        }
        if let Some(w) = diag {
            self.put(l.a, l.a, Some(w), da2);
            if l.b != 0 {
                self.put(l.a, l.b, Some(w), dab);
                self.put(l.b, l.b, Some(w), db2);
            }
        }
        let c = l.curvature;
        if c.aa {
            self.put(l.a, l.a, None, caa);
        }
        if c.ab {
            self.put(l.a, l.b, None, cab);
        }
        if c.bb {
            self.put(l.b, l.b, None, cbb);
        }
    }

    /// Eliminates an n-ary linear node `sum_j c_j x_j` (terms `r` of the side
    /// arrays).
    fn nary(&mut self, r: std::ops::Range<usize>, keys: &[u32], diag: Option<V::W>) {
        let terms = self.tape.terms;
        let ops = &terms.ops[r.clone()];
        let mut c = std::mem::take(&mut self.coefs);
        c.clear();
        c.extend(r.map(|k| self.values.coef(k, terms.coefs[k])));
        for &q in keys {
            let (q, w) = (q as usize, self.mem.sum[q as usize]);
            for (&j, &cj) in ops.iter().zip(&c) {
                self.push(j as usize, cj, q, w);
            }
        }
        if let Some(w) = diag {
            for (s, (&j, &cj)) in ops.iter().zip(&c).enumerate() {
                if j == 0 {
                    continue;
                }
                let wj = self.values.scaled(w, cj, false);
                for (t, (&k, &ck)) in ops[s..].iter().zip(&c[s..]).enumerate() {
                    // A pair of two terms stands for its mirror too: on the
                    // diagonal (the same node in both) it counts twice.
                    if k != 0 {
                        let v = self.values.scaled(wj, ck, t != 0 && j == k);
                        self.add(j as usize, k as usize, v);
                    }
                }
                self.values.release(wj);
            }
        }
        self.coefs = c;
    }

    /// The inputs' lists as full symmetric rows.
    fn rows(&mut self) -> SymmetricEntries<V::W> {
        let n = self.tape.n;
        // The assembly's buffers, this thread's kept ones (each cleared here:
        // what they held is never read).
        let Assembly {
            mut low,
            mut low_offsets,
            mut counts,
        } = pool::take();
        // Lower triangles (columns <= row) first, row by row, sorted.
        low_offsets.clear();
        huge_pages::reserve(&mut low_offsets, n + 1);
        // (The entries alive and the diagonals bound the inputs' entries: no
        // growth on the way.)
        low.clear();
        huge_pages::reserve(&mut low, self.mem.arena.len() + n);
        counts.clear();
        huge_pages::resize(&mut counts, n, 0);
        low_offsets.push(0);
        let blank = self.values.blank();
        for i in 1..=n {
            let start = low.len();
            // The row's list merged as a node's is, read once (the list left
            // empty, the memory clean), then its distinct columns sorted: the
            // lists are short, so by insertion.
            let at = std::mem::replace(&mut self.mem.heads[i], NIL);
            self.merge(i, at, |p| low.push((p - 1, blank)));
            let s = &mut *self.mem;
            let row = &mut low[start..];
            for k in 1..row.len() {
                let mut j = k;
                while j > 0 && row[j - 1].0 > row[j].0 {
                    row.swap(j - 1, j);
                    j -= 1;
                }
            }
            for (c, w) in row.iter_mut() {
                let p = *c as usize + 1;
                *w = s.sum[p];
                s.stamp[p] = 0;
            }
            // The diagonal, last (the list's columns are below it).
            if s.has_diag[i] {
                s.has_diag[i] = false;
                low.push((i as u32 - 1, s.diag[i]));
            }
            for &(c, _) in &low[start..] {
                if c as usize != i - 1 {
                    counts[c as usize] += 1;
                }
            }
            counts[i - 1] += low.len() - start;
            low_offsets.push(low.len());
        }
        let (offsets, columns, values) =
            Assembly::full_rows(&low, &low_offsets, &mut counts, self.values.blank());
        pool::give(Assembly {
            low,
            low_offsets,
            counts,
        });
        // Every list taken, every stamp and mark cleared: clean.
        self.mem.dirty = false;
        SymmetricEntries {
            offsets,
            columns,
            values,
        }
    }
}
