"""Time one conditional-GAN training step beside the bare pass of the same networks.

    .venv/bin/python benchmarks/bench_step.py [--rows 32561] [--batch 500] [--pac 10]
        [--repeats 30] [--device cpu] [--penalty wgan-gp] [--threads 0] [--clock wall|cpu]
        [--no-ema] [--torch-adam]

The table is random data on an Adult-like layout (6 continuous columns as a tanh value plus a
10-mode one-hot, 9 discrete columns with Adult's cardinalities: 170 columns, C = 104).

"step" is ``ConditionalGANEngine.train_step``: drawing conditions, rows, noise and Gumbel
noise, n_critic critic updates with the gradient penalty, one generator update with the
conditional loss, grad norms, the EMA update, the loss dict. "bare" is the same networks'
forward and backward passes with the same losses on pre-made inputs (noise, Gumbel noise,
conditions, real rows and penalty weights made beforehand), no optimizer step; the critic's
dropout is part of its forward pass and draws its masks the same way in both. "bare+adam" adds
the two optimizer steps (the engine's LeanAdam; ``--torch-adam`` also times torch.optim.Adam).
The issue asks step <= 1.15 x bare.

Ratios are printed three ways: of the medians, of the minima, and the median over repeats of
the ratio within a repeat (the three runs of a repeat go back to back, so they meet the same
load on a shared machine: the steadiest of the three).
"""

from __future__ import annotations

import argparse
import statistics
import time

import torch

from tabgan.engines import ConditionalGANEngine
from tabgan.nn.activations import apply_activations, gumbel_noise
from tabgan.nn.losses import conditional_loss
from tabgan.sampling import ConditionSampler
from tabgan.transformers.layout import Layout, Span

ADULT_DISCRETE = {"workclass": 9, "education": 16, "marital-status": 7, "occupation": 15,
                  "relationship": 6, "race": 5, "sex": 2, "native-country": 42, "income": 2}
ADULT_CONTINUOUS = ["age", "fnlwgt", "education-num", "capital-gain", "capital-loss",
                    "hours-per-week"]


def adult_like_layout(modes: int = 10) -> Layout:
    spans = []
    for c in ADULT_CONTINUOUS:
        spans.append(Span(c, "value", 1, "tanh"))
        labels = tuple(f"mode {i}" for i in range(modes))
        spans.append(Span(c, "mode", modes, "softmax", labels=labels))
    for c, k in ADULT_DISCRETE.items():
        spans.append(Span(c, "category", k, "softmax", True, tuple(str(i) for i in range(k))))
    return Layout(tuple(spans))


def random_table(layout: Layout, n: int, generator: torch.Generator) -> torch.Tensor:
    cols = []
    for _, _, s in layout.slices():  # a loop over spans
        if s.activation == "tanh":
            cols.append(torch.rand(n, s.width, generator=generator) * 2 - 1)
        else:  # skewed categories, like real tables
            p = torch.rand(s.width, generator=generator) ** 3 + 1e-3
            idx = torch.multinomial(p, n, replacement=True, generator=generator)
            cols.append(torch.nn.functional.one_hot(idx, s.width).float())
    return torch.cat(cols, 1)  # (N, D)


