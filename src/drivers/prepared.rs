//! [`Prepared`]: a function recorded once with its program, then evaluated at
//! every new point without running the function again (unless its path changes
//! there).

use crate::error::Error;
use crate::recording::Recording;
use crate::sparse::SparsePlan;
use crate::tape::{Recorded, Var};
use nalgebra::{DMatrix, DVector};
use nalgebra_sparse::CscMatrix;

/// A function prepared for evaluation at many points: recorded once, together
/// with a program that recomputes every recorded value and local partial at a new
/// point; the sweeps then run on the moved recording as on a fresh one. The
/// function itself runs again only where its path changes.
///
/// - **Exact and identical**: at a point where the function takes the recorded
///   path, the values, gradients, Hessian-vector products and Hessians are bit for
///   bit those of a fresh [`record`](crate::record) there.
/// - **Guards**: comparisons of variables (`<`, `==`, `max`, `min`, `is_finite`,
///   ...) are recorded with their outcomes; at a point where one comes out
///   differently, the function is recorded again there (and its program replaces
///   the old one: [`Prepared::rerecords`] counts these).
/// - **Opaque functions**: a function that reads a variable's value out as a
///   number (`Scalar::value`, [`Var::base_value`], the `num_traits` conversions)
///   could branch on it unseen, so it is recorded again at every point
///   ([`Prepared::is_replayable`] is then `false`): correct, not faster.
///
/// ```
/// use hyperhess::Scalar;
/// fn rosenbrock<S: Scalar>(x: &[S]) -> S {
///     x.windows(2).map(|w| (w[1] - w[0] * w[0]).powi(2) * 100.0 + (S::one() - w[0]).powi(2)).sum()
/// }
/// let mut f = hyperhess::prepare(|x| rosenbrock(x), &[0.0; 4]).unwrap();
/// let x = [-1.2, 1.0, -1.2, 1.0];
/// let g = f.gradient(&x).unwrap();           // the function does not run here
/// let h = f.sparse_hessian(&x).unwrap();
/// assert_eq!(g, hyperhess::gradient(|x| rosenbrock(x), &x).unwrap());
/// assert_eq!(h, hyperhess::sparse_hessian(|x| rosenbrock(x), &x).unwrap());
/// assert_eq!(f.rerecords(), 0);
/// ```
pub struct Prepared<F> {
    f: F,
    rec: Recording,
    /// The pattern and coloring of `sparse_hessian`, found at its first call, and
    /// the count of recordings made by then (while it holds, `rec` has the plan's
    /// operations: a program moves values and partials, never operations).
    plan: Option<(SparsePlan, usize)>,
    /// Whether `rec` is at the last point asked for (not after an error there).
    current: bool,
    /// That point (a call at the same point, bit for bit, reuses the recording).
    point: Vec<f64>,
    rerecords: usize,
}

impl<F> std::fmt::Debug for Prepared<F> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Prepared")
            .field("inputs", &self.rec.inputs())
            .field("operations", &self.rec.operations())
            .field("replayable", &self.rec.tape().is_replayable())
            .field("rerecords", &self.rerecords)
            .finish()
    }
}

/// Records `f` at `x` with its program, for evaluation at many points
/// ([`Prepared`]). Errors: those of [`record`](crate::record) at `x`.
///
/// ```
/// use hyperhess::Scalar;
/// let mut f = hyperhess::prepare(|x| x[0] * x[1].sin(), &[1.0, 0.0]).unwrap();
/// assert_eq!(f.value(&[2.0, 0.0]).unwrap(), 0.0);
/// assert_eq!(f.gradient(&[2.0, 0.0]).unwrap().as_slice(), &[0.0, 2.0]);
/// ```
pub fn prepare<F>(f: F, x: &[f64]) -> Result<Prepared<F>, Error>
where
    F: Fn(&[Var]) -> Var,
{
    let rec = Recording::from_tape(Recorded::new_replayable(&f, x)?);
    Ok(Prepared {
        f,
        rec,
        plan: None,
        current: true,
        point: x.to_vec(),
        rerecords: 0,
    })
}

