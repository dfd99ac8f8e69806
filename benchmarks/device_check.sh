#!/usr/bin/env bash
# The GPU checks, as one short run on a machine with CUDA (the `device` tool's H100/H200).
#
#   quick    (default, about 4 minutes) the GPU tests (pytest -m gpu); the conditional GAN's
#            training step on CUDA beside its bare forward and backward pass (bench_step.py);
#            sampling 32,561 Adult rows on CUDA beside ctgan 0.12.1 on the same GPU
#            (bench_sampling.py: the issue's "10x ctgan's rows per second").
#   quality  (longer, a call of its own) the Adult side by side of bench_quality.py with both
#            tools on the GPU: tabgan's defaults against ctgan's 300 epochs.
#
# First, here (needs the package registry): bash benchmarks/device_wheels.sh
# Then with the device tool: run(command="bash benchmarks/device_check.sh", carry=[".whl"],
# timeout_s=420). Logs and figures go to stdout and to $OUT (the tool's folder that comes back).
# PYTHON=.venv/bin/python DEVICE=cpu bash benchmarks/device_check.sh tries the plumbing on a
# CPU machine (the GPU tests are then skipped).
set -uo pipefail
cd "$(dirname "$0")/.."
stage=${1:-quick}
out=${OUT:-benchmarks/out/device}
py=${PYTHON:-python3}
device=${DEVICE:-cuda}
mkdir -p "$out"
status=0
step() {  # step NAME COMMAND...: run, keep its log, remember a failure and go on
    local name=$1
    shift
    echo "=== $name: $*"
    "$@" 2>&1 | tee "$out/$name.log"
    local rc=${PIPESTATUS[0]}
    [ "$rc" -eq 0 ] || { echo "=== $name failed (exit $rc)"; status=1; }
}

# tabgan's wheels and the incumbent's go to separate folders: ctgan never shares tabgan's path.
site=/tmp/tabgan-site ctgan_site=/tmp/ctgan-site
if [ -d .whl/tabgan ]; then
    "$py" -m pip install -q --no-index --no-deps --no-compile --no-cache-dir --upgrade --target "$site" \
        .whl/tabgan/*.whl || exit 2
    "$py" -m pip install -q --no-index --no-deps --no-compile --no-cache-dir --upgrade --target "$ctgan_site" \
        .whl/ctgan/*.whl || exit 2
fi
export PYTHONPATH="$PWD:$site${PYTHONPATH:+:$PYTHONPATH}"
# bench_*.py run ctgan as $CTGAN_VENV/bin/python: a wrapper that puts its wheels first.
mkdir -p /tmp/ctgan-venv/bin
printf '#!/bin/sh\nPYTHONPATH=%s:%s exec %s "$@"\n' "$ctgan_site" "$site" "$(command -v "$py")" \
    >/tmp/ctgan-venv/bin/python
chmod +x /tmp/ctgan-venv/bin/python
export CTGAN_VENV=/tmp/ctgan-venv CTGAN_REFERENCE=$PWD/.whl/ctgan_reference.py PYTHONUNBUFFERED=1

"$py" - <<'PY' | tee "$out/versions.log"
import platform, numpy, pandas, sklearn, torch
print("python", platform.python_version(), "torch", torch.__version__, "numpy", numpy.__version__,
      "pandas", pandas.__version__, "scikit-learn", sklearn.__version__)
print("cuda", torch.cuda.is_available(), torch.cuda.get_device_name(0) if torch.cuda.is_available() else "-")
PY
command -v nvidia-smi >/dev/null && nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv

case $stage in
quick)
    step gpu_tests "$py" -m pytest -q -rs -p no:cacheprovider -m gpu tests
    step step_cost "$py" benchmarks/bench_step.py --device "$device" --repeats 60
    step sampling "$py" benchmarks/bench_sampling.py --device "$device" --repeats 5 --breakdown
    ;;
quality)
    step quality "$py" benchmarks/bench_quality.py --param "device=$device"
    ;;
*)
    echo "unknown stage $stage: quick or quality" >&2
    exit 2
    ;;
esac
exit $status
