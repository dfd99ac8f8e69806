"""One contract, run against every synthesizer."""

import copy
import re
import io

import numpy as np
import pandas as pd
import pytest
import torch
from sklearn.base import clone
from sklearn.utils.estimator_checks import (
    check_get_params_invariance,
    check_no_attributes_set_in_init,
    check_parameters_default_constructible,
    check_set_params,
)

import tabgan
from tabgan import WGANGP, ConditionalGAN
from tabgan.errors import ColumnError, ConditionError, ModelFileError, NotFittedError, ParameterError

SYNTHS = [ConditionalGAN, WGANGP]
FAST = dict(epochs=2, batch_size=50, pac=5, generator_dim=(32, 32), discriminator_dim=(32, 32),
            embedding_dim=16, random_state=0, device="cpu")


@pytest.fixture(scope="module")
def table():
    rng = np.random.default_rng(0)
    n = 240
    colour = rng.choice(["red", "green", "blue"], n, p=[0.6, 0.3, 0.1])
    return pd.DataFrame({
        "num": rng.normal(10, 2, n).round(2),
        "count": rng.integers(0, 5, n),
        "colour": colour,
        # functions of colour: derived (looked up), not learned
        "shade": pd.Series(colour).map({"red": "R", "green": "G", "blue": "B"}),
        "wavelength": pd.Series(colour).map({"red": 700, "green": 530, "blue": 470}),
        "flag": rng.random(n) < 0.3,
        "when": pd.Timestamp("2024-01-01") + pd.to_timedelta(rng.integers(0, 300, n), unit="D"),
        "maybe": np.where(rng.random(n) < 0.2, np.nan, rng.normal(size=n)),
        "rare": np.where(np.arange(n) == 0, "once", "common"),
    })


@pytest.fixture(scope="module", params=SYNTHS, ids=lambda c: c.__name__)
def fitted(request, table):
    return request.param(**FAST).fit(table)


@pytest.mark.parametrize("cls", SYNTHS, ids=lambda c: c.__name__)
def test_sklearn_api_checks_that_need_no_fit(cls):
    name = cls.__name__
    check_no_attributes_set_in_init(name, cls())
    check_get_params_invariance(name, cls())
    check_set_params(name, cls())
    check_parameters_default_constructible(name, cls())
    assert clone(cls(epochs=7)).get_params()["epochs"] == 7
    assert repr(cls(epochs=7)) == f"{name}(epochs=7)"


@pytest.mark.parametrize("cls", SYNTHS, ids=lambda c: c.__name__)
def test_fit_returns_self_and_leaves_the_input_alone(cls, table):
    before = table.copy()
    model = cls(**FAST)
    assert model.fit(table) is model
    pd.testing.assert_frame_equal(table, before)
    assert list(model.history_.columns)[:3] == ["epoch", "steps", "seconds"]
    assert len(model.history_) == FAST["epochs"]


@pytest.mark.parametrize("cls", SYNTHS, ids=lambda c: c.__name__)
def test_sample_before_fit_raises_not_fitted(cls):
    with pytest.raises(NotFittedError, match="fit"):
        cls().sample(5)


def test_output_schema_equals_input_schema(fitted, table):
    out = fitted.sample(333, random_state=0)
    assert len(out) == 333
    assert list(out.columns) == list(table.columns)
    assert (out.dtypes == table.dtypes).all()
    assert out["maybe"].isna().any()  # missing values are generated, not imputed


def test_zero_rows_are_an_empty_table_of_the_schema_and_bad_counts_are_refused(fitted, table):
    # Before 2026-12-02 sample(0) raised, where a batch job asking for no rows wants an empty table.
    for out in (fitted.sample(0), fitted.sample(0, conditions={"colour": "red"})):
        assert out.shape == (0, table.shape[1]) and list(out.columns) == list(table.columns)
        assert (out.dtypes == table.dtypes).all()
    assert fitted.sampling_report_["generated"] == 0
    for n in (-1, 2.5, True, "3"):
        with pytest.raises(ParameterError, match=f"n={n!r} must be an integer >= 0"):
            fitted.sample(n)
    with pytest.raises(ConditionError, match="colour='purple'"):  # conditions are checked all the same
        fitted.sample(0, conditions={"colour": "purple"})


def test_same_seed_same_model_same_rows(fitted, table):
    again = type(fitted)(**FAST).fit(table)
    pd.testing.assert_frame_equal(fitted.history_.drop(columns="seconds"), again.history_.drop(columns="seconds"))
    pd.testing.assert_frame_equal(fitted.sample(200, random_state=3), again.sample(200, random_state=3))
    assert not fitted.sample(200, random_state=3).equals(fitted.sample(200, random_state=4))


def test_numpy_generators_seed_fits_and_samples_and_seed_reproduces_any_fit(fitted, table, tmp_path):
    # Before 2026-12-02 random_state took integers only; scikit-learn code passes generators.
    cls, history = type(fitted), lambda m: m.history_.drop(columns="seconds")
    for make in (np.random.default_rng, np.random.RandomState):
        one, two = (cls(**{**FAST, "random_state": make(5)}).fit(table) for _ in range(2))
        pd.testing.assert_frame_equal(history(one), history(two))
        assert isinstance(one.seed_, int) and one.seed_ == two.seed_
    again = cls(**{**FAST, "random_state": one.seed_}).fit(table)  # seed_ is the fit's integer
    pd.testing.assert_frame_equal(history(again), history(one))
    shared = np.random.default_rng(5)  # one generator, two fits: they differ, as in scikit-learn
    assert cls(**{**FAST, "random_state": shared}).fit(table).seed_ != \
        cls(**{**FAST, "random_state": shared}).fit(table).seed_
    unseeded = cls(**{**FAST, "random_state": None}).fit(table)
    pd.testing.assert_frame_equal(history(cls(**{**FAST, "random_state": unseeded.seed_}).fit(table)),
                                  history(unseeded))
    # a saved generator-seeded model records the seed it drew, so JSON can hold it
    one.save(tmp_path / "g.tabgan")
    loaded = tabgan.load(tmp_path / "g.tabgan", device="cpu")
    assert loaded.random_state == loaded.seed_ == one.seed_

    big = fitted.sample(40, random_state=unseeded.seed_)  # 128 bits: more than torch's seeds take
    pd.testing.assert_frame_equal(big, fitted.sample(40, random_state=unseeded.seed_))
    rows = fitted.sample(40, random_state=np.random.default_rng(1))
    pd.testing.assert_frame_equal(rows, fitted.sample(40, random_state=np.random.default_rng(1)))
    gen = np.random.default_rng(1)
    assert fitted.sample(40, random_state=gen).equals(rows) and not fitted.sample(40, random_state=gen).equals(rows)
    for bad in (True, -1, 1.5, "0", torch.Generator()):
        with pytest.raises(ParameterError, match="random_state=.* must be None, an integer >= 0, or a numpy"):
            fitted.sample(2, random_state=bad)
        with pytest.raises(ParameterError, match="random_state=.* must be None, an integer >= 0, or a numpy"):
            cls(**{**FAST, "random_state": bad}).fit(table)


