"""Evaluator regressions found on 2026-12-03: metrics that followed the tables' row order, exact
copies missed across float precisions, and edge tables whose marks misled (a column generated
all missing, a table without categories, a target collapsed to one class)."""

from __future__ import annotations

import io
import json
import re

import numpy as np
import pandas as pd
import pytest

from tabgan.errors import ParameterError
from tabgan.evaluation import Limits, evaluate


def people(n: int, seed: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    return pd.DataFrame({"age": rng.integers(18, 90, n), "income": rng.normal(5e4, 1.5e4, n).round(2),
                         "city": rng.choice(list("ABCDEFG"), n), "sex": rng.choice(["F", "M"], n)})


def _headline(report: dict, metric: str) -> dict:
    return next(h for h in report["headline"] if h["metric"] == metric)


def test_attribute_inference_finds_a_leak_whatever_the_row_order():
    # Before: the attack took the first rows of its sample, so a table sorted by the sensitive
    # column (women first) showed no leak of the men's copied rows (0.013 against 0.26, "pass").
    real, holdout, fresh = people(5000, 1), people(5000, 2), people(5000, 3)
    synthetic = pd.concat([real[real.sex == "M"], fresh[fresh.sex == "F"]]).sample(frac=1, random_state=0)
    leaks = []
    for table in (real, real.sort_values("sex", kind="stable")):
        report = evaluate(table, synthetic, holdout=holdout, sensitive=["sex"], sections=["privacy"],
                          n_threads=1).to_dict()
        leaks.append(report["privacy"]["attribute_inference"]["columns"][0]["leakage"])
        assert _headline(report, "attribute_inference_leakage")["status"] == "fail"
    assert min(leaks) > 0.2 and abs(leaks[0] - leaks[1]) < 0.05


def test_logistic_detection_cannot_tell_sorted_rows_from_shuffled_ones():
    # Before: 0.12 (implied AUC 0.94) for the same rows sorted and shuffled.
    rng = np.random.default_rng(0)
    real = pd.DataFrame({"x": rng.normal(size=2000), "c": rng.choice(list("abc"), 2000)}).sort_values("x")
    synthetic = real.sample(frac=1, random_state=1)
    result = evaluate(real, synthetic, sections=["detection"], limits=Limits(logistic_detection_rows=300),
                      n_threads=1).to_dict()["detection"]["logistic_detection"]
    assert result["value"] > 0.8


def test_exact_copies_of_float32_rows_read_back_as_float64_are_copies():
    # Before: a float32 table's rows written to CSV and read back (float64) were 3% copies.
    def table(n: int, seed: int) -> pd.DataFrame:
        return people(n, seed).astype({"income": "float32"})

    real, holdout = table(500, 1), table(500, 2)
    text = io.StringIO(real.to_csv(index=False))
    report = evaluate(real, pd.read_csv(text), holdout=holdout, sections=["privacy"], n_threads=1).to_dict()
    assert report["privacy"]["exact_copies"]["value"] == 1.0


@pytest.mark.parametrize("empty", ["nan", "inf", "category"])
def test_a_column_generated_all_missing_scores_zero(empty):
    # Before: sdmetrics scored it NaN and left it out, so Column Shapes read a perfect 1.0 "pass".
    rng = np.random.default_rng(0)
    real = pd.DataFrame({"x": rng.normal(size=500), "y": rng.normal(size=500), "c": rng.choice(list("abc"), 500)})
    synthetic = real.copy()
    if empty == "category":
        synthetic["c"] = np.nan
    else:
        synthetic["x"] = np.nan if empty == "nan" else np.inf
    report = evaluate(real, synthetic, sections=["fidelity"], n_threads=1).to_dict()
    shapes = report["fidelity"]["column_shapes"]
    gone = "c" if empty == "category" else "x"
    assert shapes["generated_empty"] == [gone] and shapes["value"] == pytest.approx(2 / 3)
    assert {c["column"]: c["score"] for c in shapes["columns"]}[gone] == 0.0
    assert _headline(report, "column_shapes")["status"] == "fail"
    if empty != "category":
        assert report["fidelity"]["range_coverage"]["value"] == pytest.approx(0.5)


def test_a_table_without_categories_has_no_category_coverage_mark():
    # Before: its coverage was NaN, which the threshold marked "fail".
    rng = np.random.default_rng(0)
    real = pd.DataFrame({"x": rng.normal(size=300), "y": rng.normal(size=300)})
    report = evaluate(real, real.sample(frac=1, random_state=0), sections=["fidelity"], n_threads=1).to_dict()
    assert _headline(report, "category_coverage_min")["status"] == "n/a"


def test_a_target_collapsed_to_one_class_fails_utility():
    # Before: train-on-synthetic had no score, and the worst utility read "n/a".
    def table(n: int, seed: int) -> pd.DataFrame:
        rng = np.random.default_rng(seed)
        x = rng.normal(size=n)
        return pd.DataFrame({"x": x, "z": rng.normal(size=n),
                             "y": np.where(x + rng.normal(scale=0.5, size=n) > 0, "yes", "no")})

    real, holdout = table(500, 1), table(500, 2)
    report = evaluate(real, table(500, 3).assign(y="no"), holdout=holdout, target="y", sections=["utility"],
                      n_threads=1).to_dict()
    assert report["utility"]["synthetic"]["roc_auc"] == 0.5
    headline = _headline(report, "utility_gap")
    assert headline["status"] == "fail" and headline["value"] > 0.3


def test_report_figures_escape_every_angle_bracket(tmp_path):
    # Before: only "</" was escaped; a value "<!--<script>" made the HTML parser swallow the
    # drawing script, so no figure rendered.
    rng = np.random.default_rng(0)
    real = pd.DataFrame({"x": rng.normal(size=300), "note": rng.choice(["plain", "<!--<script>"], 300)})
    page = evaluate(real, real.copy(), sections=["fidelity"], n_threads=1).save_html(tmp_path / "r.html").read_text()
    figures = re.search(r'<script type="application/json" id="figures">(.*?)</script>', page, re.S).group(1)
    assert "<" not in figures and "<!--<script>" in json.dumps(json.loads(figures), ensure_ascii=False)


def test_a_numpy_seed_is_recorded_and_a_nan_threshold_refused():
    rng = np.random.default_rng(0)
    real = pd.DataFrame({"x": rng.normal(size=100), "c": rng.choice(["a", "b"], 100)})
    report = evaluate(real, real.copy(), sections=["fidelity"], random_state=np.int64(7), n_threads=1).to_dict()
    assert report["settings"]["random_state"] == 7  # was "generator"
    with pytest.raises(ParameterError, match=r"thresholds\['dcr_share'\]=\(nan, 0.6\): NaN is no threshold"):
        evaluate(real, real.copy(), thresholds={"dcr_share": (float("nan"), 0.6)})


def test_logistic_detection_features_keep_a_column_named_like_an_indicator():
    # Before: a numerical column "sex=0" overwrote the indicator of sex's first category.
    from tabgan.evaluation.columns import infer_schema, prepare
    from tabgan.evaluation.detection import _one_hot_frame

    rng = np.random.default_rng(0)
    real = pd.DataFrame({"x": rng.normal(size=100), "sex=0": rng.normal(size=100), "sex": rng.choice(["F", "M"], 100)})
    data = prepare(infer_schema(real), {"real": real, "synthetic": real})
    assert _one_hot_frame(data, "real", np.arange(100)).shape[1] == 2 + 3  # two numbers, F, M, missing


def test_a_narrow_column_far_from_zero_is_binned_for_its_figure():
    # Before 2026-12-04 account numbers 2**63 + [0, 1000) stopped the evaluation: numpy cannot
    # cut so narrow a range so far from zero into 40 bins of distinct floats ("Too many bins").
    rng = np.random.default_rng(0)
    real = pd.DataFrame({"acct": pd.array([2**63 + int(k) for k in rng.integers(0, 1000, 300)], dtype="UInt64"),
                         "c": rng.choice(["a", "b"], 300)})
    synthetic = real.sample(frac=1.0, random_state=1).reset_index(drop=True)
    report = evaluate(real, synthetic, sections=["fidelity"]).to_dict()
    figure = next(d for d in report["fidelity"]["distributions"] if d["column"] == "acct")
    assert len(figure["edges"]) == 41 and figure["edges"][0] == pytest.approx(float(real["acct"].min()))
    assert sum(figure["real"]) == pytest.approx(1.0) and figure["real"] == pytest.approx(figure["synthetic"])
