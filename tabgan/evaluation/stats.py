"""Small statistics helpers: confidence intervals, random generators, subsampling.

Every interval is a two-sided 95 % interval returned as ``[low, high]``.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np

from tabgan.errors import ParameterError

__all__ = [
    "auc_interval",
    "bootstrap_interval",
    "check_generator",
    "subsample_index",
    "subsample_of",
    "wilson_interval",
]

_Z95 = 1.959963984540054


def check_generator(random_state: int | np.random.Generator | None) -> np.random.Generator:
    """Turn ``random_state`` into a numpy Generator without touching global state."""
    if isinstance(random_state, np.random.Generator):
        return random_state
    if random_state is None or isinstance(random_state, (int, np.integer)):
        return np.random.default_rng(random_state)
    raise ParameterError(f"random_state={random_state!r} must be an int, a numpy Generator or None")


def subsample_index(n: int, cap: int, rng: np.random.Generator) -> np.ndarray:
    """Sorted row positions of a uniform sample of ``min(n, cap)`` rows without replacement."""
    if n <= cap:
        return np.arange(n)
    return np.sort(rng.choice(n, size=cap, replace=False))


def subsample_of(positions: np.ndarray, cap: int, rng: np.random.Generator) -> np.ndarray:
    """A uniform sample of ``min(len(positions), cap)`` of the sorted row ``positions`` (a
    subsample's subsample), sorted: never its first rows, which follow the table's order.

    NOTE: until 2026-12-03 attribute inference and LogisticDetection took the first rows of
    their subsamples, so a table sorted by the sensitive column hid its leak, and the same
    rows sorted and shuffled were told apart.
    """
    return positions[subsample_index(len(positions), cap, rng)]


def wilson_interval(successes: float, n: int) -> list[float]:
    """Wilson score interval of a binomial proportion ``successes / n``."""
    if n == 0:
        return [math.nan, math.nan]
    p = successes / n
    denominator = 1 + _Z95**2 / n
    centre = (p + _Z95**2 / (2 * n)) / denominator
    half = _Z95 * math.sqrt(p * (1 - p) / n + _Z95**2 / (4 * n * n)) / denominator
    return [max(0.0, centre - half), min(1.0, centre + half)]


def auc_interval(auc: float, n_positive: int, n_negative: int) -> list[float]:
    """Hanley & McNeil (1982) normal interval of a ROC AUC from its class sizes."""
    if not math.isfinite(auc) or n_positive == 0 or n_negative == 0:
        return [math.nan, math.nan]
    q1 = auc / (2 - auc)
    q2 = 2 * auc * auc / (1 + auc)
    variance = (
        auc * (1 - auc) + (n_positive - 1) * (q1 - auc * auc) + (n_negative - 1) * (q2 - auc * auc)
    ) / (n_positive * n_negative)
    half = _Z95 * math.sqrt(max(variance, 0.0))
    return [max(0.0, auc - half), min(1.0, auc + half)]


def bootstrap_interval(
    values: np.ndarray,
    statistic: Callable[[np.ndarray], np.ndarray],
    rng: np.random.Generator,
    n_resamples: int = 200,
) -> list[float]:
    """Percentile bootstrap interval of ``statistic`` over the rows of ``values``.

    ``statistic`` maps a ``(n_resamples, n)`` array of resampled values to ``(n_resamples,)``
    statistics, so the resamples are evaluated as one array operation.
    """
    n = len(values)
    if n == 0:
        return [math.nan, math.nan]
    # Resample in groups so that (group, n) stays a few million values at most.
    group = max(1, min(n_resamples, 4_000_000 // n))
    estimates = []
    for start in range(0, n_resamples, group):
        size = min(group, n_resamples - start)
        picks = rng.integers(0, n, size=(size, n))  # (size, n)
        estimates.append(statistic(values[picks]))
    low, high = np.quantile(np.concatenate(estimates), [0.025, 0.975])
    return [float(low), float(high)]
