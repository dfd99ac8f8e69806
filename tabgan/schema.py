"""Column kinds and their inference from a DataFrame.

Every column of a table gets one kind:

- ``numerical``: int or float values (nullable ints too), durations (timedelta64) and
  ``decimal.Decimal`` objects (Parquet DURATION and DECIMAL columns); modelled with mode-specific
  normalisation.
- ``categorical``: strings, pandas categories (pyarrow dictionaries too), ints named in
  ``discrete_columns``; one-hot.
- ``boolean``: bool, pandas ``boolean`` and object columns holding only True/False.
- ``datetime``: datetime64 (with or without timezone), pandas periods, columns of ``datetime.date`` or
  ``datetime.datetime`` objects (what pyarrow gives for a Parquet DATE column), and text columns
  whose every value parses with one date format, which is remembered so dates are written back
  the same way. Formats are strftime's plus ``%3f`` (a fraction of a second in 3 digits; any
  of 1-9) and ``%:z`` (an offset written ``+01:00``): ``2024-03-01T12:00:00.123+01:00`` is
  ``%Y-%m-%dT%H:%M:%S.%3f%:z``. Text dates with UTC offsets are read in the time zone their
  offsets follow (``text_dates``), so a column that changes offset with daylight saving is
  written back with each instant's offset.
  Whole numbers that write a time or a date in digits (``HHMM`` as nycflights13's ``dep_time``,
  ``HHMMSS``, ``YYYYMMDD``, ``YYYYMM``; see ``tabgan.codes``) stay ``numerical``, with the code's
  strftime format as their ``datetime_format`` (``%H%M`` ...): they are learnt as the minutes,
  seconds, days or months they count. Metadata sets one with ``{"sdtype": "datetime",
  "datetime_format": "%H%M"}`` on an integer column, and ``{"sdtype": "numerical"}`` keeps a
  column plain numbers.
- ``id``: a value of its own in most rows (text, at least half the rows holding a value no other
  row has) or in every row (integers named like ids or in arithmetic progression); not
  modelled, regenerated as fresh unique values, so no real name or e-mail is copied.
- ``constant``: a single value and no missing ones, or no value at all (an empty column, as a
  trailing delimiter makes in a CSV); repeated on output.

Users override inference with ``discrete_columns=[...]`` or an SDV-style metadata dict
``{"columns": {name: {"sdtype": ...}}}``. ``validate_frame`` rejects what cannot be learned with a
one-line error naming the column; ``text_names`` gives a frame whose columns are labelled by
numbers (``pd.DataFrame(X)``) text names, and the labels to put back.
"""

from __future__ import annotations

import datetime
import difflib
import json
import re
import uuid
import warnings
import zoneinfo
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

import numpy as np
import pandas as pd
from pandas.tseries.api import guess_datetime_format

from tabgan.codes import FORMATS, MAX_CODE, code_of_format, describe, detect_code, not_codes
from tabgan.errors import ColumnError, DataError

Kind = Literal["numerical", "categorical", "boolean", "datetime", "id", "constant"]
KINDS: tuple[Kind, ...] = ("numerical", "categorical", "boolean", "datetime", "id", "constant")

__all__ = ["KINDS", "ColumnSpec", "Kind", "MixedOffsets", "Schema", "arrow_view", "as_dtype", "as_numbers",
           "date_mask", "dtype_name", "format_dates", "format_numbers", "infer_column", "infer_schema",
           "is_arrow_dictionary", "is_decimal", "local_format", "missing_date_texts", "number_objects",
           "object_dates", "odd_date_text", "split_offsets", "text_date_format", "text_dates", "text_names",
           "text_number_form", "validate_frame"]

# SDV sdtypes and what tabgan makes of them. PII sdtypes (email, phone_number, ...) are never
# modelled: like ids they are regenerated, so no real value can leak through them.
_SDTYPES: dict[str, Kind] = {
    "numerical": "numerical",
    "categorical": "categorical",
    "boolean": "boolean",
    "datetime": "datetime",
    "id": "id",
}
# Words for a statistical type that SDV does not use as sdtypes (numpy's, pandas', other tools').
_SDTYPE_WORDS: dict[str, Kind] = {
    "int": "numerical", "integer": "numerical", "float": "numerical", "number": "numerical",
    "numeric": "numerical", "continuous": "numerical", "category": "categorical",
    "discrete": "categorical", "bool": "boolean", "date": "datetime", "timestamp": "datetime",
}
# Text date formats tried, beyond pandas' own guess, when a text column may hold dates.
_DATE_FORMATS = (
    "%Y-%m-%d",
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%dT%H:%M:%S",
    "%Y-%m-%dT%H:%M:%SZ",
    "%Y-%m-%d %H:%M",
    "%Y/%m/%d",
    "%m/%d/%Y",
    "%d/%m/%Y",
    "%d.%m.%Y",
    "%m/%d/%Y %H:%M",
    "%Y%m%d",
    "%m/%d/%y",  # two-digit years, which pandas does not guess
    "%d/%m/%y",
)
# Times of day without a date: a day's instants, written back in the same form.
_TIME_FORMATS = ("%H:%M", "%H:%M:%S", "%H:%M:%S.%3f", "%H:%M:%S.%f", "%I:%M %p", "%I:%M:%S %p")
DATE_GUESSES = 20  # distinct values whose guessed date formats are tried
# A column is an id when there are at least this many rows and it is text most of whose rows
# hold a value of their own (``_looks_like_text_id``), or an integer column of distinct values
# named like an id or holding an arithmetic progression (1, 2, 3 ...).
ID_MIN_ROWS = 20
ID_SINGLETON_SHARE = 0.5  # text is an id when this share of its rows hold a value of their own
_ID_NAME = re.compile(r"(^|[_\W])id$|^id([_\W]|$)|[a-z]Id$|ID$", re.IGNORECASE)


@dataclass
class ColumnSpec:
    """What tabgan knows of one column before any model is fitted.

    name: the column's name. kind: see the module docstring. dtype: the input's pandas dtype as
    text (restored on output). datetime_format: for text dates, the strftime format that
    reproduces every input value exactly; None for datetime64 columns; for a numerical column,
    the time or date code its whole numbers write (``%H%M``; see ``tabgan.codes``). source: "inferred",
    "discrete_columns" or "metadata".
    """

    name: str
    kind: Kind
    dtype: str
    datetime_format: str | None = None
    source: str = "inferred"
    extra: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> ColumnSpec:
        return cls(**d)


