"""The scikit-learn-style front classes users touch; they only wire parts together."""

from tabgan.synthesizers.base import BaseSynthesizer, load
from tabgan.synthesizers.conditional import ConditionalGAN
from tabgan.synthesizers.wgan_gp import WGANGP

__all__ = ["WGANGP", "BaseSynthesizer", "ConditionalGAN", "load"]
