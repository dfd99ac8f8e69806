"""Known synthetic tables, known answers: the evaluator must tell them apart.

Each scenario is built from small Adult samples (3,000 rows a table) so that the whole module
runs in well under a minute on two cores; the statistical checks use the intervals the
evaluator reports, widened only by the stated tolerances.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import pytest

from tabgan.evaluation import evaluate

from .conftest import FAST_LIMITS


def _headline(result: dict[str, Any], metric: str) -> dict[str, Any]:
    return next(h for h in result["headline"] if h["metric"] == metric)


@pytest.fixture(scope="module")
def halves(adult_parts: dict[str, pd.DataFrame]) -> dict[str, Any]:
    """Real = one random half, "synthetic" = a disjoint half of the same rows' source."""
    return evaluate(
        adult_parts["real"],
        adult_parts["other_half"],
        adult_parts["holdout"],
        target="income",
        sensitive=["sex"],
        limits=FAST_LIMITS,
    ).to_dict()


@pytest.fixture(scope="module")
def copies(adult_parts: dict[str, pd.DataFrame]) -> dict[str, Any]:
    """A "synthetic" table that is the training rows themselves, shuffled."""
    real = adult_parts["real"]
    return evaluate(
        real,
        real.sample(frac=1.0, random_state=1),
        adult_parts["holdout"],
        target="income",
        sensitive=["sex"],
        sections=["detection", "privacy"],
        limits=FAST_LIMITS,
    ).to_dict()


def test_table_against_itself_has_perfect_fidelity(adult_parts: dict[str, pd.DataFrame]) -> None:
    real = adult_parts["real"]
    fidelity = evaluate(real, real.copy(), sections=["fidelity"]).to_dict()["fidelity"]
    assert fidelity["column_shapes"]["value"] == pytest.approx(1.0)
    assert fidelity["column_pair_trends"]["value"] == pytest.approx(1.0)
    assert all(c["score"] == pytest.approx(1.0) for c in fidelity["column_shapes"]["columns"])
    assert len(fidelity["column_pair_trends"]["pairs"]) == 15 * 14 // 2
    assert fidelity["category_coverage"]["minimum"] == 1.0
    assert fidelity["category_coverage"]["invented_row_rate"]["value"] == 0.0
    assert fidelity["missing_values"]["value"] == 0.0
    assert fidelity["range_coverage"]["value"] == 1.0


def test_disjoint_halves_dcr_share_is_one_half(halves: dict[str, Any]) -> None:
    share = halves["privacy"]["dcr_share"]
    low, high = share["ci95"]
    assert low - 0.01 <= 0.5 <= high + 0.01, share
    assert abs(share["value"] - 0.5) < 0.04


def test_disjoint_halves_copy_rate_is_the_natural_duplicate_rate(halves: dict[str, Any]) -> None:
    copies = halves["privacy"]["exact_copies"]
    # Adult holds 24 duplicated rows in its 32,561 training rows: a few per mille at most.
    assert copies["value"] < 0.005
    assert abs(copies["value"] - copies["holdout"]) < 0.004
    assert _headline(halves, "exact_copy_excess")["status"] == "pass"


def test_disjoint_halves_cannot_be_detected(halves: dict[str, Any]) -> None:
    auc = halves["detection"]["gradient_boosting_auc"]
    assert 0.45 < auc["value"] < 0.55, auc
    assert auc["ci95"][0] - 0.02 <= 0.5 <= auc["ci95"][1] + 0.02
    assert _headline(halves, "detection_auc")["status"] == "pass"
    assert halves["detection"]["logistic_detection"]["value"] > 0.9


def test_disjoint_halves_leak_no_membership(halves: dict[str, Any]) -> None:
    mia = halves["privacy"]["membership_inference_auc"]
    assert mia["ci95"][0] - 0.02 <= 0.5 <= mia["ci95"][1] + 0.02, mia
    p5 = halves["privacy"]["dcr_5th_percentile"]
    assert p5["value"] >= 0.5 * p5["holdout"]
    leakage = halves["privacy"]["attribute_inference"]["columns"][0]["leakage"]
    assert abs(leakage) < 0.05


def test_disjoint_halves_are_as_useful_as_the_real_table(halves: dict[str, Any]) -> None:
    utility = halves["utility"]
    assert utility["task"] == "classification"
    assert utility["real"]["roc_auc"] > 0.85
    assert abs(utility["value"]) < 0.03
    assert utility["synthetic"]["f1"] == pytest.approx(utility["real"]["f1"], abs=0.06)


def test_copied_training_rows_are_flagged(copies: dict[str, Any]) -> None:
    privacy = copies["privacy"]
    assert privacy["exact_copies"]["value"] == 1.0
    assert privacy["dcr_share"]["value"] > 0.95
    assert privacy["dcr_5th_percentile"]["value"] == 0.0
    assert privacy["membership_inference_auc"]["value"] > 0.95
    assert privacy["attribute_inference"]["columns"][0]["leakage"] > 0.05
    for metric in ("dcr_share", "exact_copy_excess", "membership_inference_auc"):
        assert _headline(copies, metric)["status"] == "fail"


def test_copied_rows_push_detection_below_one_half_and_fail_it(copies: dict[str, Any]) -> None:
    auc = copies["detection"]["gradient_boosting_auc"]["value"]
    assert auc < 0.4  # each row's twin is in the other class of the training folds
    assert _headline(copies, "detection_auc")["status"] == "fail"


