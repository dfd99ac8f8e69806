import decimal
import json
import warnings

import numpy as np
import pandas as pd
import pytest

from tabgan.datasets import load_adult
from tabgan.errors import ColumnError, ConditionError
from tabgan.transformers import TableTransformer
from tabgan.transformers.linear import LINEAR_MIN_VARIED, LinearTransformer

from tests.transformers.test_derived import random_hot


def ledger(n: int = 1500, seed: int = 0) -> pd.DataFrame:
    """A total of two parts (one with missing values), a temperature in both scales, a schedule
    written as HHMM beside its hour and minute, and a noise column."""
    rng = np.random.default_rng(seed)
    net = np.round(rng.lognormal(3, 1, n), 2)
    net[rng.random(n) < 0.1] = np.nan
    tax = np.round(rng.normal(50, 10, n), 2)
    celsius = np.round(rng.normal(20, 8, n), 1)
    hour, minute = rng.integers(5, 23, n), rng.integers(0, 60, n)
    return pd.DataFrame({
        "net": net, "tax": tax, "gross": np.round(net + tax, 2),
        "celsius": celsius, "fahrenheit": 1.8 * celsius + 32,
        "sched": 100 * hour + minute, "hour": hour, "minute": minute,
        "noise": rng.normal(size=n).round(3),
    })


@pytest.fixture(scope="module")
def fitted():
    df = ledger()
    return df, TableTransformer(random_state=0).fit(df)


def test_exact_relations_are_found_and_the_total_is_the_column_computed(fitted):
    _, t = fitted
    assert t.computed_ == {"gross": "gross = net + tax", "fahrenheit": "fahrenheit = 1.8*celsius + 32",
                           "sched": "sched = 100*hour + minute"}
    assert t.coded_ == {"sched": "hhmm"}  # still read as HHMM times where metadata is checked
    assert {s.column for s in t.layout_.spans}.isdisjoint(t.computed_)  # nothing of them is learnt


def test_generated_rows_keep_every_relation_and_its_columns_form(fitted):
    df, t = fitted
    out = t.inverse_transform(random_hot(t, 3000, seed=1), random_state=0)
    assert list(out.dtypes) == list(df.dtypes)
    both = out["net"].notna()
    assert np.allclose(out["gross"][both], out["net"][both] + out["tax"][both], rtol=1e-12, atol=0)
    assert out["gross"].isna().equals(out["net"].isna())  # missing where a source is
    assert (out["gross"][both] == out["gross"][both].round(2)).all()  # the column's decimals
    assert np.allclose(out["fahrenheit"], 1.8 * out["celsius"] + 32, rtol=1e-12, atol=0)
    assert (out["sched"] == 100 * out["hour"] + out["minute"]).all()


def test_encoding_real_rows_and_decoding_them_gives_them_back(fitted):
    df, t = fitted
    back = t.inverse_transform(t.transform(df), random_state=0)
    for column in t.computed_:
        pd.testing.assert_series_equal(back[column], df[column], rtol=1e-12)


def test_state_round_trips_through_json(fitted):
    df, t = fitted
    again = TableTransformer.from_dict(json.loads(json.dumps(t.to_dict())))
    m = random_hot(t, 500, seed=2)
    pd.testing.assert_frame_equal(again.inverse_transform(m, random_state=3), t.inverse_transform(m, random_state=3))
    assert again.computed_ == t.computed_


def test_a_condition_on_a_computed_column_names_its_sources(fitted):
    _, t = fitted
    with pytest.raises(ConditionError, match=r"'gross': it is computed from 'net' and 'tax' "
                                             r"\(gross = net \+ tax\); condition on them"):
        t.condition_slot("gross", 60.0)


def test_a_warm_start_table_that_breaks_the_relation_is_named(fitted):
    df, t = fitted
    broken = df.copy()
    broken.loc[5, "gross"] = 1.0
    with pytest.raises(ColumnError, match=r"'gross': was computed as gross = net \+ tax when fitted; "
                                          r"a row with net=.*, tax=.* now holds 1.0"):
        t.check_continues(broken)
    t.check_continues(df)


def test_text_numbers_and_decimals_are_computed_in_their_own_form():
    rng = np.random.default_rng(0)
    a, b = rng.integers(100, 999, 400) / 100, rng.integers(100, 999, 400) / 100
    df = pd.DataFrame({"a": [f"{v:.2f}" for v in a], "b": [decimal.Decimal(f"{v:.2f}") for v in b],
                       "total": [decimal.Decimal(f"{v:.2f}") for v in a + b]})
    t = TableTransformer(random_state=0).fit(df)
    assert t.computed_ == {"total": "total = a + b"}
    out = t.inverse_transform(random_hot(t, 300, seed=0), random_state=0)
    assert all(isinstance(v, decimal.Decimal) for v in out["total"])
    assert all(d == decimal.Decimal(x) + y for d, x, y in zip(out["total"], out["a"], out["b"]))


