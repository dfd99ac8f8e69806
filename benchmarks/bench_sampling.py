"""Sampling speed on Adult, inverse transform included: tabgan's ConditionalGAN with its
generator in float32 and in bfloat16 beside ctgan 0.12.1, measured side by side in one run.

usage: python benchmarks/bench_sampling.py [--rows 32561] [--repeats 5] [--skip-ctgan]
                                           [--model PATH] [--quality] [--device cpu|cuda]
                                           [--breakdown]

Sampling cost does not depend on how long a model trained, only on its network sizes (the
defaults here, as in ctgan), so both models are fitted for one epoch; ``--model`` times a saved
tabgan model instead. Each figure is the median of ``--repeats`` calls of ``sample(rows)`` after
a warm-up call. ctgan runs in its scratch virtual environment ($CTGAN_VENV, see ../shared/bench/)
through benchmarks/ctgan_sampling.py --serve, and its calls are interleaved with tabgan's (one of
each per repeat), so that a change in the machine's load hits both alike. ``--quality`` also scores 32,561 rows of each dtype with
bench_quality's evaluator (fit on Adult's training split, scored against its test split); it
needs a trained model: ``--model``, or a fit with default settings here (a few minutes).
``--device cuda`` fits and samples tabgan on the GPU; ctgan uses the GPU whenever it sees one
(its default), so the two run side by side on the same device (benchmarks/device_check.sh).
``--breakdown`` also times each stage of tabgan's sampling apart, on chunks of the engine's size,
in microseconds a row: the conditions, the latent noise, the generator's products, the category
draws and the decoding.
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

import numpy as np
import torch

from bench_quality import CTGAN_VENV, METRICS, dig, score
from tabgan import ConditionalGAN, datasets, load
from tabgan.nn.layers import native_bfloat16

ROOT = Path(__file__).resolve().parent.parent
DTYPES = ("float32", "bfloat16")


class TimingServer:
    """A process that times one call whenever it is sent a row count, one JSON line back each
    (its first line, when it is ready, says what it is), so that its calls can take turns with
    another contestant's."""

    def __init__(self, name: str, command: list[str], **popen: object) -> None:
        self.name = name
        self._proc = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
                                      **popen)
        self.ready = self._read()

    def _read(self) -> dict:
        line = self._proc.stdout.readline()
        if not line:
            sys.exit(f"{self.name} stopped (exit {self._proc.wait()})")
        return json.loads(line)

    def seconds(self, rows: int) -> float:
        self._proc.stdin.write(f"{rows}\n")
        self._proc.stdin.flush()
        return self._read()["seconds"]

    def close(self) -> None:
        self._proc.stdin.close()
        self._proc.wait()


class CtganServer(TimingServer):
    """ctgan 0.12.1 fitted in its scratch venv (benchmarks/ctgan_sampling.py --serve), timing one
    ``sample(rows)`` whenever asked, so that its calls interleave with tabgan's."""

    def __init__(self, train) -> None:
        python = CTGAN_VENV / "bin" / "python"
        if not python.exists():
            sys.exit(f"no ctgan venv at {CTGAN_VENV}: run ../shared/bench/ctgan_venv.sh or pass --skip-ctgan")
        self._tmp = tempfile.TemporaryDirectory()
        train_csv = Path(self._tmp.name) / "train.csv"
        train.to_csv(train_csv, index=False)
        super().__init__("ctgan_sampling.py --serve",
                         [str(python), str(ROOT / "benchmarks" / "ctgan_sampling.py"), str(train_csv), "--serve"])
        self.device = self.ready["device"]

    def close(self) -> None:
        super().close()
        self._tmp.cleanup()


def tabgan_seconds(model: ConditionalGAN, dtype: str, rows: int, seed: int) -> float:
    model.set_params(sampling_dtype=dtype)
    start = time.perf_counter()
    model.sample(rows, random_state=seed)
    return time.perf_counter() - start


