# Two commands matter: `make demo` and `make test`. Both set everything up first.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
UV := $(VENV)/bin/uv
UV_VERSION := 0.9.5
STAMP := $(VENV)/.installed
CHROMIUM := /usr/bin/chromium

.PHONY: setup demo test test-unit test-notebooks test-browser lint lab lock chromium clean help

help:
	@echo "make demo   - set up .venv and run the main job on bundled data"
	@echo "make test   - set up .venv (and chromium) and run every test, notebooks included"
	@echo "make lab    - JupyterLab on notebooks/"
	@echo "make lock   - regenerate requirements.lock and environment.yml from pyproject.toml"

setup: $(STAMP)

$(STAMP): requirements.lock pyproject.toml
	@$(PYTHON) -c 'import sys; assert sys.version_info[:2] == (3, 11), "rai_toolkit needs Python 3.11; found " + sys.version.split()[0] + ". Run: make PYTHON=/path/to/python3.11"'
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)
	$(UV) pip sync --python $(PY) requirements.lock
	$(UV) pip install --python $(PY) --no-deps -e .
	touch $(STAMP)

lock:
	$(UV) pip compile pyproject.toml --extra test --python-version 3.11 \
	  --python-platform x86_64-manylinux_2_28 --generate-hashes --no-header -o requirements.lock
	$(PY) tools/write_environment_yml.py

chromium:
	@if [ ! -x $(CHROMIUM) ]; then \
	  echo "Installing Debian chromium for the browser tests"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium >/dev/null; \
	fi
	@$(CHROMIUM) --version

demo: setup
	$(VENV)/bin/rai-toolkit demo

test: setup chromium
	$(PY) -m pytest -q -p no:cacheprovider tests

lint: setup
	$(PY) -m ruff check rai_toolkit tests benchmarks

lab: setup
	$(VENV)/bin/jupyter lab notebooks/

clean:
	rm -rf $(VENV) reports .pytest_cache
