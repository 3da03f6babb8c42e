PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PORT ?= 8501

.PHONY: run test test-long bench install install-test system-packages lint clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e ".[test]"
	touch $@ $(VENV)/.installed

install: $(VENV)/.installed

install-test: $(VENV)/.installed-test

run: install
	$(BIN)/streamlit run app.py --server.port $(PORT)

system-packages:
	bash scripts/system-packages.sh

test: install-test system-packages
	$(BIN)/python -m pytest

test-long: install-test system-packages
	$(BIN)/python -m pytest -m long

bench: install-test
	$(BIN)/python -m benchmarks.bench

lint: install-test
	$(BIN)/ruff check .

clean:
	rm -rf $(VENV) data/workshop.db data/workshop.db-wal data/workshop.db-shm
