"""Engines: the training step, generation, determinism, state dicts and devices."""

from __future__ import annotations

import json

import pytest
import torch

from tabgan.engines import ConditionalGANEngine, WGANGPEngine
from tabgan.engines.base import LOSS_KEYS
from tabgan.errors import ConditionError, ModelFileError, ParameterError
from tabgan.nn.activations import expand_compact
from tabgan.sampling import ConditionSampler, condition_vector
from tabgan.transformers.layout import Layout, Span

LAYOUT = Layout((
    Span("x", "value", 1, "tanh"),
    Span("x", "mode", 3, "softmax"),
    Span("a", "category", 4, "softmax", True),
    Span("b", "category", 3, "softmax", True),
))
SMALL = dict(batch_size=20, pac=2, embedding_dim=8, generator_dim=(16, 16),
             discriminator_dim=(16, 16), chunk_size=64)


def make_data(n: int = 300, seed: int = 0) -> torch.Tensor:
    g = torch.Generator().manual_seed(seed)
    a = torch.multinomial(torch.tensor([0.6, 0.3, 0.1, 0.0]), n, True, generator=g)
    b = (a + torch.randint(2, (n,), generator=g)) % 3
    mode = torch.randint(3, (n,), generator=g)
    oh = torch.nn.functional.one_hot
    return torch.cat([torch.rand(n, 1, generator=g) * 2 - 1, oh(mode, 3).float(),
                      oh(a, 4).float(), oh(b, 3).float()], 1)


def make_engine(seed: int = 0, **kw) -> tuple[ConditionalGANEngine, ConditionSampler]:
    data = make_data(seed=seed)
    sampler = ConditionSampler(data, LAYOUT)
    engine = ConditionalGANEngine(LAYOUT, condition_counts=sampler.counts,
                                  init_generator=torch.Generator().manual_seed(seed),
                                  **{**SMALL, **kw})
    return engine, sampler


def blocks_are_one_hot(x: torch.Tensor, layout: Layout) -> bool:
    return all(torch.equal(x[:, a:b].sum(1), torch.ones(len(x)))
               for a, b, s in layout.slices() if s.activation == "softmax")


def test_train_step_returns_detached_finite_scalars() -> None:
    engine, sampler = make_engine(generator_lr=5e-3)
    g = torch.Generator().manual_seed(1)
    history = [engine.train_step(sampler, g) for _ in range(40)]
    assert set(history[0]) == set(LOSS_KEYS)
    for logs in history:
        for v in logs.values():
            assert isinstance(v, torch.Tensor) and v.ndim == 0 and not v.requires_grad
    stacked = {k: torch.stack([h[k] for h in history]) for k in LOSS_KEYS}
    assert all(torch.isfinite(v).all() for v in stacked.values())
    assert stacked["conditional_loss"].gt(0).all()
    assert stacked["conditional_loss"][-5:].mean() < stacked["conditional_loss"][:5].mean()


@pytest.mark.parametrize("penalty", ["wgan-gp", "dragan"])
def test_options_train(penalty: str) -> None:
    engine, sampler = make_engine(penalty=penalty, n_critic=3, ema=0.9,
                                  discriminator_lr=4e-4, generator_betas=(0.0, 0.99))
    logs = engine.train_step(sampler, torch.Generator().manual_seed(0))
    assert all(torch.isfinite(v) for v in logs.values())


def test_generate_shapes_and_conditions() -> None:
    engine, sampler = make_engine()
    g = torch.Generator().manual_seed(2)
    for _ in range(5):
        engine.train_step(sampler, g)
    out = engine.generate(150, generator=g)  # 150 = 2 full chunks of 64 + 22
    assert out.shape == (150, LAYOUT.width) and blocks_are_one_hot(out, LAYOUT)
    assert out[:, 0].abs().max() <= 1
    assert engine.net_g.training  # modes restored after sampling
    cond = condition_vector(LAYOUT, {2: 1, 3: 2}, 1)[0]  # two columns at once
    assert engine.generate(10, cond=cond, generator=g).shape == (10, LAYOUT.width)
    per_row = condition_vector(LAYOUT, {3: 0}, 70)
    assert engine.generate(70, cond=per_row, generator=g).shape == (70, LAYOUT.width)
    with pytest.raises(ConditionError, match="cond must be"):
        engine.generate(5, cond=torch.zeros(3), generator=g)


