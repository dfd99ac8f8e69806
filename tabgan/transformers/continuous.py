"""Mode-specific normalisation of a continuous column (CTGAN paper, section 4.2), and beyond.

A column becomes a tanh value plus a one-hot over *slots*: ``[modes..., point masses..., missing]``.

- **Modes**: a variational Dirichlet-process Gaussian mixture (scikit-learn's
  ``BayesianGaussianMixture``, at most ``n_modes`` components, weight concentration 1e-3, modes
  lighter than 0.5% dropped) is fitted on at most ``GMM_SAMPLE_CAP`` values drawn at random.
  NOTE[DIFF]: CTGAN fits on every row; its mixture fit is what makes its preprocessing take
  minutes. A 1-D mixture of at most ten components has at most thirty parameters: 2,000 draws
  resolve the smallest mode kept (0.5% of rows, ten draws) and the fit costs well under a tenth
  of a second whatever the table's size. Mode assignment is vectorised over all rows.
- NOTE[DIFF]: a row goes to the *most probable mode whose 4-sigma window holds it* (CTGAN draws a
  mode at random from the posterior, so its encoding is not reproducible, and clips values past
  4 sigma, losing them). Every value of the input is thus encoded without clipping whenever some
  mode covers it.
- **Point masses**: every value holding at least ``POINT_MASS_SHARE`` of the non-missing rows (0 in
  ``capital-gain``, 40 in ``hours-per-week``) is a slot of its own and comes back exactly. So is
  each infinity, however rare (a ratio over a zero count): ``inf`` and ``-inf`` come back as
  themselves at their real rates, and the modes, range and grid are those of the finite values.
- **Missing values** are a slot of their own, so NaN is reproduced at its real rate and never turns
  into a number near the mean.
- **Heavy tails** (excess kurtosis above 3 or skewness above 2, as in ``fnlwgt`` or byte counts): the
  mixture is fitted on ``asinh((x - median) / scale)``, which is linear near the centre and
  logarithmic in the tails, so a handful of modes covers six orders of magnitude.
- **Rounding and range**: integers come back as integers, decimals with the input's number of
  decimals (up to 6), and every value within the observed range of the non-point values.
- **Mixed precision**: where some values are written with fewer decimals than others (ages in
  years beside infants' in twelfths, ``8.05`` beside ``71.2833``), each *generated* value is
  rounded to a number of decimals drawn from the shares of its mode (``precision_shares``);
  decoding an encoded real value still gives it back exactly.
- **Grids**: values that all sit on a coarser grid than their decimals (salaries in thousands,
  ratings in halves, prices ending in .99, epoch milliseconds at whole seconds, dates a week
  apart) come back on it: ``step`` is the greatest common divisor of their distances from the
  smallest, kept when it is too large to be chance (``STEP_EVIDENCE``).
"""

from __future__ import annotations

import datetime
import decimal
import math
import warnings
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd
from scipy.optimize import nnls
from sklearn.exceptions import ConvergenceWarning
from sklearn.mixture import BayesianGaussianMixture

from tabgan.schema import format_numbers, is_decimal, number_objects, text_number_form
from tabgan.transformers.base import (
    MISSING_VALUES,
    ColumnTransformer,
    as_dtype,
    dtype_name,
    missing_marker,
    nullable_dtype,
    one_hot,
    register,
    without_text,
)
from tabgan.codes import detect_code, from_counts, not_codes, to_counts
from tabgan.transformers.layout import Span

__all__ = ["GMM_SAMPLE_CAP", "POINT_MASS_SHARE", "ContinuousEncoder", "NumericalTransformer",
           "precision_shares", "value_decimals"]

GMM_SAMPLE_CAP = 2000
POINT_MASS_SHARE = 0.05
MODE_MIN_WEIGHT = 0.005
MODE_MIN_HELD = 10
MAX_DECIMALS = 6
# Up to this many decimals count where every value is within 1e-6 of its last decimal's unit of
# a multiple (coordinates in 7 decimals: 40.1234567): so exact that float64's noise cannot fake it.
FINE_DECIMALS = 9
# A grid is kept when m distinct values on a grid of g units would all land on it by chance
# (each 1 time in g) at most this often: g ** -(m - 1) <= STEP_EVIDENCE.
STEP_EVIDENCE = 1e-3
# Values are rounded per row to fewer decimals (see precision_shares) when the share of values
# written with fewer decimals than the column's, estimated on at most PRECISION_SAMPLE_CAP values,
# is at least PRECISION_MIN_SHARE; each mode's shares lean on the column's by PRECISION_PRIOR rows.
PRECISION_MIN_SHARE = 0.02
PRECISION_SAMPLE_CAP = 20_000
PRECISION_PRIOR = 10.0


def _width_floor(centre: float, spread: float) -> float:
    """The narrowest a mode may be: a millionth of the column's spread, so a mode that caught a
    near-point still decodes a generator's values near its centre, and well above float64's
    resolution at the column's centre, so values inside it stay distinct.

    Not a share of the centre: a column far from zero but narrow (account numbers 1e12 +
    [0, 1000), latitudes in one city block) would get modes far wider than itself, all its values
    encoded within 1e-4 of 0, and a generator's values decoded to its minimum or maximum.
    """
    return max(1e-6 * spread, 1e-12 * abs(centre), 1e-300)