@dataclass
class Schema:
    """The ordered column specs of a table. Prints as a table; round-trips through JSON."""

    columns: list[ColumnSpec]

    def __getitem__(self, name: str) -> ColumnSpec:
        for c in self.columns:
            if c.name == name:
                return c
        raise KeyError(name)

    @property
    def names(self) -> list[str]:
        return [c.name for c in self.columns]

    def of_kind(self, *kinds: Kind) -> list[str]:
        return [c.name for c in self.columns if c.kind in kinds]

    def to_dict(self) -> dict[str, Any]:
        return {"columns": [c.to_dict() for c in self.columns]}

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> Schema:
        return cls([ColumnSpec.from_dict(c) for c in d["columns"]])

    def to_json(self, **kwargs: Any) -> str:
        return json.dumps(self.to_dict(), **kwargs)

    @classmethod
    def from_json(cls, text: str) -> Schema:
        return cls.from_dict(json.loads(text))

    def to_metadata(self) -> dict[str, Any]:
        """The schema in SDV's metadata format, so it can be edited and passed back."""
        cols: dict[str, Any] = {}
        for c in self.columns:
            sdtype = "categorical" if c.kind == "constant" else c.kind
            if c.kind == "numerical" and c.datetime_format:  # coded numbers, as metadata sets them
                sdtype = "datetime"
            entry: dict[str, Any] = {"sdtype": sdtype}
            if c.datetime_format:
                entry["datetime_format"] = c.datetime_format
            cols[c.name] = entry
        return {"columns": cols}

    def __str__(self) -> str:
        rows = [("column", "kind", "dtype", "notes")]
        for c in self.columns:
            notes = [f"format {c.datetime_format!r}"] if c.datetime_format else []
            if c.kind == "numerical" and c.datetime_format:
                notes = [f"{describe(str(code_of_format(c.datetime_format)))} ({c.datetime_format!r})"]
            if c.source != "inferred":
                notes.append(f"from {c.source}")
            rows.append((c.name, c.kind, c.dtype, ", ".join(notes)))
        widths = [max(len(r[i]) for r in rows) for i in range(4)]
        lines = ["  ".join(v.ljust(w) for v, w in zip(r, widths)).rstrip() for r in rows]
        lines.insert(1, "  ".join("-" * w for w in widths))
        return "\n".join(lines)

    def __repr__(self) -> str:
        return f"Schema({len(self.columns)} columns: " + ", ".join(
            f"{c.name}:{c.kind}" for c in self.columns) + ")"


def _not_a_frame(df: object) -> str:
    hint = ""
    if isinstance(df, pd.Series):
        hint = "; a single column is a table too: series.to_frame()"
    elif isinstance(df, (np.ndarray, list)):
        hint = ("; wrap it, pd.DataFrame(X), and its columns are learnt as '0', '1', ... "
                "(samples come back labelled 0, 1, ...)")
    return f"expected a pandas DataFrame, got {type(df).__name__}{hint}"


def validate_frame(df: object) -> pd.DataFrame:
    """Reject tables that cannot be learned; return the frame unchanged (never a copy's edit)."""
    if not isinstance(df, pd.DataFrame):
        raise DataError(_not_a_frame(df))
    if df.shape[1] == 0:
        raise DataError("the table has no columns")
    if df.shape[0] == 0:
        raise DataError("the table has no rows")
    for name in df.columns:
        if not isinstance(name, str):
            raise ColumnError(name, f"column names must be strings, got {type(name).__name__}")
    dup = df.columns[df.columns.duplicated()].unique().tolist()
    if dup:
        raise DataError(f"duplicate column names: {', '.join(map(repr, dup))}")
    for name in df.columns:  # a loop over columns: pandas' hash tables read text up to a NUL
        if _has_nul(df[name]):
            raise ColumnError(name, "holds text with a NUL character (\\x00), which pandas counts only up to "
                                    "that character ('a' and 'a\\x00' are one value to it); remove or replace it")
    return df


def _has_nul(s: pd.Series) -> bool:
    """Whether a text of ``s`` holds a NUL character (a column of no text, such as Decimals or
    UUIDs in an object column, holds none)."""
    if not (s.dtype == object or isinstance(s.dtype, pd.StringDtype)):
        return False
    try:
        return bool(s.str.contains("\x00", regex=False, na=False).to_numpy(dtype=bool).any())
    except (AttributeError, TypeError):  # pandas' .str takes no column without text (bytes)
        return False


def text_names(df: object) -> tuple[pd.DataFrame, list[Any] | None]:
    """``df`` with its column labels as text, and the labels it had (None when all were text).

    A frame made from an array (``pd.DataFrame(X)``) is labelled 0, 1, ...; tabgan names columns
    by text (in schemas, model files, reports), so each int or float label becomes its ``str``,
    and the front classes put the labels back on what they return. Other labels (tuples of
    MultiIndex columns, timestamps, None) raise a ColumnError naming the column, as do two labels
    that print alike (0 and "0"). The frame is relabelled without copying its data.
    """
    if not isinstance(df, pd.DataFrame):
        raise DataError(_not_a_frame(df))
    labels = [to_plain(c) for c in df.columns]
    if all(isinstance(c, str) for c in labels):
        return df, None
    for c in labels:
        if isinstance(c, tuple):
            raise ColumnError(c, "MultiIndex column labels are not supported; flatten them, for "
                                 "example df.columns = ['_'.join(map(str, c)) for c in df.columns]")
        if isinstance(c, bool) or not isinstance(c, (str, int, float)) or c != c:
            raise ColumnError(c, f"column names must be text or numbers, got {type(c).__name__}")
    names = [str(c) for c in labels]
    alike: dict[str, list[Any]] = {}
    for c in dict.fromkeys(labels):  # distinct labels (repeated ones are validate_frame's to name)
        alike.setdefault(str(c), []).append(c)
    for name, group in alike.items():
        if len(group) > 1:
            raise DataError(f"column labels {' and '.join(map(repr, group))} are both {name!r} as "
                            "text; rename one")
    out = df.copy(deep=False)  # the same column arrays under new names
    out.columns = names
    return out, labels


def dtype_name(dtype: Any) -> str:
    """A text that ``as_dtype`` turns back into exactly ``dtype`` (it is stored in model files).

    ``str(dtype)`` except for pandas' string dtypes, whose ``str`` forgets what they are:
    ``string`` for both storages, ``str`` (NaN as missing, pandas 3's default) for a numpy
    unicode dtype, and pyarrow's own string type under the StringDtype's name.
    """
    if isinstance(dtype, pd.StringDtype):
        na_value = getattr(dtype, "na_value", pd.NA)  # pandas < 2.3: always NA
        return f"{'string' if na_value is pd.NA else 'str'}[{dtype.storage}]"
    if isinstance(dtype, pd.ArrowDtype) and str(dtype.pyarrow_dtype) in ("string", "large_string"):
        return f"arrow:{dtype.pyarrow_dtype}"
    if is_arrow_dictionary(dtype):  # pyarrow's category type: read_parquet(dtype_backend="pyarrow")
        t = dtype.pyarrow_dtype
        return f"arrow-dictionary:{t.index_type}:{t.value_type}:{int(t.ordered)}"
    return str(dtype)