@pytest.mark.parametrize("ema", [0.9, None])
def test_frozen_sampling_network_follows_every_weight_change(ema: float | None) -> None:
    engine, sampler = make_engine(ema=ema)
    g = torch.Generator().manual_seed(3)
    engine.train_step(sampler, g)

    def rows() -> torch.Tensor:
        return engine.generate(100, generator=torch.Generator().manual_seed(4), compact=True)

    def fresh() -> torch.Tensor:
        engine._frozen_cache = None
        return rows()

    first = rows()
    assert torch.equal(rows(), first)  # kept between calls
    engine.train_step(sampler, g)  # an optimizer step and the average move the weights in place
    after = rows()
    assert not torch.equal(after, first) and torch.equal(after, fresh())
    other, _ = make_engine(seed=5, ema=ema)
    engine.load_state_dict(other.state_dict())
    assert torch.equal(rows(), fresh())
    with torch.no_grad():  # a hand-made change
        engine._sampling_net().seq[-1].bias.add_(1.0)
    changed = rows()
    assert torch.equal(changed, fresh())


def test_generation_from_several_threads_gives_each_call_its_own_rows() -> None:
    from concurrent.futures import ThreadPoolExecutor

    engine, sampler = make_engine(chunk_size=2000)
    engine.train_step(sampler, torch.Generator().manual_seed(0))

    def rows(seed: int) -> torch.Tensor:
        return engine.generate(3000, generator=torch.Generator().manual_seed(seed), compact=True)

    alone = [rows(seed) for seed in range(12)]
    with ThreadPoolExecutor(4) as pool:  # one cached frozen network, four callers at once
        together = list(pool.map(rows, range(12)))
    assert all(torch.equal(a, b) for a, b in zip(alone, together))


def test_compact_generation_gives_the_same_rows() -> None:
    engine, sampler = make_engine()
    g = torch.Generator().manual_seed(2)
    for _ in range(3):
        engine.train_step(sampler, g)
    cond = condition_vector(LAYOUT, {3: 1}, 1)[0]
    full = engine.generate(150, cond=cond, generator=torch.Generator().manual_seed(8))  # (n, D)
    c = engine.generate(150, cond=cond, generator=torch.Generator().manual_seed(8), compact=True)  # (n, S)
    assert c.shape == (150, len(LAYOUT.spans))
    assert torch.equal(expand_compact(c, LAYOUT), full)


def test_determinism_on_cpu() -> None:
    runs = []
    for _ in range(2):
        engine, sampler = make_engine(seed=3, ema=0.9)
        g = torch.Generator().manual_seed(4)
        logs = [engine.train_step(sampler, g) for _ in range(5)]
        runs.append((torch.stack([l["generator_loss"] for l in logs]),
                     engine.generate(50, generator=torch.Generator().manual_seed(5))))
    assert torch.equal(runs[0][0], runs[1][0])
    assert torch.equal(runs[0][1], runs[1][1])


def test_state_dict_round_trip(tmp_path) -> None:
    engine, sampler = make_engine(ema=0.8)
    g = torch.Generator().manual_seed(6)
    for _ in range(5):
        engine.train_step(sampler, g)
    state = engine.state_dict()
    assert all(isinstance(v, torch.Tensor) for v in state.values())
    assert any(k.startswith("net_g_ema.") for k in state) and "condition_counts" in state
    torch.save(state, tmp_path / "w.pt")
    torch.save(engine.moments(), tmp_path / "o.pt")
    loaded = torch.load(tmp_path / "w.pt", weights_only=True)
    config = json.loads(json.dumps(engine.get_config()))  # JSON-able
    fresh = ConditionalGANEngine(LAYOUT, **config)  # built without counts
    fresh.load_state_dict(loaded)
    fresh.load_moments(torch.load(tmp_path / "o.pt", weights_only=True))
    assert torch.equal(fresh.condition_counts, sampler.counts)
    a = engine.generate(40, generator=torch.Generator().manual_seed(7))
    b = fresh.generate(40, generator=torch.Generator().manual_seed(7))
    assert torch.equal(a, b)
    la = engine.train_step(sampler, torch.Generator().manual_seed(8))
    lb = fresh.train_step(sampler, torch.Generator().manual_seed(8))
    assert torch.equal(la["critic_loss"], lb["critic_loss"])  # optimizer state came back too


