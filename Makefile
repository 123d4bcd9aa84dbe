# The two commands of the README:
#   make generate   install hint2policy, compile every hint into generated/ and write docs/
#   make test       install everything (Python dependencies, engines) and run the whole suite
VENV ?= .venv
PYTHON ?= python3
BIN := $(VENV)/bin

.PHONY: generate test install engines check lint clean

generate: install
	$(BIN)/hint2policy generate
	$(BIN)/hint2policy docs

install: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

# Builds the pinned engines from the Go module proxy into ~/.cache/hint2policy/tools (reused).
engines: install
	$(BIN)/hint2policy tools install

lint: install
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks

check: install
	$(BIN)/hint2policy generate --check
	$(BIN)/hint2policy docs --check

test: engines lint check
	$(BIN)/pytest -q

clean:
	rm -rf $(VENV) dist build .pytest_cache .ruff_cache
