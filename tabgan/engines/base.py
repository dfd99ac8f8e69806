"""What every GAN engine shares: the two networks, their optimizers, the penalty, the EMA of the
generator, generation in chunks, state dicts of plain tensors and device moves.

An engine is the *algorithm*: it knows the networks and one training step, not the loop
(epochs, callbacks, NaN checks) nor pandas. ``train_step`` returns detached 0-d loss tensors
and never synchronises with the host, so a loop can stack them and sync once per epoch.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Sequence
from typing import Any, Literal

import torch
from torch import Tensor, nn

from tabgan.errors import ModelFileError, ParameterError
from tabgan.nn.activations import apply_activations, draw_plan, draw_planned, expand_compact
from tabgan.nn.bits import quantile_draws, quantile_noise
from tabgan.nn.layers import Critic, FrozenGenerator, Generator, init_linear_
from tabgan.nn.losses import critic_loss, dragan_penalty, gradient_penalty
from tabgan.nn.optim import load_moments, make_adam, moments
from tabgan.transformers.layout import Layout

__all__ = ["GANEngine", "Penalty"]

Penalty = Literal["wgan-gp", "dragan"]

LOSS_KEYS = (
    "critic_loss",
    "generator_loss",
    "wasserstein",
    "gradient_penalty",
    "conditional_loss",
    "critic_grad_norm",
    "generator_grad_norm",
)


CONFIG_KEYS = (
    "batch_size",
    "embedding_dim",
    "generator_dim",
    "discriminator_dim",
    "discriminator_row_dim",
    "generator_lr",
    "generator_betas",
    "generator_decay",
    "discriminator_lr",
    "discriminator_betas",
    "discriminator_decay",
    "pac",
    "n_critic",
    "penalty",
    "penalty_weight",
    "penalty_every",
    "tau",
    "ema",
    "chunk_size",
)


def _grad_norm(params: Sequence[nn.Parameter]) -> Tensor:
    grads = [p.grad for p in params if p.grad is not None]
    return torch.linalg.vector_norm(torch.stack(torch._foreach_norm(grads))).detach()


def _same_keys(state: dict[str, Tensor], expected: dict[str, Tensor]) -> None:
    """ModelFileError naming what ``state`` lacks and has too many of, unless its keys are
    ``expected``'s."""
    if set(state) != set(expected):
        missing, unexpected = sorted(set(expected) - set(state)), sorted(set(state) - set(expected))
        raise ModelFileError(f"engine state does not match: missing={missing[:5]} unexpected={unexpected[:5]}")


def _beside(x: Tensor, cond: Tensor) -> Tensor:
    """x (B, W) and cond (B, C) side by side (B, W + C); x itself when C == 0 (no copy)."""
    return x if cond.shape[1] == 0 else torch.cat([x, cond], dim=1)


def build_networks(width: int, cond_width: int, embedding_dim: int, generator_dim: Sequence[int],
                   discriminator_dim: Sequence[int], pac: int, discriminator_row_dim: int | None
                   ) -> tuple[Generator, Critic]:
    """The generator (noise and condition bits -> a row ``width`` wide) and the critic (a pack of
    ``pac`` rows beside their condition bits -> a score) of an engine, weights not drawn yet."""
    net_g = Generator(embedding_dim + cond_width, tuple(generator_dim), width)
    net_d = Critic(width + cond_width, tuple(discriminator_dim), pac, row_dim=discriminator_row_dim)
    return net_g, net_d


def network_shapes(width: int, cond_width: int, *, embedding_dim: int, generator_dim: Sequence[int],
                   discriminator_dim: Sequence[int], pac: int, discriminator_row_dim: int | None,
                   ema: float | None) -> dict[str, tuple[tuple[int, ...], torch.dtype]]:
    """{state_dict name: (shape, dtype)} of every network tensor an engine of these sizes holds, for a
    layout ``width`` wide with ``cond_width`` condition bits: the networks are built on torch's
    meta device, so no memory is taken however large the sizes (a model file's, checked before
    anything is allocated for them)."""
    with torch.device("meta"):
        net_g, net_d = build_networks(width, cond_width, embedding_dim, generator_dim, discriminator_dim, pac,
                                      discriminator_row_dim)
    specs = {f"net_g.{k}": (tuple(v.shape), v.dtype) for k, v in net_g.state_dict().items()}
    if ema is not None:
        specs.update({f"net_g_ema.{k}": (tuple(v.shape), v.dtype) for k, v in net_g.state_dict().items()})
    specs.update({f"net_d.{k}": (tuple(v.shape), v.dtype) for k, v in net_d.state_dict().items()})
    return specs


