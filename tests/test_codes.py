"""Integers that write times and dates in digits (``tabgan.codes``)."""

import numpy as np
import pandas as pd
import pytest

from tabgan import ConditionalGAN
from tabgan.errors import ColumnError, ConditionError
from tabgan.transformers import NumericalTransformer, TableTransformer
from tabgan.transformers.base import compact
from tabgan.codes import detect_code, from_counts, to_counts, valid


def floats(values) -> np.ndarray:
    return np.asarray(values, dtype=np.float64)


def test_detect_code_finds_times_and_dates_and_nothing_chance_would_give():
    rng = np.random.default_rng(0)
    hhmm = rng.integers(0, 24, 300) * 100 + rng.integers(0, 60, 300)
    hhmmss = hhmm * 100 + rng.integers(0, 60, 300)
    days = pd.Timestamp("2013-01-01") + pd.to_timedelta(rng.integers(0, 800, 300), unit="D")
    assert detect_code(floats(hhmm)) == "hhmm"
    assert detect_code(floats(np.append(hhmm, [2400, np.nan]))) == "hhmm"  # 24:00, missing values
    assert detect_code(floats(hhmmss)) == "hhmmss"
    assert detect_code(floats(days.strftime("%Y%m%d").astype(int))) == "yyyymmdd"
    assert detect_code(floats(days.strftime("%Y%m").astype(int))) == "yyyymm"  # 201301 is no time
    assert detect_code(floats(rng.integers(0, 2400, 300))) is None  # minutes past 59
    assert detect_code(floats(range(100, 2401, 50))) is None  # on a grid that always fits
    assert detect_code(floats(range(2000, 2024))) is None  # one hour's worth: counts as integers
    assert detect_code(floats([130, 245, 1015])) is None  # 0.6 ** 3: could be chance
    assert detect_code(floats(rng.integers(10**7, 10**8, 50))) is None
    assert detect_code(floats(-hhmm)) is None and detect_code(floats([np.nan])) is None


@pytest.mark.parametrize("code, codes", [
    ("hhmm", np.arange(0, 2401)),
    ("hhmmss", np.arange(0, 240001, 7)),
    ("yyyymm", np.arange(190001, 210013)),
    ("yyyymmdd", np.arange(18991230, 21010102)),
])
def test_counts_are_a_bijection_on_valid_codes(code, codes):
    ok = codes[valid(codes, code)]
    counts = to_counts(floats(ok), code)
    assert (np.diff(counts) > 0).all()  # in order, so a generator's values between stay valid
    np.testing.assert_array_equal(from_counts(counts, code), ok)
    whole = np.arange(counts.min(), counts.max() + 1)
    assert valid(from_counts(whole, code).astype(np.int64), code).all()  # every count is a code
    assert np.isnan(to_counts(floats([np.nan]), code)[0]) and np.isnan(from_counts(floats([np.nan]), code)[0])
    assert valid(np.array([2400, 2460, 2500, 1360, 20130229, 20120229, 201213, 201200]), code).tolist() == {
        "hhmm": [True, False, False, False, False, False, False, False],
        "hhmmss": [True, False, True, False, False, False, True, True],  # 00:24:60 no; 20:12:13 yes
        "yyyymm": [False] * 6 + [False, False],
        "yyyymmdd": [False] * 4 + [False, True, False, False],
    }[code]


def test_generated_times_and_dates_are_valid_and_real_ones_come_back_exactly():
    # Before 2026-12-02 a 5-epoch fit generated 37% of HHMM times with minutes past 59 (1360)
    # and 81% of YYYYMMDD dates that were no date (20230139).
    rng = np.random.default_rng(0)
    n = 2_000
    days = pd.Timestamp("2015-01-01") + pd.to_timedelta(rng.integers(0, 3_000, n), unit="D")
    hhmm = pd.Series(rng.integers(5, 23, n) * 100 + rng.integers(0, 60, n), dtype="Int64")
    table = pd.DataFrame({"ymd": days.strftime("%Y%m%d").astype(np.int64),
                          "hhmm": hhmm.mask(rng.random(n) < 0.1), "x": rng.normal(size=n)})
    t = TableTransformer(random_state=0).fit(table)
    assert {c.column: c.code for c in t.columns_} == {"ymd": "yyyymmdd", "hhmm": "hhmm", "x": None}
    pd.testing.assert_frame_equal(t.inverse_transform(t.transform(table), 0), table)
    out = ConditionalGAN(epochs=2, batch_size=200, random_state=0).fit(table).sample(3_000, random_state=0)
    assert out.dtypes.equals(table.dtypes)
    assert valid(out["ymd"].to_numpy(), "yyyymmdd").all()
    assert valid(out["hhmm"].dropna().to_numpy(dtype=np.int64), "hhmm").all() and out["hhmm"].isna().any()
    assert out["ymd"].between(table["ymd"].min(), table["ymd"].max()).all()
    again = NumericalTransformer.from_dict(t.columns_[1].to_dict())
    m = t.columns_[1].transform(table["hhmm"])
    m[:, 0] = np.clip(m[:, 0] + rng.normal(0, 0.1, n), -1, 1)
    pd.testing.assert_series_equal(again.inverse_compact(compact(m, again.spans), rng),
                                   t.columns_[1].inverse_compact(compact(m, again.spans), rng))


