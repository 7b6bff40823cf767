"""Bootstrap intervals: coverage on data with known truth, reproducibility, shapes."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

from rai_toolkit.fairness import analyze_fairness
from rai_toolkit.fairness._cells import bootstrap_batch
from rai_toolkit.fairness._disparities import disparity_interval
from rai_toolkit.fairness._metrics import classification_metrics

# population: group share 0.5 / 0.5; P(y_hat = 1 | group) = 0.30 / 0.45; y independent (0.4)
SHARE = np.array([0.5, 0.5])
SELECTION = np.array([0.30, 0.45])
TRUE_DIFFERENCE = 0.15
TRUE_RATIO = 0.30 / 0.45


def cell_probabilities():
    p = np.zeros((2, 2, 2, 1))
    for g in range(2):
        for y, py in ((0, 0.6), (1, 0.4)):
            p[g, y, 1, 0] = SHARE[g] * py * SELECTION[g]
            p[g, y, 0, 0] = SHARE[g] * py * (1 - SELECTION[g])
    return p


def test_vectorised_coverage_of_selection_rate_difference_and_ratio():
    """Two groups: the simultaneous interval is the MOVER interval of the one pair."""
    rng = np.random.default_rng(12345)
    n_sims, n_rows, n_boot = 2000, 400, 400
    p = cell_probabilities().ravel()
    counts = rng.multinomial(n_rows, p, size=n_sims).astype(float).reshape(n_sims, 2, 2, 2, 1)
    reps = bootstrap_batch(counts, n_boot=n_boot, rng=rng)  # (n_boot, n_sims, 2, 2, 2, 1)
    selection = classification_metrics(reps)["selection_rate"]  # (n_boot, n_sims, 2)
    point = classification_metrics(counts)["selection_rate"]  # (n_sims, 2)
    d_cover = r_cover = 0
    for k in range(n_sims):
        block = [(point[k], selection[:, k], None)]
        d_lo, d_hi, _ = disparity_interval(block, statistic="difference", ci=0.95)
        r_lo, r_hi, _ = disparity_interval(block, statistic="ratio", ci=0.95)
        d_cover += d_lo <= TRUE_DIFFERENCE <= d_hi
        r_cover += r_lo <= TRUE_RATIO <= r_hi
    assert 0.93 <= d_cover / n_sims <= 0.97, d_cover / n_sims
    assert 0.93 <= r_cover / n_sims <= 0.97, r_cover / n_sims


def test_end_to_end_coverage_over_300_simulations():
    rng = np.random.default_rng(7)
    n_sims, n_rows = 300, 400
    covered = 0
    for sim in range(n_sims):
        group = rng.choice(["a", "b"], n_rows, p=SHARE)
        selected = rng.random(n_rows) < np.where(group == "a", SELECTION[0], SELECTION[1])
        frame = pd.DataFrame(
            {"g": group, "y": (rng.random(n_rows) < 0.4).astype(int), "p": selected.astype(int)}
        )
        report = analyze_fairness(
            None,
            frame,
            target="y",
            sensitive_features="g",
            y_pred="p",
            n_boot=400,
            random_state=sim,
            min_group_size=1,
        )
        row = report.disparities.loc["selection_rate"]
        covered += row["difference_lower"] <= TRUE_DIFFERENCE <= row["difference_upper"]
    assert 0.93 <= covered / n_sims <= 0.97, covered / n_sims


def test_intervals_are_reproducible_with_random_state(synth):
    kwargs = dict(
        target="y",
        sensitive_features="race",
        y_pred="pred",
        y_score="score",
        n_boot=200,
        random_state=42,
    )
    first = analyze_fairness(None, synth, **kwargs)
    second = analyze_fairness(None, synth, **kwargs)
    pd.testing.assert_frame_equal(first.by_group_lower, second.by_group_lower)
    pd.testing.assert_frame_equal(first.disparities, second.disparities)
    other = analyze_fairness(None, synth, **{**kwargs, "random_state": 43})
    assert not np.allclose(
        first.by_group_lower["selection_rate"], other.by_group_lower["selection_rate"]
    )


def test_a_proportion_of_exactly_0_or_1_gets_the_exact_binomial_interval():
    from scipy.stats import binomtest

    rng = np.random.default_rng(0)
    n = 400
    frame = pd.DataFrame(
        {
            "g": np.where(np.arange(n) < 20, "tiny", "big"),
            "y": rng.integers(0, 2, n),
            "p": rng.integers(0, 2, n),
        }
    )
    frame.loc[:19, "p"] = 0  # the tiny group: nobody selected
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        report = analyze_fairness(
            None, frame, target="y", sensitive_features="g", y_pred="p", ci=0.9, random_state=0
        )
    lower, upper, support = report.by_group_lower, report.by_group_upper, report.support
    # selection rate 0 of 20 rows, false positive rate 0 of its negatives, TNR 1 of them
    for metric, successes in [("selection_rate", 0), ("false_positive_rate", 0)]:
        k = int(support.loc["tiny", metric])
        exact = binomtest(successes, k).proportion_ci(confidence_level=0.9, method="exact")
        assert lower.loc["tiny", metric] == 0.0
        assert upper.loc["tiny", metric] == pytest.approx(exact.high, rel=1e-12)
    k = int(support.loc["tiny", "true_negative_rate"])
    exact = binomtest(k, k).proportion_ci(confidence_level=0.9, method="exact")
    assert lower.loc["tiny", "true_negative_rate"] == pytest.approx(exact.low, rel=1e-12)
    assert upper.loc["tiny", "true_negative_rate"] == 1.0
    # away from 0 and 1 the percentile interval is kept: not the exact binomial one
    k_big = int(support.loc["big", "selection_rate"])
    hits = int(round(report.by_group.loc["big", "selection_rate"] * k_big))
    exact_big = binomtest(hits, k_big).proportion_ci(confidence_level=0.9, method="exact")
    assert upper.loc["big", "selection_rate"] != pytest.approx(exact_big.high, rel=1e-6)
    assert lower.loc["big", "selection_rate"] < report.by_group.loc["big", "selection_rate"]


def test_interval_brackets_estimate_and_count_bounds_are_nan(synth_report):
    values = synth_report.by_group.drop(columns="count")
    lower = synth_report.by_group_lower.drop(columns="count")
    upper = synth_report.by_group_upper.drop(columns="count")
    assert lower.shape == values.shape and upper.shape == values.shape
    assert (lower <= values + 1e-9).all().all()
    assert (values <= upper + 1e-9).all().all()
    assert synth_report.by_group_lower["count"].isna().all()
    assert synth_report.by_group_upper["count"].isna().all()


def test_multinomial_intervals_agree_with_a_row_bootstrap(synth):
    """The cell-multinomial bootstrap has the distribution of a row bootstrap."""
    report = analyze_fairness(
        None,
        synth,
        target="y",
        sensitive_features="race",
        y_pred="pred",
        n_boot=2000,
        random_state=0,
    )
    rng = np.random.default_rng(1)
    group, pred = synth["race"].to_numpy(), synth["pred"].to_numpy()
    n = len(synth)
    reps = []
    for _ in range(2000):
        idx = rng.integers(0, n, n)
        g, p = group[idx], pred[idx]
        reps.append([p[g == k].mean() for k in ("A", "B", "C")])
    lo, hi = np.quantile(np.array(reps), [0.025, 0.975], axis=0)
    np.testing.assert_allclose(report.by_group_lower["selection_rate"], lo, atol=0.006)
    np.testing.assert_allclose(report.by_group_upper["selection_rate"], hi, atol=0.006)


def test_n_boot_zero_gives_point_verdicts_without_intervals(synth):
    report = analyze_fairness(
        None, synth, target="y", sensitive_features="sex", y_pred="pred", n_boot=0
    )
    assert report.by_group_lower.isna().all().all()
    assert report.disparities["difference_lower"].isna().all()
    assert set(report.verdicts["status"]) <= {"pass", "fail"}
    assert "n_boot=0" in report.verdicts.loc["demographic_parity", "reason"]


def test_small_groups_warn_and_are_left_out_of_verdicts(synth):
    from rai_toolkit.exceptions import SmallGroupWarning

    frame = synth.copy()
    frame.loc[:9, "race"] = "tiny"
    frame.loc[:9, "pred"] = 1  # selection rate 1.0: including the group flips the verdict
    with pytest.warns(SmallGroupWarning, match=r"race=tiny"):
        report = analyze_fairness(
            None,
            frame,
            target="y",
            sensitive_features="race",
            y_pred="pred",
            y_score="score",
            n_boot=0,
        )
    assert report.small_groups == ["race=tiny"]
    assert any("min_group_size=30" in w for w in report.warnings)
    verdicts = report.verdicts
    assert (verdicts["excluded_groups"] == ("race=tiny",)).all()
    assert verdicts["reason"].str.contains("excluded from this verdict: tiny (", regex=False).all()
    assert "tiny (10 rows)" in verdicts.loc["demographic_parity", "reason"]
    assert verdicts["reason"].str.contains("below min_group_size=30").all()
    large = frame[frame["race"] != "tiny"]
    rates = large.groupby("race")["pred"].mean()
    dp = verdicts.loc["demographic_parity"]
    assert dp["value"] == pytest.approx(rates.max() - rates.min())
    assert dp["value"] < 0.1  # passes over the supported groups ...
    assert dp["all_groups_status"] == "fail"  # ... fails with the tiny group
    assert dp["status"] == "inconclusive"
    # the disparities table keeps every group
    assert report.disparities.loc["selection_rate", "difference"] == pytest.approx(
        1.0 - rates.min()
    )
    calibration = verdicts.loc["calibration"]
    by_group = report.by_group["calibration_error_debiased"]
    assert calibration["value"] == pytest.approx(by_group.drop("tiny").max())


def test_missing_group_values_form_a_group_and_are_recorded(synth):
    from rai_toolkit.exceptions import MissingGroupWarning, SmallGroupWarning

    frame = synth.copy()
    frame["race"] = frame["race"].astype(object)
    frame.loc[:99, "race"] = None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SmallGroupWarning)
        with pytest.warns(MissingGroupWarning, match="100 missing"):
            report = analyze_fairness(
                None, frame, target="y", sensitive_features="race", y_pred="pred", n_boot=0
            )
    assert report.by_group.loc["(missing)", "count"] == 100
    assert report.by_group["count"].sum() == len(frame)
    assert any("missing" in w for w in report.warnings)
