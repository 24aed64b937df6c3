# Two commands make the quick start: `make scan` and `make test`.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
TSTAMP := $(VENV)/.installed-test

.PHONY: scan test bench samples screenshots clean fuzz

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e .
	touch $@

$(TSTAMP): pyproject.toml $(STAMP)
	$(BIN)/pip install -q -e '.[test]'
	touch $@

## scan the demo set: a readable summary on the terminal, the JSONL report in build/
scan: $(STAMP)
	@mkdir -p build
	@$(BIN)/preclear scan samples --format jsonl --output build/samples.jsonl --summary; \
	  rc=$$?; echo "JSONL report: build/samples.jsonl (exit status $$rc: 0 clear, 1 review, 2 block)"; \
	  [ $$rc -le 2 ]

## install the test dependencies and run the whole suite
test: $(TSTAMP)
	$(BIN)/python -m pytest -q

## regenerate the binary demo files and their golden output
samples: $(TSTAMP)
	$(BIN)/python samples/make_samples.py

## benchmarks: deterministic corpus, preclear against its peers, table against the targets
bench: $(TSTAMP)
	$(BIN)/python benchmarks/run.py --corpus build/bench-corpus
	$(BIN)/python -m pytest benchmarks benchmarks/bench_pdf.py -q -p no:cacheprovider --benchmark-only --benchmark-columns=median,ops --benchmark-sort=name

## screenshots of the reviewer's pages and the DOCX form (Chromium, LibreOffice, pdftoppm) into docs/img
screenshots: $(TSTAMP)
	$(BIN)/python docs/screenshots.py --out docs/img

## fuzz: mutate real files for FUZZ_SECONDS (default 3600) or FUZZ_EXECUTIONS; reports executions, crashes,
## wrongly-full items and peak RSS (failing inputs kept in build/fuzz)
FUZZ_SECONDS ?= 3600
FUZZ_EXECUTIONS ?= 1000000
fuzz: $(TSTAMP)
	$(BIN)/python tests/fuzz/run.py --seconds $(FUZZ_SECONDS) --executions $(FUZZ_EXECUTIONS) --out build/fuzz

clean:
	rm -rf $(VENV) build .pytest_cache
