"""``evaluate``: fidelity, detection, utility and privacy of a synthetic table in one call."""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from importlib.metadata import version
from typing import Any, Literal

import numpy as np
import pandas as pd
import torch
from threadpoolctl import threadpool_limits

from tabgan.errors import ColumnError, DataError, ParameterError
from tabgan.evaluation.columns import PreparedData, TableSchema, infer_schema, prepare
from tabgan.evaluation.detection import detection_metrics
from tabgan.evaluation.distances import resolve_device
from tabgan.evaluation.fidelity import fidelity_metrics
from tabgan.evaluation.privacy import privacy_metrics
from tabgan.evaluation.report import EvaluationReport, build_headline
from tabgan.evaluation.settings import Limits, resolve_thresholds
from tabgan.evaluation.stats import check_generator
from tabgan.evaluation.utility import utility_metrics

__all__ = ["SECTIONS", "Section", "check_columns", "evaluate"]

Section = Literal["fidelity", "detection", "utility", "privacy"]
SECTIONS: tuple[Section, ...] = ("fidelity", "detection", "utility", "privacy")


def evaluate(
    real: pd.DataFrame,
    synthetic: pd.DataFrame,
    holdout: pd.DataFrame | None = None,
    target: str | None = None,
    metadata: Mapping[str, Any] | None = None,
    sensitive: Sequence[str] | None = None,
    *,
    sections: Sequence[Section] = SECTIONS,
    limits: Limits | None = None,
    thresholds: Mapping[str, tuple[float, float]] | None = None,
    device: str | torch.device = "auto",
    random_state: int | np.random.Generator | None = 0,
    n_threads: int | None = None,
) -> EvaluationReport:
    """Measure how faithful, useful and private ``synthetic`` is as a stand-in for ``real``.

    Args:
        real: the table the generator was trained on.
        synthetic: the generated table, with the same columns (in any order).
        holdout: real rows from the same source that the generator never saw. Needed for
            utility (the test set) and privacy (the reference of what unseen rows look like);
            without it those sections are skipped and say so.
        target: a column to predict for the utility section (categorical: classification,
            numerical: regression). Needs ``holdout``.
        metadata: SDV single-table metadata ``{"columns": {name: {"sdtype": ...}}}``; columns it
            does not name get the kind tabgan's models give them (text dates are datetimes;
            see :mod:`tabgan.evaluation.columns`). Id columns, declared or inferred (a value of
            its own in most rows), and other non-statistical sdtypes are ignored.
        sensitive: columns whose values an attacker tries to infer (attribute inference).
        sections: which metric groups to run, a subset of ``SECTIONS``.
        limits: per-table row caps of each group (:class:`~tabgan.evaluation.Limits`).
        thresholds: overrides of the headline thresholds, ``{metric: (pass_at, warn_at)}``
            (see :data:`~tabgan.evaluation.DEFAULT_THRESHOLDS`).
        device: torch device of the distance computations; ``"auto"`` picks CUDA when present.
        random_state: seed or generator of every subsample, fold split and model.
        n_threads: CPU threads of the scikit-learn models and torch computations during the
            call (through ``threadpoolctl``, restored afterwards); ``None`` keeps the libraries'
            defaults. On a machine whose cores are busy with other processes, ``1`` avoids
            OpenMP oversubscription, which was measured to slow the gradient-boosting models
            about twentyfold on a shared two-core machine.

    Returns:
        An :class:`~tabgan.evaluation.EvaluationReport`: ``to_dict()``, ``to_json()``,
        ``save_html(path)``.

    Raises:
        DataError: a frame is not a non-empty DataFrame.
        ColumnError: the columns of the frames differ, or a named column is unusable.
        ParameterError: an argument is out of range.
    """
    limits = Limits() if limits is None else limits
    if not isinstance(limits, Limits):
        raise ParameterError(f"limits={limits!r} must be a tabgan.evaluation.Limits")
    resolved_thresholds = resolve_thresholds(thresholds)
    chosen = _check_sections(sections)
    resolved_device = resolve_device(device)
    rng = check_generator(random_state)
    if n_threads is not None and (
        isinstance(n_threads, bool) or not isinstance(n_threads, int) or n_threads < 1
    ):
        raise ParameterError(f"n_threads={n_threads!r} must be a positive integer or None")
    if not isinstance(real, pd.DataFrame):
        raise DataError(f"real must be a pandas DataFrame, got {type(real).__name__}")
    schema, sensitive_columns = _checked_columns(real, target, sensitive, metadata)
    data = prepare(schema, {"real": real, "synthetic": synthetic, "holdout": holdout})

    # One independent generator per section, so a section's figures do not depend on which
    # other sections ran.
    seeds = rng.integers(2**63 - 1, size=len(SECTIONS))
    section_rngs = {s: np.random.default_rng(int(seed)) for s, seed in zip(SECTIONS, seeds)}
    runners: dict[Section, Callable[[np.random.Generator], dict[str, Any]]] = {
        "fidelity": lambda g: fidelity_metrics(data, limits.fidelity_rows, g),
        "detection": lambda g: detection_metrics(
            data, limits.detection_rows, limits.logistic_detection_rows, g
        ),
        "utility": lambda g: _utility(data, target, limits, g),
        "privacy": lambda g: _privacy(data, sensitive_columns, limits, g, resolved_device),
    }
    results: dict[str, Any] = {}
    timings: dict[str, float] = {}
    with threadpool_limits(limits=n_threads):
        for section in SECTIONS:
            if section not in chosen:
                results[section] = {"skipped": "not requested in sections"}
                continue
            start = time.perf_counter()
            results[section] = runners[section](section_rngs[section])
            timings[section] = round(time.perf_counter() - start, 3)
    results.update(
        _summary(data, schema, limits, resolved_thresholds, resolved_device, random_state)
    )
    results["settings"]["n_threads"] = n_threads
    results["timings"] = timings
    results["headline"] = build_headline(results, resolved_thresholds)
    return EvaluationReport(results)


