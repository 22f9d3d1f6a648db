# Two commands on a fresh machine: `make demo` (the main job) and `make test` (the test suite).
# Each creates and fills .venv when it is missing.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
# A CPU build of torch for machines without one. A user who already has torch (e.g. a CUDA build)
# in the Python that creates the venv keeps it: the venv then sees the system site-packages.
TORCH_SPEC ?= torch==2.13.0

.PHONY: demo test install clean bench

$(BIN)/oyrl: pyproject.toml
	@if $(PYTHON) -c "import torch" 2>/dev/null; then \
		echo "Using the torch already installed for $(PYTHON)"; \
		$(PYTHON) -m venv --system-site-packages $(VENV); \
	else \
		$(PYTHON) -m venv $(VENV); \
		$(BIN)/pip install -q --upgrade pip; \
		$(BIN)/pip install -q "$(TORCH_SPEC)"; \
	fi
	$(BIN)/pip install -q -e ".[test]"
	@touch $(BIN)/oyrl

install: $(BIN)/oyrl

# The quickstart replaces its own previous run (runs/quickstart) and nothing else.
demo: $(BIN)/oyrl
	$(BIN)/oyrl train experiments/quickstart.yaml --overwrite

test: $(BIN)/oyrl
	$(BIN)/python -m pytest -q

bench: $(BIN)/oyrl
	$(BIN)/python experiments/benchmarks/bench_env.py

clean:
	rm -rf $(VENV) build dist *.egg-info .pytest_cache
