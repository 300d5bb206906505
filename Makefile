# Throughline: `make demo` analyses the bundled sample and serves the dashboard; `make test` runs
# the whole suite. Every target installs what it needs into .venv (torch pinned to the CPU wheel).

PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
PIP    := $(BIN)/pip install --disable-pip-version-check -q -c constraints.txt
SAMPLE := examples/harbourside-transport
WORKSPACE ?= workspace
export TOKENIZERS_PARALLELISM = false
export HF_HUB_OFFLINE = 1
export TRANSFORMERS_OFFLINE = 1

.PHONY: help install install-dev browser demo analyse dashboard test test-fast lint format eval eval-themes eval-trace eval-real sample bench bench-ingest bench-pii clean

help:
	@echo "make demo   install, analyse the sample consultation, serve the dashboard on 127.0.0.1:8501"
	@echo "make test   install dev dependencies and Chromium, run lint, types and the whole test suite"
	@echo "make lint   ruff check, ruff format --check, mypy"
	@echo "make eval   score the latest sample run against its answer key"
	@echo "make eval-themes   theme quality against human-coded NHS comments (docs/EVALUATION.md)"
	@echo "make eval-trace    the trace against Valladolid's minutes with eval-trace (docs/EVALUATION.md)"
	@echo "make eval-real     the quality scoreboard on the real data in ../shared/data (docs/QUALITY.md)"
	@echo "make bench          the whole analysis at 1k/10k/100k responses beside the plain pipeline"
	@echo "make bench-ingest   ingest a generated 1,000,000-row CSV; time and peak memory"

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --disable-pip-version-check -q -U pip setuptools wheel

$(VENV)/.installed: $(BIN)/python pyproject.toml constraints.txt
	$(PIP) torch==2.13.0
	$(PIP) -e .
	touch $@

$(VENV)/.installed-dev: $(VENV)/.installed
	$(PIP) -e '.[dev]'
	touch $@

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

# Debian's Chromium for the browser test (Playwright drives it; never `playwright install`).
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq chromium chromium-driver >/dev/null; \
	  else sudo apt-get update -qq && sudo apt-get install -y -qq chromium chromium-driver >/dev/null; fi; }

analyse: install
	$(BIN)/throughline analyse $(SAMPLE)/consultation.toml --workspace $(WORKSPACE)

dashboard: install
	$(BIN)/throughline dashboard --workspace $(WORKSPACE)

demo: analyse dashboard

eval: install
	$(BIN)/throughline score $(SAMPLE)/answer_key.toml --workspace $(WORKSPACE)

# Theme quality against 10,334 human-coded NHS comments (needs ../shared; docs/EVALUATION.md).
eval-themes: install
	$(BIN)/throughline eval evaluation/nhs-fft.toml --workspace $(WORKSPACE) --output evaluation/results/nhs-fft.json

# Valladolid's proposals and minutes as a consultation, scored with eval-trace (needs ../shared; docs/EVALUATION.md).
eval-trace: install
	$(BIN)/throughline eval-trace evaluation/valladolid/trace.toml --workspace $(WORKSPACE) --output evaluation/results/valladolid-trace.json

# The quality scoreboard on the real data sets (needs ../shared; writes docs/QUALITY.md and
# evaluation/results/real.json; PARTS=redaction,language runs some parts).
eval-real: install
	$(BIN)/throughline eval-real $(if $(PARTS),--only $(PARTS))

lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

format: install-dev
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

test: install-dev browser lint
	$(BIN)/pytest

test-fast: install-dev
	$(BIN)/pytest -m "not slow and not browser"

# The whole analysis on generated 1k / 10k / 100k-response consultations beside the plain pipeline
# and the real datasets in ../shared/data (writes benchmarks/results.json and the table in
# docs/PERFORMANCE.md). Hours on two cores.
bench: install
	$(BIN)/throughline bench

# Ingest speed and memory on a generated 1,000,000-row survey CSV (writes benchmarks/ingest_csv.json).
bench-ingest: install
	$(BIN)/python -m benchmarks.ingest_csv --rows 1000000

# Redaction recall per type and over-redaction on the project's PII test set (docs/PRIVACY.md).
bench-pii: install
	$(BIN)/python -m benchmarks.pii_eval

sample: install-dev
	$(BIN)/python scripts/make_sample.py
	$(BIN)/python scripts/make_pii_testset.py

clean:
	rm -rf $(VENV) $(WORKSPACE) .pytest_cache .mypy_cache .ruff_cache test-artifacts
