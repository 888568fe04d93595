# casebook: `make` lists the targets. Everything runs from the project's own .venv,
# created from requirements.lock on first use; only Python 3.11, pip and make are needed.
# Run from anywhere: `make -C path/to/casebook test` (or `make -f path/to/Makefile`); recipes run at the root.
.DEFAULT_GOAL := help
SHELL := /bin/bash
ROOT := $(patsubst %/,%,$(dir $(abspath $(lastword $(MAKEFILE_LIST)))))

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := $(ROOT)/.venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
JOBS   ?= $(shell nproc 2>/dev/null || echo 2)
# The installer: uv (pinned; bootstrapped with pip into .venv/.uv, outside the environment it manages), or pip as
# the fallback (`make venv INSTALLER=pip`). Both check every wheel against the sha256 hashes of requirements.lock.
UV_VERSION := 0.13.8
UV        := $(VENV)/.uv/bin/uv
INSTALLER ?= uv
LOCK_ARGS := pyproject.toml --extra dev --generate-hashes --python-version 3.11.7 \
	--python-platform x86_64-unknown-linux-gnu --no-header --no-annotate --quiet

# Keep Matplotlib, IPython and Jupyter state inside build/, not in the user's home,
# and fix what would otherwise vary between runs.
export MPLCONFIGDIR       := $(ROOT)/build/.config/matplotlib
export IPYTHONDIR         := $(ROOT)/build/.config/ipython
export JUPYTER_CONFIG_DIR := $(ROOT)/build/.config/jupyter
export JUPYTER_DATA_DIR   := $(ROOT)/build/.local/jupyter
export JUPYTER_RUNTIME_DIR:= $(ROOT)/build/.local/jupyter/runtime
export SOURCE_DATE_EPOCH  := 0
export PYTHONHASHSEED     := 0
export PYDEVD_DISABLE_FILE_VALIDATION := 1
# Python must cache the bytecode it compiles: uv installs no .pyc files, and with PYTHONDONTWRITEBYTECODE set (some
# CI images set it) every process, kernel and test worker compiles pandas and Matplotlib from source again (measured:
# `import pandas` 2.4 s instead of 0.5 s). The first import writes __pycache__/ (ignored by git), later ones read it.
unexport PYTHONDONTWRITEBYTECODE

.PHONY: help venv validate check build html test shell lab bench lock clean

help: ## List the targets
	@awk 'BEGIN {FS = ":.*## "} /^[a-zA-Z_-]+:.*## / {printf "  make %-10s %s\n", $$1, $$2}' $(MAKEFILE_LIST)

$(STAMP): $(ROOT)/requirements.lock $(ROOT)/pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
ifeq ($(INSTALLER),pip)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --require-hashes -r $(ROOT)/requirements.lock
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e $(ROOT)
else
	@test -x $(UV) && [ "$$($(UV) --version)" = "uv $(UV_VERSION)" ] || \
		$(BIN)/python -m pip install --quiet --disable-pip-version-check --target $(VENV)/.uv uv==$(UV_VERSION)
	$(UV) pip sync --quiet --python $(BIN)/python --require-hashes $(ROOT)/requirements.lock
	$(UV) pip install --quiet --python $(BIN)/python --no-deps --no-build-isolation -e $(ROOT)
endif
	@touch $@

venv: $(STAMP) ## Create .venv from requirements.lock (pinned) and install casebook into it

validate: $(STAMP) ## Validate every table under data/ against the data dictionary
	cd $(ROOT) && $(BIN)/casebook validate

check: $(STAMP) ## The inner loop (seconds): ruff, data validation and every test that executes no notebook
	cd $(ROOT) && $(BIN)/ruff check --quiet .
	cd $(ROOT) && $(BIN)/casebook validate > /dev/null
	cd $(ROOT) && CASEBOOK_NO_KERNELS=1 $(BIN)/python -m pytest -q -m "not slow" -n 2 --dist loadfile tests/unit src/casebook/reports

build: $(STAMP) ## Validate the data, execute every notebook headless, write figures/, tables/ and build/site/
	cd $(ROOT) && $(BIN)/casebook build --jobs $(JOBS)
	cd $(ROOT) && $(BIN)/casebook html

html: $(STAMP) ## Write the static HTML bundle build/site/index.html (no server, no network needed)
	cd $(ROOT) && $(BIN)/casebook html

test: $(STAMP) ## The whole suite (minutes): make check's tests, one shared build, nbval, artefacts, browser, bench
	cd $(ROOT) && $(BIN)/casebook validate > /dev/null
	cd $(ROOT) && $(BIN)/python -m pytest

shell: $(STAMP) ## A shell with .venv activated: casebook, papermill and jupyter on PATH (exit leaves it)
	cd $(ROOT) && VIRTUAL_ENV=$(VENV) PATH="$(BIN):$$PATH" $${SHELL:-bash} -i

lab: $(STAMP) ## Start JupyterLab on 127.0.0.1 with a token, at the index notebook (autosave off: see README)
	mkdir -p $(ROOT)/build/.config/lab && cp -r $(ROOT)/.jupyter/lab/user-settings $(ROOT)/build/.config/lab/
	cd $(ROOT) && JUPYTERLAB_SETTINGS_DIR=$(ROOT)/build/.config/lab/user-settings $(BIN)/jupyter lab --ip=127.0.0.1 \
		--no-browser --ServerApp.root_dir=$(ROOT) --LabApp.default_url=/lab/tree/notebooks/00-index.ipynb \
		$(if $(filter 0,$(shell id -u)),--allow-root)

bench: $(STAMP) ## Time every speed target against the in-process floor (temporary copies; ~15 min); build/bench.json
	cd $(ROOT) && $(BIN)/python benchmarks/bench.py $(BENCH_ARGS)

lock: $(STAMP) ## Re-resolve requirements.lock (with sha256 hashes) from pyproject.toml; needs the package index
	@# The current pins are preferred (so only what pyproject.toml changed moves); if they conflict, resolve afresh.
	cd $(ROOT) && mkdir -p build && grep -E '^[A-Za-z0-9_.-]+==' requirements.lock | sed 's/ .*//' > build/lock-preferences.txt
	cd $(ROOT) && { $(UV) pip compile $(LOCK_ARGS) --constraints build/lock-preferences.txt -o requirements.lock \
		|| $(UV) pip compile $(LOCK_ARGS) -o requirements.lock; }

clean: ## Remove generated files that are not committed (build/, caches); keeps .venv
	rm -rf $(ROOT)/build $(ROOT)/.pytest_cache
	cd $(ROOT) && find . -path ./.venv -prune -o -name __pycache__ -type d -print0 | xargs -0 rm -rf
	cd $(ROOT) && find . -path ./.venv -prune -o -name .ipynb_checkpoints -type d -print0 | xargs -0 rm -rf
