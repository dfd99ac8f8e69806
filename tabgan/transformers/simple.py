"""Columns that are not modelled: constants (repeated) and ids (regenerated, never copied).

An id column is unique per row and carries no statistics worth learning, only identities worth
protecting. Its output is fresh unique values of the same shape and dtype:

- integers continue past the largest input id with the input's step (ids 1..891 come back as
  892, 893, ...), so no synthetic row carries a real id;
- text that is a counter, one prefix and suffix around a number on every row ("INV-00017",
  "user_12"), continues the same way: past the largest number, padded to the input's width
  ("INV-00500", "INV-00501", ...);
- other text keeps only *shapes*: each letter becomes a random letter of the same case, each digit
  a random digit, punctuation and spaces stay ("Braund, Mr. Owen" gives "Xkqwtr, Fp. Lzvm"). The
  model stores shape templates with their frequencies (at most ``MAX_SHAPES``), never a value.
  Hexadecimal text (UUIDs, hashes: its letters are exactly a-f, or A-F) is one class of the 16
  hex digits, so a fresh id is hexadecimal too; ``uuid.UUID`` objects come back as UUIDs.

Letters, marks and digits outside ASCII (accents, Cyrillic, CJK, Arabic-Indic digits) are
classes too, one per Unicode general category (``OTHER_CLASSES``) and script (the first word of
the character's Unicode name): each becomes a random character of its class among those the
column uses ("Иванов" gives "Жщкаэб", "张伟" two random characters of the column's names,
"Müller" keeps a Latin accented letter). The model stores each class's alphabet, the distinct
characters seen, never where they stood.
"""

from __future__ import annotations

import math
import unicodedata
import uuid
from typing import Any, Literal

import numpy as np
import pandas as pd

from tabgan.errors import DataError
from tabgan.schema import is_uuid_objects
from tabgan.transformers.base import (
    MISSING_VALUES,
    Unlearnt,
    as_dtype,
    category_dtype,
    dtype_name,
    from_json_values,
    json_values,
    missing_marker,
    nullable_dtype,
    register,
    to_plain,
)
from tabgan.transformers.continuous import restore_numeric

__all__ = ["ConstantTransformer", "IdTransformer", "MAX_SHAPES", "OTHER_CLASSES"]

MAX_SHAPES = 200
# Unicode general categories of the non-ASCII characters an id's shape hides (letters, marks,
# digits and other numbers); every other character (spaces, punctuation, symbols) stays.
OTHER_CLASSES = ("Lu", "Ll", "Lt", "Lm", "Lo", "Mn", "Mc", "Me", "Nd", "Nl", "No")
_PLACEHOLDER_BASE = 0xF0000  # class i of a model's alphabets stands as this + i in its shapes
HexCase = Literal["lower", "upper"]
_HEX = {"lower": "0123456789abcdef", "upper": "0123456789ABCDEF"}
# A counter: any prefix, the last run of digits, a suffix without digits.
_COUNTER = r"(?s)^(?P<head>(?:.*[^0-9])?)(?P<number>[0-9]+)(?P<tail>[^0-9]*)$"  # . takes \n too
_COUNTER_DIGITS = 18  # a counter's number fits an int64
# The characters the rows of a shape take at a place, where fewer than its place-holder stands
# for (a UUID's version digit 4 and variant 8, 9, a, b; a code's prefix), are the only ones drawn
# there when the shape has at least PLACES_MIN_ROWS rows, when that few characters would show in
# that many rows at most NARROW_EVIDENCE of the time were the place uniform, and when a fresh
# id still matches one of those rows at most MAX_CLASH of the time (rows / the ids allowed).
# Random text ids of a shape with at least this many bits of choice are not checked against the
# earlier chunks of a table (see IdTransformer.keeps_taken).
ROOMY_BITS = 100
PLACES_MIN_ROWS = 20
NARROW_EVIDENCE = 1e-3
MAX_CLASH = 1e-3


