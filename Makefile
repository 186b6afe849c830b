# The two commands a fresh machine needs:  make run   and   make test
# Both create ./.venv on first use from pyproject.toml.

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 5000

.PHONY: run test serve lint format clean system-run system-test translations
# The system check must come before the virtualenv it may make possible.
.NOTPARALLEL:

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed-run: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@ $(VENV)/.installed-run

## The system libraries and programs each command needs (scripts/system_check.py): installed
## with apt-get when run as root, otherwise one line naming them and the command to install them.
system-run:
	@$(PYTHON) scripts/system_check.py run

system-test:
	@$(PYTHON) scripts/system_check.py test

## Each language's words (translations/<code>/LC_MESSAGES/messages.po) compiled for the
## app; the compiled files are built here, not kept in git.
CATALOGS := $(patsubst %.po,%.mo,$(wildcard translations/*/LC_MESSAGES/messages.po))

%.mo: %.po $(VENV)/.installed-run
	$(BIN)/pybabel compile --statistics -i $< -o $@

## make translations: gather every word to translate into messages.pot, add the new ones
## to each language's catalogue (translations/*/LC_MESSAGES/messages.po), and compile
translations: $(VENV)/.installed-run
	$(BIN)/pybabel extract -F babel.cfg --ignore-dirs='.* _* tests bench migrations test-artifacts' \
		--no-location --sort-output --omit-header -k _l -k N_ -o messages.pot .
	$(BIN)/pybabel update -i messages.pot -d translations --ignore-obsolete --width=100
	$(MAKE) $(CATALOGS)

## make run: install, migrate, add the demo when the database is empty, then serve on
## 127.0.0.1:5000 and run the task consumer that sends messages (Procfile, via honcho)
run: system-run $(VENV)/.installed-run $(CATALOGS)
	$(BIN)/flask --app app db upgrade
	$(BIN)/flask --app app seed-demo --if-empty
	PATH="$(abspath $(BIN)):$$PATH" HOST=$(HOST) $(BIN)/honcho start -f Procfile --port $(PORT)

## make test: install the dev tools, lint, and run every test (SQLite unless
## HEARTH_TEST_DATABASE_URL points at PostgreSQL)
test: system-test $(VENV)/.installed-dev $(CATALOGS)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/pytest

## make serve: production: install, migrate DATABASE_URL, then gunicorn (gunicorn.conf.py;
## see docs/DEPLOY.md). A real deployment sets HEARTH_ENV=production and SECRET_KEY.
serve: system-run $(VENV)/.installed-run
	$(BIN)/flask --app app db upgrade
	exec $(BIN)/gunicorn -c gunicorn.conf.py 'app:create_app()'

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(VENV)/.installed-dev
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