impl<F> Prepared<F>
where
    F: Fn(&[Var]) -> Var,
{
    /// The recording at `x`: moved there by the program, or recorded again when
    /// the function's path differs there (at the last point, bit for bit, it is
    /// the recording already there: a gradient, then Hessian-vector products, then
    /// a Hessian at one point evaluate the program once). Errors: those of
    /// [`record`](crate::record) at `x`, and [`Error::LengthMismatch`] for a point
    /// of another length.
    ///
    /// ```
    /// use hyperhess::Scalar;
    /// let mut f = hyperhess::prepare(|x| x[0].exp() * x[1], &[0.0, 1.0]).unwrap();
    /// let rec = f.at(&[0.0, 2.0]).unwrap();
    /// assert_eq!(rec.gradient().as_slice(), &[2.0, 1.0]);
    /// assert_eq!(rec.hvp(&[1.0, 0.0]).unwrap().as_slice(), &[2.0, 1.0]);
    /// ```
    pub fn at(&mut self, x: &[f64]) -> Result<&Recording, Error> {
        if self.is_at(x) {
            return Ok(&self.rec);
        }
        self.moving_to(x);
        if !self.rec.tape_mut().reevaluate(x)? {
            self.record_at(x)?;
        }
        self.current = true;
        Ok(&self.rec)
    }

    /// Records the function again at `x` (its path differs there, or it is not
    /// replayable), its program replacing the old one.
    fn record_at(&mut self, x: &[f64]) -> Result<(), Error> {
        self.rec = Recording::from_tape(Recorded::new_replayable(&self.f, x)?);
        self.rerecords += 1;
        Ok(())
    }

    /// Whether the recording is at `x` (bit for bit) after a call without error.
    fn is_at(&self, x: &[f64]) -> bool {
        let p = &self.point;
        self.current
            && p.len() == x.len()
            && p.iter().zip(x).all(|(a, b)| a.to_bits() == b.to_bits())
    }

    /// Notes that the recording is being moved to `x` (not current until it is).
    fn moving_to(&mut self, x: &[f64]) {
        self.current = false;
        self.point.clear();
        self.point.extend_from_slice(x);
    }

    /// The value at `x`.
    ///
    /// ```
    /// let mut f = hyperhess::prepare(|x| x[0] * x[0], &[1.0]).unwrap();
    /// assert_eq!(f.value(&[3.0]).unwrap(), 9.0);
    /// ```
    pub fn value(&mut self, x: &[f64]) -> Result<f64, Error> {
        Ok(self.at(x)?.value())
    }

    /// The gradient at `x`.
    ///
    /// ```
    /// let mut f = hyperhess::prepare(|x| x[0] * x[0], &[1.0]).unwrap();
    /// assert_eq!(f.gradient(&[3.0]).unwrap()[0], 6.0);
    /// ```
    pub fn gradient(&mut self, x: &[f64]) -> Result<DVector<f64>, Error> {
        Ok(self.at(x)?.gradient())
    }

    /// The Hessian-vector product `H(x) v`. At a new point the program moves the
    /// recording there and one forward tangent sweep and one reverse sweep give
    /// the product, the first-order adjoints (the gradient) computed in that same
    /// reverse sweep; at the last point, only the two sweeps run. The bits of a
    /// fresh recording's [`Recording::hvp`].
    ///
    /// ```
    /// let mut f = hyperhess::prepare(|x| x[0] * x[1] * x[1], &[1.0, 1.0]).unwrap();
    /// assert_eq!(f.hvp(&[1.0, 2.0], &[1.0, 0.0]).unwrap().as_slice(), &[0.0, 4.0]);
    /// ```
    pub fn hvp(&mut self, x: &[f64], v: &[f64]) -> Result<DVector<f64>, Error> {
        if self.is_at(x) {
            return self.rec.hvp(v);
        }
        self.moving_to(x);
        if let Some(h) = self.rec.tape_mut().reevaluate_hvp(x, v)? {
            self.current = true;
            return Ok(h);
        }
        self.record_at(x)?;
        self.current = true;
        self.rec.hvp(v)
    }

    /// The dense Hessian at `x` ([`Recording::hessian`]).
    ///
    /// ```
    /// let mut f = hyperhess::prepare(|x| x[0] * x[1] * x[1], &[1.0, 1.0]).unwrap();
    /// let h = f.hessian(&[1.0, 2.0]).unwrap();
    /// assert_eq!(h, hyperhess::nalgebra::dmatrix![0.0, 4.0; 4.0, 2.0]);
    /// ```
    pub fn hessian(&mut self, x: &[f64]) -> Result<DMatrix<f64>, Error> {
        self.at(x)?.hessian()
    }

    /// The sparse Hessian at `x`: the pattern and coloring are found at the first
    /// call and kept ([`SparsePlan`]); a point where the path changes and the
    /// pattern grows gives [`Error::SparsityPatternChanged`].
    ///
    /// ```
    /// fn f<S: hyperhess::Scalar>(x: &[S]) -> S { x.windows(2).map(|w| w[0] * w[1]).sum() }
    /// let mut p = hyperhess::prepare(|x| f(x), &[1.0; 5]).unwrap();
    /// assert_eq!(p.sparse_hessian(&[2.0; 5]).unwrap().nnz(), 8);
    /// ```
    pub fn sparse_hessian(&mut self, x: &[f64]) -> Result<CscMatrix<f64>, Error> {
        self.at(x)?;
        let (plan, rec, same) = self.planned()?;
        plan.evaluate_at(rec, same)
    }

    /// The sparse Hessian's values at `x` into `out`, in the order of
    /// [`Prepared::sparse_plan`]'s pattern (that of
    /// [`Prepared::sparse_hessian`]'s values: the full symmetric matrix, column
    /// by column): what a solver that keeps one structure (Ipopt's `eval_h`)
    /// asks for, with nothing allocated. Errors: [`Error::LengthMismatch`] when
    /// `out` is not of the pattern's length, and those of
    /// [`Prepared::sparse_hessian`].
    ///
    /// ```
    /// fn f<S: hyperhess::Scalar>(x: &[S]) -> S { x.windows(2).map(|w| w[0] * w[1] * w[1]).sum() }
    /// let mut p = hyperhess::prepare(|x| f(x), &[1.0; 3]).unwrap();
    /// let mut h = vec![0.0; p.sparse_plan().unwrap().pattern().nnz()];
    /// p.sparse_hessian_values(&[1.0, 2.0, 3.0], &mut h).unwrap();
    /// assert_eq!(h, p.sparse_hessian(&[1.0, 2.0, 3.0]).unwrap().values());
    /// ```
    pub fn sparse_hessian_values(&mut self, x: &[f64], out: &mut [f64]) -> Result<(), Error> {
        self.at(x)?;
        let (plan, rec, same) = self.planned()?;
        plan.values_at(rec, same, out)
    }

    /// The pattern and coloring [`Prepared::sparse_hessian`] keeps, found at the
    /// current point (the last asked for, or the first) if no sparse Hessian was
    /// taken yet.
    ///
    /// ```
    /// fn f<S: hyperhess::Scalar>(x: &[S]) -> S { x.windows(2).map(|w| w[0] * w[1]).sum() }
    /// let mut p = hyperhess::prepare(|x| f(x), &[1.0; 5]).unwrap();
    /// assert_eq!(p.sparse_plan().unwrap().pattern().nnz(), 8);
    /// ```
    pub fn sparse_plan(&mut self) -> Result<&SparsePlan, Error> {
        Ok(self.planned()?.0)
    }

    /// The kept plan (made from the recording now held if there is none), that
    /// recording, and whether it has the plan's operations: without comparing them
    /// when no recording was made since the plan was (a program moves values and
    /// partials, never operations).
    fn planned(&mut self) -> Result<(&SparsePlan, &Recorded, bool), Error> {
        if self.plan.is_none() {
            let plan = SparsePlan::from_recording(self.rec.tape(), None)?;
            self.plan = Some((plan, self.rerecords));
        }
        let (plan, made) = self.plan.as_ref().expect("set above");
        let rec = self.rec.tape();
        let same = *made == self.rerecords || plan.has_operations_of(rec);
        Ok((plan, rec, same))
    }

    /// The recording at the last point asked for, or `None` after an error there.
    ///
    /// ```
    /// let mut f = hyperhess::prepare(|x| x[0] * x[0], &[1.0]).unwrap();
    /// f.value(&[2.0]).unwrap();
    /// assert_eq!(f.recording().unwrap().value(), 4.0);
    /// ```
    pub fn recording(&self) -> Option<&Recording> {
        self.current.then_some(&self.rec)
    }

    /// Whether new points are reached by the program (`false`: the function read
    /// a value out, and is recorded at every point).
    ///
    /// ```
    /// use hyperhess::Scalar;
    /// let f = hyperhess::prepare(|x| x[0].max(x[1]), &[1.0, 2.0]).unwrap();
    /// assert!(f.is_replayable()); // a comparison is a guard
    /// let g = hyperhess::prepare(|x| if x[0].value() > 0.0 { x[0] } else { -x[0] }, &[1.0]).unwrap();
    /// assert!(!g.is_replayable());
    /// ```
    pub fn is_replayable(&self) -> bool {
        self.rec.tape().is_replayable()
    }

    /// How many times the function was recorded again since [`prepare`] (a guard
    /// flipped, or the function is not replayable).
    ///
    /// ```
    /// use hyperhess::Scalar;
    /// let mut f = hyperhess::prepare(|x| x[0].abs(), &[1.0]).unwrap();
    /// f.gradient(&[2.0]).unwrap();
    /// assert_eq!(f.rerecords(), 0); // |x| is one rule: no branch
    /// let mut g = hyperhess::prepare(|x| x[0].max(x[1]), &[1.0, 2.0]).unwrap();
    /// assert_eq!(g.gradient(&[3.0, 2.0]).unwrap().as_slice(), &[1.0, 0.0]);
    /// assert_eq!(g.rerecords(), 1); // the other branch
    /// ```
    pub fn rerecords(&self) -> usize {
        self.rerecords
    }

    /// Bytes the program takes (instructions, item lists and value slots, and,
    /// once evaluated, the loops found in it and in the recording with the scratch
    /// of their sweeps: a few numbers per repetition of a block of 256), besides
    /// the recording's own ([`Recording::tape_bytes`]). Recorded: one instruction
    /// (40 bytes) and one value slot (8) per operation on a variable. Once
    /// evaluated at another point, a loop keeps the instructions of its first
    /// repetition only and its values read within a repetition share one
    /// scratch: a sum of terms then takes well under its recording (Rosenbrock
    /// at n = 10^5: 36.4 MB before the first evaluation, 8.4 MB after, against a
    /// tape of 11.6 MB).
    ///
    /// ```
    /// let mut f = hyperhess::prepare(|x| x[0] * x[1], &[1.0, 2.0]).unwrap();
    /// f.gradient(&[3.0, 4.0]).unwrap();
    /// assert!(f.bytes() > 0);
    /// ```
    pub fn bytes(&self) -> usize {
        self.rec.tape().program_bytes()
    }

    /// The function (as given to [`prepare`]).
    ///
    /// ```
    /// let f = hyperhess::prepare(|x| x[0] * 2.0, &[1.0]).unwrap();
    /// let again = hyperhess::gradient(f.function(), &[3.0]).unwrap();
    /// assert_eq!(again[0], 2.0);
    /// ```
    pub fn function(&self) -> &F {
        &self.f
    }
}

/// The recording of `f` at `x` for a caller that evaluates one function at many
/// points and keeps the last recording (the Newton loop): `kept` moved to `x` by
/// its program when it can be, else `f` recorded there with a program.
pub(crate) fn replay_or_record<F>(
    kept: Option<Recording>,
    f: F,
    x: &[f64],
) -> Result<Recording, Error>
where
    F: Fn(&[Var]) -> Var,
{
    if let Some(mut rec) = kept
        && rec.tape_mut().reevaluate(x)?
    {
        return Ok(rec);
    }
    Ok(Recording::from_tape(Recorded::new_replayable(f, x)?))
}