def as_dtype(name: str) -> Any:
    """The pandas or numpy dtype ``dtype_name`` wrote as ``name``."""
    if name.startswith("str["):
        return pd.StringDtype(name[4:-1], na_value=np.nan)
    if name.startswith("arrow:"):
        import pyarrow as pa  # a pandas dependency whenever such a dtype exists

        return pd.ArrowDtype(pa.large_string() if name == "arrow:large_string" else pa.string())
    if name.startswith("arrow-dictionary:"):
        import pyarrow as pa

        _, index, value, ordered = name.split(":")
        return pd.ArrowDtype(pa.dictionary(pa.type_for_alias(index), pa.type_for_alias(value),
                                           ordered=ordered == "1"))
    decimal_type = _ARROW_DECIMAL.fullmatch(name)  # pandas reads no parameters from a name
    if decimal_type:
        import pyarrow as pa

        bits, precision, scale = (int(g) for g in decimal_type.groups())
        return pd.ArrowDtype((pa.decimal128 if bits == 128 else pa.decimal256)(precision, scale))
    return pd.api.types.pandas_dtype(name)


_ARROW_DECIMAL = re.compile(r"decimal(128|256)\((\d+), (-?\d+)\)\[pyarrow\]")


def arrow_view(s: pd.Series) -> pd.Series | None:
    """A pyarrow-backed column (``read_parquet(dtype_backend="pyarrow")``) of a type tabgan learns
    in its numpy form, in that form: dates, times of day and decimals as Python objects (what
    the numpy backend gives for Parquet DATE, TIME and DECIMAL), durations as timedelta64; None
    for any other column. ``astype`` of the original dtype turns such a view back."""
    if not isinstance(s.dtype, pd.ArrowDtype):
        return None
    import pyarrow as pa

    t = s.dtype.pyarrow_dtype
    if pa.types.is_date(t) or pa.types.is_time(t) or pa.types.is_decimal(t):
        return s.astype(object)
    if pa.types.is_duration(t):
        return s.astype(f"timedelta64[{t.unit}]")
    return None


def is_arrow_dictionary(dtype: Any) -> bool:
    """Whether ``dtype`` is pyarrow's dictionary (category) type in pandas."""
    if not isinstance(dtype, pd.ArrowDtype):
        return False
    import pyarrow as pa

    return pa.types.is_dictionary(dtype.pyarrow_dtype)


def infer_schema(
    df: pd.DataFrame,
    discrete_columns: Iterable[str] | None = None,
    metadata: Mapping[str, Any] | None = None,
) -> Schema:
    """Give every column of ``df`` a kind; overrides come from ``discrete_columns`` or ``metadata``.

    Raises a ``ColumnError`` naming the column for an object column mixing numbers and strings,
    or an override naming a column the table lacks. Infinities are values like any other (a
    numerical column's ``inf`` is a point mass of its own). A column with no value at all is a
    constant (missing on output). Columns labelled by numbers are named by their text
    (``text_names``), in ``discrete_columns`` too.
    """
    df, labels = text_names(df)
    if labels is not None and discrete_columns is not None and not isinstance(discrete_columns, str):
        discrete_columns = [str(c) for c in discrete_columns]
    validate_frame(df)
    discrete = _check_names(df, discrete_columns, "discrete_columns")
    meta_cols = _metadata_columns(df, metadata)
    specs = []
    for name in df.columns:
        s = df[name]
        if s.count() == 0:  # nothing to learn, whatever an override says: missing on output
            specs.append(ColumnSpec(name, "constant", dtype_name(s.dtype)))
            continue
        if name in meta_cols:
            kind, fmt = meta_cols[name]
            if name in discrete and kind != "categorical":
                raise ColumnError(name, f"named in discrete_columns but metadata makes it {kind}; "
                                        "keep one of the two")
            spec = _spec_from_override(s, kind, fmt, "metadata")
        elif name in discrete:
            spec = _spec_from_override(s, "categorical", None, "discrete_columns")
        else:
            spec = _infer_column(s)
        specs.append(spec)
    return Schema(specs)


def _check_names(df: pd.DataFrame, names: Iterable[str] | None, param: str) -> set[str]:
    if names is None:
        return set()
    if isinstance(names, str):
        names = [names]
    out = set()
    for n in names:
        if n not in df.columns:
            raise ColumnError(n, f"named in {param} but the table has no such column")
        out.add(n)
    return out


def _metadata_columns(
    df: pd.DataFrame, metadata: Mapping[str, Any] | None
) -> dict[str, tuple[Kind, str | None]]:
    if metadata is None:
        return {}
    if isinstance(metadata, Mapping) and isinstance(metadata.get("tables"), Mapping) \
            and "columns" not in metadata:
        names = ", ".join(map(repr, list(metadata["tables"])[:5]))
        raise DataError(f"metadata describes tables ({names}: SDV's multi-table format); pass the "
                        'entry of this table, metadata["tables"][name]')
    if not isinstance(metadata, Mapping) or not isinstance(metadata.get("columns"), Mapping):
        raise DataError('metadata must be a dict like {"columns": {name: {"sdtype": ...}}}')
    out: dict[str, tuple[Kind, str | None]] = {}
    for name, entry in metadata["columns"].items():
        if name not in df.columns:
            raise ColumnError(name, "named in metadata but the table has no such column")
        sdtype = entry.get("sdtype") if isinstance(entry, Mapping) else None
        if not isinstance(sdtype, str):
            raise ColumnError(name, f"metadata entry needs an 'sdtype', got {entry!r}")
        # Any other sdtype (email, phone_number, address, ...) is personal data: regenerated.
        kind = _SDTYPES.get(sdtype) or _personal_sdtype(name, sdtype)
        out[name] = (kind, entry.get("datetime_format"))
    return out


def _personal_sdtype(name: str, sdtype: str) -> Kind:
    """"id" for an sdtype naming personal data (SDV's email, phone_number, ...: regenerated, never
    learned); a ColumnError for one that looks meant as a statistical sdtype (a typo, another
    tool's word), which would otherwise turn the column into random ids without a word."""
    meant = _SDTYPE_WORDS.get(sdtype.lower())
    if meant is None:
        close = difflib.get_close_matches(sdtype.lower(), list(_SDTYPES), n=1, cutoff=0.75)
        meant = close[0] if close else None
    if meant is not None:
        raise ColumnError(name, f"metadata sdtype {sdtype!r} is not one of {', '.join(_SDTYPES)}; "
                                f"did you mean {meant!r}? (other sdtypes, such as 'email', are "
                                "personal data: regenerated, never learned)")
    return "id"


