# Two commands matter: `make demo` and `make test`. Both set everything up first.
SHELL := /bin/bash
# The development environment runs the newest Python 3.13/3.12 found (on PATH, in pyenv or
# among uv's interpreters); PYTHON=/path/to/python overrides. The oldest supported stack
# (requirements/oldest.lock) runs on Python 3.11 (OLDEST_PYTHON= overrides).
PYTHON ?= $(shell tools/find-python 3.13 3.12)
OLDEST_PYTHON ?= $(shell tools/find-python 3.11)
VENV := .venv
PY := $(VENV)/bin/python
UV := $(VENV)/bin/uv
UV_VERSION := 0.13.9
STAMP := $(VENV)/.installed
OLDEST_VENV := .venv-oldest
OLDEST_PY := $(OLDEST_VENV)/bin/python
OLDEST_STAMP := $(OLDEST_VENV)/.installed
DEV_LOCK := requirements/dev.lock
OLDEST_LOCK := requirements/oldest.lock
CHROMIUM := /usr/bin/chromium
PLATFORM := x86_64-manylinux_2_28

.PHONY: setup setup-oldest demo test test-modern test-oldest lint lab lock chromium java clean help

help:
	@echo "make demo   - set up .venv and run the main job on bundled data"
	@echo "make test   - set up both stacks (and chromium, java) and run every test, notebooks included"
	@echo "make lab    - JupyterLab on notebooks/"
	@echo "make lock   - regenerate the locks and environment.yml from pyproject.toml"

setup: $(STAMP)
	$(PY) -m rai_toolkit.dashboard._runtime

$(STAMP): $(DEV_LOCK) pyproject.toml
	@test -n "$(PYTHON)" || { echo "error: no Python 3.12 or 3.13 found (PATH, pyenv, uv). Install one (e.g. 'pyenv install 3.13' or 'uv python install 3.13') or run: make PYTHON=/path/to/python3.13" >&2; exit 2; }
	@$(PYTHON) -c 'import sys; v = sys.version_info[:2]; assert v >= (3, 12), "the development environment needs Python >= 3.12; PYTHON=" + sys.executable + " is " + sys.version.split()[0]'
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)
	$(UV) pip sync --python $(PY) $(DEV_LOCK)
	$(UV) pip install --python $(PY) --no-deps -e .
	touch $(STAMP)

setup-oldest: $(OLDEST_STAMP)

$(OLDEST_STAMP): $(OLDEST_LOCK) pyproject.toml $(STAMP)
	@test -n "$(OLDEST_PYTHON)" || { echo "error: no Python 3.11 found for the oldest supported stack (PATH, pyenv, uv). Install one (e.g. 'uv python install 3.11') or run: make OLDEST_PYTHON=/path/to/python3.11" >&2; exit 2; }
	test -x $(OLDEST_PY) || $(UV) venv --quiet --python $(OLDEST_PYTHON) $(OLDEST_VENV)
	$(UV) pip sync --python $(OLDEST_PY) $(OLDEST_LOCK)
	$(UV) pip install --python $(OLDEST_PY) --no-deps -e .
	touch $(OLDEST_STAMP)

lock: setup
	$(UV) pip compile pyproject.toml --extra test --extra notebooks --python-version 3.12 \
	  --python-platform $(PLATFORM) --generate-hashes --no-header -o $(DEV_LOCK)
	$(UV) pip compile pyproject.toml --extra test -c requirements/oldest.txt --python-version 3.11 \
	  --python-platform $(PLATFORM) --generate-hashes --no-header -o $(OLDEST_LOCK)
	$(PY) tools/write_environment_yml.py

chromium:
	@if [ ! -x $(CHROMIUM) ]; then \
	  echo "Installing Debian chromium for the browser tests"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium >/dev/null; \
	fi
	@$(CHROMIUM) --version

java:
	@if ! command -v java >/dev/null 2>&1; then \
	  echo "Installing Debian openjdk-17-jre-headless for the Spark tests"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq openjdk-17-jre-headless >/dev/null; \
	fi
	@java -version 2>&1 | head -1

demo: setup
	$(VENV)/bin/rai-toolkit demo

# Every test on the newest stack, then the core suite again on the oldest supported one.
test: test-modern test-oldest

test-modern: setup setup-oldest chromium java
	RAI_TOOLKIT_OLDEST_PYTHON=$(OLDEST_PY) $(PY) -m pytest -q -p no:cacheprovider tests

test-oldest: setup-oldest
	RAI_TOOLKIT_LOCK=$(OLDEST_LOCK) $(OLDEST_PY) -m pytest -q -p no:cacheprovider tests \
	  --ignore=tests/dashboard --ignore=tests/notebooks -m "not browser and not cross_stack"

lint: setup
	$(PY) -m ruff check rai_toolkit tests benchmarks

lab: setup
	$(VENV)/bin/jupyter lab notebooks/

clean:
	rm -rf $(VENV) $(OLDEST_VENV) reports .pytest_cache
