"""Sampling by rejection (``tabgan.synthesizers.base``): how many rows to ask for next, when to
give up, and that a rare condition is met rather than refused."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from tabgan import WGANGP, ConditionalGAN
from tabgan.synthesizers.base import REJECT_MIN, _rejection_ask, _wilson_upper
from tabgan.errors import ConditionUnmetError


def test_wilson_upper_at_the_ends():
    for trials in (1, 22, 1_000, 50_000):
        assert _wilson_upper(0, trials) == pytest.approx(9 / (trials + 9))
        assert _wilson_upper(trials, trials) == pytest.approx(1.0)


@pytest.mark.parametrize("trials", [22, 200, 5_000])
@pytest.mark.parametrize("rate", [0.002, 0.02, 0.3])
def test_wilson_upper_falls_below_the_true_rate_rarely(trials, rate):
    hits = np.arange(trials + 1)
    upper = np.array([_wilson_upper(int(k), trials) for k in hits])
    assert (upper >= hits / trials - 1e-12).all() and (np.diff(upper) > 0).all()
    missed = stats.binom.pmf(hits, trials, rate)[upper < rate].sum()  # exact, not simulated
    assert missed < 0.005  # z = 3: about 0.00135 one-sided


def test_first_ask_is_the_need_with_a_tenth_spare():
    assert _rejection_ask(20, 20, 0, 0, 10_000, 50_000) == 22
    assert _rejection_ask(20, 20, 0, 0, 10_000, 15) == 15  # never over a chunk


def test_a_first_block_without_a_match_asks_for_more_instead_of_giving_up():
    # 0 of 22: the rate may well be 2%; the budget (10,000) is far from spent
    ask = _rejection_ask(20, 20, 0, 22, 10_000, 50_000)
    assert ask == math.ceil(20 * 23 * 1.1)
    assert _rejection_ask(20, 20, 0, 22 + ask, 10_000, 50_000) == 10_000 - 22 - ask  # what is left


def test_gives_up_when_the_budget_is_spent_or_cannot_suffice():
    assert _rejection_ask(20, 20, 3, 10_000, 10_000, 50_000) is None  # spent
    # 0 of 50,000: the rate is under 9 / 50,009, so the 49,950,000 left give under 9,000 rows
    assert _rejection_ask(50_000, 1_000_000, 0, 50_000, 50_000_000, 50_000) is None
    # 10 of 50,000 could give the 1,000 missing from the 49,950,000 left
    assert _rejection_ask(1_000, 1_000, 10, 50_000, 50_000_000, 50_000) == 50_000


@pytest.fixture(scope="module")
def rare():
    """A WGANGP (no condition vector: conditions rely on rejection alone) that makes c == 'b' in
    about 2% of its rows."""
    rng = np.random.default_rng(0)
    n = 1_000
    table = pd.DataFrame({"x": rng.normal(size=n),
                          "c": rng.choice(["a", "b", "z"], n, p=[0.92, 0.03, 0.05])})
    return WGANGP(epochs=10, batch_size=100, random_state=0, device="cpu").fit(table)


def test_a_rare_condition_is_met(rare):
    """Regression: a first block of 22 rows without a match used to end the call with "0 of 22
    generated rows satisfied it", with 22 of the 10,000-row budget used (6 of these 8 seeds)."""
    rate = (rare.sample(20_000, random_state=0)["c"] == "b").mean()
    assert 0.005 < rate < 0.05
    for seed in range(8):
        out = rare.sample(20, conditions={"c": "b"}, random_state=seed)
        assert len(out) == 20 and (out["c"] == "b").all()
        report = rare.sampling_report_
        assert 20 <= report["accepted"] and report["generated"] < REJECT_MIN


@pytest.mark.parametrize("cls", [ConditionalGAN, WGANGP], ids=lambda c: c.__name__)
def test_unconditioned_sampling_generates_exactly_n_rows(cls):
    """Regression: unconditioned calls generated 10% more rows than asked and dropped them."""
    rng = np.random.default_rng(1)
    table = pd.DataFrame({"x": rng.normal(size=200), "c": rng.choice(["a", "b"], 200)})
    model = cls(epochs=1, batch_size=50, pac=5, random_state=0, device="cpu").fit(table)
    for n, chunk in ((1_000, 50_000), (1_000, 300)):
        assert sum(len(c) for c in model.sample_chunks(n, chunk_size=chunk, random_state=0)) == n
        assert model.sampling_report_ == {"generated": n, "accepted": n, "acceptance_rate": 1.0}


