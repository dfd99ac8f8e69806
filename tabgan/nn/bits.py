"""Cheap random numbers for the networks' own noise: 16-bit uniforms, four per 64-bit draw.

Torch's CPU generator (mt19937) makes one 32-bit number per element whatever the dtype, 4-8 ns
each on this project's CPU, on one core; a training step on Adult draws about 400,000 of them
(latent noise, Gumbel noise, dropout masks), a tenth of the step. A full-range int64 draw viewed
as four int16 gives four uniform 16-bit numbers for the price of two 32-bit ones, and a number of
a continuous law is then one look-up in a table of its 65,536 quantiles at the midpoints
``(k + 1/2) / 65536``: no ``log`` or Box-Muller passes.

Sixteen bits is plenty for noise a network consumes: a dropout mask needs one bit; the quantiles
keep the law's mean and variance (tested) and only cut the tails beyond 1/131,072 (a normal at
+-4.33, a Gumbel at -2.47 and 11.78). Draws whose outcome a user sees directly (categories,
modes, rows) keep torch's 24-bit uniforms, so a category of probability 1e-6 can still come up.
"""

from __future__ import annotations

import math
from functools import lru_cache
from typing import Literal

import torch
from torch import Tensor

__all__ = ["Law", "quantile_noise", "quantile_table", "uniform_int16"]

Law = Literal["normal", "gumbel"]

INT64_MIN = -(2**63)
LEVELS = 65536


def uniform_int16(shape: torch.Size | tuple[int, ...], generator: torch.Generator,
                  device: torch.device | str) -> Tensor:
    """int16 tensor of ``shape``, every value of [-32768, 32767] equally likely."""
    n = math.prod(shape)
    words = torch.empty((n + 3) // 4, dtype=torch.int64, device=device)  # (ceil(n/4),)
    words.random_(INT64_MIN, None, generator=generator)  # all 64 bits uniform
    return words.view(torch.int16)[:n].view(shape)


@lru_cache(maxsize=16)
def quantile_table(law: Law, device: torch.device) -> Tensor:
    """(65536,) float32 quantiles of ``law`` at (k + 1/2) / 65536, computed in float64."""
    u = (torch.arange(LEVELS, dtype=torch.float64) + 0.5) / LEVELS  # (65536,) in (0, 1)
    if law == "normal":
        q = torch.special.ndtri(u)
    elif law == "gumbel":
        q = -torch.log(-torch.log(u))
    else:
        raise ValueError(f"law={law!r} must be 'normal' or 'gumbel'")
    return q.float().to(device)


def quantile_noise(law: Law, shape: torch.Size | tuple[int, ...], generator: torch.Generator,
                   device: torch.device | str, dtype: torch.dtype = torch.float32) -> Tensor:
    """Noise of ``shape`` from ``law`` (standard normal or standard Gumbel): each entry one of
    the law's 65,536 midpoint quantiles, all equally likely."""
    device = torch.device(device)
    if device.type == "cuda" and device.index is None:
        device = torch.device("cuda", torch.cuda.current_device())
    table = quantile_table(law, device)  # (65536,)
    k = uniform_int16(shape, generator, device).to(torch.int32).add_(LEVELS // 2)  # in [0, 65536)
    out = table.index_select(0, k.view(-1)).view(shape)
    return out if dtype == torch.float32 else out.to(dtype)
