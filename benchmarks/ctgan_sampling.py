"""Time ctgan 0.12.1's ``sample`` (inverse transform included); run with the ctgan scratch venv.

usage: $CTGAN_VENV/bin/python benchmarks/ctgan_sampling.py TRAIN.csv ROWS REPEATS [--threads N]
Fits CTGAN for one epoch (sampling cost does not depend on training length: the networks have
their default sizes), samples 1,000 rows to warm up, then times ``sample(ROWS)`` REPEATS times.
ctgan runs on the GPU when torch sees one (its default, enable_gpu=True).
Discrete columns are those with a non-numeric dtype. Prints one JSON line.
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
train_path, rows, repeats = args[0], int(args[1]), int(args[2])
train = pd.read_csv(train_path)
discrete = [c for c in train.columns if not pd.api.types.is_numeric_dtype(train[c])]
model = CTGAN(epochs=1, verbose=False)
model.fit(train, discrete)
model.sample(1_000)
seconds = []
for _ in range(repeats):
    start = time.perf_counter()
    out = model.sample(rows)
    seconds.append(time.perf_counter() - start)
assert len(out) == rows
print(json.dumps({"engine": "ctgan-0.12.1", "threads": threads, "rows": rows, "device": str(model._device),
                  "seconds": [round(s, 4) for s in seconds], "median_s": statistics.median(seconds)}))
