"""``ConditionalGAN``: CTGAN's conditional WGAN-GP with training-by-sampling, done faster."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Literal

import numpy as np
import torch

from tabgan.engines import ConditionalGANEngine
from tabgan.sampling import ConditionSampler, condition_vector
from tabgan.synthesizers.base import COMMON_CONSTRAINTS, BaseSynthesizer, SeedLike, _is_number
from tabgan.transformers.layout import Layout

__all__ = ["ConditionalGAN"]


class ConditionalGAN(BaseSynthesizer):
    """Conditional GAN for tables (CTGAN's algorithm): mode-specific normalisation, a condition
    vector drawn by training-by-sampling, a PacGAN critic with WGAN-GP loss, Gumbel-softmax outputs.

    Parameters
    ----------
    epochs: passes over the table; "auto" (the default) trains about 7,000 steps, between 10
    and 300 epochs (108 on Adult's 32,561 rows; 300 on a table under 12,000 rows).
    batch_size: rows per step (a multiple of ``pac``).
    pac: rows the critic judges together (PacGAN). embedding_dim: noise width.
    generator_dim, discriminator_dim: hidden widths of the residual generator and of the critic.
    discriminator_row_dim: width of a critic layer shared by every row of a pack, before the
    pack is judged as a whole; None is CTGAN's critic, which judges the pack's raw rows. At 128
    (the default) classifier utility on Adult rose from 0.8895-0.8906 to 0.9004-0.9031 and the
    fit got faster (see ``tabgan.nn.layers.Critic``).
    generator_lr, discriminator_lr, generator_betas, discriminator_betas, generator_decay,
    discriminator_decay: Adam settings of each network (two time-scale updates are possible).
    n_critic: critic updates per generator update. penalty: "wgan-gp" or "dragan";
    penalty_weight: its weight; penalty_every: compute it on one critic update in this many, at
    this many times the weight (a lazy penalty: 4 made a step 20% faster on Adult, and moved
    classifier utility from 0.887 and 0.891 to 0.885 and 0.888 on two seeds at 108 epochs).
    tau: Gumbel-softmax temperature.
    ema: decay of a moving average of the generator's weights used for sampling (None: off);
    on by default: on Adult it cut the generated marginals' total variation distance to a third.
    joint_conditions: share of training batches conditioned on several discrete columns at once,
    so that ``sample(conditions=...)`` on several columns is learned, not only rejected. For
    unconditioned sampling alone, 0 leaves fewer rows that break near-certain category pairs
    (3.1% against 4.2% on Adult) at the cost of worse conditioned rows (see ``tabgan.sampling``).
    max_categories: widest one-hot block (rarer values are pooled). n_modes: mixture modes per
    continuous column. derive_columns: a column that is a function of a categorical column in
    every training row (Adult's ``education-num`` of ``education``) is looked up from the generated
    category instead of learned, so no synthetic row breaks the pair (see
    ``tabgan.transformers.derived``); ``model.transformer_.derived_`` lists them. A column that is
    an exact linear function of one or two numerical or date columns (``total = net + tax``,
    ``discharge = admit + nights``) is computed
    from them (``tabgan.transformers.linear``; listed in ``model.transformer_.computed_``).
    max_time: stop after this many seconds (with keep_best, the best state found in that time is
    kept).
    probe_every: every this many epochs (and at the last one) a fidelity probe compares a fixed
    generated sample with real rows on the device (``tabgan.probe``); its figures go into
    ``history_``; None turns it off. keep_best: at the end, put back the weights (and Adam
    moments, so that a warm start goes on from there) of the latest probed epoch whose score is
    within 10% of the best one (model selection by quality, not by
    loss; see ``tabgan.training.KeepBest``); with probe_every=None there is nothing to choose by
    and the last epoch's weights stay. early_stopping: stop when the probe score has not
    improved for ``patience`` probe evaluations. device: "auto", "cpu", "cuda",
    "cuda:N". sampling_dtype: what the generator computes in when sampling: "float32",
    "bfloat16" (products accumulate in float32 and the outputs that become numbers keep about 16
    significant bits; see ``tabgan.nn.layers.FrozenGenerator``), or "auto": bfloat16 on a CPU
    that computes it in hardware (AMX or AVX512-BF16), float32 elsewhere (where bfloat16 is
    emulated: 16,296 rows/s against float32's 111,098 on an AVX2-only AMD EPYC); changing it needs
    no refit. random_state: seed of everything (same seed, same model, same samples on the same
    CPU), or a numpy Generator or RandomState that each fit draws its seed from; ``seed_`` is
    the integer that reproduces a fit (drawn from the OS when random_state is None).
    warm_start: when the model is fitted, ``fit(data)`` trains its networks ``epochs`` more
    epochs on ``data`` instead of starting afresh: the weights, the moving average and the Adam
    moments carry on (also in a model read by ``tabgan.load``), under the learning rates, betas
    and penalty set now; the column transforms stay as the first fit learnt them, so ``data``
    must have the fitted columns, categories and kinds. Training goes on from the weights the
    last fit ended with (with keep_best, those of the epoch it kept). ``history_`` goes on
    numbering epochs, and keep_best chooses among the epochs of the latest fit.
    verbose: progress bar with live losses.
    """

    _constraints = {
        **COMMON_CONSTRAINTS,
        "joint_conditions": (lambda v: _is_number(v) and 0 <= v <= 1,
                             "a number in [0, 1]"),
    }

    def __init__(
        self,
        *,
        epochs: int | Literal["auto"] = "auto",
        batch_size: int = 500,
        pac: int = 10,
        embedding_dim: int = 128,
        generator_dim: tuple[int, ...] = (256, 256),
        discriminator_dim: tuple[int, ...] = (256, 256),
        discriminator_row_dim: int | None = 128,
        generator_lr: float = 2e-4,
        discriminator_lr: float = 2e-4,
        generator_betas: tuple[float, float] = (0.5, 0.9),
        discriminator_betas: tuple[float, float] = (0.5, 0.9),
        generator_decay: float = 1e-6,
        discriminator_decay: float = 1e-6,
        n_critic: int = 1,
        penalty: Literal["wgan-gp", "dragan"] = "wgan-gp",
        penalty_weight: float = 10.0,
        penalty_every: int = 1,
        tau: float = 0.2,
        ema: float | None = 0.995,
        joint_conditions: float = 0.2,
        max_categories: int = 200,
        n_modes: int = 10,
        derive_columns: bool = True,
        max_time: float | None = None,
        probe_every: int | None = 5,
        keep_best: bool = True,
        early_stopping: bool = False,
        patience: int = 10,
        device: str = "auto",
        sampling_dtype: Literal["auto", "float32", "bfloat16"] = "auto",
        random_state: SeedLike = None,
        warm_start: bool = False,
        verbose: bool = False,
    ) -> None:
        self.epochs = epochs
        self.batch_size = batch_size
        self.pac = pac
        self.embedding_dim = embedding_dim
        self.generator_dim = generator_dim
        self.discriminator_dim = discriminator_dim
        self.discriminator_row_dim = discriminator_row_dim
        self.generator_lr = generator_lr
        self.discriminator_lr = discriminator_lr
        self.generator_betas = generator_betas
        self.discriminator_betas = discriminator_betas
        self.generator_decay = generator_decay
        self.discriminator_decay = discriminator_decay
        self.n_critic = n_critic
        self.penalty = penalty
        self.penalty_weight = penalty_weight
        self.penalty_every = penalty_every
        self.tau = tau
        self.ema = ema
        self.joint_conditions = joint_conditions
        self.max_categories = max_categories
        self.n_modes = n_modes
        self.derive_columns = derive_columns
        self.max_time = max_time
        self.probe_every = probe_every
        self.keep_best = keep_best
        self.early_stopping = early_stopping
        self.patience = patience
        self.device = device
        self.sampling_dtype = sampling_dtype
        self.random_state = random_state
        self.warm_start = warm_start
        self.verbose = verbose

    def _make_training(self, layout: Layout, matrix: torch.Tensor, init: torch.Generator,
                       generator: torch.Generator) -> tuple[ConditionalGANEngine, Callable[[], dict]]:
        sampler = ConditionSampler(matrix, layout, joint_prob=float(self.joint_conditions))
        engine = ConditionalGANEngine(layout, condition_counts=sampler.counts, device=self._device,
                                      init_generator=init, **self._engine_kwargs())
        return engine, lambda: engine.train_step(sampler, generator)

    def _generate(self, n: int, targets: list[tuple[int, int]], generator: torch.Generator,
                  dtype: torch.dtype = torch.float32) -> torch.Tensor:
        layout = self.transformer_.layout_
        # A numerical column's point mass is no bit of the condition vector: rows are checked.
        in_vector = {span: slot for span, slot in targets if layout.spans[span].conditional}
        if self.engine_ is None or not in_vector:
            return super()._generate(n, targets, generator, dtype)
        cond = condition_vector(layout, in_vector, 1, self.engine_.device)[0]
        return self.engine_.generate(n, cond=cond, generator=generator, dtype=dtype, compact=True)  # (n, S)

    def _condition_rows(self, targets: list[list[tuple[int, int]]]) -> tuple[torch.Tensor | None, np.ndarray]:
        layout = self.transformer_.layout_
        if self.engine_ is None:
            return None, np.zeros(len(targets), dtype=bool)
        cond = torch.zeros(len(targets), layout.condition_width, device=self.engine_.device)  # (G, C)
        in_vector = np.zeros(len(targets), dtype=bool)
        for g, group in enumerate(targets):  # a loop over distinct rows of conditions, not rows
            bits = {span: slot for span, slot in group if layout.spans[span].conditional}
            if bits:
                cond[g] = condition_vector(layout, bits, 1, self.engine_.device)[0]
                in_vector[g] = True
        return cond, in_vector

    def _generate_rows(self, group: np.ndarray, cond: torch.Tensor | None, in_vector: np.ndarray,
                       generator: torch.Generator, dtype: torch.dtype) -> torch.Tensor:
        if self.engine_ is None or cond is None or not in_vector[group].any():
            return super()._generate_rows(group, cond, in_vector, generator, dtype)
        if in_vector[group].all():
            at = torch.from_numpy(group).to(cond.device)
            return self.engine_.generate(len(group), cond=cond[at], generator=generator, dtype=dtype,
                                         compact=True)  # (B, S)
        # Some rows under condition bits, the others drawn unconditioned: each part in one call.
        vector = in_vector[group]  # (B,)
        out = torch.empty(len(group), len(self.transformer_.layout_.spans), device=cond.device)  # (B, S)
        for part in (vector, ~vector):
            rows = torch.from_numpy(np.flatnonzero(part)).to(cond.device)
            out[rows] = self._generate_rows(group[part], cond, in_vector, generator, dtype)
        return out

    def _condition_width(self, layout: Layout) -> int:
        return layout.condition_width

    def _engine_for_state(self, layout: Layout, tensors: dict[str, torch.Tensor], device: torch.device,
                          sizes: dict[str, Any]) -> ConditionalGANEngine:
        return ConditionalGANEngine(layout, condition_counts=tensors["condition_counts"].cpu(), device=device,
                                    **{**self._engine_kwargs(), **sizes})
