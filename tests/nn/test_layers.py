"""Generator and critic: shapes, seeded initialisation and seeded dropout."""

from __future__ import annotations

import torch

from tabgan.nn import Critic, Generator, Residual, dropout, init_linear_


def test_residual_and_generator_shapes() -> None:
    assert Residual(7, 5)(torch.randn(4, 7)).shape == (4, 12)
    gen = Generator(10, (16, 8), 13)
    assert gen(torch.randn(6, 10)).shape == (6, 13)


def test_critic_packs_rows() -> None:
    critic = Critic(9, (16, 16), pac=4)
    assert critic.hidden[0].in_features == 36
    assert critic(torch.randn(20, 9), torch.Generator()).shape == (5, 1)


def test_init_is_seeded_and_bounded() -> None:
    a, b = Generator(10, (16,), 4), Generator(10, (16,), 4)
    init_linear_(a, torch.Generator().manual_seed(3))
    init_linear_(b, torch.Generator().manual_seed(3))
    for pa, pb in zip(a.parameters(), b.parameters()):
        assert torch.equal(pa, pb)
    w = a.seq[0].fc.weight
    assert w.abs().max() <= 1 / 10**0.5


def test_dropout_is_seeded_and_off_in_eval() -> None:
    x = torch.ones(100, 50)
    d1 = dropout(x, 0.5, torch.Generator().manual_seed(1))
    d2 = dropout(x, 0.5, torch.Generator().manual_seed(1))
    assert torch.equal(d1, d2)
    assert set(d1.unique().tolist()) == {0.0, 2.0}
    assert 0.45 < (d1 == 0).float().mean().item() < 0.55
    critic = Critic(3, (8,), pac=1).eval()
    x = torch.randn(5, 3)
    assert torch.equal(critic(x, torch.Generator().manual_seed(0)),
                       critic(x, torch.Generator().manual_seed(1)))
