"""FairnessReport views: disparities, verdicts, marginals, serialisation, display, plots."""

from __future__ import annotations

import json
import math

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest

from rai_toolkit.exceptions import ArgumentError
from rai_toolkit.fairness import (
    FairnessReport,
    analyze_fairness,
    plot_disparities,
    plot_group_metrics,
)
from rai_toolkit.fairness._verdicts import status

METRICS = [
    "count",
    "base_rate",
    "selection_rate",
    "accuracy",
    "balanced_accuracy",
    "precision",
    "true_positive_rate",
    "false_positive_rate",
    "true_negative_rate",
    "false_negative_rate",
    "false_discovery_rate",
    "false_omission_rate",
    "f1",
    "roc_auc",
    "brier_score",
    "calibration_error",
    "calibration_error_debiased",
]


def test_by_group_columns_and_intersectional_index(synth_report):
    assert list(synth_report.by_group.columns) == METRICS
    assert synth_report.by_group.index.names == ["race", "sex"]
    assert len(synth_report.by_group) == 6


def test_disparities_are_max_minus_min_and_min_over_max(synth_report):
    values = synth_report.by_group
    disparities = synth_report.disparities
    assert "count" not in disparities.index
    for metric in ("selection_rate", "true_positive_rate", "roc_auc"):
        assert disparities.loc[metric, "difference"] == pytest.approx(
            values[metric].max() - values[metric].min()
        )
        assert disparities.loc[metric, "ratio"] == pytest.approx(
            values[metric].min() / values[metric].max()
        )
    assert (disparities["difference_lower"] <= disparities["difference_upper"]).all()


def test_verdict_values_follow_their_definitions(synth_report):
    d = synth_report.disparities
    v = synth_report.verdicts
    assert list(v.columns) == [
        "metric",
        "value",
        "lower",
        "upper",
        "threshold",
        "direction",
        "status",
        "reason",
        "excluded_groups",
        "all_groups_status",
        "metrics",
        "statistic",
        "decided_by",
        "status_with_supported_groups",
        "status_with_all_groups",
        "value_with_all_groups",
        "lower_with_all_groups",
        "upper_with_all_groups",
    ]
    assert v.loc["equalized_odds", "metrics"] == ("true_positive_rate", "false_positive_rate")
    assert v.loc["disparate_impact", "statistic"] == "ratio"
    assert v.loc["calibration", "metrics"] == ("calibration_error_debiased",)
    assert (v["decided_by"] == "interval").all()
    assert (v["status_with_all_groups"] == v["all_groups_status"]).all()
    assert v.loc["demographic_parity", "value"] == d.loc["selection_rate", "difference"]
    assert v.loc["equal_opportunity", "value"] == d.loc["true_positive_rate", "difference"]
    assert v.loc["predictive_parity", "value"] == d.loc["precision", "difference"]
    assert v.loc["disparate_impact", "value"] == d.loc["selection_rate", "ratio"]
    assert v.loc["equalized_odds", "value"] == max(
        d.loc["true_positive_rate", "difference"], d.loc["false_positive_rate", "difference"]
    )
    assert (
        v.loc["calibration", "value"] == synth_report.by_group["calibration_error_debiased"].max()
    )
    assert v.loc["disparate_impact", "threshold"] == 0.8
    assert v.loc["demographic_parity", "threshold"] == 0.1
    assert set(v["status"]) <= {"pass", "fail", "inconclusive"}


@pytest.mark.parametrize(
    ("lower", "upper", "expected"),
    [(0.02, 0.08, "pass"), (0.12, 0.2, "fail"), (0.05, 0.15, "inconclusive")],
)
def test_status_from_interval_against_threshold(lower, upper, expected):
    verdict, reason = status(
        (lower + upper) / 2,
        lower,
        upper,
        threshold=0.1,
        direction="at_most",
        ci=0.95,
        n_boot=1000,
        blockers=[],
    )
    assert verdict == expected
    assert "95% interval" in reason


def test_status_at_least_direction_for_ratio():
    assert (
        status(
            0.9, 0.85, 0.95, threshold=0.8, direction="at_least", ci=0.95, n_boot=100, blockers=[]
        )[0]
        == "pass"
    )
    assert (
        status(
            0.6, 0.5, 0.7, threshold=0.8, direction="at_least", ci=0.95, n_boot=100, blockers=[]
        )[0]
        == "fail"
    )