@register
class ConstantTransformer(Unlearnt):
    kind_name = "constant"

    def __init__(self, column: str = "") -> None:
        self.column, self.dtype, self.value, self.na = column, "object", None, "nan"
        self.dtype_categories: list[Any] | None = None  # a pandas category dtype's own list
        self.categories_dtype: str | None = None  # the dtype of that list (int8, string, ...)
        self.ordered = False

    def fit(self, s: pd.Series, rng: np.random.Generator) -> ConstantTransformer:
        self.column, self.dtype = str(s.name), dtype_name(s.dtype)
        values = s.dropna()
        # An empty column's value is None: missing on output, as the input wrote it (``na``).
        self.value = to_plain(values.iloc[0]) if len(values) else None
        self.na = missing_marker(s)
        if isinstance(s.dtype, pd.CategoricalDtype):
            self.dtype_categories = [to_plain(v) for v in s.dtype.categories]
            self.categories_dtype = dtype_name(s.dtype.categories.dtype)
            self.ordered = bool(s.dtype.ordered)
        return self

    def inverse_compact(self, c: np.ndarray, rng: np.random.Generator) -> pd.Series:
        value = MISSING_VALUES[self.na] if self.value is None else self.value
        out = pd.Series([value] * c.shape[0], name=self.column, dtype=object)
        if self.dtype == "category":
            return out.astype(category_dtype(self.dtype_categories, self.categories_dtype, self.ordered))
        return out if self.dtype == "object" else out.astype(as_dtype(self.dtype))

    def to_dict(self) -> dict[str, Any]:
        c = self.column
        return {"type": self.kind_name, "column": c, "dtype": self.dtype, "na": self.na,
                "value": json_values([self.value], c)[0],
                "dtype_categories": json_values(self.dtype_categories, c), "ordered": self.ordered,
                "categories_dtype": self.categories_dtype}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> ConstantTransformer:
        t = cls(d["column"])
        t.dtype, t.ordered, t.na = d["dtype"], d["ordered"], d.get("na", "nan")
        t.value = from_json_values([d["value"]])[0]
        t.dtype_categories = from_json_values(d["dtype_categories"])
        t.categories_dtype = d.get("categories_dtype")  # absent in files written before 2026-12-04
        return t


