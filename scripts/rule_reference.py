#!/usr/bin/env python3
"""Writes tests/data/rule_reference.csv: high-precision values and derivatives of every
function of the rule table (src/rules.rs) at extreme and near-singular arguments.

Every argument is an exact f64 (written with repr, which round-trips), converted to
mpmath exactly; the value and derivatives come from closed forms evaluated with 60
significant digits, far more than the cancellation any of them suffers here (at
a = 1 - 1e-12, 1 - a*a loses 12 of the 60 digits). Values are written with 20
significant digits; a value beyond the f64 range is written as inf / -inf (the
library must then return an infinity of that sign).

Rows:
    unary,<Unary Debug name>,a,f,f',f''
    binary,<Binary Debug name>,a,b,f,f_a,f_b,f_aa,f_ab,f_bb

Run: python3 scripts/rule_reference.py   (needs `pip install mpmath`)
"""

import csv
import math
import os

from mpmath import mp, mpf

mp.dps = 60
F64_MAX = mpf(1.7976931348623157e308)

HALF_PI = math.pi / 2  # the f64 nearest pi/2
PTS_GENERAL = [
    1e-300, -1e-300, 1e-160, -1e-160, 1e-8, -1e-8, 0.5, -0.75, 1 - 1e-6, -(1 - 1e-6),
    1 - 1e-12, -(1 - 1e-12), 1 + 1e-12, 1 + 1e-6, 2.0, -3.0, 10.0, 30.0, -30.0, 100.0,
    5.3, -4.7, 26.1, 700.0, -700.0, 1e8, 3e307, 1e154, -1e154, 1e200, -1e200, 1e300, -1e300,
    HALF_PI, -HALF_PI, math.nextafter(HALF_PI, 0.0), 1.5707963, 3.0 * HALF_PI,
]


def rcbrt(x):
    """The real cube root (mpmath's cbrt is the principal, complex, one for x < 0)."""
    return mp.sign(x) * mp.cbrt(abs(x))


def sech(x):
    return 1 / mp.cosh(x)


# name -> (f, f', f'') as functions of an mpf; points outside the domain are skipped.
def powf(c):
    c = mpf(c)
    return (lambda a: a**c, lambda a: c * a ** (c - 1), lambda a: c * (c - 1) * a ** (c - 2))


def powi(n):
    return (lambda a: a**n, lambda a: n * a ** (n - 1), lambda a: n * (n - 1) * a ** (n - 2))


LN2, LN10 = mp.log(2), mp.log(10)
UNARY = {
    "Recip": (lambda a: 1 / a, lambda a: -1 / a**2, lambda a: 2 / a**3),
    "Sqrt": (mp.sqrt, lambda a: 1 / (2 * mp.sqrt(a)), lambda a: -1 / (4 * a * mp.sqrt(a))),
    "Cbrt": (rcbrt, lambda a: 1 / (3 * rcbrt(a) ** 2), lambda a: -2 / (9 * a * rcbrt(a) ** 2)),
    "Exp": (mp.exp, mp.exp, mp.exp),
    "Exp2": (lambda a: 2**a, lambda a: LN2 * 2**a, lambda a: LN2**2 * 2**a),
    "ExpM1": (mp.expm1, mp.exp, mp.exp),
    "Ln": (mp.log, lambda a: 1 / a, lambda a: -1 / a**2),
    "Ln1p": (mp.log1p, lambda a: 1 / (1 + a), lambda a: -1 / (1 + a) ** 2),
    "Log2": (lambda a: mp.log(a) / LN2, lambda a: 1 / (a * LN2), lambda a: -1 / (a**2 * LN2)),
    "Log10": (lambda a: mp.log(a) / LN10, lambda a: 1 / (a * LN10), lambda a: -1 / (a**2 * LN10)),
    "Sin": (mp.sin, mp.cos, lambda a: -mp.sin(a)),
    "Cos": (mp.cos, lambda a: -mp.sin(a), lambda a: -mp.cos(a)),
    "Tan": (mp.tan, lambda a: 1 / mp.cos(a) ** 2, lambda a: 2 * mp.tan(a) / mp.cos(a) ** 2),
    "Asin": (mp.asin, lambda a: 1 / mp.sqrt(1 - a * a), lambda a: a / (1 - a * a) ** mpf(1.5)),
    "Acos": (mp.acos, lambda a: -1 / mp.sqrt(1 - a * a), lambda a: -a / (1 - a * a) ** mpf(1.5)),
    "Atan": (mp.atan, lambda a: 1 / (1 + a * a), lambda a: -2 * a / (1 + a * a) ** 2),
    "Sinh": (mp.sinh, mp.cosh, mp.sinh),
    "Cosh": (mp.cosh, mp.sinh, mp.cosh),
    "Tanh": (mp.tanh, lambda a: sech(a) ** 2, lambda a: -2 * mp.tanh(a) * sech(a) ** 2),
    "Asinh": (mp.asinh, lambda a: 1 / mp.sqrt(a * a + 1), lambda a: -a / (a * a + 1) ** mpf(1.5)),
    "Acosh": (mp.acosh, lambda a: 1 / mp.sqrt(a * a - 1), lambda a: -a / (a * a - 1) ** mpf(1.5)),
    "Atanh": (mp.atanh, lambda a: 1 / (1 - a * a), lambda a: 2 * a / (1 - a * a) ** 2),
    "Abs": (abs, lambda a: mp.sign(a), lambda a: mpf(0)),
    "Signum": (lambda a: mp.sign(a), lambda a: mpf(0), lambda a: mpf(0)),
    "Erf": (
        mp.erf,
        lambda a: 2 / mp.sqrt(mp.pi) * mp.exp(-a * a),
        lambda a: -4 * a / mp.sqrt(mp.pi) * mp.exp(-a * a),
    ),
    "Powi(2)": powi(2),
    "Powi(3)": powi(3),
    "Powi(-2)": powi(-2),
    "Powf(2.5)": powf(2.5),
    "Powf(-0.5)": powf(-0.5),
}

