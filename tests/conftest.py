"""Fixtures shared by every test folder."""

from __future__ import annotations

import os

import pytest

CHROMIUM = "/usr/bin/chromium"
#: Flags that let Debian's Chromium run headless as root on a machine with no internet.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]


@pytest.fixture(scope="session")
def browser():
    """Headless Debian Chromium driven by playwright; fails (never skips) when missing."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError as err:
        pytest.fail(f"playwright is not installed ({err}); run `make setup`.")
    if not os.access(CHROMIUM, os.X_OK):
        pytest.fail(f"{CHROMIUM} not found; install Debian's chromium (`make chromium`).")
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()
