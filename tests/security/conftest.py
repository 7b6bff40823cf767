import numpy as np
import pandas as pd
import pytest
from sklearn.compose import make_column_transformer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OneHotEncoder, OrdinalEncoder, StandardScaler
from sklearn.tree import DecisionTreeClassifier


@pytest.fixture(scope="session")
def adult_split():
    """A class-balanced Adult sample of 2000 training and 2000 holdout rows.

    Balancing makes the task harder (about 75% holdout accuracy for an unpruned tree),
    which makes the gap between training and unseen rows that a membership attack
    exploits clearly visible with a few thousand rows.
    """
    from rai_toolkit.datasets import load_adult

    ds = load_adult()
    frame = ds.frame[[*ds.X.columns, ds.target]] if hasattr(ds, "X") else ds.frame
    rich = frame[frame[ds.target] == 1].sample(2000, random_state=1)
    poor = frame[frame[ds.target] == 0].sample(2000, random_state=1)
    sample = pd.concat([rich, poor]).sample(frac=1, random_state=2).reset_index(drop=True)
    return ds, sample.iloc[:2000].reset_index(drop=True), sample.iloc[2000:].reset_index(drop=True)


def _columns(ds):
    cat = list(ds.categorical_features)
    num = [c for c in ds.X.columns if c not in cat]
    return cat, num


@pytest.fixture(scope="session")
def adult_tree(adult_split):
    ds, train, _ = adult_split
    cat, _ = _columns(ds)
    enc = OrdinalEncoder(
        handle_unknown="use_encoded_value", unknown_value=-1, encoded_missing_value=-2
    )
    model = make_pipeline(
        make_column_transformer((enc, cat), remainder="passthrough"),
        DecisionTreeClassifier(random_state=0),
    )
    return model.fit(train.drop(columns=ds.target), train[ds.target])


@pytest.fixture(scope="session")
def adult_logreg(adult_split):
    ds, train, _ = adult_split
    cat, num = _columns(ds)
    model = make_pipeline(
        make_column_transformer(
            (OneHotEncoder(handle_unknown="ignore"), cat), (StandardScaler(), num)
        ),
        LogisticRegression(C=0.1, max_iter=1000),
    )
    return model.fit(train.drop(columns=ds.target), train[ds.target])


@pytest.fixture
def rng():
    return np.random.default_rng(0)
