# Streamsite: `make run` serves the site, `make test` runs the suite. See README.md.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000
PYTEST_ARGS ?=
# The suite waits on processes, sockets and a browser for most of its time: two pytest-xdist
# workers, each with its own test database and Redis database (streamsite/test_settings.py),
# whole test files per worker (module fixtures share processed videos). 0 runs in one process.
TEST_WORKERS ?= 2
PYTEST_XDIST = -n $(TEST_WORKERS) --dist loadfile

.PHONY: run test test-unit lint format migrate worker clean

$(VENV)/.installed: requirements.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	touch $@

venv: $(VENV)/.installed

# The embedded default is for development: DEBUG is off unless set (production refuses to
# start without SECRET_KEY), so these targets turn it on unless DEBUG is given.
run migrate worker: export DEBUG ?= 1

migrate: venv
	$(PY) manage.py migrate --noinput

run: venv migrate
	$(PY) manage.py seed_demo
	# Served directly: no proxy in front, so no proxy headers are believed (PROXY_COUNT=0).
	# The RTMP ingest (RTMP_PORT, 1935) runs beside the site and stops with it.
	$(PY) manage.py live_ingest & ingest=$$!; trap 'kill $$ingest 2>/dev/null' EXIT INT TERM; \
	$(VENV)/bin/daphne -b $(HOST) -p $(PORT) streamsite.asgi:application

worker: venv
	$(PY) manage.py worker

test: venv
	$(PY) -m pytest $(PYTEST_XDIST) $(PYTEST_ARGS)

# The quick pass: everything but the browser and the full media pipeline.
test-unit: venv
	$(PY) -m pytest $(PYTEST_XDIST) -m "not browser and not pipeline" $(PYTEST_ARGS)

lint: venv
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: venv
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

clean:
	rm -rf $(VENV) staticfiles .pytest_cache
