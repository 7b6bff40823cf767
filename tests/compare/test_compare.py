"""compare_reports: values against the reports, intervals, direction, and the views."""

from __future__ import annotations

import copy
import json

import numpy as np
import pandas as pd
import pytest

from rai_toolkit import ReportComparison, compare_reports
from rai_toolkit.compare._compare import HARMFUL
from rai_toolkit.compare._result import CHANGE_COLUMNS


def test_columns_and_rows(intersectional):
    base, cur = intersectional
    cmp = compare_reports(base, cur, n_boot=200, random_state=0)
    assert isinstance(cmp, ReportComparison)
    ch = cmp.changes
    assert list(ch.columns) == list(CHANGE_COLUMNS)
    n_metrics = len(base.by_group.columns) - 1  # count is not compared
    n_criteria = len(base.verdicts)
    # intersectional (6 groups), race (3), sex (2)
    assert (ch["kind"] == "criterion").sum() == 3 * n_criteria
    assert (ch["kind"] == "group_metric").sum() == (6 + 3 + 2) * n_metrics
    assert set(ch["grouping"]) == {"intersectional", "race", "sex"}


def test_points_equal_the_reports_own_values(intersectional):
    base, cur = intersectional
    cmp = compare_reports(base, cur, n_boot=100, random_state=0)
    ch = cmp.changes
    for report, column in ((base, "baseline"), (cur, "current")):
        for grouping, part in (("intersectional", report), ("race", report.by_feature("race"))):
            rows = ch[(ch["kind"] == "group_metric") & (ch["grouping"] == grouping)]
            got = rows.pivot(index="group", columns="metric", values=column)
            bg = part.by_group.drop(columns="count")
            keys = [
                ", ".join(
                    f"{n}={v}" for n, v in zip(bg.index.names, k if isinstance(k, tuple) else (k,))
                )
                for k in bg.index
            ]
            expected = pd.DataFrame(bg.to_numpy(), index=keys, columns=list(bg.columns))
            np.testing.assert_allclose(
                got.loc[keys, list(bg.columns)].to_numpy(dtype=float),
                expected.to_numpy(),
                rtol=0,
                atol=1e-12,
            )
            crit = ch[(ch["kind"] == "criterion") & (ch["grouping"] == grouping)].set_index(
                "criterion"
            )
            verdicts = part.verdicts
            for name, row in verdicts.iterrows():
                if not row["excluded_groups"]:
                    assert crit.loc[name, column] == pytest.approx(row["value"], abs=1e-12)
    np.testing.assert_array_equal(ch["change"], ch["current"] - ch["baseline"])


def test_json_and_object_give_the_same_comparison(intersectional, tmp_path):
    base, cur = intersectional
    path = tmp_path / "base.json"
    base.to_json(path)
    a = compare_reports(base, cur, n_boot=100, random_state=7).changes
    b = compare_reports(str(path), cur.to_json(), n_boot=100, random_state=7).changes
    c = compare_reports(path, cur.to_dict(), n_boot=100, random_state=7).changes
    pd.testing.assert_frame_equal(a, b)
    pd.testing.assert_frame_equal(a, c)


def _scaled(doc: dict, factor: float) -> dict:
    """The same proportions with ``factor`` times the rows (a huge sample)."""
    doc = copy.deepcopy(doc)
    for t in doc["count_tables"]["tables"]:
        for key in ("counts", "sum_s", "sum_s2"):
            if t[key] is not None:
                t[key] = [v * factor for v in t[key]]
    return doc


def test_huge_counts_shrink_the_interval_onto_the_change(two_groups):
    base, cur = two_groups
    small = compare_reports(base, cur, n_boot=200, random_state=0).changes
    huge = compare_reports(
        _scaled(base.to_dict(), 10**6), _scaled(cur.to_dict(), 10**6), n_boot=200, random_state=0
    ).changes
    # the points are functions of proportions: unchanged (but for the debiased calibration
    # error, whose noise term shrinks with the sample)
    same = ~huge["metric"].str.contains("debiased")
    np.testing.assert_allclose(
        huge.loc[same, "change"], small.loc[same, "change"], rtol=0, atol=1e-9, equal_nan=True
    )
    tested = huge["change_lower"].notna()
    width_small = (small["change_upper"] - small["change_lower"])[tested]
    width_huge = (huge["change_upper"] - huge["change_lower"])[tested]
    assert (width_huge <= width_small / 300).all()
    # so every row moved in its harmful direction is worse, and only those
    for _, row in huge[tested].iterrows():
        if row["harmful"] is None:
            assert row["worse"] is pd.NA
        elif abs(row["change"]) > 1e-3:
            harmful = row["change"] > 0 if row["harmful"] == "increase" else row["change"] < 0
            assert bool(row["worse"]) == harmful


