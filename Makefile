# `make run` starts the product on its embedded defaults; `make test` runs every suite.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PORT ?= 8000
export PORT
# honcho gives each process its own PORT, so the web server's address is passed on here.
PUBLIC_BASE_URL ?= http://127.0.0.1:$(PORT)
export PUBLIC_BASE_URL
# Procfile.dev names bare commands; they resolve to the virtual environment's.
export PATH := $(abspath $(BIN)):$(PATH)
# make run sends Retell, Vapi and Bland calls to the local stubs Procfile.dev starts.
# Run `PROVIDER_STUB_BASE_URLS= make run` to reach the real providers instead.
RETELL_STUB_PORT ?= 8301
VAPI_STUB_PORT ?= 8302
BLAND_STUB_PORT ?= 8303
LEADSQUARED_STUB_PORT ?= 8299
export RETELL_STUB_PORT VAPI_STUB_PORT BLAND_STUB_PORT LEADSQUARED_STUB_PORT
PROVIDER_STUB_BASE_URLS ?= retell=http://127.0.0.1:$(RETELL_STUB_PORT),vapi=http://127.0.0.1:$(VAPI_STUB_PORT),bland=http://127.0.0.1:$(BLAND_STUB_PORT)
run: export PROVIDER_STUB_BASE_URLS := $(PROVIDER_STUB_BASE_URLS)
# The LeadSquared connection of make run talks to the local LeadSquared stub.
LEADSQUARED_STUB_BASE_URL ?= http://127.0.0.1:$(LEADSQUARED_STUB_PORT)
run: export LEADSQUARED_STUB_BASE_URL := $(LEADSQUARED_STUB_BASE_URL)

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
