"""Group metrics against scikit-learn and fairlearn 0.7 on synthetic and Adult data."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import (
    balanced_accuracy_score,
    brier_score_loss,
    confusion_matrix,
    f1_score,
    precision_score,
    recall_score,
    roc_auc_score,
)

from rai_toolkit.exceptions import SmallGroupWarning
from rai_toolkit.fairness import analyze_fairness


def sklearn_group_metrics(y, pred, score=None):
    tn, fp, fn, tp = confusion_matrix(y, pred, labels=[0, 1]).ravel()
    n = tn + fp + fn + tp
    out = {
        "count": n,
        "base_rate": (tp + fn) / n,
        "selection_rate": (tp + fp) / n,
        "accuracy": (tp + tn) / n,
        "balanced_accuracy": balanced_accuracy_score(y, pred),
        "precision": precision_score(y, pred, zero_division=0),
        "true_positive_rate": recall_score(y, pred),
        "false_positive_rate": fp / (fp + tn),
        "true_negative_rate": recall_score(y, pred, pos_label=0),
        "false_negative_rate": fn / (tp + fn),
        "false_discovery_rate": fp / (tp + fp),
        "false_omission_rate": fn / (fn + tn),
        "f1": f1_score(y, pred),
    }
    if score is not None:
        out["roc_auc"] = roc_auc_score(y, score)
        out["brier_score"] = brier_score_loss(y, score)
        out["calibration_error"] = expected_calibration_error(y, score)
    return out


def expected_calibration_error(y, score, n_bins=10):
    """Independent ECE: 10 equal-width bins [0, .1), ..., [.9, 1]."""
    edges = np.linspace(0, 1, n_bins + 1)
    total = 0.0
    for k in range(n_bins):
        upper = score <= edges[k + 1] if k == n_bins - 1 else score < edges[k + 1]
        in_bin = (score >= edges[k]) & upper
        if in_bin.any():
            total += in_bin.sum() / len(y) * abs(score[in_bin].mean() - y[in_bin].mean())
    return total


def assert_matches_sklearn(report, frame, y, pred, score, features):
    by_group = report.by_group
    for key, rows in frame.groupby(features).groups.items():
        rows = np.asarray(frame.index.get_indexer(rows))
        expected = sklearn_group_metrics(
            y[rows], pred[rows], None if score is None else score[rows]
        )
        actual = by_group.loc[key]
        for metric, value in expected.items():
            assert actual[metric] == pytest.approx(value, rel=1e-9, abs=1e-12), (key, metric)


def test_synthetic_intersectional_metrics_equal_sklearn(synth, synth_report):
    assert_matches_sklearn(
        synth_report,
        synth,
        synth["y"].to_numpy(),
        synth["pred"].to_numpy(),
        synth["score"].to_numpy(),
        ["race", "sex"],
    )


def test_synthetic_marginal_metrics_equal_sklearn(synth, synth_report):
    marginal = synth_report.by_feature("race")
    assert_matches_sklearn(
        marginal,
        synth,
        synth["y"].to_numpy(),
        synth["pred"].to_numpy(),
        synth["score"].to_numpy(),
        "race",
    )


def test_overall_equals_sklearn_on_all_rows(synth, synth_report):
    expected = sklearn_group_metrics(
        synth["y"].to_numpy(), synth["pred"].to_numpy(), synth["score"].to_numpy()
    )
    for metric, value in expected.items():
        assert synth_report.overall[metric] == pytest.approx(value, rel=1e-9)


def test_adult_logistic_pipeline_metrics_equal_sklearn(adult_split, adult_logreg):
    _, test = adult_split
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        report = analyze_fairness(
            adult_logreg, test, target="income", sensitive_features="sex", n_boot=0
        )
    X = test[list(adult_logreg.feature_names_in_)]
    pred = adult_logreg.predict(X)
    score = adult_logreg.predict_proba(X)[:, 1]
    assert_matches_sklearn(report, test, test["income"].to_numpy(), pred, score, "sex")


def test_adult_lightgbm_intersectional_metrics_equal_sklearn(adult_split, adult_lgbm):
    _, test = adult_split
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        report = analyze_fairness(
            adult_lgbm, test, target="income", sensitive_features=["sex", "race"], n_boot=0
        )
    X = test[list(adult_lgbm.feature_names_in_)]
    pred = adult_lgbm.predict(X)
    score = adult_lgbm.predict_proba(X)[:, 1]
    assert_matches_sklearn(report, test, test["income"].to_numpy(), pred, score, ["sex", "race"])


def test_metrics_equal_fairlearn_metricframe(adult_split, adult_logreg):
    from fairlearn.metrics import (
        MetricFrame,
        false_negative_rate,
        false_positive_rate,
        selection_rate,
        true_negative_rate,
        true_positive_rate,
    )
    from sklearn.metrics import accuracy_score

    _, test = adult_split
    X = test[list(adult_logreg.feature_names_in_)]
    pred = adult_logreg.predict(X)
    fl_metrics = {
        "selection_rate": selection_rate,
        "accuracy": accuracy_score,
        "precision": precision_score,
        "true_positive_rate": true_positive_rate,
        "false_positive_rate": false_positive_rate,
        "true_negative_rate": true_negative_rate,
        "false_negative_rate": false_negative_rate,
    }
    frame = MetricFrame(
        metrics=fl_metrics,
        y_true=test["income"],
        y_pred=pred,
        sensitive_features=test[["sex", "relationship"]],
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        report = analyze_fairness(
            None,
            test,
            target="income",
            sensitive_features=["sex", "relationship"],
            y_pred=pred,
            n_boot=0,
        )
    ours = report.by_group[list(fl_metrics)]
    expected = frame.by_group.astype(float).dropna(how="all").loc[ours.index]
    # sklearn's precision_score returns 0 (zero_division) where we report NaN with a reason
    undefined = ours.isna()
    assert undefined.any().any()
    assert (expected.to_numpy()[undefined.to_numpy()] == 0).all()
    reasons = report.undefined
    assert set(reasons.loc[reasons.metric == "precision", "reason"]) == {
        "no predicted positives in the group (tp + fp = 0)"
    }
    pd.testing.assert_frame_equal(
        ours.where(~undefined, 0.0), expected, check_names=False, rtol=1e-12
    )
    diff = frame.difference()
    for metric in fl_metrics:
        if not undefined[metric].any():
            assert report.disparities.loc[metric, "difference"] == pytest.approx(diff[metric])
    ratio = frame.ratio()
    assert report.disparities.loc["selection_rate", "ratio"] == pytest.approx(
        ratio["selection_rate"]
    )


def test_group_with_single_class_has_nan_and_reasons():
    rng = np.random.default_rng(3)
    n = 200
    frame = pd.DataFrame(
        {
            "g": np.repeat(["mixed", "all_negative"], n // 2),
            "y": np.r_[rng.integers(0, 2, n // 2), np.zeros(n // 2, dtype=int)],
            "pred": rng.integers(0, 2, n),
            "score": rng.random(n),
        }
    )
    with pytest.warns(SmallGroupWarning, match=r"g=all_negative \(0 positives\)"):
        report = analyze_fairness(
            None,
            frame,
            target="y",
            sensitive_features="g",
            y_pred="pred",
            y_score="score",
            n_boot=0,
        )
    group = report.by_group.loc["all_negative"]
    rows = frame["g"] == "all_negative"
    tn, fp, fn, tp = confusion_matrix(frame.y[rows], frame.pred[rows], labels=[0, 1]).ravel()
    assert (tp, fn) == (0, 0)
    assert group["false_positive_rate"] == pytest.approx(fp / (fp + tn))
    assert group["true_negative_rate"] == pytest.approx(tn / (fp + tn))
    assert group["precision"] == pytest.approx(0.0)  # tp = 0, fp > 0: defined and zero
    assert group["brier_score"] == pytest.approx(
        brier_score_loss(frame.y[rows], frame.score[rows], pos_label=1)
    )
    for metric in ("true_positive_rate", "false_negative_rate", "balanced_accuracy", "roc_auc"):
        assert np.isnan(group[metric]), metric
    undefined = report.undefined.set_index(["group", "metric"])["reason"]
    assert "no actual positives" in undefined.loc[("g=all_negative", "true_positive_rate")]
    assert (
        "both actual positives and actual negatives" in undefined.loc[("g=all_negative", "roc_auc")]
    )
    assert not report.undefined["group"].eq("g=mixed").any()
    verdict = report.verdicts.loc["equal_opportunity"]
    assert verdict["status"] == "inconclusive"
    assert verdict["excluded_groups"] == ("g=all_negative",)
    assert "all_negative (0 positives)" in verdict["reason"]
    assert "fewer than two groups" in verdict["reason"]


def test_histogram_auc_stays_within_documented_bound(synth):
    from rai_toolkit.fairness._cells import build_cells
    from rai_toolkit.fairness._metrics import classification_metrics

    y = synth["y"].to_numpy() == 1
    score = synth["score"].to_numpy()
    codes = pd.factorize(synth["race"], sort=True)[0]
    table = build_cells(codes, 3, y, synth["pred"].to_numpy() == 1, score)
    approx = classification_metrics(table.counts, table.sum_s, table.sum_s2, table.calibration_map)[
        "roc_auc"
    ]
    hist = table.counts.sum(axis=2)  # (G, 2, B)
    pos = hist[:, 1] / hist[:, 1].sum(axis=1, keepdims=True)
    neg = hist[:, 0] / hist[:, 0].sum(axis=1, keepdims=True)
    bound = 0.5 * (pos * neg).sum(axis=1)
    for g, race in enumerate(["A", "B", "C"]):
        rows = synth["race"].to_numpy() == race
        exact = roc_auc_score(y[rows], score[rows])
        assert abs(approx[g] - exact) <= bound[g] + 1e-12
