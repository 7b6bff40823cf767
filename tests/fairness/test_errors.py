"""Every bad input raises one clear error naming the argument and the fix."""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pytest
from sklearn.linear_model import LogisticRegression

from rai_toolkit.exceptions import (
    ArgumentError,
    DataValidationError,
    ModelError,
    NotFittedError,
)
from rai_toolkit.fairness import analyze_fairness


@pytest.fixture(scope="module")
def frame():
    rng = np.random.default_rng(0)
    n = 200
    return pd.DataFrame(
        {
            "sex": rng.choice(["F", "M"], n),
            "x": rng.normal(size=n),
            "y": rng.integers(0, 2, n),
            "pred": rng.integers(0, 2, n),
            "score": rng.random(n),
        }
    )


def run(data, **kwargs):
    args = dict(target="y", sensitive_features="sex", y_pred="pred", n_boot=0)
    args.update(kwargs)
    model = args.pop("model", None)
    return analyze_fairness(model, data, **args)


def test_missing_target_lists_columns(frame):
    with pytest.raises(DataValidationError, match=r"'label'.*`target`.*columns are: sex, x, y"):
        run(frame, target="label")


def test_missing_sensitive_feature_lists_columns(frame):
    with pytest.raises(DataValidationError, match=r"'gender'.*sensitive_features.*sex, x, y"):
        run(frame, sensitive_features=["gender"])


def test_length_mismatch(frame):
    with pytest.raises(DataValidationError, match=r"`y_pred` has 10 values but `data` has 200"):
        run(frame, y_pred=np.zeros(10, dtype=int))


def test_non_binary_predictions(frame):
    with pytest.raises(DataValidationError, match=r"y_pred must hold the binary labels.*'2'"):
        run(frame, y_pred=np.where(frame["pred"] == 1, 2, 0), task="binary")


def test_scores_outside_unit_interval(frame):
    with pytest.raises(DataValidationError, match=r"y_score must be probabilities in \[0, 1\]"):
        run(frame, y_score=frame["score"] * 3)


def test_single_group_names_feature_and_value(frame):
    data = frame.assign(sex="F")
    with pytest.raises(DataValidationError, match=r"'sex' takes a single value \('F'\)"):
        run(data)


def test_single_value_feature_among_several(frame):
    data = frame.assign(site="north")
    with pytest.raises(DataValidationError, match=r"'site' takes a single value \('north'\)"):
        run(data, sensitive_features=["sex", "site"])


def test_empty_data(frame):
    with pytest.raises(DataValidationError, match=r"`data` is empty \(0 rows\)"):
        run(frame.iloc[:0])


def test_all_nan_target(frame):
    with pytest.raises(DataValidationError, match=r"'y' is entirely missing"):
        run(frame.assign(y=np.nan))


def test_unhashable_group_values(frame):
    data = frame.assign(sex=[[v] for v in frame["sex"]])
    with pytest.raises(DataValidationError, match=r"'sex' holds unhashable values"):
        run(data)


def test_unfitted_model(frame):
    with pytest.raises(NotFittedError, match=r"LogisticRegression\) is not fitted"):
        run(frame, model=LogisticRegression(), y_pred=None, features=["x"])


class Exploding:
    def predict(self, X):
        raise KeyError("column 'income' missing")


def test_model_failure_is_wrapped_with_context(frame):
    with pytest.raises(ModelError, match=r"Exploding.predict failed on 200 rows.*KeyError"):
        run(frame, model=Exploding(), y_pred=None, features=["x"])


def test_pos_label_not_among_labels(frame):
    with pytest.raises(ArgumentError, match=r"pos_label='yes' is not among the labels"):
        run(frame, pos_label="yes")


@pytest.mark.parametrize(
    ("kwargs", "pattern"),
    [
        ({"n_boot": -1}, r"n_boot must be 0 \(no intervals\) or an integer >= 100; received -1"),
        ({"n_boot": 50}, r"n_boot must be .* received 50"),
        ({"n_boot": 2.5}, r"n_boot must be .* received 2.5"),
        ({"ci": 95}, r"ci must be a coverage strictly between 0 and 1.*ci=0.95"),
        ({"ci": 0.0}, r"ci must be a coverage strictly between 0 and 1"),
        ({"min_group_size": 0}, r"min_group_size must be an integer >= 1; received 0"),
    ],
)
def test_bad_options(frame, kwargs, pattern):
    with pytest.raises(ArgumentError, match=pattern):
        run(frame, **kwargs)


