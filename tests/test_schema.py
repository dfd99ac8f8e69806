import datetime
import json

import numpy as np
import pandas as pd
import pytest

from tabgan.errors import ColumnError, DataError
from tabgan.schema import Schema, infer_schema, text_names


def kinds(df, **kwargs):
    return {c.name: c.kind for c in infer_schema(df, **kwargs).columns}


def test_every_kind_is_inferred():
    n = 30
    df = pd.DataFrame({
        "num": np.linspace(0, 1, n),
        "int": np.arange(n) % 7,
        "text": ["a", "b", "c"] * 10,
        "cat": pd.Categorical(["x", "y"] * 15),
        "flag": [True, False] * 15,
        "obj_flag": pd.Series([True, False, None] * 10, dtype=object),
        "when": pd.date_range("2020-01-01", periods=n, freq="h", tz="UTC"),
        "date_text": pd.date_range("2020-01-01", periods=n).strftime("%d/%m/%Y"),
        "customer_id": np.arange(100, 100 + n),
        "name": [f"person {i}" for i in range(n)],
        "const": ["same"] * n,
    })
    assert kinds(df) == {
        "num": "numerical", "int": "numerical", "text": "categorical", "cat": "categorical",
        "flag": "boolean", "obj_flag": "boolean", "when": "datetime", "date_text": "datetime",
        "customer_id": "id", "name": "id", "const": "constant",
    }
    assert infer_schema(df)["date_text"].datetime_format == "%d/%m/%Y"


def test_overrides_from_discrete_columns_and_sdv_metadata():
    df = pd.DataFrame({"code": [1, 2, 3, 1] * 5, "email": [f"a{i}@x.org" for i in range(20)],
                       "d": ["2020-01-02"] * 10 + ["2021-03-04"] * 10})
    assert kinds(df, discrete_columns=["code"])["code"] == "categorical"
    meta = {"columns": {"code": {"sdtype": "categorical"}, "email": {"sdtype": "email"},
                        "d": {"sdtype": "datetime", "datetime_format": "%Y-%m-%d"}}}
    schema = infer_schema(df, metadata=meta)
    assert {c.name: c.kind for c in schema.columns} == {"code": "categorical", "email": "id", "d": "datetime"}
    assert schema["d"].datetime_format == "%Y-%m-%d" and schema["code"].source == "metadata"


def test_schema_prints_and_round_trips_through_json():
    schema = infer_schema(pd.DataFrame({"a": [1.5, 2.5], "b": ["x", "y"]}))
    text = str(schema)
    assert "a" in text and "numerical" in text and "categorical" in text
    assert Schema.from_json(schema.to_json()) == schema
    assert json.loads(schema.to_json())["columns"][0]["name"] == "a"
    assert schema.to_metadata() == {"columns": {"a": {"sdtype": "numerical"}, "b": {"sdtype": "categorical"}}}


