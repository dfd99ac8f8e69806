"""Gower-like row distances and nearest neighbours, in blocks with torch.

The distance between rows ``a`` and ``b`` is the mean over the evaluated columns of a
per-column term in ``[0, 1]``:

* numerical and datetime (seconds) columns: ``min(|a - b| / span, 1)`` where ``span`` is the
  column's ``max - min`` in the table the encoder was fitted on; for a column with ``span == 0``
  the term is ``1`` when the values differ and ``0`` otherwise;
* categorical columns: ``0`` when the values are equal, ``1`` otherwise;
* missing values: ``0`` when both are missing, ``1`` when exactly one is.

This is the definition of sdmetrics' ``calculate_dcr`` (used by ``DCROverfittingProtection``),
so :func:`distance_to_closest_record` with ranges from the reference table reproduces its
values. The evaluator itself fits the spans once on the real training table, so that every
distance it reports (synthetic to train, holdout to train, ...) is on the same scale.

Distances are never held as a full ``n x m`` matrix: :func:`nearest` walks query blocks of
``query_block`` rows against reference blocks of ``reference_block`` rows and keeps running
minima, so memory is ``O(query_block * reference_block)`` whatever the table sizes. Categorical
columns with at most ``ONE_HOT_LIMIT`` values are compared with one matrix product over one-hot
codes (matches = ``onehot_q @ onehot_r.T``); wider ones by direct code equality.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import torch

from tabgan.errors import ParameterError
from tabgan.evaluation.columns import infer_schema, prepare

__all__ = [
    "EncodedRows",
    "GowerEncoder",
    "Neighbours",
    "distance_to_closest_record",
    "nearest",
    "resolve_device",
]

#: Categorical columns with at most this many codes are compared through one-hot products.
ONE_HOT_LIMIT = 256


def resolve_device(device: str | torch.device) -> torch.device:
    """Resolve ``"auto"`` to ``cuda`` when available, else ``cpu``."""
    if isinstance(device, torch.device):
        return device
    if device == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    try:
        resolved = torch.device(device)
    except RuntimeError:
        raise ParameterError(f"device={device!r} is not a torch device or 'auto'") from None
    if resolved.type == "cuda" and not torch.cuda.is_available():
        raise ParameterError(f"device={device!r} was asked for but CUDA is not available")
    return resolved


@dataclass(frozen=True)
class EncodedRows:
    """Rows of a table ready for :func:`nearest`, on one device.

    ``scaled`` (n_cont, n) holds ``(x - min) / span`` (``x - min`` for constant columns) with
    missing values set to 0 and flagged in ``missing`` (n_cont, n); both are stored column-major
    so that a column of a block is contiguous. ``onehot`` (n, W) holds the one-hot codes of the
    narrow categorical columns (missing is its own slot); ``wide`` (n_wide, n) the codes of the
    wide ones (missing = -1, equal to itself).
    """

    scaled: torch.Tensor
    missing: torch.Tensor
    onehot: torch.Tensor
    wide: torch.Tensor
    constant: tuple[bool, ...]
    n_narrow: int
    n_columns: int

    def __len__(self) -> int:
        return self.onehot.shape[0]

    def rows(self, start: int, stop: int) -> EncodedRows:
        """The rows ``start:stop`` (a view, no copy)."""
        return EncodedRows(
            self.scaled[:, start:stop],
            self.missing[:, start:stop],
            self.onehot[start:stop],
            self.wide[:, start:stop],
            self.constant,
            self.n_narrow,
            self.n_columns,
        )


@dataclass(frozen=True)
class GowerEncoder:
    """Per-column scaling of the distance, fitted on one table.

    ``minimum`` and ``span`` are per continuous column; ``n_codes`` is the number of codes of
    each categorical column (``len(categories)``, missing excluded).
    """

    minimum: np.ndarray
    span: np.ndarray
    n_codes: tuple[int, ...]

    @classmethod
    def fit(cls, numeric: np.ndarray, n_codes: Sequence[int]) -> GowerEncoder:
        """Take the min and span of each column of ``numeric`` (n, n_cont), NaN ignored."""
        present = ~np.isnan(numeric)
        filled_low = np.where(present, numeric, np.inf)
        filled_high = np.where(present, numeric, -np.inf)
        minimum = filled_low.min(axis=0, initial=np.inf)
        maximum = filled_high.max(axis=0, initial=-np.inf)
        empty = ~np.isfinite(minimum)
        minimum = np.where(empty, 0.0, minimum)
        span = np.where(empty, 0.0, maximum - minimum)
        return cls(minimum=minimum, span=span, n_codes=tuple(int(n) for n in n_codes))

    def encode(
        self,
        numeric: np.ndarray,
        codes: np.ndarray,
        device: torch.device,
        dtype: torch.dtype = torch.float32,
    ) -> EncodedRows:
        """Encode ``numeric`` (n, n_cont) and ``codes`` (n, n_cat) for :func:`nearest`."""
        constant = self.span == 0
        divisor = np.where(constant, 1.0, self.span)
        missing = np.isnan(numeric)
        scaled = np.where(missing, 0.0, (numeric - self.minimum) / divisor)  # (n, n_cont)
        narrow = [j for j, n in enumerate(self.n_codes) if n + 1 <= ONE_HOT_LIMIT]
        wide = [j for j, n in enumerate(self.n_codes) if n + 1 > ONE_HOT_LIMIT]
        onehot = self._one_hot(codes, narrow)  # (n, sum(n_codes + 1) over narrow columns)
        return EncodedRows(
            scaled=torch.as_tensor(np.ascontiguousarray(scaled.T), dtype=dtype, device=device),
            missing=torch.as_tensor(np.ascontiguousarray(missing.T), device=device),
            onehot=torch.as_tensor(onehot, dtype=dtype, device=device),
            wide=torch.as_tensor(np.ascontiguousarray(codes[:, wide].T), device=device),
            constant=tuple(bool(c) for c in constant),
            n_narrow=len(narrow),
            n_columns=numeric.shape[1] + codes.shape[1],
        )

    def _one_hot(self, codes: np.ndarray, columns: list[int]) -> np.ndarray:
        widths = [self.n_codes[j] + 1 for j in columns]  # last slot of each block: missing
        onehot = np.zeros((codes.shape[0], sum(widths)), dtype=np.float32)
        offset = 0
        rows = np.arange(codes.shape[0])
        for j, width in zip(columns, widths):
            slot = np.where(codes[:, j] < 0, width - 1, codes[:, j])
            onehot[rows, offset + slot] = 1.0
            offset += width
        return onehot


@dataclass(frozen=True)
class Neighbours:
    """Result of :func:`nearest`.

    ``distances`` (n_query, k) and ``indices`` (n_query, k): the ``k`` nearest reference rows of
    each query row, nearest first (``indices`` is ``None`` unless asked for).
    ``reference_min`` (n_reference,): each reference row's distance to its nearest query row,
    or ``None`` when not asked for.
    """

    distances: np.ndarray
    indices: np.ndarray | None
    reference_min: np.ndarray | None


def nearest(
    query: EncodedRows,
    reference: EncodedRows,
    k: int = 1,
    reference_min: bool = False,
    indices: bool = False,
    query_block: int = 512,
    reference_block: int = 4096,
) -> Neighbours:
    """The ``k`` nearest reference rows of every query row, in blocks (see module docstring).

    ``indices=False`` skips the positions of the neighbours (``Neighbours.indices`` is then
    ``None``), which lets the reductions run without arg-tracking, several times faster on CPU.
    """
    if k < 1 or k > len(reference):
        raise ParameterError(f"k={k} must be between 1 and the reference size {len(reference)}")
    device = query.onehot.device
    n_query, n_reference = len(query), len(reference)
    rules = _ColumnRules.of(query, reference)
    best = torch.empty((n_query, k), dtype=query.scaled.dtype, device=device)
    best_index = torch.empty((n_query, k), dtype=torch.int64, device=device)
    column_min = torch.full((n_reference,), float("inf"), dtype=query.scaled.dtype, device=device)
    for q_start in range(0, n_query, query_block):
        q = query.rows(q_start, q_start + query_block)
        running = torch.full((len(q), k), float("inf"), dtype=q.scaled.dtype, device=device)
        running_index = torch.zeros((len(q), k), dtype=torch.int64, device=device)
        for r_start in range(0, n_reference, reference_block):
            r = reference.rows(r_start, r_start + reference_block)
            block = _block_distance(q, r, rules)  # (bq, br)
            if reference_min:
                window = column_min[r_start : r_start + len(r)]
                torch.minimum(window, block.amin(dim=0), out=window)
            values, where = _smallest(block, min(k, len(r)), indices)  # (bq, <=k) each
            merged = torch.cat([running, values], dim=1)  # (bq, k + <=k)
            running, order = torch.topk(merged, k, dim=1, largest=False)  # (bq, k)
            if indices:
                merged_index = torch.cat([running_index, where + r_start], dim=1)
                running_index = torch.gather(merged_index, 1, order)
        best[q_start : q_start + len(q)] = running
        best_index[q_start : q_start + len(q)] = running_index
    return Neighbours(
        distances=best.double().cpu().numpy(),
        indices=best_index.cpu().numpy() if indices else None,
        reference_min=column_min.double().cpu().numpy() if reference_min else None,
    )


def _smallest(block: torch.Tensor, k: int, indices: bool) -> tuple[torch.Tensor, torch.Tensor]:
    """The ``k`` smallest values of each row of ``block`` (bq, br), with positions if asked."""
    if indices:
        if k == 1:
            values, where = block.min(dim=1, keepdim=True)
            return values, where
        return torch.topk(block, k, dim=1, largest=False)
    nothing = block.new_empty((0,), dtype=torch.int64)
    first = block.amin(dim=1, keepdim=True)  # (bq, 1)
    if k == 1:
        return first, nothing
    if k == 2:
        # The second smallest is the first again when it is tied, else the minimum of the rest.
        tied = (block == first).sum(dim=1, keepdim=True) > 1  # (bq, 1)
        rest = block.masked_fill(block == first, float("inf")).amin(dim=1, keepdim=True)
        return torch.cat([first, torch.where(tied, first, rest)], dim=1), nothing
    return torch.topk(block, k, dim=1, largest=False)[0], nothing


@dataclass(frozen=True)
class _ColumnRules:
    """Which continuous columns need the missing-value rule or the clamp at 1, per search."""

    with_missing: frozenset[int]
    needs_clamp: frozenset[int]

    @classmethod
    def of(cls, query: EncodedRows, reference: EncodedRows) -> _ColumnRules:
        with_missing, needs_clamp = set(), set()
        for j in range(query.scaled.shape[0]):
            if bool(query.missing[j].any()) or bool(reference.missing[j].any()):
                with_missing.add(j)
            # |a - b| <= 1 already holds when every value lies in [0, 1].
            low = min(query.scaled[j].min(), reference.scaled[j].min())
            high = max(query.scaled[j].max(), reference.scaled[j].max())
            if bool(low < 0) or bool(high > 1):
                needs_clamp.add(j)
        return cls(frozenset(with_missing), frozenset(needs_clamp))


def _block_distance(q: EncodedRows, r: EncodedRows, rules: _ColumnRules) -> torch.Tensor:
    """Mean per-column distance between every row of ``q`` and every row of ``r``: (bq, br)."""
    dtype = q.onehot.dtype
    if q.n_narrow:
        total = q.n_narrow - q.onehot @ r.onehot.T  # (bq, br): mismatching narrow columns
    else:
        total = torch.zeros((len(q), len(r)), dtype=dtype, device=q.onehot.device)
    term = torch.empty_like(total)
    for j, constant in enumerate(q.constant):
        torch.sub(q.scaled[j, :, None], r.scaled[j, None, :], out=term).abs_()  # (bq, br)
        if constant:
            term = (term > 0).to(dtype)
        elif j in rules.needs_clamp:
            term.clamp_(max=1.0)
        if j in rules.with_missing:
            q_missing, r_missing = q.missing[j, :, None], r.missing[j, None, :]  # (bq,1), (1,br)
            term = torch.where(q_missing | r_missing, (q_missing ^ r_missing).to(dtype), term)
        total += term
    for j in range(q.wide.shape[0]):
        total += (q.wide[j, :, None] != r.wide[j, None, :]).to(dtype)
    return total.div_(q.n_columns)


def distance_to_closest_record(
    data: pd.DataFrame,
    reference: pd.DataFrame,
    metadata: Mapping[str, Any] | None = None,
    device: str | torch.device = "auto",
    dtype: torch.dtype = torch.float64,
) -> np.ndarray:
    """Distance of each row of ``data`` to its closest row of ``reference``.

    Spans come from ``reference``, as in sdmetrics' ``calculate_dcr``, so the values match
    sdmetrics' up to floating-point rounding. Column kinds come from ``metadata`` or the dtypes
    of ``reference``; id columns are ignored.
    """
    schema = infer_schema(reference, metadata)
    prepared = prepare(schema, {"real": reference, "data": data})
    n_codes = [len(prepared.categories[c]) for c in schema.categorical]
    encoder = GowerEncoder.fit(prepared.numeric["real"], n_codes)
    resolved = resolve_device(device)
    encoded_data = encoder.encode(prepared.numeric["data"], prepared.codes["data"], resolved, dtype)
    encoded_ref = encoder.encode(prepared.numeric["real"], prepared.codes["real"], resolved, dtype)
    return nearest(encoded_data, encoded_ref, k=1).distances[:, 0]
