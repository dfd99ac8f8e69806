import json
import re

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest
from hypothesis import HealthCheck, given, settings

from tabgan.errors import ColumnError, ConditionError, DataError, NotFittedError
from tabgan.transformers import TableTransformer
from tabgan.transformers.base import compact
from tabgan.transformers.layout import Span
from tests.strategies import assert_round_trip, frames


def kinds_of(t: TableTransformer) -> dict[str, str]:
    return {c.name: c.kind for c in t.schema_.columns}


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(frames())
def test_round_trip_of_any_table(df):
    original = df.copy()
    t = TableTransformer(random_state=0).fit(df)
    m = t.transform(df)
    assert m.dtype == np.float32 and m.shape == (len(df), t.layout_.width)
    assert m.shape[1] == sum(s.width for s in t.layout_.spans)
    for start, end, span in t.layout_.slices():
        block = m[:, start:end]
        if span.activation == "softmax":
            assert set(np.unique(block)) <= {0.0, 1.0}
            np.testing.assert_array_equal(block.sum(axis=1), 1.0)
        else:
            assert np.all(np.abs(block) <= 1.0)
    assert_round_trip(df, t.inverse_transform(m, random_state=0), kinds_of(t))
    # The compact form (a value or a slot per span) decodes to the same frame.
    c = compact(m, t.layout_.spans)
    assert c.shape == (len(df), len(t.layout_.spans))
    pd.testing.assert_frame_equal(t.inverse_compact(c, random_state=0), t.inverse_transform(m, random_state=0))
    pd.testing.assert_frame_equal(df, original)  # the caller's frame is never touched


@settings(max_examples=25, deadline=None)
@given(frames(max_rows=12, max_cols=4))
def test_state_is_json_and_restores_the_same_decoder(df):
    t = TableTransformer(random_state=1).fit(df)
    m = t.transform(df)
    restored = TableTransformer.from_dict(json.loads(json.dumps(t.to_dict())))
    assert restored.layout_ == t.layout_
    pd.testing.assert_frame_equal(restored.inverse_transform(m, 5), t.inverse_transform(m, 5))


STRING_DTYPES = [pd.StringDtype("python"), pd.StringDtype("pyarrow"),
                 pd.StringDtype("python", na_value=np.nan), pd.StringDtype("pyarrow", na_value=np.nan),
                 pd.ArrowDtype(pa.string())]


@pytest.mark.parametrize("dtype", STRING_DTYPES + [pd.ArrowDtype(pa.int64()), pd.ArrowDtype(pa.float64()),
                                                   pd.ArrowDtype(pa.bool_())], ids=repr)
def test_string_and_pyarrow_dtypes_come_back_exactly(dtype):
    """Regression: str() of a string dtype forgets its storage and missing marker, so
    string[pyarrow] came back as string[python], pandas 3's "str" as object, and pyarrow's own
    string type as StringDtype."""
    rng = np.random.default_rng(0)
    kind = getattr(dtype, "pyarrow_dtype", None)
    if kind is None or pa.types.is_string(kind):
        values = rng.choice(["p", "q", "r", None], 200).tolist()
    elif pa.types.is_boolean(kind):
        values = rng.choice([True, False, None], 200).tolist()
    else:
        values = [None if rng.random() < 0.1 else int(v) for v in rng.integers(0, 90, 200)]
    df = pd.DataFrame({"c": pd.Series(values, dtype=dtype), "x": rng.normal(size=200)})
    t = TableTransformer(random_state=0).fit(df)
    back = t.inverse_transform(t.transform(df), random_state=0)
    pd.testing.assert_frame_equal(back, df)
    restored = TableTransformer.from_dict(json.loads(json.dumps(t.to_dict())))
    assert restored.inverse_transform(t.transform(df), random_state=0)["c"].dtype == dtype


