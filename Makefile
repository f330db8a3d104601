# Channeldesk: `make run` serves the demo portal, `make test` runs every check.
SHELL := /bin/bash
UV := .tools/bin/uv
PY := .venv/bin/python
export CHANNELDESK_DATA_DIR ?= $(CURDIR)/var
# Compiled bytecode is cached (__pycache__, gitignored): with PYTHONDONTWRITEBYTECODE set, every
# process of a run (test workers, the servers tests start, the benchmark's) compiled all
# modules again, seconds each on this machine.
unexport PYTHONDONTWRITEBYTECODE
PYTEST_ARGS ?=
# Browser tests need Debian's chromium; two workers fit this 2-core machine.
XDIST ?= -n 2
LINT_DIRS := $(wildcard src tests bench scripts)

.PHONY: run test lint audit typecheck migrations-check messages test-sqlite test-postgres bench setup system-deps clean

$(UV):
	python3 -m venv .tools
	.tools/bin/pip install --quiet --disable-pip-version-check uv

.venv/.synced: pyproject.toml uv.lock | $(UV)
	$(UV) sync --frozen --quiet
	touch $@

setup: .venv/.synced messages

# Compiled translations are build output (gitignored): built from the .po files here.
messages: .venv/.synced
	@command -v msgfmt >/dev/null || { apt-get update -qq && apt-get install -y -qq gettext >/dev/null; }
	@cd src/channeldesk && ../../$(PY) -m django compilemessages --settings=channeldesk.settings -v0

run: setup
	@$(PY) -m channeldesk.cli migrate -v0
	@$(PY) -m channeldesk.cli init --operator "Channeldesk Cloud" --email admin@demo.channeldesk.test --password demo-password-2026 >/dev/null
	@$(PY) -m channeldesk.cli demo
	@echo "Portal: http://127.0.0.1:8000"
	@$(PY) -m channeldesk.cli serve --host 127.0.0.1 --port 8000

system-deps:
	@bash scripts/system-deps.sh

lint: setup
	$(PY) -m ruff format --check $(LINT_DIRS)
	$(PY) -m ruff check $(LINT_DIRS)
	$(PY) -m mypy
	$(PY) -m channeldesk.cli makemigrations --check --dry-run -v1

# Supply chain (quality.md 24): pip-audit over uv.lock (needs PyPI) and bandit -ll over src/.
audit: setup
	$(PY) scripts/audit.py

test: system-deps setup lint audit test-sqlite test-postgres
	@echo "make test: lint, audit, SQLite and PostgreSQL suites passed"

test-sqlite: setup
	CHANNELDESK_DATA_DIR=$(CURDIR)/var/test-sqlite $(PY) -m pytest $(XDIST) $(PYTEST_ARGS)

test-postgres: setup
	bash scripts/with-postgres.sh $(PY) -m pytest $(XDIST) $(PYTEST_ARGS)

# Large-data benchmark (bench/): generates the datasets if absent, then measures the app against
# the raw baseline. BENCH_SCALES=10k,100k,1m for the full scale check.
BENCH_SCALES ?= 10k,100k
bench: setup
	@command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk >/dev/null; }
	$(PY) -m channeldesk.cli bench run --scales $(BENCH_SCALES)

clean:
	rm -rf var .venv .tools tests/artifacts
