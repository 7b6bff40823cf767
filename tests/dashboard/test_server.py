from __future__ import annotations

import socket
import urllib.error
import urllib.request

import pytest

from rai_toolkit.dashboard import launch_dashboard
from rai_toolkit.exceptions import DashboardError, SecurityWarning

from .conftest import own_non_loopback_ip, row_values
from .conftest import post as _post


@pytest.fixture(scope="module")
def url(dashboard_url):
    return dashboard_url


def _row(adult_small):
    _, _, test, _ = adult_small
    x = test.drop(columns="income").iloc[0]
    return row_values(x)


def test_binds_to_loopback_by_default(url):
    assert url.startswith("http://127.0.0.1:") and url.host == "127.0.0.1"
    with socket.create_connection(("127.0.0.1", url.port), timeout=5):
        pass


def test_not_reachable_on_non_loopback_address(url):
    ip = own_non_loopback_ip()
    assert ip is not None, "this machine has no non-loopback IPv4 address to test against"
    with pytest.raises(ConnectionRefusedError):
        socket.create_connection((ip, url.port), timeout=5).close()


def test_predict_answers_on_loopback_like_the_model(url, adult_small):
    model, _, test, _ = adult_small
    status, body = _post(url, "/predict", [_row(adult_small)])
    assert status == 200
    expected = model.predict_proba(test.drop(columns="income").iloc[[0]])[0]
    assert body["data"][0] == pytest.approx(expected.tolist())


def test_changed_row_is_answered_by_the_model_in_this_process(url, adult_small):
    # what-if: change features of a row as the dashboard's UI does; the user's model answers
    model, _, test, _ = adult_small
    X = test.drop(columns="income")
    changed = X.iloc[[5]].copy()
    changed["capital_gain"] = 15024
    changed["hours_per_week"] = 60
    row = row_values(changed.iloc[0])
    before = dict(url._channel.stats)
    status, body = _post(url, "/predict", [row])
    assert status == 200
    expected = model.predict_proba(changed)[0]
    assert body["data"][0] == pytest.approx(expected.tolist(), rel=1e-12)
    assert body["data"][0] != pytest.approx(model.predict_proba(X.iloc[[5]])[0].tolist())
    after = url._channel.stats
    assert after["requests"] == before["requests"] + 1 and after["rows"] == before["rows"] + 1


def test_cross_site_origin_is_refused(url, adult_small):
    with pytest.raises(urllib.error.HTTPError, match="403"):
        _post(url, "/predict", [_row(adult_small)], headers={"Origin": "https://evil.example"})


def test_foreign_host_header_is_refused(url, adult_small):
    # DNS rebinding: evil.example resolving to 127.0.0.1 sends Host: evil.example
    with pytest.raises(urllib.error.HTTPError, match="403"):
        _post(url, "/predict", [_row(adult_small)], headers={"Host": f"evil.example:{url.port}"})


def test_no_cors_header_is_sent(url):
    with urllib.request.urlopen(url, timeout=30) as r:
        assert r.headers.get("Access-Control-Allow-Origin") is None
        assert b"rai_widget_" in r.read()


def test_busy_port_raises_with_report_hint(insights, url):
    with pytest.raises(DashboardError, match=r"Cannot open 127.0.0.1:\d+.*to_html"):
        launch_dashboard(insights, port=url.port)


def test_remote_host_warns_when_allowed(insights):
    ip = own_non_loopback_ip()
    assert ip is not None, "this machine has no non-loopback IPv4 address to test against"
    with pytest.warns(SecurityWarning, match=r"without authentication"):
        remote = launch_dashboard(insights, host=ip, allow_remote=True)
    try:
        assert remote.host == ip
        # bound to exactly that address: loopback does not answer on this port
        with pytest.raises(ConnectionRefusedError):
            socket.create_connection(("127.0.0.1", remote.port), timeout=5).close()
    finally:
        remote.stop()


def test_stop_frees_the_port(insights):
    u = launch_dashboard(insights)
    runtime = u._runtime
    u.stop()
    assert not u.running
    assert runtime.returncode == 0  # asked to end, the runtime process ended on its own
    with pytest.raises(ConnectionRefusedError):
        socket.create_connection(("127.0.0.1", u.port), timeout=5).close()


def test_port_in_use_names_the_cause_and_the_fixes(insights, capfd):
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen(1)
        port = busy.getsockname()[1]
        with pytest.raises(DashboardError) as info:
            launch_dashboard(insights, port=port)
    message = str(info.value)
    assert (
        f"Cannot open 127.0.0.1:{port} for the dashboard: port {port} on 127.0.0.1 is already "
        f"in use (Address already in use)." in message
    )
    assert "pass another port=, or port=None" in message
    assert ".to_html('report.html')" in message
    assert isinstance(info.value.__cause__, OSError)
    out, err = capfd.readouterr()
    assert err == "" and out == ""
