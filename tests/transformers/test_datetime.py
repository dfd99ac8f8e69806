import json

import numpy as np
import pandas as pd
import pytest

from tabgan.errors import ColumnError
from tabgan.schema import infer_column
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
    # Before 2026-12-02 quarter hours came back at any minute (10:07).
    assert t.time.step == 15 and (out.dt.minute % 15 == 0).all()
    assert out.between(s.min() - pd.Timedelta(days=1), s.max() + pd.Timedelta(days=1)).all()


def test_dates_a_week_apart_come_back_on_the_same_weekday():
    # Before 2026-12-02 weekly dates (every Monday) came back on any day of the week.
    rng = np.random.default_rng(0)
    s = pd.Series(pd.to_datetime("2021-01-04") + pd.to_timedelta(7 * rng.integers(0, 150, 600), unit="D"), name="week")
    t = DatetimeTransformer().fit(s, np.random.default_rng(0))
    m = t.transform(s)
    m[:, 0] += rng.normal(0, 0.05, len(m)).astype(np.float32)
    out = t.inverse_transform(m, np.random.default_rng(0))
    assert t.day.step == 7 and (out.dt.dayofweek == 0).all()
    assert out.nunique() > 50


@pytest.mark.parametrize("tz, day", [
    ("America/New_York", "2021-11-07"),  # falls back at 02:00 EDT: 01:00-02:00 comes twice
    ("America/New_York", "2021-03-14"),  # springs forward at 02:00: 02:00-03:00 never comes
    ("America/Havana", "2013-03-10"),  # springs forward at midnight: the day starts at 01:00
    ("America/Havana", "2012-11-04"),  # falls back at 01:00 CDT to midnight: midnight comes twice
])
def test_every_instant_of_a_day_the_clocks_change_comes_back(tz, day):
    # Every 10 minutes of the day in absolute time, both passes of a repeated hour included: a
    # wall-clock code gave the two passes one value and brought the first back an hour late.
    start = pd.Timestamp(day).tz_localize(tz, ambiguous=True, nonexistent="shift_forward")
    s = pd.Series(pd.date_range(start, periods=6 * 26, freq="10min"), name="t")
    s[7] = pd.NaT
    _, back = round_trip(s)
    pd.testing.assert_series_equal(back, s)


def test_time_of_day_is_local_wall_clock_on_ordinary_days():
    # Flights leaving at 08:00 local time make one time-of-day mode in summer and in winter.
    s = pd.Series(pd.to_datetime(["2021-01-15 08:00", "2021-07-15 08:00", "2021-11-08 08:00"]),
                  name="t").dt.tz_localize("America/New_York")
    t = DatetimeTransformer().fit(s, np.random.default_rng(0))
    day, tod, missing = t._day_tod(s)
    assert t.grain == "h" and not missing.any()
    assert (tod == 8 * 3600 * 10**9).all()
    assert day.tolist() == [(pd.Timestamp(d) - pd.Timestamp("1970-01-01")).days
                            for d in ("2021-01-15", "2021-07-15", "2021-11-08")]


@pytest.mark.parametrize("start, tz", [
    ("2024-03-01 23:55:00", None),  # a 10-minute window round midnight
    ("2021-11-07 00:58:00", "America/New_York"),  # round the repeated hour of a fall-back
])
def test_a_column_within_one_day_is_one_number_and_stays_in_its_window(start, tz):
    """Regression: split into day and time of day, a window crossing midnight was two clusters of
    times far apart (23:55-00:00 and 00:00-00:05) whose pairing with the day the generator had
    to learn; sampled from a model, 75% of its values fell outside the window."""
    first = pd.Timestamp(start) if tz is None else pd.Timestamp(start).tz_localize(tz, ambiguous=True)
    rng = np.random.default_rng(0)
    s = pd.Series(first + pd.to_timedelta(np.sort(rng.integers(0, 600, 400)), unit="s"), name="t")
    s[3] = pd.NaT
    t, back = round_trip(s)
    assert t.origin is not None and t.time is None and t.grain == "s"
    pd.testing.assert_series_equal(back, s)
    m = t.transform(s)
    m[:, 0] = rng.uniform(-1, 1, len(m)).astype(np.float32)  # any value a generator emits
    out = t.inverse_transform(m, np.random.default_rng(0)).dropna()
    assert out.between(s.min(), s.max()).all()
    restored = DatetimeTransformer.from_dict(json.loads(json.dumps(t.to_dict())))
    pd.testing.assert_series_equal(restored.inverse_transform(t.transform(s), np.random.default_rng(0)), s)


