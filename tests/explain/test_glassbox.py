import numpy as np
import pandas as pd
import pytest

from rai_toolkit.exceptions import ArgumentError, DataValidationError
from rai_toolkit.explain import compare_explanations, fit_glassbox


@pytest.fixture(scope="module")
def ebm_report(adult):
    return fit_glassbox(adult, target="income", sensitive_features=["sex", "race"],
                        random_state=0, max_rounds=300, outer_bags=2)


def test_sensitive_features_are_excluded(ebm_report, adult):
    assert ebm_report.method == "ebm"
    assert ebm_report.output == "log_odds"
    assert "sex" not in ebm_report.feature_names and "race" not in ebm_report.feature_names
    assert ebm_report.feature_names == [c for c in adult.columns
                                        if c not in ("income", "sex", "race")]


def test_contributions_add_up_to_ebm_log_odds(ebm_report, adult):
    X = adult[ebm_report.feature_names]
    np.testing.assert_allclose(ebm_report.model_output, ebm_report.model.decision_function(X))
    assert ebm_report.additivity_error < 1e-9


def test_importance_is_ebm_term_importance(ebm_report):
    ebm = ebm_report.model
    expected = dict(zip(ebm.term_names_, ebm.term_importances()))
    for feature, value in ebm_report.global_importance.items():
        assert value == pytest.approx(expected[feature])


def test_by_group_on_excluded_sensitive_feature(ebm_report, adult):
    table = ebm_report.by_group("sex")
    assert set(table.index) == set(adult["sex"].unique())


def test_interactions_are_split_but_stay_additive(adult):
    report = fit_glassbox(adult.iloc[:800], target="income", features=["age", "education_num",
                          "hours_per_week"], interactions=2, random_state=0, max_rounds=100,
                          outer_bags=1)
    assert any(len(t) == 2 for t in report.model.term_features_)
    assert report.additivity_error < 1e-9


def test_regression_target(adult):
    report = fit_glassbox(adult.iloc[:800], target="hours_per_week",
                          features=["age", "education_num", "sex"], random_state=0,
                          max_rounds=100, outer_bags=1)
    assert report.output == "raw"
    X = adult.iloc[:800][["age", "education_num", "sex"]]
    np.testing.assert_allclose(report.model_output, report.model.predict(X))
    assert report.additivity_error < 1e-9


def test_multiclass_target_is_refused(adult):
    with pytest.raises(ArgumentError, match="'relationship' has 6 classes"):
        fit_glassbox(adult, target="relationship", features=["age"])


def test_missing_target(adult):
    with pytest.raises(DataValidationError, match="'label'.*target"):
        fit_glassbox(adult, target="label")


def test_glassbox_agrees_with_boosted_model(ebm_report, lgbm_report):
    cmp = compare_explanations(lgbm_report, ebm_report, top_k=5)
    assert set(cmp.common_features) == set(ebm_report.feature_names)
    assert cmp.spearman > 0.5


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"n_jobs": 0}, r"n_jobs must be a non-zero integer in \[-1024, 1024\] \(-1: all "
                        r"cores\); received 0"),
        ({"n_jobs": 10**12}, r"n_jobs must be a non-zero integer .*received 1000000000000"),
        ({"exclude_sensitive": "yes"}, r"exclude_sensitive must be True or False"),
        ({"outer_bags": 10**12}, r"Training 1,000,000,000,000 outer bags on .* rows would need "
                                 r"about .* of memory"),
        ({"random_state": "seed"}, r"random_state must be None, a non-negative integer"),
        ({"sensitive_features": "income"}, r"Sensitive feature 'income' is the target"),
    ],
)
def test_bad_settings(adult, kwargs, match):
    with pytest.raises(ArgumentError, match=match) as info:
        fit_glassbox(adult.iloc[:200], target="income", max_rounds=5, **kwargs)
    assert info.value.argument == next(iter(kwargs))


def test_infinite_target_is_not_a_regression(adult):
    frame = adult.iloc[:200].astype({"income": float})
    frame.iloc[0, frame.columns.get_loc("income")] = np.inf
    with pytest.raises(DataValidationError, match=r"Target column 'income' has 1 infinite"):
        fit_glassbox(frame, target="income", max_rounds=5)


def test_a_generator_seed_is_one_int_for_the_ebm(adult):
    a = fit_glassbox(adult.iloc[:300], target="income", max_rounds=20, outer_bags=1,
                     random_state=np.random.default_rng(0))
    b = fit_glassbox(adult.iloc[:300], target="income", max_rounds=20, outer_bags=1,
                     random_state=np.random.default_rng(0))
    seed = int(np.random.default_rng(0).integers(0, 2**32 - 1, dtype=np.int64))
    assert a.model.random_state == b.model.random_state == seed
    np.testing.assert_array_equal(a.values, b.values)


def test_feature_columns_an_ebm_cannot_learn_from(adult):
    rows = adult.iloc[:100]
    with pytest.raises(DataValidationError, match=r"Column 'tags' given as `features` holds "
                       r"unhashable values .*an EBM learns from numbers and categories"):
        fit_glassbox(rows.assign(tags=[[1]] * len(rows)), target="income", max_rounds=3)
    dated = rows.assign(when=pd.date_range("2020-01-01", periods=len(rows)))
    with pytest.raises(DataValidationError, match=r"Column\(s\) 'when' hold dates or durations"):
        fit_glassbox(dated, target="income", max_rounds=3)
