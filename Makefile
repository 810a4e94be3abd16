# Two commands for a newcomer: `make run` and `make test`. Everything else is installed by them.
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000
PYTEST_ARGS ?=

.PHONY: install run test test-python browser-deps migrate demo lint check-deploy messages bench bench-deps serve clean

$(STAMP): requirements.lock
	@command -v $(PYTHON) >/dev/null || { echo "Python 3.11 is required ($(PYTHON) not found)"; exit 1; }
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet --requirement requirements.lock
	touch $(STAMP)

install: $(STAMP)

# Chromium from Debian for the browser tests (Playwright drives it; it never downloads a browser).
browser-deps:
	@{ command -v chromium && command -v xgettext; } >/dev/null || { \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium gettext >/dev/null; }

migrate: install
	mkdir -p var
	$(PY) manage.py migrate --noinput

demo: migrate
	$(PY) manage.py load_demo

# The task worker (e-mails, search index) runs in the background and stops with the server.
run: demo
	@echo "Serving on http://$(HOST):$(PORT)/ (admin: http://$(HOST):$(PORT)/admin/); task worker started"
	@$(PY) manage.py db_worker --queue-name '*' & WORKER=$$!; \
	trap 'kill $$WORKER 2>/dev/null; wait $$WORKER 2>/dev/null' EXIT INT TERM; \
	$(PY) manage.py runserver $(HOST):$(PORT)

# The task worker alone (what a production server runs as a service next to gunicorn).
.PHONY: worker
worker: migrate
	$(PY) manage.py db_worker --queue-name '*'

test: install browser-deps test-python

test-python:
	$(PY) -m pytest -n auto $(PYTEST_ARGS)

lint: install
	$(PY) -m ruff check .

check-deploy: install
	DJANGO_SETTINGS_MODULE=config.settings.production \
	SECRET_KEY=$$($(PY) -c "import secrets; print(secrets.token_urlsafe(50))") \
	ALLOWED_HOSTS=sses.example.org \
	$(PY) manage.py check --deploy --fail-level WARNING

messages: install
	$(PY) manage.py makemessages -l fr --no-location --ignore=.venv --ignore=var --ignore=tests --ignore=benchmarks
	$(PY) manage.py compilemessages --ignore=.venv

# Production-like server on http://$(HOST):$(PORT)/: production settings, static files collected
# and served by WhiteNoise, gunicorn with deploy/gunicorn.conf.py (workers: GUNICORN_WORKERS).
# SECRET_KEY and ALLOWED_HOSTS come from the environment; a throwaway key is made if unset.
# Plain HTTP on the loopback: no TLS redirect nor secure-only cookies unless the environment says so.
serve: install
	mkdir -p var
	$(SERVE_ENV) $(PY) manage.py collectstatic --noinput -v0
	$(SERVE_ENV) $(PY) manage.py migrate --noinput
	@echo "Serving (production settings) on http://$(HOST):$(PORT)/"
	$(SERVE_ENV) GUNICORN_BIND=$(HOST):$(PORT) $(PY) -m gunicorn -c deploy/gunicorn.conf.py

SERVE_ENV = DJANGO_SETTINGS_MODULE=config.settings.production \
	SECRET_KEY=$${SECRET_KEY:-$$($(PY) -c "import secrets; print(secrets.token_urlsafe(50))")} \
	ALLOWED_HOSTS=$${ALLOWED_HOSTS:-$(HOST),localhost} \
	SECURE_SSL_REDIRECT=$${SECURE_SSL_REDIRECT:-false} \
	SECURE_HSTS_SECONDS=$${SECURE_HSTS_SECONDS:-0} \
	SESSION_COOKIE_SECURE=$${SESSION_COOKIE_SECURE:-false} \
	CSRF_COOKIE_SECURE=$${CSRF_COOKIE_SECURE:-false}

# wrk from Debian drives the benchmark (benchmarks/loadgen.py falls back to a Python client without it).
bench-deps:
	@command -v wrk >/dev/null || { \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq wrk >/dev/null; }

# 20,000 offers and 5,000 calendar periods in PostgreSQL (database sses_bench, recreated), gunicorn
# with 2 workers, wrk on every URL; prints the table, writes benchmarks/results/latest.json.
BENCH_ARGS ?=
bench: install bench-deps
	$(PY) -m benchmarks.run $(BENCH_ARGS)

clean:
	rm -rf $(VENV) var
