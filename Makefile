# Two commands are all the set-up: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000
DEMO_PASSWORD ?= fact-check-demo
# Absolute links (exports, emails) point at where this machine serves, unless SITE_URL is set.
SITE_ENV := SITE_URL=$${SITE_URL:-http://$(HOST):$(PORT)}
# Tests run with DEBUG off, as production does, but without the HTTPS redirect.
TEST_ENV := SECRET_KEY=insecure-test-only-key DEBUG=0 SECURE_SSL=0

.PHONY: install install-dev run test lint format serve clean

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

$(VENV)/.runtime: requirements.txt | $(PY)
	$(PY) -m pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.dev: requirements.txt requirements-dev.txt | $(PY)
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@ $(VENV)/.runtime

install: $(VENV)/.runtime
install-dev: $(VENV)/.dev

run: install
	DEBUG=1 $(PY) manage.py migrate --noinput
	DEBUG=1 $(SITE_ENV) $(PY) manage.py seed_demo --password "$(DEMO_PASSWORD)"
	@echo
	@echo "  Workbench:  http://$(HOST):$(PORT)/"
	@echo "  Admin:      http://$(HOST):$(PORT)/admin/"
	@echo "  Logins (password \"$(DEMO_PASSWORD)\" for each):"
	@echo "    alice  annotator    bob  reviewer    erin  editor    admin  superuser"
	@echo
	DEBUG=1 $(SITE_ENV) $(PY) manage.py runserver $(HOST):$(PORT)

test: install-dev
	@test -x /usr/bin/chromium || test -n "$$CHROMIUM" || \
		echo "!!! No Chromium at /usr/bin/chromium: browser tests will be SKIPPED (apt-get install chromium) !!!"
	$(TEST_ENV) $(PY) -m pytest $(PYTEST_ARGS)

lint: install-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: install-dev
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache staticfiles

# Production-like serving on 127.0.0.1: gunicorn running uvicorn's ASGI workers, so an open
# live stream holds no worker; DEBUG off, static files by whitenoise. Uses DATABASE_URL
# (PostgreSQL in production); plain HTTP here, so SECURE_SSL=0.
SERVE_ENV := $(SITE_ENV) DEBUG=0 SECURE_SSL=0 ALLOWED_HOSTS=$${ALLOWED_HOSTS:-127.0.0.1,localhost} \
	SECRET_KEY=$${SECRET_KEY:-$$(cat .data/serve_secret_key 2>/dev/null || \
	(mkdir -p .data && $(PYTHON) -c 'import secrets; print(secrets.token_urlsafe(50))' | tee .data/serve_secret_key))}
WORKERS ?= 4

serve: install
	$(SERVE_ENV) $(PY) manage.py migrate --noinput
	$(SERVE_ENV) $(PY) manage.py collectstatic --noinput --verbosity 0
	$(SERVE_ENV) $(PY) manage.py seed_demo --password "$(DEMO_PASSWORD)"
	@echo "  Serving http://$(HOST):$(PORT)/ with gunicorn ($(WORKERS) uvicorn workers)"
	$(SERVE_ENV) $(VENV)/bin/gunicorn factcheck.asgi:application \
		--worker-class uvicorn_worker.UvicornWorker --bind $(HOST):$(PORT) \
		--workers $(WORKERS) --access-logfile - --timeout 60 --graceful-timeout 20 --keep-alive 75
