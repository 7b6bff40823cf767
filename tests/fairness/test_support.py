"""Per-group metric support and verdicts over well-supported groups only."""

from __future__ import annotations

import json
import warnings

import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import confusion_matrix, recall_score

from rai_toolkit.exceptions import SmallGroupWarning
from rai_toolkit.fairness import analyze_fairness
from rai_toolkit.fairness._verdicts import status


def _block(name: str, pos: int, tp: int, neg: int, fp: int) -> pd.DataFrame:
    y = np.r_[np.ones(pos, dtype=int), np.zeros(neg, dtype=int)]
    pred = np.r_[np.ones(tp), np.zeros(pos - tp), np.ones(fp), np.zeros(neg - fp)].astype(int)
    return pd.DataFrame({"g": name, "y": y, "pred": pred})


def tiny_positive_frame(tiny_tp: int = 3) -> pd.DataFrame:
    """Two large groups with TPR 0.70 / 0.71; group T has 60 rows but only 3 positives."""
    frame = pd.concat(
        [
            _block("L1", pos=400, tp=280, neg=600, fp=60),
            _block("L2", pos=400, tp=284, neg=600, fp=69),
            _block("T", pos=3, tp=tiny_tp, neg=57, fp=6),
        ],
        ignore_index=True,
    )
    order = np.random.default_rng(0).permutation(len(frame))
    return frame.iloc[order].reset_index(drop=True)


def _analyze(frame: pd.DataFrame, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SmallGroupWarning)
        return analyze_fairness(
            None, frame, target="y", sensitive_features="g", y_pred="pred", **kwargs
        )


def _rates(frame: pd.DataFrame, name: str) -> tuple[float, float]:
    part = frame[frame["g"] == name]
    tn, fp, fn, tp = confusion_matrix(part["y"], part["pred"], labels=[0, 1]).ravel()
    return recall_score(part["y"], part["pred"]), fp / (fp + tn)


@pytest.fixture(scope="module")
def tiny_frame() -> pd.DataFrame:
    return tiny_positive_frame()


@pytest.fixture(scope="module")
def tiny_boot_report(tiny_frame):
    return _analyze(tiny_frame, n_boot=300, random_state=0)


def test_verdict_leaves_out_tiny_group_and_uses_large_group_difference(tiny_frame):
    report = _analyze(tiny_frame, n_boot=0)
    tpr_l1, _ = _rates(tiny_frame, "L1")
    tpr_l2, _ = _rates(tiny_frame, "L2")
    tpr_t, _ = _rates(tiny_frame, "T")
    verdict = report.verdicts.loc["equal_opportunity"]
    assert verdict["excluded_groups"] == ("g=T",)
    assert verdict["value"] == pytest.approx(abs(tpr_l1 - tpr_l2))
    assert "T (3 positives)" in verdict["reason"]
    assert "below min_group_size=30" in verdict["reason"]
    # all groups: 1.0 - 0.70 fails, the supported pair passes -> inconclusive
    assert verdict["all_groups_status"] == "fail"
    assert verdict["status"] == "inconclusive"
    # the disparities table is unchanged: it compares every group
    assert report.disparities.loc["true_positive_rate", "difference"] == pytest.approx(
        tpr_t - min(tpr_l1, tpr_l2)
    )


def test_exclusion_is_per_metric(tiny_frame):
    # T has 57 negatives, so its FPR still counts in equalized_odds; its TPR does not
    report = _analyze(tiny_frame, n_boot=0)
    rates = {g: _rates(tiny_frame, g) for g in ("L1", "L2", "T")}
    tpr_gap = abs(rates["L1"][0] - rates["L2"][0])
    fprs = [r[1] for r in rates.values()]
    verdict = report.verdicts.loc["equalized_odds"]
    assert verdict["value"] == pytest.approx(max(tpr_gap, max(fprs) - min(fprs)))
    assert verdict["excluded_groups"] == ("g=T",)
    # demographic parity reads rows: T (60 rows) is supported
    dp = report.verdicts.loc["demographic_parity"]
    assert dp["excluded_groups"] == ()
    assert dp["value"] == report.disparities.loc["selection_rate", "difference"]


def test_bootstrap_verdict_interval_is_over_supported_groups(tiny_boot_report):
    verdict = tiny_boot_report.verdicts.loc["equal_opportunity"]
    supported, _ = status(
        verdict["value"],
        verdict["lower"],
        verdict["upper"],
        threshold=0.1,
        direction="at_most",
        ci=0.95,
        n_boot=300,
        blockers=[],
    )
    assert supported == "pass"
    # T's 3 of 3 positives say little: its Wilson limit reaches down to about 0.24, so
    # with T the interval [0, 0.40] straddles 0.1, and the supported pass is not confirmed
    assert verdict["all_groups_status"] == "inconclusive"
    assert verdict["status"] == "inconclusive"
    assert verdict["decided_by"] == "left_out_groups_change_status"
    all_groups = tiny_boot_report.disparities.loc["true_positive_rate"]
    assert verdict["lower_with_all_groups"] == all_groups["difference_lower"] == 0.0
    assert verdict["upper_with_all_groups"] == all_groups["difference_upper"]
    assert verdict["upper"] < 0.1 < all_groups["difference_upper"]


def test_status_stands_when_including_the_group_does_not_change_it():
    frame = tiny_positive_frame(tiny_tp=2)  # T's TPR 2/3, close to the large groups
    verdict = _analyze(frame, n_boot=0).verdicts.loc["equal_opportunity"]
    assert verdict["excluded_groups"] == ("g=T",)
    assert verdict["all_groups_status"] == "pass"
    assert verdict["status"] == "pass"
    assert "gives the same status" in verdict["reason"]


