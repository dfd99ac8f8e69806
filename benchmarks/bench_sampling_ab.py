"""Sampling speed of this checkout against an earlier commit, on one saved model, side by side.

usage: python benchmarks/bench_sampling_ab.py [--base REV] [--rows 32561] [--repeats 9]
                                              [--model PATH] [--dtype float32]

The earlier commit is checked out in a temporary git worktree; each version runs in a process of
its own (its own ``PYTHONPATH``) that loads the same model file and times ``sample(rows)`` when
asked, and the two are asked in turn, so that a change in the machine's load hits both alike.
Without ``--model`` a one-epoch ConditionalGAN is fitted on Adult with this checkout and saved
(sampling cost depends on the network's sizes, not on how long it trained); the earlier commit
must be able to load it. Prints the medians, the best calls and each repeat's ratio.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from bench_sampling import ROOT, TimingServer

SERVE = """
import json, sys, time
import tabgan
model = tabgan.load(sys.argv[1])
model.set_params(sampling_dtype=sys.argv[2])
model.sample(2_000, random_state=0)  # warm-up: lazy imports, index plans
print(json.dumps({"tabgan": tabgan.__file__}), flush=True)
for line in sys.stdin:
    start = time.perf_counter()
    model.sample(int(line), random_state=1)
    print(json.dumps({"seconds": time.perf_counter() - start}), flush=True)
"""


def server(root: Path, model: Path, dtype: str, cwd: str) -> TimingServer:
    """The tabgan at ``root`` timing ``sample(rows)`` of ``model`` whenever asked."""
    env = dict(os.environ, PYTHONPATH=str(root))
    return TimingServer(f"the sampling process of {root}", [sys.executable, "-c", SERVE, str(model), dtype],
                        cwd=cwd, env=env)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", default="HEAD~1", help="the earlier commit (any git revision)")
    parser.add_argument("--rows", type=int, default=32_561)
    parser.add_argument("--repeats", type=int, default=9)
    parser.add_argument("--model", default=None, help="a saved model to sample (default: a 1-epoch Adult fit)")
    parser.add_argument("--dtype", default="float32", choices=["auto", "float32", "bfloat16"])
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        model = Path(args.model) if args.model else Path(tmp) / "model"
        if not args.model:
            from tabgan import ConditionalGAN, datasets

            ConditionalGAN(epochs=1, random_state=0).fit(datasets.load_adult("train")).save(model)
        base = Path(tmp) / "base"
        subprocess.run(["git", "-C", str(ROOT), "worktree", "add", "--detach", "-q", str(base), args.base],
                       check=True)
        try:
            servers = {"base": server(base, model, args.dtype, tmp), "this": server(ROOT, model, args.dtype, tmp)}
            for name, proc in servers.items():
                print(f"{name}: tabgan from {proc.ready['tabgan']}", flush=True)
            times: dict[str, list[float]] = {k: [] for k in servers}
            for _ in range(args.repeats):  # in turn, so load changes hit both alike
                for name, proc in servers.items():
                    times[name].append(proc.seconds(args.rows))
            for proc in servers.values():
                proc.close()
        finally:
            subprocess.run(["git", "-C", str(ROOT), "worktree", "remove", "--force", str(base)], check=False)

    rev = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--short", args.base], capture_output=True,
                         text=True).stdout.strip()
    print(f"sampling {args.rows:,} rows, generator in {args.dtype}, {args.repeats} repeats in turn")
    for name, label in (("base", f"base ({args.base} = {rev})"), ("this", "this checkout")):
        ts = times[name]
        print(f"{label:>28}: median {args.rows / statistics.median(ts):,.0f} rows/s, best {args.rows / min(ts):,.0f}")
    ratios = [b / t for b, t in zip(times["base"], times["this"])]
    print(f"this / base speed: median {statistics.median(times['base']) / statistics.median(times['this']):.2f}x; "
          "each repeat " + ", ".join(f"{r:.2f}" for r in ratios))


if __name__ == "__main__":
    main()
