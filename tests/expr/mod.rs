//! A random-expression generator over the whole rule table, for cross-checking every
//! engine (tests/expressions.rs).
//!
//! An [`Expr`] is a DAG: node `i` applies one operation (every [`Unary`] of
//! `Unary::ALL`, every [`Binary`], `+ - * /`, a constant, an input) to earlier nodes,
//! so subexpressions are shared; the output is the last node. Depth is capped at
//! [`MAX_DEPTH`]. A [`Banded`] function sums one expression of `k` neighbouring inputs
//! over every window of `n` inputs (a banded Hessian).
//!
//! With `squash` set, an argument of a function whose sampling interval
//! ([`Unary::domain`], [`Binary::domain`]) is not the whole of `(-10, 10)` is first
//! mapped into that interval by `mid + half · tanh(t)`, so generated expressions stay
//! finite (the interval is inside the domain, endpoints included). Without it, the
//! raw arguments reach the singularities (for the Stan-rule test).

#![allow(dead_code)]

use hyperhess::Scalar;
use hyperhess::rules::{Binary, Unary};
use proptest::prelude::*;

/// Largest depth of a generated expression.
pub const MAX_DEPTH: usize = 8;

/// One node of an expression DAG; indices refer to earlier nodes.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Node {
    Input(usize),
    Const(f64),
    Unary(Unary, usize),
    Binary(Binary, usize, usize),
    Add(usize, usize),
    Sub(usize, usize),
    Mul(usize, usize),
    Div(usize, usize),
}

/// A generated function of `n` inputs.
#[derive(Clone, Debug)]
pub struct Expr {
    pub n: usize,
    pub nodes: Vec<Node>,
    pub squash: bool,
}

fn squash_into<S: Scalar>(t: S, (lo, hi): (f64, f64)) -> S {
    t.tanh() * ((hi - lo) / 2.0) + (hi + lo) / 2.0
}

fn total(u: Unary) -> bool {
    u.domain() == (-10.0, 10.0)
}

impl Expr {
    /// Evaluates the expression in `S`'s arithmetic.
    pub fn eval<S: Scalar>(&self, x: &[S]) -> S {
        let mut v: Vec<S> = Vec::with_capacity(self.nodes.len());
        for node in &self.nodes {
            let y = match *node {
                Node::Input(i) => x[i],
                Node::Const(c) => S::from_f64(c),
                Node::Unary(u, a) => {
                    let t = if self.squash && !total(u) {
                        squash_into(v[a], u.domain())
                    } else {
                        v[a]
                    };
                    t.apply(u)
                }
                Node::Binary(b, p, q) => {
                    let (dp, dq) = b.domain();
                    let (s, t) = if self.squash {
                        (squash_into(v[p], dp), squash_into(v[q], dq))
                    } else {
                        (v[p], v[q])
                    };
                    s.apply2(b, t)
                }
                Node::Add(p, q) => v[p] + v[q],
                Node::Sub(p, q) => v[p] - v[q],
                Node::Mul(p, q) => v[p] * v[q],
                Node::Div(p, q) => v[p] / v[q],
            };
            v.push(y);
        }
        *v.last().expect("an expression has at least one node")
    }

