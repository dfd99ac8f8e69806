"""Bad input becomes one clear tabgan error that names the column or parameter at fault."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from tabgan.errors import ColumnError, DataError, ParameterError, TabganError
from tabgan.evaluation import Limits, evaluate
from tabgan.evaluation.columns import infer_schema


@pytest.fixture
def table() -> pd.DataFrame:
    rng = np.random.default_rng(0)
    return pd.DataFrame(
        {
            "age": rng.integers(18, 90, 60),
            "city": rng.choice(["a", "b", "c"], 60),
            "member": rng.random(60) < 0.5,
            "joined": pd.date_range("2020-01-01", periods=60, freq="D"),
        }
    )


def _one_line_error(error: pytest.ExceptionInfo[TabganError], *names: str) -> None:
    message = str(error.value)
    assert "\n" not in message
    for name in names:
        assert name in message


def test_synthetic_missing_a_column_names_it(table: pd.DataFrame) -> None:
    with pytest.raises(ColumnError) as error:
        evaluate(table, table.drop(columns="city"))
    _one_line_error(error, "'city'", "synthetic")
    assert error.value.column == "city"


def test_synthetic_extra_column_names_it(table: pd.DataFrame) -> None:
    with pytest.raises(ColumnError) as error:
        evaluate(table, table.assign(extra=1))
    _one_line_error(error, "'extra'")


def test_holdout_with_other_columns_names_the_column(table: pd.DataFrame) -> None:
    with pytest.raises(ColumnError) as error:
        evaluate(table, table, holdout=table.rename(columns={"age": "Age"}))
    _one_line_error(error, "'age'", "holdout")


@pytest.mark.parametrize("which", ["real", "synthetic", "holdout"])
def test_empty_frames_are_refused(table: pd.DataFrame, which: str) -> None:
    frames = {"real": table, "synthetic": table, "holdout": table}
    frames[which] = table.iloc[:0]
    with pytest.raises(DataError) as error:
        evaluate(**frames)
    _one_line_error(error, which, "no rows")


def test_frame_without_columns_is_refused(table: pd.DataFrame) -> None:
    with pytest.raises(DataError) as error:
        evaluate(pd.DataFrame(index=range(3)), table)
    _one_line_error(error, "real")


def test_not_a_dataframe_is_refused(table: pd.DataFrame) -> None:
    with pytest.raises(DataError) as error:
        evaluate(table, table.to_numpy())  # type: ignore[arg-type]
    _one_line_error(error, "synthetic", "ndarray")


def test_unknown_target_names_it(table: pd.DataFrame) -> None:
    with pytest.raises(ColumnError) as error:
        evaluate(table, table, holdout=table, target="income")
    _one_line_error(error, "'income'", "target")


def test_datetime_target_is_refused(table: pd.DataFrame) -> None:
    with pytest.raises(ColumnError) as error:
        evaluate(table, table, holdout=table, target="joined")
    _one_line_error(error, "'joined'", "datetime")


def test_unknown_sensitive_column_names_it(table: pd.DataFrame) -> None:
    with pytest.raises(ColumnError) as error:
        evaluate(table, table, holdout=table, sensitive=["salary"])
    _one_line_error(error, "'salary'", "sensitive")


def test_text_in_a_numerical_column_names_column_and_value(table: pd.DataFrame) -> None:
    synthetic = table.astype({"age": object})
    synthetic.loc[3, "age"] = "old"
    with pytest.raises(ColumnError) as error:
        evaluate(table, synthetic)
    _one_line_error(error, "'age'", "'old'", "synthetic")


def test_metadata_naming_an_unknown_column_is_refused(table: pd.DataFrame) -> None:
    with pytest.raises(ColumnError) as error:
        evaluate(table, table, metadata={"columns": {"zip": {"sdtype": "categorical"}}})
    _one_line_error(error, "'zip'", "metadata")


def test_metadata_in_the_wrong_shape_is_a_parameter_error(table: pd.DataFrame) -> None:
    with pytest.raises(ParameterError):
        evaluate(table, table, metadata={"age": "numerical"})


@pytest.mark.parametrize(
    ("kwargs", "name"),
    [
        ({"sections": ["fidelity", "speed"]}, "sections"),
        ({"sections": []}, "sections"),
        ({"thresholds": {"speed": (1, 2)}}, "speed"),
        ({"thresholds": {"dcr_share": (0.6, 0.55)}}, "dcr_share"),
        ({"random_state": "seed"}, "random_state"),
        ({"device": "quantum"}, "device"),
    ],
)
def test_bad_parameters_name_the_parameter(
    table: pd.DataFrame, kwargs: dict[str, object], name: str
) -> None:
    with pytest.raises(ParameterError) as error:
        evaluate(table, table, **kwargs)  # type: ignore[arg-type]
    _one_line_error(error, name)


def test_limits_must_be_positive() -> None:
    with pytest.raises(ParameterError, match=r"limits\.detection_rows=0"):
        Limits(detection_rows=0)


def test_kinds_are_tabgans_and_metadata_overrides_them(table: pd.DataFrame) -> None:
    # Before 2026-12-02 the dtype alone decided: the id was numerical, the text ids and the
    # text dates categorical (one category a row).
    stamps = pd.date_range("2023-01-01", periods=60, freq="7h", tz="Europe/Berlin")
    schema = infer_schema(table.assign(
        user_id=range(60), note="x", ref=[f"R-{i:04d}" for i in range(60)],
        seen=stamps.strftime("%Y-%m-%dT%H:%M:%S%z")))
    assert schema.kinds == {
        "age": "numerical",
        "city": "categorical",
        "member": "categorical",
        "joined": "datetime",
        "note": "categorical",
        "seen": "datetime",
    }
    assert set(schema.ignored) == {"user_id", "ref"} and "id" in schema.ignored["ref"]
    assert schema.formats == {"seen": "%Y-%m-%dT%H:%M:%S%z"}
    declared = infer_schema(
        table.assign(user_id=range(60)),
        {"columns": {"user_id": {"sdtype": "id"}, "age": {"sdtype": "categorical"}}},
    )
    assert declared.kinds["age"] == "categorical"
    assert "user_id" not in declared.kinds
    assert "id" in declared.ignored["user_id"]


def test_id_columns_are_ignored_and_reported(table: pd.DataFrame) -> None:
    real = table.assign(user_id=range(60))
    synthetic = table.assign(user_id=range(100, 160))
    metadata = {"columns": {"user_id": {"sdtype": "id"}}}
    result = evaluate(real, synthetic, metadata=metadata, sections=["fidelity"]).to_dict()
    assert "user_id" in result["ignored_columns"]
    assert "user_id" not in result["columns"]
    assert result["fidelity"]["column_shapes"]["value"] == pytest.approx(1.0)


def test_public_names_are_deliberate() -> None:
    import tabgan.evaluation

    assert tabgan.evaluation.__all__ == sorted(tabgan.evaluation.__all__)
    for name in tabgan.evaluation.__all__:
        assert getattr(tabgan.evaluation, name) is not None


def test_a_copy_with_fresh_ids_is_an_exact_copy_and_text_dates_are_instants(table: pd.DataFrame) -> None:
    # Before 2026-12-02 a regenerated id column made every copied row differ from its source, and
    # text dates were categories: a copy of train scored no exact copies and low column shapes.
    real = table.assign(ref=[f"R-{i:04d}" for i in range(60)],
                        seen=pd.date_range("2023-01-01", periods=60, freq="7h", tz="Europe/Berlin")
                        .strftime("%Y-%m-%dT%H:%M:%S.123%z"))
    rng = np.random.default_rng(1)
    train, holdout = real.iloc[:40].reset_index(drop=True), real.iloc[40:].reset_index(drop=True)
    copy = train.assign(ref=[f"Q-{i:04d}" for i in rng.permutation(40)])
    result = evaluate(train, copy, holdout=holdout, sections=["fidelity", "privacy"]).to_dict()
    assert result["ignored_columns"].keys() == {"ref"}
    assert result["privacy"]["exact_copies"]["value"] == pytest.approx(1.0)
    assert result["fidelity"]["column_shapes"]["value"] == pytest.approx(1.0)


def test_durations_are_numbers_in_seconds_and_missing_ones_stay_missing() -> None:
    # A duration column is numerical since 2026-12-02; a NaT must not become int64's minimum.
    from tabgan.evaluation.columns import prepare

    real = pd.DataFrame({"wait": pd.to_timedelta([1, 2, None, 4] * 10, unit="s")})
    schema = infer_schema(real)
    assert schema.kinds == {"wait": "numerical"}
    numeric = prepare(schema, {"real": real}).numeric["real"][:4, 0]
    assert np.allclose(numeric, [1, 2, np.nan, 4], equal_nan=True)


def test_infinities_are_counted_apart_from_missing_values(tmp_path) -> None:
    # Regression: inf read as missing, so a table with inf where the real one has NaN scored 0.
    rng = np.random.default_rng(0)

    def ratios(n_inf: int, n_minus_inf: int, n_missing: int) -> pd.DataFrame:
        x = rng.normal(size=100)
        x[:n_inf], x[n_inf:n_inf + n_minus_inf] = np.inf, -np.inf
        x[n_inf + n_minus_inf:n_inf + n_minus_inf + n_missing] = np.nan
        return pd.DataFrame({"ratio": x, "other": rng.normal(size=100)})

    report = evaluate(ratios(5, 2, 3), ratios(0, 2, 8), sections=["fidelity"])
    missing = report.to_dict()["fidelity"]["missing_values"]
    assert missing["columns"][0] == {
        "column": "ratio", "real_rate": 0.03, "real_inf_rate": 0.05, "real_minus_inf_rate": 0.02,
        "synthetic_rate": 0.08, "synthetic_inf_rate": 0.0, "synthetic_minus_inf_rate": 0.02,
        "difference": pytest.approx(0.05),
    }
    assert missing["columns"][1] == {"column": "other", "real_rate": 0.0, "synthetic_rate": 0.0, "difference": 0.0}
    assert missing["value"] == pytest.approx(0.05)
    assert np.isfinite(report.to_dict()["fidelity"]["column_shapes"]["value"])
    assert "<th>synthetic -inf</th>" in report.save_html(tmp_path / "r.html").read_text(encoding="utf-8")


def test_each_way_of_writing_missing_values_is_compared(tmp_path) -> None:
    # Regression: "?" and empty cells counted as one, so a table with all "?" where the real
    # one had half of each scored a missing-value difference of 0.
    rng = np.random.default_rng(0)

    def ages(n_own: int, n_text: int) -> pd.DataFrame:
        x = rng.integers(18, 90, 100).astype(str).astype(object)
        x[:n_own], x[n_own:n_own + n_text] = None, "?"
        return pd.DataFrame({"age": x, "other": rng.normal(size=100)})

    report = evaluate(ages(5, 5), ages(0, 10), sections=["fidelity"])
    missing = report.to_dict()["fidelity"]["missing_values"]
    entry = missing["columns"][0]
    assert (entry["real_rate"], entry["synthetic_rate"]) == (0.10, 0.10)
    assert entry["real_kinds"] == {"": 0.05, "?": 0.05} and entry["synthetic_kinds"] == {"": 0.0, "?": 0.10}
    assert entry["difference"] == pytest.approx(0.05) and missing["value"] == pytest.approx(0.05)
    assert "?: 0.05" in report.save_html(tmp_path / "r.html").read_text(encoding="utf-8")


def test_an_empty_column_is_ignored_and_said_so(table: pd.DataFrame) -> None:
    real = table.assign(blank=np.nan)
    result = evaluate(real, real, sections=["fidelity"]).to_dict()
    assert "missing" in result["ignored_columns"]["blank"]
    assert result["fidelity"]["column_shapes"]["value"] == pytest.approx(1.0)


def test_periods_are_instants_and_pyarrow_categories_categories() -> None:
    # Both dtypes are learnt since 2026-12-02; the evaluator reads them as the models do.
    import pyarrow as pa

    from tabgan.evaluation.columns import prepare

    months = pd.period_range("2020-01", periods=12, freq="M")
    real = pd.DataFrame({
        "month": pd.Series(months[np.arange(40) % 12]),
        "c": pd.Series(["u", "v"] * 20, dtype=pd.ArrowDtype(pa.dictionary(pa.int8(), pa.string()))),
    })
    schema = infer_schema(real)
    assert schema.kinds == {"month": "datetime", "c": "categorical"}
    seconds = prepare(schema, {"real": real}).numeric["real"][:2, 0]
    assert np.allclose(seconds, [pd.Timestamp("2020-01-01").timestamp(), pd.Timestamp("2020-02-01").timestamp()])
    result = evaluate(real, real, sections=["fidelity"]).to_dict()
    assert result["fidelity"]["column_shapes"]["value"] == pytest.approx(1.0)


def test_sentinel_dates_beyond_nanoseconds_are_evaluated() -> None:
    # Before 2026-12-02 a 9999-12-31 in a datetime column was "cannot be parsed".
    import datetime

    ends = [datetime.date(9999, 12, 31) if i % 3 == 0 else datetime.date(2020, 1, 1 + i % 28)
            for i in range(60)]
    real = pd.DataFrame({"end": pd.Series(ends, dtype=object),
                         "text": [str(d) for d in ends],
                         "stamp": pd.Series(np.array(ends, dtype="datetime64[s]"))})
    schema = infer_schema(real)
    assert set(schema.kinds.values()) == {"datetime"}
    result = evaluate(real, real, sections=["fidelity"]).to_dict()
    assert result["fidelity"]["column_shapes"]["value"] == pytest.approx(1.0)


def test_text_dates_with_one_text_that_is_no_date_are_evaluated_as_dates() -> None:
    # "0000-00-00" (a MySQL zero date) is the column's missing value, as the models read it.
    dates = ["0000-00-00" if i % 5 == 0 else f"2020-0{1 + i % 9}-1{i % 10}" for i in range(60)]
    real = pd.DataFrame({"joined": dates, "n": np.arange(60) % 7})
    assert infer_schema(real).kinds["joined"] == "datetime"
    result = evaluate(real, real.iloc[::-1].reset_index(drop=True), sections=["fidelity"]).to_dict()
    assert result["fidelity"]["column_shapes"]["value"] == pytest.approx(1.0)


def test_numbers_written_as_text_with_a_missing_text_are_evaluated_as_numbers() -> None:
    # Before 2026-12-02: "column 'age': is numerical but real holds non-numeric value '?'".
    rng = np.random.default_rng(0)
    age = rng.integers(18, 90, 120).astype(str).astype(object)
    age[::7] = "?"
    real = pd.DataFrame({"age": age, "n": np.arange(120) % 7})
    schema = infer_schema(real)
    assert schema.kinds["age"] == "numerical" and schema.missing_texts == {"age": ("?",)}
    result = evaluate(real, real.iloc[::-1].reset_index(drop=True), sections=["fidelity"]).to_dict()
    assert result["fidelity"]["column_shapes"]["value"] == pytest.approx(1.0)


def test_metadata_gives_text_dates_their_format_and_ids_their_reason() -> None:
    # Before 2026-12-02 a declared datetime_format was not used, and a declared id was "sdtype
    # 'id' is not evaluated".
    from tabgan.evaluation.columns import prepare

    real = pd.DataFrame({"day": ["31.01.2020", "01.02.2020", "13.02.2020"] * 10,
                         "who": [f"p{i}" for i in range(30)], "x": np.arange(30.0)})
    metadata = {"columns": {"day": {"sdtype": "datetime", "datetime_format": "%d.%m.%Y"},
                            "who": {"sdtype": "id"}}}
    schema = infer_schema(real, metadata)
    assert schema.formats == {"day": "%d.%m.%Y"} and "an id" in schema.ignored["who"]
    day = prepare(schema, {"real": real}).frames["real"]["day"]
    assert day.iloc[:3].tolist() == [pd.Timestamp("2020-01-31"), pd.Timestamp("2020-02-01"),
                                     pd.Timestamp("2020-02-13")]


def test_tables_too_small_for_a_metric_skip_it_and_say_why(table: pd.DataFrame) -> None:
    # Before 2026-12-02 two synthetic rows ended the call with scikit-learn's "Cannot have
    # number of splits n_splits=3 greater than the number of samples", and one holdout row
    # printed its "R^2 score is not well-defined" warning and gave NaN.
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        result = evaluate(table, table.iloc[:2], sections=["fidelity", "detection"]).to_dict()
        assert result["detection"] == {
            "skipped": "needs at least 3 rows in each table (real has 60, synthetic 2)"}
        assert "detection" not in {h["section"] for h in result["headline"]}
        result = evaluate(table, table, holdout=table.iloc[:1], target="age",
                          sections=["utility"]).to_dict()
    assert result["utility"]["synthetic"] == {"r2": None, "note": "R^2 needs at least two holdout rows"}
    assert result["utility"]["value"] is None


def test_times_of_day_are_evaluated_as_instants() -> None:
    # datetime.time objects are datetimes since 2026-12-02; the evaluator could not parse them.
    import datetime

    rng = np.random.default_rng(0)

    def table() -> pd.DataFrame:
        h, m = rng.integers(0, 24, 200), rng.integers(0, 60, 200)
        return pd.DataFrame({"t": [datetime.time(int(a), int(b)) for a, b in zip(h, m)],
                             "s": [f"{a:02d}:{b:02d}" for a, b in zip(h, m)]})

    result = evaluate(table(), table(), sections=["fidelity"]).to_dict()
    assert infer_schema(table()).kinds == {"t": "datetime", "s": "datetime"}
    assert result["fidelity"]["column_shapes"]["value"] > 0.8
