//! A crate that depends on hyperhess alone (`Cargo.toml`: one path dependency), as a
//! new user's crate does: README's code blocks compile and run here as this crate's
//! doctests, so none of them can lean on a dependency a user would not have.
//!
//! The trap this guards (issue 20): nalgebra's macros (`dmatrix!`, `vector!`, ...)
//! expand to paths that start with `nalgebra::`. In a crate without its own
//! `nalgebra` dependency, `hyperhess::nalgebra::dmatrix![..]` alone does not compile,
//! and the compiler's help, ``use `cargo add nalgebra` ``, adds nalgebra 0.35, whose
//! matrices are not the 0.34 matrices hyperhess returns. `use hyperhess::nalgebra;`
//! puts our re-export in scope under that name, and the macros then find it:
//!
//! ```
//! use hyperhess::nalgebra;
//!
//! let h = hyperhess::hessian(|x| x[0] * x[1], &[1.0, 2.0]).unwrap();
//! assert_eq!(h, nalgebra::dmatrix![0.0, 1.0; 1.0, 0.0]);
//! assert_eq!(h, hyperhess::nalgebra::dmatrix![0.0, 1.0; 1.0, 0.0]); // `nalgebra` in scope
//! ```
//!
//! Without the `use`, the same macro does not compile here (E0433, "cannot find
//! module or crate `nalgebra`"):
//!
//! ```compile_fail,E0433
//! let h = hyperhess::hessian(|x| x[0] * x[1], &[1.0, 2.0]).unwrap();
//! assert_eq!(h, hyperhess::nalgebra::dmatrix![0.0, 1.0; 1.0, 0.0]);
//! ```
//!
//! The types themselves need no `use`:
//!
//! ```
//! let h: hyperhess::nalgebra::DMatrix<f64> = hyperhess::hessian(|x| x[0] * x[0], &[3.0]).unwrap();
//! assert_eq!(h[(0, 0)], 2.0);
//! ```

#[cfg(doctest)]
#[doc = include_str!("../../../README.md")]
struct Readme;

#[cfg(test)]
mod tests {
    /// The crate docs of hyperhess (src/lib.rs) bring `hyperhess::nalgebra` into scope
    /// before their first use of nalgebra, as README's quick start does.
    #[test]
    fn crate_docs_and_readme_use_the_reexport_first() {
        let lib = include_str!("../../../src/lib.rs");
        let docs: String = lib
            .lines()
            .filter_map(|l| l.strip_prefix("//!"))
            .map(|l| format!("{}\n", l.strip_prefix(' ').unwrap_or(l)))
            .collect();
        let readme = include_str!("../../../README.md");
        // Both also show a nalgebra macro through it.
        for (name, text) in [("src/lib.rs", docs.as_str()), ("README.md", readme)] {
            let code = first_rust_block(text);
            let use_at = code.find("use hyperhess::nalgebra;");
            let first = code.find("nalgebra::");
            assert!(
                matches!((use_at, first), (Some(u), Some(f)) if u < f),
                "{name}: the first code block should `use hyperhess::nalgebra;` before any \
                 `nalgebra::` path:\n{code}"
            );
        }
    }

    /// The first fenced Rust block of a Markdown text (```` ``` ```` or ```` ```rust ````).
    fn first_rust_block(text: &str) -> &str {
        let mut rest = text;
        while let Some(open) = rest.find("```") {
            let after = &rest[open + 3..];
            let line_end = after.find('\n').unwrap_or(after.len());
            let lang = after[..line_end].trim();
            let body = &after[line_end..];
            let close = body.find("```").unwrap_or(body.len());
            if lang.is_empty() || lang.starts_with("rust") {
                return &body[..close];
            }
            rest = &body[(close + 3).min(body.len())..];
        }
        ""
    }
}
