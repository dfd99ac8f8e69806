"""Feature matrices for the scikit-learn models of the detection and utility metrics.

Continuous columns are used as they are (datetimes in seconds); categorical columns become
ordinal codes ranked by real frequency, handed to ``HistGradientBoosting*`` as native
categorical features. Categories beyond the ``MAX_CATEGORIES - 1`` most frequent real ones share
one "other" code, because the model accepts at most ``max_bins`` (255) categories per feature.
Missing values are NaN, which the model routes on its own.
"""

from __future__ import annotations

import numpy as np

from tabgan.evaluation.columns import PreparedData

__all__ = ["MAX_CATEGORIES", "FeatureMatrix", "feature_matrix"]

MAX_CATEGORIES = 250


class FeatureMatrix:
    """Builds the same encoding for every frame of one :class:`PreparedData`."""

    def __init__(self, data: PreparedData, columns: list[str]) -> None:
        self.data = data
        self.columns = columns
        self.categorical_mask = np.array(
            [data.schema.kinds[c] == "categorical" for c in columns], dtype=bool
        )
        self._rank: dict[str, np.ndarray] = {}
        for j, column in enumerate(data.schema.categorical):
            if column in columns:
                self._rank[column] = _frequency_rank(
                    data.codes["real"][:, j], max(len(data.categories[column]), 1)
                )

    def __call__(self, name: str, rows: np.ndarray | None = None) -> np.ndarray:
        """The (n, len(columns)) float matrix of frame ``name`` (optionally only ``rows``)."""
        data = self.data
        n = data.n_rows(name) if rows is None else len(rows)
        take = slice(None) if rows is None else rows
        matrix = np.empty((n, len(self.columns)), dtype=np.float64)
        continuous = data.schema.continuous
        categorical = data.schema.categorical
        for out, column in enumerate(self.columns):
            if column in self._rank:
                codes = data.codes[name][take, categorical.index(column)]
                ranked = self._rank[column][np.maximum(codes, 0)].astype(np.float64)
                matrix[:, out] = np.where(codes < 0, np.nan, ranked)
            else:
                matrix[:, out] = data.numeric[name][take, continuous.index(column)]
        return matrix


def feature_matrix(data: PreparedData, columns: list[str]) -> FeatureMatrix:
    """The encoder of ``columns`` (a subset of the schema's columns) for every frame of ``data``."""
    return FeatureMatrix(data, columns)


def _frequency_rank(real_codes: np.ndarray, n_codes: int) -> np.ndarray:
    """Map each code to its real-frequency rank, ranks past the limit folded into one code."""
    counts = np.bincount(real_codes[real_codes >= 0], minlength=n_codes)
    order = np.argsort(-counts, kind="stable")
    rank = np.empty(n_codes, dtype=np.int64)
    rank[order] = np.arange(n_codes)
    return np.minimum(rank, MAX_CATEGORIES - 1)
