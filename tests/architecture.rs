//! The layering of docs/architecture.md, kept true: no module of `src/` uses a
//! module of a layer above its own (`crate::x` paths in code, comments excluded;
//! items re-exported at the root count for the module that defines them).

use std::collections::BTreeMap;
use std::fs;
use std::path::Path;

/// The layers, bottom up.
const LAYERS: [(&str, &[&str]); 4] = [
    (
        "rules",
        &[
            "error",
            "number_ops",
            "objective",
            "options",
            "rules",
            "rules_coverage",
            "scalar",
        ],
    ),
    ("engines", &["ecosystem", "forward", "tape"]),
    (
        "drivers",
        &[
            "blocks",
            "dense",
            "drivers",
            "jacobians",
            "recording",
            "shape",
            "sparse",
            "strict",
        ],
    ),
    (
        "users",
        &[
            "argmin", "check", "ipopt", "ndarray", "newton", "nlp", "testfns",
        ],
    ),
];

fn layer(module: &str) -> Option<usize> {
    LAYERS.iter().position(|(_, ms)| ms.contains(&module))
}

/// Identifiers following `crate::` (and inside `crate::{...}` groups).
fn crate_paths(code: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = code;
    while let Some(k) = rest.find("crate::") {
        rest = &rest[k + "crate::".len()..];
        if let Some(group) = rest.strip_prefix('{') {
            // The group's top-level elements (nested groups stay inside theirs).
            let (mut depth, mut end, mut cuts) = (0usize, group.len(), vec![0]);
            for (k, c) in group.char_indices() {
                match c {
                    '{' => depth += 1,
                    '}' if depth == 0 => {
                        end = k;
                        break;
                    }
                    '}' => depth -= 1,
                    ',' if depth == 0 => cuts.push(k + 1),
                    _ => {}
                }
            }
            cuts.push(end + 1);
            let elements = cuts.windows(2).map(|w| &group[w[0]..w[1] - 1]);
            // The first name of each element (`a::B` uses module `a`).
            out.extend(elements.filter_map(|e| {
                e.split(|c: char| !(c.is_alphanumeric() || c == '_'))
                    .find(|w| !w.is_empty())
                    .map(String::from)
            }));
        } else {
            let end = rest
                .find(|c: char| !(c.is_alphanumeric() || c == '_'))
                .unwrap_or(rest.len());
            out.push(rest[..end].to_string());
        }
    }
    out
}

fn rust_files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for entry in fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

#[test]
fn no_module_uses_a_layer_above_its_own() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    // Root re-exports: `pub use drivers::{gradient, ..};` maps `gradient` to `drivers`.
    let lib = fs::read_to_string(src.join("lib.rs")).unwrap();
    let mut owner = BTreeMap::new();
    for stmt in lib
        .split(';')
        .filter_map(|s| s.trim().strip_prefix("pub use "))
    {
        if let Some((module, items)) = stmt.split_once("::") {
            for item in items.split(|c: char| !(c.is_alphanumeric() || c == '_')) {
                if !item.is_empty() {
                    owner.insert(item.to_string(), module.to_string());
                }
            }
        }
    }
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let mut violations = Vec::new();
    for path in files {
        let rel = path.strip_prefix(&src).unwrap();
        let first = rel.iter().next().unwrap().to_str().unwrap();
        let module = first.trim_end_matches(".rs");
        if module == "lib" {
            continue;
        }
        let own = layer(module).unwrap_or_else(|| panic!("{module} is in no layer"));
        let text = fs::read_to_string(&path).unwrap();
        let code: String = text
            .lines()
            .filter(|l| !l.trim_start().starts_with("//"))
            .collect::<Vec<_>>()
            .join("\n");
        for used in crate_paths(&code) {
            // Every path names the module that defines what it uses: an item the
            // root re-exports would hide the real edge of the graph.
            let Some(target) = layer(&used) else {
                let hint = owner
                    .get(&used)
                    .map_or(String::new(), |m| format!(" (write crate::{m}::{used})"));
                violations.push(format!(
                    "{} uses crate::{used}, not a module of a layer{hint}",
                    rel.display()
                ));
                continue;
            };
            if target > own {
                violations.push(format!("{} uses {used} (a layer above)", rel.display()));
            }
        }
    }
    assert!(
        violations.is_empty(),
        "imports that climb or hide the graph:\n{}",
        violations.join("\n")
    );
}

#[test]
fn the_path_scanner_finds_groups_and_paths() {
    let code = "use crate::{scalar::Base, Error};\nlet x = crate::drivers::gradient(f);";
    assert_eq!(crate_paths(code), ["scalar", "Error", "drivers"]);
    let nested = "use crate::{tape::{Var, record}, error::Error};";
    assert_eq!(crate_paths(nested), ["tape", "error"]);
}
