"""Every notebook runs, top to bottom, with a tiny budget (TABGAN_NOTEBOOK_BUDGET=tiny).

The code cells are read from the .ipynb JSON and run as one script in a fresh interpreter, so
no Jupyter packages are needed; a cell's last expression is evaluated and dropped, as a
notebook would display it. Outputs are stripped in the repository (checked here too).
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

NOTEBOOKS = sorted((Path(__file__).resolve().parent.parent / "notebooks").glob("*.ipynb"))


def test_there_are_three_notebooks():
    assert len(NOTEBOOKS) >= 3


@pytest.mark.slow
@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_runs_with_a_tiny_budget(path, tmp_path):
    doc = json.loads(path.read_text())
    code = [c for c in doc["cells"] if c["cell_type"] == "code"]
    assert all(not c.get("outputs") and c.get("execution_count") is None for c in code), "strip the outputs"
    script = "\n\n".join("".join(c["source"]) for c in code)
    env = {**os.environ, "TABGAN_NOTEBOOK_BUDGET": "tiny", "OMP_NUM_THREADS": "1"}
    done = subprocess.run([sys.executable, "-c", script], cwd=tmp_path, env=env, capture_output=True, text=True,
                          timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
