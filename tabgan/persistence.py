"""Saved models are data: a JSON header and raw tensor bytes, never a pickle.

File layout (little-endian)::

    8 bytes   magic  b"TABGAN\\x00\\x01"
    8 bytes   length of the header (uint64)
    n bytes   header: UTF-8 JSON {"format_version", "tabgan_version", "class", "params",
              "state" (transformer state, history, ...), "tensors": {name: {dtype, shape, offset,
              nbytes}}}
    ...       the tensors' bytes, in the order of their offsets

Loading reads the JSON and copies bytes into new tensors with ``torch.frombuffer``: nothing in the
file is ever executed, and no unpickler is involved (so a crafted pickle is just bytes that fail
the magic check). Tensors are written from the CPU, so a model saved on a GPU loads anywhere.

The header's ``"crc32"`` is the CRC-32 of the tensors' bytes: a file damaged or edited after it
was written (a flipped bit in a weight would otherwise load and sample quietly wrong rows) is
refused. Files written before 2026-12-02 have none and load unchecked.

``path`` is a file path (``~`` expanded) or a binary file object (``io.BytesIO``, an open file, a
cloud storage handle): written with one ``write`` of the whole model, read with ``read()``.
"""

from __future__ import annotations

import json
import math
import os
import struct
import zlib
from typing import IO, Any, Union

import torch

from tabgan._version import __version__
from tabgan.errors import ModelFileError
from tabgan.io import STDIO, atomic_output, local_path

__all__ = ["FORMAT_VERSION", "MAGIC", "model_name", "read_model_file", "write_model_file"]

MAGIC = b"TABGAN\x00\x01"
FORMAT_VERSION = 1
_DTYPES = {
    "float32": torch.float32, "float64": torch.float64, "float16": torch.float16,
    "bfloat16": torch.bfloat16, "int64": torch.int64, "int32": torch.int32, "uint8": torch.uint8,
    "bool": torch.bool,
}
_NAMES = {v: k for k, v in _DTYPES.items()}
_MAX_HEADER = 256 * 2**20
_MAX_TENSORS = 10_000  # a model holds about a hundred (weights, buffers, Adam moments)
Target = Union[str, "os.PathLike[str]", IO[bytes]]


def write_model_file(path: Target, header: dict[str, Any], tensors: dict[str, torch.Tensor]) -> None:
    """Write atomically: a temporary file in the same folder, renamed over ``path`` when complete
    (a file object gets the whole model in one ``write``)."""
    index, blobs, offset, crc = {}, [], 0, 0
    for name, t in tensors.items():
        t = t.detach().to("cpu").contiguous()
        if t.dtype not in _NAMES:
            raise ModelFileError(f"tensor {name!r} has dtype {t.dtype}, which the model format does not store")
        raw = t.reshape(-1).view(torch.uint8).numpy().tobytes() if t.numel() else b""
        index[name] = {"dtype": _NAMES[t.dtype], "shape": list(t.shape), "offset": offset, "nbytes": len(raw)}
        blobs.append(raw)
        offset += len(raw)
        crc = zlib.crc32(raw, crc)
    doc = {"format_version": FORMAT_VERSION, "tabgan_version": __version__, **header, "tensors": index,
           "crc32": crc}
    head = json.dumps(doc, allow_nan=False).encode("utf-8")
    if _is_stream(path):
        path.write(b"".join([MAGIC, struct.pack("<Q", len(head)), head, *blobs]))  # type: ignore[union-attr]
        return
    target = os.fspath(path)
    with atomic_output(os.path.join(".", target) if target == STDIO else target) as f:  # "-": a file
        f.write(MAGIC + struct.pack("<Q", len(head)) + head)
        for raw in blobs:
            f.write(raw)


def _whole(value: Any, key: str, what: str) -> int:
    """``value`` of a tensor index entry as an int >= 0 (not a bool, a float or text)."""
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ValueError(f"tensor {key!r} has {what} {value!r}, no whole number >= 0")
    return value


def _is_stream(target: object) -> bool:
    return hasattr(target, "read") or hasattr(target, "write")


def model_name(path: Target) -> str:
    """How messages name a model file: the path as given, or a file object's name."""
    if _is_stream(path):
        name = getattr(path, "name", None)
        return repr(name) if isinstance(name, str) else f"the {type(path).__name__} stream"
    return repr(os.fspath(path))  # type: ignore[arg-type]