def _check_sections(sections: Sequence[Section]) -> set[Section]:
    if isinstance(sections, str) or not all(s in SECTIONS for s in sections) or not sections:
        raise ParameterError(f"sections={sections!r} must be a non-empty subset of {SECTIONS}")
    return set(sections)


def check_columns(real: pd.DataFrame, target: str | None = None,
                  sensitive: Sequence[str] | None = None,
                  metadata: Mapping[str, Any] | None = None) -> None:
    """Raise what ``evaluate(real, ..., target=, sensitive=, metadata=)`` would raise about the
    columns it names, without evaluating: a job that fits before it evaluates (``tabgan synth``)
    checks them first, so that a misspelt column costs no fit."""
    if not isinstance(real, pd.DataFrame):
        raise DataError(f"real must be a pandas DataFrame, got {type(real).__name__}")
    _checked_columns(real, target, sensitive, metadata)


def _checked_columns(real: pd.DataFrame, target: str | None, sensitive: Sequence[str] | None,
                     metadata: Mapping[str, Any] | None) -> tuple[TableSchema, list[str]]:
    schema = infer_schema(real, metadata)
    _check_target(schema, real, target)
    return schema, _check_sensitive(schema, real, sensitive)


def _check_target(schema: TableSchema, real: pd.DataFrame, target: str | None) -> None:
    if target is None:
        return
    if target not in real.columns:
        raise ColumnError(target, "target is not a column of real")
    if target in schema.ignored:
        raise ColumnError(target, f"target is ignored by the evaluator ({schema.ignored[target]})")
    if schema.kinds[target] == "datetime":
        raise ColumnError(target, "target is a datetime column; use a categorical or numerical one")


def _check_sensitive(
    schema: TableSchema, real: pd.DataFrame, sensitive: Sequence[str] | None
) -> list[str]:
    if sensitive is None:
        return []
    if isinstance(sensitive, str):
        sensitive = [sensitive]
    for column in sensitive:
        if column not in real.columns:
            raise ColumnError(column, "sensitive column is not a column of real")
        if column in schema.ignored:
            raise ColumnError(column, f"sensitive column is ignored ({schema.ignored[column]})")
    return list(dict.fromkeys(sensitive))


def _utility(
    data: PreparedData, target: str | None, limits: Limits, rng: np.random.Generator
) -> dict[str, Any]:
    if target is None:
        return {"skipped": "no target column was named"}
    if "holdout" not in data.frames:
        return {"skipped": "needs a holdout table to test the models on"}
    return utility_metrics(data, target, limits.utility_rows, rng)


def _privacy(
    data: PreparedData,
    sensitive: list[str],
    limits: Limits,
    rng: np.random.Generator,
    device: torch.device,
) -> dict[str, Any]:
    if "holdout" not in data.frames:
        return {
            "skipped": "needs a holdout: real rows the generator never saw, the only honest "
            "reference for how close unseen real rows sit to the training rows"
        }
    return privacy_metrics(data, sensitive, limits, rng, device)


def _summary(
    data: PreparedData,
    schema: TableSchema,
    limits: Limits,
    thresholds: Mapping[str, Any],
    device: torch.device,
    random_state: int | np.random.Generator | None,
) -> dict[str, Any]:
    seed = int(random_state) if isinstance(random_state, (int, np.integer)) else (
        None if random_state is None else "generator")  # np.int64(7) is the seed 7
    return {
        "rows": {name: data.n_rows(name) for name in data.frames},
        "columns": dict(schema.kinds),
        "ignored_columns": dict(schema.ignored),
        "settings": {
            "limits": limits.to_dict(),
            "thresholds": {
                name: {
                    "better": t.better,
                    "pass_at": t.pass_at,
                    "warn_at": t.warn_at,
                    "centre": t.centre,
                }
                for name, t in thresholds.items()
            },
            "device": str(device),
            "random_state": seed,
            "sdmetrics_version": version("sdmetrics"),
        },
    }
