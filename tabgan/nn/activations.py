"""Output activations of the generator: tanh on value spans, Gumbel-softmax on one-hot spans.

The softmax of every span is computed at once on the dense (B, D) matrix, with no gather of
span blocks: a per-span max (scatter_reduce, no gradient needed), exp, per-span sums by a
matmul with the (D, P) span-membership matrix, and a division. Backward is then dense
elementwise work and two small matmuls.

NOTE[DIFF]: measured on the Adult-like layout of benchmarks/bench_step.py (B=500, D=170, 15
softmax spans 2 to 42 wide), gathering the spans into one padded (B, P, K) block cost 6.5 ms
per training step on 2 CPU cores, mostly in the backward of the gather (index_put with
accumulation); the dense form costs well under 1 ms. Sampling (``draw_compact``) still gathers
padded blocks, grouped by width, where no backward is needed; it returns one value or drawn slot
per span (the compact form decoding reads), and ``expand_compact`` writes one-hots from it.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import NamedTuple

import torch
from torch import Tensor

from tabgan.nn.bits import quantile_noise
from tabgan.transformers.layout import Layout

__all__ = [
    "ActivationPlan",
    "DrawGroup",
    "activation_plan",
    "apply_activations",
    "draw_activations",
    "draw_compact",
    "draw_groups",
    "expand_compact",
    "gumbel_noise",
    "segment_log_softmax",
    "segment_softmax",
    "softmax_spans",
    "tanh_spans",
]


@dataclass(frozen=True)
class ActivationPlan:
    is_tanh: Tensor  # (D,) bool
    segment: Tensor  # (D,) long: softmax span id 0..P-1, or P for tanh columns
    member: Tensor  # (D, P + 1) float: one-hot of segment
    soft_cols: Tensor  # (P, K) matrix columns of each softmax span, padded with 0
    soft_valid: Tensor  # (P, K) bool, False on padding
    cond_cols: Tensor  # (C,) matrix column of each condition slot
    cond_segment: Tensor  # (C,) conditional span id 0..S-1 of each slot
    cond_member: Tensor  # (C, S) float: one-hot of cond_segment


def _padded(blocks: list[tuple[int, int]]) -> tuple[Tensor, Tensor]:
    width = max((b - a for a, b in blocks), default=1)
    cols = torch.zeros(len(blocks), width, dtype=torch.long)
    valid = torch.zeros(len(blocks), width, dtype=torch.bool)
    for i, (a, b) in enumerate(blocks):  # once per layout: a loop over spans
        cols[i, : b - a] = torch.arange(a, b)
        valid[i, : b - a] = True
    return cols, valid


@lru_cache(maxsize=64)
def activation_plan(layout: Layout, device: torch.device) -> ActivationPlan:
    """Index tensors derived from ``layout`` once per (layout, device)."""
    d = layout.width
    soft = [(a, b) for a, b, s in layout.slices() if s.activation == "softmax"]
    p = len(soft)
    segment = torch.full((d,), p, dtype=torch.long)
    for i, (a, b) in enumerate(soft):
        segment[a:b] = i
    cond = [(a, b) for a, b, _ in layout.conditional_slices()]
    cond_cols = torch.tensor([c for a, b in cond for c in range(a, b)], dtype=torch.long)
    cond_segment = torch.tensor([i for i, (a, b) in enumerate(cond) for _ in range(a, b)],
                                dtype=torch.long)
    cond_member = torch.zeros(len(cond_segment), len(cond))  # (C, S)
    cond_member[torch.arange(len(cond_segment)), cond_segment] = 1.0
    soft_cols, soft_valid = _padded(soft)
    plan = ActivationPlan(
        segment == p,
        segment,
        torch.eye(p + 1)[segment],
        soft_cols,
        soft_valid,
        cond_cols,
        cond_segment,
        cond_member,
    )
    return ActivationPlan(*(t.to(device) for t in plan.__dict__.values()))


def gumbel_noise(shape: torch.Size | tuple[int, ...], generator: torch.Generator,
                 device: torch.device, dtype: torch.dtype = torch.float32) -> Tensor:
    """Standard Gumbel noise drawn from ``generator``, for training: each entry one of the
    law's 65,536 midpoint quantiles (``quantile_noise``), in [-2.47, 11.78]."""
    return quantile_noise("gumbel", shape, generator, device, dtype)


