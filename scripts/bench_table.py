#!/usr/bin/env python3
"""Markdown table and log-log plot of criterion medians, method against method.

Usage (from the workspace root, after `cargo bench -p hyperhess-rivals --bench <name>`):

    python3 scripts/bench_table.py                      # every benchmark found
    python3 scripts/bench_table.py --filter '^forward/' # one bench file's groups
    python3 scripts/bench_table.py --plot-dir docs      # where the PNGs go (default)
    python3 scripts/bench_table.py --no-plot            # table only
    python3 scripts/bench_table.py --also hyperhess     # one more ratio column

It reads every `<criterion dir>/**/new/benchmark.json` (the ids) and the
`estimates.json` next to it (the median point estimate, in ns). The criterion
directory is `$CARGO_TARGET_DIR/criterion`, else `target/criterion`, else `--criterion-dir`.

Naming convention the benches follow (criterion group and function ids):

    group `<bench>/<function>/<n>`, function id `<method>`   e.g. forward/rosenbrock/8, hyperhess
    (also accepted: group `<bench>/<function>`, BenchmarkId::new(<method>, <n>))

`<n>` may be written `8` or `n=8`. For each `<bench>/<function>` the script prints one
table: per `n` and method, the median and its ratios over two reference methods, by
default `analytic` (a hand-written derivative) and `f` (one plain evaluation of the
function); change them with `--baseline` and `--unit`, add columns with `--also`. Ids that do not fit the
convention are skipped with a note on stderr.

The plot (needs matplotlib: `pip install matplotlib`; without it only the table is
printed) is one PNG per `<bench>`, `<plot dir>/bench_<bench>.png`, one log-log panel
per `<function>`: median time against `n`, one line per method.

Only the Python standard library is needed for the table. Criterion keeps results of
benchmarks that no longer exist; use `--filter` (a regex on the full id
`<group>/<method>`) or delete target/criterion to drop them.
"""

import argparse
import json
import math
import os
import re
import signal
import sys
from pathlib import Path


def default_criterion_dir():
    target = os.environ.get("CARGO_TARGET_DIR")
    return Path(target) / "criterion" if target else Path("target") / "criterion"


def parse_n(text):
    """`8` or `n=8` -> 8, else None."""
    if text is None:
        return None
    m = re.fullmatch(r"(?:n\s*=\s*)?(\d+)", str(text).strip())
    return int(m.group(1)) if m else None


def load(criterion_dir, stat, id_filter):
    """Records (bench, function, n, method, nanoseconds)."""
    records = []
    for bench_json in sorted(Path(criterion_dir).glob("**/new/benchmark.json")):
        est_json = bench_json.with_name("estimates.json")
        if not est_json.exists():
            continue
        meta = json.loads(bench_json.read_text())
        group = meta.get("group_id") or ""
        function_id = meta.get("function_id")
        value = meta.get("value_str")
        full_id = meta.get("full_id") or group
        if id_filter and not re.search(id_filter, full_id):
            continue
        parts = group.split("/")
        if parse_n(value) is not None and function_id:
            # group `<bench>/<function>`, BenchmarkId::new(method, n)
            n, method, problem = parse_n(value), function_id, parts
        elif len(parts) >= 2 and parse_n(parts[-1]) is not None and function_id:
            # group `<bench>/<function>/<n>`, function id `<method>`
            n, problem = parse_n(parts[-1]), parts[:-1]
            method = function_id if value is None else f"{function_id}/{value}"
        else:
            print(f"skipped (no n in the ids): {full_id}", file=sys.stderr)
            continue
        bench = problem[0]
        function = "/".join(problem[1:]) or problem[0]
        ns = json.loads(est_json.read_text())[stat]["point_estimate"]
        records.append((bench, function, n, method, ns))
    return records


def fmt_time(ns):
    for unit, scale in (("s", 1e9), ("ms", 1e6), ("µs", 1e3), ("ns", 1.0)):
        if ns >= scale:
            return f"{ns / scale:.3g} {unit}"
    return f"{ns * 1e3:.3g} ps"


def fmt_ratio(r):
    if r is None:
        return "–"
    if r >= 100:
        return f"{r:,.0f}"
    return f"{r:.3g}"


def method_order(times, baseline, unit):
    """Methods by median at the largest n they have (fastest first); references last."""
    methods = {m for (_, m) in times}
    refs = [m for m in (baseline, unit) if m in methods]

    def key(m):
        n_max = max(n for (n, mm) in times if mm == m)
        return (-n_max, times[(n_max, m)])

    return sorted(methods - set(refs), key=key) + refs


