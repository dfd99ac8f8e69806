"""Column kinds for the evaluator, and the checked, normalised tables every metric reads.

The evaluator takes plain DataFrames and does not use the rest of tabgan (only
:mod:`tabgan.errors`), so it carries its own small column-kind inference:

* ``metadata`` in SDV single-table format wins where it names a column:
  ``{"columns": {name: {"sdtype": ...}}}``. ``numerical`` and ``datetime`` keep their kind,
  ``categorical``, ``ordinal`` and ``boolean`` are discrete (``categorical`` here), ``id`` and
  every other sdtype (``email``, ``text``, ...) are ignored and listed in the report.
* Otherwise the real column's kind is the one tabgan's models give it
  (:func:`tabgan.schema.infer_column`): ``numerical``; ``datetime`` for datetime64 and for text
  dates in one format (parsed with that format, so ``2024-03-01T12:00:00.123+01:00`` is an
  instant, not a category); ids (text most of whose rows hold a value of their own, or distinct
  integers named like ids or in arithmetic progression) are ignored, as their values are regenerated and never meant to
  match; everything else is ``categorical``. A column that inference refuses (mixed types) is
  ``categorical``, numbers ``numerical``.

NOTE: before 2026-12-02 the dtype alone decided, so a text id column was a category of one row
per value and text dates a category per instant: ``tabgan synth`` on a table with both scored a
quality of 0.29 and failed its gate, and a synthetic row that copied a real row but its id was
not an exact copy.

:func:`prepare` checks the frames against each other and returns :class:`PreparedData`: the
frames restricted to the used columns with one dtype per kind, a float matrix of the continuous
columns (datetimes in seconds since the epoch) and an integer code matrix of the discrete ones,
coded over the union of values of all frames with the real table's values first.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import pandas as pd

from tabgan.codes import code_of_format
from tabgan.errors import ColumnError, DataError, ParameterError
from tabgan.schema import (
    as_numbers,
    infer_column,
    missing_date_texts,
    object_dates,
    text_dates,
    text_number_form,
)
from tabgan.transformers.base import without_text

__all__ = ["ColumnKind", "PreparedData", "TableSchema", "infer_schema", "prepare"]

ColumnKind = Literal["numerical", "categorical", "datetime"]

_DISCRETE_SDTYPES = {"categorical", "ordinal", "boolean"}
_CONTINUOUS_SDTYPES = {"numerical", "datetime"}

#: Code of a missing value in :attr:`PreparedData.codes`.
MISSING_CODE = -1


@dataclass(frozen=True)
class TableSchema:
    """The kind of every used column, in the real table's order, and the ignored columns."""

    kinds: dict[str, ColumnKind]
    ignored: dict[str, str] = field(default_factory=dict)
    #: The text format of each datetime column of text (``tabgan.schema.text_dates``).
    formats: dict[str, str] = field(default_factory=dict)
    #: The texts that stand for a column's missing values, read as missing in every table:
    #: "?" or "-" of numbers written as text (``tabgan.schema.text_number_form``), "0000-00-00"
    #: of text dates (``tabgan.schema.missing_date_texts``).
    missing_texts: dict[str, tuple[str, ...]] = field(default_factory=dict)

    @property
    def continuous(self) -> list[str]:
        """Numerical and datetime columns, in table order (the columns of ``numeric``)."""
        return [c for c, k in self.kinds.items() if k != "categorical"]

    @property
    def categorical(self) -> list[str]:
        """Discrete columns, in table order (the columns of ``codes``)."""
        return [c for c, k in self.kinds.items() if k == "categorical"]

    def sdv_metadata(self) -> dict[str, Any]:
        """The schema as SDV single-table metadata, for sdmetrics."""
        return {"columns": {c: {"sdtype": k} for c, k in self.kinds.items()}}


