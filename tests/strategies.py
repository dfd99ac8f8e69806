"""Hypothesis strategies and comparison helpers shared by the transformer tests."""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import strategies as st

KINDS = ("float", "int", "nullable_int", "text", "category", "bool", "nullable_bool", "datetime",
         "datetime_tz", "date_text", "constant")


@st.composite
def column(draw: st.DrawFn, kind: str, n: int) -> pd.Series:
    missing = draw(st.lists(st.booleans(), min_size=n, max_size=n)) if draw(st.booleans()) else [False] * n
    if kind == "float":
        finite = st.floats(allow_nan=False, allow_infinity=False, min_value=-1e300, max_value=1e300)
        special = st.sampled_from([0.0, -0.0, 1e-300, 1.5, np.inf, -np.inf])
        values = draw(st.lists(finite | special, min_size=n, max_size=n))
        x = np.asarray(values, dtype=np.float64)
        x[np.asarray(missing, dtype=bool)] = np.nan
        if np.isnan(x).all():
            x[0] = 1.0
        return pd.Series(x)
    if kind in ("int", "nullable_int", "constant"):
        if kind == "constant":
            return pd.Series([draw(st.integers(-5, 5))] * n)
        ints = draw(st.lists(st.integers(-(2**40), 2**40) | st.integers(0, 3), min_size=n, max_size=n))
        if kind == "int":
            return pd.Series(np.asarray(ints, dtype=np.int64))
        vals = [None if m else v for v, m in zip(ints, missing)]
        if all(v is None for v in vals):
            vals[0] = 7
        return pd.Series(vals, dtype="Int64")
    if kind in ("text", "category"):
        # No NUL: pandas counts text only up to it, so fit refuses it (see test_schema).
        text = st.text(st.characters(blacklist_characters="\x00"), max_size=6)
        pool = draw(st.lists(text, min_size=1, max_size=4, unique=True))
        vals = [None if m else draw(st.sampled_from(pool)) for m in missing]
        if all(v is None for v in vals):
            vals[0] = pool[0]
        s = pd.Series(vals, dtype=object)
        if kind == "category":
            return s.astype(pd.CategoricalDtype(pool + ["never-seen"]))
        return s
    if kind in ("bool", "nullable_bool"):
        vals = draw(st.lists(st.booleans(), min_size=n, max_size=n))
        if kind == "bool":
            return pd.Series(vals, dtype=bool)
        vals = [None if m else v for v, m in zip(vals, missing)]
        if all(v is None for v in vals):
            vals[0] = True
        return pd.Series(vals, dtype="boolean")
    seconds = draw(st.lists(st.integers(-2 * 10**9, 4 * 10**9), min_size=n, max_size=n))
    dt = pd.Series(pd.to_datetime(np.asarray(seconds, dtype=np.int64), unit="s"))
    if kind == "date_text":
        return dt.dt.strftime("%Y-%m-%d %H:%M:%S").astype(object)
    if kind == "datetime_tz":
        dt = dt.dt.tz_localize("UTC").dt.tz_convert("America/New_York")
    mask = np.asarray(missing, dtype=bool)
    if mask.all():
        mask[0] = False
    return dt.where(~mask)


@st.composite
def frames(draw: st.DrawFn, max_rows: int = 25, max_cols: int = 6) -> pd.DataFrame:
    n = draw(st.integers(1, max_rows))
    kinds = draw(st.lists(st.sampled_from(KINDS), min_size=1, max_size=max_cols))
    data = {f"{k}_{i}": draw(column(k, n)).reset_index(drop=True) for i, k in enumerate(kinds)}
    return pd.DataFrame(data)


def numeric_tolerance(s: pd.Series) -> float:
    """The documented round-trip tolerance of a numerical column: 1e-5 of its largest finite
    magnitude."""
    x = s.to_numpy(dtype=np.float64, na_value=np.nan)
    x = x[np.isfinite(x)]
    return 1e-5 * float(max(np.abs(x).max(), x.max() - x.min(), 1e-300)) if x.size else 0.0


def assert_round_trip(df: pd.DataFrame, back: pd.DataFrame, kinds: dict[str, str]) -> None:
    """Exact for every kind but numbers (tolerance, but infinities exact) and ids (fresh unique
    values)."""
    assert list(back.columns) == list(df.columns)
    assert len(back) == len(df)
    for name in df.columns:
        a, b = df[name].reset_index(drop=True), back[name]
        assert a.dtype == b.dtype, (name, a.dtype, b.dtype)
        if kinds[name] == "numerical":
            assert (a.isna().to_numpy() == b.isna().to_numpy()).all(), name
            x = a.to_numpy(dtype=np.float64, na_value=np.nan)
            y = b.to_numpy(dtype=np.float64, na_value=np.nan)
            assert (np.isposinf(x) == np.isposinf(y)).all() and (np.isneginf(x) == np.isneginf(y)).all(), name
            ok = np.isfinite(x)
            assert np.all(np.abs(x[ok] - y[ok]) <= numeric_tolerance(a)), name
        elif kinds[name] == "id":
            assert b.dropna().is_unique, name
        else:
            pd.testing.assert_series_equal(a, b, check_names=False)
