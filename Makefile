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
# GerryChain (auto-partition, gridmap.plan.partition). --no-deps: 1.0.0 declares
# numpy>=2.4.6 and pandas>=3.0.5, which conflict with the pins in requirements.txt;
# the parts we use (Graph, recursive_tree_part) run on the pinned versions (tests
# tests/test_plan_partition.py). Its one new dependency, rustworkx, is in requirements.txt.
GERRYCHAIN ?= gerrychain==1.0.0
PORT ?= 8501
DEMO_SCALE ?= small
PYTEST_ARGS ?=
BENCH ?= $(patsubst benchmarks/bench_%.py,%,$(wildcard benchmarks/bench_*.py))

.PHONY: help install assets run demo test lint bench clean distclean

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
	$(BIN)/python -m pip install --progress-bar off --no-deps $(GERRYCHAIN)
	touch $@

install: $(STAMP) assets ## create .venv and install requirements (only when requirements.txt changed)

# Leaflet and plugin files served from static/vendor/ (the map works offline): npm
# fetches the versions pinned in web/package-lock.json, gridmap.maps.assets copies the
# files it serves. Re-runs only when the lock, the asset list or the venv changes.
ASSETS_STAMP := static/vendor/.installed
$(ASSETS_STAMP): web/package.json web/package-lock.json gridmap/maps/assets.py $(STAMP)
	@command -v npm >/dev/null 2>&1 || { echo "npm not found: install Node.js 18+ with npm (Debian: apt-get install nodejs npm); it is needed once, to fetch the map assets" >&2; exit 1; }
	@echo "==> fetching map assets (npm ci in web/)"
	cd web && npm ci --no-audit --no-fund --ignore-scripts
	$(BIN)/python -c 'from gridmap.maps.assets import install_assets; install_assets(); print("==> map assets copied to static/vendor/")'
	touch $@

assets: $(ASSETS_STAMP) ## fetch Leaflet and plugin files into static/vendor/ (npm at install time only)

demo: $(STAMP) ## load the demo county into the store unless it already holds data
	$(BIN)/python -m gridmap demo --scale $(DEMO_SCALE) --if-empty

run: demo assets ## install, seed the small demo on first start, serve the app (http://localhost:8501; PORT=...)
	@echo "==> serving on http://localhost:$(PORT) (Ctrl-C stops)"
	$(BIN)/streamlit run app.py --server.port $(PORT)

test: $(STAMP) assets ## ruff and mypy, then the whole pytest suite (unit, store, app, browser)
	@echo "==> ruff check"
	$(BIN)/ruff check .
	@echo "==> mypy (gridmap/)"
	$(BIN)/mypy
	@echo "==> pytest"
	$(BIN)/python -m pytest --timeout=900 --durations=10 $(PYTEST_ARGS)

lint: $(STAMP) ## ruff and mypy only
	$(BIN)/ruff check .
	$(BIN)/mypy

bench: $(STAMP) ## run the benchmarks in benchmarks/ (BENCH="assign ..." to pick)
	@if [ -z "$(strip $(BENCH))" ]; then echo "no benchmarks/bench_*.py yet"; exit 0; fi
	@for b in $(BENCH); do echo "==> benchmark $$b"; $(BIN)/python -m gridmap bench $$b; done

clean: ## remove caches and test output (keeps .venv and data/)
	rm -rf .pytest_cache .ruff_cache out
	find . -path ./$(VENV) -prune -o -type d -name __pycache__ -prune -exec rm -rf {} +

distclean: clean ## also remove .venv (keeps data/)
	rm -rf $(VENV)