def test_parquet_types_fit_save_load_and_come_back(tmp_path):
    # What pyarrow gives for Parquet DATE, DECIMAL and DURATION columns, and pd.cut's intervals.
    # Before 2026-12-02 dates and Decimals were pooled categories, durations were refused, and
    # a model with a date or interval category could not be saved (a bare TypeError).
    import datetime
    import decimal

    import tabgan

    rng = np.random.default_rng(0)
    n = 200
    df = pd.DataFrame({
        "day": [datetime.date(2020, 1, 1) + datetime.timedelta(days=int(d)) for d in rng.integers(0, 700, n)],
        "price": [decimal.Decimal(f"{v:.2f}") for v in rng.lognormal(2, 1, n)],
        "wait": pd.to_timedelta(rng.integers(0, 3600, n), unit="s"),
        "band": pd.cut(rng.normal(size=n), 3),
        "when": [datetime.date(2021, 1, 1) + datetime.timedelta(days=int(d)) for d in rng.integers(0, 3, n)],
    })
    model = ConditionalGAN(epochs=1, batch_size=50, random_state=0).fit(df, discrete_columns=["when"])
    model.save(tmp_path / "m.tabgan")
    again = tabgan.load(tmp_path / "m.tabgan", device="cpu")
    out = model.sample(60, random_state=1)
    pd.testing.assert_frame_equal(again.sample(60, random_state=1), out)
    assert out.dtypes.to_dict() == df.dtypes.to_dict()
    for column in ("day", "price", "when"):
        assert {type(v) for v in out[column]} == {type(df[column][0])}, column
    assert out["when"].isin(set(df["when"])).all()


def test_infinities_among_categories_and_constants_save_and_load(tmp_path):
    # Before 2026-12-03 fit and sample worked but save raised a bare ValueError ("Out of range
    # float values are not JSON compliant"): pd.cut's bins to inf, a constant inf, inf named discrete.
    import tabgan

    rng = np.random.default_rng(0)
    x = rng.normal(size=200)
    df = pd.DataFrame({"band": pd.cut(x, [-np.inf, 0, np.inf]), "ratio": np.full(200, np.inf),
                       "cap": rng.choice([1.0, 2.0, -np.inf], 200), "x": x})
    model = ConditionalGAN(epochs=1, batch_size=50, random_state=0).fit(df, discrete_columns=["cap"])
    model.save(tmp_path / "m.tabgan")
    out = tabgan.load(tmp_path / "m.tabgan").sample(100, random_state=0)
    pd.testing.assert_frame_equal(out, model.sample(100, random_state=0))
    assert set(out["band"]) <= set(df["band"]) and (out["ratio"] == np.inf).all()
    assert set(out["cap"]) <= {1.0, 2.0, -np.inf}


def test_conditions_of_numpy_scalars_or_categories_leave_no_trace():
    # Before 2026-12-03 np.str_("a") put np.str_ values in the rows, a categorical DataFrame of
    # conditions raised pandas' FutureWarning (groupby's observed), and a column named twice
    # pandas' "Grouper for 'c' not 1-dimensional".
    import warnings

    from tabgan.errors import ConditionError

    rng = np.random.default_rng(0)
    df = pd.DataFrame({"c": pd.Categorical(rng.choice(["a", "b"], 100)), "t": rng.choice(["p", "q"], 100),
                       "x": rng.normal(size=100)})
    model = ConditionalGAN(epochs=1, batch_size=50, random_state=0).fit(df)
    out = model.sample(5, conditions={"t": np.str_("p")}, random_state=0)
    assert [type(v) for v in out["t"]] == [str] * 5
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        out = model.sample(3, conditions=pd.DataFrame({"c": pd.Categorical(["a", "b", "a"])}), random_state=0)
    assert out["c"].tolist() == ["a", "b", "a"]
    twice = pd.DataFrame([["a", "b"]] * 2, columns=["c", "c"])
    with pytest.raises(ConditionError, match="conditions names the column 'c' twice"):
        model.sample(2, conditions=twice)