def test_no_relation_where_there_is_none():
    assert TableTransformer(random_state=0).fit(load_adult().iloc[:5000]).computed_ == {}
    df = ledger()
    assert TableTransformer(derive=False, random_state=0).fit(df).computed_ == {}
    # A relation that holds only after rounding (an hour that is HHMM // 100) is not looked for.
    assert TableTransformer(random_state=0).fit(df[["sched", "hour", "noise"]]).computed_ == {}


def test_a_target_missing_where_its_sources_are_not_is_learnt():
    df = ledger()
    df.loc[df.index[:30], "gross"] = np.nan  # missing also where net and tax are present
    assert "gross" not in TableTransformer(random_state=0).fit(df).computed_


def test_columns_off_their_common_value_in_too_few_rows_take_no_part():
    rng = np.random.default_rng(0)
    n = 2000
    rare = np.zeros(n)
    rare[:LINEAR_MIN_VARIED - 1] = rng.integers(1, 9, LINEAR_MIN_VARIED - 1)
    base = rng.normal(size=n).round(2)
    df = pd.DataFrame({"base": base, "rare": rare, "sum": base + rare})
    assert TableTransformer(random_state=0).fit(df).computed_ == {}
    rare[:LINEAR_MIN_VARIED] = rng.integers(1, 9, LINEAR_MIN_VARIED)
    df = pd.DataFrame({"base": base, "rare": rare, "sum": base + rare})
    assert TableTransformer(random_state=0).fit(df).computed_ == {"sum": "sum = base + rare"}


def test_formula_writes_signs_and_intercepts():
    t = LinearTransformer(sources=("a", "b"), coefficients=(1.0, -0.5), intercept=-3.0)
    t.column = "y"
    assert t.formula == "y = a - 0.5*b - 3"


def test_one_hot_columns_that_add_up_to_one_are_screened_without_reading_the_table(monkeypatch):
    # Their sum is a relation of all 30 (in the null space), but no pair or triple holds: each
    # group is turned down on the screen rows, none is fitted on the whole table.
    import tabgan.transformers.linear as linear

    rng = np.random.default_rng(0)
    hot = rng.integers(0, 30, 3000)
    df = pd.DataFrame({f"is_{i}": (hot == i).astype(float) for i in range(30)}).assign(x=rng.normal(size=3000))
    fitted = []
    monkeypatch.setattr(linear, "_relation", lambda *args: fitted.append(args) or None)
    assert TableTransformer(random_state=0).fit(df).computed_ == {}
    assert fitted == []


def test_large_numbers_that_differ_by_a_little_are_no_relation():
    # Within 1e-9 of each other, which a tolerance relative to the target's size took for noise.
    rng = np.random.default_rng(0)
    balance = rng.integers(10**12, 10**13, 3000)
    df = pd.DataFrame({"balance": balance, "after": balance + rng.integers(1, 50, 3000)})
    assert TableTransformer(random_state=0).fit(df).computed_ == {}
    df["after"] = balance + 7  # but an exact offset of large numbers is one
    assert TableTransformer(random_state=0).fit(df).computed_ == {"after": "after = balance + 7"}


@pytest.mark.parametrize("scale", [1e-300, 1e300])
def test_relations_among_numbers_near_float64s_ends_are_found_quietly(scale):
    # A variance of 1e-300s underflowed to 0, which left the columns out of the screen, and one
    # of 1e300s overflowed with a RuntimeWarning.
    rng = np.random.default_rng(0)
    a = rng.normal(size=1500) * scale
    df = pd.DataFrame({"a": a, "half": 0.5 * a, "noise": rng.normal(size=1500)})
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        t = TableTransformer(random_state=0).fit(df)
    assert t.computed_ == {"a": "a = 2*half"}
    out = t.inverse_transform(random_hot(t, 500, seed=1), random_state=0)
    assert (out["a"] == 2 * out["half"]).all()


