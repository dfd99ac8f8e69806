import json

import numpy as np
import pandas as pd
import pytest

from tabgan.transformers import NumericalTransformer
from tabgan.transformers.base import compact
from tabgan.transformers.continuous import (
    ContinuousEncoder,
    detect_decimals,
    detect_step,
    precision_shares,
    value_decimals,
)


def fit(values, **kwargs) -> NumericalTransformer:
    return NumericalTransformer(**kwargs).fit(pd.Series(values, name="x"), np.random.default_rng(0))


def test_point_masses_get_their_own_slot_and_come_back_exactly():
    rng = np.random.default_rng(0)
    x = np.where(rng.random(5000) < 0.9, 0.0, rng.lognormal(8, 1, 5000).round())
    t = fit(x)
    assert t.encoder.points == [0.0]
    back = t.inverse_transform(t.transform(pd.Series(x)), rng)
    assert (back == 0).mean() == (x == 0).mean()
    np.testing.assert_allclose(back, x, rtol=1e-5)


def test_missing_values_are_a_slot_at_their_real_rate_and_never_a_number():
    rng = np.random.default_rng(1)
    x = rng.normal(100, 10, 2000)
    x[rng.random(2000) < 0.15] = np.nan
    t = fit(x)
    assert t.spans[-1].labels[-1] == "missing"
    m = t.transform(pd.Series(x))
    assert m[:, -1].sum() == np.isnan(x).sum()
    back = t.inverse_transform(m, rng)
    assert back.isna().sum() == np.isnan(x).sum()
    # a generated row that picks the missing slot decodes to NaN whatever its value
    m2 = m.copy()
    m2[:, 0] = 0.3
    m2[:, 1:] = 0
    m2[:, -1] = 1
    assert t.inverse_transform(m2, rng).isna().all()


def test_infinities_are_points_however_rare_and_survive_json():
    # Regression: a column holding inf (a ratio over a zero count) was refused; 1% inf and 0.5%
    # -inf are below the point-mass share, yet each comes back as itself in its own rows.
    rng = np.random.default_rng(0)
    x = rng.normal(50, 5, 3000).round(2)
    u = rng.random(3000)
    x[u < 0.01], x[(u >= 0.01) & (u < 0.015)], x[(u >= 0.015) & (u < 0.045)] = np.inf, -np.inf, np.nan
    t = fit(x)
    assert t.encoder.points == [-np.inf, np.inf]
    assert np.isfinite([t.encoder.lo, t.encoder.hi]).all()  # the range is the finite values'
    m = t.transform(pd.Series(x))
    back = t.inverse_transform(m, rng)
    for kind in (np.isposinf, np.isneginf, np.isnan):
        assert kind(back).tolist() == kind(x).tolist()
    finite = np.isfinite(x)
    np.testing.assert_allclose(back[finite], x[finite])
    again = NumericalTransformer.from_dict(json.loads(json.dumps(t.to_dict(), allow_nan=False)))
    assert again.encoder.points == [-np.inf, np.inf]
    pd.testing.assert_series_equal(again.inverse_transform(m, np.random.default_rng(1)),
                                   t.inverse_transform(m, np.random.default_rng(1)))
    with pytest.raises(ValueError, match="value -inf was not seen when fitted"):
        fit(np.where(np.isneginf(x), 0.0, x)).transform(pd.Series([1.0, -np.inf]))


def test_integers_come_back_as_integers_and_decimals_keep_the_input_rounding():
    rng = np.random.default_rng(2)
    ints = fit(rng.integers(0, 1000, 3000))
    m = ints.transform(pd.Series(rng.integers(0, 1000, 3000)))
    m[:, 0] += rng.normal(0, 0.01, len(m)).astype(np.float32)  # generator noise
    out = ints.inverse_transform(m, rng)
    assert out.dtype == np.int64
    dec = fit(rng.normal(0, 1, 3000).round(2))
    assert dec.encoder.decimals == 2
    m = dec.transform(pd.Series(rng.normal(0, 1, 3000).round(2)))
    m[:, 0] += rng.normal(0, 0.01, len(m)).astype(np.float32)
    out = dec.inverse_transform(m, rng).to_numpy()
    np.testing.assert_allclose(out, out.round(2), atol=1e-12)


