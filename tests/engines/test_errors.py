"""Bad input on engine tables: one clear error each."""

from __future__ import annotations

import sys

import numpy as np
import pytest

from rai_toolkit import analyze_fairness
from rai_toolkit.exceptions import ArgumentError, DataValidationError, DependencyError, ModelError
from tests.engines.conftest import OPTIONS, compas_frame, needs

pytestmark = needs("polars")


@pytest.fixture(scope="module")
def small():
    return compas_frame(400)


def _polars(frame):
    import polars as pl

    return pl.from_pandas(frame)


def test_missing_column_lists_the_engine_tables_columns(small):
    with pytest.raises(DataValidationError, match=r"'ethnicity'.*not found.*race, sex, age"):
        analyze_fairness(
            None, _polars(small).lazy(), **{**OPTIONS, "sensitive_features": ["ethnicity"]}
        )


@needs("duckdb")
def test_missing_prediction_column_on_duckdb(small):
    import duckdb

    relation = duckdb.from_arrow(_polars(small).to_arrow())
    with pytest.raises(DataValidationError, match=r"'prediction'.*`y_pred`.*two_year_recid"):
        analyze_fairness(None, relation, **{**OPTIONS, "y_pred": "prediction"})


@pytest.mark.parametrize("engine", ["polars", "duckdb"])
def test_engine_package_not_installed_names_the_extra(small, monkeypatch, engine):
    from rai_toolkit.engines import require

    monkeypatch.setitem(sys.modules, engine, None)  # makes `import <engine>` fail
    with pytest.raises(DependencyError, match=rf"pip install rai-toolkit\[{engine}\]"):
        require(engine)


def test_engine_table_whose_package_cannot_be_imported(small, monkeypatch):
    frame = _polars(small)
    monkeypatch.setitem(sys.modules, "polars", None)
    with pytest.raises(DependencyError, match=r"polars.*pip install rai-toolkit\[polars\]"):
        analyze_fairness(None, frame, **OPTIONS)


def test_lazy_scan_that_fails(tmp_path):
    import polars as pl

    broken = tmp_path / "scores.parquet"
    broken.write_text("this is not parquet")
    with pytest.raises(DataValidationError, match=r"polars table could not be read"):
        analyze_fairness(None, pl.scan_parquet(broken), **OPTIONS)


def test_model_that_fails_in_a_batch(small):
    class Broken:
        classes_ = np.array([0, 1])

        def predict(self, X):
            raise RuntimeError("no GPU here")

    with pytest.raises(ModelError, match="no GPU here"):
        analyze_fairness(
            Broken(),
            _polars(small),
            **{**OPTIONS, "y_pred": None, "y_score": None, "features": ["age"]},
        )


@pytest.mark.parametrize("engine", ["polars", "duckdb"])
def test_scores_outside_unit_interval_found_by_the_engine(small, engine):
    frame = _polars(small.assign(score=small["score"] + 0.5))
    if engine == "duckdb":
        duckdb = pytest.importorskip("duckdb")
        frame = duckdb.from_arrow(frame.to_arrow())
    with pytest.raises(DataValidationError, match=rf"{engine} engine found values from 0.6 to 1.5"):
        analyze_fairness(None, frame, **OPTIONS)


def test_missing_scores_found_by_the_engine(small):
    frame = small.copy()
    frame.loc[frame.index[:3], "score"] = np.nan
    with pytest.raises(DataValidationError, match=r"'score' has 3 missing or NaN value"):
        analyze_fairness(None, _polars(frame), **OPTIONS)


def test_text_scores_are_refused(small):
    frame = _polars(small.assign(score=small["score"].astype(str)))
    with pytest.raises(DataValidationError, match=r"'score' has type String"):
        analyze_fairness(None, frame, **OPTIONS)


def test_arrays_instead_of_column_names(small):
    with pytest.raises(ArgumentError, match=r"`y_pred` must be the name of one of its columns"):
        analyze_fairness(None, _polars(small), **{**OPTIONS, "y_pred": small["pred"].to_numpy()})


def test_regression_is_refused(small):
    with pytest.raises(ArgumentError, match=r"binary classification.*regression.*to_pandas"):
        analyze_fairness(None, _polars(small), **{**OPTIONS, "task": "regression"})


def test_multiclass_target_is_refused(small):
    frame = _polars(small.assign(two_year_recid=small["age"] % 3, pred=small["age"] % 3))
    with pytest.raises(ArgumentError, match=r"multiclass task"):
        analyze_fairness(None, frame, **{**OPTIONS, "y_score": None})


def test_quantile_bins_are_refused(small):
    options = {**OPTIONS, "sensitive_features": ["age"], "bins": {"age": 4}}
    with pytest.raises(ArgumentError, match=r"bins\['age'\]=4.*explicit edges"):
        analyze_fairness(None, _polars(small), **options)


def test_model_with_a_score_column_is_refused(small):
    from sklearn.dummy import DummyClassifier

    model = DummyClassifier().fit(small[["age"]], small["two_year_recid"])
    with pytest.raises(ArgumentError, match=r"scores come from its predict_proba"):
        analyze_fairness(model, _polars(small), **{**OPTIONS, "y_pred": None})


def test_empty_table(small):
    with pytest.raises(DataValidationError, match=r"polars table has no rows"):
        analyze_fairness(None, _polars(small.iloc[:0]), **OPTIONS)


def test_fine_bins_agree_with_the_engine_counting():
    from rai_toolkit.engines import _counts
    from rai_toolkit.fairness import _cells

    assert _counts._N_FINE_BINS == _cells.N_FINE_BINS