@pytest.mark.parametrize("df, kwargs, message", [
    (pd.DataFrame({"a": []}), {}, "no rows"),
    (pd.DataFrame(index=[0, 1]), {}, "no columns"),
    (pd.DataFrame([[1, 2]], columns=["a", "a"]), {}, "duplicate column names: 'a'"),
    (pd.DataFrame([[1, 2]], columns=pd.MultiIndex.from_tuples([("a", "x"), ("a", "y")])), {},
     "column ('a', 'x'): MultiIndex column labels are not supported; flatten them"),
    (pd.DataFrame([[1, 2]], columns=[0, "0"]), {}, "column labels 0 and '0' are both '0' as text"),
    (pd.DataFrame([[1, 2]], columns=[pd.Timestamp("2020-01-01"), "b"]), {},
     "column Timestamp('2020-01-01 00:00:00'): column names must be text or numbers, got Timestamp"),
    (pd.DataFrame({"m": pd.Series(["x", 1, 2.5], dtype=object)}), {}, "column 'm': mixes value types"),
    # Regression: one type pandas has no name for was said to "mix value types (list)".
    (pd.DataFrame({"l": pd.Series([[1], [2]], dtype=object)}), {},
     "column 'l': holds values of type list, which tabgan cannot learn"),
    (pd.DataFrame({"a": [1, 2]}), {"discrete_columns": ["zz"]}, "column 'zz': named in discrete_columns"),
    (pd.DataFrame({"a": [1, 2]}), {"metadata": {"columns": {"q": {"sdtype": "id"}}}}, "column 'q': named in metadata"),
    (pd.DataFrame({"a": [1, 2]}), {"metadata": {"columns": {"a": {}}}}, "column 'a': metadata entry needs"),
    (pd.DataFrame({"a": [1, 2]}), {"metadata": {"tables": {"users": {"columns": {}}}}},
     "metadata describes tables ('users': SDV's multi-table format); pass the entry of this table"),
    (pd.DataFrame({"a": ["x", "y"]}), {"metadata": {"columns": {"a": {"sdtype": "numerical"}}}}, "column 'a': declared numerical"),
    (pd.DataFrame({"a": np.array([1 + 2j, 3 - 1j])}), {}, "column 'a': dtype complex128"),
    # Regression: these three were taken silently (the first two made "a" random ids).
    (pd.DataFrame({"a": [1, 2]}), {"metadata": {"columns": {"a": {"sdtype": "catgorical"}}}},
     "column 'a': metadata sdtype 'catgorical' is not one of numerical, categorical, boolean, "
     "datetime, id; did you mean 'categorical'?"),
    (pd.DataFrame({"a": [1, 2]}), {"metadata": {"columns": {"a": {"sdtype": "Integer"}}}},
     "did you mean 'numerical'?"),
    (pd.DataFrame({"a": [1.5, 2]}), {"discrete_columns": ["a"], "metadata": {"columns": {"a": {"sdtype": "numerical"}}}},
     "column 'a': named in discrete_columns but metadata makes it numerical"),
    ([[1, 2]], {}, "expected a pandas DataFrame, got list; wrap it, pd.DataFrame(X), and its"),
    (np.zeros((2, 2)), {}, "got ndarray; wrap it, pd.DataFrame(X)"),
    (pd.Series([1, 2]), {}, "got Series; a single column is a table too: series.to_frame()"),
])
def test_bad_input_gets_one_line_naming_the_problem(df, kwargs, message):
    before = df.copy() if isinstance(df, pd.DataFrame) else None
    with pytest.raises(DataError) as info:
        infer_schema(df, **kwargs)
    assert message in str(info.value)
    assert "\n" not in str(info.value)
    if before is not None:
        pd.testing.assert_frame_equal(df, before)


def test_columns_labelled_by_numbers_are_named_by_their_text():
    # Before 2026-12-02 a frame made from an array (pd.DataFrame(X)) was refused.
    df = pd.DataFrame({0: [1.5, 2.5, 3.5], 1: ["a", "b", "a"], "x": [1, 2, 1]})
    schema = infer_schema(df, discrete_columns=[0])
    assert schema.names == ["0", "1", "x"] and schema["0"].kind == "categorical"
    named, labels = text_names(df)
    assert list(named.columns) == ["0", "1", "x"] and labels == [0, 1, "x"]
    assert text_names(pd.DataFrame([[1, 2]], columns=[0.5, 2.0]))[1] == [0.5, 2.0]
    assert np.shares_memory(named["0"].to_numpy(), df[0].to_numpy())  # no copy of the data
    assert text_names(named) == (named, None)


def test_column_errors_carry_the_column():
    with pytest.raises(ColumnError) as info:
        infer_schema(pd.DataFrame({"f": pd.Series(["x", 1.5], dtype=object)}))
    assert info.value.column == "f"
    assert isinstance(info.value, ValueError)


def test_unique_numbers_are_not_ids_unless_they_look_like_ids():
    rng = np.random.default_rng(0)
    df = pd.DataFrame({"measure": rng.permutation(1000)[:50] * 3 + rng.integers(0, 2, 50)})
    assert kinds(df)["measure"] == "numerical"
    assert kinds(pd.DataFrame({"row": np.arange(50) * 2}))["row"] == "id"


def test_numbers_with_infinities_are_numerical():
    # Regression: a ratio column holding inf (a count over zero) was refused outright.
    x = np.random.default_rng(0).normal(size=200)
    x[:3], x[3] = np.inf, -np.inf
    assert kinds(pd.DataFrame({"ratio": x}))["ratio"] == "numerical"


