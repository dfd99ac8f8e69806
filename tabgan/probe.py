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

  TV lies in [0, 1]: 0 is the same histogram, 1 disjoint supports.
- **coverage**: the share of the slots (categories, or modes/points/missing of a continuous
  column) present in the real sample that also appear in the generated one.

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

from tabgan.transformers.layout import Layout, Span

__all__ = ["PROBE_ROWS", "VALUE_BINS", "FidelityProbe"]

PROBE_ROWS = 2000  # rows of each sample; the TV noise floor at this size is ~0.01-0.05 per column
VALUE_BINS = 5  # equal-probability bins of each mixture mode's value


@dataclass(frozen=True)
class _Column:
    """How one source column becomes an integer code (and a slot for coverage)."""

    name: str
    value: int | None  # matrix column of the tanh value, or None
    slots: tuple[int, int] | None  # (start, end) of the softmax span, or None
    binned: tuple[bool, ...]  # per slot: does the value count (a mixture mode)?
    n_codes: int


def _columns(layout: Layout) -> list[_Column]:
    by_name: dict[str, list[tuple[int, int, Span]]] = {}
    for start, end, span in layout.slices():
        by_name.setdefault(span.column, []).append((start, end, span))
    out = []
    for name, parts in by_name.items():
        value = next((s for s, _, sp in parts if sp.activation == "tanh"), None)
        soft = next(((s, e, sp) for s, e, sp in parts if sp.activation == "softmax"), None)
        if soft is None:  # a single-mode continuous column: the value alone
            out.append(_Column(name, value, None, (), VALUE_BINS))
            continue
        start, end, span = soft
        binned = tuple(value is not None and span.role == "mode" and label.startswith("mode ")
                       for label in (span.labels or ("",) * span.width))
        if span.role == "category":
            binned = (False,) * span.width
        out.append(_Column(name, value, (start, end), binned, span.width * VALUE_BINS))
    return out


class FidelityProbe:
    """Per-column TV distance and slot coverage of generated rows against real rows.

    layout: the table's layout. real: (N, D) encoded training matrix on its device.
    rows: size of each sample (at most N // 2 so the two real samples are disjoint).
    generator: a torch.Generator on real's device, used once here to pick the real samples.

    ``probe(fake)`` -> {name: float} for a (n, D) generated matrix on the same device; its keys
    are ``probe_score``, ``probe_coverage`` and ``tv:<col>``, ``coverage:<col>`` per column.
    ``baseline`` holds the real-vs-real figures under ``*_real`` names.
    """

    def __init__(self, layout: Layout, real: Tensor, *, rows: int = PROBE_ROWS,
                 generator: torch.Generator) -> None:
        self.layout = layout
        self.device = real.device
        self.columns = _columns(layout)
        n = real.shape[0]
        self.rows = max(1, min(rows, n // 2))
        perm = torch.randperm(n, generator=generator, device=self.device)  # (N,)
        a = real[perm[:self.rows]]  # (m, D)
        b = real[perm[self.rows:2 * self.rows]] if n >= 2 else a  # (m, D)
        dev = self.device
        # Code offsets: every column's codes share one bincount.
        sizes = torch.tensor([c.n_codes for c in self.columns], device=dev)
        self._code_offsets = torch.cumsum(sizes, 0) - sizes  # (C,)
        self._code_owner = torch.repeat_interleave(torch.arange(len(sizes), device=dev), sizes)  # (K,)
        self._n_codes = int(sizes.sum())
        self._covered = [i for i, c in enumerate(self.columns) if c.slots is not None]
        slot_sizes = torch.tensor([self.columns[i].n_codes // VALUE_BINS for i in self._covered],
                                  dtype=torch.long, device=dev)
        self._slot_offsets = torch.cumsum(slot_sizes, 0) - slot_sizes  # (C',)
        self._slot_owner = torch.repeat_interleave(torch.arange(len(slot_sizes), device=dev), slot_sizes)
        self._n_slots = int(slot_sizes.sum())
        self._binned = [torch.tensor(c.binned, device=dev) for c in self.columns]
        self._real_codes, self._real_slots = self._counts(a)
        self.baseline = {f"{k.split(':')[0]}_real:{k.split(':', 1)[1]}" if ":" in k else f"{k}_real": v
                         for k, v in self._compare(b).items()}

    @property
    def names(self) -> list[str]:
        return [c.name for c in self.columns]

    def _codes(self, m: Tensor) -> tuple[Tensor, Tensor]:
        """(n, C) code and (n, C') slot of every column of the encoded matrix m (n, D)."""
        m = torch.nan_to_num(m, nan=0.0, posinf=1.0, neginf=-1.0)
        codes, slots = [], []
        for c, binned in zip(self.columns, self._binned):  # a loop over columns, never rows
            if c.value is not None:
                v = m[:, c.value].clamp(-1.0, 1.0)  # (n,)
                bucket = (torch.special.ndtr(4.0 * v) * VALUE_BINS).long().clamp(0, VALUE_BINS - 1)
            else:
                bucket = torch.zeros(m.shape[0], dtype=torch.long, device=m.device)
            if c.slots is None:
                codes.append(bucket)
                continue
            slot = m[:, c.slots[0]:c.slots[1]].argmax(1)  # (n,)
            codes.append(slot * VALUE_BINS + torch.where(binned[slot], bucket, 0))
            slots.append(slot)
        code = torch.stack(codes, 1) + self._code_offsets  # (n, C)
        slot = (torch.stack(slots, 1) + self._slot_offsets if slots
                else torch.zeros(m.shape[0], 0, dtype=torch.long, device=m.device))  # (n, C')
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
        tv = torch.zeros(len(self.columns), device=dev).index_add_(
            0, self._code_owner, (codes - self._real_codes).abs()) / 2  # (C,)
        real_present = self._real_slots > 0  # (S,)
        hit = torch.zeros(len(self._covered), device=dev).index_add_(
            0, self._slot_owner, (real_present & (slots > 0)).float())  # (C',)
        present = torch.zeros(len(self._covered), device=dev).index_add_(
            0, self._slot_owner, real_present.float())  # (C',)
        coverage = hit / present.clamp(min=1)  # (C',)
        score = tv.mean() if len(self.columns) else torch.zeros((), device=dev)
        score = torch.where(torch.isfinite(fake).all(), score, torch.full_like(score, float("inf")))
        mean_cov = coverage.mean() if len(self._covered) else torch.ones((), device=dev)
        # The one host sync of a probe: a vector of 2 + C + C' numbers.
        values = torch.cat([score[None], mean_cov[None], tv, coverage]).tolist()
        out = {"probe_score": values[0], "probe_coverage": values[1]}
        out.update({f"tv:{c.name}": v for c, v in zip(self.columns, values[2:2 + len(self.columns)])})
        out.update({f"coverage:{self.columns[i].name}": v
                    for i, v in zip(self._covered, values[2 + len(self.columns):])})
        return out

    def __call__(self, fake: Tensor) -> dict[str, float]:
        """Figures of the generated matrix fake (n, D) against the real sample."""
        if fake.shape[1] != self.layout.width:
            raise ValueError(f"fake must be (n, {self.layout.width}); got {tuple(fake.shape)=}")
        return self._compare(fake)