def test_shuffled_columns_break_pairs_but_keep_shapes(adult_parts: dict[str, pd.DataFrame]) -> None:
    real = adult_parts["real"]
    rng = np.random.default_rng(0)
    shuffled = real.apply(lambda column: rng.permutation(column.to_numpy()))
    fidelity = evaluate(real, shuffled, sections=["fidelity"]).to_dict()["fidelity"]
    assert fidelity["column_shapes"]["value"] == pytest.approx(1.0)
    assert fidelity["column_pair_trends"]["value"] < 0.95
    pairs = {(p["column_1"], p["column_2"]): p for p in fidelity["column_pair_trends"]["pairs"]}
    education = pairs[("education", "education-num")]  # a 1:1 recoding in the real table
    assert education["score"] < 0.5


def test_collapsed_category_lowers_coverage_and_names_the_column(
    adult_parts: dict[str, pd.DataFrame],
) -> None:
    real = adult_parts["real"]
    collapsed = real.assign(education="HS-grad")
    result = evaluate(real, collapsed, sections=["fidelity"]).to_dict()
    coverage = result["fidelity"]["category_coverage"]
    assert coverage["columns_with_lost_categories"] == ["education"]
    education = next(c for c in coverage["columns"] if c["column"] == "education")
    assert education["coverage"] == pytest.approx(1 / 16)
    assert education["lost_count"] == 15
    assert "Bachelors" in education["lost"] and "HS-grad" not in education["lost"]
    assert _headline(result, "category_coverage_min")["status"] == "fail"


def test_invented_categories_are_counted(adult_parts: dict[str, pd.DataFrame]) -> None:
    real = adult_parts["real"]
    synthetic = real.copy()
    synthetic.loc[:299, "race"] = "Martian"
    coverage = evaluate(real, synthetic, sections=["fidelity"]).to_dict()["fidelity"][
        "category_coverage"
    ]
    race = next(c for c in coverage["columns"] if c["column"] == "race")
    assert race["invented_count"] == 1
    assert race["invented_row_rate"] == pytest.approx(300 / len(real))


def test_broken_target_shows_a_utility_gap(adult_parts: dict[str, pd.DataFrame]) -> None:
    real = adult_parts["real"]
    broken = adult_parts["other_half"].copy()
    broken["income"] = np.random.default_rng(0).permutation(broken["income"].to_numpy())
    utility = evaluate(
        real, broken, adult_parts["holdout"], target="income", sections=["utility"]
    ).to_dict()["utility"]
    assert utility["synthetic"]["roc_auc"] < 0.6
    assert utility["value"] > 0.25


def test_regression_target_reports_r2(adult_parts: dict[str, pd.DataFrame]) -> None:
    utility = evaluate(
        adult_parts["real"],
        adult_parts["other_half"],
        adult_parts["holdout"],
        target="education-num",
        sections=["utility"],
    ).to_dict()["utility"]
    assert utility["task"] == "regression"
    assert utility["real"]["r2"] > 0.9  # education-num is a recoding of education
    assert utility["primary_metric"] == "r2"


def test_without_holdout_privacy_and_utility_say_why(adult_parts: dict[str, pd.DataFrame]) -> None:
    result = evaluate(
        adult_parts["real"],
        adult_parts["other_half"],
        target="income",
        sections=["utility", "privacy"],
    ).to_dict()
    assert "holdout" in result["privacy"]["skipped"]
    assert "holdout" in result["utility"]["skipped"]
    assert not any(h["section"] == "privacy" for h in result["headline"])


def test_caps_are_honoured_and_reported(adult_parts: dict[str, pd.DataFrame]) -> None:
    from tabgan.evaluation import Limits

    limits = Limits(
        fidelity_rows=500,
        detection_rows=400,
        logistic_detection_rows=200,
        privacy_synthetic_rows=300,
        privacy_reference_rows=250,
        attribute_rows=100,
    )
    result = evaluate(
        adult_parts["real"],
        adult_parts["other_half"],
        adult_parts["holdout"],
        sensitive=["race"],
        sections=["fidelity", "detection", "privacy"],
        limits=limits,
    ).to_dict()
    assert result["fidelity"]["column_shapes"]["rows_used"] == {"real": 500, "synthetic": 500}
    assert result["detection"]["gradient_boosting_auc"]["rows_used"] == {
        "real": 400,
        "synthetic": 400,
    }
    assert result["detection"]["logistic_detection"]["rows_used"] == {"real": 200, "synthetic": 200}
    assert result["privacy"]["rows_used"] == {
        "synthetic": 300,
        "train_reference": 250,
        "holdout_reference": 250,
    }
    assert result["privacy"]["attribute_inference"]["rows_used"]["train"] == 100
    # Exact copies are counted on every row: hashing is linear.
    assert result["privacy"]["exact_copies"]["rows_used"]["synthetic"] == 3000
    assert result["settings"]["limits"]["privacy_synthetic_rows"] == 300


def test_same_seed_same_figures(adult_parts: dict[str, pd.DataFrame]) -> None:
    def run() -> dict[str, Any]:
        result = evaluate(
            adult_parts["real"].iloc[:800],
            adult_parts["other_half"].iloc[:800],
            adult_parts["holdout"].iloc[:800],
            target="income",
            sections=["utility", "privacy"],
            random_state=5,
        ).to_dict()
        result.pop("timings")
        return result

    assert run() == run()
