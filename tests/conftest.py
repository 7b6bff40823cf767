"""Fixtures shared by every test folder."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

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


def _cannot_create_files_in(folder: Path) -> bool:
    try:
        fd, name = tempfile.mkstemp(dir=folder)
    except OSError:
        return True
    os.close(fd)
    os.unlink(name)
    return False


@pytest.fixture
def unwritable_dir(tmp_path):
    """A folder in which no file can be created, even by root (chattr +i when running as root)."""
    folder = tmp_path / "locked"
    folder.mkdir()
    if os.geteuid() == 0:
        chattr = shutil.which("chattr")
        if chattr is None:
            pytest.fail("running as root needs `chattr` (e2fsprogs) to make a folder unwritable")
        subprocess.run([chattr, "+i", str(folder)], check=True)
        undo = [chattr, "-i", str(folder)]
    else:
        folder.chmod(0o555)
        undo = None
    if not _cannot_create_files_in(folder):
        pytest.fail(f"could not make {folder} unwritable on this machine")
    yield folder
    if undo:
        subprocess.run(undo, check=True)
    else:
        folder.chmod(0o755)