def test_conditions_that_are_not_one_value_per_column_say_so():
    # Before 2026-12-02 a list of values raised a bare TypeError (unhashable type: 'list') and a
    # DataFrame of conditions pandas' "truth value of a DataFrame is ambiguous".
    from tabgan.errors import ConditionError, ParameterError

    rng = np.random.default_rng(0)
    df = pd.DataFrame({"c": rng.choice(["a", "b"], 100), "x": rng.normal(size=100)})
    model = ConditionalGAN(epochs=1, batch_size=50, random_state=0).fit(df)
    with pytest.raises(ConditionError, match=r"condition c=\['a', 'b'\]: give one value per column"):
        model.sample(5, conditions={"c": ["a", "b"]})
    with pytest.raises(ConditionError, match="must be a dict of column -> value, or a DataFrame .* got list"):
        model.sample(5, conditions=[("c", "a")])
    with pytest.raises(ParameterError, match="n=5 but conditions holds 1 rows"):
        model.sample(5, conditions=pd.DataFrame({"c": ["a"]}))
    assert len(model.sample(5, conditions={})) == 5


def test_uuid_objects_fit_sample_save_load_and_come_back(tmp_path):
    # Before 2026-12-02 a column of uuid.UUID objects (a database driver's UUID columns) was
    # refused as "mixes value types (UUID)".
    import uuid

    import tabgan

    rng = np.random.default_rng(0)
    keys = [uuid.UUID(bytes=rng.bytes(16), version=4) for _ in range(4)]
    n = 200
    df = pd.DataFrame({"id": [uuid.UUID(bytes=rng.bytes(16), version=4) for _ in range(n)],
                       "customer": [keys[i] for i in rng.integers(0, 4, n)],
                       "x": rng.normal(size=n)})
    df.loc[5, "id"] = None
    model = ConditionalGAN(epochs=1, batch_size=50, random_state=0).fit(df)
    out = model.sample(100, conditions={"customer": keys[2]}, random_state=1)
    assert (out["customer"] == keys[2]).all()
    ids = out["id"].dropna()
    assert {type(v) for v in ids} == {uuid.UUID} and {v.version for v in ids} == {4}
    assert ids.is_unique and not ids.isin(set(df["id"])).any()
    model.save(tmp_path / "m.tabgan")
    again = tabgan.load(tmp_path / "m.tabgan", device="cpu")
    pd.testing.assert_frame_equal(again.sample(30, random_state=2), model.sample(30, random_state=2))


@pytest.mark.parametrize("cls", [ConditionalGAN, WGANGP], ids=lambda c: c.__name__)
def test_ids_are_unique_over_every_chunk_of_a_call(cls):
    # Before 2026-12-02 each chunk of 50,000 rows started the ids afresh: sample(120_000) held
    # 70,000 repeated integer ids, and counters and short text ids repeated across chunks too.
    rng = np.random.default_rng(0)
    n = 300
    df = pd.DataFrame({"id": np.arange(1, n + 1), "code": [f"C-{i:04d}" for i in range(n)],
                       "tag": ["".join(rng.choice(list("ABCDEFGHIJKLMNOPQRSTUVWXYZ"), 2)) + "#"
                               for _ in range(n)],
                       "x": rng.normal(size=n)})
    model = cls(epochs=1, batch_size=50, pac=5, random_state=0).fit(df)
    chunks = list(model.sample_chunks(2_500, chunk_size=700, random_state=1))
    out = pd.concat(chunks, ignore_index=True)
    assert [len(c) for c in chunks] == [700, 700, 700, 400]
    assert out["id"].tolist() == list(range(301, 2_801))
    assert out["code"].iloc[[0, -1]].tolist() == ["C-0300", "C-2799"]
    assert out["tag"].is_unique  # 676 values of the shape AA# for 2,500 rows: the rest numbered
    assert out["tag"].str.fullmatch(r"[A-Z]{2}#(-\d+)?").all()
    whole = model.sample(2_500, random_state=1)
    pd.testing.assert_frame_equal(whole[["id", "code"]], out[["id", "code"]])


