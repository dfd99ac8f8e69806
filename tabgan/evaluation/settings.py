"""Sample-size caps and pass / warn / fail thresholds of the evaluator.

The caps bound time and memory on large tables: each metric group draws a uniform sample
without replacement of at most that many rows per table (smaller tables are used whole) and
reports the sizes it used. With the defaults, Adult (32,561 real, 32,561 synthetic, 16,281
holdout rows) is evaluated whole except for LogisticDetection (10,000 rows a side) and the
privacy query sample (20,000 synthetic rows); on a 1,000,000-row table every group runs on
its capped sample, and memory is that of the input frames plus the samples.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, fields, replace
from typing import Literal

from tabgan.errors import ParameterError

__all__ = ["DEFAULT_THRESHOLDS", "Limits", "Threshold", "resolve_thresholds"]


@dataclass(frozen=True)
class Limits:
    """Per-table row caps of each metric group (see the module docstring).

    Attributes:
        fidelity_rows: rows of real and of synthetic handed to sdmetrics' QualityReport.
            Coverage, missing-value and range metrics always use every row.
        detection_rows: rows a side for the gradient-boosting detector (equal sizes).
        logistic_detection_rows: rows a side for sdmetrics' LogisticDetection.
        utility_rows: rows of each training table and of the holdout for TSTR / TRTR.
        privacy_synthetic_rows: synthetic rows whose distances are computed.
        privacy_reference_rows: rows of the train and of the holdout reference samples.
        attribute_rows: train and holdout rows attacked per sensitive column.
    """

    fidelity_rows: int = 100_000
    detection_rows: int = 50_000
    logistic_detection_rows: int = 10_000
    utility_rows: int = 100_000
    privacy_synthetic_rows: int = 20_000
    privacy_reference_rows: int = 20_000
    attribute_rows: int = 2_000

    def __post_init__(self) -> None:
        for spec in fields(self):
            value = getattr(self, spec.name)
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise ParameterError(f"limits.{spec.name}={value!r} must be a positive integer")

    def to_dict(self) -> dict[str, int]:
        """The caps as a plain dict."""
        return {spec.name: getattr(self, spec.name) for spec in fields(self)}


@dataclass(frozen=True)
class Threshold:
    """When a headline value passes, warns or fails.

    ``better="higher"``: pass if ``value >= pass_at``, warn if ``value >= warn_at``, else fail;
    ``better="lower"``: pass if ``value <= pass_at``, warn if ``value <= warn_at``, else fail.
    With ``centre`` set, the value is first folded onto ``centre + |value - centre|``: a
    detection AUC of 0.2 is as telling as 0.8 (it appears when synthetic rows duplicate real
    ones, each row's twin sitting in the other class of the training folds).

    With ``neutral`` set (what a generator that copies nothing reads: 0.5 for the DCR share and
    the membership-inference AUC), a value past ``warn_at`` whose 95 % interval still holds
    ``neutral`` is a warn, not a fail: the rows cannot tell it from no copying. On a table of 160
    rows split four to one, 17.5 % of tables drawn apart from their training rows read a DCR
    share above 0.6 and 6.0 % of them with an interval above 0.5; at 1,000 rows both are 0 %
    (benchmarks/bench_dcr_spread.py). Before 2026-12-04 the value alone decided.
    """

    better: Literal["higher", "lower"]
    pass_at: float
    warn_at: float
    centre: float | None = None
    neutral: float | None = None

    def status(
        self, value: float | None, ci95: Sequence[float] | None = None
    ) -> Literal["pass", "warn", "fail", "n/a"]:
        """The mark of ``value`` with its 95 % interval ``ci95`` if known; ``"n/a"`` when there is
        no value (None or NaN: a table without categories has no category coverage, which failed
        before 2026-12-03)."""
        if value is None or math.isnan(value):
            return "n/a"
        mark = self._mark(value)
        return "warn" if mark == "fail" and self.undecided(ci95) else mark

    def undecided(self, ci95: Sequence[float | None] | None) -> bool:
        """Whether ``ci95`` holds ``neutral``: the value cannot be told from no copying."""
        return self.neutral is not None and interval_holds(ci95, self.neutral)

    def _mark(self, value: float) -> Literal["pass", "warn", "fail"]:
        if self.centre is not None:
            value = self.centre + abs(value - self.centre)
        if self.better == "higher":
            return "pass" if value >= self.pass_at else "warn" if value >= self.warn_at else "fail"
        return "pass" if value <= self.pass_at else "warn" if value <= self.warn_at else "fail"

    def rule(self) -> str:
        """The thresholds in words."""
        sign = ">=" if self.better == "higher" else "<="
        rule = f"pass if {sign} {self.pass_at:g}, warn if {sign} {self.warn_at:g}, else fail"
        if self.centre is not None:
            rule = f"value folded to {self.centre:g} + |value - {self.centre:g}|; " + rule
        if self.neutral is not None:
            rule += f"; a fail whose 95% interval holds {self.neutral:g} (no copying) is a warn"
        return rule


def interval_holds(ci95: Sequence[float | None] | None, value: float) -> bool:
    """Whether the interval ``ci95`` ([low, high], both finite) holds ``value``."""
    if ci95 is None or len(ci95) != 2 or any(end is None or math.isnan(end) for end in ci95):
        return False
    low, high = ci95
    return low <= value <= high


#: The headline metrics and their default thresholds.
DEFAULT_THRESHOLDS: dict[str, Threshold] = {
    "column_shapes": Threshold("higher", 0.90, 0.80),
    "column_pair_trends": Threshold("higher", 0.90, 0.80),
    "category_coverage_min": Threshold("higher", 0.95, 0.80),
    "detection_auc": Threshold("lower", 0.60, 0.75, centre=0.5),
    "utility_gap": Threshold("lower", 0.03, 0.10),
    "dcr_share": Threshold("lower", 0.55, 0.60, neutral=0.5),
    "exact_copy_excess": Threshold("lower", 0.01, 0.05),
    "membership_inference_auc": Threshold("lower", 0.55, 0.60, neutral=0.5),
    "attribute_inference_leakage": Threshold("lower", 0.02, 0.05),
}


def resolve_thresholds(
    overrides: Mapping[str, tuple[float, float]] | None,
) -> dict[str, Threshold]:
    """The default thresholds with ``overrides`` (``{metric: (pass_at, warn_at)}``) applied."""
    resolved = dict(DEFAULT_THRESHOLDS)
    for name, bounds in (overrides or {}).items():
        if name not in resolved:
            raise ParameterError(
                f"thresholds key {name!r} is not a headline metric; one of {sorted(resolved)}"
            )
        if not isinstance(bounds, (tuple, list)) or len(bounds) != 2:
            raise ParameterError(f"thresholds[{name!r}]={bounds!r} must be (pass_at, warn_at)")
        try:
            pass_at, warn_at = float(bounds[0]), float(bounds[1])
        except (TypeError, ValueError):
            raise ParameterError(f"thresholds[{name!r}]={bounds!r} must be two numbers (pass_at, warn_at)") from None
        if math.isnan(pass_at) or math.isnan(warn_at):
            raise ParameterError(f"thresholds[{name!r}]={bounds!r}: NaN is no threshold")
        better = resolved[name].better
        if (better == "higher" and warn_at > pass_at) or (better == "lower" and warn_at < pass_at):
            raise ParameterError(
                f"thresholds[{name!r}]=({pass_at:g}, {warn_at:g}): warn_at must be no stricter "
                f"than pass_at for a metric where {better} is better"
            )
        resolved[name] = replace(resolved[name], pass_at=pass_at, warn_at=warn_at)
    return resolved