@pytest.mark.parametrize("text, fmt", [
    ("2024-03-01T12:00:00.123+01:00", "%Y-%m-%dT%H:%M:%S.%3f%:z"),
    ("2024-03-01T12:00:00.123Z", "%Y-%m-%dT%H:%M:%S.%3fZ"),
    ("2024-03-01 12:00:00.123", "%Y-%m-%d %H:%M:%S.%3f"),
    ("2024-03-01 12:00:00.123456", "%Y-%m-%d %H:%M:%S.%f"),
    ("2024-03-01T12:00:00+0530", "%Y-%m-%dT%H:%M:%S%z"),
])
def test_text_dates_with_fractions_and_offsets_are_dates(text, fmt):
    # Before 2026-12-02 milliseconds and UTC offsets made such columns ids: random digits in the
    # shape of a date on output.
    values = pd.Series([str(2024 - i) + text[4:] for i in range(40)], name="t")  # distinct years
    spec = infer_schema(pd.DataFrame({"t": values}))["t"]
    assert (spec.kind, spec.datetime_format) == ("datetime", fmt)


def test_text_dates_but_for_one_text_are_dates():
    dates = [f"20{10 + i % 15}-0{1 + i % 9}-1{i % 10}" for i in range(60)]
    for odd in ("0000-00-00", "unknown", "ongoing"):
        values = pd.Series([odd if i % 7 == 0 else d for i, d in enumerate(dates)])
        spec = infer_schema(pd.DataFrame({"t": values}))["t"]
        assert (spec.kind, spec.datetime_format) == ("datetime", "%Y-%m-%d"), odd
    # Before 2026-12-03 two such texts, or one beside missing values, made the column no dates.
    two = pd.Series(["unknown" if i % 7 == 0 else "n/a" if i % 11 == 0 else d for i, d in enumerate(dates)])
    assert infer_schema(pd.DataFrame({"t": two}))["t"].kind == "datetime"
    gaps = pd.Series(["unknown" if i % 7 == 0 else None if i % 11 == 0 else d for i, d in enumerate(dates)])
    assert infer_schema(pd.DataFrame({"t": gaps}))["t"].kind == "datetime"
    four = pd.Series([["a", "b", "c", "d"][i % 4] if i % 3 == 0 else d for i, d in enumerate(dates)])
    assert infer_schema(pd.DataFrame({"t": four}))["t"].kind != "datetime"  # more texts than 3
    few = pd.Series(["yes", "no", "maybe", "2020-01-01"] * 10)  # words and a date: no dates
    assert infer_schema(pd.DataFrame({"t": few}))["t"].kind != "datetime"


def test_offsets_no_time_zone_has_are_dates_too():
    # Before 2026-12-02 such a column was an id, and its generated values were no dates
    # ("3584-23-48N51:91:44-04:82"): the offsets follow no zone (+01:17), or several (rows written
    # in Paris and in New York on the same days).
    odd = pd.Series([f"20{10 + i}-03-01T12:00:00+01:17" for i in range(30)], name="t")
    mixed = pd.Series([f"20{10 + i}-03-01T12:00:00{'+02:00' if i % 2 else '-05:00'}" for i in range(30)])
    for values in (odd, mixed):
        spec = infer_schema(pd.DataFrame({"t": values}))["t"]
        assert (spec.kind, spec.datetime_format) == ("datetime", "%Y-%m-%dT%H:%M:%S%:z")
    bad = mixed.where(mixed.index != 3, "2013-03-01T12:00:00+0200")  # one offset written otherwise
    assert infer_schema(pd.DataFrame({"t": bad}))["t"].kind == "id"


def test_python_dates_decimals_and_durations_get_their_kinds():
    import datetime
    import decimal

    n = 40
    df = pd.DataFrame({
        "d": [datetime.date(2020, 1, 1) + datetime.timedelta(days=i) for i in range(n)],
        "dt": pd.Series([datetime.datetime(2020, 1, 1, i % 24) for i in range(n)], dtype=object),
        "p": [decimal.Decimal(f"{i}.25") for i in range(n)],
        "dur": pd.to_timedelta(np.arange(n) % 7, unit="h"),
        "same_date": [datetime.date(2020, 1, 1)] * n,
    })
    kinds = {c.name: c.kind for c in infer_schema(df).columns}
    assert kinds == {"d": "datetime", "dt": "datetime", "p": "numerical", "dur": "numerical",
                     "same_date": "datetime"}
    meta = {"columns": {"d": {"sdtype": "datetime"}, "dur": {"sdtype": "numerical"},
                        "p": {"sdtype": "numerical"}}}
    assert infer_schema(df, metadata=meta)["d"].datetime_format is None