def _spec_from_override(s: pd.Series, kind: Kind, fmt: str | None, source: str) -> ColumnSpec:
    name, dtype = str(s.name), dtype_name(s.dtype)
    if kind in ("datetime", "numerical") and _is_numeric(s) and code_of_format(fmt):
        return ColumnSpec(name, "numerical", dtype, _coded_format(s, str(fmt)), source)
    if kind == "datetime" and _is_date_objects(s):
        fmt = None  # dates as objects: no text format
    elif kind == "datetime" and not (_is_datetime64(s) or isinstance(s.dtype, pd.PeriodDtype)):
        fmt = fmt or text_date_format(s)
        if fmt is None:
            hint = (" (whole numbers that write times or dates take a datetime_format of "
                    f"{', '.join(map(repr, FORMATS.values()))})") if _is_numeric(s) else ""
            raise ColumnError(name, f"declared datetime but its values do not parse as dates{hint}")
        if _parse_dates(s, fmt) is None and s.count():
            # SDV metadata writes strftime's %f and %z: told the digits and the offset's colon
            # the text has, the same format may print every value back.
            written = _as_written(fmt, str(s.dropna().iloc[0]))
            fmt = written if _parse_dates(s, written) is not None else fmt
        if _parse_dates(s, fmt) is None:
            raise ColumnError(name, f"declared datetime but not every value parses with {fmt!r}")
    elif kind == "datetime":
        fmt = None
    elif kind == "numerical" and not (_is_numeric(s) or pd.api.types.is_timedelta64_dtype(s.dtype)
                                      or is_decimal(s) or number_objects(s.dropna()) is not None
                                      or text_number_form(s, 0) is not None):
        raise ColumnError(name, f"declared numerical but has dtype {dtype}")
    elif kind == "numerical":
        fmt = None  # plain numbers: no time or date code is looked for
    elif kind == "boolean" and _bool_like(s) is None:
        raise ColumnError(name, "declared boolean but holds values other than True/False")
    elif kind == "id" and _not_ids(s) is not None:
        raise ColumnError(name, f"declared id (or personal data) but holds {_not_ids(s)}, which cannot hold "
                                f"fresh ids (numbers or text); declare it {_infer_column(s).kind}, or make "
                                "it text first (astype(str))")
    if kind in ("categorical", "boolean") and not is_uuid_objects(s.dropna()):  # UUIDs: a category each
        _check_not_mixed(s)
    return ColumnSpec(name, kind, dtype, fmt, source)


def _not_ids(s: pd.Series) -> str | None:
    """What ``s`` holds ("dates", "durations", "booleans") when ``IdTransformer`` cannot write
    fresh ids in its type, else None. Before 2026-12-04 such a column declared an id was fitted
    and trained on, and sampling raised pandas' own error parsing the random text written in the
    shape of its values ("month must be in 1..12: 3584-23-48 51:91:44")."""
    if pd.api.types.is_bool_dtype(s.dtype):
        return "booleans"
    if _is_datetime64(s) or isinstance(s.dtype, pd.PeriodDtype):
        return "dates"
    if pd.api.types.is_timedelta64_dtype(s.dtype):
        return "durations"
    if isinstance(s.dtype, pd.ArrowDtype) and not (_is_numeric(s) or is_arrow_dictionary(s.dtype)
                                                   or pd.api.types.is_string_dtype(s.dtype)):
        return f"values of dtype {dtype_name(s.dtype)}"
    if s.dtype == object:
        inferred = pd.api.types.infer_dtype(s.dropna(), skipna=True)
        if inferred in _DATE_OBJECTS:
            return "dates" if inferred != "time" else "times of day"
        if inferred == "boolean":
            return "booleans"
    return None


def _coded_format(s: pd.Series, fmt: str) -> str:
    """``fmt``, a code's format, once every value of the numbers ``s`` is checked to be written
    in that code."""
    code = str(code_of_format(fmt))
    bad = not_codes(s.to_numpy(dtype=np.float64, na_value=np.nan), code)
    if len(bad):
        raise ColumnError(s.name, f"declared datetime with {fmt!r}, but {bad[0]:g} is none of its {describe(code)}")
    return fmt


def _code_format(s: pd.Series) -> str | None:
    """The format of the time or date code (``tabgan.codes``) the whole numbers of ``s`` write
    beyond chance, or None."""
    if pd.api.types.is_timedelta64_dtype(s.dtype) or not (_is_numeric(s) or number_objects(s.dropna())):
        return None
    x = s.to_numpy(dtype=np.float64, na_value=np.nan)
    known = x[~np.isnan(x)]
    if not known.size or known.min() < 0 or known.max() > MAX_CODE:  # no code's range: skip the work
        return None
    if not (np.isfinite(known).all() and (known == np.round(known)).all()):
        return None
    code = detect_code(x)
    return None if code is None else FORMATS[code]


def infer_column(s: pd.Series) -> ColumnSpec:
    """The kind ``infer_schema`` gives the column ``s`` when nothing overrides it (ColumnError for
    a column it refuses: every value missing, mixed value types, an unsupported dtype)."""
    if s.count() == 0:
        raise ColumnError(s.name, "every value is missing; drop the column or fill it")
    return _infer_column(s)


def _infer_column(s: pd.Series) -> ColumnSpec:
    name, dtype = str(s.name), dtype_name(s.dtype)
    if _is_datetime64(s) or isinstance(s.dtype, pd.PeriodDtype):  # a period: its first instant
        return ColumnSpec(name, "datetime", dtype)
    if pd.api.types.is_bool_dtype(s.dtype):
        return ColumnSpec(name, "boolean", dtype)
    values = s.dropna()
    if isinstance(s.dtype, pd.CategoricalDtype) or is_arrow_dictionary(s.dtype):
        kind: Kind = "categorical"
    elif _is_numeric(s):
        kind = "id" if _looks_like_int_id(s) else "numerical"
    elif pd.api.types.is_timedelta64_dtype(s.dtype):  # durations (Parquet DURATION columns)
        kind = "numerical"
    elif number_objects(values) is not None:  # Python ints and floats: a frame after replace({nan: None})
        kind = "numerical"
    elif pd.api.types.is_object_dtype(s.dtype) or pd.api.types.is_string_dtype(s.dtype):
        inferred = pd.api.types.infer_dtype(values, skipna=True)
        if inferred == "boolean":
            return ColumnSpec(name, "boolean", dtype)
        if inferred in _DATE_OBJECTS:  # datetime.date / datetime objects (Parquet DATE columns)
            return ColumnSpec(name, "datetime", dtype)
        if inferred == "decimal":  # decimal.Decimal objects (Parquet DECIMAL columns)
            return ColumnSpec(name, "numerical", dtype)
        if inferred == "mixed" and is_uuid_objects(values):  # a database driver's UUID columns
            return ColumnSpec(name, "id" if _looks_like_text_id(values.astype(str), len(s))
                              else "categorical", dtype)
        _check_not_mixed(s, inferred)
        fmt = text_date_format(values) if inferred == "string" else None
        if fmt is None and inferred == "string" and len(values) > 2 and _few_words(values):
            # Dates but for up to three texts, which the column's transformer reads as missing
            # values, each a kind of its own (DatetimeTransformer.missing_kinds).
            odd = odd_date_text(pd.Series(values.unique(), dtype=object))
            fmt = odd[0] if odd is not None else None
        if fmt is not None:
            return ColumnSpec(name, "datetime", dtype, fmt)
        form = text_number_form(s) if inferred == "string" else None
        if form is not None and not (form[0] == "%d" and not form[1] and not s.isna().any()
                                     and _looks_like_int_id(pd.to_numeric(s).astype(np.int64).rename(s.name))):
            # ids written as text stay ids
            return ColumnSpec(name, "numerical", dtype)  # numbers written as text ("24.20", "?")
        kind = "id" if inferred == "string" and _looks_like_text_id(values, len(s)) else "categorical"
    else:
        raise ColumnError(name, f"dtype {dtype} is not supported; convert it to numbers or text")
    if kind in ("numerical", "categorical") and len(values) == len(s) and values.nunique() == 1 \
            and isinstance(to_plain(values.iloc[0]), (str, int, float)):  # a value JSON can hold
        kind = "constant"
    return ColumnSpec(name, kind, dtype, _code_format(s) if kind == "numerical" else None)