    /// The same function without the nodes that do not reach the output (the inputs
    /// are kept).
    pub fn pruned(&self) -> Expr {
        let len = self.nodes.len();
        let mut live = vec![false; len];
        live[len - 1] = true;
        for i in (0..len).rev() {
            if !live[i] {
                continue;
            }
            match self.nodes[i] {
                Node::Input(_) | Node::Const(_) => {}
                Node::Unary(_, a) => live[a] = true,
                Node::Binary(_, a, b)
                | Node::Add(a, b)
                | Node::Sub(a, b)
                | Node::Mul(a, b)
                | Node::Div(a, b) => {
                    live[a] = true;
                    live[b] = true;
                }
            }
        }
        let mut index = vec![usize::MAX; len];
        let mut nodes = Vec::new();
        for i in 0..len {
            if live[i] || i < self.n {
                index[i] = nodes.len();
                nodes.push(match self.nodes[i] {
                    Node::Unary(u, a) => Node::Unary(u, index[a]),
                    Node::Binary(b, p, q) => Node::Binary(b, index[p], index[q]),
                    Node::Add(p, q) => Node::Add(index[p], index[q]),
                    Node::Sub(p, q) => Node::Sub(index[p], index[q]),
                    Node::Mul(p, q) => Node::Mul(index[p], index[q]),
                    Node::Div(p, q) => Node::Div(index[p], index[q]),
                    other => other,
                });
            }
        }
        Expr {
            n: self.n,
            nodes,
            squash: self.squash,
        }
    }

    /// `true` when every node's local partials (first and second) are finite at `x`
    /// (the squashing's tanh has finite partials everywhere).
    pub fn local_partials_finite(&self, x: &[f64]) -> bool {
        let mut v: Vec<f64> = Vec::with_capacity(self.nodes.len());
        let mut finite = true;
        for node in &self.nodes {
            let y = match *node {
                Node::Input(i) => x[i],
                Node::Const(c) => c,
                Node::Unary(u, a) => {
                    let arg = if self.squash && !total(u) {
                        squash_into(v[a], u.domain())
                    } else {
                        v[a]
                    };
                    let t = u.taylor(arg);
                    finite &= t.iter().all(|d| d.is_finite());
                    t[0]
                }
                Node::Binary(b, p, q) => {
                    let (dp, dq) = b.domain();
                    let (s, t) = if self.squash {
                        (squash_into(v[p], dp), squash_into(v[q], dq))
                    } else {
                        (v[p], v[q])
                    };
                    let d = b.taylor(s, t);
                    finite &= [d.f, d.a, d.b, d.aa, d.ab, d.bb]
                        .iter()
                        .all(|d| d.is_finite());
                    d.f
                }
                Node::Add(p, q) => v[p] + v[q],
                Node::Sub(p, q) => v[p] - v[q],
                Node::Mul(p, q) => v[p] * v[q],
                Node::Div(p, q) => {
                    finite &= Unary::Recip.taylor(v[q]).iter().all(|d| d.is_finite());
                    v[p] / v[q]
                }
            };
            v.push(y);
        }
        finite
    }

    /// `true` when some node does not reach the output.
    pub fn has_dead_nodes(&self) -> bool {
        self.pruned().nodes.len() < self.nodes.len().max(self.n)
    }

    /// Number of nodes (a bound on the length of every chain-rule path).
    pub fn len(&self) -> usize {
        self.nodes.len()
    }

    /// Builds an expression from raw random choices: `(op, child1, child2, constant)`
    /// per node, after one `Input` node per input.
    pub fn build(n: usize, choices: &[(usize, u32, u32, f64)], squash: bool) -> Expr {
        let mut nodes: Vec<Node> = (0..n).map(Node::Input).collect();
        let mut depth: Vec<usize> = vec![0; n];
        let ops = Unary::ALL.len() + Binary::ALL.len() + 5;
        for &(op, c1, c2, k) in choices {
            let len = nodes.len();
            // Prefer recent nodes (deep expressions), any node otherwise (sharing).
            let pick = |c: u32| {
                let c = c as usize;
                let i = if c.is_multiple_of(2) {
                    len - 1 - (c / 2) % len.min(3)
                } else {
                    (c / 2) % len
                };
                if depth[i] >= MAX_DEPTH {
                    (c / 7) % n
                } else {
                    i
                }
            };
            let (p, q) = (pick(c1), pick(c2));
            let op = op % ops;
            let node = if op < Unary::ALL.len() {
                Node::Unary(Unary::ALL[op], p)
            } else if op < Unary::ALL.len() + Binary::ALL.len() {
                Node::Binary(Binary::ALL[op - Unary::ALL.len()], p, q)
            } else {
                match op - Unary::ALL.len() - Binary::ALL.len() {
                    0 => Node::Add(p, q),
                    1 => Node::Sub(p, q),
                    2 => Node::Mul(p, q),
                    3 => Node::Div(p, q),
                    _ => Node::Const(k),
                }
            };
            let d = match node {
                Node::Input(_) | Node::Const(_) => 0,
                Node::Unary(_, a) => depth[a] + 1,
                Node::Binary(_, a, b)
                | Node::Add(a, b)
                | Node::Sub(a, b)
                | Node::Mul(a, b)
                | Node::Div(a, b) => depth[a].max(depth[b]) + 1,
            };
            nodes.push(node);
            depth.push(d);
        }
        Expr { n, nodes, squash }
    }
}