@register
class IdTransformer(Unlearnt):
    kind_name = "id"

    def __init__(self, column: str = "") -> None:
        self.column, self.dtype, self.na = column, "object", "nan"
        self.missing_rate = 0.0
        self.numeric = False
        self.start, self.step = 0, 1
        self.shapes: list[str] = []
        self.shape_counts: list[int] = []
        self.places: list[dict[str, str]] = []  # per shape, {place: the characters it takes}
        self.alphabets: dict[str, str] = {}  # {'Ll CYRILLIC': its characters seen, ...}
        self.hex: HexCase | None = None  # hexadecimal text: its digits stand as 'a' (or 'A')
        self.counter: tuple[str, str, int] | None = None  # (prefix, suffix, digits) of a counter
        self.uuid = False  # values are uuid.UUID objects

    def fit(self, s: pd.Series, rng: np.random.Generator) -> IdTransformer:
        self.column, self.dtype, self.na = str(s.name), dtype_name(s.dtype), missing_marker(s)
        values = s.dropna()
        self.missing_rate = float(1.0 - len(values) / len(s))
        self.numeric = bool(pd.api.types.is_numeric_dtype(s.dtype))
        self.shapes, self.shape_counts, self.places, self.alphabets = [], [], [], {}
        self.hex, self.counter, self.uuid = None, None, False
        if self.numeric:
            self.start, self.step = _continuation(_id_numbers(values))
            return self
        self.uuid = is_uuid_objects(values)
        text = values.astype(str)
        counter = None if self.uuid else _counter(text)
        if counter is not None:
            self.counter, numbers = counter[:3], counter[3]
            self.start, self.step = _continuation(numbers)
            return self
        self.hex = "lower" if self.uuid else _hex_case(text.to_numpy())
        templates, self.alphabets = _shape(text.to_numpy(), self.hex)
        shapes = templates.value_counts().iloc[:MAX_SHAPES]
        self.shapes, self.shape_counts = shapes.index.tolist(), shapes.to_numpy().tolist()
        self.places = _narrow_places(text.to_numpy(), templates, self.shapes, self.shape_counts,
                                     self._choices())
        return self

    def _choices(self) -> dict[int, int]:
        """{place-holder code point: how many characters it stands for}."""
        out = {ord("A"): 26, ord("a"): 26, ord("9"): 10}
        if self.hex is not None:  # its case's letters stand for the 16 hex digits
            out[ord("a" if self.hex == "lower" else "A")] = 16
        out.update({_PLACEHOLDER_BASE + i: len(chars) for i, chars in enumerate(self.alphabets.values())})
        return out

    def continue_past(self, s: pd.Series) -> None:
        """Integer ids and counters start past the largest of ``s`` as well (ids of rows held out
        of the fit)."""
        if self.counter is not None:
            head, tail, _ = self.counter
            parts = s.dropna().astype(str).str.extract(_COUNTER)
            same = (parts["head"] == head) & (parts["tail"] == tail)
            numbers = parts["number"][same & (parts["number"].str.len() <= _COUNTER_DIGITS)]
            if len(numbers):
                self.start = max(self.start, int(numbers.astype(np.int64).max()) + self.step)
            return
        if not self.numeric:
            return
        x = pd.to_numeric(s, errors="coerce").dropna()
        if pd.api.types.is_float_dtype(x.dtype):
            x = x[np.isfinite(x.to_numpy(dtype=np.float64))]
        if len(x):
            self.start = max(self.start, _largest(_id_numbers(x)) + self.step)

    def inverse_compact(self, c: np.ndarray, rng: np.random.Generator, first_row: int = 0,
                        taken: set[str] | None = None) -> pd.Series:
        """Fresh ids for the rows ``first_row`` to ``first_row + n`` of one synthetic table, made
        in chunks: integers and counters take the values of those rows, and random text keeps
        clear of ``taken`` (the text ids of the table's earlier chunks), which it then joins. So
        a table of any number of chunks has each id once."""
        n = c.shape[0]
        missing = rng.random(n) < self.missing_rate
        if self.numeric:
            return self._numbered(first_row, n, missing)
        if self.counter is not None:
            values = self._counted(first_row, n)
        else:
            values = self._fresh_text(n, rng, set() if taken is None else taken).astype(object)
        if self.uuid:
            values = pd.Series(values, dtype=object).map(uuid.UUID).to_numpy()
        values[missing] = MISSING_VALUES[self.na]
        out = pd.Series(values, name=self.column, dtype=object)
        return out if self.dtype == "object" else out.astype(as_dtype(self.dtype))

    def _numbered(self, first_row: int, n: int, missing: np.ndarray) -> pd.Series:
        """The integer ids of rows first_row.. of a table, exact whatever their size (Snowflake
        ids near 2**63, uint64 beyond it: float64 holds integers only to 2**53), ``missing``
        (n,) rows missing, in the input's dtype."""
        first = self.start + self.step * first_row
        last = first + self.step * max(n - 1, 0)
        dtype = as_dtype(self.dtype)
        # The dtype's largest value: past it the ids would wrap round onto the training table's
        # own (uint8 ids 0..199 went on 200..255, 0, 1, ...).
        numpy_dtype = getattr(dtype, "numpy_dtype", dtype)
        top, held = ((int(np.iinfo(numpy_dtype).max), f"its {self.dtype}") if numpy_dtype.kind in "iu"
                     else (int(np.iinfo(np.uint64).max), "a 64-bit integer"))
        if last > top:
            raise DataError(f"column {self.column!r}: its ids would pass {top}, the largest {held} holds "
                            f"(they go on from {self.start}); store it in a wider integer type to generate "
                            "this many rows")
        kind = np.int64 if last <= np.iinfo(np.int64).max else np.uint64
        x = kind(first) + kind(self.step) * np.arange(n, dtype=kind)  # (n,)
        if pd.api.types.is_float_dtype(dtype):  # float ids (named so in metadata)
            return restore_numeric(np.where(missing, np.nan, x.astype(np.float64)), self.dtype, self.na, self.column)
        out = pd.Series(pd.arrays.IntegerArray(x, missing), name=self.column) if missing.any() \
            else pd.Series(x, name=self.column)
        return out.astype(as_dtype(nullable_dtype(self.dtype)) if missing.any() else dtype)

    def _counted(self, first_row: int, n: int) -> np.ndarray:
        """(n,) the counter's values of rows first_row.. of a table: prefix, number (zero-padded
        to the input's width), suffix."""
        head, tail, width = self.counter
        numbers = pd.Series(self.start + self.step * (first_row + np.arange(n, dtype=np.int64))).astype(str)
        return (head + numbers.str.zfill(width) + tail).to_numpy(dtype=object)

    def _fresh_text(self, n: int, rng: np.random.Generator, taken: set[str]) -> np.ndarray:
        p = np.asarray(self.shape_counts, dtype=np.float64)
        shapes = np.asarray(self.shapes, dtype=object)
        hex_digits = _HEX[self.hex] if self.hex else None
        k = rng.choice(len(shapes), size=n, p=p / p.sum())  # (n,) each row's shape
        out = _fill(shapes, k, self.alphabets, rng, hex_digits, self.places)
        for _ in range(8):  # redraw the few collisions short shapes make
            dup = _repeated(out, taken)
            if not dup.any():
                break
            k = rng.choice(len(shapes), size=int(dup.sum()), p=p / p.sum())
            out[dup] = _fill(shapes, k, self.alphabets, rng, hex_digits, self.places)
        dup = _repeated(out, taken)
        if dup.any():  # a shape too small for the rows asked: number the rest
            suffix = pd.Series(len(taken) + np.arange(int(dup.sum()))).map("-{}".format)
            out[dup] = (pd.Series(out[dup]) + suffix).to_numpy()
        if self.keeps_taken():
            taken.update(out)
        return out

    def keeps_taken(self) -> bool:
        """Whether fresh ids are random text that could meet an earlier one by chance, so that
        those given out are kept (``taken``): not integers or counters, which count on, nor
        shapes that all draw from at least 2**ROOMY_BITS values (a UUID's 122 random bits), whose
        fresh ids meet less than once in 10**6 even at a billion rows."""
        if self.numeric or self.counter is not None:
            return False
        choices = self._choices()
        for shape, narrowed in zip(self.shapes, self.places or [{}] * len(self.shapes)):
            sizes = _place_sizes(shape, choices, narrowed)
            if np.log2(sizes[sizes > 0]).sum() < ROOMY_BITS:
                return True
        return False

    def to_dict(self) -> dict[str, Any]:
        return {"type": self.kind_name, "column": self.column, "dtype": self.dtype, "na": self.na,
                "missing_rate": self.missing_rate, "numeric": self.numeric, "start": self.start,
                "step": self.step, "shapes": self.shapes, "shape_counts": self.shape_counts,
                "alphabets": self.alphabets, "places": self.places, "hex": self.hex,
                "counter": None if self.counter is None else list(self.counter), "uuid": self.uuid}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> IdTransformer:
        t = cls(d["column"])
        for key in ("dtype", "na", "missing_rate", "numeric", "start", "step", "shapes", "shape_counts"):
            setattr(t, key, d[key])
        t.alphabets = dict(d.get("alphabets", {}))  # absent in files written before 2026-12-02
        # hex, counter and uuid are absent in files written before 2026-12-02
        t.hex, t.uuid, t.places = d.get("hex"), bool(d.get("uuid", False)), list(d.get("places", []))
        counter = d.get("counter")
        t.counter = None if counter is None else (str(counter[0]), str(counter[1]), int(counter[2]))
        return t


