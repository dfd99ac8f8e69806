import json

import numpy as np
import pandas as pd
import pytest

from tabgan.errors import DataError
from tabgan.transformers import ConstantTransformer, IdTransformer


def test_integer_ids_are_fresh_unique_and_of_the_input_dtype():
    s = pd.Series(np.arange(1, 892, dtype=np.int32), name="PassengerId")
    t = IdTransformer().fit(s, np.random.default_rng(0))
    out = t.inverse_transform(np.zeros((1000, 0), np.float32), np.random.default_rng(0))
    assert out.dtype == np.int32 and out.is_unique and not out.isin(s).any()


@pytest.mark.parametrize("first, dtype", [(2**62 + 1001, "int64"), (2**63 + 5, "uint64"),
                                          (1_500_988_465_909_374_000, "Int64"), (2**62, "int64[pyarrow]")])
def test_integer_ids_past_two_to_the_53_stay_exact(first, dtype):
    # Before 2026-12-03 ids went through float64, exact only to 2**53: ids of Snowflake's size
    # came back repeated, below the largest and equal to real ones (300 of 300 at 2**62).
    s = pd.Series([first + 3 * i for i in range(300)], name="id", dtype=dtype)
    if dtype == "Int64":
        s[::10] = pd.NA  # an id with gaps (metadata's sdtype "id")
    t = IdTransformer().fit(s, np.random.default_rng(0))
    t = IdTransformer.from_dict(json.loads(json.dumps(t.to_dict())))
    out = pd.concat([t.inverse_compact(np.zeros((200, 0)), np.random.default_rng(0), first_row=k * 200)
                     for k in range(2)], ignore_index=True)
    assert str(out.dtype) == dtype and out.isna().any() == (dtype == "Int64")
    present = out.notna().to_numpy()
    step = 1 if dtype == "Int64" else 3  # the gaps' step, where every gap is one
    assert t.start == first + 3 * 299 + step
    expected = [t.start + step * i for i in range(400)]  # row i of the table: past the largest
    assert out[present].map(int).tolist() == [e for e, p in zip(expected, present) if p]
    t.continue_past(pd.Series([first + 3 * 1000], dtype=dtype))
    assert int(t.inverse_compact(np.zeros((1, 0)), np.random.default_rng(0))[0]) == first + 3 * 1000 + step


def test_integer_ids_that_would_pass_64_bits_are_refused():
    t = IdTransformer().fit(pd.Series(np.arange(2**64 - 20, 2**64 - 1, dtype=np.uint64), name="id"),
                            np.random.default_rng(0))
    with pytest.raises(DataError, match="column 'id': its ids would pass 18446744073709551615"):
        t.inverse_compact(np.zeros((5, 0)), np.random.default_rng(0))


def _fresh(t, n, seed=0):
    return t.inverse_transform(np.zeros((n, 0), np.float32), np.random.default_rng(seed))


def test_text_ids_keep_their_shape_but_no_value():
    rng = np.random.default_rng(0)
    letters = np.array(list("ABCDEFGHIJKLMNOPQRSTUVWXYZ"))
    codes = ["".join(rng.choice(letters, 2)) + "-" + "".join(map(str, rng.integers(0, 10, 5)))
             for _ in range(500)]
    s = pd.Series(codes, name="ref")
    t = IdTransformer().fit(s, np.random.default_rng(0))
    assert t.shapes == ["AA-99999"] and t.counter is None and t.places == [{}]
    out = _fresh(t, 2000)
    assert out.is_unique
    assert out.str.fullmatch(r"[A-Z]{2}-\d{5}").all()
    assert not any(c in repr(t.to_dict()) for c in codes)