def test_an_engine_continues_anothers_training_with_its_own_settings() -> None:
    # The warm start's mechanism (2026-12-02): weights, moving average, moments and the count of
    # critic updates (which decides the lazy penalty's updates) carry over.
    engine, sampler = make_engine(ema=0.8, penalty_every=3)
    for _ in range(4):
        engine.train_step(sampler, torch.Generator().manual_seed(1))
    other = ConditionalGANEngine(LAYOUT, condition_counts=sampler.counts, ema=0.8, penalty_every=3,
                                 init_generator=torch.Generator().manual_seed(9), **SMALL)
    other.continue_from(engine)
    assert other._critic_updates == engine._critic_updates == 4
    for _ in range(3):
        la = engine.train_step(sampler, torch.Generator().manual_seed(2))
        lb = other.train_step(sampler, torch.Generator().manual_seed(2))
        assert torch.equal(la["critic_loss"], lb["critic_loss"])
    a, b = engine.state_dict(), other.state_dict()
    assert all(torch.equal(a[k], b[k]) for k in a)
    slower = ConditionalGANEngine(LAYOUT, condition_counts=sampler.counts * 2, ema=0.8, penalty_every=3,
                                  **{**SMALL, "generator_lr": 1e-6})
    slower.continue_from(engine)
    assert slower.opt_g.lr == 1e-6 and torch.equal(slower.condition_counts, sampler.counts * 2)
    with pytest.raises(ModelFileError, match="optimizer state does not match"):
        slower.load_moments({k: v for k, v in engine.moments().items() if k != "critic_updates"})


@pytest.mark.parametrize("ema", [0.8, None])
def test_the_sampling_state_generates_the_same_rows_without_the_critic(ema) -> None:
    engine, sampler = make_engine(ema=ema)
    for _ in range(3):
        engine.train_step(sampler, torch.Generator().manual_seed(1))
    state = engine.sampling_state_dict()
    net = "net_g_ema." if ema else "net_g."
    assert all(k.startswith(net) or k == "condition_counts" for k in state) and "condition_counts" in state
    fresh = ConditionalGANEngine(LAYOUT, ema=ema, **SMALL)
    fresh.load_sampling_state_dict(state)
    for cond in (None, torch.eye(engine.cond_width)[1]):
        a = engine.generate(30, cond=cond, generator=torch.Generator().manual_seed(2))
        b = fresh.generate(30, cond=cond, generator=torch.Generator().manual_seed(2))
        assert torch.equal(a, b)
    with pytest.raises(ModelFileError, match="does not match"):
        fresh.load_sampling_state_dict(engine.state_dict())


def test_mismatched_state_is_refused() -> None:
    engine, _ = make_engine(ema=0.8)
    with pytest.raises(ModelFileError, match=r"unexpected=\[.ema_updates., .net_g_ema"):
        ConditionalGANEngine(LAYOUT, ema=None, **SMALL).load_state_dict(engine.state_dict())
    wider = ConditionalGANEngine(LAYOUT, ema=0.8, **{**SMALL, "generator_dim": (32, 16)})
    with pytest.raises(ModelFileError, match="does not match"):
        wider.load_state_dict(engine.state_dict())


def test_ema_tracks_but_lags_the_generator() -> None:
    engine, sampler = make_engine(ema=0.5)
    g = torch.Generator().manual_seed(9)
    engine.train_step(sampler, g)
    live = engine.net_g.seq[-1].weight
    avg = engine.net_g_ema.seq[-1].weight
    assert not torch.equal(live, avg) and not avg.requires_grad
    before = avg.clone()
    engine.train_step(sampler, g)
    d = min(0.5, 2 / 11)  # the second update: warm-up decay (1 + t) / (10 + t) at t = 1
    torch.testing.assert_close(avg, d * before + (1 - d) * live)


def test_parameter_errors_name_the_parameter() -> None:
    with pytest.raises(ParameterError, match="batch_size=502 must be divisible by pac=10"):
        ConditionalGANEngine(LAYOUT, batch_size=502)
    with pytest.raises(ParameterError, match="penalty"):
        ConditionalGANEngine(LAYOUT, penalty="hinge")  # type: ignore[arg-type]
    with pytest.raises(ParameterError, match="ema"):
        ConditionalGANEngine(LAYOUT, ema=1.5)
    with pytest.raises(ParameterError, match="generator_betas"):
        ConditionalGANEngine(LAYOUT, generator_betas=(0.5, 1.5))


def test_no_conditional_columns() -> None:
    layout = Layout((Span("x", "value", 1, "tanh"), Span("x", "mode", 3, "softmax")))
    data = make_data()[:, :4]
    sampler = ConditionSampler(data, layout)
    engine = ConditionalGANEngine(layout, condition_counts=sampler.counts, **SMALL)
    g = torch.Generator().manual_seed(0)
    logs = engine.train_step(sampler, g)
    assert logs["conditional_loss"] == 0
    assert engine.generate(5, generator=g).shape == (5, 4)


