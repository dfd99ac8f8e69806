import json

import numpy as np
import pandas as pd
import pytest

from tabgan.errors import ConditionError
from tabgan.transformers import DerivedTransformer, TableTransformer
from tabgan.transformers.derived import DERIVED_MIN_ROWS


def school(n: int = 3000, seed: int = 0) -> pd.DataFrame:
    """education with its years (a function), a one-to-one code, a coarser level, and noise."""
    rng = np.random.default_rng(seed)
    names = np.array(["HS-grad", "Bachelors", "Masters", "Doctorate", "Preschool"])
    years = {"HS-grad": 9, "Bachelors": 13, "Masters": 14, "Doctorate": 16, "Preschool": 1}
    code = {"HS-grad": "HS", "Bachelors": "BA", "Masters": "MA", "Doctorate": "PHD", "Preschool": "PS"}
    level = {"HS-grad": "school", "Bachelors": "college", "Masters": "college", "Doctorate": "college",
             "Preschool": "school"}
    edu = rng.choice(names, size=n, p=[0.5, 0.3, 0.12, 0.05, 0.03])
    return pd.DataFrame({
        "education": edu,
        "years": pd.Series(edu).map(years).astype("int64"),
        "code": pd.Series(edu).map(code),
        "level": pd.Series(edu).map(level),
        "age": rng.integers(18, 80, size=n),
        "weight": rng.normal(70, 10, size=n).round(1),
    })


def random_hot(t: TableTransformer, n: int, seed: int) -> np.ndarray:
    """(n, D) a generated-like matrix: a random hard one-hot per softmax span, tanh values in (-1, 1)."""
    rng = np.random.default_rng(seed)
    m = rng.uniform(-0.9, 0.9, size=(n, t.layout_.width)).astype(np.float32)
    for start, end, span in t.layout_.slices():
        if span.activation == "softmax":
            m[:, start:end] = np.eye(end - start, dtype=np.float32)[rng.integers(0, end - start, n)]
    return m


def test_functions_of_a_category_are_derived_and_the_rest_learned():
    df = school()
    t = TableTransformer(random_state=0).fit(df)
    # level is a function of education but not one-to-one: a categorical many-to-one stays learned
    assert t.derived_ == {"years": "education", "code": "education"}
    assert {s.column for s in t.layout_.spans} == {"education", "level", "age", "weight"}
    back = t.inverse_transform(t.transform(df), random_state=0)
    pd.testing.assert_frame_equal(back, df)


def test_generated_rows_keep_the_dependency_exactly():
    df = school()
    t = TableTransformer(random_state=0).fit(df)
    out = t.inverse_transform(random_hot(t, 5000, seed=1), random_state=0)
    truth = df.drop_duplicates("education").set_index("education")
    np.testing.assert_array_equal(out["years"].to_numpy(), truth.loc[out["education"], "years"].to_numpy())
    np.testing.assert_array_equal(out["code"].to_numpy(), truth.loc[out["education"], "code"].to_numpy())
    assert out["years"].dtype == np.int64 and out["code"].dtype == object
    assert set(out["education"]) == set(df["education"])  # every category was drawn


def test_not_derived_where_one_row_breaks_it_outside_the_screened_rows():
    df = school(n=20_000)
    df.loc[17_321, "years"] = 10  # one HS-grad with 10 years
    t = TableTransformer(random_state=0).fit(df)
    assert "years" not in t.derived_ and "code" in t.derived_


def test_a_category_with_too_few_rows_makes_no_source():
    df = school(n=400)
    rare = df.index[df["education"] == "Preschool"][DERIVED_MIN_ROWS - 1:]
    df = df.drop(rare).reset_index(drop=True)  # Preschool keeps DERIVED_MIN_ROWS - 1 rows
    assert (df["education"] == "Preschool").sum() == DERIVED_MIN_ROWS - 1
    assert TableTransformer(random_state=0).fit(df).derived_ == {}


def test_pooled_sources_are_not_used():
    df = school()
    assert TableTransformer(max_categories=4, random_state=0).fit(df).derived_ == {}


