"""Columns that are an exact linear function of one or two other columns, computed, not learned.

Real tables carry arithmetic between columns: a total beside its parts, a net amount beside the
gross and the tax, a price in cents beside the price, a temperature in both scales, a schedule
written as ``HHMM`` beside its hour and minute (nycflights13's ``sched_dep_time = 100*hour +
minute``), a discharge date that is the admission plus the nights stayed. A GAN learns the three as loosely tied outputs: on a 10-epoch fit of 20,000 flights,
0.12% of the generated rows kept ``sched_dep_time == 100*hour + minute``, which every real row
does. When such a relation holds in every row of the training table, one of its columns is
*computed*: it takes no place in the matrix and is rebuilt from the generated sources, so every
synthetic row keeps the relation.

NOTE[DIFF]: CTGAN models every column.

What counts as a relation (``find_linear``), all checked on the training table:

- its columns are numerical (plain numbers, numbers written as text, Decimals, time codes as
  their digits, durations as counts of their unit: a stay in days beside its ``timedelta``) or
  dates and times (days since 1970 where they are whole days, else seconds; not those finer than
  a second or with offsets that follow no zone; see ``DatetimeTransformer.numbers``), none of them derived, a categorical look-up's source or
  holding an infinity, each off its most common value in at least ``LINEAR_MIN_VARIED`` rows, so that no relation rests on
  a handful of rows;
- ``target = intercept + sum(coefficient * source)`` with one or two sources holds exactly in
  every row where all of them are present, up to float noise (``LINEAR_TOLERANCE`` of the
  largest term's magnitude); coefficients are the fewest significant digits that fit (1.8 and 32, not
  1.79999999). Computed values are rounded to the target's decimals. A pair whose correlation is
  within ``LINEAR_ROUNDED_CORRELATION`` of 1 is also tried as a relation that holds once the
  target is rounded to its decimals (``with_vat = round(1.2*cost, 2)``, a Fahrenheit rounded to
  one decimal); a floor (an hour that is ``HHMM // 100``) is not looked for;
- the target is missing in exactly the rows where a source is;
- of a relation's columns, the one computed is, first, one that generated sources give on its own
  decimals (``hours = minutes / 60``, not ``minutes = 60 * hours``), then one whose source
  coefficients are all positive (the total, not a part; ``sched_dep_time``, not ``minute``), then
  the one of the largest coefficients (the Fahrenheit of a Celsius), then the later column (a
  discharge date after the admission date); a computed column is never a source: no chains.

The search costs one singular value decomposition and one correlation matrix of at most
``LINEAR_SCREEN_ROWS`` rows when the table has no relation (the usual case). Exact relations are
searched only among columns in the null space of those rows, in pairs among at most
``LINEAR_MAX_PAIR_COLUMNS`` of them and triples among at most ``LINEAR_MAX_TRIPLE_COLUMNS``, each
group screened on those rows before the whole table is read; rounded ones only among the nearly
collinear pairs. A relation of three or more sources (a total of four parts) is not looked for.
"""

from __future__ import annotations

import itertools
from typing import Any

import numpy as np
import pandas as pd

from tabgan.transformers.base import ColumnTransformer, Unlearnt, register, transformer_from_dict
from tabgan.transformers.continuous import NumericalTransformer
from tabgan.transformers.datetime import DatetimeTransformer

__all__ = ["LINEAR_MIN_VARIED", "LinearTransformer", "find_linear"]

LINEAR_MIN_VARIED = 20
LINEAR_SCREEN_ROWS = 2000
LINEAR_TOLERANCE = 64 * float(np.finfo(np.float64).eps)  # float noise of a sum of three terms, with room
_NULL_SPACE = 1e-8  # a singular value of the standardised screen rows this small is a relation
# Pairs and triples are searched among at most this many columns in the null space: 30 one-hot
# columns that add up to one cost 0.3 s (27 s before each group was screened).
LINEAR_MAX_PAIR_COLUMNS = 200
LINEAR_MAX_TRIPLE_COLUMNS = 40
# A pair whose screen correlation is this close to 1 is tried as a relation that holds once the
# target is rounded to its decimals (a tax of 20% in cents: 1 - correlation is about 1e-11).
LINEAR_ROUNDED_CORRELATION = 1e-6