def _segment_shift(z: Tensor, segment: Tensor, member: Tensor) -> Tensor:
    """z (B, W) minus its per-segment row max; the max is a constant for autograd.

    segment: (W,) segment id of each column; member: (W, G) its one-hot.
    """
    with torch.no_grad():
        # A finite floor keeps an empty segment (no tanh column) at a value that times 0 is 0.
        m = torch.full((z.shape[0], member.shape[1]), torch.finfo(z.dtype).min,
                       device=z.device, dtype=z.dtype)
        m.scatter_reduce_(1, segment.expand_as(z), z, "amax")  # (B, G)
    return z - m @ member.T  # (B, W); a one-hot matmul is exact and beats an index


def segment_softmax(z: Tensor, segment: Tensor, member: Tensor) -> Tensor:
    """Softmax of z (B, W) within each segment of columns."""
    e = torch.exp(_segment_shift(z, segment, member))  # (B, W), <= 1
    return e / ((e @ member) @ member.T)  # (B, W); per-segment sums >= 1


def segment_log_softmax(z: Tensor, segment: Tensor, member: Tensor) -> Tensor:
    """Log-softmax of z (B, W) within each segment of columns."""
    shifted = _segment_shift(z, segment, member)  # (B, W)
    log_sums = torch.log(torch.exp(shifted) @ member)  # (B, G)
    return shifted - log_sums @ member.T  # (B, W)


def _hard_one_hot(logits: Tensor, plan: ActivationPlan) -> Tensor:
    """(B, D) one-hot of each softmax span's argmax (exact, ties to the first); 0 on tanh."""
    block = logits[:, plan.soft_cols].masked_fill(~plan.soft_valid, float("-inf"))  # (B, P, K)
    col = plan.soft_cols[torch.arange(plan.soft_cols.shape[0], device=logits.device),
                         block.argmax(-1)]  # (B, P) winning matrix column of each span
    return torch.zeros_like(logits).scatter_(1, col, 1.0)  # (B, D)


def apply_activations(
    raw: Tensor,
    layout: Layout,
    tau: float = 0.2,
    hard: bool = False,
    generator: torch.Generator | None = None,
) -> Tensor:
    """(B, D) raw generator outputs -> (B, D) activated rows.

    tanh on tanh spans; on softmax spans a Gumbel-softmax at temperature ``tau`` whose noise
    comes from ``generator`` (with ``generator=None``, a plain softmax without noise). With
    ``hard=True`` each softmax span becomes the one-hot of its argmax (straight-through
    gradients), which with Gumbel noise is an exact draw from softmax(raw).
    """
    plan = activation_plan(layout, raw.device)
    logits = raw
    if generator is not None:
        logits = raw + gumbel_noise(raw.shape, generator, raw.device, raw.dtype)  # (B, D)
    if hard and not raw.requires_grad:
        y = _hard_one_hot(logits, plan)  # sampling: no softmax needed
    else:
        y = segment_softmax(logits / tau, plan.segment, plan.member)  # (B, D)
        if hard:
            y = _hard_one_hot(logits.detach(), plan) - y.detach() + y
    return torch.where(plan.is_tanh, torch.tanh(raw), y)  # (B, D)


class DrawGroup(NamedTuple):
    cols: Tensor  # (P_g, K_g) long matrix columns, padded with the span's first column
    valid: Tensor  # (P_g, K_g) bool, False on padding
    span: Tensor  # (P_g,) long index of each span in layout.spans


@lru_cache(maxsize=64)
def draw_groups(layout: Layout, device: torch.device) -> tuple[DrawGroup, ...]:
    """The softmax spans of ``layout`` grouped by width rounded up to a power of two, so that
    each group is one padded (P_g, K_g) block of matrix columns with under half of it padding
    (one block for all spans would be 4x wider than the row on Adult)."""
    soft = [(j, a, b) for j, (a, b, s) in enumerate(layout.slices()) if s.activation == "softmax"]
    buckets: dict[int, list[tuple[int, int, int]]] = {}
    for j, a, b in soft:  # once per layout: a loop over spans
        buckets.setdefault(1 << (b - a - 1).bit_length(), []).append((j, a, b))
    out = []
    for width, spans in sorted(buckets.items()):
        cols = torch.tensor([[a + min(k, b - a - 1) for k in range(width)] for _, a, b in spans])
        valid = torch.tensor([[k < b - a for k in range(width)] for _, a, b in spans])
        span = torch.tensor([j for j, _, _ in spans], dtype=torch.long)
        out.append(DrawGroup(cols.to(device), valid.to(device), span.to(device)))
    return tuple(out)


