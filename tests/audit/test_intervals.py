"""Bootstrap intervals of rates and impact ratios: a row bootstrap, drawn from the count table."""

import numpy as np
import pandas as pd
import pytest

from rai_toolkit.audit import bias_audit

from .conftest import CATEGORIES


def _frame(n: int, seed: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    g = rng.choice(["a", "b", "c"], size=n, p=[0.5, 0.3, 0.2])
    p = np.select([g == "a", g == "b"], [0.5, 0.4], 0.3)
    return pd.DataFrame({"g": g, "y": (rng.random(n) < p).astype(int)})


def test_intervals_agree_with_a_plain_row_bootstrap():
    frame = _frame(3000, 0)
    n_boot = 4000
    audit = bias_audit(frame, categories={"g": "g"}, selected="y", n_boot=n_boot, random_state=1)
    got = audit.intervals.set_index("category")
    # the textbook row bootstrap: resample rows, recompute the rates and the ratio to the best
    rng = np.random.default_rng(2)
    codes = frame["g"].map({"a": 0, "b": 1, "c": 2}).to_numpy()
    y = frame["y"].to_numpy()
    rates = np.empty((n_boot, 3))
    for b in range(n_boot):
        idx = rng.integers(0, len(frame), len(frame))
        apps = np.bincount(codes[idx], minlength=3)
        rates[b] = np.bincount(codes[idx], weights=y[idx], minlength=3) / apps
    ratios = rates / rates.max(axis=1, keepdims=True)
    for j, cat in enumerate("abc"):
        lo, hi = np.quantile(rates[:, j], [0.025, 0.975])
        assert got.loc[cat, "rate_lower"] == pytest.approx(lo, abs=0.006)
        assert got.loc[cat, "rate_upper"] == pytest.approx(hi, abs=0.006)
        lo, hi = np.quantile(ratios[:, j], [0.025, 0.975])
        assert got.loc[cat, "impact_ratio_lower"] == pytest.approx(lo, abs=0.012)
        assert got.loc[cat, "impact_ratio_upper"] == pytest.approx(hi, abs=0.012)


def test_rate_intervals_cover_the_true_rate():
    # 300 samples from a known population: the 95% interval of group b's rate (true 0.4)
    # must cover it about 95% of the time
    covered = 0
    for seed in range(300):
        audit = bias_audit(_frame(600, seed), categories={"g": "g"}, selected="y", n_boot=300,
                           random_state=seed)
        row = audit.intervals.set_index("category").loc["b"]
        covered += row["rate_lower"] <= 0.4 <= row["rate_upper"]
    assert 0.90 <= covered / 300 <= 0.99


def test_intervals_contain_the_estimates_and_are_reproducible(dcwp):
    a = bias_audit(dcwp, categories=CATEGORIES, selected="selected", n_boot=500, random_state=3)
    b = bias_audit(dcwp, categories=CATEGORIES, selected="selected", n_boot=500, random_state=3)
    pd.testing.assert_frame_equal(a.intervals, b.intervals)
    merged = a.table.merge(a.intervals, on=["dimension", "category"])
    assert (merged["rate_lower"] <= merged["rate"] + 1e-12).all()
    assert (merged["rate"] <= merged["rate_upper"] + 1e-12).all()
    assert (merged["impact_ratio_upper"] <= 1.0 + 1e-12).all()
    assert list(a.intervals.columns) == [
        "dimension", "category", "rate_lower", "rate_upper", "impact_ratio_lower",
        "impact_ratio_upper",
    ]


def test_no_bootstrap_gives_missing_intervals(dcwp):
    audit = bias_audit(dcwp, categories=CATEGORIES, selected="selected", n_boot=0)
    assert audit.intervals[["rate_lower", "impact_ratio_upper"]].isna().all().all()
    assert audit.to_dict()["rows"][0]["rate_lower"] is None


def test_generator_random_state_is_accepted(dcwp):
    audit = bias_audit(dcwp, categories=CATEGORIES, selected="selected", n_boot=200,
                       random_state=np.random.default_rng(0))
    assert audit.to_dict()["bootstrap"]["random_state"] == "generator"
    assert audit.intervals["rate_lower"].notna().all()


def test_category_rows_give_one_record_per_category_in_label_order():
    from rai_toolkit.audit._bias_audit import _category_rows, _Grouping

    g = _Grouping("sex", ["F", "M"], np.eye(2))
    rows = _category_rows(g, rate=[0.25, 0.5], small_category=[True, False])
    assert rows == [
        {"dimension": "sex", "category": "F", "rate": 0.25, "small_category": True},
        {"dimension": "sex", "category": "M", "rate": 0.5, "small_category": False},
    ]
    assert list(rows[0]) == ["dimension", "category", "rate", "small_category"]
