"""Shared, session-scoped fixtures: one small Adult model and ONE computed Insights.

Every test here runs the dashboard the way a user does: from this (modern) environment,
through the isolated runtime. The runtime must be buildable: a test that needs it fails
(never skips) when it cannot be built.
"""

from __future__ import annotations

import json
import subprocess
import urllib.request
import warnings
from pathlib import Path

import numpy as np
import pytest
from lightgbm import LGBMClassifier
from sklearn.compose import ColumnTransformer
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import OneHotEncoder

from rai_toolkit.datasets import load_adult

TARGET = "income"
SENSITIVE = ["sex", "race"]


@pytest.fixture(scope="session", autouse=True)
def runtime_python():
    """The dashboard runtime's Python, built now if needed; its absence fails the tests."""
    from rai_toolkit.dashboard import build_runtime
    from rai_toolkit.exceptions import DashboardError

    try:
        return build_runtime(progress=False)
    except DashboardError as err:
        pytest.fail(f"the dashboard runtime cannot be built: {err}")


def run_in_runtime(python, code: str, *args: str) -> str:
    """Run ``code`` in the runtime's Python with rai_toolkit importable; return its stdout."""
    import rai_toolkit
    from rai_toolkit.dashboard._bridge import _BOOTSTRAP

    boot = _BOOTSTRAP.split("from rai_toolkit.dashboard._worker")[0]
    package = str(Path(rai_toolkit.__file__).parent)
    out = subprocess.run([str(python), "-I", "-c", boot + code, package, *args],
                         capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr[-3000:]
    return out.stdout


@pytest.fixture(scope="session")
def adult_small():
    """300 train / 60 test Adult rows (missing categories made explicit) and a fitted model."""
    ds = load_adult()
    frame = ds.frame.copy()
    cats = list(ds.categorical_features)
    frame[cats] = frame[cats].fillna("(missing)")
    train = frame.sample(300, random_state=0)
    rest = frame.drop(train.index)
    seen = np.ones(len(rest), dtype=bool)
    for col in cats:  # causal analysis needs every test category in train
        seen &= rest[col].isin(set(train[col])).to_numpy()
    test = rest[seen].sample(60, random_state=1)
    encode = ColumnTransformer(
        [("cat", OneHotEncoder(handle_unknown="ignore"), cats)], remainder="passthrough"
    )
    model = Pipeline(
        [("encode", encode), ("clf", LGBMClassifier(n_estimators=30, min_child_samples=5,
                                                     verbose=-1, n_jobs=1))]
    ).fit(train.drop(columns=TARGET), train[TARGET])
    return model, train, test, cats


@pytest.fixture(scope="session")
def insights(adult_small):
    """All four components, computed once for the whole session."""
    from rai_toolkit.dashboard import build_insights

    model, train, test, cats = adult_small
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return build_insights(
            model,
            train,
            test,
            target=TARGET,
            sensitive_features=SENSITIVE,
            treatment_features=["hours_per_week"],
            categorical_features=cats,
            random_state=0,
            progress=False,
        )


@pytest.fixture(scope="session")
def saved_path(insights, tmp_path_factory):
    from rai_toolkit.dashboard import save_insights

    return save_insights(insights, tmp_path_factory.mktemp("dash") / "adult_insights")


@pytest.fixture(scope="session")
def trusted(saved_path):
    """The types of the saved pipeline skops does not trust by default (LightGBM's)."""
    import skops.io as sio

    types = sio.get_untrusted_types(file=saved_path / "model.skops")
    assert "lightgbm.sklearn.LGBMClassifier" in types
    return types


@pytest.fixture(scope="session")
def dashboard_url(insights):
    """The session's insights, served once from the runtime."""
    from rai_toolkit.dashboard import launch_dashboard

    url = launch_dashboard(insights)
    yield url
    url.stop()


def row_values(row):
    """A row as the dashboard's front end sends it: a list of plain JSON values."""
    return [v.item() if hasattr(v, "item") else v for v in row]


def post(url, route, payload, headers=None):
    req = urllib.request.Request(url.rstrip("/") + route, data=json.dumps(payload).encode(),
                                 method="POST", headers=headers or {})
    with urllib.request.urlopen(req, timeout=60) as r:
        return r.status, json.loads(r.read())


@pytest.fixture(scope="session")
def model_data(dashboard_url):
    """What the dashboard's front end loads: raiwidgets' data, as served by the runtime."""
    status, body = post(dashboard_url, "/model_data", {})
    assert status == 200
    return body["data"]


@pytest.fixture(scope="session")
def expected_cohorts(adult_small):
    """Cohort names derived directly from the test data."""
    _, _, test, _ = adult_small
    single = [f"{col} = {v}" for col in SENSITIVE for v in sorted(test[col].unique())]
    pairs = test[SENSITIVE].drop_duplicates()
    inter = [f"sex = {s}, race = {r}" for s, r in pairs.itertuples(index=False)]
    return single, inter


def own_non_loopback_ip() -> str | None:
    """This machine's outbound IPv4 address (UDP connect sends no packet)."""
    import socket

    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        try:
            s.connect(("10.255.255.255", 1))
            ip = s.getsockname()[0]
        except OSError:
            return None
    return None if ip.startswith("127.") else ip
