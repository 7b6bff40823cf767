from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest


def biased_sample(
    n: int, *, seed: int, feature_bias: float = 0.0, scores: bool = False
) -> pd.DataFrame:
    """A sample of make_biased_classification scored by one fixed rule (the 'model')."""
    from rai_toolkit.datasets import make_biased_classification

    frame = make_biased_classification(
        n, n_features=3, feature_bias=feature_bias, random_state=seed
    ).frame.copy()
    logit = 2.0 * (frame["x0"] + frame["x1"] / 2 + frame["x2"] / 3)
    frame["score"] = 1.0 / (1.0 + np.exp(-logit))
    frame["pred"] = (frame["score"] > 0.5).astype(int)
    if not scores:
        frame = frame.drop(columns="score")
    return frame


def report_of(frame: pd.DataFrame, **kw):
    from rai_toolkit import analyze_fairness

    options = dict(target="y", sensitive_features="group", y_pred="pred", n_boot=0)
    if "score" in frame:
        options["y_score"] = "score"
    options.update(kw)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return analyze_fairness(None, frame, **options)


@pytest.fixture(scope="session")
def two_groups():
    """Baseline and current reports of the same model on two samples of the same data."""
    base = report_of(biased_sample(4000, seed=1, scores=True))
    cur = report_of(biased_sample(4000, seed=2, scores=True))
    return base, cur


def synthetic_frame(n: int, seed: int) -> pd.DataFrame:
    """Labels, scores and predictions with two sensitive features (3 x 2 groups)."""
    rng = np.random.default_rng(seed)
    race = rng.choice(["A", "B", "C"], n, p=[0.5, 0.3, 0.2])
    sex = rng.choice(["F", "M"], n)
    y = (rng.random(n) < 0.3 + 0.1 * (race == "A") + 0.05 * (sex == "M")).astype(int)
    score = np.clip(0.3 * y + 0.6 * rng.random(n) + 0.05 * (sex == "M"), 0, 1)
    return pd.DataFrame(
        {"race": race, "sex": sex, "y": y, "score": score, "pred": (score > 0.5).astype(int)}
    )


@pytest.fixture(scope="session")
def intersectional():
    """Reports by two sensitive features (synthetic 3 x 2 groups), on two samples."""
    kw = dict(
        target="y",
        sensitive_features=["race", "sex"],
        y_pred="pred",
        y_score="score",
        n_boot=0,
        min_group_size=30,
    )
    return report_of(synthetic_frame(4000, seed=3), **kw), report_of(
        synthetic_frame(4000, seed=4), **kw
    )


@pytest.fixture(scope="session")
def sample():
    """``biased_sample`` as a fixture (test modules do not import conftest)."""
    return biased_sample


@pytest.fixture(scope="session")
def report():
    """``report_of`` as a fixture."""
    return report_of