@dataclass(frozen=True)
class PreparedData:
    """Checked tables with one representation per column kind.

    ``frames[name]`` holds the used columns only: numerical as float64, datetime as
    datetime64[us], categorical as object with missing values as ``NaN``.
    ``numeric[name]`` is ``(n, len(schema.continuous))`` float64 with NaN for missing;
    ``codes[name]`` is ``(n, len(schema.categorical))`` int64 with ``-1`` for missing.
    ``categories[col]`` lists the values behind the codes: the first ``n_real_categories[col]``
    occur in the real table, the rest only in other frames (invented categories).
    Infinities are missing in ``frames`` and ``numeric`` (no distance or histogram holds them);
    ``infinities[name][col]`` keeps each numerical column's counts of ``inf`` and ``-inf`` rows,
    for every column that holds one in some frame; ``missing_text_counts[name][col]`` the rows
    of each of a column's missing texts (``schema.missing_texts``: "?", "n/a"), which are
    missing in ``frames``. ``single`` names the continuous columns that some frame holds in
    float32 (whose copies compare at float32's precision: a float32 column written to CSV and
    read back is float64).
    """

    schema: TableSchema
    frames: dict[str, pd.DataFrame]
    numeric: dict[str, np.ndarray]
    codes: dict[str, np.ndarray]
    categories: dict[str, pd.Index]
    n_real_categories: dict[str, int]
    infinities: dict[str, dict[str, tuple[int, int]]]
    missing_text_counts: dict[str, dict[str, dict[str, int]]] = field(default_factory=dict)
    single: tuple[str, ...] = ()

    def n_rows(self, name: str) -> int:
        """Row count of the frame ``name``."""
        return len(self.frames[name])


def infer_schema(real: pd.DataFrame, metadata: Mapping[str, Any] | None = None) -> TableSchema:
    """Decide the kind of each column of ``real`` from ``metadata`` or its dtype."""
    declared = _declared_sdtypes(metadata, real)
    kinds: dict[str, ColumnKind] = {}
    ignored: dict[str, str] = {}
    formats: dict[str, str] = _declared_formats(metadata)
    for column in real.columns:
        sdtype = declared.get(column)
        if sdtype is None:
            kind, fmt, why = _inferred_kind(real[column])
            if kind is None:
                ignored[column] = why
                continue
            kinds[column] = kind
            if fmt is not None:
                formats[column] = fmt
        elif sdtype in _DISCRETE_SDTYPES:
            kinds[column] = "categorical"
        elif sdtype == "datetime" and column in formats and code_of_format(formats[column]) \
                and pd.api.types.is_numeric_dtype(real[column].dtype):
            kinds[column] = "numerical"  # whole numbers writing times or dates (tabgan.codes)
            del formats[column]
        elif sdtype in _CONTINUOUS_SDTYPES:
            kinds[column] = sdtype  # type: ignore[assignment]
        elif sdtype == "id":
            ignored[column] = _ID_REASON
        else:
            ignored[column] = f"sdtype {sdtype!r} is not evaluated"
    if not kinds:
        raise DataError("real has no column to evaluate: every column is an id or ignored sdtype")
    missing_texts = {}
    for column, kind in kinds.items():
        if kind == "numerical":
            written = text_number_form(real[column], 0)
            texts = written[1] if written is not None else ()
        else:
            texts = missing_date_texts(real[column], formats.get(column)) if kind == "datetime" else ()
        if texts:
            missing_texts[column] = texts
    return TableSchema(kinds=kinds, ignored=ignored, formats=formats, missing_texts=missing_texts)


_ID_REASON = "an id (a value of its own in most rows): regenerated, not evaluated"


def _declared_formats(metadata: Mapping[str, Any] | None) -> dict[str, str]:
    """{column: datetime_format} of the text dates ``metadata`` declares with their format."""
    columns = metadata.get("columns") if isinstance(metadata, Mapping) else None
    if not isinstance(columns, Mapping):
        return {}
    return {name: spec["datetime_format"] for name, spec in columns.items()
            if isinstance(spec, Mapping) and spec.get("sdtype") == "datetime"
            and isinstance(spec.get("datetime_format"), str)}


def _declared_sdtypes(metadata: Mapping[str, Any] | None, real: pd.DataFrame) -> dict[str, str]:
    if metadata is None:
        return {}
    columns = metadata.get("columns") if isinstance(metadata, Mapping) else None
    if not isinstance(columns, Mapping):
        raise ParameterError(
            "metadata must be SDV single-table metadata: {'columns': {name: {'sdtype': ...}}}"
        )
    declared: dict[str, str] = {}
    for name, spec in columns.items():
        if name not in real.columns:
            raise ColumnError(name, "is named in metadata but is not a column of real")
        sdtype = spec.get("sdtype") if isinstance(spec, Mapping) else None
        if not isinstance(sdtype, str):
            raise ColumnError(name, f"metadata entry {spec!r} has no 'sdtype' string")
        declared[name] = sdtype
    return declared