def test_missing_values_on_either_side():
    df = school(n=2000, seed=3)
    df.loc[df["education"] == "Preschool", "education"] = np.nan
    df.loc[df["education"].isna(), "code"] = "PS"
    df.loc[df["education"] == "Masters", "years"] = np.nan  # years becomes float with NaN
    df["years"] = df["years"].astype("Float64")
    t = TableTransformer(random_state=0).fit(df)
    assert t.derived_ == {"years": "education", "code": "education"}
    back = t.inverse_transform(t.transform(df), random_state=0)
    pd.testing.assert_frame_equal(back, df)


def test_no_chains_and_the_first_of_a_pair_is_the_source():
    df = school()
    df = df[["code", "education", "years"]]
    t = TableTransformer(random_state=0).fit(df)
    assert t.derived_ == {"education": "code", "years": "code"}


def test_derive_false_learns_every_column():
    df = school()
    t = TableTransformer(derive=False, random_state=0).fit(df)
    assert t.derived_ == {}
    assert {s.column for s in t.layout_.spans} == set(df.columns)


def test_state_is_json_and_decodes_the_same():
    df = school()
    t = TableTransformer(random_state=0).fit(df)
    t2 = TableTransformer.from_dict(json.loads(json.dumps(t.to_dict())))
    assert t2.derived_ == t.derived_
    m = random_hot(t, 500, seed=2)
    pd.testing.assert_frame_equal(t2.inverse_transform(m, random_state=0), t.inverse_transform(m, random_state=0))


def test_a_condition_on_a_one_to_one_column_is_one_on_its_source():
    df = school()
    t = TableTransformer(random_state=0).fit(df)
    assert t.condition_slot("code", "PHD") == t.condition_slot("education", "Doctorate")
    with pytest.raises(ConditionError, match=r"code='XX'.*not seen"):
        t.condition_slot("code", "XX")
    # Before 2026-12-02 a number looked up from its source (Adult's education-num) could not be
    # conditioned on: "only categorical and boolean columns can be conditioned on".
    assert t.condition_slot("years", 16) == t.condition_slot("education", "Doctorate")
    assert t.condition_slot("years", 16.0) == t.condition_slot("education", "Doctorate")
    with pytest.raises(ConditionError, match=r"years=15: value not seen in the training data "
                                             r"\(known: 9, 13, 14, 16, 1\)"):
        t.condition_slot("years", 15)
    with pytest.raises(ConditionError, match="years='16': value not seen.*; '16' is text, give it as 16$"):
        t.condition_slot("years", "16")


def test_a_condition_on_a_number_several_sources_give_names_them():
    df = school()
    df["years"] = df["education"].map({"HS-grad": 9, "Bachelors": 16, "Masters": 16,
                                       "Doctorate": 16, "Preschool": 1})
    t = TableTransformer(random_state=0).fit(df)
    assert isinstance(t.columns_[1], DerivedTransformer)
    with pytest.raises(ConditionError, match=r"years=16: 3 values of 'education' give it "
                                             r"\('Bachelors', 'Masters', 'Doctorate'\); condition on"):
        t.condition_slot("years", 16)
    assert t.condition_slot("years", 9) == t.condition_slot("education", "HS-grad")


def test_decoding_a_derived_column_alone_is_refused():
    t = TableTransformer(random_state=0).fit(school())
    derived = [c for c in t.columns_ if isinstance(c, DerivedTransformer)][0]
    with pytest.raises(TypeError, match="derived from 'education'"):
        derived.inverse_transform(np.zeros((2, 0)), np.random.default_rng(0))


def test_datetime_and_boolean_columns_can_be_derived():
    df = school(n=1000)
    start = {"HS-grad": "2001-09-01", "Bachelors": "2005-09-01 08:30", "Masters": "2007-09-01",
             "Doctorate": "2010-01-15", "Preschool": "1990-09-01"}
    df["started"] = pd.to_datetime(df["education"].map(start), format="ISO8601")
    df["degree"] = df["level"] == "college"  # boolean, one-to-one with level
    t = TableTransformer(random_state=0).fit(df)
    assert t.derived_ == {"years": "education", "code": "education", "started": "education",
                          "degree": "level"}
    pd.testing.assert_frame_equal(t.inverse_transform(t.transform(df), random_state=0), df)
