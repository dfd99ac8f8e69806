"""Preprocessing speed: tabgan's TableTransformer beside ctgan 0.12.1's DataTransformer.

usage: python benchmarks/bench_transformers.py [--skip-ctgan] [--repeats N]

Prints one line per measurement and a JSON summary. Every figure is measured in this run, on
this machine; the ctgan figure comes from its own scratch virtual environment
(../shared/bench/ctgan_venv.sh, at $CTGAN_VENV), never from the project's environment.

1. Full Adult (48,842 rows): fit + transform, tabgan beside ctgan (goal: at least 20x faster).
2. kddcup99 (494,021 rows x 42 columns): fit + transform at 1/8, 1/4, 1/2 and all rows, each in a
   fresh process whose peak resident memory is reported (goal: under 30 s, linear in rows).
3. Inverse transform of 1,000,000 generated rows of Adult's layout (goal: under 5 s).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CTGAN_VENV = Path(os.environ.get("CTGAN_VENV", Path.home() / ".cache/tabgan-bench/ctgan"))

_CTGAN_SNIPPET = """
import json, sys, time
import pandas as pd
from ctgan.data_transformer import DataTransformer
df = pd.read_csv(sys.argv[1])
discrete = [c for c in df.columns if not pd.api.types.is_numeric_dtype(df[c])]
t = DataTransformer()
start = time.perf_counter(); t.fit(df, discrete); fit_s = time.perf_counter() - start
start = time.perf_counter(); t.transform(df); transform_s = time.perf_counter() - start
print(json.dumps({"fit_s": fit_s, "transform_s": transform_s}))
"""

_TABGAN_SNIPPET = """
import json, resource, sys, time
from tabgan import datasets
from tabgan.transformers import TableTransformer
df = getattr(datasets, sys.argv[1])()
rows = int(sys.argv[2]) if len(sys.argv) > 2 else len(df)
df = df.iloc[:rows]
start = time.perf_counter(); t = TableTransformer(random_state=0).fit(df); fit_s = time.perf_counter() - start
start = time.perf_counter(); m = t.transform(df); transform_s = time.perf_counter() - start
print(json.dumps({"rows": len(df), "width": m.shape[1], "fit_s": fit_s, "transform_s": transform_s,
                  "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def run_json(python: str | Path, code: str, *args: str) -> dict:
    out = subprocess.run([str(python), "-c", code, *args], check=True, capture_output=True, text=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def best_of(repeats: int, fn):
    results = [fn() for _ in range(repeats)]
    return min(results, key=lambda r: r["fit_s"] + r["transform_s"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--skip-ctgan", action="store_true")
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    summary: dict = {}

    # 1. Adult, side by side
    tab = best_of(args.repeats, lambda: run_json(sys.executable, _TABGAN_SNIPPET, "load_adult"))
    tab_s = tab["fit_s"] + tab["transform_s"]
    print(f"adult  tabgan  fit {tab['fit_s']:.2f} s + transform {tab['transform_s']:.2f} s = {tab_s:.2f} s"
          f"  ({tab['width']} features)")
    summary["adult_tabgan_s"] = round(tab_s, 3)
    ctgan_python = CTGAN_VENV / "bin" / "python"
    if not args.skip_ctgan and ctgan_python.exists():
        with tempfile.TemporaryDirectory() as tmp:
            from tabgan import datasets

            path = Path(tmp) / "adult.csv"
            datasets.load_adult().to_csv(path, index=False)
            ref = best_of(args.repeats, lambda: run_json(ctgan_python, _CTGAN_SNIPPET, str(path)))  # as tabgan's
        ref_s = ref["fit_s"] + ref["transform_s"]
        print(f"adult  ctgan   fit {ref['fit_s']:.2f} s + transform {ref['transform_s']:.2f} s = {ref_s:.2f} s")
        print(f"adult  speed-up {ref_s / tab_s:.1f}x (goal >= 20x)")
        summary.update(adult_ctgan_s=round(ref_s, 3), adult_speedup=round(ref_s / tab_s, 1))
    else:
        print(f"adult  ctgan   skipped (no {ctgan_python}; run ../shared/bench/ctgan_venv.sh)")

    # 2. kddcup99, growing row counts, each in a fresh process for an honest peak memory
    full = 494_021
    scale = []
    for rows in (full // 8, full // 4, full // 2, full):
        r = best_of(1, lambda: run_json(sys.executable, _TABGAN_SNIPPET, "load_kddcup99", str(rows)))
        total = r["fit_s"] + r["transform_s"]
        scale.append({"rows": rows, "s": round(total, 2), "peak_rss_mb": round(r["peak_rss_mb"])})
        print(f"kdd    {rows:>7} rows  fit {r['fit_s']:.2f} s + transform {r['transform_s']:.2f} s = {total:.2f} s"
              f"  peak RSS {r['peak_rss_mb']:.0f} MB  ({r['width']} features)")
    per_row = [s["s"] / s["rows"] * 1e6 for s in scale]
    print(f"kdd    microseconds per row: {', '.join(f'{p:.1f}' for p in per_row)} (flat = linear)")
    summary["kdd"] = scale

    # 3. inverse transform of 1,000,000 rows
    import numpy as np

    from tabgan import datasets
    from tabgan.transformers import TableTransformer

    adult = datasets.load_adult()
    t = TableTransformer(random_state=0).fit(adult)
    m = t.transform(adult)
    big = m[np.random.default_rng(0).integers(0, len(m), 1_000_000)]
    big[:, [s for s, _, sp in t.layout_.slices() if sp.activation == "tanh"]] += np.float32(0.01)
    start = time.perf_counter()
    out = t.inverse_transform(big, random_state=0)
    inv_s = time.perf_counter() - start
    print(f"inverse 1,000,000 rows x {m.shape[1]} features -> {out.shape[1]} columns: {inv_s:.2f} s (goal < 5 s)")
    summary["inverse_1m_s"] = round(inv_s, 2)
    print(json.dumps(summary))


if __name__ == "__main__":
    main()
