import os

import pytest
import torch

from tabgan import datasets

# Two pytest-xdist workers share two cores: one torch thread each keeps them from fighting.
if os.environ.get("PYTEST_XDIST_WORKER"):
    torch.set_num_threads(1)


def pytest_collection_modifyitems(config, items):
    """Tests marked ``gpu`` run only where torch sees a CUDA device (see benchmarks/device_check.sh)."""
    if torch.cuda.is_available():
        return
    skip = pytest.mark.skip(reason="needs a CUDA device")
    for item in items:
        if "gpu" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def adult():
    return datasets.load_adult()


@pytest.fixture(scope="session")
def flights():
    return datasets.load_flights()
