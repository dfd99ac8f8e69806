import io
import json
import os
import stat

import pytest
import torch

from tabgan.errors import ModelFileError
from tabgan.persistence import MAGIC, read_model_file, write_model_file


def test_tensors_and_header_round_trip_exactly(tmp_path):
    tensors = {"w": torch.randn(3, 4), "n": torch.tensor(7), "i": torch.arange(5), "e": torch.zeros(0),
               "b": torch.tensor([True, False])}
    write_model_file(tmp_path / "m", {"class": "X", "params": {"a": [1, 2]}, "state": {}}, tensors)
    header, back = read_model_file(tmp_path / "m")
    assert header["params"] == {"a": [1, 2]} and header["class"] == "X"
    for name, t in tensors.items():
        assert back[name].dtype == t.dtype and torch.equal(back[name], t)


def test_model_files_get_the_usual_mode_not_mkstemps_0600(tmp_path):
    old = os.umask(0o022)
    try:
        write_model_file(tmp_path / "m", {}, {})
    finally:
        os.umask(old)
    assert stat.S_IMODE(os.stat(tmp_path / "m").st_mode) == 0o644


def test_a_failed_write_leaves_nothing_behind(tmp_path):
    with pytest.raises(ModelFileError):
        write_model_file(tmp_path / "m", {}, {"c": torch.zeros(2, dtype=torch.complex64)})
    assert list(tmp_path.iterdir()) == []


def test_tensor_offsets_past_the_end_are_corruption(tmp_path):
    write_model_file(tmp_path / "m", {}, {"w": torch.ones(100)})
    data = (tmp_path / "m").read_bytes()
    (tmp_path / "m").write_bytes(data[:-8])
    with pytest.raises(ModelFileError, match="corrupted"):
        read_model_file(tmp_path / "m")
    assert data.startswith(MAGIC)


def test_a_folder_or_a_missing_folder_is_refused_naming_the_path_given(tmp_path):
    """Regression: the errors named the temporary file (".tmp-xxxx: Is a directory")."""
    with pytest.raises(IsADirectoryError) as err:
        write_model_file(tmp_path, {}, {})
    assert err.value.filename == str(tmp_path) and "is a folder" in err.value.strerror
    target = tmp_path / "missing" / "m.tabgan"
    with pytest.raises(FileNotFoundError) as err:
        write_model_file(target, {}, {})
    assert err.value.filename == str(target) and "does not exist" in err.value.strerror
    assert list(tmp_path.iterdir()) == []


def _rewrite_header(path, edit):
    """Rewrite a model file's JSON header through ``edit`` (the tensors' bytes unchanged)."""
    data = path.read_bytes()
    n = int.from_bytes(data[8:16], "little")
    header = edit(json.loads(data[16:16 + n]))
    head = json.dumps(header).encode()
    path.write_bytes(MAGIC + len(head).to_bytes(8, "little") + head + data[16 + n:])


def test_a_damaged_tensor_byte_is_refused_by_the_checksum(tmp_path):
    # Before 2026-12-02 a flipped bit in a weight loaded and sampled quietly wrong rows.
    write_model_file(tmp_path / "m", {}, {"w": torch.randn(100), "v": torch.arange(10)})
    data = bytearray((tmp_path / "m").read_bytes())
    data[-50] ^= 0x01
    (tmp_path / "m").write_bytes(bytes(data))
    with pytest.raises(ModelFileError, match="corrupted: its tensors do not match the checksum"):
        read_model_file(tmp_path / "m")


def test_a_file_from_before_the_checksum_loads_unchecked(tmp_path):
    tensors = {"w": torch.randn(5)}
    write_model_file(tmp_path / "m", {"class": "X"}, tensors)
    _rewrite_header(tmp_path / "m", lambda h: {k: v for k, v in h.items() if k != "crc32"})
    header, back = read_model_file(tmp_path / "m")
    assert "crc32" not in header and torch.equal(back["w"], tensors["w"])


def test_binary_file_objects_are_written_and_read(tmp_path):
    tensors = {"w": torch.randn(3, 4), "e": torch.zeros(0)}
    buffer = io.BytesIO()
    write_model_file(buffer, {"class": "X"}, tensors)
    write_model_file(tmp_path / "m", {"class": "X"}, tensors)
    assert buffer.getvalue() == (tmp_path / "m").read_bytes()
    buffer.seek(0)
    _, back = read_model_file(buffer)
    assert torch.equal(back["w"], tensors["w"])
    with open(tmp_path / "m", encoding="latin-1") as text, \
            pytest.raises(ModelFileError, match=r"'.*m' gives str, not bytes: open a model file in binary mode"):
        read_model_file(text)
    with pytest.raises(ModelFileError, match="^the BytesIO stream is not a tabgan model file"):
        read_model_file(io.BytesIO(b"a,b\n1,2\n"))


