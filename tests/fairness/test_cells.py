"""The count table is the interface: any engine that counts the cells gets the same numbers."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from rai_toolkit.exceptions import DataValidationError
from rai_toolkit.fairness._analyze import table_estimates
from rai_toolkit.fairness._cells import CALIBRATION_EDGES, CellTable, build_cells, score_edges
from rai_toolkit.fairness._groups import encode_groups


def groupby_engine(frame: pd.DataFrame, edges: np.ndarray) -> CellTable:
    """Another engine: one pandas group-by over (group, y, y_hat, score bin), no bincount."""
    groups = encode_groups(frame[["race", "sex"]])
    n_bins = edges.size + 1
    keys = pd.DataFrame(
        {
            "g": groups.codes,
            "y": frame["y"].to_numpy(),
            "p": frame["pred"].to_numpy(),
            "b": np.searchsorted(edges, frame["score"].to_numpy(), side="right"),
            "s": frame["score"].to_numpy(),
        }
    )
    keys["s2"] = keys["s"] ** 2
    summed = keys.groupby(["g", "y", "p", "b"]).agg(n=("s", "size"), s=("s", "sum"),
                                                    s2=("s2", "sum"))  # fmt: skip
    shape = (groups.n_groups, 2, 2, n_bins)
    arrays = {k: np.zeros(shape) for k in ("n", "s", "s2")}
    index = tuple(np.asarray(summed.index.get_level_values(i)) for i in range(4))
    for k in arrays:
        arrays[k][index] = summed[k].to_numpy()
    return CellTable.from_counts(arrays["n"], arrays["s"], arrays["s2"], edges=edges)


def test_a_table_from_another_engine_gives_the_same_metrics_and_replicates(synth):
    groups = encode_groups(synth[["race", "sex"]])
    score = synth["score"].to_numpy()
    y, y_hat = synth["y"].to_numpy() == 1, synth["pred"].to_numpy() == 1
    ours = build_cells(groups.codes, groups.n_groups, y, y_hat, score)
    theirs = groupby_engine(synth, score_edges(score))
    np.testing.assert_array_equal(ours.counts, theirs.counts)
    np.testing.assert_allclose(ours.sum_s, theirs.sum_s, rtol=1e-12)
    np.testing.assert_array_equal(ours.calibration_map, theirs.calibration_map)
    groupings = [groups.intersectional(), groups.marginal(0), groups.overall()]
    results = [
        table_estimates(t, groupings, n_boot=50, rng=np.random.default_rng(0))
        for t in (ours, theirs)
    ]
    (metrics, a), (_, b) = results
    assert "roc_auc" in metrics  # from the score histogram: no rows were handed over
    for name in ("intersectional", "race", "overall"):
        np.testing.assert_allclose(a[name]["point"], b[name]["point"], rtol=1e-12)
        np.testing.assert_allclose(a[name]["replicates"], b[name]["replicates"], rtol=1e-9)
        np.testing.assert_array_equal(a[name]["support"], b[name]["support"])


def test_a_table_without_scores_has_one_bin_and_label_metrics_only():
    counts = np.array([[[[30], [10]], [[5], [15]]], [[[20], [20]], [[10], [10]]]], dtype=float)
    table = CellTable.from_counts(counts)
    assert not table.has_scores and table.n_groups == 2 and table.n_rows == 120
    groups = encode_groups(pd.DataFrame({"g": ["a", "b"]}))
    metrics, out = table_estimates(table, [groups.intersectional()], n_boot=0,
                                   rng=np.random.default_rng(0))  # fmt: skip
    point = dict(zip(metrics, out["intersectional"]["point"].T))
    np.testing.assert_allclose(point["selection_rate"], [25 / 60, 30 / 60])
    np.testing.assert_allclose(point["true_positive_rate"], [15 / 20, 10 / 20])
    assert "roc_auc" not in metrics


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"counts": np.ones((3, 2, 2))}, r"shape \(n_groups, 2, 2, n_bins\).*\(3, 2, 2\)"),
        ({"counts": -np.ones((1, 2, 2, 1))}, "non-negative whole numbers"),
        ({"counts": np.full((1, 2, 2, 1), 0.5)}, "non-negative whole numbers"),
        ({"counts": np.full((1, 2, 2, 1), np.nan)}, "counts must be finite"),
        ({"counts": np.ones((1, 2, 2, 3))}, "without scores has one score bin; counts has 3"),
        (
            {"counts": np.ones((1, 2, 2, 1)), "sum_s": np.ones((1, 2, 2, 1))},
            "need sum_s, sum_s2 and edges together; received only sum_s",
        ),
        (
            {"counts": np.ones((1, 2, 2, 10)), "sum_s": np.zeros((1, 2, 2, 10)),
             "sum_s2": np.zeros((1, 2, 2, 10)), "edges": np.linspace(0.1, 0.9, 9)[::-1]},
            "increase strictly",
        ),
        (
            {"counts": np.ones((1, 2, 2, 3)), "sum_s": np.zeros((1, 2, 2, 3)),
             "sum_s2": np.zeros((1, 2, 2, 3)), "edges": np.array([0.25, 0.5])},
            "include the calibration edges",
        ),
        (
            {"counts": np.ones((1, 2, 2, 10)), "sum_s": np.full((1, 2, 2, 10), 2.0),
             "sum_s2": np.zeros((1, 2, 2, 10)), "edges": CALIBRATION_EDGES},
            r"0 <= sum_s2 <= sum_s <= counts",
        ),
        (
            {"counts": np.ones((1, 2, 2, 10)), "sum_s": np.zeros((1, 2, 2, 9)),
             "sum_s2": np.zeros((1, 2, 2, 10)), "edges": CALIBRATION_EDGES},
            r"sum_s must have the shape of counts",
        ),
    ],
)
def test_a_malformed_table_is_refused_with_what_was_expected(kwargs, message):
    counts = kwargs.pop("counts")
    with pytest.raises(DataValidationError, match=message):
        CellTable.from_counts(counts, **kwargs)