# Domains (open intervals where the function is smooth); points outside are skipped.
DOMAIN = {
    "Sqrt": (0, None), "Ln": (0, None), "Log2": (0, None), "Log10": (0, None),
    "Powf(2.5)": (0, None), "Powf(-0.5)": (0, None), "Ln1p": (-1, None),
    "Asin": (-1, 1), "Acos": (-1, 1), "Atanh": (-1, 1), "Acosh": (1, None),
}


def atan2_partials(a, b):
    r2 = a * a + b * b
    return (mp.atan2(a, b), b / r2, -a / r2, -2 * a * b / r2**2, (a * a - b * b) / r2**2,
            2 * a * b / r2**2)


def hypot_partials(a, b):
    h = mp.sqrt(a * a + b * b)
    return (h, a / h, b / h, b * b / h**3, -a * b / h**3, a * a / h**3)


def pow_partials(a, b):
    f, l = a**b, mp.log(a)
    return (f, b * a ** (b - 1), f * l, b * (b - 1) * a ** (b - 2), a ** (b - 1) * (1 + b * l),
            f * l * l)


BINARY = {
    "Atan2": (atan2_partials, [
        (3.0, 4.0), (1e200, 1e200), (1e200, -3e199), (-2e250, 1e250), (1e300, 1.0), (1.0, 1e300),
        (1e154, 1e154), (1e-160, 2e-160), (-1e-170, 3e-170), (1e-200, 1e-200), (1e-300, 1.0),
        (1.0, 1.0 + 1e-8), (1e-8, -1.0),
    ]),
    "Hypot": (hypot_partials, [
        (3.0, 4.0), (1e200, 1e200), (1e300, -1e299), (1e-160, 2e-160), (1e-200, 1e-200),
        (1e-300, 1.0), (1.0, 1e-300), (1e154, 1e-154),
    ]),
    "Pow": (pow_partials, [
        (2.0, 3.0), (0.5, 1e-8), (1e300, 1.0001), (1e-300, 0.5), (1e-300, 1.0), (1e-5, 30.0),
        (1e100, -2.5), (1e10, 30.0), (1.0 + 1e-12, 1e6), (3.0, -0.5),
    ]),
}


def fmt(v):
    """20 significant digits; beyond the f64 range an infinity of the same sign."""
    v = mpf(v)
    if abs(v) > F64_MAX:
        return "inf" if v > 0 else "-inf"
    return mp.nstr(v, 20, min_fixed=1, max_fixed=0, strip_zeros=False)


def in_domain(name, a):
    lo, hi = DOMAIN.get(name, (None, None))
    return (lo is None or a > lo) and (hi is None or a < hi)


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    out = os.path.join(here, "..", "tests", "data", "rule_reference.csv")
    rows = []
    for name, fs in UNARY.items():
        for x in PTS_GENERAL:
            if not in_domain(name, x):
                continue
            a = mpf(x)
            try:
                vals = [f(a) for f in fs]
            except (ValueError, ZeroDivisionError, OverflowError):
                continue
            rows.append(["unary", name, repr(x)] + [fmt(v) for v in vals])
    for name, (partials, pts) in BINARY.items():
        for x, y in pts:
            vals = partials(mpf(x), mpf(y))
            rows.append(["binary", name, repr(x), repr(y)] + [fmt(v) for v in vals])
    with open(out, "w", newline="") as fh:
        fh.write("# Written by scripts/rule_reference.py (mpmath, 60 digits); do not edit.\n")
        csv.writer(fh, lineterminator="\n").writerows(rows)
    print(f"{len(rows)} rows -> {os.path.normpath(out)}")


if __name__ == "__main__":
    main()
