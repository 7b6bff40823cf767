import numpy as np
import pandas as pd
import pytest
from sklearn.tree import DecisionTreeClassifier

from rai_toolkit.exceptions import ArgumentError, DataValidationError
from rai_toolkit.security import minimization_candidates


def test_plain_series_below_threshold():
    imp = pd.Series({"income": 0.50, "age": 0.30, "tenure": 0.194, "zip": 0.004, "dob": 0.002})
    out = minimization_candidates(imp, threshold=0.01)
    assert out.index.tolist() == ["dob", "zip"]  # least important first
    assert out["share"].tolist() == pytest.approx([0.002, 0.004])
    assert out["cumulative_share"].tolist() == pytest.approx([0.002, 0.006])
    assert out.loc["zip", "importance"] == 0.004


def test_threshold_is_strict():
    imp = pd.Series({"a": 0.9, "b": 0.1})
    assert minimization_candidates(imp, threshold=0.1).empty
    assert minimization_candidates(imp, threshold=0.11).index.tolist() == ["b"]


def test_duck_typed_report():
    class Report:
        global_importance = pd.Series({"a": 3.0, "b": 0.01})

    assert minimization_candidates(Report()).index.tolist() == ["b"]


def test_real_explanation_report():
    from rai_toolkit.explain import explain_model

    rng = np.random.default_rng(0)
    X = pd.DataFrame(
        {"a": rng.normal(size=400), "b": rng.normal(size=400), "unused": rng.normal(size=400)}
    )
    y = (X["a"] > 0).astype(int)
    model = DecisionTreeClassifier(max_depth=1).fit(X, y)  # one split, on a
    report = explain_model(model, X)
    out = minimization_candidates(report)
    assert set(out.index) == {"b", "unused"}
    assert (out["share"] == 0).all()  # TreeSHAP: a feature the tree never splits on gets 0
    total = report.global_importance.sum()
    assert out["importance"].sum() / total == pytest.approx(0.0)


@pytest.mark.parametrize("threshold", [0, 1, -0.1, 1.5])
def test_threshold_out_of_range(threshold):
    with pytest.raises(ArgumentError, match="threshold must be a share of total importance"):
        minimization_candidates(pd.Series({"a": 1.0}), threshold=threshold)


def test_not_an_explanation():
    with pytest.raises(ArgumentError, match="received dict without a `global_importance`"):
        minimization_candidates({"a": 1.0})


def test_negative_importance():
    with pytest.raises(DataValidationError, match="'b' have missing, infinite or negative values"):
        minimization_candidates(pd.Series({"a": 1.0, "b": -0.1}))


def test_all_zero_importance():
    with pytest.raises(DataValidationError, match="Every feature has zero importance"):
        minimization_candidates(pd.Series({"a": 0.0, "b": 0.0}))
