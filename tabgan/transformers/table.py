"""The whole table: a DataFrame to one float32 matrix plus its layout, and back.

``TableTransformer.fit`` infers the schema, fits one transformer per column (the mixture fits run
on a small thread pool) and records the layout. ``transform`` writes each column's block into one
preallocated matrix. ``inverse_transform`` takes generated matrices (tanh values, soft or hard
one-hots) and returns a DataFrame with the input's exact column order, dtypes and formats;
``inverse_compact`` does the same from one value or slot per span, what sampling hands over.
"""

from __future__ import annotations

import datetime
import math
import os
import warnings
from collections.abc import Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import numpy as np
import pandas as pd
from sklearn.exceptions import ConvergenceWarning

from tabgan.codes import code_of_format, describe
from tabgan.errors import ColumnError, ConditionError, DataError, NotFittedError
from tabgan.schema import ColumnSpec, Schema, arrow_view, as_dtype, dtype_name, infer_schema, validate_frame
from tabgan.transformers.base import ColumnTransformer, compact, to_plain, transformer_from_dict
from tabgan.transformers.continuous import GMM_SAMPLE_CAP, POINT_MASS_SHARE, NumericalTransformer
from tabgan.transformers.datetime import DatetimeTransformer
from tabgan.transformers.derived import DerivedTransformer, find_derived
from tabgan.transformers.linear import LinearTransformer, find_linear
from tabgan.transformers.discrete import MAX_CATEGORIES, BooleanTransformer, CategoricalTransformer
from tabgan.transformers.layout import Layout
from tabgan.transformers.simple import ConstantTransformer, IdTransformer

__all__ = ["TableTransformer"]

FORMAT_VERSION = 1


