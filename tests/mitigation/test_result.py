"""MitigationResult views, schema, plot and the smaller building blocks."""

from __future__ import annotations

import json
import warnings

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from sklearn.linear_model import LogisticRegression

from rai_toolkit.exceptions import ArgumentError
from rai_toolkit.mitigation import MitigationResult, mitigate, plot_tradeoff
from rai_toolkit.mitigation._criteria import MITIGATION_CRITERIA, count_table, disparity
from rai_toolkit.mitigation._reduction import grid_limit
from rai_toolkit.mitigation._result import pareto_front

SCHEMA_KEYS = {
    "schema_version", "kind", "method", "mitigator", "constraint", "constraint_rates",
    "disparity_measure", "objective", "target", "pos_label", "sensitive_features", "features",
    "n_train", "n_test", "random_state", "grid_size", "randomized",
    "needs_sensitive_features", "notes", "comparison", "tradeoff", "before", "after",
}


def test_to_dict_has_the_documented_keys(adult_reduction):
    d = adult_reduction.to_dict()
    assert set(d) == SCHEMA_KEYS
    assert d["method"] == "reduction" and d["mitigator"] == "ExponentiatedGradient"
    assert d["grid_size"] == 6 and d["needs_sensitive_features"] is False
    assert set(d["tradeoff"][0]) == {"candidate", "kind", "objective", "disparity", "pareto",
                                     "selected"}


def test_to_json_round_trips_and_writes_a_file(tmp_path, adult_postprocess):
    path = tmp_path / "mitigation.json"
    text = adult_postprocess.to_json(path)
    assert json.loads(path.read_text()) == json.loads(text)
    assert [p.name for p in tmp_path.iterdir()] == ["mitigation.json"]


def test_comparison_reads_the_reports(adult_postprocess):
    comp = adult_postprocess.comparison
    after = adult_postprocess.after.disparities.loc["selection_rate"]
    row = comp.loc["selection_rate_difference"]
    assert row["after"] == after["difference"]
    assert row["after_lower"] == after["difference_lower"]
    assert row["after_upper"] == after["difference_upper"]
    assert comp.loc["accuracy", "before"] == adult_postprocess.before.overall["accuracy"]
    assert row["change"] == row["after"] - row["before"]


def test_tradeoff_unmitigated_row_matches_before_report(adult_postprocess):
    row = adult_postprocess.tradeoff.set_index("kind").loc["unmitigated"]
    before = adult_postprocess.before
    assert np.isclose(row["disparity"], before.disparities.loc["selection_rate", "difference"])
    assert np.isclose(row["objective"], before.overall["accuracy"])


def test_properties_return_copies(adult_postprocess):
    # change the returned objects themselves (a chained assignment would change nothing
    # under pandas 3's copy-on-write, and the test could not fail)
    tradeoff, comparison = adult_postprocess.tradeoff, adult_postprocess.comparison
    tradeoff.loc[0, "objective"] = -1.0
    comparison.iloc[0, 0] = -1.0
    assert tradeoff.loc[0, "objective"] == -1.0 and comparison.iloc[0, 0] == -1.0
    assert adult_postprocess.tradeoff.loc[0, "objective"] != -1.0
    assert adult_postprocess.comparison.iloc[0, 0] != -1.0


def test_repr_and_html_show_the_headline(adult_postprocess):
    text = repr(adult_postprocess)
    assert "selection_rate_difference" in text and "postprocess" in text
    page = adult_postprocess._repr_html_()
    assert "ThresholdOptimizer" in page and "<table" in page
    assert "sensitive features at predict time" in adult_postprocess.summary()


def test_summary_reports_the_cut(adult_postprocess):
    t = adult_postprocess.tradeoff.set_index("kind")["disparity"]
    cut = 1 - t["threshold_optimizer"] / t["unmitigated"]
    assert f"({cut:.0%} lower)" in adult_postprocess.summary()


def test_plot_tradeoff_draws_every_candidate(adult_reduction):
    fig, ax = plt.subplots()
    out = plot_tradeoff(adult_reduction, ax=ax)
    assert out is ax
    n_points = sum(len(c.get_offsets()) for c in ax.collections)
    assert n_points == len(adult_reduction.tradeoff)
    assert "selection_rate_difference" in ax.get_xlabel()
    plt.close(fig)


