"""What both synthesizers share: parameters, fit, sampling with exact conditions, save and load.

The front class only wires parts together: ``TableTransformer`` (DataFrame <-> matrix),
an engine (networks and training step), ``TrainingLoop`` (epochs, budget, divergence, history)
and ``persistence`` (JSON + tensors). ``__init__`` stores parameters verbatim; ``fit`` checks them
once and computes; learned state ends in ``_``.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import asdict
from typing import Any, ClassVar

import numpy as np
import pandas as pd
import pyarrow as pa
import torch
from sklearn.base import BaseEstimator

from tabgan.engines.base import network_shapes
from tabgan.errors import ConditionError, ConditionUnmetError, ModelFileError, NotFittedError, ParameterError
from tabgan.io import CsvStyle, schema_from_text, schema_text
from tabgan.nn.layers import native_bfloat16
from tabgan.persistence import Target, model_name, read_model_file, write_model_file
from tabgan.schema import text_names, validate_frame
from tabgan.training import TrainingLoop
from tabgan.transformers.table import TableTransformer

__all__ = ["BaseSynthesizer", "resolve_device", "torch_seed"]

# Model files name the engine's Adam moments (``GANEngine.moments``) with this prefix.
MOMENTS = "adam."
# Rows generated per chunk when sampling: bounds the float matrix held at once.
SAMPLE_CHUNK = 50_000
# Sampling with conditions generates at most max(REJECT_FACTOR * n, REJECT_MIN) rows in all.
REJECT_FACTOR, REJECT_MIN = 50, 10_000
ROUND_ROWS = 4 * SAMPLE_CHUNK  # rows one round of _accepted_together generates at most
# epochs="auto": as many epochs as make about this many training steps, within [AUTO_MIN, AUTO_MAX].
# NOTE[DIFF]: CTGAN trains 300 epochs whatever the table: 19,500 steps on Adult's training split,
# 600 on a 1,000-row table. Measured on Adult with benchmarks/bench_quality.py (1 thread, seeds 0
# and 1), classifier utility (TSTR ROC AUC) was 0.880-0.884 at 4,000 steps (62 epochs), 0.887 and
# 0.891 at 7,000 (108 epochs), 0.889 and 0.889 at 8,000 (124), 0.887 at 9,100 (140, seed 0 alone);
# ctgan's 300 epochs gave 0.877-0.896 over nine runs. At 7,000 steps the fit took 0.142-0.193 of
# ctgan's time side by side (the issue allows a fifth).
# Small tables (under 12,000 rows) get CTGAN's 300 epochs.
AUTO_STEPS, AUTO_MIN_EPOCHS, AUTO_MAX_EPOCHS = 7_000, 10, 300


def auto_epochs(n_rows: int, batch_size: int) -> int:
    """The number of epochs ``epochs="auto"`` trains for on ``n_rows`` rows."""
    steps_per_epoch = max(1, n_rows // batch_size)
    return int(min(AUTO_MAX_EPOCHS, max(AUTO_MIN_EPOCHS, math.ceil(AUTO_STEPS / steps_per_epoch))))


def resolve_device(device: str | torch.device) -> torch.device:
    """"auto" -> the first CUDA device if there is one, else the CPU; others are checked."""
    if isinstance(device, str) and device == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    try:
        dev = torch.device(device)
    except (RuntimeError, TypeError):
        raise ParameterError(f"device={device!r} must be 'auto', 'cpu', 'cuda' or 'cuda:N'") from None
    if dev.type == "cuda":
        if not torch.cuda.is_available():
            raise ParameterError(f"device={device!r} but CUDA is not available here; use 'auto' or 'cpu'")
        if dev.index is not None and dev.index >= torch.cuda.device_count():
            raise ParameterError(f"device={device!r} but only {torch.cuda.device_count()} CUDA devices exist")
    elif dev.type != "cpu":
        raise ParameterError(f"device={device!r} must be 'auto', 'cpu', 'cuda' or 'cuda:N'")
    return dev


SAMPLING_DTYPES = {"float32": torch.float32, "bfloat16": torch.bfloat16, "auto": None}


def resolve_sampling_dtype(name: str, device: torch.device) -> torch.dtype:
    """"auto" -> bfloat16 on a CPU that computes it in hardware (AMX or AVX512-BF16), float32
    elsewhere (on a GPU, float32 sampling is already far from the bottleneck)."""
    if name not in SAMPLING_DTYPES:
        raise ParameterError(f"sampling_dtype={name!r} must be 'auto', 'float32' or 'bfloat16'")
    if name == "auto":
        return torch.bfloat16 if device.type == "cpu" and native_bfloat16(device) else torch.float32
    return SAMPLING_DTYPES[name]


def _is_int(v: Any) -> bool:
    return isinstance(v, (int, np.integer)) and not isinstance(v, bool)


_SEED_RULE = "None, an integer >= 0, or a numpy Generator or RandomState"


#: A seed, or a numpy generator to draw one from (scikit-learn's ``check_random_state`` forms).
SeedLike = int | np.random.Generator | np.random.RandomState | None


def _is_random_state(v: Any) -> bool:
    return v is None or (_is_int(v) and v >= 0) or isinstance(v, (np.random.Generator, np.random.RandomState))


def _seed_of(random_state: Any) -> int | None:
    """The integer seed ``random_state`` stands for: itself, or one drawn from a numpy generator
    (advancing it, as scikit-learn does, so that fits sharing one generator differ)."""
    if isinstance(random_state, np.random.Generator):
        return int(random_state.integers(2**63))
    if isinstance(random_state, np.random.RandomState):
        return int(random_state.randint(np.iinfo(np.int64).max, dtype=np.int64))
    return None if random_state is None else int(random_state)


def torch_seed(seed: int) -> int:
    """``seed`` as torch takes it: under 2**64; a larger one (a 128-bit ``seed_``) is folded to one."""
    return int(seed) if seed < 2**64 else int(np.random.SeedSequence(seed).generate_state(1, np.uint64)[0])


def _is_number(v: Any) -> bool:
    return isinstance(v, (int, float, np.integer, np.floating)) and not isinstance(v, bool)


def _finite(v: Any) -> bool:
    """A number, neither NaN nor infinite (an infinite learning rate or penalty would pass a
    ``> 0`` check and make the first step NaN)."""
    return _is_number(v) and math.isfinite(v)


def _positive_int(v: Any) -> bool:
    return _is_int(v) and v > 0


def _assumed_kept_epoch(history: pd.DataFrame, stop_reason: str, best_epoch: int | None) -> int | None:
    """The epoch whose state a model from a file without ``kept_epoch`` holds, as diagnose()
    took it then: keep_best's, else the last epoch's, else (diverged) the one before it."""
    if best_epoch is not None or history.empty or "epoch" not in history:
        return best_epoch
    last = int(history["epoch"].iloc[-1])
    if stop_reason != "diverged":
        return last
    return last - 1 if last > 0 else None


def _plain(v: Any) -> Any:
    """A parameter's value as JSON writes it: numpy scalars as Python ones (a parameter grid's
    ``np.int64(500)``), tuples as lists."""
    if isinstance(v, (tuple, list)):
        return [_plain(x) for x in v]
    return v.item() if isinstance(v, np.generic) else v


def _widths(v: Any) -> bool:
    return isinstance(v, (tuple, list)) and all(_positive_int(x) for x in v)


def _betas(v: Any) -> bool:
    return isinstance(v, (tuple, list)) and len(v) == 2 and all(_is_number(x) and 0 <= x < 1 for x in v)


# Parameter rules live beside the parameters: (check, what was expected).
COMMON_CONSTRAINTS: dict[str, tuple[Callable[[Any], bool], str]] = {
    "epochs": (lambda v: v == "auto" or _positive_int(v), "'auto' or a positive integer"),
    # Batch normalisation in the generator needs two rows of a batch to normalise over.
    "batch_size": (lambda v: _is_int(v) and v >= 2, "an integer >= 2"),
    "pac": (_positive_int, "a positive integer"),
    "embedding_dim": (_positive_int, "a positive integer"),
    "generator_dim": (_widths, "a tuple of positive integers"),
    "discriminator_dim": (_widths, "a tuple of positive integers"),
    "discriminator_row_dim": (lambda v: v is None or _positive_int(v), "None or a positive integer"),
    "generator_lr": (lambda v: _finite(v) and v > 0, "a finite number > 0"),
    "discriminator_lr": (lambda v: _finite(v) and v > 0, "a finite number > 0"),
    "generator_betas": (_betas, "two numbers in [0, 1)"),
    "discriminator_betas": (_betas, "two numbers in [0, 1)"),
    "generator_decay": (lambda v: _finite(v) and v >= 0, "a finite number >= 0"),
    "discriminator_decay": (lambda v: _finite(v) and v >= 0, "a finite number >= 0"),
    "n_critic": (_positive_int, "a positive integer"),
    "penalty": (lambda v: v in ("wgan-gp", "dragan"), "'wgan-gp' or 'dragan'"),
    "penalty_weight": (lambda v: _finite(v) and v >= 0, "a finite number >= 0"),
    "penalty_every": (_positive_int, "a positive integer (critic updates)"),
    "tau": (lambda v: _finite(v) and v > 0, "a finite number > 0"),
    "ema": (lambda v: v is None or (_is_number(v) and 0 <= v < 1), "None or a number in [0, 1)"),
    "max_categories": (lambda v: _is_int(v) and v >= 2, "an integer >= 2"),
    "n_modes": (_positive_int, "a positive integer"),
    "derive_columns": (lambda v: isinstance(v, bool), "True or False"),
    "max_time": (lambda v: v is None or (_is_number(v) and v > 0), "None or a number of seconds > 0"),
    "probe_every": (lambda v: v is None or _positive_int(v), "None or a positive integer (epochs)"),
    "keep_best": (lambda v: isinstance(v, bool), "True or False"),
    "early_stopping": (lambda v: isinstance(v, bool), "True or False"),
    "patience": (_positive_int, "a positive integer (probe evaluations)"),
    "sampling_dtype": (lambda v: v in SAMPLING_DTYPES, "'auto', 'float32' or 'bfloat16'"),
    "random_state": (_is_random_state, _SEED_RULE),
    "warm_start": (lambda v: isinstance(v, bool), "True or False"),
    "verbose": (lambda v: isinstance(v, bool), "True or False"),
}
# What warm_start cannot change: the networks' shapes and the column transforms (learnt once, by
# the first fit), as (parameter, where the fitted value lives).
_FIXED_BY_FIT = (
    ("embedding_dim", "engine"), ("generator_dim", "engine"), ("discriminator_dim", "engine"),
    ("discriminator_row_dim", "engine"), ("pac", "engine"), ("max_categories", "transformer"),
    ("n_modes", "transformer"), ("derive_columns", "transformer"),
)
# The parameters the networks' tensors are shaped by (the moving average: its network or none).
# set_params after a fit changes them and not the fitted networks, so a model file keeps the
# fitted ones too (state "engine"), and builds its networks from them.
_NETWORK_SIZES = ("embedding_dim", "generator_dim", "discriminator_dim", "discriminator_row_dim", "pac", "ema")


def _wilson_upper(hits: Any, trials: Any, z: float = 3.0) -> Any:
    """Upper end of the Wilson score interval of a rate seen as hits / trials: a true rate above
    it shows this few hits about once in 740 tries (z = 3, one-sided). 9 / (trials + 9) at 0 hits."""
    p, z2 = hits / trials, z * z
    centre = p + z2 / (2 * trials)
    half = z * np.sqrt(p * (1 - p) / trials + z2 / (4 * trials * trials))
    return np.minimum(1.0, (centre + half) / (1 + z2 / trials))  # elementwise for arrays


def _rejection_ask(need_now: int, need_total: int, accepted: int, generated: int, budget: int,
                   chunk_size: int) -> int | None:
    """Rows to generate next when sampling by rejection; None when the budget cannot give the
    ``need_total`` rows still missing: it is spent, or what is left falls short even at the upper
    end of the acceptance rate seen so far (``_wilson_upper``).

    The next block aims at ``need_now`` accepted rows (10% spare) at the rate (accepted + 1) /
    (generated + 1): 1 before any row, and no zero rate from a first small block that happened
    to hold no match; blocks grow at least as fast as the rows generated so far.
    """
    ask, failed = _rejection_asks(*(np.array([v]) for v in (need_now, need_total, accepted, generated, budget)),
                                  chunk_size)
    return None if failed[0] else int(ask[0])


def _rejection_asks(need_now: np.ndarray, need_total: np.ndarray, accepted: np.ndarray, generated: np.ndarray,
                    budget: np.ndarray, chunk_size: int) -> tuple[np.ndarray, np.ndarray]:
    """``_rejection_ask`` for several rejection samplings at once, (K,) each: the rows each asks
    for next (int64) and whether its budget can no longer give its rows (the ask is then
    meaningless)."""
    left = budget - generated
    upper = _wilson_upper(accepted, np.maximum(generated, 1))
    failed = (left <= 0) | ((generated > 0) & (upper * left < need_total))
    rate = (accepted + 1) / (generated + 1)
    ask = np.minimum(np.minimum(chunk_size, left), np.ceil(need_now / rate * 1.1)).astype(np.int64)
    return ask, failed


def _sampling_report(generated: int, accepted: int) -> dict[str, Any]:
    return {"generated": generated, "accepted": accepted,
            "acceptance_rate": accepted / generated if generated else 1.0}


def _rejection_message(n: int, conditions: Mapping[str, Any] | None, accepted: int, generated: int,
                       budget: int) -> str:
    cond_text = ", ".join(f"{c}={v!r}" for c, v in (conditions or {}).items())
    rate = accepted / generated if generated else 0.0
    spent = "" if generated >= budget else f" (at that rate the budget of {budget:,} rows cannot give the rest)"
    return (f"could not generate {n} rows with {cond_text}: {accepted} of {generated} generated rows "
            f"satisfied it (acceptance {rate:.2%}){spent}; the model rarely produces this combination")


def _condition_value(value: Any) -> Any:
    """A condition's value (of a mapping, or a cell of a DataFrame of conditions): numpy's
    scalars as Python's (np.str_ stays out of the rows), a missing one (NaN, None, NA, NaT,
    numpy's NaT) as None, which asks for missing values; a valid np.datetime64 as it is (its
    ``item()`` can be an int of nanoseconds)."""
    if pd.api.types.is_scalar(value) and pd.isna(value):
        return None
    if isinstance(value, (np.datetime64, np.timedelta64)):
        return value
    return value.item() if isinstance(value, np.generic) else value


def _unhashable_cell(conditions: pd.DataFrame) -> str:
    """What to say of a DataFrame of conditions that pandas cannot group: its first cell that is
    no one value (a list, a dict), as a mapping's condition on several values is refused."""
    for column in conditions.columns:
        hashable = conditions[column].map(pd.api.types.is_hashable).to_numpy(dtype=bool)  # (n,)
        if not hashable.all():
            at = int(np.flatnonzero(~hashable)[0])
            value = conditions[column].iloc[at]
            return (f"condition {column}={value!r} (row {at} of conditions): give one value per cell, "
                    f"not a {type(value).__name__}")
    return "conditions cannot be grouped into distinct rows: each cell must be one value"


