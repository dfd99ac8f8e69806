"""What the fidelity probe costs: training time on Adult with and without it.

    .venv/bin/python benchmarks/bench_probe.py [--epochs 3] [--probe-every 1] [--device auto]

Two fits of the same model (same seed, so the same training steps): ``probe_every=None`` and
``probe_every=k`` with ``keep_best=True``. Printed: the wall-clock time of each fit, and the probe's
own share measured inside the second run (``history_["probe_seconds"]``, which includes the
keep-best snapshots) against the time of its training steps (``history_["seconds"]``). The
direct share is the figure to read on a busy machine; wall-clock differences of a few percent
are within the noise of a shared CPU. The budget is 5% (issue 6).
"""

from __future__ import annotations

import argparse
import time

import torch

from tabgan import ConditionalGAN
from tabgan.datasets import load_adult
from tabgan.probe import PROBE_ROWS


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--epochs", type=int, default=3)
    ap.add_argument("--probe-every", type=int, default=1, help="1 is the worst case; the default is 5")
    ap.add_argument("--device", default="auto")
    ap.add_argument("--threads", type=int, default=0, help="torch CPU threads (0: torch's default)")
    args = ap.parse_args()
    if args.threads:
        torch.set_num_threads(args.threads)
    data = load_adult("train")
    common = dict(epochs=args.epochs, random_state=0, device=args.device)
    timings = {}
    for label, extra in (("without probe", dict(probe_every=None)),
                         (f"probe_every={args.probe_every}", dict(probe_every=args.probe_every, keep_best=True))):
        t0 = time.perf_counter()
        model = ConditionalGAN(**common, **extra).fit(data)
        timings[label] = (time.perf_counter() - t0, model)
    (plain, _), (probed, model) = timings.values()
    h = model.history_
    steps, probe = float(h["seconds"].sum()), float(h["probe_seconds"].fillna(0).sum())
    print(f"Adult, {len(data)} rows, ConditionalGAN defaults, {args.epochs} epochs, device {args.device}")
    print(f"  fit without probe:           {plain:8.2f} s")
    print(f"  fit with probe_every={args.probe_every}:       {probed:8.2f} s  ({probed / plain - 1:+.1%} wall clock)")
    print(f"  training steps (with probe): {steps:8.2f} s")
    print(f"  probe + snapshots:           {probe:8.3f} s  = {probe / steps:.2%} of training "
          f"({h['probe_score'].notna().sum()} probes of {PROBE_ROWS} rows)")
    per = probe / max(1, h["probe_score"].notna().sum())
    print(f"  one probe: {per * 1000:.1f} ms; one epoch of steps: {steps / len(h) * 1000:.0f} ms")


if __name__ == "__main__":
    main()
