"""Multiclass (one-vs-rest) and regression tasks against scikit-learn per group."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn.linear_model import LinearRegression, LogisticRegression
from sklearn.metrics import (
    confusion_matrix,
    f1_score,
    mean_absolute_error,
    mean_squared_error,
    precision_score,
    recall_score,
    roc_auc_score,
)

from rai_toolkit.fairness import analyze_fairness


@pytest.fixture(scope="module")
def multiclass_data():
    rng = np.random.default_rng(5)
    n = 1500
    X = rng.normal(size=(n, 3))
    group = rng.choice(["p", "q"], n)
    logits = X @ np.array([[1.0, -1.0, 0.0], [0.5, 0.5, -1.0], [0.0, 1.0, 1.0]])
    y = np.array(["cat", "dog", "eel"])[np.argmax(logits + rng.gumbel(size=(n, 3)), axis=1)]
    frame = pd.DataFrame(X, columns=["a", "b", "c"]).assign(group=group, y=y)
    model = LogisticRegression(max_iter=300).fit(frame[["a", "b", "c"]], frame["y"])
    return frame, model


@pytest.fixture(scope="module")
def multiclass_report(multiclass_data):
    frame, model = multiclass_data
    return analyze_fairness(
        model, frame, target="y", sensitive_features="group", n_boot=200, random_state=0
    )


def test_multiclass_one_vs_rest_metrics_equal_sklearn(multiclass_data, multiclass_report):
    frame, model = multiclass_data
    X = frame[["a", "b", "c"]]
    pred = model.predict(X)
    proba = model.predict_proba(X)
    assert multiclass_report.task == "multiclass"
    assert multiclass_report.classes == ["cat", "dog", "eel"]
    by_group = multiclass_report.by_group
    assert by_group.columns.names == ["class", "metric"]
    for k, cls in enumerate(model.classes_):
        for group in ("p", "q"):
            rows = (frame["group"] == group).to_numpy()
            y_k = (frame["y"].to_numpy()[rows] == cls).astype(int)
            p_k = (pred[rows] == cls).astype(int)
            tn, fp, fn, tp = confusion_matrix(y_k, p_k, labels=[0, 1]).ravel()
            row = by_group.loc[group, cls]
            assert row["count"] == rows.sum()
            assert row["selection_rate"] == pytest.approx((tp + fp) / rows.sum())
            assert row["precision"] == pytest.approx(precision_score(y_k, p_k))
            assert row["true_positive_rate"] == pytest.approx(recall_score(y_k, p_k))
            assert row["false_positive_rate"] == pytest.approx(fp / (fp + tn))
            assert row["f1"] == pytest.approx(f1_score(y_k, p_k))
            assert row["roc_auc"] == pytest.approx(roc_auc_score(y_k, proba[rows, k]))


def test_multiclass_tables_have_class_level_and_for_class_view(multiclass_report):
    assert multiclass_report.disparities.index.names == ["class", "metric"]
    assert multiclass_report.verdicts.index.names == ["class", "criterion"]
    dog = multiclass_report.for_class("dog")
    assert dog.task == "binary"
    pd.testing.assert_frame_equal(
        dog.by_group, multiclass_report.by_group["dog"], check_names=False
    )
    assert [r["class"] for r in multiclass_report.to_dict()["results"]] == ["cat", "dog", "eel"]


@pytest.fixture(scope="module")
def regression_data():
    rng = np.random.default_rng(9)
    n = 1200
    group = rng.choice(["u", "v", "w"], n)
    x = rng.normal(size=n)
    y = 2 * x + (group == "w") * 1.5 + rng.normal(scale=1 + (group == "v"), size=n)
    frame = pd.DataFrame({"x": x, "group": group, "y": y})
    model = LinearRegression().fit(frame[["x"]], frame["y"])
    return frame, model


def test_regression_metrics_equal_sklearn(regression_data):
    frame, model = regression_data
    report = analyze_fairness(
        model,
        frame,
        target="y",
        sensitive_features="group",
        n_boot=200,
        random_state=0,
        thresholds={"bounded_group_loss": 2.0},
    )
    assert report.task == "regression"
    pred = model.predict(frame[["x"]])
    for group in ("u", "v", "w"):
        rows = (frame["group"] == group).to_numpy()
        row = report.by_group.loc[group]
        assert row["count"] == rows.sum()
        assert row["mean_target"] == pytest.approx(frame["y"][rows].mean())
        assert row["mean_prediction"] == pytest.approx(pred[rows].mean())
        assert row["mae"] == pytest.approx(mean_absolute_error(frame["y"][rows], pred[rows]))
        assert row["rmse"] == pytest.approx(
            np.sqrt(mean_squared_error(frame["y"][rows], pred[rows]))
        )
    lower, upper = report.by_group_lower, report.by_group_upper
    assert (lower["mae"] < report.by_group["mae"]).all()
    assert (report.by_group["mae"] < upper["mae"]).all()
    verdict = report.verdicts.loc["bounded_group_loss"]
    assert verdict["value"] == pytest.approx(report.by_group["mae"].max())
    assert verdict["status"] == (
        "pass" if verdict["upper"] <= 2.0 else "fail" if verdict["lower"] > 2.0 else "inconclusive"
    )


def test_regression_interval_matches_row_bootstrap_of_group_mae(regression_data):
    frame, model = regression_data
    report = analyze_fairness(
        model,
        frame,
        target="y",
        sensitive_features="group",
        n_boot=1000,
        random_state=1,
    )
    err = np.abs(model.predict(frame[["x"]]) - frame["y"].to_numpy())
    group = frame["group"].to_numpy()
    rng = np.random.default_rng(2)
    reps = []
    for _ in range(1000):
        idx = rng.integers(0, len(err), len(err))
        reps.append(err[idx][group[idx] == "v"].mean())
    lo, hi = np.quantile(reps, [0.025, 0.975])
    assert report.by_group_lower.loc["v", "mae"] == pytest.approx(lo, abs=0.03)
    assert report.by_group_upper.loc["v", "mae"] == pytest.approx(hi, abs=0.03)


def test_regression_bounded_group_loss_without_bound_is_inconclusive(regression_data):
    frame, model = regression_data
    report = analyze_fairness(model, frame, target="y", sensitive_features="group", n_boot=0)
    verdict = report.verdicts.loc["bounded_group_loss"]
    assert verdict["status"] == "inconclusive"
    assert "thresholds=" in verdict["reason"]


def test_multiclass_support_is_per_class(multiclass_data, multiclass_report):
    frame, model = multiclass_data
    pred = model.predict(frame[["a", "b", "c"]])
    support = multiclass_report.support
    assert list(support.columns) == list(multiclass_report.by_group.columns)
    for cls in ("cat", "dog", "eel"):
        positives = (frame["y"] == cls).groupby(frame["group"]).sum()
        predicted = pd.Series(pred == cls).groupby(frame["group"]).sum()
        assert support[(cls, "true_positive_rate")].tolist() == positives.tolist()
        assert support[(cls, "precision")].tolist() == predicted.tolist()