def test_counters_continue_past_their_largest_number():
    # Before 2026-12-02 "INV-00017" came back as random letters and digits of its shape
    # ("QZ?-31706"), and could be a real invoice number.
    s = pd.Series([f"INV-{i:05d}" for i in range(3, 1500, 3)], name="invoice")
    t = IdTransformer().fit(s, np.random.default_rng(0))
    assert t.counter == ("INV-", "", 5) and (t.start, t.step) == (1500, 3)
    assert _fresh(t, 3).tolist() == ["INV-01500", "INV-01503", "INV-01506"]
    t.continue_past(pd.Series(["INV-02001", "other", None]))  # rows held out of the fit
    assert _fresh(t, 1).tolist() == ["INV-02004"]
    again = IdTransformer.from_dict(t.to_dict())
    pd.testing.assert_series_equal(_fresh(again, 5), _fresh(t, 5))
    numbers = np.random.default_rng(0).permutation(300)[:200] + 1  # gaps, in no order
    users = IdTransformer().fit(pd.Series([f"user_{i}" for i in numbers], name="u"),
                                np.random.default_rng(0))
    top = numbers.max()
    assert _fresh(users, 2).tolist() == [f"user_{top + 1}", f"user_{top + 2}"]  # unpadded, as given
    mixed = IdTransformer().fit(pd.Series(["a-007", "a-12", "a-3"], name="m"), np.random.default_rng(0))
    assert mixed.counter is None  # zeros pad some numbers and not others: not one counter
    two = IdTransformer().fit(pd.Series(["a-1", "b-2", "a-3"], name="t"), np.random.default_rng(0))
    assert two.counter is None  # two prefixes
    lines = IdTransformer().fit(pd.Series([f"part one\npart {i}" for i in range(60)], name="l"),
                                np.random.default_rng(0))
    assert _fresh(lines, 1).tolist() == ["part one\npart 60"]  # a prefix over two lines


def test_hexadecimal_ids_stay_hexadecimal():
    # Before 2026-12-02 a hash's letters came back as any of a-z ("1i808rta..."), so a fresh
    # UUID or digest was not hexadecimal.
    rng = np.random.default_rng(0)
    for digits, pattern in (("0123456789abcdef", "[0-9a-f]{32}"), ("0123456789ABCDEF", "[0-9A-F]{12}")):
        width = 32 if digits.islower() else 12
        values = ["".join(rng.choice(list(digits), width)) for _ in range(300)]
        t = IdTransformer().fit(pd.Series(values, name="h"), np.random.default_rng(0))
        assert t.hex == ("lower" if digits.islower() else "upper") and len(t.shapes) == 1
        out = _fresh(t, 2000)
        assert out.str.fullmatch(pattern).all() and out.is_unique and not out.isin(values).any()
        chars = pd.Series(list("".join(out)))
        assert set(chars) == set(digits)
        assert chars.value_counts(normalize=True).between(1 / 16 - 0.01, 1 / 16 + 0.01).all()
    words = IdTransformer().fit(pd.Series(["cafe", "bead", "dab1", "fade"] * 10, name="w"),
                                np.random.default_rng(0))
    assert words.hex == "lower"  # letters exactly a-f with digits: hex
    names = IdTransformer().fit(pd.Series(["ab1", "cd2", "ef3", "gh4"], name="n"), np.random.default_rng(0))
    assert names.hex is None


def test_uuids_keep_their_version_and_variant_but_no_value():
    import uuid

    rng = np.random.default_rng(0)
    values = [str(uuid.UUID(bytes=rng.bytes(16), version=4)) for _ in range(1000)]
    t = IdTransformer().fit(pd.Series(values, name="key"), np.random.default_rng(0))
    assert t.places == [{"14": "4", "19": "89ab"}]
    out = _fresh(t, 3000)
    assert out.is_unique and not out.isin(values).any()
    assert {uuid.UUID(v).version for v in out} == {4}
    assert {uuid.UUID(v).variant for v in out} == {uuid.RFC_4122}
    assert set(out.str[19]) == set("89ab")


