"""Diagnostics: findings that name the column at fault, the divergence finding, plots, format."""

import numpy as np
import pandas as pd
import pytest

import tabgan
from tabgan import WGANGP, ConditionalGAN
from tabgan.diagnostics import Finding, Findings, convergence, critic_balance, format_findings, value_collapse
from tabgan.errors import TrainingError

SMALL = dict(batch_size=100, pac=10, generator_dim=(64, 64), discriminator_dim=(64, 64), embedding_dim=32,
             device="cpu")


def rare_table(n=4000, seed=0):
    """'city': one category holds 95.5% of the rows, three hold 1% and three 0.5%; the rare rows
    sit in their own cluster of 'x' (shifted by 4), which the plain WGAN-GP does not learn to
    produce (measured: the 1% categories come out at 13-35% of their rate after 10 epochs, seeds
    0-2), while training-by-sampling makes the conditional GAN produce every category."""
    rng = np.random.default_rng(seed)
    cats = ["common", "r1_0", "r1_1", "r1_2", "r05_0", "r05_1", "r05_2"]
    city = rng.choice(cats, n, p=[0.955, 0.01, 0.01, 0.01, 0.005, 0.005, 0.005])
    x = rng.normal(0, 1, n) + (city != "common") * 4
    return pd.DataFrame({"x": x.round(3), "city": city, "flag": rng.random(n) < 0.5})


@pytest.fixture(scope="module")
def table():
    return rare_table()


@pytest.mark.slow
def test_plain_wgan_starves_the_rare_categories_and_diagnose_names_the_column(table):
    # ema=None on both sides: the crafted set-up was measured without the moving average, which
    # smooths the plain WGAN-GP's output enough to starve fewer categories in 10 epochs.
    model = WGANGP(**SMALL, epochs=10, ema=None, random_state=0).fit(table)
    found = [f for f in model.diagnose() if f.kind == "mode_collapse" and f.column == "city"]
    assert found, model.diagnose()
    f = found[0]
    assert f.message.startswith("city: ")
    assert f.evidence["never_generated"] + f.evidence["starved"] >= 2
    assert "ConditionalGAN" in f.advice  # the advice names the remedy
    assert "city" in str(model.diagnose())


@pytest.mark.slow
def test_conditional_gan_on_the_same_table_covers_every_category(table):
    model = ConditionalGAN(**SMALL, epochs=10, ema=None, random_state=0).fit(table)
    assert not [f for f in model.diagnose() if f.kind == "mode_collapse" and f.column == "city"]
    share = model.sample(20_000, random_state=1)["city"].value_counts(normalize=True)
    assert set(share.index) == set(table["city"])


def test_divergence_stops_with_the_finding_and_a_usable_state(table):
    model = ConditionalGAN(**SMALL, epochs=30, generator_lr=1e4, discriminator_lr=1e4, probe_every=1,
                           random_state=0)
    with pytest.raises(TrainingError, match="diverged"):
        model.fit(table.iloc[:1000])
    assert model.stop_reason_ == "diverged"
    last = model.history_.drop(columns=[c for c in model.history_ if ":" in c or "probe" in c]).iloc[-1]
    assert not np.isfinite(last.to_numpy(dtype=float)).all()
    findings = model.diagnose(n=2000)
    div = [f for f in findings if f.kind == "divergence"]
    assert div and div[0].severity == "error" and "generator_lr" in div[0].advice
    assert findings[0].kind == "divergence"  # errors first
    out = model.sample(500, random_state=0)
    assert len(out) == 500 and not out["x"].isna().any()


def test_findings_print_in_plain_language():
    f = Finding("warning", "mode_collapse", "native-country: 12 of 42 categories never generated",
                "use ConditionalGAN", {"never_generated": 12}, column="native-country")
    text = format_findings(Findings([Finding("info", "best_state", "kept epoch 3", "nothing"), f]))
    lines = text.splitlines()
    assert lines[0] == "2 findings (1 warning, 1 info):"
    assert lines[1].startswith("[warning] mode collapse: native-country: 12 of 42")
    assert "try: use ConditionalGAN" in lines[2]
    assert format_findings([]).startswith("No problems found")
    assert repr(Findings([f])) == format_findings([f])


