"""Detection: can a classifier tell synthetic rows from real ones? (a classifier two-sample test)

* **Gradient-boosting detector.** Equal-size samples of real and synthetic rows (at most
  ``Limits.detection_rows`` each), labelled 1 and 0, go through a 3-fold stratified
  cross-validation of scikit-learn's ``HistGradientBoostingClassifier`` (default
  hyper-parameters, categorical columns as native categorical features). The value is the ROC AUC
  of the pooled out-of-fold predictions, with a Hanley-McNeil 95 % interval and the per-fold
  AUCs. 0.5 means the two tables cannot be told apart; 1 means every row can be classified.
  Values well below 0.5 are a warning too: they appear when synthetic rows duplicate real
  rows (each row's twin sits in the other class of the training folds, so the detector
  predicts the wrong class), and the headline mark folds the AUC around 0.5.
* **sdmetrics LogisticDetection** on samples of at most ``Limits.logistic_detection_rows`` rows
  each (about 4 s for 10,000 + 10,000 Adult rows on two cores). Its score is
  ``1 - mean_fold(2 * max(AUC, 0.5) - 1)``, so 1 is best; the result also gives the implied mean
  AUC ``1 - score / 2``. sdmetrics one-hot encodes categorical columns with an encoder fitted on
  the real sample alone, which raises on any synthetic category that sample lacks (a rare
  category, or an invented one); so the evaluator hands it the categorical columns already
  one-hot encoded over the categories of both samples (missing values as their own indicator,
  at most ``MAX_CATEGORIES - 1`` real-frequency-ranked categories plus "other" per column)
  and declared numerical. The model sdmetrics fits is the same imputer, robust scaler and
  logistic regression. sdmetrics shuffles its folds with numpy's global generator, so this one
  figure is not reproducible from ``random_state``.
"""

from __future__ import annotations

import math
import warnings
from typing import Any

import numpy as np
import pandas as pd
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import StratifiedKFold

from tabgan.evaluation.columns import PreparedData
from tabgan.evaluation.features import MAX_CATEGORIES, feature_matrix
from tabgan.evaluation.stats import auc_interval, subsample_index, subsample_of

__all__ = ["detection_metrics"]

_FOLDS = 3


def detection_metrics(
    data: PreparedData, max_rows: int, max_logistic_rows: int, rng: np.random.Generator
) -> dict[str, Any]:
    """Both detectors of ``synthetic`` against ``real``."""
    n = min(data.n_rows("real"), data.n_rows("synthetic"), max_rows)
    if n < _FOLDS:  # each fold of the cross-validation needs a row of each table
        return {"skipped": f"needs at least {_FOLDS} rows in each table (real has "
                           f"{data.n_rows('real')}, synthetic {data.n_rows('synthetic')})"}
    real_rows = subsample_index(data.n_rows("real"), n, rng)
    synthetic_rows = subsample_index(data.n_rows("synthetic"), n, rng)
    boosting = _gradient_boosting(data, real_rows, synthetic_rows, rng)
    m = min(n, max_logistic_rows)
    return {
        "gradient_boosting_auc": boosting,
        "logistic_detection": _logistic(data, subsample_of(real_rows, m, rng), subsample_of(synthetic_rows, m, rng)),
    }


def _gradient_boosting(
    data: PreparedData, real_rows: np.ndarray, synthetic_rows: np.ndarray, rng: np.random.Generator
) -> dict[str, Any]:
    features = feature_matrix(data, list(data.schema.kinds))
    x = np.vstack([features("real", real_rows), features("synthetic", synthetic_rows)])  # (2n, p)
    y = np.concatenate([np.ones(len(real_rows)), np.zeros(len(synthetic_rows))])
    seed = int(rng.integers(2**31 - 1))
    out_of_fold = np.empty(len(y))
    fold_aucs = []
    folds = StratifiedKFold(n_splits=_FOLDS, shuffle=True, random_state=seed)
    for train, test in folds.split(x, y):
        model = HistGradientBoostingClassifier(
            categorical_features=features.categorical_mask, random_state=seed
        )
        model.fit(x[train], y[train])
        out_of_fold[test] = model.predict_proba(x[test])[:, 1]
        fold_aucs.append(float(roc_auc_score(y[test], out_of_fold[test])))
    auc = float(roc_auc_score(y, out_of_fold))
    return {
        "value": auc,
        "ci95": auc_interval(auc, len(real_rows), len(synthetic_rows)),
        "fold_values": fold_aucs,
        "direction": "closer to 0.5 is better",
        "range": [0.0, 1.0],
        "good": "0.5 means a cross-validated gradient-boosting classifier cannot tell the tables "
        "apart; far below 0.5 means synthetic rows duplicate real ones",
        "rows_used": {"real": len(real_rows), "synthetic": len(synthetic_rows)},
        "folds": _FOLDS,
    }


def _one_hot_frame(data: PreparedData, name: str, rows: np.ndarray) -> pd.DataFrame:
    """Continuous columns as numbers, categorical ones as indicators over all frames' values;
    each feature named by its position first ("3:sex=0"), so that no column's name ("sex=0")
    can stand for another's indicator."""
    features = feature_matrix(data, list(data.schema.kinds))
    matrix = features(name, rows)  # (n, p): categorical columns hold frequency ranks
    columns: list[tuple[str, np.ndarray]] = []
    for j, column in enumerate(features.columns):
        values = matrix[:, j]
        if not features.categorical_mask[j]:
            columns.append((str(column), values))
            continue
        n_ranks = min(len(data.categories[column]), MAX_CATEGORIES)
        for rank in range(n_ranks):
            columns.append((f"{column}={rank}", (values == rank).astype(np.float64)))
        columns.append((f"{column}=<missing>", np.isnan(values).astype(np.float64)))
    return pd.DataFrame({f"{k}:{label}": values for k, (label, values) in enumerate(columns)})


def _logistic(
    data: PreparedData, real_rows: np.ndarray, synthetic_rows: np.ndarray
) -> dict[str, Any]:
    from sdmetrics.single_table import LogisticDetection

    result: dict[str, Any] = {
        "direction": "higher is better",
        "range": [0.0, 1.0],
        "good": "1 means a logistic regression cannot tell the tables apart (sdmetrics' scale)",
        "rows_used": {"real": len(real_rows), "synthetic": len(synthetic_rows)},
    }
    real = _one_hot_frame(data, "real", real_rows)
    synthetic = _one_hot_frame(data, "synthetic", synthetic_rows)
    metadata = {"columns": {c: {"sdtype": "numerical"} for c in real.columns}}
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # sklearn convergence chatter
            score = float(LogisticDetection.compute(real, synthetic, metadata))
    except Exception as error:  # sdmetrics raises its own and sklearn's types
        result.update(value=None, implied_auc=None, error=f"{type(error).__name__}: {error}")
        return result
    result.update(value=score, implied_auc=1 - score / 2 if math.isfinite(score) else None)
    return result