def table(bench, function, times, baseline, unit, also, stat):
    order = method_order(times, baseline, unit)
    refs = [baseline, unit] + [m for m in also if m not in (baseline, unit)]
    lines = [
        f"### {bench}/{function}",
        "",
        f"| n | method | {stat} | " + " | ".join(f"/ {r}" for r in refs) + " |",
        "|---:|:---|---:|" + "---:|" * len(refs),
    ]
    for n in sorted({n for (n, _) in times}):
        for m in order:
            t = times.get((n, m))
            if t is None:
                continue
            ratios = []
            for r in refs:
                ref = times.get((n, r))
                ratios.append(fmt_ratio(t / ref if ref else None))
            lines.append(f"| {n} | {m} | {fmt_time(t)} | " + " | ".join(ratios) + " |")
    return "\n".join(lines)


def plot(bench, panels, baseline, unit, stat, out_path):
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        print("matplotlib not installed (pip install matplotlib): no plot", file=sys.stderr)
        return False
    k = len(panels)
    fig, axes = plt.subplots(1, k, figsize=(5.5 * k, 4.2), squeeze=False)
    for ax, (function, times) in zip(axes[0], sorted(panels.items())):
        for m in method_order(times, baseline, unit):
            pts = sorted((n, t) for (n, mm), t in times.items() if mm == m)
            ref = m in (baseline, unit)
            ax.plot(
                [n for n, _ in pts],
                [t for _, t in pts],
                marker="o",
                linestyle="--" if ref else "-",
                color="grey" if m == unit else None,
                label=m,
            )
        ns = sorted({n for (n, _) in times})
        ax.set_xscale("log", base=2)
        ax.set_yscale("log")
        ax.set_xticks(ns)
        # Powers of ten as 1e4, others as they are; slanted so neighbours never overlap.
        labels = [f"1e{len(str(n)) - 1}" if n >= 10_000 and str(n).strip("0") == "1" else str(n) for n in ns]
        ax.set_xticklabels(labels, rotation=30)
        ax.set_xlabel("n")
        ax.set_ylabel(f"{stat} time [ns]")
        ax.set_title(f"{bench}/{function}")
        ax.grid(True, which="both", alpha=0.3)
        ax.legend(fontsize=8)
    fig.tight_layout()
    out_path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(out_path, dpi=120)
    plt.close(fig)
    return True


def main():
    if hasattr(signal, "SIGPIPE"):  # quiet when piped into `head`
        signal.signal(signal.SIGPIPE, signal.SIG_DFL)
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--criterion-dir", type=Path, default=default_criterion_dir())
    ap.add_argument("--filter", default=None, help="regex on the full id <group>/<method>")
    ap.add_argument("--baseline", default="analytic", help="first reference method id")
    ap.add_argument("--unit", default="f", help="second reference method id (one f)")
    ap.add_argument(
        "--also", action="append", default=[], metavar="METHOD",
        help="one more ratio column, over METHOD (repeatable)",
    )
    ap.add_argument("--stat", default="median", choices=["median", "mean", "slope"])
    ap.add_argument("--plot-dir", type=Path, default=Path("docs"))
    ap.add_argument("--no-plot", action="store_true")
    args = ap.parse_args()

    if not args.criterion_dir.is_dir():
        sys.exit(f"no criterion results in {args.criterion_dir}: run `cargo bench -p hyperhess-rivals` first")
    records = load(args.criterion_dir, args.stat, args.filter)
    if not records:
        sys.exit("no benchmark results matched")

    # bench -> function -> {(n, method): ns}
    nested = {}
    for bench, function, n, method, ns in records:
        nested.setdefault(bench, {}).setdefault(function, {})[(n, method)] = ns

    out = []
    for bench in sorted(nested):
        for function in sorted(nested[bench]):
            out.append(
                table(
                    bench,
                    function,
                    nested[bench][function],
                    args.baseline,
                    args.unit,
                    args.also,
                    args.stat,
                )
            )
    print("\n\n".join(out))

    if not args.no_plot:
        for bench in sorted(nested):
            path = args.plot_dir / f"bench_{re.sub(r'[^A-Za-z0-9_.-]', '_', bench)}.png"
            if plot(bench, nested[bench], args.baseline, args.unit, args.stat, path):
                print(f"\nplot written: {path}", file=sys.stderr)


if __name__ == "__main__":
    main()