def test_save_load_round_trip_samples_the_same_rows(fitted, tmp_path):
    path = tmp_path / "model.tabgan"
    fitted.save(path)
    loaded = tabgan.load(path, device="cpu")
    assert type(loaded) is type(fitted)
    assert loaded.get_params()["epochs"] == fitted.get_params()["epochs"]
    pd.testing.assert_frame_equal(loaded.sample(300, random_state=9), fitted.sample(300, random_state=9))
    # A binary file object (a database blob, a cloud storage handle) takes the same bytes.
    buffer = io.BytesIO()
    fitted.save(buffer)
    assert buffer.getvalue() == path.read_bytes()
    buffer.seek(0)
    pd.testing.assert_frame_equal(tabgan.load(buffer, device="cpu").sample(300, random_state=9),
                                  fitted.sample(300, random_state=9))


def test_a_fitted_model_holds_no_row_of_the_training_data(fitted, table):
    # Before 2026-12-02 a fitted ConditionalGAN kept its condition sampler, and with it the whole
    # encoded training table (on the GPU, when fitted there): a pickle or joblib dump of the
    # model carried every real row, and the device memory stayed taken.
    import io
    import pickle

    tensors = []

    class Recorder(pickle.Pickler):
        def persistent_id(self, obj):
            if isinstance(obj, torch.Tensor):
                tensors.append(obj)
            return None

    Recorder(io.BytesIO()).dump(fitted)
    assert tensors
    assert not [t for t in tensors if t.ndim and t.shape[0] == len(table)]


@pytest.mark.parametrize("cls", SYNTHS, ids=lambda c: c.__name__)
def test_a_refit_keeps_nothing_of_the_earlier_table(cls, table, tmp_path):
    # Before 2026-12-02 a second fit left the first table's per-slot counts, its numerical
    # columns' ventiles (saved with the model), the last sampling report and, when the new table
    # had nothing to learn, the old best epoch and stop reason.
    model = cls(**FAST).fit(table)
    model.sample(20, conditions={"colour": "red"})
    with pytest.raises(ColumnError):  # a table that cannot be learnt leaves the model as it was
        model.fit(pd.DataFrame({"x": pd.Series(["a", 1.5] * 60, dtype=object)}))
    assert list(model.sample(5).columns) == list(table.columns)
    other = pd.DataFrame({"size": np.tile([1.5, 2.5, 9.0], 40), "kind": np.tile(["p", "q"], 60)})
    fresh = cls(**FAST).fit(other)
    model.fit(other)
    assert set(vars(model)) == set(vars(fresh))
    np.testing.assert_array_equal(model.slot_counts_, fresh.slot_counts_)
    assert model.value_reference_.keys() == fresh.value_reference_.keys() == {"size"}
    ids_only = pd.DataFrame({"n": np.arange(120), "k": ["z"] * 120})
    model.fit(ids_only)
    assert (model.best_epoch_, model.stop_reason_) == (None, "")
    assert not hasattr(model, "sampling_report_") and model.value_reference_ == {}
    model.save(tmp_path / "m.tabgan")
    assert b"colour" not in (tmp_path / "m.tabgan").read_bytes()


def _weights(model):
    return {k: v.clone() for k, v in model.engine_.state_dict().items()}


def _same(a, b):
    return a.keys() == b.keys() and all(torch.equal(a[k], b[k]) for k in a)


@pytest.mark.parametrize("cls", SYNTHS, ids=lambda c: c.__name__)
def test_warm_start_trains_on_and_continues_alike_in_memory_and_after_load(cls, table, tmp_path):
    # Before 2026-12-02 every fit started afresh, and a model file held no Adam moments.
    first = cls(**FAST, warm_start=True).fit(table)
    start = _weights(first)
    first.save(tmp_path / "m.tabgan")
    loaded = tabgan.load(tmp_path / "m.tabgan", device="cpu")
    for model in (first, loaded):
        model.set_params(epochs=3).fit(table)
    assert not _same(_weights(first), start)  # it trained on
    assert _same(_weights(first), _weights(loaded))
    assert list(first.history_["epoch"]) == [0, 1, 2, 3, 4] and first.epochs_ == 3
    pd.testing.assert_frame_equal(first.history_.drop(columns="seconds"), loaded.history_.drop(columns="seconds"))
    pd.testing.assert_frame_equal(first.sample(100, random_state=2), loaded.sample(100, random_state=2))
    again = cls(**FAST, warm_start=True).fit(table).set_params(epochs=3).fit(table)
    assert _same(_weights(again), _weights(first))  # the same steps, whatever the path
    # Adam's step counters carried on: 2 + 3 epochs of updates
    steps = cls(**FAST).fit(table).engine_.opt_g.steps[0].item()
    assert first.engine_.opt_g.steps[0].item() == steps * 5 / 2
    assert first.set_params(warm_start=False).fit(table).history_["epoch"].tolist() == [0, 1, 2]


@pytest.mark.parametrize("cls", SYNTHS, ids=lambda c: c.__name__)
def test_keep_best_puts_back_the_best_epochs_moments_with_its_weights(cls, table, monkeypatch):
    # Before 2026-12-03 keep_best put back the best epoch's weights beside the last epoch's Adam
    # moments and step counters, so a warm start went on from a state no epoch had.
    from tabgan.probe import FidelityProbe

    measure = FidelityProbe.__call__
    scores = iter([0.5, 0.2] + [0.9] * 10)  # epoch 1 is the best, by far
    monkeypatch.setattr(FidelityProbe, "__call__", lambda self, fake: {**measure(self, fake), "probe_score": next(scores)})
    kept = cls(**{**FAST, "epochs": 4}, probe_every=1).fit(table)
    assert kept.best_epoch_ == 1
    two = cls(**FAST, keep_best=False).fit(table)  # the same first two epochs
    assert _same(_weights(kept), _weights(two))
    assert _same(kept.engine_.moments(), two.engine_.moments())


@pytest.mark.parametrize("cls", SYNTHS, ids=lambda c: c.__name__)
def test_warm_start_takes_new_learning_rates_and_starts_afresh_when_unfitted(cls, table):
    cold = cls(**FAST).fit(table)
    warm_first = cls(**FAST, warm_start=True).fit(table)  # nothing fitted yet: an ordinary fit
    assert _same(_weights(cold), _weights(warm_first))
    warm_first.set_params(generator_lr=1e-5, discriminator_lr=3e-5, epochs=1).fit(table)
    assert (warm_first.engine_.opt_g.lr, warm_first.engine_.opt_d.lr) == (1e-5, 3e-5)


@pytest.mark.parametrize("cls", SYNTHS, ids=lambda c: c.__name__)
def test_warm_start_on_new_rows_generates_none_of_their_ids(cls, table):
    # The first version of warm_start (2026-12-02) continued ids past the first table's only:
    # trained on rows 241-480, every generated id was one of theirs.
    first = table.assign(row=np.arange(1, len(table) + 1))
    model = cls(**FAST, warm_start=True).fit(first)
    assert model.transformer_.schema_["row"].kind == "id"
    later = first.assign(row=first["row"] + len(table))
    out = model.fit(later).sample(2 * len(table), random_state=0)
    assert not set(out["row"]) & (set(first["row"]) | set(later["row"]))


