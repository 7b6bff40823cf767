import json
import warnings

import numpy as np
import pandas as pd
import pytest
from sklearn.linear_model import LinearRegression, LogisticRegression
from sklearn.metrics import roc_auc_score
from sklearn.svm import LinearSVC

from rai_toolkit.exceptions import (
    ArgumentError,
    DataValidationError,
    FallbackWarning,
    NotFittedError,
)
from rai_toolkit.security import MembershipInferenceResult, membership_inference_risk


@pytest.fixture(scope="module")
def tree_result(adult_split, adult_tree):
    ds, train, holdout = adult_split
    return membership_inference_risk(adult_tree, train, holdout, target=ds.target, random_state=0)


def test_unpruned_tree_is_exposed(tree_result):
    assert tree_result.attack == "loss-threshold"
    assert tree_result.auc > 0.6
    assert tree_result.auc_ci[0] > 0.6
    assert tree_result.risk in {"moderate", "high"}


def test_tree_auc_matches_accuracy_gap(tree_result):
    # An unpruned tree outputs 0/1 probabilities: members and correctly classified
    # non-members tie at loss 0, so AUC = 0.5 + (acc_members - acc_nonmembers) / 2.
    d = tree_result.details
    assert d["accuracy_members"] == 1.0
    expected = 0.5 + (d["accuracy_members"] - d["accuracy_nonmembers"]) / 2
    assert tree_result.auc == pytest.approx(expected, abs=1e-9)
    assert tree_result.advantage == pytest.approx(1 - d["accuracy_nonmembers"], abs=1e-9)


def test_regularised_logreg_is_near_chance(adult_split, adult_logreg):
    ds, train, holdout = adult_split
    res = membership_inference_risk(adult_logreg, train, holdout, target=ds.target, random_state=0)
    assert abs(res.auc - 0.5) < 0.05
    assert res.risk == "low"
    assert "low" in res.interpretation


def test_auc_equals_sklearn_on_losses(adult_split, adult_logreg):
    ds, train, holdout = adult_split
    res = membership_inference_risk(
        adult_logreg, train, holdout, target=ds.target, n_bootstrap=0
    )  # n == len(train) == len(holdout): all rows
    X = pd.concat([train, holdout])
    p = adult_logreg.predict_proba(X.drop(columns=ds.target))
    y = X[ds.target].to_numpy()
    loss = -np.log(p[np.arange(len(y)), y])
    labels = np.r_[np.ones(len(train)), np.zeros(len(holdout))]
    assert res.auc == pytest.approx(roc_auc_score(labels, -loss), abs=1e-12)
    assert res.details["mean_loss_members"] == pytest.approx(loss[: len(train)].mean())
    assert res.auc_ci is None


def test_balanced_sample_sizes(adult_split, adult_logreg):
    ds, train, holdout = adult_split
    res = membership_inference_risk(
        adult_logreg, train, holdout.iloc[:300], target=ds.target, random_state=1, n_bootstrap=0
    )
    assert res.details["n_members"] == res.details["n_nonmembers"] == 300
    capped = membership_inference_risk(
        adult_logreg, train, holdout, target=ds.target, n_samples=100, n_bootstrap=0
    )
    assert capped.details["n_members"] == 100


def test_label_only_fallback_warns_and_says_so():
    rng = np.random.default_rng(0)
    X = pd.DataFrame({"a": rng.normal(size=400), "b": rng.normal(size=400)})
    X["y"] = (X["a"] + rng.normal(scale=2, size=400) > 0).astype(int)
    train, holdout = X.iloc[:200], X.iloc[200:]
    model = LinearSVC().fit(train[["a", "b"]], train["y"])
    with pytest.warns(FallbackWarning, match="LinearSVC has no predict_proba"):
        res = membership_inference_risk(model, train, holdout, target="y", random_state=0)
    assert res.attack == "label-only"
    assert "label-only" in res.interpretation and "lower bound" in res.interpretation
    # label-only AUC = 0.5 + (acc_members - acc_nonmembers) / 2 exactly
    acc_m = (model.predict(train[["a", "b"]]) == train["y"]).mean()
    acc_o = (model.predict(holdout[["a", "b"]]) == holdout["y"]).mean()
    assert res.auc == pytest.approx(0.5 + (acc_m - acc_o) / 2)


def test_regressor_uses_squared_error():
    rng = np.random.default_rng(0)
    X = pd.DataFrame({"a": rng.normal(size=300)})
    X["y"] = 2 * X["a"] + rng.normal(size=300)
    model = LinearRegression().fit(X.iloc[:150][["a"]], X.iloc[:150]["y"])
    with warnings.catch_warnings():
        warnings.simplefilter("error", FallbackWarning)
        res = membership_inference_risk(model, X.iloc[:150], X.iloc[150:], target="y")
    assert (res.attack, res.to_dict()["loss"]) == ("loss-threshold", "squared-error")


def test_to_dict_and_views(tree_result):
    d = json.loads(tree_result.to_json())
    assert set(d) == {
        "attack",
        "loss",
        "auc",
        "auc_ci",
        "advantage",
        "tpr_at_low_fpr",
        "low_fpr",
        "risk",
        "risk_thresholds",
        "details",
        "interpretation",
    }
    assert d["details"]["n_members"] == 2000
    assert d["low_fpr"] == 0.01
    assert isinstance(tree_result, MembershipInferenceResult)
    assert "auc=" in repr(tree_result)
    assert "<table>" in tree_result._repr_html_()
    assert tree_result.summary() == tree_result.interpretation