@lru_cache(maxsize=64)
def tanh_spans(layout: Layout, device: torch.device) -> tuple[Tensor, Tensor]:
    """(span index (X,), matrix column (X,)) of every tanh span, in layout order."""
    pairs = [(j, a) for j, (a, _, s) in enumerate(layout.slices()) if s.activation == "tanh"]
    return (torch.tensor([j for j, _ in pairs], dtype=torch.long, device=device),
            torch.tensor([a for _, a in pairs], dtype=torch.long, device=device))


@lru_cache(maxsize=64)
def softmax_spans(layout: Layout, device: torch.device) -> tuple[Tensor, Tensor]:
    """(span index (P,), first matrix column (P,)) of every softmax span, in layout order."""
    pairs = [(j, a) for j, (a, _, s) in enumerate(layout.slices()) if s.activation == "softmax"]
    return (torch.tensor([j for j, _ in pairs], dtype=torch.long, device=device),
            torch.tensor([a for _, a in pairs], dtype=torch.long, device=device))


def draw_compact(raw: Tensor, layout: Layout, generator: torch.Generator) -> Tensor:
    """(B, D) raw outputs -> (B, S) sampled rows in compact form, one column per span: the tanh
    value of a tanh span, and for a softmax span the slot (as a float) of one category drawn
    from softmax(raw) by inverse CDF (one uniform per span).

    Same law as ``apply_activations(raw, hard=True, generator=g)`` (the argmax of logits plus
    Gumbel noise), with P random numbers per row instead of D and no logarithms. The compact
    form is what decoding needs (``TableTransformer.inverse_compact``): no one-hots are written,
    copied to the host or argmaxed back.
    """
    out = torch.empty(raw.shape[0], len(layout.spans), device=raw.device)  # (B, S)
    span, col = tanh_spans(layout, raw.device)
    out.index_copy_(1, span, torch.tanh(raw.index_select(1, col)))  # (B, X)
    for group in draw_groups(layout, raw.device):
        # index_select: a gather several times faster than raw[:, cols] on the CPU
        z = raw.index_select(1, group.cols.flatten()).view(-1, *group.cols.shape)  # (B, P, K)
        z.masked_fill_(~group.valid, float("-inf"))
        cdf = z.sub_(z.amax(-1, keepdim=True)).exp_().cumsum_(-1)  # (B, P, K) unnormalised
        u = torch.rand(raw.shape[0], group.cols.shape[0], 1, generator=generator, device=raw.device)
        # The first category whose cumulative mass passes the draw (never one of mass 0);
        # padding repeats the total. The minimum only guards a draw rounded up to the total.
        picked = torch.searchsorted(cdf, u.mul_(cdf[..., -1:]), right=True)[..., 0]  # (B, P)
        picked = torch.minimum(picked, group.valid.sum(-1) - 1)
        out.index_copy_(1, group.span, picked.float())
    return out


def expand_compact(c: Tensor, layout: Layout) -> Tensor:
    """(B, S) compact rows -> (B, D) rows: tanh values in place, each slot as its one-hot."""
    out = torch.zeros(c.shape[0], layout.width, device=c.device)  # (B, D)
    span, col = tanh_spans(layout, c.device)
    out.index_copy_(1, col, c.index_select(1, span))
    soft, start = softmax_spans(layout, c.device)
    return out.scatter_(1, start + c.index_select(1, soft).long(), 1.0)  # (B, P) columns set


def draw_activations(raw: Tensor, layout: Layout, generator: torch.Generator) -> Tensor:
    """(B, D) raw outputs -> (B, D) sampled rows: tanh values, and in each softmax span the
    one-hot of one category drawn as in ``draw_compact`` (the same rows for the same draws)."""
    return expand_compact(draw_compact(raw, layout, generator), layout)
