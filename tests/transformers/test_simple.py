import numpy as np
import pandas as pd

from tabgan.transformers import ConstantTransformer, IdTransformer


def test_integer_ids_are_fresh_unique_and_of_the_input_dtype():
    s = pd.Series(np.arange(1, 892, dtype=np.int32), name="PassengerId")
    t = IdTransformer().fit(s, np.random.default_rng(0))
    out = t.inverse_transform(np.zeros((1000, 0), np.float32), np.random.default_rng(0))
    assert out.dtype == np.int32 and out.is_unique and not out.isin(s).any()


def test_text_ids_keep_their_shape_but_no_value():
    s = pd.Series([f"AB-{i:05d}" for i in range(500)], name="ref")
    t = IdTransformer().fit(s, np.random.default_rng(0))
    assert t.shapes == ["AA-99999"]
    out = t.inverse_transform(np.zeros((2000, 0), np.float32), np.random.default_rng(0))
    assert out.is_unique
    assert out.str.fullmatch(r"[A-Z]{2}-\d{5}").all()
    assert "AB-00001" not in t.to_dict().__repr__()


def test_ids_with_missing_values_keep_the_rate():
    s = pd.Series([f"x{i}" if i % 4 else None for i in range(4000)], name="ref")
    t = IdTransformer().fit(s, np.random.default_rng(0))
    out = t.inverse_transform(np.zeros((4000, 0), np.float32), np.random.default_rng(0))
    assert abs(out.isna().mean() - 0.25) < 0.03 and out.dropna().is_unique


def test_constants_repeat_with_dtype():
    s = pd.Series([2013] * 10, name="year")
    t = ConstantTransformer().fit(s, np.random.default_rng(0))
    out = t.inverse_transform(np.zeros((3, 0), np.float32), np.random.default_rng(0))
    pd.testing.assert_series_equal(out, pd.Series([2013] * 3, name="year"))
