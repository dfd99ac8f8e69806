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


def test_text_ids_outside_ascii_keep_their_script_but_no_value():
    # Before 2026-12-02 only ASCII letters and digits were hidden: Cyrillic or CJK names, and
    # Arabic-Indic digits, went into the model's shapes and came back verbatim.
    rng = np.random.default_rng(0)
    upper, lower = np.array(list("АБВГДЕЖЗИКЛМНОПРСТУФХЦЧШЭЮЯ")), np.array(list("абвгдежзиклмнопрстуфхцчшщэюя"))
    cjk = np.array([chr(0x4E00 + i) for i in range(0, 2000, 7)])
    digits = np.array(list("٠١٢٣٤٥٦٧٨٩"))
    names = ["".join([rng.choice(upper), *rng.choice(lower, 6)]) for _ in range(200)]
    names += ["".join(rng.choice(cjk, 3)) for _ in range(200)]
    names += ["№-" + "".join(rng.choice(digits, 6)) for _ in range(200)]
    s = pd.Series(names, name="name")
    t = IdTransformer().fit(s, np.random.default_rng(0))
    state = repr(t.to_dict())
    assert not any(v in state for v in names)
    out = t.inverse_transform(np.zeros((3000, 0), np.float32), np.random.default_rng(1))
    assert out.is_unique and not out.isin(names).any()
    assert out.str.fullmatch(r"[А-Я][а-я]{6}|[\u4e00-\u9fff]{3}|№-[٠-٩]{6}").all()
    assert set(out.str.len().value_counts().index) == {7, 3, 8}
    again = IdTransformer.from_dict(t.to_dict())
    pd.testing.assert_series_equal(
        again.inverse_transform(np.zeros((50, 0), np.float32), np.random.default_rng(2)),
        t.inverse_transform(np.zeros((50, 0), np.float32), np.random.default_rng(2)))


def test_an_id_state_written_before_alphabets_still_loads():
    d = {"type": "id", "column": "ref", "dtype": "object", "na": "nan", "missing_rate": 0.0,
         "numeric": False, "start": 0, "step": 1, "shapes": ["AA-99"], "shape_counts": [10]}
    out = IdTransformer.from_dict(d).inverse_transform(np.zeros((20, 0), np.float32),
                                                       np.random.default_rng(0))
    assert out.str.fullmatch(r"[A-Z]{2}-\d{2}").all()


def test_free_text_is_shaped_and_filled_in_bounded_memory(monkeypatch):
    # Before 2026-12-02 each step held (rows, longest text) code-point arrays for all rows at
    # once: 50,000 synthetic notes of about 1,200 characters peaked at 3.3 GB.
    import tracemalloc

    from tabgan.transformers import simple

    rng = np.random.default_rng(0)
    words = np.array(["alpha", "beta", "Ωmega", "naïve", "42"])
    notes = pd.Series([" ".join(words[rng.integers(0, 5, rng.integers(20, 400))]) for _ in range(2000)],
                      name="note")
    whole = IdTransformer().fit(notes, np.random.default_rng(1))
    tracemalloc.start()
    out = whole.inverse_compact(np.zeros((4000, 0)), np.random.default_rng(2))
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    # 4,000 rows padded to the longest shape (~2,300 characters) as uint32 are 37 MB a copy; the
    # old code peaked at 248 MB here, this at 34 (the strings themselves are about 10).
    assert peak < 60 * 2**20
    assert out.is_unique and not out.isin(notes).any()
    monkeypatch.setattr(simple, "_BLOCK_CELLS", 5000)  # blocks of two rows: the same model and rows
    blocked = IdTransformer().fit(notes, np.random.default_rng(1))
    assert blocked.to_dict() == whole.to_dict()
    small = blocked.inverse_compact(np.zeros((30, 0)), np.random.default_rng(3))
    templates, _ = simple._shape(small.to_numpy())
    assert templates.isin(whole.shapes).all()  # each a shape of the model, character by character


def test_integer_ids_can_continue_past_ids_held_out_of_the_fit():
    t = IdTransformer().fit(pd.Series([3, 5, 7, 9], name="id"), np.random.default_rng(0))
    t.continue_past(pd.Series([11.0, np.nan, 4.0]))
    assert t.inverse_compact(np.zeros((3, 0)), np.random.default_rng(0)).tolist() == [13, 15, 17]
    t.continue_past(pd.Series([1, 2]))  # never back
    assert t.start == 13