def _inferred_kind(series: pd.Series) -> tuple[ColumnKind | None, str | None, str]:
    """(kind, text date format, why it is ignored) of an undeclared column; kind None for an id
    or an empty column."""
    if len(series) and series.count() == 0:  # (a table of no rows is refused by prepare)
        return None, None, "every value is missing: nothing to compare"
    try:
        spec = infer_column(series)
    except ColumnError:
        return _kind_from_dtype(series), None, ""
    if spec.kind == "id":
        return None, None, _ID_REASON
    if spec.kind == "datetime":
        return "datetime", spec.datetime_format, ""
    if spec.kind == "numerical":
        return "numerical", None, ""
    return _kind_from_dtype(series), None, ""  # categorical, boolean, constant


def _kind_from_dtype(series: pd.Series) -> ColumnKind:
    dtype = series.dtype
    if pd.api.types.is_bool_dtype(dtype) or isinstance(dtype, pd.CategoricalDtype):
        return "categorical"
    if pd.api.types.is_datetime64_any_dtype(dtype):
        return "datetime"
    if pd.api.types.is_numeric_dtype(dtype):
        return "numerical"
    return "categorical"


def prepare(schema: TableSchema, frames: Mapping[str, pd.DataFrame | None]) -> PreparedData:
    """Check ``frames`` (``real`` first) against each other and normalise them.

    Every frame must be a non-empty DataFrame with exactly the real table's columns (in any
    order). Raises :class:`~tabgan.errors.DataError` or :class:`~tabgan.errors.ColumnError`.
    """
    given = {name: frame for name, frame in frames.items() if frame is not None}
    real = given["real"]
    for name, frame in given.items():
        _check_frame(name, frame, real)
    used = list(schema.kinds)
    read = {
        name: pd.DataFrame({c: _normalise(c, schema.kinds[c], frame[c], name, schema.formats.get(c),
                                          schema.missing_texts.get(c, ()))
                            for c in used})
        for name, frame in given.items()
    }
    numerical = [c for c, kind in schema.kinds.items() if kind == "numerical"]
    infinities = _infinities(read, numerical)
    normalised = {name: _without_infinities(frame, list(infinities["real"])) for name, frame in read.items()}
    numeric = {
        name: _continuous_matrix(frame, schema.continuous) for name, frame in normalised.items()
    }
    categories, n_real, codes = _code_categoricals(normalised, schema.categorical)
    text_counts = {
        name: {c: {t: int((frame[c].astype(object) == t).sum()) for t in texts}
               for c, texts in schema.missing_texts.items()}
        for name, frame in given.items()
    }
    single = tuple(c for c in schema.continuous
                   if any(getattr(f[c].dtype, "numpy_dtype", f[c].dtype) == np.float32 for f in given.values()))
    return PreparedData(schema, normalised, numeric, codes, categories, n_real, infinities, text_counts, single)


def _infinities(
    frames: Mapping[str, pd.DataFrame], numerical: list[str]
) -> dict[str, dict[str, tuple[int, int]]]:
    """Each frame's counts of ``inf`` and ``-inf`` rows in every column where some frame has one."""
    holding = [c for c in numerical if any(np.isinf(f[c]).any() for f in frames.values())]
    return {
        name: {c: (int(np.isposinf(f[c]).sum()), int(np.isneginf(f[c]).sum())) for c in holding}
        for name, f in frames.items()
    }


def _without_infinities(frame: pd.DataFrame, holding: list[str]) -> pd.DataFrame:
    if holding:
        frame = frame.copy()
        for c in holding:
            frame[c] = frame[c].where(np.isfinite(frame[c]))
    return frame


