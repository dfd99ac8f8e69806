"""The report: strict JSON, documented metrics, marks, and an HTML page that really renders."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

from tabgan.evaluation import DEFAULT_THRESHOLDS, EvaluationReport, evaluate
from tabgan.evaluation.settings import resolve_thresholds

from .conftest import FAST_LIMITS

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.fixture(scope="module")
def report(adult_parts: dict[str, pd.DataFrame]) -> EvaluationReport:
    n = 1500
    return evaluate(
        adult_parts["real"].iloc[:n],
        adult_parts["other_half"].iloc[:n],
        adult_parts["holdout"].iloc[:n],
        target="income",
        sensitive=["sex", "age"],
        limits=FAST_LIMITS,
    )


def _metrics(node: Any, path: str = "") -> list[tuple[str, dict[str, Any]]]:
    """Every dict of the report that carries a metric ``value``."""
    found = []
    if isinstance(node, dict):
        if "value" in node and path.split(".")[1:2] != ["headline"]:
            found.append((path, node))
        for key, child in node.items():
            if key != "headline":
                found.extend(_metrics(child, f"{path}.{key}"))
    return found


def test_json_is_strict_and_round_trips(report: EvaluationReport) -> None:
    text = report.to_json()
    assert "NaN" not in text and "Infinity" not in text
    assert json.loads(text) == report.to_dict()
    assert EvaluationReport.from_json(text).to_dict() == report.to_dict()


def test_every_metric_documents_direction_range_and_meaning(report: EvaluationReport) -> None:
    metrics = _metrics(report.to_dict())
    assert len(metrics) >= 12
    for path, metric in metrics:
        for key in ("direction", "range", "good"):
            assert key in metric, f"{path} lacks {key!r}"


def test_headline_marks_carry_their_thresholds(report: EvaluationReport) -> None:
    headline = report.headline
    assert {h["metric"] for h in headline} == {
        "column_shapes",
        "column_pair_trends",
        "category_coverage_min",
        "detection_auc",
        "utility_gap",
        "dcr_share",
        "exact_copy_excess",
        "membership_inference_auc",
        "attribute_inference_leakage",
    }
    for entry in headline:
        assert entry["status"] in {"pass", "warn", "fail", "n/a"}
        assert entry["rule"].startswith(("pass if", "value folded"))
    assert "pass" in repr(report)


def test_thresholds_can_be_overridden(adult_parts: dict[str, pd.DataFrame]) -> None:
    real = adult_parts["real"].iloc[:500]
    strict = evaluate(real, real, sections=["fidelity"], thresholds={"column_shapes": (1.5, 1.2)})
    shapes = next(h for h in strict.headline if h["metric"] == "column_shapes")
    assert shapes["status"] == "fail"
    assert shapes["pass_at"] == 1.5


def test_a_fail_whose_interval_holds_no_copying_is_a_warn() -> None:
    share, auc = DEFAULT_THRESHOLDS["dcr_share"], DEFAULT_THRESHOLDS["membership_inference_auc"]
    assert share.status(0.64, [0.47, 0.81]) == "warn"  # too few rows to tell from 0.5
    assert share.status(0.64, [0.52, 0.76]) == "fail"
    assert share.status(0.64) == share.status(0.64, [float("nan"), 0.8]) == "fail"
    assert share.status(0.57, [0.45, 0.7]) == "warn" and share.status(0.5, [0.4, 0.6]) == "pass"
    assert auc.status(0.62, [0.49, 0.75]) == "warn" and auc.status(0.62, [0.55, 0.69]) == "fail"
    # Fidelity marks have no neutral value: a wide interval changes nothing.
    assert DEFAULT_THRESHOLDS["utility_gap"].status(0.2, [-0.1, 0.5]) == "fail"
    assert "holds 0.5" in share.rule() and "holds" not in DEFAULT_THRESHOLDS["column_shapes"].rule()
    overridden = resolve_thresholds({"dcr_share": (0.52, 0.54)})["dcr_share"]
    assert overridden.neutral == 0.5 and overridden.status(0.56, [0.49, 0.6]) == "warn"


def test_html_is_self_contained(report: EvaluationReport, tmp_path: Path) -> None:
    path = report.save_html(tmp_path / "report.html")
    page = path.read_text(encoding="utf-8")
    assert not re.search(r"<script[^>]+src=", page)
    assert not re.search(r"<link[^>]+href=", page)
    for heading in ("Headline", "Category coverage", "Pairwise trend difference", "Privacy"):
        assert heading in page
    figures = int(re.search(r'data-figures="(\d+)"', page).group(1))  # type: ignore[union-attr]
    # One distribution plot per column, the pair heatmap and the DCR histogram.
    assert figures == len(report.to_dict()["columns"]) + 2


def test_save_html_expands_a_tilde(report: EvaluationReport, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))
    assert report.save_html("~/r.html") == tmp_path / "r.html" and (tmp_path / "r.html").exists()


def _html_tag(dom: str) -> str:
    return re.search(r"<html[^>]*>", dom).group(0)  # type: ignore[union-attr]


def _render(path: Path) -> str:
    """The DOM of ``path`` after headless Chromium has run its scripts."""
    assert CHROMIUM is not None
    with tempfile.TemporaryDirectory() as profile:
        completed = subprocess.run(
            [
                CHROMIUM,
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
                f"--user-data-dir={profile}",
                "--virtual-time-budget=15000",
                "--dump-dom",
                path.as_uri(),
            ],
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
    assert completed.returncode == 0, completed.stderr[-2000:]
    return completed.stdout


@pytest.mark.slow
@pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed (apt-get install chromium)")
def test_html_renders_every_plot_without_script_errors(
    report: EvaluationReport, tmp_path: Path
) -> None:
    page = report.save_html(tmp_path / "report.html").read_text(encoding="utf-8")
    dom = _render(tmp_path / "report.html")
    expected = re.search(r'data-figures="(\d+)"', page).group(1)  # type: ignore[union-attr]
    body = re.search(r"<body[^>]*>", dom).group(0)  # type: ignore[union-attr]
    assert f'data-rendered="{expected}"' in body, body
    assert "data-script-errors" not in _html_tag(dom)
    assert dom.count('class="main-svg"') >= int(expected)

    # The check can fail: a page whose script throws is caught by the same probe.
    broken = tmp_path / "broken.html"
    broken.write_text(page.replace("</body>", "<script>notDefined();</script></body>"), "utf-8")
    broken_dom = _render(broken)
    assert 'data-script-errors="1"' in _html_tag(broken_dom)
    assert "notDefined" in broken_dom


def _mixed_table(n: int, seed: int) -> pd.DataFrame:
    """Datetime, boolean, category dtype, a 600-value column, missing values, a constant."""
    rng = np.random.default_rng(seed)
    start = pd.Timestamp("2021-01-01")
    return pd.DataFrame(
        {
            "when": start + pd.to_timedelta(rng.integers(0, 86_400 * 365, n), unit="s"),
            "flag": rng.random(n) < 0.3,
            "tail": [f"N{v}" for v in rng.integers(0, 600, n)],
            "delay": np.where(rng.random(n) < 0.1, np.nan, rng.normal(10, 30, n)),
            "carrier": pd.Categorical(rng.choice(["AA", "UA", "DL", None], n)),
            "const": 1.0,
            "y": rng.normal(size=n),
        }
    )


def test_every_column_kind_goes_through_every_section(tmp_path: Path) -> None:
    real, synthetic, holdout = _mixed_table(600, 1), _mixed_table(600, 2), _mixed_table(300, 3)
    report = evaluate(real, synthetic, holdout, target="y", sensitive=["carrier", "when"])
    result = report.to_dict()
    assert result["columns"]["when"] == "datetime"
    assert result["columns"]["flag"] == result["columns"]["carrier"] == "categorical"
    for section in ("fidelity", "detection", "utility", "privacy"):
        assert "skipped" not in result[section]
    assert result["utility"]["task"] == "regression"
    # Independent draws of one distribution: no privacy alarm.
    assert abs(result["privacy"]["dcr_share"]["value"] - 0.5) < 0.06
    tail = next(
        c for c in result["fidelity"]["category_coverage"]["columns"] if c["column"] == "tail"
    )
    assert 0.5 < tail["coverage"] < 1.0
    page = report.save_html(tmp_path / "mixed.html").read_text(encoding="utf-8")
    assert 'data-figures="9"' in page  # 7 columns, the heatmap, the DCR histogram


def test_small_figures_keep_their_digits_in_the_html() -> None:
    # Before 2026-12-04 a DCR 5th percentile of 0.0039 beside the holdout's 0.0038 both read
    # "0.004", and one under 0.0005 read "0.000", as an exact copy would.
    from tabgan.evaluation.html import _ci, _fmt

    assert [_fmt(v) for v in (0.0039, 0.0038, 0.0004, 0.0, 0.5, 0.01, -0.0019)] == [
        "0.0039", "0.0038", "0.0004", "0.000", "0.500", "0.010", "-0.0019"]
    assert _ci([0.00012, 0.25]) == "[0.00012, 0.250]" and _fmt(float("nan")) == "nan"
