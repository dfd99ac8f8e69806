"""ConditionSampler: row tables, training-by-sampling frequencies, exact and joint conditions."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
import torch

from tabgan.errors import ConditionError, DataError, ParameterError
from tabgan.sampling import ConditionSampler, condition_vector
from tabgan.transformers.layout import Layout, Span

# spans: 0 value(tanh) | 1 mode(3) | 2 a(4, conditional) | 3 value | 4 b(3, cond) | 5 c(2, cond)
LAYOUT = Layout((
    Span("x", "value", 1, "tanh"),
    Span("x", "mode", 3, "softmax"),
    Span("a", "category", 4, "softmax", True),
    Span("y", "value", 1, "tanh"),
    Span("b", "category", 3, "softmax", True),
    Span("c", "category", 2, "softmax", True),
))
N = 2000


def one_hot(idx: torch.Tensor, k: int) -> torch.Tensor:
    return torch.nn.functional.one_hot(idx, k).float()


def make_data(seed: int = 0) -> tuple[torch.Tensor, dict[str, torch.Tensor]]:
    g = torch.Generator().manual_seed(seed)
    a = torch.multinomial(torch.tensor([0.7, 0.2, 0.1, 0.0]), N, True, generator=g)
    a[0] = 2  # a seen-once category below: category 3 has zero rows, 2 has ~200
    b = torch.multinomial(torch.tensor([0.5, 0.3, 0.2]), N, True, generator=g)
    b[b == 2] = 1
    b[7] = 2  # seen once
    c = (a == 0).long()  # c depends on a
    mode = torch.randint(3, (N,), generator=g)
    data = torch.cat([torch.rand(N, 1, generator=g) * 2 - 1, one_hot(mode, 3), one_hot(a, 4),
                      torch.rand(N, 1, generator=g) * 2 - 1, one_hot(b, 3), one_hot(c, 2)], 1)
    return data, {"a": a, "b": b, "c": c}


@pytest.fixture(scope="module")
def sampler() -> ConditionSampler:
    data, _ = make_data()
    return ConditionSampler(data, LAYOUT, joint_prob=0.0)


def test_counts_and_probabilities(sampler: ConditionSampler) -> None:
    _, cols = make_data()
    expected = torch.cat([torch.bincount(cols["a"], minlength=4),
                          torch.bincount(cols["b"], minlength=3),
                          torch.bincount(cols["c"], minlength=2)])
    assert torch.equal(sampler.counts, expected)
    assert sampler.counts[3] == 0 and sampler.counts[4 + 2] == 1
    lw = torch.log1p(expected.double())
    assert torch.allclose(sampler.log_probs[:4].double(), lw[:4] / lw[:4].sum(), atol=1e-6)
    assert torch.allclose(sampler.frequency[4:7].double(), expected[4:7].double() / N, atol=1e-6)
    assert torch.equal(sampler.span_counts(4), expected[4:7])
    assert sampler.span_indices == (2, 4, 5) and sampler.width == 9 and sampler.n_spans == 3


def test_train_draw_follows_log_frequency(sampler: ConditionSampler) -> None:
    n = 200_000
    draw = sampler.sample_train(n, torch.Generator().manual_seed(1))
    slot = sampler.cond_starts[draw.span_id] + draw.cat_id
    observed = torch.bincount(slot, minlength=9).double() / n
    expected = sampler.log_probs.double() / 3  # each span with probability 1/S
    assert torch.allclose(observed, expected, atol=4e-3)
    assert observed[3] == 0  # a category with zero rows is never drawn
    assert observed[6] > 0.01  # a category seen once is drawn by log-frequency


def test_train_draw_never_lands_on_an_empty_last_slot() -> None:
    # the training table ends on a slot with no rows: the one search over all slots must not
    # fall past the last slot that has some (its cumulative share is pinned to 1.0)
    data, cats = make_data()
    c = cats["c"]
    layout = Layout(LAYOUT.spans[:5] + (Span("c", "category", 3, "softmax", True),))
    data = torch.cat([data[:, :-2], one_hot(c, 3)], 1)  # c's third category: no rows
    s = ConditionSampler(data, layout, joint_prob=0.0)
    assert s.counts[-1] == 0 and s._train_cdf[-2:].tolist() == [1.0, 1.0]
    draw = s.sample_train(300_000, torch.Generator().manual_seed(3))
    slot = s.cond_starts[draw.span_id] + draw.cat_id
    assert torch.bincount(slot, minlength=s.width)[-1] == 0
    assert torch.all(data[draw.rows][:, s.data_cols][torch.arange(300_000), slot] == 1)


def test_original_draw_follows_true_frequency(sampler: ConditionSampler) -> None:
    n = 200_000
    cond = sampler.sample_original(n, torch.Generator().manual_seed(2))
    assert cond.shape == (n, 9)
    assert torch.equal(cond.sum(1), torch.ones(n))
    observed = cond.double().mean(0)
    assert torch.allclose(observed, sampler.frequency.double() / 3, atol=4e-3)


def test_sample_rows_have_the_category(sampler: ConditionSampler) -> None:
    g = torch.Generator().manual_seed(3)
    for s in range(3):
        for k in range(sampler.widths[s]):
            if sampler.counts[sampler.cond_starts[s] + k] == 0:
                continue
            span = torch.full((500,), s)
            cat = torch.full((500,), k)
            rows = sampler.sample_rows(span, cat, g)
            col = sampler.data_cols[sampler.cond_starts[s] + k]
            assert torch.all(sampler.data[rows, col] == 1.0)
    # the seen-once category always returns its single row
    rows = sampler.sample_rows(torch.full((50,), 1), torch.full((50,), 2), g)
    assert torch.all(rows == 7)


def test_sample_rows_uniform_within_category(sampler: ConditionSampler) -> None:
    rows = sampler.sample_rows(torch.full((100_000,), 2), torch.ones(100_000, dtype=torch.long),
                               torch.Generator().manual_seed(4))
    hits = torch.bincount(rows, minlength=N)
    members = sampler.data[:, sampler.data_cols[8]] == 1  # c == 1
    assert torch.all(hits[~members] == 0)
    m = hits[members].double()
    assert m.min() > 0.5 * m.mean() and m.max() < 1.5 * m.mean()


def test_train_batch_is_consistent(sampler: ConditionSampler) -> None:
    draw = sampler.sample_train(1000, torch.Generator().manual_seed(5))
    assert draw.cond.shape == (1000, 9) and draw.mask.shape == (1000, 3)
    assert torch.equal(draw.mask.sum(1), torch.ones(1000))  # joint_prob=0: one span each
    assert torch.equal(draw.mask.argmax(1), draw.span_id)
    bits = sampler.data[draw.rows][:, sampler.data_cols]  # (B, C)
    assert torch.equal(draw.cond, bits * draw.mask[:, sampler.slot_span])


@pytest.mark.gpu
def test_cuda_draws_keep_their_laws_and_stay_on_the_device() -> None:
    data, cats = make_data()
    s = ConditionSampler(data.cuda(), LAYOUT, joint_prob=0.0)
    g = torch.Generator("cuda").manual_seed(5)
    draw = s.sample_train(40_000, g)
    assert all(t.device.type == "cuda" for t in draw)
    bits = s.data[draw.rows][:, s.data_cols]  # (B, C)
    assert torch.equal(draw.cond, bits * draw.mask[:, s.slot_span])
    # the category of span a, given span a was drawn, follows log-frequency (as on the CPU)
    on_a = draw.span_id == 0
    freq = torch.bincount(draw.cat_id[on_a], minlength=4).double().cpu() / on_a.sum().item()
    torch.testing.assert_close(freq, s.log_probs[:4].double().cpu(), atol=0.015, rtol=0)
    original = s.sample_original(40_000, g)  # (B, C) one bit, by true frequency
    assert original.device.type == "cuda" and torch.equal(original.sum(1), torch.ones(40_000, device="cuda"))


def test_joint_conditions_come_from_one_real_row() -> None:
    data, _ = make_data()
    s = ConditionSampler(data, LAYOUT, joint_prob=1.0, joint_keep=1.0)
    draw = s.sample_train(500, torch.Generator().manual_seed(6))
    assert torch.equal(draw.mask, torch.ones(500, 3))
    assert torch.equal(draw.cond, data[draw.rows][:, s.data_cols])
    half = ConditionSampler(data, LAYOUT, joint_prob=0.5, joint_keep=0.5)
    d = half.sample_train(20_000, torch.Generator().manual_seed(7))
    per_row = d.mask.sum(1)
    assert 0.3 < (per_row > 1).double().mean() < 0.45  # 0.5 * (1 - 0.25)
    # every set span carries exactly one bit, and the bits agree with the row
    bits_per_span = d.cond @ torch.nn.functional.one_hot(half.slot_span, 3).float()
    assert torch.equal(bits_per_span, d.mask)
    assert torch.all(d.cond <= data[d.rows][:, half.data_cols])


def test_fixed_sets_several_bits(sampler: ConditionSampler) -> None:
    cond = sampler.fixed({2: 1, 5: 0}, 4)
    expected = torch.zeros(9)
    expected[1] = 1
    expected[7] = 1
    assert torch.equal(cond, expected.expand(4, 9))
    only_b = condition_vector(LAYOUT, [(4, 2)], 2)
    assert torch.equal(only_b[:, 4:7], torch.tensor([[0.0, 0.0, 1.0]] * 2))
    with pytest.raises(ConditionError, match="not a conditional span"):
        sampler.fixed({1: 0}, 1)
    with pytest.raises(ConditionError, match="out of range"):
        sampler.fixed({2: 4}, 1)
    with pytest.raises(ConditionError, match="twice"):
        sampler.fixed([(2, 0), (2, 1)], 1)


def test_determinism(sampler: ConditionSampler) -> None:
    a = sampler.sample_train(300, torch.Generator().manual_seed(9))
    b = sampler.sample_train(300, torch.Generator().manual_seed(9))
    assert all(torch.equal(x, y) for x, y in zip(a, b))


def test_no_conditional_spans() -> None:
    layout = Layout((Span("x", "value", 1, "tanh"), Span("x", "mode", 2, "softmax")))
    data = torch.cat([torch.zeros(10, 1), one_hot(torch.arange(10) % 2, 2)], 1)
    s = ConditionSampler(data, layout)
    g = torch.Generator().manual_seed(0)
    draw = s.sample_train(8, g)
    assert draw.cond.shape == (8, 0) and draw.mask.shape == (8, 0)
    assert draw.rows.min() >= 0 and draw.rows.max() < 10
    assert s.sample_original(5, g).shape == (5, 0)
    assert s.fixed({}, 3).shape == (3, 0)


def test_original_slots_are_the_set_bits_of_the_same_draws(sampler: ConditionSampler) -> None:
    slots = sampler.sample_original_slots(500, torch.Generator().manual_seed(3))  # (B,)
    cond = sampler.sample_original(500, torch.Generator().manual_seed(3))  # (B, C)
    assert slots.dtype == torch.long and slots.shape == (500,)
    assert torch.equal(cond.argmax(1), slots) and torch.equal(cond.sum(1), torch.ones(500))


def test_original_slots_need_a_conditional_span() -> None:
    layout = Layout((Span("x", "value", 1, "tanh"),))
    s = ConditionSampler(torch.zeros(10, 1), layout)
    with pytest.raises(ConditionError, match="no conditional span"):
        s.sample_original_slots(3, torch.Generator().manual_seed(0))


def test_from_counts_matches(sampler: ConditionSampler) -> None:
    light = ConditionSampler.from_counts(sampler.counts, LAYOUT)
    g1, g2 = torch.Generator().manual_seed(1), torch.Generator().manual_seed(1)
    assert torch.equal(light.sample_original(100, g1), sampler.sample_original(100, g2))
    with pytest.raises(DataError):
        light.sample_rows(torch.zeros(1, dtype=torch.long), torch.zeros(1, dtype=torch.long), g1)


def test_bad_input() -> None:
    with pytest.raises(DataError, match="data must be"):
        ConditionSampler(torch.zeros(3, 4), LAYOUT)
    with pytest.raises(ParameterError, match="joint_prob"):
        ConditionSampler(make_data()[0], LAYOUT, joint_prob=2.0)


@settings(max_examples=30, deadline=None)
@given(
    widths=st.lists(st.integers(1, 5), min_size=1, max_size=4),
    n=st.integers(1, 40),
    seed=st.integers(0, 2**16),
    joint=st.sampled_from([0.0, 0.5, 1.0]),
)
def test_property_rows_always_match_their_conditions(widths, n, seed, joint) -> None:
    g = torch.Generator().manual_seed(seed)
    spans = [Span("v", "value", 1, "tanh")] + [
        Span(f"c{i}", "category", w, "softmax", True) for i, w in enumerate(widths)]
    layout = Layout(tuple(spans))
    codes = [torch.randint(w, (n,), generator=g) for w in widths]
    blocks = [one_hot(c, w) for c, w in zip(codes, widths)]
    data = torch.cat([torch.rand(n, 1, generator=g), *blocks], 1)
    s = ConditionSampler(data, layout, joint_prob=joint)
    assert int(s.counts.sum()) == n * len(widths)
    draw = s.sample_train(64, g)
    bits = data[draw.rows][:, s.data_cols]
    assert torch.equal(draw.cond, bits * draw.mask[:, s.slot_span])
    assert torch.all(draw.mask.gather(1, draw.span_id[:, None]) == 1)
    assert torch.all(s.counts[s.cond_starts[draw.span_id] + draw.cat_id] > 0)
    assert torch.equal(s.sample_original(16, g).sum(1), torch.ones(16))
