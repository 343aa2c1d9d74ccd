//! The layering of docs/architecture.md, kept true. The folders of `src/` are the
//! layers, bottom up ([`LAYERS`]); lib.rs declares each module with its file
//! (`#[path = "<layer>/..."] mod name;`), and that list is what this test reads.
//! Checked: every file of `src/` belongs to a declared module, every module sits in
//! a layer folder, and every `crate::x` path in code (comments excluded) names a
//! declared module (never an item re-exported at the root, which would hide the
//! real edge) of the file's own layer or below.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

/// The layers, bottom up: each is a folder of `src/`.
const LAYERS: [&str; 5] = ["core", "engines", "drivers", "users", "ecosystem"];

/// The modules lib.rs declares: name -> (layer index, path under `src/`).
fn declared_modules(lib: &str) -> BTreeMap<String, (usize, String)> {
    let mut out = BTreeMap::new();
    let mut path: Option<String> = None;
    for line in lib.lines().map(str::trim) {
        if let Some(rest) = line.strip_prefix("#[path = \"") {
            path = rest.split('"').next().map(String::from);
        } else if line.starts_with("mod ") || line.starts_with("pub mod ") {
            let name = line
                .trim_end_matches(';')
                .rsplit(' ')
                .next()
                .unwrap()
                .to_string();
            let p = path
                .take()
                .unwrap_or_else(|| panic!("module {name} has no #[path]"));
            let folder = p.split('/').next().unwrap();
            let layer = LAYERS
                .iter()
                .position(|l| *l == folder)
                .unwrap_or_else(|| panic!("module {name} is in {folder}/, not a layer folder"));
            out.insert(name, (layer, p));
        } else if !line.starts_with("#[") {
            path = None;
        }
    }
    out
}

/// The module a file belongs to: the one declared with that file, or whose
/// `mod.rs` folder holds it.
fn owner_of(rel: &str, modules: &BTreeMap<String, (usize, String)>) -> Option<(String, usize)> {
    modules
        .iter()
        .filter(|(_, (_, p))| {
            rel == p
                || p.strip_suffix("mod.rs")
                    .is_some_and(|dir| rel.starts_with(dir))
        })
        .max_by_key(|(_, (_, p))| p.len())
        .map(|(m, (l, _))| (m.clone(), *l))
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

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
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
    let lib = fs::read_to_string(src.join("lib.rs")).unwrap();
    let modules = declared_modules(&lib);
    assert!(modules.len() > 20, "lib.rs's module list was not read");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let mut violations = Vec::new();
    for path in files {
        let rel = path
            .strip_prefix(&src)
            .unwrap()
            .to_str()
            .unwrap()
            .replace('\\', "/");
        if rel == "lib.rs" {
            continue;
        }
        let Some((module, own)) = owner_of(&rel, &modules) else {
            violations.push(format!("{rel} belongs to no declared module"));
            continue;
        };
        let text = fs::read_to_string(&path).unwrap();
        let code: String = text
            .lines()
            .filter(|l| !l.trim_start().starts_with("//"))
            .collect::<Vec<_>>()
            .join("\n");
        for used in crate_paths(&code) {
            match modules.get(&used) {
                None => violations.push(format!(
                    "{rel} ({module}) uses crate::{used}, not a declared module (name the module that defines it)"
                )),
                Some(&(layer, _)) if layer > own => violations.push(format!(
                    "{rel} ({module}, {}) uses {used} ({}, a layer above)",
                    LAYERS[own], LAYERS[layer]
                )),
                Some(_) => {}
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
fn the_module_list_is_read_from_lib_rs() {
    let lib = "// core\n#[path = \"core/error.rs\"]\nmod error;\n#[cfg(test)]\n#[path = \"users/t/mod.rs\"]\npub mod t;";
    let m = declared_modules(lib);
    assert_eq!(m["error"], (0, "core/error.rs".to_string()));
    assert_eq!(m["t"], (3, "users/t/mod.rs".to_string()));
    assert_eq!(owner_of("users/t/a/b.rs", &m), Some(("t".to_string(), 3)));
    assert_eq!(owner_of("core/other.rs", &m), None);
}

#[test]
fn the_path_scanner_finds_groups_and_paths() {
    let code = "use crate::{scalar::Base, Error};\nlet x = crate::drivers::gradient(f);";
    assert_eq!(crate_paths(code), ["scalar", "Error", "drivers"]);
    let nested = "use crate::{tape::{Var, record}, error::Error};";
    assert_eq!(crate_paths(nested), ["tape", "error"]);
}
