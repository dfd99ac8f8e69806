"""One-hot encoding of categorical and boolean columns.

Slots are ``[categories by falling frequency..., other?, missing?]``. Values keep their type
(strings stay strings, ints stay ints, pandas categories keep their whole category list, its
dtype and its order), an empty string stays an empty string, and missing values are their own
slot.

High cardinality: at most ``max_categories`` slots. The rarest values beyond that are pooled into
one ``other`` slot and drawn back by their frequency, so a 100,000-value column costs
``max_categories`` floats a row, never gigabytes.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from tabgan.errors import ColumnError
from tabgan.transformers.base import (
    MISSING_VALUES,
    ColumnTransformer,
    as_dtype,
    category_dtype,
    dtype_name,
    from_json_values,
    json_values,
    missing_marker,
    nullable_dtype,
    one_hot,
    register,
    to_plain,
)
from tabgan.transformers.layout import Span

__all__ = ["BooleanTransformer", "CategoricalTransformer", "MAX_CATEGORIES"]

MAX_CATEGORIES = 200


def _value_counts(s: pd.Series) -> pd.Series:
    """``s.value_counts(dropna=True, sort=True)``, in its order (by count, ties in order of first
    appearance), with an object index of the values themselves. For an object column the values
    are counted through their codes: pandas 2.x's own count of objects warns that it will stop
    inferring a dtype for its index (a PeriodIndex for Periods), from any thread (before
    2026-12-04 a table's fit silenced that for the whole process while its columns fitted)."""
    if s.dtype != object:
        return s.value_counts(dropna=True, sort=True)
    codes, uniques = pd.factorize(s, use_na_sentinel=True)  # (n,), (K,) in order of appearance
    counts = pd.Series(codes[codes >= 0]).value_counts(sort=True)  # int keys: no inference
    values = np.asarray(uniques, dtype=object)[counts.index.to_numpy()]
    return pd.Series(counts.to_numpy(), index=pd.Index(values, dtype=object), name="count")


@register
class CategoricalTransformer(ColumnTransformer):
    """A discrete column as a one-hot block the conditional vector can select."""

    kind_name = "categorical"

    def __init__(self, column: str = "", max_categories: int = MAX_CATEGORIES) -> None:
        self.column = column
        self.max_categories = max_categories
        self.dtype = "object"
        self.na = "nan"
        self.categories: list[Any] = []
        self.pool: list[Any] = []  # rare values pooled into "other"
        self.pool_counts: list[int] = []
        self.has_missing = False
        self.dtype_categories: list[Any] | None = None  # a pandas category dtype's own list
        self.categories_dtype: str | None = None  # the dtype of that list (int8, string, ...)
        self.ordered = False

    def fit(self, s: pd.Series, rng: np.random.Generator) -> CategoricalTransformer:
        self.column, self.dtype, self.na = str(s.name), dtype_name(s.dtype), missing_marker(s)
        if isinstance(s.dtype, pd.CategoricalDtype):
            self.dtype_categories = [to_plain(v) for v in s.dtype.categories]
            self.categories_dtype = dtype_name(s.dtype.categories.dtype)
            self.ordered = bool(s.dtype.ordered)
        counts = _value_counts(s)
        counts = counts[counts > 0]  # a category dtype lists its unused categories too
        self.has_missing = bool(s.isna().any())
        values = [to_plain(v) for v in counts.index]
        # Reserve slots for "other" and "missing" so the block never exceeds max_categories.
        room = self.max_categories - int(self.has_missing)
        if len(values) > room:
            room -= 1
            self.pool, self.pool_counts = values[room:], counts.to_numpy()[room:].tolist()
            values = values[:room]
        self.categories = values
        return self

    # ---------------------------------------------------------------- layout
    @property
    def n_slots(self) -> int:
        return len(self.categories) + int(bool(self.pool)) + int(self.has_missing)

    @property
    def labels(self) -> list[str]:
        return [str(v) for v in self.categories] + ["other"] * bool(self.pool) + ["missing"] * self.has_missing

    @property
    def spans(self) -> list[Span]:
        return [Span(self.column, "category", self.n_slots, "softmax", conditional=True,
                     labels=tuple(self.labels))]

    def category_of(self, value: Any) -> Any:
        """The category (or pooled rare value) that equals ``value`` as the column learnt it (the
        bool True for 1 in a column of True/False objects, the int 2 for 2.0); ``value`` itself
        when none does."""
        probe = pd.Index([value], dtype=object)
        for known, index in zip((self.categories, self.pool), self._lookup()):
            at = int(index.get_indexer(probe)[0])
            if at >= 0:
                return known[at]
        return value

    def _lookup(self) -> tuple[pd.Index, pd.Index]:
        """Object Indexes of ``categories`` and ``pool``, built once for the lists they hold
        (rebuilt when fit or from_dict puts others): a condition on each of 5,000 distinct rare
        values built the pool's 5,000 values again for each, 4 ms a lookup."""
        held = getattr(self, "_lookup_cache", None)
        if held is None or held[0] is not self.categories or held[1] is not self.pool:
            held = (self.categories, self.pool, pd.Index(self.categories, dtype=object),
                    pd.Index(self.pool, dtype=object))
            self._lookup_cache = held
        return held[2], held[3]

    def slot_of(self, value: Any) -> int:
        """The one-hot slot a single value falls in (for conditions); ColumnError if unknown."""
        codes = self.slots(pd.Series([value], dtype=object))
        return int(codes[0])

    # ---------------------------------------------------------------- transform
    def transform(self, s: pd.Series) -> np.ndarray:
        return one_hot(self.slots(s), self.n_slots)

    def slots(self, s: pd.Series) -> np.ndarray:
        """(n,) the slot of each value: the argmax of ``transform(s)``, without the one-hots."""
        # An object Index of the values, never one pandas infers a dtype for (intervals warn).
        values = pd.Index(s.to_numpy(dtype=object), dtype=object)
        categories, pool = self._lookup()
        codes = categories.get_indexer(values)
        missing = s.isna().to_numpy()
        if missing.any():
            if not self.has_missing:
                raise ColumnError(self.column, "has missing values but had none when fitted")
            codes[missing] = self.n_slots - 1
        unknown = codes < 0
        if unknown.any() and self.pool:
            pooled = unknown & (pool.get_indexer(values) >= 0)
            codes[pooled] = len(self.categories)
            unknown &= ~pooled
        if unknown.any():
            value = s[unknown].iloc[0]
            raise ColumnError(self.column, f"value {value!r} was not seen when fitted")
        return codes

    # ---------------------------------------------------------------- inverse
    def inverse_compact(self, c: np.ndarray, rng: np.random.Generator) -> pd.Series:
        return self.inverse_slots(c[:, 0].astype(np.int64), rng)

    def inverse_slots(self, codes: np.ndarray, rng: np.random.Generator) -> pd.Series:
        """(n,) slots (the argmax of generated one-hots, the compact form) -> the column's (n,) values."""
        table = np.empty(self.n_slots, dtype=object)
        table[: len(self.categories)] = self.categories
        values = table[codes]  # (n,) object
        if self.pool:
            other = codes == len(self.categories)
            p = np.asarray(self.pool_counts, dtype=np.float64)
            pool = np.empty(len(self.pool), dtype=object)
            pool[:] = self.pool
            values[other] = pool[rng.choice(len(pool), size=int(other.sum()), p=p / p.sum())]
        missing = (codes == self.n_slots - 1) if self.has_missing else np.zeros(len(codes), bool)
        return self._restore(values, missing)

    def _restore(self, values: np.ndarray, missing: np.ndarray) -> pd.Series:
        name = self.column
        if self.dtype == "category":
            dtype = category_dtype(self.dtype_categories, self.categories_dtype, self.ordered)
            # Codes found among the values as fitted, never cast by pandas (it takes Timedeltas
            # through nanoseconds, which 10**12 s overflow).
            known = pd.Index(self.dtype_categories, dtype=object, tupleize_cols=False)
            codes = known.get_indexer(pd.Index(values, dtype=object, tupleize_cols=False))  # (n,)
            codes[missing] = -1
            return pd.Series(pd.Categorical.from_codes(codes, dtype=dtype), name=name)
        if self.dtype == "object":
            values[missing] = MISSING_VALUES[self.na]
            return pd.Series(values, name=name, dtype=object)
        values[missing] = None
        out = pd.Series(values, name=name, dtype=object)
        return out.astype(as_dtype(nullable_dtype(self.dtype) if missing.any() else self.dtype))

    # ---------------------------------------------------------------- state
    def to_dict(self) -> dict[str, Any]:
        c = self.column
        return {
            "type": self.kind_name, "column": c, "dtype": self.dtype, "na": self.na,
            "max_categories": self.max_categories, "categories": json_values(self.categories, c),
            "pool": json_values(self.pool, c), "pool_counts": self.pool_counts,
            "has_missing": self.has_missing,
            "dtype_categories": json_values(self.dtype_categories, c), "ordered": self.ordered,
            "categories_dtype": self.categories_dtype,
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> CategoricalTransformer:
        t = cls(d["column"], d["max_categories"])
        for key in ("dtype", "na", "pool_counts", "has_missing", "ordered"):
            setattr(t, key, d[key])
        for key in ("categories", "pool", "dtype_categories"):  # dates, Decimals ... tagged
            setattr(t, key, from_json_values(d[key]))
        t.categories_dtype = d.get("categories_dtype")  # absent in files written before 2026-12-04
        return t


@register
class BooleanTransformer(CategoricalTransformer):
    """True/False (and missing) as a one-hot; back to bool, pandas ``boolean`` or object."""

    kind_name = "boolean"

    def fit(self, s: pd.Series, rng: np.random.Generator) -> BooleanTransformer:
        super().fit(s, rng)
        self.categories = [bool(v) for v in self.categories]
        return self
