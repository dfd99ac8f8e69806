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
