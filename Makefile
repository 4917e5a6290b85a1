# Qinglian — the commands people type. `make build` and `make test` do all the set-up themselves.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml requirements.lock | sha1sum | cut -c1-12)

# Debian packages the build needs (CJK fonts, HarfBuzz subsetter for fast font embedding) and
# what the tests add (browser, PDF rasteriser, QR decoder).
DEB_BUILD := fonts-noto-cjk libharfbuzz-subset0
DEB_TEST := chromium poppler-utils zbar-tools postgresql

.PHONY: all build test serve check lint format golden bench deps-build deps-test venv clean

all: build

$(STAMP): pyproject.toml requirements.lock
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -c requirements.lock -e '.[test]'
	@rm -f $(VENV)/.installed-*
	@touch $@

venv: $(STAMP)

deps-build:
	@bash .ci/ensure-debian-packages $(DEB_BUILD)

deps-test:
	@bash .ci/ensure-debian-packages $(DEB_BUILD) $(DEB_TEST)

build: deps-build venv
	$(BIN)/qinglian build

test: deps-test venv
	$(BIN)/ruff check generator tests bench
	$(BIN)/ruff format --check generator tests bench
	$(BIN)/pytest

serve: deps-build venv
	$(BIN)/qinglian serve

check: venv
	$(BIN)/qinglian check

lint: venv
	$(BIN)/ruff check generator tests bench
	$(BIN)/ruff format --check generator tests bench

format: venv
	$(BIN)/ruff format generator tests bench
	$(BIN)/ruff check --fix generator tests bench

# Regenerate the golden files after an intended change to the generated Markdown tree.
golden: venv
	$(BIN)/python -m tests.golden_update

bench: deps-build venv
	$(BIN)/python bench/site_build.py
	$(BIN)/python bench/pdf_handbooks.py

clean:
	rm -rf build dist .pytest_cache