def breakdown(model: ConditionalGAN, dtype: str, repeats: int) -> dict[str, float]:
    """Median microseconds a row of each stage of ``model.sample``, timed apart on one chunk."""
    from tabgan.nn.activations import draw_planned
    from tabgan.synthesizers.base import resolve_sampling_dtype

    engine = model.engine_
    device = engine.device
    n = engine.chunk_size
    g = torch.Generator(device=device).manual_seed(0)
    rng = np.random.default_rng(0)

    def sync() -> None:
        if device.type == "cuda":
            torch.cuda.synchronize(device)

    with torch.inference_mode():
        frozen = engine._frozen(resolve_sampling_dtype(dtype, device))
        slots = engine._original.sample_original_slots(n, g)  # (n,)
        noise = engine._noise(n, g)  # (n, E)
        planned = frozen(noise, slots, transposed=True)  # (D', n)
        rows = draw_planned(planned, engine.layout, g).cpu().numpy()  # (n, S)
        stages = {
            "conditions": lambda: engine._original.sample_original_slots(n, g),
            "noise": lambda: engine._noise(n, g),
            "products": lambda: frozen(noise, slots, transposed=True),
            "draws": lambda: draw_planned(planned, engine.layout, g),
            "decoding": lambda: model.transformer_.inverse_compact(rows, rng),
        }
        out = {}
        for name, stage in stages.items():
            stage()  # warm-up
            times = []
            for _ in range(repeats):
                sync()
                start = time.perf_counter()
                stage()
                sync()
                times.append(time.perf_counter() - start)
            out[name] = statistics.median(times) / n * 1e6
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=32_561)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--skip-ctgan", action="store_true")
    parser.add_argument("--model", default=None, help="a saved tabgan model to time instead of a 1-epoch fit")
    parser.add_argument("--quality", action="store_true", help="score the samples of each dtype too")
    parser.add_argument("--device", default="cpu", help="where tabgan fits and samples: cpu, cuda, cuda:1")
    parser.add_argument("--breakdown", action="store_true", help="time each stage of tabgan's sampling apart")
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
    ctgan = None if args.skip_ctgan else CtganServer(train)
    for dtype in DTYPES:  # warm-up: lazy imports, index plans
        tabgan_seconds(model, dtype, 1_000, 0)
    seconds: dict[str, list[float]] = {dtype: [] for dtype in DTYPES}
    ref_seconds: list[float] = []
    for i in range(args.repeats):  # interleaved, so load changes hit every contestant alike
        for dtype in DTYPES:
            seconds[dtype].append(tabgan_seconds(model, dtype, args.rows, i))
        if ctgan:
            ref_seconds.append(ctgan.seconds(args.rows))
    speed = {dtype: args.rows / statistics.median(s) for dtype, s in seconds.items()}
    ref = args.rows / statistics.median(ref_seconds) if ctgan else None
    ref_device = ctgan.device if ctgan else None
    if ctgan:
        ctgan.close()
    for dtype in DTYPES:
        print(f"tabgan {dtype}: {speed[dtype]:,.0f} rows/s", flush=True)
    if ref:
        print(f"ctgan 0.12.1 on {ref_device}: {ref:,.0f} rows/s", flush=True)
        ratios = [r / min(s) for s, r in zip(zip(*seconds.values()), ref_seconds)]  # per repeat
        print("each repeat, ctgan's time over tabgan's faster dtype's: "
              + ", ".join(f"{x:.1f}x" for x in ratios), flush=True)

    print()
    print(f"| sampling {args.rows:,} rows (median of {args.repeats}) | rows/s |{' vs ctgan |' if ref else ''}")
    print(f"|---|---:|{'---:|' if ref else ''}")
    for dtype in DTYPES:
        ratio = f" {speed[dtype] / ref:.1f}x |" if ref else ""
        print(f"| tabgan ({device.type}), generator in {dtype} | {speed[dtype]:,.0f} |{ratio}")
    if ref:
        print(f"| ctgan 0.12.1 ({ref_device}) | {ref:,.0f} | 1.0x |")

    if args.breakdown:
        print()
        print(f"| where a row's time goes (us a row, chunks of {model.engine_.chunk_size:,}, median of "
              f"{args.repeats}) | conditions | noise | products | draws | decoding |")
        print("|---|---:|---:|---:|---:|---:|")
        for dtype in DTYPES:
            parts = breakdown(model, dtype, args.repeats)
            print(f"| generator in {dtype} | " + " | ".join(f"{v:.2f}" for v in parts.values()) + " |")

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