@register
class LinearTransformer(Unlearnt):
    """A numerical column computed from generated ``sources``: ``intercept + coefficients @ sources``,
    rounded to the column's decimals and written back by ``inner``, its own fitted transformer."""

    kind_name = "linear"

    def __init__(self, inner: NumericalTransformer | DatetimeTransformer | None = None, sources: tuple[str, ...] = (),
                 coefficients: tuple[float, ...] = (), intercept: float = 0.0, rounded: bool = False) -> None:
        self.inner = inner
        self.column = inner.column if inner is not None else ""
        self.dtype = inner.dtype if inner is not None else "float64"
        self.sources = tuple(sources)
        self.coefficients = tuple(float(a) for a in coefficients)
        self.intercept = float(intercept)
        self.rounded = rounded  # the relation holds once rounded to the column's decimals

    def inverse_compact(self, c: np.ndarray, rng: np.random.Generator) -> pd.Series:
        raise TypeError(f"column {self.column!r} is computed ({self.formula}): decode it with "
                        "inverse_sources(the sources' values)")

    def compute(self, sources: list[np.ndarray]) -> np.ndarray:
        """(n,) float64 values of the column from its sources' (n,) values as they write them
        (NaN where any source is missing)."""
        assert self.inner is not None
        x = np.full(len(sources[0]), self.intercept)
        for a, v in zip(self.coefficients, sources):
            x += a * v
        decimals = _decimals(self.inner)
        return x if decimals is None else np.round(x, decimals) + 0.0  # + 0.0: no -0

    def inverse_sources(self, sources: list[np.ndarray]) -> pd.Series:
        assert self.inner is not None
        return self.inner.restore(self.compute(sources))

    @property
    def formula(self) -> str:
        """'sched_dep_time = 100*hour + minute'."""
        terms = [("" if a == 1 else "-" if a == -1 else f"{a:.15g}*") + s
                 for a, s in zip(self.coefficients, self.sources)]
        if self.intercept:
            terms.append(f"{self.intercept:.15g}")
        text = " + ".join(terms).replace("+ -", "- ")
        if self.rounded:
            text = f"round({text}, {_decimals(self.inner) if self.inner is not None else 0})"
        return f"{self.column} = {text}"

    def to_dict(self) -> dict[str, Any]:
        assert self.inner is not None
        return {"type": self.kind_name, "inner": self.inner.to_dict(), "sources": list(self.sources),
                "coefficients": list(self.coefficients), "intercept": self.intercept, "rounded": self.rounded}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> LinearTransformer:
        inner = transformer_from_dict(d["inner"])
        assert isinstance(inner, (NumericalTransformer, DatetimeTransformer))
        return cls(inner, tuple(d["sources"]), tuple(d["coefficients"]), d["intercept"], d["rounded"])


def _candidate(t: ColumnTransformer) -> bool:
    if isinstance(t, DatetimeTransformer):
        return t.counted
    # An offset int column's numbers are its distances from the offset, no linear function's.
    return isinstance(t, NumericalTransformer) and t.width > 0 and t.offset is None


def find_linear(df: pd.DataFrame, columns: list[ColumnTransformer], rng: np.random.Generator
                ) -> dict[int, LinearTransformer]:
    """{index in ``columns``: its LinearTransformer} for every column that ``df`` shows to be an
    exact linear function of one or two other numerical or date columns (see the module
    docstring); ``columns`` are fitted on ``df`` (derived ones and look-up sources are neither, so
    take no part)."""
    values = {i: t.numbers(df[t.column]) for i, t in enumerate(columns) if _candidate(t)}
    values = {i: v for i, v in values.items() if not np.isinf(v).any()}  # inf - inf has no value
    screen = {i: z for i, z in _screen(values, rng).items() if _varied(values[i])}
    exact = {i: screen[i] for i in _null_space(screen)}
    found: dict[int, LinearTransformer] = {}
    sources: set[int] = set()
    for size, most in ((2, LINEAR_MAX_PAIR_COLUMNS), (3, LINEAR_MAX_TRIPLE_COLUMNS)):
        if len(exact) > most:
            continue  # the search would cost seconds (one-hot columns that add up to one)
        # Pairs first: a triple that holds with a pair inside it is no new relation.
        for group in itertools.combinations(exact, size):
            if not any(i in found for i in group) and _dependent([exact[i] for i in group]):
                _add_best(group, values, columns, found, sources, rounded=False)
    if len(screen) <= LINEAR_MAX_PAIR_COLUMNS:
        for pair in _collinear_pairs(screen):  # then pairs that hold once rounded: a tax, a VAT
            if not any(i in found for i in pair):
                _add_best(pair, values, columns, found, sources, rounded=True)
    return found


