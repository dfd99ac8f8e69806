"""Generator and critic: shapes, seeded initialisation and seeded dropout; the frozen sampling copy."""

from __future__ import annotations

import pytest
import torch

from tabgan.nn import Critic, Generator, Residual, dropout, init_linear_
from tabgan.nn import layers
from tabgan.nn.layers import FrozenGenerator, exact_residual, native_bfloat16


def test_residual_and_generator_shapes() -> None:
    assert Residual(7, 5)(torch.randn(4, 7)).shape == (4, 12)
    gen = Generator(10, (16, 8), 13)
    assert gen(torch.randn(6, 10)).shape == (6, 13)


def test_critic_packs_rows() -> None:
    critic = Critic(9, (16, 16), pac=4)
    assert critic.hidden[0].in_features == 36
    assert critic(torch.randn(20, 9), torch.Generator()).shape == (5, 1)


def test_critic_row_layer_is_one_layer_shared_by_every_row_of_a_pack() -> None:
    critic = Critic(9, (16,), pac=4, row_dim=5).eval()
    init_linear_(critic, torch.Generator().manual_seed(0))
    assert critic.hidden[0].in_features == 20  # 4 rows of 5 features each
    x = torch.randn(12, 9)  # 3 packs
    leaky = torch.nn.functional.leaky_relu
    rows = [leaky(x[i] @ critic.row.weight.T + critic.row.bias, 0.2) for i in range(12)]
    packs = torch.stack([torch.cat(rows[i:i + 4]) for i in range(0, 12, 4)])  # (3, 20)
    expected = critic.head(leaky(critic.hidden[0](packs), 0.2))
    torch.testing.assert_close(critic(x), expected)
    # the pack keeps its rows' positions: swapping two rows of a pack changes its score
    swapped = x.clone()
    swapped[[0, 1]] = x[[1, 0]]
    assert not torch.allclose(critic(swapped)[0], critic(x)[0])
    assert torch.equal(critic(swapped)[1:], critic(x)[1:])


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
    # p off a multiple of 1/65536 is rounded to one; the kept entries keep the mean
    x = torch.ones(1000, 1000)
    d = dropout(x, 0.3, torch.Generator().manual_seed(2))
    assert (d == 0).double().mean().item() == pytest.approx(0.3, abs=0.002)
    assert d.mean().item() == pytest.approx(1.0, abs=0.005)
    assert d.max().item() == pytest.approx(65536 / (65536 - round(0.3 * 65536)))
    assert torch.equal(dropout(x, 1.0, torch.Generator()), torch.zeros_like(x))
    assert dropout(x, 0.0, torch.Generator()) is x
    critic = Critic(3, (8,), pac=1).eval()
    x = torch.randn(5, 3)
    assert torch.equal(critic(x, torch.Generator().manual_seed(0)),
                       critic(x, torch.Generator().manual_seed(1)))


# ---------------------------------------------------------------- the frozen sampling copy
def trained_like_generator() -> Generator:
    """A generator whose BatchNorm holds non-trivial running statistics, in train mode."""
    gen = Generator(24, (32, 32), 12)
    init_linear_(gen, torch.Generator().manual_seed(0))
    g = torch.Generator().manual_seed(1)
    for _ in range(20):  # a few forward passes in train mode move the running statistics
        gen(torch.randn(64, 24, generator=g) * 3 + 1)
    for block in gen.seq[:-1]:
        block.bn.weight.data.uniform_(0.5, 2.0, generator=g)
        block.bn.bias.data.uniform_(-1.0, 1.0, generator=g)
    return gen


DEVICES = ["cpu", pytest.param("cuda", marks=pytest.mark.gpu)]


@pytest.mark.parametrize("device", DEVICES)
def test_frozen_float32_is_the_eval_network(device: str) -> None:
    gen = trained_like_generator().to(device)
    x = torch.randn(300, 24, generator=torch.Generator().manual_seed(2)).to(device)
    frozen = FrozenGenerator(gen, torch.float32)(x)
    assert gen.training  # freezing does not switch the live network's mode
    with torch.no_grad():
        expected = gen.eval()(x)
    torch.testing.assert_close(frozen, expected, atol=1e-5, rtol=1e-5)


