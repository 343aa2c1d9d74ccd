//! What [`solve`](super::solve) returns: the solution with its multipliers
//! ([`IpoptSolution`]), Ipopt's status ([`IpoptStatus`]) and where the time went
//! ([`Evaluations`]).

use std::time::Duration;

/// Ipopt's `ApplicationReturnStatus`. [`solve`](super::solve) returns `Ok` for
/// [`IpoptStatus::is_success`] statuses and [`Error::SolverFailed`] (with the
/// code) for the others.
///
/// [`Error::SolverFailed`]: crate::Error::SolverFailed
///
/// ```
/// use hyperhess::ipopt::IpoptStatus;
/// assert_eq!(IpoptStatus::from_code(-1), IpoptStatus::MaximumIterationsExceeded);
/// assert_eq!(IpoptStatus::from_code(-1).code(), -1);
/// assert!(IpoptStatus::SolvedToAcceptableLevel.is_success());
/// assert_eq!(IpoptStatus::from_code(42), IpoptStatus::Other(42));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum IpoptStatus {
    /// `Solve_Succeeded` (0): converged to `tol`.
    SolveSucceeded,
    /// `Solved_To_Acceptable_Level` (1): converged to the `acceptable_*` tolerances.
    SolvedToAcceptableLevel,
    /// `Infeasible_Problem_Detected` (2).
    InfeasibleProblemDetected,
    /// `Search_Direction_Becomes_Too_Small` (3).
    SearchDirectionBecomesTooSmall,
    /// `Diverging_Iterates` (4).
    DivergingIterates,
    /// `User_Requested_Stop` (5).
    UserRequestedStop,
    /// `Feasible_Point_Found` (6): a square problem's feasible point.
    FeasiblePointFound,
    /// `Maximum_Iterations_Exceeded` (-1).
    MaximumIterationsExceeded,
    /// `Restoration_Failed` (-2).
    RestorationFailed,
    /// `Error_In_Step_Computation` (-3).
    ErrorInStepComputation,
    /// `Maximum_CpuTime_Exceeded` (-4).
    MaximumCpuTimeExceeded,
    /// `Not_Enough_Degrees_Of_Freedom` (-10).
    NotEnoughDegreesOfFreedom,
    /// `Invalid_Problem_Definition` (-11).
    InvalidProblemDefinition,
    /// `Invalid_Option` (-12).
    InvalidOption,
    /// `Invalid_Number_Detected` (-13): an evaluation returned NaN or infinity, or
    /// failed.
    InvalidNumberDetected,
    /// `Unrecoverable_Exception` (-100).
    UnrecoverableException,
    /// `NonIpopt_Exception_Thrown` (-101).
    NonIpoptExceptionThrown,
    /// `Insufficient_Memory` (-102).
    InsufficientMemory,
    /// `Internal_Error` (-199).
    InternalError,
    /// A code this version does not know.
    Other(i32),
}

/// Every named status with its code.
const CODES: [(IpoptStatus, i32); 19] = [
    (IpoptStatus::SolveSucceeded, 0),
    (IpoptStatus::SolvedToAcceptableLevel, 1),
    (IpoptStatus::InfeasibleProblemDetected, 2),
    (IpoptStatus::SearchDirectionBecomesTooSmall, 3),
    (IpoptStatus::DivergingIterates, 4),
    (IpoptStatus::UserRequestedStop, 5),
    (IpoptStatus::FeasiblePointFound, 6),
    (IpoptStatus::MaximumIterationsExceeded, -1),
    (IpoptStatus::RestorationFailed, -2),
    (IpoptStatus::ErrorInStepComputation, -3),
    (IpoptStatus::MaximumCpuTimeExceeded, -4),
    (IpoptStatus::NotEnoughDegreesOfFreedom, -10),
    (IpoptStatus::InvalidProblemDefinition, -11),
    (IpoptStatus::InvalidOption, -12),
    (IpoptStatus::InvalidNumberDetected, -13),
    (IpoptStatus::UnrecoverableException, -100),
    (IpoptStatus::NonIpoptExceptionThrown, -101),
    (IpoptStatus::InsufficientMemory, -102),
    (IpoptStatus::InternalError, -199),
];

