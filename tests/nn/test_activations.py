"""Output activations: tanh and (Gumbel-)softmax per span, on the dense matrix; sampling draws."""

from __future__ import annotations

import pytest
import torch

from tabgan.nn.activations import (apply_activations, draw_activations, draw_compact, draw_plan, draw_planned,
                                   expand_compact, plan_output,
                                   gumbel_noise)
from tabgan.transformers.layout import Layout, Span

LAYOUT = Layout((
    Span("x", "value", 1, "tanh"),
    Span("x", "mode", 3, "softmax"),
    Span("a", "category", 5, "softmax", True),
    Span("y", "value", 1, "tanh"),
    Span("y", "mode", 3, "softmax"),
    Span("b", "category", 2, "softmax", True),
))


def reference(raw: torch.Tensor, layout: Layout, tau: float) -> torch.Tensor:
    """A loop over spans, the obvious way."""
    parts = []
    for a, b, s in layout.slices():
        x = raw[:, a:b]
        parts.append(torch.tanh(x) if s.activation == "tanh" else torch.softmax(x / tau, 1))
    return torch.cat(parts, 1)


def softmax_blocks(y: torch.Tensor, layout: Layout) -> list[torch.Tensor]:
    return [y[:, a:b] for a, b, s in layout.slices() if s.activation == "softmax"]


def test_matches_loop_reference_without_noise() -> None:
    raw = torch.randn(64, LAYOUT.width, generator=torch.Generator().manual_seed(0)) * 3
    y = apply_activations(raw, LAYOUT, tau=0.2)
    assert y.shape == raw.shape
    torch.testing.assert_close(y, reference(raw, LAYOUT, 0.2))


def test_gumbel_blocks_sum_to_one_and_are_seeded() -> None:
    raw = torch.randn(128, LAYOUT.width, generator=torch.Generator().manual_seed(1))
    y1 = apply_activations(raw, LAYOUT, 0.2, generator=torch.Generator().manual_seed(5))
    y2 = apply_activations(raw, LAYOUT, 0.2, generator=torch.Generator().manual_seed(5))
    assert torch.equal(y1, y2)
    for block in softmax_blocks(y1, LAYOUT):
        torch.testing.assert_close(block.sum(1), torch.ones(128))
    assert torch.equal(y1[:, 0], torch.tanh(raw[:, 0]))


def test_given_gumbel_noise_is_the_drawn_noise() -> None:
    raw = torch.randn(64, LAYOUT.width, generator=torch.Generator().manual_seed(1),
                      requires_grad=True)
    drawn = apply_activations(raw, LAYOUT, 0.2, generator=torch.Generator().manual_seed(5))
    noise = gumbel_noise(raw.shape, torch.Generator().manual_seed(5), torch.device("cpu"))
    given = apply_activations(raw, LAYOUT, 0.2, gumbel=noise)
    assert torch.equal(drawn, given)
    (g1,) = torch.autograd.grad(drawn.square().sum(), raw)
    (g2,) = torch.autograd.grad(given.square().sum(), raw)
    assert torch.equal(g1, g2)
    # the tanh columns get tanh(raw) and its gradient, never the noise
    assert torch.equal(given[:, 0], torch.tanh(raw[:, 0]))
    torch.testing.assert_close(g1[:, 0], (2 * torch.tanh(raw) * (1 - torch.tanh(raw) ** 2))[:, 0])


def test_hard_one_hots() -> None:
    raw = torch.randn(256, LAYOUT.width, generator=torch.Generator().manual_seed(2))
    y = apply_activations(raw, LAYOUT, hard=True, generator=torch.Generator().manual_seed(3))
    for block in softmax_blocks(y, LAYOUT):
        assert torch.equal(block.sum(1), torch.ones(256))
        assert set(block.unique().tolist()) <= {0.0, 1.0}
    # without noise, hard is the argmax of the raw block
    y0 = apply_activations(raw, LAYOUT, hard=True)
    assert torch.equal(y0[:, 4:9].argmax(1), raw[:, 4:9].argmax(1))


