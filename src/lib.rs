//! # hyperhess
//!
//! Exact first and second derivatives of generic Rust functions.
//!
//! Write the function once, generically over [`Scalar`], and ask for its value,
//! gradient, Hessian, Hessian-vector products or a Newton step; results are exact
//! (no truncation error) and come back as nalgebra types.
//!
//! ```
//! use hyperhess::Scalar;
//! use hyperhess::nalgebra; // the nalgebra (0.34) of the results; not `cargo add nalgebra`
//!
//! fn f<S: Scalar>(x: &[S]) -> S {
//!     x[0] * x[1].powi(3) - x[0] * 7.0
//! }
//!
//! let x = [1.0, 2.0];
//! assert_eq!(f(&x), 1.0); // plain f64, full speed
//! let d = hyperhess::derivatives(|x| f(x), &x).unwrap(); // one recording
//! assert_eq!(d.gradient.as_slice(), &[1.0, 12.0]);
//! assert_eq!(d.hessian, nalgebra::dmatrix![0.0, 12.0; 12.0, 12.0]);
//! let hv = hyperhess::hvp(|x| f(x), &x, &[1.0, 0.0]).unwrap();
//! assert_eq!(hv.as_slice(), &[0.0, 12.0]);
//! ```
//!
//! `use hyperhess::nalgebra;` first: nalgebra's macros (`dmatrix!`, `vector!`, ...)
//! expand to `nalgebra::...` paths, and the `use` makes those the version the
//! results are in. Without it, in a crate with no nalgebra of its own,
//! `hyperhess::nalgebra::dmatrix!` does not compile, and the compiler's suggestion
//! (`cargo add nalgebra`) brings nalgebra 0.35, a different type (README,
//! "Versions and re-exports").
//!
//! ## Two engines
//! - **Forward-over-reverse** (the default: [`gradient`], [`hessian`], [`hvp`],
//!   [`derivatives`], [`record`], [`sparse_hessian`]): the function is recorded once
//!   on a tape; gradients come from one reverse sweep, Hessian-vector products
//!   from a tangent sweep and a reverse sweep of dual adjoints, the dense Hessian
//!   from `n / L` sweeps of `L` lanes, or, when its sparsity pattern allows, from a
//!   few compressed sweeps ([`Sparsity`]).
//! - **Forward** ([`forward`]): [`Dual`] and [`HyperDual`] numbers pushed through the
//!   function, one evaluation per seed pair; simple, `O(n²)` evaluations, the
//!   reference the tape is tested against.
//!
//! Both read every elementary function's derivatives from one table ([`rules`]).
//!
//! ## The Rust numerical ecosystem
//! - [`nalgebra`], [`nalgebra_sparse`] and [`num_traits`] are re-exported at the
//!   versions the drivers use.
//! - [`Dual`], [`HyperDual`] and [`Var`] implement `num_traits::Float` (and
//!   `FloatConst`, `Num`, `NumCast`, `Signed`, ...), so code generic over `Float`
//!   differentiates unchanged; every number type implements nalgebra's
//!   `RealField`, and [`Scalar`] implies nalgebra's `Scalar` and `SimdRealField`,
//!   so a function generic over `Scalar` may use `Vector3`/`Matrix3` (`norm`,
//!   `dot`, `cross`, ...) on every engine, the tape included:
//!
//! ```
//! use hyperhess::Scalar;
//! use hyperhess::nalgebra::Vector3;
//!
//! fn angle<S: Scalar>(x: &[S]) -> S {
//!     let (a, b) = (Vector3::new(x[0], x[1], x[2]), Vector3::new(x[3], x[4], x[5]));
//!     a.cross(&b).norm().atan2(a.dot(&b))
//! }
//! let x = [1.0, 0.0, 0.0, 0.0, 1.0, 0.0];
//! let g = hyperhess::gradient(angle, &x).unwrap(); // the tape
//! assert!((g[1] + 1.0).abs() < 1e-15); // tilting a towards b closes the angle
//! assert!((hyperhess::forward::gradient(angle, &x).unwrap() - g).amax() < 1e-15);
//! ```
//!
//! - Feature `ndarray`: `hyperhess::ndarray` takes `ArrayView1` points and
//!   returns `Array1`/`Array2`.
//!
//! ## Trade-offs
//! - Pass a generic function by name (`hessian(f, &x)`) or as a closure written in
//!   the call (`|x| f(x)`). For functions that carry data, implement
//!   [`Objective`].
//! - [`Var`] has no lifetime: it finds its tape through its recording's id among
//!   the recordings active on its thread, so it is `'static` (nalgebra holds it)
//!   and drivers nest. Misuse that the lifetime made a compile error (a variable
//!   kept after its recording, sent to another thread, or mixed across two
//!   recordings) is now a typed error, [`Error::ForeignVariable`].
//! - [`Scalar`] requires `Copy`: number types are small values, and user code reads
//!   like `f64` code (no clones). Dynamic-width derivative parts are therefore not
//!   offered; lanes are a const width inside the sweeps instead.
//! - Comparisons compare values only, so branches behave as on `f64`; a recording
//!   freezes the branches taken (see `docs/limitations.md`).

