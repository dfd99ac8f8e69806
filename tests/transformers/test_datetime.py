import numpy as np
import pandas as pd
import pytest

from tabgan.transformers import DatetimeTransformer


def round_trip(s, fmt=None):
    t = DatetimeTransformer(datetime_format=fmt).fit(s, np.random.default_rng(0))
    return t, t.inverse_transform(t.transform(s), np.random.default_rng(0))


@pytest.mark.parametrize("unit, grain", [("D", None), ("h", "h"), ("min", "min"), ("s", "s")])
def test_grain_is_detected_and_round_trip_is_exact(unit, grain):
    rng = np.random.default_rng(0)
    s = pd.Series(pd.to_datetime("1990-01-01") + pd.to_timedelta(rng.integers(0, 30_000, 500), unit=unit), name="t")
    t, back = round_trip(s)
    assert t.grain == grain
    pd.testing.assert_series_equal(back, s)


def test_timezone_and_missing_values_survive():
    s = pd.Series(pd.date_range("2021-03-01", periods=400, freq="7h", tz="Europe/Paris"), name="t")
    s[::9] = pd.NaT
    _, back = round_trip(s)
    pd.testing.assert_series_equal(back, s)


def test_text_dates_come_back_in_their_exact_format():
    s = pd.Series(pd.date_range("2013-01-01", periods=300, freq="h").strftime("%Y-%m-%dT%H:%M:%SZ"), name="t")
    s = s.astype(object)
    s[5] = np.nan
    _, back = round_trip(s, "%Y-%m-%dT%H:%M:%SZ")
    pd.testing.assert_series_equal(back, s)


def test_generated_dates_stay_on_the_grain():
    s = pd.Series(pd.date_range("2020-01-01", periods=1000, freq="15min"), name="t")
    t = DatetimeTransformer().fit(s, np.random.default_rng(0))
    m = t.transform(s)
    m[:, 0] += np.random.default_rng(1).normal(0, 0.05, len(m)).astype(np.float32)
    out = t.inverse_transform(m, np.random.default_rng(0))
    assert (out.dt.second == 0).all()
    assert out.between(s.min() - pd.Timedelta(days=1), s.max() + pd.Timedelta(days=1)).all()
