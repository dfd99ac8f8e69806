"""Penalties and losses against naive references."""

from __future__ import annotations

import pytest
import torch
import torch.nn.functional as F

from tabgan.nn import Critic, conditional_loss, critic_loss, dragan_penalty, gradient_penalty
from tabgan.nn.layers import init_linear_
from tabgan.transformers.layout import Layout, Span


def make_critic(features: int, pac: int, row_dim: int | None = None) -> Critic:
    critic = Critic(features, (16, 8), pac, row_dim=row_dim)
    init_linear_(critic, torch.Generator().manual_seed(0))
    return critic.eval()  # no dropout: a deterministic function of its input


@pytest.mark.parametrize("row_dim", [None, 3])
def test_gradient_penalty_matches_naive_per_pack_reference(row_dim) -> None:
    b, f, pac = 40, 6, 4
    g = torch.Generator().manual_seed(1)
    real, fake = torch.randn(b, f, generator=g), torch.randn(b, f, generator=g)
    critic = make_critic(f, pac, row_dim)
    pen = gradient_penalty(critic, real, fake, pac, torch.Generator().manual_seed(7))

    alpha = torch.rand(b // pac, 1, 1, generator=torch.Generator().manual_seed(7))
    terms = []
    for i in range(b // pac):  # one pack at a time, the obvious way
        r, fk = real[i * pac:(i + 1) * pac], fake[i * pac:(i + 1) * pac]
        x = (alpha[i, 0, 0] * r + (1 - alpha[i, 0, 0]) * fk).requires_grad_(True)
        (grad,) = torch.autograd.grad(critic(x).sum(), x)
        terms.append((grad.norm() - 1) ** 2)
    torch.testing.assert_close(pen, torch.stack(terms).mean())


def test_penalties_of_a_linear_critic_are_exact() -> None:
    f, pac = 5, 2
    lin = torch.nn.Linear(f * pac, 1)

    def critic(x: torch.Tensor) -> torch.Tensor:
        return lin(x.reshape(-1, f * pac))

    expected = (lin.weight.norm() - 1) ** 2  # the gradient is the weight everywhere
    real, fake = torch.randn(20, f), torch.randn(20, f)
    g = torch.Generator().manual_seed(0)
    torch.testing.assert_close(gradient_penalty(critic, real, fake, pac, g), expected)
    torch.testing.assert_close(dragan_penalty(critic, real, pac, g), expected)


def test_penalty_is_differentiable_for_the_critic() -> None:
    critic = make_critic(4, 2).train()
    real, fake = torch.randn(8, 4), torch.randn(8, 4)
    g = torch.Generator().manual_seed(0)
    pen = gradient_penalty(lambda x: critic(x, g), real, fake, 2, g)
    pen.backward()
    weights = [critic.hidden[0].weight, critic.hidden[1].weight, critic.head.weight]
    assert all(w.grad is not None and torch.isfinite(w.grad).all() for w in weights)


def test_critic_loss_signs() -> None:
    loss, w = critic_loss(torch.tensor([[3.0], [1.0]]), torch.tensor([[0.0], [0.0]]))
    assert w.item() == 2.0 and loss.item() == -2.0


def test_conditional_loss_matches_cross_entropy() -> None:
    layout = Layout((
        Span("x", "value", 1, "tanh"),
        Span("a", "category", 3, "softmax", True),
        Span("x", "mode", 2, "softmax"),
        Span("b", "category", 4, "softmax", True),
    ))
    b = 32
    g = torch.Generator().manual_seed(2)
    raw = torch.randn(b, layout.width, generator=g) * 4
    cat_a = torch.randint(3, (b,), generator=g)
    cat_b = torch.randint(4, (b,), generator=g)
    mask = torch.stack([torch.arange(b) % 2 == 0, torch.arange(b) % 3 != 0], 1).float()
    cond = torch.cat([F.one_hot(cat_a, 3), F.one_hot(cat_b, 4)], 1).float()
    cond = cond * torch.cat([mask[:, :1].expand(b, 3), mask[:, 1:].expand(b, 4)], 1)
    got = conditional_loss(raw, cond, mask, layout)
    ce_a = F.cross_entropy(raw[:, 1:4], cat_a, reduction="none")
    ce_b = F.cross_entropy(raw[:, 6:10], cat_b, reduction="none")
    expected = (ce_a * mask[:, 0] + ce_b * mask[:, 1]).sum() / b
    torch.testing.assert_close(got, expected)
    empty = Layout((Span("x", "value", 1, "tanh"),))
    assert conditional_loss(torch.randn(4, 1), torch.zeros(4, 0), torch.zeros(4, 0), empty) == 0