def test_what_a_short_fit_cannot_show_is_said_not_passed_as_healthy():
    # Before 2026-12-02 a 5-epoch fit without enough probe evaluations printed "No problems
    # found: no ... critic imbalance or stalled training", which nothing had looked at.
    rng = np.random.default_rng(0)
    table = pd.DataFrame({"x": rng.normal(size=300), "c": rng.choice(["a", "b"], 300)})
    model = ConditionalGAN(**SMALL, epochs=5, random_state=0).fit(table)
    findings = model.diagnose(n=2000)
    assert findings.unjudged == [
        "critic balance (needs 6 epochs of history, has 5)",
        "convergence (needs 6 probe evaluations, has 1: probe_every=5 over 5 epochs)"]
    text = str(findings)
    assert "stalled training" not in text and text.splitlines()[-1].startswith("not judged: critic balance")
    off = ConditionalGAN(**SMALL, epochs=1, probe_every=None, random_state=0).fit(table).diagnose(n=500)
    assert "convergence (the fidelity probe was off: probe_every=None)" in off.unjudged
    ids_only = pd.DataFrame({"id": [f"INV-{i:04d}" for i in range(100)], "k": ["x"] * 100})
    nothing = ConditionalGAN(**SMALL, epochs=1, random_state=0).fit(ids_only).diagnose(n=100)
    assert nothing.unjudged == ["every detector (no column of this table is learnt by a network: "
                                "ids, constants and looked-up columns only)"]
    assert format_findings(Findings([])) == (
        "No problems found: no mode collapse, over-generation, divergence, critic imbalance or stalled "
        "training.")


def small_table_and_model(**params):
    """300 rows of a number, a category and a skewed number, and a small ConditionalGAN (8 epochs,
    probed every 2) fitted on them with ``params`` on top."""
    rng = np.random.default_rng(0)
    data = pd.DataFrame({"x": rng.normal(size=300).round(3), "c": rng.choice(list("abc"), 300),
                         "y": rng.exponential(size=300).round(3)})
    model = ConditionalGAN(batch_size=50, generator_dim=(32,), discriminator_dim=(32,), embedding_dim=16,
                           discriminator_row_dim=16, device="cpu", epochs=8, probe_every=2, random_state=0,
                           **params).fit(data)
    return data, model


def test_a_detector_is_judged_or_listed_as_not_judged_never_both():
    # Before 2026-12-04 a still-improving finding from 4 probe evaluations stood beside
    # "convergence (needs 6 probe evaluations, has 4 ...)"; after a warm start with
    # probe_every=None it stood, from the earlier fit's scores, beside "convergence (the fidelity
    # probe was off ...)", read from today's parameters, while the last epoch was never probed.
    data, model = small_table_and_model(generator_lr=1e-2, discriminator_lr=1e-2)
    found = model.diagnose(n=1000)
    assert "still_improving" in [f.kind for f in found]
    assert found.unjudged == [
        "non-convergence and oscillation (needs 6 probe evaluations, has 4: probe_every=2 over 8 epochs)"]
    found = model.set_params(warm_start=True, probe_every=None, epochs=1).fit(data).diagnose(n=1000)
    assert not {"still_improving", "non_convergence", "oscillation"} & {f.kind for f in found}
    assert found.unjudged == [
        "non-convergence and oscillation (needs 6 probe evaluations, has 4: probe_every=None over 9 epochs)",
        "still improving (the last 1 epoch was not probed)"]


def _history(w, g, scores=None):
    n = len(w)
    h = pd.DataFrame({"epoch": range(n), "wasserstein": w, "generator_grad_norm": g,
                      "critic_loss": -np.asarray(w), "generator_loss": np.zeros(n)})
    if scores is not None:
        h["probe_score"] = scores
        h["probe_score_real"] = 0.02
    return h


PARAMS = dict(generator_lr=2e-4, discriminator_lr=2e-4, n_critic=5, generator_dim=(256, 256), epochs=12,
              patience=10, ema=None, max_time=None)


