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