def bare_pass(engine: ConditionalGANEngine, inputs: dict, optimizer: bool) -> None:
    """The networks' own work for one step (same losses), on pre-made random inputs."""
    g_net, d_net, layout = engine.net_g, engine.net_d, engine.layout
    pac, tau = engine.pac, engine.tau
    cond, drop = inputs["cond"], inputs["dropout"]  # drop: the generator of dropout masks
    for _ in range(engine.n_critic):
        with torch.no_grad():
            fake = apply_activations(g_net(inputs["z"]) + inputs["gumbel"], layout, tau)  # (B, D)
        real_in = torch.cat([inputs["real"], cond], 1)  # (B, D + C)
        fake_in = torch.cat([fake, cond], 1)
        y = d_net(torch.cat([real_in, fake_in]), drop)
        y_real, y_fake = y.chunk(2)
        # The penalty's points: between real and fake packs (WGAN-GP), or between real packs and a
        # perturbation of them (DRAGAN: 0.5 * std * U[0, 1), as the engine's dragan_penalty).
        other = fake_in if engine.penalty == "wgan-gp" else real_in + 0.5 * real_in.std() * inputs["noise"]
        x = (inputs["alpha"] * real_in + (1 - inputs["alpha"]) * other).requires_grad_(True)
        (grad,) = torch.autograd.grad(d_net(x, drop).sum(), x, create_graph=True)
        pen = ((grad.reshape(-1, pac * x.shape[1]).norm(2, dim=1) - 1) ** 2).mean()
        engine.opt_d.zero_grad(set_to_none=True)
        (y_fake.mean() - y_real.mean() + 10 * pen).backward()
        if optimizer:
            engine.opt_d.step()
    raw = g_net(inputs["z"])
    fake = apply_activations(raw + inputs["gumbel"], layout, tau)
    d_net.requires_grad_(False)
    loss = -d_net(torch.cat([fake, cond], 1), drop).mean()
    d_net.requires_grad_(True)
    loss = loss + conditional_loss(raw, cond, inputs["mask"], layout)
    engine.opt_g.zero_grad(set_to_none=True)
    loss.backward()
    if optimizer:
        engine.opt_g.step()


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=32561)
    ap.add_argument("--batch", type=int, default=500)
    ap.add_argument("--pac", type=int, default=10)
    ap.add_argument("--n-critic", type=int, default=1)
    ap.add_argument("--repeats", type=int, default=30)
    ap.add_argument("--device", default="cpu")
    ap.add_argument("--penalty", default="wgan-gp", choices=["wgan-gp", "dragan"])
    ap.add_argument("--discriminator-row-dim", default="128",
                    help="width of the critic's shared row layer, or 'none' (CTGAN's critic)")
    ap.add_argument("--ema", type=float, default=0.995, help="EMA decay (the engine's default)")
    ap.add_argument("--no-ema", action="store_true", help="sample from the live generator")
    ap.add_argument("--threads", type=int, default=0, help="torch CPU threads (0: torch's default)")
    ap.add_argument("--clock", choices=["wall", "cpu"], default="wall",
                    help="cpu: process CPU time, steadier on a shared machine (with --threads 1)")
    ap.add_argument("--torch-adam", action="store_true",
                    help="also time bare+torch-adam: the bare pass with torch.optim.Adam(fused=True)"
                         " in place of the engine's LeanAdam")
    args = ap.parse_args()
    if args.threads:
        torch.set_num_threads(args.threads)

    device = torch.device(args.device)
    row_dim = None if args.discriminator_row_dim.lower() == "none" else int(args.discriminator_row_dim)
    layout = adult_like_layout()
    cpu = torch.Generator().manual_seed(0)
    data = random_table(layout, args.rows, cpu).to(device)
    gen = torch.Generator(device=device).manual_seed(0)
    sampler = ConditionSampler(data, layout)
    engine = ConditionalGANEngine(layout, condition_counts=sampler.counts, batch_size=args.batch,
                                  pac=args.pac, n_critic=args.n_critic, penalty=args.penalty,
                                  discriminator_row_dim=row_dim,
                                  ema=None if args.no_ema else args.ema, device=device,
                                  init_generator=cpu)
    b = args.batch
    draw = sampler.sample_train(b, gen)
    inputs = {
        "z": torch.cat([torch.randn(b, engine.embedding_dim, generator=gen, device=device),
                        draw.cond], 1),
        "cond": draw.cond,
        "mask": draw.mask,
        "gumbel": gumbel_noise((b, layout.width), gen, device),
        "real": data[draw.rows],
        "dropout": torch.Generator(device=device).manual_seed(1),
        "alpha": torch.rand(b // args.pac, 1, 1, generator=gen, device=device)
        .expand(b // args.pac, args.pac, layout.width + layout.condition_width)
        .reshape(b, -1),
        "noise": torch.rand(b, layout.width + layout.condition_width, generator=gen, device=device),
    }

    def sync() -> None:
        if device.type == "cuda":
            torch.cuda.synchronize()

    runs = {
        "step": lambda: engine.train_step(sampler, gen),
        "bare": lambda: bare_pass(engine, inputs, optimizer=False),
        "bare+adam": lambda: bare_pass(engine, inputs, optimizer=True),
    }
    if args.torch_adam:
        lean = engine.opt_g, engine.opt_d
        plain = tuple(torch.optim.Adam(o.params, lr=o.lr, betas=o.betas, fused=True,
                                       weight_decay=o.weight_decay)
                      for o in lean)

        def with_torch_adam() -> None:
            engine.opt_g, engine.opt_d = plain
            try:
                bare_pass(engine, inputs, optimizer=True)
            finally:
                engine.opt_g, engine.opt_d = lean

        runs["bare+torch-adam"] = with_torch_adam
    times: dict[str, list[float]] = {k: [] for k in runs}
    for _ in range(5):  # warm-up
        for f in runs.values():
            f()
    sync()
    clock = time.process_time if args.clock == "cpu" else time.perf_counter
    for _ in range(args.repeats):  # interleaved, so load changes hit all three alike
        for k, f in runs.items():
            t = clock()
            f()
            sync()
            times[k].append(clock() - t)
    med = {k: statistics.median(v) * 1e3 for k, v in times.items()}
    best = {k: min(v) * 1e3 for k, v in times.items()}
    print(f"device={device} threads={torch.get_num_threads()} D={layout.width} "
          f"C={layout.condition_width} rows={args.rows} batch={b} pac={args.pac} "
          f"n_critic={args.n_critic} penalty={args.penalty} ema={engine.ema} row_dim={row_dim} "
          f"clock={args.clock}")
    print(f"{'':>15}  {'median':>9}  {'min':>9}   ({args.repeats} interleaved repeats)")
    for k in runs:
        print(f"{k:>15}: {med[k]:6.2f} ms  {best[k]:6.2f} ms")
    for k in runs:
        if k.startswith("bare+"):
            extra = statistics.median(a - b for a, b in zip(times[k], times["bare"])) * 1e3
            print(f"{k[5:]:>15} steps: {extra:5.2f} ms a step (paired median over bare)")
    for ref in ("bare", "bare+adam"):
        # Each repeat times all three back to back: the ratio within a repeat pairs runs
        # that met the same load, steadier than a ratio of medians on a shared machine.
        paired = statistics.median(s / r for s, r in zip(times["step"], times[ref]))
        print(f"step / {ref:<9} = {med['step'] / med[ref]:.3f} (median)  "
              f"{best['step'] / best[ref]:.3f} (min)  {paired:.3f} (paired median)")

if __name__ == "__main__":
    main()
