#!/usr/bin/env python3
"""Writes tests/data/lagrangian_reference.csv: CasADi's objective, gradient, constraints,
constraint Jacobian and Hessian of the Lagrangian for the constrained test problems
(the twins of tests/nlp_problems/mod.rs), at three points each.

    L(x) = sigma * f(x) + sum_k lambda_k * g_k(x)

Everything is built with CasADi SX (x, sigma and lambda symbolic, so the sparsity
patterns are CasADi's structural ones, independent of the values):
    grad = ca.gradient(f, x), jac = ca.jacobian(g, x), hess = ca.tril(ca.hessian(L, x)[0])
and evaluated in CasADi's virtual machine.

Problems (0-based indices):
    hs071             n = 4,  m = 2      f = x0 x3 (x0 + x1 + x2) + x2;
                                         g0 = x0 x1 x2 x3, g1 = sum x_i^2
    luksan_vlcek      n = 10, m = n - 2  f = sum_{i=0}^{n-2} 100 (x_i^2 - x_{i+1})^2 + (x_i - 1)^2;
                                         g_k = 3 x_{k+1}^3 + 2 x_{k+2} - 5
                                               + sin(x_{k+1} - x_{k+2}) sin(x_{k+1} + x_{k+2})
                                               + 4 x_{k+1} - x_k exp(x_k - x_{k+1}) - 3
    dense_row         n = 6,  m = n + 1  f = sum (x_i - 1)^4 + exp(x0) x_{n-1};
                                         g0 = sum x_i^2, g1 = x0 sum x_i,
                                         g_{k+2} = x_k x_{k+1} - sin(x_{k+1}), k = 0..n-2
    linear_objective  n = 3,  m = 2      f = x0 + 2 x1 + 3 x2; g0 = sum x_i^2, g1 = x0 x1 + sin(x2)

Points p = 0, 1, 2: x_i = 0.5 + 0.3 sin(1.7 i + 2.3 p + 0.4), except hs071's point 0 = [1, 5, 5, 1]
(its standard start) and luksan_vlcek's point 0 = the standard start (-1.2 at even i, 1 at odd i).
sigma = 1.0, 0.7, 0.0 for p = 0, 1, 2 (p = 2 is feasibility restoration);
lambda_k = 0.3 + 0.2 cos(0.9 k + p). The script writes the exact x, sigma and lambda used,
so a reader should take them from the file rather than recompute them.

CSV columns: problem,n,point,kind,row,col,value (header on the first line, no comments).
    kind = x       row = i, col = 0      the point
           sigma   row = 0, col = 0
           lambda  row = k, col = 0
           f       row = 0, col = 0      objective value
           grad    row = i, col = 0      objective gradient (dense)
           g       row = k, col = 0      constraint values
           jac     row = k, col = i      every structural nonzero of CasADi's Jacobian of g
           hess    row = i, col = j      every structural nonzero of the lower triangle (i >= j)
                                         of the Hessian of L, in CasADi's column-major order
Values are written with repr(float), which round-trips exactly to the same f64.

The script also checks its output: every value against mpmath at 40 digits (per-entry
relative error, entries whose exact value is zero listed), a numpy twin of every formula (f and g values, complex-step
gradient and Jacobian, central differences of the complex-step gradient of L for the Hessian),
and that every entry found numerically lies inside CasADi's structure.

Regenerate:  pip install casadi numpy mpmath && python3 scripts/lagrangian_reference.py
"""

import csv
import math
import os
import sys

import casadi as ca
import numpy as np

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
OUT = os.path.join(ROOT, "tests", "data", "lagrangian_reference.csv")
NPOINTS = 3


# ---------------------------------------------------------------- problems, written once
# Each takes a sequence x and the module providing sin/exp (casadi or numpy), returns (f, [g_k]).

def hs071(x, m):
    f = x[0] * x[3] * (x[0] + x[1] + x[2]) + x[2]
    g = [x[0] * x[1] * x[2] * x[3], x[0] ** 2 + x[1] ** 2 + x[2] ** 2 + x[3] ** 2]
    return f, g


def luksan_vlcek(x, m):
    n = len(x)
    f = 0
    for i in range(n - 1):
        f = f + 100 * (x[i] ** 2 - x[i + 1]) ** 2 + (x[i] - 1) ** 2
    g = []
    for k in range(n - 2):
        a, b, c = x[k], x[k + 1], x[k + 2]
        g.append(3 * b ** 3 + 2 * c - 5 + m.sin(b - c) * m.sin(b + c) + 4 * b
                 - a * m.exp(a - b) - 3)
    return f, g