def test_injected_gap_is_worse(sample, report):
    base = report(sample(6000, seed=11))
    cur = report(sample(6000, seed=12, feature_bias=1.0))
    cmp = compare_reports(base, cur, n_boot=300, random_state=0)
    crit = cmp.criteria.set_index("criterion")
    assert crit.loc["demographic_parity", "worse"] == True  # noqa: E712
    assert crit.loc["disparate_impact", "worse"] == True  # noqa: E712
    assert crit.loc["demographic_parity", "change_lower"] > 0
    assert cmp.any_worse
    # group b's selection rate fell, but a selection rate has no harmful direction
    rates = cmp.group_metrics
    b_rate = rates[(rates["group"] == "group=b") & (rates["metric"] == "selection_rate")].iloc[0]
    assert b_rate["change_upper"] < 0 and b_rate["worse"] is pd.NA
    # the reverse direction (the gap closed) is not worse
    assert not compare_reports(cur, base, n_boot=300, random_state=0).any_worse


def test_intervals_are_simultaneous_and_contain_the_change(intersectional):
    cmp = compare_reports(*intersectional, n_boot=300, random_state=1)
    ch = cmp.changes
    tested = ch["change_lower"].notna()
    assert tested.sum() == cmp.settings["n_tested"] > 50
    assert (ch.loc[tested, "change_lower"] <= ch.loc[tested, "change"]).all()
    assert (ch.loc[tested, "change"] <= ch.loc[tested, "change_upper"]).all()
    # many rows share one critical value above the single-row 1.96
    assert 2.5 < cmp.critical_value < 6


def test_harmful_direction_per_metric(two_groups):
    ch = compare_reports(*two_groups, n_boot=100, random_state=0).changes
    metrics = ch[ch["kind"] == "group_metric"]
    for metric, harmful in zip(metrics["metric"], metrics["harmful"]):
        assert harmful == HARMFUL[metric]
    assert HARMFUL["accuracy"] == "decrease" and HARMFUL["false_positive_rate"] == "increase"
    assert HARMFUL["selection_rate"] is None
    assert metrics.loc[metrics["metric"] == "selection_rate", "worse"].isna().all()
    crit = ch[ch["kind"] == "criterion"].set_index("criterion")["harmful"]
    assert crit["demographic_parity"] == "increase" and crit["disparate_impact"] == "decrease"


def test_small_groups_are_not_tested(sample, report):
    frame = sample(3000, seed=5)
    frame = pd.concat([frame, frame.head(10).assign(group="c")], ignore_index=True)
    base, cur = report(frame), report(frame.sample(frac=1.0, random_state=1))
    ch = compare_reports(base, cur, n_boot=100, random_state=0).changes
    small = ch[ch["group"] == "group=c"]
    assert small["change_lower"].isna().all() and small["worse"].isna().all()
    assert small["note"].str.contains("min_group_size").all()
    dp = ch[(ch["criterion"] == "demographic_parity")].iloc[0]
    assert dp["excluded_groups"] == ("group=c",)


def test_views(two_groups, tmp_path):
    cmp = compare_reports(*two_groups, n_boot=100, random_state=0)
    text = cmp.to_json()
    assert "NaN" not in text
    doc = json.loads(text)
    assert doc["kind"] == "report_comparison" and len(doc["changes"]) == len(cmp.changes)
    assert doc["any_worse"] is cmp.any_worse
    page = cmp.to_html(tmp_path / "c.html")
    assert (tmp_path / "c.html").read_text() == page
    assert "<script" not in page and "http://" not in page and "https://" not in page
    assert "demographic_parity" in page
    md = cmp.to_markdown(tmp_path / "c.md")
    assert md.startswith("# Fairness compared over time") and "demographic\\_parity" in md
    assert "demographic_parity" in cmp.summary() and "ReportComparison" in repr(cmp)
    assert "<table>" in cmp._repr_html_()
    cmp.to_json(tmp_path / "c.json")
    assert json.loads((tmp_path / "c.json").read_text()) == doc


def test_labels_are_escaped_in_views(sample, report):
    frame = sample(2000, seed=3)
    frame["group"] = frame["group"].map({"a": "<b>a</b>", "b": "b|*x*"})
    base, cur = report(frame), report(frame.sample(frac=1.0, random_state=2))
    cmp = compare_reports(base, cur, n_boot=100, random_state=0)
    page = cmp.to_html()
    assert "<b>a</b>" not in page and "&lt;b&gt;a&lt;/b&gt;" in page
    assert "<b>a</b>" not in cmp._repr_html_()
    assert "b\\|\\*x\\*" in cmp.to_markdown()


def test_properties_return_copies(two_groups):
    cmp = compare_reports(*two_groups, n_boot=100, random_state=0)
    changes = cmp.changes
    changes.loc[0, "change"] = 99.0
    assert cmp.changes.loc[0, "change"] != 99.0


def test_reference_group_is_used_like_the_reports(intersectional, report, sample):
    frame_a, frame_b = sample(3000, seed=21), sample(3000, seed=22)
    base = report(frame_a, reference_group="b")
    cur = report(frame_b, reference_group="b")
    crit = compare_reports(base, cur, n_boot=100, random_state=0).criteria.set_index("criterion")
    for rep, column in ((base, "baseline"), (cur, "current")):
        for name, row in rep.verdicts.iterrows():
            assert crit.loc[name, column] == pytest.approx(row["value"], abs=1e-12)