def test_a_metadata_format_in_strftimes_own_terms_fits_milliseconds_and_offsets():
    values = pd.Series([f"20{10 + i}-03-01T12:00:00.123+01:00" for i in range(30)], name="t")
    meta = {"columns": {"t": {"sdtype": "datetime", "datetime_format": "%Y-%m-%dT%H:%M:%S.%f%z"}}}
    assert infer_schema(pd.DataFrame({"t": values}), metadata=meta)["t"].datetime_format == \
        "%Y-%m-%dT%H:%M:%S.%3f%:z"


def test_text_most_of_whose_rows_hold_their_own_value_is_an_id():
    # Before 2026-12-02 a names column with a few repeated names was categorical, and its pooled
    # tail of real names came back verbatim.
    rng = np.random.default_rng(0)
    first = ["Anna", "Ben", "Carl", "Dora", "Eva", "Finn", "Gus", "Hana", "Ivo", "Jan"]
    names = pd.Series([f"{rng.choice(first)} {rng.integers(0, 3000)}" for _ in range(2000)])
    names[::7] = None
    share = names.value_counts().eq(1).sum() / len(names)
    assert 0.5 < share < 0.95 and names.dropna().duplicated().any()
    kinds = {c.name: c.kind for c in infer_schema(pd.DataFrame({
        "name": names, "first": names.str.split().str[0],
        "tail": [f"c{i}" if i < 150 else "common" for i in range(2000)]})).columns}
    assert kinds == {"name": "id", "first": "categorical", "tail": "categorical"}


def test_an_empty_column_is_a_constant_that_comes_back_empty():
    # Before 2026-12-02 it was refused ("every value is missing"): a CSV with a trailing delimiter
    # on every line could not be fitted.
    from tabgan.transformers import ConstantTransformer

    df = pd.DataFrame({"a": [np.nan] * 3, "o": pd.Series([None] * 3, dtype=object),
                       "i": pd.array([pd.NA] * 3, dtype="Int64"), "b": [1, 2, 3]})
    assert [c.kind for c in infer_schema(df).columns] == ["constant", "constant", "constant", "numerical"]
    for column in ("a", "o", "i"):
        t = ConstantTransformer().fit(df[column], np.random.default_rng(0))
        back = ConstantTransformer.from_dict(t.to_dict())
        out = back.inverse_transform(np.zeros((3, 0), np.float32), np.random.default_rng(0))
        pd.testing.assert_series_equal(out, df[column])


def test_text_dates_with_sentinels_beyond_nanoseconds_are_dates():
    # Before 2026-12-02 '9999-12-31' or '0001-01-01' in a date column made it an id.
    from tabgan.schema import format_dates, text_dates

    s = pd.Series(["2020-01-03", "9999-12-31", None, "0001-01-01", "2021-07-01"] * 10, name="end")
    spec = infer_schema(pd.DataFrame({"end": s}))["end"]
    assert (spec.kind, spec.datetime_format) == ("datetime", "%Y-%m-%d")
    parsed = text_dates(s, "%Y-%m-%d")
    assert str(parsed.dtype) == "datetime64[us]" and parsed.iloc[1] == pd.Timestamp("9999-12-31")
    text = format_dates(parsed, "%Y-%m-%d")
    assert text.iloc[[0, 1, 3]].tolist() == ["2020-01-03", "9999-12-31", "0001-01-01"]
    assert text.isna().tolist() == s.isna().tolist()
    with pytest.raises(ValueError):
        text_dates(pd.Series(["2020-01-03", "9999-12-31", "not a date"]), "%Y-%m-%d")


def test_day_first_text_dates_are_found_without_a_pandas_warning():
    import warnings

    df = pd.DataFrame({"datum": ["31.12.2020", "01.01.2021", "15.06.2021"] * 5})
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        spec = infer_schema(df)["datum"]
    assert (spec.kind, spec.datetime_format) == ("datetime", "%d.%m.%Y")


