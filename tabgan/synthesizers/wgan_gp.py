"""``WGANGP``: a plain, unconditional WGAN-GP on the same transformers and networks."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Literal

import torch

from tabgan.engines import WGANGPEngine
from tabgan.synthesizers.base import BaseSynthesizer, SeedLike
from tabgan.transformers.layout import Layout

__all__ = ["WGANGP"]


class WGANGP(BaseSynthesizer):
    """Unconditional WGAN-GP for tables: rows drawn uniformly, ``n_critic`` critic steps per
    generator step. Conditions in ``sample`` are met by rejection alone. Parameters as in
    ``ConditionalGAN`` (without ``joint_conditions``); ``n_critic`` defaults to 5 as in the
    WGAN-GP paper.
    """

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
        n_critic: int = 5,
        penalty: Literal["wgan-gp", "dragan"] = "wgan-gp",
        penalty_weight: float = 10.0,
        penalty_every: int = 1,
        tau: float = 0.2,
        ema: float | None = 0.995,
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
                       generator: torch.Generator) -> tuple[WGANGPEngine, Callable[[], dict]]:
        engine = WGANGPEngine(layout, device=self._device, init_generator=init, **self._engine_kwargs())
        return engine, lambda: engine.train_step(matrix, generator)

    def _engine_for_state(self, layout: Layout, tensors: dict[str, torch.Tensor], device: torch.device,
                          sizes: dict[str, Any]) -> WGANGPEngine:
        return WGANGPEngine(layout, device=device, **{**self._engine_kwargs(), **sizes})
