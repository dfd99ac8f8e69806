import math

import pytest
import torch

from tabgan.nn.bits import quantile_draws, quantile_noise, quantile_table, uniform_int16

CPU = torch.device("cpu")


def test_int16_words_are_uniform_and_seeded() -> None:
    v = uniform_int16((1_000_003,), torch.Generator().manual_seed(0), CPU)
    assert v.dtype == torch.int16 and v.shape == (1_000_003,)
    u = v.long() + 32768  # [0, 65536)
    # every byte of the 16 bits is uniform: chi-square over 256 cells, 255 dof (sd ~22.6)
    for cells in (u >> 8, u & 255):
        h = torch.bincount(cells, minlength=256).double()
        e = u.numel() / 256
        assert ((h - e) ** 2 / e).sum().item() < 255 + 6 * 22.6
    # the four int16 lanes of one 64-bit word are independent of each other
    lanes = uniform_int16((4 * 200_000,), torch.Generator().manual_seed(1), CPU).view(-1, 4)
    corr = torch.corrcoef(lanes.double().T)
    assert (corr - torch.eye(4, dtype=torch.float64)).abs().max() < 0.01
    again = uniform_int16((1_000_003,), torch.Generator().manual_seed(0), CPU)
    assert torch.equal(v, again)
    assert uniform_int16((3, 5), torch.Generator().manual_seed(0), CPU).shape == (3, 5)


def test_quantile_tables() -> None:
    normal, gumbel = quantile_table("normal", CPU), quantile_table("gumbel", CPU)
    for t in (normal, gumbel):
        assert t.shape == (65536,) and t.dtype == torch.float32
        assert torch.all(t[1:] > t[:-1])  # strictly increasing quantiles
    torch.testing.assert_close(normal, -normal.flip(0))  # symmetric
    assert normal[-1].item() == pytest.approx(4.3249, abs=1e-4)
    assert gumbel[0].item() == pytest.approx(-2.4667, abs=1e-4)
    assert gumbel[-1].item() == pytest.approx(11.7835, abs=1e-4)
    # the tables' own moments are the laws' (the cut tails weigh almost nothing)
    assert normal.double().mean().item() == pytest.approx(0.0, abs=1e-6)
    assert normal.double().var().item() == pytest.approx(1.0, abs=2e-3)
    assert gumbel.double().mean().item() == pytest.approx(0.5772157, abs=1e-3)
    assert gumbel.double().var().item() == pytest.approx(math.pi**2 / 6, abs=5e-3)
    with pytest.raises(ValueError, match="law='cauchy'"):
        quantile_table("cauchy", CPU)


@pytest.mark.parametrize("law, mean, var", [("normal", 0.0, 1.0), ("gumbel", 0.5772, math.pi**2 / 6)])
def test_quantile_noise_has_the_law(law, mean, var) -> None:
    x = quantile_noise(law, (400, 500), torch.Generator().manual_seed(2), CPU)
    assert x.shape == (400, 500) and x.dtype == torch.float32
    assert x.mean().item() == pytest.approx(mean, abs=0.01)
    assert x.var().item() == pytest.approx(var, abs=0.02)
    table = quantile_table(law, CPU)
    assert torch.all(torch.isin(x, table))  # every number is one of the quantiles
    if law == "normal":  # the share below -1 is Phi(-1)
        assert (x < -1).double().mean().item() == pytest.approx(0.158655, abs=0.003)
    low = quantile_noise(law, (7,), torch.Generator().manual_seed(2), CPU, torch.bfloat16)
    assert low.dtype == torch.bfloat16


@pytest.mark.gpu
def test_cuda_noise_has_the_law() -> None:
    x = quantile_noise("normal", (1000, 1000), torch.Generator("cuda").manual_seed(0), "cuda")
    assert x.device.type == "cuda"
    assert abs(x.mean().item()) < 0.005 and abs(x.var().item() - 1.0) < 0.01
    v = uniform_int16((1_000_000,), torch.Generator("cuda").manual_seed(0), "cuda").long().cpu()
    h = torch.bincount((v + 32768) >> 8, minlength=256).double()
    assert ((h - h.mean()) ** 2 / h.mean()).sum().item() < 255 + 6 * 22.6


def test_joint_draws_have_each_law_and_one_stream() -> None:
    g = torch.Generator().manual_seed(3)
    normal, gumbel, more = quantile_draws(
        [("normal", (300, 400)), ("gumbel", (500, 300)), ("normal", (7,))], g, CPU)
    assert normal.shape == (300, 400) and gumbel.shape == (500, 300) and more.shape == (7,)
    assert torch.all(torch.isin(normal, quantile_table("normal", CPU)))
    assert torch.all(torch.isin(gumbel, quantile_table("gumbel", CPU)))
    assert normal.mean().item() == pytest.approx(0.0, abs=0.01)
    assert normal.var().item() == pytest.approx(1.0, abs=0.02)
    assert gumbel.mean().item() == pytest.approx(0.5772, abs=0.01)
    assert gumbel.var().item() == pytest.approx(math.pi**2 / 6, abs=0.03)
    # one draw of words cut in order: the parts are the words' parts, each through its table
    k = uniform_int16((300 * 400 + 500 * 300 + 7,), torch.Generator().manual_seed(3), CPU)
    k = k.long() + 32768
    torch.testing.assert_close(normal.flatten(), quantile_table("normal", CPU)[k[:120_000]],
                               rtol=0, atol=0)
    torch.testing.assert_close(gumbel.flatten(),
                               quantile_table("gumbel", CPU)[k[120_000:270_000]], rtol=0, atol=0)
    # a single part is quantile_noise itself
    one = quantile_draws([("gumbel", (40, 5))], torch.Generator().manual_seed(4), CPU)[0]
    assert torch.equal(one, quantile_noise("gumbel", (40, 5), torch.Generator().manual_seed(4), CPU))
