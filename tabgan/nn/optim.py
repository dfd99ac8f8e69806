"""Adam on torch's fused kernel, without ``torch.optim``: the same steps, bit for bit.

Two costs of ``torch.optim.Adam`` made this class:

- Its ``step`` walks every parameter in Python on every call (grad checks, state look-ups, lists
  rebuilt, grouping by device) before its one fused kernel. For the GAN's 18 tensors that walk
  was a third of the optimizer's time on this project's CPU: the two optimizer steps (and their
  zero_grad) of a training step on Adult's networks took 2.6-2.8 ms through ``torch.optim.Adam``
  and 1.7-2.1 ms on the lists below (paired medians over the bare pass, 2 threads,
  ``benchmarks/bench_step.py --torch-adam``).
- Every ``torch.optim.Optimizer`` method imports ``torch._dynamo`` on first use (torch wraps them
  to keep ``torch.compile`` out): 3.2 s of a fresh process on this 2-core machine, paid by every
  ``tabgan fit`` and by every ``tabgan.load``, which builds the engines' optimizers.

``LeanAdam`` keeps the moments and step counters as torch's fused Adam makes them (float32
scalar steps on the parameter's device, moments shaped like the parameter) and calls the same
kernel on lists made once; a parameter without a gradient is skipped and its counter stays, as in
torch. Only plain Adam with L2 weight decay, one parameter group and no closure: what the
engines use. ``make_adam`` falls back to ``torch.optim.Adam`` where the build has no fused kernel
for the device.
"""

from __future__ import annotations

from typing import Any

import torch
from torch import Tensor

__all__ = ["LeanAdam", "load_moments", "make_adam", "moments"]


class LeanAdam:
    """Adam (``torch.optim.Adam(fused=True)``'s steps) over ``params``; ``lr`` is read each step."""

    def __init__(self, params: list[torch.nn.Parameter], lr: float = 1e-3,
                 betas: tuple[float, float] = (0.9, 0.999), eps: float = 1e-8,
                 weight_decay: float = 0.0) -> None:
        self.params = list(params)
        self.lr, self.betas, self.eps, self.weight_decay = lr, tuple(betas), eps, weight_decay
        self.exp_avgs = [torch.zeros_like(p, memory_format=torch.preserve_format) for p in self.params]
        self.exp_avg_sqs = [torch.zeros_like(p, memory_format=torch.preserve_format) for p in self.params]
        self.steps = [torch.zeros((), dtype=torch.float32, device=p.device) for p in self.params]

    @torch.no_grad()
    def step(self) -> None:
        grads = [p.grad for p in self.params]
        if all(g is not None for g in grads):
            lists = (self.params, grads, self.exp_avgs, self.exp_avg_sqs, self.steps)
        else:  # torch steps only the parameters that have a gradient
            live = [i for i, g in enumerate(grads) if g is not None]  # a loop over parameters
            lists = tuple([seq[i] for i in live] for seq in  # type: ignore[assignment]
                          (self.params, grads, self.exp_avgs, self.exp_avg_sqs, self.steps))
        params, grads, exp_avgs, exp_avg_sqs, steps = lists
        if not params:
            return
        torch._foreach_add_(steps, 1)  # as torch's fused Adam: the kernel reads the new step
        torch._fused_adam_(params, grads, exp_avgs, exp_avg_sqs, [], steps, lr=self.lr,
                           beta1=self.betas[0], beta2=self.betas[1], weight_decay=self.weight_decay,
                           eps=self.eps, amsgrad=False, maximize=False)

    def zero_grad(self, set_to_none: bool = True) -> None:
        for p in self.params:  # a loop over parameters, as torch's
            if set_to_none:
                p.grad = None
            elif p.grad is not None:
                p.grad.detach_().zero_()

    def state_dict(self) -> dict[str, Any]:
        """Moments, step counters and settings (tensors, floats: ``weights_only``-loadable)."""
        return {"exp_avg": [t.clone() for t in self.exp_avgs],
                "exp_avg_sq": [t.clone() for t in self.exp_avg_sqs],
                "step": [t.clone() for t in self.steps],
                "lr": self.lr, "betas": list(self.betas), "eps": self.eps, "weight_decay": self.weight_decay}

    def load_state_dict(self, state: dict[str, Any]) -> None:
        """A ``state_dict()`` of an optimizer over parameters of the same shapes (from any
        device: moments go where the parameters are)."""
        if len(state["step"]) != len(self.params):
            raise ValueError(f"state for {len(state['step'])} parameters, this optimizer has {len(self.params)}")
        self.exp_avgs = [t.to(p.device, p.dtype).clone() for t, p in zip(state["exp_avg"], self.params)]
        self.exp_avg_sqs = [t.to(p.device, p.dtype).clone() for t, p in zip(state["exp_avg_sq"], self.params)]
        self.steps = [t.to(p.device, torch.float32).clone() for t, p in zip(state["step"], self.params)]
        self.lr, self.betas = state["lr"], tuple(state["betas"])
        self.eps, self.weight_decay = state["eps"], state["weight_decay"]