def test_thresholds_override_changes_verdict(synth):
    kwargs = dict(target="y", sensitive_features="sex", y_pred="pred", n_boot=200, random_state=0)
    strict = analyze_fairness(None, synth, thresholds={"demographic_parity": 0.0001}, **kwargs)
    lenient = analyze_fairness(None, synth, thresholds={"demographic_parity": 0.9}, **kwargs)
    assert strict.verdicts.loc["demographic_parity", "status"] == "fail"
    assert lenient.verdicts.loc["demographic_parity", "status"] == "pass"
    assert lenient.thresholds["demographic_parity"] == 0.9
    assert lenient.thresholds["disparate_impact"] == 0.8
    assert "policy choices" in lenient.threshold_note
    assert "four-fifths" in lenient.threshold_note


def test_reference_group_compares_each_group_with_it(synth):
    report = analyze_fairness(
        None,
        synth,
        target="y",
        sensitive_features="race",
        y_pred="pred",
        reference_group="B",
        n_boot=100,
        random_state=0,
    )
    rates = report.by_group["selection_rate"]
    gaps = (rates.drop("B") - rates["B"]).abs()
    ratios = np.minimum(rates.drop("B"), rates["B"]) / np.maximum(rates.drop("B"), rates["B"])
    assert report.disparities.loc["selection_rate", "difference"] == pytest.approx(gaps.max())
    assert report.disparities.loc["selection_rate", "ratio"] == pytest.approx(ratios.min())
    assert report.to_dict()["reference_group"] == "B"


def test_reference_group_tuple_applies_to_marginals(synth):
    report = analyze_fairness(
        None,
        synth,
        target="y",
        sensitive_features=["race", "sex"],
        y_pred="pred",
        reference_group=("A", "F"),
        n_boot=0,
    )
    sex = report.by_feature("sex")
    rates = sex.by_group["selection_rate"]
    assert sex.disparities.loc["selection_rate", "difference"] == pytest.approx(
        abs(rates["M"] - rates["F"])
    )


def test_marginal_reports_equal_single_feature_analysis(synth, synth_report):
    alone = analyze_fairness(
        None,
        synth,
        target="y",
        sensitive_features="sex",
        y_pred="pred",
        y_score="score",
        n_boot=0,
    )
    marginal = synth_report.marginal["sex"]
    assert isinstance(marginal, FairnessReport)
    pd.testing.assert_frame_equal(marginal.by_group, alone.by_group)
    assert set(synth_report.marginal) == {"race", "sex"}
    assert alone.marginal == {"sex": alone}
    with pytest.raises(ArgumentError, match=r"'age' is not a sensitive feature.*'race', 'sex'"):
        synth_report.by_feature("age")
    for unhashable in (["sex"], {"sex": 1}):
        with pytest.raises(ArgumentError, match=r"a (list|dict) is not a sensitive feature of "
                           r"this report; choose one of: 'race', 'sex'") as info:
            synth_report.by_feature(unhashable)
        assert info.value.argument == "feature"


def test_binned_continuous_sensitive_feature(synth):
    data = synth.assign(age=np.linspace(18, 80, len(synth)))
    report = analyze_fairness(
        None,
        data,
        target="y",
        sensitive_features="age",
        y_pred="pred",
        bins={"age": [0, 30, 50, 120]},
        n_boot=0,
    )
    assert list(report.by_group.index) == ["[0, 30]", "(30, 50]", "(50, 120]"]
    assert report.by_group["count"].sum() == len(data)