class TableTransformer:
    """Learn a table's columns; encode it as a float32 matrix; decode generated matrices.

    Parameters: ``discrete_columns`` and ``metadata`` override the inferred kinds (see
    ``tabgan.schema``); ``max_categories`` caps a one-hot block's width; ``n_modes`` caps the
    mixture components of a continuous column; ``gmm_sample_cap`` is how many values each mixture
    is fitted on; ``derive`` keeps a column that the training table shows to be a function of a
    categorical column (Adult's ``education-num`` of ``education``) as a look-up table instead of
    modelling it (see ``tabgan.transformers.derived``), and one that is an exact linear function of
    one or two numerical columns (nycflights13's ``sched_dep_time = 100*hour + minute``) as that
    formula (see ``tabgan.transformers.linear``); ``random_state`` seeds the subsamples,
    mixtures and regenerated ids.
    """

    def __init__(
        self,
        discrete_columns: Iterable[str] | None = None,
        metadata: Mapping[str, Any] | None = None,
        max_categories: int = MAX_CATEGORIES,
        n_modes: int = 10,
        gmm_sample_cap: int = GMM_SAMPLE_CAP,
        derive: bool = True,
        random_state: int | None = None,
    ) -> None:
        self.discrete_columns = discrete_columns
        self.metadata = metadata
        self.max_categories = max_categories
        self.n_modes = n_modes
        self.gmm_sample_cap = gmm_sample_cap
        self.derive = derive
        self.random_state = random_state

    # ---------------------------------------------------------------- fit
    def fit(self, df: pd.DataFrame) -> TableTransformer:
        for name, value, low in (("max_categories", self.max_categories, 2), ("n_modes", self.n_modes, 1),
                                 ("gmm_sample_cap", self.gmm_sample_cap, 10)):
            if not isinstance(value, (int, np.integer)) or value < low:
                raise DataError(f"{name}={value!r} must be an integer >= {low}")
        df, arrow = _arrow_views(df)  # pyarrow dates, times, decimals, durations: learnt as numpy's
        self.schema_ = infer_schema(df, self.discrete_columns, self.metadata)
        for spec in self.schema_.columns:  # the schema shows the input's dtypes
            spec.dtype = arrow.get(spec.name, spec.dtype)
        self.arrow_ = arrow
        if not isinstance(self.derive, (bool, np.bool_)):
            raise DataError(f"derive={self.derive!r} must be True or False")
        # One seed per column, then one for the derived-column search.
        seeds = np.random.SeedSequence(self.random_state).spawn(len(self.schema_.columns) + 1)
        columns = [self._make(spec) for spec in self.schema_.columns]

        def fit_one(i: int) -> ColumnTransformer:
            return columns[i].fit(df[columns[i].column], np.random.default_rng(seeds[i]))

        # The mixture fits dominate; numpy releases the GIL for part of them. Warning filters are
        # process-wide, so the mixtures' convergence warnings are silenced here, not in threads.
        with warnings.catch_warnings(), ThreadPoolExecutor(max_workers=min(4, os.cpu_count() or 1)) as pool:
            warnings.simplefilter("ignore", ConvergenceWarning)
            self.columns_ = list(pool.map(fit_one, range(len(columns))))
        if self.derive:
            for i, t in find_derived(df, self.columns_, np.random.default_rng(seeds[-1])).items():
                self.columns_[i] = t
            for i, t in find_linear(df, self.columns_, np.random.default_rng(seeds[-1].spawn(1)[0])).items():
                self.columns_[i] = t
        for t in self.columns_:  # the state a model file holds, made once: a value it cannot hold
            t.to_dict()  # (a complex number) is refused naming its column now, not after training
        self._finish()
        return self

    def _make(self, spec: ColumnSpec) -> ColumnTransformer:
        name = spec.name
        if spec.kind == "numerical":  # the schema found or was told any time or date code
            return NumericalTransformer(name, self.n_modes, self.gmm_sample_cap,
                                        code=code_of_format(spec.datetime_format))
        if spec.kind == "categorical":
            return CategoricalTransformer(name, self.max_categories)
        if spec.kind == "boolean":
            return BooleanTransformer(name)
        if spec.kind == "datetime":
            return DatetimeTransformer(name, spec.datetime_format, self.n_modes)
        if spec.kind == "id":
            return IdTransformer(name)
        return ConstantTransformer(name)

    def _finish(self) -> None:
        self.layout_ = Layout(tuple(span for t in self.columns_ for span in t.spans))
        self._widths = [t.width for t in self.columns_]
        self._n_spans = [len(t.spans) for t in self.columns_]
        self._first_span = np.cumsum([0, *self._n_spans[:-1]]).tolist()
        self._index = {t.column: i for i, t in enumerate(self.columns_)}
        self._sources = {t.source for t in self.columns_ if isinstance(t, DerivedTransformer)}
        self._number_sources = {name for t in self.columns_ if isinstance(t, LinearTransformer) for name in t.sources}

    @property
    def derived_(self) -> dict[str, str]:
        """{derived column: the categorical column it is looked up from}."""
        self._check_fitted()
        return {t.column: t.source for t in self.columns_ if isinstance(t, DerivedTransformer)}

    @property
    def computed_(self) -> dict[str, str]:
        """{computed column: its formula ('sched_dep_time = 100*hour + minute')}."""
        self._check_fitted()
        return {t.column: t.formula for t in self.columns_ if isinstance(t, LinearTransformer)}

    @property
    def coded_(self) -> dict[str, str]:
        """{numerical column: the time or date code its digits write ("hhmm" ...; see codes)}."""
        self._check_fitted()
        numbers = (t.inner if isinstance(t, LinearTransformer) else t for t in self.columns_)
        return {t.column: t.code for t in numbers if isinstance(t, NumericalTransformer) and t.code}

    # ---------------------------------------------------------------- transform
    def transform(self, df: pd.DataFrame) -> np.ndarray:
        """(n_rows, layout_.width) float32."""
        self._check_fitted()
        given = validate_frame(df)
        df = _arrow_views(df)[0]
        missing = [c for c in self.schema_.names if c not in df.columns]
        if missing:
            raise ColumnError(missing[0], "the table lacks a column the transformer was fitted on")
        out = np.empty((len(df), self.layout_.width), dtype=np.float32)
        start = 0
        for t, width in zip(self.columns_, self._widths):
            if width:
                try:
                    out[:, start:start + width] = t.transform(df[t.column])
                except ColumnError:
                    raise
                except ValueError as err:
                    raise ColumnError(t.column, str(err)) from None
                except TypeError as err:  # pandas' or numpy's own: values of another kind
                    raise ColumnError(t.column, f"was fitted on values of dtype {self.schema_[t.column].dtype} "
                                                f"and cannot read these of dtype {dtype_name(given[t.column].dtype)}: "
                                                f"{err}") from None
            start += width
        return out

    def fit_transform(self, df: pd.DataFrame) -> np.ndarray:
        return self.fit(df).transform(df)

    # ---------------------------------------------------------------- inverse
    def inverse_transform(self, matrix: np.ndarray, random_state: int | np.random.Generator | None = None
                          ) -> pd.DataFrame:
        """Generated (n, layout_.width) values back to a DataFrame with the input's schema."""
        self._check_fitted()
        m = np.asarray(matrix)
        if m.ndim != 2 or m.shape[1] != self.layout_.width:
            raise DataError(f"matrix of shape {m.shape} does not fit the layout: "
                            f"expected (n, {self.layout_.width})")
        if not np.issubdtype(m.dtype, np.floating):
            m = m.astype(np.float32)
        return self.inverse_compact(compact(m, self.layout_.spans), random_state)

    def inverse_compact(self, c: np.ndarray, random_state: int | np.random.Generator | None = None,
                        first_row: int = 0, taken: dict[str, set[str]] | None = None,
                        generated: bool = False) -> pd.DataFrame:
        """The compact form of generated rows, (n, len(layout_.spans)): per span its tanh value or
        its slot (see ``transformers.base.compact``), back to a DataFrame with the input's schema.

        A table decoded in chunks passes each chunk's ``first_row`` and one ``taken`` dict for
        them all, so that its ids are unique over the whole table (``IdTransformer``).
        ``generated``: the rows come from a generator, not from encoding real ones, so numbers of
        a column that mixes decimals get theirs drawn (``ContinuousEncoder.precision``)."""
        self._check_fitted()
        c = np.asarray(c)
        if c.ndim != 2 or c.shape[1] != len(self.layout_.spans):
            raise DataError(f"compact rows of shape {c.shape} do not fit the layout: "
                            f"expected (n, {len(self.layout_.spans)}), one column per span")
        rng = random_state if isinstance(random_state, np.random.Generator) else np.random.default_rng(random_state)
        data, slots, numbers = {}, {}, {}
        for t, first, n_spans in zip(self.columns_, self._first_span, self._n_spans):
            if isinstance(t, (DerivedTransformer, LinearTransformer)):
                continue
            block = c[:, first:first + n_spans]
            if t.column in self._sources:  # decoded once, for itself and its derived columns
                assert isinstance(t, CategoricalTransformer)
                slots[t.column] = block[:, 0].astype(np.int64)  # (n,)
                data[t.column] = _values(t.inverse_slots(slots[t.column], rng))
            elif t.column in self._number_sources:  # decoded once, for itself and its computed columns
                assert isinstance(t, (NumericalTransformer, DatetimeTransformer))
                if isinstance(t, NumericalTransformer):
                    numbers[t.column] = t.inverse_numbers(block, rng, generated)
                    data[t.column] = _values(t.restore(numbers[t.column], t.encoder.missing_kinds(block)))
                else:
                    numbers[t.column] = t.inverse_numbers(block, rng)
                    data[t.column] = _values(t.restore(numbers[t.column]))
            elif isinstance(t, IdTransformer):
                own = set() if taken is None else taken.setdefault(t.column, set())
                data[t.column] = _values(t.inverse_compact(block, rng, first_row, own))
            elif isinstance(t, NumericalTransformer):
                data[t.column] = _values(t.inverse_compact(block, rng, generated))
            else:
                data[t.column] = _values(t.inverse_compact(block, rng))
        for t in self.columns_:  # after their sources, whose slots they are looked up from
            if isinstance(t, DerivedTransformer):
                data[t.column] = _values(t.inverse_slots(slots[t.source], rng))
        for t in self.columns_:  # after their sources, which are learnt or looked up
            if isinstance(t, LinearTransformer):
                data[t.column] = _values(t.inverse_sources([numbers[name] for name in t.sources]))
        # Fresh arrays, one per column: no index to align, nothing to copy (4 ms of 18 on
        # 32,561 Adult rows went to aligning and copying them into consolidated blocks).
        frame = pd.DataFrame(data, columns=self.schema_.names, copy=False)
        for column in self.schema_.names:  # pandas reads object arrays of datetimes as datetime64
            if data[column].dtype == object and frame[column].dtype != object:
                frame[column] = pd.Series(data[column], index=frame.index, dtype=object)
        for column, dtype in self.arrow_.items():  # back to pyarrow's types
            frame[column] = frame[column].astype(as_dtype(dtype))
        return frame

    def _source_numbers(self, t: LinearTransformer, data: Mapping[str, Any]) -> list[np.ndarray]:
        """(n,) float64 values of each source of ``t`` as it writes them, from a table's columns."""
        out = []
        for name in t.sources:
            source = self.columns_[self._index[name]]
            assert isinstance(source, (NumericalTransformer, DatetimeTransformer))
            out.append(source.numbers(pd.Series(data[name], name=name)))
        return out

    # ---------------------------------------------------------------- conditions
    def condition_slot(self, column: str, value: Any) -> tuple[int, int]:
        """(index of the column's span in ``layout_.spans``, slot inside it) that ``column == value`` sets."""
        self._check_fitted()
        conditional = {s.column: i for i, s in enumerate(self.layout_.spans) if s.conditional}
        if column not in self.schema_.names:
            raise ConditionError(f"condition on unknown column {column!r}")
        t = self.columns_[self._index[column]]
        if isinstance(t, LinearTransformer):
            raise ConditionError(f"condition on column {column!r}: it is computed from "
                                 f"{' and '.join(map(repr, t.sources))} ({t.formula}); condition on "
                                 f"{'them' if len(t.sources) > 1 else 'it'}")
        if isinstance(t, DerivedTransformer) and isinstance(t.inner, CategoricalTransformer):
            # A one-to-one pair (see find_derived): the condition is one on its source.
            return conditional[t.source], t.source_slot(_condition_slot(t.inner, value))
        if isinstance(t, DerivedTransformer):  # a number or date looked up from its source
            source = self.columns_[self._index[t.source]]
            assert isinstance(source, CategoricalTransformer)
            return conditional[t.source], _derived_slot(t, source, value)
        if isinstance(t, NumericalTransformer):  # durations and Decimals too, in what they count
            return self._point_slot(self._index[column], t, value)
        if isinstance(t, DatetimeTransformer) and (slot := t.missing_slot(value)) is not None:
            # The day's mode span, the slot of that kind of missing value: as for a number's
            # missing values, checked in the generated rows.
            return self._first_span[self._index[column]] + len(t.day.spans(column)) - 1, slot
        if column not in conditional:
            kind = self.schema_[column].kind
            hint = (" (name it in discrete_columns, --discrete-columns on the command line, when "
                    "fitting, to learn it as categorical)" if kind == "numerical" else "")
            if isinstance(t, DatetimeTransformer) and t.day.has_missing:
                kinds = ", ".join(repr(k) for k in t.missing_kinds)
                empty = "; COL= on the command line" if None in t.missing_kinds or len(t.missing_kinds) == 1 else ""
                hint = f" (or on its missing values: {kinds}{empty})"
            raise ConditionError(f"condition on column {column!r} of kind {kind}: "
                                 f"only categorical and boolean columns can be conditioned on{hint}")
        assert isinstance(t, CategoricalTransformer)
        return conditional[column], _condition_slot(t, value)

    def condition_written(self, column: str, value: Any) -> Any:
        """A condition's ``value`` as the rows that meet it hold it: the category of ``column`` it
        stands for (True for 1 in a column of True/False objects, 2 for 2.0 in one of ints, the
        day in the column's time zone for a date); ``value`` itself for a missing value and for
        a column whose rows decode it exactly (see ``decodes_conditions_exactly``)."""
        self._check_fitted()
        t = self.columns_[self._index[column]]
        inner = t.inner if isinstance(t, DerivedTransformer) else t
        if not isinstance(inner, CategoricalTransformer) or _is_missing(value):
            return value
        return inner.category_of(_as_stamp_of(value, inner.categories))

    def decodes_conditions_exactly(self, column: str) -> bool:
        """Whether rows that hold a condition's slot decode to the condition's value as the column
        writes it: a number's point mass or missing value ("?" where the text wrote that), a
        date's missing value. A category's slot may be the pool of rare values, whose rows draw
        one of them, so its conditioned rows are given the value asked for."""
        self._check_fitted()
        return isinstance(self.columns_[self._index[column]], (NumericalTransformer, DatetimeTransformer))

    def _point_slot(self, i: int, t: NumericalTransformer, value: Any) -> tuple[int, int]:
        """(span, slot) of a numerical column's point mass (a value of at least
        ``POINT_MASS_SHARE`` of its rows, which comes back exactly) or of its missing values: a
        condition the generated rows are checked against, as no condition vector holds it."""
        enc = t.encoder
        span = self._first_span[i] + self._n_spans[i] - 1  # the mode span is the column's last
        missing = t.missing_slot(value)  # None, NaN or a missing text ("?")
        if missing is not None:
            return span, missing
        read = t.counted(value)
        if t.text is not None and isinstance(value, str):  # numbers written as text: "0"
            read = _text_number(value)
        number = _number(read)
        exact = read if isinstance(read, (int, np.integer)) else number  # an int past 2**53 as it is
        counted = None if number is None or math.isnan(number) else t.encoded(exact)
        if counted is not None and counted in enc.points:
            slot = len(enc.means) + enc.points.index(counted)
        elif t.code is not None and number is not None and not math.isnan(number) and counted is None:
            raise ConditionError(f"condition {t.column}={value!r}: {value!r} is none of the column's "
                                 f"{describe(t.code)}, so no generated row can hold it")
        else:
            points = ", ".join(format(p, "g") for p in t.point_values()) or "none"
            if isinstance(value, str) and _parses_as(value, t.point_values()):
                raise ConditionError(f"condition {t.column}={value!r}: {value!r} is text; give the "
                                     f"number {value} (a point mass of the numerical column)")
            if isinstance(value, (bool, np.bool_)):
                raise ConditionError(f"condition {t.column}={value!r}: the numerical column holds no "
                                     f"True/False values; give a number (here: {points})")
            raise ConditionError(
                f"condition {t.column}={value!r}: a numerical column can be conditioned on a value "
                f"that holds at least {POINT_MASS_SHARE:.0%} of its rows (here: {points})"
                + (f" or on missing values ({', '.join(repr(k) for k in t.missing_kinds)})" if enc.has_missing else "")
                + "; name it in discrete_columns (--discrete-columns on the command line) when "
                "fitting to condition on any of its values")
        return span, slot

    def value_written(self, column: str, text: str) -> Any:
        """The category of ``column`` that prints as ``text`` (``str(value) == text``), for a
        condition typed as text (the command line): the int 2 of a category dtype of ints, the
        date 2021-01-01 of a column of dates. ``text`` itself when it is a category, when no
        category or several print that way, or when the column has no categories."""
        self._check_fitted()
        t = self.columns_[self._index[column]] if column in self._index else None
        t = t.inner if isinstance(t, DerivedTransformer) else t
        if not isinstance(t, CategoricalTransformer):
            return text
        values = [*t.categories, *t.pool]
        if any(isinstance(v, str) and v == text for v in values):
            return text
        named = [v for v in values if str(v) == text]
        return named[0] if len(named) == 1 else text

    def continue_ids_past(self, df: pd.DataFrame) -> None:
        """Let each integer id column continue past the largest id of ``df`` too (rows held out of
        the fit, as ``tabgan synth`` holds out its evaluation rows), so that no generated id is
        one of them. Only their largest value is kept; text ids are drawn at random."""
        self._check_fitted()
        for t in self.columns_:  # a loop over columns
            if isinstance(t, IdTransformer) and t.column in df.columns:
                t.continue_past(df[t.column])

    def drawn_id_columns(self) -> list[str]:
        """The id columns of random text that an earlier fresh id could repeat by chance (short
        codes, not UUIDs: ``IdTransformer.keeps_taken``); decoding keeps clear of the ``taken``
        ids given for them."""
        self._check_fitted()
        return [t.column for t in self.columns_ if isinstance(t, IdTransformer) and t.keeps_taken()]

    def counted_id_columns(self) -> list[str]:
        """The id columns whose values are numbers in sequence (integers, counters in text),
        which ``continue_ids_past`` moves on."""
        self._check_fitted()
        return [t.column for t in self.columns_
                if isinstance(t, IdTransformer) and (t.numeric or t.counter is not None)]

    def check_continues(self, df: pd.DataFrame, discrete_columns: Iterable[str] | None = None,
                        metadata: Mapping[str, Any] | None = None) -> None:
        """ColumnError unless ``df`` is a table these fitted transforms describe, as training on
        it with them (a warm start) needs: its columns are the fitted ones; columns that
        ``discrete_columns`` or ``metadata`` name get the kinds they were fitted with; a constant
        column still holds its value alone; a derived column is still the function of its source
        that the fit found. (``transform`` refuses unseen categories, missing values where none
        were fitted and values that are no longer codes.)"""
        self._check_fitted()
        validate_frame(df)
        df = _arrow_views(df)[0]
        names = set(self.schema_.names)
        for c in df.columns:
            if c not in names:
                raise ColumnError(c, "was not in the table the model was fitted on")
        for c in self.schema_.names:
            if c not in df.columns:
                raise ColumnError(c, "the table lacks a column the model was fitted on")
        if discrete_columns is not None or metadata is not None:
            named = set(discrete_columns or ()) | set((metadata or {}).get("columns", {}))
            given = infer_schema(df[[c for c in self.schema_.names if c in named]], discrete_columns, metadata)
            for spec in given.columns:
                fitted = self.schema_[spec.name].kind
                if spec.kind != fitted and "constant" not in (spec.kind, fitted):
                    raise ColumnError(spec.name, f"was fitted as {fitted}; it cannot become {spec.kind} "
                                                 "in a warm start")
                code, was = code_of_format(spec.datetime_format), self.coded_.get(spec.name)
                if spec.kind == fitted == "numerical" and code != was:
                    fitted_as, now = (describe(c) if c else "plain numbers" for c in (was, code))
                    raise ColumnError(spec.name, f"was fitted as {fitted_as}; it cannot become {now} in a "
                                                 "warm start")
        for t in self.columns_:  # a loop over columns
            if isinstance(t, ConstantTransformer):
                _check_constant(t, df[t.column])
            elif isinstance(t, DerivedTransformer):
                source = self.columns_[self._index[t.source]]
                assert isinstance(source, CategoricalTransformer)
                looked_up = t.inverse_slots(source.slots(df[t.source]), np.random.default_rng(0))
                _check_derived(t, df[t.source], df[t.column], looked_up)
            elif isinstance(t, LinearTransformer):
                _check_linear(t, df, self._source_numbers(t, {name: df[name] for name in t.sources}))

    # ---------------------------------------------------------------- state
    def _check_fitted(self) -> None:
        if not hasattr(self, "columns_"):
            raise NotFittedError("this TableTransformer is not fitted yet; call fit(df) first")

    def to_dict(self) -> dict[str, Any]:
        self._check_fitted()
        return {
            "format_version": FORMAT_VERSION,
            "params": {"discrete_columns": list(self.discrete_columns) if self.discrete_columns else None,
                       "metadata": self.metadata, "max_categories": self.max_categories,
                       "n_modes": self.n_modes, "gmm_sample_cap": self.gmm_sample_cap,
                       "derive": self.derive, "random_state": self.random_state},
            "schema": self.schema_.to_dict(),
            "columns": [t.to_dict() for t in self.columns_],
            "arrow": self.arrow_,
        }

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> TableTransformer:
        if d.get("format_version") != FORMAT_VERSION:
            raise DataError(f"transformer state has format_version {d.get('format_version')!r}, "
                            f"this tabgan reads {FORMAT_VERSION}")
        t = cls(**d["params"])
        t.schema_ = Schema.from_dict(d["schema"])
        t.columns_ = [transformer_from_dict(c) for c in d["columns"]]
        t.arrow_ = dict(d.get("arrow", {}))  # absent in files written before 2026-12-03
        t._finish()
        return t

    def __repr__(self) -> str:
        if not hasattr(self, "columns_"):
            return "TableTransformer(not fitted)"
        return f"TableTransformer({len(self.columns_)} columns -> {self.layout_.width} features)"


