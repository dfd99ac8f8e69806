"""What the fidelity probe costs: training time on Adult with and without it.

    .venv/bin/python benchmarks/bench_probe.py [--epochs 3] [--probe-every 1] [--device auto]

Two fits of the same model (same seed, so the same training steps): ``probe_every=None`` and
``probe_every=k`` with ``keep_best=True``; their wall-clock times are printed. On a shared CPU
those differ by more than the probe costs, so the probe is also timed on its own: the fitted
model's generator, the same ``FidelityProbe`` the loop builds, ``repeats`` probes each followed
by a keep-best snapshot (the worst case: every probe improves), against the mean time of an
epoch of training steps (``history_["seconds"]``). The budget is 5% (issue 6).
"""

from __future__ import annotations

import argparse
import time

import torch

from tabgan import ConditionalGAN
from tabgan.datasets import load_adult
from tabgan.probe import FidelityProbe


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--epochs", type=int, default=3)
    ap.add_argument("--probe-every", type=int, default=1, help="1 is the worst case; the default is 5")
    ap.add_argument("--repeats", type=int, default=10)
    ap.add_argument("--device", default="auto")
    ap.add_argument("--threads", type=int, default=0, help="torch CPU threads (0: torch's default)")
    args = ap.parse_args()
    if args.threads:
        torch.set_num_threads(args.threads)
    data = load_adult("train")
    common = dict(epochs=args.epochs, random_state=0, device=args.device)
    walls = []
    for extra in (dict(probe_every=None), dict(probe_every=args.probe_every, keep_best=True)):
        t0 = time.perf_counter()
        model = ConditionalGAN(**common, **extra).fit(data)
        walls.append(time.perf_counter() - t0)
    epoch = float(model.history_["seconds"].mean())

    engine = model.engine_
    matrix = torch.from_numpy(model.transformer_.transform(data)).to(engine.device)
    probe = FidelityProbe(model.transformer_.layout_, matrix, generator=torch.Generator(engine.device).manual_seed(0))
    probe(engine.generate(probe.rows, generator=torch.Generator(engine.device).manual_seed(1)))  # warm-up
    t0 = time.perf_counter()
    for i in range(args.repeats):
        probe(engine.generate(probe.rows, generator=torch.Generator(engine.device).manual_seed(i)))
        engine.snapshot()  # what KeepBest keeps: the weights and the Adam moments
    one = (time.perf_counter() - t0) / args.repeats

    print(f"Adult, {len(data)} rows, ConditionalGAN defaults, {args.epochs} epochs, device {engine.device}")
    print(f"  fit without probe:       {walls[0]:8.2f} s")
    print(f"  fit probe_every={args.probe_every:<3d}:      {walls[1]:8.2f} s  ({walls[1] / walls[0] - 1:+.1%} wall clock)")
    print(f"  one epoch of steps:      {epoch * 1000:8.0f} ms")
    print(f"  one probe + snapshot:    {one * 1000:8.1f} ms ({probe.rows} rows)")
    for every in sorted({1, args.probe_every, 5}):
        print(f"  cost at probe_every={every}: {one / (every * epoch):.2%} of training")


if __name__ == "__main__":
    main()
