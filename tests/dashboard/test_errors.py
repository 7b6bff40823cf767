from __future__ import annotations

import json
import warnings

import numpy as np
import pytest

from rai_toolkit.dashboard import build_insights, launch_dashboard
from rai_toolkit.exceptions import (
    ArgumentError,
    DataValidationError,
    ModelError,
    SamplingWarning,
)

TARGET = "income"


def _build(adult_small, **kw):
    model, train, test, cats = adult_small
    args = dict(target=TARGET, sensitive_features=["sex"], categorical_features=cats,
                components=("error_analysis",), progress=False, random_state=0)
    args.update(kw)
    data = args.pop("data", (train, test))
    model = args.pop("model", model)
    return build_insights(model, *data, **args)


def test_large_test_set_is_sampled_with_warning(adult_small):
    with pytest.warns(SamplingWarning, match=r"`test` has 60 rows, more than max_test_rows=40"):
        ins = _build(adult_small, max_test_rows=40)
    assert ins.to_dict()["n_test"] == 40
    assert ins.to_dict()["test_rows_given"] == 60
    # what the runtime stored (RAIInsights.save writes the test set as JSON, orient="split")
    stored = json.loads((ins.folder / "data" / "test.json").read_text())
    assert len(stored["data"]) == 40


def test_missing_target(adult_small):
    _, train, test, _ = adult_small
    with pytest.raises(DataValidationError,
                       match=r"'income' given as `target` not found in `test`"):
        _build(adult_small, data=(train, test.drop(columns=TARGET)))


def test_treatment_feature_not_in_data(adult_small):
    with pytest.raises(DataValidationError,
                       match=r"'hours' given as `treatment_features` not found in `train`"):
        _build(adult_small, components=("causal",), treatment_features=["hours"])


def test_causal_without_treatment_features(adult_small):
    with pytest.raises(ArgumentError, match=r"'causal' component needs treatment_features"):
        _build(adult_small, components=("causal",))


def test_model_failing_on_test_rows(adult_small):
    class Broken:
        classes_ = np.array([0, 1])

        def predict(self, X):
            raise ValueError("could not convert string to float: 'Private'")

        def predict_proba(self, X):
            raise ValueError("nope")

    with pytest.raises(ModelError, match=r"The model failed on the rows of `test`: "
                                         r"Broken.predict failed on 60 rows"):
        _build(adult_small, model=Broken())


def test_unknown_component_lists_valid_ones(adult_small):
    with pytest.raises(ArgumentError, match=r"components names 'shap', which is not among the "
                       r"dashboard components: 'explainer', 'error_analysis', 'counterfactual', "
                       r"'causal'\.") as info:
        _build(adult_small, components=("explainer", "shap"))
    assert info.value.argument == "components"


def test_missing_values_with_counterfactuals(adult_small):
    _, train, test, _ = adult_small
    holed = test.copy()
    holed.iloc[0, holed.columns.get_loc("occupation")] = np.nan
    with pytest.raises(DataValidationError,
                       match=r"`test` has missing values in 'occupation' \(1\); counterfactual"):
        _build(adult_small, data=(train, holed), components=("counterfactual",))


def test_unseen_test_category_with_causal_analysis(adult_small):
    # counterfactuals accept such rows (test_build_insights); responsibleai's causal does not
    _, train, test, _ = adult_small
    odd = test.copy()
    odd.iloc[0, odd.columns.get_loc("workclass")] = "Astronaut"
    with pytest.raises(DataValidationError,
                       match=r"never occur in `train` \('workclass': Astronaut\); causal "
                             r"analysis .* or leave 'causal' out of `components`"):
        _build(adult_small, data=(train, odd), components=("causal",),
               treatment_features=["hours_per_week"])


def test_non_string_column_names_are_refused(adult_small):
    _, train, test, _ = adult_small
    renamed = {"age": 0}
    with pytest.raises(DataValidationError,
                       match=r"`train` has column names that are not strings \(0\)"):
        _build(adult_small, data=(train.rename(columns=renamed), test.rename(columns=renamed)))


def test_column_mixing_types_is_named(adult_small):
    _, train, test, cats = adult_small
    mixed = test.copy()
    mixed["occupation"] = mixed["occupation"].astype(object)
    mixed.iloc[0, mixed.columns.get_loc("occupation")] = 3.5
    with pytest.raises(DataValidationError,
                       match=r"Column 'occupation' of `test` cannot be handed to the dashboard"):
        _build(adult_small, data=(train, mixed))