def _is_datetime64(s: pd.Series) -> bool:
    return pd.api.types.is_datetime64_any_dtype(s.dtype)


# What pandas' infer_dtype calls object columns of datetime.date, datetime.datetime or Timestamp.
_DATE_OBJECTS = ("date", "datetime", "time")


def _is_date_objects(s: pd.Series) -> bool:
    return s.dtype == object and pd.api.types.infer_dtype(s, skipna=True) in _DATE_OBJECTS


def is_uuid_objects(values: pd.Series) -> bool:
    """Whether every value of ``values`` (missing values dropped) is a ``uuid.UUID``."""
    return (values.dtype == object and len(values) > 0 and isinstance(values.iloc[0], uuid.UUID)
            and bool(values.map(type).eq(uuid.UUID).all()))  # the first value first: text is no pass


# What pandas' infer_dtype calls object columns of Python (or numpy) ints and floats, and the
# type NumericalTransformer writes them back as.
_NUMBER_OBJECTS = {"integer": "int", "floating": "float", "mixed-integer-float": "float"}


def number_objects(values: pd.Series) -> str | None:
    """"int" or "float" when the object column ``values`` (missing values dropped) holds only
    numbers (ints; floats, or ints and floats), else None. Before 2026-12-03 such a column was
    categorical: every generated value was a real row's."""
    if values.dtype != object or values.empty:
        return None
    return _NUMBER_OBJECTS.get(pd.api.types.infer_dtype(values, skipna=True))


def is_decimal(s: pd.Series) -> bool:
    """Whether ``s`` is an object column of ``decimal.Decimal`` values."""
    return s.dtype == object and pd.api.types.infer_dtype(s, skipna=True) == "decimal"


def as_numbers(s: pd.Series) -> np.ndarray:
    """(n,) float64 values of a numerical column, NaN where missing or not a number: numbers,
    Decimals, durations in seconds (a missing duration is NaN, never int64's minimum)."""
    if pd.api.types.is_timedelta64_dtype(s.dtype):
        return s.dt.total_seconds().to_numpy(dtype=np.float64)
    if pd.api.types.is_bool_dtype(s.dtype):
        return s.astype("float64").to_numpy()
    return pd.to_numeric(s, errors="coerce").to_numpy(dtype=np.float64, na_value=np.nan)


def to_plain(value: Any) -> Any:
    """A numpy scalar as the equivalent (JSON-able) Python value; other values as they are."""
    return value.item() if isinstance(value, np.generic) else value


def _is_numeric(s: pd.Series) -> bool:
    return pd.api.types.is_numeric_dtype(s.dtype) and not pd.api.types.is_bool_dtype(s.dtype) \
        and not pd.api.types.is_complex_dtype(s.dtype)


def _is_text(values: pd.Series) -> bool:
    return pd.api.types.infer_dtype(values, skipna=True) == "string"


def _bool_like(s: pd.Series) -> pd.Series | None:
    """The column as booleans when it only holds True/False (and missing values), else None."""
    values = s.dropna()
    if len(values) == 0:
        return None
    if pd.api.types.infer_dtype(values, skipna=True) != "boolean":
        return None
    return values.astype(bool)


def _check_not_mixed(s: pd.Series, inferred: str | None = None) -> None:
    inferred = inferred or pd.api.types.infer_dtype(s, skipna=True)
    if inferred in ("mixed-integer", "mixed-integer-float", "mixed"):
        kinds = sorted({type(v).__name__ for v in s.dropna().iloc[:1000]})
        if len(kinds) == 1:  # one type pandas has no name for (lists, dicts, objects)
            raise ColumnError(s.name, f"holds values of type {kinds[0]}, which tabgan cannot "
                                      "learn; convert the column to text or numbers")
        raise ColumnError(
            s.name, f"mixes value types ({', '.join(kinds)}); make it all text or all numbers")


def _looks_like_text_id(values: pd.Series, n: int) -> bool:
    """Text whose values are mostly one row's own: at least ``ID_MIN_ROWS`` rows, and at least
    ``ID_SINGLETON_SHARE`` of them hold a value no other row has (names, e-mails, free text).

    NOTE: until 2026-12-02 only a column with a distinct value in every row was an id. A names
    column with a few repeated names was categorical: its 200 most frequent names were
    categories, and every other name went into the model file's pool and came back verbatim in
    synthetic rows.
    """
    if n < ID_MIN_ROWS or values.nunique() < ID_SINGLETON_SHARE * n:  # too few values to be one
        return False
    counts = values.value_counts(sort=False)
    return int((counts == 1).sum()) >= ID_SINGLETON_SHARE * n


def _looks_like_int_id(s: pd.Series) -> bool:
    if not pd.api.types.is_integer_dtype(s.dtype) or len(s) < ID_MIN_ROWS or s.isna().any():
        return False
    if not s.is_unique:
        return False
    if _ID_NAME.search(str(s.name)):
        return True
    x = np.sort(s.to_numpy(dtype=np.int64))
    steps = np.diff(x)
    return bool(steps.size and (steps == steps[0]).all())


# Fewer distinct numbers written as text than this are categories (survey codes "1".."5").
TEXT_NUMBERS_MIN_DISTINCT = 20
#: Texts that are no number (no date) a column of numbers (dates) written as text may hold beside
#: them, each a way of writing a missing value ("?", "-", "unknown", "0000-00-00"), generated at
#: its own rate.
MAX_MISSING_TEXTS = 3
MIN_DATES_BESIDE_TEXTS = 10