def test_conditioned_numbers_and_dates_are_written_as_the_column_writes_them(tmp_path):
    # Rows conditioned on a point mass or a missing value decode to it in the column's own form;
    # the condition's value itself (the int 0, None) used to overwrite that form ("0", "?").
    rng = np.random.default_rng(0)
    n = 300
    gain = np.where(rng.random(n) < 0.3, 0, rng.integers(1, 5000, n)).astype(str).astype(object)
    gain[::11] = "?"
    days = pd.Series(pd.Timestamp("2000-01-01") + pd.to_timedelta(rng.integers(0, 3000, n), unit="D"))
    joined = days.dt.strftime("%Y-%m-%d").astype(object)
    joined[::10] = "0000-00-00"
    table = pd.DataFrame({"gain": gain, "joined": joined, "c": rng.choice(["a", "b"], n)})
    model = ConditionalGAN(epochs=1, batch_size=100, random_state=0).fit(table)
    out = model.sample(5, conditions={"gain": 0, "joined": None}, random_state=0)
    assert out["gain"].tolist() == ["0"] * 5 and out["joined"].tolist() == ["0000-00-00"] * 5
    out = model.sample(5, conditions={"gain": None}, random_state=0)
    assert out["gain"].tolist() == ["?"] * 5
    assert out["joined"].str.fullmatch(r"0000-00-00|\d{4}-\d\d-\d\d").all()


def test_numpy_parameters_save_and_load_as_python_numbers(tmp_path):
    # Before 2026-12-03 a parameter grid's np.int64 (or np.float32) fitted but save() raised
    # "Object of type int64 is not JSON serializable"; joint_conditions refused numpy numbers.
    import tabgan

    rng = np.random.default_rng(0)
    df = pd.DataFrame({"x": rng.normal(size=100), "c": rng.choice(["a", "b"], 100)})
    params = dict(epochs=np.int32(1), batch_size=np.int64(50), pac=np.int16(5), generator_dim=(np.int64(16),),
                  generator_lr=np.float32(2e-4), generator_betas=(np.float32(0.5), 0.9), tau=np.float16(0.2),
                  joint_conditions=np.float32(0.2), random_state=np.int64(0))
    model = ConditionalGAN(**params).fit(df)
    model.save(tmp_path / "m.tabgan")
    loaded = tabgan.load(tmp_path / "m.tabgan")
    assert loaded.get_params()["generator_dim"] == (16,) and type(loaded.get_params()["batch_size"]) is int
    pd.testing.assert_frame_equal(loaded.sample(20, random_state=0), model.sample(20, random_state=0))


@pytest.mark.parametrize("fitted", [False, True])
def test_a_fit_that_fails_before_an_epoch_leaves_the_model_as_it_was(fitted, monkeypatch):
    # Before 2026-12-03 a failure in training's first step (an out-of-memory device, Ctrl-C)
    # left an untrained network in place: the earlier fit was lost, and an unfitted model
    # sampled noise as if fitted.
    from tabgan.errors import NotFittedError
    from tabgan.training import TrainingLoop

    rng = np.random.default_rng(0)
    df = pd.DataFrame({"x": rng.normal(size=100), "c": rng.choice(["a", "b"], 100)})
    model = ConditionalGAN(epochs=1, batch_size=50, pac=5, random_state=0)
    before = model.fit(df).sample(20, random_state=0) if fitted else None

    def fail(loop):
        raise MemoryError("out of device memory")

    monkeypatch.setattr(TrainingLoop, "_run", fail)
    with pytest.raises(MemoryError):
        model.set_params(batch_size=20).fit(df.assign(x=df["x"] * 100))
    assert model.batch_size == 20  # the parameters stay as set
    if fitted:
        pd.testing.assert_frame_equal(model.sample(20, random_state=0), before)
    else:
        with pytest.raises(NotFittedError):
            model.sample(5)


def test_a_warm_start_that_fails_before_an_epoch_leaves_the_ids_where_they_were(monkeypatch):
    # Before 2026-12-04 a warm start moved the id counters past the new table's before training,
    # in the transformer that fit's rollback keeps: interrupted in its first step, it left the
    # model's ids at 10300.. instead of 300...
    from tabgan.engines.conditional import ConditionalGANEngine

    rng = np.random.default_rng(0)
    df = pd.DataFrame({"id": range(300), "x": rng.normal(size=300), "c": rng.choice(["a", "b"], 300)})
    model = ConditionalGAN(epochs=1, batch_size=50, pac=5, generator_dim=(16,), discriminator_dim=(16,),
                           embedding_dim=8, random_state=0).fit(df)
    assert model.sample(3, random_state=0)["id"].tolist() == [300, 301, 302]

    def interrupt(self, *args, **kwargs):
        raise KeyboardInterrupt

    later = df.assign(id=df["id"] + 10_000)
    with monkeypatch.context() as m:
        m.setattr(ConditionalGANEngine, "train_step", interrupt)
        with pytest.raises(KeyboardInterrupt):
            model.set_params(warm_start=True).fit(later)
    assert model.sample(3, random_state=0)["id"].tolist() == [300, 301, 302]
    assert model.fit(later).sample(3, random_state=0)["id"].tolist() == [10300, 10301, 10302]


