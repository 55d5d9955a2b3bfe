# certctl — `make demo` and `make test` are the two set-up commands.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin

.PHONY: install demo test bench clean templates

$(BIN)/certctl: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[test]'
	@touch $(BIN)/certctl

install: $(BIN)/certctl

demo: install
	$(BIN)/certctl validate examples/ ; true
	$(BIN)/certctl merge examples/ledger -o demo-台账.xlsx
	$(BIN)/certctl overdue --dir examples/ledger --as-of 2024-06-05 ; true

test: install
	$(BIN)/python -m pytest

bench: install
	$(BIN)/python bench/bench.py

templates: install
	$(BIN)/certctl template all -o templates/xlsx

clean:
	rm -rf $(VENV) build dist *.egg-info src/*.egg-info .pytest_cache
