"""What is going on with my GAN: findings from the training history and a generated sample.

``diagnose(model)`` (also ``model.diagnose()``) returns a list of :class:`Finding`; each names the
column or parameter at fault, says what to try, and carries the numbers it rests on. The detectors
and their thresholds (module constants, so a reader can see and a test can pin them):

mode collapse (``mode_collapse``)
    ``n`` rows are generated (fixed seed) and each one-hot slot's count is compared with its count
    in the training table (``model.slot_counts_``; categories of discrete columns, point masses and
    "missing" of continuous ones); numerical columns are also decoded and their values counted in
    the 20 ranges between the real values' ventiles (``model.value_reference_``; mixture modes are
    not judged one by one: they overlap, and a generator may cover their values through a
    neighbouring mode). A slot or range is *never generated* when it is expected at
    least ``MIN_EXPECTED`` = 5 times and appears 0 times (a faithful generator does that with
    probability e^-5 < 0.7%); *starved* when it is expected at least ``STARVED_MIN_EXPECTED`` = 20
    times and appears under ``1 / STARVED_RATIO`` = a quarter of that (Poisson: probability under
    1e-4). The finding is an ``error`` when the slots hit hold more than ``COLLAPSE_ERROR_MASS`` = 5%
    of the column's real rows (one range between ventiles holds 5%: a warning), else a ``warning``.
    Slots expected fewer than 5 times are too rare to judge at this ``n`` and are only counted;
    when every slot and range is (``diagnose(n=10)``), mode collapse is listed as not judged. The
    advice to train longer speaks of what ended training (``epochs``, ``patience`` of early
    stopping, ``max_time``), and is left out when the probe shows that more epochs did not help
    the column (its own distance, ``tv:<column>``, judged as the score is; ``column_stalled``) or
    training diverged; after an interrupt it says to let training run (``train_longer``).
over-generation (``over_generation``)
    the same slots and ranges, in the same generated rows, judged the other way: one is
    *over-generated* when it appears at least ``OVER_MIN_COUNT`` = 20 times and at least
    ``OVER_RATIO`` = 4 times as often as in the training table (a faithful generator puts 20 rows
    where 5 are expected with probability under 1e-6, and 4 times its count on a larger one with
    less). The rows they take beyond their real share are taken from the other slots of the
    column: the finding is an ``error`` when that excess passes ``COLLAPSE_ERROR_MASS`` = 5% of the
    generated rows, else a ``warning``. The conditional GAN does this to rare categories after a
    short training: training-by-sampling shows them to the critic by the log of their counts
    (measured on notebook 2's table, 10 epochs, seeds 0 and 1: its six 0.4-1.2% categories came
    out at 3.7-11 times their rate and 'common' in 68-76% of the rows against 95.6%; ctgan 0.12.1
    at the same settings: 4.9-13 times, 66-68%; after 40 epochs: 0.6-2.6 times, 93-97%).
divergence (``divergence``)
    the loop stopped on a NaN or infinite loss (``stop_reason_ == "diverged"``): an ``error``
    naming the loss, the epoch and the state that was kept (``kept_epoch_``: keep_best's, the
    last finite one, or after a warm start's first epoch the state it started from).
overpowering critic (``overpowering_critic``)
    with at least ``CRITIC_MIN_EPOCHS`` = 6 epochs of history, over the last third of the epochs,
    the median Wasserstein estimate is above ``CRITIC_W_LIMIT`` = 1.0 *and* at least
    ``CRITIC_W_GROWTH`` = 2 times its median over the first third: the critic separates real from generated rows better and better, the generator
    is losing. With the gradient penalty a healthy run's estimate shrinks toward 0 (on Adult it
    falls from ~1 to 0.1-0.3 within tens of epochs).
vanishing generator gradients (``vanishing_gradients``)
    the median generator gradient norm over the last third is under ``VANISH_RATIO`` = 1% of its
    median over the first third: the generator no longer gets a signal to learn from.
non-convergence and oscillation (``non_convergence``, ``oscillation``)
    with at least ``MIN_EVALUATIONS`` = 6 probe evaluations, the best probe score came in the first
    half of them and the last is worse than the best by more than ``STALL_MARGIN`` = 0.01 (TV,
    on a scale where the real-vs-real floor is ~0.01-0.05): the probe stopped improving. It is an
    ``oscillation`` (``warning``) when meanwhile the losses swing: over the probe's second half, the
    Wasserstein estimate's standard deviation exceeds ``SWING_RATIO`` = 1 times the absolute value
    of its mean (it swings around zero: critic and generator take turns), else ``non_convergence``
    (``info``: more epochs will not help at these settings). The mean counts as at least
    ``SWING_FLOOR`` = a tenth of the estimate's median size over the first third of the epochs:
    a run that has settled near 0 with small noise (0.01 +- 0.02 after starting at 1) is calm,
    not swinging (it read as an oscillation before 2026-12-03).
still improving (``still_improving``, ``info``)
    with at least ``MIN_TREND_EVALUATIONS`` = 3 probe evaluations, the last at the last epoch
    (a warm start with the probe off leaves its epochs unprobed), the best probe score is the last
    one and it improved by more than ``STALL_MARGIN`` over the second half of the evaluations:
    more epochs would likely help.
model selection (``best_state``, ``info``)
    ``keep_best`` put back an earlier epoch than the last: which, and at what score.

A detector with too little to go on (fewer epochs or probe evaluations than it needs, the probe
off) says so in ``Findings.unjudged``, which the text prints after the findings: its silence is no
all-clear. Whether one had enough is read from the history, as the detector reads it (not from
today's parameters), so a detector is either judged or listed, never both (before 2026-12-04 a
still-improving finding from 3 evaluations stood beside "convergence (needs 6 probe
evaluations)", and after a warm start with the probe off beside "the fidelity probe was off").

Thresholds are heuristics calibrated on Adult and on the crafted tables of the tests; the
evidence dict of each finding holds the figures, so a reader can judge for themself.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
import pandas as pd

from tabgan.schema import as_numbers

if TYPE_CHECKING:  # pragma: no cover
    from tabgan.synthesizers.base import BaseSynthesizer
    from tabgan.transformers.layout import Layout

__all__ = [
    "COLLAPSE_ERROR_MASS",
    "CRITIC_MIN_EPOCHS",
    "CRITIC_W_GROWTH",
    "CRITIC_W_LIMIT",
    "MIN_EVALUATIONS",
    "MIN_EXPECTED",
    "MIN_TREND_EVALUATIONS",
    "OVER_MIN_COUNT",
    "OVER_RATIO",
    "STALL_MARGIN",
    "STARVED_MIN_EXPECTED",
    "STARVED_RATIO",
    "SWING_FLOOR",
    "SWING_RATIO",
    "VANISH_RATIO",
    "Finding",
    "Findings",
    "diagnose",
    "format_findings",
    "plot_history",
]

Severity = Literal["info", "warning", "error"]
Longer = str | None | Mapping[str, str | None]  # the advice to train longer, or per column
Kind = Literal["mode_collapse", "over_generation", "divergence", "overpowering_critic", "vanishing_gradients",
               "non_convergence", "oscillation", "still_improving", "best_state"]

MIN_EXPECTED = 5.0
STARVED_MIN_EXPECTED = 20.0
STARVED_RATIO = 4.0
COLLAPSE_ERROR_MASS = 0.05
OVER_RATIO = 4.0
OVER_MIN_COUNT = 20.0
CRITIC_W_LIMIT = 1.0
CRITIC_W_GROWTH = 2.0
CRITIC_MIN_EPOCHS = 6  # epochs of history the critic-balance detectors need (thirds of two)
VANISH_RATIO = 0.01
MIN_EVALUATIONS = 6
MIN_TREND_EVALUATIONS = 3
STALL_MARGIN = 0.01
SWING_RATIO = 1.0
SWING_FLOOR = 0.1
DIAGNOSE_ROWS = 20_000
_SEVERITY_ORDER = {"error": 0, "warning": 1, "info": 2}


@dataclass(frozen=True)
class Finding:
    """One thing diagnose() found.

    severity: "error" (the model is unusable or badly wrong), "warning" (a real defect),
    "info" (worth knowing). kind: which detector. message: what is wrong, in plain words,
    naming the column. advice: what to try, naming parameters and their current values.
    evidence: the figures the finding rests on. column, epoch: where to mark it (or None).
    """

    severity: Severity
    kind: Kind
    message: str
    advice: str
    evidence: dict[str, Any] = field(default_factory=dict)
    column: str | None = None
    epoch: int | None = None

    def __str__(self) -> str:
        return f"[{self.severity}] {self.kind.replace('_', ' ')}: {self.message}\n    try: {self.advice}"


class Findings(list):
    """A plain list of Finding that prints as plain language. ``unjudged`` names the detectors
    that had too little to go on (a short history, no probe), with why: their silence is no
    all-clear."""

    def __init__(self, findings: Sequence[Finding] = (), unjudged: Sequence[str] = ()) -> None:
        super().__init__(findings)
        self.unjudged = list(unjudged)

    def __repr__(self) -> str:
        return format_findings(self)

    def __str__(self) -> str:
        return format_findings(self)


def format_findings(findings: Sequence[Finding]) -> str:
    """The findings as text, most severe first, then what could not be judged; one line when
    there are none and everything was judged."""
    unjudged = getattr(findings, "unjudged", [])
    tail = [f"not judged: {'; '.join(unjudged)}"] if unjudged else []
    if not findings:
        if not unjudged:
            return "No problems found: no mode collapse, over-generation, divergence, critic imbalance or stalled training."
        return "\n".join(["No problems found in what could be judged."] + tail)
    ordered = sorted(findings, key=lambda f: _SEVERITY_ORDER[f.severity])
    counts = {s: sum(f.severity == s for f in findings) for s in ("error", "warning", "info")}
    head = ", ".join(f"{n} {s}{'s' if n != 1 else ''}" for s, n in counts.items() if n)
    return "\n".join([f"{len(findings)} finding{'s' if len(findings) != 1 else ''} ({head}):"]
                     + [str(f) for f in ordered] + tail)


# ---------------------------------------------------------------------- mode collapse
def _starved(column: str, labels: Sequence[str], real_share: np.ndarray, fake: np.ndarray, n_fake: int,
             noun: str, role: str, params: dict[str, Any], model_name: str, longer: Longer) -> list[Finding]:
    """One finding if some bins with real share real_share (K,) are missing or starved among the
    fake (K,) counts of n_fake generated values."""
    expected = real_share * n_fake  # (K,)
    present = real_share > 0
    missing = present & (expected >= MIN_EXPECTED) & (fake == 0)
    starved = present & (expected >= STARVED_MIN_EXPECTED) & (fake > 0) & (fake < expected / STARVED_RATIO)
    hit = missing | starved
    if not hit.any():
        return []
    mass = float(real_share[hit].sum())
    parts = []
    if missing.any():
        parts.append(f"{int(missing.sum())} of {int(present.sum())} {noun} never generated")
    if starved.any():
        parts.append(f"{int(starved.sum())} of {int(present.sum())} {noun} generated at under "
                     f"1/{STARVED_RATIO:g} of their real rate")
    order = np.argsort(-real_share * hit, kind="stable")[: int(hit.sum())]
    named = ", ".join(f"{labels[i]} ({_pct(real_share[i])} real, {fake[i] / max(n_fake, 1):.2%} generated)"
                      for i in order[:5]) + (", ..." if hit.sum() > 5 else "")
    return [Finding(
        severity="error" if mass > COLLAPSE_ERROR_MASS else "warning",
        kind="mode_collapse",
        message=f"{column}: {'; '.join(parts)}; they hold {_pct(mass)} of the real rows: {named}",
        advice=_collapse_advice(column, role, params, model_name, _for(longer, column)),
        evidence={"column": column, "never_generated": int(missing.sum()), "starved": int(starved.sum()),
                  "present_in_real": int(present.sum()),
                  "too_rare_to_judge": int((present & (expected < MIN_EXPECTED)).sum()),
                  "real_share_hit": mass, "generated": int(n_fake), "which": [labels[i] for i in order]},
        column=column,
    )]


def mode_collapse(layout: Layout, real_counts: np.ndarray, fake_counts: np.ndarray, n_fake: int,
                  params: dict[str, Any], model_name: str, longer: Longer = "auto") -> list[Finding]:
    """Findings for one-hot slots present in the real table and missing or starved in generated rows.

    real_counts, fake_counts: (D,) rows per matrix column. Categories of discrete columns are
    judged, and point masses and "missing" of continuous columns; their mixture modes are not
    (neighbouring modes overlap, so a generator may place the same values through another mode:
    measured on a two-cluster column, a well-fitted conditional GAN "starved" modes holding 90% of
    the rows). Continuous values are judged on their decoded values by ``value_collapse``.
    longer: the advice to train longer (``train_longer``), one for all columns or ``{column: advice}``
    for each (``diagnose`` gives each column its own probe trend); "auto": ``params``' epochs.
    """
    longer = train_longer(params) if longer == "auto" else longer
    return [f for b in _slot_bins(layout, real_counts, fake_counts, n_fake)
            for f in _starved(*b, params, model_name, longer)]


Bins = tuple[str, list[str], np.ndarray, np.ndarray, int, str, str]  # column, labels, real share, fake, n, noun, role


def _slot_bins(layout: Layout, real_counts: np.ndarray, fake_counts: np.ndarray, n_fake: int) -> list[Bins]:
    """Per softmax span: its column, slot labels, the real share of each judged slot (0 for the
    rest, which no detector then judges), the generated counts, n_fake, a noun and the role."""
    out = []
    for start, end, span in layout.slices():
        real = real_counts[start:end].astype(float)
        if span.activation != "softmax" or real.sum() == 0:
            continue
        labels, judged = _judged_slots(span)
        noun = "categories" if span.role == "category" else "point masses or missing"
        out.append((span.column, labels, np.where(judged, real / real.sum(), 0.0),
                    fake_counts[start:end].astype(float), n_fake, noun, span.role))
    return out


def _judged_slots(span: Any) -> tuple[list[str], np.ndarray]:
    """A softmax span's slot labels and which of them mode collapse judges (W,): categories,
    point masses and "missing"; not mixture modes (see ``mode_collapse``)."""
    labels = list(span.labels or tuple(str(i) for i in range(span.width)))
    return labels, np.array([span.role == "category" or not lab.startswith("mode ") for lab in labels])


def judged_shares(layout: Layout, real_counts: np.ndarray, reference: dict[str, dict[str, list[float]]]
                  ) -> np.ndarray:
    """The real shares of every slot and value range ``mode_collapse`` and ``value_collapse``
    judge (categories, point masses, "missing", ranges between ventiles)."""
    shares = [np.asarray(ref["shares"], dtype=float) for ref in reference.values()]
    for start, end, span in layout.slices():
        real = real_counts[start:end].astype(float)
        if span.activation == "softmax" and real.sum() > 0:
            judged = _judged_slots(span)[1]
            shares.append(real[judged] / real.sum())
    return np.concatenate(shares) if shares else np.zeros(0)


def value_collapse(reference: dict[str, dict[str, list[float]]], generated: pd.DataFrame,
                   params: dict[str, Any], model_name: str, longer: Longer = "auto") -> list[Finding]:
    """Ranges of a numerical column's real values (bins between its real ventiles) that generated
    values miss or starve. reference: {column: {"edges": inner bin edges, "shares": real share per
    bin}} from ``value_reference``; ``longer`` as in ``mode_collapse``."""
    longer = train_longer(params) if longer == "auto" else longer
    return [f for b in _value_bins(reference, generated) for f in _starved(*b, params, model_name, longer)]


def _value_bins(reference: dict[str, dict[str, list[float]]], generated: pd.DataFrame) -> list[Bins]:
    """Per numerical column of ``reference`` in ``generated``: the ranges between its real
    ventiles, their real shares and how many finite generated values fall in each."""
    out = []
    for column, ref in reference.items():
        if column not in generated:
            continue
        edges, share = np.asarray(ref["edges"], dtype=float), np.asarray(ref["shares"], dtype=float)
        values = as_numbers(generated[column])
        values = values[np.isfinite(values)]
        fake = np.bincount(np.searchsorted(edges, values, side="right"), minlength=share.size).astype(float)
        bounds = [-np.inf, *edges.tolist(), np.inf]
        labels = [f"[{_num(bounds[i])}, {_num(bounds[i + 1])})" for i in range(share.size)]
        out.append((column, labels, share, fake, values.size, "value ranges (between real ventiles)", "value"))
    return out


def over_generation(layout: Layout, real_counts: np.ndarray, fake_counts: np.ndarray, n_fake: int,
                    reference: dict[str, dict[str, list[float]]], generated: pd.DataFrame | None,
                    params: dict[str, Any], model_name: str, longer: Longer = "auto") -> list[Finding]:
    """Findings for the slots and value ranges ``mode_collapse`` and ``value_collapse`` judge that
    the generated rows hold far more often than the real ones (see the module's docstring).

    real_counts, fake_counts: (D,) rows per matrix column, of n_fake generated rows; generated:
    those rows decoded (None: value ranges are not judged); the rest as in ``mode_collapse``.
    """
    longer = train_longer(params) if longer == "auto" else longer
    bins = _slot_bins(layout, real_counts, fake_counts, n_fake)
    bins += _value_bins(reference, generated) if generated is not None else []
    return [f for b in bins for f in _overgenerated(*b, params, model_name, longer)]


def _overgenerated(column: str, labels: Sequence[str], real_share: np.ndarray, fake: np.ndarray, n_fake: int,
                   noun: str, role: str, params: dict[str, Any], model_name: str, longer: Longer
                   ) -> list[Finding]:
    """One finding if some bins of real share real_share (K,) hold at least OVER_MIN_COUNT and
    OVER_RATIO times their expected count of the fake (K,) counts of n_fake generated values."""
    expected = real_share * n_fake  # (K,)
    hit = (real_share > 0) & (fake >= OVER_MIN_COUNT) & (fake >= OVER_RATIO * expected)
    if not hit.any():
        return []
    fake_share = fake / max(n_fake, 1)  # (K,)
    excess = float((fake_share - real_share)[hit].sum())
    order = np.argsort(-(fake_share - real_share) * hit, kind="stable")[: int(hit.sum())]
    named = ", ".join(f"{labels[i]} ({_pct(real_share[i])} real, {_pct(fake_share[i])} generated)"
                      for i in order[:5]) + (", ..." if hit.sum() > 5 else "")
    present = int((real_share > 0).sum())
    return [Finding(
        severity="error" if excess > COLLAPSE_ERROR_MASS else "warning",
        kind="over_generation",
        message=(f"{column}: {int(hit.sum())} of {present} {noun} generated at {OVER_RATIO:g} times their real "
                 f"rate or more; they take {_pct(fake_share[hit].sum())} of the generated rows against "
                 f"{_pct(real_share[hit].sum())} of the real ones: {named}"),
        advice=_over_advice(column, role, params, model_name, _for(longer, column)),
        evidence={"column": column, "over_generated": int(hit.sum()), "present_in_real": present,
                  "real_share_hit": float(real_share[hit].sum()), "generated_share_hit": float(fake_share[hit].sum()),
                  "excess": excess, "generated": int(n_fake), "which": [labels[i] for i in order]},
        column=column,
    )]


def _over_advice(column: str, role: str, params: dict[str, Any], model_name: str, longer: str | None) -> str:
    first = [longer] if longer else []
    best = _keep_best(params, column)
    if role == "category" and model_name == "ConditionalGAN":
        why = (f"training-by-sampling shows the critic the rare categories of {column!r} by the log of their "
               "counts, and a short training generates them too often")
        first = [f"{first[0]}: {why}"] if first else [why]
        return "; ".join(first + best + [f"or sample with conditions= a DataFrame whose {column!r} is drawn at "
                                         "the real shares: each row is then generated for its own category"])
    if role == "value":
        return "; ".join(first + best + [f"a larger n_modes (now {params.get('n_modes')}) lets {column!r} place "
                                         "its values in more, narrower modes"])
    return "; ".join(first + best + [f"a smaller pac (now {params.get('pac')}) or a lower tau (now "
                                     f"{params.get('tau')}) sharpens the rates of {column!r}"])


def value_reference(data: pd.DataFrame, columns: Sequence[str], bins: int = 20) -> dict[str, dict[str, list]]:
    """{column: {"edges", "shares"}}: the real values' ventiles (merged where tied) and the share
    of non-missing rows between consecutive edges. Aggregates only, like the transformer's state."""
    out = {}
    for column in columns:
        v = as_numbers(data[column])  # durations in seconds
        v = v[np.isfinite(v)]
        if v.size < bins:
            continue
        edges = np.unique(np.quantile(v, np.linspace(0, 1, bins + 1)[1:-1]))
        shares = np.bincount(np.searchsorted(edges, v, side="right"), minlength=edges.size + 1) / v.size
        out[column] = {"edges": edges.tolist(), "shares": shares.tolist()}
    return out


def _pct(share: float) -> str:
    """A share as a percentage, with a digit more under 1% (0.02%, not 0.0%), and under 0.01% two
    significant digits (0.0030%: a category of 3 rows in 100,000, which over-generation names,
    read "0.00% real", as if the real table had none)."""
    share = float(share)
    if share >= 0.01 or not math.isfinite(share):
        return f"{share:.1%}"
    if share == 0 or share >= 0.0001:
        return f"{share:.2%}"
    return np.format_float_positional(100 * share, precision=2, unique=False, fractional=False) + "%"


def _for(longer: Longer, column: str) -> str | None:
    return longer[column] if isinstance(longer, Mapping) else longer


def _num(x: float) -> str:
    return "-inf" if x == -np.inf else "inf" if x == np.inf else f"{x:.4g}"


def train_longer(params: dict[str, Any], stop_reason: str = "epochs", stalled: bool = False) -> str | None:
    """The advice to train longer, in the terms of what ended training; None when the probe
    showed that more epochs did not help (``stalled``), when training diverged (more epochs at
    the same rates diverge again: the divergence finding's advice to lower them stands) or there
    is no figure to raise. After an interrupt (``stop_reason_ == "interrupted"``) the epochs did
    not run out, so it says to let them run rather than to raise them."""
    if stalled or stop_reason == "diverged":
        return None
    epochs = params.get("epochs")
    whole = isinstance(epochs, (int, np.integer)) and not isinstance(epochs, bool)
    if stop_reason == "interrupted":
        return (f"training was interrupted: let it run its epochs{f' (epochs={epochs})' if whole else ''}, "
                "or train on from here with warm_start=True")
    if stop_reason == "early_stopping":
        patience = params.get("patience")
        return f"train longer: early stopping ended it (patience={patience} -> {2 * patience})" if patience else None
    if stop_reason == "max_time" and params.get("max_time"):
        return f"train longer (max_time={params['max_time']} -> {2 * params['max_time']})"
    return f"train longer (epochs={epochs} -> {2 * epochs})" if whole else None


def _keep_best(params: dict[str, Any], column: str) -> list[str]:
    """The advice to keep the best epoch, where it is off: beside a model that has it, it misleads."""
    return [] if params.get("keep_best") else [f"keep_best=True picks the epoch that fits {column!r} best"]


def _collapse_advice(column: str, role: str, params: dict[str, Any], model_name: str, longer: str | None) -> str:
    first = [longer] if longer else []
    if model_name == "WGANGP" and role == "category":
        return "; or ".join([f"use ConditionalGAN: its training-by-sampling shows the critic the categories of "
                             f"{column!r} by the log of their counts, a rare one far beyond its share (15 rows "
                             "beside 3,822: a third as often), where the plain WGAN-GP shows each at its share",
                             *first])
    best = _keep_best(params, column)
    if role == "value":
        return "; ".join(first + best + [f"a larger n_modes (now {params.get('n_modes')}) gives its rare ranges "
                                         "modes of their own"])
    if role == "category":
        return "; ".join(first + best + [f"a smaller pac (now {params.get('pac')}) or a lower tau (now "
                                         f"{params.get('tau')}) sharpens rare categories"])
    return "; ".join(first + [f"rare modes of {column!r} can also be merged into their neighbours with a smaller "
                              f"n_modes (now {params.get('n_modes')})"])


# ---------------------------------------------------------------------- history detectors
def _thirds(values: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    v = values.to_numpy(dtype=float)
    v = v[np.isfinite(v)]
    k = max(1, len(v) // 3)
    return v[:k], v[-k:]


def divergence(history: pd.DataFrame, stop_reason: str, kept_epoch: int | None, best_epoch: int | None,
               params: dict[str, Any]) -> list[Finding]:
    """The divergence finding: the loss that became non-finite, its epoch, and the state the
    model holds (``kept_epoch``, None for the initial weights; ``best_epoch``: keep_best's)."""
    if stop_reason != "diverged" or history.empty:
        return []
    last = history.iloc[-1]
    losses = [c for c in ("critic_loss", "generator_loss", "wasserstein", "gradient_penalty",
                          "conditional_loss", "critic_grad_norm", "generator_grad_norm") if c in history]
    bad = [c for c in losses if not math.isfinite(float(last[c]))]
    epoch = int(last["epoch"])
    # Before 2026-12-04 the kept state was taken for keep_best's or else epoch - 1's, which a warm
    # start that diverged in its first epoch (it keeps the earlier fit's state) is neither.
    kept = ("the initial state, the last finite one, was kept" if kept_epoch is None
            else f"the state of epoch {kept_epoch} (best probe score) was kept" if kept_epoch == best_epoch
            else f"the last finite state (epoch {kept_epoch}) was kept" if kept_epoch == epoch - 1
            else f"the state of epoch {kept_epoch}, which this fit started from, was kept")
    glr, dlr = params.get("generator_lr"), params.get("discriminator_lr")
    return [Finding(
        severity="error", kind="divergence",
        message=(f"training diverged at epoch {epoch}: {', '.join(bad) or 'a loss'} became "
                 f"{float(last[bad[0]]) if bad else 'non-finite'}; {kept}"),
        advice=(f"lower the learning rates ten times (generator_lr={glr} -> {_tenth(glr)}, "
                f"discriminator_lr={dlr} -> {_tenth(dlr)}); keep penalty_weight="
                f"{params.get('penalty_weight')} (the penalty keeps the critic in check)"),
        evidence={"epoch": epoch, "non_finite": bad, "kept_epoch": kept_epoch},
        epoch=epoch,
    )]


def _tenth(x: Any) -> Any:
    return float(f"{x / 10:.3g}") if isinstance(x, (int, float)) else x


def critic_balance(history: pd.DataFrame, params: dict[str, Any]) -> list[Finding]:
    """Overpowering critic and vanishing generator gradients, from the epoch figures."""
    if len(history) < CRITIC_MIN_EPOCHS or "wasserstein" not in history:
        return []
    out = []
    w_early, w_late = _thirds(history["wasserstein"])
    if w_early.size and w_late.size:
        early, late = float(np.median(w_early)), float(np.median(w_late))
        if late > CRITIC_W_LIMIT and late >= CRITIC_W_GROWTH * max(early, 1e-3):
            out.append(Finding(
                severity="warning", kind="overpowering_critic",
                message=(f"the critic is winning: the Wasserstein estimate grew from {early:.3g} (first third "
                         f"of the epochs) to {late:.3g} (last third); generated rows get easier to tell apart"),
                advice=(f"slow the critic down: discriminator_lr={params.get('discriminator_lr')} -> "
                        f"{_tenth(params.get('discriminator_lr'))} or n_critic={params.get('n_critic')} -> "
                        f"{max(1, int(params.get('n_critic') or 1) // 2)}; or give the generator more room "
                        f"(generator_dim={tuple(params.get('generator_dim') or ())})"),
                evidence={"wasserstein_early": early, "wasserstein_late": late},
                epoch=int(history["epoch"].iloc[-len(w_late)]),
            ))
    g_early, g_late = _thirds(history["generator_grad_norm"])
    if g_early.size and g_late.size:
        early, late = float(np.median(g_early)), float(np.median(g_late))
        if early > 0 and late < VANISH_RATIO * early:
            out.append(Finding(
                severity="warning", kind="vanishing_gradients",
                message=(f"the generator's gradients vanished: median norm {late:.3g} in the last third of "
                         f"the epochs against {early:.3g} in the first; it has stopped learning"),
                advice=(f"lower discriminator_lr (now {params.get('discriminator_lr')}) or n_critic (now "
                        f"{params.get('n_critic')}); raise generator_lr (now {params.get('generator_lr')})"),
                evidence={"generator_grad_norm_early": early, "generator_grad_norm_late": late},
                epoch=int(history["epoch"].iloc[-len(g_late)]),
            ))
    return out


def _evaluations(history: pd.DataFrame) -> tuple[np.ndarray, np.ndarray, int]:
    """The epochs (E,) and scores (E,) of the history's finite probe evaluations, and how many
    epochs came after the last of them (all of them when there is none)."""
    if "probe_score" not in history or history.empty:
        return np.zeros(0, int), np.zeros(0), len(history)
    probed = history[np.isfinite(history["probe_score"].to_numpy(dtype=float))]
    epochs = probed["epoch"].to_numpy(dtype=int)
    tail = int(history["epoch"].iloc[-1]) - int(epochs[-1]) if len(epochs) else len(history)
    return epochs, probed["probe_score"].to_numpy(dtype=float), tail


def _stalled(scores: np.ndarray) -> bool:
    """Whether probe scores (E,) stopped improving: at least MIN_EVALUATIONS of them, the best in
    the first half and the last worse than it by more than STALL_MARGIN."""
    best = int(np.argmin(scores)) if len(scores) else 0
    return len(scores) >= MIN_EVALUATIONS and best < len(scores) // 2 and scores[-1] > scores[best] + STALL_MARGIN


def column_stalled(history: pd.DataFrame, column: str, overall: bool) -> bool:
    """Whether the probe stopped improving for ``column``: its own TV (``tv:<column>``) judged as
    the probe score is, where it has enough evaluations; ``overall`` otherwise. A column may keep
    improving while the mean score stalls (measured on notebook 2's table, 10 epochs: the score
    was best at epoch 4 of 10 while the TV of 'city' fell from 0.28 to 0.19-0.21; it reached 0.02
    by epoch 40), and the advice on that column's findings is then still to train longer."""
    key = f"tv:{column}"
    if key not in history:
        return overall
    tv = history[key].to_numpy(dtype=float)
    tv = tv[np.isfinite(tv)]
    return _stalled(tv) if len(tv) >= MIN_EVALUATIONS else overall


def _trend_applies(stop_reason: str) -> bool:
    """Whether "still improving" is asked: training ended by running out of epochs or time."""
    return stop_reason in ("epochs", "max_time")


def convergence(history: pd.DataFrame, stop_reason: str, params: dict[str, Any]) -> list[Finding]:
    """Stalled or oscillating training, or training that was still improving, from the probe."""
    epochs, scores, tail = _evaluations(history)
    n = len(scores)
    if n < MIN_TREND_EVALUATIONS:
        return []
    best = int(np.argmin(scores))
    half = n // 2
    floor = float(history["probe_score_real"].dropna().iloc[0]) if "probe_score_real" in history else float("nan")
    evidence = {"evaluations": n, "best_epoch": int(epochs[best]), "best_score": float(scores[best]),
                "last_score": float(scores[-1]), "real_floor": floor}
    if _stalled(scores):
        late = history[history["epoch"] >= epochs[half]]["wasserstein"].to_numpy(dtype=float)
        late = late[np.isfinite(late)]
        early, _ = _thirds(history["wasserstein"].abs())
        scale = SWING_FLOOR * float(np.median(early)) if early.size else 0.0  # the run's own size
        swing = float(late.std() / max(abs(late.mean()), scale, 1e-12)) if late.size > 1 else 0.0
        evidence["wasserstein_swing"] = swing
        wasted = int(history["epoch"].iloc[-1]) - int(epochs[best])
        if swing > SWING_RATIO:
            return [Finding(
                severity="warning", kind="oscillation",
                message=(f"the probe score was best at epoch {epochs[best]} ({scores[best]:.3f}) and is "
                         f"{scores[-1]:.3f} at the end while the losses swing (the Wasserstein estimate's spread "
                         f"is {swing:.1f} times its mean): critic and generator take turns without converging"),
                advice=(f"lower both learning rates (generator_lr={params.get('generator_lr')}, "
                        f"discriminator_lr={params.get('discriminator_lr')}), average the generator with "
                        f"ema=0.999 (now {params.get('ema')}), and keep keep_best=True"),
                evidence=evidence, epoch=int(epochs[best]),
            )]
        return [Finding(
            severity="info", kind="non_convergence",
            message=(f"the probe score stopped improving after epoch {epochs[best]} ({scores[best]:.3f}; "
                     f"{scores[-1]:.3f} at the end): the last {wasted} epochs did not help"),
            advice=(f"early_stopping=True with patience={params.get('patience')} stops such runs; to go "
                    f"further lower the learning rates (generator_lr={params.get('generator_lr')}) or widen "
                    f"the networks (generator_dim={tuple(params.get('generator_dim') or ())})"),
            evidence=evidence, epoch=int(epochs[best]),
        )]
    if (best == n - 1 and _trend_applies(stop_reason) and tail == 0
            and scores[half] - scores[-1] > STALL_MARGIN):
        what = "epochs" if stop_reason == "epochs" else "max_time"
        value = params.get(what)
        return [Finding(
            severity="info", kind="still_improving",
            message=(f"the probe score was still improving when training ended ({scores[half]:.3f} -> "
                     f"{scores[-1]:.3f} over the last {n - half} evaluations; real-vs-real floor "
                     f"{floor:.3f})"),
            advice=f"train longer: {what}={value} -> {2 * value if value else value}",
            evidence=evidence, epoch=int(epochs[-1]),
        )]
    return []


def best_state(history: pd.DataFrame, best_epoch: int | None) -> list[Finding]:
    if best_epoch is None or history.empty or "probe_score" not in history:
        return []
    last = int(history["epoch"].iloc[-1])
    if best_epoch == last:
        return []
    score = float(history.loc[history["epoch"] == best_epoch, "probe_score"].iloc[0])
    final = float(history["probe_score"].iloc[-1])  # NaN when the last epoch was not probed
    return [Finding(
        severity="info", kind="best_state",
        message=(f"keep_best restored epoch {best_epoch} (probe score {score:.3f}); the last epoch was {last}"
                 + (f" (score {final:.3f})" if math.isfinite(final) else "")),
        advice="nothing to do; keep_best=False keeps the last state instead",
        evidence={"best_epoch": best_epoch, "best_score": score, "last_epoch": last},
        epoch=best_epoch,
    )]


# ---------------------------------------------------------------------- the whole diagnosis
def diagnose(model: BaseSynthesizer, n: int = DIAGNOSE_ROWS, random_state: int = 0) -> Findings:
    """Every detector on a fitted (or loaded) model; ``n`` rows are generated with ``random_state``."""
    import torch

    from tabgan.synthesizers.base import torch_seed

    model._check_fitted()
    params = model.get_params()
    history = getattr(model, "history_", pd.DataFrame())
    if params.get("epochs") == "auto":  # advice speaks of the epochs the fit actually ran
        params["epochs"] = getattr(model, "epochs_", None) or len(history) or None
    stop_reason = getattr(model, "stop_reason_", "")
    best_epoch = getattr(model, "best_epoch_", None)
    found: list[Finding] = []
    found += divergence(history, stop_reason, getattr(model, "kept_epoch_", None), best_epoch, params)
    counts = np.asarray(getattr(model, "slot_counts_", []))
    layout = model.transformer_.layout_
    generated = model.engine_ is not None and counts.shape == (layout.width,)
    reference = getattr(model, "value_reference_", {})
    unjudged = (["every detector (no column of this table is learnt by a network: ids, constants "
                 "and looked-up columns only)"] if model.engine_ is None else
                _unjudged(history, stop_reason, params, generated))
    stalls = convergence(history, stop_reason, params)
    stalled = any(f.kind in ("oscillation", "non_convergence") for f in stalls)
    columns = {span.column for span in layout.spans} | set(reference)
    longer = {c: train_longer(params, stop_reason, column_stalled(history, c, stalled)) for c in columns}
    commonest = judged_shares(layout, counts, reference).max(initial=0.0) if generated else 0.0
    if generated and n < OVER_MIN_COUNT:
        unjudged.insert(0, f"over-generation (n={n} generated rows: it needs n >= {OVER_MIN_COUNT:g})")
    if generated and commonest * n < MIN_EXPECTED:
        unjudged.insert(0, f"mode collapse (n={n} generated rows: no category, point mass or value range is "
                           f"expected {MIN_EXPECTED:g} times; n >= {math.ceil(MIN_EXPECTED / max(commonest, 1e-12))} "
                           "judges the commonest)")
    if generated and (commonest * n >= MIN_EXPECTED or n >= OVER_MIN_COUNT):  # each finds nothing unjudged
        gen = torch.Generator(device=model.engine_.device).manual_seed(torch_seed(random_state))
        fake = model.engine_.generate(n, generator=gen)  # (n, D) hard one-hots on the device
        fake_counts = (fake > 0.5).sum(0).cpu().numpy()  # (D,)
        name = type(model).__name__
        found += mode_collapse(layout, counts, fake_counts, n, params, name, longer)
        decoded = None
        if reference:
            decoded = model.transformer_.inverse_transform(fake.cpu().numpy(), np.random.default_rng(random_state))
            found += value_collapse(reference, decoded, params, name, longer)
        found += over_generation(layout, counts, fake_counts, n, reference, decoded, params, name, longer)
    found += critic_balance(history, params)
    found += stalls
    found += best_state(history, best_epoch)
    return Findings(sorted(found, key=lambda f: _SEVERITY_ORDER[f.severity]), unjudged)


def _unjudged(history: pd.DataFrame, stop_reason: str, params: dict[str, Any], generated: bool) -> list[str]:
    """The detectors with too little to go on, each with why (see ``Findings.unjudged``); the
    probe's from the evaluations the history holds, as ``convergence`` counts them."""
    out = []
    if not generated:
        out.append("mode collapse and over-generation (the model has no training counts to compare generated rows with)")
    if len(history) < CRITIC_MIN_EPOCHS:
        out.append(f"critic balance (needs {CRITIC_MIN_EPOCHS} epochs of history, has {len(history)})")
    epochs, _, tail = _evaluations(history)
    probed = len(epochs)
    needs = (f"needs {MIN_EVALUATIONS} probe evaluations, has {probed}: probe_every={params.get('probe_every')} "
             f"over {len(history)} epochs")
    if "probe_score" not in history:
        out.append("convergence (the fidelity probe was off: probe_every=None)")
    elif probed < MIN_TREND_EVALUATIONS:
        out.append(f"convergence ({needs})")
    elif probed < MIN_EVALUATIONS:
        out.append(f"non-convergence and oscillation ({needs})")
    if probed >= MIN_TREND_EVALUATIONS and tail and _trend_applies(stop_reason):
        out.append(f"still improving (the last {tail} epoch{'s were' if tail != 1 else ' was'} not probed)")
    return out


# ---------------------------------------------------------------------- plot
def plot_history(history: pd.DataFrame, findings: Sequence[Finding] = (), columns: Sequence[str] | None = None
                 ) -> Any:
    """A plotly Figure: losses, gradient norms and the probe (with its real-vs-real floor),
    findings marked at their epoch. plotly comes with sdmetrics, a dependency of tabgan.

    columns: source columns whose tv curves to draw (default: the five worst at the end).
    """
    import plotly.graph_objects as go
    from plotly.subplots import make_subplots

    fig = make_subplots(rows=3, cols=1, shared_xaxes=True, vertical_spacing=0.06,
                        subplot_titles=("losses", "gradient norms", "fidelity probe (lower is better)"))
    if history.empty:
        return fig
    x = history["epoch"]
    for name in ("critic_loss", "generator_loss", "wasserstein", "conditional_loss"):
        if name in history and history[name].abs().sum() > 0:
            fig.add_trace(go.Scatter(x=x, y=history[name], name=name, mode="lines"), row=1, col=1)
    for name in ("critic_grad_norm", "generator_grad_norm"):
        if name in history:
            fig.add_trace(go.Scatter(x=x, y=history[name], name=name, mode="lines"), row=2, col=1)
    fig.update_yaxes(type="log", row=2, col=1)
    if "probe_score" in history:
        probed = history.dropna(subset=["probe_score"])
        fig.add_trace(go.Scatter(x=probed["epoch"], y=probed["probe_score"], name="probe score (mean tv)",
                                 mode="lines+markers", line={"width": 3}), row=3, col=1)
        if "probe_score_real" in probed:
            fig.add_trace(go.Scatter(x=probed["epoch"], y=probed["probe_score_real"], name="real-vs-real floor",
                                     mode="lines", line={"dash": "dash"}), row=3, col=1)
        tv = [c for c in probed if c.startswith("tv:")]
        if columns is None and len(probed):
            last = probed[tv].iloc[-1].sort_values(ascending=False)
            chosen = [c for c in last.index[:5]]
        else:
            chosen = [f"tv:{c}" for c in (columns or ()) if f"tv:{c}" in probed]
        for c in chosen:
            fig.add_trace(go.Scatter(x=probed["epoch"], y=probed[c], name=c, mode="lines",
                                     opacity=0.6), row=3, col=1)
        if "probe_coverage" in probed:
            fig.add_trace(go.Scatter(x=probed["epoch"], y=1 - probed["probe_coverage"],
                                     name="1 - coverage", mode="lines", line={"dash": "dot"}), row=3, col=1)
    colours = {"error": "red", "warning": "orange", "info": "grey"}
    for f in findings:
        if f.epoch is None:
            continue
        fig.add_vline(x=f.epoch, line_dash="dot", line_color=colours[f.severity],
                      annotation_text=f.kind.replace("_", " "), annotation_position="top left")
    fig.update_layout(height=800, title="training history", xaxis3_title="epoch", legend={"groupclick": "toggleitem"})
    return fig
