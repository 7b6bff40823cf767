"""The replicate loop's shortcuts give bit-for-bit the numbers of the plain computation.

The plain computation merges each bootstrap table into every grouping and reads
its metrics with :func:`classification_metrics`; the fast loop merges margins
and shares work across groupings. Both must agree exactly (not approximately),
so that a report does not change with the implementation.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from rai_toolkit.fairness._analyze import table_estimates
from rai_toolkit.fairness._cells import bootstrap_tables, build_cells
from rai_toolkit.fairness._groups import encode_groups
from rai_toolkit.fairness._metrics import LABEL_METRICS, SCORE_METRICS, classification_metrics


def plain_replicates(table, groupings, *, n_boot, seed, noise, shift):
    metrics = LABEL_METRICS + (SCORE_METRICS if table.has_scores else ())
    out = {gr.name: np.empty((n_boot, gr.n_groups, len(metrics))) for gr in groupings}
    means = table.cell_means()
    rng = np.random.default_rng(seed)
    for start, reps in bootstrap_tables(table.counts, n_boot=n_boot, rng=rng):
        for gr in groupings:
            args = ()
            if means is not None:
                args = (
                    gr.aggregate(reps * means[0], axis=-4),
                    gr.aggregate(reps * means[1], axis=-4),
                    table.calibration_map,
                )
            values = classification_metrics(gr.aggregate(reps, axis=-4), *args)
            if means is not None:
                values["roc_auc"] = values["roc_auc"] + shift[gr.name]
                values["calibration_error_debiased"] = values["calibration_error"] - noise[gr.name]
            stop = start + reps.shape[0]
            out[gr.name][start:stop] = np.stack([values[m] for m in metrics], axis=-1)
    return out


@pytest.mark.parametrize("per_grouping_pairs", [False, True])
@pytest.mark.parametrize("scored", [True, False])
@pytest.mark.parametrize("n_rows", [400, 30_000])
def test_replicates_equal_the_plain_computation_bit_for_bit(
    scored, n_rows, per_grouping_pairs, monkeypatch
):
    if per_grouping_pairs:  # the path of tables too large for exact pair sums in any order
        monkeypatch.setattr("rai_toolkit.fairness._analyze.EXACT_PAIR_ROWS", 0)
    rng = np.random.default_rng(n_rows)
    sensitive = pd.DataFrame(
        {
            "a": rng.choice(list("pqrst"), n_rows, p=[0.5, 0.2, 0.15, 0.1, 0.05]),
            "b": rng.choice(["u", "v", "w"], n_rows),
        }
    )
    groups = encode_groups(sensitive)
    y = rng.random(n_rows) < 0.3
    score = np.clip(0.4 * y + 0.6 * rng.random(n_rows), 0, 1) if scored else None
    y_hat = rng.random(n_rows) < 0.4 if score is None else score > 0.5
    table = build_cells(groups.codes, groups.n_groups, y, y_hat, score)
    groupings = [groups.intersectional(), groups.marginal(0), groups.marginal(1),
                 groups.overall()]  # fmt: skip
    exact = None
    if scored:  # a shift the loop must add to every replicate AUC
        exact = {gr.name: np.linspace(0.5, 0.7, gr.n_groups) for gr in groupings}
    _, out = table_estimates(table, groupings, exact_auc=exact, n_boot=300,
                             rng=np.random.default_rng(7))  # fmt: skip
    shift = {gr.name: out[gr.name]["shift"] for gr in groupings}
    noise = {gr.name: out[gr.name]["noise"] for gr in groupings}
    plain = plain_replicates(table, groupings, n_boot=300, seed=7, noise=noise, shift=shift)
    for gr in groupings:
        fast = out[gr.name]["replicates"]
        assert fast.shape == plain[gr.name].shape
        assert np.array_equal(fast, plain[gr.name], equal_nan=True), gr.name
