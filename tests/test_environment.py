"""The lock, the conda file and the running interpreter agree."""

from __future__ import annotations

import importlib.metadata as md
import re
import subprocess
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))
from write_environment_yml import read_lock, render  # noqa: E402


def _canon(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def test_environment_yml_pins_equal_the_lock():
    lock = {_canon(n): v for n, v in read_lock(ROOT / "requirements.lock")}
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    pip_section = next(d["pip"] for d in env["dependencies"] if isinstance(d, dict))
    conda_pins = {}
    for item in pip_section:
        if "==" in item:
            name, version = item.split("==")
            conda_pins[_canon(name)] = version
    assert conda_pins == lock
    assert "python=3.11" in env["dependencies"]


def test_environment_yml_is_regenerated_from_the_lock():
    expected = render(read_lock(ROOT / "requirements.lock"))
    assert (ROOT / "environment.yml").read_text() == expected, "run `make lock`"


def test_installed_versions_equal_the_lock():
    lock = {_canon(n): v for n, v in read_lock(ROOT / "requirements.lock")}
    wrong = {}
    for name, version in lock.items():
        try:
            installed = md.version(name)
        except md.PackageNotFoundError:
            wrong[name] = (version, None)
            continue
        if installed != version:
            wrong[name] = (version, installed)
    assert not wrong, f"installed set differs from requirements.lock: {wrong}"


def test_key_pins_of_the_rai_stack():
    lock = {_canon(n): v for n, v in read_lock(ROOT / "requirements.lock")}
    assert lock["fairlearn"] == "0.7.0"
    assert lock["responsibleai"] == "0.36.0"
    assert lock["raiwidgets"] == "0.36.0"
    major, minor = (int(x) for x in lock["scipy"].split(".")[:2])
    assert (major, minor) < (1, 16), "statsmodels 0.13.5 needs scipy<1.16"


def test_python_is_311():
    assert sys.version_info[:2] == (3, 11)


def test_whole_rai_stack_imports_together():
    code = "import responsibleai, raiwidgets, fairlearn, shap, interpret; print('ok')"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         timeout=300)
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.strip() == "ok"
