//! Fusion of linear chains into n-ary nodes, once a recording is finished (its
//! outputs known): a sum built term by term (`acc = acc + x[j] * c`, `acc += ..`,
//! sums of sums) records a chain of two-operand linear nodes; each of them that is
//! used exactly once, by another linear node, and is not an output, is folded into
//! its user, so the chain becomes one [`Kind::Nary`] node (4 + 8 bytes per term, one
//! gather and one scatter per sweep instead of a node, two partials and two
//! updates per term).
//!
//! What stays: every kept node's value, partials and adjoint (the folded nodes are
//! intermediates nothing else reads), so the value and gradient computed while
//! recording stand, and every derivative of the outputs is unchanged up to the
//! order of a sum (a folded chain's tangent is the left fold of its terms, as the
//! chain computed it: bit-identical for unit links such as `acc + x c`; a
//! non-unit link `s` multiplies the coefficients below it once, `(s c) t` instead
//! of `s (c t)`, one rounding).
//!
//! Linear in the tape, nothing copied but the side arrays: one pass counts each
//! node's users (remembering the one user of a node used once) and reads each
//! kind and partials' offset once; one marks the folded nodes and numbers the
//! kept ones; one builds the new side arrays, in node order, where each *root* (a
//! kept linear node with a folded operand) gets its folded subtree's leaves, left
//! to right (depth first: left operands followed at once, so a chain descends
//! without the stack); the last moves the kept nodes and their partials down in
//! place. Every folded node is visited once, from its one root. Nodes after the
//! output (which it does not depend on) are dropped.
//!
//! It runs only where it pays: when at least one recorded operation in
//! [`LINK_SHARE`] is a *link* (a two-operand sum on the previous sum, or an
//! item of an n-ary sum that is a sum), counted by a light pass first
//! ([`links`]: the recording itself counts nothing), and only on recordings that will be swept
//! again and again ([`Recorded::fused`]: `hyperhess::record`).
//!
//! Fusion gives up, leaving the tape as recorded, when a folded coefficient is not
//! finite or underflows to zero (the chain's own products would have kept it), or
//! the side arrays would overflow their index space.

use super::node::{Kind, MAX_TERMS, Node, Stream, Terms};
use super::recording::Recorded;
use crate::scalar::{Base, Scalar};

impl<T: Base> Recorded<T> {
    /// This recording with its linear chains fused (see the module's notes), for
    /// callers that sweep it more than once (Hessians, `H v` products): its value
    /// and gradient are those already computed; nothing changes for a recording
    /// that carries a program (a prepared function rewrites its partials in place,
    /// by node position), a vector function's, or one with few links to fold.
    pub(crate) fn fused(mut self) -> Self {
        if self.program.is_some() || !self.outputs.is_empty() {
            return self;
        }
        let (n, output, operations) = (self.inputs(), self.output, self.operations());
        let b = self.buf_mut();
        // Worth a pass only when links are a good part of the tape (a dense
        // Hessian's sweeps then gain several times the pass; see
        // docs/benchmarks.md, "Sums built term by term").
        if links(&b.stream, &b.terms, n, output) * LINK_SHARE < operations {
            return self;
        }
        let Some(index) = fuse(&mut b.stream, &mut b.terms, n, output, &mut b.scratch) else {
            return self;
        };
        // The kept nodes' adjoints, moved to their new places (in order: a new
        // index is never above its old one).
        let adj = &mut b.adjoints;
        for (k, &i) in index.iter().enumerate().skip(n + 1) {
            if i != FOLDED && k < adj.len() {
                adj[i as usize] = adj[k];
            }
        }
        let new_output = index[output] as usize;
        adj.truncate((new_output + 1).max(n + 1));
        self.output = new_output;
        self
    }
}

/// Fusion runs when at least one operation in `LINK_SHARE` is a link (see the
/// module's notes): a dense Hessian of user-style log-sum-exp (97 % links) gains
/// about 10 times the pass; a tape with few links costs one light scan.
const LINK_SHARE: usize = 4;

/// The links among nodes `n + 1..=last`: two-operand sums on the previous sum
/// (the chains of `acc = acc + ..`) and items of n-ary sums that are sums past
/// the inputs. One light pass (a bit test per node, one per n-ary term), so the
/// recording itself counts nothing.
fn links<T>(stream: &Stream<T>, terms: &Terms<T>, n: usize, last: usize) -> usize {
    let nodes = &stream.nodes[..=last];
    let (mut prev, mut links) = (usize::MAX, 0);
    for (k, node) in nodes.iter().enumerate().skip(n + 1) {
        if !node.is_sum() {
            continue;
        }
        if node.is_nary() {
            let items = &terms.ops[node.terms(&terms.ops)];
            links += items
                .iter()
                .filter(|&&o| o as usize > n && nodes[o as usize].is_sum())
                .count();
        } else {
            links += usize::from(node.a() == prev || node.b() == prev);
        }
        prev = k;
    }
    links
}