impl IpoptStatus {
    /// The status of Ipopt's code.
    ///
    /// ```
    /// use hyperhess::ipopt::IpoptStatus;
    /// assert_eq!(IpoptStatus::from_code(2), IpoptStatus::InfeasibleProblemDetected);
    /// ```
    pub fn from_code(code: i32) -> Self {
        CODES
            .iter()
            .find(|&&(_, c)| c == code)
            .map_or(IpoptStatus::Other(code), |&(s, _)| s)
    }

    /// Ipopt's code.
    ///
    /// ```
    /// assert_eq!(hyperhess::ipopt::IpoptStatus::InvalidOption.code(), -12);
    /// ```
    pub fn code(self) -> i32 {
        match self {
            IpoptStatus::Other(code) => code,
            named => CODES
                .iter()
                .find(|&&(s, _)| s == named)
                .map_or(i32::MIN, |&(_, c)| c),
        }
    }

    /// Whether the status is a solution: converged (to `tol` or to the acceptable
    /// tolerances) or, for a square problem, a feasible point.
    ///
    /// ```
    /// use hyperhess::ipopt::IpoptStatus;
    /// assert!(IpoptStatus::SolveSucceeded.is_success());
    /// assert!(!IpoptStatus::RestorationFailed.is_success());
    /// ```
    pub fn is_success(self) -> bool {
        matches!(
            self,
            IpoptStatus::SolveSucceeded
                | IpoptStatus::SolvedToAcceptableLevel
                | IpoptStatus::FeasiblePointFound
        )
    }

    /// What the status means, in words.
    ///
    /// ```
    /// use hyperhess::ipopt::IpoptStatus;
    /// assert_eq!(IpoptStatus::MaximumIterationsExceeded.message(), "maximum number of iterations exceeded");
    /// ```
    pub fn message(self) -> &'static str {
        match self {
            IpoptStatus::SolveSucceeded => "optimal solution found",
            IpoptStatus::SolvedToAcceptableLevel => "solved to an acceptable level",
            IpoptStatus::InfeasibleProblemDetected => "the problem may be infeasible",
            IpoptStatus::SearchDirectionBecomesTooSmall => "the search direction became too small",
            IpoptStatus::DivergingIterates => "the iterates diverge",
            IpoptStatus::UserRequestedStop => "stopped on request",
            IpoptStatus::FeasiblePointFound => "a feasible point of a square problem found",
            IpoptStatus::MaximumIterationsExceeded => "maximum number of iterations exceeded",
            IpoptStatus::RestorationFailed => "the restoration phase failed",
            IpoptStatus::ErrorInStepComputation => "error in the step computation",
            IpoptStatus::MaximumCpuTimeExceeded => "maximum CPU time exceeded",
            IpoptStatus::NotEnoughDegreesOfFreedom => "not enough degrees of freedom",
            IpoptStatus::InvalidProblemDefinition => "invalid problem definition",
            IpoptStatus::InvalidOption => "invalid option",
            IpoptStatus::InvalidNumberDetected => {
                "an evaluation failed or returned NaN or infinity"
            }
            IpoptStatus::UnrecoverableException => "unrecoverable exception",
            IpoptStatus::NonIpoptExceptionThrown => "an exception not of Ipopt was thrown",
            IpoptStatus::InsufficientMemory => "insufficient memory",
            IpoptStatus::InternalError => "internal error",
            IpoptStatus::Other(_) => "unknown status",
        }
    }
}

