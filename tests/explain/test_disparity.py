import json

import numpy as np
import pandas as pd
import pytest

from rai_toolkit.exceptions import ArgumentError, DataValidationError
from rai_toolkit.explain import DisparityExplanation, explain_disparity, explain_model


@pytest.fixture(scope="module")
def gap(biased_model, biased):
    return explain_disparity(biased_model, biased.frame, sensitive_feature="group", target="y")


def test_contributions_sum_to_total(gap):
    assert isinstance(gap, DisparityExplanation)
    assert gap.mode == "pair"
    assert abs(gap.contributions.sum() - gap.total) < 1e-9


def test_total_equals_measured_gap_in_model_log_odds(gap, biased_model, biased):
    frame = biased.frame
    margin = biased_model.predict(frame[biased_model.feature_name_], raw_score=True)
    measured = margin[frame["group"] == "a"].mean() - margin[frame["group"] == "b"].mean()
    assert gap.output == "log_odds"
    assert gap.groups == ("a", "b")
    assert abs(gap.total - measured) < 1e-6
    assert gap.measured_total == pytest.approx(measured, abs=1e-9)


def test_biased_feature_carries_most_of_the_gap(gap, biased):
    biased_feature = biased.metadata["biased_feature"]
    assert gap.contributions.abs().idxmax() == biased_feature
    assert gap.contributions[biased_feature] > 0.8 * gap.total


def test_groups_order_sets_the_sign(biased_model, biased, gap):
    reverse = explain_disparity(biased_model, biased.frame, sensitive_feature="group",
                                target="y", groups=("b", "a"))
    np.testing.assert_allclose(reverse.contributions, -gap.contributions)


def test_report_is_reused(biased_model, biased, gap):
    report = explain_model(biased_model, biased.frame, target="y")
    again = explain_disparity(None, biased.frame, sensitive_feature="group", report=report)
    pd.testing.assert_series_equal(again.contributions, gap.contributions)


def test_report_on_other_rows_is_rejected(biased_model, biased):
    report = explain_model(biased_model, biased.frame.iloc[:100], target="y")
    with pytest.raises(DataValidationError, match="`report` explains 100 rows"):
        explain_disparity(None, biased.frame, sensitive_feature="group", report=report)


def test_more_groups_each_against_the_rest(biased_model, biased):
    frame = biased.frame.assign(band=pd.cut(biased.frame["x1"], [-np.inf, -0.5, 0.5, np.inf],
                                            labels=["low", "mid", "high"]).astype(str))
    expl = explain_disparity(biased_model, frame, sensitive_feature="band", target="y")
    assert expl.mode == "one_vs_rest"
    assert set(expl.groups) == {"low", "mid", "high"}
    np.testing.assert_allclose(expl.contributions.sum(axis=0), expl.total, atol=1e-12)
    np.testing.assert_allclose(expl.total, expl.measured_total, atol=1e-6)
    assert expl.contributions["high"].idxmax() == "x1"
    assert set(json.loads(expl.to_json())["total"]) == {"low", "mid", "high"}


def test_single_group_is_an_error(biased_model, biased):
    only_a = biased.frame[biased.frame["group"] == "a"]
    with pytest.raises(DataValidationError, match="single group \\('a'\\)"):
        explain_disparity(biased_model, only_a, sensitive_feature="group", target="y")


def test_unknown_group_is_an_error(biased_model, biased, gap):
    with pytest.raises(ArgumentError, match="Group 'c'.*available groups: 'a', 'b'"):
        explain_disparity(biased_model, biased.frame, sensitive_feature="group", target="y",
                          groups=("a", "c"))


def test_missing_sensitive_column(biased_model, biased):
    with pytest.raises(DataValidationError, match="'race'.*sensitive_feature"):
        explain_disparity(biased_model, biased.frame, sensitive_feature="race", target="y")


def test_to_dict_and_repr(gap):
    d = gap.to_dict()
    assert d["schema"] == "rai_toolkit.disparity_explanation/1"
    assert d["groups"] == ["a", "b"]
    assert sum(d["contributions"].values()) == pytest.approx(d["total"])
    assert "x0" in repr(gap) and "x0" in gap._repr_html_()
