"""The batched search against an authority we control: a model that only reads one feature."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from sklearn.linear_model import LogisticRegression

from rai_toolkit.dashboard._counterfactuals import search_counterfactuals
from rai_toolkit.dashboard._wire import CounterfactualSearch, read_search, write_search
from tests.dashboard.search_case import (
    CATEGORICAL,
    GOLDEN,
    SETTINGS,
    mixed_problem,
    run_search,
    search_to_dict,
)


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


def test_same_counterfactuals_as_the_recorded_pandas_search():
    """Every row, value and order as the pandas implementation found them (search_case)."""
    golden = json.loads(GOLDEN.read_text())
    search = run_search()
    _, train, _ = mixed_problem()
    assert search_to_dict(search) == golden
    for cfs in search.counterfactuals:  # and the training dtypes, not just equal values
        pd.testing.assert_series_equal(cfs.dtypes, train.dtypes)


def test_recorded_problem_exercises_every_stage():
    """The recorded case is only a check if it reaches blending, halving and refilling."""
    search = run_search()
    model, train, query = mixed_problem()
    assert search.validity == 1.0
    found = search.n_found
    assert found.max() == SETTINGS["total_cfs"] and found.min() < SETTINGS["total_cfs"]
    # the far rows (first six) can only be flipped from neighbours' values or many changes
    assert all(len(c) for c in search.counterfactuals[:6])
    # halving moved some continuous value strictly between the query and a training value
    train_values = {c: set(train[c]) for c in ("age", "hours", "rate")}
    assert any(
        not set(cfs[c]) <= train_values[c] | {query.iloc[i][c]}
        for i, cfs in enumerate(search.counterfactuals) for c in train_values
    )


def test_model_that_never_changes_its_mind_gives_empty_frames():
    _, train, query = mixed_problem()

    class AlwaysNo:
        classes_ = np.array(["no", "yes"])

        def predict_proba(self, X):
            return np.tile([0.9, 0.1], (len(X), 1))

        def predict(self, X):
            return np.full(len(X), "no")

    search = search_counterfactuals(AlwaysNo(), train, query.iloc[:4],
                                    categorical_features=CATEGORICAL, total_cfs=3, random_state=0)
    assert list(search.n_found) == [0, 0, 0, 0]
    assert list(search.target) == ["yes"] * 4
    for cfs in search.counterfactuals:
        assert list(cfs.columns) == list(train.columns)
    assert np.isnan(search.validity) and search.complete == 0.0


def _small_search():
    query = pd.DataFrame({"n": [1.0, 2.0, 3.0], "c": ["a", "b", "c"]})
    rows = pd.DataFrame({"n": [1.0, 5.0, 3.5, 3.0], "c": ["z", "z", "c", "y"]})
    return CounterfactualSearch(
        query=query, query_pred=np.array([0, 0, 1]), target=np.array([1, 1, 0]),
        rows=rows, owner=np.array([0, 0, 2, 2]), rows_pred=np.array([1, 0, 0, 0]), total_cfs=2,
    )


def test_search_result_per_row_views_and_statistics():
    search = _small_search()
    assert list(search.n_found) == [2, 0, 2]
    assert [len(c) for c in search.counterfactuals] == [2, 0, 2]
    assert search.counterfactuals[2]["n"].tolist() == [3.5, 3.0]
    assert [p.tolist() for p in search.counterfactual_pred] == [[1, 0], [], [0, 0]]
    assert search.validity == 3 / 4 and search.complete == 2 / 3
    # row 0 changes 1 and 2 features, row 2 changes 1 and 1: (1.5 + 1) / 2
    assert search.mean_changed_features == 1.25


def test_search_result_crosses_as_files_unchanged(tmp_path):
    search = _small_search()
    write_search(search, tmp_path)
    back = read_search(tmp_path)
    pd.testing.assert_frame_equal(back.rows, search.rows)
    pd.testing.assert_frame_equal(back.query, search.query)
    for name in ("owner", "rows_pred", "query_pred", "target"):
        np.testing.assert_array_equal(getattr(back, name), getattr(search, name))
    assert back.total_cfs == 2


def test_search_result_refuses_rows_out_of_query_order():
    search = _small_search()
    with pytest.raises(ValueError, match="non-decreasing"):
        CounterfactualSearch(search.query, search.query_pred, search.target, search.rows,
                             np.array([2, 2, 0, 0]), search.rows_pred, 2)
    with pytest.raises(ValueError, match="one entry per counterfactual"):
        CounterfactualSearch(search.query, search.query_pred, search.target, search.rows,
                             np.array([0, 0, 2]), search.rows_pred, 2)
