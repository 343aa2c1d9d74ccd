#!/usr/bin/env python3
"""Issue 21's table and plot: time per evaluation at a new point, hyperhess against
CasADi, side by side.

Reads the criterion medians of `cargo bench -p hyperhess-rivals --bench prepared`
(groups `prepared/<function>/<quantity>/<n>`, ids `prepared`, `prepared_values` and
`record`) and
CasADi's VM times from `scripts/casadi_bench.py --lv-sizes "" --rosen-sizes
128,10000,100000 --chain-sizes 128,10000,100000 --ipopt-n 0 --out
docs/data/casadi_prepared.json` (run the two right after each other), and CasADi's
generated-C times from docs/data/casadi_c_issue21.json. Prints a markdown table and
writes docs/bench_prepared.png (needs matplotlib).

    python3 scripts/prepared_table.py [--criterion-dir target/criterion]
"""

import argparse
import json
import os
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# (quantity, criterion id, CasADi key): the sparse Hessian as a matrix, and its
# values alone into a kept buffer (as CasADi's buffer calls write them).
QUANTITIES = [("gradient", "prepared", "grad"), ("hvp", "prepared", "hvp"), ("hessian", "prepared", "hess"),
              ("sparse_hessian", "prepared", "hess"), ("sparse_hessian", "prepared_values", "hess")]


def median_ns(crit, function, quantity, n, method):
    path = crit / f"prepared_{function}_{quantity}_{n}" / method / "new" / "estimates.json"
    if not path.exists():
        return None
    return json.loads(path.read_text())["median"]["point_estimate"]


def fmt(s):
    if s is None:
        return "–"
    if s < 1e-3:
        return f"{s * 1e6:.3g} µs"
    return f"{s * 1e3:.3g} ms"


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    target = os.environ.get("CARGO_TARGET_DIR")
    ap.add_argument("--criterion-dir", type=Path,
                    default=Path(target) / "criterion" if target else ROOT / "target" / "criterion")
    ap.add_argument("--plot", type=Path, default=ROOT / "docs" / "bench_prepared.png")
    args = ap.parse_args()
    vm = json.loads((ROOT / "docs" / "data" / "casadi_prepared.json").read_text())
    c = json.loads((ROOT / "docs" / "data" / "casadi_c_issue21.json").read_text())
    rows, series = [], {}
    # CasADi's VM times vary from run to run more than ours (its median over
    # repeats moved 1.5-2x between runs on some cells): the ratio to its fastest
    # repeat ("VM min") is given too, the conservative one.
    print("| function | n | quantity | hyperhess prepared | hyperhess record | CasADi VM | CasADi C "
          "| prepared / VM | prepared / VM min | prepared / C |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for function in ["rosenbrock", "chain"]:
        for r in vm.get(function, []):
            n = r["n"]
            for quantity, method, key in QUANTITIES:
                p = median_ns(args.criterion_dir, function, quantity, n, method)
                if p is None:
                    continue
                rec = median_ns(args.criterion_dir, function, quantity, n, "record")
                v = r["eval_vm_buffer"][key]["median"]
                vmin = r["eval_vm_buffer"][key]["min"]
                cc = c.get(function, {}).get(str(n), {}).get(key)
                p, rec = p * 1e-9, rec * 1e-9 if rec else None
                ratio_c = f"{p / cc:.1f}" if cc else "–"
                label = f"{quantity} (values)" if method == "prepared_values" else quantity
                print(f"| {function} | {n} | {label} | {fmt(p)} | {fmt(rec)} | {fmt(v)} | {fmt(cc)} "
                      f"| {p / v:.2f} | {p / vmin:.2f} | {ratio_c} |")
                if quantity == "hessian" and median_ns(args.criterion_dir, function, "sparse_hessian", n, "prepared"):
                    # (The plot's Hessian is the sparse one, where it was measured.)
                    continue
                q = "hessian" if "hessian" in quantity else quantity
                if method == "prepared_values":
                    series.setdefault((function, "hessian"), {}).setdefault("hyperhess values", []).append((n, p))
                    continue
                for name, t in [("hyperhess prepared", p), ("hyperhess record", rec), ("CasADi VM", v), ("CasADi C", cc)]:
                    if t:
                        series.setdefault((function, q), {}).setdefault(name, []).append((n, t))
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        print("\n(no matplotlib: no plot)")
        return
    keys = sorted(series)
    fig, axes = plt.subplots(2, 3, figsize=(13, 7.5))
    for ax, key in zip(axes.flat, keys):
        for name, pts in sorted(series[key].items()):
            pts.sort()
            ax.loglog([p[0] for p in pts], [p[1] for p in pts], marker="o", label=name)
        ax.set_title(f"{key[0]}: {key[1]}")
        ax.set_xlabel("n")
        ax.set_ylabel("seconds per evaluation")
        ax.grid(True, which="both", alpha=0.3)
        ax.legend(fontsize=7)
    fig.suptitle("Evaluation at a new point (medians; CasADi C from issue 21)")
    fig.tight_layout()
    fig.savefig(args.plot, dpi=90)
    print(f"\nwrote {args.plot}")


if __name__ == "__main__":
    main()