def _add_best(group: tuple[int, ...], values: dict[int, np.ndarray], columns: list[ColumnTransformer],
              found: dict[int, LinearTransformer], sources: set[int], rounded: bool) -> None:
    """Of the columns of ``group`` that a relation computes from the others, put the preferred one
    in ``found`` (see ``_preference``) and its sources in ``sources``."""
    best = None
    for target in group:
        if target in sources or (rounded and _decimals(columns[target]) is None):
            continue
        rest = [i for i in group if i != target]
        fitted = _relation(values[target], [values[i] for i in rest], columns[target], rounded)
        if fitted is None:
            continue
        rank = _preference(fitted, columns[target], [columns[i] for i in rest])
        if best is None or rank >= best[0]:  # a tie: the later column, as tables are written
            best = (rank, target, fitted, rest)
    if best is not None:
        _, target, (coefficients, intercept), rest = best
        inner = columns[target]
        assert isinstance(inner, (NumericalTransformer, DatetimeTransformer))
        found[target] = LinearTransformer(inner, tuple(columns[i].column for i in rest), tuple(coefficients),
                                          intercept, rounded)
        sources.update(rest)


def _collinear_pairs(screen: dict[int, np.ndarray]) -> list[tuple[int, int]]:
    """Pairs of screened columns whose correlation is within LINEAR_ROUNDED_CORRELATION of 1 in
    magnitude: candidates for a relation that holds once rounded (one matrix product)."""
    keys = list(screen)
    if len(keys) < 2:
        return []
    z = np.stack(list(screen.values()), axis=1)  # (m, k)
    corr = np.abs(z.T @ z) / len(z)  # (k, k)
    hits = np.argwhere(np.triu(corr >= 1 - LINEAR_ROUNDED_CORRELATION, k=1))
    return [(keys[i], keys[j]) for i, j in hits]


def _varied(v: np.ndarray) -> bool:
    """At least LINEAR_MIN_VARIED present values off the column's most common one."""
    v = v[~np.isnan(v)]
    if not v.size:
        return False
    _, counts = np.unique(v, return_counts=True)
    return v.size - counts.max() >= LINEAR_MIN_VARIED


def _screen(values: dict[int, np.ndarray], rng: np.random.Generator) -> dict[int, np.ndarray]:
    """Each column's (m,) standardised values in at most LINEAR_SCREEN_ROWS rows complete in
    every column; columns constant there (which cannot be judged there) left out."""
    if len(values) < 2:
        return {}
    keys = list(values)
    missing = np.zeros(len(values[keys[0]]), dtype=bool)
    for v in values.values():  # a loop over columns
        missing |= np.isnan(v)
    complete = np.flatnonzero(~missing)
    if complete.size < 2 * LINEAR_MIN_VARIED:
        return {}
    if complete.size > LINEAR_SCREEN_ROWS:
        complete = np.sort(rng.choice(complete, size=LINEAR_SCREEN_ROWS, replace=False))
    x = np.stack([values[i][complete] for i in keys], axis=1)  # (m, k) the screen rows only
    top = np.abs(x).max(axis=0)
    x = x / np.where(top > 0, top, 1.0)  # into [-1, 1] first: a variance of 1e-300s or 1e300s is 0 or inf
    sd = x.std(axis=0)
    z = (x - x.mean(axis=0)) / np.where(sd > 0, sd, 1.0)  # (m, k) centred: the ones column is implied
    return {k: z[:, j] for j, k in enumerate(keys) if sd[j] > 0}


def _null_space(screen: dict[int, np.ndarray]) -> list[int]:
    """The screened columns that some exact linear relation could involve: those with weight in
    the null space of the screen rows beside a column of ones. [] when there is no relation (one
    SVD)."""
    if len(screen) < 2:
        return []
    z = np.stack(list(screen.values()), axis=1)  # (m, k)
    _, s, vt = np.linalg.svd(z / np.sqrt(len(z)), full_matrices=False)
    null = vt[s <= _NULL_SPACE * max(s[0], 1.0)]  # (r, k) relation vectors
    weight = np.abs(null).max(axis=0, initial=0.0) > 1e-6  # (k,)
    return [k for k, w in zip(screen, weight) if w]


def _dependent(screen: list[np.ndarray]) -> bool:
    """Whether standardised (m,) screen columns are linearly dependent: a relation among them (and
    a constant) can hold in every row. One small SVD, before any look at the whole table."""
    s = np.linalg.svd(np.stack(screen, axis=1) / np.sqrt(len(screen[0])), compute_uv=False)
    return bool(s[-1] <= _NULL_SPACE * max(s[0], 1.0))