def test_heavy_tails_use_asinh_and_lose_nothing():
    rng = np.random.default_rng(3)
    x = rng.pareto(1.2, 20000) * 1e4
    t = fit(x)
    assert t.encoder.tail is not None
    back = t.inverse_transform(t.transform(pd.Series(x)), rng).to_numpy()
    assert np.abs(back - x).max() <= 1e-5 * x.max()


def test_a_rare_far_cluster_missed_by_the_subsample_is_still_covered():
    x = np.concatenate([np.random.default_rng(4).normal(500, 100, 99_800), np.full(200, 4983.0)])
    x[-200:] -= np.arange(200) % 3  # 0.2% of rows, three values far out in the tail
    t = fit(np.round(x), sample_cap=500)
    back = t.inverse_transform(t.transform(pd.Series(np.round(x))), np.random.default_rng(0))
    np.testing.assert_array_equal(back.to_numpy()[-200:], np.round(x)[-200:])


def test_generated_values_stay_within_the_observed_range():
    rng = np.random.default_rng(5)
    x = rng.uniform(10, 20, 1000)
    t = fit(x)
    m = rng.uniform(-1, 1, (5000, t.width)).astype(np.float32)
    out = t.inverse_transform(m, rng)
    assert out.min() >= x.min() and out.max() <= x.max()


@pytest.mark.parametrize("offset, spread, decimals", [
    (1e12, 300.0, 0),  # account numbers: a narrow range far from zero
    (48.8566, 1e-4, 6),  # latitudes within one city block
    (1.7e9, 20.0, 0),  # unix seconds within a minute
])
def test_a_narrow_column_far_from_zero_uses_its_modes_windows(offset, spread, decimals):
    """Regression: the modes' width floor was a millionth of the column's centre, not of its
    spread, so these columns' values all sat within 1e-4 of their mode's centre, and a
    generator's values anywhere else in [-1, 1] decoded to the column's minimum or maximum
    (1e12 + [0, 1000) sampled as two distinct values)."""
    rng = np.random.default_rng(8)
    x = np.round(offset + rng.normal(0, spread, 5000), decimals)
    t = fit(x)
    encoded = t.transform(pd.Series(x))
    assert np.abs(encoded[:, 0]).max() > 0.2  # the window is used, not 1e-4 of it
    back = t.inverse_transform(encoded, rng).to_numpy()
    np.testing.assert_array_equal(back, x)
    m = encoded.copy()
    m[:, 0] = rng.uniform(-0.5, 0.5, len(m)).astype(np.float32)  # what a generator emits
    out = t.inverse_transform(m, rng).to_numpy()
    at_ends = np.isin(out, [x.min(), x.max()]).mean()
    assert at_ends < 0.05 and abs(out.std() / x.std() - 1) < 0.5


def test_modes_are_as_wide_as_the_values_they_hold():
    """Regression: the mixture's prior pulled narrow clusters' modes toward the column's width
    (here about 14x wider than their values), so their values were encoded within a few
    hundredths of 0 and a generator's small errors spread them far outside the cluster."""
    rng = np.random.default_rng(9)
    x = np.concatenate([rng.normal(0, 1, 1000), rng.normal(50, 1, 1000), rng.normal(1000, 1, 1000)])
    t = fit(x.round(3))
    enc = t.encoder
    y = enc._forward_tail(x.round(3))
    mode, value = enc._assign_modes(x.round(3))
    for k in np.unique(mode):
        held = y[mode == k]
        if held.size >= 100:
            assert 0.7 < enc.stds[k] / held.std() < 1.5
    assert np.quantile(np.abs(value), 0.99) > 0.3
    back = t.inverse_transform(t.transform(pd.Series(x.round(3))), rng).to_numpy()
    np.testing.assert_array_equal(back, x.round(3))


def test_bimodal_column_gets_two_modes():
    rng = np.random.default_rng(6)
    x = np.concatenate([rng.normal(0, 1, 3000), rng.normal(20, 1, 3000)])
    enc = ContinuousEncoder().fit(x, rng, None)
    means = np.asarray(enc.means) * enc.scale  # the mixture lives in scaled units
    near = [m for m in means if abs(m) < 3 or abs(m - 20) < 3]
    assert len(near) == len(means) and any(abs(m) < 3 for m in near) and any(abs(m - 20) < 3 for m in near)


