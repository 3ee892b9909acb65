# suhu developer and CI entry points. `make test` is the one test command (unit + integration
# against a real local Kafka). Everything not preinstalled (python3 >= 3.11, Java 17, Maven, apt)
# is installed by `make setup`, which is idempotent and takes about a second when all is in place.

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
# pip runs again only when pyproject.toml changed since the last successful install
STAMP := $(VENV)/.suhu-installed
# the benchmark extras (Quix Streams peer, py-spy, datasketch) only for `make bench`
BENCH_STAMP := $(VENV)/.suhu-bench-installed
PYTEST_ARGS ?=

export PIP_DISABLE_PIP_VERSION_CHECK := 1
export PIP_NO_INPUT := 1
export DEBIAN_FRONTEND := noninteractive

.PHONY: help setup jars system-packages compose-plugin test test-unit test-integration test-faults demo bench clean

help:
	@echo "make setup             venv + dependencies, Kafka jars, promtool/amtool (idempotent)"
	@echo "make test              unit and integration tests (starts a real local Kafka)"
	@echo "make test-unit         fast tests only (no broker)"
	@echo "make test-integration  integration tests only"
	@echo "make test-faults       fault-injection tests only (crash, broker restart, outage, bad input, burst)"
	@echo "make demo              local demo: Kafka, a worker and a synthetic incident"
	@echo "make bench             benchmarks (bench/run_all.sh)"
	@echo "make clean             stop the local Kafka and remove var/"

setup: $(STAMP) jars system-packages compose-plugin

$(PY):
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else 1)' || \
	  { echo "suhu needs python >= 3.11; $(PYTHON) is $$($(PYTHON) --version 2>&1) (set PYTHON=...)" >&2; exit 1; }
	$(PYTHON) -m venv $(VENV)

$(STAMP): pyproject.toml | $(PY)
	$(PY) -m pip install -e '.[test,transformer]'
	@touch $@

# Kafka jars from Maven Central into ~/.cache/suhu (or $$SUHU_CACHE_DIR); a no-op once resolved.
jars: $(STAMP)
	@$(PY) -m streams.cli kafka jars

# promtool/amtool test the alert rules and routing; Debian packages, installed only if missing.
system-packages:
	@if command -v promtool >/dev/null && command -v amtool >/dev/null; then exit 0; fi; \
	 if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
	 echo "installing prometheus and prometheus-alertmanager (for promtool, amtool)"; \
	 $$SUDO apt-get -o DPkg::Lock::Timeout=300 update -qq && \
	 $$SUDO apt-get -o DPkg::Lock::Timeout=300 install -y -qq --no-install-recommends \
	   prometheus prometheus-alertmanager >/dev/null

# `docker compose config` validates deploy/docker-compose.yml in the tests. The machine ships the
# docker client without the compose v2 plugin (and no engine); build the plugin from its Go module
# once (a few minutes, cached in ~/.docker/cli-plugins). Skipped where docker or go is absent.
COMPOSE_VERSION := v2.40.3
compose-plugin: $(STAMP)
	@if ! command -v docker >/dev/null || docker compose version >/dev/null 2>&1; then exit 0; fi; \
	 if ! command -v go >/dev/null; then echo "no go toolchain: compose tests will skip" >&2; exit 0; fi; \
	 echo "building docker compose $(COMPOSE_VERSION) from its Go module (once)"; \
	 src=$$(go mod download -json github.com/docker/compose/v2@$(COMPOSE_VERSION) | \
	        $(PY) -c 'import json, sys; print(json.load(sys.stdin)["Dir"])') && \
	 mkdir -p $$HOME/.docker/cli-plugins && \
	 (cd "$$src" && go build -trimpath -o $$HOME/.docker/cli-plugins/docker-compose ./cmd) && \
	 docker compose version

# pytest's own exit status is the target's: failures (1) and "no tests collected" (5) both fail.
test: setup
	$(VENV)/bin/pytest $(PYTEST_ARGS)

test-unit: $(STAMP)
	$(VENV)/bin/pytest -m "not integration" $(PYTEST_ARGS)

test-integration: setup
	$(VENV)/bin/pytest -m integration $(PYTEST_ARGS)

# Also part of `make test` (CI); this target runs just them. Numbers: docs/RELIABILITY.md.
test-faults: setup
	$(VENV)/bin/pytest -m faults -s $(PYTEST_ARGS)

demo: setup
	$(VENV)/bin/suhu demo

$(BENCH_STAMP): pyproject.toml $(STAMP)
	$(PY) -m pip install -e '.[test,transformer,bench]'
	@touch $@

bench: setup $(BENCH_STAMP)
	@if [ -f bench/run_all.sh ]; then bash bench/run_all.sh; else echo "bench/run_all.sh not written yet"; fi

clean:
	@if [ -x $(PY) ]; then $(PY) -m streams.cli kafka down || true; fi
	rm -rf var/