def test_a_column_over_more_than_a_day_keeps_day_and_time_of_day():
    s = pd.Series(pd.date_range("2024-03-01 20:00", periods=30, freq="1h"), name="t")
    t, back = round_trip(s)
    assert t.origin is None and t.time is not None
    pd.testing.assert_series_equal(back, s)


def _iso(values: pd.DatetimeIndex, colon: bool) -> pd.Series:
    text = pd.Series(values.strftime("%Y-%m-%dT%H:%M:%S%z"), name="t").astype(object)
    return text.str.replace(r"(\d\d)(\d\d)$", r"\1:\2", regex=True) if colon else text


@pytest.mark.parametrize("zone, colon", [("Europe/Berlin", True), ("America/New_York", False),
                                         ("Asia/Kolkata", False), ("UTC", True)])
def test_text_dates_with_offsets_come_back_with_their_zones_offsets(zone, colon):
    # Before 2026-12-02 offsets were refused ("%z"): such a column became an id and came back
    # as random digits in the shape of dates.
    rng = np.random.default_rng(0)
    instants = pd.Timestamp("2023-01-01", tz="UTC") + pd.to_timedelta(
        np.sort(rng.integers(0, 2 * 365 * 86_400, 600)), unit="s")
    s = _iso(pd.DatetimeIndex(instants).tz_convert(zone), colon)
    s[7] = np.nan
    fmt = "%Y-%m-%dT%H:%M:%S%:z" if colon else "%Y-%m-%dT%H:%M:%S%z"
    t, back = round_trip(s, fmt)
    assert t.tz == zone
    pd.testing.assert_series_equal(back, s)
    # Generated instants are written with the offset their zone has at that instant.
    out = t.inverse_transform(t.transform(s.sample(frac=1, random_state=0).reset_index(drop=True)),
                              np.random.default_rng(1)).dropna()
    again = pd.to_datetime(out, format="%Y-%m-%dT%H:%M:%S%z", utc=True).dt.tz_convert(zone)
    assert (_iso(pd.DatetimeIndex(again), colon).to_numpy() == out.to_numpy()).all()


def test_offsets_of_several_zones_are_a_category_beside_the_wall_clock_time():
    # Before 2026-12-02 this column was refused as a date (no one zone has these offsets).
    rng = np.random.default_rng(0)
    local = pd.Timestamp("2023-01-01") + pd.to_timedelta(rng.integers(0, 365 * 86_400, 500), unit="s")
    offsets = rng.choice(["+02:00", "-05:00", "+05:30"], 500, p=[0.6, 0.3, 0.1])
    s = pd.Series(pd.DatetimeIndex(local).strftime("%Y-%m-%dT%H:%M:%S") + offsets, name="t").astype(object)
    s[5] = np.nan
    fmt = "%Y-%m-%dT%H:%M:%S%:z"
    t, back = round_trip(s, fmt)
    assert t.offsets == ["+02:00", "+05:30", "-05:00"] and t.tz is None
    assert t.spans[-1].labels == ("+02:00", "+05:30", "-05:00") and t.spans[-1].role == "category"
    pd.testing.assert_series_equal(back, s)
    again = DatetimeTransformer.from_dict(json.loads(json.dumps(t.to_dict())))
    pd.testing.assert_series_equal(again.inverse_transform(t.transform(s), np.random.default_rng(0)), s)
    with pytest.raises(ColumnError, match=r"column 't': holds the UTC offset '\+09:00', which training did not see"):
        t.transform(pd.Series(["2023-05-01T10:00:00+09:00"], name="t"))
    # One offset that no zone has (+01:17) is the same, without a span for it.
    odd = (s.str[:-6] + "+01:17").rename("t")
    t, back = round_trip(odd, fmt)
    assert t.offsets == ["+01:17"] and len(t.spans) == len(round_trip(s.str[:-6].rename("t"),
                                                                    "%Y-%m-%dT%H:%M:%S")[0].spans)
    pd.testing.assert_series_equal(back, odd)
    # Beside texts that are no dates: before 2026-12-03 the fit failed ("the offsets of ... must
    # end the text"), "unknown" read as a date without its offset.
    texts = s.copy()
    texts[::7], texts[::11] = "unknown", "?"
    t, back = round_trip(texts, fmt)
    assert t.offsets == ["+02:00", "+05:30", "-05:00"] and sorted(t.missing_texts) == ["?", "unknown"]
    pd.testing.assert_series_equal(back, texts)