def _check_constant(t: ConstantTransformer, s: pd.Series) -> None:
    values = s.dropna()
    if t.value is None:
        if len(values):
            raise ColumnError(t.column, f"was empty when fitted and now holds {to_plain(values.iloc[0])!r}")
        return
    if len(values) < len(s):
        raise ColumnError(t.column, f"held {t.value!r} in every row when fitted and now has missing values")
    other = values[values.astype(object) != t.value]
    if len(other):
        raise ColumnError(t.column, f"held {t.value!r} in every row when fitted and now holds "
                                    f"{to_plain(other.iloc[0])!r}")


def _check_derived(t: DerivedTransformer, source: pd.Series, column: pd.Series, looked_up: pd.Series) -> None:
    got, want = column.to_numpy(dtype=object), looked_up.to_numpy(dtype=object)
    same = (got == want) | (pd.isna(got) & pd.isna(want))
    if not same.all():
        i = int(np.flatnonzero(~same)[0])
        raise ColumnError(t.column, f"was looked up from {t.source!r} when fitted; a row with "
                                    f"{t.source}={to_plain(source.iloc[i])!r} now holds {to_plain(got[i])!r}, "
                                    f"not {to_plain(want[i])!r}")


def _check_linear(t: LinearTransformer, df: pd.DataFrame, sources: list[np.ndarray]) -> None:
    assert t.inner is not None
    got, want = t.inner.numbers(df[t.column]), t.compute(sources)
    same = np.isclose(got, want, rtol=1e-9, atol=0.0) | (np.isnan(got) & np.isnan(want))
    if not same.all():
        i = int(np.flatnonzero(~same)[0])
        given = ", ".join(f"{name}={to_plain(df[name].iloc[i])!r}" for name in t.sources)
        raise ColumnError(t.column, f"was computed as {t.formula} when fitted; a row with {given} now "
                                    f"holds {to_plain(df[t.column].iloc[i])!r}")