def test_detect_decimals():
    assert detect_decimals(np.array([1.0, 2.0])) == 0
    assert detect_decimals(np.array([0.25, 0.5, np.nan])) == 2
    assert detect_decimals(np.array([np.pi])) is None
    assert detect_decimals(np.array([1e300])) == 0
    # Coordinates in 7 decimals (before 2026-12-03: None, beyond 6) and float noise past 6
    coords = np.round(np.random.default_rng(0).uniform(-90, 90, 500), 7)
    assert detect_decimals(coords) == 7 and detect_decimals(np.round(coords, 9) + 1e-12) is None
    assert detect_decimals(np.random.default_rng(0).uniform(-90, 90, 500)) is None


def test_nullable_and_small_dtypes_are_restored():
    rng = np.random.default_rng(7)
    for s in (pd.Series([1, None, 3] * 10, dtype="Int64"), pd.Series(rng.integers(0, 200, 30).astype(np.uint8)),
              pd.Series(rng.normal(size=30).astype(np.float32))):
        t = NumericalTransformer().fit(s.rename("x"), rng)
        assert t.inverse_transform(t.transform(s), rng).dtype == s.dtype


def test_decimal_objects_come_back_as_decimals_with_their_places():
    # Before 2026-12-02 a column of decimal.Decimal (a Parquet DECIMAL column) was categorical.
    import decimal

    rng = np.random.default_rng(0)
    values = [decimal.Decimal(f"{v:.2f}") for v in rng.lognormal(3, 1, 400)]
    values[3] = decimal.Decimal("7.5")  # fewer places written: the column's scale is 2
    s = pd.Series(values, name="price", dtype=object)
    s[5] = None
    t = NumericalTransformer().fit(s, np.random.default_rng(0))
    back = t.inverse_transform(t.transform(s), np.random.default_rng(0))
    assert t.scale == 2 and back.dtype == object and back[5] is None
    assert all(isinstance(v, decimal.Decimal) and v.as_tuple().exponent == -2 for v in back.drop(5))
    assert (back.drop(5).astype(float) - s.drop(5).astype(float)).abs().max() < 0.006
    again = NumericalTransformer.from_dict(t.to_dict())
    pd.testing.assert_series_equal(again.inverse_transform(t.transform(s), np.random.default_rng(0)), back)


@pytest.mark.parametrize("objects", ["int", "float"])
def test_python_numbers_in_an_object_column_are_numbers(objects):
    # Before 2026-12-03 an object column of Python floats (what df.replace({np.nan: None})
    # gives) or ints was categorical: every generated value was a real row's.
    from tabgan.schema import infer_column

    rng = np.random.default_rng(0)
    x = rng.lognormal(10, 1, 400)
    values = x.astype(np.int64).tolist() if objects == "int" else x.round(2).tolist()
    s = pd.Series(values, name="income", dtype=object)
    s[::10] = None
    assert infer_column(s).kind == "numerical"
    t = NumericalTransformer().fit(s, np.random.default_rng(0))
    back = t.inverse_transform(t.transform(s), np.random.default_rng(0))
    assert t.objects == objects and back.dtype == object and back[::10].isna().all()
    assert {type(v) for v in back.dropna()} == {int if objects == "int" else float}
    as_numbers = s.astype("float64").astype("Int64" if objects == "int" else "float64")  # the same numbers
    numbers = NumericalTransformer().fit(as_numbers, np.random.default_rng(0))
    expected = numbers.inverse_transform(numbers.transform(as_numbers), np.random.default_rng(0))
    assert back.dropna().tolist() == expected.dropna().tolist()  # as closely as numbers come back
    again = NumericalTransformer.from_dict(json.loads(json.dumps(t.to_dict())))
    pd.testing.assert_series_equal(again.inverse_transform(t.transform(s), np.random.default_rng(0)), back)
    generated = t.inverse_compact(np.column_stack([rng.uniform(-0.9, 0.9, 500), rng.integers(0, t.encoder.n_slots - 1, 500)]),
                                  rng, generated=True)
    assert generated.dropna().nunique() > 400 and {type(v) for v in generated.dropna()} <= {int, float}