def test_critic_detectors_fire_on_their_patterns_and_not_on_a_healthy_run():
    healthy = _history(np.linspace(1.0, 0.2, 12), np.full(12, 3.0))
    assert critic_balance(healthy, PARAMS) == []
    winning = critic_balance(_history(np.linspace(0.3, 4.0, 12), np.full(12, 3.0)), PARAMS)
    assert [f.kind for f in winning] == ["overpowering_critic"]
    assert "discriminator_lr" in winning[0].advice
    vanished = critic_balance(_history(np.full(12, 0.5), np.r_[np.full(6, 3.0), np.full(6, 1e-3)]), PARAMS)
    assert [f.kind for f in vanished] == ["vanishing_gradients"]


def test_convergence_detectors():
    stalled = np.r_[0.3, 0.2, 0.1, np.full(9, 0.15)]
    calm = convergence(_history(np.full(12, 0.3), np.ones(12), stalled), "epochs", PARAMS)
    assert [f.kind for f in calm] == ["non_convergence"] and calm[0].epoch == 2
    swinging = convergence(_history(np.tile([1.0, -1.0], 6), np.ones(12), stalled), "epochs", PARAMS)
    assert [f.kind for f in swinging] == ["oscillation"] and "ema" in swinging[0].advice
    # Settled near 0 with noise small beside where it started: calm, not swinging (an
    # oscillation before 2026-12-03, the noise being large beside a mean near 0).
    settled = np.r_[np.full(6, 1.0), 0.01 + 0.02 * np.tile([1.0, -1.0], 3)]
    quiet = convergence(_history(settled, np.ones(12), stalled), "epochs", PARAMS)
    assert [f.kind for f in quiet] == ["non_convergence"] and quiet[0].evidence["wasserstein_swing"] < 1
    improving = convergence(_history(np.full(12, 0.3), np.ones(12), np.linspace(0.4, 0.1, 12)), "epochs", PARAMS)
    assert [f.kind for f in improving] == ["still_improving"] and "epochs=12 -> 24" in improving[0].advice


def test_findings_and_history_survive_save_and_load(table, tmp_path):
    model = ConditionalGAN(**SMALL, epochs=3, probe_every=1, random_state=0).fit(table.iloc[:1000])
    model.save(tmp_path / "m.tabgan")
    loaded = tabgan.load(tmp_path / "m.tabgan", device="cpu")
    pd.testing.assert_frame_equal(loaded.history_, model.history_)
    assert loaded.best_epoch_ == model.best_epoch_
    assert [str(f) for f in loaded.diagnose(n=3000)] == [str(f) for f in model.diagnose(n=3000)]


def test_plot_history_marks_findings(table):
    model = ConditionalGAN(**SMALL, epochs=3, probe_every=1, random_state=0).fit(table.iloc[:600])
    finding = Finding("warning", "oscillation", "m", "a", epoch=1)
    fig = model.plot_history([finding])
    names = {t.name for t in fig.data}
    assert {"critic_loss", "generator_grad_norm", "probe score (mean tv)", "real-vs-real floor"} <= names
    assert any(getattr(s, "x0", None) == 1 for s in fig.layout.shapes)


def test_value_ranges_of_durations_are_in_seconds_and_ignore_missing_ones():
    # Before 2026-12-02 a missing duration became int64's minimum in the ventiles.
    from tabgan.diagnostics import value_reference

    data = pd.DataFrame({"wait": pd.to_timedelta(list(range(1, 41)) + [None], unit="s")})
    ref = value_reference(data, ["wait"])["wait"]
    assert 1 < min(ref["edges"]) and max(ref["edges"]) < 40


def test_diagnose_takes_every_seed_that_sample_takes(table):
    # Before 2026-12-02 diagnose(random_state=model.seed_) failed on an unseeded fit's 128-bit
    # seed (torch takes seeds under 2**64), and a numpy Generator raised a TypeError.
    from tabgan.errors import ParameterError

    model = ConditionalGAN(**SMALL, epochs=2, random_state=None).fit(table.iloc[:1000])
    big = model.diagnose(n=500, random_state=2**100 + 7)
    assert str(big) == str(model.diagnose(n=500, random_state=2**100 + 7))
    assert str(model.diagnose(n=500, random_state=np.random.default_rng(3))) == \
        str(model.diagnose(n=500, random_state=np.random.default_rng(3)))
    assert isinstance(model.diagnose(n=500, random_state=None), Findings)
    for bad in (-1, 1.5, "0", True):
        with pytest.raises(ParameterError, match="random_state=.* must be None, an integer >= 0, or a numpy"):
            model.diagnose(n=500, random_state=bad)


