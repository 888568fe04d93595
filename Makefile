# casebook: `make` lists the targets. Everything runs from the project's own .venv,
# created from requirements.lock on first use; only Python 3.11, pip and make are needed.
.DEFAULT_GOAL := help
SHELL := /bin/bash

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
JOBS   ?= $(shell nproc 2>/dev/null || echo 2)

# Keep Matplotlib, IPython and Jupyter state inside build/, not in the user's home,
# and fix what would otherwise vary between runs.
export MPLCONFIGDIR       := $(CURDIR)/build/.config/matplotlib
export IPYTHONDIR         := $(CURDIR)/build/.config/ipython
export JUPYTER_CONFIG_DIR := $(CURDIR)/build/.config/jupyter
export JUPYTER_DATA_DIR   := $(CURDIR)/build/.local/jupyter
export JUPYTER_RUNTIME_DIR:= $(CURDIR)/build/.local/jupyter/runtime
export SOURCE_DATE_EPOCH  := 0
export PYTHONHASHSEED     := 0
export PYDEVD_DISABLE_FILE_VALIDATION := 1

.PHONY: help venv validate build html test lab bench lock clean

help: ## List the targets
	@awk 'BEGIN {FS = ":.*## "} /^[a-zA-Z_-]+:.*## / {printf "  make %-10s %s\n", $$1, $$2}' $(MAKEFILE_LIST)

$(STAMP): requirements.lock pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.lock
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	@touch $@

venv: $(STAMP) ## Create .venv from requirements.lock (pinned) and install casebook into it

validate: $(STAMP) ## Validate every table under data/ against the data dictionary
	$(BIN)/casebook validate

build: $(STAMP) ## Validate the data, execute every notebook headless, write figures/, tables/ and build/site/
	$(BIN)/casebook build --jobs $(JOBS)
	$(BIN)/casebook html

html: $(STAMP) ## Write the static HTML bundle build/site/index.html (no server, no network needed)
	$(BIN)/casebook html

test: $(STAMP) ## Run the whole test suite (unit tests, nbval, artefact and browser checks)
	$(BIN)/python -m pytest

lab: $(STAMP) ## Start JupyterLab on 127.0.0.1 with a token, at the index notebook
	$(BIN)/jupyter lab --ip=127.0.0.1 --no-browser --ServerApp.root_dir=$(CURDIR) \
		--LabApp.default_url=/lab/tree/notebooks/00-index.ipynb $(if $(filter 0,$(shell id -u)),--allow-root)

bench: $(STAMP) ## Time the build against the plain-Python floor (temporary copies; ~13 min); writes build/bench.json
	$(BIN)/python benchmarks/bench.py

lock: ## Re-resolve requirements.lock from pyproject.toml (needs the package index)
	rm -rf build/lockenv && $(PYTHON) -m venv build/lockenv
	build/lockenv/bin/python -m pip install --quiet --disable-pip-version-check 'setuptools==84.2.1' '.[dev]'
	build/lockenv/bin/python -m pip freeze --all --exclude-editable | grep -vE '^(pip|casebook)([=@ ]|$$)' > requirements.lock
	rm -rf build/lockenv

clean: ## Remove generated files that are not committed (build/, caches); keeps .venv
	rm -rf build .pytest_cache
	find . -path ./.venv -prune -o -name __pycache__ -type d -print0 | xargs -0 rm -rf
	find . -path ./.venv -prune -o -name .ipynb_checkpoints -type d -print0 | xargs -0 rm -rf
