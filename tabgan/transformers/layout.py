"""The layout of an encoded table: which columns of the float32 matrix belong to which span.

A *span* is a contiguous block of matrix columns produced by one column transformer, with the
output activation the generator must apply to it:

- ``tanh``: one continuous value in [-1, 1] (the normalised value inside its mode);
- ``softmax``: a one-hot block (a category, a mixture mode, a point mass or "missing").

Spans flagged ``conditional`` are the one-hot blocks of discrete columns (categorical and
boolean): the conditional GAN samples its condition vector over them (training-by-sampling).
Mode indicators of continuous columns are softmax spans too but are not conditional, as in CTGAN.

The *compact* form of a row has one number per span instead: a tanh span's value, a softmax
span's slot (0, 1, ...). Generated rows travel in it from the generator to decoding (21 numbers a
row instead of 157 on Adult), and no one-hot is written only to be argmaxed again.

This module is pure data (no numpy, no torch) so engines, samplers and persistence can share it.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any, Literal

Activation = Literal["tanh", "softmax"]

__all__ = ["Activation", "Layout", "Span"]


@dataclass(frozen=True)
class Span:
    """One block of the encoded matrix.

    column: the source column it encodes.
    role: "value" (tanh scalar), "mode" (mixture modes, point masses and missing of a
        continuous column), "category" (one-hot of a discrete column).
    width: number of matrix columns.
    activation: "tanh" or "softmax".
    conditional: True for discrete one-hots the conditional vector may select.
    labels: for softmax spans, a printable label per slot (category value, "mode 3",
        "point 0.0", "missing", "other"); empty for tanh spans.
    """

    column: str
    role: Literal["value", "mode", "category"]
    width: int
    activation: Activation
    conditional: bool = False
    labels: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if self.activation == "tanh" and self.width != 1:
            raise ValueError(f"a tanh span holds one value; got {self.width=} for {self.column!r}")

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["labels"] = list(self.labels)
        return d

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Span:
        return cls(**{**d, "labels": tuple(d.get("labels", ()))})


@dataclass(frozen=True)
class Layout:
    """The ordered spans of a whole table; offsets are derived, never stored."""

    spans: tuple[Span, ...]

    @property
    def width(self) -> int:
        return sum(s.width for s in self.spans)

    @property
    def offsets(self) -> tuple[int, ...]:
        """Start column of each span in the matrix."""
        out, pos = [], 0
        for s in self.spans:
            out.append(pos)
            pos += s.width
        return tuple(out)

    def slices(self) -> list[tuple[int, int, Span]]:
        """(start, end, span) for every span, in matrix order."""
        return [(o, o + s.width, s) for o, s in zip(self.offsets, self.spans)]

    def conditional_slices(self) -> list[tuple[int, int, Span]]:
        """(start, end, span) of the discrete one-hots the condition vector covers."""
        return [t for t in self.slices() if t[2].conditional]

    @property
    def condition_width(self) -> int:
        """Width of the condition vector: the sum of conditional spans' widths."""
        return sum(s.width for s in self.spans if s.conditional)

    def column_slices(self, column: str) -> list[tuple[int, int, Span]]:
        return [t for t in self.slices() if t[2].column == column]

    def to_dict(self) -> dict[str, Any]:
        return {"spans": [s.to_dict() for s in self.spans]}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Layout:
        return cls(tuple(Span.from_dict(s) for s in d["spans"]))