def _relation(y: np.ndarray, xs: list[np.ndarray], target: ColumnTransformer, rounded: bool = False
              ) -> tuple[list[float], float] | None:
    """(coefficients, intercept) of ``y = intercept + coefficients @ xs`` holding in every row
    (``rounded``: once rounded to the target's decimals), with y missing exactly where some x is;
    None when it does not hold."""
    x = np.stack(xs, axis=1)  # (n, p)
    some_missing = np.isnan(x).any(axis=1)
    if not np.array_equal(np.isnan(y), some_missing):
        return None
    rows = ~some_missing
    a = np.c_[x[rows], np.ones(int(rows.sum()))]  # (n, p + 1)
    y = y[rows]
    fit = slice(None, None, max(1, len(y) // LINEAR_SCREEN_ROWS))  # fitted on evenly spread rows
    xf, yf = a[fit, :-1], y[fit]
    try:  # on centred values: an intercept beside values of trillions is lost in a plain fit
        slopes = np.linalg.lstsq(xf - xf.mean(axis=0), yf - yf.mean(), rcond=None)[0]  # (p,)
    except np.linalg.LinAlgError:
        return None
    if np.any(np.abs(slopes) <= 1e-12):
        return None  # a source it does not depend on: a smaller relation, if any
    decimals = _decimals(target) if rounded else None
    for digits in range(1, 16):  # the fewest significant digits that fit, no intercept first
        snapped = np.array([*(_snap(c, digits) for c in slopes), 0.0])
        offset = float(np.median(yf - xf @ snapped[:-1]))
        for intercept in dict.fromkeys((0.0, _snap(offset, digits), offset)):
            snapped[-1] = intercept
            if _holds(a[fit], snapped, yf, decimals):  # then checked on every row, once
                return (snapped[:-1].tolist(), float(intercept)) if _holds(a, snapped, y, decimals) else None
    return None


def _snap(c: float, digits: int) -> float:
    return float(f"{c:.{digits}g}")


def _holds(a: np.ndarray, coefficients: np.ndarray, y: np.ndarray, decimals: int | None = None) -> bool:
    """Whether ``a @ coefficients`` (rounded to ``decimals`` when given) is ``y`` in every row up to
    float noise: LINEAR_TOLERANCE of the largest magnitude in the sum, so that columns of
    trillions that differ by ten are no relation (a tolerance relative to y alone let them be one)."""
    magnitude = np.maximum(np.abs(a) @ np.abs(coefficients), np.abs(y))  # (n,)
    predicted = a @ coefficients
    if decimals is not None:
        predicted = np.round(predicted, decimals)
    return bool(np.all(np.abs(predicted - y) <= LINEAR_TOLERANCE * magnitude))


def _preference(fitted: tuple[list[float], float], target: ColumnTransformer, sources: list[ColumnTransformer]
                ) -> tuple[bool, bool, float]:
    """Which of a relation's columns to compute: one that generated sources give exactly, on its
    own decimals (``hours = minutes / 60``, not ``minutes = 60 * hours``, whose generated hours
    would need rounding to whole minutes); then one whose sources all add up (a total); then the
    largest coefficients."""
    coefficients, intercept = fitted
    return (_on_grain(target, coefficients, intercept, sources), all(a > 0 for a in coefficients),
            float(np.sum(np.abs(coefficients))))


def _on_grain(target: ColumnTransformer, coefficients: list[float], intercept: float,
              sources: list[ColumnTransformer]) -> bool:
    """Whether every value the sources can take on their decimals gives one on the target's."""
    decimals = _decimals(target)
    if decimals is None:
        return True
    steps = [a * 10.0 ** -d for a, d in zip(coefficients, map(_decimals, sources)) if d is not None]
    if len(steps) < len(sources):
        return False  # a source of any decimals
    units = np.array([*steps, intercept]) * 10.0 ** decimals
    return bool(np.all(np.abs(units - np.round(units)) <= 1e-9 * np.maximum(1.0, np.abs(units))))


def _decimals(t: ColumnTransformer) -> int | None:
    """The decimals of a column's numbers (None: any): a number's own, 0 for dates and times
    (whole days or seconds, see ``DatetimeTransformer.numbers``)."""
    if isinstance(t, DatetimeTransformer):
        return 0
    return t.encoder.decimals if isinstance(t, NumericalTransformer) else None