def test_a_diverged_fit_trains_on_at_lower_rates_from_its_last_finite_state(table):
    # Before 2026-12-02 divergence put back the last finite weights but left the NaN Adam moments
    # of the diverged step, so a warm start at the rates the error advises diverged at once; and
    # a divergence in the first epoch spoke of "the state after epoch -1".
    model = ConditionalGAN(**SMALL, epochs=30, generator_lr=1e4, discriminator_lr=1e4, probe_every=1,
                           random_state=0, warm_start=True)
    with pytest.raises(TrainingError, match=r"diverged at epoch \d+: .*; (the initial state|the state after "
                                            r"epoch \d+), the last finite one, was kept"):
        model.fit(table.iloc[:1000])
    assert all(bool(v.isfinite().all()) for v in model.engine_.moments().values())
    model.set_params(generator_lr=1e-4, discriminator_lr=1e-4, epochs=2).fit(table.iloc[:1000])
    assert model.stop_reason_ == "epochs" and np.isfinite(model.history_["critic_loss"].iloc[-2:]).all()


def test_a_warm_start_that_diverges_at_once_names_the_state_it_kept(tmp_path):
    # Before 2026-12-04 a warm start that diverged in its first epoch (keeping the earlier fit's
    # state, keep_best's epoch 5 here) was said to keep epoch 7, the one before the diverged
    # epoch, by the error and by diagnose() alike.
    data, model = small_table_and_model(generator_lr=5e-3, discriminator_lr=5e-3)
    kept = model.best_epoch_  # keep_best's state, not the last epoch's
    assert kept is not None and kept < 7
    model.set_params(warm_start=True, generator_lr=1e4, discriminator_lr=1e4, epochs=5)
    with pytest.raises(TrainingError, match=rf"diverged at epoch 8: .*; the state after epoch {kept}, the one "
                                            "this fit started from, was kept"):
        model.fit(data)
    assert model.kept_epoch_ == kept and model.best_epoch_ is None
    [div] = [f for f in model.diagnose(n=500) if f.kind == "divergence"]
    assert div.evidence["kept_epoch"] == kept
    assert div.message.endswith(f"; the state of epoch {kept}, which this fit started from, was kept")
    model.save(tmp_path / "m.tabgan")
    assert str(tabgan.load(tmp_path / "m.tabgan").diagnose(n=500)) == str(model.diagnose(n=500))
    # A file from before kept_epoch was saved gets what diagnose() took it for then.
    from tabgan.persistence import read_model_file, write_model_file

    header, tensors = read_model_file(tmp_path / "m.tabgan")
    del header["state"]["kept_epoch"]
    header.pop("tensors", None)
    write_model_file(tmp_path / "old.tabgan", header, tensors)
    assert tabgan.load(tmp_path / "old.tabgan").kept_epoch_ == 7


def test_value_collapse_counts_starved_ranges_out_of_the_ranges_there_are():
    real = pd.DataFrame({"x": np.arange(1000.0)})
    reference = tabgan.diagnostics.value_reference(real, ["x"])
    fake = pd.DataFrame({"x": np.r_[np.full(5, 10.0), np.linspace(50, 999, 995)]})  # [0, 50) starved
    [f] = value_collapse(reference, fake, {"epochs": 10, "n_modes": 10}, "ConditionalGAN")
    assert f.message.startswith("x: 1 of 20 value ranges (between real ventiles) generated at under 1/4 of "
                                "their real rate; they hold 5.0% of the real rows: [-inf, 49.95) (5.0% real, 0.50% generated)"), f.message


def test_too_few_generated_rows_leave_mode_collapse_unjudged(table):
    # Before 2026-12-03 diagnose(n=4) of a collapsed model printed "No problems found in what
    # could be judged" without listing mode collapse, which no slot had been judged for.
    model = ConditionalGAN(**SMALL, epochs=1, random_state=0).fit(table.iloc[:1000])
    few = model.diagnose(n=4)
    assert not [f for f in few if f.kind == "mode_collapse"]
    assert few.unjudged[0].startswith("mode collapse (n=4 generated rows: no category, point mass or value "
                                      "range is expected 5 times; n >= ")
    assert not any(u.startswith("mode collapse") for u in model.diagnose(n=2000).unjudged)