def _condition_slot(t: CategoricalTransformer, value: Any) -> int:
    _check_one_value(t.column, value)
    value = _as_stamp_of(value, t.categories)
    # True == 1: a bool would find the category 1 of a column of numbers.
    if not isinstance(value, (bool, np.bool_)) or any(isinstance(to_plain(c), bool) for c in t.categories):
        try:
            return t.slot_of(value)
        except ColumnError:
            pass
    known = ", ".join(map(repr, t.categories[:10]))
    if _is_missing(value):
        raise ConditionError(f"condition {t.column}={value!r}: asks for a missing value, and the "
                             f"column had none in training (known: {known}"
                             f"{', ...' if len(t.categories) > 10 else ''})")
    raise ConditionError(f"condition {t.column}={value!r}: value not seen in the training data "
                         f"(known: {known}{', ...' if len(t.categories) > 10 else ''})"
                         f"{_type_hint(value, t.categories)}")


def _type_hint(value: Any, known: Iterable[Any]) -> str:
    """What to write instead of a condition's value that misses ``known`` only by its type (the
    text 'True' for the bool True, the int 1 for the text '1'), or "" when none does."""
    for v in map(to_plain, known):
        if isinstance(value, str) and not isinstance(v, str) and str(v) == value:
            return f"; {value!r} is text, give it as {v!r}"
        if isinstance(v, str) and not isinstance(value, str) and v == str(to_plain(value)):
            return f"; the column holds text, give it as {v!r}"
    if isinstance(value, (bool, np.bool_)):
        return "; the column holds no True/False values"
    return ""


