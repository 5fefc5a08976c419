# The two commands: `make run` (everything on the embedded default) and `make test` (the whole suite).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000

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
# broker and email to files (var/mail/). Ctrl-C stops all three.
run: install
	DEBUG=1 $(BIN)/python manage.py migrate --no-input
	DEBUG=1 $(BIN)/python manage.py load_demo
	DEBUG=1 PORT=$(PORT) $(BIN)/honcho start -f Procfile.dev

test: install-test
	# Tests run with DEBUG on (demo accounts allowed, a development SECRET_KEY); production settings are
	# checked by tests that start subprocesses with DEBUG off.
	DEBUG=1 $(BIN)/python -m pytest

check: install-test
	DEBUG=1 $(BIN)/python manage.py makemigrations --check --dry-run
	DEBUG=1 $(BIN)/python manage.py check

clean:
	rm -rf var/broker var/mail
