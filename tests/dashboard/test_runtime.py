"""The isolated runtime: where it lives, how it is built, and what happens when it fails."""

from __future__ import annotations

import hashlib
import os
import signal
import socket
import sys
import tempfile
import threading
import time
from pathlib import Path

import pytest

from rai_toolkit.dashboard import _bridge, build_insights, build_runtime, launch_dashboard
from rai_toolkit.dashboard._runtime import (
    find_python,
    lock_hash,
    lock_path,
    runtime_dir,
    runtime_python,
)
from rai_toolkit.exceptions import ArgumentError, DashboardError

TARGET = "income"


# ------------------------------------------------------------------------- the lock
def test_lock_pins_responsibleai_and_raiwidgets_with_hashes():
    text = lock_path().read_text()
    for pin in ("responsibleai==0.36.0", "raiwidgets==0.36.0", "numpy==1.26.2",
                "pandas==1.5.3", "scikit-learn==1.5.1", "numba==0.58.1", "shap==0.46.0",
                "fairlearn==0.7.0", "pyarrow==25.0.1"):
        assert f"\n{pin}" in text, pin
    blocks = [b for b in text.split("\n") if b[:1].isalnum()]
    assert all(b.endswith("\\") for b in blocks)  # every requirement is followed by hashes
    assert text.count("--hash=sha256:") >= len(blocks)


def test_lock_stays_on_the_2024_versions():
    # every pin that the old lock (main:requirements.lock) also had keeps its version
    constraints = dict(
        line.split("==") for line in
        (lock_path().parent / "constraints.txt").read_text().splitlines()
        if line and not line.startswith("#")
    )
    pins = {}
    for line in lock_path().read_text().splitlines():
        if line[:1].isalnum():
            name, version = line.split(" ")[0].split("==")
            pins[name] = version
    assert {n: v for n, v in pins.items() if n in constraints} == constraints
    assert set(pins) - set(constraints) <= {"pyarrow", "appnope", "colorama"}


