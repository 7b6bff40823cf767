from __future__ import annotations

import argparse
import os
import shutil
import signal
import urllib.request

import pytest

from rai_toolkit.cli import main
from rai_toolkit.dashboard._cli import add_dashboard_parser, run_dashboard

from .conftest import post, row_values


def test_parser_reads_path_host_port_and_allow_remote():
    parser = argparse.ArgumentParser()
    add_dashboard_parser(parser.add_subparsers())
    args = parser.parse_args(["dashboard", "saved", "--host", "0.0.0.0", "--port", "8800",
                              "--allow-remote", "--trust", "a.B", "c.D"])
    assert (args.path, args.host, args.port, args.allow_remote, args.handler, args.trust) == (
        "saved", "0.0.0.0", 8800, True, "dashboard", ["a.B", "c.D"])
    defaults = parser.parse_args(["dashboard", "saved"])
    assert (defaults.host, defaults.port, defaults.allow_remote, defaults.trust) == (
        "127.0.0.1", None, False, None)


def test_run_dashboard_serves_until_interrupted(saved_path, trusted, adult_small, monkeypatch,
                                                capsys):
    from rai_toolkit.dashboard._server import DashboardURL

    model, _, test, _ = adult_small
    row = test.drop(columns="income").iloc[[2]]
    seen = {}

    def wait(self):  # stands in for blocking until Ctrl-C
        with urllib.request.urlopen(str(self), timeout=30) as r:
            seen["status"] = r.status
        # the CLI process loaded the model from model.skops and answers the what-if route
        _, body = post(self, "/predict", [row_values(row.iloc[0])])
        seen["predicted"] = body["data"][0]
        seen["url"] = self
        raise KeyboardInterrupt

    monkeypatch.setattr(DashboardURL, "wait", wait)
    parser = argparse.ArgumentParser()
    add_dashboard_parser(parser.add_subparsers())
    assert run_dashboard(parser.parse_args(["dashboard", str(saved_path), "--trust",
                                            *trusted])) == 0
    assert seen["status"] == 200
    assert seen["predicted"] == pytest.approx(model.predict_proba(row)[0].tolist(), rel=1e-12)
    assert not seen["url"].running  # stopped on Ctrl-C
    out = capsys.readouterr().out
    assert out.startswith(f"Responsible AI dashboard: {seen['url']}")


def test_untrusted_model_types_name_the_trust_flag(saved_path, trusted, capsys):
    assert main(["dashboard", str(saved_path)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Traceback" not in err
    assert err.startswith("error: The model of ")
    assert f"add --trust {' '.join(trusted)}" in err


def test_truncated_info_file_is_one_error_line(saved_path, trusted, tmp_path, capsys):
    folder = tmp_path / "copy"
    shutil.copytree(saved_path, folder)
    info = folder / "rai_toolkit.json"
    info.write_bytes(info.read_bytes()[:100])
    assert main(["dashboard", str(folder), "--trust", *trusted]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Traceback" not in err and "JSONDecodeError" not in err
    assert "rai_toolkit.json' is truncated or corrupt (invalid JSON:" in err


def test_runtime_dying_while_serving_is_an_error_exit(saved_path, trusted, monkeypatch, capsys):
    from rai_toolkit.dashboard._server import DashboardURL

    real_wait = DashboardURL.wait

    def wait(self):
        os.kill(self.pid, signal.SIGKILL)  # the runtime dies on its own
        real_wait(self)  # returns once the process has ended

    monkeypatch.setattr(DashboardURL, "wait", wait)
    assert main(["dashboard", str(saved_path), "--trust", *trusted]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: The dashboard at http://127.0.0.1:")
    assert "had already stopped: The dashboard runtime process (pid " in err
    assert "was killed by signal SIGKILL while serving the dashboard" in err
