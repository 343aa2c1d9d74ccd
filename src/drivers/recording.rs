//! [`Recording`]: a function recorded once at a point, and everything asked of it
//! side by side: value, gradient, Hessian-vector products, the Hessian. The tape
//! records and replays ([`crate::tape`]); this is the drivers' face of it.

use crate::dense::hessian as dense_hessian;
use crate::error::Error;
use crate::options::Options;
use crate::scalar::{Base, Scalar};
use crate::tape::{Recorded, Var};
use nalgebra::{DMatrix, DVector};

/// A function recorded at a point: value, gradient, and replays for Hessian-vector
/// products and Hessians, without running the function again.
///
/// Record once, then ask for as many Hessian-vector products as a Newton-CG or
/// trust-region solver needs; the sweep buffers are kept between calls.
///
/// ```
/// use hyperhess::Scalar;
/// fn f<S: Scalar>(x: &[S]) -> S { x[0] * x[0] * x[1] }
/// let rec = hyperhess::record(|x| f(x), &[1.0, 2.0]).unwrap();
/// assert_eq!(rec.value(), 2.0);
/// assert_eq!(rec.gradient().as_slice(), &[4.0, 1.0]);
/// assert_eq!(rec.hvp(&[1.0, 0.0]).unwrap().as_slice(), &[4.0, 2.0]);
/// assert_eq!(rec.hvp(&[0.0, 1.0]).unwrap().as_slice(), &[2.0, 0.0]);
/// ```
#[derive(Debug)]
pub struct Recording<T: Scalar + 'static = f64> {
    tape: Recorded<T>,
}

/// Records `f` at `x`. Errors: [`Error::EmptyInput`], [`Error::NonFiniteInput`],
/// [`Error::NonFiniteValue`], [`Error::NonFiniteGradient`], [`Error::TapeTooLarge`].
///
/// ```
/// use hyperhess::Scalar;
/// let rec = hyperhess::record(|x| x[0].exp(), &[0.0]).unwrap();
/// assert_eq!(rec.hessian().unwrap()[(0, 0)], 1.0);
/// ```
pub fn record<T, F>(f: F, x: &[T]) -> Result<Recording<T>, Error>
where
    T: Base,
    F: Fn(&[Var<T>]) -> Var<T>,
{
    // A recording is swept again and again (Hessians, `H v`): its sums built
    // term by term are fused into n-ary nodes (value and gradient as recorded).
    Ok(Recording {
        tape: Recorded::new(f, x)?.fused(),
    })
}

impl<T: Base> Recording<T> {
    /// The recorded tape, for the drivers' sweeps.
    pub(crate) fn tape(&self) -> &Recorded<T> {
        &self.tape
    }

    /// The recording, mutably (a prepared function moves it between points).
    pub(crate) fn tape_mut(&mut self) -> &mut Recorded<T> {
        &mut self.tape
    }

    /// A recording of the tape's.
    pub(crate) fn from_tape(tape: Recorded<T>) -> Self {
        Recording { tape }
    }

    /// Number of inputs.
    ///
    /// ```
    /// assert_eq!(hyperhess::record(|x| x[0] + x[1], &[1.0, 2.0]).unwrap().inputs(), 2);
    /// ```
    pub fn inputs(&self) -> usize {
        self.tape.inputs()
    }

    /// Number of recorded operations (inputs and the constant slot excluded).
    ///
    /// ```
    /// let rec = hyperhess::record(|x| x[0] * x[1] + x[0], &[1.0, 2.0]).unwrap();
    /// assert_eq!(rec.operations(), 2);
    /// ```
    pub fn operations(&self) -> usize {
        self.tape.operations()
    }

    /// Bytes the recorded operations take: 8 per node, the partials their kinds
    /// store, and the n-ary nodes' operands and coefficients (the inputs, the
    /// constant slot and the sweeps' buffers excluded).
    ///
    /// ```
    /// // x0 * x1 (8 bytes and two partials) and its sine (8 and two): 48 bytes;
    /// // the factor 3 and the offset 1 record nothing.
    /// use hyperhess::Scalar;
    /// let rec = hyperhess::record(|x| ((x[0] * x[1]) * 3.0 + 1.0).sin(), &[1.0, 2.0]).unwrap();
    /// assert_eq!((rec.operations(), rec.tape_bytes()), (2, 48));
    /// ```
    pub fn tape_bytes(&self) -> usize {
        self.tape.tape_bytes()
    }

    /// The function value at the recorded point.
    ///
    /// ```
    /// assert_eq!(hyperhess::record(|x| x[0] * 3.0, &[2.0]).unwrap().value(), 6.0);
    /// ```
    pub fn value(&self) -> T {
        self.tape.value()
    }

    /// The gradient at the recorded point (computed at recording, one reverse sweep).
    ///
    /// ```
    /// let rec = hyperhess::record(|x| x[0] * x[1], &[3.0, 5.0]).unwrap();
    /// assert_eq!(rec.gradient().as_slice(), &[5.0, 3.0]);
    /// ```
    pub fn gradient(&self) -> DVector<T> {
        self.tape.gradient()
    }

    /// Inputs the output does not depend on at all (structurally, from the tape).
    ///
    /// ```
    /// let rec = hyperhess::record(|x| x[0] * 2.0, &[1.0, 2.0]).unwrap();
    /// assert_eq!(rec.independent_inputs(), vec![1]);
    /// ```
    pub fn independent_inputs(&self) -> Vec<usize> {
        self.tape.independent_inputs()
    }

    /// The Hessian-vector product `H v` (one tangent sweep and one reverse sweep).
    ///
    /// Errors: [`Error::LengthMismatch`], [`Error::NonFiniteDirection`],
    /// [`Error::NonFiniteHessian`] (naming the row, column 0).
    ///
    /// ```
    /// let rec = hyperhess::record(|x| x[0] * x[1], &[3.0, 5.0]).unwrap();
    /// assert_eq!(rec.hvp(&[1.0, 1.0]).unwrap().as_slice(), &[1.0, 1.0]);
    /// ```
    pub fn hvp(&self, v: &[T]) -> Result<DVector<T>, Error> {
        self.tape.hvp(v)
    }

    /// The dense Hessian, exactly symmetric (one triangle is computed or recovered
    /// and mirrored, bit for bit), by the automatic rule of
    /// [`Sparsity::Auto`](crate::options::Sparsity::Auto).
    ///
    /// Errors: [`Error::NonFiniteHessian`] naming the first entry `(row <= col)`
    /// that is not finite, [`Error::OutOfMemory`] when the `n x n` result cannot be
    /// allocated.
    ///
    /// ```
    /// let rec = hyperhess::record(|x| x[0] * x[0] * x[1], &[1.0, 2.0]).unwrap();
    /// assert_eq!(rec.hessian().unwrap(), nalgebra::dmatrix![4.0, 2.0; 2.0, 0.0]);
    /// ```
    pub fn hessian(&self) -> Result<DMatrix<T>, Error> {
        self.hessian_with(&Options::default())
    }

    /// [`Recording::hessian`] with [`Options`] (strict, lane width, sparsity,
    /// parallel).
    ///
    /// ```
    /// use hyperhess::Options;
    /// let rec = hyperhess::record(|x| x[0] * x[0], &[1.0, 2.0]).unwrap();
    /// let strict = Options { strict: true, ..Options::default() };
    /// assert!(rec.hessian_with(&strict).is_err());
    /// ```
    pub fn hessian_with(&self, options: &Options) -> Result<DMatrix<T>, Error> {
        crate::strict::check(&self.tape, options, &[0, self.inputs()])?;
        dense_hessian(&self.tape, options)
    }
}