def dense_row(x, m):
    n = len(x)
    f = 0
    for i in range(n):
        f = f + (x[i] - 1) ** 4
    f = f + m.exp(x[0]) * x[n - 1]
    s2, s = 0, 0
    for i in range(n):
        s2 = s2 + x[i] ** 2
        s = s + x[i]
    g = [s2, x[0] * s]
    for k in range(n - 1):
        g.append(x[k] * x[k + 1] - m.sin(x[k + 1]))
    return f, g


def linear_objective(x, m):
    f = x[0] + 2 * x[1] + 3 * x[2]
    g = [x[0] ** 2 + x[1] ** 2 + x[2] ** 2, x[0] * x[1] + m.sin(x[2])]
    return f, g


PROBLEMS = [("hs071", hs071, 4), ("luksan_vlcek", luksan_vlcek, 10),
            ("dense_row", dense_row, 6), ("linear_objective", linear_objective, 3)]


def point(name, n, p):
    if name == "hs071" and p == 0:
        return [1.0, 5.0, 5.0, 1.0]
    if name == "luksan_vlcek" and p == 0:
        return [-1.2 if i % 2 == 0 else 1.0 for i in range(n)]
    return [0.5 + 0.3 * math.sin(1.7 * i + 2.3 * p + 0.4) for i in range(n)]


def sigma_of(p):
    return [1.0, 0.7, 0.0][p]


def multipliers(m, p):
    return [0.3 + 0.2 * math.cos(0.9 * k + p) for k in range(m)]


# ---------------------------------------------------------------- CasADi
def casadi_function(fun, n):
    x = ca.SX.sym("x", n)
    xs = [x[i] for i in range(n)]
    f, g = fun(xs, ca)
    g = ca.vertcat(*g)
    m = g.shape[0]
    sigma = ca.SX.sym("sigma")
    lam = ca.SX.sym("lambda", m)
    lag = sigma * f + ca.dot(lam, g)
    hess = ca.tril(ca.hessian(lag, x)[0])
    F = ca.Function("F", [x, sigma, lam],
                    [f, ca.gradient(f, x), g, ca.jacobian(g, x), hess],
                    ["x", "sigma", "lambda"], ["f", "grad", "g", "jac", "hess"])
    return F, m


def triplets(dm):
    """(row, col, value) of every structural nonzero, column-major (CasADi's order)."""
    sp = dm.sparsity()
    rows, cols = sp.get_triplet()
    vals = dm.nonzeros()
    return list(zip(rows, cols, vals))


# ---------------------------------------------------------------- numpy checks
def np_parts(fun, x):
    f, g = fun(list(x), np)
    return f, np.array(g, dtype=x.dtype)


def cs_grad(scalar, x, h=1e-30):
    """Complex-step gradient of a scalar function: exact to rounding."""
    n = len(x)
    out = np.empty(n)
    for i in range(n):
        xc = x.astype(complex)
        xc[i] += 1j * h
        out[i] = np.imag(scalar(xc)) / h
    return out


def cs_jac(vec, x, h=1e-30):
    n = len(x)
    cols = []
    for i in range(n):
        xc = x.astype(complex)
        xc[i] += 1j * h
        cols.append(np.imag(vec(xc)) / h)
    return np.array(cols).T


def fd_hess(grad, x, h=1e-5):
    n = len(x)
    H = np.empty((n, n))
    for j in range(n):
        e = np.zeros(n)
        e[j] = h
        H[:, j] = (grad(x + e) - grad(x - e)) / (2 * h)
    return H


def check(name, fun, x, sigma, lam, out):
    x = np.array(x, dtype=float)
    lam = np.array(lam)
    n, m = len(x), len(lam)
    f, g = np_parts(fun, x)
    fc = float(out["f"])
    gc = np.array(out["g"]).ravel()
    assert abs(f - fc) <= 1e-14 * max(1.0, abs(f)), (name, f, fc)
    assert np.allclose(g, gc, rtol=1e-14, atol=1e-14), (name, g, gc)
    grad = cs_grad(lambda y: np_parts(fun, y)[0], x)
    gradc = np.array(out["grad"]).ravel()
    assert np.allclose(grad, gradc, rtol=1e-13, atol=1e-13), (name, grad, gradc)
    J = cs_jac(lambda y: np_parts(fun, y)[1], x)
    Jc = np.array(ca.densify(out["jac"]))
    assert np.allclose(J, Jc, rtol=1e-13, atol=1e-13), (name, J, Jc)
    jsp = np.array(ca.DM(out["jac"].sparsity(), 1))
    assert np.all((np.abs(J) == 0) | (jsp != 0)), (name, "jacobian entry outside structure")

    def lag_grad(y):
        return cs_grad(lambda z: sigma * np_parts(fun, z)[0] + np.dot(lam, np_parts(fun, z)[1]), y)

    H = fd_hess(lag_grad, x)
    Hc = np.array(ca.densify(out["hess"]))
    assert np.all(np.triu(Hc, 1) == 0), (name, "upper entries")
    Hfull = Hc + np.tril(Hc, -1).T
    scale = max(1.0, np.abs(Hfull).max())
    err = np.abs(H - Hfull).max() / scale
    assert err < 1e-7, (name, err, H, Hfull)
    # Numerical symmetry of the reference differences (a check of the check).
    assert np.abs(H - H.T).max() / scale < 1e-7
    hsp = np.array(ca.DM(out["hess"].sparsity(), 1))
    hsp = hsp + np.tril(hsp, -1).T
    assert np.all((np.abs(H) < 1e-7 * scale) | (hsp != 0)), (name, "hessian entry outside structure")
    return err