/// Raw choices for up to `max_nodes` operation nodes.
fn choices(max_nodes: usize) -> impl Strategy<Value = Vec<(usize, u32, u32, f64)>> {
    proptest::collection::vec(
        (0..1000usize, any::<u32>(), any::<u32>(), -3.0..3.0f64),
        1..=max_nodes,
    )
}

/// Expressions of `1..=max_n` inputs with up to `max_nodes` operations.
/// With `live_only`, the nodes that do not reach the output are dropped.
pub fn exprs(
    max_n: usize,
    max_nodes: usize,
    squash: bool,
    live_only: bool,
) -> impl Strategy<Value = Expr> {
    (1..=max_n, choices(max_nodes)).prop_map(move |(n, c)| {
        let e = Expr::build(n, &c, squash);
        if live_only { e.pruned() } else { e }
    })
}

/// `Σ_{i=0}^{n-k} e(x[i..i+k])`: a banded function of `n` inputs.
#[derive(Clone, Debug)]
pub struct Banded {
    pub n: usize,
    pub e: Expr,
}

impl Banded {
    pub fn eval<S: Scalar>(&self, x: &[S]) -> S {
        let k = self.e.n;
        (0..=self.n - k).map(|i| self.e.eval(&x[i..i + k])).sum()
    }
}

/// Banded sums of `n` in `k..=max_n` inputs over windows of `k` in `1..=3`.
pub fn banded(max_n: usize, max_nodes: usize, live_only: bool) -> impl Strategy<Value = Banded> {
    (1..=3usize, choices(max_nodes))
        .prop_flat_map(move |(k, c)| {
            let e = Expr::build(k, &c, true);
            (Just(if live_only { e.pruned() } else { e }), k..=max_n)
        })
        .prop_map(|(e, n)| Banded { n, e })
}

/// The magnitude of the chain-rule terms of one Hessian entry: a hyper-dual number
/// whose derivative parts are the sums of the *absolute values* of the terms the
/// chain rule adds (`re` is the plain value). Rounding in any engine is at most a few
/// eps per operation relative to these sums, whatever cancellation happens.
#[derive(Clone, Copy, Debug)]
pub struct Mag {
    pub re: f64,
    pub e1: f64,
    pub e2: f64,
    pub e12: f64,
}