/// Marks a node used by more than one operand slot (or the output): never folded.
const MANY: u32 = u32::MAX;
/// Marks a folded node in the renumbering.
const FOLDED: u32 = u32::MAX;

/// `true` for the kinds fusion folds and folds into ([`Kind::is_sum`]).
#[inline(always)]
fn is_linear(kind: Kind) -> bool {
    kind.is_sum()
}

/// Fuses the tape's nodes `0..=last` in place (`n` inputs; `last` is the output,
/// which stays a node of its own): returns each old node's new index ([`FOLDED`]
/// for a folded node). `stack` is scratch. `None` when nothing folds, or when
/// fusion gives up (see the module's notes): the tape is then untouched.
pub(super) fn fuse<T: Scalar>(
    stream: &mut Stream<T>,
    terms: &mut Terms<T>,
    n: usize,
    last: usize,
    stack: &mut Vec<(u32, T)>,
) -> Option<Vec<u32>> {
    if last <= n || last >= stream.nodes.len() {
        return None;
    }
    let nodes = &stream.nodes[..=last];
    // Pass 1: each node's one user (0: none, MANY: several), and where each
    // node's partials start.
    // Each kind read once (`Node::kind` is a table lookup the loops below would
    // otherwise repeat).
    // (`start` and `kinds` are written once, in order: no zeroing.)
    let len = last + 1;
    let mut user = vec![0u32; len];
    let mut start = Vec::with_capacity(len);
    let mut kinds = Vec::with_capacity(len);
    start.resize(n + 1, 0u32);
    kinds.resize(n + 1, Kind::Add);
    let mut p = 0u32;
    for (k, node) in nodes.iter().enumerate().skip(n + 1) {
        let kind = node.kind();
        kinds.push(kind);
        start.push(p);
        p += kind.width() as u32;
        if kind == Kind::Nary {
            for &o in &terms.ops[node.terms(&terms.ops)] {
                let u = &mut user[o as usize];
                *u = if *u == 0 { k as u32 } else { MANY };
            }
        } else {
            let ua = &mut user[node.a()];
            *ua = if *ua == 0 { k as u32 } else { MANY };
            let ub = &mut user[node.b()];
            *ub = if *ub == 0 { k as u32 } else { MANY };
        }
    }
    user[last] = MANY;
    // Which nodes fold (linear, used once, by a linear node), and the kept
    // nodes' new indices.
    let mut index: Vec<u32> = Vec::with_capacity(len);
    index.extend(0..=n as u32);
    let mut next = n as u32 + 1;
    let mut folded = 0usize;
    for (&u, &kind) in user.iter().zip(&kinds).skip(n + 1) {
        if u != 0 && u != MANY && is_linear(kind) && is_linear(kinds[u as usize]) {
            index.push(FOLDED);
            folded += 1;
        } else {
            index.push(next);
            next += 1;
        }
    }
    if folded == 0 {
        return None;
    }
    // Phase A (nothing written yet): the new side arrays, in node order: each root
    // (a kept sum with a folded operand) gets its folded subtree's leaves, left to
    // right, with the products of the coefficients on their paths; each other
    // n-ary node its own terms, renumbered. `user` now marks the nodes that become
    // n-ary (their side offset in `start`: their partials are dropped).
    let partials = &stream.partials[..];
    let cap = terms.ops.len() + 2 * folded;
    let mut side = Terms {
        ops: Vec::with_capacity(cap),
        coefs: Vec::with_capacity(cap),
    };
    for k in n + 1..len {
        user[k] = 0;
        let node = nodes[k];
        let kind = kinds[k];
        if index[k] == FOLDED || !is_linear(kind) {
            continue;
        }
        let root = has_folded(node, kind, terms, &index);
        if !root && kind != Kind::Nary {
            continue;
        }
        let at = side.ops.len();
        if root {
            side.ops.push(0);
            side.coefs.push(T::zero());
            let tape = Tape {
                nodes,
                partials,
                terms,
                start: &start,
                index: &index,
                kinds: &kinds,
            };
            if !tape.expand(k as u32, stack, &mut side) {
                return None;
            }
            side.ops[at] = (side.ops.len() - at - 1) as u32;
        } else {
            let r = node.terms(&terms.ops);
            side.ops.push(r.len() as u32);
            side.coefs.push(T::zero());
            side.ops
                .extend(terms.ops[r.clone()].iter().map(|&o| index[o as usize]));
            side.coefs.extend_from_slice(&terms.coefs[r]);
        }
        if side.ops.len() > MAX_TERMS {
            return None;
        }
        user[k] = 1;
        start[k] = at as u32;
    }
    // Phase B: the kept nodes and their partials, moved down in place (a node's
    // new place is never after its old one, and is written after it was read).
    let (nodes, partials) = (&mut stream.nodes, &mut stream.partials);
    let mut q = 0usize;
    for k in n + 1..len {
        let i = index[k];
        if i == FOLDED {
            continue;
        }
        let node = nodes[k];
        nodes[i as usize] = if user[k] == 1 {
            Node::nary(start[k])
        } else {
            let s = start[k] as usize;
            let w = kinds[k].width();
            partials.copy_within(s..s + w, q);
            q += w;
            // (Every n-ary node was rewritten in phase A.)
            let (a, b) = (index[node.a()], index[node.b()]);
            Node::new(kinds[k], a, b, node.couples())
        };
    }
    nodes.truncate(next as usize);
    partials.truncate(q);
    *terms = side;
    Some(index)
}