def text_number_form(s: pd.Series, min_distinct: int = TEXT_NUMBERS_MIN_DISTINCT
                     ) -> tuple[str, tuple[str, ...]] | None:
    """(form, missing texts) when the text column ``s`` holds numbers written one way, "%d"
    (whole numbers), "%.Nf" (N decimals in every value) or "shortest" (``repr``, whole numbers
    bare), each one printing back as written, at least ``min_distinct`` of them distinct, but for
    at most ``MAX_MISSING_TEXTS`` texts that are no number ("?", "unknown": ways of
    writing a missing value, beside its NaN if it has any; sorted); None otherwise (leading
    zeros, thousands separators: text). Infinities ("inf", "-Infinity") may be among the
    numbers; the form is that of the finite ones."""
    values = s.dropna()
    if values.empty or not _is_text(values):
        return None
    head = pd.Series(pd.unique(values.iloc[:1000].to_numpy()), dtype=object)  # a first look
    if int(pd.to_numeric(head, errors="coerce").isna().sum()) > MAX_MISSING_TEXTS:
        return None
    distinct = pd.Series(pd.unique(values.to_numpy()), dtype=object)
    numbers = pd.to_numeric(distinct, errors="coerce")
    odd = distinct[numbers.isna().to_numpy()]
    if len(odd) > MAX_MISSING_TEXTS or len(distinct) - len(odd) < max(min_distinct, 1):
        return None
    texts, x = distinct[numbers.notna().to_numpy()], numbers[numbers.notna()].to_numpy(dtype=np.float64)
    finite = np.isfinite(x)
    texts, x = texts[finite], x[finite]
    if len(texts) < max(min_distinct, 1):
        return None
    form = _number_form_of(texts)
    if form is None or not (format_numbers(x, form) == texts.to_numpy(dtype=object)).all():
        return None
    return form, tuple(sorted(str(t) for t in odd))


def _number_form_of(texts: pd.Series) -> str | None:
    """The form ("%d", "%.Nf" or "shortest") the number texts ``texts`` suggest."""
    if texts.str.contains(r"[eE]").any():
        return "shortest"
    fraction = texts.str.extract(r"\.(\d+)$")[0]  # (u,) digits after the point, NaN for none
    if fraction.isna().all():
        return "%d"
    lengths = fraction.str.len()
    if fraction.notna().all() and lengths.nunique() == 1:
        return f"%.{int(lengths.iloc[0])}f"
    return "shortest"


def format_numbers(x: np.ndarray, form: str) -> np.ndarray:
    """(n,) object text of the finite numbers ``x`` in ``form`` (see ``text_number_form``).
    A -0.0 keeps its sign ("-0.00", as ``"%.2f" % -0.001`` writes a rounded small negative): a
    column of numbers that wrote none is decoded without one (``ContinuousEncoder.negative_zeros``).
    """
    if form == "%d":
        return np.array([str(int(v)) for v in np.round(x)], dtype=object)
    if form == "shortest":
        return np.array([repr(float(v)).removesuffix(".0") for v in x], dtype=object)
    return np.char.mod(form, x).astype(object)


def _few_words(values: pd.Series) -> bool:
    """Whether at most ``MAX_MISSING_TEXTS`` distinct texts among the first 1,000 have no digit:
    a first look for ``odd_date_text``, which a column of words fails."""
    head = pd.Series(pd.unique(values.iloc[:1000].to_numpy()), dtype=object).astype(str)
    return int((~head.str.contains(r"\d")).sum()) <= MAX_MISSING_TEXTS


def odd_date_text(texts: pd.Series) -> tuple[str, tuple[str, ...]] | None:
    """(format, texts) when the distinct texts ``texts`` are dates in one format but for one to
    ``MAX_MISSING_TEXTS`` texts that are none (``0000-00-00`` of MySQL exports, ``unknown``,
    ``ongoing``; sorted), which a date column reads as its missing values; None otherwise. Two
    or more such texts need at least ``MIN_DATES_BESIDE_TEXTS`` distinct dates beside them (a
    few words and a date are no date column)."""
    texts = texts.reset_index(drop=True)
    if len(texts) < 3:
        return None
    head = texts.iloc[:200]
    if not _few_words(head):  # words, not dates
        return None
    with warnings.catch_warnings():  # dateutil's guesses, one value at a time
        warnings.simplefilter("ignore")
        parsed = pd.to_datetime(head, format="mixed", errors="coerce", utc=True)
    if parsed.isna().sum() > MAX_MISSING_TEXTS or parsed.notna().sum() < 2:
        return None
    fmt = text_date_format(head[parsed.notna().to_numpy()])
    if fmt is None:
        return None
    dates = date_mask(texts, fmt)  # (u,) in that format
    n_odd = int((~dates).sum())
    if not 1 <= n_odd <= MAX_MISSING_TEXTS or n_odd > 1 and dates.sum() < MIN_DATES_BESIDE_TEXTS:
        return None
    if text_date_format(texts[dates]) is None:
        return None
    return fmt, tuple(sorted(str(t) for t in texts[~dates]))


def missing_date_texts(s: pd.Series, fmt: str | None) -> tuple[str, ...]:
    """The texts of the text dates ``s`` that are no date in ``fmt`` (``odd_date_text`` made the
    column a datetime; sorted), read as the column's missing values beside its NaN; () when
    there are none or more than ``MAX_MISSING_TEXTS``."""
    if fmt is None or not (s.dtype == object or isinstance(s.dtype, pd.StringDtype)):
        return ()
    present = s.dropna()
    bad = present[~date_mask(present.astype(object), fmt)].astype(str).unique()
    return tuple(sorted(bad)) if len(bad) <= MAX_MISSING_TEXTS else ()


def date_mask(text: pd.Series, fmt: str) -> np.ndarray:
    """(n,) whether each text value of ``text`` is a date in ``fmt`` (strftime directives plus
    ``%Nf`` and ``%:z``)."""
    parse = _FRACTION.sub("%f", fmt).replace("%:z", "%z")
    parsed = pd.to_datetime(text, format=parse, errors="coerce", utc="%z" in parse)
    out = parsed.notna().to_numpy()
    unread = ~out & text.notna().to_numpy()  # no date, or one beyond nanoseconds (9999-12-31)
    if unread.any() and "%z" not in parse:
        wide = {t: _strptime_reads(t, parse) for t in text[unread].astype(str).unique()}  # distinct texts
        out[unread] = text[unread].astype(str).map(wide).to_numpy(dtype=bool)
    return out


def _strptime_reads(text: str, parse: str) -> bool:
    try:
        datetime.datetime.strptime(text, parse)
    except ValueError:
        return False
    return True


