"""Output activations of the generator: tanh on value spans, Gumbel-softmax on one-hot spans.

The softmax of every span is computed at once on the dense (B, D) matrix, with no gather of
span blocks: a per-span max (scatter_reduce, no gradient needed), exp, per-span sums by a
matmul with the (D, P) span-membership matrix, and a division. Backward is then dense
elementwise work and two small matmuls.

NOTE[DIFF]: measured on the Adult-like layout of benchmarks/bench_step.py (B=500, D=170, 15
softmax spans 2 to 42 wide), gathering the spans into one padded (B, P, K) block cost 6.5 ms
per training step on 2 CPU cores, mostly in the backward of the gather (index_put with
accumulation); the dense form costs well under 1 ms. Sampling needs no backward: the generator
writes its outputs in ``draw_plan`` order (tanh spans, then softmax spans grouped by width), one
row per output, so that ``draw_planned`` reads each group as a view; it returns one value or
drawn slot per span (the compact form decoding reads), and ``expand_compact`` writes one-hots
from it.
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
    "DrawPlan",
    "activation_plan",
    "apply_activations",
    "draw_activations",
    "draw_compact",
    "draw_plan",
    "draw_planned",
    "expand_compact",
    "gumbel_noise",
    "plan_output",
    "segment_log_softmax",
    "segment_softmax",
    "softmax_spans",
    "tanh_spans",
]


@dataclass(frozen=True)
class ActivationPlan:
    tanh_cols: Tensor  # (X,) long: matrix columns of the tanh spans
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
        torch.nonzero(segment == p).flatten(),
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
    gumbel: Tensor | None = None,
) -> Tensor:
    """(B, D) raw generator outputs -> (B, D) activated rows.

    tanh on tanh spans; on softmax spans a Gumbel-softmax at temperature ``tau`` whose noise
    comes from ``generator``, or is ``gumbel`` (B, D) when given (drawn beforehand, as a training
    step does with its other noise); with neither, a plain softmax without noise. With
    ``hard=True`` each softmax span becomes the one-hot of its argmax (straight-through
    gradients), which with Gumbel noise is an exact draw from softmax(raw).
    """
    plan = activation_plan(layout, raw.device)
    logits = raw
    if gumbel is None and generator is not None:
        gumbel = gumbel_noise(raw.shape, generator, raw.device, raw.dtype)  # (B, D)
    if gumbel is not None:
        logits = raw + gumbel  # (B, D)
    if hard and not raw.requires_grad:
        y = _hard_one_hot(logits, plan)  # sampling: no softmax needed
    else:
        y = segment_softmax(logits / tau, plan.segment, plan.member)  # (B, D)
        if hard:
            y = _hard_one_hot(logits.detach(), plan) - y.detach() + y
    if plan.tanh_cols.numel() == 0:
        return y
    # tanh on the tanh columns alone (6 of Adult's 170), not on all of raw under a where: the
    # same numbers, forward and backward; 1.29 -> 1.19 ms (best of 300) for both passes on a
    # (500, 170) batch, 2 threads
    values = torch.tanh(raw.index_select(1, plan.tanh_cols))  # (B, X)
    return y.index_copy(1, plan.tanh_cols, values)  # (B, D)


class DrawGroup(NamedTuple):
    """Softmax spans of one width side by side in a planned output (see ``DrawPlan``)."""

    start: int  # first position of the group in the planned output
    spans: int  # P_g, spans in the group
    width: int  # K_g, positions per span: the widest span's width, the others padded
    first: int  # index in DrawPlan.soft_span of the group's first span
    last_slot: Tensor | None  # (P_g, 1) long width - 1 of each span where some are padded


class DrawPlan(NamedTuple):
    """Where the generator's outputs go for sampling: ``columns[i]`` is the matrix column held
    at position i, or -1 for padding (a logit of -inf, of no mass). Positions 0..X-1 hold the
    tanh spans; after them come the groups, each a (P_g, K_g) block of softmax spans."""

    columns: Tensor  # (D',) long matrix column at each position, -1 on padding
    tanh_span: Tensor  # (X,) long span index (in layout.spans) of positions 0..X-1
    soft_span: Tensor  # (P,) long span index of each softmax span, in plan order
    groups: tuple[DrawGroup, ...]


# A group's fixed work (its eight or so tensor operations), in padded positions: a padded position
# costs one (its share of the output layer's product, its exp). Spans of nearby widths share a
# group when that is cheaper. On Adult, 0 (a group per width: 11 groups, no padding) to 8 (5
# groups, 12 padded positions) sampled at the same speed within this machine's noise (median
# 6.1-6.4 us a row); one group for all spans (42 wide, 436 padded positions) took 18.2. 4 keeps
# the groups few for a GPU, where each operation is a kernel launch.
GROUP_COST = 4


def _group_widths(widths: list[int]) -> list[tuple[int, int]]:
    """Split sorted widths into runs [a, b) minimising sum(GROUP_COST + (b - a) * widths[b-1])."""
    n = len(widths)
    best = [0.0] + [float("inf")] * n  # best[j]: cost of the first j widths
    cut = [0] * (n + 1)
    for j in range(1, n + 1):  # once per layout: a loop over spans
        for i in range(j):
            cost = best[i] + GROUP_COST + (j - i) * widths[j - 1]
            if cost < best[j]:
                best[j], cut[j] = cost, i
    runs, j = [], n
    while j:
        runs.append((cut[j], j))
        j = cut[j]
    return runs[::-1]


@lru_cache(maxsize=64)
def draw_plan(layout: Layout, device: torch.device) -> DrawPlan:
    """The planned output of ``layout``: tanh spans first, then softmax spans grouped by width
    (sorted, nearby widths padded to share a group when that costs less work, ``GROUP_COST``),
    so that each group is a plain (P_g, K_g, B) view of an output laid out one row per
    position, with no gather."""
    slices = list(layout.slices())
    tanh = [(j, a) for j, (a, _, s) in enumerate(slices) if s.activation == "tanh"]
    soft = sorted(((b - a, j, a) for j, (a, b, s) in enumerate(slices) if s.activation == "softmax"))
    columns = [a for _, a in tanh]
    soft_span: list[int] = []
    groups = []
    for lo, hi in _group_widths([w for w, _, _ in soft]):  # once per layout: a loop over groups
        members, k = soft[lo:hi], soft[hi - 1][0]
        start, first = len(columns), len(soft_span)
        for w, j, a in members:
            columns.extend(list(range(a, a + w)) + [-1] * (k - w))
            soft_span.append(j)
        last = None
        if any(w < k for w, _, _ in members):
            last = torch.tensor([[w - 1] for w, _, _ in members], device=device)
        groups.append(DrawGroup(start, hi - lo, k, first, last))
    def as_long(values: list[int]) -> Tensor:
        return torch.tensor(values, dtype=torch.long, device=device)

    return DrawPlan(as_long(columns), as_long([j for j, _ in tanh]), as_long(soft_span), tuple(groups))


def plan_output(raw: Tensor, layout: Layout) -> Tensor:
    """(B, D) raw outputs in matrix order -> (D', B) the same in ``draw_plan`` order, one row
    per position, -inf on padding (``FrozenGenerator(out_cols=plan.columns)(..., transposed=True)``
    gives this directly)."""
    plan = draw_plan(layout, raw.device)
    out = raw.T.index_select(0, plan.columns.clamp_min(0))  # (D', B)
    return out.masked_fill_((plan.columns < 0)[:, None], float("-inf"))


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
    from softmax(raw) by inverse CDF (one uniform per span). See ``draw_planned``."""
    return draw_planned(plan_output(raw, layout), layout, generator)


def draw_planned(planned: Tensor, layout: Layout, generator: torch.Generator) -> Tensor:
    """``draw_compact`` of raw outputs already in ``draw_plan`` order, one row per position:
    (D', B) -> (B, S).

    Same law as ``apply_activations(raw, hard=True, generator=g)`` (the argmax of logits plus
    Gumbel noise), with P random numbers per row instead of D and no logarithms. Each group is
    a (P_g, K_g, B) view of ``planned``: no gather, no mask (padding is -inf, of no mass), and
    every operation runs along B, the long contiguous axis. The compact form is what decoding
    needs (``TableTransformer.inverse_compact``): no one-hots are written, copied to the host or
    argmaxed back.

    Measured on Adult's layout (10,000 rows, 2 threads), these draws took 0.86-0.91 us
    a row; on (B, P_g, K_g) blocks, whose reductions run along the short K_g axis, 1.8-2.0 us,
    and gathered into power-of-two blocks from matrix order (the previous way) 2.7 us.
    """
    plan = draw_plan(layout, planned.device)
    b, x, p = planned.shape[1], plan.tanh_span.shape[0], plan.soft_span.shape[0]
    out = torch.empty(b, len(layout.spans), device=planned.device)  # (B, S)
    out.index_copy_(1, plan.tanh_span, torch.tanh(planned[:x]).T)  # (B, X)
    u = torch.rand(p, 1, b, generator=generator, device=planned.device)  # (P, 1, B)
    picked = torch.empty(p, b, dtype=torch.long, device=planned.device)  # (P, B)
    for g in plan.groups:
        z = planned[g.start:g.start + g.spans * g.width].view(g.spans, g.width, b)  # (P_g, K_g, B)
        cdf = (z - z.amax(1, keepdim=True)).exp_().cumsum_(1)  # (P_g, K_g, B) unnormalised
        # The first category whose cumulative mass passes the draw: the count of those that
        # do not (never one of mass 0); padding repeats the total. The clamp only guards a draw
        # rounded up to the total.
        slot = (cdf <= u[g.first:g.first + g.spans] * cdf[:, -1:]).sum(1)  # (P_g, B)
        slot = slot.clamp_max_(g.width - 1) if g.last_slot is None else torch.minimum(slot, g.last_slot)
        picked[g.first:g.first + g.spans] = slot
    return out.index_copy_(1, plan.soft_span, picked.T.float())


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