def _rechunked(frames: Iterator[pd.DataFrame], size: int) -> Iterator[pd.DataFrame]:
    """The rows of ``frames``, in order, as frames of ``size`` rows (the last one shorter), each
    indexed from 0; a frame that is a whole chunk passes as it is."""
    held: list[pd.DataFrame] = []
    count = 0
    for frame in frames:
        start = 0
        while start < len(frame):
            take = min(size - count, len(frame) - start)
            whole = start == 0 and take == len(frame)
            held.append(frame if whole else frame.iloc[start:start + take])
            count, start = count + take, start + take
            if count == size:
                yield _joined(held)
                held, count = [], 0
    if held:
        yield _joined(held)


def _joined(frames: list[pd.DataFrame]) -> pd.DataFrame:
    if len(frames) == 1 and isinstance(frames[0].index, pd.RangeIndex) and frames[0].index.start == 0:
        return frames[0]
    return pd.concat(frames, ignore_index=True)


def _typed_like(wanted: pd.Series, generated: pd.Series) -> pd.Series:
    """The conditioned values ``wanted`` in the dtype of the column ``generated``."""
    values = wanted.astype(object).where(wanted.notna(), None).to_numpy()
    return pd.Series(values, index=generated.index, dtype=object).astype(generated.dtype)


