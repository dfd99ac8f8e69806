"""A fit in two halves through a model file (warm_start) beside the same fit in one go, on Adult.

usage: python benchmarks/bench_warm_start.py [--epochs 108] [--seed 0]

Official split: fit ConditionalGAN (defaults, ``epochs`` in all) on the 32,561 training rows,
sample 32,561 rows, score against the 16,281 test rows as ``bench_quality.py`` does (Column
Shapes, Column Pair Trends, LogisticDetection, TSTR ROC AUC). The halves: ``epochs // 2`` epochs,
``save`` and ``tabgan.load``, then ``warm_start=True`` for the rest. Also printed: the fidelity
probe's score (lower is better) at the last epoch of the first half and at the first epoch the
second half probes, which says whether training went on from where it stopped (a restart from
fresh networks scores like the first epochs of a fit); and the model file's size.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_quality import METRICS, dig, score  # noqa: E402

import tabgan  # noqa: E402
from tabgan import ConditionalGAN, datasets  # noqa: E402


def probed(history: pd.DataFrame) -> pd.Series:
    """probe_score by epoch, where the probe ran."""
    return history.set_index("epoch")["probe_score"].dropna()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=108, help="epochs in all (Adult's 'auto': 108)")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    train, test = datasets.load_adult("train"), datasets.load_adult("test")
    first = args.epochs // 2

    start = time.perf_counter()
    whole = ConditionalGAN(epochs=args.epochs, random_state=args.seed).fit(train)
    whole_s = time.perf_counter() - start

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "half.tabgan"
        start = time.perf_counter()
        half = ConditionalGAN(epochs=first, random_state=args.seed).fit(train)
        half.save(path)
        size = path.stat().st_size
        half.save(Path(tmp) / "lean.tabgan", training_state=False)
        lean_size = (Path(tmp) / "lean.tabgan").stat().st_size
        split = tabgan.load(path).set_params(warm_start=True, epochs=args.epochs - first).fit(train)
        split_s = time.perf_counter() - start

    scores = {}
    for name, model in (("one fit", whole), ("two halves", split)):
        scores[name] = score(train, model.sample(len(train), random_state=args.seed), test)
    probes = probed(split.history_)
    before, after = probes[probes.index < first], probes[probes.index >= first]
    fresh = probed(whole.history_)
    print(f"epochs: {args.epochs} in one fit; {first} + {args.epochs - first} through a model file "
          f"({size / 1e6:.1f} MB; {lean_size / 1e6:.1f} MB with training_state=False)")
    print(f"fit wall-clock: one fit {whole_s:.1f} s, two halves {split_s:.1f} s (save and load included)")
    print(f"probe score: first half's last probe (epoch {before.index[-1]}) {before.iloc[-1]:.4f}; "
          f"second half's first (epoch {after.index[0]}) {after.iloc[0]:.4f}; "
          f"a fresh fit's first (epoch {fresh.index[0]}) {fresh.iloc[0]:.4f}; "
          f"kept epoch {split.best_epoch_} (one fit: {whole.best_epoch_})")
    print("| metric | one fit | two halves |\n|---|---:|---:|")
    for label, key, _ in METRICS:
        print(f"| {label} | {dig(scores['one fit'], key):.4f} | {dig(scores['two halves'], key):.4f} |")


if __name__ == "__main__":
    main()
