"""Sampling speed on Adult, inverse transform included: tabgan's ConditionalGAN with its
generator in float32 and in bfloat16 beside ctgan 0.12.1, measured side by side in one run.

usage: python benchmarks/bench_sampling.py [--rows 32561] [--repeats 5] [--skip-ctgan]
                                           [--model PATH] [--quality] [--device cpu|cuda]

Sampling cost does not depend on how long a model trained, only on its network sizes (the
defaults here, as in ctgan), so both models are fitted for one epoch; ``--model`` times a saved
tabgan model instead. Each figure is the median of ``--repeats`` calls of ``sample(rows)`` after
a warm-up call; ctgan runs in its scratch virtual environment ($CTGAN_VENV, see ../shared/bench/)
through benchmarks/ctgan_sampling.py. ``--quality`` also scores 32,561 rows of each dtype with
bench_quality's evaluator (fit on Adult's training split, scored against its test split); it
needs a trained model: ``--model``, or a fit with default settings here (a few minutes).
``--device cuda`` fits and samples tabgan on the GPU; ctgan uses the GPU whenever it sees one
(its default), so the two run side by side on the same device (benchmarks/device_check.sh).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import torch

from bench_quality import CTGAN_VENV, METRICS, dig, score
from tabgan import ConditionalGAN, datasets, load
from tabgan.nn.layers import native_bfloat16

ROOT = Path(__file__).resolve().parent.parent
DTYPES = ("float32", "bfloat16")


def rows_per_second(model: ConditionalGAN, rows: int, repeats: int) -> float:
    model.sample(1_000, random_state=0)  # warm-up: lazy imports, index plans
    seconds = []
    for i in range(repeats):
        start = time.perf_counter()
        model.sample(rows, random_state=i)
        seconds.append(time.perf_counter() - start)
    return rows / statistics.median(seconds)


def ctgan_rows_per_second(train, rows: int, repeats: int) -> tuple[float, str]:
    python = CTGAN_VENV / "bin" / "python"
    if not python.exists():
        sys.exit(f"no ctgan venv at {CTGAN_VENV}: run ../shared/bench/ctgan_venv.sh or pass --skip-ctgan")
    with tempfile.TemporaryDirectory() as tmp:
        train_csv = Path(tmp) / "train.csv"
        train.to_csv(train_csv, index=False)
        run = subprocess.run([str(python), str(ROOT / "benchmarks" / "ctgan_sampling.py"), str(train_csv),
                              str(rows), str(repeats)], check=True, capture_output=True, text=True)
    result = json.loads(run.stdout.strip().splitlines()[-1])
    return rows / result["median_s"], result.get("device", "cpu")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=32_561)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--skip-ctgan", action="store_true")
    parser.add_argument("--model", default=None, help="a saved tabgan model to time instead of a 1-epoch fit")
    parser.add_argument("--quality", action="store_true", help="score the samples of each dtype too")
    parser.add_argument("--device", default="cpu", help="where tabgan fits and samples: cpu, cuda, cuda:1")
    args = parser.parse_args()

    train = datasets.load_adult("train")
    if args.model:
        model = load(args.model, device=args.device)
    else:
        model = ConditionalGAN(epochs="auto" if args.quality else 1, device=args.device, random_state=0).fit(train)
    device = model.engine_.device
    where = torch.cuda.get_device_name(device) if device.type == "cuda" else "CPU"
    print(f"torch {torch.__version__}, tabgan on {device} ({where}), {torch.get_num_threads()} threads, "
          f"native bfloat16 here: {native_bfloat16(device)}", flush=True)
    speed = {}
    for dtype in DTYPES:
        model.set_params(sampling_dtype=dtype)
        speed[dtype] = rows_per_second(model, args.rows, args.repeats)
        print(f"tabgan {dtype}: {speed[dtype]:,.0f} rows/s", flush=True)
    ref, ref_device = (None, None) if args.skip_ctgan else ctgan_rows_per_second(train, args.rows, args.repeats)
    if ref:
        print(f"ctgan 0.12.1 on {ref_device}: {ref:,.0f} rows/s", flush=True)

    print()
    print(f"| sampling {args.rows:,} rows (median of {args.repeats}) | rows/s |{' vs ctgan |' if ref else ''}")
    print(f"|---|---:|{'---:|' if ref else ''}")
    for dtype in DTYPES:
        ratio = f" {speed[dtype] / ref:.1f}x |" if ref else ""
        print(f"| tabgan ({device.type}), generator in {dtype} | {speed[dtype]:,.0f} |{ratio}")
    if ref:
        print(f"| ctgan 0.12.1 ({ref_device}) | {ref:,.0f} | 1.0x |")

    if args.quality:
        test = datasets.load_adult("test")
        scores = {}
        for dtype in DTYPES:
            model.set_params(sampling_dtype=dtype)
            scores[dtype] = score(train, model.sample(len(train), random_state=0), test)
        print()
        print("| metric (same model, same seed) | float32 | bfloat16 |")
        print("|---|---:|---:|")
        for label, path, _ in METRICS:
            print(f"| {label} | {dig(scores['float32'], path):.4f} | {dig(scores['bfloat16'], path):.4f} |")
    print(json.dumps({"rows": args.rows, "threads": torch.get_num_threads(), "device": str(device),
                      "tabgan_rows_per_s": speed, "ctgan_rows_per_s": ref, "ctgan_device": ref_device,
                      "env_threads": os.environ.get("OMP_NUM_THREADS")}))


if __name__ == "__main__":
    main()
