"""Fidelity: how closely the synthetic table follows the real one, column by column and in pairs.

* **Column Shapes** and **Column Pair Trends** come from sdmetrics' single-table
  ``QualityReport`` configured for comparable, unfiltered figures:
  ``real_correlation_threshold = 0`` and ``real_association_threshold = 0`` (every pair counts;
  the sdmetrics defaults 0.5 / 0.3 drop weakly related pairs from the average and compute a
  Cramér's V per pair) and ``num_rows_subsample = None`` (sdmetrics' own default subsamples
  contingency tables to 50,000 rows). The evaluator's own documented cap
  (``Limits.fidelity_rows``) is applied first. Categorical columns are handed to sdmetrics as
  integer codes shared by both tables: the scores only test equality of values, so they are
  unchanged, and sdmetrics' group-bys run about twice as fast as on Python strings.
  Column Shapes is KSComplement (numerical, datetime) or TVComplement (categorical) per column;
  Column Pair Trends is CorrelationSimilarity (Pearson) for two continuous columns and
  ContingencySimilarity otherwise, sdmetrics discretising continuous columns into 10 bins.
* **Category coverage** per categorical column (all rows, no subsampling): the share of the real
  categories that appear in the synthetic table, which categories were lost, and the share of
  synthetic rows holding a category the real table never had.
* **Missing-value rate** per column, real beside synthetic.
* **Range coverage** per continuous column: the share of the real ``[min, max]`` interval that
  the synthetic ``[min, max]`` covers, and the share of synthetic values outside it.
* **Distributions** and the **pair-difference matrix** feed the HTML report's plots.
"""

from __future__ import annotations

import math
import warnings
from typing import Any

import numpy as np
import pandas as pd

from tabgan.evaluation.columns import PreparedData
from tabgan.evaluation.stats import subsample_index

__all__ = ["fidelity_metrics"]

_LOST_LISTED = 20  # lost categories named per column in the result
_PLOT_CATEGORIES = 30  # categories drawn per column; the rest are pooled as "(other)"
_PLOT_BINS = 40


def fidelity_metrics(data: PreparedData, max_rows: int, rng: np.random.Generator) -> dict[str, Any]:
    """All fidelity metrics of ``data.frames['synthetic']`` against ``data.frames['real']``."""
    real_rows = subsample_index(data.n_rows("real"), max_rows, rng)
    synthetic_rows = subsample_index(data.n_rows("synthetic"), max_rows, rng)
    quality = _quality_report(data, real_rows, synthetic_rows)
    quality["column_shapes"]["sampling"] = _sampling_note(data, len(real_rows), len(synthetic_rows))
    return {
        **quality,
        "category_coverage": _category_coverage(data),
        "missing_values": _missing_values(data),
        "range_coverage": _range_coverage(data),
        "distributions": _distributions(data),
    }


def _sampling_note(data: PreparedData, n_real: int, n_synthetic: int) -> dict[str, Any]:
    """How far subsampling can move a KSComplement score, by the DKW inequality.

    With probability at least 95 % for each table, a sample ECDF of ``n`` rows stays within
    ``sqrt(ln(2 / 0.05) / (2 n))`` of the full table's, so the sampled KS statistic is within
    the sum of both tables' bounds of the full-data one. No bound is given for TVComplement.
    """
    subsampled = n_real < data.n_rows("real") or n_synthetic < data.n_rows("synthetic")
    if not subsampled:
        return {"subsampled": False}
    bound = sum(
        math.sqrt(math.log(2 / 0.05) / (2 * n)) if n < data.n_rows(name) else 0.0
        for name, n in (("real", n_real), ("synthetic", n_synthetic))
    )
    return {
        "subsampled": True,
        "ks_complement_max_shift_95": bound,
        "note": "KSComplement scores of the sample are within this of the full-data scores "
        "(DKW inequality, 95 % per table); TVComplement and pair scores carry no bound",
    }


