# civicgrid build. `make demo` runs the demo, `make test` runs every test.
# Each step is quick when nothing changed: stamps record what was last built.

PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
PIP_STAMP := $(VENV)/.installed
VENDOR := civicgrid/static/vendor
VENDOR_STAMP := $(VENDOR)/.installed
PO_FILES := $(wildcard civicgrid/locale/*/LC_MESSAGES/django.po)
MO_FILES := $(PO_FILES:.po=.mo)
CHROMIUM := /usr/bin/chromium
PYTEST_ARGS ?=
# Build-time manage.py commands need settings, not secrets: DEBUG fills in safe placeholders.
MANAGE := DEBUG=true $(PY) manage.py
export DEBIAN_FRONTEND := noninteractive

.PHONY: venv install assets messages messages-update browser test demo lint migrations bench clean

venv install: $(PIP_STAMP)

$(PIP_STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -e '.[dev]'
	touch $@

assets: $(VENDOR_STAMP)

# npm ci installs exactly package-lock.json; only the dist files we serve are copied.
$(VENDOR_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	rm -rf $(VENDOR)
	mkdir -p $(VENDOR)/leaflet
	cp node_modules/htmx.org/dist/htmx.min.js $(VENDOR)/htmx.min.js
	cp node_modules/leaflet/dist/leaflet.js node_modules/leaflet/dist/leaflet.css $(VENDOR)/leaflet/
	cp -r node_modules/leaflet/dist/images $(VENDOR)/leaflet/images
	cp node_modules/echarts/dist/echarts.min.js $(VENDOR)/echarts.min.js
	touch $@

messages: $(MO_FILES)

ifneq ($(PO_FILES),)
$(MO_FILES) &: $(PO_FILES) | $(PIP_STAMP)
	command -v msgfmt >/dev/null || { apt-get update -qq && apt-get install -y -qq gettext; }
	$(MANAGE) compilemessages --verbosity 0
	touch $(MO_FILES)
endif

# The English catalogue brought up to date with the source; then translate what is new
# (a test fails while any message lacks its entry or its translation).
messages-update: install
	$(MANAGE) makemessages -l en --no-obsolete

browser: $(CHROMIUM)

$(CHROMIUM):
	apt-get update -qq
	apt-get install -y -qq --no-install-recommends chromium fonts-wqy-microhei

test: install assets messages browser
	$(VENV)/bin/pytest $(PYTEST_ARGS)

demo: install assets messages
	scripts/demo

# All three checks run; any failure fails the target.
lint: install
	@status=0; \
	$(VENV)/bin/ruff check . || status=1; \
	$(VENV)/bin/ruff format --check . || status=1; \
	$(MANAGE) makemigrations --check --dry-run || status=1; \
	exit $$status

# New migrations, formatted as `make lint` expects.
migrations: install
	$(MANAGE) makemigrations
	$(VENV)/bin/ruff format --quiet civicgrid/*/migrations

bench: install
	@if [ -x bench/run ]; then bench/run; else echo "bench/run does not exist yet"; fi

clean:
	rm -rf $(VENV) node_modules $(VENDOR) civicgrid/locale/*/LC_MESSAGES/*.mo
