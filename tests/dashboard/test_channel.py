"""The prediction channel: the model answers from this process, only with the secret."""

from __future__ import annotations

import json
import re
import urllib.error
import urllib.request
import warnings

import numpy as np
import pandas as pd
import pytest

from rai_toolkit.dashboard import build_insights, launch_dashboard
from rai_toolkit.dashboard._bridge import PredictionChannel
from rai_toolkit.dashboard._wire import (
    SECRET_HEADER,
    array_from_bytes,
    array_to_bytes,
    frame_from_bytes,
    frame_to_bytes,
)
from rai_toolkit.dashboard._worker._compat import check_versions, fill_page, template_literal
from rai_toolkit.exceptions import DashboardError

from .conftest import post, row_values

TARGET = "income"


def _ask(url, method, frame, headers):
    req = urllib.request.Request(f"{url}/{method}", data=frame_to_bytes(frame), method="POST",
                                 headers=headers)
    with urllib.request.urlopen(req, timeout=30) as r:
        return r.status, array_from_bytes(r.read())


@pytest.fixture(scope="module")
def channel(adult_small):
    model, _, _, _ = adult_small
    with PredictionChannel(model) as ch:
        yield ch


@pytest.fixture(scope="module")
def X(adult_small):
    return adult_small[2].drop(columns=TARGET).iloc[:7]


def test_secret_is_random_per_channel(adult_small, channel):
    with PredictionChannel(adult_small[0]) as other:
        assert other.secret != channel.secret and len(other.secret) >= 40
    assert channel.url.startswith("http://127.0.0.1:")


@pytest.mark.parametrize("headers", [{}, {SECRET_HEADER: "wrong"}, {SECRET_HEADER: ""},
                                     {"X-Other": "x"}])
def test_requests_without_the_right_secret_get_403(channel, X, headers):
    for method in ("predict", "predict_proba"):
        with pytest.raises(urllib.error.HTTPError, match="403") as info:
            _ask(channel.url, method, X, headers)
        assert json.loads(info.value.read())["error"] == "forbidden"


def test_get_and_unknown_routes_are_refused(channel, X):
    with pytest.raises(urllib.error.HTTPError, match="403"):
        urllib.request.urlopen(f"{channel.url}/predict", timeout=10)
    with pytest.raises(urllib.error.HTTPError, match="404"):
        _ask(channel.url, "fit", X, {SECRET_HEADER: channel.secret})


def test_with_the_secret_the_model_answers(channel, X, adult_small):
    model = adult_small[0]
    status, proba = _ask(channel.url, "predict_proba", X, {SECRET_HEADER: channel.secret})
    assert status == 200
    np.testing.assert_array_equal(proba, model.predict_proba(X))
    _, pred = _ask(channel.url, "predict", X, {SECRET_HEADER: channel.secret})
    np.testing.assert_array_equal(pred, model.predict(X))


def test_the_live_dashboards_channel_refuses_without_its_secret(dashboard_url, X, saved_path):
    url = dashboard_url._channel.url
    with pytest.raises(urllib.error.HTTPError, match="403"):
        _ask(url, "predict_proba", X, {})
    # the secret went to the runtime over its stdin: not on its command line nor on disk
    secret = dashboard_url._channel.secret
    cmdline = open(f"/proc/{dashboard_url.pid}/cmdline", "rb").read().decode()
    environ = open(f"/proc/{dashboard_url.pid}/environ", "rb").read().decode(errors="replace")
    assert secret not in cmdline and secret not in environ
    folder = dashboard_url._insights.folder
    for path in [*folder.rglob("*"), *saved_path.rglob("*")]:
        if path.is_file():
            assert secret.encode() not in path.read_bytes(), path