@pytest.mark.parametrize("device", DEVICES)
def test_frozen_bfloat16_keeps_exact_columns_continuous(device: str) -> None:
    gen = trained_like_generator().eval().to(device)
    x = torch.randn(4000, 24, generator=torch.Generator().manual_seed(3)).to(device)
    exact = torch.tensor([0, 5], device=device)
    plain = FrozenGenerator(gen, torch.bfloat16)(x)
    fixed = FrozenGenerator(gen, torch.bfloat16, exact_cols=exact)(x)
    assert plain.dtype == fixed.dtype == torch.float32
    with torch.no_grad():
        reference = gen(x)
    # bfloat16 hidden units move every output a little, logits included...
    torch.testing.assert_close(fixed, reference, atol=0.1, rtol=0.05)
    # ...but rounding the exact outputs to 8 bits would leave a few hundred distinct values.
    for c in exact.tolist():
        assert plain[:, c].unique().numel() < 1500
        assert fixed[:, c].unique().numel() > 3900
    others = [c for c in range(12) if c not in exact.tolist()]
    torch.testing.assert_close(fixed[:, others], plain[:, others], atol=0, rtol=0)


def test_frozen_falls_back_to_float32_where_addmm_rounds_twice(monkeypatch: pytest.MonkeyPatch) -> None:
    gen = trained_like_generator().eval()
    x = torch.randn(2000, 24, generator=torch.Generator().manual_seed(4))
    monkeypatch.setattr(layers, "exact_residual", lambda device, dtype: False)
    frozen = FrozenGenerator(gen, torch.bfloat16, exact_cols=torch.tensor([3]))
    assert not frozen.fused
    out = frozen(x)
    assert out[:, 3].unique().numel() > 1900
    with torch.no_grad():
        torch.testing.assert_close(out[:, 3], gen(x)[:, 3], atol=0.1, rtol=0.05)


def test_exact_residual_holds_on_this_cpu_and_native_bfloat16_is_a_bool() -> None:
    assert exact_residual(torch.device("cpu"), torch.bfloat16)  # oneDNN rounds once
    assert native_bfloat16(torch.device("cpu")) in (True, False)
    assert native_bfloat16(torch.device("meta")) is False


@pytest.mark.parametrize("dims, in_dim, out_dim",
                         [((32, 32), 23, 12), ((17, 33, 9), 8, 7), ((5,), 3, 4), ((), 10, 3)])
@pytest.mark.parametrize("dtype", [torch.float32, torch.bfloat16])
def test_frozen_is_finite_repeatable_and_close_for_odd_widths(dims, in_dim, out_dim, dtype) -> None:
    # Odd widths made oneDNN's bfloat16 kernels read past a strided view into an uninitialised
    # buffer (NaN rows that changed from call to call) when the buffer put each block's input last.
    gen = Generator(in_dim, dims, out_dim)
    init_linear_(gen, torch.Generator().manual_seed(0))
    gen.eval()
    g = torch.Generator().manual_seed(1)
    noise = torch.randn(333, in_dim - 2, generator=g)  # (333, E)
    cond = torch.eye(2)[torch.randint(0, 2, (333,), generator=g)]  # (333, 2)
    frozen = FrozenGenerator(gen, dtype, exact_cols=torch.tensor([0]), cond_width=2, block_rows=100)
    outs = [frozen(noise, cond) for _ in range(3)]
    assert all(torch.isfinite(o).all() and torch.equal(o, outs[0]) for o in outs)
    with torch.no_grad():
        torch.testing.assert_close(outs[0], gen(torch.cat([noise, cond], 1)), atol=0.05, rtol=0.02)


def conditioned_generator() -> tuple[Generator, int, int]:
    """A generator of noise width 6 and condition width 5, BatchNorm statistics of a fit."""
    e, c = 6, 5
    gen = Generator(e + c, (16, 8), 9)
    init_linear_(gen, torch.Generator().manual_seed(7))
    gen.train()
    g = torch.Generator().manual_seed(8)
    with torch.no_grad():
        for _ in range(5):
            gen(torch.cat([torch.randn(64, e, generator=g), torch.eye(c)[torch.randint(0, c, (64,), generator=g)]], 1))
    return gen.eval(), e, c


