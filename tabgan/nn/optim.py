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

__all__ = ["LeanAdam", "make_adam"]


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
