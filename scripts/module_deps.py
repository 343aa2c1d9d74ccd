#!/usr/bin/env python3
"""Prints which modules each module of src/ uses (`crate::x` paths in code), one line
per module, grouped by layer: the dependency list in docs/architecture.md. The module
list and the layers come from lib.rs (`#[path = "<layer>/..."] mod name;`), as in
tests/architecture.rs.

    python3 scripts/module_deps.py [path/to/src]
"""
import os
import re
import sys

LAYERS = ["core", "engines", "drivers", "users", "ecosystem"]
src = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "..", "src")
lib = open(os.path.join(src, "lib.rs")).read()
modules = {}  # name -> path under src
for path, name in re.findall(r'#\[path = "([^"]+)"\]\s*(?:#\[[^\]]*\]\s*)*(?:pub )?mod (\w+);', lib):
    modules[name] = path


def owner(rel):
    best = None
    for name, path in modules.items():
        if rel == path or (path.endswith("mod.rs") and rel.startswith(path[: -len("mod.rs")])):
            if best is None or len(path) > len(modules[best]):
                best = name
    return best


def top_level_names(group):
    depth, cur, out = 0, "", []
    for ch in group:
        depth += ch == "{"
        depth -= ch == "}"
        if ch == "," and depth == 0:
            out.append(cur)
            cur = ""
        else:
            cur += ch
    out.append(cur)
    return [m.group(0) for m in (re.search(r"\w+", e) for e in out) if m]


deps = {name: set() for name in modules}
for root, _, files in os.walk(src):
    for f in files:
        if not f.endswith(".rs"):
            continue
        rel = os.path.relpath(os.path.join(root, f), src).replace(os.sep, "/")
        module = owner(rel)
        if module is None:
            continue
        text = open(os.path.join(root, f)).read()
        code = "\n".join(l for l in text.splitlines() if not l.lstrip().startswith("//"))
        used = set(re.findall(r"crate::(\w+)", code))
        for group in re.findall(r"crate::\{((?:[^{}]|\{[^{}]*\})*)\}", code):
            used |= set(top_level_names(group))
        deps[module] |= {u for u in used if u != module and u in modules}
for layer in LAYERS:
    print(f"# {layer}")
    for module in sorted(m for m, p in modules.items() if p.split("/")[0] == layer):
        print(f"{module}: {', '.join(sorted(deps[module])) or '-'}")
