"""Columns that are not modelled: constants (repeated) and ids (regenerated, never copied).

An id column is unique per row and carries no statistics worth learning, only identities worth
protecting. Its output is fresh unique values of the same shape and dtype:

- integers continue past the largest input id with the input's step (ids 1..891 come back as
  892, 893, ...), so no synthetic row carries a real id;
- text keeps only *shapes*: each letter becomes a random letter of the same case, each digit a
  random digit, punctuation and spaces stay ("Braund, Mr. Owen" gives "Xkqwtr, Fp. Lzvm"). The
  model stores shape templates with their frequencies (at most ``MAX_SHAPES``), never a value.

Letters, marks and digits outside ASCII (accents, Cyrillic, CJK, Arabic-Indic digits) are
classes too, one per Unicode general category (``OTHER_CLASSES``) and script (the first word of
the character's Unicode name): each becomes a random character of its class among those the
column uses ("Иванов" gives "Жщкаэб", "张伟" two random characters of the column's names,
"Müller" keeps a Latin accented letter). The model stores each class's alphabet, the distinct
characters seen, never where they stood.
"""

from __future__ import annotations

import unicodedata
from typing import Any

import numpy as np
import pandas as pd

from tabgan.transformers.base import (
    MISSING_VALUES,
    ColumnTransformer,
    as_dtype,
    dtype_name,
    from_json_values,
    json_values,
    missing_marker,
    register,
    to_plain,
)
from tabgan.transformers.continuous import restore_numeric
from tabgan.transformers.layout import Span

__all__ = ["ConstantTransformer", "IdTransformer", "MAX_SHAPES", "OTHER_CLASSES"]

MAX_SHAPES = 200
# Unicode general categories of the non-ASCII characters an id's shape hides (letters, marks,
# digits and other numbers); every other character (spaces, punctuation, symbols) stays.
OTHER_CLASSES = ("Lu", "Ll", "Lt", "Lm", "Lo", "Mn", "Mc", "Me", "Nd", "Nl", "No")
_PLACEHOLDER_BASE = 0xF0000  # class i of a model's alphabets stands as this + i in its shapes


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
        self.column, self.dtype, self.value, self.na = column, "object", None, "nan"
        self.dtype_categories: list[Any] | None = None  # a pandas category dtype's own list
        self.ordered = False

    def fit(self, s: pd.Series, rng: np.random.Generator) -> ConstantTransformer:
        self.column, self.dtype = str(s.name), dtype_name(s.dtype)
        values = s.dropna()
        # An empty column's value is None: missing on output, as the input wrote it (``na``).
        self.value = to_plain(values.iloc[0]) if len(values) else None
        self.na = missing_marker(s)
        if isinstance(s.dtype, pd.CategoricalDtype):
            self.dtype_categories = [to_plain(v) for v in s.dtype.categories]
            self.ordered = bool(s.dtype.ordered)
        return self

    def inverse_compact(self, c: np.ndarray, rng: np.random.Generator) -> pd.Series:
        value = MISSING_VALUES[self.na] if self.value is None else self.value
        out = pd.Series([value] * c.shape[0], name=self.column, dtype=object)
        if self.dtype == "category":
            return out.astype(pd.CategoricalDtype(self.dtype_categories, ordered=self.ordered))
        return out if self.dtype == "object" else out.astype(as_dtype(self.dtype))

    def to_dict(self) -> dict[str, Any]:
        c = self.column
        return {"type": self.kind_name, "column": c, "dtype": self.dtype, "na": self.na,
                "value": json_values([self.value], c)[0],
                "dtype_categories": json_values(self.dtype_categories, c), "ordered": self.ordered}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> ConstantTransformer:
        t = cls(d["column"])
        t.dtype, t.ordered, t.na = d["dtype"], d["ordered"], d.get("na", "nan")
        t.value = from_json_values([d["value"]])[0]
        t.dtype_categories = from_json_values(d["dtype_categories"])
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
        self.alphabets: dict[str, str] = {}  # {'Ll CYRILLIC': its characters seen, ...}

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
            templates, self.alphabets = _shape(values.astype(str).to_numpy())
            shapes = templates.value_counts().iloc[:MAX_SHAPES]
            self.shapes, self.shape_counts = shapes.index.tolist(), shapes.to_numpy().tolist()
        return self

    def continue_past(self, s: pd.Series) -> None:
        """Integer ids start past the largest of ``s`` as well (ids of rows held out of the fit)."""
        if not self.numeric:
            return
        x = pd.to_numeric(s, errors="coerce").to_numpy(dtype=np.float64, na_value=np.nan)
        if np.isfinite(x).any():
            self.start = max(self.start, int(np.floor(np.nanmax(x))) + self.step)

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
        shapes = np.asarray(self.shapes, dtype=object)
        out = _fill(shapes[rng.choice(len(shapes), size=n, p=p / p.sum())], self.alphabets, rng)
        for _ in range(8):  # redraw the few collisions short shapes make
            dup = pd.Series(out).duplicated().to_numpy()
            if not dup.any():
                return out
            picks = shapes[rng.choice(len(shapes), size=int(dup.sum()), p=p / p.sum())]
            out[dup] = _fill(picks, self.alphabets, rng)
        dup = pd.Series(out).duplicated().to_numpy()
        out[dup] = (pd.Series(out[dup]) + pd.Series(np.arange(int(dup.sum()))).map("-{}".format)).to_numpy()
        return out

    def to_dict(self) -> dict[str, Any]:
        return {"type": self.kind_name, "column": self.column, "dtype": self.dtype, "na": self.na,
                "missing_rate": self.missing_rate, "numeric": self.numeric, "start": self.start,
                "step": self.step, "shapes": self.shapes, "shape_counts": self.shape_counts,
                "alphabets": self.alphabets}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> IdTransformer:
        t = cls(d["column"])
        for key in ("dtype", "na", "missing_rate", "numeric", "start", "step", "shapes", "shape_counts"):
            setattr(t, key, d[key])
        t.alphabets = dict(d.get("alphabets", {}))  # absent in files written before 2026-12-02
        return t