impl Mag {
    fn unary(self, [_, d1, d2]: [f64; 3], f: f64) -> Mag {
        let (d1, d2) = (d1.abs(), d2.abs());
        Mag {
            re: f,
            e1: d1 * self.e1,
            e2: d1 * self.e2,
            e12: d1 * self.e12 + d2 * self.e1 * self.e2,
        }
    }
    fn affine(self, k: f64, c: f64) -> Mag {
        Mag {
            re: self.re * k + c,
            e1: self.e1 * k.abs(),
            e2: self.e2 * k.abs(),
            e12: self.e12 * k.abs(),
        }
    }
    fn squash(self, (lo, hi): (f64, f64)) -> Mag {
        let t = Unary::Tanh.taylor(self.re);
        self.unary(t, t[0]).affine((hi - lo) / 2.0, (hi + lo) / 2.0)
    }
    fn add(self, o: Mag, re: f64) -> Mag {
        Mag {
            re,
            e1: self.e1 + o.e1,
            e2: self.e2 + o.e2,
            e12: self.e12 + o.e12,
        }
    }
    fn mul(self, o: Mag) -> Mag {
        let (a, b) = (self.re.abs(), o.re.abs());
        Mag {
            re: self.re * o.re,
            e1: b * self.e1 + a * o.e1,
            e2: b * self.e2 + a * o.e2,
            e12: b * self.e12 + a * o.e12 + self.e1 * o.e2 + self.e2 * o.e1,
        }
    }
}

impl Expr {
    /// The chain-rule magnitudes ([`Mag`]) at `x` for the seeds `i` (first part) and
    /// `j` (second part); `None` seeds nothing.
    pub fn magnitude(&self, x: &[f64], i: Option<usize>, j: Option<usize>) -> Mag {
        let mut v: Vec<Mag> = Vec::with_capacity(self.nodes.len());
        let seed = |k: usize, s: Option<usize>| if s == Some(k) { 1.0 } else { 0.0 };
        for node in &self.nodes {
            let y = match *node {
                Node::Input(k) => Mag {
                    re: x[k],
                    e1: seed(k, i),
                    e2: seed(k, j),
                    e12: 0.0,
                },
                Node::Const(c) => Mag {
                    re: c,
                    e1: 0.0,
                    e2: 0.0,
                    e12: 0.0,
                },
                Node::Unary(u, a) => {
                    let t = if self.squash && !total(u) {
                        v[a].squash(u.domain())
                    } else {
                        v[a]
                    };
                    let d = u.taylor(t.re);
                    t.unary(d, d[0])
                }
                Node::Binary(b, p, q) => {
                    let (dp, dq) = b.domain();
                    let (s, t) = if self.squash {
                        (v[p].squash(dp), v[q].squash(dq))
                    } else {
                        (v[p], v[q])
                    };
                    let d = b.taylor(s.re, t.re);
                    let (pa, pb) = (d.a.abs(), d.b.abs());
                    Mag {
                        re: d.f,
                        e1: pa * s.e1 + pb * t.e1,
                        e2: pa * s.e2 + pb * t.e2,
                        e12: pa * s.e12
                            + pb * t.e12
                            + d.aa.abs() * s.e1 * s.e2
                            + d.ab.abs() * (s.e1 * t.e2 + t.e1 * s.e2)
                            + d.bb.abs() * t.e1 * t.e2,
                    }
                }
                Node::Add(p, q) => v[p].add(v[q], v[p].re + v[q].re),
                Node::Sub(p, q) => v[p].add(v[q], v[p].re - v[q].re),
                Node::Mul(p, q) => v[p].mul(v[q]),
                Node::Div(p, q) => {
                    let d = Unary::Recip.taylor(v[q].re);
                    v[p].mul(v[q].unary(d, d[0]))
                }
            };
            v.push(y);
        }
        *v.last().expect("an expression has at least one node")
    }
}

impl Banded {
    /// [`Expr::magnitude`] summed over the windows.
    pub fn magnitude(&self, x: &[f64], i: Option<usize>, j: Option<usize>) -> Mag {
        let k = self.e.n;
        let shift =
            |s: Option<usize>, w: usize| s.and_then(|s| s.checked_sub(w)).filter(|&s| s < k);
        (0..=self.n - k)
            .map(|w| self.e.magnitude(&x[w..w + k], shift(i, w), shift(j, w)))
            .fold(
                Mag {
                    re: 0.0,
                    e1: 0.0,
                    e2: 0.0,
                    e12: 0.0,
                },
                |a, m| a.add(m, a.re + m.re),
            )
    }
}
