# The two commands: `make run` (everything on the embedded default) and `make test` (the whole suite).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
TEST_PROCESSES ?= 2

.PHONY: run test install install-test migrate demo check clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-test: requirements.txt requirements-test.txt $(VENV)/.installed
	$(BIN)/pip install --quiet -r requirements-test.txt
	touch $@

install: $(VENV)/.installed
install-test: $(VENV)/.installed-test

# make run: the portal at http://127.0.0.1:$(PORT) with a Celery worker and beat, on SQLite, the filesystem
# broker and email to files (var/mail/). Ctrl-C stops all three. It writes .env (DEBUG=1) when there is none, so
# that every `python manage.py ...` of the README works in this checkout as written.
run: install .env
	$(BIN)/python manage.py migrate --no-input
	$(BIN)/python manage.py load_demo
	PORT=$(PORT) $(BIN)/honcho start -f Procfile.dev

.env:
	printf '# Development settings of this checkout (config/settings.py reads them; the environment wins).\nDEBUG=1\n' > $@

test: install-test
	# The architecture first (.importlinter): a wrong arrow between apps fails before any test runs.
	$(BIN)/lint-imports --no-logo
	# Tests run with DEBUG on (demo accounts allowed, a development SECRET_KEY); production settings are
	# checked by tests that start subprocesses with DEBUG off.
	# Two processes (pytest-xdist); tests/conftest.py says what runs together. TEST_PROCESSES=0: all in one.
	# -rs prints why each skipped test skipped, so a suite that shrinks shows it in CI's log.
	DEBUG=1 $(BIN)/python -m pytest -n $(TEST_PROCESSES) --dist loadgroup --no-loadscope-reorder -rs

check: install-test
	$(BIN)/lint-imports --no-logo
	DEBUG=1 $(BIN)/python manage.py makemigrations --check --dry-run
	DEBUG=1 $(BIN)/python manage.py check

clean:
	rm -rf var/broker var/mail
