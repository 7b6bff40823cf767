from __future__ import annotations

import warnings

import matplotlib
import numpy as np
import pandas as pd
import pytest

matplotlib.use("Agg")


def synthetic_frame(n: int = 3000, seed: int = 0) -> pd.DataFrame:
    """Binary labels, a score, predictions and two sensitive features (3 x 2 groups)."""
    rng = np.random.default_rng(seed)
    race = rng.choice(["A", "B", "C"], n, p=[0.5, 0.3, 0.2])
    sex = rng.choice(["F", "M"], n)
    base = 0.3 + 0.1 * (race == "A") + 0.05 * (sex == "M")
    y = (rng.random(n) < base).astype(int)
    score = np.clip(0.3 * y + 0.6 * rng.random(n) + 0.05 * (sex == "M"), 0, 1)
    return pd.DataFrame(
        {
            "race": race,
            "sex": sex,
            "x1": rng.normal(size=n),
            "y": y,
            "score": score,
            "pred": (score > 0.5).astype(int),
        }
    )


@pytest.fixture(scope="session")
def synth() -> pd.DataFrame:
    return synthetic_frame()


@pytest.fixture(scope="session")
def synth_report(synth):
    from rai_toolkit.fairness import analyze_fairness

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return analyze_fairness(
            None,
            synth,
            target="y",
            sensitive_features=["race", "sex"],
            y_pred="pred",
            y_score="score",
            n_boot=300,
            random_state=0,
        )


@pytest.fixture(scope="session")
def adult_split():
    from rai_toolkit.datasets import load_adult

    frame = load_adult().frame
    frame = frame.drop(columns=[c for c in frame.columns if c == "split"])
    rng = np.random.default_rng(0)
    idx = rng.permutation(len(frame))
    return frame.iloc[idx[:8000]].reset_index(drop=True), frame.iloc[idx[8000:14000]].reset_index(
        drop=True
    )


@pytest.fixture(scope="session")
def adult_logreg(adult_split):
    from sklearn.compose import ColumnTransformer
    from sklearn.impute import SimpleImputer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import OneHotEncoder, StandardScaler

    train, _ = adult_split
    categorical = ["workclass", "education", "marital_status", "occupation", "relationship"]
    numeric = ["age", "education_num", "capital_gain", "capital_loss", "hours_per_week"]
    pre = ColumnTransformer(
        [
            (
                "cat",
                make_pipeline(
                    SimpleImputer(strategy="constant", fill_value="unknown"),
                    OneHotEncoder(handle_unknown="ignore"),
                ),
                categorical,
            ),
            ("num", StandardScaler(), numeric),
        ]
    )
    model = make_pipeline(pre, LogisticRegression(max_iter=500))
    X = train[categorical + numeric]
    return model.fit(X, train["income"])


@pytest.fixture(scope="session")
def adult_lgbm(adult_split):
    from lightgbm import LGBMClassifier

    train, _ = adult_split
    numeric = ["age", "education_num", "capital_gain", "capital_loss", "hours_per_week"]
    model = LGBMClassifier(n_estimators=40, num_leaves=15, verbose=-1, n_jobs=1)
    return model.fit(train[numeric], train["income"])
