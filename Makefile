# Two entry points for a fresh machine: `make demo` and `make test`. Both set up first.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: setup system demo test test-fast release

setup: system $(STAMP)

# bubblewrap isolates the local runner; chromium and its driver run the browser tests
# (tests/test_browser.py). Install what is missing when we are allowed to. Grading workers
# started as root drop to unprivileged uids, which must be able to run this Python and this
# checkout's engine: a folder closed to others on the way (pyenv under /root) is opened for
# traversal only (o+x: nothing in it becomes listable or readable that was not already).
system:
	@command -v bwrap >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq bubblewrap; \
	  else echo "WARNING: bubblewrap missing; install it (apt-get install bubblewrap) for full isolation"; fi; }
	@{ command -v chromium >/dev/null 2>&1 && command -v chromedriver >/dev/null 2>&1; } || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver; \
	  else echo "WARNING: chromium or chromedriver missing; install them (apt-get install chromium chromium-driver) for the browser tests"; fi; }

	@if [ "$$(id -u)" = 0 ]; then for d in $$($(PYTHON) -c 'import sys; print(sys.base_prefix)') $(CURDIR); do \
	  while [ "$$d" != / ]; do \
	    if [ -z "$$(find "$$d" -maxdepth 0 -perm -o+x)" ]; then echo "chmod o+x $$d (grading workers run unprivileged)"; chmod o+x "$$d"; fi; \
	    d=$$(dirname "$$d"); done; done; fi

$(STAMP): requirements.txt constraints.txt pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q -r requirements.txt -c constraints.txt
	$(BIN)/pip install -q --no-deps -e .
	touch $(STAMP)

demo: setup
	$(BIN)/autograder demo rnn --dir build/demo

test: setup
	$(BIN)/python -m pytest

test-fast: setup
	$(BIN)/python -m pytest -m "not e2e and not docker"

release: setup
	@for a in $$(ls source); do $(BIN)/autograder release $$a || exit 1; done