def test_columns_holding_an_infinity_take_no_part_and_keep_it():
    # Regression: inf - inf has no value, so the screen warned of invalid division; a column
    # holding an infinity is learnt on its own (its infinities are point masses).
    df = ledger()
    df.loc[[3, 9], "gross"] = np.inf
    df.loc[4, "tax"] = -np.inf
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        t = TableTransformer(random_state=0).fit(df)
    assert t.computed_ == {"fahrenheit": "fahrenheit = 1.8*celsius + 32", "sched": "sched = 100*hour + minute"}
    back = t.inverse_transform(t.transform(df), random_state=0)
    assert np.isposinf(back["gross"]).tolist() == np.isposinf(df["gross"]).tolist()
    assert np.isneginf(back["tax"]).tolist() == np.isneginf(df["tax"]).tolist()


def test_durations_take_part_as_counts_of_their_unit():
    rng = np.random.default_rng(0)
    nights = rng.integers(1, 30, 500)
    df = pd.DataFrame({"nights": nights, "stay": pd.to_timedelta(nights, unit="D"),
                       "minutes": pd.to_timedelta(rng.integers(0, 10_000, 500), unit="min")})
    df["hours"] = df["minutes"].dt.total_seconds() / 3600
    t = TableTransformer(random_state=0).fit(df)
    # hours is computed: minutes from generated hours would be rounded to whole minutes.
    assert t.computed_ == {"stay": "stay = nights", "hours": "hours = 0.0166666666666667*minutes"}
    out = t.inverse_transform(random_hot(t, 300, seed=0), random_state=0)
    assert out["stay"].dtype == df["stay"].dtype and (out["stay"] == pd.to_timedelta(out["nights"], unit="D")).all()
    assert np.allclose(out["minutes"].dt.total_seconds() / 60, 60 * out["hours"], rtol=1e-12, atol=0)


def test_dates_and_times_take_part_as_days_or_seconds():
    rng = np.random.default_rng(0)
    n = 800
    admit = pd.Timestamp("2020-01-01") + pd.to_timedelta(rng.integers(0, 1500, n), "D")
    nights = rng.integers(0, 30, n)
    begin = pd.Timestamp("2021-03-01 08:00", tz="Europe/Paris") + pd.to_timedelta(rng.integers(0, 10**7, n), "s")
    minutes = rng.integers(1, 500, n)
    df = pd.DataFrame({"admit": pd.Series(admit.strftime("%d/%m/%Y"), dtype=object), "nights": nights,
                       "discharge": admit + pd.to_timedelta(nights, "D"),
                       "begin": begin, "minutes": minutes, "end": begin + pd.to_timedelta(minutes, "min")})
    t = TableTransformer(random_state=0).fit(df)
    assert t.computed_ == {"discharge": "discharge = admit + nights", "end": "end = begin + 60*minutes"}
    out = t.inverse_transform(random_hot(t, 2000, seed=1), random_state=0)
    assert list(out.dtypes) == list(df.dtypes)
    assert (out["discharge"] == pd.to_datetime(out["admit"], format="%d/%m/%Y")
            + pd.to_timedelta(out["nights"], "D")).all()
    assert (out["end"] == out["begin"] + pd.to_timedelta(out["minutes"], "min")).all()  # across DST
    back = t.inverse_transform(t.transform(df), random_state=0)
    pd.testing.assert_frame_equal(back, df)


def test_instants_finer_than_seconds_take_no_part():
    rng = np.random.default_rng(0)
    begin = pd.Timestamp("2021-03-01") + pd.to_timedelta(rng.integers(0, 10**12, 500), "ms")
    millis = rng.integers(1, 500, 500)
    df = pd.DataFrame({"begin": begin, "millis": millis, "end": begin + pd.to_timedelta(millis, "ms")})
    assert TableTransformer(random_state=0).fit(df).computed_ == {}


def test_a_pair_that_holds_once_rounded_is_computed_and_rounded():
    rng = np.random.default_rng(0)
    cost = np.round(rng.lognormal(7, 1, 1000), 2)
    df = pd.DataFrame({"cost": cost, "with_vat": np.round(1.2 * cost, 2), "pounds": np.round(2.20462 * cost, 1)})
    t = TableTransformer(random_state=0).fit(df)
    assert t.computed_ == {"with_vat": "with_vat = round(1.2*cost, 2)", "pounds": "pounds = round(2.20462*cost, 1)"}
    out = t.inverse_transform(random_hot(t, 500, seed=0), random_state=0)
    assert (out["with_vat"] == np.round(1.2 * out["cost"], 2)).all()
    assert (out["pounds"] == np.round(2.20462 * out["cost"], 1)).all()
    again = TableTransformer.from_dict(json.loads(json.dumps(t.to_dict())))
    assert again.computed_ == t.computed_
    df.loc[7, "with_vat"] += 0.01  # one row off: no relation
    assert "with_vat" not in TableTransformer(random_state=0).fit(df).computed_