@pytest.mark.parametrize("dtype", [object, "string", "string[pyarrow]"])
@pytest.mark.parametrize("odd", ["0000-00-00", "unknown"])
def test_one_text_that_is_no_date_is_the_columns_missing_value(odd, dtype):
    # Before 2026-12-02 such a column (a MySQL export's zero dates) was an id, whose generated
    # values were no dates ("5479-44-31").
    rng = np.random.default_rng(0)
    days = pd.Series(pd.Timestamp("2000-01-01") + pd.to_timedelta(rng.integers(0, 3000, 300), unit="D"))
    s = days.dt.strftime("%Y-%m-%d").astype(object).rename("t")
    s[::10] = odd
    s = s.astype(dtype)  # a string dtype failed to fit before 2026-12-02 ("doesn't match format")
    t, back = round_trip(s, "%Y-%m-%d")
    assert t.missing_kinds == [odd] and t.day.has_missing
    pd.testing.assert_series_equal(back, s)
    assert DatetimeTransformer.from_dict(json.loads(json.dumps(t.to_dict()))).missing_kinds == [odd]
    # With missing values of its own as well, each is a kind of its own (before 2026-12-03 the
    # text was then no missing value, and the column no dates).
    with_nan = s.where(s.index % 7 != 3)
    t, back = round_trip(with_nan, "%Y-%m-%d")
    assert t.missing_kinds == [None, odd] and t.day.spans("t")[-1].labels[-2:] == ("missing", f"missing {odd!r}")
    pd.testing.assert_series_equal(back, with_nan)
    again = DatetimeTransformer.from_dict(json.loads(json.dumps(t.to_dict())))
    pd.testing.assert_series_equal(again.inverse_transform(t.transform(with_nan), np.random.default_rng(0)), with_nan)
    assert DatetimeTransformer(datetime_format="%Y-%m-%d").fit(
        with_nan.where(with_nan != odd), np.random.default_rng(0)).missing_kinds == [None]


@pytest.mark.parametrize("digits", [1, 3, 9])
def test_fractions_of_a_second_keep_their_digits(digits):
    rng = np.random.default_rng(0)
    unit = 10 ** (9 - digits)  # ns of the last digit
    start = pd.Timestamp("2024-05-01")
    # Times of day within 10,000 grains, which the float32 matrix holds exactly at any grain.
    values = start + pd.to_timedelta(rng.integers(0, 10**4, 400) * unit
                                     + rng.integers(0, 5, 400) * 86_400 * 10**9, unit="ns")
    text = pd.Series(pd.DatetimeIndex(values).strftime("%Y-%m-%d %H:%M:%S."), name="t").astype(object)
    ns = (pd.DatetimeIndex(values).microsecond * 1000 + pd.DatetimeIndex(values).nanosecond)
    s = text + pd.Series(ns.astype(str)).str.zfill(9).str[:digits].to_numpy()
    s.name = "t"
    t, back = round_trip(s, f"%Y-%m-%d %H:%M:%S.%{digits}f")
    pd.testing.assert_series_equal(back, s)
    assert back.str.len().eq(20 + digits).all()


@pytest.mark.parametrize("kind", ["date", "datetime", "aware datetime", "timestamp"])
def test_python_date_objects_come_back_as_the_same_type(kind):
    # Before 2026-12-02 an object column of dates (what pyarrow gives for a Parquet DATE column)
    # was categorical, pooled at 200 values; datetime objects came back as datetime64.
    rng = np.random.default_rng(0)
    stamps = pd.Timestamp("2021-01-01") + pd.to_timedelta(rng.integers(0, 900, 300) * 3600, unit="s")
    if kind == "date":
        values = list(stamps.normalize().date)
    elif kind == "datetime":
        values = list(stamps.to_pydatetime())
    elif kind == "aware datetime":
        values = list(stamps.tz_localize("Europe/Paris", ambiguous=False, nonexistent="shift_forward").to_pydatetime())
    else:
        values = list(stamps)
    s = pd.Series(values, name="t", dtype=object)
    s[4] = None
    t, back = round_trip(s)
    pd.testing.assert_series_equal(back, s)
    assert type(back[0]) is type(s[0]) and back[4] is None


