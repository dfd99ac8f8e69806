"""Integers that write a clock time or a date in decimal digits, learnt as what they count.

Exports and schedules store times of day as ``HHMM`` (nycflights13's ``dep_time`` 517 is 05:17)
or ``HHMMSS``, and dates as ``YYYYMMDD`` (20130101) or months as ``YYYYMM`` (201301). Learnt as
plain integers, a generator's values fall between the codes: 1360 or 980 as a time (minutes past
59), 20230139 as a date; on a 5-epoch fit 37% of such times and 81% of such dates were not valid.

``detect_code`` names the code every value of a column is written in, kept only when it cannot be
chance: m distinct values that all fit a code each would by chance with probability p (a random
number's last two digits are below 60 six times in ten) give p**m, which must be at most
``CODE_EVIDENCE``. Values on a grid of their own are judged on it: a column of multiples of 50
(100, 150, ..., 2400) fits ``HHMM`` with certainty and so is no evidence of it.

``tabgan.schema`` runs ``detect_code`` on whole-number columns and records a code as the column's
``datetime_format`` (``FORMATS``: ``"%H%M"`` for ``hhmm``, ...); SDV-style metadata that declares an
integer column ``{"sdtype": "datetime", "datetime_format": "%H%M"}`` sets one, and
``{"sdtype": "numerical"}`` keeps a column plain numbers.

``to_counts`` turns codes into what they count (minutes or seconds into the day, months since
year 0, days since 1970-01-01), on which the column is learnt, with its grid, modes and range;
``from_counts`` writes whole counts back as codes. Both are bijections on valid codes, so every
generated value is a real time or date, and every real one comes back exactly.
"""

from __future__ import annotations

import numpy as np

__all__ = ["CODES", "CODE_EVIDENCE", "FORMATS", "MAX_CODE", "code_of_format", "describe", "detect_code", "from_counts",
           "not_codes", "to_counts", "valid"]

CODES = ("yyyymmdd", "yyyymm", "hhmmss", "hhmm")
MAX_CODE = 99991231  # the largest value any code writes (9999-12-31)
# The strftime format each code writes (what a schema and SDV metadata call datetime_format).
FORMATS = {"yyyymmdd": "%Y%m%d", "yyyymm": "%Y%m", "hhmmss": "%H%M%S", "hhmm": "%H%M"}
CODE_EVIDENCE = 1e-3
# Chance that a random date-sized number's month and day parts are valid (12 months of 100, about
# 30.4 days of 100) and that a month-sized one's month is.
_DATE_CHANCE, _MONTH_CHANCE = 0.12 * 0.304, 0.12


