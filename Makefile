# `make` sets the project up on first use and builds every default publication into out/;
# `make test` runs the test suite.
VENV    := .venv
BIN     := $(VENV)/bin
STAMP   := $(VENV)/.installed
DEBIAN  := libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 poppler-utils qpdf ghostscript
# Reproducible files: the PDF date is the last commit's date when a publication gives none.
export SOURCE_DATE_EPOCH ?= $(shell git log -1 --format=%ct 2>/dev/null || echo 1700000000)

.PHONY: all build test check clean
all: build

$(STAMP): pyproject.toml
	@if command -v apt-get >/dev/null && [ "$$(id -u)" = 0 ] && ! dpkg -s $(DEBIAN) >/dev/null 2>&1; then \
		echo "Installing Debian packages: $(DEBIAN)"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(DEBIAN) >/dev/null; \
	fi
	@test -x $(BIN)/python || python3 -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[test]'
	@touch $@

build: $(STAMP)
	$(BIN)/toolkit build
	$(BIN)/toolkit check out/*/*.pdf

check: $(STAMP)
	$(BIN)/toolkit check out/*/*.pdf

test: $(STAMP)
	$(BIN)/python -m pytest -q -n 2

clean:
	rm -rf out
