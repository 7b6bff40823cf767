"""Classes of bad input refused at the root, the same way by every public function."""

from __future__ import annotations

import inspect

import numpy as np
import pandas as pd
import pytest
from sklearn.linear_model import LogisticRegression

import rai_toolkit as rai
from rai_toolkit.exceptions import ArgumentError, DataValidationError, RaiToolkitError

COLS = ["x0", "x1", "x2", "x3", "x4", "proxy"]

#: Public functions that wear rai_toolkit._api.public (the dashboard room has its own entry).
PUBLIC = [
    "analyze_fairness", "explain_model", "explain_disparity", "fit_glassbox",
    "compare_explanations", "mitigate", "check_privacy", "minimization_candidates",
    "membership_inference_risk", "check_robustness", "save_model", "load_model", "assess",
    "analyze_errors", "make_biased_classification", "compare_reports",
]


@pytest.fixture(scope="module")
def case():
    frame = rai.make_biased_classification(400, label_bias=0.3, random_state=0).frame
    model = LogisticRegression().fit(frame[COLS], frame["y"])
    return frame, model


# ---------------------------------------------------------------- calls that do not fit
@pytest.mark.parametrize("name", [n for n in PUBLIC if n != "assess"])
def test_unknown_keyword_is_one_argument_error(name):
    function = getattr(rai, name)
    params = list(inspect.signature(function).parameters)
    with pytest.raises(ArgumentError, match=rf"{name}\(\) got an unexpected keyword argument "
                       r"'not_an_option'\. Its arguments are: " + ", ".join(params)) as info:
        function(not_an_option=1)
    assert info.value.argument == "not_an_option"


def test_misspelt_keyword_and_positional_options(case):
    frame, model = case
    # assess passes further keywords to analyze_fairness, and checks them itself
    with pytest.raises(ArgumentError, match=r"assess\(\) got unexpected keyword argument\(s\): "
                       r"not_an_option\. Accepted fairness options are") as info:
        rai.assess(model, frame, target="y", sensitive_features="group", not_an_option=1)
    assert info.value.argument == "not_an_option"
    with pytest.raises(ArgumentError, match=r"unexpected keyword argument 'sensitive_feature'\. "
                       r"Did you mean 'sensitive_features'\?"):
        rai.analyze_fairness(model, frame, target="y", sensitive_feature="group")
    with pytest.raises(ArgumentError, match=r"analyze_fairness\(\) takes 2 argument\(s\) by "
                       r"position \(model, data\) and every other one by keyword; it received "
                       r"3\. Pass options by name, e\.g\. analyze_fairness\(\.\.\., "
                       r"target=\.\.\.\)"):
        rai.analyze_fairness(model, frame, "y")
    with pytest.raises(ArgumentError, match=r"check_privacy\(\) is missing the required "
                       r"argument 'data'; pass data=\.\.\.") as info:
        rai.check_privacy()
    assert info.value.argument == "data"


def test_wrapped_functions_keep_their_signature_and_docs():
    for name in PUBLIC:
        function = getattr(rai, name)
        assert function.__name__ == name
        assert "Parameters" in function.__doc__
        assert "args" not in inspect.signature(function).parameters


# ---------------------------------------------------------------- MultiIndex columns
def _multi(frame):
    out = frame.copy()
    out.columns = pd.MultiIndex.from_tuples([(c, "v") for c in frame.columns])
    return out


@pytest.mark.parametrize(
    "call",
    [
        lambda m, d: rai.analyze_fairness(m, d, target="y", sensitive_features="group"),
        lambda m, d: rai.explain_model(m, d),
        lambda m, d: rai.check_robustness(m, d, target="y", sensitive_features="group"),
        lambda m, d: rai.check_privacy(d),
        lambda m, d: rai.assess(m, d, target="y", sensitive_features="group"),
        lambda m, d: rai.analyze_errors(m, d, target="y"),
        lambda m, d: rai.fit_glassbox(d, target="y"),
        lambda m, d: rai.membership_inference_risk(m, d, d, target="y"),
        lambda m, d: rai.mitigate(m, d, d, target="y", sensitive_features="group"),
    ],
)
def test_multiindex_columns_are_refused_everywhere(case, call):
    frame, model = case
    with pytest.raises(DataValidationError, match=r"has MultiIndex \(hierarchical\) column "
                       r"labels, e\.g\. \('group', 'v'\); rai_toolkit needs one label per column\. "
                       r"Flatten them first"):
        call(model, _multi(frame))