def test_plot_tradeoff_rejects_other_objects():
    with pytest.raises(ArgumentError, match="needs the MitigationResult"):
        plot_tradeoff({"tradeoff": []})


def test_pareto_front_flags_non_dominated_points():
    objective = np.array([0.9, 0.8, 0.85, 0.7, np.nan])
    disparity_ = np.array([0.3, 0.05, 0.3, 0.2, 0.0])
    assert pareto_front(objective, disparity_).tolist() == [True, True, False, False, False]


def test_count_table_is_the_fairness_count_table_and_matches_confusion_matrix():
    from sklearn.metrics import confusion_matrix

    from rai_toolkit.fairness._cells import CellTable, build_cells

    rng = np.random.default_rng(4)
    y, p = rng.integers(0, 2, 500), rng.integers(0, 2, 500)
    g = rng.choice(["c", "a", "b"], 500)
    labels, table = count_table(y, p, g)
    assert isinstance(table, CellTable) and list(labels) == ["a", "b", "c"]
    for k, label in enumerate(labels):
        expected = confusion_matrix(y[g == label], p[g == label], labels=[0, 1]).ravel()
        np.testing.assert_array_equal(table.counts[k].ravel(), expected)  # tn, fp, fn, tp
    codes = np.searchsorted(labels, g)
    same = build_cells(codes, 3, y.astype(bool), p.astype(bool))
    np.testing.assert_array_equal(table.counts, same.counts)


def test_error_rate_disparity_matches_fairlearn_metricframe():
    from fairlearn.metrics import MetricFrame
    from sklearn.metrics import zero_one_loss

    rng = np.random.default_rng(5)
    y, p = rng.integers(0, 2, 400), rng.integers(0, 2, 400)
    g = rng.choice(["a", "b"], 400)
    frame = MetricFrame(metrics=zero_one_loss, y_true=y, y_pred=p, sensitive_features=g)
    got = disparity(count_table(y, p, g)[1], MITIGATION_CRITERIA["error_rate_parity"])
    assert np.isclose(got, frame.difference())


def test_grid_limit_scales_with_the_smallest_group():
    y = np.array([1, 0] * 50)
    groups = np.array(["a"] * 20 + ["b"] * 80)
    assert np.isclose(grid_limit(y, groups, MITIGATION_CRITERIA["demographic_parity"]), 0.4)


def test_intersectional_groups_and_string_labels(tiny):
    train, test = tiny
    rng = np.random.default_rng(2)
    train = train.assign(y=np.where(train["y"] == 1, "good", "bad"),
                         age=rng.choice(["young", "old"], len(train)))
    test = test.assign(y=np.where(test["y"] == 1, "good", "bad"),
                       age=rng.choice(["young", "old"], len(test)))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        result = mitigate(LogisticRegression(), train, test, target="y",
                          sensitive_features=["sex", "age"], features=["x1", "x2"],
                          prefit=False, pos_label="good", n_boot=0, random_state=1)
    assert isinstance(result, MitigationResult)
    pred = result.model.predict(test[["x1", "x2"]], sensitive_features=test)
    assert set(pred) <= {"good", "bad"}
    assert sorted(result.model.known_groups) == ["F & old", "F & young", "M & old", "M & young"]


def test_random_state_none_is_drawn_and_recorded(tiny, tiny_model):
    train, test = tiny
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        result = mitigate(tiny_model, train, test, target="y", sensitive_features="sex",
                          n_boot=0)
    assert isinstance(result.random_state, int)
    assert result.model.random_state == result.random_state


def test_mitigate_does_not_change_the_inputs(tiny, tiny_model):
    train, test = tiny
    train_copy, test_copy = train.copy(), test.copy()
    coef = tiny_model.coef_.copy()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        mitigate(tiny_model, train, test, target="y", sensitive_features="sex", n_boot=0,
                 random_state=0, method="reduction", grid_size=3)
    pd.testing.assert_frame_equal(train, train_copy)
    pd.testing.assert_frame_equal(test, test_copy)
    np.testing.assert_array_equal(tiny_model.coef_, coef)
