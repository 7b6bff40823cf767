"""`rai-toolkit dashboard`: the dashboard room's command, printing in this CLI's voice."""

import warnings

import pytest

from rai_toolkit.exceptions import DashboardError, SecurityWarning


class FakeURL(str):
    """Stands in for the DashboardURL that launch_dashboard returns."""

    stopped = False

    def wait(self):
        raise KeyboardInterrupt  # Ctrl-C

    def stop(self):
        FakeURL.stopped = True


@pytest.fixture
def launched(monkeypatch):
    """Replace launch_dashboard; record its arguments; let a test make it warn or fail."""
    import rai_toolkit.dashboard._server as server

    calls = {"fail": None, "warn": None}

    def launch(path, **kwargs):
        calls["path"], calls["kwargs"] = path, kwargs
        if calls["warn"]:
            warnings.warn(calls["warn"], SecurityWarning, stacklevel=2)
        if calls["fail"]:
            raise calls["fail"]
        return FakeURL("http://127.0.0.1:5000")

    monkeypatch.setattr(server, "launch_dashboard", launch)
    FakeURL.stopped = False
    return calls


def test_serves_until_ctrl_c(run_cli, launched):
    code, out, err = run_cli("dashboard", "saved", "--port", "5000")
    assert code == 0
    assert launched["path"] == "saved"
    assert launched["kwargs"] == {"host": "127.0.0.1", "port": 5000, "allow_remote": False}
    assert out.startswith("Responsible AI dashboard: http://127.0.0.1:5000")
    assert FakeURL.stopped


def test_its_security_warnings_are_warning_lines(run_cli, launched):
    launched["warn"] = "Serving on 0.0.0.0 without authentication:\n anyone can see the data."
    code, _, err = run_cli("dashboard", "saved", "--host", "0.0.0.0", "--allow-remote")
    assert code == 0
    assert "warning: Serving on 0.0.0.0 without authentication: anyone can see the data.\n" in err
    assert "WARNING" not in err


def test_its_errors_are_one_error_line(run_cli, launched, assert_error_line):
    launched["fail"] = DashboardError("No saved insights in 'saved'; run save_insights first.")
    code, out, err = run_cli("dashboard", "saved")
    assert_error_line(code, err, "error: No saved insights in 'saved'; run save_insights first.")
    assert out == ""


def test_an_unexpected_failure_is_an_internal_error(run_cli, launched, assert_error_line):
    launched["fail"] = ValueError("Expecting value: line 1 column 1 (char 0)")
    code, _, err = run_cli("dashboard", "saved")
    assert_error_line(code, err, "internal error (ValueError: Expecting value", status=3)