def _below_60_chance(v: np.ndarray, scale: int) -> float:
    """Chance that the pair of digits at ``scale`` (1: the last two, 100: the two before) of a
    value on the column's grid (its smallest plus a multiple of the gcd of its distances from
    it) is below 60."""
    step = int(np.gcd.reduce(v - v[0])) or 1
    period = 100 * scale // np.gcd(step, 100 * scale)  # the pair of digits repeats after it
    on_grid = v[0] + step * np.arange(period, dtype=np.int64)
    return float((((on_grid // scale) % 100) < 60).mean())


def valid(v: np.ndarray, code: str) -> np.ndarray:
    """(n,) bool: is each integer of ``v`` a valid ``code`` value (24:00 counts as one)?"""
    if code in ("hhmm", "hhmmss"):
        unit = 100 if code == "hhmm" else 10_000
        parts_ok = ((v % 100) < 60) & (((v // 100) % 100) < 60 if code == "hhmmss" else True)
        return (v >= 0) & parts_ok & ((v // unit < 24) | (v == 24 * unit))
    if code == "yyyymm":
        month = v % 100
        return (v >= 100001) & (v <= 999912) & (month >= 1) & (month <= 12)
    year, month, day = v // 10000, (v // 100) % 100, v % 100
    ok = (v >= 10000101) & (v <= MAX_CODE) & (month >= 1) & (month <= 12) & (day >= 1)
    first = ((np.where(ok, year, 1970) - 1970) * 12 + np.where(ok, month, 1) - 1).astype("datetime64[M]")
    days_in_month = ((first + 1).astype("datetime64[D]") - first.astype("datetime64[D]")).astype(np.int64)
    return ok & (day <= days_in_month)


def _fits(v: np.ndarray, code: str) -> bool:
    """Do the distinct integers ``v`` all write ``code`` values, in at least two hours (times)
    or two years or months (dates)? Within one, a code counts like the integers it is."""
    leading = v // (10_000 if code == "hhmmss" else 100)
    return np.unique(leading).size >= 2 and bool(valid(v, code).all())


def _chance(v: np.ndarray, code: str) -> float:
    if code == "hhmm":
        return _below_60_chance(v, 1)
    if code == "hhmmss":
        return _below_60_chance(v, 1) * _below_60_chance(v, 100)
    return _MONTH_CHANCE if code == "yyyymm" else _DATE_CHANCE


def detect_code(x: np.ndarray) -> str | None:
    """The code of ``CODES`` that every value of ``x`` (whole numbers as float64, NaN for
    missing) is written in with the strongest evidence, or None when none is beyond chance."""
    v = np.unique(x[~np.isnan(x)])
    if v.size < 2 or v.min() < 0 or v.max() > MAX_CODE:
        return None
    v = v.astype(np.int64)
    best, best_log = None, np.log(CODE_EVIDENCE)
    for code in CODES:  # a loop over four codes
        if not _fits(v, code):
            continue
        chance = _chance(v, code)
        log_chance = v.size * np.log(chance) if chance > 0 else -np.inf
        if chance < 1 and log_chance <= best_log:
            best, best_log = code, log_chance
    return best


def not_codes(x: np.ndarray, code: str) -> np.ndarray:
    """The values of ``x`` (float64, NaN for missing, which is no value) that are no whole
    number written in ``code``, in their order."""
    known = x[~np.isnan(x)]
    whole = np.isfinite(known) & (known == np.round(known))
    bad = ~whole
    bad[whole] = ~valid(known[whole].astype(np.int64), code)
    return known[bad]


def code_of_format(fmt: str | None) -> str | None:
    """The code that ``fmt`` (a datetime_format) writes, None for any other format."""
    return {f: c for c, f in FORMATS.items()}.get(fmt) if fmt else None


def describe(code: str) -> str:
    """'HHMM times', 'YYYYMMDD dates': how messages name a code."""
    return f"{code.upper()} {'times' if code.startswith('hh') else 'dates'}"


def to_counts(x: np.ndarray, code: str) -> np.ndarray:
    """(n,) codes (float64, NaN for missing) -> what they count, NaN kept."""
    v = np.where(np.isnan(x), 0, x).astype(np.int64)
    if code == "hhmm":
        counts = (v // 100) * 60 + v % 100  # minutes into the day
    elif code == "hhmmss":
        counts = (v // 10000) * 3600 + ((v // 100) % 100) * 60 + v % 100  # seconds into the day
    elif code == "yyyymm":
        counts = (v // 100) * 12 + v % 100 - 1  # months since January of year 0
    else:
        months = ((v // 10000 - 1970) * 12 + (v // 100) % 100 - 1).astype("datetime64[M]")
        counts = months.astype("datetime64[D]").astype(np.int64) + v % 100 - 1  # days since 1970-01-01
    return np.where(np.isnan(x), np.nan, counts.astype(np.float64))


def from_counts(c: np.ndarray, code: str) -> np.ndarray:
    """(n,) whole counts (float64, NaN for missing) -> their codes, NaN kept."""
    n = np.where(np.isnan(c), 0, c).astype(np.int64)
    if code == "hhmm":
        v = (n // 60) * 100 + n % 60
    elif code == "hhmmss":
        v = (n // 3600) * 10000 + ((n // 60) % 60) * 100 + n % 60
    elif code == "yyyymm":
        v = (n // 12) * 100 + n % 12 + 1
    else:
        day = n.astype("datetime64[D]")
        month = day.astype("datetime64[M]")
        year = month.astype("datetime64[Y]").astype(np.int64) + 1970
        v = year * 10000 + (month.astype(np.int64) % 12 + 1) * 100 + (day - month.astype("datetime64[D]")).astype(np.int64) + 1
    return np.where(np.isnan(c), np.nan, v.astype(np.float64))
