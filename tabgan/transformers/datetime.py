"""Datetime columns: datetime64 (naive or with a timezone), periods (learnt as their first
instant), date and datetime objects, and text dates with a known format.

NOTE[DIFF]: CTGAN refuses datetimes; SDV turns them into one float of nanoseconds, which a float32
matrix cannot hold to the second. Here a timestamp is split into the day (integer days since
1970-01-01) and, when the column has a finer grain than days, the time of day in units of that
grain (hours, minutes, seconds, ms, us or ns). Each part goes through the continuous encoder, so
time-of-day peaks (flights leave on the hour) get modes of their own, and a round trip is exact
down to the second. For a timezone-aware column the day is the local date and the time of day is
the time elapsed since that date's first instant: the wall-clock time on every day but those the
clocks change on, and one to one on those too (the hour that a fall-back repeats reads 01:00-02:00
the first time and 02:00-03:00 the second, where wall-clock time would give both the same code and
lose an hour on the way back); the zone is restored on output.

Text dates keep their format (``schema.text_dates``): a fraction of a second in as many digits
as the text wrote, and UTC offsets, read in the time zone they follow (``tz``), so each synthetic
instant is written with the offset its zone has then (+01:00 in winter, +02:00 in summer). Offsets
that follow no one zone (rows written in several: +02:00 beside -05:00 on the same day) are a
category of their own (``offsets``) beside the wall-clock time, and each row is written back with
its offset.

A column whose values all lie within one day of each other (event logs of an afternoon, readings
of an hour) is instead one number, the grains since its first instant: split into day and time of
day, a window that crosses midnight would be two days and two far-apart clusters of times whose
pairing the generator has to learn, and a mismatch lands 24 hours away (a 10-minute window round
midnight came back with 75% of its values outside it). Within a day the split holds nothing more
exactly, and there is no daily pattern to keep.
"""

from __future__ import annotations

import datetime
import warnings
from typing import Any

import numpy as np
import pandas as pd

from tabgan.errors import ColumnError
from tabgan.schema import (
    MixedOffsets,
    format_dates,
    local_format,
    missing_date_texts,
    object_dates,
    split_offsets,
    text_dates,
)
from tabgan.transformers.base import (
    MISSING_VALUES,
    ColumnTransformer,
    as_dtype,
    dtype_name,
    missing_marker,
    register,
    without_text,
)
from tabgan.transformers.continuous import (
    ContinuousEncoder,
    missing_kind_codes,
    missing_kind_slot,
    missing_labels,
    missing_written,
    read_missing_kinds,
)
from tabgan.transformers.layout import Span

__all__ = ["DatetimeTransformer"]

_NS_PER_DAY = 86_400 * 10**9
# Grains tried from the coarsest, in nanoseconds.
_GRAINS = {"h": 3600 * 10**9, "min": 60 * 10**9, "s": 10**9, "ms": 10**6, "us": 10**3, "ns": 1}
# Nanoseconds in a tick of each unit instants are counted in: "ns" where they fit int64
# nanoseconds (1677-09-21 to 2262-04-11), "us" for those beyond (9999-12-31, 0001-01-01).
_TICKS = {"ns": 1, "us": 1000}


