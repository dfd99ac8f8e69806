#!/usr/bin/env bash
# Fetch, here, what benchmarks/device_check.sh needs on a GPU machine that cannot reach a package
# registry: wheels for its Python (3.12, x86-64) into .whl/ (ignored by git), in two sets, and
# ctgan's reference script. The GPU machine's image already holds torch, numpy, scikit-learn,
# scipy, pyarrow, tqdm, narwhals, pytest, hypothesis and pytest-xdist.
#   .whl/tabgan  what tabgan and its tests need there: sdmetrics and its own needs, and the pandas
#                this project is tested with (with pytz and tzdata, which that image lacks);
#   .whl/ctgan   ctgan 0.12.1, the incumbent, installed apart from tabgan's (never in the project).
# usage: bash benchmarks/device_wheels.sh [PYTHON_VERSION]   (default 3.12; about 30 MB)
set -euo pipefail
cd "$(dirname "$0")/.."
version=${1:-3.12}
fetch() {  # fetch DIR NAME==VERSION...
    local dir=$1
    shift
    python3 -m pip download -q --no-deps --only-binary=:all: --python-version "$version" \
        --implementation cp --platform manylinux_2_28_x86_64 --platform manylinux_2_17_x86_64 \
        --platform manylinux2014_x86_64 -d "$dir" "$@"
}
rm -rf .whl
fetch .whl/tabgan sdmetrics==0.32.0 copulas==0.14.1 plotly==7.1.0 pandas==2.3.3 pytz==2025.2 tzdata==2026.6
fetch .whl/ctgan ctgan==0.12.1 rdt==2.0.0 Faker==40.63.0
cp ../shared/bench/ctgan_reference.py .whl/ctgan_reference.py
du -sh .whl
