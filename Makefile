# Two commands set up a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: run test lint typecheck bench clean hangul-font

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $(STAMP)

hangul-font:  ## a font with Hangul for Korean pictures, if missing and installable (never fails)
	@scripts/hangul-font.sh

run: $(STAMP) hangul-font  ## the bot: Discord with DISCORD_TOKEN, the local playground without
	$(BIN)/python -m bot

test: $(STAMP) hangul-font  ## the whole test suite
	$(BIN)/python -m pytest

lint: $(STAMP)
	$(BIN)/ruff check .

typecheck: $(STAMP)  ## mypy over bot/ (settings in pyproject.toml)
	$(BIN)/mypy

bench: $(STAMP)
	$(BIN)/python bench/latency.py

clean:
	rm -rf $(VENV) var .pytest_cache .ruff_cache