def make_adam(params: list[torch.nn.Parameter], lr: float, betas: tuple[float, float],
              weight_decay: float) -> LeanAdam | torch.optim.Adam:
    """A ``LeanAdam`` where torch has the fused kernel for the parameters' device (CUDA, and CPU
    since torch 2.4; ~10x faster than foreach on the CPU for the GAN's ~1M-parameter networks),
    a plain ``torch.optim.Adam`` elsewhere."""
    from torch.utils._foreach_utils import _get_fused_kernels_supported_devices

    devices = {p.device.type for p in params}
    fused = hasattr(torch, "_fused_adam_") and devices <= set(_get_fused_kernels_supported_devices()) \
        and all(p.is_floating_point() for p in params)
    if fused:
        return LeanAdam(params, lr=lr, betas=betas, weight_decay=weight_decay)
    return torch.optim.Adam(params, lr=lr, betas=betas, weight_decay=weight_decay)


def _params(opt: LeanAdam | torch.optim.Adam) -> list[torch.nn.Parameter]:
    return opt.params if isinstance(opt, LeanAdam) else list(opt.param_groups[0]["params"])


def moments(opt: LeanAdam | torch.optim.Adam) -> dict[str, Tensor]:
    """Where training stands in either Adam, as plain tensors: ``{"i.exp_avg", "i.exp_avg_sq",
    "i.step"}`` for parameter i (zeros and step 0 for one not stepped yet). The settings (lr,
    betas, ...) stay out: they are the engine's parameters."""
    if isinstance(opt, LeanAdam):
        triples = list(zip(opt.exp_avgs, opt.exp_avg_sqs, opt.steps))
    else:
        triples = []
        for p in _params(opt):
            st = opt.state.get(p, {})
            step = torch.as_tensor(st.get("step", 0.0), dtype=torch.float32)
            triples.append((st.get("exp_avg", torch.zeros_like(p)), st.get("exp_avg_sq", torch.zeros_like(p)), step))
    out: dict[str, Tensor] = {}
    for i, (m, v, t) in enumerate(triples):
        out[f"{i}.exp_avg"], out[f"{i}.exp_avg_sq"] = m.detach().clone(), v.detach().clone()
        out[f"{i}.step"] = t.detach().reshape(()).to(torch.float32).clone()
    return out


def load_moments(opt: LeanAdam | torch.optim.Adam, state: dict[str, Tensor]) -> None:
    """Put ``moments()`` of an Adam over parameters of the same shapes (from any device, from
    either class) into ``opt``; its own settings stay. ValueError when the shapes or dtypes differ."""
    params = _params(opt)
    expected = {f"{i}.{k}" for i in range(len(params)) for k in ("exp_avg", "exp_avg_sq", "step")}
    if set(state) != expected:
        raise ValueError(f"moments of {len(state) // 3} parameters; this optimizer has {len(params)}")
    for i, p in enumerate(params):
        for k in ("exp_avg", "exp_avg_sq"):
            if state[f"{i}.{k}"].shape != p.shape:
                raise ValueError(f"{k} of parameter {i} has shape {tuple(state[f'{i}.{k}'].shape)}; "
                                 f"the parameter has {tuple(p.shape)}")
            if state[f"{i}.{k}"].dtype != p.dtype:  # the cast would make other numbers of the bytes
                raise ValueError(f"{k} of parameter {i} is {state[f'{i}.{k}'].dtype}; the parameter is {p.dtype}")
        if not state[f"{i}.step"].is_floating_point():
            raise ValueError(f"step of parameter {i} is {state[f'{i}.step'].dtype}, not a float")
    m = [state[f"{i}.exp_avg"].to(p.device, p.dtype).clone() for i, p in enumerate(params)]
    v = [state[f"{i}.exp_avg_sq"].to(p.device, p.dtype).clone() for i, p in enumerate(params)]
    if isinstance(opt, LeanAdam):
        opt.exp_avgs, opt.exp_avg_sqs = m, v
        opt.steps = [state[f"{i}.step"].to(p.device, torch.float32).clone() for i, p in enumerate(params)]
        return
    for i, p in enumerate(params):  # torch's non-fused Adam keeps float32 steps on the CPU
        opt.state[p] = {"step": state[f"{i}.step"].to("cpu", torch.float32).clone(),
                        "exp_avg": m[i], "exp_avg_sq": v[i]}
