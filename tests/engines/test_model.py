"""A model applied where the data lives (record batches on polars, Arrow, DuckDB) equals pandas."""

from __future__ import annotations

import pytest

from tests.engines.conftest import OPTIONS, analyze_quietly, assert_same_report, needs

pytestmark = needs("polars")

MODEL_OPTIONS = {**OPTIONS, "y_pred": None, "y_score": None}


def fitted_pipeline(frame):
    """A scikit-learn Pipeline on numeric and categorical columns (sex, race with missing)."""
    from sklearn.compose import ColumnTransformer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import FunctionTransformer, OneHotEncoder, StandardScaler

    features = ["age", "priors_count", "sex"]
    prep = ColumnTransformer(
        [
            ("num", StandardScaler(), ["age", "priors_count"]),
            (
                "cat",
                make_pipeline(
                    # engines hand missing text to pandas as None or NaN (by pandas version)
                    FunctionTransformer(
                        lambda X: X.astype(object).where(X.notna(), "none"),
                        feature_names_out="one-to-one",
                    ),
                    OneHotEncoder(handle_unknown="ignore"),
                ),
                ["sex"],
            ),
        ]
    )
    model = make_pipeline(prep, LogisticRegression(max_iter=500))
    return model.fit(frame[features], frame["two_year_recid"])


@pytest.fixture(scope="module")
def pipeline(compas):
    return fitted_pipeline(compas)


@pytest.fixture(scope="module")
def pandas_report(compas, pipeline):
    return analyze_quietly(pipeline, compas, **MODEL_OPTIONS)[0]


@pytest.mark.parametrize("kind", ["polars", "polars-lazy", "arrow", "duckdb"])
def test_pipeline_in_engine_equals_pandas(compas, pipeline, pandas_report, kind, monkeypatch):
    import polars as pl

    from rai_toolkit.engines import _model

    monkeypatch.setattr(_model, "BATCH_ROWS", 1000)  # several batches, counted and merged
    frame = pl.from_pandas(compas)
    if kind == "duckdb":
        duckdb = pytest.importorskip("duckdb")
        data = duckdb.from_arrow(frame.to_arrow())
    else:
        data = {"polars": frame, "polars-lazy": frame.lazy(), "arrow": frame.to_arrow()}[kind]
    report, _ = analyze_quietly(pipeline, data, **MODEL_OPTIONS)
    # model scores are continuous: every label metric, Brier and calibration are exact,
    # AUC within the stated bound
    exact = [c for c in pandas_report.by_group.columns if c != "roc_auc"]
    assert_close = __import__("numpy").testing.assert_allclose
    assert_close(report.by_group[exact], pandas_report.by_group[exact], rtol=1e-9)
    gap = (report.by_group["roc_auc"] - pandas_report.by_group["roc_auc"]).abs()
    assert gap.max() <= report.auc_error_bound
    assert report.n_rows == len(compas)


def test_rounded_scores_make_every_number_equal(compas, pipeline):
    """A model whose scores have few distinct values: the full report equals pandas."""
    import polars as pl

    class Rounded:
        def __init__(self, model):
            self.model = model
            self.classes_ = model.classes_
            self.feature_names_in_ = model.feature_names_in_

        def predict(self, X):
            return (self.predict_proba(X)[:, 1] >= 0.5).astype(int)

        def predict_proba(self, X):
            return (self.model.predict_proba(X) * 20).round() / 20

    model = Rounded(pipeline)
    reference, _ = analyze_quietly(model, compas, **MODEL_OPTIONS)
    report, _ = analyze_quietly(model, pl.from_pandas(compas).lazy(), **MODEL_OPTIONS)
    assert_same_report(report, reference)
    assert report.auc_error_bound == 0.0