@pytest.mark.parametrize("cls", SYNTHS, ids=lambda c: c.__name__)
def test_warm_start_refuses_what_it_cannot_continue_and_keeps_the_model(cls, table):
    model = cls(**FAST, warm_start=True).fit(table)
    before = _weights(model)
    for params, message in [({"generator_dim": (16, 16)}, r"generator_dim=\(16, 16\) differs from the fitted "
                                                          r"model's \(32, 32\)"),
                            ({"n_modes": 3}, "n_modes=3 differs from the fitted model's 10"),
                            ({"ema": None}, "ema=None: the fitted model was trained with a moving average")]:
        with pytest.raises(ParameterError, match=message):
            clone_fitted(model, **params).fit(table)
    for frame, message in [
        (table.assign(colour=table["colour"].replace("blue", "purple")), "column 'colour': value 'purple' was not"),
        (table.assign(extra=1), "column 'extra': was not in the table"),
        (table.drop(columns="num"), "column 'num': the table lacks"),
        (table.assign(shade=table["shade"].replace("R", "r")), "column 'shade': was looked up from 'colour'"),
        (table.assign(num=table["num"].where(table.index > 0)), "column 'num': missing values"),
    ]:
        with pytest.raises(ColumnError, match=message):
            model.fit(frame)
    with pytest.raises(ColumnError, match="column 'count': was fitted as numerical; it cannot become categorical"):
        model.fit(table, discrete_columns=["count"])
    assert _same(_weights(model), before) and len(model.history_) == 2
    model.fit(table, discrete_columns=["colour"])  # kinds as fitted: accepted


@pytest.mark.parametrize("column, value", [("colour", "blue"), ("flag", True), ("rare", "common"),
                                           ("shade", "B")])
def test_conditions_are_honoured_on_every_discrete_column(fitted, column, value):
    out = fitted.sample(120, conditions={column: value}, random_state=0)
    assert len(out) == 120 and (out[column] == value).all()
    assert 0 < fitted.sampling_report_["acceptance_rate"] <= 1


def test_conditions_on_several_columns(fitted):
    out = fitted.sample(50, conditions={"colour": "red", "flag": False}, random_state=0)
    assert ((out["colour"] == "red") & (~out["flag"])).all()


def test_a_dataframe_of_conditions_gives_each_row_its_values(fitted):
    # Before 2026-12-02 a DataFrame of conditions was refused: rows under different conditions
    # took one call each, and concatenated calls repeated ids (each call starts them afresh).
    rng = np.random.default_rng(0)
    wanted = pd.DataFrame({
        "colour": rng.choice(["red", "green", "blue"], 150),
        "flag": rng.random(150) < 0.5,
        "maybe": np.nan,  # a missing cell asks for a missing value
    })
    out = fitted.sample(150, conditions=wanted, random_state=1)
    assert len(out) == 150 and list(out.columns) == list(fitted.feature_names_in_)
    assert (out["colour"].to_numpy() == wanted["colour"].to_numpy()).all()
    assert (out["flag"].to_numpy() == wanted["flag"].to_numpy()).all()
    assert out["maybe"].isna().all()
    assert set(zip(out["colour"], out["shade"])) <= {("red", "R"), ("green", "G"), ("blue", "B")}
    pd.testing.assert_frame_equal(out, fitted.sample(150, conditions=wanted, random_state=1))
    assert 0 < fitted.sampling_report_["acceptance_rate"] <= 1
    chunks = list(fitted.sample_chunks(150, chunk_size=40, conditions=wanted, random_state=1))
    assert [len(c) for c in chunks] == [40, 40, 40, 30]
    pd.testing.assert_frame_equal(pd.concat(chunks, ignore_index=True), out)
    assert fitted.sample(0, conditions=wanted.iloc[:0]).shape == (0, out.shape[1])
    with pytest.raises(ParameterError, match="n=10 but conditions holds 150 rows"):
        fitted.sample(10, conditions=wanted)
    with pytest.raises(ConditionError, match="colour='purple'"):
        fitted.sample(2, conditions=pd.DataFrame({"colour": ["red", "purple"]}))
    with pytest.raises(ConditionError, match="unknown column 'nope'"):
        fitted.sample(1, conditions=pd.DataFrame({"nope": [1]}))


@pytest.mark.parametrize("cls", SYNTHS, ids=lambda c: c.__name__)
def test_ids_are_unique_over_a_dataframe_of_conditions(cls):
    rng = np.random.default_rng(0)
    n = 200
    table = pd.DataFrame({"id": np.arange(1000, 1000 + n), "invoice": [f"INV-{i:05d}" for i in range(n)],
                          "kind": rng.choice(["a", "b", "c"], n), "x": rng.normal(size=n)})
    model = cls(**FAST).fit(table)
    wanted = pd.DataFrame({"kind": ["a", "b", "c", "a"] * 30})
    out = model.sample(120, conditions=wanted, random_state=0)
    assert (out["kind"] == wanted["kind"]).all()
    assert out["id"].tolist() == list(range(1200, 1320))  # in row order, past the largest id
    assert out["invoice"].is_unique and not set(out["invoice"]) & set(table["invoice"])


def invoices(n: int = 200) -> pd.DataFrame:
    """An integer id from 1000, a counter INV-00000 and a category."""
    rng = np.random.default_rng(0)
    return pd.DataFrame({"id": np.arange(1000, 1000 + n), "invoice": [f"INV-{i:05d}" for i in range(n)],
                         "kind": rng.choice(["a", "b", "c"], n)})


@pytest.mark.parametrize("cls", SYNTHS, ids=lambda c: c.__name__)
def test_unseeded_calls_continue_integer_ids_and_counters(cls, tmp_path):
    # Before 2026-12-03 every call numbered its rows from the first: sampling a table in two
    # calls and putting them together gave each id twice.
    table = invoices()
    model = cls(**FAST).fit(table)
    parts = [model.sample(50), model.sample(30, conditions={"kind": "b"}),
             model.sample(20, conditions=pd.DataFrame({"kind": ["a", "c"] * 10}))]
    whole = pd.concat(parts, ignore_index=True)
    assert whole["id"].tolist() == list(range(1200, 1300))
    assert whole["invoice"].tolist() == [f"INV-{i:05d}" for i in range(200, 300)]
    seeded = model.sample(10, random_state=0)  # a table of its own, and the stream goes on after it
    assert seeded["id"].tolist() == list(range(1200, 1210)) and model.sample(1)["id"].tolist() == [1300]
    again = pd.concat([model.reset_sampling().sample(50), model.sample(30, conditions={"kind": "b"})], ignore_index=True)
    pd.testing.assert_frame_equal(again, whole.iloc[:80])
    model.save(tmp_path / "m.tabgan")
    pd.testing.assert_frame_equal(tabgan.load(tmp_path / "m.tabgan").sample(50), parts[0])  # a fresh stream