@pytest.mark.parametrize(
    ("kw", "message"),
    [
        ({"random_state": "0"}, r"random_state must be None, a non-negative integer below 2\*\*32"
                                r".*; received '0'"),
        ({"random_state": 1.5}, r"random_state must be None, a non-negative integer"),
        ({"progress": "yes"}, r"progress must be True \(print each step to stderr\), False or "
                              r"None \(silent\), or a callable"),
        ({"max_test_rows": True}, r"max_test_rows must be an integer >= 1; received True"),
        ({"counterfactuals": 0}, r"counterfactuals must be an integer >= 1; received 0"),
        ({"task": "ranking"}, r"task='ranking' is not valid; choose one of 'classification', "
                              r"'regression'"),
    ],
)
def test_bad_arguments_are_named(adult_small, kw, message):
    with pytest.raises(ArgumentError, match=message) as info:
        _build(adult_small, **kw)
    assert info.value.argument == next(iter(kw))


def test_non_loopback_host_needs_allow_remote(insights):
    with pytest.raises(ArgumentError, match=r"host='0.0.0.0' is not a loopback address.*"
                                            r"allow_remote=True"):
        launch_dashboard(insights, host="0.0.0.0")


def test_launch_rejects_non_insights(tmp_path):
    with pytest.raises(ArgumentError, match=r"is not a folder written by save_insights"):
        launch_dashboard(tmp_path)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(ArgumentError, match=r"must be an Insights object"):
            launch_dashboard(42)


@pytest.mark.parametrize(
    ("kw", "message"),
    [
        ({"target": ["income"]}, r"`target` must name a column by string; received a list"),
        ({"sensitive_features": [1]}, r"`sensitive_features` must name columns by string; "
                                      r"received 1\. The dashboard names features by string"),
        ({"sensitive_features": "income"}, r"Sensitive feature 'income' is the target 'income'"),
        ({"categorical_features": ["sex", "income"]},
         r"`categorical_features` includes the target 'income'; name input columns only"),
        ({"components": ("causal",), "treatment_features": ["income"]},
         r"`treatment_features` includes the target 'income'"),
    ],
)
def test_column_names_are_checked(adult_small, kw, message):
    with pytest.raises(ArgumentError, match=message):
        _build(adult_small, **kw)


def test_series_instead_of_a_name_is_refused(adult_small):
    # one Series cannot label the rows of both train and test
    _, train, test, _ = adult_small
    with pytest.raises(ArgumentError, match=r"`target` must name columns of `train` and `test`; "
                                            r"received a pandas Series. A Series cannot label the "
                                            r"rows of two frames"):
        _build(adult_small, target=test[TARGET])
    with pytest.raises(ArgumentError, match=r"`sensitive_features` must name columns of `train` "
                                            r"and `test`; received a pandas Series"):
        _build(adult_small, sensitive_features=test["sex"])


@pytest.mark.parametrize(
    ("bad", "message"),
    [(np.nan, r"Target column 'income' of `test` has 1 missing value\(s\); the dashboard needs "
              r"a label on every row"),
     (np.inf, r"Target column 'income' of `test` has 1 infinite value\(s\)")],
)
def test_missing_or_infinite_target_is_refused(adult_small, bad, message):
    _, train, test, _ = adult_small
    holed = test.copy()
    holed[TARGET] = holed[TARGET].astype(float)
    holed.iloc[2, holed.columns.get_loc(TARGET)] = bad
    with pytest.raises(DataValidationError, match=message):
        _build(adult_small, data=(train, holed))


def test_trusted_goes_with_a_folder_only(insights):
    with pytest.raises(ArgumentError, match=r"`trusted` applies to a saved folder's model"):
        launch_dashboard(insights, trusted=["lightgbm.basic.Booster"])


def test_progress_callable_and_generator_seed(adult_small):
    # progress and random_state take what every other function takes
    lines = []
    ins = _build(adult_small, progress=lines.append, random_state=np.random.default_rng(0))
    assert lines[0].startswith("RAIInsights: 300 train rows, 60 test rows")
    assert any(line.startswith("error_analysis done in ") for line in lines)
    assert ins.components == ["error_analysis"]
