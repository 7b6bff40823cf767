"""Spark specifics: a live session behind a frame, and the model run in the executors.

narwhals runs the counting group-by on Spark like on any lazy engine; what it
does not cover is checked here: that the frame's session is still running, and
applying a Python model with ``mapInPandas`` (the model is pickled to the
executors, so it must pickle; its predictions get a Spark type fixed by a call on
a few rows in the driver).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from rai_toolkit.engines._model import CANNOT_RUN, PRED, SCORE, predict_columns
from rai_toolkit.exceptions import DataValidationError, ModelError

__all__ = ["NO_SESSION", "check_session", "spark_predict"]

NO_SESSION = (
    "The Spark DataFrame has no running Spark session (it was stopped, or the frame comes "
    "from another process). Start a session (SparkSession.builder.getOrCreate()) and "
    "recreate the DataFrame from it, then call again."
)


def check_session(frame: Any) -> None:
    """Raise a DataValidationError unless ``frame``'s Spark session is running."""
    try:
        session = frame.sparkSession
        context = getattr(session, "sparkContext", None) if session is not None else None
        alive = context is not None and getattr(context, "_jsc", None) is not None
    except Exception:  # a Connect session that is gone, or a half-torn-down one
        alive = False
    if not alive:
        raise DataValidationError(NO_SESSION, argument="data")


def _spark_type(values: np.ndarray) -> tuple[Any, str | None]:
    """Spark type of predictions like ``values`` and the numpy dtype to cast them to."""
    from pyspark.sql import types as T

    kind = np.asarray(values).dtype.kind
    if kind == "b":
        return T.BooleanType(), "bool"
    if kind in "iu":
        return T.LongType(), "int64"
    if kind == "f":
        return T.DoubleType(), "float64"
    return T.StringType(), None


def spark_predict(
    model: Any,
    frame: Any,
    *,
    keys: list[str],
    features: list[str],
    with_score: bool,
    pos_label: Any,
    sample: Any,
) -> Any:
    """Add the model's prediction (and score) columns to a Spark frame with ``mapInPandas``.

    Parameters
    ----------
    model : estimator
        Fitted model, picklable.
    frame : pyspark.sql.DataFrame
        The table.
    keys : list of str
        Columns to keep (sensitive columns and target).
    features : list of str
        Model input columns.
    with_score : bool
        Whether to add the probability of ``pos_label``.
    pos_label : object
        Positive class.
    sample : pandas.DataFrame
        A few rows of ``features``, to check the model runs and type its output.

    Returns
    -------
    pyspark.sql.DataFrame
        ``keys`` plus the prediction column (and score column), computed lazily.
    """
    from pyspark import cloudpickle
    from pyspark.sql import types as T

    try:
        cloudpickle.dumps(model)
    except Exception as err:
        raise ModelError(
            CANNOT_RUN.format(
                engine="spark",
                reason=f"it cannot be pickled to the executors ({type(err).__name__}: {err})",
            ),
            argument="model",
        ) from err
    first = predict_columns(model, sample, with_score=with_score, pos_label=pos_label)
    pred_type, pred_dtype = _spark_type(first[PRED])
    schema = frame.select(*keys).schema
    fields = [*schema.fields, T.StructField(PRED, pred_type, True)]
    if with_score:
        fields.append(T.StructField(SCORE, T.DoubleType(), True))
    columns = list(dict.fromkeys([*keys, *features]))

    def apply(batches):  # runs in the executors
        for batch in batches:
            out = batch[keys].copy()
            predicted = predict_columns(
                model, batch[features], with_score=with_score, pos_label=pos_label
            )
            pred = predicted[PRED]
            out[PRED] = pred.astype(pred_dtype) if pred_dtype else pred.astype(str)
            if with_score:
                out[SCORE] = predicted[SCORE]
            yield out

    return frame.select(*columns).mapInPandas(apply, T.StructType(fields))