def test_ids_continue_past_an_earlier_output_on_request(fitted, tmp_path):
    # Tables sampled in different sessions restarted their ids; continue_ids_past moves them on.
    table = invoices()
    model = ConditionalGAN(**FAST).fit(table)
    model.save(tmp_path / "m.tabgan")
    yesterday = model.sample(40, random_state=0)
    today = tabgan.load(tmp_path / "m.tabgan").continue_ids_past(yesterday).sample(40, random_state=0)
    assert today["id"].tolist() == list(range(1240, 1280))
    assert today["invoice"].tolist() == [f"INV-{i:05d}" for i in range(240, 280)]
    with pytest.raises(ParameterError, match="holds none of the id columns id, invoice"):
        model.continue_ids_past(yesterday[["kind"]])
    with pytest.raises(ParameterError, match="has no integer id, counter or short random id column"):
        fitted.continue_ids_past(yesterday)


def short_codes(n: int = 150) -> pd.DataFrame:
    """Codes of a letter and a digit ("B7"): 260 of them, so fresh ones meet by chance."""
    rng = np.random.default_rng(0)
    codes = [f"{a}{d}" for a in "ABCDEFGHIJKLMNOPQRSTUVWXYZ" for d in range(10)]
    return pd.DataFrame({"code": rng.choice(codes, n, replace=False), "kind": rng.choice(["a", "b"], n)})


def test_unseeded_calls_keep_short_random_ids_apart(tmp_path):
    # Before 2026-12-03 each call drew its random text ids afresh: two calls of 100 codes out of
    # 260 shared about 38 of them.
    model = ConditionalGAN(**FAST).fit(short_codes())
    parts = [model.sample(100), model.sample(100, conditions={"kind": "a"}),
             model.sample(100, conditions=pd.DataFrame({"kind": ["a", "b"] * 50}))]
    codes = pd.concat(parts, ignore_index=True)["code"]
    assert codes.is_unique  # when few codes are left, numbered: "F7-200"
    assert model.transformer_.drawn_id_columns() == ["code"]
    assert codes[:100].str.fullmatch(r"[A-Z][0-9]").all() and codes.str.fullmatch(r"[A-Z][0-9](-[0-9]+)?").all()
    pd.testing.assert_frame_equal(model.reset_sampling().sample(100), parts[0])
    seeded = model.sample(100, random_state=0)  # a table of its own: the stream's ids are not its
    pd.testing.assert_frame_equal(seeded, model.sample(100, random_state=0))
    model.save(tmp_path / "m.tabgan")
    today = tabgan.load(tmp_path / "m.tabgan").continue_ids_past(seeded)
    for later in (today.sample(100, random_state=0), today.sample(100)):
        assert not set(later["code"]) & set(seeded["code"])


def test_derived_columns_keep_their_dependency(fitted, table):
    assert fitted.transformer_.derived_ == {"shade": "colour", "wavelength": "colour"}
    out = fitted.sample(300, random_state=0)
    pairs = set(zip(table["colour"], table["shade"], table["wavelength"]))
    assert set(zip(out["colour"], out["shade"], out["wavelength"])) <= pairs
    both = fitted.sample(20, conditions={"colour": "blue", "shade": "B"}, random_state=0)
    assert (both["colour"] == "blue").all() and (both["wavelength"] == 470).all()
    with pytest.raises(ConditionError, match="colour='red' and shade='B' cannot hold together"):
        fitted.sample(5, conditions={"colour": "red", "shade": "B"})


def test_bad_conditions_name_the_problem(fitted):
    with pytest.raises(ConditionError, match="unknown column 'nope'"):
        fitted.sample(5, conditions={"nope": 1})
    with pytest.raises(ConditionError, match="colour='purple'"):
        fitted.sample(5, conditions={"colour": "purple"})
    with pytest.raises(ConditionError, match="num=3.0: a numerical column can be conditioned on a value "
                                             "that holds at least 5% of its rows.*name it in discrete_columns"):
        fitted.sample(5, conditions={"num": 3.0})


@pytest.mark.parametrize("cls", SYNTHS, ids=lambda c: c.__name__)
def test_a_numerical_columns_point_mass_or_missing_values_can_be_conditioned_on(cls):
    # Before 2026-12-02 a 0/1 column of ints (a label), capital-gain=0 or a column's missing
    # values could not be asked for: "only categorical and boolean columns".
    rng = np.random.default_rng(0)
    n = 400
    table = pd.DataFrame({"label": rng.choice([0, 1], n, p=[0.8, 0.2]),
                          "gain": np.where(rng.random(n) < 0.7, 0.0, rng.lognormal(8, 1, n).round()),
                          "score": np.where(rng.random(n) < 0.2, np.nan, rng.normal(size=n)),
                          "c": rng.choice(["a", "b"], n)})
    model = cls(epochs=2, batch_size=50, pac=5, random_state=0).fit(table)
    out = model.sample(40, conditions={"label": 1, "gain": 0, "c": "b"}, random_state=0)
    assert len(out) == 40 and out["label"].dtype == np.int64
    assert (out["label"] == 1).all() and (out["gain"] == 0).all() and (out["c"] == "b").all()
    assert model.sampling_report_["acceptance_rate"] < 1  # checked rows: some were turned away
    assert model.sample(20, conditions={"score": None}, random_state=0)["score"].isna().all()
    with pytest.raises(ConditionError, match=r"label=2: .*\(here: 0, 1\); name it in discrete_columns"):
        model.sample(5, conditions={"label": 2})


@pytest.mark.parametrize("cls", SYNTHS, ids=lambda c: c.__name__)
def test_infinities_are_learnt_conditioned_on_and_saved(cls, tmp_path):
    # Before 2026-12-03 a column holding inf (a ratio over a zero count) was refused.
    rng = np.random.default_rng(0)
    n = 400
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = rng.integers(0, 20, n) / rng.integers(0, 20, n)  # 5% inf, a few NaN (0/0)
    ratio[rng.random(n) < 0.02] = -np.inf
    table = pd.DataFrame({"ratio": ratio, "c": rng.choice(["a", "b"], n)})
    model = cls(epochs=2, batch_size=50, pac=5, random_state=0).fit(table)
    out = model.sample(500, random_state=0)
    assert out["ratio"].dtype == np.float64 and np.isfinite(out["ratio"]).mean() > 0.5
    for value in (np.inf, -np.inf):
        assert (model.sample(30, conditions={"ratio": value, "c": "b"}, random_state=0)["ratio"] == value).all()
    model.save(tmp_path / "m.tabgan")
    pd.testing.assert_frame_equal(tabgan.load(tmp_path / "m.tabgan").sample(500, random_state=0), out)