/// Whether a linear node has a folded operand (it is then a root).
fn has_folded<T>(node: Node, kind: Kind, terms: &Terms<T>, index: &[u32]) -> bool {
    if kind == Kind::Nary {
        let r = node.terms(&terms.ops);
        terms.ops[r].iter().any(|&o| index[o as usize] == FOLDED)
    } else {
        index[node.a()] == FOLDED || index[node.b()] == FOLDED
    }
}

/// What a root's expansion reads: the recorded tape, each node's partials'
/// offset, and the renumbering ([`FOLDED`] marks the nodes to expand).
struct Tape<'a, T> {
    nodes: &'a [Node],
    partials: &'a [T],
    terms: &'a Terms<T>,
    start: &'a [u32],
    index: &'a [u32],
    kinds: &'a [Kind],
}

impl<T: Scalar> Tape<'_, T> {
    /// Appends root `k`'s leaves to `side`, left to right, each with the product
    /// of the coefficients on its path: depth first, the left operand of a
    /// two-operand sum followed at once (a chain `((a + b) + c) + ..` descends
    /// without the stack), the others stacked. `false` when a product is not
    /// finite, or underflows to zero from nonzero factors.
    fn expand(&self, k: u32, stack: &mut Vec<(u32, T)>, side: &mut Terms<T>) -> bool {
        let mut ok = true;
        let one = T::one();
        let mut times = |c: T, m: T| {
            // A unit path (the common chain `acc + x c`): `c` itself, exactly.
            // (`m - 1` zero in every part: `==` may look at the value only.)
            if (m - one).is_zero() {
                return c;
            }
            let cm = c * m;
            ok &= cm.is_finite() && !(cm.is_zero() && !c.is_zero() && !m.is_zero());
            cm
        };
        stack.clear();
        let (mut o, mut m) = (k, T::one());
        loop {
            // `o` is a sum to expand, its coefficient `m`.
            let node = self.nodes[o as usize];
            let next = match self.kinds[o as usize] {
                Kind::Nary => {
                    let r = node.terms(&self.terms.ops);
                    let (ops, coefs) = (&self.terms.ops[r.clone()], &self.terms.coefs[r]);
                    for (&o, &c) in ops.iter().zip(coefs).rev() {
                        stack.push((o, times(c, m)));
                    }
                    None
                }
                kind => {
                    let (sa, sb) = match kind {
                        Kind::Add => (T::one(), T::one()),
                        Kind::Sub => (T::one(), -T::one()),
                        _ => {
                            let s = self.start[o as usize] as usize;
                            (self.partials[s], self.partials[s + 1])
                        }
                    };
                    stack.push((node.b() as u32, times(sb, m)));
                    Some((node.a() as u32, times(sa, m)))
                }
            };
            // The next sum to expand: the left operand, else the stack's top;
            // leaves on the way are emitted.
            let mut next = next;
            loop {
                let Some((p, c)) = next.take().or_else(|| stack.pop()) else {
                    return ok;
                };
                let i = self.index[p as usize];
                if i == FOLDED {
                    (o, m) = (p, c);
                    break;
                }
                side.ops.push(i);
                side.coefs.push(c);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::recording::Recorded;
    use super::super::var::Var;
    use crate::scalar::Scalar;

    /// `log(sum_k exp(a_k . x)) + |x|^2 / 2`, the dots spelled `acc = acc + x c`.
    #[allow(clippy::assign_op_pattern, clippy::needless_range_loop)]
    fn lse(x: &[Var]) -> Var {
        let n = x.len();
        let mut s = Var::from_f64(0.0);
        for k in 0..n {
            let mut acc = Var::from_f64(0.0);
            for j in 0..n {
                acc = acc + x[j] * (((k * n + j) as f64) * 0.37).sin();
            }
            s = s + acc.exp();
        }
        let mut sq = Var::from_f64(0.0);
        for j in 0..n {
            sq = sq + x[j] * x[j];
        }
        s.ln() + sq * 0.5
    }

    fn lanes<const L: usize>(rec: &Recorded) -> Vec<u64> {
        let n = rec.inputs();
        let mut out = vec![0u64; n * n];
        for j0 in (0..n).step_by(L) {
            rec.sweep::<L>(
                |i, s| {
                    *s = [0.0; L];
                    if (j0..j0 + L).contains(&i) {
                        s[i - j0] = 1.0;
                    }
                },
                |i, r| {
                    for (l, v) in r.iter().enumerate().take(n - j0) {
                        out[i + (j0 + l) * n] = v.to_bits();
                    }
                },
            );
        }
        out
    }

    /// Unit links and chains that reach their inputs once each: the fused sweeps
    /// are the recorded ones bit for bit, and so are value, gradient, sparsity
    /// pattern and independent inputs.
    #[test]
    fn unit_link_chains_fuse_bit_for_bit() {
        let x: Vec<f64> = (0..7).map(|i| (i as f64 * 0.8).cos() * 0.6).collect();
        let plain = Recorded::new(lse, &x).unwrap();
        let fused = Recorded::new(lse, &x).unwrap().fused();
        // 70 nodes recorded (42 links of the dots), 24 kept.
        assert_eq!((plain.operations(), fused.operations()), (70, 24));
        assert_eq!(fused.value().to_bits(), plain.value().to_bits());
        assert_eq!(fused.gradient(), plain.gradient());
        assert_eq!(lanes::<1>(&fused), lanes::<1>(&plain));
        assert_eq!(lanes::<4>(&fused), lanes::<4>(&plain));
        assert_eq!(lanes::<8>(&fused), lanes::<8>(&plain));
        let budget = (usize::MAX, usize::MAX);
        assert_eq!(
            fused.pattern_rows(budget.0, budget.1),
            plain.pattern_rows(budget.0, budget.1)
        );
        assert_eq!(fused.independent_inputs(), plain.independent_inputs());
        // Fusing twice changes nothing more.
        let again = Recorded::new(lse, &x).unwrap().fused().fused();
        assert_eq!(again.operations(), fused.operations());
        assert_eq!(
            again.structure_words().collect::<Vec<_>>(),
            fused.structure_words().collect::<Vec<_>>()
        );
    }

    /// Sums of sums, subtractions, scaled links, a reused chain, an independent
    /// input: the pattern and the independent inputs are the recorded ones, and
    /// the Hessian within the rounding of reordered sums of O(1) terms (a handful
    /// of products each: 64 eps covers the orders of these short sums).
    #[test]
    fn mixed_chains_keep_structure_and_derivatives() {
        fn f(x: &[Var]) -> Var {
            let a = x[0] + x[1] - x[2] * 2.0;
            let b = (a + x[3]) * 0.5 - x[1];
            let c: Var = [a * 3.0, x[4], x[0] - x[4]].into_iter().sum();
            let d = b + c;
            let e = d.sin() * b + (c + x[1]).exp();
            e - d * 0.25
        }
        let x = [0.3, -0.2, 0.5, 0.1, -0.4, 9.0];
        let plain = Recorded::new(f, &x).unwrap();
        let fused = Recorded::new(f, &x).unwrap().fused();
        assert!(fused.operations() < plain.operations());
        let budget = usize::MAX;
        assert_eq!(
            fused.pattern_rows(budget, budget),
            plain.pattern_rows(budget, budget)
        );
        assert_eq!(fused.independent_inputs(), vec![5]);
        assert_eq!(fused.gradient(), plain.gradient());
        for (p, q) in lanes::<2>(&plain).iter().zip(lanes::<2>(&fused)) {
            let (p, q) = (f64::from_bits(*p), f64::from_bits(q));
            assert!((p - q).abs() <= 64.0 * f64::EPSILON, "{p} vs {q}");
        }
    }

    /// A coefficient that would underflow to zero (`1e-200 * 1e-200`) stops the
    /// fusion: the tape is swept as recorded.
    #[test]
    fn an_underflowing_coefficient_leaves_the_tape_as_recorded() {
        let f = |x: &[Var]| ((x[0] * 1e-200 + x[1]) * 1e-200 + x[2]).sin();
        let x = [1.0, 1.0, 0.5];
        let plain = Recorded::new(f, &x).unwrap();
        let fused = Recorded::new(f, &x).unwrap().fused();
        assert_eq!(fused.operations(), plain.operations());
        let _ = Scalar::value(&fused.value());
    }
}
