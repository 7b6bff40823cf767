"""build_insights from this environment, checked against what the runtime serves."""

from __future__ import annotations

import contextlib
import io
import json
import os
import pickle
import threading

import numpy as np
import pandas as pd
import pytest

from rai_toolkit.dashboard import COMPONENTS, Insights, build_insights
from rai_toolkit.exceptions import DashboardError

TARGET = "income"


def _cf(model_data):
    [cf] = model_data["counterfactualData"]
    return cf


def _frames(cf, i):
    """Row i's query and counterfactuals as frames (features and stored outcome)."""
    cols = cf["feature_names_including_target"]
    query = pd.DataFrame(cf["test_data"][i], columns=cols).iloc[0]
    cfs = pd.DataFrame(cf["cfs_list"][i], columns=cols)
    return query, cfs


def test_every_component_is_computed(insights, model_data):
    assert len(model_data["modelExplanationData"]) == 1
    assert len(model_data["errorAnalysisData"]) == 1
    assert len(model_data["causalAnalysisData"]) == 1
    assert len(model_data["counterfactualData"]) == 1
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


def test_dashboard_offers_the_same_cohorts(insights, model_data):
    assert model_data["cohortData"] == [c.to_dict() for c in insights.cohorts]


def test_every_test_row_keeps_ten_counterfactuals(model_data, adult_small):
    _, _, test, _ = adult_small
    cf = _cf(model_data)
    assert len(cf["cfs_list"]) == len(test)
    assert all(len(rows) == 10 for rows in cf["cfs_list"])


def test_counterfactuals_flip_the_models_prediction(insights, model_data, adult_small):
    model, _, test, _ = adult_small
    X = test.drop(columns=TARGET)
    pred = model.predict(X)
    cf = _cf(model_data)
    for i in range(len(test)):
        query, cfs = _frames(cf, i)
        cf_pred = model.predict(cfs[X.columns])
        assert np.all(cf_pred != pred[i])
        # stored outcome column is what the model predicts
        np.testing.assert_array_equal(cfs[TARGET].to_numpy(), cf_pred)
    assert insights.counterfactual_stats["validity"] == 1.0
    assert insights.counterfactual_stats["complete_share"] == 1.0


def test_changed_values_stay_within_training_ranges_and_categories(model_data, adult_small):
    # unchanged cells keep the person's own value, even if train never saw it
    _, train, test, cats = adult_small
    cf = _cf(model_data)
    for i in range(len(test)):
        query, cfs = _frames(cf, i)
        for col in train.columns.drop(TARGET):
            moved = cfs.loc[cfs[col] != query[col], col]
            if col in cats:
                assert set(moved) <= set(train[col]), col
            elif len(moved):
                assert train[col].min() <= moved.min() and moved.max() <= train[col].max(), col


def test_counterfactual_importances_are_share_of_changed_features(model_data):
    cf = _cf(model_data)
    query, cfs = _frames(cf, 3)
    features = cf["feature_names"]
    expected = [float(np.mean(cfs[c].to_numpy() != query[c])) for c in features]
    assert cf["local_importance"][3] == expected


def test_dashboard_json_passes_responsibleai_schema(insights, model_data):
    # the manager validates the dice-ml payload against RAI's own schema when it serves it
    cf = _cf(model_data)
    assert len(cf["cfs_list"]) == insights.to_dict()["n_test"]
    assert cf["desired_class"] in (0, 1)


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


def test_rai_insights_attribute_points_to_the_runtime_folder(insights):
    with pytest.raises(DashboardError, match=r"lives in rai_toolkit's dashboard runtime.*"
                                             r"RAIInsights.load"):
        insights.rai_insights  # noqa: B018
    assert (insights.folder / "meta.json").is_file()


def test_the_model_is_not_in_the_computed_folder(insights):
    names = {p.name for p in insights.folder.rglob("*")}
    assert "model.pkl" not in names
    about = json.loads((insights.folder / "rai_toolkit_model.json").read_text())
    assert about["task"] == "classification" and about["classes"] == [0, 1]


# ---------------------------------------------------------------- the first call anyone writes
class Unpicklable:
    """The Adult pipeline behind a wrapper that cannot be pickled and records its callers."""

    def __init__(self, model):
        self._model = model
        self.classes_ = model.classes_
        self.callers: list[tuple[int, str]] = []

    def __reduce__(self):
        raise TypeError("this model must stay in its process")

    def _note(self):
        self.callers.append((os.getpid(), threading.current_thread().name))

    def predict(self, X):
        self._note()
        return self._model.predict(X)

    def predict_proba(self, X):
        self._note()
        return self._model.predict_proba(X)


@pytest.fixture(scope="module")
def default_call(adult_small):
    """build_insights(model, train, test, target=..., sensitive_features=...) and nothing
    else, on test rows including a workclass train never saw."""
    model, train, test, _ = adult_small
    odd = test.iloc[:12].copy()
    odd.iloc[0, odd.columns.get_loc("workclass")] = "Astronaut"
    wrapped = Unpicklable(model)
    stderr = io.StringIO()
    with contextlib.redirect_stderr(stderr):
        ins = build_insights(wrapped, train, odd, target=TARGET, sensitive_features="sex")
    return ins, wrapped, odd, stderr.getvalue()


def test_default_call_skips_causal_and_says_so(default_call):
    ins, _, _, stderr = default_call
    assert ins.components == ["explainer", "error_analysis", "counterfactual"]
    assert "[rai_toolkit] causal analysis skipped: it runs when treatment_features=[...]" in stderr


def test_test_categories_unseen_in_train_get_counterfactuals(default_call, adult_small):
    ins, _, odd, _ = default_call
    _, train, _, _ = adult_small
    assert ins.counterfactual_stats["complete_share"] == 1.0
    assert ins.counterfactual_stats["validity"] == 1.0
    assert "Astronaut" not in set(train["workclass"])


def test_the_model_is_only_called_in_this_process(default_call):
    ins, wrapped, _, _ = default_call
    with pytest.raises(TypeError, match="must stay in its process"):
        pickle.dumps(wrapped)
    pids = {pid for pid, _ in wrapped.callers}
    threads = {name for _, name in wrapped.callers}
    assert pids == {os.getpid()}
    # the runtime's requests (RAIInsights' predictions, the explainer) came over the channel
    assert any(name != "MainThread" for name in threads)
