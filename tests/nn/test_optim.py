"""LeanAdam: torch's fused Adam, bit for bit, without torch.optim (and its import of dynamo)."""

from __future__ import annotations

import subprocess
import sys

import pytest
import torch
from torch import nn

from tabgan.nn.optim import LeanAdam, load_moments, make_adam, moments

fused_cpu = pytest.mark.skipif(
    not hasattr(torch, "_fused_adam_"), reason="this torch build has no fused Adam kernel")


def _net(seed: int) -> nn.Module:
    torch.manual_seed(seed)  # a test fixture's weights; the library never seeds globally
    return nn.Sequential(nn.Linear(7, 16), nn.BatchNorm1d(16), nn.ReLU(), nn.Linear(16, 3))


def _train(net: nn.Module, opt: torch.optim.Optimizer | LeanAdam, steps: int, seed: int = 0,
           device: str = "cpu") -> list[float]:
    g = torch.Generator(device=device).manual_seed(seed)
    losses = []
    for _ in range(steps):
        x = torch.randn(32, 7, generator=g, device=device)
        loss = net(x).pow(2).mean()
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
        losses.append(loss.item())
    return losses


def _adams(**kw) -> tuple[nn.Module, torch.optim.Adam, nn.Module, LeanAdam]:
    a, b = _net(0), _net(0)
    return a, torch.optim.Adam(a.parameters(), fused=True, **kw), b, LeanAdam(list(b.parameters()), **kw)


def _same(a: nn.Module, ref: torch.optim.Adam, b: nn.Module, lean: LeanAdam) -> None:
    for i, (p, q) in enumerate(zip(a.parameters(), b.parameters())):
        assert torch.equal(p, q)
        state = ref.state[p]
        assert torch.equal(state["step"], lean.steps[i])
        assert torch.equal(state["exp_avg"], lean.exp_avgs[i])
        assert torch.equal(state["exp_avg_sq"], lean.exp_avg_sqs[i])


@fused_cpu
def test_same_steps_as_torch_fused_adam_bit_for_bit() -> None:
    a, ref, b, lean = _adams(lr=1e-2, betas=(0.5, 0.9), weight_decay=1e-3)
    assert _train(a, ref, 12) == _train(b, lean, 12)
    _same(a, ref, b, lean)
    assert float(lean.steps[0]) == 12


@fused_cpu
def test_learning_rate_changes_are_read_each_step() -> None:
    a, ref, b, lean = _adams(lr=1e-2)
    _train(a, ref, 3), _train(b, lean, 3)
    ref.param_groups[0]["lr"] = lean.lr = 1e-1
    _train(a, ref, 3, seed=1), _train(b, lean, 3, seed=1)
    _same(a, ref, b, lean)


@fused_cpu
def test_a_parameter_without_gradient_is_skipped_as_torch_skips_it() -> None:
    a, ref, b, lean = _adams(lr=1e-2)
    _train(a, ref, 2), _train(b, lean, 2)
    for net in (a, b):
        net[3].bias.requires_grad_(False)  # no gradient from now on: torch skips it
    _train(a, ref, 3, seed=2), _train(b, lean, 3, seed=2)
    _same(a, ref, b, lean)
    assert float(lean.steps[-1]) == 2 and float(lean.steps[0]) == 5


@fused_cpu
def test_state_dict_round_trip_through_a_weights_only_file(tmp_path) -> None:
    a, ref, b, lean = _adams(lr=1e-2, weight_decay=1e-4)
    _train(a, ref, 4), _train(b, lean, 4)
    c = _net(0)
    c.load_state_dict(b.state_dict())
    torch.save(lean.state_dict(), tmp_path / "o.pt")
    fresh = LeanAdam(list(c.parameters()))  # other settings: the file brings them back
    fresh.load_state_dict(torch.load(tmp_path / "o.pt", weights_only=True))
    assert (fresh.lr, fresh.weight_decay) == (1e-2, 1e-4)
    _train(b, lean, 3, seed=3), _train(c, fresh, 3, seed=3), _train(a, ref, 3, seed=3)
    _same(a, ref, b, lean)
    _same(a, ref, c, fresh)
    with pytest.raises(ValueError, match="state for 6 parameters, this optimizer has 2"):
        LeanAdam(list(nn.Linear(2, 2).parameters())).load_state_dict(lean.state_dict())


