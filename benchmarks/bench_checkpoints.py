"""Which checkpoint is best? The probe score beside the classifier utility of every probed epoch.

usage: python benchmarks/bench_checkpoints.py [--epochs 120] [--probe-every 5] [--seed 0]
                                              [--threads 1]

Fits ``ConditionalGAN`` on Adult's training split and keeps the state of every epoch the probe
scored. Each state then samples 32,561 rows, and a gradient-boosting classifier is trained on them
and scored on the real test split (ROC AUC on income; the evaluator's model, default settings,
categories as codes, so figures track the evaluator's within a few thousandths). The epoch that
``KeepBest`` picks is marked. This is the measurement behind ``tabgan.training.KEEP_TOLERANCE``:
the probe's marginal score plateaus long before the joint structure stops improving.
"""

from __future__ import annotations

import argparse

import numpy as np
import pandas as pd
import torch
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.metrics import roc_auc_score

from tabgan import ConditionalGAN, datasets


class Recorder:
    """A training callback that keeps (epoch, probe score, engine state) of every probed epoch."""

    def __init__(self, engine) -> None:
        self.engine = engine
        self.states: list[tuple[int, float, dict]] = []

    def on_epoch_end(self, loop, log) -> bool:
        if "probe_score" in log.extra:
            self.states.append((log.epoch, log.extra["probe_score"], self.engine.state_dict()))
        return False


class RecordingGAN(ConditionalGAN):
    def _callbacks(self, data, matrix):
        out = super()._callbacks(data, matrix)
        self.recorder_ = Recorder(self.engine_)
        return [*out, self.recorder_]


def features(df: pd.DataFrame, train: pd.DataFrame) -> tuple[pd.DataFrame, np.ndarray, list[bool]]:
    columns = [c for c in train.columns if c != "income"]
    categorical = [not pd.api.types.is_numeric_dtype(train[c]) for c in columns]
    x = pd.DataFrame({
        c: (pd.Categorical(df[c].astype(str), categories=sorted(train[c].astype(str).unique())).codes
            if cat else df[c].astype(float))
        for c, cat in zip(columns, categorical)
    })
    y = df["income"].astype(str).str.contains(">").to_numpy(dtype=int)
    return x, y, categorical


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=120)
    parser.add_argument("--probe-every", type=int, default=5)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--threads", type=int, default=1)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    train, test = datasets.load_adult("train"), datasets.load_adult("test")
    model = RecordingGAN(epochs=args.epochs, probe_every=args.probe_every, random_state=args.seed)
    model.fit(train)
    x_test, y_test, categorical = features(test, train)
    print(f"{'epoch':>5} {'probe_score':>11} {'TSTR ROC AUC':>12}")
    for epoch, score, state in model.recorder_.states:
        model.engine_.load_state_dict(state)
        x, y, _ = features(model.sample(len(train), random_state=0), train)
        clf = HistGradientBoostingClassifier(categorical_features=categorical, random_state=0).fit(x, y)
        auc = roc_auc_score(y_test, clf.predict_proba(x_test)[:, 1])
        mark = "  <- keep_best" if epoch == model.best_epoch_ else ""
        print(f"{epoch:>5} {score:>11.4f} {auc:>12.4f}{mark}", flush=True)


if __name__ == "__main__":
    main()
