# gridmap (网格一张图): `make run` starts the app, `make test` runs every check.
# GNU make + bash. The virtual environment lives in .venv and is (re)installed only
# when requirements.txt changes (stamp file .venv/.installed).

SHELL := bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help
MAKEFLAGS += --no-builtin-rules

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# GDAL's Python helper scripts (osgeo_utils), matching the GDAL inside pyogrio 0.13.0
# (GDAL 3.12.4); used by tests only. --no-deps: its "gdal" dependency is a C build.
GDAL_UTILS ?= gdal-utils==3.12.4.0
PORT ?= 8501
DEMO_SCALE ?= small
PYTEST_ARGS ?=
BENCH ?= $(patsubst benchmarks/bench_%.py,%,$(wildcard benchmarks/bench_*.py))

.PHONY: help install run demo test lint bench clean distclean

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

$(BIN)/python:
	@$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), f"gridmap needs Python 3.11+, {sys.executable} is {sys.version.split()[0]}"'
	@$(PYTHON) -c 'import ensurepip' 2>/dev/null || { echo "$(PYTHON) has no venv/ensurepip: apt-get install python3-venv (Debian) or use a pyenv Python" >&2; exit 1; }
	@echo "==> creating $(VENV) with $$($(PYTHON) -c 'import sys; print(sys.executable, sys.version.split()[0])')"
	$(PYTHON) -m venv $(VENV)

$(STAMP): requirements.txt | $(BIN)/python
	@echo "==> installing requirements into $(VENV)"
	$(BIN)/python -m pip install --progress-bar off -r requirements.txt
	$(BIN)/python -m pip install --progress-bar off --no-deps $(GDAL_UTILS)
	touch $@

install: $(STAMP) ## create .venv and install requirements (only when requirements.txt changed)

demo: $(STAMP) ## load the demo county into the store unless it already holds data
	$(BIN)/python -m gridmap demo --scale $(DEMO_SCALE) --if-empty

run: demo ## install, seed the small demo on first start, serve the app (http://localhost:8501; PORT=...)
	@echo "==> serving on http://localhost:$(PORT) (Ctrl-C stops)"
	$(BIN)/streamlit run app.py --server.port $(PORT)

test: $(STAMP) ## ruff, then the whole pytest suite (unit, store, app, browser)
	@echo "==> ruff check"
	$(BIN)/ruff check .
	@echo "==> pytest"
	$(BIN)/python -m pytest --timeout=900 --durations=10 $(PYTEST_ARGS)

lint: $(STAMP) ## ruff only
	$(BIN)/ruff check .

bench: $(STAMP) ## run the benchmarks in benchmarks/ (BENCH="assign ..." to pick)
	@if [ -z "$(strip $(BENCH))" ]; then echo "no benchmarks/bench_*.py yet"; exit 0; fi
	@for b in $(BENCH); do echo "==> benchmark $$b"; $(BIN)/python -m gridmap bench $$b; done

clean: ## remove caches and test output (keeps .venv and data/)
	rm -rf .pytest_cache .ruff_cache out
	find . -path ./$(VENV) -prune -o -type d -name __pycache__ -prune -exec rm -rf {} +

distclean: clean ## also remove .venv (keeps data/)
	rm -rf $(VENV)