/// How often Ipopt called one of our evaluations, and the time they took.
///
/// ```
/// let t = hyperhess::ipopt::Timing::default();
/// assert_eq!((t.calls, t.time), (0, std::time::Duration::ZERO));
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Timing {
    /// Calls (structure queries excluded).
    pub calls: usize,
    /// Their total wall-clock time.
    pub time: Duration,
}

/// Our side of a solve: each callback's [`Timing`] (plain `f64` evaluations of `f`
/// and `g`, the recorded gradient, Jacobian and Lagrangian Hessian) and the
/// preparation of the [`LagrangianPlan`](crate::LagrangianPlan).
///
/// ```
/// let e = hyperhess::ipopt::Evaluations::default();
/// assert_eq!(e.total(), std::time::Duration::ZERO);
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Evaluations {
    /// Building the plan (one recording, the structures and colorings).
    pub plan: Duration,
    /// `eval_f`: the objective on `f64`.
    pub objective: Timing,
    /// `eval_g`: the constraints on `f64`.
    pub constraints: Timing,
    /// `eval_grad_f`: the objective's gradient (a recording of the objective).
    pub gradient: Timing,
    /// `eval_jac_g`: the constraint Jacobian's values.
    pub jacobian: Timing,
    /// `eval_h`: the Lagrangian Hessian's values.
    pub hessian: Timing,
}

impl Evaluations {
    /// The plan and every callback, together.
    ///
    /// ```
    /// use hyperhess::ipopt::{Evaluations, Timing};
    /// use std::time::Duration;
    /// let t = Timing { calls: 1, time: Duration::from_millis(2) };
    /// let e = Evaluations { hessian: t, jacobian: t, ..Evaluations::default() };
    /// assert_eq!(e.total(), Duration::from_millis(4));
    /// ```
    pub fn total(&self) -> Duration {
        self.plan
            + self.objective.time
            + self.constraints.time
            + self.gradient.time
            + self.jacobian.time
            + self.hessian.time
    }
}

/// A solution from Ipopt.
///
/// Sign conventions are Ipopt's: the Lagrangian is
/// `f(x) + lambdaᵀ g(x) - z_lowerᵀ (x - x_lower) + z_upperᵀ (x - x_upper)`, with
/// `z_lower, z_upper >= 0`.
///
/// ```
/// use hyperhess::ipopt::{Bounds, IpoptOptions, solve};
/// use hyperhess::testfns::Hs071;
/// let bounds = Bounds::free(4, 2).variables(1.0, 5.0)
///     .constraint(0, 25.0, f64::INFINITY).constraint(1, 40.0, 40.0);
/// let s = solve(&Hs071, &bounds, &[1.0, 5.0, 5.0, 1.0], &IpoptOptions::default()).unwrap();
/// assert!((s.objective - 17.0140173).abs() < 1e-6);
/// println!("{} iterations, {:?} in our evaluations", s.iterations, s.evaluations.total());
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct IpoptSolution {
    /// The solution `x*` (length `n`).
    pub x: Vec<f64>,
    /// `f(x*)`, evaluated at [`IpoptSolution::x`] (Ipopt's own value is its last
    /// iterate's, before it moves `x` back into the original bounds, which it
    /// relaxes by `bound_relax_factor` while solving).
    pub objective: f64,
    /// `g(x*)` (length `m`), evaluated at [`IpoptSolution::x`].
    pub constraints: Vec<f64>,
    /// The constraints' multipliers (length `m`).
    pub lambda: Vec<f64>,
    /// The lower bounds' multipliers (length `n`, zero where unbounded).
    pub z_lower: Vec<f64>,
    /// The upper bounds' multipliers (length `n`, zero where unbounded).
    pub z_upper: Vec<f64>,
    /// Ipopt's iterations (from its intermediate callback).
    pub iterations: usize,
    /// How Ipopt stopped (a success: [`IpoptStatus::is_success`]).
    pub status: IpoptStatus,
    /// Our evaluations' calls and times.
    pub evaluations: Evaluations,
}
