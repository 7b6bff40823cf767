"""Issue #7 acceptance: Adult, OneHot + LightGBM pipeline, sensitive feature `sex`."""

from __future__ import annotations

import numpy as np
import pandas as pd
from fairlearn.metrics import demographic_parity_difference
from sklearn.metrics import accuracy_score


def test_postprocess_cuts_selection_rate_difference_by_70_percent(adult_postprocess):
    before = adult_postprocess.before.disparities.loc["selection_rate", "difference"]
    after = adult_postprocess.after.disparities.loc["selection_rate", "difference"]
    assert after <= 0.3 * before, (before, after)


def test_postprocess_costs_at_most_three_points_of_accuracy(adult_postprocess):
    before = adult_postprocess.before.overall["accuracy"]
    after = adult_postprocess.after.overall["accuracy"]
    assert before - after <= 0.03, (before, after)


def test_after_selection_rates_match_hand_computation(adult, adult_postprocess):
    _, _, test = adult
    model = adult_postprocess.model
    pred = model.predict(test[list(model.feature_names_in_)], sensitive_features=test[["sex"]])
    by_hand = pd.Series(pred == 1).groupby(test["sex"].to_numpy()).mean()
    report = adult_postprocess.after.by_group["selection_rate"]
    report.index = [i[0] if isinstance(i, tuple) else i for i in report.index]
    for group in ("Female", "Male"):
        assert report[group] == by_hand[group]


def test_before_accuracy_matches_sklearn(adult, adult_model, adult_features, adult_postprocess):
    _, _, test = adult
    expected = accuracy_score(test["income"], adult_model.predict(test[adult_features]))
    assert np.isclose(adult_postprocess.before.overall["accuracy"], expected)


def test_tradeoff_disparity_matches_fairlearn(adult, adult_postprocess):
    _, _, test = adult
    model = adult_postprocess.model
    pred = model.predict(test[list(model.feature_names_in_)], sensitive_features=test["sex"])
    expected = demographic_parity_difference(test["income"], pred, sensitive_features=test["sex"])
    row = adult_postprocess.tradeoff.set_index("kind").loc["threshold_optimizer"]
    assert np.isclose(row["disparity"], expected)
    assert np.isclose(row["objective"], accuracy_score(test["income"], pred))


def test_postprocess_tradeoff_lists_before_and_after(adult_postprocess):
    table = adult_postprocess.tradeoff
    assert table["kind"].tolist() == ["unmitigated", "threshold_optimizer"]
    assert table["selected"].tolist() == [False, True]


def test_reduction_yields_at_least_five_candidates(adult_reduction):
    table = adult_reduction.tradeoff
    candidates = table[table["kind"].isin(["grid_search", "exponentiated_gradient"])]
    assert len(candidates) >= 5
    assert (table["kind"] == "exponentiated_gradient").sum() == 1
    assert table["pareto"].dtype == bool and table["pareto"].any()


def test_reduction_lowers_disparity(adult_reduction):
    before = adult_reduction.before.disparities.loc["selection_rate", "difference"]
    after = adult_reduction.after.disparities.loc["selection_rate", "difference"]
    assert after < 0.5 * before, (before, after)


def test_reduction_tradeoff_candidates_match_fairlearn(adult_sample, adult_reduction):
    _, test = adult_sample
    model = adult_reduction.model
    pred = model.predict(test[list(model.feature_names_in_)])
    expected = demographic_parity_difference(test["income"], pred, sensitive_features=test["sex"])
    row = adult_reduction.tradeoff.set_index("kind").loc["exponentiated_gradient"]
    assert np.isclose(row["disparity"], expected)
    assert np.isclose(row["objective"], accuracy_score(test["income"], pred))