def test_hard_gumbel_draws_follow_softmax() -> None:
    logits = torch.tensor([2.0, 0.0, -1.0, 1.0, 0.5])
    raw = torch.zeros(40_000, LAYOUT.width)
    raw[:, 4:9] = logits
    y = apply_activations(raw, LAYOUT, hard=True, generator=torch.Generator().manual_seed(4))
    observed = y[:, 4:9].mean(0)
    torch.testing.assert_close(observed, torch.softmax(logits, 0), atol=0.01, rtol=0)


def test_straight_through_gradient() -> None:
    raw = torch.randn(16, LAYOUT.width, requires_grad=True)
    y = apply_activations(raw, LAYOUT, hard=True, generator=torch.Generator().manual_seed(0))
    (y * torch.randn(16, LAYOUT.width)).sum().backward()
    assert raw.grad is not None and torch.isfinite(raw.grad).all() and raw.grad.abs().sum() > 0


def test_extreme_logits_stay_finite() -> None:
    raw = torch.randn(32, LAYOUT.width) * 1e4
    raw[:, 1:4] -= 1e5  # one span far below another: a global shift would underflow it
    raw.requires_grad_(True)
    y = apply_activations(raw, LAYOUT, 0.2, generator=torch.Generator().manual_seed(0))
    assert torch.isfinite(y).all()
    for block in softmax_blocks(y, LAYOUT):
        torch.testing.assert_close(block.sum(1), torch.ones(32))
    y.sum().backward()
    assert torch.isfinite(raw.grad).all()


def test_only_softmax_or_only_tanh() -> None:
    soft = Layout((Span("a", "category", 3, "softmax", True),
                   Span("b", "category", 2, "softmax", True)))
    raw = torch.randn(8, 5)
    torch.testing.assert_close(apply_activations(raw, soft), reference(raw, soft, 0.2))
    tanh = Layout((Span("x", "value", 1, "tanh"), Span("y", "value", 1, "tanh")))
    raw = torch.randn(8, 2)
    assert torch.equal(apply_activations(raw, tanh, generator=torch.Generator()), torch.tanh(raw))


def test_gumbel_noise_law() -> None:
    g = gumbel_noise((200_000,), torch.Generator().manual_seed(0), torch.device("cpu"))
    assert abs(g.mean().item() - 0.5772) < 0.01  # Euler-Mascheroni
    assert abs(g.var().item() - torch.pi**2 / 6) < 0.03


# ---------------------------------------------------------------- sampling draws
WIDE = Layout((
    Span("x", "value", 1, "tanh"),
    Span("x", "mode", 1, "softmax"),
    Span("a", "category", 3, "softmax", True),
    Span("b", "category", 42, "softmax", True),
    Span("c", "category", 2, "softmax", True),
    Span("d", "category", 9, "softmax", True),
))


def test_draw_plan_holds_every_column_once_tanh_first_then_groups_back_to_back() -> None:
    plan = draw_plan(WIDE, torch.device("cpu"))
    cols = plan.columns
    assert torch.equal(cols[cols >= 0].sort().values, torch.arange(WIDE.width))
    slices = list(WIDE.slices())
    tanh = [a for a, _, s in slices if s.activation == "tanh"]
    assert cols[:len(tanh)].tolist() == tanh
    at = len(tanh)
    for g in plan.groups:
        assert g.start == at
        block = cols[g.start:g.start + g.spans * g.width].view(g.spans, g.width)  # (P_g, K_g)
        for i in range(g.spans):
            a, b, span = slices[plan.soft_span[g.first + i]]
            assert span.activation == "softmax"
            assert block[i, :b - a].tolist() == list(range(a, b))  # in order, padding after
            assert (block[i, b - a:] == -1).all()
            if g.last_slot is not None:
                assert g.last_slot[i, 0] == b - a - 1
        assert g.last_slot is not None or (block >= 0).all()
        at += g.spans * g.width
    assert at == cols.shape[0]
    assert sorted(plan.soft_span.tolist()) == [j for j, (_, _, s) in enumerate(slices) if s.activation == "softmax"]


def test_group_widths_trades_padding_for_fewer_groups() -> None:
    from tabgan.nn import activations

    cost = activations.GROUP_COST
    runs = activations._group_widths([2, 2, 5, 6, 7, 42])
    assert runs[0] == (0, 2) and runs[-1] == (5, 6)  # equal widths share; 42 pads nobody
    assert [b for _, b in runs] == sorted(b for _, b in runs) and runs[0][0] == 0
    assert all(a < b for a, b in runs) and all(x[1] == y[0] for x, y in zip(runs, runs[1:]))
    # Splitting is only chosen when it saves more than a group costs.
    assert activations._group_widths([3, 3 + cost + 1]) == [(0, 1), (1, 2)]
    assert activations._group_widths([3, 4]) == [(0, 2)]


