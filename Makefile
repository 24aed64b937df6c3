# The quick start is two commands: `make scan` and `make test`.
#
# Both use preclear as a user gets it: `make test` builds the sdist and, from
# it, the wheel, installs the wheel (not editable, with every extra) into a
# venv outside the checkout and runs the whole suite from the checkout against
# that installation, with the checkout kept off sys.path (PYTHONSAFEPATH=1 and
# the venv's own pytest). PRECLEAR_INSTALLED=1 makes tests/install/ check that
# the imported scanner is the installed one.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
DIST   := build/dist
# the installation under test; outside the checkout
INSTALLED ?= $(or $(XDG_CACHE_HOME),$(HOME)/.cache)/preclear/installed-$(notdir $(CURDIR))
IBIN   := $(INSTALLED)/bin
TSTAMP := $(VENV)/.installed-test

.PHONY: scan test lint wheel installed bench samples screenshot screenshots clean lexicon-manifest fuzz

# the development venv (editable, for make samples / bench and working on the code)
$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

$(TSTAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e '.[test]'
	touch $@

## build the sdist and, from the sdist, the wheel (so the sdist is proven complete)
wheel: $(TSTAMP)
	rm -rf $(DIST)
	$(BIN)/python -m build -q --outdir $(DIST) . >/dev/null

## install the wheel, not editable, with every extra, into $(INSTALLED)
## (its dependencies are reinstalled only when pyproject.toml changes; preclear always)
installed: wheel
	@set -e; whl=$$(ls $(DIST)/preclear-*.whl); \
	if ! cmp -s pyproject.toml $(INSTALLED)/.pyproject; then \
	  rm -rf $(INSTALLED); $(PYTHON) -m venv $(INSTALLED); \
	  $(IBIN)/pip install -q --upgrade pip; \
	  $(IBIN)/pip install -q "$$whl[test]"; cp pyproject.toml $(INSTALLED)/.pyproject; \
	else \
	  $(IBIN)/pip install -q --force-reinstall --no-deps "$$whl"; \
	fi; \
	echo "installed $$(basename $$whl) into $(INSTALLED)"

## scan the demo set with the installed preclear: a readable summary on the terminal, the JSONL report in build/
scan: installed
	@mkdir -p build
	@$(IBIN)/preclear scan samples --format jsonl --output build/samples.jsonl --summary; \
	  rc=$$?; echo "JSONL report: build/samples.jsonl (exit status $$rc: 0 clear, 1 review, 2 block)"; \
	  [ $$rc -le 2 ]

## the whole suite, run from this checkout against the installed wheel
test: installed
	PRECLEAR_INSTALLED=1 PYTHONSAFEPATH=1 PATH="$(IBIN):$$PATH" \
	  $(IBIN)/pytest -q -p no:cacheprovider

## ruff on the package and the tests, mypy --strict on the package (config in pyproject.toml); CI runs it
lint: installed
	$(IBIN)/ruff check scanner tests
	$(IBIN)/mypy

## regenerate the binary demo files and their golden output
samples: $(TSTAMP)
	$(BIN)/python samples/make_samples.py

## docs/img/report.png: the HTML report of samples/ in Debian's Chromium (so the picture never goes stale)
screenshot: installed
	@mkdir -p build
	$(IBIN)/preclear scan samples --format html --output build/samples.html --progress never || [ $$? -le 2 ]
	$(IBIN)/python docs/screenshot.py build/samples.html docs/img/report.png

## benchmarks: deterministic corpus, preclear against its peers, table against the targets
bench: $(TSTAMP)
	$(BIN)/python benchmarks/run.py --corpus build/bench-corpus
	$(BIN)/python -m pytest benchmarks benchmarks/bench_pdf.py -q -p no:cacheprovider --benchmark-only --benchmark-columns=median,ops --benchmark-sort=name
	$(BIN)/python benchmarks/bench_ocr.py --pages 2

## screenshots of the reviewer's pages and the DOCX form (Chromium, LibreOffice, pdftoppm) into docs/img
screenshots: $(TSTAMP)
	$(BIN)/python docs/screenshots.py --out docs/img

## after editing a shipped lexicon in scanner/lexicons/: record the shipped set and its hashes
lexicon-manifest:
	$(PYTHON) -c 'import hashlib, json, pathlib; d = pathlib.Path("scanner/lexicons"); \
	  m = {f.name: hashlib.sha256(f.read_bytes()).hexdigest() for f in sorted(d.iterdir()) if f.suffix in (".yaml", ".yml", ".csv")}; \
	  (d / "MANIFEST.json").write_text(json.dumps({"shipped": m}, indent=1, sort_keys=True) + "\n")'

## fuzz: mutate real files for FUZZ_SECONDS (default 3600) or FUZZ_EXECUTIONS; reports executions, crashes,
## wrongly-full items and peak RSS (failing inputs kept in build/fuzz)
FUZZ_SECONDS ?= 3600
FUZZ_EXECUTIONS ?= 1000000
fuzz: $(TSTAMP)
	$(BIN)/python tests/fuzz/run.py --seconds $(FUZZ_SECONDS) --executions $(FUZZ_EXECUTIONS) --out build/fuzz

clean:
	rm -rf $(VENV) build .pytest_cache $(INSTALLED)
