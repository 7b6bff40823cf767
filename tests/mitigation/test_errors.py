"""Each bad input raises one clear error naming the argument and the fix."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
from sklearn.linear_model import LogisticRegression
from sklearn.neighbors import KNeighborsClassifier

from rai_toolkit.exceptions import ArgumentError, DataValidationError, NotFittedError
from rai_toolkit.mitigation import mitigate


def run(model, train, test, **kwargs):
    kwargs.setdefault("target", "y")
    kwargs.setdefault("sensitive_features", "sex")
    kwargs.setdefault("n_boot", 0)
    kwargs.setdefault("random_state", 0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FutureWarning)
        return mitigate(model, train, test, **kwargs)


def test_unknown_constraint_lists_valid_ones(tiny, tiny_model):
    train, test = tiny
    with pytest.raises(ArgumentError, match=r"constraint='parity'.*valid constraints for "
                       r"'postprocess' are: demographic_parity, equalized_odds"):
        run(tiny_model, train, test, constraint="parity")


def test_constraint_of_the_other_method_says_where_it_is(tiny, tiny_model):
    train, test = tiny
    with pytest.raises(ArgumentError, match=r"error_rate_parity.*available with "
                       r"method='reduction'"):
        run(tiny_model, train, test, constraint="error_rate_parity")


def test_unknown_method(tiny, tiny_model):
    train, test = tiny
    with pytest.raises(ArgumentError, match=r"method='threshold' is not valid; choose one of "
                       r"'postprocess', 'reduction'\..*ThresholdOptimizer.*ExponentiatedGradient"):
        run(tiny_model, train, test, method="threshold")


def test_estimator_without_sample_weight_for_reduction(tiny):
    train, test = tiny
    knn = KNeighborsClassifier().fit(train[["x1", "x2"]], train["y"])
    with pytest.raises(ArgumentError, match=r"KNeighborsClassifier\.fit does not accept "
                       r"`sample_weight`.*method='postprocess'"):
        run(knn, train, test, method="reduction")


def test_missing_sensitive_features_at_predict_time(tiny, tiny_model):
    train, test = tiny
    result = run(tiny_model, train, test)
    with pytest.raises(ArgumentError, match=r"needs `sensitive_features`.*threshold to each "
                       r"group of 'sex'"):
        result.model.predict(test[["x1", "x2"]])


def test_unseen_group_at_predict_time(tiny, tiny_model):
    train, test = tiny
    result = run(tiny_model, train, test)
    groups = np.where(test["sex"] == "F", "X", test["sex"])
    with pytest.raises(DataValidationError, match=r"group\(s\) 'X' that were not in the "
                       r"training data"):
        result.model.predict(test[["x1", "x2"]], sensitive_features=groups)


def test_sensitive_feature_with_one_group(tiny, tiny_model):
    train, test = tiny
    train = train.assign(sex="F")
    with pytest.raises(DataValidationError, match=r"'sex' have a single group \('F'\) in "
                       r"`train`.*at least two"):
        run(tiny_model, train, test)


def test_train_and_test_with_different_columns(tiny, tiny_model):
    train, test = tiny
    with pytest.raises(DataValidationError, match=r"same columns; only in train: 'x2'; only "
                       r"in test: 'z'"):
        run(tiny_model, train, test.rename(columns={"x2": "z"}))


def test_unfitted_model_for_postprocess(tiny):
    train, test = tiny
    with pytest.raises(NotFittedError, match=r"LogisticRegression\) is not fitted.*"
                       r"prefit=False"):
        run(LogisticRegression(), train, test, features=["x1", "x2"])


def test_objective_the_reductions_cannot_optimise(tiny):
    train, test = tiny
    with pytest.raises(ArgumentError, match=r"objective='balanced_accuracy_score'.*"
                       r"minimise the error rate"):
        run(LogisticRegression(), train, test, method="reduction",
            objective="balanced_accuracy_score", prefit=False)


def test_non_binary_target(tiny):
    train, test = tiny
    train = train.assign(y=np.arange(len(train)) % 3)
    test = test.assign(y=np.arange(len(test)) % 3)
    with pytest.raises(DataValidationError, match=r"binary classification.*looks multiclass"):
        run(LogisticRegression(), train, test, prefit=False, features=["x1", "x2"])


def test_quantile_bins_are_refused(tiny, tiny_model):
    train, test = tiny
    with pytest.raises(ArgumentError, match=r"bins\['x1'\]=4 asks for quantile bins.*"
                       r"explicit edges"):
        run(tiny_model, train, test, sensitive_features="x1", bins={"x1": 4})


def test_grid_size_too_small(tiny, tiny_model):
    train, test = tiny
    with pytest.raises(ArgumentError, match=r"grid_size must be an integer >= 2; received 1"):
        run(tiny_model, train, test, method="reduction", grid_size=1)


def test_missing_sensitive_column(tiny, tiny_model):
    train, test = tiny
    with pytest.raises(DataValidationError, match=r"'race' given as `sensitive_features` not "
                       r"found in `train`"):
        run(tiny_model, train, test, sensitive_features="race")


def test_fairlearn_spellings_are_the_fairness_rooms_names(tiny, tiny_model):
    """constraint / objective in fairlearn's words give the same mitigation, named our way."""
    train, test = tiny
    ours = run(tiny_model, train, test, constraint="equal_opportunity",
               objective="balanced_accuracy")  # fmt: skip
    theirs = run(tiny_model, train, test, constraint="true_positive_rate_parity",
                 objective="balanced_accuracy_score")  # fmt: skip
    for result in (ours, theirs):
        assert result.constraint == "equal_opportunity"
        assert result.objective == "balanced_accuracy"
        assert result.disparity_measure == "true_positive_rate_difference"
        assert list(result.comparison.index) == ["balanced_accuracy",
                                                 "true_positive_rate_difference"]  # fmt: skip
    pd.testing.assert_frame_equal(ours.tradeoff, theirs.tradeoff)
    pd.testing.assert_frame_equal(ours.comparison, theirs.comparison)
    assert ours.to_dict()["schema_version"] == "1.1"