def test_an_interrupted_fit_keeps_its_trained_epochs_and_says_it_was_interrupted(monkeypatch):
    from tabgan.engines.conditional import ConditionalGANEngine

    rng = np.random.default_rng(0)
    df = pd.DataFrame({"x": rng.normal(size=200), "c": rng.choice(["a", "b"], 200)})
    steps = []
    train_step = ConditionalGANEngine.train_step

    def interrupting(self, *args, **kwargs):
        steps.append(1)
        if len(steps) == 9:  # the first step of epoch 2
            raise KeyboardInterrupt
        return train_step(self, *args, **kwargs)

    monkeypatch.setattr(ConditionalGANEngine, "train_step", interrupting)
    model = ConditionalGAN(epochs=5, batch_size=50, pac=5, probe_every=1, random_state=0)
    with pytest.raises(KeyboardInterrupt):
        model.fit(df)
    assert model.stop_reason_ == "interrupted" and len(model.history_) == 2
    assert len(model.sample(10, random_state=0)) == 10


def test_a_numpy_nat_condition_asks_for_missing_dates():
    # Before 2026-12-03 np.datetime64("NaT") was refused ("only categorical and boolean columns
    # can be conditioned on"); pd.NaT and None worked.
    rng = np.random.default_rng(0)
    t = pd.Timestamp("2020-01-01") + pd.to_timedelta(rng.integers(0, 300, 200), unit="D")
    df = pd.DataFrame({"t": t, "c": rng.choice(["a", "b"], 200)})
    df.loc[:40, "t"] = pd.NaT
    model = ConditionalGAN(epochs=1, batch_size=50, pac=5, random_state=0).fit(df)
    assert model.transformer_.schema_["t"].kind == "datetime"
    assert model.sample(5, conditions={"t": np.datetime64("NaT")}, random_state=0)["t"].isna().all()
    days = model.fit(df, discrete_columns=["t"]).sample(5, conditions={"t": np.datetime64("NaT")}, random_state=0)
    assert days["t"].isna().all()


@pytest.mark.parametrize("cls", [ConditionalGAN, WGANGP])
def test_the_same_seed_gives_the_same_rows_in_chunks_of_any_size(cls):
    # Before 2026-12-03 rows were generated and decoded per chunk: `tabgan sample --chunk-size`
    # or sample_chunks(chunk_size=k) drew other rows than sample() for the same seed.
    from tabgan.errors import ParameterError

    rng = np.random.default_rng(0)
    df = pd.DataFrame({"x": rng.normal(size=300).round(3), "c": rng.choice(list("abc"), 300),
                       "code": [f"K{i:03d}X" for i in rng.permutation(300)], "n": np.arange(300)})
    model = cls(epochs=1, batch_size=50, pac=5, random_state=0).fit(df)
    whole = model.sample(700, random_state=3)
    for size in (1, 9, 350, 5000):
        chunks = list(model.sample_chunks(700, chunk_size=size, random_state=3))
        assert [len(c) for c in chunks[:-1]] == [size] * (len(chunks) - 1) and len(chunks[-1]) <= size
        assert all(isinstance(c.index, pd.RangeIndex) and c.index.start == 0 for c in chunks)
        pd.testing.assert_frame_equal(pd.concat(chunks, ignore_index=True), whole)
    for conditions in ({"c": "b"}, pd.DataFrame({"c": rng.choice(["a", "b"], 200)})):
        n = 200
        once = model.sample(n, conditions=conditions, random_state=1)
        pd.testing.assert_frame_equal(
            pd.concat(model.sample_chunks(n, chunk_size=13, conditions=conditions, random_state=1),
                      ignore_index=True), once)
    with pytest.raises(ParameterError, match="chunk_size=0"):
        model.sample_chunks(5, chunk_size=0)  # at the call, not at the first chunk


