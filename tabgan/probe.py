"""A cheap fidelity probe computed on the device, from encoded matrices only.

Every few epochs the training loop generates a fixed-seed sample and compares it, column by column,
with a fixed sample of real encoded rows. Nothing leaves the device but one short vector of
figures per probe; no pandas, no inverse transform.

What is measured, per source column of the table:

- **tv**: the total variation distance ``0.5 * sum |p - q|`` between the real and generated
  histograms of the column's *code*:

  - a discrete column (a one-hot category span): the category;
  - a continuous or datetime column (a tanh value plus a one-hot over modes, point masses and
    "missing"): the slot, and for mixture modes also which of ``VALUE_BINS`` equal-probability bins
    of the mode's Gaussian the value falls in. A mode's value is ``(x - mean) / (4 std)`` clipped
    to [-1, 1], so ``Phi(4 v)`` is uniform under the fitted mode and ``floor(Phi(4 v) * VALUE_BINS)``
    splits it into bins of equal mass. This is a histogram distance with bins adapted to the
    data (five per mode), computed without decoding: it sees a mode's mass, its location within
    the mode and its spread, and needs only the layout. Point masses and "missing" are one bin.

  A column encoded in several parts has the mean of their TVs: a datetime with a time of day is
  a day (a value and its modes) and a time of day (another), and UTC offsets in several zones add
  a one-hot of them; each part is a histogram of its own, the mean keeps the column's TV in
  [0, 1] and the column one entry of ``probe_score``. (Before 2026-12-04 only a column's first
  value and first one-hot were measured, so a datetime's time of day went unseen.)

  TV lies in [0, 1]: 0 is the same histogram, 1 disjoint supports.
- **coverage**: the share of the slots (categories, or modes/points/missing of a continuous
  column; of every part of a column in several) present in the real sample that also appear in
  the generated one.

Every figure also has a *real* counterpart measured once at the start between two disjoint real
samples of the same size (``tv_real:<col>``, ``coverage_real:<col>``): the value a perfect
generator would reach on average at this sample size. A rare category absent from one real
sample of 2,000 rows is no fault of the generator; the baseline says how much of the distance
is sampling noise.

The summary ``probe_score`` (mean tv over columns, lower is better) is what model selection and
early stopping compare. A generated sample holding NaN or inf scores ``inf``.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
from torch import Tensor

from tabgan.transformers.layout import Layout

__all__ = ["PROBE_ROWS", "VALUE_BINS", "FidelityProbe"]

PROBE_ROWS = 2000  # rows of each sample; the TV noise floor at this size is ~0.01-0.05 per column
VALUE_BINS = 5  # equal-probability bins of each mixture mode's value


@dataclass(frozen=True)
class _Part:
    """How one part of a source column (a value and its modes, a value alone, or a one-hot)
    becomes an integer code (and a slot for coverage)."""

    column: int  # index of its source column in ``FidelityProbe.names``
    value: int | None  # matrix column of the tanh value, or None
    slots: tuple[int, int] | None  # (start, end) of the softmax span, or None
    binned: tuple[bool, ...]  # per slot: does the value count (a mixture mode)?
    n_codes: int


def _parts(layout: Layout) -> tuple[list[str], list[_Part]]:
    """The source columns, in layout order, and the parts they are encoded in: a tanh value with
    the modes span that follows it (a continuous encoder's output), either one alone, or a
    category one-hot. A datetime's day and time of day are two parts, its UTC offsets a third."""
    names: dict[str, int] = {}
    parts: list[_Part] = []
    for start, end, span in layout.slices():
        column = names.setdefault(span.column, len(names))
        if span.activation == "tanh":
            parts.append(_Part(column, start, None, (), VALUE_BINS))
            continue
        prev = parts[-1] if parts else None
        value = (prev.value if prev is not None and prev.column == column and prev.slots is None
                 and prev.value == start - 1 and span.role == "mode" else None)
        if value is not None:
            parts.pop()  # the value and its modes are one part
        binned = tuple(value is not None and span.role == "mode" and label.startswith("mode ")
                       for label in (span.labels or ("",) * span.width))
        parts.append(_Part(column, value, (start, end), binned, span.width * VALUE_BINS))
    return list(names), parts


class FidelityProbe:
    """Per-column TV distance and slot coverage of generated rows against real rows.

    layout: the table's layout. real: (N, D) encoded training matrix on its device.
    rows: size of each sample (at most N // 2 so the two real samples are disjoint).
    generator: a torch.Generator on real's device, used once here to pick the real samples.

    ``probe(fake)`` -> {name: float} for a (n, D) generated matrix on the same device; its keys
    are ``probe_score``, ``probe_coverage`` and ``tv:<col>``, ``coverage:<col>`` per column (one
    entry per column whatever the parts it is encoded in; see the module docstring).
    ``baseline`` holds the real-vs-real figures under ``*_real`` names.
    """

    def __init__(self, layout: Layout, real: Tensor, *, rows: int = PROBE_ROWS,
                 generator: torch.Generator) -> None:
        self.layout = layout
        self.device = real.device
        self._names, self._parts = _parts(layout)
        n = real.shape[0]
        self.rows = max(1, min(rows, n // 2))
        perm = torch.randperm(n, generator=generator, device=self.device)  # (N,)
        a = real[perm[:self.rows]]  # (m, D)
        b = real[perm[self.rows:2 * self.rows]] if n >= 2 else a  # (m, D)
        dev = self.device
        # Code offsets: every part's codes share one bincount.
        sizes = torch.tensor([p.n_codes for p in self._parts], dtype=torch.long, device=dev)  # (P,)
        self._code_offsets = torch.cumsum(sizes, 0) - sizes  # (P,)
        self._code_owner = torch.repeat_interleave(torch.arange(len(sizes), device=dev), sizes)  # (K,)
        self._n_codes = int(sizes.sum())
        self._part_column = torch.tensor([p.column for p in self._parts], dtype=torch.long, device=dev)  # (P,)
        self._column_parts = torch.bincount(self._part_column, minlength=len(self._names)).float()  # (C,)
        slotted = [p for p in self._parts if p.slots is not None]
        self._covered = sorted({p.column for p in slotted})  # the columns that have slots
        place = {column: i for i, column in enumerate(self._covered)}
        slot_sizes = torch.tensor([p.n_codes // VALUE_BINS for p in slotted], dtype=torch.long, device=dev)
        self._slot_offsets = torch.cumsum(slot_sizes, 0) - slot_sizes  # (P',)
        self._slot_owner = torch.repeat_interleave(  # (S,) the covered column of each slot
            torch.tensor([place[p.column] for p in slotted], dtype=torch.long, device=dev), slot_sizes)
        self._n_slots = int(slot_sizes.sum())
        self._binned = [torch.tensor(p.binned, dtype=torch.bool, device=dev) for p in self._parts]
        self._real_codes, self._real_slots = self._counts(a)
        self.baseline = {f"{k.split(':')[0]}_real:{k.split(':', 1)[1]}" if ":" in k else f"{k}_real": v
                         for k, v in self._compare(b).items()}

    @property
    def names(self) -> list[str]:
        return list(self._names)

    def _codes(self, m: Tensor) -> tuple[Tensor, Tensor]:
        """(n, P) code and (n, P') slot of every part of the encoded matrix m (n, D)."""
        m = torch.nan_to_num(m, nan=0.0, posinf=1.0, neginf=-1.0)
        codes, slots = [], []
        for p, binned in zip(self._parts, self._binned):  # a loop over parts of columns, never rows
            if p.value is not None:
                v = m[:, p.value].clamp(-1.0, 1.0)  # (n,)
                bucket = (torch.special.ndtr(4.0 * v) * VALUE_BINS).long().clamp(0, VALUE_BINS - 1)
            else:
                bucket = torch.zeros(m.shape[0], dtype=torch.long, device=m.device)
            if p.slots is None:
                codes.append(bucket)
                continue
            slot = m[:, p.slots[0]:p.slots[1]].argmax(1)  # (n,)
            codes.append(slot * VALUE_BINS + torch.where(binned[slot], bucket, 0))
            slots.append(slot)
        code = torch.stack(codes, 1) + self._code_offsets  # (n, P)
        slot = (torch.stack(slots, 1) + self._slot_offsets if slots
                else torch.zeros(m.shape[0], 0, dtype=torch.long, device=m.device))  # (n, P')
        return code, slot

    def _counts(self, m: Tensor) -> tuple[Tensor, Tensor]:
        """(K,) code frequencies and (S,) slot counts of the matrix m (n, D)."""
        code, slot = self._codes(m)
        codes = torch.bincount(code.reshape(-1), minlength=self._n_codes).float() / m.shape[0]
        slots = torch.bincount(slot.reshape(-1), minlength=self._n_slots)
        return codes, slots

    def _compare(self, fake: Tensor) -> dict[str, float]:
        dev = self.device
        codes, slots = self._counts(fake)
        part_tv = torch.zeros(len(self._parts), device=dev).index_add_(
            0, self._code_owner, (codes - self._real_codes).abs()) / 2  # (P,)
        tv = torch.zeros(len(self._names), device=dev).index_add_(
            0, self._part_column, part_tv) / self._column_parts  # (C,) the mean over each column's parts
        real_present = self._real_slots > 0  # (S,)
        hit = torch.zeros(len(self._covered), device=dev).index_add_(
            0, self._slot_owner, (real_present & (slots > 0)).float())  # (C',)
        present = torch.zeros(len(self._covered), device=dev).index_add_(
            0, self._slot_owner, real_present.float())  # (C',)
        coverage = hit / present.clamp(min=1)  # (C',)
        score = tv.mean() if len(self._names) else torch.zeros((), device=dev)
        score = torch.where(torch.isfinite(fake).all(), score, torch.full_like(score, float("inf")))
        mean_cov = coverage.mean() if len(self._covered) else torch.ones((), device=dev)
        # The one host sync of a probe: a vector of 2 + C + C' numbers.
        values = torch.cat([score[None], mean_cov[None], tv, coverage]).tolist()
        out = {"probe_score": values[0], "probe_coverage": values[1]}
        out.update({f"tv:{name}": v for name, v in zip(self._names, values[2:2 + len(self._names)])})
        out.update({f"coverage:{self._names[i]}": v for i, v in zip(self._covered, values[2 + len(self._names):])})
        return out

    def __call__(self, fake: Tensor) -> dict[str, float]:
        """Figures of the generated matrix fake (n, D) against the real sample."""
        if fake.shape[1] != self.layout.width:
            raise ValueError(f"fake must be (n, {self.layout.width}); got {tuple(fake.shape)=}")
        return self._compare(fake)
