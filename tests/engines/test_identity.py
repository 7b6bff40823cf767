"""The same data as pandas, polars (eager, lazy), Arrow and DuckDB give the same report."""

from __future__ import annotations

import numpy as np
import pytest

from tests.engines.conftest import OPTIONS, analyze_quietly, assert_same_report, needs

pytestmark = needs("polars")


def _engines(frame):
    import polars as pl

    polars_frame = pl.from_pandas(frame)
    out = {
        "polars": polars_frame,
        "polars-lazy": polars_frame.lazy(),
        "arrow": polars_frame.to_arrow(),
    }
    try:
        import duckdb
    except ImportError:
        return out
    out["duckdb"] = duckdb.from_arrow(polars_frame.to_arrow())
    return out


@pytest.fixture(scope="module")
def reference(compas):
    return analyze_quietly(None, compas, **OPTIONS)


@pytest.mark.parametrize("engine", ["polars", "polars-lazy", "arrow", "duckdb"])
def test_engine_report_equals_pandas(compas, reference, engine):
    tables = _engines(compas)
    if engine not in tables:
        pytest.skip("duckdb is not installed on this stack")
    report, messages = analyze_quietly(None, tables[engine], **OPTIONS)
    assert_same_report(report, reference[0])
    assert messages == reference[1]  # the missing-group warnings count rows, not entries
    assert report.auc_error_bound == 0.0  # ten distinct scores: the histogram AUC is exact
    assert reference[0].auc_error_bound is None


def test_missing_values_are_their_own_group(compas):
    import polars as pl

    report, messages = analyze_quietly(None, pl.from_pandas(compas).lazy(), **OPTIONS)
    assert "(missing)" in report.marginal["race"].by_group.index
    n_missing = int(compas["race"].isna().sum())
    assert report.marginal["race"].by_group.loc["(missing)", "count"] == n_missing
    assert any(f"{n_missing} missing value(s)" in m for m in messages)


def test_labels_only_without_scores(compas):
    import polars as pl

    options = {**OPTIONS, "y_score": None}
    report, _ = analyze_quietly(None, pl.from_pandas(compas), **options)
    reference, _ = analyze_quietly(None, compas, **options)
    assert_same_report(report, reference)
    assert "roc_auc" not in report.by_group.columns
    assert report.auc_error_bound is None


def test_continuous_scores_auc_within_the_stated_bound(compas):
    import polars as pl

    frame = compas.copy()
    noise = np.random.default_rng(3).uniform(0, 0.0999, len(frame))
    frame["score"] = np.clip(frame["score"] - 0.1 + noise, 0, 1)  # thousands of distinct scores
    options = {**OPTIONS, "n_boot": 0}
    exact, _ = analyze_quietly(None, frame, **options)
    with pytest.warns(UserWarning, match="score histogram"):
        from rai_toolkit import analyze_fairness

        approx = analyze_fairness(None, pl.from_pandas(frame).lazy(), **options)
    bound = approx.auc_error_bound
    assert 0 < bound < 0.01
    gap = (approx.by_group["roc_auc"] - exact.by_group["roc_auc"]).abs()
    assert gap.max() <= bound
    assert gap.max() > 0  # really an approximation
    # every other metric is exact
    others = [c for c in exact.by_group.columns if c != "roc_auc"]
    np.testing.assert_allclose(approx.by_group[others], exact.by_group[others], rtol=1e-9)
    records = [w for w in approx.warning_records if w.category == "FallbackWarning"]
    assert records and records[0].groups


def test_the_auc_error_bound_is_in_the_document(compas):
    import json

    import polars as pl

    frame = compas.copy()
    noise = np.random.default_rng(3).uniform(0, 0.0999, len(frame))
    frame["score"] = np.clip(frame["score"] - 0.1 + noise, 0, 1)
    options = {**OPTIONS, "n_boot": 0}
    approx, _ = analyze_quietly(None, pl.from_pandas(frame), **options)
    exact, _ = analyze_quietly(None, frame, **options)
    doc = json.loads(approx.to_json())
    assert doc["schema_version"] == "1.4"
    assert doc["auc_error_bound"] == approx.auc_error_bound > 0
    for feature in ("race", "sex"):
        bound = approx.marginal[feature].auc_error_bound
        assert doc["marginal"][feature]["auc_error_bound"] == bound
        assert bound > 0
    # exact from the rows: null, as on the report
    assert exact.to_dict()["auc_error_bound"] is None
    assert exact.to_dict()["marginal"]["sex"]["auc_error_bound"] is None


def test_binned_sensitive_feature_with_edges(compas):
    import polars as pl

    options = {**OPTIONS, "sensitive_features": ["age", "sex"], "bins": {"age": [0, 25, 45, 120]}}
    report, _ = analyze_quietly(None, pl.from_pandas(compas), **options)
    reference, _ = analyze_quietly(None, compas, **options)
    assert_same_report(report, reference)
