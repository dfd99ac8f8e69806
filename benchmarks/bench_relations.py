"""Rows that keep nycflights13's arithmetic between columns, with computed columns and without.

    .venv/bin/python benchmarks/bench_relations.py [--rows 20000] [--epochs 10] [--seed 0]

``sched_dep_time`` is ``100*hour + minute`` in every real row. Fits ``ConditionalGAN`` on a
random sample of the bundled flights (``load_flights``) with ``derive_columns=True`` (the default: the column is computed,
see ``tabgan.transformers.linear``) and ``False`` (it is learnt), samples as many rows, and prints
the share of rows that keep the formula and the fit time; then what the search for relations
costs on the whole of the bundled flights, Adult and kddcup99 tables, and the fit of 30 one-hot
columns whose sum (one) is a relation of all of them, none of two or three.
"""

from __future__ import annotations

import argparse
import time

import numpy as np
import pandas as pd

import tabgan
from tabgan.datasets import load_adult, load_flights, load_kddcup99
from tabgan.transformers import TableTransformer
from tabgan.transformers.linear import find_linear


def kept(df: pd.DataFrame) -> float:
    return float((df["sched_dep_time"] == 100 * df["hour"] + df["minute"]).mean())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=20_000)
    parser.add_argument("--epochs", type=int, default=10)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    table = load_flights().sample(args.rows, random_state=args.seed)
    print(f"real rows keeping sched_dep_time = 100*hour + minute: {kept(table):.4f}")
    for derive in (True, False):
        t0 = time.perf_counter()
        model = tabgan.ConditionalGAN(epochs=args.epochs, derive_columns=derive, random_state=args.seed).fit(table)
        seconds = time.perf_counter() - t0
        synthetic = model.sample(args.rows, random_state=args.seed)
        print(f"derive_columns={derive!s:5}: {kept(synthetic):.4f} of synthetic rows keep it; fit {seconds:.1f} s; "
              f"computed {model.transformer_.computed_}")
    for name, load in (("flights", load_flights), ("Adult", load_adult), ("kddcup99", load_kddcup99)):
        whole = load()
        columns = TableTransformer(derive=False, random_state=0).fit(whole.iloc[:50_000]).columns_
        times = []
        for _ in range(3):
            t0 = time.perf_counter()
            found = find_linear(whole, columns, np.random.default_rng(0))
            times.append(time.perf_counter() - t0)
        print(f"search for relations on {name}'s {len(whole):,} rows: {1000 * min(times):.0f} ms (best of 3), "
              f"found {[t.formula for t in found.values()]}")
    rng = np.random.default_rng(0)
    hot = rng.integers(0, 30, 20_000)  # 30 one-hot columns add up to one: a relation of all 30
    dummies = pd.DataFrame({f"is_{i}": (hot == i).astype(float) for i in range(30)})
    t0 = time.perf_counter()
    computed = TableTransformer(random_state=0).fit(dummies).computed_
    print(f"fit of 30 one-hot columns that add up to one (20,000 rows): {time.perf_counter() - t0:.2f} s, "
          f"computed {computed}")


if __name__ == "__main__":
    main()
