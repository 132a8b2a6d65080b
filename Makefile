# `make run` starts the product on its embedded defaults; `make test` runs every suite.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PORT ?= 8000
export PORT
# Procfile.dev names bare commands; they resolve to the virtual environment's.
export PATH := $(abspath $(BIN)):$(PATH)

.PHONY: run test venv bench clean

venv: $(STAMP)

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 or newer is required")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[test]"
	@touch $(STAMP)

run: venv
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py collectstatic --noinput --verbosity 0
	@mkdir -p var
	$(BIN)/python manage.py demo --json > var/demo.json
	$(BIN)/python manage.py run_banner var/demo.json
	$(BIN)/honcho --procfile Procfile.dev --app-root . start

test: venv
	$(BIN)/python -m pytest $(PYTEST_ARGS)

bench: venv
	$(BIN)/python benchmarks/run.py

clean:
	rm -rf $(VENV) var
