"""Columns that are a function of a categorical column, kept as a look-up instead of being learned.

Real tables carry code/label pairs: Adult's ``education-num`` is a number for each ``education``
("Bachelors" is always 13), a country code comes with its name, a product id with its price band.
A GAN learns such a pair as two loosely tied outputs, and its rows then break the dependency
("Doctorate" with 9 years of schooling), which no real row does. When the dependency holds in every
row of the training table, the dependent column is *derived*: it takes no place in the matrix and
is rebuilt from the generated source column through the table learned at fit time, so every
synthetic row keeps it exactly.

NOTE[DIFF]: CTGAN models every column. Measured on Adult with default settings (108 epochs, one
thread, seeds 0, 1 and 2; ``benchmarks/bench_quality.py --skip-ctgan --seed S`` against
``--param derive_columns=False``), deriving ``education-num`` from ``education`` moved
LogisticDetection from 0.936/0.951/0.940 to 0.976/0.960/0.954, Column Pair Trends from
0.834/0.863/0.859 to 0.871/0.862/0.870 and classifier utility from 0.8866/0.8905/0.8873 to
0.8895/0.8897/0.8906, and the rows whose ``education-num`` is their ``education``'s to 100%.

What counts as a dependency (``find_derived``), all checked on the training table:

- the source is a categorical or boolean column with no pooled "other" values, every slot of which
  (categories, and "missing" if present) holds at least ``DERIVED_MIN_ROWS`` rows, so no derived
  value rests on one or two people's rows;
- the dependent column (any kind but id or constant) has one value (NaN counting as a value) for
  every slot of the source;
- a categorical or boolean dependent column must also determine its source (a one-to-one pair),
  so a condition on it is a condition on exactly one source category;
- a source is never derived itself, and a derived column is never a source: no chains.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from tabgan.transformers.base import ColumnTransformer, Unlearnt, compact, register, transformer_from_dict
from tabgan.transformers.discrete import CategoricalTransformer

__all__ = ["DERIVED_MIN_ROWS", "DerivedTransformer", "find_derived"]

DERIVED_MIN_ROWS = 5
_SCREEN_ROWS = 2000  # rows of the first, cheap check of a candidate pair


@register
class DerivedTransformer(Unlearnt):
    """A column rebuilt from the generated slot of its ``source`` column.

    ``inner`` is the column's own fitted transformer (it restores dtype and format); ``table`` holds,
    for each slot of the source, the inner encoding of the column's value there: decoding is
    ``inner.inverse_transform(table[codes])``, done through the compact form of ``table``.
    """

    kind_name = "derived"

    def __init__(self, inner: ColumnTransformer | None = None, source: str = "",
                 table: np.ndarray | None = None) -> None:
        self.inner = inner
        self.column = inner.column if inner is not None else ""
        self.dtype = inner.dtype if inner is not None else "object"
        self.source = source
        self.table = np.zeros((0, 0), dtype=np.float32) if table is None else table  # (slots, w)

    def inverse_compact(self, c: np.ndarray, rng: np.random.Generator) -> pd.Series:
        raise TypeError(f"column {self.column!r} is derived from {self.source!r}: "
                        "decode it with inverse_slots(the source's slots)")

    def inverse_slots(self, codes: np.ndarray, rng: np.random.Generator) -> pd.Series:
        """(n,) slots of the source column -> the column's (n,) values."""
        assert self.inner is not None
        return self.inner.inverse_compact(compact(self.table, self.inner.spans)[codes], rng)

    def source_slot(self, inner_slot: int) -> int:
        """The one source slot whose value falls in slot ``inner_slot`` of the (one-hot) inner
        encoding; ValueError if none does."""
        hits = np.flatnonzero(self.table.argmax(axis=1) == inner_slot)
        if len(hits) != 1:
            raise ValueError(f"no single {self.source!r} value gives this {self.column!r} value")
        return int(hits[0])

    def to_dict(self) -> dict[str, Any]:
        assert self.inner is not None
        return {"type": self.kind_name, "inner": self.inner.to_dict(), "source": self.source,
                "table": self.table.tolist()}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> DerivedTransformer:
        inner = transformer_from_dict(d["inner"])
        table = np.asarray(d["table"], dtype=np.float32).reshape(-1, inner.width)
        return cls(inner, d["source"], table)


def _determines(a: np.ndarray, b: np.ndarray) -> bool:
    """Whether codes ``a`` (n,) determine codes ``b`` (n,): as many distinct (a, b) pairs as a's."""
    pairs = a.astype(np.int64) * (int(b.max(initial=0)) + 1) + b
    return len(np.unique(pairs)) == len(np.unique(a))


def _value_codes(s: pd.Series) -> np.ndarray:
    return pd.factorize(s, use_na_sentinel=False)[0]  # (n,) NaN is a value of its own


def find_derived(df: pd.DataFrame, columns: list[ColumnTransformer], rng: np.random.Generator
                 ) -> dict[int, DerivedTransformer]:
    """{index in ``columns``: its DerivedTransformer} for every column ``df`` shows to be a
    function of a categorical column (see the module docstring); ``columns`` are fitted on ``df``.

    A loop over column pairs, never rows: each pair is first checked on ``_SCREEN_ROWS`` random
    rows (almost every pair fails there), then on the whole table.
    """
    n = len(df)
    screen = np.sort(rng.choice(n, size=_SCREEN_ROWS, replace=False)) if n > _SCREEN_ROWS else np.arange(n)
    codes: dict[int, np.ndarray] = {}  # (n,) slots of each source
    for i, t in enumerate(columns):
        if isinstance(t, CategoricalTransformer) and not t.pool and t.n_slots >= 2:
            c = t.slots(df[t.column])
            if np.bincount(c, minlength=t.n_slots).min() >= DERIVED_MIN_ROWS:
                codes[i] = c
    screened: dict[int, np.ndarray] = {}  # (len(screen),) value codes of each column looked at
    derived: dict[int, DerivedTransformer] = {}
    for i in list(codes):  # sources in column order
        if i not in codes:  # derived from an earlier source meanwhile
            continue
        for j, t in enumerate(columns):
            if j == i or j in derived or (j in codes and j < i) or t.width == 0:
                continue  # an earlier source stays a source; ids and constants are not modelled
            if j not in screened:
                screened[j] = _value_codes(df[t.column].iloc[screen])
            one_to_one = isinstance(t, CategoricalTransformer)
            a, b = codes[i][screen], screened[j]
            if not (_determines(a, b) and (not one_to_one or _determines(b, a))):
                continue
            a, b = codes[i], _value_codes(df[t.column])
            if not (_determines(a, b) and (not one_to_one or _determines(b, a))):
                continue
            derived[j] = _derive(t, columns[i], codes[i], df[t.column])
            codes.pop(j, None)  # a derived column is never a source
    return derived


def _derive(inner: ColumnTransformer, source: CategoricalTransformer, codes: np.ndarray,
            s: pd.Series) -> DerivedTransformer:
    _, first = np.unique(codes, return_index=True)  # (slots,) first row of each (all have rows)
    table = inner.transform(s.iloc[first]).astype(np.float32)  # (slots, inner width)
    return DerivedTransformer(inner, source.column, table)
