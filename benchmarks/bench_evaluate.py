"""Benchmark of ``tabgan.evaluation.evaluate`` on Adult, and on a 1,000,000-row table.

Usage::

    .venv/bin/python benchmarks/bench_evaluate.py                 # Adult, every metric
    .venv/bin/python benchmarks/bench_evaluate.py --threads 1     # one thread (busy machine)
    .venv/bin/python benchmarks/bench_evaluate.py --large         # also 1,000,000 rows
    .venv/bin/python benchmarks/bench_evaluate.py --html /tmp/adult_report.html

Tables:

* real: Adult rows 0-32,560 (the official training split, 32,561 rows);
  holdout: rows 32,561-48,841 (the official test split, 16,281 rows);
* "synthetic" (32,561 rows): a perturbed bootstrap of the real rows. Rows are drawn with
  replacement; every numeric value gets Gaussian noise of 5 % of its column's standard deviation
  (rounded back to integers, clipped at 0 for counts), and 5 % of the cells of every categorical
  column are redrawn from that column's real marginal. It has near-real marginals, slightly
  weakened pairs and no exact copies beyond chance, so every metric has work to do.
* ``--large``: real and synthetic of 1,000,000 rows and a 500,000-row holdout, each a perturbed
  bootstrap of Adult as above, to show time and peak memory with the default sample caps.

The machine is shared: the script prints the load average before each run, since other busy
processes slow OpenMP code far more than their share of the cores.
"""

from __future__ import annotations

import argparse
import os
import resource
import time
import warnings
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from tabgan.evaluation import EvaluationReport, evaluate

_ADULT_PATHS = (
    Path(__file__).resolve().parents[1] / "datasets" / "adult.csv.gz",
    Path("/work/shared/datasets/adult.csv.gz"),
)
ADULT_TRAIN_ROWS = 32_561


def load_adult() -> pd.DataFrame:
    """Adult from the repository's datasets/ folder, else the shared copy."""
    for path in _ADULT_PATHS:
        if path.exists():
            return pd.read_csv(path)
    raise SystemExit(f"Adult not found at {' or '.join(map(str, _ADULT_PATHS))}")


def perturbed_bootstrap(real: pd.DataFrame, n: int, rng: np.random.Generator) -> pd.DataFrame:
    """A stand-in synthetic table (see the module docstring)."""
    sample = real.iloc[rng.integers(0, len(real), n)].reset_index(drop=True)
    for column in sample.columns:
        values = sample[column]
        if pd.api.types.is_numeric_dtype(values):
            noisy = values + rng.normal(0.0, 0.05 * real[column].std(), n)
            if pd.api.types.is_integer_dtype(values):
                noisy = noisy.round().astype(values.dtype)
            sample[column] = noisy.clip(lower=real[column].min())
        else:
            redraw = rng.random(n) < 0.05
            marginal = real[column].to_numpy()
            sample.loc[redraw, column] = marginal[rng.integers(0, len(marginal), redraw.sum())]
    return sample


def time_pair_trends(real: pd.DataFrame, synthetic: pd.DataFrame) -> dict[str, float]:
    """Seconds of sdmetrics' QualityReport alone, as configured here and with its defaults."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from sdmetrics.reports.single_table import QualityReport

        metadata = {
            "columns": {
                c: {"sdtype": "categorical" if real[c].dtype == object else "numerical"}
                for c in real.columns
            }
        }
        timings = {}
        for label, thresholds, subsample in (
            ("thresholds 0, no subsampling, string categories", 0, None),
            ("sdmetrics defaults (thresholds 0.5 / 0.3, 50,000-row subsample)", None, 50_000),
        ):
            report = QualityReport()
            if thresholds is not None:
                report.real_correlation_threshold = thresholds
                report.real_association_threshold = thresholds
            report.num_rows_subsample = subsample
            start = time.perf_counter()
            report.generate(real, synthetic, metadata, verbose=False)
            timings[label] = time.perf_counter() - start
    return timings


def run(
    label: str,
    real: pd.DataFrame,
    synthetic: pd.DataFrame,
    holdout: pd.DataFrame,
    threads: int | None,
    device: str,
) -> EvaluationReport:
    """Evaluate with every metric and print the figures."""
    print(
        f"\n== {label}: real {len(real):,}, synthetic {len(synthetic):,}, holdout {len(holdout):,}"
    )
    print(f"load average before: {os.getloadavg()[0]:.2f} (2 cores)")
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    start = time.perf_counter()
    report = evaluate(
        real,
        synthetic,
        holdout,
        target="income",
        sensitive=["sex", "age"],
        device=device,
        n_threads=threads,
    )
    total = time.perf_counter() - start
    rss_after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    result = report.to_dict()
    print(f"total: {total:.1f} s   threads: {threads or 'library default'}   device: {device}")
    for section, seconds in result["timings"].items():
        print(f"  {section:<10} {seconds:6.1f} s")
    print(f"peak RSS: {rss_after:,.0f} MiB (before: {rss_before:,.0f} MiB)")
    _print_headline(result)
    _print_sample_sizes(result)
    return report


def _print_headline(result: dict[str, Any]) -> None:
    for entry in result["headline"]:
        interval = entry["ci95"]
        ci = f" [{interval[0]:.3f}, {interval[1]:.3f}]" if interval and None not in interval else ""
        value = entry["value"]
        shown = f"{value:.4f}" if isinstance(value, float) else str(value)
        print(f"  {entry['label']:<44} {shown:>8}{ci:<18} {entry['status']}")


def _print_sample_sizes(result: dict[str, Any]) -> None:
    fidelity = result["fidelity"]["column_shapes"]["rows_used"]
    detection = result["detection"]["gradient_boosting_auc"]["rows_used"]
    logistic = result["detection"]["logistic_detection"]["rows_used"]
    print(
        f"  rows used: fidelity {fidelity}, detection {detection}, logistic {logistic}, "
        f"utility {result['utility']['rows_used']}, privacy {result['privacy']['rows_used']}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--threads", type=int, default=None, help="n_threads of evaluate()")
    parser.add_argument("--device", default="auto")
    parser.add_argument("--large", action="store_true", help="also run 1,000,000 rows")
    parser.add_argument("--html", type=Path, default=None, help="write Adult's HTML report here")
    args = parser.parse_args()

    rng = np.random.default_rng(0)
    adult = load_adult()
    real = adult.iloc[:ADULT_TRAIN_ROWS].reset_index(drop=True)
    holdout = adult.iloc[ADULT_TRAIN_ROWS:].reset_index(drop=True)
    synthetic = perturbed_bootstrap(real, len(real), rng)

    print("sdmetrics QualityReport alone on Adult (real vs synthetic):")
    for label, seconds in time_pair_trends(real, synthetic).items():
        print(f"  {label:<66} {seconds:5.1f} s")

    report = run("Adult", real, synthetic, holdout, args.threads, args.device)
    if args.html:
        start = time.perf_counter()
        report.save_html(args.html)
        size = args.html.stat().st_size / 2**20
        print(f"HTML report: {args.html} ({size:.1f} MiB, {time.perf_counter() - start:.1f} s)")

    if args.large:
        big_real = perturbed_bootstrap(real, 1_000_000, rng)
        big_synthetic = perturbed_bootstrap(real, 1_000_000, rng)
        big_holdout = perturbed_bootstrap(holdout, 500_000, rng)
        run("1,000,000 rows", big_real, big_synthetic, big_holdout, args.threads, args.device)


if __name__ == "__main__":
    main()