def test_fairness_options_are_checked_where_they_are_built():
    from rai_toolkit.fairness._analyze import FairnessOptions

    good = dict(reference_group=None, n_boot=0, ci=0.9, random_state=np.int64(3),
                min_group_size=5, thresholds=None, bins=None)
    options = FairnessOptions(**good)
    assert type(options.random_state) is int and options.random_state == 3
    with pytest.raises(dataclasses.FrozenInstanceError):
        options.n_boot = 1000
    for bad, pattern in [
        ({"n_boot": 50}, r"n_boot must be 0 \(no intervals\) or an integer >= 100; received 50"),
        ({"ci": 95}, r"Did you mean ci=0.95\?"),
        ({"min_group_size": 0}, r"min_group_size must be an integer >= 1; received 0"),
        ({"random_state": -1}, r"random_state must be None, a non-negative integer"),
        ({"reference_group": ["F"]}, r"reference_group"),
    ]:
        with pytest.raises(ArgumentError, match=pattern) as info:
            FairnessOptions(**{**good, **bad})
        assert info.value.argument == next(iter(bad))


def test_bad_option_refused_before_the_data_is_read():
    with pytest.raises(ArgumentError, match=r"ci must be a coverage"):
        analyze_fairness(None, object(), target="y", sensitive_features="sex", ci=95)

def test_reference_group_not_a_group_lists_groups(frame):
    with pytest.raises(ArgumentError, match=r"reference_group='X' is not a group of sex.*F, M"):
        run(frame, reference_group="X")


def test_reference_group_needs_tuple_with_several_features(frame):
    data = frame.assign(age=np.where(frame["x"] > 0, "old", "young"))
    with pytest.raises(ArgumentError, match=r"tuple with one label per sensitive feature"):
        run(data, sensitive_features=["sex", "age"], reference_group="F")


def test_unknown_thresholds_key_lists_valid_keys(frame):
    with pytest.raises(
        ArgumentError,
        match=r"thresholds names 'parity', which is not among the criteria of task 'binary': "
        r"'demographic_parity', 'equalized_odds'.* Key thresholds by those criteria\.",
    ) as info:
        run(frame, thresholds={"parity": 0.1})
    assert info.value.argument == "thresholds"


def test_bad_threshold_value(frame):
    with pytest.raises(ArgumentError, match=r"thresholds\['disparate_impact'\].*\(0, 1\]"):
        run(frame, thresholds={"disparate_impact": 1.25})


@pytest.mark.parametrize(("value", "shown"), [(10, "0.1 for 10%"), (1.5, "0.015 for 1.5%")])
def test_a_classification_threshold_above_1_could_never_fail_and_is_refused(
    frame, value, shown
):
    # a gap between rates is at most 1: thresholds={"demographic_parity": 10} used to pass always
    with pytest.raises(ArgumentError, match=r"thresholds\['demographic_parity'\] bounds a "
                       rf"difference between groups' rates, which is at most 1, so {value!r} "
                       rf"could never fail; pass a fraction \(e\.g\. {shown}\)") as info:
        run(frame, thresholds={"demographic_parity": value})
    assert info.value.argument == "thresholds"
    assert run(frame, thresholds={"demographic_parity": 1}).verdicts.loc[
        "demographic_parity", "status"] == "pass"


def test_continuous_sensitive_feature_needs_bins(frame):
    with pytest.raises(DataValidationError, match=r"'x' looks continuous.*bins="):
        run(frame, sensitive_features="x")


def test_multiclass_scores_of_wrong_shape(frame):
    data = frame.assign(y=np.arange(200) % 3, pred=np.arange(200) % 3)
    with pytest.raises(DataValidationError, match=r"shape \(n_rows, 3\).*received shape \(200,\)"):
        run(data, y_score=frame["score"].to_numpy())
