"""Training engines: one object per GAN flavour holding its networks, optimizers and step."""

from tabgan.engines.base import GANEngine, Penalty
from tabgan.engines.conditional import ConditionalGANEngine
from tabgan.engines.wgan_gp import WGANGPEngine

__all__ = ["ConditionalGANEngine", "GANEngine", "Penalty", "WGANGPEngine"]