class BaseSynthesizer(BaseEstimator):
    """Base of ``ConditionalGAN`` and ``WGANGP``; see those for the parameters."""

    _constraints: ClassVar[dict[str, tuple[Callable[[Any], bool], str]]] = COMMON_CONSTRAINTS
    # Parameters forwarded to the engine as they are.
    _engine_params: ClassVar[tuple[str, ...]] = (
        "batch_size", "embedding_dim", "generator_dim", "discriminator_dim", "discriminator_row_dim",
        "generator_lr", "generator_betas", "generator_decay", "discriminator_lr",
        "discriminator_betas", "discriminator_decay", "pac", "n_critic", "penalty", "penalty_weight",
        "penalty_every", "tau", "ema",
    )

    # ------------------------------------------------------------------ parameters
    def _validate_params(self) -> None:
        params = self.get_params()
        for name, (check, expected) in self._constraints.items():
            if name in params and not check(params[name]):
                raise ParameterError(f"{name}={params[name]!r} must be {expected}")
        if params["batch_size"] % params["pac"]:
            raise ParameterError(f"batch_size={params['batch_size']} must be divisible by pac={params['pac']}")
        if params.get("early_stopping") and params.get("probe_every") is None:
            raise ParameterError("early_stopping=True needs the probe: probe_every=None turns it off; "
                                 "set probe_every to a number of epochs")
        self._device = resolve_device(params["device"])

    # ------------------------------------------------------------------ fit
    def fit(self, data: pd.DataFrame, discrete_columns: Sequence[str] | None = None,
            metadata: Mapping[str, Any] | None = None) -> BaseSynthesizer:
        """Learn ``data``; returns self. ``discrete_columns``/``metadata`` override column kinds."""
        self._validate_params()
        # Columns labelled by numbers (pd.DataFrame(X)) are learnt under their text and get their
        # labels back in samples; so are discrete_columns named by those numbers.
        data, labels = text_names(data)
        if labels is not None and discrete_columns is not None and not isinstance(discrete_columns, str):
            discrete_columns = [str(c) for c in discrete_columns]
        validate_frame(data)
        warm = self.warm_start and getattr(self, "engine_", None) is not None
        # A fit that fails before it trains an epoch (an out-of-memory device, an interrupt, a
        # table the transforms refuse) leaves the model as it was: an earlier fit stays usable,
        # and an unfitted model is not made to look fitted by an untrained network.
        params = set(self.get_params())
        earlier = {k: v for k, v in vars(self).items() if k not in params}
        logged = len(self.history_) if warm else 0
        try:
            if warm:
                return self._continue(data, labels, discrete_columns, metadata)
            return self._fit_afresh(data, labels, discrete_columns, metadata)
        except BaseException:
            if len(getattr(self, "history_", ())) <= logged:
                for name in [k for k in vars(self) if k not in earlier and k not in params]:
                    delattr(self, name)
                vars(self).update(earlier)
            raise

    def _fit_afresh(self, data: pd.DataFrame, labels: list[Any] | None, discrete_columns: Sequence[str] | None,
                    metadata: Mapping[str, Any] | None) -> BaseSynthesizer:
        """fit without warm_start: new column transforms, new networks."""
        # seed_ reproduces this fit whatever random_state was: None draws it from the OS.
        seed = _seed_of(self.random_state)
        seed = np.random.SeedSequence().entropy if seed is None else seed
        seeds = np.random.SeedSequence(seed).generate_state(4)
        transformer = TableTransformer(
            discrete_columns, metadata, max_categories=self.max_categories, n_modes=self.n_modes,
            derive=self.derive_columns,
            random_state=int(seeds[0]),
        ).fit(data)
        # The table can be learnt: what an earlier fit learnt goes now, so nothing of another
        # table outlives this fit (``fit`` puts it back if this one fails before an epoch).
        self._forget_fit()
        self.transformer_, self.column_labels_, self.seed_ = transformer, labels, seed
        matrix = torch.from_numpy(transformer.transform(data)).to(self._device)  # (N, D)
        self._set_feature_names(list(data.columns))
        # How the training CSV was written, when the command line read one (it sets this after
        # fit): ``tabgan sample`` writes CSV the same way. None for a DataFrame.
        self.csv_style_: CsvStyle | None = None
        # Likewise the Arrow type of each column (``io.output_schema``), that ``tabgan sample``
        # writes Parquet in. None for a DataFrame.
        self.arrow_schema_: pa.Schema | None = None
        self.sample_seed_ = int(seeds[3])
        layout = self.transformer_.layout_
        self.epochs_ = self._epochs_for(len(data))
        if layout.width == 0:  # only ids and constants: nothing to learn
            self.engine_ = None
            self.history_ = pd.DataFrame()
            self.stop_reason_, self.best_epoch_, self.kept_epoch_ = "", None, None
            self.slot_counts_, self.value_reference_ = np.zeros(0, np.int64), {}
            return self
        init = torch.Generator().manual_seed(int(seeds[1]))
        train_gen = torch.Generator(device=self._device).manual_seed(int(seeds[2]))
        # The step holds the training matrix (and any sampler over it); the model never does,
        # so a fitted model carries no real row and frees the device memory when fit returns.
        self.engine_, step = self._make_training(layout, matrix, init, train_gen)
        self.history_ = pd.DataFrame()
        return self._train(step, data, matrix)

    def _continue(self, data: pd.DataFrame, labels: list[Any] | None, discrete_columns: Sequence[str] | None,
                  metadata: Mapping[str, Any] | None) -> BaseSynthesizer:
        """warm_start: ``epochs`` more epochs of the fitted networks, their Adam moments and their
        moving average, on ``data`` as the fitted column transforms encode it.

        The continuation's draws come from (seed, epochs trained so far), the seed being
        random_state's or else the first fit's ``seed_``: the same model, table and random_state
        continue the same way, also after a save and load (the model file holds the moments).
        """
        self._check_continuable(labels)
        self.transformer_.check_continues(data, discrete_columns, metadata)
        matrix = torch.from_numpy(self.transformer_.transform(data)).to(self._device)  # (N, D)
        history = self.history_
        done = int(history["epoch"].iloc[-1]) + 1 if len(history) else 0
        seed = _seed_of(self.random_state)
        seed = (self.seed_ if self.seed_ is not None else self.sample_seed_) if seed is None else seed
        seeds = np.random.SeedSequence([seed, done]).generate_state(2)
        init = torch.Generator().manual_seed(int(seeds[0]))  # weights it draws are replaced
        train_gen = torch.Generator(device=self._device).manual_seed(int(seeds[1]))
        engine, step = self._make_training(self.transformer_.layout_, matrix, init, train_gen)
        engine.continue_from(self.engine_)
        self.engine_ = engine
        self._restart_stream()
        self.epochs_ = self._epochs_for(len(data))
        try:
            return self._train(step, data, matrix, first_epoch=done, kept_epoch=self.kept_epoch_)
        finally:
            # No generated id is one of this table's either, once the fit stands (it trained an
            # epoch; see fit): the counters live in the transformer, which fit's rollback does not
            # copy, so moved before training they outlived a fit that failed before an epoch.
            if len(self.history_) > len(history):
                self.transformer_.continue_ids_past(data)

    def _epochs_for(self, n_rows: int) -> int:
        """The epochs a fit on ``n_rows`` rows runs (``epochs``, "auto" resolved)."""
        return auto_epochs(n_rows, self.batch_size) if self.epochs == "auto" else int(self.epochs)

    def _check_continuable(self, labels: list[Any] | None) -> None:
        if getattr(self, "_sampling_only", False):
            raise ParameterError("warm_start=True: this model was read from a file saved with "
                                 "training_state=False, which holds no critic and no moments to train "
                                 "on; refit it with warm_start=False")
        fitted = {"engine": self.engine_.get_config(), "transformer": {
            "max_categories": self.transformer_.max_categories, "n_modes": self.transformer_.n_modes,
            "derive_columns": self.transformer_.derive}}
        for name, where in _FIXED_BY_FIT:
            now, then = getattr(self, name), fitted[where][name]
            then = tuple(then) if isinstance(then, list) else then
            if (tuple(now) if isinstance(now, list) else now) != then:
                raise ParameterError(
                    f"{name}={now!r} differs from the fitted model's {then!r}; warm_start=True continues "
                    "the fitted networks and column transforms, so set it back or refit with warm_start=False")
        if (self.ema is None) != (self.engine_.net_g_ema is None):
            raise ParameterError(f"ema={self.ema!r}: the fitted model was trained "
                                 f"{'without' if self.engine_.net_g_ema is None else 'with'} a moving "
                                 "average; warm_start=True cannot add or drop it, refit with warm_start=False")
        if labels != self.column_labels_:
            raise ParameterError("warm_start=True: the table's columns are labelled differently from the "
                                 f"fitted table's ({labels!r} against {self.column_labels_!r})")

    def _train(self, step: Callable[[], dict], data: pd.DataFrame, matrix: torch.Tensor,
               first_epoch: int = 0, kept_epoch: int | None = None) -> BaseSynthesizer:
        """Run ``epochs_`` epochs of ``step`` on ``self.engine_`` (holding the state of epoch
        ``kept_epoch``, None: untrained); the history goes after what ``history_`` holds.
        ``kept_epoch_`` is then the epoch whose state the model holds (``TrainingLoop.kept_epoch``)."""
        loop = TrainingLoop(
            step, epochs=self.epochs_, steps_per_epoch=max(1, matrix.shape[0] // self.batch_size),
            snapshot=self.engine_.snapshot, restore=self.engine_.restore,
            max_time=self.max_time, callbacks=self._callbacks(data, matrix), verbose=self.verbose,
            description=type(self).__name__, first_epoch=first_epoch, kept_epoch=kept_epoch,
        )
        earlier = self.history_
        try:
            loop.run()
        finally:
            self.history_ = pd.concat([earlier, loop.history], ignore_index=True) if len(earlier) else loop.history
            self.stop_reason_ = loop.stop_reason
            keep = getattr(self, "_keep_best", None)
            self.best_epoch_ = keep.best_epoch if keep is not None else None
            self.kept_epoch_ = loop.kept_epoch
            self._keep_best = None
        return self

    def _forget_fit(self) -> None:
        """Drop every learnt attribute (``name_``) and the sampling state of an earlier fit."""
        for name in [k for k in vars(self) if k.endswith("_") and not k.startswith("_")]:
            delattr(self, name)
        self._ids_past: dict[str, set[str]] = {}
        self._restart_stream()
        self._keep_best = None
        self._sampling_only = False  # read from a file saved with training_state=False

    def _set_feature_names(self, names: list[str]) -> None:
        """scikit-learn's ``n_features_in_``, and ``feature_names_in_`` when the columns were
        named by text (as scikit-learn, which leaves it out for other labels)."""
        self.n_features_in_ = len(names)
        if self.column_labels_ is None:  # an earlier fit's names went with _forget_fit
            self.feature_names_in_ = np.asarray(names, dtype=object)

    def _make_training(self, layout: Any, matrix: torch.Tensor, init: torch.Generator,
                       generator: torch.Generator) -> tuple[Any, Callable[[], dict]]:
        """A fresh engine (weights drawn from ``init``) and its training step on ``matrix``
        (draws from ``generator``), a closure that holds whatever reads the training rows."""
        raise NotImplementedError

    def _callbacks(self, data: pd.DataFrame, matrix: torch.Tensor) -> list:
        """The fidelity probe, best-state keeping and early stopping (see ``tabgan.training``).

        Also records what ``diagnose()`` compares generated rows with (aggregates only, saved with
        the model): ``slot_counts_`` (D,) rows of the training matrix in each one-hot slot, and
        ``value_reference_`` the ventiles of each numerical column.
        """
        from tabgan.diagnostics import value_reference
        from tabgan.probe import FidelityProbe
        from tabgan.training import EarlyStopping, KeepBest, ProbeCallback

        layout = self.transformer_.layout_
        soft = torch.zeros(layout.width, dtype=torch.bool)
        for start, end, span in layout.slices():
            soft[start:end] = span.activation == "softmax"
        self.slot_counts_ = np.where(soft.numpy(), (matrix > 0.5).sum(0).cpu().numpy(), 0).astype(np.int64)
        self.value_reference_ = value_reference(data, self.transformer_.schema_.of_kind("numerical"))
        self._keep_best = None
        if self.probe_every is None:
            return []
        seed = np.random.SeedSequence([self.sample_seed_, 6]).generate_state(2)
        probe = FidelityProbe(layout, matrix,
                              generator=torch.Generator(device=matrix.device).manual_seed(int(seed[0])))
        engine = self.engine_
        out: list = [ProbeCallback(probe, lambda n, g: engine.generate(n, generator=g), every=self.probe_every,
                                   seed=int(seed[1]))]
        if self.keep_best:
            self._keep_best = KeepBest(engine.snapshot, engine.restore)  # weights and moments
            out.append(self._keep_best)
        if self.early_stopping:
            out.append(EarlyStopping(self.patience))
        return out

    def _engine_kwargs(self) -> dict[str, Any]:
        kw = {name: getattr(self, name) for name in self._engine_params}
        for name in ("generator_dim", "discriminator_dim", "generator_betas", "discriminator_betas"):
            kw[name] = tuple(kw[name])
        return kw

    # ------------------------------------------------------------------ sample
    def _check_fitted(self) -> None:
        if not hasattr(self, "transformer_"):
            raise NotFittedError(f"this {type(self).__name__} is not fitted yet; call fit(data) first")

    def sample(self, n: int, conditions: Mapping[str, Any] | pd.DataFrame | None = None,
               random_state: SeedLike = None) -> pd.DataFrame:
        """Exactly ``n`` rows with the training table's columns, order and dtypes (``n=0``: an
        empty table of them).

        conditions: ``{column: value}`` on one or several categorical or boolean columns (or a
            numerical column's point mass or missing values: rows are checked); every row
            returned satisfies all of them. Or a DataFrame of ``n`` rows of such columns: row i
            of the result holds row i's values (a missing cell asks for a missing value), and
            ids stay unique over the whole result (see ``sample_chunks``).
        random_state: the same seed gives the same rows; a numpy Generator or RandomState gives
            the seed (and advances); None continues the model's own stream, its ids included:
            ``sample(500)`` twice gives 1,000 distinct ids, as one ``sample(1000)`` would
            (integers and counters count on, random text keeps clear of the earlier calls'; a
            seeded call is a table of its own, its ids from the first). ``reset_sampling()``
            starts the stream again.
        """
        chunks = list(self.sample_chunks(n, conditions=conditions, random_state=random_state))
        return pd.concat(chunks, ignore_index=True) if len(chunks) > 1 else chunks[0]

    def sample_chunks(self, n: int, chunk_size: int = SAMPLE_CHUNK,
                      conditions: Mapping[str, Any] | pd.DataFrame | None = None,
                      random_state: SeedLike = None) -> Iterator[pd.DataFrame]:
        """Yield DataFrames of at most ``chunk_size`` rows, ``n`` rows in all; memory stays bounded.

        Conditions are set in the condition vector first (conditional engine); rows that still
        miss them are rejected and more are generated, at most ``max(50 * n, 10_000)`` in all.
        ``sampling_report_`` then holds the acceptance rate. A ConditionError names the condition
        when the budget runs out, or earlier, once the rows seen show that even the upper end
        of the acceptance rate's confidence interval cannot fill the rest within the budget.

        A DataFrame of conditions is sampled once per distinct row of it (each under that
        budget), and its rows are decoded together in its order, so integer ids, counters and
        random text ids are unique over the whole result, as in one unconditioned call.

        Rows are generated and decoded in blocks of ``SAMPLE_CHUNK`` rows whatever
        ``chunk_size``, which only cuts them: the same seed gives the same rows in chunks of any
        size, as ``sample`` (before 2026-12-03 each chunk size drew other rows). The arguments
        are checked when this is called, not at the first chunk.
        """
        self._check_fitted()
        if not _is_int(n) or n < 0:
            raise ParameterError(f"n={n!r} must be an integer >= 0")
        if not _is_int(chunk_size) or chunk_size < 1:
            raise ParameterError(f"chunk_size={chunk_size!r} must be a positive integer")
        if not _is_random_state(random_state):
            raise ParameterError(f"random_state={random_state!r} must be {_SEED_RULE}")
        seed = _seed_of(random_state)
        if n == 0:
            return self._blocks(n, conditions, seed)  # one empty table, its columns and dtypes
        return _rechunked(self._blocks(n, conditions, seed), chunk_size)

    def _blocks(self, n: int, conditions: Mapping[str, Any] | pd.DataFrame | None,
                random_state: int | None) -> Iterator[pd.DataFrame]:
        """``sample_chunks``' rows, in the blocks they are generated and decoded in; the conditions
        are checked now (a ConditionError before any chunk is asked for), the rows made as the
        iterator is read."""
        if isinstance(conditions, pd.DataFrame):
            conditions, groups = self._condition_groups(n, conditions)
            return self._sample_per_row(n, conditions, groups, random_state)
        if isinstance(conditions, Mapping):  # numpy's scalars as Python's: np.str_ stays out of the rows
            conditions = {self._column_name(c): _condition_value(v) for c, v in conditions.items()}
        return self._sample_fixed(n, conditions, self._parse_conditions(conditions), random_state)

    def _sample_fixed(self, n: int, conditions: dict[str, Any] | None, targets: list[tuple[int, int]],
                      random_state: int | None) -> Iterator[pd.DataFrame]:
        """``n`` rows that all meet ``conditions`` (``targets``: their slots), in blocks."""
        first_row = self._stream_rows(n) if random_state is None else 0
        draws = self._draws(random_state)
        tally = [0, 0]  # rows generated, rows accepted
        taken = self._taken(random_state)  # random text ids given out: each comes once
        if n == 0:  # no rows, the training table's columns and dtypes
            yield self._frame(np.zeros((0, len(self.transformer_.layout_.spans)), np.float32),
                              conditions, draws[1], first_row, taken)
        for rows in self._accepted(n, SAMPLE_CHUNK, targets, conditions, draws, tally):
            yield self._frame(rows, conditions, draws[1], first_row, taken)
            first_row += len(rows)
        self.sampling_report_ = _sampling_report(*tally)

    def reset_sampling(self) -> BaseSynthesizer:
        """Start the model's own sampling stream (``random_state=None``) again, as after fit or
        load: the next unseeded calls give the rows, and the ids, the first ones gave. Returns
        self."""
        self._check_fitted()
        self._restart_stream()
        return self

    def _restart_stream(self) -> None:
        """The model's own sampling stream from its start: its calls, rows and text ids."""
        self._sample_calls = self._rows_issued = 0
        self._stream_ids = {column: set(ids) for column, ids in self._ids_past.items()}

    def _taken(self, random_state: int | None) -> dict[str, set[str]]:
        """{column: the random text ids a call's fresh ones keep clear of, which it then joins}:
        in the model's own stream (``random_state=None``) those of its earlier calls, in a seeded
        call (a table of its own) only those of ``continue_ids_past``'s tables."""
        if random_state is None:
            return self._stream_ids
        return {column: set(ids) for column, ids in self._ids_past.items()}

    def continue_ids_past(self, data: pd.DataFrame) -> BaseSynthesizer:
        """Let integer ids and counters (``INV-00017``) start past the largest of ``data`` (an
        earlier output, or real rows kept elsewhere) as well, and random text ids that could
        meet by chance (short codes, not UUIDs) keep clear of its ones, so that tables sampled
        apart (another session, a nightly ``tabgan sample --ids-after``) hold each id once when
        put together. The counters' new starts are saved with the model; the text ids are kept
        by this object only (they may be real rows'), for its seeded and unseeded calls alike.
        Returns self; ParameterError when the model has no such id column or ``data`` holds
        none of them."""
        self._check_fitted()
        drawn = self.transformer_.drawn_id_columns()
        columns = self.transformer_.counted_id_columns() + drawn
        if not columns:
            raise ParameterError("continue_ids_past: the model has no integer id, counter or short random id column")
        data = data.set_axis([str(c) for c in data.columns], axis=1)
        if not set(columns) & set(data.columns):
            raise ParameterError(f"continue_ids_past: the table holds none of the id columns {', '.join(columns)}")
        self.transformer_.continue_ids_past(data)
        for column in set(drawn) & set(data.columns):
            ids = set(data[column].dropna().astype(str))
            self._ids_past.setdefault(column, set()).update(ids)
            self._stream_ids.setdefault(column, set()).update(ids)
        return self

    def _column_name(self, label: Any) -> Any:
        """The name the model learnt the column labelled ``label`` under: a frame labelled by
        numbers was learnt under their text, and the condition ``{2: ...}`` names the column
        labelled 2.0 too."""
        if self.column_labels_ is None:
            return label
        names = dict(zip(self.column_labels_, self.transformer_.schema_.names))
        try:
            return names.get(label, str(label))
        except TypeError:  # an unhashable label names no column
            return str(label)

    def _stream_rows(self, n: int) -> int:
        """The first row of an unseeded call's ``n`` rows in the model's stream, which the ids
        of integers and counters take up from; those rows are taken, used up or not."""
        first, self._rows_issued = self._rows_issued, self._rows_issued + n
        return first

    def _draws(self, random_state: int | None) -> tuple[torch.Generator, np.random.Generator, torch.dtype]:
        """The torch and numpy generators of one sampling call, and the dtype it computes in."""
        if random_state is None:
            random_state = int(np.random.SeedSequence([self.sample_seed_, self._sample_calls]).generate_state(1)[0])
            self._sample_calls += 1
        device = self._runtime_device()
        return (torch.Generator(device=device).manual_seed(torch_seed(random_state)),
                np.random.default_rng(random_state), resolve_sampling_dtype(self.sampling_dtype, device))

    def _accepted(self, n: int, chunk_size: int, targets: list[tuple[int, int]],
                  conditions: Mapping[str, Any] | None,
                  draws: tuple[torch.Generator, np.random.Generator, torch.dtype],
                  tally: list[int]) -> Iterator[np.ndarray]:
        """Compact rows (at most ``chunk_size`` a block, ``n`` in all) that satisfy ``targets``,
        generated by rejection within the budget; ``tally`` counts rows generated and accepted."""
        torch_gen, _, dtype = draws
        budget = max(REJECT_FACTOR * n, REJECT_MIN) if targets else n
        generated = accepted = 0
        remaining = n
        while remaining:
            want = min(chunk_size, remaining)
            rows: list[np.ndarray] = []
            got = 0
            while got < want:
                # Unconditioned rows are all kept: generate exactly what is missing.
                ask = _rejection_ask(want - got, remaining - got, accepted, generated, budget,
                                     chunk_size) if targets else want - got
                if ask is None:
                    self.sampling_report_ = _sampling_report(tally[0] + generated, tally[1] + accepted)
                    raise ConditionUnmetError(_rejection_message(n, conditions, accepted, generated, budget))
                block = self._generate(ask, targets, torch_gen, dtype)  # (ask, S) on device
                generated += ask
                if targets:  # no mask, no copy, no sync without conditions
                    keep = self._satisfies(block, targets)
                    block = block[keep]
                accepted += block.shape[0]
                block = block[: want - got]
                rows.append(block.cpu().numpy())
                got += block.shape[0]
            remaining -= want
            yield np.concatenate(rows) if len(rows) > 1 else rows[0]
        tally[0], tally[1] = tally[0] + generated, tally[1] + accepted

    def _condition_groups(self, n: int, conditions: pd.DataFrame
                          ) -> tuple[pd.DataFrame, list[tuple[np.ndarray, dict[str, Any], list[tuple[int, int]]]]]:
        """A DataFrame of conditions checked for ``n`` rows, its columns named as the model's,
        and its distinct rows as [(the rows' positions, their conditions, their slots)]."""
        if len(conditions) != n:
            raise ParameterError(f"n={n} but conditions holds {len(conditions)} rows: one row of "
                                 "conditions for each row to sample")
        if conditions.shape[1] == 0:
            raise ConditionError("conditions is a DataFrame with no columns; name at least one column")
        if self.column_labels_ is not None:
            conditions = conditions.set_axis([self._column_name(c) for c in conditions.columns], axis=1)
        repeated = conditions.columns[conditions.columns.duplicated()]
        if len(repeated):
            raise ConditionError(f"conditions names the column {repeated[0]!r} twice; give each column once")
        columns = list(conditions.columns)
        names = set(self.transformer_.schema_.names)
        for column in columns:  # checked without a row too: n=0 has no value to check them by
            if column not in names:
                raise ConditionError(f"condition on unknown column {column!r}")
        try:
            distinct = conditions.groupby(columns, dropna=False, sort=False, observed=True).indices
        except TypeError:  # a cell that is no one value (a list): pandas cannot group it
            raise ConditionError(_unhashable_cell(conditions)) from None
        groups = []
        # A loop over the distinct rows of conditions, not over rows.
        for key, positions in distinct.items():
            values = key if isinstance(key, tuple) else (key,)
            wanted = {c: _condition_value(v) for c, v in zip(columns, values)}
            groups.append((positions, wanted, self._parse_conditions(wanted)))
        return conditions, groups

    def _sample_per_row(self, n: int, conditions: pd.DataFrame,
                        groups: list[tuple[np.ndarray, dict[str, Any], list[tuple[int, int]]]],
                        random_state: int | None) -> Iterator[pd.DataFrame]:
        """``n`` rows, row i under the values of row i of ``conditions`` (see ``sample_chunks``),
        ``groups`` its distinct rows (``_condition_groups``)."""
        first_row = self._stream_rows(n) if random_state is None else 0
        columns = list(conditions.columns)
        draws = self._draws(random_state)
        tally = [0, 0]
        compact = np.empty((n, len(self.transformer_.layout_.spans)), np.float32)  # (n, S) in order
        # What a conditioned cell holds: its category as the column learnt it (True for 1).
        pooled = [c for c in columns if not self.transformer_.decodes_conditions_exactly(c)]
        written = {c: np.empty(n, dtype=object) for c in pooled}
        if groups:  # all distinct rows rejection-sampled together, each under its own budget
            rows = self._accepted_together(groups, draws, tally)  # (n, S), grouped
            compact[np.concatenate([positions for positions, _, _ in groups])] = rows
        for positions, wanted, _ in groups:
            for c in pooled:
                written[c][positions] = self.transformer_.condition_written(c, wanted[c])
        taken = self._taken(random_state)
        for start in range(0, max(n, 1), SAMPLE_CHUNK):  # decoded in order: ids unique over all
            stop = min(start + SAMPLE_CHUNK, n)
            out = self._frame(compact[start:stop], None, draws[1], first_row + start, taken, labelled=False)
            for column in pooled:  # a category's cell holds its value exactly (pooled ones too)
                out[column] = _typed_like(pd.Series(written[column][start:stop], dtype=object), out[column])
            yield out if self.column_labels_ is None else out.set_axis(self.column_labels_, axis=1)
        self.sampling_report_ = _sampling_report(*tally)

    def _accepted_together(self, groups: list[tuple[np.ndarray, dict[str, Any], list[tuple[int, int]]]],
                           draws: tuple[torch.Generator, np.random.Generator, torch.dtype],
                           tally: list[int]) -> np.ndarray:
        """(n, S) compact rows: for each of ``groups`` (``_condition_groups``) in turn, as many rows
        as it has positions, each meeting its targets; ``tally`` counts rows generated and accepted.

        Rejection sampling as ``_accepted``'s, with each group's own budget and acceptance rate,
        but every group's rows of a round generated in blocks of ``SAMPLE_CHUNK`` rows (row i
        under its group's condition vector) and checked at once against their group's slots: a
        loop over groups made 20,000 rows of 5,000 distinct conditions take 30 s against 0.03 s
        unconditioned (one generator call or more each).
        """
        torch_gen, _, dtype = draws
        device = self._runtime_device()
        n_groups, n_spans = len(groups), len(self.transformer_.layout_.spans)
        need = np.array([len(positions) for positions, _, _ in groups], dtype=np.int64)  # (G,)
        wanted_slot = torch.zeros(n_groups, n_spans, device=device)  # (G, S)
        checked = torch.zeros(n_groups, n_spans, dtype=torch.bool, device=device)  # (G, S)
        for g, (_, _, targets) in enumerate(groups):
            for span, slot in targets:
                wanted_slot[g, span], checked[g, span] = slot, True
        cond, in_vector = self._condition_rows([targets for _, _, targets in groups])  # (G, C) | None, (G,)
        budget = np.where(checked.any(1).cpu().numpy(), np.maximum(REJECT_FACTOR * need, REJECT_MIN), need)
        generated, accepted, kept = np.zeros_like(need), np.zeros_like(need), np.zeros_like(need)
        parts: list[tuple[np.ndarray, np.ndarray]] = []  # (group of each row, its compact row)
        while (pending := np.flatnonzero(kept < need)).size:
            missing = need[pending] - kept[pending]
            ask, failed = _rejection_asks(missing, missing, accepted[pending], generated[pending],
                                          budget[pending], SAMPLE_CHUNK)
            if failed.any():
                g = int(pending[np.flatnonzero(failed)[0]])
                tally[0], tally[1] = tally[0] + int(generated.sum()), tally[1] + int(accepted.sum())
                self.sampling_report_ = _sampling_report(*tally)
                raise ConditionUnmetError(_rejection_message(int(need[g]), groups[g][1], int(accepted[g]),
                                                             int(generated[g]), int(budget[g])))
            # A round makes at most ROUND_ROWS rows, the earliest pending groups' first: 5,000
            # pending groups could each ask SAMPLE_CHUNK, 250 million rows held in one round, and
            # a condition the model cannot meet fails sooner (951 one-row groups it hardly meets,
            # 1-epoch model: the error after 1.8 million rows and 2.6 s, against 2.1 million, 3.4 s).
            ask = np.where(np.cumsum(ask) - ask < ROUND_ROWS, ask, 0)
            of = np.repeat(pending, ask)  # (R,) the group of each row to generate, grouped
            for start in range(0, len(of), SAMPLE_CHUNK):
                group = of[start:start + SAMPLE_CHUNK]  # (B,)
                block = self._generate_rows(group, cond, in_vector, torch_gen, dtype)  # (B, S) on device
                at = torch.from_numpy(group).to(device)
                ok = ((block == wanted_slot[at]) | ~checked[at]).all(1)  # (B,)
                hit = group[ok.cpu().numpy()]  # (A,) groups of the accepted rows, grouped
                generated += np.bincount(group, minlength=n_groups)
                accepted += np.bincount(hit, minlength=n_groups)
                first = np.r_[0, np.flatnonzero(np.diff(hit)) + 1]  # where each group's run starts
                rank = np.arange(len(hit)) - np.repeat(first, np.diff(np.r_[first, len(hit)]))
                take = rank < (need - kept)[hit]  # (A,) the rows each group still misses
                kept += np.bincount(hit[take], minlength=n_groups)
                parts.append((hit[take], block[ok][torch.from_numpy(take).to(device)].cpu().numpy()))
        tally[0], tally[1] = tally[0] + int(generated.sum()), tally[1] + int(accepted.sum())
        of_row = np.concatenate([p[0] for p in parts])
        rows = np.concatenate([p[1] for p in parts]).astype(np.float32, copy=False)
        return rows[np.argsort(of_row, kind="stable")]  # (n, S) group by group, as generated

    def _condition_rows(self, targets: list[list[tuple[int, int]]]) -> tuple[torch.Tensor | None, np.ndarray]:
        """(G, C) the condition vector of each of ``targets`` (None: the model takes none) and
        (G,) whether it sets any bit; rows of one that sets none are generated unconditioned."""
        return None, np.zeros(len(targets), dtype=bool)

    def _generate_rows(self, group: np.ndarray, cond: torch.Tensor | None, in_vector: np.ndarray,
                       generator: torch.Generator, dtype: torch.dtype) -> torch.Tensor:
        """(B, S) compact rows, row i under the condition vector of ``group[i]`` (``cond``'s row)
        where ``in_vector`` says it sets a bit, unconditioned elsewhere."""
        return self._generate(len(group), [], generator, dtype)

    def _frame(self, compact: np.ndarray, conditions: Mapping[str, Any] | None,
               rng: np.random.Generator, first_row: int, taken: dict[str, set[str]],
               labelled: bool = True) -> pd.DataFrame:
        """The rows of ``compact`` (n, S) as a DataFrame, rows ``first_row``.. of the call's table
        (``taken``: its text ids so far); conditioned columns hold their value, and columns
        labelled by numbers in training get those labels back (unless not ``labelled``)."""
        out = self.transformer_.inverse_compact(compact, rng, first_row, taken, generated=True)
        for column, value in (conditions or {}).items():
            if not self.transformer_.decodes_conditions_exactly(column):  # a pooled category
                value = self.transformer_.condition_written(column, value)
                out[column] = _typed_like(pd.Series([value] * len(out), dtype=object), out[column])
        return out if self.column_labels_ is None or not labelled else out.set_axis(self.column_labels_, axis=1)

    def _parse_conditions(self, conditions: Mapping[str, Any] | None) -> list[tuple[int, int]]:
        """[(span index in the layout, slot)] for each condition."""
        if conditions is None:
            return []
        if not isinstance(conditions, Mapping):
            raise ConditionError(f"conditions must be a dict of column -> value, or a DataFrame "
                                 f"of one row for each row to sample, got {type(conditions).__name__}")
        out: dict[int, int] = {}  # span -> slot
        named: dict[int, str] = {}
        for column, value in conditions.items():
            # A derived column's condition is one on its source span (see find_derived).
            span, slot = self.transformer_.condition_slot(column, value)
            if span in out and out[span] != slot:
                raise ConditionError(f"conditions {named[span]} and {column}={value!r} cannot hold "
                                     "together: no training row has both")
            out[span] = slot
            named.setdefault(span, f"{column}={value!r}")
        return list(out.items())

    def _satisfies(self, block: torch.Tensor, targets: list[tuple[int, int]]) -> torch.Tensor:
        """(B,) bool: every conditioned span of the compact rows ``block`` (B, S) holds its slot."""
        keep = torch.ones(block.shape[0], dtype=torch.bool, device=block.device)
        for span, slot in targets:
            keep &= block[:, span] == slot
        return keep

    def _generate(self, n: int, targets: list[tuple[int, int]], generator: torch.Generator,
                  dtype: torch.dtype = torch.float32) -> torch.Tensor:
        """(n, S) generated rows in compact form (a value or a slot per span), on the device."""
        if self.engine_ is None:
            return torch.zeros(n, 0, device=generator.device)
        return self.engine_.generate(n, generator=generator, dtype=dtype, compact=True)

    def _runtime_device(self) -> torch.device:
        return self.engine_.device if self.engine_ is not None else torch.device("cpu")

    # ------------------------------------------------------------------ diagnostics
    def diagnose(self, n: int = 20_000, random_state: SeedLike = 0) -> Any:
        """What went wrong in training, in plain language: a list of ``tabgan.diagnostics.Finding``
        (mode collapse, divergence, critic imbalance, stalled or oscillating training). ``n`` rows
        are generated with ``random_state`` (as in ``sample``) to count categories and modes. See
        tabgan.diagnostics."""
        from tabgan.diagnostics import diagnose

        if not _is_int(n) or n < 1:
            raise ParameterError(f"n={n!r} must be a positive integer")
        if not _is_random_state(random_state):
            raise ParameterError(f"random_state={random_state!r} must be {_SEED_RULE}")
        seed = _seed_of(random_state)
        return diagnose(self, n=n, random_state=np.random.SeedSequence().entropy if seed is None else seed)

    def plot_history(self, findings: Any = None) -> Any:
        """A plotly Figure of losses, gradient norms and probe curves, with ``findings`` (default:
        ``self.diagnose()``) marked at their epochs."""
        from tabgan.diagnostics import plot_history

        self._check_fitted()
        return plot_history(self.history_, self.diagnose() if findings is None else findings)

    # ------------------------------------------------------------------ save / load
    def save(self, path: Target, training_state: bool | None = None) -> None:
        """Write the fitted model as JSON + tensors (never a pickle); read it with ``tabgan.load``.

        path: a file path (``~`` expanded; written atomically), or a binary file object
        (``io.BytesIO``, an open file) that gets the whole model in one ``write``.

        training_state: keep what training further needs (the critic, the live generator behind
        the moving average, the Adam moments), so that a loaded model can ``warm_start``; False
        writes what sampling reads only. Such a file is an eighth of the size (Adult's model:
        1.2 MB against 10.0 MB), and it leaves out the critic, the network that judged real rows
        (the white-box tool of membership-inference attacks on GANs): the form to share a model
        in. None (the default): whatever this model has (a model loaded from a sampling-only file
        has no training state).
        """
        self._check_fitted()
        trainable = not getattr(self, "_sampling_only", False)
        if training_state and not trainable:
            raise ParameterError("training_state=True: this model was read from a file saved with "
                                 "training_state=False, which holds no critic and no moments")
        keep = trainable if training_state is None else bool(training_state)
        params = {name: _plain(v) for name, v in self.get_params().items()}
        if not (params["random_state"] is None or _is_int(params["random_state"])):
            params["random_state"] = self.seed_  # a generator: the seed it gave this fit
        header = {
            "class": type(self).__name__,
            "params": params,
            "state": {
                "transformer": self.transformer_.to_dict(),
                # NaN and inf (epochs without a probe, a diverged epoch) become "nan", "inf": JSON has
                # neither.
                "history": {k: [str(v) if isinstance(v, float) and not math.isfinite(v) else v for v in col]
                            for k, col in self.history_.to_dict(orient="list").items()},
                "sample_seed": self.sample_seed_,
                "seed": self.seed_,  # None in a model loaded from a file before 2026-12-02
                "stop_reason": self.stop_reason_,
                "epochs": self.epochs_,  # "auto" resolved, for the last fit (a warm start's own)
                "best_epoch": self.best_epoch_,
                "kept_epoch": self.kept_epoch_,
                "slot_counts": [int(c) for c in self.slot_counts_],
                "value_reference": self.value_reference_,
                "csv_style": asdict(self.csv_style_) if getattr(self, "csv_style_", None) else None,
                "arrow_schema": schema_text(schema) if (schema := getattr(self, "arrow_schema_", None)) else None,
                "column_labels": self.column_labels_,
                "training_state": keep,
                # The fitted networks' config: the parameters may have been set otherwise since.
                "engine": ({k: _plain(v) for k, v in self.engine_.get_config().items()}
                           if self.engine_ is not None else None),
            },
        }
        tensors = {}
        if self.engine_ is not None and not keep:
            tensors = self.engine_.sampling_state_dict()
        elif self.engine_ is not None:
            # The moments let a loaded model continue training as this one would (warm_start).
            tensors = {**self.engine_.state_dict(),
                       **{MOMENTS + k: v for k, v in self.engine_.moments().items()}}
        write_model_file(path, header, tensors)

    @classmethod
    def _from_file(cls, header: dict[str, Any], tensors: dict[str, torch.Tensor], device: torch.device,
                   device_param: str) -> BaseSynthesizer:
        # Files written before discriminator_row_dim existed hold CTGAN's critic.
        params = {"discriminator_row_dim": None, **header["params"], "device": device_param}
        for name in ("generator_dim", "discriminator_dim", "generator_betas", "discriminator_betas"):
            params[name] = tuple(params[name])
        model = cls(**params)
        model._validate_params()  # a file's parameters, like a user's (batch_size=0 refused)
        state = header["state"]
        built = state.get("engine")  # absent in files before 2026-12-04, whose params were the sizes
        sizes = {name: built[name] if built is not None else params[name] for name in _NETWORK_SIZES}
        for name in ("generator_dim", "discriminator_dim"):
            sizes[name] = tuple(sizes[name])
        if built is not None:  # checked as parameters, with the batch size they were fitted with
            cls(**{**params, **sizes, "batch_size": built["batch_size"]})._validate_params()
        model.transformer_ = TableTransformer.from_dict(state["transformer"])
        history = pd.DataFrame(state["history"])
        model.history_ = history.astype({k: float for k in history.columns if history[k].dtype == object})
        model.best_epoch_ = state.get("best_epoch")
        # Absent in files written before 2026-12-04: what diagnose() then took the kept state for.
        model.kept_epoch_ = state.get("kept_epoch", _assumed_kept_epoch(history, state.get("stop_reason", ""),
                                                                        model.best_epoch_))
        if not (model.kept_epoch_ is None or (_is_int(model.kept_epoch_) and model.kept_epoch_ >= 0)):
            raise ModelFileError(f"its kept_epoch {model.kept_epoch_!r} is no integer >= 0")
        model.slot_counts_ = np.asarray(state.get("slot_counts", []), dtype=np.int64)
        model.value_reference_ = state.get("value_reference", {})
        style = state.get("csv_style")  # absent in files written before 2026-12-02
        model.csv_style_ = CsvStyle(**style) if style else None
        arrow = state.get("arrow_schema")  # absent in files written before 2026-12-04
        model.arrow_schema_ = schema_from_text(arrow) if arrow is not None else None
        model.sample_seed_ = state["sample_seed"]
        model.seed_ = state.get("seed")  # absent in files before 2026-12-02
        for key, seed in (("sample_seed", model.sample_seed_), ("seed", model.seed_)):
            if not (_is_int(seed) and seed >= 0) and (seed is not None or key == "sample_seed"):
                raise ModelFileError(f"its {key} {seed!r} is no integer >= 0")
        model.stop_reason_ = state.get("stop_reason", "")
        if "epochs" in state:  # absent in files written before 2026-12-03
            model.epochs_ = state["epochs"]
        model._ids_past = {}
        model._restart_stream()
        model.column_labels_ = state.get("column_labels")  # absent in files before 2026-12-02
        labels = model.column_labels_
        if labels is not None and (not isinstance(labels, list) or len(labels) != len(model.transformer_.schema_.names)
                                   or not all(pd.api.types.is_hashable(v) for v in labels)):
            raise ModelFileError(f"its column_labels {labels!r} are not one label for each column")
        model._set_feature_names(list(model.transformer_.schema_.names))
        layout = model.transformer_.layout_
        if layout.width == 0:
            model.engine_ = None
        else:
            moments = {k[len(MOMENTS):]: v for k, v in tensors.items() if k.startswith(MOMENTS)}
            weights = {k: v for k, v in tensors.items() if not k.startswith(MOMENTS)}
            model._check_weights(layout, weights, sizes, sampling_only=not state.get("training_state", True))
            # The engine as fitted: its pac needs the batch size it was fitted with, not one set since.
            fitted = {**sizes, "batch_size": built["batch_size"]} if built is not None else sizes
            model.engine_ = model._engine_for_state(layout, weights, device, fitted)
            if not state.get("training_state", True):  # saved with training_state=False
                model.engine_.load_sampling_state_dict(weights)
                model._sampling_only = True
                return model
            model.engine_.load_state_dict(weights)
            if moments:  # absent in files written before 2026-12-02: Adam starts afresh
                model.engine_.load_moments(moments)
        return model

    def _engine_for_state(self, layout: Any, tensors: dict[str, torch.Tensor], device: torch.device,
                          sizes: dict[str, Any]) -> Any:
        """The engine of a model file's ``tensors``, its networks of the fitted ``sizes``
        (``_NETWORK_SIZES`` and the fitted batch size), its other settings this model's parameters."""
        raise NotImplementedError

    def _condition_width(self, layout: Any) -> int:
        """The condition bits the generator and critic take beside the rows (none here)."""
        return 0

    def _check_weights(self, layout: Any, weights: dict[str, torch.Tensor], sizes: dict[str, Any],
                       sampling_only: bool) -> None:
        """ModelFileError unless a file's network tensors are those its ``sizes`` make, by name,
        shape and dtype, and finite: checked before the networks are built, so sizes written in a
        crafted file (generator_dim=[16000, 16000]) allocate nothing; the engine checks the rest."""
        expected = network_shapes(layout.width, self._condition_width(layout), **sizes)
        sampling = "net_g." if sizes["ema"] is None else "net_g_ema."
        needed = {k for k in expected if k.startswith(sampling)} if sampling_only else set(expected)
        networks = {k for k in weights if k.startswith(("net_g.", "net_d.", "net_g_ema."))}
        for odd, what in ((networks - needed, "unexpected"), (needed - networks, "missing")):
            if odd:
                raise ModelFileError(f"its network tensors are not those of its sizes: "
                                     f"{', '.join(map(repr, sorted(odd)[:3]))} {what}")
        for key in sorted(needed):
            (shape, dtype), (want, want_dtype) = (tuple(weights[key].shape), weights[key].dtype), expected[key]
            if shape != want:
                raise ModelFileError(f"tensor {key!r} has shape {shape}, where the model's sizes make {want}")
            # Loading would cast: int32 bytes of a float32 weight would become other weights, silently.
            if dtype != want_dtype:
                raise ModelFileError(f"tensor {key!r} is {dtype}, where the model's networks hold {want_dtype}")
            if weights[key].is_floating_point() and not bool(torch.isfinite(weights[key]).all()):
                raise ModelFileError(f"tensor {key!r} holds NaN or infinite values")

    def _check_decodes(self) -> None:
        """Generate and decode a few rows (seeded: the model's own stream is left as it is), so
        that a file whose column state cannot be decoded fails at load, not at the first sample."""
        self.sample(16, random_state=0)
        del self.sampling_report_


def load(path: Target, device: str | torch.device = "auto") -> BaseSynthesizer:
    """Read a model written by ``save`` from a path or a binary file object; ``device`` as in the
    constructors ("auto" by default). A file damaged after it was saved is refused (a checksum)."""
    from tabgan.synthesizers import ConditionalGAN, WGANGP

    classes = {c.__name__: c for c in (ConditionalGAN, WGANGP)}
    dev = resolve_device(device)
    header, tensors = read_model_file(path, dev)
    name = header.get("class")
    cls = classes.get(name) if isinstance(name, str) else None
    if cls is None:
        raise ModelFileError(f"{model_name(path)} holds an unknown model class {name!r}")
    try:
        model = cls._from_file(header, tensors, dev, device if isinstance(device, str) else str(device))
        model._check_decodes()
        return model
    # Whatever a crafted state makes the code it reaches raise (an index past a list's end, a
    # dtype that does not exist, a missing key) is the file's fault, and said as such.
    except (KeyError, TypeError, ValueError, RuntimeError, AttributeError, IndexError, OverflowError,
            AssertionError, LookupError, ArithmeticError) as err:
        if isinstance(err, ModelFileError):  # our own words, with the file they are about
            raise ModelFileError(f"{model_name(path)}: {err}") from None
        text = str(err).splitlines()[0] if str(err) else ""
        raise ModelFileError(f"{model_name(path)} is corrupted: {type(err).__name__}"
                             + (f": {text}" if text else "")) from None
