"""The plain WGAN-GP engine: no condition vector, rows drawn uniformly, n_critic critic steps."""

from __future__ import annotations

from collections.abc import Sequence

import torch
from torch import Tensor

from tabgan.engines.base import GANEngine, Penalty
from tabgan.errors import DataError
from tabgan.transformers.layout import Layout

__all__ = ["WGANGPEngine"]


class WGANGPEngine(GANEngine):
    """Unconditional WGAN-GP with the same networks, activations and penalties.

    NOTE[DIFF]: n_critic defaults to 5 as in the WGAN-GP paper (CTGAN's conditional GAN uses 1).
    ema defaults to 0.995 as in ConditionalGANEngine (where it was measured; not separately here).
    """

    def __init__(
        self,
        layout: Layout,
        *,
        batch_size: int = 500,
        embedding_dim: int = 128,
        generator_dim: Sequence[int] = (256, 256),
        discriminator_dim: Sequence[int] = (256, 256),
        discriminator_row_dim: int | None = 128,
        generator_lr: float = 2e-4,
        generator_betas: tuple[float, float] = (0.5, 0.9),
        generator_decay: float = 1e-6,
        discriminator_lr: float = 2e-4,
        discriminator_betas: tuple[float, float] = (0.5, 0.9),
        discriminator_decay: float = 1e-6,
        pac: int = 10,
        n_critic: int = 5,
        penalty: Penalty = "wgan-gp",
        penalty_weight: float = 10.0,
        penalty_every: int = 1,
        tau: float = 0.2,
        ema: float | None = 0.995,
        chunk_size: int = 10_000,
        device: torch.device | str = "cpu",
        init_generator: torch.Generator | None = None,
    ) -> None:
        super().__init__(
            layout, cond_width=0, batch_size=batch_size,
            embedding_dim=embedding_dim, generator_dim=generator_dim,
            discriminator_dim=discriminator_dim, discriminator_row_dim=discriminator_row_dim,
            generator_lr=generator_lr, generator_betas=generator_betas,
            generator_decay=generator_decay,
            discriminator_lr=discriminator_lr, discriminator_betas=discriminator_betas,
            discriminator_decay=discriminator_decay, pac=pac, n_critic=n_critic, penalty=penalty,
            penalty_weight=penalty_weight, penalty_every=penalty_every, tau=tau, ema=ema,
            chunk_size=chunk_size, device=device, init_generator=init_generator,
        )

    def train_step(self, data: Tensor, generator: torch.Generator) -> dict[str, Tensor]:
        """n_critic critic updates on uniformly drawn rows of data (N, D), one generator update.

        Same keys as ConditionalGANEngine.train_step; conditional_loss is always 0.
        """
        if data.ndim != 2 or data.shape[1] != self.layout.width:
            raise DataError(f"data must be (N, {self.layout.width}); got {tuple(data.shape)=}")
        b, k = self.batch_size, self.n_critic
        none = torch.zeros(b, 0, device=self.device)  # (B, 0): no condition
        rows = torch.randint(data.shape[0], (k * b,), generator=generator, device=self.device)
        noise, gumbel = self._step_noise((k + 1) * b, generator)  # ((k+1)B, E), ((k+1)B, D)
        logs = []  # no condition: the generator's input is the noise alone
        for i in range(k):
            part = slice(i * b, (i + 1) * b)
            real = data.index_select(0, rows[part])  # (B, D)
            logs.append(self._critic_step(real, none, noise[part], none, gumbel[part], generator))
        zero = torch.zeros((), device=self.device)
        gen = self._generator_step(noise[k * b:], none, gumbel[k * b:], lambda raw: zero,
                                   generator)
        return self._merge(logs, gen)

    def generate(self, n: int, cond: None = None, generator: torch.Generator | None = None,
                 dtype: torch.dtype = torch.float32, compact: bool = False) -> Tensor:
        """(n, D) activated rows (hard one-hots, tanh values) on the engine's device; the
        network computes in ``dtype`` (see ``FrozenGenerator``). compact: (n, S) rows, a tanh
        value or a slot per span (see ``draw_compact``)."""
        if generator is None:
            raise DataError("generate needs an explicit torch.Generator")
        if cond is not None:
            raise DataError("WGANGPEngine is unconditional; use rejection for conditions")
        return self._generate(n, lambda start, m: None, generator, dtype, compact)
