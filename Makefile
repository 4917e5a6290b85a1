# Qinglian — the commands people type. `make build` and `make test` do all the set-up themselves:
# the Debian packages that are missing (installed only when missing), a .venv, and the pinned
# Python packages from the hashed locks (runtime for build, runtime + test for test).
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PIP := $(BIN)/python -m pip --disable-pip-version-check --quiet
RUNTIME_STAMP := $(VENV)/.runtime-$(shell cat pyproject.toml requirements.lock | sha1sum | cut -c1-12)
TEST_STAMP := $(VENV)/.test-$(shell cat pyproject.toml requirements-test.lock | sha1sum | cut -c1-12)

# Debian packages the build needs: venv support, CJK fonts, Pango (WeasyPrint's text layout) and
# the HarfBuzz subsetter (fast font embedding). What the tests add: the browser and Playwright's
# driver runtime, PDF rasteriser, QR decoder, and a PostgreSQL server for the exam-service tests.
DEB_BUILD := python3-venv fonts-noto-cjk fontconfig libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0
DEB_TEST := chromium libatomic1 poppler-utils zbar-tools postgresql

.PHONY: all build test test-fast serve check lint format golden bench lock deps-build deps-test venv venv-test clean

all: build

$(RUNTIME_STAMP): pyproject.toml requirements.lock
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(PIP) install --require-hashes --no-deps -r requirements.lock
	$(PIP) install --no-deps -e .
	@rm -f $(VENV)/.runtime-*
	@touch $@

$(TEST_STAMP): $(RUNTIME_STAMP) requirements-test.lock
	$(PIP) install --require-hashes --no-deps -r requirements-test.lock
	@rm -f $(VENV)/.test-*
	@touch $@

venv: deps-build $(RUNTIME_STAMP)

venv-test: deps-test $(TEST_STAMP)

deps-build:
	@bash .ci/ensure-debian-packages $(DEB_BUILD)

deps-test:
	@bash .ci/ensure-debian-packages $(DEB_BUILD) $(DEB_TEST)

build: venv
	$(BIN)/qinglian build

# The whole suite (what CI runs on fresh Debian 12 and 13): lint, types, every test.
test: venv-test
	$(BIN)/ruff check generator tests bench
	$(BIN)/ruff format --check generator tests bench
	$(BIN)/mypy
	$(BIN)/pytest

# The inner loop (under a minute): lint and the tests that need no browser, PDF renderer,
# database server, exam service, nor a large synthetic corpus.
FAST_TESTS := not browser and not pdf and not postgres and not service and not slow
test-fast: venv-test
	$(BIN)/ruff check generator tests bench
	$(BIN)/ruff format --check generator tests bench
	$(BIN)/pytest -q -m "$(FAST_TESTS)"

serve: venv
	$(BIN)/qinglian serve

check: venv
	$(BIN)/qinglian check

lint: venv-test
	$(BIN)/ruff check generator tests bench
	$(BIN)/ruff format --check generator tests bench
	$(BIN)/mypy

format: venv-test
	$(BIN)/ruff format generator tests bench
	$(BIN)/ruff check --fix generator tests bench

# Regenerate the golden files after an intended change to the generated Markdown tree.
golden: venv-test
	$(BIN)/python -m tests.golden_update

# Regenerate both hashed locks from pyproject.toml, for every supported Python (3.11–3.13).
lock: venv
	$(PIP) install uv
	$(BIN)/uv pip compile pyproject.toml --universal --python-version 3.11 --generate-hashes -q -o requirements.lock
	$(BIN)/uv pip compile pyproject.toml --extra test --universal --python-version 3.11 --generate-hashes -q -c requirements.lock -o requirements-test.lock

bench: venv-test
	$(BIN)/python bench/site_build.py
	$(BIN)/python bench/serve_latency.py
	$(BIN)/python bench/pdf_handbooks.py
	$(BIN)/python bench/grading.py
	$(BIN)/python bench/learning_loop.py
	$(BIN)/python bench/exam_load.py
	$(BIN)/python bench/scan_sheets.py

clean:
	rm -rf build dist .pytest_cache