def test_pyarrow_dates_times_decimals_and_durations_are_learnt_and_come_back_in_their_types():
    # read_parquet(dtype_backend="pyarrow") of Parquet DATE, TIME, DECIMAL and DURATION columns.
    # Before 2026-12-03 dates failed to fit (pandas' "as_unit not implemented for date types"), a
    # model of decimals fitted but never sampled (no dtype of the name "decimal128(5, 2)"), and
    # times and durations were refused.
    import datetime
    import decimal

    rng = np.random.default_rng(0)
    n = 300
    columns = {
        "day": ([datetime.date(2020, 1, 1) + datetime.timedelta(days=int(d)) for d in rng.integers(0, 500, n)],
                pa.date32()),
        "price": ([decimal.Decimal(f"{v:.2f}") for v in rng.uniform(0, 999, n)], pa.decimal128(5, 2)),
        "tod": ([datetime.time(int(h), int(m)) for h, m in rng.integers(0, [24, 60], (n, 2))], pa.time64("us")),
        "wait": ([datetime.timedelta(seconds=int(s)) for s in rng.integers(0, 3600, n)], pa.duration("ns")),
    }
    df = pd.DataFrame({c: pd.Series(v, dtype=pd.ArrowDtype(t)) for c, (v, t) in columns.items()})
    df.loc[::10, "day"] = None
    t = TableTransformer(random_state=0).fit(df)
    assert kinds_of(t) == {"day": "datetime", "price": "numerical", "tod": "datetime", "wait": "numerical"}
    assert [c.dtype for c in t.schema_.columns] == [str(d) for d in df.dtypes]
    back = t.inverse_transform(t.transform(df), random_state=0)
    pd.testing.assert_frame_equal(back, df)
    restored = TableTransformer.from_dict(json.loads(json.dumps(t.to_dict())))
    generated = compact(np.random.default_rng(1).uniform(-1, 1, (500, t.layout_.width)).astype(np.float32), t.layout_.spans)
    out = restored.inverse_compact(generated, random_state=0)
    assert out.dtypes.to_dict() == df.dtypes.to_dict()


@pytest.mark.parametrize("ordered", [False, True])
def test_pyarrow_categories_come_back_exactly(ordered):
    """Regression (2026-12-02): read_parquet(dtype_backend="pyarrow") gives category columns as
    pyarrow dictionaries, which were refused as an unsupported dtype."""
    rng = np.random.default_rng(0)
    dtype = pd.ArrowDtype(pa.dictionary(pa.int8(), pa.string(), ordered=ordered))
    df = pd.DataFrame({"c": pd.Series(rng.choice(["u", "v", "w", None], 200).tolist(), dtype=dtype),
                       "x": rng.normal(size=200)})
    t = TableTransformer(random_state=0).fit(df)
    assert t.schema_["c"].kind == "categorical"
    back = t.inverse_transform(t.transform(df), random_state=0)
    pd.testing.assert_frame_equal(back, df)
    restored = TableTransformer.from_dict(json.loads(json.dumps(t.to_dict())))
    assert restored.inverse_transform(t.transform(df), random_state=0)["c"].dtype == dtype


@pytest.mark.parametrize("freq", ["M", "Q", "W", "D", "h"])
def test_periods_come_back_as_the_periods_they_were(freq):
    """Regression (2026-12-02): a Period column (``Series.dt.to_period``) was refused."""
    rng = np.random.default_rng(0)
    periods = pd.period_range("2020-01-01", periods=40, freq=freq)
    s = pd.Series(periods[rng.integers(0, 40, 300)], name="p")
    s[rng.random(300) < 0.1] = pd.NaT
    df = pd.DataFrame({"p": s, "x": rng.normal(size=300)})
    t = TableTransformer(random_state=0).fit(df)
    assert t.schema_["p"].kind == "datetime"
    back = t.inverse_transform(t.transform(df), random_state=0)
    pd.testing.assert_frame_equal(back, df)
    restored = TableTransformer.from_dict(json.loads(json.dumps(t.to_dict())))
    pd.testing.assert_frame_equal(restored.inverse_transform(t.transform(df), random_state=0), df)


def test_soft_outputs_decode_like_hard_ones():
    df = pd.DataFrame({"x": np.linspace(0, 10, 200), "c": ["a", "b", "c", "d"] * 50})
    t = TableTransformer(random_state=0).fit(df)
    m = t.transform(df)
    rng = np.random.default_rng(0)
    soft = m.copy()
    for start, end, span in t.layout_.slices():
        if span.activation == "softmax":
            noise = rng.random((len(df), end - start)) * 0.3
            soft[:, start:end] = (m[:, start:end] * 0.6 + noise) / (0.6 + noise.sum(1, keepdims=True))
    pd.testing.assert_frame_equal(t.inverse_transform(soft, 0), t.inverse_transform(m, 0))