# ---------------------------------------------------------------- high-precision check
def exact_check(name, fun, x, sigma, lam, out, dps=40):
    """Per-entry error of CasADi's double-precision values against mpmath at `dps` digits
    (derivatives by mpmath's high-precision differences, at the exact f64 point). Returns
    (max relative error over entries not near zero, [entries whose exact value is ~0])."""
    from mpmath import mp, mpf
    mp.dps = dps
    n, m = len(x), len(lam)
    xs = [mpf(v) for v in x]

    def lag(*y):
        f, g = fun(list(y), mp)
        return mpf(sigma) * f + sum(mpf(l) * gk for l, gk in zip(lam, g))

    def gk(k):
        return lambda *y: fun(list(y), mp)[1][k]

    def fobj(*y):
        return fun(list(y), mp)[0]

    def order(*idx):
        o = [0] * n
        for i in idx:
            o[i] += 1
        return tuple(o)

    worst, zeros = 0.0, []
    checks = [("f", 0, 0, float(out["f"]), lambda: fobj(*xs))]
    for i, v in enumerate(np.array(out["grad"]).ravel()):
        checks.append(("grad", i, 0, v, lambda i=i: mp.diff(fobj, xs, order(i))))
    for r, c, v in triplets(out["jac"]):
        checks.append(("jac", r, c, v, lambda r=r, c=c: mp.diff(gk(r), xs, order(c))))
    for r, c, v in triplets(out["hess"]):
        checks.append(("hess", r, c, v, lambda r=r, c=c: mp.diff(lag, xs, order(r, c))))
    for kind, r, c, v, exact in checks:
        e = exact()
        if abs(e) < mpf(10) ** (-dps // 2):
            zeros.append((kind, r, c, v))
            continue
        worst = max(worst, float(abs((mpf(v) - e) / e)))
    return worst, zeros


# ---------------------------------------------------------------- main
def main():
    rows = []
    print(f"casadi {ca.__version__}")
    print(f"{'problem':18} {'n':>3} {'m':>3} {'jac nnz':>8} {'hess nnz (lower)':>17}")
    for name, fun, n in PROBLEMS:
        F, m = casadi_function(fun, n)
        jnnz = F.sparsity_out("jac").nnz()
        hnnz = F.sparsity_out("hess").nnz()
        print(f"{name:18} {n:3} {m:3} {jnnz:8} {hnnz:17}")
        for p in range(NPOINTS):
            x = point(name, n, p)
            sigma = sigma_of(p)
            lam = multipliers(m, p)
            out = F.call({"x": x, "sigma": sigma, "lambda": lam})
            err = check(name, fun, x, sigma, lam, out)
            worst, zeros = exact_check(name, fun, x, sigma, lam, out)
            print(f"    point {p}: sigma = {sigma}, FD Hessian rel. err {err:.1e}, "
                  f"max rel. err of CasADi's f/grad/jac/hess entries vs 40 digits {worst:.1e}"
                  + "".join(f"\n        exact zero in the structure: {k}({r},{c}) = {v!r}"
                            for k, r, c, v in zeros))
            assert worst < 1e-13, (name, p, worst)

            def put(kind, r, c, v):
                rows.append((name, n, p, kind, int(r), int(c), repr(float(v))))

            for i, v in enumerate(x):
                put("x", i, 0, v)
            put("sigma", 0, 0, sigma)
            for k, v in enumerate(lam):
                put("lambda", k, 0, v)
            put("f", 0, 0, float(out["f"]))
            for i, v in enumerate(np.array(out["grad"]).ravel()):
                put("grad", i, 0, v)
            for k, v in enumerate(np.array(out["g"]).ravel()):
                put("g", k, 0, v)
            for r, c, v in triplets(out["jac"]):
                put("jac", r, c, v)
            for r, c, v in triplets(out["hess"]):
                assert r >= c
                put("hess", r, c, v)
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with open(OUT, "w", newline="") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(["problem", "n", "point", "kind", "row", "col", "value"])
        w.writerows(rows)
    print(f"wrote {len(rows)} rows to {os.path.relpath(OUT, os.getcwd())} "
          f"({os.path.getsize(OUT)} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
