//! What [`solve`](super::solve) takes besides the problem: the bounds on the
//! variables and the constraints ([`Bounds`]) and Ipopt's options
//! ([`IpoptOptions`]).

use crate::error::Error;

/// Lower and upper bounds on the variables `x` (length `n`) and on the constraint
/// values `g(x)` (length `m`): `x_lower <= x <= x_upper`,
/// `g_lower <= g(x) <= g_upper`. An infinite bound (`f64::INFINITY`,
/// `f64::NEG_INFINITY`) is no bound; an equality has `lower == upper`.
///
/// ```
/// use hyperhess::ipopt::Bounds;
/// // HS071: 1 <= x <= 5, g0 >= 25, g1 = 40.
/// let b = Bounds::free(4, 2)
///     .variables(1.0, 5.0)
///     .constraint(0, 25.0, f64::INFINITY)
///     .constraint(1, 40.0, 40.0);
/// assert_eq!(b.x_upper, [5.0; 4]);
/// assert_eq!((b.g_lower[0], b.g_upper[0]), (25.0, f64::INFINITY));
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct Bounds {
    /// Lower bounds on `x` (length `n`).
    pub x_lower: Vec<f64>,
    /// Upper bounds on `x` (length `n`).
    pub x_upper: Vec<f64>,
    /// Lower bounds on `g(x)` (length `m`).
    pub g_lower: Vec<f64>,
    /// Upper bounds on `g(x)` (length `m`).
    pub g_upper: Vec<f64>,
}

impl Bounds {
    /// No bounds at all: `n` free variables, `m` free constraints.
    ///
    /// ```
    /// let b = hyperhess::ipopt::Bounds::free(2, 1);
    /// assert_eq!(b.x_lower, [f64::NEG_INFINITY; 2]);
    /// assert_eq!(b.g_upper, [f64::INFINITY]);
    /// ```
    pub fn free(n: usize, m: usize) -> Self {
        Bounds {
            x_lower: vec![f64::NEG_INFINITY; n],
            x_upper: vec![f64::INFINITY; n],
            g_lower: vec![f64::NEG_INFINITY; m],
            g_upper: vec![f64::INFINITY; m],
        }
    }

    /// Free variables and `m` equality constraints `g(x) = 0`.
    ///
    /// ```
    /// let b = hyperhess::ipopt::Bounds::equalities(3, 1);
    /// assert_eq!((b.g_lower[0], b.g_upper[0]), (0.0, 0.0));
    /// ```
    pub fn equalities(n: usize, m: usize) -> Self {
        Bounds {
            g_lower: vec![0.0; m],
            g_upper: vec![0.0; m],
            ..Bounds::free(n, 0)
        }
    }

    /// The same bounds on every variable.
    ///
    /// ```
    /// let b = hyperhess::ipopt::Bounds::free(2, 0).variables(0.0, f64::INFINITY);
    /// assert_eq!(b.x_lower, [0.0, 0.0]);
    /// ```
    pub fn variables(mut self, lower: f64, upper: f64) -> Self {
        self.x_lower.fill(lower);
        self.x_upper.fill(upper);
        self
    }

    /// The same bounds on every constraint.
    ///
    /// ```
    /// let b = hyperhess::ipopt::Bounds::free(2, 3).constraints(f64::NEG_INFINITY, 1.0);
    /// assert_eq!(b.g_upper, [1.0; 3]);
    /// ```
    pub fn constraints(mut self, lower: f64, upper: f64) -> Self {
        self.g_lower.fill(lower);
        self.g_upper.fill(upper);
        self
    }

    /// Bounds on variable `i` (an index past the end is reported by
    /// [`solve`](super::solve) as a length mismatch, never a panic).
    ///
    /// ```
    /// let b = hyperhess::ipopt::Bounds::free(2, 0).variable(1, -1.0, 1.0);
    /// assert_eq!((b.x_lower[1], b.x_upper[1]), (-1.0, 1.0));
    /// ```
    pub fn variable(mut self, i: usize, lower: f64, upper: f64) -> Self {
        set(&mut self.x_lower, &mut self.x_upper, i, lower, upper);
        self
    }

    /// Bounds on constraint `k` (an index past the end is reported by
    /// [`solve`](super::solve) as a length mismatch, never a panic).
    ///
    /// ```
    /// let b = hyperhess::ipopt::Bounds::free(2, 2).constraint(0, 25.0, f64::INFINITY);
    /// assert_eq!(b.g_lower, [25.0, f64::NEG_INFINITY]);
    /// ```
    pub fn constraint(mut self, k: usize, lower: f64, upper: f64) -> Self {
        set(&mut self.g_lower, &mut self.g_upper, k, lower, upper);
        self
    }

    /// Checks the lengths against the problem (`n` variables, `m` constraints) and
    /// every pair (no NaN, `lower <= upper`, `lower < +inf`, `upper > -inf`).
    pub(super) fn check(&self, n: usize, m: usize) -> Result<(), Error> {
        let lengths = [
            ("variable lower bounds", n, self.x_lower.len()),
            ("variable upper bounds", n, self.x_upper.len()),
            ("constraint lower bounds", m, self.g_lower.len()),
            ("constraint upper bounds", m, self.g_upper.len()),
        ];
        for (what, expected, found) in lengths {
            if expected != found {
                return Err(Error::LengthMismatch {
                    what,
                    expected,
                    found,
                });
            }
        }
        check_pairs("variable", &self.x_lower, &self.x_upper)?;
        check_pairs("constraint", &self.g_lower, &self.g_upper)
    }
}

