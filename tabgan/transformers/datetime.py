"""Datetime columns: datetime64 (naive or with a timezone) and text dates with a known format.

NOTE[DIFF]: CTGAN refuses datetimes; SDV turns them into one float of nanoseconds, which a float32
matrix cannot hold to the second. Here a timestamp is split into the day (integer days since
1970-01-01) and, when the column has a finer grain than days, the time of day in units of that
grain (hours, minutes, seconds, ms, us or ns). Each part goes through the continuous encoder, so
time-of-day peaks (flights leave on the hour) get modes of their own, and a round trip is exact
down to the second. Wall-clock time is encoded for timezone-aware columns and the zone is restored
on output (a nonexistent wall time at a spring-forward gap moves forward).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from tabgan.transformers.base import ColumnTransformer, register
from tabgan.transformers.continuous import ContinuousEncoder
from tabgan.transformers.layout import Span

__all__ = ["DatetimeTransformer"]

_NS_PER_DAY = 86_400 * 10**9
# Grains tried from the coarsest, in nanoseconds.
_GRAINS = {"h": 3600 * 10**9, "min": 60 * 10**9, "s": 10**9, "ms": 10**6, "us": 10**3, "ns": 1}


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
        self.day = ContinuousEncoder(n_modes)
        self.time: ContinuousEncoder | None = None

    def fit(self, s: pd.Series, rng: np.random.Generator) -> DatetimeTransformer:
        self.column, self.dtype = str(s.name), str(s.dtype)
        dt = self._parse(s)
        if dt.dt.tz is not None:
            self.tz = str(dt.dt.tz)
        ns, missing = self._wall_ns(dt)
        valid = ns[~missing]
        if (valid % _NS_PER_DAY == 0).all():
            self.grain = None
        else:
            rem = valid % _NS_PER_DAY
            self.grain = next(g for g, unit in _GRAINS.items() if (rem % unit == 0).all())
        day, tod = self._split(ns, missing)
        self.day.fit(day, rng, decimals=0)
        if self.grain is not None:
            self.time = ContinuousEncoder(self.n_modes).fit(tod, rng, decimals=0)
        return self

    @property
    def spans(self) -> list[Span]:
        return self.day.spans(self.column) + (self.time.spans(self.column) if self.time else [])

    def transform(self, s: pd.Series) -> np.ndarray:
        day, tod = self._split(*self._wall_ns(self._parse(s)))
        parts = [self.day.transform(day)]
        if self.time is not None:
            parts.append(self.time.transform(tod))
        return np.concatenate(parts, axis=1)

    def inverse_compact(self, c: np.ndarray, rng: np.random.Generator) -> pd.Series:
        n_day = len(self.day.spans(self.column))
        day = self.day.inverse_compact(c[:, :n_day])
        missing = np.isnan(day)
        ns = np.where(missing, 0, day).astype(np.int64) * _NS_PER_DAY
        if self.time is not None:
            tod = self.time.inverse_compact(c[:, n_day:])
            ns += np.where(np.isnan(tod), 0, tod).astype(np.int64) * _GRAINS[self.grain]
        values = pd.Series(ns.view("datetime64[ns]"), name=self.column)
        values[missing] = pd.NaT
        if self.tz is not None:
            values = values.dt.tz_localize(self.tz, ambiguous=np.zeros(len(values), dtype=bool),
                                           nonexistent="shift_forward")
        if self.datetime_format is not None:
            text = values.dt.strftime(self.datetime_format).astype(object)
            text[missing] = np.nan
            return text.astype(self.dtype) if self.dtype != "object" else text
        return values.astype(self.dtype)

    # ---------------------------------------------------------------- helpers
    def _parse(self, s: pd.Series) -> pd.Series:
        if self.datetime_format is None:
            return s if pd.api.types.is_datetime64_any_dtype(s.dtype) else pd.to_datetime(s)
        return pd.to_datetime(s, format=self.datetime_format)

    @staticmethod
    def _wall_ns(dt: pd.Series) -> tuple[np.ndarray, np.ndarray]:
        """Wall-clock nanoseconds since the epoch (int64) and the missing mask."""
        if dt.dt.tz is not None:
            dt = dt.dt.tz_localize(None)
        missing = dt.isna().to_numpy()
        ns = dt.astype("datetime64[ns]").to_numpy().view(np.int64).copy()
        ns[missing] = 0
        return ns, missing

    def _split(self, ns: np.ndarray, missing: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Days since the epoch and time of day in grains, as float64 with NaN where missing."""
        day = np.floor_divide(ns, _NS_PER_DAY).astype(np.float64)
        unit = _GRAINS[self.grain] if self.grain else _NS_PER_DAY
        tod = (np.mod(ns, _NS_PER_DAY) // unit).astype(np.float64)
        day[missing] = np.nan
        tod[missing] = np.nan
        return day, tod

    def to_dict(self) -> dict[str, Any]:
        return {"type": self.kind_name, "column": self.column, "dtype": self.dtype,
                "datetime_format": self.datetime_format, "n_modes": self.n_modes, "tz": self.tz,
                "grain": self.grain, "day": self.day.to_dict(),
                "time": self.time.to_dict() if self.time else None}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> DatetimeTransformer:
        t = cls(d["column"], d["datetime_format"], d["n_modes"])
        t.dtype, t.tz, t.grain = d["dtype"], d["tz"], d["grain"]
        t.day = ContinuousEncoder.from_dict(d["day"])
        t.time = ContinuousEncoder.from_dict(d["time"]) if d["time"] else None
        return t
