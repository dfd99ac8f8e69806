import numpy as np
import pandas as pd
import pytest

from tabgan.errors import ColumnError
from tabgan.transformers import BooleanTransformer, CategoricalTransformer


def round_trip(t, s):
    t.fit(s, np.random.default_rng(0))
    return t.inverse_transform(t.transform(s), np.random.default_rng(0))


def test_values_keep_their_type_and_missing_marker():
    for s in (pd.Series(["a", "", None, "é"] * 5, dtype=object, name="c"),
              pd.Series([1, 2, np.nan, 2] * 5, dtype=object, name="c"),
              pd.Series(["u", None] * 5, dtype="string", name="c"),
              pd.Series([3, 1, 2] * 5, dtype="int64", name="c")):
        pd.testing.assert_series_equal(round_trip(CategoricalTransformer(), s), s)


def test_pandas_categories_keep_their_whole_list_and_order():
    s = pd.Series(pd.Categorical(["lo", "hi", None] * 4, categories=["lo", "mid", "hi"], ordered=True), name="c")
    pd.testing.assert_series_equal(round_trip(CategoricalTransformer(), s), s)


def test_unused_pandas_categories_get_no_slot_but_stay_in_the_dtype():
    """Regression: value_counts lists a category dtype's unused categories (count 0), so each got
    a slot that no row fills, and a condition on one was accepted and met by rows of a value
    the table never held."""
    s = pd.Series(pd.Categorical(["a", "b", "a"] * 4, categories=["a", "b", "c", "d"]), name="c")
    t = CategoricalTransformer().fit(s, np.random.default_rng(0))
    assert t.categories == ["a", "b"] and t.n_slots == 2
    out = t.inverse_transform(t.transform(s), np.random.default_rng(0))
    assert list(out.cat.categories) == ["a", "b", "c", "d"]
    with pytest.raises(ColumnError):
        t.slot_of("c")


def test_booleans_in_each_dtype():
    for s in (pd.Series([True, False] * 4, name="b"), pd.Series([True, None, False] * 4, dtype="boolean", name="b"),
              pd.Series([True, None, False] * 4, dtype=object, name="b")):
        pd.testing.assert_series_equal(round_trip(BooleanTransformer(), s), s)


