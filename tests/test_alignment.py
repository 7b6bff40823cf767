"""Values for rows are matched by index label, never by position; columns may be named Series."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import accuracy_score, roc_auc_score

import rai_toolkit as rai
from rai_toolkit._validation import align_values, prepare_data, resolve_columns
from rai_toolkit.exceptions import ArgumentError, DataValidationError

COLS = ["x0", "x1", "x2", "x3", "x4", "proxy"]


@pytest.fixture(scope="module")
def case():
    ds = rai.make_biased_classification(1500, label_bias=0.3, random_state=0)
    frame = ds.frame
    model = LogisticRegression().fit(frame[COLS], frame["y"])
    test = frame.iloc[500:]  # index labels 500..1499, not 0..n-1
    pred = pd.Series(model.predict(test[COLS]), index=test.index)
    score = pd.Series(model.predict_proba(test[COLS])[:, 1], index=test.index)
    return model, test, pred, score


def _overall(report, metric):
    return float(report.overall[metric])


def test_predictions_in_another_row_order_are_matched_by_index(case):
    _, test, pred, score = case
    shuffled = pred.sample(frac=1, random_state=1)
    shuffled_score = score.loc[shuffled.index]
    assert not shuffled.index.equals(test.index)
    report = rai.analyze_fairness(None, test, target="y", sensitive_features="group",
                                  y_pred=shuffled, y_score=shuffled_score, n_boot=0)
    # the authority: scikit-learn on correctly paired arrays
    assert _overall(report, "accuracy") == pytest.approx(accuracy_score(test["y"], pred))
    assert _overall(report, "roc_auc") == pytest.approx(roc_auc_score(test["y"], score))
    # by position the same values would have been wrong
    assert accuracy_score(test["y"], shuffled.to_numpy()) < accuracy_score(test["y"], pred) - 0.2


def test_error_analysis_matches_predictions_by_index(case):
    _, test, pred, _ = case
    shuffled = pred.sample(frac=1, random_state=2)
    errors = rai.analyze_errors(None, test, target="y", y_pred=shuffled,
                                cohort_features=["group"])
    assert errors.overall["error_rate"] == pytest.approx(1 - accuracy_score(test["y"], pred))


@pytest.mark.parametrize(
    ("values", "detail"),
    [
        (lambda pred: pred.reset_index(drop=True),
         r"500 row label\(s\) of the data are not in it \(e.g. 1000, 1001"),
        (lambda pred: pred.iloc[:-1], "it has 999 values for 1000 rows"),
        (lambda pred: pd.concat([pred, pred.iloc[:1]]), "it has 1001 values for 1000 rows"),
    ],
)
def test_misaligned_index_is_refused_everywhere(case, values, detail):
    _, test, pred, _ = case
    bad = values(pred)
    message = rf"`y_pred` is a pandas Series whose index does not match the index of `data`: " \
              rf"{detail}.*never by position"
    with pytest.raises(DataValidationError, match=message) as info:
        rai.analyze_fairness(None, test, target="y", sensitive_features="group", y_pred=bad,
                             n_boot=0)
    assert info.value.argument == "y_pred"
    with pytest.raises(DataValidationError, match=message):
        rai.analyze_errors(None, test, target="y", y_pred=bad)


def test_scores_are_aligned_too(case):
    _, test, pred, score = case
    with pytest.raises(DataValidationError, match="`y_score` is a pandas Series whose index"):
        rai.analyze_fairness(None, test, target="y", sensitive_features="group", y_pred=pred,
                             y_score=score.reset_index(drop=True), n_boot=0)


def test_arrays_are_taken_in_row_order(case):
    _, test, pred, _ = case
    np.testing.assert_array_equal(align_values(pred.to_numpy(), test, argument="y_pred"), pred)
    np.testing.assert_array_equal(align_values(list(pred), test, argument="y_pred"), pred)
    with pytest.raises(DataValidationError, match="`w` has 2 values but `data` has 1000 rows"):
        align_values([1, 2], test, argument="w")
    with pytest.raises(DataValidationError, match="`w` must hold one value per row of `data`"):
        align_values(3, test, argument="w")
    with pytest.raises(DataValidationError, match="`w` could not be read as an array"):
        align_values([[1, 2], [3]], test, argument="w")


def test_duplicated_index_only_when_identical(case):
    _, test, pred, _ = case
    dup = test.set_axis([0] * len(test))
    same = pred.set_axis(dup.index)
    np.testing.assert_array_equal(align_values(same, dup, argument="y_pred"), pred)
    with pytest.raises(DataValidationError, match="repeated labels cannot be matched"):
        align_values(pred.set_axis(range(len(pred))), dup, argument="y_pred")


# ---------------------------------------------------------------- Series as columns
def test_target_and_sensitive_features_as_series_give_the_named_result(case):
    model, test, _, _ = case
    by_name = rai.analyze_fairness(model, test, target="y", sensitive_features="group",
                                   n_boot=100, random_state=0)
    features = test.drop(columns=["y", "group"])
    by_series = rai.analyze_fairness(model, features, target=test["y"],
                                     sensitive_features=test["group"], n_boot=100,
                                     random_state=0)
    pd.testing.assert_frame_equal(by_name.by_group, by_series.by_group)
    pd.testing.assert_frame_equal(by_name.verdicts, by_series.verdicts)


def test_series_in_another_order_are_aligned(case):
    model, test, _, _ = case
    by_name = rai.analyze_fairness(model, test, target="y", sensitive_features="group",
                                   n_boot=0)
    shuffled = test["group"].sample(frac=1, random_state=3)
    by_series = rai.analyze_fairness(model, test, target="y", sensitive_features=shuffled,
                                     n_boot=0)
    pd.testing.assert_frame_equal(by_name.by_group, by_series.by_group)


def test_a_sensitive_dataframe_gives_several_features(case):
    model, test, _, _ = case
    extra = pd.Series(np.where(test["x1"] > 0, "high", "low"), index=test.index, name="band")
    frame = pd.concat([test["group"], extra], axis=1)
    report = rai.analyze_fairness(model, test, target="y", sensitive_features=frame, n_boot=0)
    assert list(report.by_group.index.names) == ["group", "band"]


@pytest.mark.filterwarnings("ignore:X has feature names")  # prepare_data is not a public call
def test_a_series_never_becomes_a_model_input():
    # a model without feature_names_in_ uses every column but the target: an added
    # sensitive Series must not be passed to it
    rng = np.random.default_rng(0)
    X = pd.DataFrame({"a": rng.normal(size=200), "b": rng.normal(size=200)})
    y = pd.Series((X["a"] > 0).astype(int), name="y")
    model = LogisticRegression().fit(X.to_numpy(), y)
    group = pd.Series(rng.choice(["f", "m"], 200), name="sex")
    checked = prepare_data(model, X, target=y, sensitive_features=group)
    assert checked.features == ["a", "b"]
    np.testing.assert_array_equal(checked.y_pred, model.predict(X.to_numpy()))


def test_nameless_and_clashing_series_are_refused(case):
    model, test, _, _ = case
    nameless = pd.Series(test["group"].to_numpy(), index=test.index)
    with pytest.raises(ArgumentError, match=r"`sensitive_features` is a pandas Series without a "
                       r"name.*series.rename\('label'\)") as info:
        rai.analyze_fairness(model, test, target="y", sensitive_features=nameless, n_boot=0)
    assert info.value.argument == "sensitive_features"
    other = test["x1"].gt(0).map({True: "a", False: "b"}).rename("group")
    with pytest.raises(ArgumentError, match=r"`sensitive_features` is a Series named 'group', "
                       r"but `data` already has a different column 'group'"):
        rai.analyze_fairness(model, test, target="y", sensitive_features=other, n_boot=0)
    with pytest.raises(DataValidationError, match="`target` is a pandas Series whose index"):
        rai.explain_model(model, test.iloc[:50], target=test["y"])


@pytest.mark.parametrize(
    ("value", "match"),
    [
        (["y"], r"`target` must be one column name of `data` or a named pandas Series; "
                r"received a list"),
        (np.zeros(3), r"`target` must be one column name.*received a numpy array of shape \(3,\)"),
        (None, r"`target` is required: name the column of `data`"),
        ({"y": 1}, r"`target` must be column name\(s\) of `data`; received a dict"),
    ],
)
def test_target_that_is_not_a_name(case, value, match):
    model, test, _, _ = case
    with pytest.raises(ArgumentError, match=match) as info:
        rai.analyze_fairness(model, test, target=value, sensitive_features="group", n_boot=0)
    assert info.value.argument == "target"


def test_series_accepted_by_every_single_frame_function(case):
    model, test, _, _ = case
    rows = test.iloc[:200]
    X = rows.drop(columns=["y", "group"])
    y, g = rows["y"], rows["group"]
    rob = rai.check_robustness(model, X, target=y, sensitive_features=g, n_repeats=1,
                               random_state=0)
    assert set(rob.by_group.loc["group"].index) == {"a", "b"}
    gap = rai.explain_disparity(model, X, sensitive_feature=g, target=y)
    assert gap.groups == ("a", "b")
    ebm = rai.fit_glassbox(rows, target=y.rename("y"), sensitive_features=g, max_rounds=5,
                           outer_bags=1, random_state=0)
    assert "group" not in ebm.feature_names
    errors = rai.analyze_errors(model, X, target=y, cohort_features=[g, "x0"])
    assert set(errors.features) == {"group", "x0"}
    result = rai.assess(model, X, target=y, sensitive_features=g, n_boot=0, explain=False,
                        privacy=False, robustness=False)
    assert result.fairness.n_rows == 200
    report = rai.explain_model(model, X, target=y)
    assert report.by_group(g)["count"].sum() == 200


def test_two_frame_functions_refuse_series_columns(case):
    model, test, _, _ = case
    train, rest = test.iloc[:500], test.iloc[500:]
    with pytest.raises(ArgumentError, match=r"`target` must name columns of `train` and "
                       r"`holdout`; received a pandas Series\. A Series cannot label the rows "
                       r"of two frames") as info:
        rai.membership_inference_risk(model, train, rest, target=test["y"])
    assert info.value.argument == "target"
    with pytest.raises(ArgumentError, match=r"`sensitive_features` must name columns of "
                       r"`train` and `test`; received a pandas Series"):
        rai.mitigate(model, train, rest, target="y", sensitive_features=[test["group"]])
    with pytest.raises(ArgumentError, match=r"`target` must name columns of `train` and `test`"):
        rai.mitigate(model, train, rest, target=test["y"], sensitive_features="group")


def test_resolve_columns_never_changes_the_callers_frame(case):
    _, test, _, _ = case
    X = test.drop(columns=["y"])
    before = list(X.columns)
    resolved = resolve_columns(X, target=test["y"].rename("outcome"))
    assert list(X.columns) == before
    assert resolved.attached == ("outcome",)
    assert resolved.data["outcome"].equals(test["y"].rename("outcome"))


def test_mitigated_model_matches_sensitive_features_by_index(case):
    model, test, _, _ = case
    train, rest = test.iloc[:500], test.iloc[500:]
    result = rai.mitigate(model, train, rest, target="y", sensitive_features="group", n_boot=0,
                          random_state=0)
    X = rest[COLS]
    expected = result.model.predict(X, sensitive_features=rest["group"].to_numpy())
    shuffled = rest["group"].sample(frac=1, random_state=5)
    np.testing.assert_array_equal(result.model.predict(X, sensitive_features=shuffled), expected)
    np.testing.assert_array_equal(
        result.model.predict(X, sensitive_features=rest[["group"]].iloc[::-1]), expected
    )
    with pytest.raises(DataValidationError, match=r"`sensitive_features` is a pandas Series "
                       r"whose index does not match the index of `X`"):
        result.model.predict(X, sensitive_features=rest["group"].reset_index(drop=True))
