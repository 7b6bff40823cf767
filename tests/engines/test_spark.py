"""Spark local[2]: counts by a Spark group-by, a model by mapInPandas; same report as pandas.

One session for the run (the ``spark`` fixture). The last test stops it.
"""

from __future__ import annotations

import numpy as np
import pytest

from tests.engines.conftest import OPTIONS, analyze_quietly, assert_same_report, spark_frame
from tests.engines.test_model import MODEL_OPTIONS, fitted_pipeline


def test_spark_report_equals_pandas(spark, compas):
    reference = analyze_quietly(None, compas, **OPTIONS)
    report, messages = analyze_quietly(None, spark_frame(spark, compas), **OPTIONS)
    assert_same_report(report, reference[0])
    assert messages == reference[1]
    assert report.auc_error_bound == 0.0


def test_spark_pipeline_equals_pandas_and_polars(spark, compas):
    import polars as pl

    model = fitted_pipeline(compas)
    reference, _ = analyze_quietly(model, compas, **MODEL_OPTIONS)
    on_spark, _ = analyze_quietly(model, spark_frame(spark, compas), **MODEL_OPTIONS)
    on_polars, _ = analyze_quietly(model, pl.from_pandas(compas), **MODEL_OPTIONS)
    exact = [c for c in reference.by_group.columns if c != "roc_auc"]
    np.testing.assert_allclose(on_spark.by_group[exact], reference.by_group[exact], rtol=1e-9)
    # both engines count the same histogram; the warnings differ by the engine's name only
    assert_same_report(on_spark, on_polars, same_warnings=False)
    named = [w.replace("spark table", "polars table") for w in on_spark.warnings]
    assert named == on_polars.warnings
    gap = (on_spark.by_group["roc_auc"] - reference.by_group["roc_auc"]).abs()
    assert gap.max() <= on_spark.auc_error_bound


def test_spark_model_that_cannot_be_pickled(spark, compas):
    import threading

    from rai_toolkit.exceptions import ModelError

    model = fitted_pipeline(compas)
    model.lock = threading.Lock()  # cannot travel to the executors
    with pytest.raises(ModelError, match="cannot run inside the spark engine.*y_pred="):
        analyze_quietly(model, spark_frame(spark, compas), **MODEL_OPTIONS)


def test_spark_scores_outside_unit_interval(spark, compas):
    from rai_toolkit.exceptions import DataValidationError

    frame = compas.assign(score=compas["score"] * 3 - 1)
    with pytest.raises(DataValidationError, match=r"spark engine found values from -0.7 to 2"):
        analyze_quietly(None, spark_frame(spark, frame), **OPTIONS)


def test_spark_nan_scores_are_counted_with_the_missing_ones(spark, compas):
    # Spark's floor turns NaN into the integer 0: NaN must become null before the fine bin
    from pyspark.sql import functions as F

    from rai_toolkit.exceptions import DataValidationError

    frame = spark_frame(spark, compas.head(300).assign(row=np.arange(300)))
    row, score = F.col("row"), F.col("score")
    frame = frame.withColumn(
        "score",
        F.when(row < 4, F.lit(float("nan")))  # four NaN
        .when(row.isin(10, 11), F.lit(None).cast("double"))  # two nulls
        .otherwise(score),
    )
    assert frame.filter(F.isnan("score")).count() == 4
    with pytest.raises(DataValidationError, match=r"'score' has 6 missing or NaN value\(s\)"):
        analyze_quietly(None, frame, **OPTIONS)


def test_spark_frame_without_session(spark, compas):
    """Last Spark test: stops the session, then checks the frame it leaves behind."""
    from rai_toolkit.exceptions import DataValidationError

    frame = spark_frame(spark, compas.head(50))
    spark.stop()
    with pytest.raises(DataValidationError, match="no running Spark session"):
        analyze_quietly(None, frame, **OPTIONS)