@pytest.mark.parametrize("fmt", ["%d.%m.%Y %H:%M", "%d/%m/%Y %H:%M", "%d-%m-%Y", "%d/%m/%y", "%m/%d/%y"])
def test_day_first_dates_are_dates_whatever_their_first_day(fmt):
    # Before 2026-12-03 the format was guessed from the first value alone: "05.03.2021 10:30"
    # read month first, and the column became an id of random digits ("28.19.2021 21:17").
    # Two-digit years were never dates.
    import warnings

    rng = np.random.default_rng(0)
    when = pd.Series(pd.Timestamp("2021-01-01") + pd.to_timedelta(rng.integers(0, 365 * 86_400, 400), unit="s"))
    when[0] = pd.Timestamp("2021-03-05 10:30")  # day and month both 12 or less
    df = pd.DataFrame({"when": when.dt.strftime(fmt)})
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        spec = infer_schema(df)["when"]
    assert (spec.kind, spec.datetime_format) == ("datetime", fmt)


def test_uuid_objects_are_ids_or_categories():
    # Before 2026-12-02 a column of uuid.UUID objects (what database drivers give for UUID
    # columns) was refused as mixing value types.
    import uuid

    keys = [uuid.uuid4() for _ in range(5)]
    rng = np.random.default_rng(0)
    df = pd.DataFrame({"id": [uuid.uuid4() for _ in range(100)],
                       "customer": [keys[i] for i in rng.integers(0, 5, 100)]})
    kinds = {c.name: c.kind for c in infer_schema(df).columns}
    assert kinds == {"id": "id", "customer": "categorical"}
    # Named so: before 2026-12-03 discrete_columns refused them ("values of type UUID").
    assert infer_schema(df, discrete_columns=["id", "customer"])["id"].kind == "categorical"
    numbers = pd.DataFrame({"v": pd.Series([1.5, None, 2.25] * 10, dtype=object)})  # and declared numerical
    assert infer_schema(numbers, metadata={"columns": {"v": {"sdtype": "numerical"}}})["v"].kind == "numerical"


def test_text_that_only_looks_like_a_time_is_not_one():
    # Ratios and scores read with %H:%M would not print back as written ("3:1" -> "03:01").
    rng = np.random.default_rng(0)
    df = pd.DataFrame({"score": [f"{a}:{b}" for a, b in rng.integers(0, 9, (300, 2))],
                       "lap": [f"{m:02d}:{s:02d}" for m, s in zip(rng.integers(60, 99, 300),
                                                                   rng.integers(0, 60, 300))]})
    kinds = {c.name: c.kind for c in infer_schema(df).columns}
    assert kinds["score"] != "datetime" and kinds["lap"] != "datetime"  # minutes past 59


def test_numbers_that_write_times_or_dates_show_their_code_and_metadata_sets_or_clears_it():
    # Before 2026-12-02 the schema did not show a code, metadata could not set one (an HHMM column
    # declared datetime with '%H%M' was refused: 517 does not parse) nor turn detection off.
    rng = np.random.default_rng(0)
    n = 400
    day = pd.Timestamp("2020-01-01") + pd.to_timedelta(rng.integers(0, 900, n), unit="D")
    df = pd.DataFrame({"dep": rng.integers(5, 23, n) * 100 + rng.integers(0, 60, n),
                       "day": pd.Series(day.strftime("%Y%m%d")).astype(np.int64),
                       "year": rng.integers(1990, 2020, n), "x": rng.normal(size=n)})
    schema = infer_schema(df)
    assert [(c.kind, c.datetime_format) for c in schema.columns] == [
        ("numerical", "%H%M"), ("numerical", "%Y%m%d"), ("numerical", None), ("numerical", None)]
    assert "HHMM times ('%H%M')" in str(schema) and "YYYYMMDD dates ('%Y%m%d')" in str(schema)
    meta = schema.to_metadata()
    assert meta["columns"]["dep"] == {"sdtype": "datetime", "datetime_format": "%H%M"}
    again = infer_schema(df, metadata=meta)  # the metadata gives the same schema back
    assert [(c.kind, c.datetime_format) for c in again.columns] == [(c.kind, c.datetime_format) for c in schema.columns]
    few = df.head(6)  # too few values to be beyond chance: metadata says what they are
    assert infer_schema(few)["dep"].datetime_format is None
    assert infer_schema(few, metadata={"columns": {"dep": {"sdtype": "datetime", "datetime_format": "%H%M"}}}
                        )["dep"].datetime_format == "%H%M"
    plain = infer_schema(df, metadata={"columns": {"dep": {"sdtype": "numerical"}}})
    assert (plain["dep"].kind, plain["dep"].datetime_format) == ("numerical", None)
    year = infer_schema(df, metadata={"columns": {"year": {"sdtype": "datetime", "datetime_format": "%Y"}}})
    assert (year["year"].kind, year["year"].datetime_format) == ("datetime", "%Y")  # as before
    with pytest.raises(ColumnError, match=r"column 'x': declared datetime with '%H%M', but -?[\d.]+ is none of "
                                          "its HHMM times"):
        infer_schema(df, metadata={"columns": {"x": {"sdtype": "datetime", "datetime_format": "%H%M"}}})
    with pytest.raises(ColumnError, match="column 'dep': declared datetime but its values do not parse as dates "
                                          r"\(whole numbers that write times or dates take a datetime_format of "
                                          "'%Y%m%d', '%Y%m', '%H%M%S', '%H%M'\\)"):
        infer_schema(df, metadata={"columns": {"dep": {"sdtype": "datetime"}}})


