"""The result of :func:`tabgan.evaluation.evaluate`: a JSON-ready dict with a headline.

The dict is the whole report: the HTML page is rendered from it alone, so a report saved with
:meth:`EvaluationReport.to_json` can be re-rendered later with
``EvaluationReport.from_json(text).save_html(path)``.
"""

from __future__ import annotations

import copy
import json
import math
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from tabgan.evaluation.settings import Threshold

__all__ = ["EvaluationReport", "build_headline"]

# (headline key, label, section, path to the metric dict inside the section, value key)
_HEADLINE: list[tuple[str, str, str, tuple[str, ...], str]] = [
    ("column_shapes", "Column Shapes (sdmetrics)", "fidelity", ("column_shapes",), "value"),
    (
        "column_pair_trends",
        "Column Pair Trends (sdmetrics)",
        "fidelity",
        ("column_pair_trends",),
        "value",
    ),
    (
        "category_coverage_min",
        "Category coverage, worst column",
        "fidelity",
        ("category_coverage",),
        "minimum",
    ),
    (
        "detection_auc",
        "Detection ROC AUC (gradient boosting)",
        "detection",
        ("gradient_boosting_auc",),
        "value",
    ),
    ("utility_gap", "Utility gap (TRTR - TSTR)", "utility", (), "value"),
    ("dcr_share", "DCR share (closer to train)", "privacy", ("dcr_share",), "value"),
    (
        "exact_copy_excess",
        "Exact-copy rate beyond the holdout's",
        "privacy",
        ("exact_copies",),
        "excess",
    ),
    (
        "membership_inference_auc",
        "Membership-inference ROC AUC",
        "privacy",
        ("membership_inference_auc",),
        "value",
    ),
    (
        "attribute_inference_leakage",
        "Attribute-inference leakage, worst column",
        "privacy",
        ("attribute_inference",),
        "value",
    ),
]


def build_headline(
    results: Mapping[str, Any], thresholds: Mapping[str, Threshold]
) -> list[dict[str, Any]]:
    """One entry per headline metric that was computed, with its mark and the rule behind it."""
    headline = []
    for key, label, section, path, value_key in _HEADLINE:
        node: Any = results.get(section)
        for step in path:
            node = node.get(step) if isinstance(node, Mapping) else None
        if not isinstance(node, Mapping) or "skipped" in node or value_key not in node:
            continue
        value = node[value_key]
        ci95 = node.get("ci95") if value_key == "value" else None
        threshold = thresholds[key]
        headline.append(
            {
                "metric": key,
                "label": label,
                "section": section,
                "value": value,
                "ci95": ci95,
                "status": threshold.status(value, ci95),
                "rule": threshold.rule(),
                "better": threshold.better,
                "pass_at": threshold.pass_at,
                "warn_at": threshold.warn_at,
            }
        )
    return headline


class EvaluationReport:
    """Everything :func:`~tabgan.evaluation.evaluate` measured.

    ``to_dict()`` gives sections ``fidelity``, ``detection``, ``utility`` and ``privacy`` (each
    either metrics or ``{"skipped": reason}``), the ``headline`` marks, the ``settings`` used
    (caps, thresholds, device, seed), the column ``kinds``, the ``ignored_columns``, the row
    counts and the ``timings`` in seconds. Every metric carries its ``direction``, ``range`` and
    what ``good`` means; missing numbers are ``None``.
    """

    def __init__(self, results: Mapping[str, Any]) -> None:
        self._results: dict[str, Any] = _json_safe(results)

    @property
    def headline(self) -> list[dict[str, Any]]:
        """The headline marks (a copy)."""
        return copy.deepcopy(self._results.get("headline", []))

    def to_dict(self) -> dict[str, Any]:
        """The whole report as plain Python data (a deep copy)."""
        return copy.deepcopy(self._results)

    def to_json(self, indent: int | None = 2) -> str:
        """The whole report as strict JSON (no NaN)."""
        return json.dumps(self._results, indent=indent, allow_nan=False)

    @classmethod
    def from_dict(cls, results: Mapping[str, Any]) -> EvaluationReport:
        """Wrap a dict made by :meth:`to_dict`."""
        return cls(results)

    @classmethod
    def from_json(cls, text: str) -> EvaluationReport:
        """Read a report written by :meth:`to_json`."""
        return cls(json.loads(text))

    def to_html(self) -> str:
        """The self-contained HTML page (see :mod:`tabgan.evaluation.html`)."""
        from tabgan.evaluation.html import render_html

        return render_html(self._results)

    def save_html(self, path: str | Path) -> Path:
        """Write :meth:`to_html` to ``path`` (UTF-8) and return the path."""
        target = Path(path).expanduser()  # as tabgan.io.local_path
        target.write_text(self.to_html(), encoding="utf-8")
        return target

    def __repr__(self) -> str:
        marks = ", ".join(
            f"{h['metric']}={_short(h['value'])} {h['status']}" for h in self._results["headline"]
        )
        return f"EvaluationReport({marks})"


def _short(value: object) -> str:
    return f"{value:.3f}" if isinstance(value, float) else str(value)


def _json_safe(value: Any) -> Any:
    """Deep-copy ``value`` into JSON types: NaN and infinities become ``None``."""
    if isinstance(value, Mapping):
        return {str(k): _json_safe(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_json_safe(v) for v in value]
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return value
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if hasattr(value, "item"):  # numpy scalars
        return _json_safe(value.item())
    return str(value)
