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
    folded into the Linear before it, weights cast to ``dtype``. ``frozen(noise, cond)`` returns
    (B, D) float32 raw outputs, the network's function up to rounding, for noise (B, E) and the
    condition in one of the forms below; ``transposed=True`` returns them as (D, B).

    cond_width: C, how many of the network's input columns (the last ones, after the noise) are
    the condition vector. Its bits are 0 or 1, so their share of every layer's product is a sum of
    weight rows: it comes from each layer's (C, o) table of condition weights, not from products.
    ``cond`` may be
      - a (B,) long tensor of slots, one set bit a row (unconditioned sampling): each layer's
        output starts as a look-up of a table row, bias included;
      - a (C,) float vector for every row (sampling under fixed conditions): folded into the
        biases;
      - a (B, C) float matrix, any bits per row: a (B, C) @ (C, o) product per layer;
      - None, where C is 0.

    out_cols: (D',) which of the network's outputs each output position holds, -1 for a
    position whose every value is -inf (a padding logit, of no mass in a softmax): sampling asks
    for its outputs in ``tabgan.nn.activations.draw_plan`` order, so that its draws read views,
    not gathers. None: the network's D outputs in order. ``exact_cols`` are positions there.

    NOTE[DIFF]: the network is CTGAN's; only how it is evaluated differs. Measured on Adult's
    layout (E=128, C=104, D=157) on this project's 2-core CPU (float32, 2 threads), the products
    took a median 10.5 us a row with the condition multiplied (one zeroed (B, 744) buffer per
    call), 5.7-6.0 with it looked up and the rows in blocks of 1,024-2,048, 7.2 in one block of
    10,000 (benchmarks/bench_sampling.py has the end-to-end figures).

    The residual concatenations are one buffer (R, W) laid out [noise, h_1, ..., h_k] (weights
    permuted to match), made once a call: each block writes its output after the prefix it
    reads, in place, no copies. Rows go through in blocks of ``block_rows`` (R), so that the
    buffer and the products' operands stay in the processor's caches. None: 1,024 rows on a CPU
    (all of Adult's sampling took a median 6.6 us a row with 512, 6.3 with 1,024 and 2,048, 7.2
    with 4,096, 7.7 with 10,000), every row at once on a GPU, where a block is one more round of
    kernel launches.

    A prefix, because oneDNN's bfloat16 kernels read a strided view's rows in whole tiles, a
    little past the view's last column, and multiply what is there by zero padding: past a prefix
    lie this row's next columns, zero at first and finite values of an earlier block after that;
    NaN garbage there would give NaN. The output layer is padded with zero weights to a multiple
    of 16 columns, a width the matrix kernels handle in whole vectors (a (10,000, 744) @ (744, 157)
    product ran at 67-71 GFLOPS here, 176 columns at 101-135).

    With ``dtype=torch.bfloat16`` every product accumulates in float32 but its output is rounded
    to bfloat16 (8 significant bits). That is harmless for hidden units and logits; the outputs
    in ``exact_cols`` (the tanh values that become numbers) would take only a few hundred values
    per mode, so they get one correction pass: ``r = h @ W.T - y`` computed by ``addmm`` with one
    rounding, and ``y + r`` carries about 16 significant bits (their biases and condition terms
    are added in float32). Where a backend rounds the product before the addition
    (``exact_residual`` says so), those outputs are computed in float32.
    """

    def __init__(self, net: Generator, dtype: torch.dtype = torch.float32,
                 exact_cols: Tensor | None = None, cond_width: int = 0,
                 out_cols: Tensor | None = None, block_rows: int | None = None) -> None:
        self.dtype, self.block_rows = dtype, block_rows
        *residuals, last = list(net.seq)
        in_dim = last.in_features - sum(block.fc.out_features for block in residuals)
        if not 0 <= cond_width < in_dim:
            raise ValueError(f"cond_width={cond_width} must be in [0, {in_dim}) for this generator")
        self.noise_width, self.cond_width = in_dim - cond_width, cond_width
        device = last.weight.device
        if out_cols is None:
            out_cols = torch.arange(last.out_features, device=device)
        out_cols = out_cols.to(device)
        self.out_width = out_cols.shape[0]
        padded = -(-self.out_width // 16) * 16
        self.weights: list[Tensor] = []  # weight.T (i, o) in buffer order, condition rows left out
        self.cond_tables: list[Tensor] = []  # (C, o) float32 condition weights of each layer
        self.biases: list[Tensor] = []  # (o,) float32 folded biases
        outs: list[int] = []
        with torch.no_grad():
            for block in residuals:
                assert isinstance(block, Residual)
                bn, fc = block.bn, block.fc
                scale = bn.weight / torch.sqrt(bn.running_var + bn.eps)  # (o,)
                weight = fc.weight[:, _buffer_columns(in_dim, outs)] * scale[:, None]  # (o, i)
                self._add_layer(weight, (fc.bias - bn.running_mean) * scale + bn.bias, 0)
                outs.append(fc.out_features)
            # The output layer's rows in out_cols order; a padding row: weights 0, bias -inf.
            hole = out_cols < 0  # (D',)
            weight = last.weight[out_cols.clamp_min(0)][:, _buffer_columns(in_dim, outs)]
            bias = last.bias[out_cols.clamp_min(0)].masked_fill(hole, float("-inf"))  # (D',)
            # Zero columns past D' are never read: they make whole vectors for the kernels.
            main = self._add_layer(weight.masked_fill(hole[:, None], 0.0), bias,
                                   padded - self.out_width)  # (D', W)
            self.width = main.shape[1]
            self.slot_tables = [t + b for t, b in zip(self.cond_tables, self.biases)]  # (C, o)
            self.exact_cols = None
            if dtype != torch.float32 and exact_cols is not None and len(exact_cols):
                at = self.exact_cols = exact_cols.to(device)  # (X,) positions in the output
                self.fused = exact_residual(device, dtype)
                self.exact_weight_t = main[at].T.to(dtype if self.fused else torch.float32
                                                    ).contiguous()  # (W, X)
                self.exact_cond = self.cond_tables[-1][:, at].contiguous()  # (C, X)
                self.exact_bias = self.biases[-1][at]  # (X,)
                self.exact_slots = self.exact_cond + self.exact_bias  # (C, X)

    def _add_layer(self, weight: Tensor, bias: Tensor, pad: int) -> Tensor:
        """Store a layer of weight (o, E + C + H) in input order and bias (o,), padded with
        ``pad`` zero outputs; returns its (o, E + H) weights without the condition's."""
        e, c = self.noise_width, self.cond_width
        main = torch.cat([weight[:, :e], weight[:, e + c:]], dim=1)  # (o, E + H)
        # A transposed view of contiguous (o, i) rows: torch's own bfloat16 kernel, where a CPU
        # lacks oneDNN's, ran 41-56 us a row on Adult this way and 273-287 on (i, o) rows;
        # float32 runs the same either way (4.6 us).
        self.weights.append(nn.functional.pad(main, (0, 0, 0, pad)).to(self.dtype).T)  # (i, o)
        self.cond_tables.append(nn.functional.pad(weight[:, e:e + c].T, (0, pad)).float().contiguous())
        self.biases.append(nn.functional.pad(bias, (0, pad)).float())
        return main

    def _check(self, noise: Tensor, cond: Tensor | None) -> None:
        b, c = noise.shape[0], self.cond_width
        if noise.ndim != 2 or noise.shape[1] != self.noise_width:
            raise ValueError(f"noise must be (B, {self.noise_width}); got {tuple(noise.shape)=}")
        if c == 0:
            if cond is not None and cond.numel():
                raise ValueError(f"this generator takes no condition; got {tuple(cond.shape)=}")
        elif cond is None:
            raise ValueError(f"this generator needs a condition of width {c}")
        elif not cond.is_floating_point():
            if cond.shape != (b,):
                raise ValueError(f"slots must be ({b},); got {tuple(cond.shape)=}")
        elif cond.shape != (c,) and cond.shape != (b, c):
            raise ValueError(f"cond must be ({b},) slots, ({c},) or ({b}, {c}); got {tuple(cond.shape)=}")

    def _fill(self, out: Tensor, table: Tensor, slots: Tensor, bias: Tensor, cond: Tensor | None,
              rows: slice) -> Tensor:
        """out (R, o) <- bias (o,) plus the share of the condition of ``rows``: None (none, or
        one already folded into ``bias``), (B,) slots looked up in ``slots`` (C, o) (the
        condition weights plus the bias), or a (B, C) matrix through ``table`` (C, o)."""
        if cond is None:
            return out.copy_(bias.expand_as(out))
        if not cond.is_floating_point():
            if out.device.type == "cpu":  # written in place (out is a strided view of a buffer)
                return torch.index_select(slots, 0, cond[rows], out=out)  # (R, o)
            return out.copy_(slots.index_select(0, cond[rows]))
        return out.copy_(torch.addmm(bias, cond[rows], table))

    def __call__(self, noise: Tensor, cond: Tensor | None = None, transposed: bool = False) -> Tensor:
        self._check(noise, cond)
        b, e, d = noise.shape[0], self.noise_width, self.out_width
        biases = self.biases  # (o,) each
        exact_bias = self.exact_bias if self.exact_cols is not None else None  # (X,)
        if self.cond_width == 0:
            cond = None
        elif cond.is_floating_point():
            cond = cond.float()
            if cond.ndim == 1:  # one condition for every row: folded into the biases, once
                biases = [bias + cond @ table for bias, table in zip(self.biases, self.cond_tables)]
                if exact_bias is not None:
                    exact_bias = exact_bias + cond @ self.exact_cond
                cond = None
        out = torch.empty((d, b) if transposed else (b, d), device=noise.device)  # float32
        step = self.block_rows or (1024 if noise.device.type == "cpu" else max(b, 1))
        # Buffers of this call (so that calls from several threads never share one), reused by
        # its blocks; zeros, so that whatever a kernel reads past a prefix is finite.
        hidden = torch.zeros(min(step, b), self.width, dtype=self.dtype, device=noise.device)
        output = torch.empty(min(step, b), self.weights[-1].shape[1], dtype=self.dtype,
                             device=noise.device)  # (R, D''): written whole before it is read
        for start in range(0, b, step):  # blocks of rows, never single rows
            rows = slice(start, min(start + step, b))
            r = rows.stop - start
            h, last = hidden[:r], output[:r]  # (R, W), (R, D'')
            h[:, :e] = noise[rows]
            at = e
            for i, weight_t in enumerate(self.weights):
                o = weight_t.shape[1]
                dest = h[:, at:at + o] if i < len(self.weights) - 1 else last  # (R, o)
                if self.dtype == torch.float32:  # the terms, then the product added in place
                    self._fill(dest, self.cond_tables[i], self.slot_tables[i], biases[i], cond, rows)
                    dest.addmm_(h[:, :at], weight_t)  # (R, o)
                else:  # the terms in float32, rounded once, then an out-of-place product
                    terms = self._fill(torch.empty(r, o, device=noise.device), self.cond_tables[i],
                                       self.slot_tables[i], biases[i], cond, rows)  # (R, o)
                    dest.copy_(torch.addmm(terms.to(self.dtype), h[:, :at], weight_t))  # (R, o)
                if i < len(self.weights) - 1:
                    dest.relu_()
                    at += o
            block = out[:, rows].T if transposed else out[rows]  # (R, D') view
            block.copy_(last[:, :d])
            if self.exact_cols is not None:
                terms = self._fill(torch.empty(r, len(self.exact_cols), device=noise.device),
                                   self.exact_cond, self.exact_slots, exact_bias, cond, rows)
                block[:, self.exact_cols] = self._exact(h, terms)
        return out

    def _exact(self, h: Tensor, terms: Tensor) -> Tensor:
        """(R, X) float32 exact outputs from the hidden buffer h (R, W) and their terms."""
        if self.fused:
            y = h @ self.exact_weight_t  # (R, X), rounded to dtype
            r = torch.addmm(y.neg(), h, self.exact_weight_t)  # (R, X): the rounding error of y
            return y.float() + r.float() + terms
        return h.float() @ self.exact_weight_t + terms
