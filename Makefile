# certctl — `make demo` and `make test` are the two set-up commands.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin

.PHONY: install demo test bench clean templates wheelhouse wheelhouse-windows

$(BIN)/certctl: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[test]'
	@touch $(BIN)/certctl

install: $(BIN)/certctl

demo: install
	@echo "== certctl validate examples/forms (clean forms and forms with typical mistakes)"
	@$(BIN)/certctl validate examples/forms --quiet; rc=$$?; [ $$rc -le 1 ]
	@echo "== certctl merge examples/ledger -> demo-台账.xlsx"
	@$(BIN)/certctl merge examples/ledger -o demo-台账.xlsx --as-of 2024-06-05 --no-cache; rc=$$?; [ $$rc -le 1 ]
	@echo "== certctl overdue examples/ledger --as-of 2024-06-05"
	@$(BIN)/certctl overdue examples/ledger --as-of 2024-06-05; rc=$$?; [ $$rc -le 1 ]

# The second run is the suite's locking, merge and overdue tests as on Windows: no fcntl (tests/conftest.py).
NO_FCNTL_TESTS := tests/test_safety.py tests/test_faults.py tests/test_merge_cli.py tests/test_merge_unchanged.py \
	tests/test_overdue_cli.py tests/test_overdue_plain.py tests/test_cache.py tests/test_report.py

test: install
	@sh tests/print-tools.sh
	$(BIN)/python -m pytest
	CERTCTL_TEST_NO_FCNTL=1 $(BIN)/python -m pytest $(NO_FCNTL_TESTS)

# The bench extra: the bare writers scenario 5 compares certctl's merge with (not certctl dependencies).
bench: install
	$(BIN)/pip install -q -e '.[test,bench]'
	$(BIN)/python bench/bench.py $(if $(NATIONAL),--national $(NATIONAL)) $(if $(MANY),--many $(MANY))

templates: install
	$(BIN)/certctl template all -o templates/xlsx --force

# Offline install: wheels of certctl and every dependency, for this computer or for 64-bit Windows
# (copy the folder, then: pip install --no-index --find-links wheelhouse certctl). See docs/install.md.
wheelhouse: install
	$(BIN)/python tools/wheelhouse.py

wheelhouse-windows: install
	$(BIN)/python tools/wheelhouse.py --platform win_amd64 --python-version 3.11

clean:
	rm -rf $(VENV) build dist *.egg-info src/*.egg-info .pytest_cache wheelhouse wheelhouse-*