def test_a_bool_condition_on_a_column_of_numbers_is_refused_not_read_as_1():
    # Before 2026-12-03 {"k": True} on a discrete column of 0, 1, 2 gave rows of 1 (True == 1
    # in a dict of categories).
    from tabgan.errors import ConditionError

    rng = np.random.default_rng(0)
    df = pd.DataFrame({"k": rng.choice([0, 1, 2], 200), "flag": rng.random(200) < 0.5,
                       "t": rng.choice(["True", "False"], 200), "z": np.where(rng.random(200) < 0.5, 0, 1.5)})
    model = ConditionalGAN(epochs=1, batch_size=50, pac=5, random_state=0).fit(df, discrete_columns=["k"])
    for value in (True, np.True_):
        with pytest.raises(ConditionError, match=r"condition k=True: value not seen .*; the column holds no "
                                                 r"True/False values"):
            model.sample(3, conditions={"k": value})
    with pytest.raises(ConditionError, match="the column holds text, give it as 'True'"):
        model.sample(3, conditions={"t": True})
    with pytest.raises(ConditionError, match=r"condition z=False: the numerical column holds no True/False "
                                             r"values; give a number \(here: 0, 1.5\)"):
        model.sample(3, conditions={"z": False})
    assert (model.sample(3, conditions={"k": 1}, random_state=0)["k"] == 1).all()
    assert model.sample(3, conditions={"flag": 1}, random_state=0)["flag"].all()  # 1 is True here


def test_a_date_condition_may_be_text_or_a_date_object():
    # Before 2026-12-03 "2020-01-02" and datetime.date(2020, 1, 2) were "not seen" on a discrete
    # column of dates, which found pd.Timestamp and np.datetime64 only.
    import datetime

    rng = np.random.default_rng(0)
    for tz in (None, "Europe/Paris"):
        days = (pd.Timestamp("2020-01-01", tz=tz) + pd.to_timedelta(rng.integers(0, 3, 200), unit="D"))
        df = pd.DataFrame({"day": days, "x": rng.normal(size=200)})
        model = ConditionalGAN(epochs=1, batch_size=50, pac=5, random_state=0).fit(df, discrete_columns=["day"])
        for value in ("2020-01-02", datetime.date(2020, 1, 2)):
            out = model.sample(4, conditions={"day": value}, random_state=0)["day"]
            assert (out == pd.Timestamp("2020-01-02", tz=tz)).all() and out.dtype == df["day"].dtype


def test_conditioned_cells_hold_the_category_the_value_stands_for():
    # Before 2026-12-04 a conditioned cell of an object column held the value as given: the int 1
    # in a column of True/False, the float 2.0 in one of ints, values the column never held.
    rng = np.random.default_rng(0)
    df = pd.DataFrame({"b": pd.Series(rng.choice([True, False], 200), dtype=object),
                       "k": pd.Series(rng.choice([1, 2, 3], 200).tolist(), dtype=object), "x": rng.normal(size=200)})
    model = ConditionalGAN(epochs=1, batch_size=50, pac=5, random_state=0).fit(df, discrete_columns=["k"])
    out = model.sample(3, conditions={"b": 1, "k": 2.0}, random_state=0)
    assert [type(v) for v in out["b"]] == [bool] * 3 and [type(v) for v in out["k"]] == [int] * 3
    assert out["b"].tolist() == [True] * 3 and out["k"].tolist() == [2] * 3
    per_row = model.sample(2, conditions=pd.DataFrame({"b": [1, 0], "k": [3.0, 1.0]}), random_state=0)
    assert per_row["b"].tolist() == [True, False] and [type(v) for v in per_row["b"]] == [bool, bool]
    assert per_row["k"].tolist() == [3, 1] and [type(v) for v in per_row["k"]] == [int, int]