def text_date_format(s: pd.Series) -> str | None:
    """The one format (see ``text_dates``) that reproduces every text value of ``s`` exactly, or
    None."""
    values = s.dropna()
    if len(values) == 0 or not _is_text(values):
        return None
    first = str(values.iloc[0])
    if not 5 <= len(first) <= 40 or not any(ch.isdigit() for ch in first):
        return None
    sample = values.drop_duplicates().iloc[:500]
    tried = set()
    for fmt in _date_format_candidates(sample.iloc[:DATE_GUESSES].astype(str)):
        if fmt in tried or not ("%Y" in fmt or "%y" in fmt or fmt in _TIME_FORMATS):
            continue
        tried.add(fmt)
        if _parse_dates(sample, fmt) is not None and _parse_dates(values, fmt) is not None:
            return fmt
    return None


def _date_format_candidates(heads: pd.Series) -> Iterator[str]:
    """Formats to try on text dates, the likeliest first: pandas' guess for the first value, then
    its guesses day first and for the next distinct values ``heads`` (``03.04.2021`` is month
    first to pandas, so a day-first column whose first day is 12 or less needs a later value
    such as ``20.03.2021``), then the common formats. Lazily: most columns take the first."""
    with warnings.catch_warnings():  # "Parsing dates in %d.%m.%Y format when dayfirst=False":
        warnings.simplefilter("ignore", UserWarning)  # each guess is tested on every value
        for i, text in enumerate(heads):  # a loop over up to DATE_GUESSES values
            for dayfirst in (False, True):
                guessed = guess_datetime_format(text, dayfirst=dayfirst)
                if guessed:
                    yield _as_written(guessed, text)
            if i == 0:
                yield from _DATE_FORMATS  # as before 2026-12-03, then the later values' guesses
    yield from _TIME_FORMATS


def _as_written(fmt: str, first: str) -> str:
    """pandas' guess ``fmt`` for the text ``first``, told how many digits its fraction of a
    second has (``%3f`` for milliseconds: ``%f`` always prints six) and how it writes its
    offset (``%:z`` for ``+01:00``, a literal ``Z`` for UTC)."""
    fraction = re.search(r":\d\d[.,](\d{1,9})", first)
    if "%f" in fmt and fraction and len(fraction.group(1)) != 6:
        fmt = fmt.replace("%f", f"%{len(fraction.group(1))}f")
    if fmt.endswith("%z"):
        if first.endswith("Z"):
            fmt = fmt[:-2] + "Z"
        elif re.search(r"[+-]\d\d:\d\d$", first):
            fmt = fmt[:-2] + "%:z"
    return fmt


_FRACTION = re.compile(r"%([1-9])f")
_OWN_DIRECTIVES = re.compile(r"(%[1-9]f|%:z)")  # what tabgan adds to strftime's
_OWN_AND_YEAR = re.compile(r"(%[1-9]f|%:z|%Y)")  # and %Y, for years before 1000
_OFFSET = re.compile(r"([+-])(\d\d):?(\d\d)$")
_NS_PER_MINUTE = 60 * 10**9


class MixedOffsets(ValueError):
    """Text dates whose UTC offsets follow no one time zone (rows written in several zones)."""


def local_format(fmt: str) -> str | None:
    """``fmt`` without the offset that ends it (``%z``, ``%:z``), or None when none does."""
    for directive in ("%:z", "%z"):
        if fmt.endswith(directive):
            return fmt[: -len(directive)]
    return None


def split_offsets(text: pd.Series, fmt: str) -> tuple[pd.Series, pd.Series]:
    """(wall-clock text, offset text) of text dates in ``fmt``, which ends in an offset
    (``+01:00`` for ``%:z``, ``+0100`` for ``%z``); missing values stay missing in both.
    ValueError when an offset is not written that way."""
    width, form = (6, r"[+-]\d\d:\d\d") if fmt.endswith("%:z") else (5, r"[+-]\d{4}")
    present = text.notna().to_numpy()
    written = text.astype(object).where(present, np.nan)
    offsets = written.str[-width:]
    if not offsets[present].astype(str).str.fullmatch(form).all():
        raise ValueError(f"the offsets of {fmt!r} must end the text, as {'+01:00' if width == 6 else '+0100'}")
    return written.str[:-width], offsets


def text_dates(text: pd.Series, fmt: str, zone: str | None = None) -> pd.Series:
    """The datetimes of ``text`` written in ``fmt``: strftime directives plus ``%Nf`` (a fraction
    of a second in N digits, 1-9) and ``%:z`` (an offset written ``+01:00``); ValueError when a
    value does not parse. With an offset (``%z`` or ``%:z``, ending the text) the result is
    aware, in ``zone`` when given, else in the first time zone (``_zone_of``) whose offset is
    every value's own (MixedOffsets when none is: ``split_offsets`` reads such text)."""
    parse = _FRACTION.sub("%f", fmt).replace("%:z", "%z")
    if "%z" not in parse:
        try:
            return pd.to_datetime(text, format=parse)
        except pd.errors.OutOfBoundsDatetime:
            return _wide_dates(text, parse)
    utc = pd.to_datetime(text, format=parse, utc=True)
    if zone is not None:
        return utc.dt.tz_convert(zone)
    present = utc.notna().to_numpy()
    if not present.any():
        return utc
    parts = text[present].astype(str).str.extract(_OFFSET)  # (m, 3): sign, hours, minutes
    if parts.isna().any().any():
        raise ValueError(f"the offsets of {fmt!r} must end the text, as +01:00 or +0100")
    minutes = parts[1].astype(int).to_numpy() * 60 + parts[2].astype(int).to_numpy()
    offsets = np.where(parts[0].to_numpy() == "-", -minutes, minutes) * _NS_PER_MINUTE  # (m,)
    try:
        return utc.dt.tz_convert(_zone_of(utc[present], offsets))
    except ValueError:
        raise MixedOffsets(f"the UTC offsets of {fmt!r} follow no one time zone") from None


def object_dates(s: pd.Series) -> pd.Series:
    """Date, datetime or Timestamp objects as datetime64: nanoseconds where they fit, else (naive
    ones: 9999-12-31, 0001-01-01) microseconds; aware ones in several zones as UTC instants.
    Times of day (``datetime.time``) are instants of 1900-01-01, as strptime reads them."""
    if pd.api.types.infer_dtype(s, skipna=True) == "time":
        present = s.dropna()
        if any(t.tzinfo is not None for t in present.iloc[:1000]):
            raise ColumnError(s.name, "holds times of day with a time zone; make them naive first")
        text = "1900-01-01T" + present.map(datetime.time.isoformat)  # a loop over rows, in pandas
        return pd.to_datetime(text, format="ISO8601").reindex(s.index)
    try:
        try:
            dt = pd.to_datetime(s)
        except ValueError as e:  # pandas 2.x refuses aware ones in several zones unless utc=True
            _refuse_naive_with_aware(s)  # or raises "Cannot mix tz-aware with tz-naive values"
            if "utc=True" not in str(e):
                raise
            return pd.to_datetime(s, utc=True)
        if pd.api.types.is_datetime64_any_dtype(dt.dtype):
            return dt
        _refuse_naive_with_aware(s)  # naive ones first: utc=True would read them as UTC
        return pd.to_datetime(s, utc=True)
    except (OverflowError, pd.errors.OutOfBoundsDatetime):
        _refuse_naive_with_aware(s)  # numpy would read the aware ones as naive UTC
        first = s.dropna().iloc[0]
        if getattr(first, "tzinfo", None) is not None:
            raise ColumnError(s.name, "holds dates with a time zone beyond 1677-2262, which pandas "
                                      "cannot hold; make them naive (in UTC) first") from None
        values = s.to_numpy(dtype=object)
        values = np.where(pd.isna(values), None, values)  # numpy reads None as NaT, not pd.NaT
        return pd.Series(np.array(values, dtype="datetime64[us]"), index=s.index, name=s.name)


