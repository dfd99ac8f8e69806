import os

import pytest
import torch

from tabgan import datasets

# Two pytest-xdist workers share two cores: one torch thread each keeps them from fighting.
if os.environ.get("PYTEST_XDIST_WORKER"):
    torch.set_num_threads(1)


@pytest.fixture(scope="session")
def adult():
    return datasets.load_adult()


@pytest.fixture(scope="session")
def flights():
    return datasets.load_flights()