def _sdmetrics_frame(data: PreparedData, name: str, rows: np.ndarray) -> pd.DataFrame:
    frame = data.frames[name].iloc[rows].reset_index(drop=True)
    for j, column in enumerate(data.schema.categorical):
        codes = data.codes[name][rows, j].astype(np.float64)
        frame[column] = np.where(codes < 0, np.nan, codes)
    return frame


def _quality_report(
    data: PreparedData, real_rows: np.ndarray, synthetic_rows: np.ndarray
) -> dict[str, Any]:
    with warnings.catch_warnings():
        # The single-table class warns that it is deprecated in favour of the unified report,
        # whose per-table properties ignore ``num_rows_subsample`` in sdmetrics 0.32.
        warnings.simplefilter("ignore", FutureWarning)
        warnings.simplefilter("ignore", DeprecationWarning)
        warnings.simplefilter("ignore", RuntimeWarning)  # scipy's ks_2samp method switch
        from sdmetrics.reports.single_table import QualityReport

        report = QualityReport()
        report.real_correlation_threshold = 0
        report.real_association_threshold = 0
        report.num_rows_subsample = None
        report.generate(
            _sdmetrics_frame(data, "real", real_rows),
            _sdmetrics_frame(data, "synthetic", synthetic_rows),
            data.schema.sdv_metadata(),
            verbose=False,
        )
        shapes = report.get_details("Column Shapes")
        pairs = report.get_details("Column Pair Trends")
    properties = report.get_properties().set_index("Property")["Score"]
    shapes_value = _number(properties["Column Shapes"])
    empty = _generated_empty(data, list(shapes["Column"]))
    if empty:  # sdmetrics scores them NaN and leaves them out: they would not count against it
        shapes["Score"] = shapes["Score"].where(~shapes["Column"].isin(empty), 0.0)
        shapes_value = _number(shapes["Score"].mean())
    return {
        "column_shapes": {
            "value": shapes_value,
            "direction": "higher is better",
            "range": [0.0, 1.0],
            "good": "1 means every column's marginal distribution matches the real one",
            "rows_used": {"real": len(real_rows), "synthetic": len(synthetic_rows)},
            "columns": [
                {"column": row.Column, "metric": row.Metric, "score": _number(row.Score)}
                for row in shapes.itertuples(index=False)
            ],
            **({"generated_empty": empty, "note": "columns the synthetic table holds no value of "
                "score 0 (sdmetrics leaves them out)"} if empty else {}),
        },
        "column_pair_trends": {
            "value": _number(properties["Column Pair Trends"]),
            "direction": "higher is better",
            "range": [0.0, 1.0],
            "good": "1 means every pair's correlation or contingency table matches the real one",
            "rows_used": {"real": len(real_rows), "synthetic": len(synthetic_rows)},
            "settings": {
                "real_correlation_threshold": 0,
                "real_association_threshold": 0,
                "num_rows_subsample": None,
            },
            "pairs": [
                {
                    "column_1": row["Column 1"],
                    "column_2": row["Column 2"],
                    "metric": row["Metric"],
                    "score": _number(row["Score"]),
                    "real_correlation": _number(row["Real Correlation"]),
                    "synthetic_correlation": _number(row["Synthetic Correlation"]),
                }
                for row in pairs.to_dict("records")
            ],
        },
    }


def _generated_empty(data: PreparedData, columns: list[str]) -> list[str]:
    """Those of ``columns`` that hold values in the real table but none in the synthetic one
    (every value missing, or infinite)."""
    real, synthetic = data.frames["real"], data.frames["synthetic"]
    return [c for c in columns if c in real.columns and real[c].notna().any() and synthetic[c].isna().all()]