/// Sets one pair; an index past the end grows the lists with NaN so that
/// [`Bounds::check`] reports the length (the builder never panics).
fn set(lower: &mut Vec<f64>, upper: &mut Vec<f64>, i: usize, lo: f64, up: f64) {
    if i >= lower.len() {
        lower.resize(i + 1, f64::NAN);
    }
    if i >= upper.len() {
        upper.resize(i + 1, f64::NAN);
    }
    lower[i] = lo;
    upper[i] = up;
}

fn check_pairs(what: &'static str, lower: &[f64], upper: &[f64]) -> Result<(), Error> {
    match lower.iter().zip(upper).position(|(&l, &u)| {
        l.is_nan() || u.is_nan() || l > u || l == f64::INFINITY || u == f64::NEG_INFINITY
    }) {
        Some(index) => Err(Error::InvalidBounds {
            what,
            index,
            lower: lower[index],
            upper: upper[index],
        }),
        None => Ok(()),
    }
}

/// Ipopt's options: the three most used as fields, any other by name (Ipopt's
/// option list: <https://coin-or.github.io/Ipopt/OPTIONS.html>). An unknown name
/// or a bad value is [`Error::SolverFailed`] with status `-12`
/// (`Invalid_Option`).
///
/// ```
/// use hyperhess::ipopt::IpoptOptions;
/// let options = IpoptOptions { tol: 1e-10, ..IpoptOptions::default() }
///     .string("mu_strategy", "adaptive")
///     .integer("print_frequency_iter", 5)
///     .number("acceptable_tol", 1e-8);
/// assert_eq!(options.print_level, 0);
/// assert_eq!(options.strings, [("mu_strategy".to_string(), "adaptive".to_string())]);
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct IpoptOptions {
    /// `print_level`, 0 (silent: not even Ipopt's banner) to 12; default 0 (Ipopt's
    /// own default is 5, its iteration table).
    pub print_level: i32,
    /// `tol`, the relative convergence tolerance of the scaled NLP error; default
    /// `1e-8` (Ipopt's).
    pub tol: f64,
    /// `max_iter`; default 3000 (Ipopt's).
    pub max_iter: i32,
    /// Any other string option, `(name, value)`, set in order after the fields.
    pub strings: Vec<(String, String)>,
    /// Any other numeric option.
    pub numbers: Vec<(String, f64)>,
    /// Any other integer option.
    pub integers: Vec<(String, i32)>,
}

impl Default for IpoptOptions {
    /// Silent, Ipopt's tolerance and iteration limit.
    ///
    /// ```
    /// let o = hyperhess::ipopt::IpoptOptions::default();
    /// assert_eq!((o.print_level, o.tol, o.max_iter), (0, 1e-8, 3000));
    /// ```
    fn default() -> Self {
        IpoptOptions {
            print_level: 0,
            tol: 1e-8,
            max_iter: 3000,
            strings: Vec::new(),
            numbers: Vec::new(),
            integers: Vec::new(),
        }
    }
}

impl IpoptOptions {
    /// Adds a string option (`"mu_strategy"`, `"hessian_approximation"`, ...).
    ///
    /// ```
    /// let o = hyperhess::ipopt::IpoptOptions::default().string("linear_solver", "mumps");
    /// assert_eq!(o.strings.len(), 1);
    /// ```
    pub fn string(mut self, name: &str, value: &str) -> Self {
        self.strings.push((name.to_string(), value.to_string()));
        self
    }

    /// Adds a numeric option (`"acceptable_tol"`, `"bound_push"`, ...).
    ///
    /// ```
    /// let o = hyperhess::ipopt::IpoptOptions::default().number("bound_push", 1e-4);
    /// assert_eq!(o.numbers, [("bound_push".to_string(), 1e-4)]);
    /// ```
    pub fn number(mut self, name: &str, value: f64) -> Self {
        self.numbers.push((name.to_string(), value));
        self
    }

    /// Adds an integer option (`"print_frequency_iter"`, ...).
    ///
    /// ```
    /// let o = hyperhess::ipopt::IpoptOptions::default().integer("acceptable_iter", 5);
    /// assert_eq!(o.integers, [("acceptable_iter".to_string(), 5)]);
    /// ```
    pub fn integer(mut self, name: &str, value: i32) -> Self {
        self.integers.push((name.to_string(), value));
        self
    }

    /// The value Ipopt reads as `+inf` in a bound (`nlp_upper_bound_inf`, `1e19`
    /// unless set) and as `-inf` (`nlp_lower_bound_inf`, `-1e19`).
    pub(super) fn infinities(&self) -> (f64, f64) {
        let find = |name: &str, default: f64| {
            self.numbers
                .iter()
                .rev()
                .find(|(k, _)| k == name)
                .map_or(default, |&(_, v)| v)
        };
        (
            find("nlp_lower_bound_inf", -1e19),
            find("nlp_upper_bound_inf", 1e19),
        )
    }
}
