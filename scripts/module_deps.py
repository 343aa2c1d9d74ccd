#!/usr/bin/env python3
"""Prints which top-level modules of src/ each module uses (`crate::x` paths), one
line per module: the dependency list in docs/architecture.md.

    python3 scripts/module_deps.py [path/to/src]
"""
import os
import re
import sys

src = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "..", "src")
modules = {f.removesuffix(".rs") for f in os.listdir(src)} - {"lib"}
# Items the crate root re-exports (`pub use drivers::{gradient, ..}`), by module.
lib = open(os.path.join(src, "lib.rs")).read()
owner = {}
for module, items in re.findall(r"pub use (\w+)::\{?([^;}]*)\}?;", lib):
    for item in re.findall(r"\b(\w+)\b", items):
        owner[item] = module
deps = {}
for root, _, files in os.walk(src):
    for f in files:
        if not f.endswith(".rs"):
            continue
        path = os.path.join(root, f)
        rel = os.path.relpath(path, src)
        module = rel.split(os.sep)[0].removesuffix(".rs")
        text = open(path).read()
        # Only code: drop comment lines (doc examples use the public paths).
        code = "\n".join(l for l in text.splitlines() if not l.lstrip().startswith("//"))
        used = set(re.findall(r"crate::(\w+)", code))
        for group in re.findall(r"crate::\{([^}]*)\}", code):
            used |= set(re.findall(r"\b(\w+)\b", group))
        used = {u if u in modules else owner.get(u, u) for u in used}
        deps.setdefault(module, set()).update(u for u in used if u != module and u in modules)
for module in sorted(set(deps) - {"lib"}):
    print(f"{module}: {', '.join(sorted(deps[module])) or '-'}")