//! ## Layers
//! The folders of `src/` are the layers, bottom up; each module uses only modules
//! of its own layer or below (`docs/architecture.md` has the graph,
//! `tests/architecture.rs` checks it).
//! - **core**: `rules` (the one table), `scalar` ([`Scalar`], [`Base`]; `rules <->
//!   scalar` is the one allowed cycle: the table's Taylor triples are computed in any
//!   `Scalar`, which is what makes nesting work), `objective` ([`Objective`]),
//!   `error`, `options`, `number_ops`.
//! - **engines**: [`forward`] (dual numbers, seed-pair and static drivers), `tape`
//!   (record and replay; buffers only).
//! - **drivers**: `front_door` (gradient, hvp, hessian, derivatives), `recording`
//!   ([`Recording`]), `dense` (dense sweeps and the automatic rule), `strict`,
//!   `sparse` (patterns, colorings, plans), `jacobians` ([`jacobian`],
//!   [`sparse_jacobian`]), `blocks` and `shape` (several or shaped inputs), `batch`
//!   ([`hessian_batch`], [`gradient_batch`]: one objective at many points, on
//!   threads).
//! - **users**: `newton`, `nlp` ([`Nlp`], [`LagrangianPlan`]), [`check`],
//!   [`argmin`](crate#features), [`ipopt`](crate#features), [`testfns`].
//! - **ecosystem**: `number_traits` (num-traits and simba on the number types),
//!   `ndarray`.
//!
//! ## Features
//! `parallel` (rayon column blocks), `argmin` (the `argmin` module: argmin's
//! `CostFunction`/`Gradient`/`Hessian` for an [`Objective`]), `ipopt` (the
//! `ipopt` module: Ipopt solves an [`Nlp`] with this crate's exact gradient,
//! Jacobian and Lagrangian Hessian; links the system's `libipopt`), `proptest`
//! (`check::strategies`).

#![warn(missing_docs)]

// The README's code blocks are doctests of tests/quickstart, a crate that depends
// on hyperhess alone (as a user's does), so its promises are what compiles there.

// The folders are the layers (docs/architecture.md): each module is declared with
// its file, `src/<layer>/...`, and uses only modules of its own layer or below
// (tests/architecture.rs reads this list).
//
// core: the one rule table and the number contract.
#[path = "core/error.rs"]
mod error;
#[path = "core/number_ops.rs"]
mod number_ops;
#[path = "core/objective.rs"]
mod objective;
#[path = "core/options.rs"]
mod options;
#[path = "core/rules/mod.rs"]
pub mod rules;
#[cfg(test)]
#[path = "core/rules_coverage.rs"]
mod rules_coverage;
#[path = "core/scalar/mod.rs"]
mod scalar;
// engines: the number types and the tape.
#[path = "engines/forward/mod.rs"]
pub mod forward;
#[path = "engines/memory.rs"]
pub mod memory;
#[path = "engines/tape/mod.rs"]
mod tape;
// drivers: what is asked of a function at a point.
#[path = "drivers/batch/mod.rs"]
mod batch;
#[path = "drivers/blocks.rs"]
mod blocks;
#[path = "drivers/dense.rs"]
mod dense;
#[path = "drivers/front_door.rs"]
mod front_door;
#[path = "drivers/jacobians/mod.rs"]
mod jacobians;
#[path = "drivers/prepared.rs"]
mod prepared;
#[path = "drivers/recording.rs"]
mod recording;
#[path = "drivers/shape.rs"]
mod shape;
#[path = "drivers/sparse/mod.rs"]
mod sparse;
#[path = "drivers/strict.rs"]
mod strict;
#[path = "drivers/third.rs"]
mod third;
// users: loops around the drivers (Newton, constrained problems, checks).
#[cfg(feature = "argmin")]
#[path = "users/argmin.rs"]
pub mod argmin;
#[path = "users/check/mod.rs"]
pub mod check;
#[cfg(feature = "ipopt")]
#[path = "users/ipopt/mod.rs"]
pub mod ipopt;
#[path = "users/newton/mod.rs"]
mod newton;
#[path = "users/nlp/mod.rs"]
mod nlp;
#[path = "users/testfns/mod.rs"]
pub mod testfns;
// ecosystem: other crates' traits and types for ours.
#[cfg(feature = "ndarray")]
#[path = "ecosystem/ndarray.rs"]
pub mod ndarray;
#[path = "ecosystem/number_traits/mod.rs"]
mod number_traits;