def test_a_condition_on_a_coded_point_mass_is_written_as_the_column_writes_it():
    rng = np.random.default_rng(1)
    n = 600
    departures = np.where(rng.random(n) < 0.3, 600, rng.integers(5, 23, n) * 100 + 5 * rng.integers(0, 12, n))
    table = pd.DataFrame({"sched": departures, "c": rng.choice(["a", "b"], n)})
    model = ConditionalGAN(epochs=1, batch_size=200, random_state=0).fit(table)
    column = model.transformer_.columns_[0]
    assert column.code == "hhmm" and 600 in column.point_values()
    assert (model.sample(40, conditions={"sched": 600}, random_state=0)["sched"] == 600).all()
    # 06:60 is no time: said so since 2026-12-02 (before: "a value that holds at least 5% ...")
    with pytest.raises(ConditionError, match="condition sched=660: 660 is none of the column's HHMM times"):
        model.sample(5, conditions={"sched": 660})
    with pytest.raises(ConditionError, match=r"sched=605.*\(here: 600\)"):  # a time, but no point mass
        model.sample(5, conditions={"sched": 605})


def test_a_table_whose_values_are_no_codes_is_refused_by_the_fitted_transform():
    # Before 2026-12-02 transform counted 1375 as 13 h 75 min = 855 minutes: a warm start on a
    # new table learnt it as 14:15.
    rng = np.random.default_rng(1)
    hhmm = pd.DataFrame({"t": rng.integers(5, 23, 500) * 100 + rng.integers(0, 60, 500)})
    t = TableTransformer(random_state=0).fit(hhmm)
    assert t.coded_ == {"t": "hhmm"}
    for bad, shown in ((1375, "1375"), (517.5, "517.5")):
        with pytest.raises(ColumnError, match=f"column 't': value {shown} is no HHMM code, as every value was"):
            t.transform(pd.DataFrame({"t": [600.0, bad]}))
    assert t.transform(pd.DataFrame({"t": [600, 2400]})).shape[0] == 2  # 24:00 is a time


def test_metadata_sets_a_code_the_values_are_too_few_to_show_and_turns_detection_off():
    few = pd.DataFrame({"t": [517, 600, 1359, 2100, 845, 1200] * 20, "x": np.arange(120.0)})
    assert TableTransformer(random_state=0).fit(few).coded_ == {}  # six values: could be chance
    hhmm = {"columns": {"t": {"sdtype": "datetime", "datetime_format": "%H%M"}}}
    told = TableTransformer(metadata=hhmm, random_state=0).fit(few)
    assert told.coded_ == {"t": "hhmm"}
    pd.testing.assert_frame_equal(told.inverse_transform(told.transform(few), 0), few)
    rng = np.random.default_rng(1)
    many = pd.DataFrame({"t": rng.integers(5, 23, 500) * 100 + rng.integers(0, 60, 500)})
    assert TableTransformer(random_state=0).fit(many).coded_ == {"t": "hhmm"}
    plain = TableTransformer(metadata={"columns": {"t": {"sdtype": "numerical"}}}, random_state=0).fit(many)
    assert plain.coded_ == {}
    with pytest.raises(ColumnError, match="column 't': was fitted as HHMM times; it cannot become plain numbers"):
        TableTransformer(random_state=0).fit(many).check_continues(
            many, metadata={"columns": {"t": {"sdtype": "numerical"}}})


def test_the_evaluator_reads_numbers_declared_as_coded_times_as_numbers():
    from tabgan.evaluation.columns import infer_schema as evaluated

    df = pd.DataFrame({"t": [517, 600, 1359, 2100] * 5, "c": list("abcd") * 5})
    schema = evaluated(df, {"columns": {"t": {"sdtype": "datetime", "datetime_format": "%H%M"}}})
    assert schema.kinds["t"] == "numerical" and "t" not in schema.formats