@fused_cpu
def test_moments_carry_training_on_between_lean_and_torch_adam() -> None:
    # What a warm start and a model file carry (2026-12-02): settings stay the optimizer's own.
    a, ref, b, lean = _adams(lr=1e-2, betas=(0.5, 0.9))
    _train(a, ref, 4), _train(b, lean, 4)
    flat = moments(lean)
    assert set(flat) == {f"{i}.{k}" for i in range(6) for k in ("exp_avg", "exp_avg_sq", "step")}
    assert float(flat["0.step"]) == 4
    c = _net(0)
    c.load_state_dict(b.state_dict())
    plain = torch.optim.Adam(c.parameters(), lr=1e-2, betas=(0.5, 0.9))  # the fallback class
    load_moments(plain, flat)
    d = _net(0)
    d.load_state_dict(b.state_dict())
    back = LeanAdam(list(d.parameters()), lr=1e-2, betas=(0.5, 0.9))
    load_moments(back, moments(plain))  # and back again
    _train(a, ref, 1, seed=3), _train(c, plain, 1, seed=3), _train(d, back, 1, seed=3)
    _same(a, ref, d, back)
    for p, q in zip(a.parameters(), c.parameters()):
        # torch's loop kernel rounds otherwise than the fused one (and Adam blows a rounding up
        # into a whole step where a gradient is near 0): one step, within float32's rounding
        torch.testing.assert_close(p, q, rtol=0, atol=1e-6)
    fresh = torch.optim.Adam(_net(1).parameters())  # no step yet: zero moments, step 0
    assert all(not t.any() for t in moments(fresh).values())
    with pytest.raises(ValueError, match="moments of 6 parameters; this optimizer has 2"):
        load_moments(LeanAdam(list(nn.Linear(2, 2).parameters())), flat)
    with pytest.raises(ValueError, match=r"exp_avg of parameter 0 has shape \(16, 7\); the parameter has \(16, 8\)"):
        load_moments(LeanAdam(list(nn.Sequential(nn.Linear(8, 16), nn.BatchNorm1d(16), nn.ReLU(),
                                                 nn.Linear(16, 3)).parameters())), flat)


def test_zero_grad_keeping_tensors_zeroes_them() -> None:
    b = _net(0)
    lean = LeanAdam(list(b.parameters()), lr=1e-2)
    b(torch.randn(4, 7)).sum().backward()
    lean.zero_grad(set_to_none=False)
    assert all(p.grad is not None and not p.grad.any() for p in b.parameters())
    lean.zero_grad()
    assert all(p.grad is None for p in b.parameters())


def test_make_adam_is_lean_where_torch_fuses_and_imports_no_dynamo() -> None:
    # Before 2026-12-02 the engines' torch.optim.Adam imported torch._dynamo on its first use:
    # 3.2 s of every `tabgan fit` and of every tabgan.load on this machine.
    code = ("import sys, torch\nfrom tabgan.nn.optim import make_adam\nnet = torch.nn.Linear(3, 2)\n"
            "opt = make_adam(list(net.parameters()), 1e-2, (0.9, 0.999), 0.0)\n"
            "net(torch.randn(4, 3)).sum().backward(); opt.step(); opt.zero_grad()\n"
            "print(type(opt).__name__, 'torch._dynamo' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["LeanAdam", "False"]
    ints = [nn.Parameter(torch.zeros(2, dtype=torch.int64), requires_grad=False)]
    assert type(make_adam(ints, 1e-2, (0.9, 0.999), 0.0)) is torch.optim.Adam  # no fused kernel


@pytest.mark.gpu
@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA GPU")
def test_cuda_matches_torch_fused_adam() -> None:
    a, b = _net(0).cuda(), _net(0).cuda()
    ref = torch.optim.Adam(a.parameters(), lr=1e-2, fused=True)
    lean = LeanAdam(list(b.parameters()), lr=1e-2)
    assert _train(a, ref, 5, device="cuda") == _train(b, lean, 5, device="cuda")
    _same(a, ref, b, lean)
