"""What every column transformer provides, and the helpers they share.

A column transformer learns one column (``fit``), turns it into float32 blocks the network learns
(``transform``), and turns generated blocks back into a column of the input's dtype
(``inverse_transform``). Its learned state is plain data (``to_dict``/``from_dict``): numbers,
strings and lists only, so a fitted model is saved as JSON and never pickled.

Decoding goes through the *compact* form of the blocks: one float per span, the tanh value of a
``tanh`` span or the slot (0, 1, ...) of a ``softmax`` span (``compact``). A generator hands that
form over directly (the engines' ``compact=True``), so sampling never builds one-hots only to
argmax them again.
"""

from __future__ import annotations

import datetime
import decimal
import math
import uuid
from collections.abc import Sequence
from typing import Any, ClassVar

import numpy as np
import pandas as pd

from tabgan.errors import ColumnError
from tabgan.schema import as_dtype, dtype_name, to_plain  # noqa: F401 - re-exported for the transformers
from tabgan.transformers.layout import Span

__all__ = ["ColumnTransformer", "compact", "register", "transformer_from_dict"]

_REGISTRY: dict[str, type[ColumnTransformer]] = {}


def register(cls: type[ColumnTransformer]) -> type[ColumnTransformer]:
    """Class decorator: make ``transformer_from_dict`` able to rebuild ``cls`` by its name."""
    _REGISTRY[cls.kind_name] = cls
    return cls


def transformer_from_dict(d: dict[str, Any]) -> ColumnTransformer:
    try:
        cls = _REGISTRY[d["type"]]
    except KeyError:
        raise ValueError(f"unknown transformer type {d.get('type')!r}") from None
    return cls.from_dict(d)


class ColumnTransformer:
    """Base of the per-column transformers."""

    kind_name: ClassVar[str] = ""

    column: str
    dtype: str

    def fit(self, s: pd.Series, rng: np.random.Generator) -> ColumnTransformer:
        raise NotImplementedError

    @property
    def spans(self) -> list[Span]:
        """The blocks this column occupies in the matrix, in order (may be empty)."""
        raise NotImplementedError

    @property
    def width(self) -> int:
        return sum(s.width for s in self.spans)

    def transform(self, s: pd.Series) -> np.ndarray:
        """(n, width) float32."""
        raise NotImplementedError

    def inverse_transform(self, m: np.ndarray, rng: np.random.Generator) -> pd.Series:
        """From (n, width) generated values (tanh values, soft or hard one-hots) to a column."""
        return self.inverse_compact(compact(m, self.spans), rng)

    def inverse_compact(self, c: np.ndarray, rng: np.random.Generator) -> pd.Series:
        """From (n, len(spans)) compact values (see ``compact``) to a column."""
        raise NotImplementedError

    def to_dict(self) -> dict[str, Any]:
        raise NotImplementedError

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> ColumnTransformer:
        raise NotImplementedError


class Unlearnt(ColumnTransformer):
    """A column that takes no place in the matrix: rebuilt from its state alone (constants, ids)
    or from other columns (looked up or computed)."""

    @property
    def spans(self) -> list[Span]:
        return []

    def transform(self, s: pd.Series) -> np.ndarray:
        return np.zeros((len(s), 0), dtype=np.float32)


def compact(m: np.ndarray, spans: Sequence[Span]) -> np.ndarray:
    """(n, width) blocks -> (n, len(spans)) float32: a tanh span's value, a softmax span's argmax
    (its slot; ties to the first). Slots are exact in float32 below 2**24."""
    out = np.empty((m.shape[0], len(spans)), dtype=np.float32)
    start = 0
    for j, span in enumerate(spans):  # a loop over spans
        block = m[:, start:start + span.width]
        out[:, j] = block[:, 0] if span.activation == "tanh" else block.argmax(axis=1)
        start += span.width
    return out


def one_hot(codes: np.ndarray, width: int) -> np.ndarray:
    """(n,) int codes in [0, width) to (n, width) float32 one-hots."""
    out = np.zeros((codes.shape[0], width), dtype=np.float32)
    out[np.arange(codes.shape[0]), codes] = 1.0
    return out


def missing_marker(s: pd.Series) -> str:
    """How the input wrote its missing values, so output writes them the same way."""
    na = s[s.isna()]
    if len(na) == 0:
        return "nan"
    v = na.iloc[0]
    if v is None:
        return "none"
    if v is pd.NA:
        return "na"
    if v is pd.NaT:
        return "nat"
    return "nan"


MISSING_VALUES: dict[str, Any] = {"nan": np.nan, "none": None, "na": pd.NA, "nat": pd.NaT}


def without_text(s: pd.Series, text: str | Sequence[str] | None) -> pd.Series:
    """``s`` with ``text``, a column's own text for its missing values ("?", "0000-00-00"), or
    each of several such texts, as missing values; ``s`` itself when there is none."""
    if text is None or not isinstance(text, str) and not len(text):
        return s
    texts = [text] if isinstance(text, str) else list(text)
    return s.where(~s.astype(object).isin(texts))


def json_values(values: Sequence[Any] | None, column: str) -> list[Any] | None:
    """Categories or a constant's values as JSON: str, int, finite float and bool as they are;
    infinities, dates, times, timestamps and durations (in their own unit: 9999-12-31 in seconds
    is beyond nanoseconds), Decimals, intervals (``pd.cut``'s bins to ``inf``), periods, bytes
    and tuples as ``{"$type": ..., ...}``
    (``from_json_values`` reads them back to equal values). ColumnError naming ``column`` for
    a value of any other type, which a model file cannot hold."""
    return None if values is None else [_to_json(v, column) for v in values]  # distinct values


