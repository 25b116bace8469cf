# Two commands do all set-up on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PORT   ?= 8501
ADDRESS ?= localhost

.PHONY: run test bench chromium postgresql clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip

# Reinstall whenever pyproject.toml changes.
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -q -e '.[test]'
	touch $@

run: $(VENV)/.installed
	@$(BIN)/python -m actions.access $(ADDRESS)
	@echo "Cancel Assist (sandbox unless .streamlit/secrets.toml or SHOPIFY_* configure a shop): http://$(ADDRESS):$(PORT)"
	$(BIN)/python -m streamlit run streamlit_app.py --server.port $(PORT) --server.address $(ADDRESS)

# Browser tests drive Debian's Chromium; never a browser downloaded by Playwright.
# The emoji font only makes screenshots show the status icons; it is not needed to pass.
chromium:
	@if [ -x /usr/bin/chromium ]; then \
		echo "chromium: /usr/bin/chromium present"; \
	elif [ "$$(id -u)" = "0" ]; then \
		echo "chromium: installing Debian's chromium"; \
		(apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null \
		&& (DEBIAN_FRONTEND=noninteractive apt-get install -y -qq fonts-noto-color-emoji >/dev/null || true)) \
		|| echo "chromium: install failed: browser tests will be skipped (and fail under CI=true)"; \
	else \
		echo "chromium: /usr/bin/chromium missing and not root: browser tests will be skipped"; \
	fi

# The store's tests run against a throwaway PostgreSQL server too (tests/pg_server.py): Debian's
# binaries under /usr/lib/postgresql/*/bin, started by the tests as an unprivileged user.
postgresql:
	@if ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then \
		echo "postgresql: $$(ls /usr/lib/postgresql/*/bin/initdb | tail -n 1) present"; \
	elif [ "$$(id -u)" = "0" ]; then \
		echo "postgresql: installing Debian's postgresql"; \
		(apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null) \
		|| echo "postgresql: install failed: PostgreSQL tests will be skipped (and fail under CI=true)"; \
	else \
		echo "postgresql: not installed and not root: PostgreSQL tests will be skipped"; \
	fi

test: $(VENV)/.installed chromium postgresql
	$(BIN)/python -m pytest

bench: $(VENV)/.installed
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) .pytest_cache build *.egg-info
