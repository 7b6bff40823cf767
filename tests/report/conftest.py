"""Shared fixtures: fit small models once per session."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn.linear_model import LogisticRegression

from rai_toolkit.datasets import make_biased_classification

PAYLOAD_GROUP = "<img src=x onerror=alert(1)>"
PAYLOAD_SCRIPT = '"><script>window.__pwned=1</script>'
PAYLOAD_COLUMN = "<svg onload=alert(2)>"
FEATURES = ["x0", "x1", "x2", "x3", "proxy", PAYLOAD_COLUMN]


def _region(n: int, rng: np.random.Generator) -> np.ndarray:
    """North/South/East, a payload group, and one tiny group of 4 rows."""
    region = rng.choice(["North", "South", "East", PAYLOAD_GROUP], size=n, p=[0.4, 0.3, 0.2, 0.1])
    region = region.astype(object)
    region[-4:] = PAYLOAD_SCRIPT  # 4 rows of the test part: below min_cell_size=10
    return region


@pytest.fixture(scope="session")
def biased():
    """Synthetic data with known bias, a tiny group and XSS payloads in names and values."""
    ds = make_biased_classification(3000, label_bias=0.8, feature_bias=0.5, random_state=0)
    frame = ds.frame.copy()
    rng = np.random.default_rng(1)
    frame["region"] = _region(len(frame), rng)
    frame[PAYLOAD_COLUMN] = rng.normal(size=len(frame))
    train = frame.iloc[:1500].reset_index(drop=True)
    test = frame.iloc[1500:].reset_index(drop=True)
    model = LogisticRegression(max_iter=500).fit(train[FEATURES], train["y"])
    return {"train": train, "test": test, "model": model, "features": FEATURES}


@pytest.fixture(scope="session")
def assessment(biased):
    from rai_toolkit.report import assess

    return assess(
        biased["model"],
        biased["test"],
        target="y",
        sensitive_features=["group", "region"],
        train=biased["train"],
        n_boot=200,
        random_state=0,
        title=f"Report {PAYLOAD_SCRIPT}",
        dataset_description=f"synthetic {PAYLOAD_GROUP}",
    )


@pytest.fixture(scope="session")
def adult_assessment():
    """The reference model on a slice of Adult's training split, assessed on the full test split."""
    from rai_toolkit.datasets import load_adult
    from rai_toolkit.report import assess
    from rai_toolkit.report._demo import ADULT_FEATURES, adult_reference_model

    train, test = load_adult().train_test()
    model = adult_reference_model(train.frame.iloc[:6000])
    return assess(
        model,
        test.frame,
        target="income",
        sensitive_features=["sex", "race"],
        n_boot=200,
        random_state=0,
        robustness=False,
        max_explain_rows=1000,
        features=ADULT_FEATURES,
        title="Adult test",
    )


@pytest.fixture(scope="session")
def payload_html(assessment, tmp_path_factory):
    path = tmp_path_factory.mktemp("report") / "payload.html"
    assessment.to_html(path)
    return path


def shown_counts(doc: dict, grouping: str) -> dict:
    for g in doc["fairness"]["groupings"]:
        if g["name"] == grouping:
            return {tuple(x["labels"]): x["count"] for x in g["groups"]}
    raise KeyError(grouping)


__all__ = ["PAYLOAD_COLUMN", "PAYLOAD_GROUP", "PAYLOAD_SCRIPT", "shown_counts", "pd"]
