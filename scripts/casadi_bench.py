#!/usr/bin/env python3
"""Benchmarks CasADi (SX, default virtual machine and generated C) on the problems of
issues 18 and 21, and CasADi + Ipopt on the Lukšan–Vlček problem; writes
docs/data/casadi_bench.json and prints a markdown table.

Problems (0-based; the same formulas as scripts/lagrangian_reference.py):
    luksan_vlcek  f = sum_{i=0}^{n-2} 100 (x_i^2 - x_{i+1})^2 + (x_i - 1)^2,
                  g_k = 3 x_{k+1}^3 + 2 x_{k+2} - 5 + sin(x_{k+1} - x_{k+2}) sin(x_{k+1} + x_{k+2})
                        + 4 x_{k+1} - x_k exp(x_k - x_{k+1}) - 3,  k = 0..n-3
                  L = sigma f + lambda . g
    rosenbrock    f = sum_{i=0}^{n-2} 100 (x_{i+1} - x_i^2)^2 + (1 - x_i)^2

What is measured (seconds):
    prepare_*   building the SX expressions (vectorized slices, as a CasADi user writes
                them) and each ca.Function: hess = ca.tril(ca.hessian(L, x)[0]) with inputs
                (x, sigma, lambda); jac = ca.jacobian(g, x); grad = ca.gradient(f, x).
    eval_*      one evaluation in CasADi's VM through Function.buffer() (inputs and outputs
                bound once to numpy memory, so Python's per-call overhead is ~1 µs and no
                conversion); median over repeats of a timed loop of many calls. CasADi's VM
                caches nothing between calls, so every call does the full work of a new point.
    call_*      the same through the ordinary Python call F(x, sigma, lambda) with numpy
                inputs (includes conversions to/from DM), and call_empty / eval_empty: the
                same call of a Function with the same inputs returning only sigma, i.e. the
                overhead alone.
    c_*         generated C (F.generate, gcc -O3 -shared -fPIC, ca.external): compile time and
                evaluation time (through buffer()). n = 10^3 and 10^4 only, each compile under
                `timeout` (default 240 s) and an address-space limit (default 8 GB).
    ipopt       CasADi's nlpsol('ipopt') (the Ipopt bundled in the casadi wheel, MUMPS,
                exact Hessian from CasADi) on luksan_vlcek with g = 0, standard start
                (x_i = -1.2 at even i, 1 at odd i): iterations, wall time of the solve, time
                to build the solver, final objective, Ipopt version.
Each measurement records os.getloadavg() before and after (the machine is shared).

Regenerate:  pip install casadi numpy && python3 scripts/casadi_bench.py
Flags:       --lv-sizes 1000,10000,100000   --c-sizes 1000,10000   --rosen-sizes 128,10000
             --chain-sizes 128,10000,100000 (hyperhess::testfns::chain; none by default)
             --ipopt-n 10000 (0 skips)  --compile-timeout 240  --target 1.5 (s per measurement)
             --out docs/data/casadi_bench.json
"""

import argparse
import datetime
import json
import os
import platform
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

import casadi as ca
import numpy as np

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")


def load():
    return [round(v, 2) for v in os.getloadavg()]


def lv_start(n):
    return np.array([-1.2 if i % 2 == 0 else 1.0 for i in range(n)])


def lv_point(n, p=1):
    i = np.arange(n)
    return 0.5 + 0.3 * np.sin(1.7 * i + 2.3 * p + 0.4)


def lv_exprs(n):
    x = ca.SX.sym("x", n)
    f = ca.sum1(100 * (x[:-1] ** 2 - x[1:]) ** 2 + (x[:-1] - 1) ** 2)
    a, b, c = x[:-2], x[1:-1], x[2:]
    g = 3 * b ** 3 + 2 * c - 5 + ca.sin(b - c) * ca.sin(b + c) + 4 * b - a * ca.exp(a - b) - 3
    return x, f, g


def rosen_exprs(n):
    x = ca.SX.sym("x", n)
    f = ca.sum1(100 * (x[1:] - x[:-1] ** 2) ** 2 + (1 - x[:-1]) ** 2)
    return x, f


