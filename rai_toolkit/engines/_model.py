"""Applying a model to an engine table: its predictions become two columns of the counting.

polars, Arrow and DuckDB tables stream to the model in record batches of
:data:`BATCH_ROWS` rows (only the model's columns, the sensitive columns and the
target are read); each batch is counted at once and only the entries are kept,
so memory stays at one batch however long the table. Spark runs the model in
its executors (:mod:`rai_toolkit.engines._spark`). Either way the model is
first called on a few rows in this process, which checks that it runs and fixes
the type of its predictions.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import numpy as np
import pandas as pd

from rai_toolkit._validation import call_model, positive_scores
from rai_toolkit.engines._counts import count_entries, merge_entries, scan_failed
from rai_toolkit.exceptions import DataValidationError

__all__ = ["BATCH_ROWS", "PRED", "SCORE", "count_with_model", "predict_columns"]

#: Rows per record batch sent to the model on polars, Arrow and DuckDB.
BATCH_ROWS = 500_000
#: Names of the prediction and score columns added by the model.
PRED, SCORE = "__rai_y_pred__", "__rai_y_score__"

CANNOT_RUN = (
    "The model cannot run inside the {engine} engine: {reason}. Precompute a prediction "
    "column where the data lives (e.g. with the engine's own model serving) and pass "
    "model=None, y_pred='<prediction column>' and y_score='<probability column>'."
)


def predict_columns(
    model: Any, X: pd.DataFrame, *, with_score: bool, pos_label: Any
) -> dict[str, np.ndarray]:
    """Predictions (and positive-class scores) of ``model`` on one batch of rows.

    Parameters
    ----------
    model : estimator
        Fitted model.
    X : pandas.DataFrame
        Model input columns.
    with_score : bool
        Whether to add ``predict_proba``'s probability of ``pos_label``.
    pos_label : object
        Positive class.

    Returns
    -------
    dict
        ``{PRED: labels}`` and, with scores, ``{SCORE: probabilities}``.
    """
    pred = call_model(model, X, "predict")
    if pred.ndim > 1 and pred.shape[1] == 1:
        pred = pred.ravel()
    out = {PRED: pred}
    if with_score:
        proba = call_model(model, X, "predict_proba")
        out[SCORE] = np.asarray(positive_scores(proba, model.classes_, pos_label), dtype=float)
    return out


def _batches(data: Any, engine: str, columns: list[str]) -> Iterator[pd.DataFrame]:
    """Yield the columns of an engine table as pandas batches of at most BATCH_ROWS rows."""
    import narwhals as nw

    native = nw.from_native(data).select(columns).to_native()
    if engine == "polars":
        if hasattr(native, "collect_batches"):  # LazyFrame: streamed
            parts = native.collect_batches(chunk_size=BATCH_ROWS)
        elif hasattr(native, "iter_slices"):  # DataFrame
            parts = native.iter_slices(BATCH_ROWS)
        else:  # LazyFrame of a polars without collect_batches (< 1.3x): collected first
            parts = native.collect().iter_slices(BATCH_ROWS)
        for part in parts:
            yield part.to_pandas()
    elif engine == "pyarrow":
        for part in native.to_batches(max_chunksize=BATCH_ROWS):
            yield part.to_pandas()
    else:  # duckdb relation
        reader = native.fetch_arrow_reader(BATCH_ROWS)
        for part in reader:
            yield part.to_pandas()


def count_with_model(
    model: Any,
    data: Any,
    *,
    engine: str,
    keys: list[str],
    features: list[str],
    with_score: bool,
    pos_label: Any,
) -> pd.DataFrame:
    """Stream a polars, Arrow or DuckDB table through the model, counting each batch.

    Parameters
    ----------
    model : estimator
        Fitted model.
    data : table
        The native table.
    engine : str
        ``"polars"``, ``"pyarrow"`` or ``"duckdb"``.
    keys : list of str
        Sensitive columns and the target (the prediction column is added).
    features : list of str
        Model input columns.
    with_score : bool
        Whether to count scores from ``predict_proba``.
    pos_label : object
        Positive class.

    Returns
    -------
    pandas.DataFrame
        The entries, as :func:`~rai_toolkit.engines._counts.count_entries` returns them.
    """
    from rai_toolkit.engines._counts import as_lazy

    columns = list(dict.fromkeys([*keys, *features]))
    parts = []
    batches = _batches(data, engine, columns)
    while True:
        try:
            batch = next(batches)
        except StopIteration:
            break
        except Exception as err:  # the engine's own error type: the scan failed
            raise scan_failed(engine, err) from err
        predicted = predict_columns(
            model, batch[features], with_score=with_score, pos_label=pos_label
        )
        counted = batch[keys].assign(**predicted)
        parts.append(
            count_entries(
                as_lazy(counted),
                keys=[*keys, PRED],
                score=SCORE if with_score else None,
                engine=engine,
            )
        )
    if not parts:
        raise DataValidationError(f"The {engine} table has no rows; there is nothing to analyse.")
    return merge_entries(parts, keys=[*keys, PRED])
