"""The training loop: epochs of engine steps, one host sync per epoch, history and callbacks.

The loop knows nothing of pandas or of any GAN flavour: it calls ``step()`` (one engine update
returning detached 0-d loss tensors), stacks the tensors of an epoch on the device and reads them
back once. It owns what a loop should: the wall-clock budget (``max_time``), divergence (a NaN or
infinite loss stops training and the last finite state is restored), the progress bar, and the
callbacks that later stages (fidelity probes, early stopping, checkpoint selection) hook into.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

import pandas as pd
import torch
from torch import Tensor

from tabgan.errors import TrainingError

__all__ = ["Callback", "EpochLog", "TrainingLoop"]


@dataclass
class EpochLog:
    """What one epoch measured: mean of each loss over its steps, plus bookkeeping."""

    epoch: int
    steps: int
    seconds: float
    losses: dict[str, float]
    extra: dict[str, float] = field(default_factory=dict)  # filled by callbacks (probes)

    def row(self) -> dict[str, float]:
        return {"epoch": self.epoch, "steps": self.steps, "seconds": self.seconds, **self.losses, **self.extra}


class Callback(Protocol):
    def on_epoch_end(self, loop: TrainingLoop, log: EpochLog) -> bool:
        """Called after every epoch; return True to stop training."""
        ...


class TrainingLoop:
    """Run ``step`` for ``epochs`` epochs of ``steps_per_epoch`` steps.

    snapshot / restore: copy and put back the engine's weights; used to keep the last finite
    state when training diverges. ``max_time`` (seconds) ends training after the step that passes
    it, mid-epoch if need be.
    """

    def __init__(
        self,
        step: Callable[[], dict[str, Tensor]],
        *,
        epochs: int,
        steps_per_epoch: int,
        snapshot: Callable[[], Any],
        restore: Callable[[Any], None],
        max_time: float | None = None,
        callbacks: Sequence[Callback] = (),
        verbose: bool = False,
        description: str = "training",
    ) -> None:
        self.step = step
        self.epochs = epochs
        self.steps_per_epoch = steps_per_epoch
        self.snapshot = snapshot
        self.restore = restore
        self.max_time = max_time
        self.callbacks = list(callbacks)
        self.verbose = verbose
        self.description = description
        self.logs: list[EpochLog] = []
        self.stop_reason = ""

    @property
    def history(self) -> pd.DataFrame:
        return pd.DataFrame([log.row() for log in self.logs])

    def run(self) -> pd.DataFrame:
        start = time.perf_counter()
        last_good = self.snapshot()
        bar = self._progress()
        self.stop_reason = "epochs"
        try:
            for epoch in range(self.epochs):
                t0 = time.perf_counter()
                out_of_time = False
                steps: list[dict[str, Tensor]] = []
                for _ in range(self.steps_per_epoch):
                    steps.append(self.step())
                    if self.max_time is not None and time.perf_counter() - start >= self.max_time:
                        out_of_time = True
                        break
                log = self._summarise(epoch, steps, time.perf_counter() - t0)
                bad = [k for k, v in log.losses.items() if not math.isfinite(v)]
                if bad:
                    self.restore(last_good)
                    self.logs.append(log)
                    self.stop_reason = "diverged"
                    raise TrainingError(
                        f"training diverged at epoch {epoch}: {bad[0]} is {log.losses[bad[0]]}; the last "
                        f"finite state (after epoch {epoch - 1}) was kept; lower generator_lr and "
                        "discriminator_lr")
                self.logs.append(log)
                last_good = self.snapshot()
                stop = any([cb.on_epoch_end(self, log) for cb in self.callbacks])
                if bar is not None:
                    bar.update(1)
                    bar.set_postfix({k: f"{v:.3f}" for k, v in list(log.losses.items())[:4]})
                if stop:
                    self.stop_reason = self.stop_reason if self.stop_reason != "epochs" else "callback"
                    break
                if out_of_time:
                    self.stop_reason = "max_time"
                    break
        finally:
            if bar is not None:
                bar.close()
        return self.history

    def _summarise(self, epoch: int, steps: list[dict[str, Tensor]], seconds: float) -> EpochLog:
        keys = list(steps[0])
        # (K,) epoch means, stacked on the device: the one host sync of the epoch.
        means = torch.stack([torch.stack([s[k] for s in steps]).float().mean() for k in keys])
        return EpochLog(epoch, len(steps), seconds, dict(zip(keys, means.tolist())))

    def _progress(self) -> Any:
        if not self.verbose:
            return None
        from tqdm.auto import tqdm

        return tqdm(total=self.epochs, desc=self.description, unit="epoch")