def test_high_cardinality_is_capped_and_rare_values_come_back_by_frequency():
    rng = np.random.default_rng(0)
    n = 200_000
    common = rng.choice(["a", "b", "c"], n // 2)
    rare = np.char.add("v", rng.integers(0, 100_000, n // 2).astype(str))
    s = pd.Series(np.concatenate([common, rare]), name="c")
    t = CategoricalTransformer(max_categories=50).fit(s, rng)
    assert t.n_slots == 50 and t.spans[0].width == 50
    m = t.transform(s)
    assert m.nbytes == n * 50 * 4  # never n x 100,000
    back = t.inverse_transform(m, rng)
    assert back.isin(["a", "b", "c"]).mean() == s.isin(["a", "b", "c"]).mean()
    pooled = back[~back.isin(t.categories)]
    assert pooled.isin(t.pool).all() and pooled.nunique() > 1000


def test_missing_slot_is_the_last_slot_and_conditional():
    t = CategoricalTransformer().fit(pd.Series(["x", None, "y", "x"], name="c"), np.random.default_rng(0))
    span = t.spans[0]
    assert span.conditional and span.labels == ("x", "y", "missing")
    assert t.slot_of(None) == 2 and t.slot_of("y") == 1


def test_categories_of_any_python_type_survive_the_model_file():
    # Before 2026-12-02 a category that JSON has no type for (a date, a Decimal, a pandas Interval
    # from pd.cut, a Timestamp) made model.save raise a bare TypeError.
    import datetime
    import decimal
    import json

    from tabgan.errors import ColumnError
    from tabgan.transformers.base import transformer_from_dict

    values = [datetime.date(2020, 1, 2), decimal.Decimal("1.50"), pd.Interval(0.5, 1.5, "right"),
              pd.Timestamp("2021-10-31 02:30").tz_localize("Europe/Paris", ambiguous=False),
              datetime.time(12, 30), pd.Timedelta("2h"), ("a", 1), datetime.datetime(2020, 5, 1, 8)]
    s = pd.Series(values * 10, name="c", dtype=object)
    t = CategoricalTransformer().fit(s, np.random.default_rng(0))
    back = transformer_from_dict(json.loads(json.dumps(t.to_dict(), allow_nan=False)))
    assert back.categories == t.categories
    assert [type(v) for v in back.categories] == [type(v) for v in t.categories]
    cut = pd.Series(pd.cut(np.arange(50.0), 4), name="band")
    t = CategoricalTransformer().fit(cut, np.random.default_rng(0))
    back = transformer_from_dict(json.loads(json.dumps(t.to_dict(), allow_nan=False)))
    out = back.inverse_transform(t.transform(cut), np.random.default_rng(0))
    pd.testing.assert_series_equal(out, cut)
    odd = pd.Series([frozenset({1}), frozenset({2})] * 10, name="odd", dtype=object)
    with pytest.raises(ColumnError, match="'odd'.*frozenset"):
        CategoricalTransformer().fit(odd, np.random.default_rng(0)).to_dict()


def test_interval_categories_are_looked_up_without_a_pandas_warning():
    # Before 2026-12-02 every look-up of pd.cut's intervals printed pandas' FutureWarning
    # "Dtype inference on a pandas object ... is deprecated".
    import warnings

    s = pd.Series(pd.cut(np.random.default_rng(0).normal(size=200), 4), name="band")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        t = CategoricalTransformer().fit(s, np.random.default_rng(0))
        slots = t.slots(s)
    assert (t.inverse_transform(t.transform(s), np.random.default_rng(0)).astype(object)
            == s.astype(object)).all()
    assert slots.min() >= 0


def test_period_objects_are_counted_without_a_pandas_warning_in_their_order():
    # Before 2026-12-04 fitting a column of Period objects printed pandas' FutureWarning "The
    # behavior of value_counts with object-dtype is deprecated" (a table's fit silenced it for
    # the whole process).
    import warnings

    p = [pd.Period("2020-01", "M"), pd.Period("2020-02", "M"), pd.Period("2020-03", "M")]
    s = pd.Series([p[2], p[0], p[1], None, p[0], p[1], p[2], p[1]], dtype=object, name="month")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        t = CategoricalTransformer().fit(s, np.random.default_rng(0))
    assert t.categories == [p[1], p[2], p[0]] and t.has_missing  # by count, ties as they came
    assert round_trip(CategoricalTransformer(), s).tolist() == s.tolist()
    words = pd.Series(list("bcabzcaa") + [None], name="w")
    assert CategoricalTransformer().fit(words, np.random.default_rng(0)).categories == list("abcz")


@pytest.mark.parametrize("categories", [
    pd.Index([1, 2, 3], dtype="int8"), pd.Index(list("abc"), dtype="string"),
    pd.DatetimeIndex(np.array(["2020-01-01", "2021-01-01"], dtype="datetime64[s]")),
    pd.DatetimeIndex(["2020-01-01", "2021-01-01"]).tz_localize("Europe/Paris").as_unit("ms"),
    pd.Index([0.1, 1.5], dtype="float32"), pd.TimedeltaIndex(np.array([5, 3600], dtype="timedelta64[s]")),
    pd.Index([1, 2], dtype="uint16"), pd.Index([1, 2], dtype=object),
], ids=lambda c: str(c.dtype))
def test_pandas_categories_keep_their_dtype_through_the_model_file(categories):
    # Before 2026-12-04 a category column came back with categories of the dtype pandas inferred
    # from their values (int8 as int64, string as object, datetime64[s] as datetime64[ns], float32
    # as float64): not the input's dtype, and pd.concat of real and synthetic rows gave objects.
    import json

    from tabgan.transformers.base import transformer_from_dict

    codes = np.random.default_rng(0).integers(-1, len(categories), 40)  # -1: missing
    for ordered in (False, True):
        s = pd.Series(pd.Categorical.from_codes(codes, dtype=pd.CategoricalDtype(categories, ordered)), name="c")
        t = CategoricalTransformer().fit(s, np.random.default_rng(0))
        state = json.loads(json.dumps(t.to_dict(), allow_nan=False))
        back = transformer_from_dict(state)
        out = back.inverse_transform(t.transform(s), np.random.default_rng(0))
        pd.testing.assert_series_equal(out, s)
        assert pd.concat([s, out]).dtype == s.dtype
        empty = back.inverse_transform(np.zeros((0, t.width), np.float32), np.random.default_rng(0))
        assert empty.dtype == s.dtype
    del state["categories_dtype"]  # a file from before 2026-12-04: categories of the dtype pandas infers
    old = transformer_from_dict(state).inverse_transform(t.transform(s), np.random.default_rng(0))
    assert (old.astype(object).fillna("NA") == s.astype(object).fillna("NA")).all()


FAR = np.array(["2020-01-01", "9999-12-31", "0001-01-01"], dtype="datetime64[s]")


@pytest.mark.parametrize("values", [
    pd.Series(FAR).astype("category"), pd.Series(pd.DatetimeIndex(FAR).tz_localize("UTC")).astype("category"),
    pd.Series(np.array([5, 10**12], dtype="timedelta64[s]")).astype("category"),
    pd.Series([pd.Timedelta(np.timedelta64(10**12, "s")), pd.Timedelta("2h"), None], dtype=object),
    pd.Series([pd.Period("2020-01", "M"), pd.Period("2021-06", "M"), None], dtype=object),
    pd.Series(pd.period_range("2020Q1", periods=3, freq="Q")).astype("category"),
    pd.Series([b"ab", b"\xff\x00", b"", None], dtype=object),
], ids=["far-dates", "far-utc", "long-durations", "long-timedeltas", "periods", "period-category", "bytes"])
def test_far_dates_long_durations_periods_and_bytes_survive_the_model_file(values):
    # Before 2026-12-04 a fit on them succeeded and save failed: pandas' OutOfBoundsDatetime for
    # 9999-12-31 in seconds and OutOfBoundsTimedelta for 10**12 s (stored as nanoseconds), a
    # ColumnError for periods and bytes.
    import json

    from tabgan.transformers.base import transformer_from_dict

    s = values.iloc[np.arange(40) % len(values)].reset_index(drop=True).rename("c")
    t = CategoricalTransformer().fit(s, np.random.default_rng(0))
    back = transformer_from_dict(json.loads(json.dumps(t.to_dict(), allow_nan=False)))
    for mine, theirs in ((back.categories, t.categories), (back.dtype_categories, t.dtype_categories)):
        assert mine == theirs and [getattr(v, "unit", None) for v in mine or []] == \
            [getattr(v, "unit", None) for v in theirs or []]
    pd.testing.assert_series_equal(back.inverse_transform(t.transform(s), np.random.default_rng(0)), s)


def test_timestamps_and_durations_of_files_from_before_their_units_load():
    from tabgan.transformers.base import from_json_values

    old = [{"$type": "timestamp", "ns": 1_577_836_800_000_000_001, "tz": "Europe/Paris"},
           {"$type": "timedelta", "ns": 7_200_000_000_000}]
    assert from_json_values(old) == [pd.Timestamp("2020-01-01 00:00:00.000000001", tz="UTC").tz_convert("Europe/Paris"),
                                     pd.Timedelta("2h")]