def chain_exprs(n):
    """hyperhess::testfns::chain: sum sin(x_i) cos(x_{i+1}) + exp(x_i x_{i+1} / 10)
    over neighbours, plus sum sqrt(x_i^2 + 1)."""
    x = ca.SX.sym("x", n)
    a, b = x[:-1], x[1:]
    f = ca.sum1(ca.sin(a) * ca.cos(b) + ca.exp(a * b / 10)) + ca.sum1(ca.sqrt(x * x + 1))
    return x, f


# ------------------------------------------------------------------------ timing
def time_loop(fn, target):
    """Median and min seconds per call of fn(); about `target` seconds in all."""
    fn()
    number = 1
    while True:  # autorange: one repeat takes >= target / 10
        t0 = time.perf_counter()
        for _ in range(number):
            fn()
        dt = time.perf_counter() - t0
        if dt >= target / 10 or number >= 10 ** 7:
            break
        number *= 2 if dt > target / 40 else 10
    reps = []
    deadline = time.perf_counter() + target
    while len(reps) < 5 or (time.perf_counter() < deadline and len(reps) < 25):
        t0 = time.perf_counter()
        for _ in range(number):
            fn()
        reps.append((time.perf_counter() - t0) / number)
    return {"median": statistics.median(reps), "min": min(reps), "calls_per_repeat": number,
            "repeats": len(reps)}


def measure(fn, target):
    before = load()
    r = time_loop(fn, target)
    r["load_before"], r["load_after"] = before, load()
    return r


def bound(F, args):
    """F.buffer() with inputs bound to `args` (numpy float arrays, kept alive) and outputs
    to fresh numpy arrays of each output's nonzero count; returns (eval, outputs, keep)."""
    buf, ev = F.buffer()
    keep = [np.ascontiguousarray(a, dtype=float) for a in args]
    for i, a in enumerate(keep):
        buf.set_arg(i, memoryview(a))
    outs = [np.zeros(F.nnz_out(i)) for i in range(F.n_out())]
    for i, o in enumerate(outs):
        buf.set_res(i, memoryview(o))
    return ev, outs, (buf, keep)


def timed(thunk):
    t0 = time.perf_counter()
    v = thunk()
    return v, time.perf_counter() - t0


# ------------------------------------------------------------------------ generated C
def compile_c(F, name, workdir, timeout, mem_gb):
    """Generate, compile and load F; returns (external Function or None, info dict)."""
    cfile = name + ".c"
    sofile = os.path.join(workdir, name + ".so")
    cwd = os.getcwd()
    os.chdir(workdir)
    try:
        _, t_gen = timed(lambda: F.generate(cfile))
    finally:
        os.chdir(cwd)
    info = {"generate_s": t_gen, "c_bytes": os.path.getsize(os.path.join(workdir, cfile)),
            "load_before": load()}
    limit = int(mem_gb * 2 ** 30)

    def limits():
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))

    cmd = ["timeout", str(timeout), "gcc", "-O3", "-shared", "-fPIC", "-o", sofile,
           os.path.join(workdir, cfile)]
    t0 = time.perf_counter()
    p = subprocess.run(cmd, preexec_fn=limits, capture_output=True, text=True)
    info["compile_s"] = time.perf_counter() - t0
    info["load_after"] = load()
    info["gcc_rc"] = p.returncode
    if p.returncode != 0:
        info["status"] = "timeout" if p.returncode == 124 else "failed: " + p.stderr[-400:]
        return None, info
    info["status"] = "ok"
    info["so_bytes"] = os.path.getsize(sofile)
    return ca.external(F.name(), sofile), info


# ------------------------------------------------------------------------ Ipopt
def ipopt_version():
    """Ipopt's banner, captured from the C-level stdout of a one-variable solve."""
    x = ca.SX.sym("x")
    s = ca.nlpsol("v", "ipopt", {"x": x, "f": (x - 1) ** 2},
                  {"ipopt.print_level": 5, "print_time": 0, "ipopt.sb": "yes"})
    sys.stdout.flush()
    fd = sys.stdout.fileno()
    saved = os.dup(fd)
    with tempfile.TemporaryFile(mode="w+b") as tmp:
        os.dup2(tmp.fileno(), fd)
        try:
            s(x0=0)
        finally:
            sys.stdout.flush()
            os.dup2(saved, fd)
            os.close(saved)
        tmp.seek(0)
        text = tmp.read().decode(errors="replace")
    m = re.search(r"This is Ipopt version ([0-9][^\s,]*)(?:, running with linear solver ([^\n]*?)\.?\n)?", text)
    return (m.group(1), m.group(2)) if m else (None, None)


