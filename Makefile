# One command to run the app, one to run the tests; each creates .venv on first use.
PY ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
PORT ?= 8501
# make run HOST=0.0.0.0 serves other machines too; the default is this machine only.
HOST ?= 127.0.0.1

.PHONY: install run test bench lint clean

$(STAMP): pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

# serve_app.py serves streamlit_app.py with the security headers (assistant/app/headers.py).
run: install
	$(BIN)/streamlit run serve_app.py --server.address $(HOST) --server.port $(PORT) --browser.gatherUsageStats false --server.fileWatcherType none

test: install
	$(BIN)/python -m pytest $(PYTEST_ARGS)

bench: install
	$(BIN)/python benchmarks/run.py

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache *.egg-info
