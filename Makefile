# Two commands work on a fresh machine: `make demo` and `make test`. Each builds .venv first.
VENV ?= .venv
PY := $(VENV)/bin/python
PYTEST_ARGS ?=
# Where the CPU build of torch comes from: PyTorch's CPU index (2.13.0+cpu outranks PyPI's CUDA
# 2.13.0), unless PIP_FIND_LINKS names local wheels (this project's machines reach no other index).
TORCH_SOURCE ?= $(if $(PIP_FIND_LINKS),,--extra-index-url https://download.pytorch.org/whl/cpu)

.PHONY: install demo test test-fast bench clean

$(VENV)/.installed: pyproject.toml
	python3 -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	# The CPU build of torch first, so the project's own install never pulls a CUDA build.
	$(PY) -m pip install -q $(TORCH_SOURCE) torch==2.13.0
	$(PY) -m pip install -q -e '.[test]'
	touch $@

install: $(VENV)/.installed

# The real job on the bundled Adult table: hold out 20 %, fit with the default epochs="auto" for at
# most 180 s (keeping the best probed state), so the whole run stays under five minutes on two
# cores; sample as many rows as the training part, evaluate, gate, write synthetic.csv and
# report.html, print the headline scores. Exit 3 if a gate fails.
demo: install
	$(VENV)/bin/tabgan synth datasets/adult.csv.gz -o synthetic.csv --report report.html \
		--target income --max-time 180 --seed 0
	@echo "wrote synthetic.csv and report.html"

# Two test workers on two cores: one math thread each (torch, BLAS, OpenMP), or their thread
# pools fight over the cores and gradient boosting alone runs 10-25x slower.
TEST_ENV := OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 MKL_NUM_THREADS=1

test: install
	$(VENV)/bin/ruff check -q tabgan tests benchmarks
	$(TEST_ENV) $(PY) -m pytest -n 2 -q -rs $(PYTEST_ARGS)

test-fast: install
	$(TEST_ENV) $(PY) -m pytest -n 2 -q -m "not slow" $(PYTEST_ARGS)

bench: install
	$(PY) benchmarks/bench_transformers.py
	$(PY) benchmarks/bench_step.py
	$(PY) benchmarks/bench_probe.py
	$(PY) benchmarks/bench_evaluate.py
	$(PY) benchmarks/bench_quality.py

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache .hypothesis