# ---------------------------------------------------------------- sensitive feature = target
@pytest.mark.parametrize(
    "call",
    [
        lambda m, d, s: rai.analyze_fairness(m, d, target="y", sensitive_features=s, n_boot=0),
        lambda m, d, s: rai.check_robustness(m, d, target="y", sensitive_features=s),
        lambda m, d, s: rai.assess(m, d, target="y", sensitive_features=s, n_boot=0),
        lambda m, d, s: rai.fit_glassbox(d, target="y", sensitive_features=s),
        lambda m, d, s: rai.explain_disparity(m, d, sensitive_feature=s, target="y"),
        lambda m, d, s: rai.mitigate(m, d, d, target="y", sensitive_features=s, n_boot=0),
    ],
)
def test_a_sensitive_feature_equal_to_the_target_is_refused(case, call):
    frame, model = case
    copy = frame.assign(outcome_copy=frame["y"])
    with pytest.raises(ArgumentError, match=r"Sensitive feature 'y' is the target 'y'; groups "
                       r"that are the outcome itself say nothing about fairness") as info:
        call(model, frame, "y")
    assert info.value.argument == "sensitive_features"
    with pytest.raises(ArgumentError, match=r"Sensitive feature 'outcome_copy' holds exactly "
                       r"the values of the target 'y'"):
        call(model, copy, "outcome_copy")


# ---------------------------------------------------------------- non-finite values
def _with_inf(frame):
    out = frame.astype({"y": float})
    out.loc[out.index[3], "y"] = np.inf
    return out


@pytest.mark.parametrize(
    "call",
    [
        lambda m, d: rai.analyze_fairness(None, d, target="y", sensitive_features="group",
                                          y_pred=np.zeros(len(d), dtype=int), n_boot=0),
        lambda m, d: rai.analyze_fairness(m, d, target="y", sensitive_features="group", n_boot=0),
        lambda m, d: rai.check_robustness(m, d, target="y", sensitive_features="group"),
        lambda m, d: rai.assess(m, d, target="y", sensitive_features="group", n_boot=0),
        lambda m, d: rai.analyze_errors(m, d, target="y"),
        lambda m, d: rai.fit_glassbox(d, target="y"),
        lambda m, d: rai.mitigate(m, d, d, target="y", sensitive_features="group", n_boot=0),
    ],
)
def test_an_infinite_target_is_refused_not_read_as_regression(case, call):
    frame, model = case
    with pytest.raises(DataValidationError, match=r"Target column 'y' has 1 infinite "
                       r"value\(s\); outcomes, predictions and scores must be finite") as info:
        call(model, _with_inf(frame))
    assert info.value.argument == "target"


def test_infinite_target_in_either_frame_of_membership_inference(case):
    frame, model = case
    with pytest.raises(DataValidationError, match=r"Target column 'y' of `holdout` has 1 "
                       r"infinite value\(s\)"):
        rai.membership_inference_risk(model, frame.iloc[:200], _with_inf(frame.iloc[200:]),
                                      target="y")


def test_infinite_regression_predictions_are_refused():
    frame = pd.DataFrame({"g": ["a", "b"] * 50, "y": np.linspace(0, 10, 100)})
    pred = frame["y"].to_numpy() + 0.5
    pred[7] = -np.inf
    with pytest.raises(DataValidationError, match=r"`y_pred` has 1 infinite value\(s\)"):
        rai.analyze_fairness(None, frame, target="y", sensitive_features="g", y_pred=pred,
                             n_boot=0)
    with pytest.raises(DataValidationError, match=r"`y_pred` has 1 infinite value\(s\)"):
        rai.analyze_errors(None, frame, target="y", y_pred=pred, cohort_features=["g"])


def test_labels_that_mix_text_and_numbers_are_refused(case):
    frame, _ = case
    mixed = frame.assign(y=frame["y"].astype(object))
    mixed.loc[mixed.index[0], "y"] = "1"
    with pytest.raises(DataValidationError, match=r"Target column 'y' mixes text and numbers"):
        rai.analyze_fairness(None, mixed, target="y", sensitive_features="group",
                             y_pred=frame["y"], n_boot=0)


def test_multiclass_predictions_coded_unlike_the_target_are_refused():
    rng = np.random.default_rng(0)
    frame = pd.DataFrame({"g": rng.choice(["a", "b"], 300), "y": rng.choice(["p", "q", "r"], 300)})
    with pytest.raises(DataValidationError, match=r"mixes text and numbers"):
        rai.analyze_fairness(None, frame, target="y", sensitive_features="g",
                             y_pred=rng.integers(0, 3, 300), n_boot=0)
    with pytest.raises(DataValidationError, match=r"y_pred shares no label with target 'y'"):
        rai.analyze_fairness(None, frame, target="y", sensitive_features="g",
                             y_pred=rng.choice(["s", "t", "u"], 300), n_boot=0)


