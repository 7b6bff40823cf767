"""The batched search against an authority we control: a model that only reads one feature."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn.linear_model import LogisticRegression

from rai_toolkit.dashboard._counterfactuals import search_counterfactuals


@pytest.fixture(scope="module")
def one_feature_problem():
    rng = np.random.default_rng(0)
    n = 400
    X = pd.DataFrame({
        "x0": rng.normal(size=n),
        "x1": rng.normal(size=n),
        "x2": rng.integers(0, 50, size=n),
    })
    y = (X["x0"] > 0).astype(int)
    model = LogisticRegression().fit(X[["x0"]], y)

    class OnlyX0:
        classes_ = model.classes_

        def predict(self, data):
            return model.predict(data[["x0"]])

        def predict_proba(self, data):
            return model.predict_proba(data[["x0"]])

    return OnlyX0(), X


def test_sparsity_pass_keeps_only_the_needed_change(one_feature_problem):
    model, X = one_feature_problem
    search = search_counterfactuals(
        model, X, X.iloc[:30], categorical_features=[], total_cfs=5, random_state=1
    )
    for i, cfs in enumerate(search.counterfactuals):
        q = search.query.iloc[i]
        assert (cfs["x1"] == q["x1"]).all() and (cfs["x2"] == q["x2"]).all()
        assert (cfs["x0"] != q["x0"]).all()
    assert search.validity == 1.0


def test_integer_columns_stay_integer(one_feature_problem):
    model, X = one_feature_problem
    search = search_counterfactuals(
        model, X, X.iloc[:5], categorical_features=[], total_cfs=3, random_state=2
    )
    assert all(c["x2"].dtype == X["x2"].dtype for c in search.counterfactuals)


def test_same_seed_same_counterfactuals(one_feature_problem):
    model, X = one_feature_problem
    a = search_counterfactuals(model, X, X.iloc[:5], categorical_features=[], total_cfs=3,
                               random_state=3)
    b = search_counterfactuals(model, X, X.iloc[:5], categorical_features=[], total_cfs=3,
                               random_state=3)
    for ca, cb in zip(a.counterfactuals, b.counterfactuals):
        pd.testing.assert_frame_equal(ca, cb)