def test_numbers_written_as_text_are_numerical():
    # Before 2026-12-02 prices read as text with a "?" (pd.read_csv of a UCI table) were an id,
    # generated as "00.3" and "71.0".
    from tabgan.schema import text_number_form

    rng = np.random.default_rng(0)
    n = 200
    price = np.char.mod("%.2f", np.round(rng.normal(50, 10, n), 2)).astype(object)
    price[::9] = "?"
    age = rng.integers(18, 90, n).astype(str).astype(object)
    mixed = np.array([repr(float(v)).removesuffix(".0") for v in np.round(rng.normal(0, 5, n), 1) + 0.0], dtype=object)
    df = pd.DataFrame({
        "price": price, "age": age, "mixed": mixed,
        "codes": rng.choice(["1", "2", "3"], n),  # few distinct: survey codes, a category
        "zips": [f"{z:05d}" for z in rng.integers(0, 3000, n)],  # leading zeros: text
        "customer_id": [str(100_000 + i) for i in range(n)],  # an id written as text
        # Before 2026-12-03 a second way of writing missing values made this a category.
        "two_odd": np.where(np.arange(n) % 10 == 0, "?", np.where(np.arange(n) % 10 == 1, "n/a", age)),
        "four_odd": np.where(np.arange(n) % 10 < 4, np.array(["?", "n/a", "-", "x"])[np.arange(n) % 4], age),
    })
    kinds = {c.name: c.kind for c in infer_schema(df).columns}
    assert kinds == {"price": "numerical", "age": "numerical", "mixed": "numerical", "codes": "categorical",
                     "zips": "id", "customer_id": "id", "two_odd": "numerical", "four_odd": "categorical"}
    assert text_number_form(df["price"]) == ("%.2f", ("?",))
    assert text_number_form(df["age"]) == ("%d", ())
    assert text_number_form(df["mixed"]) == ("shortest", ())
    assert text_number_form(df["two_odd"]) == ("%d", ("?", "n/a"))
    gaps = df["price"].where(np.arange(n) % 13 != 0)  # missing values of its own and a "?"
    assert text_number_form(gaps) == ("%.2f", ("?",))
    assert text_number_form(df["price"].where(df["price"] != "?")) == ("%.2f", ())


def test_text_with_a_nul_character_is_refused_naming_the_column():
    # Before 2026-12-03 "" and "\x00" (or "a" and "a\x00") were one value to pandas' hash tables:
    # such a column was learnt as a constant and came back without its NULs (found by the
    # round-trip property test).
    import decimal

    from tabgan.errors import ColumnError
    from tabgan.schema import validate_frame

    for column in (pd.Series(["", "\x00"]), pd.Series([1, "a\x00b", None], dtype=object),
                   pd.Series(["a\x00", "b"], dtype="string")):
        with pytest.raises(ColumnError, match=r"column 't': holds text with a NUL character"):
            validate_frame(pd.DataFrame({"t": column}))
    for column in (pd.Series([decimal.Decimal("1.5")] * 2), pd.Series([b"a\x00"] * 2), pd.Series(["x", None])):
        validate_frame(pd.DataFrame({"t": column}))  # no text, or none with a NUL