def test_under_supported_reference_group_is_inconclusive(tiny_frame):
    report = _analyze(tiny_frame, n_boot=0, reference_group="T")
    verdict = report.verdicts.loc["equal_opportunity"]
    assert verdict["status"] == "inconclusive"
    assert "reference group T" in verdict["reason"]


def test_one_summarising_warning_for_under_supported_groups(tiny_frame):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        report = analyze_fairness(
            None, tiny_frame, target="y", sensitive_features="g", y_pred="pred", n_boot=0
        )
    small = [w for w in caught if issubclass(w.category, SmallGroupWarning)]
    assert len(small) == 1
    message = str(small[0].message)
    assert "g=T (3 positives, 9 predicted positives)" in message
    assert message in report.warnings
    assert report.small_groups == []


def test_support_equals_counts_by_hand(synth, synth_report):
    keys = ["race", "sex"]
    y, pred = synth["y"].astype(bool), synth["pred"].astype(bool)
    counts = pd.DataFrame(
        {
            "rows": 1,
            "pos": y,
            "neg": ~y,
            "pred_pos": pred,
            "pred_neg": ~pred,
            "f1": y | pred,
        }
    ).astype(int)
    hand = counts.groupby([synth[k] for k in keys]).sum()
    support = synth_report.support
    assert support.index.equals(synth_report.by_group.index)
    assert list(support.columns) == list(synth_report.by_group.columns)
    expected = {
        "count": hand["rows"],
        "selection_rate": hand["rows"],
        "accuracy": hand["rows"],
        "calibration_error": hand["rows"],
        "true_positive_rate": hand["pos"],
        "false_negative_rate": hand["pos"],
        "false_positive_rate": hand["neg"],
        "true_negative_rate": hand["neg"],
        "precision": hand["pred_pos"],
        "false_discovery_rate": hand["pred_pos"],
        "false_omission_rate": hand["pred_neg"],
        "f1": hand["f1"],
        "roc_auc": np.minimum(hand["pos"], hand["neg"]),
    }
    for metric, values in expected.items():
        assert support[metric].tolist() == values.tolist(), metric
    race = synth_report.by_feature("race").support
    assert race["true_positive_rate"].tolist() == synth.groupby("race")["y"].sum().tolist()
    group = synth_report.to_dict()["results"][0]["groups"][0]
    assert group["support"]["true_positive_rate"] == int(hand["pos"].iloc[0])


def test_all_groups_supported_behaves_as_before(synth, synth_report):
    verdicts = synth_report.verdicts
    disparities = synth_report.disparities
    assert (verdicts["excluded_groups"] == ()).all()
    assert (verdicts["status"] == verdicts["all_groups_status"]).all()
    assert not verdicts["reason"].str.contains("excluded").any()
    row = verdicts.loc["equal_opportunity"]
    tpr = disparities.loc["true_positive_rate"]
    assert (row["value"], row["lower"], row["upper"]) == (
        tpr["difference"],
        tpr["difference_lower"],
        tpr["difference_upper"],
    )
    expected, _ = status(
        row["value"],
        row["lower"],
        row["upper"],
        threshold=0.1,
        direction="at_most",
        ci=0.95,
        n_boot=300,
        blockers=[],
    )
    assert row["status"] == expected
    # min_group_size=1 cannot exclude a group with a defined metric: identical table
    again = analyze_fairness(
        None,
        synth,
        target="y",
        sensitive_features=["race", "sex"],
        y_pred="pred",
        y_score="score",
        n_boot=300,
        random_state=0,
        min_group_size=1,
    )
    pd.testing.assert_frame_equal(again.verdicts, verdicts)


def test_views_and_schema_show_excluded_groups(tiny_boot_report):
    assert "excluded from this verdict: T (3 positives)" in tiny_boot_report.summary()
    html_text = tiny_boot_report._repr_html_()
    assert "excluded groups" in html_text
    assert "<span title='g=T'>1</span>" in html_text
    d = tiny_boot_report.to_dict()
    assert d["schema_version"] == "1.4"
    result = d["results"][0]
    verdict = next(v for v in result["verdicts"] if v["criterion"] == "equal_opportunity")
    assert verdict["excluded_groups"] == ["g=T"]
    assert verdict["all_groups_status"] == "inconclusive"
    assert verdict["status_with_all_groups"] == "inconclusive"
    assert verdict["status_with_supported_groups"] == "pass"
    assert verdict["decided_by"] == "left_out_groups_change_status"
    assert verdict["metrics"] == ["true_positive_rate"]
    assert verdict["excluded_support"] == [
        {"group": "g=T", "metric": "true_positive_rate", "support": 3}
    ]
    assert "T" not in verdict["reason_with_supported_groups"]  # names no group
    assert verdict["reason"].startswith(verdict["reason_with_supported_groups"])
    records = {tuple(w["groups"]) for w in d["warning_records"]}
    assert records == {("g=T",)}
    assert {"group": "g=T", "metric": "true_positive_rate", "support": 3} in result[
        "under_supported"
    ]
    groups = {g["key"]: g for g in result["groups"]}
    assert groups["g=T"]["support"]["true_positive_rate"] == 3
    assert groups["g=T"]["support"]["selection_rate"] == 60
    assert json.loads(tiny_boot_report.to_json()) == json.loads(json.dumps(d))