@pytest.mark.parametrize("device", DEVICES)
def test_frozen_condition_forms_are_the_network_on_the_one_hot(device: str) -> None:
    gen, e, c = conditioned_generator()
    gen.to(device)
    g = torch.Generator().manual_seed(9)
    noise = torch.randn(250, e, generator=g).to(device)  # (B, E)
    slots = torch.randint(0, c, (250,), generator=g).to(device)  # (B,)
    one_hot = torch.eye(c, device=device)[slots]  # (B, C)
    frozen = FrozenGenerator(gen, torch.float32, cond_width=c, block_rows=64)
    with torch.no_grad():
        expected = gen(torch.cat([noise, one_hot], 1))  # (B, D)
    torch.testing.assert_close(frozen(noise, slots), expected, atol=1e-5, rtol=1e-5)
    torch.testing.assert_close(frozen(noise, one_hot), expected, atol=1e-5, rtol=1e-5)
    # Several bits at once, as fixed conditions on two columns give.
    two = torch.tensor([1.0, 0.0, 0.0, 1.0, 0.0], device=device)  # (C,)
    with torch.no_grad():
        both = gen(torch.cat([noise, two.expand(250, c)], 1))
    torch.testing.assert_close(frozen(noise, two), both, atol=1e-5, rtol=1e-5)
    torch.testing.assert_close(frozen(noise, two.expand(250, c)), both, atol=1e-5, rtol=1e-5)


@pytest.mark.parametrize("device", DEVICES)
def test_frozen_blocks_transposition_and_buffers_change_nothing(device: str) -> None:
    gen, e, c = conditioned_generator()
    gen.to(device)
    g = torch.Generator().manual_seed(10)
    noise = torch.randn(300, e, generator=g).to(device)
    slots = torch.randint(0, c, (300,), generator=g).to(device)
    whole = FrozenGenerator(gen, torch.float32, cond_width=c, block_rows=4096)(noise, slots)
    frozen = FrozenGenerator(gen, torch.float32, cond_width=c, block_rows=7)
    torch.testing.assert_close(frozen(noise, slots), whole, atol=1e-6, rtol=1e-6)
    torch.testing.assert_close(frozen(noise, slots, transposed=True), whole.T, atol=1e-6, rtol=1e-6)
    # A smaller call after a larger one: its rows are its own.
    torch.testing.assert_close(frozen(noise[:5], slots[:5]), whole[:5], atol=1e-6, rtol=1e-6)


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("dtype", [torch.float32, torch.bfloat16])
def test_frozen_out_cols_reorders_and_pads_with_minus_infinity(dtype: torch.dtype, device: str) -> None:
    gen, e, c = conditioned_generator()
    gen.to(device)
    g = torch.Generator().manual_seed(11)
    noise = torch.randn(400, e, generator=g).to(device)
    slots = torch.randint(0, c, (400,), generator=g).to(device)
    out_cols = torch.tensor([4, 0, -1, 8, 1, 2, -1, -1, 3, 5, 6, 7], device=device)  # (D',)
    exact = torch.tensor([0, 3], device=device)  # positions: network outputs 4 and 8
    frozen = FrozenGenerator(gen, dtype, exact_cols=exact, cond_width=c, out_cols=out_cols, block_rows=128)
    out = frozen(noise, slots)  # (B, D')
    with torch.no_grad():
        reference = gen(torch.cat([noise, torch.eye(c, device=device)[slots]], 1))  # (B, D)
    assert out.shape == (400, 12) and out.dtype == torch.float32
    assert torch.isneginf(out[:, out_cols < 0]).all()
    tol = {"atol": 1e-5, "rtol": 1e-5} if dtype == torch.float32 else {"atol": 0.1, "rtol": 0.05}
    torch.testing.assert_close(out[:, out_cols >= 0], reference[:, out_cols[out_cols >= 0]], **tol)
    # The exact positions are not rounded to bfloat16's few hundred values.
    assert all(out[:, i].unique().numel() > 390 for i in exact.tolist())


def test_frozen_rejects_inputs_of_the_wrong_shape() -> None:
    gen, e, c = conditioned_generator()
    frozen = FrozenGenerator(gen, torch.float32, cond_width=c)
    noise = torch.randn(10, e)
    with pytest.raises(ValueError, match=r"noise must be \(B, 6\)"):
        frozen(torch.randn(10, e + 1), torch.zeros(10, dtype=torch.long))
    with pytest.raises(ValueError, match="needs a condition of width 5"):
        frozen(noise)
    with pytest.raises(ValueError, match=r"slots must be \(10,\)"):
        frozen(noise, torch.zeros(9, dtype=torch.long))
    with pytest.raises(ValueError, match="cond must be"):
        frozen(noise, torch.zeros(10, c + 1))
    with pytest.raises(ValueError, match="cond_width=11 must be in"):
        FrozenGenerator(gen, torch.float32, cond_width=11)
