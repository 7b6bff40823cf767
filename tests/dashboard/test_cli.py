from __future__ import annotations

import argparse
import urllib.request

from rai_toolkit.dashboard._cli import add_dashboard_parser, run_dashboard


def test_parser_reads_path_host_port_and_allow_remote():
    parser = argparse.ArgumentParser()
    add_dashboard_parser(parser.add_subparsers())
    args = parser.parse_args(["dashboard", "saved", "--host", "0.0.0.0", "--port", "8800",
                              "--allow-remote"])
    assert (args.path, args.host, args.port, args.allow_remote, args.handler) == (
        "saved", "0.0.0.0", 8800, True, "dashboard")
    defaults = parser.parse_args(["dashboard", "saved"])
    assert (defaults.host, defaults.port, defaults.allow_remote) == ("127.0.0.1", None, False)


def test_run_dashboard_serves_until_interrupted(saved_path, monkeypatch, capsys):
    from rai_toolkit.dashboard._server import DashboardURL

    seen = {}

    def wait(self):  # stands in for blocking until Ctrl-C
        with urllib.request.urlopen(str(self), timeout=30) as r:
            seen["status"] = r.status
        seen["url"] = self
        raise KeyboardInterrupt

    monkeypatch.setattr(DashboardURL, "wait", wait)
    parser = argparse.ArgumentParser()
    add_dashboard_parser(parser.add_subparsers())
    assert run_dashboard(parser.parse_args(["dashboard", str(saved_path)])) == 0
    assert seen["status"] == 200
    assert not seen["url"].running  # stopped on Ctrl-C
    out = capsys.readouterr().out
    assert out.startswith(f"Responsible AI dashboard: {seen['url']}")