def _check_frame(name: str, frame: object, real: pd.DataFrame) -> None:
    if not isinstance(frame, pd.DataFrame):
        raise DataError(f"{name} must be a pandas DataFrame, got {type(frame).__name__}")
    if frame.columns.has_duplicates:
        duplicated = frame.columns[frame.columns.duplicated()][0]
        raise ColumnError(duplicated, f"appears more than once in {name}")
    if frame.shape[1] == 0:
        raise DataError(f"{name} has no columns")
    if len(frame) == 0:
        raise DataError(f"{name} has no rows")
    if frame is real:
        return
    for column in real.columns:
        if column not in frame.columns:
            raise ColumnError(column, f"is in real but not in {name}")
    for column in frame.columns:
        if column not in real.columns:
            raise ColumnError(column, f"is in {name} but not in real")


def _normalise(column: str, kind: ColumnKind, values: pd.Series, name: str,
               fmt: str | None = None, missing_texts: tuple[str, ...] = ()) -> pd.Series:
    values = without_text(values.reset_index(drop=True), missing_texts)  # "?", "0000-00-00"
    if kind == "numerical":
        if pd.api.types.is_bool_dtype(values.dtype) or pd.api.types.is_timedelta64_dtype(values.dtype):
            values = pd.Series(as_numbers(values))  # durations in seconds, NaT as NaN
        converted = pd.to_numeric(values, errors="coerce").astype("float64")
        bad = converted.isna() & values.notna()
        if bad.any():
            raise ColumnError(
                column, f"is numerical but {name} holds non-numeric value {values[bad].iloc[0]!r}"
            )
        return converted
    if kind == "datetime":
        try:
            parsed = _datetimes(values, fmt)
            if getattr(parsed.dt, "tz", None) is not None:
                parsed = parsed.dt.tz_convert(None)  # compare instants in UTC
            return parsed.astype("datetime64[us]")  # microseconds: 0001 to 9999 (sentinels) too
        except (ValueError, TypeError) as error:
            raise ColumnError(column, f"is datetime but {name} cannot be parsed: {error}") from None
    as_object = values.astype(object)
    return as_object.where(values.notna(), np.nan)


def _datetimes(values: pd.Series, fmt: str | None) -> pd.Series:
    """Text dates in the real column's format ``fmt`` where they all follow it; otherwise (another
    tool's output, or no format) as pandas reads them."""
    if pd.api.types.is_datetime64_any_dtype(values.dtype):
        return values
    if isinstance(values.dtype, pd.PeriodDtype):
        return values.dt.to_timestamp()
    if values.dtype == object and pd.api.types.infer_dtype(values, skipna=True) in ("date", "datetime", "time"):
        return object_dates(values)  # date, datetime and time objects, 9999-12-31 included
    if fmt is not None:
        try:
            return text_dates(values, fmt)
        except ValueError:
            pass
    return pd.to_datetime(values, utc=True)  # naive values read as UTC: the same wall clock


def _continuous_matrix(frame: pd.DataFrame, columns: list[str]) -> np.ndarray:
    matrix = np.empty((len(frame), len(columns)), dtype=np.float64)  # (n, n_continuous)
    for j, column in enumerate(columns):
        values = frame[column]
        if pd.api.types.is_datetime64_any_dtype(values.dtype):
            seconds = values.to_numpy(dtype="datetime64[us]").astype(np.int64) / 1e6
            matrix[:, j] = np.where(values.isna().to_numpy(), np.nan, seconds)
        else:
            matrix[:, j] = values.to_numpy(dtype=np.float64)
    return matrix


def _code_categoricals(
    frames: dict[str, pd.DataFrame], columns: list[str]
) -> tuple[dict[str, pd.Index], dict[str, int], dict[str, np.ndarray]]:
    categories: dict[str, pd.Index] = {}
    n_real: dict[str, int] = {}
    codes = {name: np.empty((len(f), len(columns)), dtype=np.int64) for name, f in frames.items()}
    for j, column in enumerate(columns):
        real_values = pd.Index(frames["real"][column].dropna().unique())
        others = [frames[name][column].dropna().unique() for name in frames if name != "real"]
        extra = pd.Index(np.concatenate(others)) if others else pd.Index([])
        extra = extra.difference(real_values, sort=False).unique() if len(extra) else extra
        index = real_values.append(extra)
        categories[column] = index
        n_real[column] = len(real_values)
        for name, frame in frames.items():
            coded = index.get_indexer(frame[column])  # -1 where missing
            codes[name][:, j] = np.where(frame[column].isna().to_numpy(), MISSING_CODE, coded)
    return categories, n_real, codes
