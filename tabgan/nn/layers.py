"""The networks: CTGAN's residual generator and a PacGAN critic, with explicit randomness.

Weights are initialised from a passed ``torch.Generator`` (same law as torch's default
``nn.Linear`` init: U(-1/sqrt(fan_in), 1/sqrt(fan_in))), and the critic's dropout draws its masks
from a passed generator, so a fit never touches torch's global random state.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import torch
from torch import Tensor, nn

__all__ = ["Critic", "Generator", "Residual", "dropout", "init_linear_"]


def init_linear_(module: nn.Module, generator: torch.Generator) -> None:
    """Re-initialise every nn.Linear in ``module`` like torch's default, from ``generator``."""
    with torch.no_grad():
        for m in module.modules():
            if isinstance(m, nn.Linear):
                bound = 1.0 / math.sqrt(m.in_features) if m.in_features else 0.0
                # Draw on the CPU generator, then copy: the same weights whatever the device.
                w = torch.empty(m.weight.shape).uniform_(-bound, bound, generator=generator)
                m.weight.copy_(w)
                if m.bias is not None:
                    b = torch.empty(m.bias.shape).uniform_(-bound, bound, generator=generator)
                    m.bias.copy_(b)


def dropout(x: Tensor, p: float, generator: torch.Generator | None) -> Tensor:
    """Inverted dropout whose mask comes from ``generator`` (torch's global RNG if None)."""
    if p <= 0.0:
        return x
    if generator is None:
        return nn.functional.dropout(x, p, training=True)
    keep = torch.rand(x.shape, generator=generator, device=x.device) >= p  # x.shape
    return x * keep / (1.0 - p)


class Residual(nn.Module):
    """Linear + BatchNorm + ReLU, concatenated with its input: (B, i) -> (B, i + o)."""

    def __init__(self, i: int, o: int) -> None:
        super().__init__()
        self.fc = nn.Linear(i, o)
        self.bn = nn.BatchNorm1d(o)

    def forward(self, x: Tensor) -> Tensor:
        return torch.cat([torch.relu(self.bn(self.fc(x))), x], dim=1)  # (B, o + i)


class Generator(nn.Module):
    """(B, embedding_dim + C) noise and condition -> (B, D) raw (pre-activation) outputs."""

    def __init__(self, in_dim: int, dims: Sequence[int], out_dim: int) -> None:
        super().__init__()
        blocks: list[nn.Module] = []
        width = in_dim
        for d in dims:
            blocks.append(Residual(width, d))
            width += d
        blocks.append(nn.Linear(width, out_dim))
        self.seq = nn.Sequential(*blocks)

    def forward(self, x: Tensor) -> Tensor:
        return self.seq(x)  # (B, D)


class Critic(nn.Module):
    """PacGAN critic: packs of ``pac`` rows (B, F) -> (B // pac, 1) scores.

    Each hidden layer is Linear + LeakyReLU(0.2) + Dropout(0.5), as in CTGAN; dropout masks
    come from the ``generator`` passed to ``forward`` (only in train mode).
    """

    def __init__(self, in_dim: int, dims: Sequence[int], pac: int, p_drop: float = 0.5) -> None:
        super().__init__()
        self.in_dim, self.pac, self.p_drop = in_dim, pac, p_drop
        widths = [in_dim * pac, *dims]
        self.hidden = nn.ModuleList(nn.Linear(a, b) for a, b in zip(widths[:-1], widths[1:]))
        self.head = nn.Linear(widths[-1], 1)

    def forward(self, x: Tensor, generator: torch.Generator | None = None) -> Tensor:
        h = x.reshape(-1, self.pac * self.in_dim)  # (B/pac, pac*F)
        for fc in self.hidden:
            h = nn.functional.leaky_relu(fc(h), 0.2)  # (B/pac, d)
            if self.training:
                h = dropout(h, self.p_drop, generator)
        return self.head(h)  # (B/pac, 1)