# Characters of text a block holds at once: its (rows, longest) code-point arrays are 4 MB, so
# free text of thousands of characters a row is shaped and filled in bounded memory.
_BLOCK_CELLS = 1 << 20


def _row_blocks(text: np.ndarray) -> list[slice]:
    """Row blocks of the (n,) strings ``text`` of at most ``_BLOCK_CELLS`` characters as padded
    code points (rows times the longest string)."""
    longest = int(pd.Series(text, dtype=object).str.len().max()) if len(text) else 1
    step = max(1, _BLOCK_CELLS // max(longest, 1))
    return [slice(i, i + step) for i in range(0, len(text), step)] or [slice(0, 0)]


def _codepoints(text: np.ndarray) -> np.ndarray:
    """(n,) unicode strings to (n, L) uint32 code points, zero-padded."""
    text = text.astype(str)
    width = max(text.dtype.itemsize // 4, 1)
    return np.ascontiguousarray(text.astype(f"<U{width}")).view(np.uint32).reshape(len(text), width)


def _from_codepoints(codes: np.ndarray) -> np.ndarray:
    """(n, L) code points to (n,) strings, as objects (each as long as it is, not L)."""
    return np.ascontiguousarray(codes).view(f"<U{codes.shape[1]}")[:, 0].astype(object)


def _char_class(x: int) -> str | None:
    """'Ll CYRILLIC' for 'ж': a character's Unicode category and script (the first word of its
    name), or None for a character an id's shape keeps (space, punctuation, symbol)."""
    ch = chr(x)
    cls = unicodedata.category(ch)
    if cls not in OTHER_CLASSES:
        return None
    return f"{cls} {unicodedata.name(ch, '').split(' ', 1)[0]}"


def _shape(text: np.ndarray) -> tuple[pd.Series, dict[str, str]]:
    """(templates, alphabets): ASCII letters to 'A'/'a', ASCII digits to '9', every other letter,
    mark or digit to its class's place-holder (``_char_class``; the i-th class of alphabets is
    ``_PLACEHOLDER_BASE + i``); everything else kept. alphabets maps each class met, sorted, to
    its distinct characters seen, sorted. Rows go in blocks (``_row_blocks``): a first pass finds
    the non-ASCII characters, a second writes the templates."""
    blocks = _row_blocks(text)
    high = [np.unique(c[c > 127]) for c in (_codepoints(text[b]) for b in blocks)]
    distinct = np.unique(np.concatenate(high))  # (K,) the non-ASCII characters, sorted
    classes = [_char_class(int(x)) for x in distinct]  # a loop over distinct characters
    names = sorted({cls for cls in classes if cls is not None})
    alphabets = {cls: "" for cls in names}
    for x, cls in zip(distinct, classes):
        if cls is not None:
            alphabets[cls] += chr(int(x))
    index = {cls: i for i, cls in enumerate(names)}
    held = np.array([int(x) if cls is None else _PLACEHOLDER_BASE + index[cls]
                     for x, cls in zip(distinct, classes)], dtype=np.uint32)  # (K,)
    templates = [_template(_codepoints(text[b]), distinct, held) for b in blocks]  # a loop over blocks
    return pd.Series(np.concatenate(templates), dtype=object), alphabets


def _template(c: np.ndarray, distinct: np.ndarray, held: np.ndarray) -> np.ndarray:
    """(n,) templates of the code points c (n, L): see ``_shape``."""
    upper = (c >= ord("A")) & (c <= ord("Z"))
    lower = (c >= ord("a")) & (c <= ord("z"))
    digit = (c >= ord("0")) & (c <= ord("9"))
    c = np.where(upper, ord("A"), np.where(lower, ord("a"), np.where(digit, ord("9"), c)))
    high = c > 127
    c[high] = held[np.searchsorted(distinct, c[high])]
    return _from_codepoints(c.astype(np.uint32))


def _fill(shapes: np.ndarray, alphabets: dict[str, str], rng: np.random.Generator) -> np.ndarray:
    """Replace every 'A', 'a' and '9' of each shape by a random character of that class, and
    each place-holder of a category in ``alphabets`` by a random character of its alphabet;
    (n,) object strings, made in row blocks (``_row_blocks``)."""
    blocks = _row_blocks(shapes)
    if len(blocks) == 1:
        return _fill_block(shapes, alphabets, rng)
    return np.concatenate([_fill_block(shapes[b], alphabets, rng) for b in blocks])  # over blocks


def _fill_block(shapes: np.ndarray, alphabets: dict[str, str], rng: np.random.Generator) -> np.ndarray:
    c = _codepoints(shapes)
    r = rng.integers(0, 26, size=c.shape, dtype=np.uint32)
    c = np.where(c == ord("A"), ord("A") + r,
                 np.where(c == ord("a"), ord("a") + r, np.where(c == ord("9"), ord("0") + r % 10, c)))
    for i, chars in enumerate(alphabets.values()):  # a loop over character classes
        at = c == _PLACEHOLDER_BASE + i  # (n, L)
        if at.any():
            pool = _codepoints(np.array([chars]))[0]  # (len(chars),)
            c[at] = pool[rng.integers(0, len(pool), size=int(at.sum()))]
    return _from_codepoints(c.astype(np.uint32))