def test_a_narrowed_place_never_makes_fresh_ids_real_ones():
    rng = np.random.default_rng(0)
    # Every code starts "AB-": with 8 random digits after it, fresh codes keep the prefix and
    # still match a real one about 500 / 10**8 of the time.
    long = [f"AB-{x:08d}" for x in rng.choice(10**8, 500, replace=False)]
    long_t = IdTransformer().fit(pd.Series(long, name="c"), np.random.default_rng(0))
    assert long_t.counter is None  # random numbers, 500 among 10**8: not a count
    out = _fresh(long_t, 1000)
    assert out.str.startswith("AB-").all() and not out.isin(long).any()
    # With 3 digits and a letter after it the prefix would leave 26,000 codes for 500 real
    # ones: not narrowed.
    short = list(dict.fromkeys(f"AB-{x:03d}-{chr(97 + y)}" for x, y in
                               zip(rng.integers(0, 1000, 520), rng.integers(0, 26, 520))))[:500]
    short_t = IdTransformer().fit(pd.Series(short, name="c"), np.random.default_rng(0))
    assert short_t.places == [{}]
    assert _fresh(short_t, 1000).str[:2].nunique() > 100
    # Twenty rows cannot show that a place takes fewer than its 16 hex digits.
    few = ["".join(rng.choice(list("0123456789abcdef"), 10)) for _ in range(20)]
    assert IdTransformer().fit(pd.Series(few, name="f"), np.random.default_rng(0)).places == [{}]


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


def test_a_block_without_the_rows_of_a_narrowed_shape_fills_its_own():
    # Regression: a redraw of a few short ids raised IndexError when a longer shape had a
    # narrowed place past the short rows' last character.
    from tabgan.transformers import simple

    shapes = np.array(["aaaa", "aaaaaaaa-99"], dtype=object)
    places = [{}, {"9": "7"}]
    out = simple._fill(shapes, np.array([0, 0, 0]), {}, np.random.default_rng(0), None, places)
    assert pd.Series(out).str.fullmatch("[a-z]{4}").all()
    both = simple._fill(shapes, np.array([0, 1, 1]), {}, np.random.default_rng(0), None, places)
    assert pd.Series(both[1:]).str.fullmatch("[a-z]{8}-7[0-9]").all()


def test_only_ids_that_could_meet_are_remembered_across_chunks():
    import uuid

    rng = np.random.default_rng(0)
    keys = pd.Series([str(uuid.UUID(bytes=rng.bytes(16), version=4)) for _ in range(300)], name="k")
    short = pd.Series(["".join(rng.choice(list("ABCDEFGH"), 6)) for _ in range(300)], name="s")
    for values, kept in ((keys, 0), (short, 500)):
        t = IdTransformer().fit(values, np.random.default_rng(0))
        taken: set[str] = set()
        t.inverse_compact(np.zeros((500, 0)), np.random.default_rng(1), 0, taken)
        assert len(taken) == kept  # 122 random bits: no two meet; 26**6 values: they may


def test_a_constant_category_column_keeps_the_dtype_of_its_categories():
    # Before 2026-12-04 its categories came back of the dtype pandas inferred: int8 as int64.
    from tabgan.transformers.base import transformer_from_dict

    s = pd.Series([2] * 10, name="grade", dtype=pd.CategoricalDtype(pd.Index([2, 5], dtype="int8"), ordered=True))
    t = ConstantTransformer().fit(s, np.random.default_rng(0))
    back = transformer_from_dict(json.loads(json.dumps(t.to_dict())))
    for n in (3, 0):
        out = back.inverse_transform(np.zeros((n, 0), np.float32), np.random.default_rng(0))
        pd.testing.assert_series_equal(out, s.iloc[:n])


@pytest.mark.parametrize("dtype", ["uint8", "int16", "Int8"])
def test_ids_that_would_pass_their_dtypes_largest_are_refused_not_wrapped(dtype):
    # Before 2026-12-04 uint8 ids 0..199 went on 200..255, then wrapped round to 0, 1, ...: ids of
    # the training table's own rows, which synthetic rows must never carry.
    top = int(np.iinfo(np.dtype(dtype.lower())).max)
    s = pd.Series(np.arange(top - 199, top - 99), name="id").astype(dtype)  # up to top - 100
    t = IdTransformer().fit(s, np.random.default_rng(0))
    assert t.inverse_compact(np.zeros((100, 0)), np.random.default_rng(0)).max() == top  # up to the largest
    with pytest.raises(DataError, match=rf"column 'id': its ids would pass {top}, the largest its {dtype} holds"):
        t.inverse_compact(np.zeros((101, 0)), np.random.default_rng(0))
    with pytest.raises(DataError, match="would pass"):  # a later chunk of one table too
        t.inverse_compact(np.zeros((51, 0)), np.random.default_rng(0), first_row=50)
