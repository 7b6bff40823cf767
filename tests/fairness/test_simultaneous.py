"""Simultaneous studentized pairwise intervals and the debiased calibration error.

Disparities are extremes over groups; under the null (groups identical) their
plug-in estimates are biased away from "no disparity". These tests check that
verdicts built on the simultaneous intervals do not report failures that are
not there, keep their power, and that the intervals contain their estimates.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

from rai_toolkit.fairness import analyze_fairness
from rai_toolkit.fairness._cells import build_cells
from rai_toolkit.fairness._disparities import (
    difference_and_ratio,
    disparity_interval,
    max_group_interval,
)
from rai_toolkit.fairness._metrics import calibration_noise

NULL_CRITERIA = ["demographic_parity", "equal_opportunity", "disparate_impact", "calibration"]


def null_frame(rng: np.random.Generator) -> pd.DataFrame:
    """10 groups of 60 to 5,000 rows; scores, labels and predictions independent of group."""
    sizes = np.geomspace(60, 5000, 10).astype(int)
    group = np.repeat([f"g{k}" for k in range(10)], sizes)
    score = rng.uniform(0.05, 0.95, group.size)
    y = (rng.random(group.size) < score).astype(int)  # calibrated
    return pd.DataFrame({"g": group, "y": y, "score": score, "pred": (score > 0.5).astype(int)})


def test_no_false_failures_under_the_null():
    rng = np.random.default_rng(2024)
    n_sims = 100
    any_fail = 0
    for sim in range(n_sims):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            report = analyze_fairness(
                None,
                null_frame(rng),
                target="y",
                sensitive_features="g",
                y_pred="pred",
                y_score="score",
                n_boot=200,
                random_state=sim,
            )
        any_fail += (report.verdicts.loc[NULL_CRITERIA, "status"] == "fail").any()
    assert any_fail / n_sims <= 0.05, any_fail / n_sims


def test_ratio_and_reference_intervals_cover_the_null_truth():
    """Ten equal groups: difference 0 and ratio 1 lie in the intervals, for any random stream.

    2,000 simulations put the Monte Carlo standard error of a coverage near 0.93 at
    0.006, so each band below sits more than 4 standard errors under the coverage
    measured with seeds 0-2 (ratio 0.952-0.960, difference 0.915-0.916, reference
    0.916-0.925); no random stream can fail it by chance. The difference intervals
    fall short of the nominal 0.95 with groups of 60 rows (plug-in standard errors of
    rates near 0.2); the ratio intervals reach it.
    """
    rng = np.random.default_rng(5)
    sizes = np.geomspace(60, 5000, 10)
    n_sims, n_boot, rate = 2000, 300, 0.2
    covered = {"difference": 0, "ratio": 0, "reference": 0}
    for _ in range(n_sims):
        point = rng.binomial(sizes.astype(int), rate) / sizes
        # parametric replicates of the group rates (independent binomials)
        reps = rng.binomial(sizes.astype(int), point, size=(n_boot, 10)) / sizes
        d_lo, _, _ = disparity_interval([(point, reps, None)], statistic="difference", ci=0.95)
        _, r_hi, _ = disparity_interval([(point, reps, None)], statistic="ratio", ci=0.95)
        f_lo, _, _ = disparity_interval([(point, reps, 9)], statistic="difference", ci=0.95)
        covered["difference"] += d_lo == 0.0
        covered["ratio"] += r_hi >= 1.0 - 1e-12
        covered["reference"] += f_lo == 0.0
    bands = {"difference": 0.89, "ratio": 0.925, "reference": 0.89}
    for key, hits in covered.items():
        assert hits / n_sims >= bands[key], (key, hits / n_sims)


def test_intervals_contain_their_point_estimate():
    rng = np.random.default_rng(11)
    for _ in range(300):
        g = int(rng.integers(2, 9))
        n = rng.integers(3, 300, g)
        rate = rng.uniform(0.0, 0.6, g)
        point = rng.binomial(n, rate) / n
        reps = rng.binomial(n, np.maximum(point, 0.01), size=(100, g)) / n
        reference = None if rng.random() < 0.5 else int(rng.integers(g))
        difference, ratio = difference_and_ratio(point, reference=reference)
        block = [(point, reps, reference)]
        d_lo, d_hi, d_unb = disparity_interval(block, statistic="difference", ci=0.95)
        r_lo, r_hi, r_unb = disparity_interval(block, statistic="ratio", ci=0.95)
        assert not d_unb
        assert d_lo - 1e-12 <= difference <= d_hi + 1e-12
        if not np.isnan(ratio) and not r_unb:
            assert r_lo - 1e-12 <= ratio <= r_hi + 1e-12
        m_lo, m_hi, _ = max_group_interval(point, reps, ci=0.95)
        assert m_lo - 1e-12 <= point.max() <= m_hi + 1e-12


def test_zero_rate_replicates_make_the_ratio_unbounded_and_inconclusive():
    frame = pd.DataFrame(
        {
            "g": ["a"] * 400 + ["b"] * 40,
            "y": [0, 1] * 220,
            "pred": [1] * 100 + [0] * 300 + [1] + [0] * 39,  # group b: 1 of 40 selected
        }
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        report = analyze_fairness(
            None, frame, target="y", sensitive_features="g", y_pred="pred", random_state=0
        )
    di = report.verdicts.loc["disparate_impact"]
    # b is selected 0 times in about exp(-1) = 37% of the replicates: log 0
    assert np.isnan(di["lower"]) and np.isnan(di["upper"])
    assert di["status"] == "inconclusive"
    assert "interval is unbounded" in di["reason"]


def test_calibration_noise_matches_row_level_consistency_resampling():
    rng = np.random.default_rng(3)
    n = 150
    score = rng.uniform(0, 1, n)
    y = rng.random(n) < score
    table = build_cells(np.zeros(n, dtype=np.intp), 1, y, score > 0.5, score)
    noise = calibration_noise(
        table.counts, table.sum_s, table.calibration_map, rng=np.random.default_rng(0)
    )
    bins = np.minimum((score * 10).astype(int), 9)
    eces = []
    for _ in range(4000):  # row-level draws y ~ Bernoulli(score), ECE with 10 equal bins
        y_star = rng.random(n) < score
        gap = np.bincount(bins, weights=score - y_star, minlength=10)
        eces.append(np.abs(gap).sum() / n)
    assert noise[0] == pytest.approx(np.mean(eces), rel=0.05)
    assert 0.05 < noise[0] < 0.2  # about sqrt(bins / n) scale: not negligible at 150 rows


# ---------------------------------------------------------------- Adult


@pytest.fixture(scope="module")
def adult_model_and_test():
    from lightgbm import LGBMClassifier
    from sklearn.compose import ColumnTransformer
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import OneHotEncoder

    from rai_toolkit.datasets import load_adult

    train, test = load_adult().train_test()
    train, test = train.frame, test.frame
    features = [c for c in train.columns if c not in ("sex", "race", "fnlwgt", "income")]
    categorical = [c for c in features if not pd.api.types.is_numeric_dtype(train[c])]
    pre = ColumnTransformer(
        [("cat", OneHotEncoder(handle_unknown="ignore"), categorical)], remainder="passthrough"
    )
    model = make_pipeline(pre, LGBMClassifier(n_estimators=100, verbose=-1, n_jobs=1))
    return model.fit(train[features], train["income"]), test


def _adult_report(model, frame):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return analyze_fairness(
            model, frame, target="income", sensitive_features=["sex", "race"], random_state=0
        )


def test_adult_with_shuffled_groups_has_no_failures(adult_model_and_test):
    model, test = adult_model_and_test
    rng = np.random.default_rng(0)
    shuffled = test.assign(
        race=rng.permutation(test["race"].to_numpy()), sex=rng.permutation(test["sex"].to_numpy())
    )
    report = _adult_report(model, shuffled)
    for part in (report, report.by_feature("sex"), report.by_feature("race")):
        assert (part.verdicts["status"] != "fail").all(), part.verdicts[["value", "status"]]


def test_adult_sex_demographic_parity_still_fails(adult_model_and_test):
    model, test = adult_model_and_test
    sex = _adult_report(model, test).by_feature("sex").verdicts
    assert sex.loc["demographic_parity", "value"] > 0.15
    assert sex.loc["demographic_parity", "status"] == "fail"
    assert sex.loc["disparate_impact", "status"] == "fail"


def test_difference_bounds_of_rates_stay_within_one():
    # tiny groups make the studentized half-width exceed 1; a difference of rates cannot
    rng = np.random.default_rng(5)
    sizes = {"big": 4000, "a": 12, "b": 9, "c": 7}
    group = np.concatenate([[g] * n for g, n in sizes.items()])
    y = rng.integers(0, 2, group.size)
    y_pred = rng.integers(0, 2, group.size)
    frame = pd.DataFrame({"g": group, "y": y, "p": y_pred})
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        report = analyze_fairness(None, frame, target="y", sensitive_features="g", y_pred="p",
                                  n_boot=300, random_state=0, min_group_size=1)
    rates = [m for m in report.disparities.index if m != "count"]
    upper = report.disparities.loc[rates, "difference_upper"].dropna()
    assert len(upper) > 5
    assert (upper <= 1.0).all()
    verdict_upper = report.verdicts["upper"].dropna()
    assert (verdict_upper[report.verdicts["threshold"].notna()] <= 1.0).all()
