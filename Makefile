# FirstContact. `make run` serves the demo; `make test` runs every test on SQLite and PostgreSQL.
SHELL := /bin/bash
.DEFAULT_GOAL := help

# Django 6.1 needs Python 3.12+: prefer 3.13, then 3.12, on PATH or in pyenv.
PYTHON_FOR_VENV := $(shell for p in python3.13 python3.12 \
	$(HOME)/.pyenv/versions/3.13*/bin/python3.13 $(HOME)/.pyenv/versions/3.12*/bin/python3.12; do \
	command -v $$p >/dev/null 2>&1 && { command -v $$p; break; }; done)
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
MANAGE := $(PY) -m firstcontact
DEV_ENV := DEBUG=1 TASKS_BACKEND=immediate

.PHONY: help setup frontend chromium dovecot run worker test test-sqlite test-postgres bench lint format postgres-binaries clean screenshots messages gettext

help:
	@echo "make run     set up, migrate, load the demo partnership, serve http://127.0.0.1:8000"
	@echo "make test    set up and run every test on SQLite, then on a throwaway PostgreSQL"
	@echo "make worker  run the background task worker"
	@echo "make bench   print performance figures"
	@echo "make lint    ruff check and format check"
	@echo "make screenshots  PNGs of the resident site's pages into docs/screenshots/"
	@echo "make messages     update and compile the resident site's translations (Polish)"

$(PY):
	@if [ -z "$(PYTHON_FOR_VENV)" ]; then \
		echo "FirstContact needs Python 3.12 or newer (python3.13 or python3.12), and neither was found."; \
		echo "Install one (e.g. 'pyenv install 3.13') and run make again."; exit 1; fi
	$(PYTHON_FOR_VENV) -m venv $(VENV)

$(STAMP): $(PY) pyproject.toml
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

# Front-end: npm packages (package-lock.json), then frontend/build.mjs copies GOV.UK Frontend's
# files and compiles frontend/*.scss into var/frontend/, which Django serves (STATICFILES_DIRS).
NPM_STAMP := node_modules/.installed
FRONTEND_STAMP := var/frontend/.built

$(NPM_STAMP): package.json package-lock.json
	@command -v npm >/dev/null 2>&1 || { echo "Installing Node.js and npm (Debian packages)"; \
		SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
		$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq nodejs npm >/dev/null; }
	npm ci --ignore-scripts --no-audit --no-fund
	@touch $(NPM_STAMP)

$(FRONTEND_STAMP): $(NPM_STAMP) $(wildcard frontend/*)
	node frontend/build.mjs
	@touch $(FRONTEND_STAMP)

frontend: $(FRONTEND_STAMP)

setup: $(STAMP) $(FRONTEND_STAMP)

# Chromium for the browser tests (tests/browser, Playwright): Debian's package if it is missing.
chromium:
	@if [ -x /usr/bin/chromium ]; then :; \
	else echo "Installing Chromium (Debian package) for the browser tests"; \
		SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
		$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium >/dev/null; fi

# Dovecot for the IMAP polling tests (tests/inbox: a throwaway server in a temporary directory).
dovecot:
	@if command -v dovecot >/dev/null 2>&1 || [ -x /usr/sbin/dovecot ]; then :; \
	else echo "Installing Dovecot (Debian package) for the IMAP tests"; \
		SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
		$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq dovecot-imapd >/dev/null; fi

run: setup
	@mkdir -p var
	$(DEV_ENV) $(MANAGE) migrate --no-input
	$(DEV_ENV) $(MANAGE) load_demo
	$(DEV_ENV) $(MANAGE) load_life_events
	$(DEV_ENV) $(MANAGE) runserver 127.0.0.1:8000

worker: setup
	DEBUG=1 $(MANAGE) db_worker

# PostgreSQL's server binaries: Debian's package, installed if this machine lacks them.
postgres-binaries:
	@if command -v initdb >/dev/null 2>&1 || ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then :; \
	else echo "Installing PostgreSQL (Debian package) for the PostgreSQL test run"; \
		SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
		$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq postgresql postgresql-contrib >/dev/null; fi

test: test-sqlite test-postgres

# Two workers for the unit and page tests (CI machines have 2 cores); the browser tests share
# one Chromium and a live server, so they run on their own afterwards.
test-sqlite: setup chromium dovecot
	$(PY) -m pytest -m "not browser" -n 2
	$(PY) -m pytest -m browser

test-postgres: setup postgres-binaries dovecot
	$(PY) scripts/throwaway_postgres.py -- $(PY) -m pytest -m "not browser" -n 2

bench: setup postgres-binaries
	$(PY) bench/run_all.py

lint: setup
	$(VENV)/bin/ruff check src tests bench scripts
	$(VENV)/bin/ruff format --check src tests bench scripts

format: setup
	$(VENV)/bin/ruff check --fix src tests bench scripts
	$(VENV)/bin/ruff format src tests bench scripts

clean:
	rm -rf $(VENV) var .pytest_cache node_modules

# Screenshots of the resident site for the README: the demo partnership in a throwaway
# database, served on a free port and walked in Chromium (scripts/screenshots.py).
screenshots: setup chromium
	$(PY) scripts/screenshots.py

# The resident site's translations (portal/locale/pl, directory/locale/pl): extract the strings of
# the portal, the directory, life events and the shared templates, then compile them. The .po and .mo files
# are committed, so gettext is only needed to change them: Debian's package if it is missing.
gettext:
	@command -v msgfmt >/dev/null 2>&1 || { echo "Installing gettext (Debian package)"; \
		SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
		$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq gettext >/dev/null; }

STAFF_APPS := catalogue contacts customers demo desk insight notify open311 partners privacy servicerequests telephony

messages: setup gettext
	cd src/firstcontact && DEBUG=1 DJANGO_SETTINGS_MODULE=firstcontact.settings ../../$(PY) -m django \
		makemessages -l pl --add-location=file --no-obsolete $(foreach app,$(STAFF_APPS),--ignore='$(app)/*')
	cd src/firstcontact && DEBUG=1 DJANGO_SETTINGS_MODULE=firstcontact.settings ../../$(PY) -m django \
		compilemessages -l pl