def _refuse_naive_with_aware(s: pd.Series) -> None:
    """ColumnError naming the column when its date objects mix ones with a time zone and naive
    ones, which name no one instant."""
    aware = s.dropna().map(lambda v: getattr(v, "tzinfo", None) is not None)  # a loop over rows, in pandas
    if aware.any() and not aware.all():
        raise ColumnError(s.name, "mixes value types (dates with a time zone, dates without one); "
                                  "give them all one (tz_localize) or make them all naive")


def _wide_dates(text: pd.Series, parse: str) -> pd.Series:
    """Naive ``text`` dates in the strftime format ``parse``, some beyond what nanoseconds hold
    (1677-09-21 to 2262-04-11: the sentinels 9999-12-31 and 0001-01-01 of database exports), as
    datetime64[us]. pandas parses the others; Python's strptime those it cannot, once each
    distinct text (ValueError for one that is no date in ``parse``)."""
    dt = pd.to_datetime(text, format=parse, errors="coerce").dt.as_unit("us")
    beyond = dt.isna().to_numpy() & text.notna().to_numpy()  # (n,)
    wide = {t: np.datetime64(datetime.datetime.strptime(t, parse), "us")
            for t in text[beyond].astype(str).unique()}  # a loop over distinct out-of-range texts
    out = dt.to_numpy().copy()
    out[beyond] = text[beyond].astype(str).map(wide).to_numpy(dtype="datetime64[us]")
    return pd.Series(out, index=text.index, name=text.name)


def _zone_of(utc: pd.Series, offsets: np.ndarray) -> str:
    """The first time zone, in ``_zones()`` order, whose UTC offset at each instant of ``utc``
    (aware, none missing) is ``offsets`` (ns); ValueError if none is."""
    utc = pd.DatetimeIndex(utc)
    order = np.argsort(utc.asi8, kind="stable")
    instants = utc[order]  # (m,) in time order
    offsets = offsets[order]
    # A first screen on few instants: the first, the last and those round each offset change.
    change = np.flatnonzero(np.diff(offsets) != 0)
    screen = np.unique(np.concatenate([[0, len(offsets) - 1], change, change + 1]))[:2000]
    naive = instants.tz_localize(None)

    def fits(zone: str, at: np.ndarray) -> bool:
        local = instants[at].tz_convert(zone).tz_localize(None)
        return bool(((local - naive[at]).asi8 == offsets[at]).all())

    for zone in _zones(int(offsets[0]), len(change) == 0):
        if fits(zone, screen) and fits(zone, np.arange(len(offsets))):
            return zone
    raise ValueError("no time zone has these UTC offsets at these instants")


# Zones tried first (after an Etc zone for a fixed offset), the most used of each offset, so
# that a column's zone is the one its readers would name and is found early.
_PREFERRED_ZONES = (
    "UTC", "Europe/London", "Europe/Berlin", "Europe/Paris", "Europe/Helsinki", "Europe/Moscow",
    "America/New_York", "America/Chicago", "America/Denver", "America/Phoenix",
    "America/Los_Angeles", "America/Sao_Paulo", "America/Mexico_City", "Asia/Kolkata",
    "Asia/Shanghai", "Asia/Tokyo", "Asia/Singapore", "Asia/Dubai", "Australia/Sydney",
    "Pacific/Auckland",
)


def _zones(offset: int, fixed: bool) -> list[str]:
    """Time zones to try: for a fixed offset the Etc zone of that many whole hours first (UTC for
    0), then ``_PREFERRED_ZONES``, then every other zone this machine knows, sorted."""
    first = []
    if fixed and offset % (3600 * 10**9) == 0:
        hours = offset // (3600 * 10**9)
        first = ["UTC"] if hours == 0 else [f"Etc/GMT{-hours:+d}"]  # Etc/GMT-1 is UTC+01:00
    known = zoneinfo.available_timezones()
    names = sorted(z for z in known if "/" in z and not z.startswith(("posix/", "right/", "SystemV/")))
    first += [z for z in _PREFERRED_ZONES if z in known and z not in first]
    return first + [z for z in names if z not in first]


def format_dates(values: pd.Series, fmt: str) -> pd.Series:
    """Text of the datetimes ``values`` in ``fmt`` (see ``text_dates``), NaN where missing.

    ``%Y`` is written in 4 digits before the year 1000 too (0001-01-01), which strftime on glibc
    writes as 1-01-01."""
    own = _OWN_DIRECTIVES
    if "%Y" in fmt and (values.dt.year < 1000).any():
        own = _OWN_AND_YEAR
    if not own.search(fmt):  # strftime's own directives only
        return values.dt.strftime(fmt)
    missing = values.isna().to_numpy()
    out: pd.Series | None = None
    for part in filter(None, own.split(fmt)):  # a loop over the format's pieces
        digits = _FRACTION.fullmatch(part)
        if part == "%Y":
            piece = values.dt.year.fillna(0).astype(np.int64).astype(str).str.zfill(4)
        elif digits:
            ns = (values.dt.microsecond * 1000 + values.dt.nanosecond).fillna(0).astype(np.int64)
            piece = ns.astype(str).str.zfill(9).str[: int(digits.group(1))]
        elif part == "%:z":
            z = values.dt.strftime("%z")
            piece = z.str[:3] + ":" + z.str[3:]
        else:
            piece = values.dt.strftime(part)
        out = piece if out is None else out + piece
    assert out is not None
    return out.where(~missing, np.nan)


def _parse_dates(values: pd.Series, fmt: str) -> pd.Series | None:
    """Parsed dates when every value parses with ``fmt`` and prints back identically, else None."""
    text = values.dropna().astype(str)
    try:
        parsed = text_dates(text, fmt)
    except MixedOffsets:  # offsets of several zones: the wall-clock text must print back
        local = local_format(fmt)
        try:
            wall, _ = split_offsets(text, fmt)
        except ValueError:
            return None
        return None if local is None else _parse_dates(wall, local)
    except (ValueError, TypeError, OverflowError):
        return None
    if not (format_dates(parsed, fmt) == text).all():
        return None
    return parsed