# ---------------------------------------------------------------- structured fields
def test_errors_name_the_argument_at_fault(case):
    frame, model = case
    calls = {
        "n_boot": lambda: rai.analyze_fairness(model, frame, target="y",
                                               sensitive_features="group", n_boot=5),
        "sensitive_features": lambda: rai.analyze_fairness(model, frame, target="y",
                                                           sensitive_features="nope"),
        "target": lambda: rai.explain_model(model, frame, target="nope"),
        "max_background": lambda: rai.explain_model(model, frame, max_background=0),
        "bins": lambda: rai.analyze_fairness(model, frame, target="y", sensitive_features="x0",
                                             bins={"x0": "x"}),
        "reference_group": lambda: rai.analyze_fairness(model, frame, target="y",
                                                        sensitive_features="group",
                                                        reference_group=["a"]),
        "pos_label": lambda: rai.analyze_fairness(model, frame, target="y",
                                                  sensitive_features="group", pos_label=[1]),
        "model": lambda: rai.analyze_fairness(object(), frame, target="y",
                                              sensitive_features="group"),
    }
    for argument, call in calls.items():
        with pytest.raises(RaiToolkitError) as info:
            call()
        assert info.value.argument == argument, (argument, str(info.value))


def test_bins_specifications(case):
    frame, model = case
    for spec, match in [
        ("x", r"bins\['x0'\] must be a number of quantile bins \(an int in \[2, 1000\]\) or a "
              r"strictly increasing sequence"),
        ([3, 2, 1], r"strictly increasing sequence of at least two edges"),
        ([0, np.nan], r"strictly increasing sequence of at least two edges"),
        (1, r"bins\['x0'\] must be an integer in \[2, 1000\]; received 1"),
        (10**9, r"bins\['x0'\] must be an integer in \[2, 1000\]; received 1000000000"),
    ]:
        with pytest.raises(ArgumentError, match=match):
            rai.analyze_fairness(model, frame, target="y", sensitive_features="x0",
                                 bins={"x0": spec}, n_boot=0)
    with pytest.raises(ArgumentError, match=r"bins must be a dict or None; received 4\."):
        rai.analyze_fairness(model, frame, target="y", sensitive_features="x0", bins=4)


def test_sensitive_features_are_required(case):
    frame, model = case
    with pytest.raises(ArgumentError, match=r"`sensitive_features` is required"):
        rai.analyze_fairness(model, frame, target="y", sensitive_features=None)
    with pytest.raises(ArgumentError, match=r"sensitive_feature must name one column"):
        rai.explain_disparity(model, frame, sensitive_feature=None)


def test_plot_axes_must_be_axes(case):
    import matplotlib

    matplotlib.use("Agg")
    frame, model = case
    report = rai.explain_model(model, frame[COLS].iloc[:30])
    with pytest.raises(ArgumentError, match=r"ax must be a matplotlib Axes \(e\.g\. from "
                       r"plt\.subplots\(\)\) or None for a new figure; received 'left'"):
        rai.plot_importance(report, ax="left")


# ---------------------------------------------------------------- a tuple is not a class label
@pytest.mark.parametrize(
    "call",
    [
        lambda m, d, p: rai.analyze_fairness(m, d, target="y", sensitive_features="group",
                                             pos_label=p, n_boot=0),
        lambda m, d, p: rai.check_robustness(m, d, target="y", sensitive_features="group",
                                             pos_label=p),
        lambda m, d, p: rai.mitigate(m, d, d, target="y", sensitive_features="group",
                                     pos_label=p, n_boot=0),
        lambda m, d, p: rai.explain_model(m, d, target="y", pos_label=p),
    ],
)
@pytest.mark.parametrize("label", [(0, 1), frozenset({1})])
def test_a_tuple_or_frozenset_pos_label_is_refused(case, call, label):
    frame, model = case
    with pytest.raises(ArgumentError, match=r"pos_label must be one class label \(e\.g\. "
                       rf"pos_label=1 or pos_label='>50K'\); received a {type(label).__name__}"
                       ) as info:
        call(model, frame, label)
    assert info.value.argument == "pos_label"


def test_a_tuple_reference_group_still_names_an_intersectional_group(case):
    frame, model = case
    frame = frame.assign(half=np.where(np.arange(len(frame)) % 2, "odd", "even"))
    report = rai.analyze_fairness(model, frame, target="y", sensitive_features=["group", "half"],
                                  reference_group=("a", "even"), n_boot=0)
    assert report.to_dict()["reference_group"] == ["a", "even"]