def from_json_values(values: Sequence[Any] | None) -> list[Any] | None:
    return None if values is None else [_from_json(v) for v in values]


def _to_json(value: Any, column: str) -> Any:
    value = to_plain(value)
    if isinstance(value, float) and not math.isfinite(value):  # strict JSON has no inf or NaN
        return {"$type": "float", "text": repr(value)}
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, pd.Timestamp):  # its UTC instant in its unit
        return {"$type": "timestamp", "value": int(value.to_datetime64().astype(np.int64)),
                "unit": value.unit, "tz": None if value.tz is None else str(value.tz)}
    if isinstance(value, datetime.datetime):
        return {"$type": "datetime", "iso": value.isoformat()}
    if isinstance(value, datetime.date):
        return {"$type": "date", "iso": value.isoformat()}
    if isinstance(value, datetime.time):
        return {"$type": "time", "iso": value.isoformat()}
    if isinstance(value, pd.Timedelta):
        return {"$type": "timedelta", "value": int(value.to_timedelta64().astype(np.int64)),
                "unit": value.unit}
    if isinstance(value, datetime.timedelta):
        return {"$type": "pytimedelta", "us": value // datetime.timedelta(microseconds=1)}
    if isinstance(value, decimal.Decimal):
        return {"$type": "decimal", "text": str(value)}
    if isinstance(value, pd.Interval):
        return {"$type": "interval", "left": _to_json(value.left, column),
                "right": _to_json(value.right, column), "closed": value.closed}
    if isinstance(value, tuple):
        return {"$type": "tuple", "items": [_to_json(v, column) for v in value]}
    if isinstance(value, uuid.UUID):
        return {"$type": "uuid", "hex": value.hex}
    if isinstance(value, pd.Period):
        return {"$type": "period", "ordinal": value.ordinal, "freq": value.freqstr}
    if isinstance(value, bytes):
        return {"$type": "bytes", "hex": value.hex()}
    raise ColumnError(column, f"holds values of type {type(value).__name__}, which a model file "
                              "cannot store; convert the column to text or numbers")


def _from_json(value: Any) -> Any:
    if not isinstance(value, dict):
        return value
    kind = value["$type"]
    if kind == "float":
        return float(value["text"])
    if kind == "timestamp":  # "ns" in files written before 2026-12-04
        out = pd.Timestamp(np.datetime64(*_count_and_unit(value)))
        return out if value["tz"] is None else out.tz_localize("UTC").tz_convert(value["tz"])
    if kind == "datetime":
        return datetime.datetime.fromisoformat(value["iso"])
    if kind == "date":
        return datetime.date.fromisoformat(value["iso"])
    if kind == "time":
        return datetime.time.fromisoformat(value["iso"])
    if kind == "timedelta":
        return pd.Timedelta(np.timedelta64(*_count_and_unit(value)))
    if kind == "pytimedelta":
        return datetime.timedelta(microseconds=value["us"])
    if kind == "decimal":
        return decimal.Decimal(value["text"])
    if kind == "interval":
        return pd.Interval(_from_json(value["left"]), _from_json(value["right"]), value["closed"])
    if kind == "tuple":
        return tuple(_from_json(v) for v in value["items"])
    if kind == "uuid":
        return uuid.UUID(hex=value["hex"])
    if kind == "period":
        return pd.Period(ordinal=value["ordinal"], freq=value["freq"])
    if kind == "bytes":
        return bytes.fromhex(value["hex"])
    raise ValueError(f"unknown stored value type {kind!r}")


def _count_and_unit(value: dict[str, Any]) -> tuple[int, str]:
    """(count, unit) of a stored timestamp or duration: its own unit, or nanoseconds in files
    written before 2026-12-04."""
    if "ns" in value:
        return value["ns"], "ns"
    if value["unit"] not in ("s", "ms", "us", "ns"):  # the units pandas holds
        raise ValueError(f"unknown time unit {value['unit']!r}")
    return value["value"], value["unit"]


def category_dtype(categories: Sequence[Any] | None, dtype: str | None, ordered: bool
                   ) -> pd.CategoricalDtype:
    """A pandas category dtype: ``categories`` in their order, as an Index of the dtype they had
    (its ``dtype_name``: int8, string[python], datetime64[s], float32, ...), so that a column
    comes back with the category dtype it went in with. ``dtype`` None (model files written
    before 2026-12-04): pandas infers it from the values, as it did then."""
    if categories is None or dtype is None:
        return pd.CategoricalDtype(categories, ordered=ordered)
    kind = as_dtype(dtype)
    if isinstance(kind, np.dtype) and kind.kind == "m":
        # pandas casts Timedelta objects through nanoseconds, which 10**12 s overflow: numpy's
        # values, each in the column's own unit
        index = pd.Index(np.array([pd.Timedelta(v).to_timedelta64().astype(kind) for v in categories],
                                  dtype=kind))
    else:
        index = pd.Index(list(categories), dtype=kind, tupleize_cols=False)  # tuples stay values
    return pd.CategoricalDtype(index, ordered=ordered)


def nullable_dtype(dtype: str) -> str:
    """The pandas dtype that can hold missing values for a numpy int or bool dtype (by name, as
    ``dtype_name`` writes it); any other dtype, pyarrow's included, holds them already."""
    if dtype == "bool":
        return "boolean"
    if "[" in dtype:  # int64[pyarrow] and the like
        return dtype
    if dtype.startswith("int"):
        return "I" + dtype[1:]
    if dtype.startswith("uint"):
        return "UI" + dtype[2:]
    return dtype