def _category_coverage(data: PreparedData) -> dict[str, Any]:
    columns = []
    for j, column in enumerate(data.schema.categorical):
        n_real = data.n_real_categories[column]
        synthetic_codes = data.codes["synthetic"][:, j]
        present = np.zeros(n_real, dtype=bool)
        seen = synthetic_codes[(synthetic_codes >= 0) & (synthetic_codes < n_real)]
        present[np.unique(seen)] = True
        lost = data.categories[column][:n_real][~present]
        invented_rows = synthetic_codes >= n_real
        columns.append(
            {
                "column": column,
                "real_categories": n_real,
                "coverage": float(present.mean()) if n_real else 1.0,
                "lost_count": int((~present).sum()),
                "lost": [str(v) for v in lost[:_LOST_LISTED]],
                "invented_count": len(np.unique(synthetic_codes[invented_rows])),
                "invented_row_rate": float(invented_rows.mean()),
            }
        )
    coverages = [c["coverage"] for c in columns]
    return {
        "value": float(np.mean(coverages)) if columns else math.nan,
        "minimum": float(np.min(coverages)) if columns else math.nan,
        "direction": "higher is better",
        "range": [0.0, 1.0],
        "good": "1 means every real category appears in the synthetic table (no mode collapse)",
        "invented_row_rate": {
            "value": float(np.mean([c["invented_row_rate"] for c in columns])) if columns else 0.0,
            "direction": "lower is better",
            "range": [0.0, 1.0],
            "good": "0 means no synthetic row holds a category absent from the real table",
        },
        "columns_with_lost_categories": [c["column"] for c in columns if c["lost_count"]],
        "columns": columns,
    }


def _missing_values(data: PreparedData) -> dict[str, Any]:
    """Each column's share of missing rows, real against synthetic; a numerical column holding
    ``inf`` or ``-inf`` in either table has those shares compared too (they are no missing
    values, though every other metric skips them), and so has each way a column writes its
    missing values ("?", "n/a", beside empty cells: ``real_kinds``, ``synthetic_kinds``, keyed
    by the text, "" for the column's own missing value); the difference is the largest."""
    real, synthetic = data.frames["real"], data.frames["synthetic"]
    columns = []
    for column in data.schema.kinds:
        entry: dict[str, Any] = {"column": column}
        shares = {}
        for name, frame in (("real", real), ("synthetic", synthetic)):
            n_inf, n_minus_inf = data.infinities[name].get(column, (0, 0))
            n_missing = int(frame[column].isna().sum()) - n_inf - n_minus_inf
            inf, minus_inf = n_inf / len(frame), n_minus_inf / len(frame)
            entry[f"{name}_rate"] = n_missing / len(frame)
            shares[name] = [entry[f"{name}_rate"], inf, minus_inf]
            if column in data.infinities[name]:
                entry[f"{name}_inf_rate"], entry[f"{name}_minus_inf_rate"] = inf, minus_inf
            texts = data.missing_text_counts.get(name, {}).get(column)
            if texts:
                own = n_missing - sum(texts.values())
                entry[f"{name}_kinds"] = {"": own / len(frame), **{t: k / len(frame) for t, k in texts.items()}}
                shares[name] += list(entry[f"{name}_kinds"].values())
        entry["difference"] = max(abs(a - b) for a, b in zip(shares["real"], shares["synthetic"]))
        columns.append(entry)
    return {
        "value": max((c["difference"] for c in columns), default=0.0),
        "direction": "lower is better",
        "range": [0.0, 1.0],
        "good": "0 means every column has the real table's share of missing values, of each way "
                "of writing them, and of inf and -inf, where it holds them",
        "columns": columns,
    }


