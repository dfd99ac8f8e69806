"""The Gower-like distance matches sdmetrics', and the blocked search matches brute force."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from tabgan.evaluation import distance_to_closest_record
from tabgan.evaluation.distances import GowerEncoder, _block_distance, _ColumnRules, nearest


def _adult_metadata(table: pd.DataFrame) -> dict[str, dict[str, dict[str, str]]]:
    return {
        "columns": {
            c: {"sdtype": "categorical" if table[c].dtype == object else "numerical"}
            for c in table.columns
        }
    }


@pytest.fixture(scope="module")
def small_samples(adult: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """Three small Adult samples with missing values and a near-constant column added."""
    rng = np.random.default_rng(3)
    order = rng.permutation(len(adult))
    frames = {}
    for name, rows in (
        ("train", order[:400]),
        ("synthetic", order[400:700]),
        ("holdout", order[700:1100]),
    ):
        frame = adult.iloc[rows].reset_index(drop=True)
        frame.loc[rng.random(len(frame)) < 0.1, "age"] = np.nan
        frame.loc[rng.random(len(frame)) < 0.1, "occupation"] = np.nan
        frame["flag"] = np.where(rng.random(len(frame)) < 0.02, 4.0, 3.0)
        frames[name] = frame
    frames["train"]["flag"] = 3.0  # constant in the reference: the 0/1 rule applies
    return frames


def test_dcr_matches_sdmetrics_row_by_row(small_samples: dict[str, pd.DataFrame]) -> None:
    from sdmetrics.single_table.privacy.dcr_utils import calculate_dcr

    data, reference = small_samples["synthetic"], small_samples["train"]
    metadata = _adult_metadata(reference)
    ours = distance_to_closest_record(data, reference, metadata)
    theirs = calculate_dcr(data, reference, metadata).to_numpy()
    np.testing.assert_allclose(ours, theirs, rtol=0, atol=1e-12)


@pytest.mark.gpu
def test_dcr_on_cuda_equals_the_cpu_search(small_samples: dict[str, pd.DataFrame]) -> None:
    data, reference = small_samples["synthetic"], small_samples["train"]
    metadata = _adult_metadata(reference)
    on_cpu = distance_to_closest_record(data, reference, metadata, device="cpu")
    on_cuda = distance_to_closest_record(data, reference, metadata, device="cuda")
    np.testing.assert_allclose(on_cuda, on_cpu, rtol=0, atol=1e-12)


def test_dcr_share_matches_sdmetrics_overfitting_protection(
    small_samples: dict[str, pd.DataFrame],
) -> None:
    from sdmetrics.single_table import DCROverfittingProtection

    train, synthetic, holdout = (small_samples[k] for k in ("train", "synthetic", "holdout"))
    metadata = _adult_metadata(train)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        theirs = DCROverfittingProtection.compute_breakdown(
            train, synthetic, holdout, metadata, table_name=None
        )
    to_train = distance_to_closest_record(synthetic, train, metadata)
    to_holdout = distance_to_closest_record(synthetic, holdout, metadata)
    closer = float(np.mean(to_train < to_holdout))  # sdmetrics counts ties as "holdout"
    assert closer == pytest.approx(theirs["synthetic_data_percentages"]["closer_to_training"])
    assert min(2 * (1 - closer), 1.0) == pytest.approx(theirs["score"])


def _brute_force(query: np.ndarray, reference: np.ndarray, span: np.ndarray) -> np.ndarray:
    """Full (n, m) distance matrix of purely numerical rows with missing values, for checks."""
    q, r = query[:, None, :], reference[None, :, :]
    term = np.where(span > 0, np.minimum(np.abs(q - r) / np.where(span > 0, span, 1), 1), q != r)
    either, both = np.isnan(q) | np.isnan(r), np.isnan(q) & np.isnan(r)
    term = np.where(either, np.where(both, 0.0, 1.0), term)
    return term.mean(axis=2)


@settings(max_examples=30, deadline=None)
@given(
    n_query=st.integers(1, 40),
    n_reference=st.integers(2, 40),
    query_block=st.integers(1, 16),
    reference_block=st.integers(1, 16),
    seed=st.integers(0, 2**16),
)
def test_blocked_search_equals_brute_force(
    n_query: int, n_reference: int, query_block: int, reference_block: int, seed: int
) -> None:
    rng = np.random.default_rng(seed)
    query = rng.integers(0, 5, size=(n_query, 3)).astype(float)  # small ints: many ties
    reference = rng.integers(0, 5, size=(n_reference, 3)).astype(float)
    query[rng.random(query.shape) < 0.15] = np.nan
    reference[rng.random(reference.shape) < 0.1] = np.nan
    reference[:, 2] = 1.0  # a constant column of the fitted table
    encoder = GowerEncoder.fit(reference, [])
    cpu = torch.device("cpu")
    q = encoder.encode(query, np.zeros((n_query, 0), dtype=np.int64), cpu, torch.float64)
    r = encoder.encode(reference, np.zeros((n_reference, 0), dtype=np.int64), cpu, torch.float64)
    blocks = {"query_block": query_block, "reference_block": reference_block}
    found = nearest(q, r, k=2, reference_min=True, indices=True, **blocks)
    fast = nearest(q, r, k=2, **blocks)  # the index-free reductions
    full = _brute_force(query, reference, encoder.span)  # (n_query, n_reference)
    expected = np.sort(full, axis=1)[:, :2]
    np.testing.assert_allclose(found.distances, expected, atol=1e-12)
    np.testing.assert_allclose(fast.distances, expected, atol=1e-12)
    np.testing.assert_allclose(found.reference_min, full.min(axis=0), atol=1e-12)
    picked = full[np.arange(n_query)[:, None], found.indices]
    np.testing.assert_allclose(picked, expected, atol=1e-12)


def test_categorical_terms_count_mismatches_wide_and_narrow() -> None:
    codes_q = np.array([[0, 300], [1, -1], [-1, 5]])
    codes_r = np.array([[0, 300], [1, 5], [-1, -1]])
    encoder = GowerEncoder.fit(np.zeros((3, 0)), [2, 400])  # the second is one-hot-too-wide
    cpu = torch.device("cpu")
    q = encoder.encode(np.zeros((3, 0)), codes_q, cpu, torch.float64)
    r = encoder.encode(np.zeros((3, 0)), codes_r, cpu, torch.float64)
    block = _block_distance(q, r, _ColumnRules.of(q, r)).numpy()
    expected = (codes_q[:, None, :] != codes_r[None, :, :]).mean(axis=2)
    np.testing.assert_allclose(block, expected)