def test_one_starved_range_between_ventiles_is_a_warning_and_advice_follows_what_ended_training():
    # Before 2026-12-03 a single starved range (5% of the rows, as every range between ventiles)
    # was always an error, and after early stopping the advice was to raise epochs.
    from tabgan.diagnostics import train_longer

    reference = tabgan.diagnostics.value_reference(pd.DataFrame({"x": np.arange(1000.0)}), ["x"])
    fake = pd.DataFrame({"x": np.r_[np.full(5, 10.0), np.linspace(50, 999, 995)]})
    [one] = value_collapse(reference, fake, {"epochs": 10, "n_modes": 10}, "ConditionalGAN")
    assert one.severity == "warning" and one.advice.startswith("train longer (epochs=10 -> 20); keep_best")
    fake = pd.DataFrame({"x": np.r_[np.full(10, 10.0), np.linspace(100, 999, 990)]})
    [two] = value_collapse(reference, fake, {"epochs": 10, "n_modes": 10, "patience": 3}, "ConditionalGAN",
                           train_longer({"epochs": 10, "patience": 3}, "early_stopping"))
    assert two.severity == "error" and two.advice.startswith("train longer: early stopping ended it (patience=3 -> 6)")
    assert train_longer({"epochs": 10}, "epochs", stalled=True) is None
    assert train_longer({"max_time": 60.0}, "max_time") == "train longer (max_time=60.0 -> 120.0)"


def test_no_advice_to_train_longer_after_a_divergence_and_an_interrupt_is_named():
    # Before 2026-12-04 both fell through to the epochs: a run that diverged was told "train
    # longer (epochs=30 -> 60)" beside the advice to lower its learning rates, and so was one
    # stopped by Ctrl-C, whose epochs had not run out.
    from tabgan.diagnostics import train_longer

    params = {"epochs": 30, "n_modes": 10, "patience": 10, "max_time": 60.0}
    assert train_longer(params, "diverged") is None
    assert train_longer(params, "interrupted") == ("training was interrupted: let it run its epochs (epochs=30), "
                                                   "or train on from here with warm_start=True")
    reference = tabgan.diagnostics.value_reference(pd.DataFrame({"x": np.arange(1000.0)}), ["x"])
    fake = pd.DataFrame({"x": np.r_[np.full(5, 10.0), np.linspace(50, 999, 995)]})
    [f] = value_collapse(reference, fake, params, "ConditionalGAN", train_longer(params, "diverged"))
    assert f.advice.startswith("keep_best=True picks the epoch") and "train longer" not in f.advice


def test_keep_best_is_advised_only_to_a_model_without_it():
    # Before 2026-12-04 every collapse finding said "keep_best=True picks the best epoch", beside
    # models that had it (the default).
    reference = tabgan.diagnostics.value_reference(pd.DataFrame({"x": np.arange(1000.0)}), ["x"])
    fake = pd.DataFrame({"x": np.r_[np.full(5, 10.0), np.linspace(50, 999, 995)]})
    for keep_best, advised in ((True, False), (False, True)):
        params = {"epochs": 30, "n_modes": 10, "keep_best": keep_best}
        [f] = value_collapse(reference, fake, params, "ConditionalGAN", None)
        assert ("keep_best=True" in f.advice) is advised and "a larger n_modes (now 10)" in f.advice


def test_best_state_after_a_divergence_quotes_no_score_for_the_diverged_epoch():
    # Before 2026-12-03 it quoted the last probed epoch's score as the last epoch's.
    from tabgan.diagnostics import best_state

    history = pd.DataFrame({"epoch": [0, 1, 2], "probe_score": [0.5, 0.357, np.nan]})
    [f] = best_state(history, 1)
    assert f.message == "keep_best restored epoch 1 (probe score 0.357); the last epoch was 2"
    [g] = best_state(history.assign(probe_score=[0.5, 0.357, 0.41]), 1)
    assert g.message.endswith("the last epoch was 2 (score 0.410)")


