"""Time ctgan 0.12.1's ``sample`` (inverse transform included); run with the ctgan scratch venv.

usage: $CTGAN_VENV/bin/python benchmarks/ctgan_sampling.py TRAIN.csv ROWS REPEATS [--threads N]
       $CTGAN_VENV/bin/python benchmarks/ctgan_sampling.py TRAIN.csv --serve [--threads N]
Fits CTGAN for one epoch (sampling cost does not depend on training length: the networks have
their default sizes) and samples 1,000 rows to warm up. Then either times ``sample(ROWS)``
REPEATS times and prints one JSON line, or (``--serve``) prints {"ready": ...} and answers each
line ROWS read from stdin with one JSON line {"seconds": ...} of one timed ``sample(ROWS)``, so
that a benchmark can interleave ctgan's calls with its own (benchmarks/bench_sampling.py).
ctgan runs on the GPU when torch sees one (its default, enable_gpu=True).
Discrete columns are those with a non-numeric dtype.
"""
import json
import statistics
import sys
import time

import pandas as pd
import torch
from ctgan import CTGAN

args = sys.argv[1:]
threads = int(args[args.index("--threads") + 1]) if "--threads" in args else torch.get_num_threads()
torch.set_num_threads(threads)
train = pd.read_csv(args[0])
discrete = [c for c in train.columns if not pd.api.types.is_numeric_dtype(train[c])]
model = CTGAN(epochs=1, verbose=False)
model.fit(train, discrete)
model.sample(1_000)


def timed(rows: int) -> float:
    start = time.perf_counter()
    out = model.sample(rows)
    seconds = time.perf_counter() - start
    assert len(out) == rows
    return seconds


if "--serve" in args:
    print(json.dumps({"ready": True, "threads": threads, "device": str(model._device)}), flush=True)
    for line in sys.stdin:
        print(json.dumps({"seconds": timed(int(line))}), flush=True)
else:
    rows, repeats = int(args[1]), int(args[2])
    seconds = [timed(rows) for _ in range(repeats)]
    print(json.dumps({"engine": "ctgan-0.12.1", "threads": threads, "rows": rows, "device": str(model._device),
                      "seconds": [round(s, 4) for s in seconds], "median_s": statistics.median(seconds)}))