def test_plan_output_and_draw_planned_are_draw_compact() -> None:
    raw = torch.randn(200, WIDE.width, generator=torch.Generator().manual_seed(4)) * 3
    planned = plan_output(raw, WIDE)  # (D', B)
    plan = draw_plan(WIDE, torch.device("cpu"))
    assert planned.shape == (plan.columns.shape[0], 200)
    assert torch.isneginf(planned[plan.columns < 0]).all()
    torch.testing.assert_close(planned[plan.columns >= 0], raw.T[plan.columns[plan.columns >= 0]])
    a = draw_planned(planned, WIDE, torch.Generator().manual_seed(1))
    assert torch.equal(a, draw_compact(raw, WIDE, torch.Generator().manual_seed(1)))


def test_draws_are_one_hot_tanh_and_seeded() -> None:
    raw = torch.randn(500, WIDE.width, generator=torch.Generator().manual_seed(0)) * 5
    y = draw_activations(raw, WIDE, torch.Generator().manual_seed(1))
    torch.testing.assert_close(y[:, 0], torch.tanh(raw[:, 0]))
    for block in softmax_blocks(y, WIDE):
        assert set(block.unique().tolist()) <= {0.0, 1.0}
        assert (block.sum(1) == 1).all()
    assert torch.equal(y, draw_activations(raw, WIDE, torch.Generator().manual_seed(1)))
    assert not torch.equal(y, draw_activations(raw, WIDE, torch.Generator().manual_seed(2)))


DEVICES = ["cpu", pytest.param("cuda", marks=pytest.mark.gpu)]


@pytest.mark.parametrize("device", DEVICES)
def test_draws_follow_softmax_in_every_span(device: str) -> None:
    g = torch.Generator().manual_seed(5)
    logits = torch.randn(WIDE.width, generator=g) * 2  # (D,)
    raw = logits.expand(100_000, -1).clone().to(device)
    y = draw_activations(raw, WIDE, torch.Generator(device).manual_seed(6)).cpu()
    for a, b, s in WIDE.slices():
        if s.activation == "softmax":
            p = torch.softmax(logits[a:b], 0)
            # 4 standard errors of a frequency over 100,000 draws
            tol = 4 * (p * (1 - p) / 100_000).sqrt() + 1e-6
            assert ((y[:, a:b].mean(0) - p).abs() <= tol).all(), (s.column, y[:, a:b].mean(0), p)


@pytest.mark.parametrize("device", DEVICES)
def test_draws_never_pick_a_category_of_no_mass_and_survive_huge_logits(device: str) -> None:
    raw = torch.zeros(20_000, WIDE.width)
    raw[:, 2:5] = torch.tensor([-1e4, 3e4, -float("inf")])  # only the middle one can come out
    raw[:, 5:47] = torch.linspace(-300, 300, 42)  # exp overflows without the per-span shift
    y = draw_activations(raw.to(device), WIDE, torch.Generator(device).manual_seed(0)).cpu()
    assert torch.isfinite(y).all()
    assert (y[:, 3] == 1).all()
    assert (y[:, 46] == 1).all()


def test_compact_draws_are_the_same_rows() -> None:
    raw = torch.randn(300, WIDE.width, generator=torch.Generator().manual_seed(3)) * 4
    c = draw_compact(raw, WIDE, torch.Generator().manual_seed(9))  # (B, S)
    assert c.shape == (300, len(WIDE.spans))
    for j, (a, b, span) in enumerate(WIDE.slices()):
        if span.activation == "tanh":
            torch.testing.assert_close(c[:, j], torch.tanh(raw[:, a]))
        else:  # whole slots inside the span
            assert torch.equal(c[:, j], c[:, j].round()) and c[:, j].min() >= 0 and c[:, j].max() < b - a
    one_hot = draw_activations(raw, WIDE, torch.Generator().manual_seed(9))
    assert torch.equal(expand_compact(c, WIDE), one_hot)