def _repeated(text: np.ndarray, taken: set[str]) -> np.ndarray:
    """(n,) bool: each value of ``text`` that an earlier one of it repeats, or that is in ``taken``
    (set intersection and pandas' hash table: no loop over rows in Python)."""
    dup = pd.Series(text).duplicated().to_numpy()
    clash = taken.intersection(text) if taken else None
    if clash:
        dup |= pd.Series(text).isin(clash).to_numpy()
    return dup


def _id_numbers(values: pd.Series) -> np.ndarray:
    """(n,) the present numbers of an id column, exact: int64, or uint64 for unsigned ones
    (past 2**63), float64 for floats."""
    dtype = values.dtype
    if pd.api.types.is_integer_dtype(dtype):
        unsigned = pd.api.types.is_unsigned_integer_dtype(dtype) or "uint" in str(dtype)
        return values.to_numpy(dtype=np.uint64 if unsigned else np.int64)
    return values.to_numpy(dtype=np.float64)


def _continuation(x: np.ndarray) -> tuple[int, int]:
    """(start, step) of fresh ids after the numbers x (n,): the input's step when every gap is
    the same whole number, else 1; the start one step past the largest."""
    x = np.sort(x)
    steps = np.diff(x)
    step = int(steps[0]) if steps.size and (steps == steps[0]).all() and steps[0] >= 1 else 1
    return _largest(x) + step, step


