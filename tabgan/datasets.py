"""Loaders for the real public tables bundled in the repository's ``datasets/`` folder.

They read local files only (no network). The folder is found next to the package (a source
checkout or an editable install) or where the ``TABGAN_DATASETS`` environment variable points.
Sources and licences are in ``datasets/README.md``.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Literal

import pandas as pd

from tabgan.errors import DataError, ParameterError

__all__ = ["ADULT_TRAIN_ROWS", "data_dir", "load_adult", "load_flights", "load_insurance",
           "load_kddcup99", "load_penguins"]

ADULT_TRAIN_ROWS = 32_561  # the official adult.data split; the remaining 16,281 rows are adult.test


def data_dir() -> Path:
    """The folder holding the bundled CSV files."""
    env = os.environ.get("TABGAN_DATASETS")
    candidates = ([Path(env)] if env else []) + [Path(__file__).resolve().parent.parent / "datasets"]
    for path in candidates:
        if (path / "adult.csv.gz").is_file():
            return path
    raise DataError(f"bundled datasets not found in {', '.join(map(str, candidates))}; "
                    "set TABGAN_DATASETS to the repository's datasets/ folder")


def _read(name: str, **kwargs: object) -> pd.DataFrame:
    return pd.read_csv(data_dir() / name, **kwargs)


def load_adult(split: Literal["train", "test"] | None = None) -> pd.DataFrame:
    """UCI Adult: 48,842 rows, or the official 32,561-row train or 16,281-row test split.

    ``?`` (unknown workclass, occupation or country) is kept as a category, as in the source.
    """
    df = _read("adult.csv.gz")
    if split is None:
        return df
    if split == "train":
        return df.iloc[:ADULT_TRAIN_ROWS].reset_index(drop=True)
    if split == "test":
        return df.iloc[ADULT_TRAIN_ROWS:].reset_index(drop=True)
    raise ParameterError(f"split={split!r} must be None, 'train' or 'test'")


def load_flights() -> pd.DataFrame:
    """nycflights13, every tenth flight (33,678 rows); ``time_hour`` stays ISO-8601 UTC text."""
    return _read("nycflights13_flights_10pct.csv.gz")


def load_kddcup99() -> pd.DataFrame:
    """KDD Cup 1999, 10% subset: 494,021 rows x 42 columns."""
    return _read("kddcup99_10pct.csv.gz")


def load_insurance() -> pd.DataFrame:
    """Medical costs: 1,338 rows x 7 columns, bimodal ``charges``."""
    return _read("insurance.csv.gz")


def load_penguins() -> pd.DataFrame:
    """Palmer penguins: 344 rows x 7 columns with missing values."""
    return _read("penguins.csv.gz")
