# Qiao — every target sets up .venv on first use, so each works as the first command typed.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
CONFIG ?= config.toml

.PHONY: demo test quick lint typecheck unit content-check run soak bench clean

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test,bench]'
	@touch $(STAMP)

## Run Qiao on a simulated Telegram in this terminal (type `help` at the prompt).
demo: $(STAMP)
	$(BIN)/qiao demo

## Lint, type checks, content check and the whole test suite.
test: lint typecheck content-check unit

## The suite without the tests marked slow, for the loop while you work (`make test` runs all).
# Slow = a real process, a simulated week or a benchmark (the `slow` marker in pyproject.toml).
quick: $(STAMP)
	$(BIN)/pytest -q -p no:cacheprovider -n auto -m "not slow"

lint: $(STAMP)
	$(BIN)/ruff check bot storage tests bench
	$(BIN)/ruff format --check bot storage tests bench
	$(BIN)/lint-imports --no-cache

typecheck: $(STAMP)
	$(BIN)/mypy

content-check: $(STAMP)
	$(BIN)/qiao content check content

# One worker per CPU (two on the reference machine); pytest's last line gives the duration.
unit: $(STAMP)
	$(BIN)/pytest -q -p no:cacheprovider -n auto --durations=15

## Run the real bot (long polling) with $(CONFIG).
run: $(STAMP)
	$(BIN)/qiao --config $(CONFIG) run

## The soak test's long form: a simulated week for 200 families with faults, then the real
## process killed with SIGKILL while 40 children write urgent messages (polling and webhook).
soak: $(STAMP)
	$(BIN)/python -m bench.soak --families 200 --days 7
	$(BIN)/python -m bench.killsoak --children 40 --rounds 8

## Benchmarks (not part of `make test`).
bench: $(STAMP)
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache

.PHONY: help
## List the targets with what each does.
help:
	@awk '/^## /{if (doc == "") doc=substr($$0,4); next} /^[a-z][a-z-]*:/{if (doc != "") {split($$1, t, ":"); printf "  make %-10s %s\n", t[1], doc}; doc=""}' Makefile