def _largest(x: np.ndarray) -> int:
    """The largest of the numbers x (n,) as an exact int (int64 and uint64 stay exact), rounded
    down."""
    largest = x.max()
    return int(largest) if x.dtype.kind in "iu" else int(np.floor(largest))


def _counter(text: pd.Series) -> tuple[str, str, int, np.ndarray] | None:
    """(prefix, suffix, width, numbers (n,) int64) when every value of ``text`` is the same prefix
    and suffix around a number: written with the same number of digits (width: zeros pad it)
    or with no leading zero (width 0), each number once, and filling at least half of the
    steps between the smallest and the largest; else None."""
    if len(text) == 0:
        return None
    parts = text.iloc[:1000].str.extract(_COUNTER)  # the prefix and suffix, from the first values
    head, tail = parts["head"].iloc[0], parts["tail"].iloc[0]
    if parts["number"].isna().any() or (parts["head"] != head).any() or (parts["tail"] != tail).any():
        return None
    # Every value that prefix, digits, that suffix: its last run of digits, since the prefix
    # ends in a non-digit and the suffix has none (string tests, cheaper than the pattern).
    digits = text.str.slice(len(head), -len(tail) if tail else None)  # (n,)
    if not (text.str.startswith(head) & text.str.endswith(tail) & digits.str.fullmatch("[0-9]+")).all():
        return None
    lengths = digits.str.len()
    if lengths.max() > _COUNTER_DIGITS or (lengths.nunique() > 1 and digits.str.match("0[0-9]").any()):
        return None  # too long for int64, or zeros padding some numbers and not others
    width = int(lengths.iloc[0]) if lengths.nunique() == 1 else 0
    numbers = digits.astype(np.int64).to_numpy()  # (n,)
    _, step = _continuation(numbers)
    if len(np.unique(numbers)) < len(numbers) or numbers.max() - numbers.min() >= 2 * step * len(numbers):
        return None  # repeated, or spread too thin to be a count (random account numbers)
    return head, tail, width, numbers