class GANEngine:
    """Base of the engines; see ConditionalGANEngine and WGANGPEngine for the steps.

    Parameters are stored verbatim (``self.<name>``); the networks are ``net_g`` (generator),
    ``net_d`` (critic) and ``net_g_ema`` (the moving average, or None).
    """

    def __init__(
        self,
        layout: Layout,
        *,
        cond_width: int,
        batch_size: int,
        embedding_dim: int,
        generator_dim: Sequence[int],
        discriminator_dim: Sequence[int],
        discriminator_row_dim: int | None,
        generator_lr: float,
        generator_betas: tuple[float, float],
        generator_decay: float,
        discriminator_lr: float,
        discriminator_betas: tuple[float, float],
        discriminator_decay: float,
        pac: int,
        n_critic: int,
        penalty: Penalty,
        penalty_weight: float,
        penalty_every: int,
        tau: float,
        ema: float | None,
        chunk_size: int,
        device: torch.device | str,
        init_generator: torch.Generator | None,
    ) -> None:
        self.layout = layout
        self.batch_size, self.embedding_dim = batch_size, embedding_dim
        self.generator_dim, self.discriminator_dim = tuple(generator_dim), tuple(discriminator_dim)
        self.discriminator_row_dim = discriminator_row_dim
        self.generator_lr, self.generator_betas = generator_lr, tuple(generator_betas)
        self.generator_decay = generator_decay
        self.discriminator_lr = discriminator_lr
        self.discriminator_betas = tuple(discriminator_betas)
        self.discriminator_decay = discriminator_decay
        self.pac, self.n_critic = pac, n_critic
        self.penalty, self.penalty_weight = penalty, penalty_weight
        self.penalty_every = penalty_every
        self.tau, self.ema, self.chunk_size = tau, ema, chunk_size
        self.device = torch.device(device)
        self._check()
        g = init_generator
        if g is None:  # a non-deterministic init: pass a seeded generator for a reproducible fit
            g = torch.Generator()
            g.seed()
        self.cond_width = cond_width
        self.net_g, self.net_d = build_networks(layout.width, cond_width, embedding_dim, self.generator_dim,
                                                self.discriminator_dim, pac, discriminator_row_dim)
        init_linear_(self.net_g, g)
        init_linear_(self.net_d, g)
        self.net_g.to(self.device).train()
        self.net_d.to(self.device).train()
        self.net_g_ema = None
        if ema is not None:
            self.net_g_ema = copy.deepcopy(self.net_g).eval().requires_grad_(False)
        self._ema_updates = 0
        self._critic_updates = 0  # a Python int: which updates carry the penalty, no sync
        self._last_penalty = torch.zeros((), device=self.device)  # logged on updates without one
        self._frozen_cache: tuple[tuple, FrozenGenerator] | None = None  # see _frozen
        self.opt_g = make_adam(list(self.net_g.parameters()), generator_lr, self.generator_betas,
                               generator_decay)
        self.opt_d = make_adam(list(self.net_d.parameters()), discriminator_lr,
                               self.discriminator_betas, discriminator_decay)
        self._cache_tensor_lists()

    def _cache_tensor_lists(self) -> None:
        """Parameter and buffer lists, walked once instead of once per step."""
        self._g_params = list(self.net_g.parameters())
        self._d_params = list(self.net_d.parameters())
        if self.net_g_ema is not None:
            self._ema_params = list(self.net_g_ema.parameters())
            pairs = zip(self.net_g_ema.buffers(), self.net_g.buffers())
            self._ema_float = [(e, b) for e, b in pairs if e.is_floating_point()]
            pairs = zip(self.net_g_ema.buffers(), self.net_g.buffers())
            self._ema_other = [(e, b) for e, b in pairs if not e.is_floating_point()]

    def _check(self) -> None:
        def positive(name: str, value: float) -> None:
            if not value > 0:
                raise ParameterError(f"{name}={value!r} must be > 0")

        for name in ("batch_size", "embedding_dim", "pac", "n_critic", "penalty_every", "chunk_size",
                     "tau"):
            positive(name, getattr(self, name))
        positive("generator_lr", self.generator_lr)
        positive("discriminator_lr", self.discriminator_lr)
        if self.batch_size % self.pac:
            raise ParameterError(
                f"batch_size={self.batch_size} must be divisible by pac={self.pac}")
        if self.penalty not in ("wgan-gp", "dragan"):
            raise ParameterError(f"penalty={self.penalty!r} must be 'wgan-gp' or 'dragan'")
        if self.penalty_weight < 0:
            raise ParameterError(f"penalty_weight={self.penalty_weight!r} must be >= 0")
        row = self.discriminator_row_dim
        if row is not None and (isinstance(row, bool) or not isinstance(row, int) or row <= 0):
            raise ParameterError(f"discriminator_row_dim={row!r} must be None or a positive integer")
        if self.ema is not None and not 0.0 <= self.ema < 1.0:
            raise ParameterError(f"ema={self.ema!r} must be None or in [0, 1)")
        for name in ("generator_dim", "discriminator_dim"):
            if any(int(d) <= 0 for d in getattr(self, name)):
                raise ParameterError(f"{name}={getattr(self, name)!r} must hold positive widths")
        for name in ("generator_betas", "discriminator_betas"):
            b = getattr(self, name)
            if len(b) != 2 or not all(0.0 <= x < 1.0 for x in b):
                raise ParameterError(f"{name}={b!r} must be two numbers in [0, 1)")

    # ------------------------------------------------------------------ one step
    def _noise(self, batch: int, generator: torch.Generator) -> Tensor:
        """(batch, E) latent noise for generation (a training step draws its own with its Gumbel
        noise, ``_step_noise``): standard normal, as 65,536 quantiles (see ``nn.bits``).

        NOTE[DIFF]: CTGAN draws torch.normal. A quantile costs a 16-bit draw and a look-up:
        0.55-0.70 ms against torch.randn's 0.86-0.93 for a step's 128,000 numbers on this
        project's CPU (2 threads). The law is cut at +-4.33; sampling uses the same law, so the
        generator never meets a latent it was not trained on.
        """
        return quantile_noise("normal", (batch, self.embedding_dim), generator, self.device)

    def _step_noise(self, rows: int, generator: torch.Generator) -> tuple[Tensor, Tensor]:
        """A training step's latent noise (rows, E) and Gumbel noise (rows, D), in one draw
        (``quantile_draws``): the same laws as ``_noise`` and ``gumbel_noise``."""
        noise, gumbel = quantile_draws(
            [("normal", (rows, self.embedding_dim)), ("gumbel", (rows, self.layout.width))],
            generator, self.device)
        return noise, gumbel  # ((rows, E), (rows, D))

    def _fake(self, z: Tensor, gumbel: Tensor) -> tuple[Tensor, Tensor]:
        """(raw, activated) fake rows from the generator's input z (B, E + C: latent noise and
        conditions side by side) and the Gumbel noise (B, D) of their softmax spans."""
        raw = self.net_g(z)  # (B, D)
        return raw, apply_activations(raw, self.layout, self.tau, gumbel=gumbel)

    def _critic_step(self, real: Tensor, cond_real: Tensor, z: Tensor, cond_fake: Tensor,
                     gumbel: Tensor, generator: torch.Generator) -> dict[str, Tensor]:
        """One critic update: real (B, D) with cond_real (B, C) against fakes made from z (B,
        E + C: noise and cond_fake (B, C) side by side) and Gumbel noise gumbel (B, D);
        generator draws the critic's dropout masks and the penalty's mixing weights.

        Same mathematics as CTGAN's step, cheaper: the fakes are made without a graph (the
        critic update never needs one through the generator), real and fake packs go through
        the critic in one call, and the loss and the penalty share one backward pass.

        NOTE[DIFF]: with ``penalty_every=k`` > 1 the penalty (its double backward is about a
        fifth of a step) is computed on one update in k, weighted k times (StyleGAN2's lazy
        regularisation); CTGAN computes it on every update, as the default k=1 does. Measured
        on Adult's layout (2 threads): 25.4 ms a step at k=1, 21.9 at k=2, 20.2 at k=4.
        """
        with torch.no_grad():
            _, fake = self._fake(z, gumbel)  # (B, D)
        real_in = _beside(real, cond_real)  # (B, D + C)
        fake_in = _beside(fake, cond_fake)  # (B, D + C)
        # One forward over both halves: packs never straddle them since B % pac == 0.
        y = self.net_d(torch.cat([real_in, fake_in]), generator)  # (2B/pac, 1)
        y_real, y_fake = y.chunk(2)
        loss, w = critic_loss(y_real, y_fake)

        def critic(x: Tensor) -> Tensor:
            return self.net_d(x, generator)

        total = loss
        if self._critic_updates % self.penalty_every == 0:
            if self.penalty == "wgan-gp":
                pen = gradient_penalty(critic, real_in, fake_in, self.pac, generator)
            else:
                pen = dragan_penalty(critic, real_in, self.pac, generator)
            self._last_penalty = pen.detach()
            total = loss + self.penalty_weight * self.penalty_every * pen
        self._critic_updates += 1
        self.opt_d.zero_grad(set_to_none=True)
        total.backward()
        norm = _grad_norm(self._d_params)
        self.opt_d.step()
        return {"critic_loss": loss.detach(), "wasserstein": w.detach(),
                "gradient_penalty": self._last_penalty, "critic_grad_norm": norm}

    def _generator_step(self, z: Tensor, cond: Tensor, gumbel: Tensor,
                        extra_loss: Callable[[Tensor], Tensor], generator: torch.Generator
                        ) -> dict[str, Tensor]:
        """One generator update from z (B, E + C: noise and cond (B, C) side by side) and
        Gumbel noise (B, D); extra_loss(raw) -> 0-d; generator draws the critic's dropout masks."""
        raw, fake = self._fake(z, gumbel)  # (B, D), (B, D)
        # The critic's own weights need no gradient here: skip computing them.
        for p in self._d_params:
            p.requires_grad_(False)
        try:
            y_fake = self.net_d(_beside(fake, cond), generator)  # (B/pac, 1)
        finally:
            for p in self._d_params:
                p.requires_grad_(True)
        adv = -y_fake.mean()
        extra = extra_loss(raw)
        self.opt_g.zero_grad(set_to_none=True)
        (adv + extra).backward()
        norm = _grad_norm(self._g_params)
        self.opt_g.step()
        self._update_ema()
        return {"generator_loss": (adv + extra).detach(), "conditional_loss": extra.detach(),
                "generator_grad_norm": norm}

    @staticmethod
    def _merge(critic_logs: list[dict[str, Tensor]], gen_log: dict[str, Tensor]
               ) -> dict[str, Tensor]:
        """Critic figures averaged over the n_critic updates, then the generator's."""
        if len(critic_logs) == 1:  # n_critic=1, the default: nothing to average
            out = dict(critic_logs[0])
        else:
            out = {k: torch.stack([c[k] for c in critic_logs]).mean() for k in critic_logs[0]}
        out.update(gen_log)
        return {k: out[k] for k in LOSS_KEYS}

    # ------------------------------------------------------------------ EMA
    @torch.no_grad()
    def _update_ema(self) -> None:
        """net_g_ema <- d * net_g_ema + (1 - d) * net_g, buffers included.

        d = min(ema, (1 + t) / (10 + t)) after t updates, so the average forgets the random
        initial weights within the first few dozen steps (a short fit still samples well).
        """
        if self.net_g_ema is None:
            return
        t = self._ema_updates
        decay = min(self.ema, (1 + t) / (10 + t))
        self._ema_updates = t + 1  # a Python int: no device work, no sync
        torch._foreach_lerp_(self._ema_params, self._g_params, 1.0 - decay)
        for e, b in self._ema_float:  # BatchNorm running statistics
            e.lerp_(b, 1.0 - decay)
        for e, b in self._ema_other:  # BatchNorm batch counters
            e.copy_(b)

    # ------------------------------------------------------------------ generation
    def _sampling_net(self) -> nn.Module:
        return getattr(self, self._sampling_name())

    def _frozen(self, dtype: torch.dtype) -> FrozenGenerator:
        """The sampling network's FrozenGenerator (outputs in ``draw_plan`` order), kept while
        none of its tensors changes: the key holds every tensor's storage and version counter,
        which each in-place update (an optimizer step, the moving average, a loaded state)
        moves. Building one takes 2.4 ms on Adult's network, a fourth of a 1-row sample."""
        net = self._sampling_net()
        tensors = [*net.parameters(), *net.buffers()]
        key = (dtype, self.device, id(net), tuple((t.data_ptr(), t._version) for t in tensors))
        cached = self._frozen_cache
        if cached is not None and cached[0] == key:
            return cached[1]
        plan = draw_plan(self.layout, self.device)  # cached per layout: tanh spans first
        exact = torch.arange(plan.tanh_span.shape[0], device=self.device)  # (X,) their positions
        frozen = FrozenGenerator(net, dtype, exact_cols=exact, cond_width=self.cond_width,
                                 out_cols=plan.columns)
        self._frozen_cache = (key, frozen)
        return frozen

    def _generate(self, n: int, cond_for: Callable[[int, int], Tensor | None],
                  generator: torch.Generator, dtype: torch.dtype = torch.float32,
                  compact: bool = False) -> Tensor:
        """(n, D) hard one-hots and tanh values; cond_for(start, m) gives the conditions of rows
        start..start+m in a form ``FrozenGenerator`` takes: (m,) slots, a (C,) vector for every
        row, an (m, C) matrix, or None.

        dtype: what the network computes in (see ``FrozenGenerator``); outputs are float32.
        compact: (n, S) instead, a tanh value or a drawn slot per span (``draw_compact``); the
        same rows for the same generator.

        NOTE[DIFF]: CTGAN samples with BatchNorm in train mode (batch statistics, so a row
        depends on the other rows of its batch); here BatchNorm uses its running statistics
        (folded into the weights), and each softmax span is drawn from softmax(logits) by inverse
        CDF, the law of CTGAN's argmax of a Gumbel-softmax sample.
        """
        with torch.inference_mode():
            frozen = self._frozen(dtype)
            width = len(self.layout.spans) if compact else self.layout.width
            out = torch.empty(n, width, device=self.device)  # (n, S) or (n, D)
            for start in range(0, n, self.chunk_size):  # chunks, never rows
                m = min(self.chunk_size, n - start)
                cond = cond_for(start, m)  # (m,), (C,), (m, C) or None
                planned = frozen(self._noise(m, generator), cond, transposed=True)  # (D', m)
                rows = draw_planned(planned, self.layout, generator)  # (m, S)
                out[start:start + m] = rows if compact else expand_compact(rows, self.layout)
        return out

    # ------------------------------------------------------------------ state
    def _modules(self) -> dict[str, nn.Module]:
        mods = {"net_g": self.net_g, "net_d": self.net_d}
        if self.net_g_ema is not None:
            mods["net_g_ema"] = self.net_g_ema
        return mods

    def _extra_state(self) -> dict[str, Tensor]:
        return {}

    def _load_extra_state(self, state: dict[str, Tensor]) -> None:
        pass

    def state_dict(self) -> dict[str, Tensor]:
        """Flat {name: tensor} of every network's weights and buffers (plain, detached tensors):
        ``torch.save`` it and read it back with ``torch.load(weights_only=True)``."""
        out = {f"{m}.{k}": v.detach().clone()
               for m, mod in self._modules().items() for k, v in mod.state_dict().items()}
        if self.net_g_ema is not None:
            out["ema_updates"] = torch.tensor(self._ema_updates, dtype=torch.long)
        out.update(self._extra_state())
        return out

    def load_state_dict(self, state: dict[str, Tensor]) -> None:
        """Load a state_dict() (from any device) into this engine's networks, on its device.

        Raises ModelFileError when keys or shapes do not match this engine's configuration.
        """
        _same_keys(state, self.state_dict())
        try:
            for m, mod in self._modules().items():
                prefix = m + "."
                sub = {k[len(prefix):]: v for k, v in state.items() if k.startswith(prefix)}
                mod.load_state_dict(sub, strict=True)
        except RuntimeError as exc:  # a shape mismatch
            raise ModelFileError(f"engine state does not match: {exc}".splitlines()[0]) from None
        if "ema_updates" in state:
            self._ema_updates = int(state["ema_updates"])
        known = {k for k in state if k.split(".", 1)[0] in self._modules() or k == "ema_updates"}
        self._load_extra_state({k: v for k, v in state.items() if k not in known})

    def _sampling_name(self) -> str:
        return "net_g_ema" if self.net_g_ema is not None else "net_g"

    def sampling_state_dict(self) -> dict[str, Tensor]:
        """What generating rows reads, and nothing that training alone needs: the sampling
        network's weights (the moving average, when there is one) and the extra state; no critic,
        no live generator behind a moving average, no moments."""
        name = self._sampling_name()
        out = {f"{name}.{k}": v.detach().clone() for k, v in self._sampling_net().state_dict().items()}
        out.update(self._extra_state())
        return out

    def load_sampling_state_dict(self, state: dict[str, Tensor]) -> None:
        """Load a ``sampling_state_dict()``; the generator gets the sampling network's weights
        too, and the critic keeps its initial ones (such an engine generates, it does not train)."""
        _same_keys(state, self.sampling_state_dict())
        name = self._sampling_name()
        weights = {k[len(name) + 1:]: v for k, v in state.items() if k.startswith(name + ".")}
        try:
            for mod in (self.net_g,) if self.net_g_ema is None else (self.net_g_ema, self.net_g):
                mod.load_state_dict(weights, strict=True)
        except RuntimeError as exc:  # a shape mismatch
            raise ModelFileError(f"engine state does not match: {exc}".splitlines()[0]) from None
        self._load_extra_state({k: v for k, v in state.items() if not k.startswith(name + ".")})

    def get_config(self) -> dict[str, Any]:
        """Constructor keyword arguments (JSON-able; the layout, device and generator aside):
        ``type(engine)(layout, **engine.get_config())`` rebuilds an engine of the same shape."""
        out: dict[str, Any] = {}
        for name in CONFIG_KEYS:
            v = getattr(self, name)
            out[name] = list(v) if isinstance(v, tuple) else v
        return out

    def moments(self) -> dict[str, Tensor]:
        """Where training stands beyond the weights, as flat tensors (``torch.load(weights_only=
        True)``-able): the Adam moments and step counters of both networks (``opt_g.*``,
        ``opt_d.*``; see ``tabgan.nn.optim.moments``) and the critic updates made so far, which
        decide the ones that carry a lazy penalty."""
        out = {f"opt_g.{k}": v for k, v in moments(self.opt_g).items()}
        out.update({f"opt_d.{k}": v for k, v in moments(self.opt_d).items()})
        out["critic_updates"] = torch.tensor(self._critic_updates, dtype=torch.long)
        out["last_penalty"] = self._last_penalty.detach().clone()  # what updates without one log
        return out

    def load_moments(self, state: dict[str, Tensor]) -> None:
        """Put ``moments()`` of an engine of the same shapes into this one; its settings (learning
        rates, betas, decay) stay. ModelFileError when they do not fit its networks."""
        try:
            for name, opt in (("opt_g", self.opt_g), ("opt_d", self.opt_d)):
                prefix = name + "."
                load_moments(opt, {k[len(prefix):]: v for k, v in state.items() if k.startswith(prefix)})
            updates, penalty = int(state["critic_updates"]), state["last_penalty"].reshape(())
        except (KeyError, ValueError, RuntimeError) as exc:
            raise ModelFileError(f"optimizer state does not match: {exc}") from None
        self._critic_updates, self._last_penalty = updates, penalty.to(self.device, torch.float32)

    def snapshot(self) -> tuple[dict[str, Tensor], dict[str, Tensor]]:
        """Weights and moments, for ``restore``: what a diverged epoch goes back to, moments
        included, so that training can go on from there (a NaN step leaves NaN moments)."""
        return self.state_dict(), self.moments()

    def restore(self, snapshot: tuple[dict[str, Tensor], dict[str, Tensor]]) -> None:
        weights, adam = snapshot
        self.load_state_dict(weights)
        self.load_moments(adam)

    def continue_from(self, other: GANEngine) -> None:
        """Take over the training of ``other``, an engine of the same shapes: its weights, moving
        average and moments, so that steps of this engine carry on where ``other``'s stopped.
        This engine keeps its own settings and extra state (the condition counts of the table it
        now trains on)."""
        self.load_state_dict({**other.state_dict(), **self._extra_state()})
        self.load_moments(other.moments())

    def to(self, device: torch.device | str) -> GANEngine:
        """Move networks, optimizer moments and state to ``device``; returns self."""
        self.device = torch.device(device)
        for mod in self._modules().values():
            mod.to(self.device)
        for opt in (self.opt_g, self.opt_d):
            # A state_dict round trip lets Adam move its moments (and, fused, its step
            # counters) to where the moved parameters now live.
            opt.load_state_dict(opt.state_dict())
        self._cache_tensor_lists()  # .to() makes new buffer tensors
        self._last_penalty = self._last_penalty.to(self.device)
        self._move_extra(self.device)
        return self

    def _move_extra(self, device: torch.device) -> None:
        pass