@pytest.mark.parametrize("values", [
    [pd.Timestamp("2020-01-01", tz="UTC"), pd.Timestamp("2020-01-02")],
    [pd.Timestamp("2020-01-02"), pd.Timestamp("2020-01-01", tz="UTC"), pd.Timestamp("2020-01-01", tz="Europe/Paris")],
    [datetime.date(2020, 1, 1), datetime.datetime(2020, 1, 1, tzinfo=datetime.timezone.utc)],
    [datetime.datetime(9999, 12, 31), pd.Timestamp("2020-01-01", tz="UTC")],
], ids=["aware-first", "naive-first", "date-and-aware", "far-naive-and-aware"])
def test_dates_with_and_without_a_time_zone_in_one_column_are_refused_naming_it(values):
    # Before 2026-12-04 an aware date first raised pandas' bare "Cannot mix tz-aware with
    # tz-naive values" from the fit, and a naive one first was read as UTC (or, beyond 2262, the
    # aware ones as naive) without a word.
    from tabgan.schema import object_dates
    from tabgan.transformers import TableTransformer

    t = pd.Series(values * 100, dtype=object, name="t")
    message = r"column 't': mixes value types \(dates with a time zone, dates without one\)"
    with pytest.raises(ColumnError, match=message):
        object_dates(t)
    with pytest.raises(ColumnError, match=message):
        TableTransformer().fit(pd.DataFrame({"x": np.arange(len(t)) % 7.0, "t": t}))


def test_numbers_as_text_with_a_negative_zero_are_numbers_and_keep_it():
    # Before 2026-12-04 a "-0.00" (what "%.2f" writes for -0.001) made format_numbers' "0.00"
    # differ from the text: the whole column was categorical (only real rows' values generated),
    # or an id of random digits where most of its values were distinct.
    from tabgan.transformers import TableTransformer

    rng = np.random.default_rng(0)
    s = pd.Series(np.char.mod("%.2f", rng.normal(0, 1, 300)).astype(object), name="change")
    assert (s == "-0.00").any()
    assert kinds(s.to_frame()) == {"change": "numerical"}
    t = TableTransformer(random_state=0).fit(s.to_frame())
    pd.testing.assert_frame_equal(t.inverse_transform(t.transform(s.to_frame()), random_state=0), s.to_frame())
    plain = s.where(s != "-0.00", "0.00").to_frame()  # no -0.00 written: none generated
    t = TableTransformer(random_state=0).fit(plain)
    generated = t.inverse_transform(rng.uniform(-1, 1, (20_000, t.layout_.width)), random_state=0)["change"]
    assert (generated == "0.00").sum() > 10 and not (generated == "-0.00").any()


def test_dates_durations_and_booleans_declared_ids_are_refused_naming_the_column():
    # Before 2026-12-04 they were fitted and trained on, and sampling raised pandas' own error
    # parsing the random text in their shape ("month must be in 1..12: 3584-23-48 51:91:44").
    import pyarrow as pa

    n = 40
    days = pd.Series(pd.date_range("2020-01-01", periods=n, freq="h"))
    columns = {
        "seen": (days, "dates"), "zoned": (days.dt.tz_localize("UTC"), "dates"),
        "month": (days.dt.to_period("M"), "dates"), "day": (days.dt.date, "dates"),
        "stamp": (days.astype(pd.ArrowDtype(pa.timestamp("us"))), "dates"),
        "wait": (pd.Series(pd.to_timedelta(np.arange(n), unit="s")), "durations"),
        "flag": (pd.Series([True, False] * 20, dtype="boolean"), "booleans"),
    }
    for name, (values, held) in columns.items():
        for sdtype in ("id", "email"):
            with pytest.raises(ColumnError, match=f"^column '{name}': declared id \\(or personal data\\) but "
                                                  f"holds {held}, which cannot hold fresh ids"):
                infer_schema(pd.DataFrame({name: values}), metadata={"columns": {name: {"sdtype": sdtype}}})
    for values in (pd.Series(np.arange(n) * 2.5), days.dt.strftime("%Y-%m-%d %H:%M")):  # numbers, text: ids
        assert kinds(values.to_frame("v"), metadata={"columns": {"v": {"sdtype": "id"}}}) == {"v": "id"}
