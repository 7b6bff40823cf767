"""Package-level contracts: public names, lazy heavy imports, lint."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import rai_toolkit

ROOT = Path(__file__).resolve().parents[1]


def test_version():
    assert rai_toolkit.__version__ == "0.1.0"


@pytest.mark.parametrize("name", sorted(set(rai_toolkit.__all__) - {"__version__"}))
def test_every_public_name_resolves(name):
    assert getattr(rai_toolkit, name) is not None


def test_unknown_attribute_raises_attribute_error():
    with pytest.raises(AttributeError, match="no attribute 'nope'"):
        rai_toolkit.nope  # noqa: B018


def test_import_does_not_load_heavy_optional_dependencies():
    code = (
        "import sys, rai_toolkit, rai_toolkit.fairness, rai_toolkit.datasets;"
        "heavy = [m for m in ('responsibleai', 'raiwidgets', 'playwright', 'interpret', 'dice_ml')"
        " if m in sys.modules]; print(','.join(heavy))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.strip() == ""


def test_ruff_is_clean():
    ruff = shutil.which("ruff", path=str(Path(sys.executable).parent))
    assert ruff, "ruff is a test dependency; run make setup"
    out = subprocess.run(
        [ruff, "check", "rai_toolkit", "tests", "benchmarks", "tools"],
        capture_output=True, text=True, cwd=ROOT,
    )
    assert out.returncode == 0, out.stdout[-4000:]