class ContinuousEncoder:
    """Float64 values (NaN for missing) to ``[tanh value | slot one-hot]`` and back.

    Shared by numerical and datetime columns; knows nothing of dtypes.
    """

    def __init__(self, n_modes: int = 10, sample_cap: int = GMM_SAMPLE_CAP) -> None:
        self.n_modes = n_modes
        self.sample_cap = sample_cap
        self.means: list[float] = []
        self.stds: list[float] = []
        self.points: list[float] = []
        # Whether the column wrote any zero as -0.0 (a rounded small negative: df.round(1) of
        # -0.04). Where none did, rounding a generated -0.004 gives 0.0, not a "-0.0" it never wrote.
        self.negative_zeros = True
        self.has_missing = False
        # One slot for each way the column writes a missing value (NaN, "?", "-"; see
        # NumericalTransformer.missing_kinds), labelled so; one "missing" slot for most columns.
        self.missing_labels: list[str] = ["missing"]
        self.tail: tuple[float, float] | None = None  # (centre, scale) of the asinh transform
        self.scale = 1.0  # a power of two near the largest |value|: exact, and keeps sums finite
        self.lo = self.hi = 0.0
        self.decimals: int | None = None
        self.step: float | None = None  # values come back on lo + k * step (see detect_step)
        # (modes, decimals + 1) cumulative shares of values rounded to 0..decimals decimals, per
        # mode; None when (nearly) every value has all the decimals (see _fit_precision).
        self.precision: list[list[float]] | None = None
        self._log_weights = np.zeros(0)

    # ---------------------------------------------------------------- fit
    def fit(self, x: np.ndarray, rng: np.random.Generator, decimals: int | None,
            missing_labels: Sequence[str] = ("missing",)) -> ContinuousEncoder:
        """missing_labels: one label for each kind of missing value ``transform`` is told of, when
        ``x`` has missing values."""
        missing = np.isnan(x)
        self.has_missing = bool(missing.any())
        self.missing_labels = list(missing_labels)
        x = x[~missing]
        self.decimals, self.step, self.precision = decimals, None, None
        values, counts = np.unique(x, return_counts=True)
        is_point = (counts >= POINT_MASS_SHARE * x.size) | np.isinf(values)
        zeros = x[x == 0]  # (z,) 0.0 and -0.0, which np.unique keeps as one, of either sign
        self.negative_zeros = bool(np.signbit(zeros).any())
        # A point mass at zero is written as most of its zeros are (not as np.unique's pick).
        values[values == 0] = -0.0 if 2 * np.signbit(zeros).sum() > zeros.size else 0.0
        self.points = values[is_point].tolist()
        rest = x[~np.isin(x, values[is_point])] if is_point.any() else x
        if rest.size:
            self.lo, self.hi = float(rest.min()), float(rest.max())
            self.step = detect_step(rest, decimals)
            top = max(abs(self.lo), abs(self.hi))
            self.scale = float(2.0 ** np.floor(np.log2(top))) if top > 0 else 1.0
            self._fit_modes(rest, rng)
            self._cover_outliers(rest)
            self.precision = self._fit_precision(rest, rng)
        return self

    def _fit_modes(self, rest: np.ndarray, rng: np.random.Generator) -> None:
        sample = rest if rest.size <= self.sample_cap else rng.choice(rest, self.sample_cap, replace=False)
        self.tail = _tail_transform(sample / self.scale)
        y = self._forward_tail(sample)
        centre, spread = float(y.mean()), float(y.std())
        n_unique = np.unique(y).size
        if n_unique < 2 or spread == 0.0:
            self.means, self.stds = [centre], [max(spread, 1e-3 * max(abs(centre), 1.0))]
            return
        z = (y - centre) / spread  # the mixture converges faster on standardised values
        gmm = BayesianGaussianMixture(
            n_components=min(self.n_modes, n_unique),
            covariance_type="diag",  # one dimension: same model, cheaper code path than "full"
            weight_concentration_prior_type="dirichlet_process",
            weight_concentration_prior=1e-3,
            # NOTE[DIFF]: CTGAN runs 100 iterations. Measured on Adult's columns, 50 reach the same
            # log-likelihood on the whole column (within 0.1%) at half the cost; the few extra
            # components left unpruned fall under MODE_MIN_WEIGHT.
            max_iter=50,
            tol=1e-3,
            random_state=int(rng.integers(2**31 - 1)),
        )
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            gmm.fit(z.reshape(-1, 1))
        keep = gmm.weights_ > MODE_MIN_WEIGHT
        means = gmm.means_[:, 0][keep] * spread + centre
        stds = np.sqrt(gmm.covariances_[:, 0][keep]) * spread
        order = np.argsort(means)
        self.means = means[order].tolist()
        floor = _width_floor(centre, spread)
        self.stds = np.maximum(stds[order], floor).tolist()
        weights = gmm.weights_[keep][order]
        self._log_weights = np.log(weights / weights.sum())
        self._narrow_modes(sample, floor)

    def _narrow_modes(self, sample: np.ndarray, floor: float) -> None:
        """Each mode's width becomes the spread of the sample values it holds (by the encoding's
        own rule, ``_assign_modes``), where it holds at least ``MODE_MIN_HELD`` of them.

        NOTE[DIFF]: CTGAN keeps the mixture's variances. Their prior (the column's variance with
        one degree of freedom) pulls every mode toward the column's whole width: on Adult's
        columns modes came out up to 25x wider than the values they held, which were then encoded
        within a few hundredths of 0, so a generator's small errors spread them over the
        mode's inflated width.
        """
        if len(self.means) < 2:
            return
        mode, _ = self._assign_modes(sample)
        y = self._forward_tail(sample)
        stds = np.asarray(self.stds)
        for k in range(len(stds)):  # a loop over at most n_modes modes
            held = y[mode == k]
            if held.size >= MODE_MIN_HELD:
                stds[k] = max(float(held.std()), floor)
        self.stds = stds.tolist()

    def _cover_outliers(self, rest: np.ndarray) -> None:
        """Add modes for values no mode's 4-sigma window holds, so no value is ever clipped.

        A rare cluster (0.2% of flights go to Honolulu, 5,000 miles out) can be missed by the
        subsample the mixture saw. Uncovered values, split where they are further apart than
        eight typical mode widths, each get one mode spanning their group.
        """
        y = self._forward_tail(rest)
        mu, sd = np.asarray(self.means), np.asarray(self.stds)
        covered = np.zeros(y.shape[0], dtype=bool)
        for m, s in zip(mu, sd):  # a loop over at most n_modes modes, each vectorised over rows
            covered |= np.abs(y - m) <= 4 * s
        if covered.all():
            return
        lost = np.sort(y[~covered])
        gap = 8 * float(np.median(sd))
        groups = np.split(lost, np.flatnonzero(np.diff(lost) > gap) + 1)
        floor = _width_floor(float(np.abs(mu).max()), float(sd.max()))
        new_mu = [(g[0] + g[-1]) / 2 for g in groups]
        new_sd = [max((g[-1] - g[0]) / 8 * 1.0001, floor) for g in groups]
        new_w = np.asarray([g.size / y.size for g in groups])
        weights = np.exp(self._log_weights) if self._log_weights.size else np.ones(1)
        weights = np.concatenate([weights * (1 - new_w.sum()), new_w])
        means, stds = np.concatenate([mu, new_mu]), np.concatenate([sd, new_sd])
        order = np.argsort(means)
        self.means, self.stds = means[order].tolist(), stds[order].tolist()
        # The old modes weigh 0 when no value falls in their windows (a mode narrowed onto one
        # value the mixture's mean misses by a hair): finite, so they are never picked over one
        # that holds a value.
        self._log_weights = np.log(np.maximum(weights[order] / weights.sum(), 1e-300))

    def _fit_precision(self, rest: np.ndarray, rng: np.random.Generator) -> list[list[float]] | None:
        """Per mode, the cumulative shares of values rounded to 0, 1, ... ``decimals`` decimals,
        so that ages near 0 may keep their twelfths while adults' stay whole."""
        d = self.decimals
        if not d or not self.means:
            return None
        sample = rest if rest.size <= PRECISION_SAMPLE_CAP else rng.choice(rest, PRECISION_SAMPLE_CAP, replace=False)
        fewest = value_decimals(sample, d)  # (m,)
        column = np.bincount(fewest, minlength=d + 1).astype(np.float64)  # (d + 1,)
        if precision_shares(column)[:d].sum() < PRECISION_MIN_SHARE:
            return None
        mode, _ = self._assign_modes(sample)
        counts = np.zeros((len(self.means), d + 1))
        np.add.at(counts, (mode, fewest), 1.0)
        counts += PRECISION_PRIOR * column / column.sum()
        shares = np.stack([precision_shares(c) for c in counts])  # a loop over modes
        return np.cumsum(shares, axis=1).tolist()

    # ---------------------------------------------------------------- layout
    @property
    def n_slots(self) -> int:
        return len(self.means) + len(self.points) + self.n_missing

    @property
    def n_missing(self) -> int:
        """Missing slots, the last ones: one for each kind of missing value (0 without any)."""
        return len(self.missing_labels) if self.has_missing else 0

    def spans(self, column: str) -> list[Span]:
        out = []
        if self.means:
            out.append(Span(column, "value", 1, "tanh"))
        if self.n_slots > 1:
            labels = [f"mode {i}" for i in range(len(self.means))]
            labels += [f"point {p:g}" for p in self.points]
            labels += self.missing_labels if self.has_missing else []
            out.append(Span(column, "mode", self.n_slots, "softmax", labels=tuple(labels)))
        return out

    # ---------------------------------------------------------------- transform
    def transform(self, x: np.ndarray, kinds: np.ndarray | None = None) -> np.ndarray:
        """(n,) float64, NaN where missing -> (n, width) float32; ``kinds`` (n,) int64: the kind
        of each missing row's value (0 to ``n_missing`` - 1; other rows' are not read), all 0
        when not given."""
        n, k = x.shape[0], len(self.means)
        slot = np.full(n, -1, dtype=np.int64)
        value = np.zeros(n, dtype=np.float64)
        missing = np.isnan(x)
        if self.has_missing:
            slot[missing] = self.n_slots - self.n_missing + (0 if kinds is None else kinds[missing])
        elif missing.any():
            raise ValueError("missing values in a column that had none when fitted")
        for j, p in enumerate(self.points):
            slot[x == p] = k + j
        rest = slot < 0
        unseen = x[rest] if not k else x[rest & np.isinf(x)]  # modes cover every finite value
        if unseen.size:
            raise ValueError(f"value {float(unseen[0])!r} was not seen when fitted")
        if rest.any():
            slot[rest], value[rest] = self._assign_modes(x[rest])
        parts = []
        if k:
            parts.append(value.astype(np.float32)[:, None])
        if self.n_slots > 1:
            parts.append(one_hot(slot, self.n_slots))
        return np.concatenate(parts, axis=1) if parts else np.zeros((n, 0), np.float32)

    def _assign_modes(self, x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Most probable mode whose 4-sigma window holds the value; else the nearest window."""
        y = self._forward_tail(x)[:, None]  # (n, 1)
        mu, sd = np.asarray(self.means)[None, :], np.asarray(self.stds)[None, :]  # (1, k)
        z = (y - mu) / (4 * sd)  # (n, k) position inside each mode's window
        if len(self.means) == 1:
            mode = np.zeros(x.shape[0], dtype=np.int64)
        else:
            log_post = self._log_weights[None, :] - np.log(sd) - 8.0 * z * z  # (n, k)
            covered = np.abs(z) <= 1.0
            score = np.where(covered, log_post, -np.inf)
            nearest = np.abs(z).argmin(axis=1)
            mode = np.where(covered.any(axis=1), score.argmax(axis=1), nearest)
        value = np.clip(np.take_along_axis(z, mode[:, None], axis=1)[:, 0], -1.0, 1.0)
        return mode, value

    # ---------------------------------------------------------------- inverse
    def inverse_compact(self, c: np.ndarray, rng: np.random.Generator | None = None) -> np.ndarray:
        """(n, len(spans)) compact values (value, then slot) -> (n,) float64, NaN for missing;
        ``rng`` draws each value's decimals where the column mixes them (``precision``)."""
        n, k = c.shape[0], len(self.means)
        value = np.clip(c[:, 0].astype(np.float64), -1.0, 1.0) if k else np.zeros(n)
        slot = c[:, -1].astype(np.int64) if self.n_slots > 1 else np.zeros(n, dtype=np.int64)
        if not k:
            out = np.full(n, np.nan)
        else:  # every row as if in a mode (no boolean gathers); point and missing rows replaced below
            mode = np.minimum(slot, k - 1)
            y = value * 4 * np.asarray(self.stds)[mode] + np.asarray(self.means)[mode]
            out = self._inverse_tail(y)
            if self.step is not None:  # onto the grid, then decimals clear its float noise
                out = np.round((out - self.lo) / self.step, out=out) * self.step + self.lo
            if self.decimals is not None:
                out = np.round(out, self.decimals, out=out)
            if self.precision is not None and rng is not None:
                out = self._round_per_row(out, mode, rng)
            out = np.clip(out, self.lo, self.hi, out=out)
            if not self.negative_zeros:
                out += 0.0  # -0.0 + 0.0 is 0.0
            if self.n_slots > k:
                out[slot >= k] = np.nan
        if self.points:
            is_point = (slot >= k) & (slot < k + len(self.points))
            out[is_point] = np.asarray(self.points)[slot[is_point] - k]
        return out  # missing slot rows stay NaN

    def missing_kinds(self, c: np.ndarray) -> np.ndarray | None:
        """(n,) int64 the kind of each row's missing value (see ``transform``), -1 for a row that
        is not missing, from compact values ``c`` (n, len(spans)); None when there are fewer than
        two kinds (nothing to tell apart: the sampling path of most columns skips this)."""
        if self.n_missing < 2:
            return None
        kind = c[:, -1].astype(np.int64) - (self.n_slots - self.n_missing)  # n_slots > 1 here
        return np.where(kind >= 0, kind, -1)

    def _round_per_row(self, out: np.ndarray, mode: np.ndarray, rng: np.random.Generator) -> np.ndarray:
        """Each value rounded to the decimals drawn from its mode's shares; a value the rounding
        would take off the grid (``step``) keeps its decimals."""
        cumulative = np.asarray(self.precision)[mode]  # (n, d + 1)
        k = np.minimum((rng.random(out.shape[0])[:, None] > cumulative).sum(axis=1), self.decimals)  # (n,)
        scale = 10.0 ** k
        rounded = np.round(out * scale) / scale
        if self.step is not None:
            units = (rounded - self.lo) / self.step
            rounded = np.where(np.abs(units - np.round(units)) <= 1e-6, rounded, out)
        return rounded

    # ---------------------------------------------------------------- tails
    def _forward_tail(self, x: np.ndarray) -> np.ndarray:
        """Input values to the space the mixture lives in: scaled, then asinh for heavy tails."""
        x = x / self.scale
        if self.tail is None:
            return x
        c, s = self.tail
        return np.arcsinh((x - c) / s)

    def _inverse_tail(self, y: np.ndarray) -> np.ndarray:
        if self.tail is not None:
            c, s = self.tail
            y = np.sinh(y) * s + c
        return y * self.scale

    # ---------------------------------------------------------------- state
    def to_dict(self) -> dict[str, Any]:
        return {
            "n_modes": self.n_modes, "sample_cap": self.sample_cap,
            "means": self.means, "stds": self.stds,
            "log_weights": self._log_weights.tolist(),
            "points": [p if math.isfinite(p) else repr(p) for p in self.points],  # JSON: "inf", "-inf"
            "negative_zeros": self.negative_zeros,
            "has_missing": self.has_missing, "missing_labels": self.missing_labels,
            "tail": list(self.tail) if self.tail else None,
            "lo": self.lo, "hi": self.hi, "decimals": self.decimals, "scale": self.scale,
            "step": self.step, "precision": self.precision,
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> ContinuousEncoder:
        enc = cls(d["n_modes"], d["sample_cap"])
        enc.means, enc.stds = list(d["means"]), list(d["stds"])
        enc.points = [float(p) for p in d["points"]]
        enc.negative_zeros = bool(d.get("negative_zeros", True))  # absent before 2026-12-04: as then
        enc._log_weights = np.asarray(d["log_weights"], dtype=np.float64)
        enc.has_missing, enc.lo, enc.hi, enc.decimals = d["has_missing"], d["lo"], d["hi"], d["decimals"]
        enc.missing_labels = list(d.get("missing_labels", ["missing"]))  # absent before 2026-12-03
        enc.tail = tuple(d["tail"]) if d["tail"] else None
        enc.scale = d["scale"]
        enc.step = d.get("step")  # absent in files written before 2026-12-02
        enc.precision = d.get("precision")  # absent in files written before 2026-12-02
        enc._check_state()
        return enc

    def _check_state(self) -> None:
        """ValueError naming the first number of a read state that no fit makes: the inverse
        would clip every value onto a bound (lo > hi), divide by zero (scale 0) or draw from
        a mode of no width, without any error."""
        finite = (("lo", self.lo), ("hi", self.hi), ("scale", self.scale), *(("mean", m) for m in self.means))
        for name, value in finite:
            if not isinstance(value, (int, float)) or not math.isfinite(value):
                raise ValueError(f"encoder {name} {value!r} is no finite number")
        if self.lo > self.hi:
            raise ValueError(f"encoder lo {self.lo!r} is above its hi {self.hi!r}")
        positive = [("scale", self.scale), *(("std", v) for v in self.stds),
                    *((("step", self.step),) if self.step is not None else ()),
                    *((("tail scale", self.tail[1]),) if self.tail is not None else ())]
        for name, value in positive:
            if not isinstance(value, (int, float)) or not (math.isfinite(value) and value > 0):
                raise ValueError(f"encoder {name} {value!r} is no finite number > 0")
        if len(self.means) != len(self.stds) or len(self._log_weights) not in (0, len(self.means)):
            raise ValueError(f"encoder has {len(self.means)} means, {len(self.stds)} stds and "
                             f"{len(self._log_weights)} weights")


def _tail_transform(sample: np.ndarray) -> tuple[float, float] | None:
    """(centre, scale) for an asinh transform when the values are heavy-tailed, else None."""
    if sample.size < 20:
        return None
    sd = sample.std()
    if sd == 0:
        return None
    z = (sample - sample.mean()) / sd
    skew, excess_kurtosis = float((z**3).mean()), float((z**4).mean() - 3.0)
    if abs(skew) <= 2.0 and excess_kurtosis <= 3.0:
        return None
    q25, centre, q75 = np.percentile(sample, [25, 50, 75])
    scale = (q75 - q25) / 1.349 or float(sd)
    return float(centre), float(scale)


def _on_whole(scaled: np.ndarray) -> np.ndarray:
    """(n,) bool: is each value within float64's noise (1e-9, relative past 1) of a whole number?"""
    return np.abs(scaled - np.round(scaled)) <= 1e-9 * np.maximum(1.0, np.abs(scaled))


def detect_decimals(x: np.ndarray, single: bool = False) -> int | None:
    """Fewest decimals (0 to 6, or to 9 written exactly) that every finite value is written with,
    or None.

    A value within 1e-9 of a multiple of 10**-d counts as written with d decimals (float64's
    noise: 0.1 + 0.2); past ``MAX_DECIMALS`` within 1e-6 of 10**-d (``FINE_DECIMALS``), unless that multiple is 0 while the value is not noise beside the
    column's largest (more than 1e-12 of it): a column of 3e-10 or 1e-300 has no decimals
    to count, where rounding made every value 0. ``single``: the values are float32's, so a
    value counts when it is the float32 nearest to a multiple (float32's 0.12 is 0.1199999973).
    """
    x = x[np.isfinite(x)]
    if x.size == 0:
        return None
    x = np.unique(x)
    largest = np.abs(x).max()
    if largest >= 1e15:  # beyond 2**53 / 10: float64 has no decimals left to count
        return 0 if np.all(x == np.round(x)) else None
    kept = np.abs(x) > 1e-12 * largest  # values rounding must not make 0
    for d in range((MAX_DECIMALS if single else FINE_DECIMALS) + 1):
        scaled = x * 10.0**d
        whole = np.round(scaled)
        if single:
            near = np.all((whole / 10.0**d).astype(np.float32) == x.astype(np.float32))
        elif d > MAX_DECIMALS:
            near = np.all(np.abs(scaled - whole) <= 1e-6)
        else:
            near = np.all(_on_whole(scaled))
        if near and np.all(whole[kept] != 0):
            return d
    return None


def value_decimals(x: np.ndarray, decimals: int) -> np.ndarray:
    """(n,) the fewest decimals, 0 to ``decimals``, each value is written with (float64's noise
    allowed, as in ``detect_decimals``)."""
    out = np.full(x.shape, decimals, dtype=np.int64)
    for k in range(decimals - 1, -1, -1):  # a loop over decimals: the fewest is set last
        scaled = x * 10.0**k
        out[_on_whole(scaled)] = k
    return out


def precision_shares(counts: np.ndarray) -> np.ndarray:
    """(d + 1,) shares of values rounded to 0..d decimals, from the (d + 1,) counts of values
    whose fewest decimals are 0..d.

    A value rounded to k decimals shows fewer when its last digits happen to be 0: one time in
    ten per digit, digits being spread evenly. So the counts overstate the short values (a tenth
    of true two-decimal prices end in 0), and the shares q solve, by nonnegative least squares,
    P(fewest <= j) = sum_k q_k P(fewest <= j | rounded to k), with P(fewest <= j | k) = 1 for
    k <= j and 10**(j - k) beyond.
    """
    d = counts.size - 1
    j, k = np.arange(d + 1)[:, None], np.arange(d + 1)[None, :]
    given = np.where(k <= j, 1.0, 10.0 ** (j - k))  # (d + 1, d + 1) P(fewest <= j | k)
    q, _ = nnls(given, np.cumsum(counts) / counts.sum())
    return q / q.sum()


def detect_step(x: np.ndarray, decimals: int | None) -> float | None:
    """The grid ``min(x) + k * step`` every value sits on, when coarser than ``10**-decimals``.

    In units of the last decimal, ``step`` is the greatest common divisor of the distances from
    the smallest value. It is kept only when its m distinct values landing on it by chance,
    ``step ** -(m - 1)`` for values spread at random, is at most ``STEP_EVIDENCE``: three
    salaries 1,000 apart are a grid, three even numbers are not.
    """
    if decimals is None:
        return None
    units = np.unique(np.round(x * 10.0**decimals))  # (m,) whole numbers of the last decimal
    if units.size < 2 or np.abs(units).max() >= 2.0**53:  # past 2**53 float64 skips integers
        return None
    step = int(np.gcd.reduce((units - units[0]).astype(np.int64)))
    if step < 2 or (units.size - 1) * np.log(step) < -np.log(STEP_EVIDENCE):
        return None
    return step / 10.0**decimals


@register
class NumericalTransformer(ColumnTransformer):
    """A numerical column: ints (also nullable), floats, durations (timedelta64) and
    ``decimal.Decimal`` objects (what pyarrow gives for a Parquet DECIMAL column), and numbers
    written as text (``schema.text_number_form``: "24.20", with up to three texts such as "?"
    or "-" for its missing values, beside NaN), restored to the input's dtype and type (text in
    the form it was written). Each way of writing a missing value is a slot of its own
    (``missing_kinds``), so "?" and NaN come back at their own rates, and a condition can ask
    for either.

    A duration is encoded as a count of its coarsest unit that divides every value (``unit``:
    days, hours, ... nanoseconds), so "20 minutes" comes back whole; a Decimal column comes back
    as Decimals with its largest number of decimal places (``scale``); an object column of
    Python ints or floats (``schema.number_objects``) as such objects (``objects``).
    """

    kind_name = "numerical"

    def __init__(self, column: str = "", n_modes: int = 10, sample_cap: int = GMM_SAMPLE_CAP,
                 code: str | None = "auto") -> None:
        self.column = column
        self.code_rule = code  # "auto": detect_code decides; None: plain numbers; or the code to use
        self.encoder = ContinuousEncoder(n_modes, sample_cap)
        self.dtype = "float64"
        self.na = "nan"
        self.unit: str | None = None  # durations: the unit their counts are in
        self.scale: int | None = None  # Decimal objects: decimal places written back
        self.code: str | None = None  # whole numbers writing a time or date (HHMM ...; see codes)
        self.text: str | None = None  # numbers written as text: their form ("%d", "%.2f", "shortest")
        self.objects: str | None = None  # an object column of Python numbers: "int" or "float"
        # How each missing slot is written: a text ("?") or None, the column's own missing value
        # (NaN, None, pd.NA). [None] for a column of numbers with missing values; [] for none.
        self.missing_kinds: list[str | None] = []
        self.inf_texts: tuple[str, ...] = ("inf", "-inf")  # numbers as text: how they write inf, -inf
        # An int column's point masses beyond 2**53, where float64 cannot tell neighbours apart
        # (a sentinel such as int64's maximum): the exact int of each of ``encoder.points``.
        self.exact_points: list[int] | None = None
        # An 8-byte int column whose values lie past 2**53 but within 2**53 of each other (account
        # numbers 2**62 + k): its smallest value, exact; the encoder sees each value less it, which
        # float64 holds exactly, where the values themselves would round onto a few floats.
        self.offset: int | None = None

    def fit(self, s: pd.Series, rng: np.random.Generator) -> NumericalTransformer:
        self.column, self.dtype, self.na = str(s.name), dtype_name(s.dtype), missing_marker(s)
        self.unit = _duration_unit(s) if _is_duration(s.dtype) else None
        self.scale = _decimal_scale(s) if is_decimal(s) else None
        self.objects = number_objects(s.dropna())
        self.code, self.text, self.inf_texts = None, None, ("inf", "-inf")
        is_text = s.dtype == object or isinstance(s.dtype, pd.StringDtype)  # object, string[python|pyarrow]
        written = text_number_form(s, 0) if is_text and self.scale is None else None
        texts: tuple[str, ...] = ()
        if written is not None:
            self.text, texts = written
        self.missing_kinds = [None] * bool(s.isna().any()) + list(texts)
        self.offset = None if self.objects is not None else _int_offset(s)
        x = self._floats(s)
        if self.text is not None and np.isinf(x).any():  # "Infinity" comes back as written
            as_written = s.to_numpy(dtype=object)
            self.inf_texts = tuple(str(as_written[sign(x)][0]) if sign(x).any() else default
                                   for sign, default in ((np.isposinf, "inf"), (np.isneginf, "-inf")))
        whole = pd.api.types.is_integer_dtype(s.dtype) or self.unit is not None or self.text == "%d" \
            or self.objects == "int"
        single = getattr(s.dtype, "numpy_dtype", s.dtype) == np.float32  # float32, Float32, float[pyarrow]
        decimals = 0 if whole else detect_decimals(x, single=single)
        if decimals == 0 and self.unit is None and self.scale is None and self.text is None and self.objects != "float" \
                and self.offset is None:
            self.code = detect_code(x) if self.code_rule == "auto" else self.code_rule
            x = x if self.code is None else self._floats(s)  # the counts, every value checked
        self.encoder.fit(x, rng, decimals, missing_labels(self.missing_kinds))
        self.exact_points = _exact_points(s, self.encoder.points) if self.code is None else None
        return self

    @property
    def missing_texts(self) -> list[str]:
        """The texts that write this column's missing values ("?"), besides NaN."""
        return [k for k in self.missing_kinds if k is not None]

    def missing_slot(self, value: Any) -> int | None:
        """The encoder slot of missing values written as ``value`` (see ``missing_kind_slot``)."""
        return missing_kind_slot(self.encoder, self.missing_kinds, value)

    def point_values(self) -> list[float]:
        """The column's point masses as it writes them (codes, not their counts)."""
        if self.offset is not None:
            return [int(p) + self.offset for p in self.encoder.points]
        points = np.asarray(self.encoder.points, dtype=np.float64)
        return (points if self.code is None else from_counts(points, self.code)).tolist()

    def counted(self, value: Any) -> Any:
        """A condition's duration (Timedelta, timedelta, np.timedelta64 or text such as "20min")
        in counts of ``unit``, a Decimal as a float; any other value as it is."""
        if self.unit is not None and isinstance(value, (pd.Timedelta, datetime.timedelta, np.timedelta64, str)):
            try:
                stamp = pd.Timedelta(value)
            except ValueError:
                return value
            return math.nan if stamp is pd.NaT else stamp / pd.Timedelta(_UNIT_NS[self.unit], "ns")
        if self.scale is not None and isinstance(value, decimal.Decimal) and value.is_finite():
            return float(value)
        return value

    def encoded(self, number: float | int) -> float | None:
        """``number`` as the encoder sees it (a code's count, an offset int's distance from the
        offset: exact for a Python int), None when it is no valid code."""
        if self.offset is not None:
            return float(int(number) - self.offset) if float(number).is_integer() else number
        if self.code is None:
            return number
        x = np.array([number], dtype=np.float64)
        if math.isnan(number) or len(not_codes(x, self.code)):
            return None
        return float(to_counts(x, self.code)[0])

    @property
    def spans(self) -> list[Span]:
        return self.encoder.spans(self.column)

    def transform(self, s: pd.Series) -> np.ndarray:
        return self.encoder.transform(self._floats(s), missing_kind_codes(s, self.missing_kinds))

    def _floats(self, s: pd.Series) -> np.ndarray:
        """(n,) float64 values, NaN where missing; durations in counts of ``unit``, codes in
        what they count."""
        if self.text is not None:  # numbers written as text: a text that is none raises
            values = without_text(s, self.missing_texts)
            numbers = pd.to_numeric(values, errors="coerce")
            odd = values[numbers.isna().to_numpy() & values.notna().to_numpy()]
            if len(odd):
                texts = " and ".join(repr(t) for t in self.missing_texts)
                known = f" and {texts} for missing values" if texts else ""
                raise ValueError(f"holds the text {odd.iloc[0]!r}, which is no number (when fitted it "
                                 f"held numbers written as text{known})")
            return numbers.to_numpy(dtype=np.float64, na_value=np.nan)
        if self.offset is not None:
            return _minus_offset(s, self.offset)
        if self.unit is None:
            x = s.to_numpy(dtype=np.float64, na_value=np.nan)
            if self.code is None:
                return x
            bad = not_codes(x, self.code)
            if len(bad):  # a table other than the fitted one (a warm start): no count to give
                raise ValueError(f"value {bad[0]:g} is no {self.code.upper()} code, as every value was "
                                 "when fitted")
            return to_counts(x, self.code)
        counts, own = _duration_counts(s)
        return np.where(s.isna().to_numpy(), np.nan, counts / (_UNIT_NS[self.unit] / _UNIT_NS[own]))

    def inverse_compact(self, c: np.ndarray, rng: np.random.Generator, generated: bool = False) -> pd.Series:
        """Decoded values; ``generated`` rows (not encoded real ones) get their decimals drawn
        where the column mixes them (see ``ContinuousEncoder.precision``)."""
        return self.restore(self.inverse_numbers(c, rng, generated), self.encoder.missing_kinds(c))

    def inverse_numbers(self, c: np.ndarray, rng: np.random.Generator, generated: bool = False) -> np.ndarray:
        """Decoded values as ``numbers`` gives them; ``restore`` writes them as the column does."""
        x = self.encoder.inverse_compact(c, rng if generated else None)
        return x if self.code is None else from_counts(x, self.code)

    def numbers(self, s: pd.Series) -> np.ndarray:
        """(n,) float64 values as the column writes them (codes as codes, not what they count),
        NaN where missing; durations in counts of ``unit``; an offset int's less ``offset``."""
        if self.code is None:
            return self._floats(s)
        return s.to_numpy(dtype=np.float64, na_value=np.nan)

    def restore(self, x: np.ndarray, kinds: np.ndarray | None = None) -> pd.Series:
        """(n,) float64 values as the column writes them (NaN for missing) -> the column's Series,
        in its dtype and form; ``kinds`` (n,) says how each missing value is written (an index
        into ``missing_kinds``; all the first when not given)."""
        if self.unit is not None:
            return self._durations(x)
        if self.scale is not None:
            return self._decimals(x)
        if self.text is not None:
            return self._texts(x, kinds)
        if self.objects is not None:
            return self._objects(x)
        if self.offset is not None:
            return _plus_offset(x, self.offset, self.dtype, self.column)
        out = restore_numeric(x, self.dtype, self.na, self.column)
        for point, exact in zip(self.encoder.points, self.exact_points or ()):
            out[x == point] = exact
        return out

    def _objects(self, x: np.ndarray) -> pd.Series:
        missing = np.isnan(x)
        out = np.empty(len(x), dtype=object)
        present = x[~missing]
        out[~missing] = (np.round(present).astype(np.int64) if self.objects == "int" else present).tolist()
        out[missing] = MISSING_VALUES[self.na]
        return pd.Series(out, name=self.column, dtype=object)

    def _texts(self, x: np.ndarray, kinds: np.ndarray | None) -> pd.Series:
        missing = np.isnan(x)
        out = np.empty(len(x), dtype=object)
        finite = np.isfinite(x)
        out[finite] = format_numbers(x[finite], str(self.text))
        out[np.isposinf(x)], out[np.isneginf(x)] = self.inf_texts
        out[missing] = missing_written(self.missing_kinds, MISSING_VALUES[self.na], kinds, len(x))[missing]
        series = pd.Series(out, name=self.column, dtype=object)
        return series if self.dtype == "object" else series.astype(as_dtype(self.dtype))

    def _durations(self, x: np.ndarray) -> pd.Series:
        """Counts of ``unit`` as durations of the column's own resolution, in int64 (a duration
        in seconds may run past 292 years, where nanoseconds wrap round)."""
        missing = np.isnan(x)
        dtype = as_dtype(self.dtype)
        own = _resolution(dtype)
        counts = np.round(np.where(missing, 0, x)).astype(np.int64) * (_UNIT_NS[self.unit] // _UNIT_NS[own])  # (n,)
        if isinstance(dtype, pd.ArrowDtype):  # straight to arrow: pandas' cast goes through floats
            import pyarrow as pa

            arrow = pa.array(counts, mask=missing).cast(dtype.pyarrow_dtype)
            return pd.Series(pd.arrays.ArrowExtensionArray(arrow), name=self.column)
        out = pd.Series(counts.view(f"timedelta64[{own}]"), name=self.column)
        out[missing] = pd.NaT
        return out.astype(as_dtype(self.dtype))

    def _decimals(self, x: np.ndarray) -> pd.Series:
        missing = np.isnan(x)
        rounded = np.round(np.where(missing, 0.0, x), self.scale) + 0.0  # + 0.0: no "-0.00"
        text = np.char.mod(f"%.{self.scale}f", rounded)  # (n,) the digits, vectorised
        # One Decimal per row: a Python object each, as the input held (no array type has them).
        out = np.array([decimal.Decimal(t) for t in text], dtype=object)
        out[missing] = MISSING_VALUES[self.na]
        return pd.Series(out, name=self.column, dtype=object)

    def to_dict(self) -> dict[str, Any]:
        return {"type": self.kind_name, "column": self.column, "dtype": self.dtype, "na": self.na,
                "unit": self.unit, "scale": self.scale, "code": self.code, "text": self.text,
                "objects": self.objects,
                "missing_kinds": self.missing_kinds, "inf_texts": list(self.inf_texts),
                "exact_points": self.exact_points, "offset": self.offset, "encoder": self.encoder.to_dict()}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> NumericalTransformer:
        t = cls(d["column"])
        t.dtype, t.na, t.encoder = d["dtype"], d["na"], ContinuousEncoder.from_dict(d["encoder"])
        t.unit, t.scale = d.get("unit"), d.get("scale")  # absent in files before 2026-12-02
        t.code = d.get("code")  # absent in files written before 2026-12-02
        t.text = d.get("text")  # likewise
        t.objects = d.get("objects")  # absent in files written before 2026-12-03
        t.inf_texts = tuple(d.get("inf_texts", ("inf", "-inf")))  # absent before 2026-12-03
        t.exact_points = d.get("exact_points")  # likewise
        t.offset = d.get("offset")  # absent in files written before 2026-12-04
        if t.offset is not None and (type(t.offset) is not int or abs(t.offset) >= 2**64):
            raise ValueError(f"offset {t.offset!r} is no 64-bit int")
        t.missing_kinds = read_missing_kinds(d, t.encoder.has_missing)
        return t


# ---------------------------------------------------------------- kinds of missing values
# A column of numbers or dates written as text may write its missing values in several ways (NaN
# and "?", or "-" and "unknown"): ``kinds``, one per missing slot of its ContinuousEncoder, list
# them, a text or None for the column's own missing value (NaN, None, pd.NA, NaT).


def missing_labels(kinds: Sequence[str | None]) -> list[str]:
    """The encoder's labels of the missing slots of ``kinds`` ("missing", "missing '?'")."""
    return ["missing" if k is None else f"missing {k!r}" for k in kinds] or ["missing"]


def read_missing_kinds(d: dict[str, Any], has_missing: bool) -> list[str | None]:
    """A transformer state's ``missing_kinds``; a file written before 2026-12-03 holds one
    ``missing_text`` instead, which a column with missing values of its own had none of."""
    if "missing_kinds" in d:
        return list(d["missing_kinds"])
    text = d.get("missing_text")
    return ([None] if text is None else [text]) if has_missing else []


def missing_kind_codes(s: pd.Series, kinds: Sequence[str | None]) -> np.ndarray | None:
    """(n,) int64 each row's kind of missing value (an index into ``kinds``; 0 where present),
    None when the column writes its missing values one way."""
    if len(kinds) < 2:
        return None
    codes = np.zeros(len(s), dtype=np.int64)
    missing = s.isna().to_numpy()
    written = np.full(len(s), None, dtype=object)
    written[~missing] = s[~missing].astype(str).to_numpy()
    for j, kind in enumerate(kinds):  # a loop over up to four kinds
        codes[missing if kind is None else written == kind] = j
    return codes


def missing_kind_slot(enc: ContinuousEncoder, kinds: Sequence[str | None], value: Any) -> int | None:
    """The slot of ``enc`` of missing values written as ``value`` (one of ``kinds``' texts, or
    None, NaN, pd.NA or NaT for the column's own missing value, which also asks for the one
    missing text of a column that has no other); None when there is no such slot."""
    own = value is None or value is pd.NA or value is pd.NaT or (
        isinstance(value, (float, np.floating)) and math.isnan(value))
    if not enc.has_missing or not (own or isinstance(value, str)):
        return None
    if own and None not in kinds and len(kinds) == 1:
        return enc.n_slots - 1
    kind = None if own else value
    return enc.n_slots - enc.n_missing + list(kinds).index(kind) if kind in kinds else None


def missing_written(kinds: Sequence[str | None], own: Any, codes: np.ndarray | None, n: int) -> np.ndarray:
    """(n,) object: how each row's missing value is written, from its kind's code (``codes``;
    -1, or None for all: the first kind): the kind's text, or ``own`` for None."""
    written = np.empty(max(len(kinds), 1), dtype=object)  # element by element: pd.NA stays itself
    written[:] = [own if k is None else k for k in kinds] or [own]
    return np.full(n, written[0], dtype=object) if codes is None else written[np.clip(codes, 0, len(written) - 1)]


# Duration units from the coarsest, in nanoseconds.
_UNIT_NS = {"D": 86_400 * 10**9, "h": 3600 * 10**9, "min": 60 * 10**9, "s": 10**9, "ms": 10**6,
            "us": 10**3, "ns": 1}


def _duration_unit(s: pd.Series) -> str:
    """The coarsest unit of ``_UNIT_NS`` that divides every duration of ``s`` (its own resolution
    at the finest)."""
    counts, own = _duration_counts(s.dropna())
    return next(u for u, size in _UNIT_NS.items()
                if size >= _UNIT_NS[own] and (counts % (size // _UNIT_NS[own]) == 0).all())


def _is_duration(dtype: Any) -> bool:
    """timedelta64 of any unit, or pyarrow's duration (both of numpy's kind "m")."""
    return getattr(dtype, "kind", "") == "m"


def _resolution(dtype: Any) -> str:
    """The unit ("s", "ms", "us" or "ns") a timedelta64 or pyarrow duration dtype counts in."""
    return dtype.pyarrow_dtype.unit if isinstance(dtype, pd.ArrowDtype) else np.datetime_data(dtype)[0]


def _duration_counts(s: pd.Series) -> tuple[np.ndarray, str]:
    """(n,) int64 counts of the durations of ``s`` in its own resolution (NaT as int64's minimum),
    and that resolution. Not in nanoseconds: 9,999 years in seconds would wrap round past 2**63."""
    own = _resolution(s.dtype)
    return s.to_numpy(dtype=f"timedelta64[{own}]", na_value=np.timedelta64("NaT", own)).view(np.int64), own


def _decimal_scale(s: pd.Series) -> int:
    """The most decimal places a Decimal of ``s`` is written with (a loop over distinct values)."""
    exponents = [v.as_tuple().exponent for v in s.dropna().unique()]
    return max([0] + [-e for e in exponents if isinstance(e, int) and e < 0])


def _exact_points(s: pd.Series, points: Sequence[float]) -> list[int] | None:
    """For an int column with a point mass beyond 2**53: the commonest int of ``s`` that each
    point (a float64) stands for; None otherwise."""
    if not pd.api.types.is_integer_dtype(s.dtype) or not any(abs(p) >= 2**53 for p in points):
        return None
    ints = s.dropna().to_numpy(dtype=getattr(s.dtype, "numpy_dtype", s.dtype))  # (n,) exact
    out = []
    for p in points:
        values, counts = np.unique(ints[ints.astype(np.float64) == p], return_counts=True)
        out.append(int(values[np.argmax(counts)]))
    return out


def _int_offset(s: pd.Series) -> int | None:
    """The smallest value of an 8-byte int column whose values lie past 2**53 (where float64 tells
    only some ints apart) but within 2**53 of each other; None for any other column."""
    numpy_dtype = getattr(s.dtype, "numpy_dtype", s.dtype)
    if not (pd.api.types.is_integer_dtype(s.dtype) and numpy_dtype.itemsize == 8) or not s.notna().any():
        return None
    lo, hi = int(s.min()), int(s.max())  # exact: pandas' min and max of ints are ints
    return lo if max(abs(lo), abs(hi)) >= 2**53 and hi - lo < 2**53 else None


def _minus_offset(s: pd.Series, offset: int) -> np.ndarray:
    """(n,) float64 values of an 8-byte int column less ``offset``, NaN where missing: exact
    within 2**53 of it (the difference in two's complement, which wraps the same for int64 and
    uint64 alike), as close as float64 gets beyond 2**62 (a value of another table)."""
    numpy_dtype = getattr(s.dtype, "numpy_dtype", s.dtype)
    missing = s.isna().to_numpy()
    ints = s.to_numpy(dtype=numpy_dtype, na_value=0) if missing.any() else s.to_numpy(dtype=numpy_dtype)
    out = (ints.view(np.uint64) - np.uint64(offset % 2**64)).view(np.int64).astype(np.float64)
    approx = ints.astype(np.float64) - float(offset)
    far = np.abs(approx) >= 2.0**62
    out[far] = approx[far]
    out[missing] = np.nan
    return out


def _plus_offset(x: np.ndarray, offset: int, dtype: str, name: str) -> pd.Series:
    """(n,) float64 values less ``offset`` (NaN for missing; whole and within 2**53, as the
    encoder's inverse clips them) back as a Series of the 8-byte int ``dtype``, exact."""
    missing = np.isnan(x)
    rel = np.round(np.where(missing, 0.0, x)).astype(np.int64)
    numpy_dtype = getattr(as_dtype(dtype), "numpy_dtype", as_dtype(dtype))
    ints = (rel.view(np.uint64) + np.uint64(offset % 2**64)).view(numpy_dtype)
    if not missing.any():
        return pd.Series(ints, name=name).astype(as_dtype(dtype))
    out = pd.Series(ints, name=name).astype(as_dtype(nullable_dtype(dtype)))
    out[missing] = pd.NA
    return out


def _int_range(dtype: Any) -> tuple[float, float] | None:
    """The float64s at the ends of an int dtype's range (int64's maximum, 2**63 - 1, is no float64:
    its float is 2**63, which wraps round to the minimum when cast); None for other dtypes."""
    numpy_dtype = getattr(dtype, "numpy_dtype", dtype)
    if not (isinstance(numpy_dtype, np.dtype) and numpy_dtype.kind in "iu"):
        return None
    info = np.iinfo(numpy_dtype)
    lo, hi = float(info.min), float(info.max)
    return lo, hi if int(hi) <= info.max else float(np.nextafter(hi, 0.0))


def restore_numeric(x: np.ndarray, dtype: str, na: str, name: str) -> pd.Series:
    """Float64 values (NaN for missing) as a Series of ``dtype``, missing written as the input did;
    an int dtype's values kept within its range."""
    ends = _int_range(as_dtype(dtype))
    if ends is not None:
        x = np.clip(x, *ends)  # NaN stays NaN
    missing = np.isnan(x)
    if not missing.any():
        return pd.Series(x, name=name).astype(as_dtype(dtype))
    out = pd.Series(x, name=name).astype(as_dtype(nullable_dtype(dtype)))  # numpy ints cannot hold NaN
    if na in ("none", "na") and out.dtype == object:
        out[missing] = MISSING_VALUES[na]
    return out
