# Shuanglian: the two commands a user needs are `make demo` and `make test`.
# Everything installs itself into .venv and node_modules; nothing is fetched at run time.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
PIP_STAMP := $(VENV)/.installed
NPM_STAMP := node_modules/.installed
HOST ?= 127.0.0.1
PORT ?= 8000
HOUSEHOLDS_PER_VILLAGE ?= 30
PYTEST_ARGS ?=
BENCH_HOUSEHOLDS ?= 1000000
BENCH_DATABASE ?= both
BENCH_RUNS ?= 3
# Runs as root in CI; elsewhere apt-get needs sudo.
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: install browser demo serve migrate test test-fast lint format bench ci messages clean

install: $(PIP_STAMP) $(NPM_STAMP)

$(PIP_STAMP): pyproject.toml constraints.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade "pip>=24"
	$(PY) -m pip install --quiet -c constraints.txt -e ".[test]"
	touch $@

$(NPM_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

# Debian's chromium drives the browser tests (Playwright never downloads its own browser).
browser:
	@if ! command -v chromium >/dev/null || ! fc-list 2>/dev/null | grep -qi "Noto Sans CJK"; then \
		echo "Installing Debian's chromium and fonts-noto-cjk"; \
		$(SUDO) apt-get update -qq && \
		$(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk >/dev/null; \
	fi

migrate: install
	$(BIN)/shuanglian migrate --noinput

demo: migrate
	$(BIN)/shuanglian demo --households-per-village $(HOUSEHOLDS_PER_VILLAGE) --host $(HOST) --port $(PORT)

serve: migrate
	$(BIN)/shuanglian serve --host $(HOST) --port $(PORT)

# The whole suite, browser tests included. DATABASE_URL chooses the database (SQLite by default).
test: install browser
	$(BIN)/pytest -n 2 --dist loadfile $(PYTEST_ARGS)

test-fast: install
	$(BIN)/pytest -n 2 --dist loadfile -m "not browser" $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/shuanglian makemigrations --check --dry-run

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

messages: install
	cd src/shuanglian && for app in */locale; do \
		(cd $$(dirname $$app) && ../../../$(BIN)/shuanglian makemessages -l zh_Hans --no-obsolete >/dev/null && \
		 ../../../$(BIN)/shuanglian compilemessages -l zh_Hans >/dev/null) || exit 1; \
	done

# Every benchmark beside its reference on both databases (docs/benchmarks.md); a smaller run:
# make bench BENCH_HOUSEHOLDS=100000. PostgreSQL comes from $BENCH_DATABASE_URL.
bench: install
	$(BIN)/shuanglian bench --households $(BENCH_HOUSEHOLDS) --database $(BENCH_DATABASE) \
		--runs $(BENCH_RUNS)

# What CI runs: lint, then the suite on SQLite and on PostgreSQL.
ci:
	.ci/run

clean:
	rm -rf $(VENV) node_modules var/static test-results
