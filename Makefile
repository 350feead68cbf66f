# `make` sets the project up on first use and builds every default publication into out/;
# `make test` runs the test suite. `make lock` refreshes the pinned versions of requirements.lock.
VENV    := .venv
BIN     := $(VENV)/bin
STAMP   := $(VENV)/.installed
READERS := tests/readers/node_modules/.installed
DEBIAN  := libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 poppler-utils qpdf ghostscript
# Reproducible files: the PDF date is the last commit's date when a publication gives none.
export SOURCE_DATE_EPOCH ?= $(shell git log -1 --format=%ct 2>/dev/null || echo 1700000000)

.PHONY: all build test check clean lock
all: build

# Every Python package, transitive ones included, at the exact version of requirements.lock.
$(STAMP): pyproject.toml requirements.lock
	@if command -v apt-get >/dev/null && [ "$$(id -u)" = 0 ] && ! dpkg -s $(DEBIAN) >/dev/null 2>&1; then \
		echo "Installing Debian packages: $(DEBIAN)"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(DEBIAN) >/dev/null; \
	fi
	@test -x $(BIN)/python || python3 -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -r requirements.lock
	$(BIN)/pip install -q --no-deps -e .
	@touch $@

# PDF.js, the browsers' reader, for the tests' independent reading of the built files.
$(READERS): tests/readers/package.json tests/readers/package-lock.json
	@if ! command -v npm >/dev/null && command -v apt-get >/dev/null && [ "$$(id -u)" = 0 ]; then \
		echo "Installing Debian packages: nodejs npm"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm >/dev/null; \
	fi
	cd tests/readers && npm ci --no-audit --no-fund --loglevel=error
	@touch $@

build: $(STAMP)
	$(BIN)/toolkit build
	$(BIN)/toolkit check out/*/*.pdf

check: $(STAMP)
	$(BIN)/toolkit check out/*/*.pdf

test: $(STAMP) $(READERS)
	$(BIN)/python -m pytest -q -n 2

lock: $(STAMP)
	$(BIN)/pip install -q uv
	$(BIN)/uv pip compile pyproject.toml --extra test -o requirements.lock --python-version 3.11 --upgrade

clean:
	rm -rf out