def test_wgan_gp_engine() -> None:
    data = make_data()
    engine = WGANGPEngine(LAYOUT, init_generator=torch.Generator().manual_seed(0), **SMALL)
    assert engine.n_critic == 5
    g = torch.Generator().manual_seed(1)
    logs = [engine.train_step(data, g) for _ in range(3)]
    assert all(torch.isfinite(v) for l in logs for v in l.values())
    out = engine.generate(30, generator=g)
    assert out.shape == (30, LAYOUT.width) and blocks_are_one_hot(out, LAYOUT)


def test_to_cpu_is_a_no_op_move() -> None:
    engine, sampler = make_engine()
    g = torch.Generator().manual_seed(0)
    engine.train_step(sampler, g)
    engine.to("cpu")
    assert torch.isfinite(engine.train_step(sampler, g)["critic_loss"])


@pytest.mark.gpu
def test_cuda_training_loads_on_cpu(tmp_path) -> None:
    data = make_data().cuda()
    sampler = ConditionSampler(data, LAYOUT)
    engine = ConditionalGANEngine(LAYOUT, condition_counts=sampler.counts, device="cuda",
                                  ema=0.9, init_generator=torch.Generator().manual_seed(0), **SMALL)
    g = torch.Generator(device="cuda").manual_seed(0)
    logs = [engine.train_step(sampler, g) for _ in range(5)]
    assert all(v.device.type == "cuda" for v in logs[0].values())
    assert torch.isfinite(torch.stack([l["critic_loss"] for l in logs])).all()
    out = engine.generate(100, generator=g)
    assert out.device.type == "cuda" and blocks_are_one_hot(out.cpu(), LAYOUT)
    torch.save(engine.state_dict(), tmp_path / "w.pt")
    cpu = ConditionalGANEngine(LAYOUT, ema=0.9, **SMALL)
    cpu.load_state_dict(torch.load(tmp_path / "w.pt", weights_only=True, map_location="cpu"))
    assert cpu.generate(10, generator=torch.Generator().manual_seed(0)).device.type == "cpu"
    engine.to("cpu")
    cpu_sampler = ConditionSampler(data.cpu(), LAYOUT)
    assert torch.isfinite(engine.train_step(cpu_sampler, torch.Generator())["critic_loss"])


@pytest.mark.gpu
@pytest.mark.parametrize("engine_cls", [ConditionalGANEngine, WGANGPEngine])
def test_cuda_steps_never_sync_with_the_host(engine_cls) -> None:
    # A step that reads a value back (.item(), a NaN check, a bool mask's size) would stall the
    # GPU; under "error" such a synchronisation raises.
    data = make_data().cuda()
    if engine_cls is ConditionalGANEngine:
        source = ConditionSampler(data, LAYOUT)  # what its train_step draws from
        engine = engine_cls(LAYOUT, condition_counts=source.counts, device="cuda", ema=0.9,
                            init_generator=torch.Generator().manual_seed(0), **SMALL)
    else:
        source = data
        engine = engine_cls(LAYOUT, device="cuda", ema=0.9, init_generator=torch.Generator().manual_seed(0),
                            **SMALL)
    g = torch.Generator(device="cuda").manual_seed(0)
    engine.train_step(source, g)  # warm-up: lazy initialisation may synchronise once
    torch.cuda.set_sync_debug_mode("error")
    try:
        for _ in range(3):
            engine.train_step(source, g)
    finally:
        torch.cuda.set_sync_debug_mode("default")



def critic_params(engine: ConditionalGANEngine) -> list[torch.Tensor]:
    return [p.detach().clone() for p in engine.net_d.parameters()]


def test_lazy_penalty_every_k_updates_with_k_times_the_weight() -> None:
    import copy

    lazy, sampler = make_engine(penalty_every=2, penalty_weight=5.0)
    eager, _ = make_engine(penalty_every=1, penalty_weight=10.0)
    # Update 0 carries the penalty at 2 x 5: the same update as every-step penalty at 10.
    log = lazy.train_step(sampler, torch.Generator().manual_seed(3))
    eager.train_step(sampler, torch.Generator().manual_seed(3))
    for a, b in zip(critic_params(lazy), critic_params(eager)):
        torch.testing.assert_close(a, b)
    # Update 1 carries none: the same update as a penalty of weight 0.
    zero = copy.deepcopy(lazy)
    zero.penalty_every, zero.penalty_weight = 1, 0.0
    log1 = lazy.train_step(sampler, torch.Generator().manual_seed(4))
    zero.train_step(sampler, torch.Generator().manual_seed(4))
    for a, b in zip(critic_params(lazy), critic_params(zero)):
        torch.testing.assert_close(a, b)
    assert torch.equal(log1["gradient_penalty"], log["gradient_penalty"])  # the last one measured
    with pytest.raises(ParameterError, match="penalty_every=0"):
        make_engine(penalty_every=0)
