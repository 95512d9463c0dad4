# Two entry points for a fresh machine: `make run` (install, build, serve) and `make test`;
# `make serve` starts the HTTP service and its widget on the same index.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
PORT   ?= 8501
API_PORT ?= 8000
WORKERS  ?= 1

.PHONY: install install-dev index run serve test test-fast browser postgres bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip

$(VENV)/.installed: requirements.txt | $(BIN)/python
	$(BIN)/pip install -q -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements.txt requirements-dev.txt $(VENV)/.installed
	$(BIN)/pip install -q -r requirements-dev.txt
	touch $@

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

# Converts the bundled model on first use, then embeds only passages that changed.
index: install
	$(BIN)/python build_index.py

run: index
	$(BIN)/streamlit run app.py --server.port $(PORT)

serve: index
	$(BIN)/python -m faqsearch serve --port $(API_PORT) --workers $(WORKERS)

# Debian's Chromium for the end-to-end test (Playwright drives it; no browser download).
browser:
	@command -v chromium >/dev/null 2>&1 || (apt-get update -qq && apt-get install -y -qq chromium >/dev/null)
	@# A headless Debian has no colour emoji font: the page's icons would be empty boxes in screenshots.
	@fc-list 2>/dev/null | grep -qi emoji || (apt-get update -qq && apt-get install -y -qq fonts-noto-color-emoji >/dev/null)

# Debian's PostgreSQL binaries: the tests start a throwaway server of their own with them.
postgres:
	@ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null)

test: install-dev browser postgres
	$(BIN)/python -m pytest -q

# The unit tier only (fake encoder, no model, no browser): a few minutes, for the edit-test loop.
test-fast: install-dev postgres
	$(BIN)/python -m pytest -q -m "not model and not browser"

bench: install-dev
	$(BIN)/python -m bench
	$(BIN)/python -m bench.load
	$(BIN)/python -m bench.stall

clean:
	rm -rf $(VENV) index/builds index/CURRENT