def test_to_dict_schema_and_json_round_trip(synth_report):
    d = synth_report.to_dict()
    assert d["schema_version"] == "1.4"
    assert d["interval_method"]["disparities"].startswith("simultaneous group limits")
    for key in (
        "task",
        "target",
        "sensitive_features",
        "pos_label",
        "n_rows",
        "n_boot",
        "ci",
        "thresholds",
        "threshold_note",
        "warnings",
        "results",
        "marginal",
    ):
        assert key in d
    result = d["results"][0]
    assert result["class"] is None
    assert result["metrics"] == METRICS
    first = result["groups"][0]
    assert first["labels"] == {"race": "A", "sex": "F"}
    assert first["key"] == "race=A, sex=F"
    assert first["metrics"]["selection_rate"] == pytest.approx(
        synth_report.by_group.loc[("A", "F"), "selection_rate"]
    )
    assert first["lower"]["count"] is None
    assert {v["criterion"] for v in result["verdicts"]} == set(synth_report.verdicts.index)
    # 1.3: a verdict's structured fields, the same as the verdict table's
    table = synth_report.verdicts
    for v in result["verdicts"]:
        row = table.loc[v["criterion"]]
        assert v["metrics"] == list(row["metrics"])
        assert v["reason"] == row["reason"]
        for key in ("statistic", "decided_by", "status_with_supported_groups",
                    "status_with_all_groups", "all_groups_status"):  # fmt: skip
            assert v[key] == row[key], key
        assert v["value_with_all_groups"] == pytest.approx(row["value_with_all_groups"])
        assert v["excluded_support"] == []
        assert v["reason_with_supported_groups"] == v["reason"]  # no group left out
    assert d["warning_records"] == []
    assert set(d["marginal"]) == {"race", "sex"}
    assert d["marginal"]["race"]["warning_records"] == []
    assert json.loads(synth_report.to_json()) == json.loads(json.dumps(d))


def test_json_writes_nan_as_null_and_file_atomically(tmp_path):
    frame = pd.DataFrame(
        {"g": ["a"] * 40 + ["b"] * 40, "y": [1, 0] * 20 + [0] * 40, "p": [1, 1, 0, 0] * 20}
    )
    report = analyze_fairness(None, frame, target="y", sensitive_features="g", y_pred="p", n_boot=0)
    path = tmp_path / "report.json"
    text = report.to_json(path)
    assert "NaN" not in text
    loaded = json.loads(path.read_text())
    group_b = loaded["results"][0]["groups"][1]
    assert group_b["metrics"]["true_positive_rate"] is None
    assert any(u["metric"] == "true_positive_rate" for u in loaded["results"][0]["undefined"])
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.json"]


def test_html_escapes_group_labels(synth):
    data = synth.assign(race=synth["race"].map({"A": "<script>x</script>", "B": "B&b", "C": "C"}))
    report = analyze_fairness(
        None, data, target="y", sensitive_features="race", y_pred="pred", n_boot=0
    )
    html_text = report._repr_html_()
    assert "<script>" not in html_text
    assert "&lt;script&gt;" in html_text
    assert "demographic_parity" in html_text


def test_repr_and_summary_state_verdicts(synth_report):
    text = repr(synth_report)
    assert text.startswith("<FairnessReport task=binary")
    assert "groups=6" in text
    summary = synth_report.summary()
    assert "demographic_parity" in summary
    assert "policy choices" in summary
    for status_ in synth_report.verdicts["status"]:
        assert status_.upper() in summary


def test_results_are_read_only_copies(synth_report):
    frame = synth_report.by_group
    frame.iloc[0, 0] = -1
    assert synth_report.by_group.iloc[0, 0] != -1
    with pytest.raises(AttributeError):
        synth_report.by_group = frame


def test_plot_group_metrics_draws_error_bars(synth_report):
    fig, ax = plt.subplots()
    out = plot_group_metrics(synth_report, metrics=["selection_rate", "f1"], ax=ax)
    assert out is ax
    assert len(ax.patches) == 6 * 2
    heights = sorted(round(p.get_height(), 9) for p in ax.patches)
    expected = sorted(
        round(v, 9) for v in synth_report.by_group[["selection_rate", "f1"]].to_numpy().ravel()
    )
    assert heights == expected
    plt.close(fig)
    with pytest.raises(ArgumentError, match=r"metrics names 'nope', which is not among the "
                       r"columns of report\.by_group: .*'selection_rate'.*'f1'") as info:
        plot_group_metrics(synth_report, metrics=["nope"])
    assert info.value.argument == "metrics"


def test_plot_disparities_draws_thresholds(synth_report):
    ax = plot_disparities(synth_report)
    assert len(ax.get_yticklabels()) == len(synth_report.verdicts)
    thresholds = [
        seg[0][0]
        for c in ax.collections
        for seg in c.get_segments()
        if len(seg) and math.isclose(seg[0][0], seg[1][0])
    ]
    assert 0.8 in [round(t, 6) for t in thresholds]
    plt.close(ax.figure)