def bench_ipopt(n, reps=3):
    x, f, g = lv_exprs(n)
    before = load()
    solver, t_build = timed(lambda: ca.nlpsol("s", "ipopt", {"x": x, "f": f, "g": g},
                                              {"ipopt.print_level": 0, "print_time": 0,
                                               "ipopt.sb": "yes"}))
    x0 = lv_start(n)
    times, stats, sol = [], None, None
    for _ in range(reps):
        sol, t = timed(lambda: solver(x0=x0, lbg=0, ubg=0))
        times.append(t)
        stats = solver.stats()
    gmax = float(np.max(np.abs(np.array(sol["g"]))))
    return {"n": n, "build_solver_s": t_build, "solve_s_median": statistics.median(times),
            "solve_s_all": times, "iter_count": int(stats["iter_count"]),
            "return_status": stats["return_status"], "success": bool(stats["success"]),
            "callbacks": {k: v for k, v in stats.items()
                          if k.startswith(("n_call_nlp", "t_wall_nlp"))},
            "objective": float(sol["f"]), "max_abs_g": gmax,
            "linear_solver": "mumps (Ipopt default)", "hessian": "exact (CasADi)",
            "load_before": before, "load_after": load()}


# ------------------------------------------------------------------------ main parts
def bench_lv(n, args, workdir):
    out = {"n": n, "m": n - 2}
    (x, f, g), t_expr = timed(lambda: lv_exprs(n))
    sigma = ca.SX.sym("sigma")
    lam = ca.SX.sym("lambda", n - 2)
    lag = sigma * f + ca.dot(lam, g)
    H, t_hess = timed(lambda: ca.Function("lv_hess", [x, sigma, lam],
                                          [ca.tril(ca.hessian(lag, x)[0])]))
    J, t_jac = timed(lambda: ca.Function("lv_jac", [x], [ca.jacobian(g, x)]))
    G, t_grad = timed(lambda: ca.Function("lv_grad", [x], [ca.gradient(f, x)]))
    E = ca.Function("lv_empty", [x, sigma, lam], [sigma])
    out["prepare_s"] = {"expressions": t_expr, "hess": t_hess, "jac": t_jac, "grad": t_grad,
                        "total": t_expr + t_hess + t_jac + t_grad}
    out["hess_nnz_lower"] = H.nnz_out(0)
    out["jac_nnz"] = J.nnz_out(0)
    xv, sv, lv = lv_point(n), 0.7, 0.3 + 0.2 * np.cos(0.9 * np.arange(n - 2) + 1)
    ev = {}
    for key, F, fargs in [("hess", H, [xv, [sv], lv]), ("jac", J, [xv]), ("grad", G, [xv]),
                          ("empty", E, [xv, [sv], lv])]:
        e, outs, keep = bound(F, fargs)
        ev[key] = measure(e, args.target)
    out["eval_vm_buffer"] = ev
    calls = {}
    calls["hess"] = measure(lambda: H(xv, sv, lv), args.target)
    calls["jac"] = measure(lambda: J(xv), args.target)
    calls["grad"] = measure(lambda: G(xv), args.target)
    calls["empty"] = measure(lambda: E(xv, sv, lv), args.target)
    out["eval_vm_python_call"] = calls
    if n in args.c_sizes:
        cres = {}
        for key, F, fargs in [("hess", H, [xv, [sv], lv]), ("jac", J, [xv]),
                              ("grad", G, [xv])]:
            print(f"  compiling {key} n={n} ...", flush=True)
            ext, info = compile_c(F, f"{F.name()}_{n}", workdir, args.compile_timeout,
                                  args.compile_mem_gb)
            if ext is not None:
                e, outs, keep = bound(ext, fargs)
                e()
                e_vm, outs_vm, keep_vm = bound(F, fargs)
                e_vm()
                info["max_abs_diff_vs_vm"] = float(np.max(np.abs(outs[0] - outs_vm[0])))
                info["eval"] = measure(e, args.target)
            cres[key] = info
        out["generated_c"] = cres
    return out