def _hex_case(text: np.ndarray) -> HexCase | None:
    """"lower" when the ASCII letters of ``text`` are exactly a-f (and it has digits), "upper"
    when they are exactly A-F: hexadecimal, as UUIDs and hashes are; else None."""
    blocks = (_codepoints(text[b]) for b in _row_blocks(text))
    seen = np.unique(np.concatenate([np.unique(c) for c in blocks]))  # (K,) code points used
    letters = {chr(x) for x in seen if chr(x).isascii() and chr(x).isalpha()}
    if not any(chr(x).isdigit() and chr(x).isascii() for x in seen):
        return None
    for case, digits in _HEX.items():
        if letters == set(digits[10:]):
            return case
    return None


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


def _shape(text: np.ndarray, hex_case: HexCase | None = None) -> tuple[pd.Series, dict[str, str]]:
    """(templates, alphabets): ASCII letters to 'A'/'a', ASCII digits to '9' (to 'a' or 'A' with
    ``hex_case``: one class of hex digits), every other letter,
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
    digit = {"lower": "a", "upper": "A", None: "9"}[hex_case]
    templates = [_template(_codepoints(text[b]), distinct, held, digit) for b in blocks]  # over blocks
    return pd.Series(np.concatenate(templates), dtype=object), alphabets


def _template(c: np.ndarray, distinct: np.ndarray, held: np.ndarray, digit_to: str = "9"
              ) -> np.ndarray:
    """(n,) templates of the code points c (n, L), digits to ``digit_to``: see ``_shape``."""
    upper = (c >= ord("A")) & (c <= ord("Z"))
    lower = (c >= ord("a")) & (c <= ord("z"))
    digit = (c >= ord("0")) & (c <= ord("9"))
    c = np.where(upper, ord("A"), np.where(lower, ord("a"), np.where(digit, ord(digit_to), c)))
    high = c > 127
    c[high] = held[np.searchsorted(distinct, c[high])]
    return _from_codepoints(c.astype(np.uint32))


def _fill(shapes: np.ndarray, k: np.ndarray, alphabets: dict[str, str], rng: np.random.Generator,
          hex_digits: str | None = None, places: list[dict[str, str]] | None = None) -> np.ndarray:
    """(n,) object strings, row i of shape ``shapes[k[i]]``: each 'A', 'a' and '9' a random
    character of that class (with ``hex_digits``, the place-holder of their letters' case is a
    random one of those 16), each place-holder of a category in ``alphabets`` a random character
    of its alphabet, and a place of ``places[k[i]]`` one of its characters. Made in row blocks
    (``_row_blocks``)."""
    rows = shapes[k]
    blocks = _row_blocks(rows)
    if len(blocks) == 1:
        return _fill_block(rows, k, alphabets, rng, hex_digits, places or [])
    return np.concatenate([_fill_block(rows[b], k[b], alphabets, rng, hex_digits, places or [])
                           for b in blocks])  # a loop over blocks


def _fill_block(rows: np.ndarray, k: np.ndarray, alphabets: dict[str, str], rng: np.random.Generator,
                hex_digits: str | None, places: list[dict[str, str]]) -> np.ndarray:
    c = _codepoints(rows)  # (n, L)
    r = rng.integers(0, 26, size=c.shape, dtype=np.uint32)
    upper, lower = c == ord("A"), c == ord("a")
    c = np.where(upper, ord("A") + r,
                 np.where(lower, ord("a") + r, np.where(c == ord("9"), ord("0") + r % 10, c)))
    if hex_digits is not None:  # one class: the letters' case's 16 hex digits
        at = lower if hex_digits.islower() else upper  # (n, L)
        c[at] = _pick(hex_digits, int(at.sum()), rng)
    for i, chars in enumerate(alphabets.values()):  # a loop over character classes
        at = c == _PLACEHOLDER_BASE + i  # (n, L)
        if at.any():
            c[at] = _pick(chars, int(at.sum()), rng)
    for shape, narrowed in enumerate(places):  # a loop over shapes and their narrowed places
        sel = np.flatnonzero(k == shape) if narrowed else ()  # (m,) its rows
        if len(sel):  # (none: its places may lie past this block's longest row)
            for place, chars in narrowed.items():
                c[sel, int(place)] = _pick(chars, len(sel), rng)
    return _from_codepoints(c.astype(np.uint32))


def _pick(chars: str, n: int, rng: np.random.Generator) -> np.ndarray:
    """(n,) code points, each a random one of ``chars``."""
    pool = _codepoints(np.array([chars]))[0]  # (len(chars),)
    return pool[rng.integers(0, len(pool), size=n)]


def _place_sizes(shape: str, choices: dict[int, int], narrowed: dict[str, str] | None = None
                 ) -> np.ndarray:
    """(L,) how many characters each place of ``shape`` may take: its place-holder's
    (``choices``), a narrowed place's own (``narrowed``), 0 on a character kept as it is."""
    sizes = np.array([choices.get(int(x), 0) for x in _codepoints(np.array([shape]))[0]])
    for place, chars in (narrowed or {}).items():
        sizes[int(place)] = len(chars)
    return sizes