def test_timestamp_objects_in_several_zones_are_learnt_as_utc_instants():
    # Before 2026-12-03 infer_schema called them dates and fit raised pandas' bare ValueError
    # ("Tz-aware datetime.datetime cannot be converted to datetime64 unless utc=True").
    values = [pd.Timestamp("2020-01-01 09:00", tz=zone) + pd.Timedelta(days=i)
              for zone in ("UTC", "Europe/Paris") for i in range(100)]
    s = pd.Series(values, name="seen_at", dtype=object)
    assert infer_column(s).kind == "datetime"
    t, back = round_trip(s)
    assert back.dtype == object and {str(v.tz) for v in back} == {"UTC"}
    assert (pd.to_datetime(back, utc=True) == pd.to_datetime(s, utc=True)).all()  # the same instants


def _sentinel_dates(n=400):
    """Dates of 2020-2022 with the sentinels database exports write for "none": 9999-12-31 (an
    open end) and 0001-01-01, beyond what datetime64[ns] holds, and a time of day on some."""
    rng = np.random.default_rng(0)
    days = np.datetime64("2020-01-01", "s") + rng.integers(0, 1000, n).astype("timedelta64[D]")
    days = days + rng.choice([0, 3600 * 9], n).astype("timedelta64[s]")
    days[::4] = np.datetime64("9999-12-31", "s")
    days[1::9] = np.datetime64("0001-01-01", "s")
    return days


@pytest.mark.parametrize("form", ["datetime64[s]", "datetime64[us]", "date objects", "datetime objects", "text"])
def test_sentinel_dates_beyond_nanoseconds_come_back_exactly(form):
    # Before 2026-12-02 these raised OutOfBoundsDatetime (datetime64[s], objects) or made the
    # text an id (random digits in the shape of a date: 0014-47-82).
    days = _sentinel_dates()
    if form.startswith("datetime64"):
        s = pd.Series(days.astype(form), name="t")
    elif form == "text":
        s = pd.Series([None if i % 13 == 0 else str(d).replace("T", " ") for i, d in enumerate(days)],
                      name="t", dtype=object)
    else:
        objects = days.astype("datetime64[D]" if form == "date objects" else "datetime64[s]").astype(object)
        s = pd.Series(objects, name="t", dtype=object)
    fmt = "%Y-%m-%d %H:%M:%S" if form == "text" else None
    t, back = round_trip(s, fmt)
    assert t.unit == "us"
    pd.testing.assert_series_equal(back, s)
    restored = DatetimeTransformer.from_dict(json.loads(json.dumps(t.to_dict())))
    pd.testing.assert_series_equal(restored.inverse_transform(t.transform(s), np.random.default_rng(0)), s)


def test_dates_within_nanoseconds_are_still_counted_in_nanoseconds():
    s = pd.Series(pd.date_range("2020-01-01", periods=50, freq="37ns"), name="t")
    t, back = round_trip(s)
    assert t.unit == "ns" and t.grain == "ns"
    pd.testing.assert_series_equal(back, s)


@pytest.mark.parametrize("fmt", ["%H:%M", "%H:%M:%S", "%I:%M %p", "%H:%M:%S.%3f"])
def test_times_of_day_as_text_come_back_as_times_of_day(fmt):
    # Before 2026-12-02 "05:59" text was an id column, regenerated as random digits ("79:70").
    from tabgan.schema import infer_schema

    rng = np.random.default_rng(0)
    instants = pd.Timestamp("1900-01-01") + pd.to_timedelta(rng.integers(0, 86_400_000, 400), unit="ms")
    text = pd.Series(instants.strftime(fmt.replace("%3f", "%f")), name="at")
    if "%3f" in fmt:
        text = text.str[:-3]
    text[5] = None
    (spec,) = infer_schema(text.to_frame()).columns
    assert (spec.kind, spec.datetime_format) == ("datetime", fmt)
    t, back = round_trip(text, fmt)
    if "%3f" in fmt:  # a float32 value holds a day's 86,400,000 milliseconds to within one
        off = pd.to_datetime(back, format="%H:%M:%S.%f") - pd.to_datetime(text, format="%H:%M:%S.%f")
        assert back.dropna().str.fullmatch(r"\d\d:\d\d:\d\d\.\d{3}").all()
        assert off.abs().max() <= pd.Timedelta(1, "ms") and back.isna().sum() == 1
    else:
        pd.testing.assert_series_equal(back, text)
    fresh = t.inverse_compact(np.column_stack([rng.uniform(-1, 1, 300), rng.integers(0, 10, 300)]),
                              np.random.default_rng(1))
    parsed = pd.to_datetime(fresh.dropna(), format=fmt.replace("%3f", "%f"))
    assert (parsed.dt.date == pd.Timestamp("1900-01-01").date()).all()