def test_generated_values_beyond_tanh_range_are_clipped_into_the_observed_range():
    df = pd.DataFrame({"x": np.random.default_rng(0).normal(50, 5, 500).round(2)})
    t = TableTransformer(random_state=0).fit(df)
    m = t.transform(df)
    m[:, 0] = 7.0  # a raw generator output far outside [-1, 1]
    out = t.inverse_transform(m)["x"]
    assert out.between(df["x"].min(), df["x"].max()).all()


def test_inverse_of_a_matrix_of_the_wrong_width_names_the_expected_width():
    df = pd.DataFrame({"x": [1.0, 2.0, 3.0], "c": ["a", "b", "a"]})
    t = TableTransformer().fit(df)
    with pytest.raises(DataError, match=rf"expected \(n, {t.layout_.width}\)"):
        t.inverse_transform(np.zeros((2, t.layout_.width + 1)))
    with pytest.raises(DataError):
        t.inverse_transform(np.zeros(t.layout_.width))


def test_transform_names_a_missing_column_and_an_unseen_category():
    df = pd.DataFrame({"x": [1.0, 2.0, 3.0], "c": ["a", "b", "a"]})
    t = TableTransformer().fit(df)
    with pytest.raises(ColumnError, match="'c'"):
        t.transform(df[["x"]])
    with pytest.raises(ColumnError, match="'c'.*'z'"):
        t.transform(pd.DataFrame({"x": [1.0], "c": ["z"]}))


def test_use_before_fit_raises_not_fitted():
    with pytest.raises(NotFittedError):
        TableTransformer().transform(pd.DataFrame({"x": [1.0]}))


@pytest.mark.parametrize("param, value", [("max_categories", 1), ("n_modes", 0), ("gmm_sample_cap", "x")])
def test_bad_parameters_are_named(param, value):
    with pytest.raises(DataError, match=param):
        TableTransformer(**{param: value}).fit(pd.DataFrame({"x": [1.0, 2.0]}))


def test_adult_round_trip_is_exact(adult):
    t = TableTransformer(random_state=0).fit(adult)
    back = t.inverse_transform(t.transform(adult), 0)
    pd.testing.assert_frame_equal(back, adult)
    assert t.layout_.condition_width == sum(s.width for s in t.layout_.spans if s.conditional)


def test_flights_round_trip_keeps_text_dates_and_missing_values(flights):
    flights = flights.drop(columns=["tailnum"])  # 4,000 values: pooled, so not exact by design
    t = TableTransformer(random_state=0).fit(flights)
    assert t.schema_["time_hour"].kind == "datetime"
    back = t.inverse_transform(t.transform(flights), 0)
    pd.testing.assert_frame_equal(back, flights)


def test_fit_is_reproducible():
    df = pd.DataFrame({"x": np.random.default_rng(0).gamma(2, 3, 3000)})
    a = TableTransformer(random_state=3).fit(df).to_dict()
    b = TableTransformer(random_state=3).fit(df).to_dict()
    assert a == b


def test_compact_holds_tanh_values_and_argmax_slots() -> None:
    spans = [Span("x", "value", 1, "tanh"), Span("x", "mode", 3, "softmax"), Span("c", "category", 2, "softmax")]
    m = np.array([[0.25, 0.1, 0.7, 0.2, 1.0, 0.0],
                  [-1.0, 0.5, 0.5, 0.0, 0.4, 0.6]], dtype=np.float32)  # soft rows too; ties to the first
    np.testing.assert_array_equal(compact(m, spans), [[0.25, 1, 0], [-1.0, 0, 1]])


def test_inverse_compact_checks_its_shape() -> None:
    df = pd.DataFrame({"a": ["x", "y", "x"], "b": [1.5, 2.5, 3.5]})
    t = TableTransformer(random_state=0).fit(df)
    with pytest.raises(DataError, match=f"expected \\(n, {len(t.layout_.spans)}\\), one column per span"):
        t.inverse_compact(np.zeros((3, t.layout_.width)))