def test_a_path_with_a_tilde_is_under_the_home_folder(tmp_path, monkeypatch):
    monkeypatch.setenv("HOME", str(tmp_path))
    write_model_file("~/m.tabgan", {"class": "X"}, {"w": torch.ones(2)})
    assert (tmp_path / "m.tabgan").exists()
    _, back = read_model_file("~/m.tabgan")
    assert torch.equal(back["w"], torch.ones(2))


# ------------------------------------------------------------ crafted files (a hunt, 2026-12-03)
def crafted(path, edit, extra_body=b""):
    """The model file at ``path`` with its header changed by ``edit`` (in place) and its
    checksum written anew, so that the checksum is not what refuses it."""
    import struct
    import zlib

    data = path.read_bytes()
    (n,) = struct.unpack("<Q", data[8:16])
    header, body = json.loads(data[16:16 + n]), data[16 + n:] + extra_body
    edit(header, len(data) - 16 - n)
    header["crc32"] = zlib.crc32(body)
    head = json.dumps(header).encode()
    return MAGIC + struct.pack("<Q", len(head)) + head + body


def test_index_entries_that_share_bytes_are_refused_before_any_copy(tmp_path):
    # Before 2026-12-03 20,000 entries over one megabyte made a 7.6 MB file ask for 20 GB; a
    # million empty entries took 16 s and 2.4 GB.
    write_model_file(tmp_path / "m", {}, {"w": torch.ones(100)})

    def alias(header, size):
        for i in range(50):
            header["tensors"][f"d{i}"] = {"dtype": "uint8", "shape": [2**20], "offset": size, "nbytes": 2**20}

    (tmp_path / "a").write_bytes(crafted(tmp_path / "m", alias, b"\0" * 2**20))
    with pytest.raises(ModelFileError, match=r"tensor 'd1' starts at byte \d+, not where the one before it ends"):
        read_model_file(tmp_path / "a")

    def many(header, size):
        header["tensors"].update({f"e{i}": {"dtype": "uint8", "shape": [0], "offset": 0, "nbytes": 0}
                                  for i in range(10_001)})

    (tmp_path / "b").write_bytes(crafted(tmp_path / "m", many))
    with pytest.raises(ModelFileError, match="its tensor index is no table of at most 10,000 tensors"):
        read_model_file(tmp_path / "b")


@pytest.mark.parametrize("edit, message", [
    (lambda h, n: h["tensors"]["w"].update(offset=float("inf")), "tensor 'w' has offset inf, no whole number >= 0"),
    (lambda h, n: h["tensors"]["w"].update(shape=[2**70]), r"tensor 'w' of shape \[\d+\] \(float32\) is not 400 bytes"),
    (lambda h, n: h["tensors"]["w"].update(shape=[10.5]), "tensor 'w' has shape 10.5, no whole number >= 0"),
    (lambda h, n: h.update(tensors=[]), "its tensor index is no table"),
    (lambda h, n: h["tensors"]["w"].pop("dtype"), "its tensor index lacks 'dtype'"),
    (lambda h, n: h.update(big=10**5000), r"unreadable header \(ValueError\)"),
])
def test_a_crafted_index_is_refused_in_words(tmp_path, edit, message):
    # Before 2026-12-03 these raised OverflowError, AttributeError or torch's C++ stack trace.
    import sys

    limit = sys.get_int_max_str_digits()
    sys.set_int_max_str_digits(0)  # so that json.dumps can write the 5,000-digit integer
    try:
        write_model_file(tmp_path / "m", {}, {"w": torch.ones(100)})
        (tmp_path / "c").write_bytes(crafted(tmp_path / "m", edit))
    finally:
        sys.set_int_max_str_digits(limit)
    with pytest.raises(ModelFileError, match=message):
        read_model_file(tmp_path / "c")


def test_a_header_nested_too_deep_is_refused(tmp_path):
    import struct

    head = b"[" * 100_000 + b"]" * 100_000
    (tmp_path / "d").write_bytes(MAGIC + struct.pack("<Q", len(head)) + head)
    with pytest.raises(ModelFileError, match=r"unreadable header \(RecursionError\)"):
        read_model_file(tmp_path / "d")