def test_time_objects_come_back_as_time_objects():
    import datetime

    from tabgan.schema import infer_schema

    rng = np.random.default_rng(0)
    s = pd.Series([datetime.time(int(h), int(m), int(x)) for h, m, x in
                   zip(rng.integers(0, 24, 300), rng.integers(0, 60, 300), rng.integers(0, 60, 300))],
                  name="at", dtype=object)
    s[3] = None
    assert infer_schema(s.to_frame()).columns[0].kind == "datetime"  # it was a category
    t, back = round_trip(s)
    pd.testing.assert_series_equal(back, s)
    again = DatetimeTransformer.from_dict(json.loads(json.dumps(t.to_dict())))
    assert again.objects == "time"
    aware = pd.Series([datetime.time(1, 2, tzinfo=datetime.timezone.utc)] * 30, name="tz")
    with pytest.raises(Exception, match="column 'tz': holds times of day with a time zone"):
        DatetimeTransformer().fit(aware, np.random.default_rng(0))


def test_instants_in_another_zone_than_fitted_are_encoded_as_the_same_instants():
    # Before 2026-12-04 transform read the local dates and times of day in the given zone, so the
    # same instants in UTC encoded as other days and times than in the fitted Europe/Paris (a
    # warm start on such a table trained on instants shifted by an hour or two).
    s = pd.Series(pd.date_range("2021-03-01", periods=400, freq="7h", tz="Europe/Paris"), name="t")
    s[::9] = pd.NaT
    t = DatetimeTransformer().fit(s, np.random.default_rng(0))
    np.testing.assert_array_equal(t.transform(s.dt.tz_convert("UTC")), t.transform(s))
    objects = s.dt.tz_convert("America/New_York").astype(object)
    np.testing.assert_array_equal(t.transform(objects), t.transform(s))


@pytest.mark.parametrize("freq", ["D", "M", "Y"])
def test_sentinel_periods_beyond_nanoseconds_come_back_exactly(freq):
    # Before 2026-12-04 a period past 2262 (a 9999-12-31 sentinel as a Period) raised pandas'
    # OutOfBoundsDatetime with a traceback from fit: its first instant was taken in nanoseconds.
    days = _sentinel_dates()
    s = pd.Series(pd.Series(days.astype("datetime64[us]")).dt.to_period(freq), name="p")
    s[::11] = pd.NaT
    t, back = round_trip(s)
    assert t.unit == "us"
    pd.testing.assert_series_equal(back, s)
    generated = t.inverse_transform(np.random.default_rng(1).uniform(-1, 1, (500, t.width)), np.random.default_rng(0))
    assert generated.dtype == s.dtype and generated.dropna().between(s.min(), s.max()).all()


def test_pyarrow_aware_dates_are_learnt_as_their_local_dates():
    # read_parquet(dtype_backend="pyarrow") of a Parquet timestamp with a zone. Before 2026-12-04
    # a pyarrow timestamp's tz_localize(None) gave its UTC wall clock, so the local dates were
    # UTC dates: Paris midnights read as 24 h into the day before, and 2,524 of 5,000 dates
    # generated from a column of midnights came at other hours.
    import pyarrow as pa

    rng = np.random.default_rng(0)
    days = pd.Series(pd.Timestamp("2020-01-01") + pd.to_timedelta(rng.integers(0, 1500, 300), unit="D"), name="d")
    local = days.dt.tz_localize("Europe/Paris")
    s = local.astype(pd.ArrowDtype(pa.timestamp("us", tz="Europe/Paris")))
    t, back = round_trip(s)
    assert t.grain is None and t.time is None  # whole local days, as for numpy's own dtype
    pd.testing.assert_series_equal(back, s)
    np.testing.assert_array_equal(t.transform(s), t.transform(local))
    generated = t.inverse_transform(rng.uniform(-1, 1, (2000, t.width)), np.random.default_rng(0))
    assert generated.dtype == s.dtype
    assert (generated.dropna().astype("datetime64[us, Europe/Paris]").dt.hour == 0).all()