def test_seed_reproducible(adult_split, adult_logreg):
    ds, train, holdout = adult_split
    kw = dict(target=ds.target, n_samples=500, n_bootstrap=20, random_state=3)
    a = membership_inference_risk(adult_logreg, train, holdout, **kw)
    b = membership_inference_risk(adult_logreg, train, holdout, **kw)
    assert (a.auc, a.auc_ci) == (b.auc, b.auc_ci)


# ---------------------------------------------------------------- bad input
@pytest.fixture(scope="module")
def small():
    frame = pd.DataFrame({"a": [0.0, 1.0, 2.0, 3.0], "y": [0, 1, 0, 1]})
    return LogisticRegression().fit(frame[["a"]], frame["y"]), frame


def test_different_columns_are_named(small):
    model, frame = small
    other = frame.rename(columns={"a": "alpha"})
    with pytest.raises(DataValidationError, match=r"only in train: 'a'; only in holdout: 'alpha'"):
        membership_inference_risk(model, frame, other, target="y")


def test_empty_holdout(small):
    model, frame = small
    with pytest.raises(DataValidationError, match="`holdout` is empty"):
        membership_inference_risk(model, frame, frame.iloc[:0], target="y")


def test_train_not_a_frame(small):
    model, frame = small
    with pytest.raises(DataValidationError, match="`train` must be a pandas DataFrame"):
        membership_inference_risk(model, frame.to_numpy(), frame, target="y")


def test_unknown_target(small):
    model, frame = small
    with pytest.raises(DataValidationError, match="'label' given as `target` not found in `train`"):
        membership_inference_risk(model, frame, frame, target="label")


def test_unfitted_model(small):
    _, frame = small
    with pytest.raises(NotFittedError, match="is not fitted"):
        membership_inference_risk(LogisticRegression(), frame, frame, target="y")


def test_bad_n_samples(small):
    model, frame = small
    with pytest.raises(ArgumentError, match="n_samples must be an integer >= 1"):
        membership_inference_risk(model, frame, frame, target="y", n_samples=0)


def test_weighted_auc_matches_sklearn_on_resample():
    from rai_toolkit.security._membership import _WeightedAUC

    rng = np.random.default_rng(5)
    member = np.round(rng.normal(0.3, 1, 300), 1)  # rounding creates ties
    nonmember = np.round(rng.normal(0, 1, 250), 1)
    w_m = np.bincount(rng.integers(0, 300, 300), minlength=300)
    w_o = np.bincount(rng.integers(0, 250, 250), minlength=250)
    scores = np.r_[np.repeat(member, w_m), np.repeat(nonmember, w_o)]
    labels = np.r_[np.ones(w_m.sum()), np.zeros(w_o.sum())]
    expected = roc_auc_score(labels, scores)
    assert _WeightedAUC(member, nonmember)(w_m.astype(float), w_o.astype(float)) == (
        pytest.approx(expected, abs=1e-12)
    )
    unweighted = _WeightedAUC(member, nonmember)(np.ones(300), np.ones(250))
    assert unweighted == pytest.approx(
        roc_auc_score(np.r_[np.ones(300), np.zeros(250)], np.r_[member, nonmember])
    )


def test_auc_interval_contains_estimate(tree_result):
    lo, hi = tree_result.auc_ci
    assert lo < tree_result.auc < hi
    assert hi - lo < 0.05


# ---------------------------------------------------------------- label coding
def test_holdout_coded_1_2_is_refused_not_read_as_high_risk(adult_split, adult_logreg):
    ds, train, holdout = adult_split
    right = membership_inference_risk(adult_logreg, train, holdout, target=ds.target,
                                      n_bootstrap=0, random_state=0)
    assert right.risk == "low"
    shifted = holdout.assign(**{ds.target: holdout[ds.target] + 1})  # 1/2 instead of 0/1
    with pytest.raises(DataValidationError, match=r"The target 'income' of `holdout` holds "
                       r"label\(s\) 2 that are not among the model's classes_ \(0, 1\)\. The "
                       r"attack reads the probability") as info:
        membership_inference_risk(adult_logreg, train, shifted, target=ds.target)
    assert info.value.argument == "target"


def test_string_labels():
    rng = np.random.default_rng(3)
    frame = pd.DataFrame({"a": rng.normal(size=400), "b": rng.normal(size=400)})
    frame["y"] = (frame["a"] + rng.normal(size=400) > 0).astype(int)
    model = LogisticRegression().fit(frame[["a", "b"]], frame["y"])
    coded = frame.assign(y=frame["y"].map({0: "no", 1: "yes"}))
    with pytest.raises(DataValidationError, match=r"`train` holds label\(s\) '(no|yes)', "
                       r"'(no|yes)' that are not among the model's classes_ \(0, 1\)"):
        membership_inference_risk(model, coded, coded, target="y")
    # a model trained on the strings gives the same attack as on 0/1 (same probabilities)
    text_model = LogisticRegression().fit(coded[["a", "b"]], coded["y"])
    as_text = membership_inference_risk(text_model, coded.iloc[:200], coded.iloc[200:],
                                        target="y", n_bootstrap=0, random_state=0)
    as_int = membership_inference_risk(model, frame.iloc[:200], frame.iloc[200:],
                                       target="y", n_bootstrap=0, random_state=0)
    assert as_text.auc == pytest.approx(as_int.auc, abs=1e-9)
    assert 0.4 < as_int.auc < 0.6


def test_huge_n_bootstrap_is_refused_before_allocating(small):
    model, frame = small
    with pytest.raises(ArgumentError, match=r"n_bootstrap=1,000,000,000,000 bootstrap "
                       r"replicates would need about 7\.3 TiB of memory, more than the .* one "
                       r"call may use") as info:
        membership_inference_risk(model, frame, frame, target="y", n_bootstrap=10**12)
    assert info.value.argument == "n_bootstrap"