def _as_stamp_of(value: Any, categories: Iterable[Any]) -> Any:
    """A date written as text or given as a ``datetime.date``, as the Timestamps a discrete
    column of dates holds ("2020-01-02" finds the day, in the column's time zone where it has
    one); any other value as it is."""
    first = next((c for c in categories if isinstance(c, pd.Timestamp)), None)
    # A Timestamp too: a DataFrame of conditions holds its datetimes as naive ones.
    if first is None or not isinstance(value, (str, datetime.date, np.datetime64)):
        return value
    try:
        stamp = pd.Timestamp(value)
    except (ValueError, TypeError):
        return value
    return stamp.tz_localize(first.tz) if first.tz is not None and stamp.tz is None else stamp


def _check_one_value(column: str, value: Any) -> None:
    if not pd.api.types.is_hashable(value):  # a list of values: not one category
        raise ConditionError(f"condition {column}={value!r}: give one value per column, not a "
                             f"{type(value).__name__}; for rows of several values, pass a DataFrame "
                             "of conditions, one row for each row to sample")


def _text_number(text: str) -> Any:
    """``text`` as a float where it reads as one, else ``text`` itself."""
    try:
        return float(text)
    except ValueError:
        return text


def _parses_as(text: str, numbers: Iterable[float]) -> bool:
    """True when ``text`` reads as one of ``numbers`` ('2' or '2.0' as 2.0)."""
    number = _text_number(text)
    return isinstance(number, float) and number in set(numbers)