def test_unknown_objective_lists_the_metric_names(tiny, tiny_model):
    train, test = tiny
    with pytest.raises(ArgumentError, match=r"objective='f1'.*choose one of: accuracy, "
                       r"balanced_accuracy, selection_rate, .*'accuracy_score'"):
        run(tiny_model, train, test, objective="f1")


class _FitFails(LogisticRegression):
    def fit(self, X, y, sample_weight=None):
        raise RuntimeError("fit was called")


@pytest.mark.parametrize("n_boot", [50, -1, 1.5])
def test_bad_n_boot_is_refused_before_any_fitting(tiny, n_boot):
    train, test = tiny
    with pytest.raises(ArgumentError, match=r"n_boot must be 0 \(no intervals\) or an integer "
                       r">= 100") as info:
        run(_FitFails(), train, test, n_boot=n_boot, prefit=False)
    assert info.value.argument == "n_boot"


@pytest.mark.parametrize("bins", ["", 0, [], "x1", ("x1", [0, 1]), pd.Series([0.0, 1.0])])
def test_bins_that_are_not_a_mapping_are_refused(tiny, tiny_model, bins):
    train, test = tiny
    with pytest.raises(ArgumentError, match=r"bins must be a dict or None; received .*Pass e\.g\. "
                       r"bins=\{'age': \[-inf, 25, 45, 65, inf\]\}") as info:
        run(tiny_model, train, test, bins=bins)
    assert info.value.argument == "bins"


@pytest.mark.parametrize("method", [pd.DataFrame(), pd.Series(["postprocess"]), 1, None])
def test_a_method_that_is_not_a_name_is_refused(tiny, tiny_model, method):
    train, test = tiny
    with pytest.raises(ArgumentError, match=r"method=(a pandas \w+|1|None) is not valid; "
                       r"choose one of 'postprocess', 'reduction'\.") as info:
        run(tiny_model, train, test, method=method)
    assert info.value.argument == "method"


def test_a_misspelt_method_gets_the_closest_name(tiny, tiny_model):
    train, test = tiny
    with pytest.raises(ArgumentError, match=r"method='postproces' is not valid.*"
                       r"Did you mean 'postprocess'\?") as info:
        run(tiny_model, train, test, method="postproces")
    assert info.value.argument == "method"