@pytest.mark.parametrize("cls", SYNTHS, ids=lambda c: c.__name__)
def test_category_columns_keep_the_dtype_of_their_categories_and_concatenate(cls, tmp_path):
    # Before 2026-12-04 categories came back of the dtype pandas inferred from their values (int8
    # as int64, string as object, datetime64[s] as datetime64[ns], float32 as float64), so a
    # sample's dtypes were not the table's and pd.concat([real, synthetic]) gave no category.
    rng = np.random.default_rng(0)
    n = 200
    table = pd.DataFrame({
        "x": rng.normal(size=n),
        "grade": pd.Series(rng.choice([1, 2, 3], n)).astype("int8").astype("category"),
        "city": pd.Series(rng.choice(list("abc"), n)).astype("string").astype("category"),
        "when": pd.Series(pd.to_datetime(rng.choice(["2020-01-01", "2021-01-01"], n))).astype("datetime64[s]")
        .astype("category"),
        "w32": pd.Series(rng.choice([0.5, 1.5], n)).astype("float32").astype("category"),
        "one": pd.Series(["z"] * n, dtype="string").astype("category"),  # a constant
    })
    model = cls(epochs=1, batch_size=50, pac=5, random_state=0).fit(table)
    model.save(tmp_path / "m.tabgan")
    loaded = tabgan.load(tmp_path / "m.tabgan")
    for out in (model.sample(20, random_state=0), loaded.sample(20, random_state=0), loaded.sample(0)):
        pd.testing.assert_series_equal(out.dtypes, table.dtypes)
        pd.testing.assert_series_equal(pd.concat([table, out]).dtypes, table.dtypes)


@pytest.mark.parametrize("cls", SYNTHS, ids=lambda c: c.__name__)
def test_numbers_with_several_missing_texts_are_learnt_and_each_can_be_asked_for(cls):
    # Before 2026-12-03 ages as text with gaps and "?" were a category; incomes with "-" and
    # "unknown" an id, generated as random digits.
    rng = np.random.default_rng(0)
    n = 400
    age = rng.integers(18, 90, n).astype(str).astype(object)
    age[::17], age[3::23] = np.nan, "?"
    income = np.char.mod("%.2f", rng.lognormal(10, 1, n)).astype(object)
    income[::13], income[5::29] = "unknown", "-"
    table = pd.DataFrame({"age": age, "income": income, "c": rng.choice(["x", "y"], n)})
    model = cls(epochs=2, batch_size=50, pac=5, random_state=0).fit(table)
    assert [model.transformer_.schema_[c].kind for c in ("age", "income")] == ["numerical", "numerical"]
    out = model.sample(300, random_state=0)
    assert out["age"].dropna().str.fullmatch(r"\d+|\?").all()
    assert out["income"].str.fullmatch(r"\d+\.\d\d|-|unknown").all()
    assert model.sample(20, conditions={"age": "?"}, random_state=0)["age"].eq("?").all()
    assert model.sample(20, conditions={"age": None}, random_state=0)["age"].isna().all()
    both = model.sample(20, conditions={"age": None, "income": "unknown"}, random_state=0)
    assert both["age"].isna().all() and both["income"].eq("unknown").all()
    with pytest.raises(ConditionError, match=r"or on missing values \('-', 'unknown'\)"):
        model.sample(5, conditions={"income": None})


@pytest.mark.parametrize("cls", SYNTHS, ids=lambda c: c.__name__)
def test_columns_labelled_by_numbers_come_back_with_their_labels(cls, tmp_path):
    # Before 2026-12-02 a frame made from an array (pd.DataFrame(X)) was refused.
    rng = np.random.default_rng(0)
    frame = pd.DataFrame(rng.normal(size=(120, 2)))
    frame[2] = rng.choice(["a", "b"], 120)
    frame[3] = rng.integers(0, 3, 120)
    model = cls(**FAST).fit(frame, discrete_columns=[3])
    assert model.transformer_.schema_["3"].kind == "categorical"
    out = model.sample(30, random_state=0)
    assert list(out.columns) == [0, 1, 2, 3] and (out.dtypes == frame.dtypes).all()
    assert model.n_features_in_ == 4 and not hasattr(model, "feature_names_in_")  # as scikit-learn
    model.save(tmp_path / "m.tabgan")
    pd.testing.assert_frame_equal(tabgan.load(tmp_path / "m.tabgan").sample(30, random_state=0), out)
    if cls is ConditionalGAN:
        assert (model.sample(20, conditions={2: "b", 3: 1})[[2, 3]] == ["b", 1]).all().all()
    # A DataFrame of conditions raised KeyError '2' before 2026-12-03, and a label 2.0 (a frame
    # of float labels) named no column.
    per_row = model.sample(4, conditions=pd.DataFrame({2: ["a", "b", "b", "a"]}), random_state=0)
    assert list(per_row.columns) == [0, 1, 2, 3] and per_row[2].tolist() == ["a", "b", "b", "a"]
    assert (model.sample(5, conditions={2.0: "a"}, random_state=0)[2] == "a").all()
    assert list(model.fit(frame.set_axis(list("wxyz"), axis=1)).feature_names_in_) == list("wxyz")


@pytest.mark.parametrize("kwargs, message", [
    ({"batch_size": 502, "pac": 10}, "batch_size=502 must be divisible by pac=10"),
    ({"epochs": 0}, "epochs=0 must be 'auto' or a positive integer"),
    ({"epochs": "many"}, "epochs='many' must be 'auto' or a positive integer"),
    ({"generator_lr": -1}, "generator_lr=-1 must be a finite number > 0"),
    # Infinities passed the checks before 2026-12-03 and made the first epoch NaN (tau=inf trained
    # on); batch_size=1 failed inside torch's batch normalisation.
    ({"generator_lr": float("inf")}, "generator_lr=inf must be a finite number > 0"),
    ({"discriminator_decay": float("inf")}, "discriminator_decay=inf must be a finite number >= 0"),
    ({"penalty_weight": float("inf")}, "penalty_weight=inf must be a finite number >= 0"),
    ({"tau": float("inf")}, "tau=inf must be a finite number > 0"),
    ({"batch_size": 1, "pac": 1}, "batch_size=1 must be an integer >= 2"),
    ({"penalty": "wgan"}, "penalty='wgan'"),
    ({"device": "tpu"}, "device='tpu'"),
    ({"ema": 1.5}, "ema=1.5"),
    ({"penalty_every": 0}, "penalty_every=0 must be a positive integer"),
    ({"sampling_dtype": "half"}, "sampling_dtype='half' must be 'auto', 'float32' or 'bfloat16'"),
    ({"derive_columns": "yes"}, "derive_columns='yes' must be True or False"),
    ({"discriminator_row_dim": 0}, "discriminator_row_dim=0 must be None or a positive integer"),
])
@pytest.mark.parametrize("cls", SYNTHS, ids=lambda c: c.__name__)
def test_parameters_are_checked_up_front(cls, kwargs, message, table):
    with pytest.raises(ParameterError, match=message.replace("(", r"\(").replace(")", r"\)")):
        cls(**{**FAST, **kwargs}).fit(table)


@pytest.mark.parametrize("cls", SYNTHS, ids=lambda c: c.__name__)
@pytest.mark.parametrize("frame", [
    pd.DataFrame({"x": np.linspace(0, 1, 30), "y": np.linspace(5, 1, 30)}),  # no discrete column
    pd.DataFrame({"a": ["p", "q"] * 15, "b": ["u", "v", "w"] * 10}),  # no continuous column
    pd.DataFrame({"only": ["p", "q", "q"] * 10}),  # a single column
    pd.DataFrame({"x": [1.0, 2.0, 3.5], "c": ["a", "b", "a"]}),  # fewer rows than a batch
    pd.DataFrame({"id": [f"k{i}" for i in range(30)], "const": [1] * 30}),  # nothing to learn
], ids=["numeric", "discrete", "single", "tiny", "ids-only"])
def test_edge_tables(cls, frame):
    model = cls(**FAST).fit(frame)
    out = model.sample(40, random_state=0)
    assert list(out.columns) == list(frame.columns) and (out.dtypes == frame.dtypes).all() and len(out) == 40