pub use batch::{
    Batch, BatchOptions, gradient_batch, gradient_batch_into, hessian_batch, hessian_batch_into,
};
pub use blocks::{
    BlockHessian, ShapedHessian, hessian_blocks, hessian_blocks_with, hessian_shaped,
};
pub use error::Error;
pub use forward::{Dual, Dual2, HyperDual};
pub use front_door::{
    Derivatives, derivatives, derivatives_of, gradient, gradient_with, hessian, hessian_with, hvp,
    hvp_with,
};
pub use jacobians::{jacobian, sparse_jacobian};
pub use newton::{
    MinimizeOptions, Minimum, NewtonMethod, NewtonOptions, NewtonStep, NewtonWork, NewtonWorkspace,
    Stopping, minimize_newton, newton_step,
};
pub use nlp::{LagrangianPlan, Nlp, NlpValues, PreparedNlp};
pub use objective::Objective;
pub use options::{Options, Sparsity};
pub use prepared::{Prepared, prepare};
pub use recording::{Recording, record};
pub use scalar::{Base, Determinant, Scalar};
pub use shape::{AsShaped, Shaped};
pub use sparse::{
    AcyclicColoring, Coloring, ColoringKind, Order, SparsePlan, SparsityPattern, StarColoring,
    hessian_diagonal, sparse_hessian,
};
pub use tape::Var;
pub use third::{third_derivative, third_derivative_tensor};

/// nalgebra 0.34, re-exported: the matrix types the drivers return
/// (`hyperhess::nalgebra::DMatrix`), at the version they are built with.
///
/// ```
/// use hyperhess::nalgebra::DMatrix;
/// let h: DMatrix<f64> = hyperhess::hessian(|x| x[0] * x[1], &[1.0, 2.0]).unwrap();
/// assert_eq!(h, DMatrix::from_row_slice(2, 2, &[0.0, 1.0, 1.0, 0.0]));
/// ```
pub use nalgebra;
/// nalgebra-sparse 0.11, re-exported: [`sparse_hessian`] returns its `CscMatrix`.
///
/// ```
/// use hyperhess::nalgebra_sparse::CscMatrix;
/// let h: CscMatrix<f64> = hyperhess::sparse_hessian(|x| x[0] * x[1], &[1.0, 2.0]).unwrap();
/// assert_eq!(h.nnz(), 2);
/// ```
pub use nalgebra_sparse;
/// num-traits 0.2, re-exported: [`Dual`], [`HyperDual`] and [`Var`] implement its
/// `Float`, `FloatConst`, `Num`, `NumCast`, `Signed`, ... (code generic over
/// `num_traits::Float` differentiates unchanged).
///
/// ```
/// use hyperhess::num_traits::Float;
/// fn f<T: Float>(x: &[T]) -> T { x[0].sin() * x[1].exp() }
/// let g = hyperhess::gradient(|x| f(x), &[0.0, 0.0]).unwrap();
/// assert_eq!(g.as_slice(), &[1.0, 0.0]);
/// ```
pub use num_traits;
