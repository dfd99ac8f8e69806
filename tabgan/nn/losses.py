"""Losses: Wasserstein critic and generator terms, WGAN-GP and DRAGAN penalties, and the
conditional cross-entropy of CTGAN.

Penalties are computed per *packed* sample: the interpolation weight is shared by the ``pac``
rows of a pack and the gradient norm is taken over the pack's (pac * F) inputs, as the critic
sees them.
"""

from __future__ import annotations

from collections.abc import Callable

import torch
from torch import Tensor

from tabgan.nn.activations import activation_plan, segment_log_softmax
from tabgan.transformers.layout import Layout

__all__ = [
    "conditional_loss",
    "critic_loss",
    "dragan_penalty",
    "generator_loss",
    "gradient_penalty",
]

CriticFn = Callable[[Tensor], Tensor]


def critic_loss(y_real: Tensor, y_fake: Tensor) -> tuple[Tensor, Tensor]:
    """(loss, wasserstein estimate); the critic minimises -(E[D(real)] - E[D(fake)])."""
    w = y_real.mean() - y_fake.mean()
    return -w, w


def generator_loss(y_fake: Tensor) -> Tensor:
    return -y_fake.mean()


def _pack_alpha(batch: int, features: int, pac: int, generator: torch.Generator,
                device: torch.device) -> Tensor:
    alpha = torch.rand(batch // pac, 1, 1, generator=generator, device=device)  # (B/pac, 1, 1)
    return alpha.expand(batch // pac, pac, features).reshape(batch, features)  # (B, F)


def _penalty_at(critic: CriticFn, x: Tensor, pac: int) -> Tensor:
    x = x.detach().requires_grad_(True)  # (B, F)
    y = critic(x)  # (B/pac, 1)
    (grad,) = torch.autograd.grad(y.sum(), x, create_graph=True)  # (B, F)
    norm = grad.reshape(-1, pac * x.shape[1]).norm(2, dim=1)  # (B/pac,)
    return ((norm - 1.0) ** 2).mean()


def gradient_penalty(critic: CriticFn, real: Tensor, fake: Tensor, pac: int,
                     generator: torch.Generator) -> Tensor:
    """WGAN-GP: E[(||grad D(x_hat)|| - 1)^2] at x_hat between real and fake packs (unweighted)."""
    alpha = _pack_alpha(real.shape[0], real.shape[1], pac, generator, real.device)  # (B, F)
    return _penalty_at(critic, alpha * real + (1 - alpha) * fake, pac)


def dragan_penalty(critic: CriticFn, real: Tensor, pac: int, generator: torch.Generator,
                   scale: float = 0.5) -> Tensor:
    """DRAGAN: the same penalty at points between real packs and a perturbation of them.

    The perturbation is ``scale * std(real) * U[0, 1)`` elementwise, as in DRAGAN's reference code.
    """
    noise = torch.rand(real.shape, generator=generator, device=real.device)  # (B, F)
    perturbed = real + scale * real.std() * noise
    alpha = _pack_alpha(real.shape[0], real.shape[1], pac, generator, real.device)  # (B, F)
    return _penalty_at(critic, alpha * real + (1 - alpha) * perturbed, pac)


def conditional_loss(raw: Tensor, cond: Tensor, mask: Tensor, layout: Layout) -> Tensor:
    """CTGAN's conditional term: cross-entropy of each selected span's raw logits against the
    category its condition bit names, summed over selected spans, averaged over the batch.

    raw: (B, D) pre-activation generator output; cond: (B, C); mask: (B, S) float.
    """
    plan = activation_plan(layout, raw.device)
    if cond.shape[1] == 0:
        return raw.new_zeros(())
    logits = raw.index_select(1, plan.cond_cols)  # (B, C)
    logp = segment_log_softmax(logits, plan.cond_segment, plan.cond_member)  # (B, C)
    ce = -(cond * logp) @ plan.cond_member  # (B, S) per conditional span
    return (ce * mask).sum() / raw.shape[0]