@pytest.mark.parametrize("cls", SYNTHS, ids=lambda c: c.__name__)
def test_sampling_in_chunks_is_bounded_and_exact_in_count(cls, table):
    model = cls(**FAST).fit(table)
    chunks = list(model.sample_chunks(1050, chunk_size=400, random_state=0))
    assert [len(c) for c in chunks] == [400, 400, 250]


@pytest.mark.parametrize("change", [dict(generator_dim=(64,)), dict(pac=10), dict(embedding_dim=8), dict(ema=None),
                                    dict(discriminator_row_dim=None), dict(pac=4, batch_size=48)],
                         ids=lambda d: "-".join(d))
def test_network_sizes_set_after_a_fit_leave_its_file_loadable(fitted, table, tmp_path, change):
    # Before 2026-12-04 save wrote the parameters as set since the fit, load built networks of those
    # sizes, and refused the file it had just written ("tensor ... has shape (32,), where ... (64,)").
    # Until a later fix that day, load built the fitted pac (5) with the batch size set since (48) and
    # refused the file: "batch_size=48 must be divisible by pac=5", though the model in memory samples.
    from tabgan.persistence import read_model_file, write_model_file

    model = clone_fitted(fitted, **change)
    model.save(tmp_path / "m.tabgan")
    loaded = tabgan.load(tmp_path / "m.tabgan", device="cpu")
    assert loaded.get_params() == model.get_params()  # the parameters as set, the networks as fitted
    pd.testing.assert_frame_equal(loaded.sample(60, random_state=4), model.sample(60, random_state=4))
    with pytest.raises(ParameterError, match="differs from the fitted model's|cannot add or drop it"):
        loaded.set_params(warm_start=True).fit(table)  # as the model in memory would say
    fitted.save(tmp_path / "f.tabgan")
    old, old_tensors = read_model_file(tmp_path / "f.tabgan")
    del old["state"]["engine"]  # a file from before 2026-12-04: its parameters are its sizes
    old.pop("tensors", None)
    write_model_file(tmp_path / "old.tabgan", old, old_tensors)
    pd.testing.assert_frame_equal(tabgan.load(tmp_path / "old.tabgan", device="cpu").sample(60, random_state=4),
                                  fitted.sample(60, random_state=4))


@pytest.mark.parametrize("cls", SYNTHS, ids=lambda c: c.__name__)
def test_a_file_from_before_discriminator_row_dim_loads_with_ctgans_critic(cls, table, tmp_path):
    from tabgan.persistence import read_model_file, write_model_file

    model = cls(**FAST, discriminator_row_dim=None).fit(table)
    model.save(tmp_path / "new.tabgan")
    header, tensors = read_model_file(tmp_path / "new.tabgan")
    del header["params"]["discriminator_row_dim"]  # as written before the parameter existed
    header.pop("tensors", None)
    write_model_file(tmp_path / "old.tabgan", header, tensors)
    loaded = tabgan.load(tmp_path / "old.tabgan", device="cpu")
    assert loaded.discriminator_row_dim is None
    pd.testing.assert_frame_equal(loaded.sample(50, random_state=3), model.sample(50, random_state=3))


@pytest.mark.parametrize("cls", SYNTHS, ids=lambda c: c.__name__)
def test_a_file_from_before_warm_start_samples_the_same_and_trains_on_from_fresh_moments(cls, table, tmp_path):
    from tabgan.persistence import read_model_file, write_model_file

    model = cls(**FAST).fit(table)
    model.save(tmp_path / "new.tabgan")
    header, tensors = read_model_file(tmp_path / "new.tabgan")
    assert {k for k in tensors if k.startswith("adam.")} == {f"adam.{k}" for k in model.engine_.moments()}
    del header["params"]["warm_start"]  # as written before 2026-12-02: no parameter, no moments
    header.pop("tensors", None)
    write_model_file(tmp_path / "old.tabgan", header, {k: v for k, v in tensors.items() if not k.startswith("adam.")})
    loaded = tabgan.load(tmp_path / "old.tabgan", device="cpu")
    assert loaded.warm_start is False and float(loaded.engine_.opt_g.steps[0]) == 0
    pd.testing.assert_frame_equal(loaded.sample(50, random_state=3), model.sample(50, random_state=3))
    loaded.set_params(warm_start=True, epochs=1).fit(table)
    assert loaded.history_["epoch"].tolist() == [0, 1, 2] and float(loaded.engine_.opt_g.steps[0]) > 0


def test_a_sampling_only_file_samples_the_same_rows_and_holds_no_critic(fitted, table, tmp_path):
    # save(training_state=False), 2026-12-02: the form to share a model in.
    from tabgan.persistence import read_model_file

    fitted.save(tmp_path / "full.tabgan")
    fitted.save(tmp_path / "lean.tabgan", training_state=False)
    _, tensors = read_model_file(tmp_path / "lean.tabgan")
    assert tensors and not [k for k in tensors if k.startswith(("net_d.", "adam.", "net_g."))]
    assert (tmp_path / "lean.tabgan").stat().st_size < (tmp_path / "full.tabgan").stat().st_size / 3
    lean = tabgan.load(tmp_path / "lean.tabgan", device="cpu")
    pd.testing.assert_frame_equal(lean.sample(200, random_state=4), fitted.sample(200, random_state=4))
    pd.testing.assert_frame_equal(lean.sample(30, conditions={"colour": "blue"}, random_state=1),
                                  fitted.sample(30, conditions={"colour": "blue"}, random_state=1))
    assert isinstance(lean.diagnose(n=500), list)
    with pytest.raises(ParameterError, match="training_state=True: this model was read from a file saved"):
        lean.save(tmp_path / "again.tabgan", training_state=True)
    lean.save(tmp_path / "again.tabgan")  # as it was read: sampling only
    assert (tmp_path / "again.tabgan").read_bytes() == (tmp_path / "lean.tabgan").read_bytes()
    with pytest.raises(ParameterError, match="saved with training_state=False, which holds no critic"):
        lean.set_params(warm_start=True).fit(table)
    lean.set_params(warm_start=False).fit(table)  # a refit has everything again
    lean.save(tmp_path / "refit.tabgan", training_state=True)
    assert tabgan.load(tmp_path / "refit.tabgan").set_params(warm_start=True, epochs=1).fit(table).engine_ is not None