def test_a_naive_timestamp_finds_its_day_in_a_column_with_a_time_zone():
    # Before 2026-12-04 datetime(2021, 1, 2) found the day, pd.Timestamp of it and a DataFrame of
    # conditions (which holds naive Timestamps) did not: "value not seen in the training data".
    import datetime

    rng = np.random.default_rng(0)
    days = pd.Timestamp("2021-01-01", tz="Europe/Paris") + pd.to_timedelta(rng.integers(0, 3, 200), unit="D")
    model = ConditionalGAN(epochs=1, batch_size=50, pac=5, random_state=0).fit(
        pd.DataFrame({"day": days, "x": rng.normal(size=200)}), discrete_columns=["day"])
    day, want = datetime.datetime(2021, 1, 2), pd.Timestamp("2021-01-02", tz="Europe/Paris")
    for conditions in ({"day": day}, {"day": pd.Timestamp(day)}, {"day": np.datetime64("2021-01-02")},
                       pd.DataFrame({"day": [day, day]})):
        out = model.sample(2, conditions=conditions, random_state=0)["day"]
        assert (out == want).all() and out.dtype == days.dtype


def test_sample_chunks_checks_its_conditions_when_called():
    # Before 2026-12-04 a bad condition raised at the first chunk, though the docstring says the
    # arguments are checked when sample_chunks is called (n, chunk_size and random_state were).
    from tabgan.errors import ConditionError, ParameterError

    rng = np.random.default_rng(0)
    model = ConditionalGAN(epochs=1, batch_size=50, pac=5, random_state=0).fit(
        pd.DataFrame({"c": rng.choice(list("ab"), 200), "x": rng.normal(size=200)}))
    for conditions, error, message in [
        ({"c": "zz"}, ConditionError, "condition c='zz': value not seen"),
        ({"nope": 1}, ConditionError, "unknown column 'nope'"),
        (["c"], ConditionError, "must be a dict of column -> value, or a DataFrame"),
        (pd.DataFrame({"c": ["a"]}), ParameterError, "n=2 but conditions holds 1 rows"),
        (pd.DataFrame({"c": ["a", "zz"]}), ConditionError, "condition c='zz'"),
    ]:
        with pytest.raises(error, match=message):
            model.sample_chunks(2, conditions=conditions)  # not a chunk asked for
    first = model.sample(5)  # a refused call takes nothing of the model's own stream
    assert first.equals(model.reset_sampling().sample(5))


def test_durations_and_decimals_can_be_conditioned_on_point_masses_and_missing_values():
    # Before 2026-12-04 both were refused: "only categorical and boolean columns can be
    # conditioned on", though a float column of the same values could.
    import datetime
    import decimal

    rng = np.random.default_rng(0)
    d = pd.Series(pd.to_timedelta(np.where(rng.random(200) < .3, 0, rng.integers(1, 500, 200)), unit="min"))
    d[rng.random(200) < .1] = pd.NaT
    dec = pd.Series([decimal.Decimal("0.00") if rng.random() < .3 else decimal.Decimal(f"{rng.normal():.2f}")
                     for _ in range(200)], dtype=object)
    dec[rng.random(200) < .1] = None
    df = pd.DataFrame({"c": rng.choice(list("ab"), 200), "d": d, "dec": dec})
    model = ConditionalGAN(epochs=1, batch_size=50, pac=5, random_state=0).fit(df)
    for value in (pd.Timedelta(0), datetime.timedelta(0), np.timedelta64(0, "s"), "0min"):
        out = model.sample(4, conditions={"d": value}, random_state=0)["d"]
        assert (out == pd.Timedelta(0)).all() and out.dtype == d.dtype
    assert model.sample(4, conditions={"d": None}, random_state=0)["d"].isna().all()
    for value in (decimal.Decimal("0.00"), decimal.Decimal("0"), 0):
        out = model.sample(4, conditions={"dec": value}, random_state=0)["dec"]
        assert out.tolist() == [decimal.Decimal("0.00")] * 4 and str(out.iloc[0]) == "0.00"
    assert model.sample(4, conditions={"dec": None}, random_state=0)["dec"].isna().all()
    from tabgan.errors import ConditionError

    with pytest.raises(ConditionError, match="condition d=Timedelta.*at least 5% of its rows"):
        model.sample(4, conditions={"d": pd.Timedelta(3, "min")})


