from __future__ import annotations

import json

import numpy as np

from rai_toolkit.dashboard import COMPONENTS, Insights

TARGET = "income"


def _cf_examples(insights):
    [obj] = insights.rai_insights.counterfactual.get()
    return obj


def test_every_component_is_computed(insights):
    listed = insights.rai_insights.list()
    assert listed["explainer"]["is_computed"] is True
    assert len(insights.rai_insights.error_analysis.get()) == 1
    assert len(insights.rai_insights.causal.get()) == 1
    [cf] = listed["counterfactual"]["counterfactuals"]
    assert cf["is_computed"] and not cf["has_computation_failed"]
    assert insights.components == list(COMPONENTS)


def test_cohorts_one_per_group_and_intersection(insights, expected_cohorts):
    single, inter = expected_cohorts
    assert len(inter) <= 12
    assert sorted(insights.cohort_names) == sorted(single + inter)


def test_cohort_filters_select_the_group_rows(insights, adult_small):
    _, _, test, _ = adult_small
    by_name = {c.name: c for c in insights.cohorts}
    cohort = by_name["sex = Female"]
    [flt] = cohort.cohort_filter_list
    assert (flt.method, flt.column, flt.arg) == ("includes", "sex", ["Female"])


def test_every_test_row_keeps_ten_counterfactuals(insights, adult_small):
    _, _, test, _ = adult_small
    obj = _cf_examples(insights)
    assert len(obj.cf_examples_list) == len(test)
    assert all(len(ex.final_cfs_df) == 10 for ex in obj.cf_examples_list)


def test_counterfactuals_flip_the_models_prediction(insights, adult_small):
    model, _, test, _ = adult_small
    X = test.drop(columns=TARGET)
    pred = model.predict(X)
    for i, ex in enumerate(_cf_examples(insights).cf_examples_list):
        cf_pred = model.predict(ex.final_cfs_df[X.columns])
        assert np.all(cf_pred != pred[i])
        # stored outcome column is what the model predicts
        np.testing.assert_array_equal(ex.final_cfs_df[TARGET].to_numpy(), cf_pred)
    assert insights.counterfactual_stats["validity"] == 1.0
    assert insights.counterfactual_stats["complete_share"] == 1.0


def test_changed_values_stay_within_training_ranges_and_categories(insights, adult_small):
    # unchanged cells keep the person's own value, even if train never saw it
    _, train, _, cats = adult_small
    for ex in _cf_examples(insights).cf_examples_list:
        query = ex.test_instance_df.iloc[0]
        for col in train.columns.drop(TARGET):
            moved = ex.final_cfs_df.loc[ex.final_cfs_df[col] != query[col], col]
            if col in cats:
                assert set(moved) <= set(train[col]), col
            elif len(moved):
                assert train[col].min() <= moved.min() and moved.max() <= train[col].max(), col


def test_counterfactual_importances_are_share_of_changed_features(insights, adult_small):
    _, _, test, _ = adult_small
    obj = _cf_examples(insights)
    ex = obj.cf_examples_list[3]
    query = ex.test_instance_df.drop(columns=TARGET).iloc[0]
    cfs = ex.final_cfs_df.drop(columns=TARGET)
    expected = {c: float(np.mean(cfs[c].to_numpy() != query[c])) for c in cfs.columns}
    assert obj.local_importance[3] == expected


def test_dashboard_json_passes_responsibleai_schema(insights):
    # the manager validates the dice-ml payload against RAI's own schema when it serves it
    data = insights.rai_insights.counterfactual.get_data()[0]
    assert len(data.cfs_list) == insights.to_dict()["n_test"]
    assert data.desired_class in (0, 1)


def test_to_dict_is_json_with_documented_keys(insights):
    d = json.loads(insights.to_json())
    assert set(d) == {
        "schema", "task", "target", "n_train", "n_test", "test_rows_given",
        "sensitive_features", "categorical_features", "components", "timings_s",
        "counterfactuals", "cohorts",
    }
    assert d["schema"] == "rai_toolkit.insights/1"
    assert set(d["timings_s"]) == set(COMPONENTS) | {"total"}
    assert d["cohorts"][0]["filters"][0]["column"] == "sex"


def test_repr_summarises_components_and_cohorts(insights):
    text = repr(insights)
    html = insights._repr_html_()
    for name in COMPONENTS:
        assert name in text and name in html
    assert "sex = Female" in text
    assert "100.0% flip the prediction" in text


def test_timings_are_a_read_only_copy(insights):
    t = insights.timings
    t["explainer"] = -1
    assert insights.timings["explainer"] >= 0
    assert isinstance(insights, Insights)
