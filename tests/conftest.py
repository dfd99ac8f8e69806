import os

import torch

# Two pytest-xdist workers share two cores: one torch thread each keeps them from fighting.
if os.environ.get("PYTEST_XDIST_WORKER"):
    torch.set_num_threads(1)
