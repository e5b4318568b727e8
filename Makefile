# The two commands of the README: `make run` and `make test`. Each sets itself up on a fresh machine.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml requirements/constraints.txt | sha1sum | cut -c1-12)
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: install run test otp chart-images lint bench bench-install bench-data bench-pages bench-crypto bench-audit bench-reports bench-access bench-access-log bench-postgres bench-security bench-load worker beat assets messages clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(STAMP): $(BIN)/python pyproject.toml requirements/constraints.txt
	$(BIN)/pip install --quiet --disable-pip-version-check -c requirements/constraints.txt -e ".[test]"
	rm -f $(VENV)/.installed-*
	touch $@

install: $(STAMP)

# The benchmarks' extra (locust for bench-load, django-guardian for bench-access), beside the test install.
BENCH_STAMP := $(VENV)/.bench-installed-$(shell cat pyproject.toml requirements/constraints.txt | sha1sum | cut -c1-12)
$(BENCH_STAMP): $(STAMP)
	$(BIN)/pip install --quiet --disable-pip-version-check -c requirements/constraints.txt -e ".[test,bench]"
	rm -f $(VENV)/.bench-installed-*
	touch $@

bench-install: $(BENCH_STAMP)

## make run: install, migrate, load the demo year, print the demo logins, serve on http://$(HOST):$(PORT)
## (default http://127.0.0.1:8000; `make run PORT=8080 HOST=0.0.0.0`). The printed address and e-mailed
## links follow: SAMSYN_BASE_URL is http://$(HOST):$(PORT) unless set in the environment.
run: export SAMSYN_BASE_URL ?= http://$(HOST):$(PORT)
run: install
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py seed_demo
	$(BIN)/python manage.py runserver $(HOST):$(PORT)

## make test: install if needed, run the whole suite (PostgreSQL/Redis tests run when DATABASE_URL/REDIS_URL are set)
# Spread over the machine's cores by pytest-xdist: each worker takes a contiguous half of the suite (a
# module's fixtures are built about once) and an idle worker steals from the other's tail, so one slow file
# does not leave a core idle. PYTEST_ARGS="-n 0" runs in one process, "--today=YYYY-MM-DD" on another day.
test: install
	$(BIN)/pytest -n auto --dist worksteal $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/lint-imports
	$(BIN)/python manage.py makemigrations --check --dry-run

worker: install
	$(BIN)/celery -A config worker --loglevel=INFO

beat: install
	$(BIN)/celery -A config beat --loglevel=INFO --schedule=var/celerybeat-schedule

messages: install
	$(BIN)/python manage.py makemessages -l en --ignore=.venv --ignore=var --ignore=assets --ignore=bench --ignore=deploy
	$(BIN)/python manage.py compilemessages --ignore=.venv

otp: install
	$(BIN)/python manage.py demo_otp

## The before/after images of the statistics and cost charts in docs/images (needs pdftoppm: poppler-utils)
chart-images: install
	$(BIN)/python docs/images/render_charts.py

## Rebuild static/samsyn/samsyn.css from GOV.UK Frontend (needs Node.js; the result is committed)
assets:
	cd assets && npm install --no-audit --no-fund && npm run build

## Benchmarks (not tests; figures, not pass/fail). Set DATABASE_URL to PostgreSQL for the figures that count.
## make bench: issue 20's table of ratios, each beside its goal, from one run at a large municipality's scale:
## builds (first time, minutes) or reuses the dataset in database $$BENCH_DATABASE (samsyn_bench) on
## DATABASE_URL's server, then every list page large against small and every bench module's rows().
## BENCH_ARGS="--scale 0.05" for a quick run on a small copy; BENCH_ROUNDS sets the rounds.
bench: bench-install
	$(BIN)/python -m bench.run $(BENCH_ARGS)

## make bench-data: build or reuse the dataset only, and print its database, counts and users
bench-data: install
	$(BIN)/python -m bench.scale $(BENCH_ARGS)

## make bench-pages: every list page, the large agreement against the small one (the dataset of bench-data)
bench-pages: install
	$(BIN)/python -m bench.pages $(BENCH_ARGS)

## make bench-crypto: seal/open throughput, and the case list encrypted against unencrypted
bench-crypto: install
	$(BIN)/python -m bench.crypto

## make bench-access: case scoping per role over CASES cases (default 30000), and against django-guardian
bench-access: bench-install
	$(BIN)/python bench/access_scoping.py

## make bench-postgres: the case list and case page under PostgreSQL's JIT on/off and work_mem 4/16/32MB
bench-postgres: install
	$(BIN)/python bench/postgres_settings.py

## make bench-audit: cost of access logging on a case page, and verify_audit over a million entries
bench-audit: install
	$(BIN)/python bench/audit.py

## make bench-access-log: who has seen a case, and the auditor's person search, at 100 000 and 1 000 000 log entries
bench-access-log: install
	$(BIN)/python bench/access_links.py

## make bench-security: the whole security stack on against off, on the case list and a case page
bench-security: install
	$(BIN)/python bench/security.py

## make bench-reports: the yearly follow-up and the management catalogue, 2 000 to 20 000 persons
bench-reports: install
	$(BIN)/python bench/reports.py $(BENCH_ARGS)

## make bench-load: gunicorn with production settings under 1, 4 and 16 concurrent users (locust, headless),
## requests/s, p50/p95/p99 and errors per page type; needs DATABASE_URL (PostgreSQL) and REDIS_URL, and data
## (`manage.py seed_demo` or `python -m bench.scale`). bench/load.py lists its settings (BENCH_LOAD_*).
bench-load: bench-install
	$(BIN)/python -m bench.load

clean:
	rm -rf $(VENV) var/static