@pytest.mark.parametrize("unit, expected", [("s", "s"), ("min", "min"), ("ms", "ms")])
def test_durations_come_back_whole_in_their_unit(unit, expected):
    # Before 2026-12-02 timedelta64 columns were refused.
    rng = np.random.default_rng(0)
    s = pd.Series(pd.to_timedelta(rng.integers(1, 5000, 400), unit=unit), name="dur")
    s[2] = pd.NaT
    t = NumericalTransformer().fit(s, np.random.default_rng(0))
    assert t.unit == expected
    back = t.inverse_transform(t.transform(s), np.random.default_rng(0))
    assert back.dtype == s.dtype and back.isna().tolist() == s.isna().tolist()
    grain = pd.Timedelta(1, unit=unit)
    assert ((back.dropna() % grain) == pd.Timedelta(0)).all()
    assert (back.dropna() - s.dropna()).abs().max() <= grain


def test_values_all_below_a_billionth_are_not_rounded_to_zero():
    # Before 2026-12-02 a column of 3e-10 (or 1e-300) counted as written with 0 decimals, and
    # every generated value came back as 0.
    assert detect_decimals(np.array([3e-10, 1e-10, -2.5e-10])) is None
    assert detect_decimals(np.array([3e-300, -2e-300])) is None
    assert detect_decimals(np.array([0.1, 0.2, 0.1 + 0.2 - 0.3])) == 1  # float noise still rounds
    assert detect_decimals(np.array([1e6, 1e-4])) == 4
    rng = np.random.default_rng(0)
    s = pd.Series(rng.normal(size=300) * 1e-10, name="current")
    t = NumericalTransformer().fit(s, rng)
    back = t.inverse_transform(t.transform(s), rng)
    assert np.allclose(back, s, rtol=1e-4, atol=0) and (back != 0).all()


def test_detect_step_finds_grids_the_data_show_and_no_others():
    rng = np.random.default_rng(0)
    assert detect_step(1000.0 * rng.integers(20, 90, 300), 0) == 1000  # salaries in thousands
    assert detect_step(rng.integers(2, 11, 300) / 2, 1) == 0.5  # ratings in halves
    assert detect_step(rng.integers(0, 50, 300) + 0.99, 2) == 1.0  # prices ending in .99
    assert detect_step(np.array([1000.0, 2000.0, 3000.0]), 0) == 1000  # 1000**-2: not chance
    assert detect_step(np.array([2.0, 4.0, 8.0, 12.0]), 0) is None  # 2**-3: could be chance
    assert detect_step(rng.integers(0, 10**6, 300).astype(float), 0) is None
    assert detect_step(rng.normal(size=300), None) is None
    assert detect_step(np.array([5.0]), 0) is None
    assert detect_step(2.0**60 + 1024.0 * np.arange(50), 0) is None  # past float64's integers


@pytest.mark.parametrize("values, step", [
    (lambda rng: 1000 * rng.integers(20, 200, 2000), 1000),  # an int column of thousands
    (lambda rng: 1.7e12 + 1000.0 * rng.integers(0, 3 * 10**7, 2000), 1000),  # epoch ms, whole s
    (lambda rng: rng.integers(2, 400, 2000) / 2, 0.5),  # scores in halves
    (lambda rng: rng.integers(0, 50, 2000) + 0.99, 1.0),
])
def test_generated_values_stay_on_the_grid_of_the_input(values, step):
    # Before 2026-12-02 salaries in thousands came back as 51,237, and prices ending in .99
    # as any price.
    rng = np.random.default_rng(0)
    x = values(rng)
    t = fit(x)
    assert t.encoder.step == step
    m = t.transform(pd.Series(x))
    m[:, 0] += rng.normal(0, 0.05, len(m)).astype(np.float32)  # generator noise
    out = t.inverse_transform(m, rng).to_numpy(dtype=np.float64)
    k = (out - x.min()) / step
    np.testing.assert_allclose(k, np.round(k), rtol=0, atol=1e-9)
    assert np.unique(out).size > 5 and out.min() >= x.min() and out.max() <= x.max()
    again = NumericalTransformer.from_dict(t.to_dict())
    np.testing.assert_array_equal(again.inverse_transform(m, rng).to_numpy(dtype=np.float64), out)
    assert NumericalTransformer.from_dict({**t.to_dict(), "encoder": {
        k: v for k, v in t.to_dict()["encoder"].items() if k != "step"}}).encoder.step is None


def test_durations_in_quarter_hours_come_back_in_quarter_hours():
    rng = np.random.default_rng(0)
    s = pd.Series(pd.to_timedelta(15 * rng.integers(1, 40, 500), unit="min"), name="slot")
    t = NumericalTransformer().fit(s, rng)
    m = t.transform(s)
    m[:, 0] += rng.normal(0, 0.05, len(m)).astype(np.float32)
    back = t.inverse_transform(m, rng)
    assert t.unit == "min" and t.encoder.step == 15
    assert ((back % pd.Timedelta(15, unit="min")) == pd.Timedelta(0)).all()