def test_loading_a_pickle_runs_nothing_and_is_refused(tmp_path):
    import pickle

    marker = tmp_path / "pwned"

    class Exploit:
        def __reduce__(self):
            return (open, (str(marker), "w"))

    bad = tmp_path / "model.tabgan"
    bad.write_bytes(pickle.dumps(Exploit()))
    with pytest.raises(ModelFileError, match="not a tabgan model"):
        tabgan.load(bad)
    assert not marker.exists()
    # a torch.save file (a zip holding a pickle) is refused the same way
    import torch
    torch.save({"x": Exploit()}, tmp_path / "torch.pt")
    with pytest.raises(ModelFileError, match="not a tabgan model"):
        tabgan.load(tmp_path / "torch.pt")
    assert not marker.exists()


def test_corrupted_and_missing_model_files(fitted, tmp_path):
    path = tmp_path / "m.tabgan"
    fitted.save(path)
    data = path.read_bytes()
    (tmp_path / "cut.tabgan").write_bytes(data[: len(data) // 2])
    with pytest.raises(ModelFileError, match="corrupted"):
        tabgan.load(tmp_path / "cut.tabgan")
    (tmp_path / "head.tabgan").write_bytes(data[:20])
    with pytest.raises(ModelFileError):
        tabgan.load(tmp_path / "head.tabgan")
    with pytest.raises(ModelFileError, match="does not exist"):
        tabgan.load(tmp_path / "nothing.tabgan")


def test_auto_epochs_trains_about_7000_steps_within_bounds():
    from tabgan.synthesizers.base import auto_epochs

    assert auto_epochs(32_561, 500) == 108  # Adult's training split
    assert auto_epochs(11_500, 500) == 300 and auto_epochs(12_000, 500) == 292
    assert auto_epochs(1_000, 500) == 300  # small tables: capped at CTGAN's 300
    assert auto_epochs(494_021, 500) == 10  # large tables: at least 10 passes
    model = ConditionalGAN(**{**FAST, "epochs": "auto", "max_time": 2}).fit(
        pd.DataFrame({"x": np.arange(100.0), "c": ["a", "b"] * 50}))
    assert model.epochs_ == 300 and model.stop_reason_ == "max_time"


@pytest.mark.parametrize("dtype", ["float32", "bfloat16"])
def test_sampling_dtype_keeps_numbers_continuous_and_samples_reproducible(fitted, table, dtype):
    model = clone_fitted(fitted, sampling_dtype=dtype)
    out = model.sample(4000, random_state=3)
    assert (out.dtypes == table.dtypes).all()
    pd.testing.assert_frame_equal(out, model.sample(4000, random_state=3))
    # bfloat16 rounds each output to 8 bits; the value columns are corrected to ~16, so a
    # continuous column keeps (almost) all its values distinct.
    assert out["maybe"].dropna().nunique() > 0.95 * out["maybe"].notna().sum()
    reference = clone_fitted(fitted, sampling_dtype="float32").sample(4000, random_state=3)
    for column in ("colour", "flag", "rare"):  # same law: frequencies within sampling noise
        diff = out[column].value_counts(normalize=True) - reference[column].value_counts(normalize=True)
        assert diff.abs().max() < 0.05, (column, diff)


def clone_fitted(model, **params):
    """The fitted model with other sampling parameters (they need no refit)."""
    other = copy.deepcopy(model)
    return other.set_params(**params)


def test_sampling_dtype_auto_is_bfloat16_only_on_a_cpu_that_has_it():
    from tabgan.nn.layers import native_bfloat16
    from tabgan.synthesizers.base import resolve_sampling_dtype

    cpu = torch.device("cpu")
    expected = torch.bfloat16 if native_bfloat16(cpu) else torch.float32
    assert resolve_sampling_dtype("auto", cpu) == expected
    assert resolve_sampling_dtype("auto", torch.device("cuda")) == torch.float32
    assert resolve_sampling_dtype("bfloat16", cpu) == torch.bfloat16
    with pytest.raises(ParameterError, match="sampling_dtype='fp8'"):
        resolve_sampling_dtype("fp8", cpu)


# ---------------------------------------------------------------------- on a GPU
# Run by benchmarks/device_check.sh on a machine with CUDA; skipped elsewhere (tests/conftest.py).

@pytest.fixture(scope="module", params=SYNTHS, ids=lambda c: c.__name__)
def fitted_cuda(request, table):
    return request.param(**{**FAST, "device": "cuda"}).fit(table)


@pytest.mark.gpu
def test_cuda_fit_keeps_the_table_on_the_device_and_samples_the_schema(fitted_cuda, table):
    assert fitted_cuda.engine_.device.type == "cuda"
    assert all(p.device.type == "cuda" for p in fitted_cuda.engine_.net_g.parameters())
    out = fitted_cuda.sample(700, random_state=0)
    assert len(out) == 700 and list(out.columns) == list(table.columns)
    assert (out.dtypes == table.dtypes).all()
    pd.testing.assert_frame_equal(out, fitted_cuda.sample(700, random_state=0))  # seeded on the device too


@pytest.mark.gpu
def test_cuda_conditions_are_honoured(fitted_cuda):
    out = fitted_cuda.sample(150, conditions={"colour": "blue", "flag": True}, random_state=1)
    assert len(out) == 150 and (out["colour"] == "blue").all() and out["flag"].all()


@pytest.mark.gpu
def test_a_model_saved_on_cuda_loads_on_cpu_and_on_cuda(fitted_cuda, table, tmp_path):
    path = tmp_path / "model.tabgan"
    fitted_cuda.save(path)
    on_cpu = tabgan.load(path, device="cpu")
    assert on_cpu.engine_.device.type == "cpu"
    out = on_cpu.sample(300, random_state=2)
    assert list(out.columns) == list(table.columns) and (out.dtypes == table.dtypes).all()
    on_cuda = tabgan.load(path, device="cuda")
    pd.testing.assert_frame_equal(on_cuda.sample(300, random_state=2), fitted_cuda.sample(300, random_state=2))


@pytest.mark.gpu
def test_a_cuda_model_trains_on_after_a_load_on_either_device(fitted_cuda, table, tmp_path):
    path = tmp_path / "model.tabgan"
    fitted_cuda.save(path)
    for device in ("cuda", "cpu"):
        model = tabgan.load(path, device=device).set_params(warm_start=True, epochs=1).fit(table)
        assert model.engine_.device.type == device and len(model.history_) == len(fitted_cuda.history_) + 1
        assert all(m.device.type == device for m in model.engine_.opt_g.exp_avgs)
        assert len(model.sample(50, random_state=0)) == 50
    model.set_params(device="cuda").fit(table)  # fitted on the CPU just now: moved back
    assert model.engine_.device.type == "cuda" and model.engine_._last_penalty.device.type == "cuda"


@pytest.mark.gpu
def test_cuda_model_diagnoses_and_probes_on_the_device(fitted_cuda):
    # The probe ran on the device at the last epoch (keep_best reads it); diagnose generates there.
    assert fitted_cuda.history_["probe_score"].notna().iloc[-1]
    assert isinstance(fitted_cuda.diagnose(n=2_000), list)


@pytest.mark.gpu
def test_cuda_sampling_dtypes_and_auto_device(fitted_cuda, table):
    # sampling_dtype="bfloat16" on the GPU: the tanh outputs get their correction pass too.
    out = clone_fitted(fitted_cuda, sampling_dtype="bfloat16").sample(3000, random_state=3)
    assert out["maybe"].dropna().nunique() > 0.95 * out["maybe"].notna().sum()
    assert type(fitted_cuda)(**{**FAST, "device": "auto"}).fit(table).engine_.device.type == "cuda"


def test_a_model_file_missing_a_tensor_is_named_in_the_error(fitted, tmp_path):
    # Before 2026-12-03 the engine's words came alone: "optimizer state does not match: ...".
    from tabgan.persistence import read_model_file, write_model_file

    path = tmp_path / "m.tabgan"
    fitted.save(path)
    header, tensors = read_model_file(path, torch.device("cpu"))
    dropped = next(k for k in tensors if k.startswith("adam."))
    write_model_file(tmp_path / "less.tabgan", header, {k: v for k, v in tensors.items() if k != dropped})
    with pytest.raises(ModelFileError, match=rf"^'{re.escape(str(tmp_path / 'less.tabgan'))}': .* does not match"):
        tabgan.load(tmp_path / "less.tabgan")


@pytest.mark.parametrize("edit, message", [
    # Sizes written in the file are checked against its tensors before any network is built:
    # generator_dim=[16000, 16000] took 20 s and 6.5 GB before 2026-12-03.
    (lambda h: h["state"]["engine"].update(generator_dim=[16000, 16000]),
     r"tensor 'net_g\.seq\.0\.\w+\.\w+' has shape \(\d+,?\d*\), where the model's sizes make \(16000"),
    (lambda h: h["state"]["engine"].update(pac=7), "batch_size=50 must be divisible by pac=7"),
    (lambda h: h["params"].update(batch_size="x"), "batch_size='x' must be an integer >= 2"),
    (lambda h: h.update({"class": ["ConditionalGAN"]}), r"holds an unknown model class \['ConditionalGAN'\]"),
    (lambda h: h["state"].update(sample_seed="x"), "its sample_seed 'x' is no integer >= 0"),
    (lambda h: h["state"].update(kept_epoch=-1), "its kept_epoch -1 is no integer >= 0"),
    (lambda h: h["state"].update(column_labels=["a"]), r"its column_labels \['a'\] are not one label for each"),
    (lambda h: h["state"].update(slot_counts=[2**70]), "OverflowError"),
    (lambda h: h["state"].update(arrow_schema="bm90IGEgc2NoZW1h"), "its arrow_schema is no Arrow schema"),
    # A column state that cannot be decoded fails at load, naming the file, not at sample().
    (lambda h: h["state"]["transformer"]["columns"][0]["encoder"].update(
        stds=h["state"]["transformer"]["columns"][0]["encoder"]["stds"][:1]), r"encoder has \d+ means, 1 stds"),
    # Before 2026-12-04 these loaded and sampled: every value clipped onto lo, or NaN from 0 / 0.
    (lambda h: h["state"]["transformer"]["columns"][0]["encoder"].update(lo=1e9), r"encoder lo 1000000000\.0 is above"),
    (lambda h: h["state"]["transformer"]["columns"][0]["encoder"].update(scale=0.0), "encoder scale 0.0 is no finite"),
    (lambda h: h["state"]["transformer"]["columns"][0]["encoder"]["stds"].__setitem__(0, -1.0), "encoder std -1.0"),
    (lambda h: h["state"]["transformer"]["columns"][0]["encoder"].update(hi="inf"), "encoder hi 'inf' is no finite"),
])
def test_a_crafted_model_state_is_refused_at_load_naming_the_file(fitted, tmp_path, edit, message):
    from tests.test_persistence import crafted

    fitted.save(tmp_path / "m.tabgan")
    (tmp_path / "c.tabgan").write_bytes(crafted(tmp_path / "m.tabgan", lambda h, n: edit(h)))
    with pytest.raises(ModelFileError, match=rf"^'{re.escape(str(tmp_path / 'c.tabgan'))}'.*{message}"):
        tabgan.load(tmp_path / "c.tabgan")


def test_tensors_of_another_dtype_of_the_same_size_are_refused(fitted, tmp_path):
    # Before 2026-12-04 a weight written as int32 (its float32 bytes) loaded cast to float: other
    # weights, and rows sampled from them without an error.
    from tabgan.persistence import read_model_file, write_model_file

    fitted.save(tmp_path / "m.tabgan")
    header, tensors = read_model_file(tmp_path / "m.tabgan", torch.device("cpu"))
    key = next(k for k in tensors if k.endswith(".weight") and k.startswith("net_g"))
    for name, value, message in [
        (key, tensors[key].view(torch.int32), rf"tensor '{re.escape(key)}' is torch.int32, where the model's "
                                              r"networks hold torch.float32"),
        ("adam.opt_g.0.exp_avg", tensors["adam.opt_g.0.exp_avg"].view(torch.int32), "exp_avg of parameter 0 is torch.int32"),
        *[("condition_counts", -tensors["condition_counts"], r"condition_counts must be counts \(int64, >= 0\)")
          for _ in range("condition_counts" in tensors)],
    ]:
        write_model_file(tmp_path / "x.tabgan", header, {**tensors, name: value})
        with pytest.raises(ModelFileError, match=message):
            tabgan.load(tmp_path / "x.tabgan")


def test_non_finite_weights_are_refused(fitted, tmp_path):
    from tabgan.persistence import read_model_file, write_model_file

    fitted.save(tmp_path / "m.tabgan")
    header, tensors = read_model_file(tmp_path / "m.tabgan", torch.device("cpu"))
    key = next(k for k in tensors if k.endswith(".bias") and k.startswith("net_g"))
    tensors[key][0] = float("nan")
    write_model_file(tmp_path / "nan.tabgan", header, tensors)
    with pytest.raises(ModelFileError, match=rf"tensor '{re.escape(key)}' holds NaN or infinite values"):
        tabgan.load(tmp_path / "nan.tabgan")


def test_a_model_file_writing_negatives_in_a_form_of_its_own_is_refused(fitted, tmp_path):
    # 2026-12-04: NumberFormat.negative came with "-$" and "()"; a crafted or damaged file with
    # any other form would have written its negatives as "-$12.50" without a word.
    from tabgan.io import CsvStyle, NumberFormat
    from tabgan.persistence import read_model_file, write_model_file

    model = fitted
    style = model.csv_style_
    try:
        model.csv_style_ = CsvStyle(formats=(NumberFormat("amount", "%.2f", prefix="$", negative="-$"),))
        model.save(tmp_path / "m.tabgan")
    finally:
        model.csv_style_ = style
    assert tabgan.load(tmp_path / "m.tabgan", device="cpu").csv_style_.formats[0].negative == "-$"
    header, tensors = read_model_file(tmp_path / "m.tabgan")
    header["state"]["csv_style"]["formats"][0]["negative"] = "minus"
    header.pop("tensors", None)
    write_model_file(tmp_path / "bad.tabgan", header, tensors)
    with pytest.raises(ModelFileError, match="the number format of column 'amount' writes negatives as 'minus'; "
                                             "known forms are '-', '-\\$', '\\(\\)'"):
        tabgan.load(tmp_path / "bad.tabgan", device="cpu")
