"""Networks, output activations and losses of tabgan's GANs (torch only, no pandas)."""

from tabgan.nn.activations import apply_activations, gumbel_noise
from tabgan.nn.layers import Critic, Generator, Residual, dropout, init_linear_
from tabgan.nn.losses import (
    conditional_loss,
    critic_loss,
    dragan_penalty,
    generator_loss,
    gradient_penalty,
)

__all__ = [
    "Critic",
    "Generator",
    "Residual",
    "apply_activations",
    "conditional_loss",
    "critic_loss",
    "dragan_penalty",
    "dropout",
    "generator_loss",
    "gradient_penalty",
    "gumbel_noise",
    "init_linear_",
]