def _is_missing(value: Any) -> bool:
    """Whether a condition's value asks for missing values: None, NaN, pd.NA, NaT."""
    number = _number(value)
    return number is not None and math.isnan(number)


def _number(value: Any) -> float | None:
    """A condition's value as a float (NaN for a missing value), or None for one that is no
    number (text, a bool, a date)."""
    if value is None or value is pd.NA or value is pd.NaT:
        return math.nan
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, float, np.number)):
        return None
    return float(value)


def _derived_slot(t: DerivedTransformer, source: CategoricalTransformer, value: Any) -> int:
    """The one slot of ``source`` whose rows hold ``value`` in the derived column ``t``
    (ConditionError when none does, or several: a condition is then one on the source)."""
    _check_one_value(t.column, value)
    values = t.inverse_slots(np.arange(t.table.shape[0]), np.random.default_rng(0))  # (slots,)
    try:
        hits = np.flatnonzero(values.isna().to_numpy() if pd.isna(value)
                              else (values == value).fillna(False).to_numpy(dtype=bool))
    except TypeError:  # a value that cannot be compared with the column's (text with dates)
        hits = np.zeros(0, dtype=np.int64)
    if len(hits) == 1:
        return int(hits[0])
    names = [repr(source.categories[h]) if h < len(source.categories) else "(its other values)"
             for h in hits]
    if hits.size:
        raise ConditionError(f"condition {t.column}={value!r}: {len(hits)} values of {t.source!r} "
                             f"give it ({', '.join(names[:5])}); condition on {t.source!r} instead")
    known = ", ".join(repr(to_plain(v)) for v in pd.unique(values.dropna())[:10])
    raise ConditionError(f"condition {t.column}={value!r}: value not seen in the training data "
                         f"(known: {known}{', ...' if values.nunique() > 10 else ''})"
                         f"{_type_hint(value, pd.unique(values.dropna()))}")


def _values(s: pd.Series) -> Any:
    """A decoded column's values without its index: the numpy array, or the extension array
    (categorical, nullable integers, time zones) that carries its dtype."""
    return s.array if isinstance(s.dtype, pd.api.extensions.ExtensionDtype) else s.to_numpy()


def _arrow_views(df: pd.DataFrame) -> tuple[pd.DataFrame, dict[str, str]]:
    """``df`` with each pyarrow-backed column that ``schema.arrow_view`` reads in its numpy form
    so (the others as they are, uncopied), and {column: its pyarrow dtype's name}."""
    views = {c: v for c, v in ((c, arrow_view(df[c])) for c in df.columns) if v is not None}
    if not views:
        return df, {}
    return df.assign(**{str(c): v for c, v in views.items()}), {str(c): dtype_name(df[c].dtype) for c in views}