def test_a_tanh_span_holds_one_value() -> None:
    with pytest.raises(ValueError, match="a tanh span holds one value"):
        Span("x", "value", 2, "tanh")


def test_integer_ids_continue_past_the_ids_of_other_rows():
    df = pd.DataFrame({"id": np.arange(1, 41), "x": np.random.default_rng(0).normal(size=40)})
    t = TableTransformer(random_state=0).fit(df.iloc[:30])
    t.continue_ids_past(df.iloc[30:])
    out = t.inverse_transform(t.transform(df.iloc[:5]), random_state=0)
    assert out["id"].tolist() == [41, 42, 43, 44, 45]


def test_check_continues_names_what_the_fitted_transforms_no_longer_describe():
    # A warm start (2026-12-02) trains on a new table with the fitted transforms: a constant that
    # changed, or a derived pair that broke, would come back as the old table had it.
    n = 60
    colour = np.tile(["red", "green", "blue"], n // 3)
    df = pd.DataFrame({"colour": colour, "code": pd.Series(colour).map({"red": 1, "green": 2, "blue": 3}),
                       "site": "Oslo", "empty": [None] * n, "x": np.linspace(0, 1, n)})
    t = TableTransformer(random_state=0).fit(df)
    assert t.derived_ == {"code": "colour"} and kinds_of(t)["site"] == "constant"
    t.check_continues(df.sample(frac=1, random_state=0))  # the same facts, rows in another order
    for frame, message in [
        (df.assign(site=["Oslo"] * (n - 1) + ["Bergen"]), "column 'site': held 'Oslo' in every row when fitted "
                                                          "and now holds 'Bergen'"),
        (df.assign(site=["Oslo"] * (n - 1) + [None]), "column 'site': held 'Oslo' in every row when fitted and "
                                                      "now has missing values"),
        (df.assign(empty=[None] * (n - 1) + ["x"]), "column 'empty': was empty when fitted and now holds 'x'"),
        (df.assign(code=df["code"].where(df.index != 4, 9)), "column 'code': was looked up from 'colour' when "
                                                             "fitted; a row with colour='green' now holds 9, not 2"),
        (df.assign(more=1), "column 'more': was not in the table"),
    ]:
        with pytest.raises(ColumnError, match=message):
            t.check_continues(frame)
    with pytest.raises(ColumnError, match="column 'x': was fitted as numerical; it cannot become categorical"):
        t.check_continues(df, discrete_columns=["x"])
    t.check_continues(df, metadata={"columns": {"x": {"sdtype": "numerical"}}})


def test_a_condition_value_of_the_wrong_type_says_what_to_write():
    # Before 2026-12-02 the bool column refused 'True' as "not seen (known: False, True)".
    rng = np.random.default_rng(0)
    n = 200
    df = pd.DataFrame({"b": rng.random(n) > 0.5, "code": rng.choice(["1", "2", "x"], n),
                       "k": pd.Categorical(rng.choice([10, 20], n)), "i": rng.choice([1, 2, 3], n)})
    t = TableTransformer(random_state=0).fit(df)
    cases = {
        ("b", "True"): r"b='True': value not seen .*; 'True' is text, give it as True$",
        ("code", 1): r"code=1: value not seen .*; the column holds text, give it as '1'$",
        ("k", "10"): r"k='10': value not seen .*; '10' is text, give it as 10$",
        ("i", "2"): r"i='2': '2' is text; give the number 2 \(a point mass",
    }
    for (column, value), message in cases.items():
        with pytest.raises(ConditionError, match=message):
            t.condition_slot(column, value)
    for missing in (None, np.nan, pd.NA):
        with pytest.raises(ConditionError, match=r"code=.*: asks for a missing value, and the column had none"):
            t.condition_slot("code", missing)
    with pytest.raises(ConditionError, match=r"code='zz': value not seen [^;]*$"):
        t.condition_slot("code", "zz")  # no hint when no value is written that way
    assert t.condition_slot("b", True) == t.condition_slot("b", np.True_)


def test_a_datetime_column_can_be_conditioned_on_its_missing_values():
    # Before 2026-12-02: "only categorical and boolean columns can be conditioned on".
    rng = np.random.default_rng(0)
    n = 200
    days = pd.Series(pd.Timestamp("2000-01-01") + pd.to_timedelta(rng.integers(0, 3000, n), unit="D"))
    df = pd.DataFrame({"t": days.where(rng.random(n) > 0.2), "full": days, "c": rng.choice(["a", "b"], n)})
    t = TableTransformer(random_state=0).fit(df)
    span, slot = t.condition_slot("t", None)
    assert t.layout_.spans[span].column == "t" and t.layout_.spans[span].labels[slot] == "missing"
    assert t.condition_slot("t", np.nan) == t.condition_slot("t", pd.NaT) == (span, slot)
    compact_rows = compact(t.transform(df), t.layout_.spans)
    assert ((compact_rows[:, span] == slot) == df["t"].isna().to_numpy()).all()
    with pytest.raises(ConditionError, match=r"kind datetime: .* \(or on its missing values: None"):
        t.condition_slot("t", pd.Timestamp("2001-01-01"))
    with pytest.raises(ConditionError, match=r"kind datetime: only categorical and boolean columns can be conditioned on$"):
        t.condition_slot("full", None)  # no missing value to condition on
    zero = df.assign(t=days.dt.strftime("%Y-%m-%d").where(df["t"].notna(), "0000-00-00"))
    t = TableTransformer(random_state=0).fit(zero)
    assert t.condition_slot("t", "0000-00-00") == t.condition_slot("t", None)  # its missing text


def test_numbers_written_as_text_are_conditioned_on_as_text():
    rng = np.random.default_rng(0)
    n = 300
    gain = np.where(rng.random(n) < 0.3, 0, rng.integers(1, 5000, n)).astype(str).astype(object)
    gain[::11] = "?"
    t = TableTransformer(random_state=0).fit(pd.DataFrame({"gain": gain, "c": rng.choice(["a", "b"], n)}))
    assert t.schema_["gain"].kind == "numerical"
    assert t.condition_slot("gain", "0") == t.condition_slot("gain", 0)  # the point mass 0
    assert t.condition_slot("gain", "?") == t.condition_slot("gain", None)  # its missing text
    with pytest.raises(ConditionError, match="gain='17': a numerical column can be conditioned on"):
        t.condition_slot("gain", "17")
    with pytest.raises(ColumnError, match="column 'gain': holds the text 'n/a', which is no number "
                                          r"\(when fitted it held numbers written as text and '\?' for missing"):
        t.transform(pd.DataFrame({"gain": ["12", "n/a"], "c": ["a", "b"]}))


def test_a_value_a_model_file_cannot_hold_is_refused_by_fit():
    # Before 2026-12-04 a column of such values (complex numbers; periods and bytes, which it now
    # holds) was fit and trained on, and only save refused it.
    df = pd.DataFrame({"x": np.arange(20.0), "z": pd.Series([1 + 2j, 3j] * 10, dtype=object)})
    with pytest.raises(ColumnError, match="column 'z': holds values of type complex, which a model file cannot"):
        TableTransformer().fit(df)


def test_a_column_of_another_type_than_fitted_is_refused_naming_it():
    # Before 2026-12-04 transform (and so a warm start on such a table) raised pandas' or numpy's
    # own TypeError with a traceback: "cannot get datetime metadata from non-datetime type" for
    # ints where durations were fitted, "dtype bool cannot be converted to datetime64[ns]".
    rng = np.random.default_rng(0)
    n = 60
    days = pd.Series(pd.Timestamp("2020-01-01") + pd.to_timedelta(rng.integers(0, 900, n), unit="D"))
    df = pd.DataFrame({"t": days, "d": pd.to_timedelta(rng.integers(0, 100, n), unit="s"),
                       "v": rng.normal(size=n).round(2)})
    t = TableTransformer(random_state=0).fit(df)
    cases = {"t": rng.choice([True, False], n), "d": rng.integers(0, 100, n), "v": days.dt.to_period("D")}
    for column, values in cases.items():
        with pytest.raises(ColumnError, match=rf"^column '{column}': was fitted on values of dtype "
                                              rf"{re.escape(str(df[column].dtype))} and cannot read these "
                                              rf"of dtype {re.escape(str(values.dtype))}: "):
            t.transform(df.assign(**{column: values}))