# ---------------------------------------------------------------- features beside feature_names_in_
#: Every public function that calls a model on columns it picks with ``features=``.
WITH_FEATURES = {
    "analyze_fairness": lambda m, d, f: rai.analyze_fairness(
        m, d, target="y", sensitive_features="group", features=f, n_boot=0),
    "explain_model": lambda m, d, f: rai.explain_model(m, d.head(40), target="y", features=f),
    "explain_disparity": lambda m, d, f: rai.explain_disparity(
        m, d.head(80), sensitive_feature="group", target="y", features=f),
    "analyze_errors": lambda m, d, f: rai.analyze_errors(m, d, target="y", features=f),
    "membership_inference_risk": lambda m, d, f: rai.membership_inference_risk(
        m, d.iloc[:200], d.iloc[200:], target="y", features=f, n_bootstrap=0),
    "check_robustness": lambda m, d, f: rai.check_robustness(
        m, d, target="y", sensitive_features="group", features=f),
    "mitigate": lambda m, d, f: rai.mitigate(
        m, d, d, target="y", sensitive_features="group", features=f, n_boot=0),
}


@pytest.mark.parametrize("name", list(WITH_FEATURES))
@pytest.mark.parametrize(
    ("features", "match"),
    [
        (COLS[:2], r"left out: 'x2', 'x3', 'x4', 'proxy'\."),
        (["nope"], r"not among them: 'nope'; left out: 'x0', 'x1', 'x2', 'x3', 'x4', 'proxy'\."),
        (-1, r"not among them: -1; left out"),
    ],
)
def test_features_other_than_the_models_own_columns_are_refused(case, name, features, match):
    # the model records feature_names_in_ and is always called on them: features= that says
    # otherwise used to be ignored without a word
    frame, model = case
    if name == "mitigate" and features != COLS[:2]:
        # mitigate finds the missing training columns first
        with pytest.raises(DataValidationError, match=r"given as `features` not found in `train`"):
            WITH_FEATURES[name](model, frame, features)
        return
    with pytest.raises(ArgumentError, match=r"features= names other columns than the model was "
                       r"trained on \(feature_names_in_: 'x0', 'x1', 'x2', 'x3', 'x4', "
                       r"'proxy'\); " + match) as info:
        WITH_FEATURES[name](model, frame, features)
    assert info.value.argument == "features"


def test_the_models_own_columns_in_another_order_are_accepted(case):
    frame, model = case
    given = rai.analyze_fairness(model, frame, target="y", sensitive_features="group",
                                 features=COLS[::-1], n_boot=0)
    plain = rai.analyze_fairness(model, frame, target="y", sensitive_features="group", n_boot=0)
    pd.testing.assert_frame_equal(given.by_group, plain.by_group)


# ---------------------------------------------------------------- a classifier's target
@pytest.mark.parametrize(
    "call",
    [
        lambda m, d: rai.analyze_fairness(m, d, target="y", sensitive_features="group", n_boot=0),
        lambda m, d: rai.analyze_errors(m, d, target="y"),
        lambda m, d: rai.check_robustness(m, d, target="y", sensitive_features="group"),
        lambda m, d: rai.mitigate(m, d.assign(y=d["y"] * 2), d, target="y",
                                  sensitive_features="group", n_boot=0),
    ],
)
def test_a_classifier_with_a_numeric_target_is_not_read_as_regression(case, call):
    # a target of 0 / 0.5 used to be analysed as regression of the 0/1 predictions
    frame, model = case
    with pytest.raises(DataValidationError, match=r"target 'y' reads as a regression target "
                       r"\(e\.g\. 0\.5\), but the model is a classifier of the labels 0, 1\. "
                       r"Pass the labels the classifier was trained on") as info:
        call(model, frame.assign(y=frame["y"] * 0.5))
    assert info.value.argument == "target"


def test_a_classifier_of_many_integer_classes_is_analysed_as_multiclass(case):
    from sklearn.tree import DecisionTreeClassifier

    frame, _ = case
    n_classes = rai._validation.MAX_DISCRETE_LEVELS + 5
    y = (frame["x0"].rank(method="first") * n_classes / (len(frame) + 1)).astype(int)
    model = DecisionTreeClassifier(max_depth=4, random_state=0).fit(frame[COLS], y)
    report = rai.analyze_fairness(model, frame.assign(y=y), target="y",
                                  sensitive_features="group", n_boot=0)
    assert report.task == "multiclass"
    assert report.classes == list(range(n_classes))
    # one-vs-rest recall of every class, as sklearn computes it
    from sklearn.metrics import recall_score

    recall = recall_score(y, model.predict(frame[COLS]), average=None, labels=range(n_classes))
    for k in range(n_classes):
        assert report.overall[(k, "true_positive_rate")] == pytest.approx(recall[k])
