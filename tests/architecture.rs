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
            "blocks", "drivers", "hessian", "jacobian", "shape", "sparse",
        ],
    ),
    (
        "users",
        &["argmin", "check", "ndarray", "newton", "nlp", "testfns"],
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
            let end = group.find('}').unwrap_or(group.len());
            out.extend(
                group[..end]
                    .split(|c: char| !(c.is_alphanumeric() || c == '_'))
                    .filter(|w| !w.is_empty())
                    .map(String::from),
            );
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
            let target = if layer(&used).is_some() {
                used.clone()
            } else {
                match owner.get(&used) {
                    Some(m) => m.clone(),
                    None => continue,
                }
            };
            if layer(&target).is_some_and(|l| l > own) {
                violations.push(format!("{} uses {used} ({target})", rel.display()));
            }
        }
    }
    assert!(
        violations.is_empty(),
        "upward imports:\n{}",
        violations.join("\n")
    );
}

#[test]
fn the_path_scanner_finds_groups_and_paths() {
    let code = "use crate::{scalar::Base, Error};\nlet x = crate::drivers::gradient(f);";
    assert_eq!(crate_paths(code), ["scalar", "Base", "Error", "drivers"]);
}
