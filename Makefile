# Ereje — two commands on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
# `make run PORT=8081` serves on another port (EREJE_PORT in the environment does the same).
PORT   ?= $(or $(EREJE_PORT),8080)
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp

.PHONY: install run test lint bench check clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

## Start the decision service on 127.0.0.1:8080 (PORT=…) with the embedded SQLite store; Ctrl-C stops it.
## A random local token is made once in instance/dev-token (never committed); the README's
## curl example reads it. Set EREJE_TOKENS or EREJE_TOKENS_FILE to use your own instead.
run: install
	@mkdir -p instance
	@test -s instance/dev-token || $(BIN)/python -c "import secrets; print(secrets.token_urlsafe(32))" > instance/dev-token
	EREJE_TOKENS="$${EREJE_TOKENS:-local-dev:$$($(BIN)/ereje token hash < instance/dev-token)}" \
	  $(BIN)/ereje serve --host 127.0.0.1 --port $(PORT)

## Every test: lint, types, policy check, unit, BDD features, HTTP, browser; then the traceability gate.
test: install
	bash .ci/system-deps
	$(BIN)/ruff check .
	$(BIN)/mypy
	$(BIN)/ereje check policies
	$(BIN)/pytest -n auto --maxprocesses 4
	$(BIN)/ereje trace

lint: install
	$(BIN)/ruff check .
	$(BIN)/mypy
	$(BIN)/ereje check policies

check: lint

bench: install
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .mypy_cache
