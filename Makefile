# The two commands of the README:
#   make generate   install hint2policy, compile every hint into generated/ and write docs/
#   make test       install everything (Python dependencies, engines) and run the whole suite
VENV ?= .venv
PYTHON ?= python3
BIN := $(VENV)/bin

.PHONY: generate test install engines check lint clean bench

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

# The benchmarks of BENCHMARKS.md (hours on 2 cores; never part of `make test`): writes
# benchmarks/results/<date>.md. Smaller run: make bench BENCH_ARGS="--sizes 1000 10000 --repeat 1"
BENCH_ARGS ?=
bench: engines
	$(BIN)/hint2policy tools install istioctl
	$(BIN)/python -m benchmarks $(BENCH_ARGS)

clean:
	rm -rf $(VENV) dist build .pytest_cache .ruff_cache