def test_a_dataframe_of_conditions_is_checked_without_rows_and_with_cells_of_several_values():
    # Before 2026-12-04 a DataFrame of conditions naming an unknown column raised a bare
    # KeyError at n=0 (no row checked it), and a cell holding a list a TypeError from pandas'
    # groupby, where the mapping {"c": ["a"]} is a ConditionError.
    from tabgan.errors import ConditionError

    rng = np.random.default_rng(0)
    model = ConditionalGAN(epochs=1, batch_size=50, pac=5, random_state=0).fit(
        pd.DataFrame({"c": rng.choice(list("ab"), 200), "x": rng.normal(size=200)}))
    with pytest.raises(ConditionError, match="unknown column 'nope'"):
        model.sample(0, conditions=pd.DataFrame({"nope": pd.Series([], dtype=object)}))
    with pytest.raises(ConditionError, match=r"condition c=\['a'\] \(row 1 of conditions\): give one value"):
        model.sample(2, conditions=pd.DataFrame({"c": ["b", ["a"]]}))
    assert model.sample(0, conditions=pd.DataFrame({"c": pd.Series([], dtype=object)})).shape == (0, 2)


@pytest.mark.parametrize("cls", [ConditionalGAN, WGANGP], ids=lambda c: c.__name__)
def test_distinct_rows_of_conditions_are_generated_together(cls):
    # Before 2026-12-04 each distinct row of a DataFrame of conditions was rejection-sampled on
    # its own, one generator call or more each: 20,000 rows of 5,000 distinct rows took 30 s
    # against 0.03 s unconditioned. Rows of every distinct row now go through the generator in
    # the same blocks, each checked against its own row's values.
    rng = np.random.default_rng(0)
    table = pd.DataFrame({"id": np.arange(400), "u": rng.choice([f"u{i}" for i in range(40)], 400),
                          "c": rng.choice(list("abcde"), 400), "x": rng.normal(size=400)})
    model = cls(epochs=1, batch_size=50, pac=5, generator_dim=(16,), discriminator_dim=(16,),
                embedding_dim=8, probe_every=None, random_state=0).fit(table, discrete_columns=["u"])
    wanted = table[["u", "c"]].drop_duplicates().sample(frac=1, random_state=0).reset_index(drop=True)
    wanted = pd.concat([wanted, wanted.iloc[:50]], ignore_index=True)  # some rows twice
    assert wanted.drop_duplicates().shape[0] >= 150
    calls = []
    generate = model.engine_.generate
    model.engine_.generate = lambda *a, **k: calls.append(1) or generate(*a, **k)
    out = model.sample(len(wanted), conditions=wanted, random_state=0)
    assert (out[["u", "c"]] == wanted).all().all() and out["id"].tolist() == list(range(400, 400 + len(wanted)))
    assert len(calls) < 40  # a few rounds of blocks, not a call per distinct row
    chunks = model.sample_chunks(len(wanted), chunk_size=7, conditions=wanted, random_state=0)
    pd.testing.assert_frame_equal(pd.concat(list(chunks), ignore_index=True), out)
    report = model.sampling_report_
    assert report["accepted"] >= len(wanted) and report["generated"] >= report["accepted"]


def test_conditions_the_model_cannot_meet_fail_within_a_few_rounds_of_rows(monkeypatch):
    # 2026-12-04: distinct rows of conditions are rejection-sampled together, a round asking
    # each pending row's share; without a cap on a round's rows, 951 one-row conditions a
    # 1-epoch model hardly meets generated 2.1 million rows before the first one's budget ran out.
    import tabgan.synthesizers.base as base

    rng = np.random.default_rng(0)
    n = 2000
    table = pd.DataFrame({"u": rng.choice([f"u{i}" for i in range(60)], n), "c": rng.choice(list("abcde"), n),
                          "d": rng.choice(list("pqrst"), n), "x": rng.normal(size=n)})
    model = ConditionalGAN(epochs=1, batch_size=50, pac=5, generator_dim=(16,), discriminator_dim=(16,),
                           embedding_dim=8, probe_every=None, random_state=0).fit(table)
    wanted = pd.DataFrame({"u": rng.choice([f"u{i}" for i in range(60)], 1500), "c": rng.choice(list("abcde"), 1500),
                           "d": rng.choice(list("pqrst"), 1500)}).drop_duplicates().reset_index(drop=True)
    monkeypatch.setattr(base, "ROUND_ROWS", 5_000)
    with pytest.raises(ConditionUnmetError, match="could not generate 1 rows with"):
        model.sample(len(wanted), conditions=wanted, random_state=0)
    assert model.sampling_report_["generated"] < 200_000  # 1.8 million with rounds of 200,000 rows