def test_value_decimals_and_precision_shares_see_through_chance_zeros():
    rng = np.random.default_rng(0)
    prices = np.round(rng.uniform(0, 100, 20_000), 2)  # two decimals; a tenth end in 0 by chance
    fewest = value_decimals(prices, 2)
    assert 0.08 < (fewest < 2).mean() < 0.12
    assert precision_shares(np.bincount(fewest, minlength=3))[2] > 0.99
    assert fit(prices).encoder.precision is None  # nothing to draw: every row keeps its rounding
    mixed = np.where(rng.random(20_000) < 0.6, np.round(prices), prices)  # 60% whole, 40% cents
    q = precision_shares(np.bincount(value_decimals(mixed, 2), minlength=3))
    np.testing.assert_allclose(q, [0.6, 0.0, 0.4], atol=0.02)
    np.testing.assert_array_equal(value_decimals(np.array([3.0, 0.5, 0.25, 0.1 + 0.2]), 2), [0, 1, 2, 1])


def generated(t: NumericalTransformer, x: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Values decoded from x's encoding moved by a generator's noise, as sampling decodes them."""
    m = t.transform(pd.Series(x))
    m[:, 0] = np.clip(m[:, 0] + rng.normal(0, 0.05, len(m)), -1, 1)
    return t.inverse_compact(compact(m, t.spans), rng, generated=True).to_numpy(dtype=np.float64)


def test_a_column_of_mixed_decimals_comes_back_in_its_shares_per_mode():
    # Before 2026-12-02 every generated value took the column's most decimals: titanic's ages
    # (whole years, some halves, infants in twelfths) came back as 29.0061.
    rng = np.random.default_rng(0)
    adults = np.where(rng.random(3_000) < 0.9, rng.integers(18, 70, 3_000), rng.integers(18, 70, 3_000) + 0.5)
    infants = np.round(rng.integers(1, 12, 120) / 12, 4)
    x = np.concatenate([adults, infants])
    t = fit(x)
    assert t.encoder.decimals == 4 and t.encoder.precision is not None
    back = t.inverse_transform(t.transform(pd.Series(x)), rng).to_numpy()
    np.testing.assert_array_equal(back, x)  # an encoded real value still comes back exactly
    out = generated(t, x, rng)
    grown, small = out[out >= 10], out[out < 1]
    fewest = value_decimals(grown, 4)
    assert 0.85 < (fewest == 0).mean() < 0.95 and 0.05 < (fewest == 1).mean() < 0.15
    assert (value_decimals(small, 4) > 1).mean() > 0.5  # the infants' mode keeps its twelfths
    again = NumericalTransformer.from_dict(t.to_dict())
    assert again.encoder.precision == t.encoder.precision
    assert NumericalTransformer.from_dict({**t.to_dict(), "encoder": {
        k: v for k, v in t.to_dict()["encoder"].items() if k != "precision"}}).encoder.precision is None


def test_drawn_decimals_never_take_a_value_off_its_grid():
    rng = np.random.default_rng(1)
    x = np.where(rng.random(3_000) < 0.5, rng.integers(0, 40, 3_000), rng.integers(0, 160, 3_000) / 4)
    t = fit(x)  # quarters; half of them whole numbers
    assert t.encoder.step == 0.25 and t.encoder.precision is not None
    out = generated(t, x, rng)
    np.testing.assert_allclose(out * 4, np.round(out * 4), rtol=0, atol=1e-9)
    assert 0.35 < (value_decimals(out, 2) == 0).mean() < 0.75


@pytest.mark.parametrize("dtype", ["float32", "Float32", "float[pyarrow]"])
def test_float32_values_keep_their_decimals(dtype):
    # Before 2026-12-02 float32's 0.12 (0.1199999973 as a float64) counted as having no fixed
    # decimals, so a float32 column of cents came back as 0.1234567; nullable Float32 and
    # pyarrow's float did until 2026-12-03.
    rng = np.random.default_rng(0)
    x = np.round(rng.normal(0, 3, 2_000), 2).astype(np.float32)
    t = NumericalTransformer().fit(pd.Series(x).astype(dtype), rng)
    assert t.encoder.decimals == 2
    assert detect_decimals(x.astype(np.float64)) is None  # as float64 they have 8 or more
    back = t.inverse_transform(t.transform(pd.Series(x).astype(dtype)), rng)
    assert str(back.dtype) == dtype and np.array_equal(back.to_numpy(dtype=np.float32), x)
    out = generated(t, x.astype(np.float64), rng).astype(np.float32)
    np.testing.assert_array_equal(out, np.round(out.astype(np.float64), 2).astype(np.float32))
    assert np.unique(out).size > 100


def test_numbers_written_as_text_come_back_as_that_text():
    from tabgan.transformers import NumericalTransformer

    rng = np.random.default_rng(0)
    s = pd.Series(np.char.mod("%.2f", np.round(rng.normal(50, 10, 300), 2)).astype(object), name="price")
    s[::7] = "?"
    t = NumericalTransformer().fit(s, np.random.default_rng(0))
    assert (t.text, t.missing_kinds) == ("%.2f", ["?"]) and t.encoder.has_missing
    back = t.inverse_transform(t.transform(s), np.random.default_rng(0))
    pd.testing.assert_series_equal(back, s)
    again = NumericalTransformer.from_dict(json.loads(json.dumps(t.to_dict())))
    pd.testing.assert_series_equal(again.inverse_transform(t.transform(s), np.random.default_rng(0)), s)
    generated = t.inverse_compact(np.column_stack([rng.uniform(-1, 1, 50), rng.integers(0, t.encoder.n_slots, 50)]),
                                  np.random.default_rng(0), generated=True)
    assert generated.str.fullmatch(r"\?|-?\d+\.\d\d").all()
    with pytest.raises(ValueError):
        t.transform(pd.Series(["12.50", "n/a"], name="price"))  # a text that is no number


def test_each_way_of_writing_a_missing_number_is_a_slot_of_its_own():
    # Before 2026-12-03 numbers as text with NaN beside a "?", or with two such texts, were
    # categories (an id when most values were distinct).
    from tabgan.transformers import NumericalTransformer

    rng = np.random.default_rng(0)
    s = pd.Series(np.char.mod("%.2f", np.round(rng.normal(50, 10, 600), 2)).astype(object), name="price")
    u = rng.random(600)
    s[u < 0.05], s[(u >= 0.05) & (u < 0.12)], s[(u >= 0.12) & (u < 0.15)] = np.nan, "?", "n/a"
    t = NumericalTransformer().fit(s, np.random.default_rng(0))
    assert t.missing_kinds == [None, "?", "n/a"]
    assert t.spans[-1].labels[-3:] == ("missing", "missing '?'", "missing 'n/a'")
    m = t.transform(s)
    assert m[:, -3:].sum(axis=0).tolist() == [s.isna().sum(), (s == "?").sum(), (s == "n/a").sum()]
    pd.testing.assert_series_equal(t.inverse_transform(m, np.random.default_rng(0)), s)
    again = NumericalTransformer.from_dict(json.loads(json.dumps(t.to_dict())))
    pd.testing.assert_series_equal(again.inverse_transform(m, np.random.default_rng(0)), s)
    slots = t.encoder.n_slots
    generated = t.inverse_compact(np.column_stack([np.zeros(3), [slots - 3, slots - 2, slots - 1]]),
                                  np.random.default_rng(0), generated=True)
    assert generated.isna().tolist() == [True, False, False] and generated[1:].tolist() == ["?", "n/a"]
    assert [t.missing_slot(v) for v in (None, np.nan, "?", "n/a", "-")] == [slots - 3, slots - 3, slots - 2, slots - 1, None]


def test_numbers_as_text_with_infinities_come_back_spelt_as_written():
    # Before 2026-12-03 an "Infinity" among prices written as text made them a category.
    from tabgan.schema import infer_schema
    from tabgan.transformers import NumericalTransformer

    rng = np.random.default_rng(0)
    s = pd.Series(np.char.mod("%.2f", rng.normal(50, 10, 300)).astype(object), name="ratio")
    s[::13], s[5::29], s[7::31] = "Infinity", "-Infinity", "?"
    assert infer_schema(pd.DataFrame({"ratio": s}))["ratio"].kind == "numerical"
    t = NumericalTransformer().fit(s, np.random.default_rng(0))
    assert (t.text, t.missing_kinds, t.inf_texts) == ("%.2f", ["?"], ("Infinity", "-Infinity"))
    pd.testing.assert_series_equal(t.inverse_transform(t.transform(s), np.random.default_rng(0)), s)
    again = NumericalTransformer.from_dict(json.loads(json.dumps(t.to_dict(), allow_nan=False)))
    pd.testing.assert_series_equal(again.inverse_transform(t.transform(s), np.random.default_rng(0)), s)


def test_a_model_file_with_one_missing_text_still_reads_it():
    # Files written before 2026-12-03 hold "missing_text", which no column with NaN had.
    from tabgan.transformers import NumericalTransformer

    s = pd.Series([f"{v}.50" for v in range(40)] + ["?"] * 5, dtype=object, name="price")
    t = NumericalTransformer().fit(s, np.random.default_rng(0))
    old = {k: v for k, v in t.to_dict().items() if k != "missing_kinds"} | {"missing_text": "?"}
    old["encoder"] = {k: v for k, v in old["encoder"].items() if k != "missing_labels"}
    again = NumericalTransformer.from_dict(old)
    assert again.missing_kinds == ["?"]
    pd.testing.assert_series_equal(again.inverse_transform(t.transform(s), np.random.default_rng(0)), s)


@pytest.mark.parametrize("dtype", ["string", "string[pyarrow]"])
def test_numbers_in_a_string_dtype_come_back_in_it(dtype):
    # Before this was tested, a string[pyarrow] column of numbers with a "?" failed to fit
    # ("could not convert string to float").
    from tabgan.transformers import TableTransformer

    rng = np.random.default_rng(0)
    ages = pd.Series(rng.integers(18, 90, 300).astype(str), dtype=object)
    for s in (ages.where(np.arange(300) % 7 != 0, "?"), ages.where(np.arange(300) % 5 != 0)):
        df = pd.DataFrame({"age": s.astype(dtype)})
        t = TableTransformer(random_state=0).fit(df)
        assert t.schema_["age"].kind == "numerical"
        pd.testing.assert_frame_equal(t.inverse_transform(t.transform(df), random_state=0), df)


@pytest.mark.parametrize("dtype", ["int64", "uint64", "Int64", "UInt64"])
def test_ints_at_the_ends_of_their_dtype_stay_in_it_and_sentinels_come_back_exactly(dtype):
    # Before 2026-12-03 float64 values past int64's maximum (whose float is 2**63) wrapped round
    # to its minimum, uint64's to 0, and nullable Int64 and UInt64 raised "cannot safely cast";
    # a sentinel such as int64's maximum in 20% of the rows came back as the minimum.
    rng = np.random.default_rng(0)
    top = int(np.iinfo(np.dtype(dtype.lower())).max)
    values = np.where(rng.random(2000) < 0.2, top, rng.integers(0, 100, 2000)).astype(dtype.lower())
    s = pd.Series(values, name="x").astype(dtype)
    t = NumericalTransformer().fit(s, rng)
    back = t.inverse_transform(t.transform(s), rng)
    assert back.dtype == s.dtype and back.equals(s)
    beyond = t.restore(np.array([2.0**66, float(top), -(2.0**66), 50.0]))
    assert beyond.dtype == s.dtype
    assert beyond.tolist() == [top - 2047 if dtype.lower() == "uint64" else top - 1023, top,
                               int(np.iinfo(np.dtype(dtype.lower())).min), 50]
    assert NumericalTransformer.from_dict(json.loads(json.dumps(t.to_dict()))).restore(
        np.array([float(top)])).tolist() == [top]


@pytest.mark.parametrize("dtype, base", [("int64", 2**62), ("int64", -(2**62)), ("uint64", 2**64 - 5000),
                                         ("UInt64", 2**64 - 5000), ("Int64", 2**55)])
def test_ints_far_from_zero_but_close_together_come_back_exactly_and_varied(dtype, base):
    # Before 2026-12-04 account numbers 2**62 + k (k < 1000) went through float64, whose ints are
    # 1024 apart there: encoded as one or two values, they came back as two of the thousand.
    rng = np.random.default_rng(0)
    ks = rng.integers(0, 1000, 3000)
    values = [base + int(k) for k in ks]
    s = pd.Series(pd.array(values, dtype=dtype), name="x")
    if dtype[0].isupper():
        s[::9] = pd.NA
    t = NumericalTransformer().fit(s, rng)
    assert t.offset == min(values)
    back = t.inverse_transform(t.transform(s), rng)
    assert back.dtype == s.dtype and back.equals(s)  # every real row exactly, missing ones too
    # What a generator gives: any value in [-1, 1] within any mode.
    modes = len(t.encoder.means)
    drawn = t.inverse_compact(np.column_stack([rng.uniform(-1, 1, 5000), rng.integers(0, modes, 5000)]), rng,
                              generated=True)
    assert drawn.dtype == s.dtype and drawn.nunique() > 500
    assert drawn.min() >= min(values) and drawn.max() <= max(values)
    again = NumericalTransformer.from_dict(json.loads(json.dumps(t.to_dict())))
    assert again.inverse_transform(again.transform(s), rng).equals(s)
    assert t.encoded(base + 7) == float(base + 7 - min(values))  # a condition's int, exactly


def test_ints_far_apart_or_near_zero_keep_no_offset():
    rng = np.random.default_rng(0)
    assert fit(rng.integers(0, 1000, 500)).offset is None  # float64 holds them already
    assert fit(np.r_[rng.integers(0, 9, 500), [2**62] * 200]).offset is None  # a sentinel: exact_points
    assert fit(rng.integers(0, 1000, 500).astype(np.int32)).offset is None


@pytest.mark.parametrize("dtype", ["timedelta64[s]", "timedelta64[ms]", "duration[s][pyarrow]"])
def test_durations_past_292_years_keep_their_resolution_and_do_not_wrap(dtype):
    # Before 2026-12-04 durations went through nanoseconds, which wrap round past 2**63 (292
    # years): "valid until 9999-12-31" in seconds came back negative in 80% of generated rows.
    rng = np.random.default_rng(0)
    start = np.datetime64("2020-01-01", "s") + rng.integers(0, 10**7, 300).astype("timedelta64[s]")
    end = np.where(rng.random(300) < 0.5, start, np.datetime64("9999-12-31", "s"))
    s = pd.Series(end - start, name="x").astype(dtype)
    s[::10] = pd.NaT
    t = NumericalTransformer().fit(s, rng)
    back = t.inverse_transform(t.transform(s), rng)
    pd.testing.assert_series_equal(back, s)
    drawn = t.inverse_compact(np.column_stack([rng.uniform(-1, 1, 2000), rng.integers(0, t.encoder.n_slots, 2000)]),
                              rng, generated=True)
    assert drawn.dtype == s.dtype
    assert drawn.min() >= s.min() and drawn.max() <= s.max() and drawn.dropna().nunique() > 500
    again = NumericalTransformer.from_dict(json.loads(json.dumps(t.to_dict())))
    pd.testing.assert_series_equal(again.inverse_transform(again.transform(s), rng), s)


def test_zeros_keep_their_sign_only_where_the_column_writes_one():
    # Before 2026-12-04 rounding a generated small negative gave -0.0, which a CSV writes as
    # "-0.0", in a column that held no -0.0 (5% of a generated column's zeros here), and a point
    # mass at zero took np.unique's sign for all its zeros: every 0.0 came back as -0.0.
    rng = np.random.default_rng(0)
    x = (rng.normal(size=400) * 0.02).round(2) + 0.0  # no -0.0
    t = fit(x)
    generated = t.inverse_transform(rng.uniform(-1, 1, (20_000, t.width)).astype(np.float32), rng).to_numpy()
    assert (generated == 0).sum() > 1000 and not np.signbit(generated[generated == 0]).any()
    zeros = np.array([0.0] * 70 + [-0.0] * 30 + [1.5] * 50 + [2.5] * 50)  # a point mass at 0, mostly 0.0
    t = fit(zeros)
    back = t.inverse_transform(t.transform(pd.Series(zeros)), rng).to_numpy()
    assert t.encoder.points[0] == 0 and not np.signbit(back).any()
    negative = np.where(zeros == 0, -0.0, zeros)  # every zero written -0.0: each comes back so
    t = fit(negative)
    back = t.inverse_transform(t.transform(pd.Series(negative)), rng).to_numpy()
    np.testing.assert_array_equal(np.signbit(back), np.signbit(negative))
    restored = type(t.encoder).from_dict(json.loads(json.dumps(t.encoder.to_dict())))
    assert restored.negative_zeros and restored.points == t.encoder.points
