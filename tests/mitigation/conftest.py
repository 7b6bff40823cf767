"""Shared, module-expensive fixtures of the mitigation tests (fitted once per session)."""

from __future__ import annotations

import warnings

import matplotlib
import numpy as np
import pandas as pd
import pytest

matplotlib.use("Agg")

N_BOOT = 200


def adult_pipeline(categorical):
    import lightgbm as lgb
    from sklearn.compose import make_column_transformer
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import OneHotEncoder

    return make_pipeline(
        make_column_transformer(
            (OneHotEncoder(handle_unknown="ignore"), list(categorical)), remainder="passthrough"
        ),
        # n_jobs=1: LightGBM's threads fight over the 2 shared cores otherwise
        lgb.LGBMClassifier(n_estimators=100, verbose=-1, n_jobs=1),
    )


@pytest.fixture(scope="session")
def adult():
    from rai_toolkit.datasets import load_adult

    ds = load_adult()
    train, test = ds.train_test()
    return ds, train.frame, test.frame


@pytest.fixture(scope="session")
def adult_features(adult):
    _, train, _ = adult
    return [c for c in train.columns if c != "income"]


@pytest.fixture(scope="session")
def adult_model(adult, adult_features):
    ds, train, _ = adult
    return adult_pipeline(ds.categorical_features).fit(train[adult_features], train["income"])


@pytest.fixture(scope="session")
def adult_postprocess(adult, adult_model):
    """ThresholdOptimizer for demographic parity on Adult's original train/test split."""
    from rai_toolkit.mitigation import mitigate

    _, train, test = adult
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return mitigate(adult_model, train, test, target="income", sensitive_features="sex",
                        random_state=0, n_boot=N_BOOT)


@pytest.fixture(scope="session")
def adult_sample(adult):
    """Stratified (by sex and income) samples of 3000 train and 3000 test rows."""
    _, train, test = adult

    def sample(frame, n):
        from sklearn.model_selection import train_test_split

        strata = frame["sex"].astype(str) + "|" + frame["income"].astype(str)
        part, _ = train_test_split(frame, train_size=n, stratify=strata, random_state=0)
        return part.sort_index()

    return sample(train, 3000), sample(test, 3000)


@pytest.fixture(scope="session")
def adult_reduction(adult, adult_sample):
    """ExponentiatedGradient + GridSearch (6 candidates) refitting the Adult pipeline."""
    from rai_toolkit.mitigation import mitigate

    ds, _, _ = adult
    train, test = adult_sample
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return mitigate(adult_pipeline(ds.categorical_features), train, test, target="income",
                        sensitive_features="sex", method="reduction", grid_size=6,
                        prefit=False, random_state=0, n_boot=N_BOOT)


@pytest.fixture(scope="session")
def synthetic():
    """Numeric biased data (groups 'a'/'b'): fairlearn can take it without our adapters."""
    from rai_toolkit.datasets import make_biased_classification

    ds = make_biased_classification(4000, label_bias=0.4, feature_bias=0.5, random_state=3)
    frame = ds.frame
    train = frame.iloc[:2000].reset_index(drop=True)
    test = frame.iloc[2000:].reset_index(drop=True)
    features = [c for c in frame.columns if c not in ("y", "group")]
    return train, test, features


@pytest.fixture(scope="session")
def synthetic_model(synthetic):
    from sklearn.linear_model import LogisticRegression

    train, _, features = synthetic
    return LogisticRegression().fit(train[features], train["y"])


@pytest.fixture()
def tiny():
    """Small frame for error tests: two groups, numeric features, binary target."""
    rng = np.random.default_rng(0)
    n = 200
    frame = pd.DataFrame({
        "x1": rng.normal(size=n),
        "x2": rng.normal(size=n),
        "sex": np.where(rng.random(n) < 0.5, "F", "M"),
    })
    frame["y"] = (frame["x1"] + 0.5 * (frame["sex"] == "M") + rng.normal(size=n) > 0).astype(int)
    return frame.iloc[:120].reset_index(drop=True), frame.iloc[120:].reset_index(drop=True)


@pytest.fixture()
def tiny_model(tiny):
    from sklearn.linear_model import LogisticRegression

    train, _ = tiny
    return LogisticRegression().fit(train[["x1", "x2"]], train["y"])