def bench_rosen(n, args, exprs=rosen_exprs):
    out = {"n": n}
    (x, f), t_expr = timed(lambda: exprs(n))
    v = ca.SX.sym("v", n)
    grad = ca.gradient(f, x)
    G, t_g = timed(lambda: ca.Function("r_grad", [x], [grad]))
    V, t_v = timed(lambda: ca.Function("r_hvp", [x, v], [ca.jtimes(grad, x, v)]))
    H, t_h = timed(lambda: ca.Function("r_hess", [x], [ca.hessian(f, x)[0]]))
    out["prepare_s"] = {"expressions": t_expr, "grad": t_g, "hvp": t_v, "hess": t_h}
    out["hess_nnz_full"] = H.nnz_out(0)
    xv = lv_point(n)
    vv = np.cos(np.arange(n))
    ev = {}
    for key, F, fargs in [("grad", G, [xv]), ("hvp", V, [xv, vv]), ("hess", H, [xv])]:
        e, outs, keep = bound(F, fargs)
        ev[key] = measure(e, args.target)
    out["eval_vm_buffer"] = ev
    return out


def fmt2(r):
    """median (min) of a measure() result."""
    return f"{fmt(r['median'])} ({fmt(r['min'])})"


def fmt(s):
    if s is None:
        return "–"
    if s < 1e-3:
        return f"{s * 1e6:.3g} µs"
    if s < 1:
        return f"{s * 1e3:.3g} ms"
    return f"{s:.3g} s"


def table(res):
    loads = [v[0] for r in res["luksan_vlcek"] + res.get("rosenbrock", []) + res.get("chain", [])
             for e in r["eval_vm_buffer"].values() for v in (e["load_before"], e["load_after"])]
    lines = [f"CasADi {res['casadi_version']}, {res['machine']['cpu_model']}, "
             f"{res['machine']['cpus']} CPUs; 1-min load average during the VM measurements "
             f"{min(loads, default=0):.2f}-{max(loads, default=0):.2f}"
             + (" (above the CPU count: times inflated, re-run on a quiet machine)"
                if max(loads, default=0) > res['machine']['cpus'] else "") + ".",
             "Times: median (min) over repeats; load averages per measurement in the JSON.", "",
             "| Lukšan–Vlček, per evaluation | n | VM (buffer) | VM (Python call) "
             "| generated C -O3 | C compile | prepare |",
             "|---|---|---|---|---|---|---|"]
    for r in res["luksan_vlcek"]:
        n = r["n"]
        for key, label in [("hess", "Lagrangian Hessian (lower)"), ("jac", "constraint Jacobian"),
                           ("grad", "objective gradient")]:
            c = r.get("generated_c", {}).get(key)
            ceval = fmt2(c["eval"]) if c and "eval" in c else (
                c["status"] if c else "–")
            ccomp = fmt(c["compile_s"]) if c else "–"
            lines.append(f"| {label} | {n} | {fmt2(r['eval_vm_buffer'][key])} | "
                         f"{fmt(r['eval_vm_python_call'][key]['median'])} | {ceval} | {ccomp} | "
                         f"{fmt(r['prepare_s'][key])} |")
        lines.append(f"| (empty call overhead) | {n} | {fmt(r['eval_vm_buffer']['empty']['median'])}"
                     f" | {fmt(r['eval_vm_python_call']['empty']['median'])} | | | "
                     f"expr {fmt(r['prepare_s']['expressions'])} |")
    for key, name in [("rosenbrock", "Rosenbrock"), ("chain", "chain")]:
        if not res.get(key):
            continue
        lines += ["", f"| {name}, per evaluation in the VM (buffer) | n | gradient | HVP "
                  "| sparse Hessian (full) | prepare (expr+grad+hvp+hess) |", "|---|---|---|---|---|---|"]
        for r in res[key]:
            e = r["eval_vm_buffer"]
            lines.append(f"| | {r['n']} | {fmt2(e['grad'])} | {fmt2(e['hvp'])} | "
                         f"{fmt2(e['hess'])} | {fmt(sum(r['prepare_s'].values()))} |")
    ip = res.get("ipopt")
    if ip:
        lines += ["", f"CasADi + Ipopt {res['ipopt_version']} ({res['ipopt_linear_solver']}) on Lukšan–Vlček n = {ip['n']}: "
                  f"{ip['iter_count']} iterations, solve {fmt(ip['solve_s_median'])} (median of "
                  f"{len(ip['solve_s_all'])}), building the solver {fmt(ip['build_solver_s'])}, "
                  f"f* = {ip['objective']:.10g}, status {ip['return_status']}; inside the solve, CasADi's "
                  f"callbacks took {fmt(sum(v for k, v in ip['callbacks'].items() if k.startswith('t_wall')))} "
                  f"({ip['callbacks']['n_call_nlp_hess_l']} Hessians, "
                  f"{fmt(ip['callbacks']['t_wall_nlp_hess_l'])} in all)."]
    return "\n".join(lines)