def test_wire_keeps_dtypes_and_values():
    frame = pd.DataFrame({
        "i": np.array([1, -2, 3], dtype="int64"),
        "f": [0.5, np.nan, 1e300],
        "s": pd.Series(["a", None, "ü`${x}</script>"], dtype=object),
        "c": pd.Categorical(["x", "y", "x"]),
        "b": [True, False, True],
    })
    back = frame_from_bytes(frame_to_bytes(frame))
    assert list(back.columns) == list(frame.columns)
    assert back["i"].dtype == "int64" and back["b"].dtype == bool
    assert isinstance(back["c"].dtype, pd.CategoricalDtype)
    assert back["s"].tolist()[::2] == ["a", "ü`${x}</script>"] and pd.isna(back["s"][1])
    np.testing.assert_array_equal(back["f"].to_numpy(), frame["f"].to_numpy())
    proba = np.array([[0.25, 0.75], [1.0, 0.0]])
    np.testing.assert_array_equal(array_from_bytes(array_to_bytes(proba)), proba)
    labels = np.array(["<=50K", ">50K", ">50K"], dtype=object)
    assert array_from_bytes(array_to_bytes(labels)).tolist() == labels.tolist()


# ------------------------------------------------------------- a model raising on a row
class RaisesOnOldAge:
    """The Adult pipeline, refusing ages above 90 (the what-if panel allows any number)."""

    def __init__(self, model):
        self._model = model
        self.classes_ = model.classes_

    def _check(self, X):
        if (X["age"] > 90).any():
            raise ValueError("age above 90 is outside what this model was validated for")

    def predict(self, X):
        self._check(X)
        return self._model.predict(X)

    def predict_proba(self, X):
        self._check(X)
        return self._model.predict_proba(X)


@pytest.fixture(scope="module")
def raising_dashboard(adult_small):
    model, train, test, cats = adult_small
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ins = build_insights(RaisesOnOldAge(model), train, test.iloc[:20], target=TARGET,
                             sensitive_features="sex", components=("error_analysis",),
                             categorical_features=cats, progress=False)
    url = launch_dashboard(ins)
    yield url, model, test.drop(columns=TARGET).iloc[:20]
    url.stop()


def test_model_raising_on_a_what_if_row_reaches_the_ui_and_both_survive(raising_dashboard):
    url, model, X = raising_dashboard
    row = row_values(X.iloc[0])
    old = list(row)
    old[list(X.columns).index("age")] = 120
    status, body = post(url, "/predict", [old])
    assert status == 200
    assert body["data"] == []
    assert body["error"].startswith("Model threw exception while predicting...")
    assert "RaisesOnOldAge.predict_proba failed on 1 rows" in body["error"]
    assert "age above 90 is outside what this model was validated for" in body["error"]
    # both processes survive and keep answering
    assert url.running
    status, body = post(url, "/predict", [row])
    assert body["data"][0] == pytest.approx(model.predict_proba(X.iloc[[0]])[0].tolist())


# ------------------------------------------------------------- the compatibility module
def test_version_guard_refuses_other_responsibleai_versions():
    check_versions({"responsibleai": "0.36.0", "raiwidgets": "0.36.0"})
    with pytest.raises(DashboardError, match=r"The dashboard runtime has responsibleai 0.37.0; "
                                             r"rai_toolkit's dashboard integration uses private "
                                             r"members of responsibleai 0.36.x, raiwidgets "
                                             r"0.36.x only. Rebuild the runtime"):
        check_versions({"responsibleai": "0.37.0", "raiwidgets": "0.36.0"})
    with pytest.raises(DashboardError, match=r"raiwidgets None"):
        check_versions({"responsibleai": "0.36.1"})


def _js_template_value(literal: str) -> str:
    """Evaluate a JavaScript template literal without substitutions (the escapes we emit)."""
    assert literal[0] == literal[-1] == "`"
    body = literal[1:-1]
    assert not re.search(r"(?<!\\)`", body) and not re.search(r"(?<!\\)\$\{", body)
    return re.sub(r"\\(.)", r"\1", body)


@pytest.mark.parametrize("value", ['plain', 'quote " and \\ backslash', "back`tick",
                                   "${alert(1)}", "</script><script>alert(1)</script>",
                                   "new\nline ü"])
def test_data_cannot_break_out_of_the_page(value):
    data = json.dumps({"features": [[value]]})
    literal = template_literal(data)
    assert "</" not in literal
    assert json.loads(_js_template_value(literal)) == {"features": [[value]]}
    page = fill_page('x = parse("__rai_model_data__"); c = parse("__rai_config__")',
                     model_data=data, config="{}")
    assert page.startswith(f"x = parse({literal}); c = parse(`{{}}`)")