def test_a_loaded_model_advises_the_epochs_its_last_fit_ran(table, tmp_path):
    # Before 2026-12-03 a loaded model had no epochs_: after a warm start its advice doubled the
    # epochs of both fits, the model in memory those of the last.
    model = ConditionalGAN(**SMALL, epochs=3, probe_every=1, random_state=0).fit(table.iloc[:1000])
    model.set_params(warm_start=True, epochs=2).fit(table.iloc[:1000])
    model.save(tmp_path / "m.tabgan")
    loaded = tabgan.load(tmp_path / "m.tabgan")
    assert loaded.epochs_ == model.epochs_ == 2
    assert [f.advice for f in loaded.diagnose(n=3000)] == [f.advice for f in model.diagnose(n=3000)]


def test_over_generation_judges_each_slot_by_count_and_rate_and_sizes_its_severity():
    from tabgan.diagnostics import over_generation

    rng = np.random.default_rng(0)
    data = pd.DataFrame({"c": rng.choice(list("abcd"), 2000, p=[0.97, 0.01, 0.01, 0.01]),
                         "x": rng.normal(size=2000).round(3)})
    model = ConditionalGAN(**SMALL, epochs=1, probe_every=None, random_state=0).fit(data)
    layout, real = model.transformer_.layout_, model.slot_counts_
    start, end, _ = next(s for s in layout.slices() if s[2].column == "c")
    labels = list(next(s for s in layout.spans if s.column == "c").labels)
    share = real[start:end] / real[start:end].sum()
    params = {"epochs": 10, "keep_best": True, "pac": 10, "tau": 0.2}

    def findings(n, counts):
        fake = real.astype(float) * 0
        fake[start:end] = [counts.get(lab, 0) for lab in labels]
        return over_generation(layout, real, fake, n, {}, None, params, "ConditionalGAN")

    rare = labels[int(np.argmin(share))]
    n = int(round(4 / share.min()))  # the rarest is expected about 4 times
    expected = share.min() * n
    assert findings(n, {rare: 19}) == []  # 19 is under OVER_MIN_COUNT however far above 4
    [f] = findings(n, {rare: 20})
    assert f.kind == "over_generation" and f.column == "c"
    assert f.severity == "warning" and 20 / n - share.min() < 0.05  # its excess is under 5% of the rows
    assert f.message.startswith(f"c: 1 of 4 categories generated at 4 times their real rate or more; they take "
                                f"{20 / n:.1%} of the generated rows against {share.min():.1%}")
    assert f.advice.startswith("train longer (epochs=10 -> 20): training-by-sampling shows the critic the rare "
                               "categories of 'c'") and "conditions=" in f.advice
    big = 100_000
    at = int(np.ceil(4 * share.min() * big))
    assert findings(big, {rare: at - 1}) == []  # 4x less one row is not 4x
    [g] = findings(big, {rare: at})
    assert g.severity == "warning" and g.evidence["excess"] == pytest.approx(at / big - share.min())
    [h] = findings(big, {rare: int(0.06 * big) + at})
    assert h.severity == "error" and h.evidence["excess"] > 0.05
    faithful = {lab: int(round(s * big)) for lab, s in zip(labels, share)}
    assert findings(big, faithful) == []
    assert expected < 5


def test_over_generated_value_ranges_and_their_advice():
    from tabgan.diagnostics import over_generation, value_reference

    reference = value_reference(pd.DataFrame({"x": np.arange(1000.0)}), ["x"])
    spike = pd.DataFrame({"x": np.r_[np.full(300, 10.0), np.linspace(50, 999, 700)]})  # [0, 50): 30%
    from tabgan.transformers.layout import Layout

    [f] = over_generation(Layout(()), np.zeros(0), np.zeros(0), 1000, reference, spike,
                          {"epochs": 10, "n_modes": 10, "keep_best": False}, "WGANGP", None)
    assert f.message.startswith("x: 1 of 20 value ranges (between real ventiles) generated at 4 times their real "
                                "rate or more; they take 30.0% of the generated rows against 5.0% of the real ones: "
                                "[-inf, 49.95) (5.0% real, 30.0% generated)"), f.message
    assert f.severity == "error" and f.advice.startswith("keep_best=True picks the epoch")


def test_too_few_rows_leave_over_generation_unjudged(table):
    model = ConditionalGAN(**SMALL, epochs=1, random_state=0).fit(table.iloc[:1000])
    assert "over-generation (n=19 generated rows: it needs n >= 20)" in model.diagnose(n=19).unjudged
    assert not any(u.startswith("over-generation") for u in model.diagnose(n=20).unjudged)


