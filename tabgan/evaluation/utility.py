"""Utility: is a model trained on the synthetic table as good as one trained on the real table?

Train on synthetic, test on real holdout (TSTR) beside train on real, test on the same holdout
(TRTR), both with scikit-learn's ``HistGradientBoostingClassifier`` / ``Regressor`` (default
hyper-parameters, the same ``random_state``), every other evaluated column as a feature. At most
``Limits.utility_rows`` rows of each training table and of the holdout are used; rows whose
target is missing are dropped.

* Classification (categorical target): ROC AUC (binary: the real table's minority class is the
  positive class; more classes: one-vs-rest macro average over the classes in the holdout) with a
  Hanley-McNeil 95 % interval for the binary case, and F1 (binary: the positive class; more
  classes: macro average) of the most probable class.
* Regression (numerical target): R² on the holdout.

The headline is the **utility gap**, TRTR minus TSTR of the primary score (ROC AUC, or R²):
0 means the synthetic table trains models as well as the real one; lower is better.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from sklearn.ensemble import HistGradientBoostingClassifier, HistGradientBoostingRegressor
from sklearn.metrics import f1_score, r2_score, roc_auc_score

from tabgan.evaluation.columns import PreparedData
from tabgan.evaluation.features import FeatureMatrix, feature_matrix
from tabgan.evaluation.stats import auc_interval, subsample_index

__all__ = ["utility_metrics"]


def utility_metrics(
    data: PreparedData, target: str, max_rows: int, rng: np.random.Generator
) -> dict[str, Any]:
    """TSTR beside TRTR for ``target``; ``data`` holds real, synthetic and holdout frames."""
    kind = data.schema.kinds[target]
    task = "classification" if kind == "categorical" else "regression"
    feature_columns = [c for c in data.schema.kinds if c != target]
    if not feature_columns:
        return {"skipped": f"target {target!r} is the only evaluated column: no features"}
    features = feature_matrix(data, feature_columns)
    seed = int(rng.integers(2**31 - 1))
    x_test, y_test = _xy(data, features, target, "holdout", max_rows, rng)
    result: dict[str, Any] = {"task": task, "target": target, "rows_used": {"holdout": len(y_test)}}
    positive = _minority_class(data, target) if task == "classification" else None
    for source in ("synthetic", "real"):
        x_train, y_train = _xy(data, features, target, source, max_rows, rng)
        result["rows_used"][source] = len(y_train)
        if task == "classification":
            result[source] = _classification(
                x_train, y_train, x_test, y_test, features.categorical_mask, positive, seed
            )
        elif len(y_test) < 2:  # sklearn's R^2 is nan, with a warning, on one row
            result[source] = {"r2": None, "note": "R^2 needs at least two holdout rows"}
        else:
            model = HistGradientBoostingRegressor(
                categorical_features=features.categorical_mask, random_state=seed
            )
            model.fit(x_train, y_train)
            result[source] = {"r2": float(r2_score(y_test, model.predict(x_test)))}
    primary = "roc_auc" if task == "classification" else "r2"
    tstr, trtr = result["synthetic"].get(primary), result["real"].get(primary)
    gap = trtr - tstr if tstr is not None and trtr is not None else None
    result.update(
        primary_metric=primary,
        value=gap,
        direction="lower is better",
        range=[-1.0, 1.0] if primary == "roc_auc" else [-math.inf, math.inf],
        good=f"0 means a model trained on synthetic rows scores the real-trained model's {primary}",
    )
    return result


def _xy(
    data: PreparedData,
    features: FeatureMatrix,
    target: str,
    name: str,
    max_rows: int,
    rng: np.random.Generator,
) -> tuple[np.ndarray, np.ndarray]:
    if data.schema.kinds[target] == "categorical":
        y = data.codes[name][:, data.schema.categorical.index(target)]
        keep = np.flatnonzero(y >= 0)
    else:
        y = data.numeric[name][:, data.schema.continuous.index(target)]
        keep = np.flatnonzero(~np.isnan(y))
    rows = keep[subsample_index(len(keep), max_rows, rng)]
    return features(name, rows), y[rows]


def _minority_class(data: PreparedData, target: str) -> int:
    codes = data.codes["real"][:, data.schema.categorical.index(target)]
    counts = np.bincount(codes[codes >= 0], minlength=1).astype(float)
    counts[counts == 0] = np.inf
    return int(np.argmin(counts))


def _classification(
    x_train: np.ndarray,
    y_train: np.ndarray,
    x_test: np.ndarray,
    y_test: np.ndarray,
    categorical_mask: np.ndarray,
    positive: int | None,
    seed: int,
) -> dict[str, Any]:
    classes = np.unique(y_train)
    if len(classes) == 0:
        return {"roc_auc": None, "f1": None, "note": "the training table holds no target value"}
    test_labels = np.unique(y_test)
    proba = np.zeros((len(y_test), len(test_labels)))  # (n_test, n_test_labels)
    if len(classes) == 1:
        # The worst a table can teach: one answer for every row, scores that cannot rank (ROC
        # AUC 0.5). NOTE: until 2026-12-03 such a table, a collapsed target, was "n/a".
        predicted = np.full(len(y_test), classes[0])
        note = {"note": "the training table holds one target class: scored as predicting it for every row"}
    else:
        model = HistGradientBoostingClassifier(categorical_features=categorical_mask, random_state=seed)
        model.fit(x_train, y_train)
        model_proba = model.predict_proba(x_test)  # (n_test, n_model_classes)
        for k, label in enumerate(test_labels):
            hit = np.flatnonzero(model.classes_ == label)
            if len(hit):
                proba[:, k] = model_proba[:, hit[0]]
        predicted = model.classes_[model_proba.argmax(axis=1)]
        note = {}
    if len(test_labels) < 2:
        return {"roc_auc": None, "f1": None, "note": "the holdout holds one target class"}
    if len(test_labels) == 2:
        pos = positive if positive in test_labels else int(test_labels[1])
        scores = proba[:, int(np.flatnonzero(test_labels == pos)[0])]
        auc = float(roc_auc_score(y_test == pos, scores))
        n_pos = int((y_test == pos).sum())
        return {
            "roc_auc": auc,
            "roc_auc_ci95": auc_interval(auc, n_pos, len(y_test) - n_pos),
            "f1": float(f1_score(y_test == pos, predicted == pos, zero_division=0.0)),
            **note,
        }
    row_sums = proba.sum(axis=1, keepdims=True)
    proba = np.where(
        row_sums > 0, proba / np.where(row_sums > 0, row_sums, 1), 1 / len(test_labels)
    )
    auc = float(
        roc_auc_score(y_test, proba, multi_class="ovr", average="macro", labels=test_labels)
    )
    return {"roc_auc": auc, "f1": float(f1_score(y_test, predicted, average="macro", zero_division=0.0)), **note}