def _unlikely_if_uniform(seen: np.ndarray, sizes: np.ndarray, rows: int) -> np.ndarray:
    """(L,) whether ``rows`` uniform draws among sizes[j] characters would show at most seen[j]
    distinct ones at most ``NARROW_EVIDENCE`` of the time (bound: C(size, seen) (seen/size)^rows)."""
    s, k = np.maximum(sizes, 1).astype(np.float64), np.clip(seen, 1, None).astype(np.float64)
    log_choose = np.array([math.lgamma(a + 1) - math.lgamma(b + 1) - math.lgamma(a - b + 1)
                           for a, b in zip(s, np.minimum(k, s))])  # a loop over places
    return log_choose + rows * np.log(np.minimum(k / s, 1.0)) <= math.log(NARROW_EVIDENCE)


def _narrow_places(text: np.ndarray, templates: pd.Series, shapes: list[str], counts: list[int],
                   choices: dict[int, int]) -> list[dict[str, str]]:
    """Per shape of ``shapes`` (with ``counts`` rows), {place: its characters} for every
    place-holder whose characters among the shape's rows of ``text`` (n,) are fewer than it
    stands for (``choices``: {place-holder: that many}); {} when the shape has too few rows or
    the narrowed places would make fresh ids match its rows too often (``PLACES_MIN_ROWS``,
    ``MAX_CLASH``). ``templates`` (n,) gives each row's shape. A loop over shapes and blocks."""
    codes, uniques = pd.factorize(templates)
    at = pd.Index(uniques).get_indexer(shapes)  # (M,) each shape's code
    order = np.argsort(codes, kind="stable")  # (n,) rows grouped by shape
    starts = np.concatenate([[0], np.cumsum(np.bincount(codes, minlength=len(uniques)))])
    out: list[dict[str, str]] = []
    for shape, count, code in zip(shapes, counts, at):
        rows = text[order[starts[code]:starts[code] + count]]  # its rows, all len(shape) long
        sizes = _place_sizes(shape, choices)  # (L,)
        if count < PLACES_MIN_ROWS or not sizes.any():
            out.append({})
            continue
        # Distinct (place, character) pairs, as place * 2**21 + code point (code points < 2**21).
        pairs = np.unique(np.concatenate([
            np.unique(np.arange(len(sizes), dtype=np.int64) * 2**21 + _codepoints(rows[b]))
            for b in _row_blocks(rows)]))
        place, char = pairs >> 21, pairs & (2**21 - 1)
        seen = np.bincount(place, minlength=len(sizes))  # (L,) distinct characters per place
        narrow = (sizes > 0) & (seen < sizes) & _unlikely_if_uniform(seen, sizes, count)
        allowed = np.where(narrow, seen, sizes)[sizes > 0]  # characters each place-holder may take
        if not narrow.any() or np.log(count) - np.log(allowed).sum() > np.log(MAX_CLASH):
            out.append({})
            continue
        out.append({str(j): "".join(map(chr, char[place == j])) for j in np.flatnonzero(narrow)})
    return out