def read_model_file(path: Target, device: torch.device | str = "cpu"
                    ) -> tuple[dict[str, Any], dict[str, torch.Tensor]]:
    """(header, tensors on ``device``); ModelFileError for anything that is not a sound tabgan model."""
    name = model_name(path)
    if _is_stream(path):
        data = path.read()  # type: ignore[union-attr]
        if not isinstance(data, (bytes, bytearray, memoryview)):
            raise ModelFileError(f"{name} gives {type(data).__name__}, not bytes: open a model file "
                                 "in binary mode ('rb')")
        data = bytes(data)
    else:
        try:
            data = local_path(path).read_bytes()  # type: ignore[arg-type]
        except FileNotFoundError:
            raise ModelFileError(f"model file {name} does not exist") from None
        except IsADirectoryError:
            raise ModelFileError(f"model path {name} is a folder, not a tabgan model file") from None
    if not data.startswith(MAGIC):
        raise ModelFileError(f"{name} is not a tabgan model file (unknown format; tabgan never unpickles)")
    if len(data) < 16:
        raise ModelFileError(f"{name} is truncated")
    (n,) = struct.unpack("<Q", data[8:16])
    if n > _MAX_HEADER or 16 + n > len(data):
        raise ModelFileError(f"{name} is corrupted: header length {n} does not fit the file")
    try:
        header = json.loads(data[16:16 + n].decode("utf-8"))
    # ValueError: JSONDecodeError, or an integer of over 4,300 digits; RecursionError: arrays
    # nested 100,000 deep.
    except (UnicodeDecodeError, ValueError, RecursionError) as err:
        raise ModelFileError(f"{name} is corrupted: unreadable header ({err.__class__.__name__})") from None
    if not isinstance(header, dict) or header.get("format_version") != FORMAT_VERSION:
        version = header.get("format_version") if isinstance(header, dict) else None
        raise ModelFileError(f"{name} has model format {version!r}; this tabgan {__version__} reads "
                             f"format {FORMAT_VERSION}")
    body = memoryview(data)[16 + n:]
    index = header.get("tensors")
    if not isinstance(index, dict) or len(index) > _MAX_TENSORS:
        raise ModelFileError(f"{name} is corrupted: its tensor index is no table of at most {_MAX_TENSORS:,} "
                             "tensors")
    tensors = {}
    try:
        # The tensors lie one after another, as save writes them, and fill the body: no two share
        # bytes (20,000 entries over one megabyte had made a 7.6 MB file ask for 20 GB).
        end = 0
        for key, info in sorted(index.items(), key=lambda item: _whole(item[1]["offset"], item[0], "offset")):
            dtype = _DTYPES[info["dtype"]]
            start, nbytes = _whole(info["offset"], key, "offset"), _whole(info["nbytes"], key, "nbytes")
            shape = [_whole(size, key, "shape") for size in info["shape"]]
            if start != end:
                raise ValueError(f"tensor {key!r} starts at byte {start}, not where the one before it ends ({end})")
            end = start + nbytes
            if end > len(body):
                raise ValueError(f"tensor {key!r} lies past the end of the file")
            if math.prod(shape) * torch.empty(0, dtype=dtype).element_size() != nbytes:
                raise ValueError(f"tensor {key!r} of shape {shape} ({info['dtype']}) is not {nbytes} bytes")
            if nbytes:
                t = torch.frombuffer(bytearray(body[start:end]), dtype=torch.uint8).view(dtype)
            else:
                t = torch.empty(0, dtype=dtype)
            tensors[key] = t.reshape(shape).to(device)
        if end != len(body):
            raise ValueError(f"its tensors end at byte {end} of {len(body)}")
    except KeyError as err:
        raise ModelFileError(f"{name} is corrupted: its tensor index lacks {err}") from None
    except (ValueError, TypeError, RuntimeError, OverflowError, AttributeError) as err:
        raise ModelFileError(f"{name} is corrupted: {err}".splitlines()[0]) from None
    if "crc32" in header and zlib.crc32(body) != header["crc32"]:
        raise ModelFileError(f"{name} is corrupted: its tensors do not match the checksum written "
                             "with them (the file was damaged or changed after it was saved)")
    return header, tensors