def _range_coverage(data: PreparedData) -> dict[str, Any]:
    columns = []
    for j, column in enumerate(data.schema.continuous):
        real = data.numeric["real"][:, j]
        synthetic = data.numeric["synthetic"][:, j]
        real, synthetic = real[~np.isnan(real)], synthetic[~np.isnan(synthetic)]
        if len(real) == 0:  # nothing to cover
            columns.append({"column": column, "coverage": math.nan, "outside_rate": math.nan})
            continue
        if len(synthetic) == 0:  # a column generated all missing covers none of its range
            columns.append({"column": column, "coverage": 0.0, "outside_rate": math.nan})
            continue
        low, high = real.min(), real.max()
        overlap = min(high, synthetic.max()) - max(low, synthetic.min())
        if high > low:
            coverage = float(np.clip(overlap / (high - low), 0.0, 1.0))
        else:
            coverage = float(np.any(synthetic == low))
        outside = float(np.mean((synthetic < low) | (synthetic > high)))
        columns.append({"column": column, "coverage": coverage, "outside_rate": outside})
    values = [c["coverage"] for c in columns if not math.isnan(c["coverage"])]
    return {
        "value": float(np.mean(values)) if values else math.nan,
        "direction": "higher is better",
        "range": [0.0, 1.0],
        "good": "1 means the synthetic values span each real column's whole [min, max] range",
        "columns": columns,
    }


def _distributions(data: PreparedData) -> list[dict[str, Any]]:
    """Binned real and synthetic frequencies per column, for the report's plots."""
    plots = []
    for j, column in enumerate(data.schema.categorical):
        plots.append(_categorical_distribution(data, column, j))
    for j, column in enumerate(data.schema.continuous):
        plots.append(_continuous_distribution(data, column, j))
    order = list(data.schema.kinds)
    return sorted(plots, key=lambda p: order.index(p["column"]))


def _categorical_distribution(data: PreparedData, column: str, j: int) -> dict[str, Any]:
    n_codes = len(data.categories[column])
    real_counts = np.bincount(data.codes["real"][:, j] + 1, minlength=n_codes + 1)
    synthetic_counts = np.bincount(data.codes["synthetic"][:, j] + 1, minlength=n_codes + 1)
    order = np.argsort(-real_counts[1:], kind="stable")[:_PLOT_CATEGORIES] + 1
    labels = [str(data.categories[column][code - 1]) for code in order]
    real_shares = list(real_counts[order] / real_counts.sum())
    synthetic_shares = list(synthetic_counts[order] / synthetic_counts.sum())
    rest = np.setdiff1d(np.arange(1, n_codes + 1), order)
    for label, codes in (("(other)", rest), ("(missing)", np.array([0]))):
        if real_counts[codes].sum() or synthetic_counts[codes].sum():
            labels.append(label)
            real_shares.append(real_counts[codes].sum() / real_counts.sum())
            synthetic_shares.append(synthetic_counts[codes].sum() / synthetic_counts.sum())
    return {
        "column": column,
        "kind": "categorical",
        "labels": labels,
        "real": [float(v) for v in real_shares],
        "synthetic": [float(v) for v in synthetic_shares],
    }


def _continuous_distribution(data: PreparedData, column: str, j: int) -> dict[str, Any]:
    real = data.numeric["real"][:, j]
    synthetic = data.numeric["synthetic"][:, j]
    real, synthetic = real[~np.isnan(real)], synthetic[~np.isnan(synthetic)]
    kind = data.schema.kinds[column]
    if len(real) == 0:
        return {"column": column, "kind": kind, "edges": [], "real": [], "synthetic": []}
    # Binned from the real minimum: numpy cannot cut a range narrow beside its distance from 0
    # (account numbers 2**63 + [0, 1000)) into bins of distinct floats, and refused the column.
    base = float(real.min())
    edges = np.histogram_bin_edges(real - base, bins=_PLOT_BINS)
    # Synthetic values outside the real range are drawn in the edge bins.
    clipped = np.clip(synthetic - base, edges[0], edges[-1])
    real_hist = np.histogram(real - base, bins=edges)[0] / len(real)
    synthetic_hist = np.histogram(clipped, bins=edges)[0] / max(len(clipped), 1)
    return {
        "column": column,
        "kind": kind,
        "edges": [float(e) + base for e in edges],
        "real": [float(v) for v in real_hist],
        "synthetic": [float(v) for v in synthetic_hist],
    }


def _number(value: object) -> float | None:
    """A JSON-safe float: ``None`` for NaN or missing."""
    if value is None or pd.isna(value):
        return None
    return float(value)