def ints(s):
    return [int(float(v)) for v in s.split(",") if v.strip()]


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--lv-sizes", type=ints, default=[1000, 10000, 100000])
    ap.add_argument("--c-sizes", type=ints, default=[1000, 10000])
    ap.add_argument("--rosen-sizes", type=ints, default=[128, 10000])
    ap.add_argument("--chain-sizes", type=ints, default=[])
    ap.add_argument("--ipopt-n", type=int, default=10000)
    ap.add_argument("--compile-timeout", type=int, default=240)
    ap.add_argument("--compile-mem-gb", type=float, default=8.0)
    ap.add_argument("--target", type=float, default=1.5, help="seconds per measurement")
    ap.add_argument("--out", default=os.path.join(ROOT, "docs", "data", "casadi_bench.json"))
    ap.add_argument("--keep-c", help="directory to keep the generated C in")
    args = ap.parse_args()

    t_start = time.perf_counter()
    res = {"date_utc": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
           "casadi_version": ca.__version__, "python": platform.python_version(),
           "numpy": np.__version__,
           "machine": {"platform": platform.platform(), "processor": platform.processor(),
                       "cpus": os.cpu_count(), "cpu_model": cpu_model()},
           "gcc": subprocess.run(["gcc", "--version"], capture_output=True, text=True)
           .stdout.splitlines()[0],
           "units": "seconds", "load_start": load(), "args": vars(args).copy()}
    res["args"].pop("out")
    workdir = args.keep_c or tempfile.mkdtemp(prefix="casadi_bench_")
    os.makedirs(workdir, exist_ok=True)
    try:
        res["luksan_vlcek"] = []
        for n in args.lv_sizes:
            print(f"luksan_vlcek n={n}", flush=True)
            res["luksan_vlcek"].append(bench_lv(n, args, workdir))
        res["rosenbrock"] = []
        for n in args.rosen_sizes:
            print(f"rosenbrock n={n}", flush=True)
            res["rosenbrock"].append(bench_rosen(n, args))
        res["chain"] = []
        for n in args.chain_sizes:
            print(f"chain n={n}", flush=True)
            res["chain"].append(bench_rosen(n, args, chain_exprs))
        res["ipopt_version"], res["ipopt_linear_solver"] = ipopt_version()
        if args.ipopt_n:
            print(f"ipopt n={args.ipopt_n}", flush=True)
            res["ipopt"] = bench_ipopt(args.ipopt_n)
    finally:
        if not args.keep_c:
            shutil.rmtree(workdir, ignore_errors=True)
    res["load_end"] = load()
    res["script_s"] = time.perf_counter() - t_start
    os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
    with open(args.out, "w") as fh:
        json.dump(res, fh, indent=1)
    print(table(res))
    print(f"\nwrote {args.out} ({res['script_s']:.0f} s)")


def cpu_model():
    try:
        with open("/proc/cpuinfo") as fh:
            for line in fh:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return None


if __name__ == "__main__":
    main()