@register
class DatetimeTransformer(ColumnTransformer):
    kind_name = "datetime"

    def __init__(self, column: str = "", datetime_format: str | None = None, n_modes: int = 10) -> None:
        self.column = column
        self.datetime_format = datetime_format
        self.n_modes = n_modes
        self.dtype = "datetime64[ns]"
        self.tz: str | None = None
        self.grain: str | None = None  # None: whole days only
        # Within a day: UTC ticks of the first instant; ``day`` encodes grains since then.
        self.origin: int | None = None
        self.unit = "ns"  # what instants are counted in (see _TICKS)
        # An object column's Python type ("date", "datetime", "timestamp"), restored on output,
        # and how it wrote missing values.
        self.objects: str | None = None
        self.na = "nat"
        self.day = ContinuousEncoder(n_modes)
        self.time: ContinuousEncoder | None = None
        # Text offsets that follow no one zone: the distinct ones, a category beside wall-clock time.
        self.offsets: list[str] | None = None
        # How each missing slot of ``day`` is written: a text of a text date column that is no
        # date ("0000-00-00", "unknown"; ``schema.odd_date_text``) or None, the column's own
        # missing value (NaT, NaN, None). [None] for most columns with missing values.
        self.missing_kinds: list[str | None] = []

    def fit(self, s: pd.Series, rng: np.random.Generator) -> DatetimeTransformer:
        self.column, self.dtype = str(s.name), dtype_name(s.dtype)
        self.tz = None  # the zone comes from this column (text offsets: the zone they follow)
        self.objects = _object_type(s) if self.datetime_format is None else None
        self.na = missing_marker(s)
        self.origin, self.time, self.offsets = None, None, None
        self.missing_kinds = [None] * bool(s.isna().any()) + list(missing_date_texts(s, self.datetime_format))
        labels = missing_labels(self.missing_kinds)
        try:
            dt = self._parse(s)
        except MixedOffsets:
            assert self.datetime_format is not None
            written = without_text(s, self.missing_texts)  # "unknown" has no offset
            self.offsets = sorted(split_offsets(written, self.datetime_format)[1].dropna().unique())
            dt = self._parse(s)
        self.unit = "ns" if _fits_nanoseconds(dt) else "us"
        if dt.dt.tz is not None:
            self.tz = str(dt.dt.tz)
        day_tod = self._day_tod(dt)
        rem = day_tod[1][~day_tod[2]]  # ticks into the day of the rows that have a value
        self.grain = None if (rem == 0).all() else self._coarsest_grain(rem)
        instants = self._utc_ticks(dt)[~day_tod[2]]  # (n,) of the rows that have a value
        if self.grain is not None and instants.max() - instants.min() < self._per_day:
            self.origin = int(instants.min())
            self.grain = self._coarsest_grain(instants - self.origin)
            self.day.fit(self._since_origin(dt), rng, decimals=0, missing_labels=labels)
            return self
        day, tod = self._split(*day_tod)
        self.day.fit(day, rng, decimals=0, missing_labels=labels)
        if self.grain is not None:
            self.time = ContinuousEncoder(self.n_modes).fit(tod, rng, decimals=0)
        return self

    @property
    def missing_texts(self) -> list[str]:
        """The texts that write this column's missing values ("0000-00-00"), besides NaN."""
        return [k for k in self.missing_kinds if k is not None]

    def missing_slot(self, value: Any) -> int | None:
        """The slot of ``day`` of missing values written as ``value`` (see
        ``continuous.missing_kind_slot``)."""
        return missing_kind_slot(self.day, self.missing_kinds, value)

    @property
    def _per_day(self) -> int:
        return _NS_PER_DAY // _TICKS[self.unit]

    def _grain_ticks(self) -> int:
        return _GRAINS[self.grain] // _TICKS[self.unit]

    def _coarsest_grain(self, ticks: np.ndarray) -> str:
        """The coarsest grain of which every value of ``ticks`` is a whole number."""
        tick = _TICKS[self.unit]
        return next(g for g, ns in _GRAINS.items() if ns >= tick and (ticks % (ns // tick) == 0).all())

    @property
    def spans(self) -> list[Span]:
        offsets = [Span(self.column, "category", len(self.offsets), "softmax", labels=tuple(self.offsets))
                   ] if self._offset_span else []
        return self.day.spans(self.column) + (self.time.spans(self.column) if self.time else []) + offsets

    @property
    def _offset_span(self) -> bool:
        return self.offsets is not None and len(self.offsets) > 1

    def transform(self, s: pd.Series) -> np.ndarray:
        offsets = self._offset_slots(s) if self._offset_span else None  # (n,)
        kinds = missing_kind_codes(s, self.missing_kinds)
        if self.origin is not None:
            parts = [self.day.transform(self._since_origin(self._parse(s)), kinds)]
        else:
            day, tod = self._split(*self._day_tod(self._parse(s)))
            parts = [self.day.transform(day, kinds)]
            if self.time is not None:
                parts.append(self.time.transform(tod))
        if offsets is not None:
            parts.append(np.eye(len(self.offsets), dtype=np.float32)[offsets])  # (n, k) one-hot
        return np.concatenate(parts, axis=1)

    def _offset_slots(self, s: pd.Series) -> np.ndarray:
        """(n,) the slot of each row's offset in ``offsets`` (0 where missing); ColumnError for an
        offset the fit did not see."""
        assert self.offsets is not None and self.datetime_format is not None
        written = split_offsets(without_text(s, self.missing_texts), self.datetime_format)[1]
        slots = pd.Categorical(written, categories=self.offsets).codes.astype(np.int64)  # (n,)
        unseen = (slots < 0) & written.notna().to_numpy()
        if unseen.any():
            raise ColumnError(self.column, f"holds the UTC offset {written[unseen].iloc[0]!r}, which "
                                           f"training did not see ({', '.join(self.offsets)})")
        return np.maximum(slots, 0)

    def inverse_compact(self, c: np.ndarray, rng: np.random.Generator) -> pd.Series:
        slots = None
        if self._offset_span:  # the offset's slot is the last compact column
            slots, c = c[:, -1].astype(np.int64), c[:, :-1]
        n_day = len(self.day.spans(self.column))
        day = self.day.inverse_compact(c[:, :n_day])
        missing = np.isnan(day)
        day = np.where(missing, 0, day).astype(np.int64)
        if self.origin is not None:  # grains since the first instant, in UTC when aware
            utc = self.origin + day * self._grain_ticks()  # (n,)
        else:
            utc = self._from_day_tod(day, c[:, n_day:])
        return self._written(utc, missing, slots, self.day.missing_kinds(c[:, :n_day]))

    @property
    def counted(self) -> bool:
        """Whether ``numbers`` gives the column's instants exactly: whole days, or whole seconds
        and coarser, with no offsets of its own (``tabgan.transformers.linear`` computes columns
        from them)."""
        return (self.offsets is None and self.grain in (None, "h", "min", "s")
                and (self.origin is None or self.origin % self._per_second == 0))

    @property
    def _per_second(self) -> int:
        return 10**9 // _TICKS[self.unit]

    def numbers(self, s: pd.Series) -> np.ndarray:
        """(n,) float64 counts of the column's instants, NaN where missing: days since 1970-01-01
        (local dates) where the column holds whole days, else seconds since 1970-01-01 UTC.
        Exact only where ``counted``."""
        dt = self._parse(s)
        if self.grain is None:
            x = self._day_tod(dt)[0].astype(np.float64)
        else:
            x = (self._utc_ticks(dt) // self._per_second).astype(np.float64)
        x[dt.isna().to_numpy()] = np.nan
        return x

    def inverse_numbers(self, c: np.ndarray, rng: np.random.Generator) -> np.ndarray:
        """Decoded instants as ``numbers`` gives them, for a ``counted`` column (no offsets' span):
        ``restore`` writes them as ``inverse_compact`` does."""
        n_day = len(self.day.spans(self.column))
        day = self.day.inverse_compact(c[:, :n_day])
        if self.grain is None:  # whole local days (so no origin: that needs a grain)
            return day
        missing = np.isnan(day)
        counts = np.where(missing, 0, day).astype(np.int64)
        utc = self.origin + counts * self._grain_ticks() if self.origin is not None else \
            self._from_day_tod(counts, c[:, n_day:])
        return np.where(missing, np.nan, (utc // self._per_second).astype(np.float64))

    def restore(self, x: np.ndarray, kinds: np.ndarray | None = None) -> pd.Series:
        """(n,) float64 counts as ``numbers`` gives them (NaN for missing) -> the column's Series;
        ``kinds`` (n,) says how each missing value is written (an index into ``missing_kinds``;
        all the first when not given)."""
        missing = np.isnan(x)
        counts = np.where(missing, 0, x).astype(np.int64)
        if self.grain is None:
            utc = self._from_day_tod(counts, np.zeros((len(x), 0)))
        else:
            utc = counts * self._per_second
        return self._written(utc, missing, None, kinds)

    def _written(self, utc: np.ndarray, missing: np.ndarray, slots: np.ndarray | None,
                 kinds: np.ndarray | None = None) -> pd.Series:
        """(n,) int64 ticks (UTC when aware) -> the column's Series, in its dtype and form;
        ``kinds``: how each missing value is written (see ``restore``)."""
        values = pd.Series(utc.view(f"datetime64[{self.unit}]"), name=self.column)
        values[missing] = pd.NaT
        if self.tz is not None:
            values = values.dt.tz_localize("UTC").dt.tz_convert(self.tz)
        if self.offsets is not None:  # wall-clock time, then each row's offset
            local = local_format(self.datetime_format or "")
            assert local is not None
            written = np.asarray(self.offsets, dtype=object)[slots if slots is not None else 0]
            text = (format_dates(values, local) + written).astype(object)
            text[missing] = self._missing_values(kinds, len(utc))[missing]
            return text.astype(as_dtype(self.dtype)) if self.dtype != "object" else text
        if self.datetime_format is not None:
            text = format_dates(values, self.datetime_format).astype(object)
            text[missing] = self._missing_values(kinds, len(utc))[missing]  # as written: NaN, "unknown"
            return text.astype(as_dtype(self.dtype)) if self.dtype != "object" else text
        if self.objects is not None:
            return self._as_objects(values, missing)
        dtype = as_dtype(self.dtype)
        if isinstance(dtype, pd.PeriodDtype):  # the period each instant falls in
            return values.dt.to_period(dtype.freq)
        return values.astype(dtype)

    def _missing_values(self, kinds: np.ndarray | None, n: int) -> np.ndarray:
        return missing_written(self.missing_kinds, MISSING_VALUES[self.na], kinds, n)

    def _as_objects(self, values: pd.Series, missing: np.ndarray) -> pd.Series:
        """An object column of the Python type the input held: datetime.date, datetime.datetime,
        datetime.time or pandas Timestamp (aware ones in the input's zone), missing values as it wrote them."""
        if self.objects == "date":
            out = np.asarray(values.dt.date, dtype=object)
        elif self.objects == "time":
            out = np.asarray(values.dt.time, dtype=object)
        elif self.objects == "datetime":
            with warnings.catch_warnings():  # pandas 2 warns that 3 returns a Series: both fit
                warnings.simplefilter("ignore", FutureWarning)
                out = np.asarray(values.dt.to_pydatetime(), dtype=object)
        else:
            out = values.astype(object).to_numpy()
        out[missing] = MISSING_VALUES[self.na]
        return pd.Series(out, name=self.column, dtype=object)

    def _from_day_tod(self, day: np.ndarray, time: np.ndarray) -> np.ndarray:
        """(n,) int64 ticks (UTC when aware) from days and the compact time-of-day spans."""
        ticks = np.zeros(len(day), dtype=np.int64)  # ticks into the day
        if self.time is not None:
            tod = self.time.inverse_compact(time)
            ticks = np.where(np.isnan(tod), 0, tod).astype(np.int64) * self._grain_ticks()
        if self.tz is None:
            return day * self._per_day + ticks
        return self._day_starts(day, self.tz) + ticks  # that much time after the local date's start

    # ---------------------------------------------------------------- helpers
    def _utc_ticks(self, dt: pd.Series) -> np.ndarray:
        """int64 ticks of each instant (UTC when aware; 0 where missing)."""
        return self._ticks(dt if dt.dt.tz is None else dt.dt.tz_convert("UTC").dt.tz_localize(None))

    def _since_origin(self, dt: pd.Series) -> np.ndarray:
        """float64 grains since ``origin``, NaN where missing."""
        since = ((self._utc_ticks(dt) - self.origin) // self._grain_ticks()).astype(np.float64)
        since[dt.isna().to_numpy()] = np.nan
        return since

    def _parse(self, s: pd.Series) -> pd.Series:
        if isinstance(s.dtype, pd.PeriodDtype):  # the first instant of each period
            try:
                return s.dt.to_timestamp()
            except ValueError:  # pandas' OutOfBoundsDatetime: a year 9999 (a sentinel) is past 2262
                start = s.dt.asfreq("us", how="start").array.asi8  # (n,) microseconds since 1970; NaT's too
                return pd.Series(start.view("datetime64[us]"), index=s.index, name=s.name)
        if self.datetime_format is None:
            dt = _numpy_datetimes(s) if pd.api.types.is_datetime64_any_dtype(s.dtype) else object_dates(s)
            # Instants of another zone than fitted (transform after fit's reset of tz): read in the
            # fitted one, whose local dates and times of day the encoders learnt.
            return dt if self.tz is None or dt.dt.tz is None else dt.dt.tz_convert(self.tz)
        s = without_text(s, self.missing_texts)
        if self.offsets is not None:  # naive wall-clock times; the offsets are a category
            local = local_format(self.datetime_format)
            assert local is not None
            return text_dates(split_offsets(s, self.datetime_format)[0], local)
        return text_dates(s, self.datetime_format, self.tz)  # fitting: the zone its offsets follow

    def _ticks(self, dt: pd.Series) -> np.ndarray:
        """int64 ticks of naive timestamps (0 where missing)."""
        ticks = dt.dt.as_unit(self.unit).to_numpy().view(np.int64).copy()
        ticks[dt.isna().to_numpy()] = 0
        return ticks

    def _day_starts(self, day: np.ndarray, tz: Any) -> np.ndarray:
        """int64 UTC ticks of the first instant of each local date ``day`` (days since
        1970-01-01) in ``tz``: its midnight, or where the clocks skip midnight the first time after
        the gap, or where a fall-back repeats it the first of the two."""
        days, where = np.unique(day, return_inverse=True)  # a date's start is looked up once
        midnight = pd.Series((days * self._per_day).view(f"datetime64[{self.unit}]"))
        start = midnight.dt.tz_localize(tz, ambiguous=np.ones(len(days), dtype=bool),
                                        nonexistent="shift_forward")
        return self._ticks(start.dt.tz_convert("UTC").dt.tz_localize(None))[where.ravel()]

    def _day_tod(self, dt: pd.Series) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Days since 1970-01-01 and ticks into the day (int64, 0 where missing), and the
        missing mask. An aware timestamp's day is its local date and its time of day the time
        elapsed since that date's first instant (see the module's docstring)."""
        missing = dt.isna().to_numpy()
        if dt.dt.tz is None:
            ticks = self._ticks(dt)
            return ticks // self._per_day, ticks % self._per_day, missing
        day = self._ticks(dt.dt.tz_localize(None)) // self._per_day  # (n,) local dates
        elapsed = self._utc_ticks(dt) - self._day_starts(day, dt.dt.tz)
        elapsed[missing] = 0
        return day, elapsed, missing

    def _split(self, day: np.ndarray, ns: np.ndarray, missing: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Days since the epoch and time of day in grains, as float64 with NaN where missing."""
        unit = self._grain_ticks() if self.grain else self._per_day
        day = day.astype(np.float64)
        tod = (ns // unit).astype(np.float64)
        day[missing] = np.nan
        tod[missing] = np.nan
        return day, tod

    def to_dict(self) -> dict[str, Any]:
        return {"type": self.kind_name, "column": self.column, "dtype": self.dtype,
                "datetime_format": self.datetime_format, "n_modes": self.n_modes, "tz": self.tz,
                "grain": self.grain, "origin": self.origin, "unit": self.unit, "objects": self.objects,
                "na": self.na, "day": self.day.to_dict(),
                "time": self.time.to_dict() if self.time else None, "offsets": self.offsets,
                "missing_kinds": self.missing_kinds}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> DatetimeTransformer:
        t = cls(d["column"], d["datetime_format"], d["n_modes"])
        t.dtype, t.tz, t.grain = d["dtype"], d["tz"], d["grain"]
        t.origin = d.get("origin")  # absent in files written before it existed
        t.unit = d.get("unit", "ns")  # absent in files written before 2026-12-02
        t.objects, t.na = d.get("objects"), d.get("na", "nat")  # absent before 2026-12-02
        t.day = ContinuousEncoder.from_dict(d["day"])
        t.time = ContinuousEncoder.from_dict(d["time"]) if d["time"] else None
        t.offsets = d.get("offsets")  # absent in files written before 2026-12-02
        t.missing_kinds = read_missing_kinds(d, t.day.has_missing)
        return t


def _numpy_datetimes(s: pd.Series) -> pd.Series:
    """A datetime64 column as numpy's datetime64 of its unit and zone: a pyarrow timestamp's
    ``dt.tz_localize(None)`` gives its UTC wall clock, not the local one numpy's gives, so the
    local dates of an aware pyarrow column were UTC dates (its local midnights then read as 24 h
    into the day before, and half a generated column of dates came at other hours)."""
    if not isinstance(s.dtype, pd.ArrowDtype):
        return s
    t = s.dtype.pyarrow_dtype
    return s.astype(pd.DatetimeTZDtype(t.unit, t.tz) if t.tz is not None else f"datetime64[{t.unit}]")


def _fits_nanoseconds(dt: pd.Series) -> bool:
    """Whether every instant of ``dt`` lies within int64 nanoseconds (1677-09-21 to 2262-04-11)."""
    try:
        dt.dt.as_unit("ns")
    except (OverflowError, ValueError):  # pandas' OutOfBoundsDatetime is a ValueError
        return False
    return True


def _object_type(s: pd.Series) -> str | None:
    """"date", "datetime", "time" or "timestamp": the Python type of an object column's dates
    (None for datetime64 and text)."""
    if s.dtype != object:
        return None
    first = s.dropna().iloc[0]
    if isinstance(first, pd.Timestamp):
        return "timestamp"
    if isinstance(first, datetime.datetime):
        return "datetime"
    if isinstance(first, datetime.time):
        return "time"
    return "date" if isinstance(first, datetime.date) else None
