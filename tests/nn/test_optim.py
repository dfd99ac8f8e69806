"""LeanAdam: torch's fused Adam, bit for bit, with its per-call walk over parameters skipped."""

from __future__ import annotations

import copy

import pytest
import torch
from torch import nn

from tabgan.nn.optim import LeanAdam, make_adam

fused_cpu = pytest.mark.skipif(
    not hasattr(torch, "_fused_adam_"), reason="this torch build has no fused Adam kernel")


def _net(seed: int) -> nn.Module:
    torch.manual_seed(seed)  # a test fixture's weights; the library never seeds globally
    return nn.Sequential(nn.Linear(7, 16), nn.BatchNorm1d(16), nn.ReLU(), nn.Linear(16, 3))


def _train(net: nn.Module, opt: torch.optim.Optimizer, steps: int, seed: int = 0) -> list[float]:
    g = torch.Generator().manual_seed(seed)
    losses = []
    for _ in range(steps):
        x = torch.randn(32, 7, generator=g)
        loss = net(x).pow(2).mean()
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
        losses.append(loss.item())
    return losses


def _adams(**kw) -> tuple[nn.Module, torch.optim.Adam, nn.Module, LeanAdam]:
    a, b = _net(0), _net(0)
    ref = torch.optim.Adam(a.parameters(), fused=True, **kw)
    lean = LeanAdam(b.parameters(), fused=True, **kw)
    return a, ref, b, lean


@fused_cpu
def test_same_steps_as_torch_fused_adam_bit_for_bit() -> None:
    a, ref, b, lean = _adams(lr=1e-2, betas=(0.5, 0.9), weight_decay=1e-3)
    assert _train(a, ref, 12) == _train(b, lean, 12)
    assert lean._lists is not None  # the fast path ran
    for p, q in zip(a.parameters(), b.parameters()):
        assert torch.equal(p, q)
    for p, q in zip(a.parameters(), b.parameters()):
        sa, sb = ref.state[p], lean.state[q]
        assert torch.equal(sa["step"], sb["step"]) and float(sb["step"]) == 12
        assert torch.equal(sa["exp_avg"], sb["exp_avg"])
        assert torch.equal(sa["exp_avg_sq"], sb["exp_avg_sq"])


@fused_cpu
def test_learning_rate_changes_are_read_each_step() -> None:
    a, ref, b, lean = _adams(lr=1e-2)
    _train(a, ref, 3), _train(b, lean, 3)
    for opt in (ref, lean):
        opt.param_groups[0]["lr"] = 1e-1
    _train(a, ref, 3, seed=1), _train(b, lean, 3, seed=1)
    for p, q in zip(a.parameters(), b.parameters()):
        assert torch.equal(p, q)


@fused_cpu
def test_a_parameter_without_gradient_goes_through_torch() -> None:
    a, ref, b, lean = _adams(lr=1e-2)
    _train(a, ref, 2), _train(b, lean, 2)
    for net in (a, b):
        net[3].bias.requires_grad_(False)  # no gradient from now on: torch skips it
    _train(a, ref, 3, seed=2), _train(b, lean, 3, seed=2)
    for p, q in zip(a.parameters(), b.parameters()):
        assert torch.equal(p, q)
    assert float(lean.state[b[3].bias]["step"]) == 2  # not stepped without a gradient


@fused_cpu
def test_state_dict_round_trip_drops_the_cached_lists() -> None:
    a, ref, b, lean = _adams(lr=1e-2)
    _train(a, ref, 4), _train(b, lean, 4)
    c = _net(0)
    c.load_state_dict(b.state_dict())
    fresh = LeanAdam(c.parameters(), lr=1e-2, fused=True)
    fresh.load_state_dict(copy.deepcopy(lean.state_dict()))  # as a file would bring it back
    assert fresh._lists is None
    lean.load_state_dict(copy.deepcopy(lean.state_dict()))  # new state tensors: the cache must go
    assert lean._lists is None
    _train(b, lean, 3, seed=3), _train(c, fresh, 3, seed=3), _train(a, ref, 3, seed=3)
    for p, q, r in zip(a.parameters(), b.parameters(), c.parameters()):
        assert torch.equal(p, q) and torch.equal(q, r)
        assert float(lean.state[q]["step"]) == float(fresh.state[r]["step"]) == 7  # the loaded


@fused_cpu
def test_step_hooks_run_once_a_step_on_both_paths() -> None:
    _, _, b, lean = _adams(lr=1e-2)
    torch.optim.Adam(_net(1).parameters())  # wraps Adam.step with torch's hook runner too
    calls = []
    lean.register_step_pre_hook(lambda *_: calls.append("pre"))
    lean.register_step_post_hook(lambda *_: calls.append("post"))
    _train(b, lean, 2)  # the first step goes through torch's code, the second is fast
    assert calls == ["pre", "post", "pre", "post"]


@fused_cpu
def test_zero_grad_keeping_tensors_zeroes_them() -> None:
    _, _, b, lean = _adams(lr=1e-2)
    _train(b, lean, 2)
    b(torch.randn(4, 7)).sum().backward()
    lean.zero_grad(set_to_none=False)
    assert all(p.grad is not None and not p.grad.any() for p in b.parameters())
    lean.zero_grad()
    assert all(p.grad is None for p in b.parameters())


def test_a_closure_is_evaluated() -> None:
    net = _net(0)
    opt = make_adam(list(net.parameters()), 1e-2, (0.9, 0.999), 0.0)
    x = torch.randn(8, 7, generator=torch.Generator().manual_seed(0))

    def closure() -> torch.Tensor:
        opt.zero_grad()
        loss = net(x).pow(2).mean()
        loss.backward()
        return loss

    before = net(x).pow(2).mean().item()
    for _ in range(5):
        assert opt.step(closure) is not None
    assert net(x).pow(2).mean().item() < before


@pytest.mark.gpu
@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA GPU")
def test_cuda_matches_torch_fused_adam() -> None:
    a, b = _net(0).cuda(), _net(0).cuda()
    ref = torch.optim.Adam(a.parameters(), lr=1e-2, fused=True)
    lean = LeanAdam(b.parameters(), lr=1e-2, fused=True)
    g = torch.Generator(device="cuda").manual_seed(0)
    for _ in range(5):
        x = torch.randn(32, 7, generator=g, device="cuda")
        for net, opt in ((a, ref), (b, lean)):
            opt.zero_grad()
            net(x).pow(2).mean().backward()
            opt.step()
    assert lean._lists is not None
    for p, q in zip(a.parameters(), b.parameters()):
        assert torch.equal(p, q)
