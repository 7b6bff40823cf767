"""The locks, the conda file, pyproject.toml and the running interpreter agree.

``make test`` runs this suite on the development stack (``requirements/dev.lock``) and the
core suite again on the oldest supported stack (``requirements/oldest.lock``); the
Makefile names the lock of the running environment in ``RAI_TOOLKIT_LOCK``.
"""

from __future__ import annotations

import importlib.metadata as md
import os
import re
import sys
import tomllib
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))
from write_environment_yml import PYTHON, read_lock, render  # noqa: E402

DEV_LOCK = ROOT / "requirements" / "dev.lock"
OLDEST_LOCK = ROOT / "requirements" / "oldest.lock"
RUNNING_LOCK = ROOT / os.environ.get("RAI_TOOLKIT_LOCK", "requirements/dev.lock")

#: The oldest supported stack, as the issue that set the floors defines it.
OLDEST = {"numpy": "1.26", "pandas": "1.5", "scikit-learn": "1.5.1", "fairlearn": "0.7"}
#: Packages of the Responsible AI dashboard, which live in its own runtime only.
DASHBOARD_ONLY = ("responsibleai", "raiwidgets", "raiutils", "erroranalysis", "dice-ml", "econml")


def _canon(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _lock(path: Path) -> dict[str, str]:
    return {_canon(n): v for n, v in read_lock(path)}


def _requirements() -> dict[str, str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    out = {}
    for spec in project["dependencies"]:
        match = re.match(r"([A-Za-z0-9._-]+)\s*(.*)", spec)
        out[_canon(match.group(1))] = match.group(2)
    return out


def test_environment_yml_pins_equal_the_dev_lock():
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    pip_section = next(d["pip"] for d in env["dependencies"] if isinstance(d, dict))
    conda_pins = {}
    for item in pip_section:
        if "==" in item:
            name, version = item.split("==")
            conda_pins[_canon(name)] = version
    assert conda_pins == _lock(DEV_LOCK)
    assert f"python={PYTHON}" in env["dependencies"]


def test_environment_yml_is_regenerated_from_the_lock():
    expected = render(read_lock(DEV_LOCK))
    assert (ROOT / "environment.yml").read_text() == expected, "run `make lock`"


def test_installed_versions_equal_the_running_lock():
    wrong = {}
    for name, version in _lock(RUNNING_LOCK).items():
        try:
            installed = md.version(name)
        except md.PackageNotFoundError:
            wrong[name] = (version, None)
            continue
        if installed != version:
            wrong[name] = (version, installed)
    assert not wrong, f"installed set differs from {RUNNING_LOCK.name}: {wrong}"


def test_core_declares_floors_and_no_caps():
    reqs = _requirements()
    capped = {n: s for n, s in reqs.items() if "<" in s or "==" in s or "~=" in s}
    assert not capped, f"caps need a measured break written beside them: {capped}"
    for name, floor in OLDEST.items():
        assert reqs[name] == f">={floor}", (name, reqs[name])


def test_dashboard_stack_is_not_a_core_dependency():
    reqs = _requirements()
    for lock in (DEV_LOCK, OLDEST_LOCK):
        pinned = _lock(lock)
        assert not [p for p in DASHBOARD_ONLY if p in pinned or p in reqs], lock.name


def test_dev_lock_is_the_newest_stack_and_oldest_lock_the_floors():
    dev, oldest = _lock(DEV_LOCK), _lock(OLDEST_LOCK)
    assert int(dev["numpy"].split(".")[0]) >= 2
    assert int(dev["pandas"].split(".")[0]) >= 3
    for name, floor in OLDEST.items():
        assert oldest[name] == floor or oldest[name].startswith(floor + "."), (name, oldest[name])


def test_python_matches_the_running_stack():
    if RUNNING_LOCK == OLDEST_LOCK:
        assert sys.version_info[:2] == (3, 11)
    else:
        assert sys.version_info[:2] >= (3, 12)
