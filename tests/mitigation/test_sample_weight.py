"""Pipelines get sample_weight routed to their final step."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.linear_model import LogisticRegression
from sklearn.neighbors import KNeighborsClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from rai_toolkit.exceptions import ArgumentError
from rai_toolkit.mitigation._sample_weight import (
    SampleWeightRouter,
    sample_weight_key,
    with_sample_weight,
)


@pytest.fixture()
def weighted_data():
    rng = np.random.default_rng(1)
    X = rng.normal(size=(300, 3))
    y = (X[:, 0] + rng.normal(size=300) > 0).astype(int)
    w = rng.uniform(0.0, 3.0, size=300)
    return X, y, w


def test_key_names_the_last_step():
    pipe = make_pipeline(StandardScaler(), LogisticRegression())
    assert sample_weight_key(pipe) == "logisticregression__sample_weight"


def test_key_follows_nested_pipelines():
    inner = make_pipeline(StandardScaler(), LogisticRegression())
    outer = make_pipeline(StandardScaler(), inner)
    assert sample_weight_key(outer) == "pipeline__logisticregression__sample_weight"


def test_key_is_none_without_sample_weight():
    assert sample_weight_key(make_pipeline(StandardScaler(), KNeighborsClassifier())) is None


def test_router_fits_like_pipeline_with_routed_weights(weighted_data):
    X, y, w = weighted_data
    pipe = make_pipeline(StandardScaler(), LogisticRegression())
    routed = SampleWeightRouter(pipe).fit(X, y, sample_weight=w)
    direct = make_pipeline(StandardScaler(), LogisticRegression()).fit(
        X, y, logisticregression__sample_weight=w
    )
    np.testing.assert_allclose(routed.pipeline_[-1].coef_, direct[-1].coef_)
    np.testing.assert_allclose(routed.predict_proba(X), direct.predict_proba(X))


def test_router_weights_change_the_fit(weighted_data):
    X, y, w = weighted_data
    pipe = make_pipeline(StandardScaler(), LogisticRegression())
    weighted = SampleWeightRouter(pipe).fit(X, y, sample_weight=w)
    unweighted = SampleWeightRouter(pipe).fit(X, y)
    assert not np.allclose(weighted.pipeline_[-1].coef_, unweighted.pipeline_[-1].coef_)


def test_router_leaves_the_given_pipeline_unfitted(weighted_data):
    X, y, w = weighted_data
    pipe = make_pipeline(StandardScaler(), LogisticRegression())
    SampleWeightRouter(pipe).fit(X, y, sample_weight=w)
    assert not hasattr(pipe[-1], "coef_")


def test_with_sample_weight_wraps_only_pipelines():
    plain = LogisticRegression()
    assert with_sample_weight(plain) is plain
    assert isinstance(with_sample_weight(make_pipeline(LogisticRegression())), SampleWeightRouter)


def test_with_sample_weight_rejects_knn_pipeline():
    with pytest.raises(ArgumentError, match=r"KNeighborsClassifier\.fit does not accept"):
        with_sample_weight(make_pipeline(StandardScaler(), KNeighborsClassifier()))
