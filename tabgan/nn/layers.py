"""The networks: CTGAN's residual generator and a PacGAN critic, with explicit randomness.

Weights are initialised from a passed ``torch.Generator`` (same law as torch's default
``nn.Linear`` init: U(-1/sqrt(fan_in), 1/sqrt(fan_in))), and the critic's dropout draws its masks
from a passed generator, so a fit never touches torch's global random state.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from functools import lru_cache

import torch
from torch import Tensor, nn

from tabgan.nn.bits import uniform_int16

__all__ = [
    "Critic",
    "FrozenGenerator",
    "Generator",
    "Residual",
    "dropout",
    "exact_residual",
    "init_linear_",
    "native_bfloat16",
]


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
    """Inverted dropout whose mask comes from ``generator`` (torch's global RNG if None).

    With a generator, each entry is dropped when a 16-bit uniform falls below ``p``: the drop
    rate is ``p`` rounded to a multiple of 1/65536 (0.5 exactly) and the kept entries are scaled
    by the inverse of the exact keep rate. Four mask entries cost one 64-bit draw; torch's
    ``bernoulli_`` and ``rand`` cost 17 and 4 ns an entry on this project's CPU.
    """
    if p <= 0.0:
        return x
    if generator is None:
        return nn.functional.dropout(x, p, training=True)
    cut = min(round(p * 65536), 65536)  # entries whose 16-bit number is below cut are dropped
    if cut == 65536:
        return torch.zeros_like(x)
    keep = uniform_int16(x.shape, generator, x.device) >= cut - 32768  # x.shape
    return x * keep.to(x.dtype).mul_(65536 / (65536 - cut))  # one product, one in backward


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

    row_dim: with a width, every row first goes through one shared Linear(F, row_dim) +
        LeakyReLU(0.2), and the pack is the concatenation of its rows' features (the critic
        still sees the pack's joint); None packs the raw rows, as CTGAN does.

    NOTE[DIFF]: CTGAN's first layer sees a pack of ``pac`` raw rows, so a unit that checks
    one row's columns against each other (capital-gain above 7,000 with income <=50K) must be
    learned once per position in the pack; the shared row layer learns it once for all of them.
    Without it, tabgan's Adult rows with capital-gain over 7,000 had income >50K in 54-72% of
    cases (99% in the real rows). Measured with ``benchmarks/bench_quality.py --skip-ctgan``
    (108 epochs, 1 thread, two fits at a time): row_dim None gave classifier utility
    0.8895/0.8897/0.8906 (seeds 0-2); 128 gave 0.9004/0.9031/0.9017/0.9021 (seeds 0-3), with
    LogisticDetection 0.933/0.971/0.963/0.951 (0.976/0.960/0.954 without), and rows breaking
    relationship-sex-marital status logic (a Husband who is Female or never married) 4.2% instead
    of 8.9-9.8%. 64 was unstable (0.8973 and 0.8746); 256 was no better (0.9010/0.9049) and
    slower (fits of 323-325 s against 234-242 s for 128). The step's cost: README, Benchmarks.
    """

    def __init__(self, in_dim: int, dims: Sequence[int], pac: int, p_drop: float = 0.5,
                 row_dim: int | None = None) -> None:
        super().__init__()
        self.in_dim, self.pac, self.p_drop = in_dim, pac, p_drop
        self.row = nn.Linear(in_dim, row_dim) if row_dim else None
        widths = [(row_dim or in_dim) * pac, *dims]
        self.hidden = nn.ModuleList(nn.Linear(a, b) for a, b in zip(widths[:-1], widths[1:]))
        self.head = nn.Linear(widths[-1], 1)

    def forward(self, x: Tensor, generator: torch.Generator | None = None) -> Tensor:
        if self.row is not None:
            x = nn.functional.leaky_relu(self.row(x), 0.2)  # (B, row_dim), one layer for all rows
        h = x.reshape(-1, self.pac * x.shape[1])  # (B/pac, pac*F)
        for fc in self.hidden:
            h = nn.functional.leaky_relu(fc(h), 0.2)  # (B/pac, d)
            if self.training:
                h = dropout(h, self.p_drop, generator)
        return self.head(h)  # (B/pac, 1)


@lru_cache(maxsize=8)
def native_bfloat16(device: torch.device) -> bool:
    """True where bfloat16 matrix products run in hardware: an NVIDIA GPU that supports them, or
    a CPU with AMX-BF16 or AVX512-BF16 (read from /proc/cpuinfo; False where that is absent)."""
    if device.type == "cuda":
        return torch.cuda.is_available() and torch.cuda.is_bf16_supported()
    if device.type != "cpu":
        return False
    try:
        with open("/proc/cpuinfo", encoding="ascii", errors="replace") as f:
            for line in f:
                if line.startswith("flags"):
                    flags = set(line.split(":", 1)[1].split())
                    return bool(flags & {"amx_bf16", "avx512_bf16"})
    except OSError:
        pass
    return False


@lru_cache(maxsize=8)
def exact_residual(device: torch.device, dtype: torch.dtype) -> bool:
    """Whether ``addmm(c, a, b)`` in ``dtype`` on ``device`` rounds once, after adding c to the
    float32 product (oneDNN and cuBLAS do): then ``addmm(-y, a, b)`` recovers the rounding error
    of ``y = a @ b``. Checked once on a small seeded product."""
    g = torch.Generator().manual_seed(0)
    a = torch.randn(32, 64, generator=g).to(device, dtype)  # (32, 64)
    b = torch.randn(64, 8, generator=g).to(device, dtype)  # (64, 8)
    exact = a.double() @ b.double()  # (32, 8)
    y = a @ b
    r = torch.addmm(y.neg(), a, b)
    return bool((y.double() + r.double() - exact).abs().max() < (y.double() - exact).abs().max() / 16)


def _buffer_columns(in_dim: int, outs: Sequence[int]) -> Tensor:
    """For a layer after blocks of widths ``outs``: which column of its input, as Residual
    concatenates it ([h_j, ..., h_1, input]), sits at each place of [input, h_1, ..., h_j]."""
    starts, at = {}, 0
    for m in reversed(range(len(outs))):
        starts[m], at = at, at + outs[m]
    parts = [torch.arange(at, at + in_dim)] + [torch.arange(starts[m], starts[m] + o)
                                               for m, o in enumerate(outs)]
    return torch.cat(parts)


class FrozenGenerator:
    """A trained Generator prepared for sampling: each BatchNorm (eval mode, running statistics)
    folded into the Linear before it, weights cast to ``dtype``. Call it on float32 inputs whose
    columns together make the (B, E + C) input (noise, conditions); it returns (B, D) float32 raw
    outputs, the network's function up to rounding.

    The residual concatenations are one zeroed buffer (B, W) laid out [input, h_1, ..., h_k]
    (weights permuted to match): each block reads a prefix and writes its output after it, no
    copies. A prefix, because oneDNN's bfloat16 kernels read a strided view's rows in whole
    tiles, a little past the view's last column, and multiply what is there by zero padding:
    past a prefix lies this row's next, still zero, columns; NaN garbage there would give NaN.

    With ``dtype=torch.bfloat16`` every product accumulates in float32 but its output is rounded
    to bfloat16 (8 significant bits). That is harmless for hidden units and logits; the outputs
    in ``exact_cols`` (the tanh values that become numbers) would take only a few hundred values
    per mode, so they get one correction pass: ``r = h @ W.T - y`` computed by ``addmm`` with one
    rounding, and ``y + r`` carries about 16 significant bits. Where a backend rounds the product
    before the addition (``exact_residual`` says so), those outputs are computed in float32.
    """

    def __init__(self, net: Generator, dtype: torch.dtype = torch.float32,
                 exact_cols: Tensor | None = None) -> None:
        self.dtype = dtype
        self.blocks: list[tuple[Tensor, Tensor]] = []  # (weight.T (i, o), bias (o,)) in buffer order
        *residuals, last = list(net.seq)
        in_dim = last.in_features - sum(block.fc.out_features for block in residuals)
        outs: list[int] = []
        with torch.no_grad():
            for block in residuals:
                assert isinstance(block, Residual)
                bn, fc = block.bn, block.fc
                scale = bn.weight / torch.sqrt(bn.running_var + bn.eps)  # (o,)
                weight = fc.weight[:, _buffer_columns(in_dim, outs)] * scale[:, None]  # (o, i)
                bias = (fc.bias - bn.running_mean) * scale + bn.bias  # (o,)
                self.blocks.append((weight.T.to(dtype), bias.to(dtype)))
                outs.append(fc.out_features)
            self.width = last.in_features
            weight = last.weight[:, _buffer_columns(in_dim, outs)]  # (D, W)
            self.weight_t, self.bias = weight.T.to(dtype), last.bias.to(dtype)  # (W, D), (D,)
            self.exact_cols = None
            if dtype != torch.float32 and exact_cols is not None and len(exact_cols):
                self.exact_cols = exact_cols.to(last.weight.device)
                self.fused = exact_residual(last.weight.device, dtype)
                weight_t = weight[self.exact_cols].T  # (W, X)
                self.exact_weight_t = weight_t.to(dtype if self.fused else torch.float32).contiguous()
                self.exact_bias = last.bias[self.exact_cols].float()  # (X,)

    def __call__(self, *inputs: Tensor) -> Tensor:
        h = torch.zeros(inputs[0].shape[0], self.width, dtype=self.dtype,
                        device=inputs[0].device)  # (B, W): [input, h_1, ..., h_k]
        at = 0
        for x in inputs:
            h[:, at:at + x.shape[1]] = x
            at += x.shape[1]
        for weight_t, bias in self.blocks:
            o = weight_t.shape[1]
            h[:, at:at + o] = torch.addmm(bias, h[:, :at], weight_t).relu_()  # (B, o)
            at += o
        out = torch.addmm(self.bias, h, self.weight_t).float()  # (B, D)
        if self.exact_cols is not None and self.fused:
            y = h @ self.exact_weight_t  # (B, X), rounded to dtype
            r = torch.addmm(y.neg(), h, self.exact_weight_t)  # (B, X): the rounding error of y
            out[:, self.exact_cols] = y.float() + r.float() + self.exact_bias
        elif self.exact_cols is not None:
            out[:, self.exact_cols] = h.float() @ self.exact_weight_t + self.exact_bias
        return out