def test_runtime_lives_in_the_cache_under_the_lock_hash(tmp_path, monkeypatch):
    digest = hashlib.sha256(lock_path().read_bytes()).hexdigest()[:12]
    assert lock_hash() == digest
    monkeypatch.delenv("RAI_TOOLKIT_CACHE_DIR", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert runtime_dir() == tmp_path / "xdg" / "rai_toolkit" / f"dashboard-runtime-{digest}"
    monkeypatch.delenv("XDG_CACHE_HOME")
    assert runtime_dir() == Path.home() / ".cache" / "rai_toolkit" / f"dashboard-runtime-{digest}"
    monkeypatch.setenv("RAI_TOOLKIT_CACHE_DIR", str(tmp_path / "mine"))
    assert runtime_dir() == tmp_path / "mine" / f"dashboard-runtime-{digest}"
    assert runtime_python() is None  # nothing built there


def test_built_runtime_runs_the_2024_stack():
    runtime = _bridge.RuntimeProcess()
    try:
        versions = runtime.request({"op": "ping"}, timeout=300)
    finally:
        runtime.stop()
        runtime.close_log()
    assert versions["python"].startswith("3.11.")
    assert {k: v for k, v in versions.items() if k != "python"} == {
        "numpy": "1.26.2", "pandas": "1.5.3", "scikit-learn": "1.5.1",
        "responsibleai": "0.36.0", "raiwidgets": "0.36.0",
    }


def test_a_second_call_returns_the_built_runtime_at_once(runtime_python):
    t0 = time.perf_counter()
    assert build_runtime(progress=False) == runtime_python
    assert time.perf_counter() - t0 < 1


# ------------------------------------------------------------- building it: faults
@pytest.fixture
def no_python_anywhere(tmp_path, monkeypatch):
    """An environment where no Python 3.11 can be found: empty PATH, pyenv, uv."""
    empty = tmp_path / "empty"
    empty.mkdir()
    monkeypatch.delenv("RAI_TOOLKIT_RUNTIME_PYTHON", raising=False)
    monkeypatch.setenv("PATH", str(empty))
    monkeypatch.setenv("PYENV_ROOT", str(empty))
    monkeypatch.setenv("HOME", str(empty))
    monkeypatch.setenv("UV_PYTHON_INSTALL_DIR", str(empty))
    monkeypatch.setenv("RAI_TOOLKIT_CACHE_DIR", str(tmp_path / "cache"))
    return tmp_path / "cache"


def test_no_python_311_is_one_clear_error(no_python_anywhere):
    with pytest.raises(DashboardError, match=r"no Python 3.11 was found: looked for "
                                             r"\$RAI_TOOLKIT_RUNTIME_PYTHON, python3.11 on PATH, "
                                             r"pyenv and uv's managed interpreters. Install one "
                                             r"with `uv python install 3.11`"):
        build_runtime(progress=False)
    assert not no_python_anywhere.exists()  # nothing written


def test_no_python_fails_build_insights_before_any_work(no_python_anywhere, adult_small,
                                                         monkeypatch, tmp_path):
    model, train, test, cats = adult_small
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    with pytest.raises(DashboardError, match=r"uv python install 3.11"):
        build_insights(model, train, test, target=TARGET, sensitive_features="sex",
                       components=("error_analysis",), categorical_features=cats,
                       progress=False)
    assert not list(tmp_path.glob("rai_toolkit-insights-*"))


def test_runtime_python_override_must_be_311(tmp_path, monkeypatch):
    monkeypatch.setenv("RAI_TOOLKIT_CACHE_DIR", str(tmp_path))
    monkeypatch.setenv("RAI_TOOLKIT_RUNTIME_PYTHON", sys.executable)
    version = "{}.{}".format(*sys.version_info[:2])
    with pytest.raises(DashboardError, match=rf"RAI_TOOLKIT_RUNTIME_PYTHON=.* is Python "
                                             rf"{version}; the dashboard runtime needs CPython "
                                             rf"3.11"):
        find_python()
    monkeypatch.setenv("RAI_TOOLKIT_RUNTIME_PYTHON", str(tmp_path / "nope"))
    with pytest.raises(DashboardError, match=r"does not run as CPython"):
        build_runtime(progress=False)
    assert list(tmp_path.iterdir()) == []


def test_unreachable_index_is_one_clear_error_and_leaves_nothing(tmp_path, monkeypatch):
    cache = tmp_path / "cache"
    monkeypatch.setenv("RAI_TOOLKIT_CACHE_DIR", str(cache))
    monkeypatch.setenv("UV_CACHE_DIR", str(tmp_path / "uv-cache"))  # cold: must download
    monkeypatch.setenv("UV_DEFAULT_INDEX", "http://127.0.0.1:9/simple")  # refuses connections
    monkeypatch.delenv("UV_INDEX_URL", raising=False)
    lines = []
    with pytest.raises(DashboardError, match=r"Building the dashboard runtime failed while "
                                             r"installing requirements.lock \(exit code \d+\):"
                                             r"(.|\n)*127.0.0.1:9(.|\n)*Nothing was left behind"):
        build_runtime(progress=lines.append)
    assert lines[0].startswith("dashboard runtime: building ")
    assert list(cache.iterdir()) == []  # no runtime, no temporary sibling


def test_bad_cache_folder_is_named(tmp_path, monkeypatch):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("RAI_TOOLKIT_CACHE_DIR", str(blocker / "cache"))
    with pytest.raises(ArgumentError, match=r"Cannot create the cache folder .*file/cache' for "
                                            r"the dashboard runtime.*RAI_TOOLKIT_CACHE_DIR"):
        build_runtime(progress=False)


def test_build_into_an_empty_folder_is_atomic(tmp_path, monkeypatch):
    # a real build (warm uv cache): the runtime appears complete, under its final name only
    monkeypatch.setenv("RAI_TOOLKIT_CACHE_DIR", str(tmp_path))
    lines = []
    python = build_runtime(progress=lines.append)
    assert python == tmp_path / f"dashboard-runtime-{lock_hash()}" / "bin" / "python"
    assert [p.name for p in tmp_path.iterdir()] == [f"dashboard-runtime-{lock_hash()}"]
    assert lines[-1].startswith("dashboard runtime: ready in ")
    assert runtime_python() == python


# ------------------------------------------------------------- the process: faults
class _KillsTheRuntime:
    """Answers this process's own calls; kills the runtime when the runtime asks."""

    def __init__(self, model, started):
        self._model, self._started = model, started
        self.classes_ = model.classes_

    def predict(self, X):
        return self._model.predict(X)

    def predict_proba(self, X):
        if threading.current_thread().name != "MainThread":  # a request from the runtime
            os.kill(self._started[-1].pid, signal.SIGKILL)
            time.sleep(0.5)
        return self._model.predict_proba(X)


def test_runtime_dying_mid_compute_is_an_error_not_a_hang(adult_small, monkeypatch, tmp_path):
    model, train, test, cats = adult_small
    started = []
    real_init = _bridge.RuntimeProcess.__init__

    def init(self, **kwargs):
        real_init(self, **kwargs)
        started.append(self)

    monkeypatch.setattr(_bridge.RuntimeProcess, "__init__", init)
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    t0 = time.perf_counter()
    with pytest.raises(DashboardError, match=r"The dashboard runtime process \(pid \d+\) was "
                                             r"killed by signal SIGKILL while preparing "
                                             r"RAIInsights\. .*Nothing was kept"):
        build_insights(_KillsTheRuntime(model, started), train, test, target=TARGET,
                       sensitive_features="sex", components=("error_analysis",),
                       categorical_features=cats, progress=False)
    assert time.perf_counter() - t0 < 120
    assert not started[-1].alive
    assert not list(tmp_path.glob("rai_toolkit-insights-*"))  # nothing half-built


def test_a_silent_runtime_times_out_and_is_killed():
    runtime = _bridge.RuntimeProcess()  # started, but never asked anything: it waits
    try:
        runtime.step = "waiting for nothing"
        with pytest.raises(DashboardError, match=r"pid \d+\) was killed by signal SIGKILL "
                                                 r"while waiting for nothing \(no answer "
                                                 r"within 1 s\)"):
            runtime.wait_result(timeout=1)
        assert not runtime.alive
    finally:
        runtime.kill()
        runtime.close_log()


def test_stop_after_the_runtime_died(insights):
    url = launch_dashboard(insights)
    pid, port = url.pid, url.port
    os.kill(pid, signal.SIGKILL)
    deadline = time.monotonic() + 30
    while url.running and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not url.running
    with pytest.raises(DashboardError, match=rf"The dashboard at {url} had already stopped: "
                                             rf"The dashboard runtime process \(pid {pid}\) was "
                                             rf"killed by signal SIGKILL while serving the "
                                             rf"dashboard\. The dashboard is no longer served"):
        url.stop()
    url.stop()  # the second call is silent
    assert url.pid is None
    with pytest.raises(ConnectionRefusedError):
        socket.create_connection(("127.0.0.1", port), timeout=5).close()

