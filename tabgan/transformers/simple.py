"""Columns that are not modelled: constants (repeated) and ids (regenerated, never copied).

An id column is unique per row and carries no statistics worth learning, only identities worth
protecting. Its output is fresh unique values of the same shape and dtype:

- integers continue past the largest input id with the input's step (ids 1..891 come back as
  892, 893, ...), so no synthetic row carries a real id;
- text keeps only *shapes*: each letter becomes a random letter of the same case, each digit a
  random digit, punctuation and spaces stay ("Braund, Mr. Owen" gives "Xkqwtr, Fp. Lzvm"). The
  model stores shape templates with their frequencies (at most ``MAX_SHAPES``), never a value.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from tabgan.transformers.base import (
    MISSING_VALUES,
    ColumnTransformer,
    as_dtype,
    dtype_name,
    missing_marker,
    register,
    to_plain,
)
from tabgan.transformers.continuous import restore_numeric
from tabgan.transformers.layout import Span

__all__ = ["ConstantTransformer", "IdTransformer", "MAX_SHAPES"]

MAX_SHAPES = 200


class _Unmodelled(ColumnTransformer):
    """A column that takes no place in the matrix: it is rebuilt from its state alone."""

    @property
    def spans(self) -> list[Span]:
        return []

    def transform(self, s: pd.Series) -> np.ndarray:
        return np.zeros((len(s), 0), dtype=np.float32)


@register
class ConstantTransformer(_Unmodelled):
    kind_name = "constant"

    def __init__(self, column: str = "") -> None:
        self.column, self.dtype, self.value = column, "object", None
        self.dtype_categories: list[Any] | None = None  # a pandas category dtype's own list
        self.ordered = False

    def fit(self, s: pd.Series, rng: np.random.Generator) -> ConstantTransformer:
        self.column, self.dtype = str(s.name), dtype_name(s.dtype)
        self.value = to_plain(s.dropna().iloc[0])
        if isinstance(s.dtype, pd.CategoricalDtype):
            self.dtype_categories = [to_plain(v) for v in s.dtype.categories]
            self.ordered = bool(s.dtype.ordered)
        return self

    def inverse_compact(self, c: np.ndarray, rng: np.random.Generator) -> pd.Series:
        out = pd.Series([self.value] * c.shape[0], name=self.column, dtype=object)
        if self.dtype == "category":
            return out.astype(pd.CategoricalDtype(self.dtype_categories, ordered=self.ordered))
        return out if self.dtype == "object" else out.astype(as_dtype(self.dtype))

    def to_dict(self) -> dict[str, Any]:
        return {"type": self.kind_name, "column": self.column, "dtype": self.dtype, "value": self.value,
                "dtype_categories": self.dtype_categories, "ordered": self.ordered}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> ConstantTransformer:
        t = cls(d["column"])
        t.dtype, t.value, t.dtype_categories, t.ordered = d["dtype"], d["value"], d["dtype_categories"], d["ordered"]
        return t


@register
class IdTransformer(_Unmodelled):
    kind_name = "id"

    def __init__(self, column: str = "") -> None:
        self.column, self.dtype, self.na = column, "object", "nan"
        self.missing_rate = 0.0
        self.numeric = False
        self.start, self.step = 0, 1
        self.shapes: list[str] = []
        self.shape_counts: list[int] = []

    def fit(self, s: pd.Series, rng: np.random.Generator) -> IdTransformer:
        self.column, self.dtype, self.na = str(s.name), dtype_name(s.dtype), missing_marker(s)
        values = s.dropna()
        self.missing_rate = float(1.0 - len(values) / len(s))
        self.numeric = bool(pd.api.types.is_numeric_dtype(s.dtype))
        if self.numeric:
            x = np.sort(values.to_numpy(dtype=np.float64))
            steps = np.diff(x)
            self.step = int(steps[0]) if steps.size and (steps == steps[0]).all() and steps[0] >= 1 else 1
            self.start = int(np.floor(x[-1])) + self.step
        else:
            shapes = _shape(values.astype(str).to_numpy()).value_counts().iloc[:MAX_SHAPES]
            self.shapes, self.shape_counts = shapes.index.tolist(), shapes.to_numpy().tolist()
        return self

    def inverse_compact(self, c: np.ndarray, rng: np.random.Generator) -> pd.Series:
        n = c.shape[0]
        missing = rng.random(n) < self.missing_rate
        if self.numeric:
            x = (self.start + self.step * np.arange(n)).astype(np.float64)
            x[missing] = np.nan
            return restore_numeric(x, self.dtype, self.na, self.column)
        values = self._fresh_text(n, rng).astype(object)
        values[missing] = MISSING_VALUES[self.na]
        out = pd.Series(values, name=self.column, dtype=object)
        return out if self.dtype == "object" else out.astype(as_dtype(self.dtype))

    def _fresh_text(self, n: int, rng: np.random.Generator) -> np.ndarray:
        p = np.asarray(self.shape_counts, dtype=np.float64)
        shapes = np.asarray(self.shapes, dtype=str)
        out = _fill(shapes[rng.choice(len(shapes), size=n, p=p / p.sum())], rng)
        for _ in range(8):  # redraw the few collisions short shapes make
            dup = pd.Series(out).duplicated().to_numpy()
            if not dup.any():
                return out
            out[dup] = _fill(shapes[rng.choice(len(shapes), size=int(dup.sum()), p=p / p.sum())], rng)
        dup = pd.Series(out).duplicated().to_numpy()
        out[dup] = np.char.add(out[dup], np.char.mod("-%d", np.arange(int(dup.sum()))))
        return out

    def to_dict(self) -> dict[str, Any]:
        return {"type": self.kind_name, "column": self.column, "dtype": self.dtype, "na": self.na,
                "missing_rate": self.missing_rate, "numeric": self.numeric, "start": self.start,
                "step": self.step, "shapes": self.shapes, "shape_counts": self.shape_counts}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> IdTransformer:
        t = cls(d["column"])
        for key in ("dtype", "na", "missing_rate", "numeric", "start", "step", "shapes", "shape_counts"):
            setattr(t, key, d[key])
        return t


def _codepoints(text: np.ndarray) -> np.ndarray:
    """(n,) unicode strings to (n, L) uint32 code points, zero-padded."""
    text = text.astype(str)
    width = max(text.dtype.itemsize // 4, 1)
    return np.ascontiguousarray(text.astype(f"<U{width}")).view(np.uint32).reshape(len(text), width)


def _from_codepoints(codes: np.ndarray) -> np.ndarray:
    return np.ascontiguousarray(codes).view(f"<U{codes.shape[1]}")[:, 0]


def _shape(text: np.ndarray) -> pd.Series:
    """Letters to 'A'/'a', digits to '9'; everything else kept."""
    c = _codepoints(text)
    upper = (c >= ord("A")) & (c <= ord("Z"))
    lower = (c >= ord("a")) & (c <= ord("z"))
    digit = (c >= ord("0")) & (c <= ord("9"))
    c = np.where(upper, ord("A"), np.where(lower, ord("a"), np.where(digit, ord("9"), c)))
    return pd.Series(_from_codepoints(c.astype(np.uint32)))


def _fill(shapes: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Replace every 'A', 'a' and '9' of each shape by a random character of that class."""
    c = _codepoints(shapes)
    r = rng.integers(0, 26, size=c.shape, dtype=np.uint32)
    c = np.where(c == ord("A"), ord("A") + r,
                 np.where(c == ord("a"), ord("a") + r, np.where(c == ord("9"), ord("0") + r % 10, c)))
    return _from_codepoints(c.astype(np.uint32))
