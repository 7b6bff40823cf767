"""Schema 1.4: the saved report keeps its count table, and the loader rebuilds it exactly."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd

from rai_toolkit.fairness._report import SCHEMA_VERSION, count_tables_from_dict


def test_saved_counts_equal_a_crosstab_of_the_rows(report):
    rng = np.random.default_rng(0)
    frame = pd.DataFrame(
        {
            "g": rng.choice(["x", "y", "z"], 900),
            "h": rng.choice(["u", "v"], 900),
            "y": rng.integers(0, 2, 900),
            "p": rng.integers(0, 2, 900),
        }
    )
    rep = report(frame, target="y", sensitive_features=["g", "h"], y_pred="p")
    doc = json.loads(rep.to_json())
    assert doc["schema_version"] == SCHEMA_VERSION == "1.4"
    saved = doc["count_tables"]
    assert [g["name"] for g in saved["groupings"]] == ["intersectional", "g", "h"]
    tables = count_tables_from_dict(saved)
    counts = tables.tables[None].counts[..., 0]
    keys = saved["groupings"][0]["groups"]
    assert keys == [g["key"] for g in doc["results"][0]["groups"]]
    for k, key in enumerate(keys):
        labels = dict(part.split("=") for part in key.split(", "))
        rows = frame[(frame["g"] == labels["g"]) & (frame["h"] == labels["h"])]
        expected = pd.crosstab(rows["y"], rows["p"]).reindex(
            index=[0, 1], columns=[0, 1], fill_value=0
        )
        np.testing.assert_array_equal(counts[k], expected.to_numpy())
    # a feature alone is the sum of the table's groups by parent
    for position, feature in ((1, "g"), (2, "h")):
        parent = np.asarray(saved["groupings"][position]["parent"])
        summed = np.stack([counts[parent == j].sum(axis=0) for j in range(parent.max() + 1)])
        np.testing.assert_array_equal(
            summed.sum(axis=(1, 2)), rep.by_feature(feature).by_group["count"].to_numpy()
        )


def test_scores_round_trip_exactly(two_groups):
    rep = two_groups[0]
    table = rep._count_tables.tables[None]
    back = count_tables_from_dict(json.loads(rep.to_json())["count_tables"]).tables[None]
    for name in ("counts", "sum_s", "sum_s2", "edges", "calibration_map"):
        np.testing.assert_array_equal(getattr(back, name), getattr(table, name))


def test_marginal_report_saves_its_own_table(intersectional):
    alone = intersectional[0].by_feature("race")
    saved = alone.to_dict()["count_tables"]
    assert [g["name"] for g in saved["groupings"]] == ["race"]
    assert saved["tables"][0]["shape"][0] == 3


def test_regression_saves_no_table(sample, report):
    frame = sample(300, seed=0)
    rep = report(frame.assign(y=frame["x1"], yhat=frame["x0"]), y_pred="yhat", task="regression")
    assert rep.to_dict()["count_tables"] is None
