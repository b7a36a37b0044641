# Two commands from a fresh clone: `make run` (the main job on the embedded case) and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test lint bench clean install serve figures docs

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

run: $(STAMP)
	$(BIN)/multivector overview
	$(BIN)/multivector report --out report

serve: $(STAMP)
	$(BIN)/multivector serve

test: $(STAMP)
	$(BIN)/pytest -n 2 src tests

lint: $(STAMP)
	$(BIN)/ruff check src tests benchmarks

figures: $(STAMP)
	$(BIN)/python -m multivector.figures

# the documentation site with the API reference from the docstrings, built offline into site/
docs: $(STAMP)
	NO_MKDOCS_2_WARNING=1 $(BIN)/mkdocs build --strict

bench: $(STAMP)
	for f in benchmarks/bench_*.py; do echo "== $$f"; $(BIN)/python $$f || exit 1; done

clean:
	rm -rf $(VENV) build site *.egg-info
