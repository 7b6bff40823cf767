"""Our wiring gives the same predictions as fairlearn used directly on numeric data."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from fairlearn.metrics import equalized_odds_difference
from fairlearn.postprocessing import ThresholdOptimizer
from fairlearn.reductions import EqualizedOdds, ExponentiatedGradient
from sklearn.linear_model import LogisticRegression

from rai_toolkit.mitigation import mitigate


@pytest.fixture(scope="module")
def postprocess_eo(synthetic, synthetic_model):
    train, test, _ = synthetic
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return mitigate(synthetic_model, train, test, target="y", sensitive_features="group",
                        constraint="equalized_odds", random_state=7, n_boot=0)


@pytest.fixture(scope="module")
def reduction_eo(synthetic):
    train, test, features = synthetic
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return mitigate(LogisticRegression(), train, test, target="y", sensitive_features="group",
                        features=features, constraint="equalized_odds", method="reduction",
                        grid_size=5, prefit=False, random_state=7, n_boot=0)


@pytest.fixture(scope="module")
def direct_eg(synthetic):
    train, _, features = synthetic
    direct = ExponentiatedGradient(LogisticRegression(), constraints=EqualizedOdds())
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        direct.fit(train[features], train["y"], sensitive_features=train["group"])
    return direct


def test_postprocess_predictions_equal_threshold_optimizer(synthetic, synthetic_model,
                                                           postprocess_eo):
    train, test, features = synthetic
    direct = ThresholdOptimizer(estimator=synthetic_model, constraints="equalized_odds",
                                prefit=True, predict_method="predict_proba")
    direct.fit(train[features], train["y"], sensitive_features=train["group"])
    expected = direct.predict(test[features], sensitive_features=test["group"], random_state=7)
    ours = postprocess_eo.model.predict(test[features], sensitive_features=test["group"])
    np.testing.assert_array_equal(ours, expected)


def test_postprocess_probabilities_equal_threshold_optimizer(synthetic, synthetic_model,
                                                             postprocess_eo):
    train, test, features = synthetic
    direct = ThresholdOptimizer(estimator=synthetic_model, constraints="equalized_odds",
                                prefit=True, predict_method="predict_proba")
    direct.fit(train[features], train["y"], sensitive_features=train["group"])
    expected = direct._pmf_predict(test[features], sensitive_features=test["group"])
    ours = postprocess_eo.model.predict_proba(test[features], sensitive_features=test["group"])
    np.testing.assert_allclose(ours, expected)


def test_reduction_probabilities_equal_exponentiated_gradient(synthetic, reduction_eo,
                                                              direct_eg):
    _, test, features = synthetic
    expected = direct_eg._pmf_predict(test[features])
    ours = reduction_eo.model.predict_proba(test[features])
    np.testing.assert_allclose(ours, expected, atol=1e-9)


def test_reduction_predictions_equal_exponentiated_gradient(synthetic, reduction_eo,
                                                            direct_eg):
    _, test, features = synthetic
    expected = direct_eg.predict(test[features], random_state=7)
    np.testing.assert_array_equal(reduction_eo.model.predict(test[features]), expected)


def test_equalized_odds_disparity_matches_fairlearn(synthetic, postprocess_eo):
    _, test, features = synthetic
    pred = postprocess_eo.model.predict(test[features], sensitive_features=test["group"])
    expected = equalized_odds_difference(test["y"], pred, sensitive_features=test["group"])
    row = postprocess_eo.tradeoff.set_index("kind").loc["threshold_optimizer"]
    assert np.isclose(row["disparity"], expected)
    assert np.isclose(postprocess_eo.comparison.loc["equalized_odds_difference", "after"],
                      expected)


def test_equalized_odds_comparison_has_both_rates(postprocess_eo):
    measures = postprocess_eo.comparison.index.tolist()
    assert "true_positive_rate_difference" in measures
    assert "false_positive_rate_difference" in measures


def test_equalized_odds_comparison_has_the_verdicts_interval(synthetic, synthetic_model):
    train, test, _ = synthetic
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        result = mitigate(synthetic_model, train, test, target="y", sensitive_features="group",
                          constraint="equalized_odds", random_state=7, n_boot=200)
    row = result.comparison.loc["equalized_odds_difference"]
    for side, report in (("before", result.before), ("after", result.after)):
        verdict = report.verdicts.loc["equalized_odds"]
        assert row[side] == pytest.approx(verdict["value"])
        assert row[f"{side}_lower"] == pytest.approx(verdict["lower"])
        assert row[f"{side}_upper"] == pytest.approx(verdict["upper"])
        assert row[f"{side}_lower"] <= row[side] <= row[f"{side}_upper"]


def test_predict_is_reproducible_by_default(synthetic, postprocess_eo):
    _, test, features = synthetic
    model = postprocess_eo.model
    first = model.predict(test[features], sensitive_features=test["group"])
    second = model.predict(test[features], sensitive_features=test["group"])
    np.testing.assert_array_equal(first, second)


def test_reduction_model_holds_plain_fitted_estimators(reduction_eo):
    model = reduction_eo.model
    assert all(type(e).__name__ in ("LogisticRegression", "DummyClassifier")
               for e in model.estimators)
    assert np.isclose(sum(model.weights), 1.0)
