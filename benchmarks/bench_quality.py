"""Quality and speed on Adult: tabgan's ConditionalGAN (defaults) beside ctgan 0.12.1 (defaults).

usage: python benchmarks/bench_quality.py [--ctgan-epochs 300] [--skip-ctgan] [--seed 0]
                                          [--param name=value ...]

Official split: fit on the 32,561 training rows, sample 32,561 rows, score against the 16,281
test rows with tabgan's evaluator: sdmetrics QualityReport Column Shapes and Column Pair Trends
(pair thresholds 0, no subsampling on Adult), sdmetrics LogisticDetection, and machine-learning
utility (a gradient-boosting classifier trained on synthetic rows, ROC AUC on the real test split).
Also printed: the share of synthetic rows whose education-num is the one their education always
has in the real data (a functional dependency; 1.0 in real rows).
ctgan runs in its own scratch virtual environment ($CTGAN_VENV, see ../shared/bench/) through
../shared/bench/ctgan_reference.py, in this same run, on this same machine.
``--param`` overrides a ConditionalGAN parameter (for tuning runs; the README's table uses none).
"""

from __future__ import annotations

import argparse
import ast
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd

from tabgan import ConditionalGAN, datasets
from tabgan.evaluation import evaluate

ROOT = Path(__file__).resolve().parent.parent
CTGAN_VENV = Path(os.environ.get("CTGAN_VENV", Path.home() / ".cache/tabgan-bench/ctgan"))
CTGAN_SCRIPT = Path(os.environ.get("CTGAN_REFERENCE", ROOT.parent / "shared/bench/ctgan_reference.py"))

METRICS = [
    ("Column Shapes", ("fidelity", "column_shapes"), "higher"),
    ("Column Pair Trends", ("fidelity", "column_pair_trends"), "higher"),
    ("LogisticDetection", ("detection", "logistic_detection"), "higher"),
    ("ML utility ROC AUC (TSTR)", ("utility", "synthetic", "roc_auc"), "higher"),
]


def dig(d: dict, path: tuple[str, ...]) -> float | None:
    for key in path:
        if not isinstance(d, dict) or key not in d:
            return None
        d = d[key]
    if isinstance(d, dict):
        d = d.get("score", d.get("value"))
    return None if d is None else float(d)


def pair_agreement(train: pd.DataFrame, synthetic: pd.DataFrame) -> float:
    """Share of synthetic rows whose education-num is the one every real row of their education has."""
    years = train.groupby("education")["education-num"].first()
    return float((synthetic["education"].map(years) == synthetic["education-num"]).mean())


def score(train: pd.DataFrame, synthetic: pd.DataFrame, test: pd.DataFrame) -> dict:
    report = evaluate(train, synthetic, holdout=test, target="income",
                      sections=("fidelity", "detection", "utility"), random_state=0)
    return report.to_dict()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ctgan-epochs", type=int, default=300)
    parser.add_argument("--skip-ctgan", action="store_true")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--param", action="append", default=[], help="name=value override")
    args = parser.parse_args()
    overrides = {}
    for item in args.param:
        name, _, value = item.partition("=")
        try:
            overrides[name] = ast.literal_eval(value)
        except (ValueError, SyntaxError):
            overrides[name] = value

    train, test = datasets.load_adult("train"), datasets.load_adult("test")
    model = ConditionalGAN(random_state=args.seed, **overrides)
    start = time.perf_counter()
    model.fit(train)
    fit_s = time.perf_counter() - start
    start = time.perf_counter()
    synthetic = model.sample(len(train), random_state=args.seed)
    sample_s = time.perf_counter() - start
    ours = {"fit_s": fit_s, "sample_s": sample_s, "epochs": int(model.history_["epoch"].max()) + 1,
            "params": overrides, "scores": score(train, synthetic, test),
            "pair_agreement": pair_agreement(train, synthetic)}
    print(f"tabgan  fit {fit_s:.1f} s ({ours['epochs']} epochs), sample {sample_s:.2f} s", flush=True)

    ref = None
    ctgan_python = CTGAN_VENV / "bin" / "python"
    if not args.skip_ctgan:
        if not ctgan_python.exists():
            sys.exit(f"no ctgan venv at {CTGAN_VENV}: run ../shared/bench/ctgan_venv.sh or pass --skip-ctgan")
        with tempfile.TemporaryDirectory() as tmp:
            train_csv, out_csv = Path(tmp) / "train.csv", Path(tmp) / "ctgan.csv"
            train.to_csv(train_csv, index=False)
            run = subprocess.run([str(ctgan_python), str(CTGAN_SCRIPT), str(train_csv), str(args.ctgan_epochs),
                                  str(out_csv)], check=True, capture_output=True, text=True)
            ref = json.loads(run.stdout.strip().splitlines()[-1])
            ctgan_synthetic = pd.read_csv(out_csv)
        ref["scores"] = score(train, ctgan_synthetic, test)
        ref["pair_agreement"] = pair_agreement(train, ctgan_synthetic)
        print(f"ctgan   fit {ref['fit_s']:.1f} s ({args.ctgan_epochs} epochs), sample {ref['sample_s']:.2f} s",
              flush=True)

    print()
    print(f"| metric | tabgan | {'ctgan 0.12.1 |' if ref else ''}")
    print(f"|---|---:|{'---:|' if ref else ''}")
    wins = []
    for label, path, better in METRICS:
        a = dig(ours["scores"], path)
        b = dig(ref["scores"], path) if ref else None
        if a is not None and b is not None:
            wins.append(a > b if better == "higher" else a < b)
        cell = f" {b:.4f} |" if b is not None else (" n/a |" if ref else "")
        print(f"| {label} | {a:.4f} |{cell}" if a is not None else f"| {label} | n/a |{cell}")
    ref_pair = f" {ref['pair_agreement']:.4f} |" if ref else ""
    print(f"| rows whose education-num matches their education | {ours['pair_agreement']:.4f} |{ref_pair}")
    ref_fit = f" {ref['fit_s']:.1f} |" if ref else ""
    print(f"| fit wall-clock (s) | {fit_s:.1f} |{ref_fit}")
    rows_per_s = len(train) / sample_s
    if ref:
        ref_rows_per_s = ref["sample_rows"] / ref["sample_s"]
        print(f"| sampling rows/s | {rows_per_s:,.0f} | {ref_rows_per_s:,.0f} |")
        print()
        print(f"fit time ratio tabgan/ctgan: {fit_s / ref['fit_s']:.3f} (goal <= 0.2)")
        print(f"sampling speed ratio tabgan/ctgan: {rows_per_s / ref_rows_per_s:.1f}x (goal >= 10x)")
        print(f"tabgan better on {sum(wins)} of {len(wins)} quality metrics")
    summary = {"tabgan": {k: v for k, v in ours.items() if k != "scores"},
               "ctgan": {k: v for k, v in (ref or {}).items() if k != "scores"},
               "metrics": {label: {"tabgan": dig(ours["scores"], p), "ctgan": dig(ref["scores"], p) if ref else None}
                           for label, p, _ in METRICS}}
    print(json.dumps(summary))


if __name__ == "__main__":
    main()
