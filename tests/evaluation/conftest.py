"""Shared fixtures of the evaluator tests: the Adult table and small samples of it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from threadpoolctl import threadpool_limits

from tabgan.evaluation import Limits

_REPO = Path(__file__).resolve().parents[2]
_ADULT_PATHS = (_REPO / "datasets" / "adult.csv.gz", Path("/work/shared/datasets/adult.csv.gz"))

#: Rows 0-32,560 of adult.csv.gz are the official training split, the rest the test split.
ADULT_TRAIN_ROWS = 32_561

#: Sample caps that keep each evaluation of a few thousand rows to seconds.
FAST_LIMITS = Limits(logistic_detection_rows=1_000, attribute_rows=1_000)


def load_adult() -> pd.DataFrame | None:
    """The Adult table from the repository's datasets/ folder or the shared copy, if present."""
    for path in _ADULT_PATHS:
        if path.exists():
            return pd.read_csv(path)
    return None


@pytest.fixture(scope="session")
def adult() -> pd.DataFrame:
    table = load_adult()
    if table is None:
        pytest.skip(f"Adult is not available at {' or '.join(map(str, _ADULT_PATHS))}")
    return table


@pytest.fixture(scope="session")
def adult_parts(adult: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """Two disjoint random halves of 3,000 training rows each, and 3,000 test-split rows."""
    rng = np.random.default_rng(7)
    train = adult.iloc[:ADULT_TRAIN_ROWS]
    test = adult.iloc[ADULT_TRAIN_ROWS:]
    order = rng.permutation(len(train))
    return {
        "real": train.iloc[order[:3000]].reset_index(drop=True),
        "other_half": train.iloc[order[3000:6000]].reset_index(drop=True),
        "holdout": test.iloc[rng.permutation(len(test))[:3000]].reset_index(drop=True),
    }


@pytest.fixture(scope="session", autouse=True)
def one_thread_per_worker() -> Iterator[None]:
    """One OpenMP / BLAS thread per test process.

    The suite runs as two pytest-xdist workers on two shared cores; with the libraries' default
    of one thread per core, scikit-learn's gradient boosting was measured about twenty times
    slower from OpenMP oversubscription.
    """
    with threadpool_limits(limits=1):
        yield