def test_a_column_still_improving_is_advised_to_train_longer_though_the_score_stalled():
    # Before 2026-12-04 one stalled probe score dropped the advice to train longer from every
    # column's findings, also from a column whose own TV was still falling.
    from tabgan.diagnostics import column_stalled

    history = pd.DataFrame({"epoch": range(10),
                            "probe_score": [0.4, 0.3, 0.25, 0.22, 0.2, 0.26, 0.27, 0.29, 0.3, 0.26],
                            "tv:city": [0.7, 0.6, 0.5, 0.38, 0.28, 0.23, 0.19, 0.19, 0.2, 0.2],
                            "tv:x": [0.4, 0.3, 0.2, 0.2, 0.2, 0.5, 0.6, 0.6, 0.5, 0.5],
                            "wasserstein": [1.0, 0.8, 0.5, 0.4, 0.3, 0.3, 0.3, 0.3, 0.3, 0.3]})
    assert convergence(history, "epochs", {})[0].kind == "non_convergence"
    assert not column_stalled(history, "city", True)
    assert column_stalled(history, "x", False)
    assert column_stalled(history, "flag", True) and not column_stalled(history.iloc[:5], "city", False)


@pytest.mark.slow
def test_a_short_conditional_gan_over_generates_the_rare_categories_and_diagnose_says_so(table):
    # Notebook 2's set-up: after 10 epochs the six rare categories of 'city' come out at several
    # times their rate, and 'common' in about 70% of the rows against 95.5%.
    model = ConditionalGAN(**SMALL, epochs=10, probe_every=1, random_state=0).fit(table)
    [f] = [f for f in model.diagnose() if f.kind == "over_generation" and f.column == "city"]
    assert f.severity == "error" and f.evidence["over_generated"] >= 4 and f.evidence["excess"] > 0.1
    assert f.advice.startswith("train longer (epochs=10 -> 20)")
    share = model.sample(20_000, random_state=1)["city"].value_counts(normalize=True)
    assert share["common"] < 0.85
    fixed = model.sample(20_000, conditions=table[["city"]].sample(20_000, replace=True, random_state=1)
                         .reset_index(drop=True), random_state=1)["city"].value_counts(normalize=True)
    assert abs(fixed["common"] - (table["city"] == "common").mean()) < 0.01


def test_shares_under_one_percent_keep_a_digit_in_the_findings():
    # Before 2026-12-04 a rare category read "Without-pay (0.0% real, 0.00% generated); they hold
    # 0.0% of the real rows" (Adult, WGANGP, 30 epochs).
    from tabgan.diagnostics import mode_collapse

    data = pd.DataFrame({"c": ["a"] * 3998 + ["z"] * 2, "x": np.arange(4000.0)})
    model = ConditionalGAN(**SMALL, epochs=1, probe_every=None, random_state=0).fit(data)
    layout, real = model.transformer_.layout_, model.slot_counts_
    fake = real * 5  # 20,000 rows at the real shares ...
    start, end, span = next(s for s in layout.slices() if s[2].column == "c")
    fake[start + list(span.labels).index("z")] = 0  # ... but for 'z', expected 10 times
    [f] = mode_collapse(layout, real, fake, 20_000, {"epochs": 10}, "ConditionalGAN")
    assert f.message == ("c: 1 of 2 categories never generated; they hold 0.05% of the real rows: "
                         "z (0.05% real, 0.00% generated)"), f.message


def test_shares_under_a_hundredth_of_a_percent_keep_two_significant_digits():
    # A category of 3 rows in 100,000 generated 100 times in 20,000 read "0.00% real", as if the
    # real table had none: the rare categories over-generation names are exactly such ones.
    from tabgan.diagnostics import _overgenerated

    [f] = _overgenerated("city", ["common", "rare"], np.array([0.99997, 0.00003]), np.array([19_900.0, 100.0]),
                         20_000, "categories", "category", {"keep_best": True}, "ConditionalGAN", None)
    assert f.message.endswith("they take 0.50% of the generated rows against 0.0030% of the real ones: "
                              "rare (0.0030% real, 0.50% generated)"), f.message
