"""From an engine table to its count-table entries: checks, model, group-by, collection.

:func:`count_table` is what :func:`rai_toolkit.analyze_fairness` calls for a
polars, Arrow, DuckDB or Spark table. It checks the columns against the
engine's schema (nothing is read yet), applies the model where the data lives
when there is one, runs the counting group-by, and checks the scores the engine
found. The collected entries then go through the same validation, grouping and
estimation as a pandas frame, each entry weighted by its rows.
"""

from __future__ import annotations

import numbers
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from rai_toolkit._validation import (
    check_columns,
    check_fitted,
    model_features,
    normalise_names,
)
from rai_toolkit.engines._counts import (
    FINE,
    MAX_S,
    MIN_S,
    ROWS,
    SUM_S,
    SUM_S2,
    as_lazy,
    count_entries,
    error_detail,
    table_columns,
)
from rai_toolkit.engines._detect import require
from rai_toolkit.engines._model import CANNOT_RUN, PRED, SCORE, count_with_model
from rai_toolkit.exceptions import ArgumentError, DataValidationError, ModelError

__all__ = ["EngineCounts", "count_table", "not_binary"]

_TASKS_ON_ENGINES = ("auto", "binary")


@dataclass(frozen=True)
class EngineCounts:
    """Count-table entries collected from an engine table.

    Attributes
    ----------
    engine : str
        ``"polars"``, ``"pyarrow"``, ``"duckdb"`` or ``"spark"``.
    frame : pandas.DataFrame
        One row per entry: sensitive columns, target, prediction column and the
        rows, score sums and extremes of the entry.
    pred : str
        Prediction column of ``frame``.
    has_scores : bool
        Whether scores were counted.
    """

    engine: str
    frame: pd.DataFrame
    pred: str
    has_scores: bool

    @property
    def rows(self) -> np.ndarray:
        """Rows per entry."""
        return self.frame[ROWS].to_numpy(dtype=float)

    def score_columns(self) -> dict[str, np.ndarray]:
        """Fine bin, score sum, sum of squares, minimum and maximum of every entry."""
        f = self.frame
        return {
            "fine": f[FINE].to_numpy(dtype=np.intp),
            "sum_s": f[SUM_S].to_numpy(dtype=float),
            "sum_s2": f[SUM_S2].to_numpy(dtype=float),
            "min_s": f[MIN_S].to_numpy(dtype=float),
            "max_s": f[MAX_S].to_numpy(dtype=float),
        }


def not_binary(engine: str, task: str, target: Hashable) -> ArgumentError:
    """Return the refusal of a regression or multiclass analysis on an engine table."""
    return ArgumentError(
        f"On a {engine} table the analysis counts a binary classification where the data "
        f"lives; target {target!r} is a {task} task. Analyse it as pandas instead (e.g. "
        f"data.to_pandas(), or a sample of it), or pass a binary target.",
        argument="task",
    )


def _column_name(value: Any, *, argument: str, engine: str) -> str | None:
    if value is None or isinstance(value, str):
        return value
    raise ArgumentError(
        f"On a {engine} table `{argument}` must be the name of one of its columns; received "
        f"{type(value).__name__}. Add the values as a column of the table and pass its name.",
        argument=argument,
    )


def _check_bins(bins: Mapping[Hashable, Any] | None, engine: str) -> None:
    for name, spec in (bins or {}).items():
        if isinstance(spec, numbers.Integral) and not isinstance(spec, bool):
            raise ArgumentError(
                f"bins[{name!r}]={spec} asks for quantile bins, which a {engine} table would "
                f"have to sort; pass explicit edges instead, e.g. "
                f"bins={{{name!r}: [0, 25, 45, 65, 120]}}.",
                argument="bins",
            )


def _check_scores(frame: pd.DataFrame, score: str, engine: str) -> None:
    missing = frame[FINE].isna()
    if missing.any():
        raise DataValidationError(
            f"y_score column {score!r} has {int(frame.loc[missing, ROWS].sum())} missing or NaN "
            f"value(s), found by the {engine} engine; scores must be probabilities in [0, 1]. "
            f"Fill or drop those rows where the data lives.",
            argument="y_score",
        )
    low, high = frame[MIN_S].min(), frame[MAX_S].max()
    if low < 0 or high > 1:
        raise DataValidationError(
            f"y_score column {score!r} must hold probabilities in [0, 1]; the {engine} engine "
            f"found values from {low:g} to {high:g}. Pass predict_proba output, or rescale "
            f"decision_function scores.",
            argument="y_score",
        )


def count_table(
    model: Any,
    data: Any,
    *,
    engine: str,
    target: Hashable,
    sensitive_features: Hashable | Sequence[Hashable],
    y_pred: Any,
    y_score: Any,
    features: Sequence[Hashable] | None,
    pos_label: Any,
    bins: Mapping[Hashable, Any] | None,
    task: str,
) -> EngineCounts:
    """Count an engine table into entries where it lives.

    Parameters
    ----------
    model : estimator or None
        Fitted model, or None with ``y_pred``.
    data : table
        polars DataFrame or LazyFrame, pyarrow Table, DuckDB relation or Spark DataFrame.
    engine : str
        Its engine (:func:`~rai_toolkit.engines.engine_of`).
    target, sensitive_features, y_pred, y_score, features, pos_label, bins, task
        As in :func:`rai_toolkit.analyze_fairness`; ``y_pred`` and ``y_score`` are
        column names.

    Returns
    -------
    EngineCounts
        The collected entries.

    Raises
    ------
    DataValidationError
        A missing column, a scan that fails, scores outside [0, 1], a stopped Spark session.
    ArgumentError
        A task other than binary classification, quantile bins, arrays for columns.
    DependencyError
        The engine's package is not installed.
    ModelError
        A model that cannot run inside the engine.
    """
    require(engine)
    if engine == "spark":
        from rai_toolkit.engines._spark import check_session

        check_session(data)
    if task not in _TASKS_ON_ENGINES and task in ("regression", "multiclass"):
        raise not_binary(engine, task, target)
    _check_bins(bins, engine)
    y_pred = _column_name(y_pred, argument="y_pred", engine=engine)
    y_score = _column_name(y_score, argument="y_score", engine=engine)
    names = normalise_names(sensitive_features, argument="sensitive_features")
    frame = as_lazy(data)
    schema = table_columns(frame, engine)
    # the engine's columns as an empty pandas frame: the core's column checks and messages
    empty = pd.DataFrame(columns=list(schema))
    check_columns(empty, [target], argument="target")
    check_columns(empty, names, argument="sensitive_features")
    for argument, name in (("y_pred", y_pred), ("y_score", y_score)):
        if name is not None:
            check_columns(empty, [name], argument=argument)
    if y_score is not None and not schema[y_score].is_numeric():
        raise DataValidationError(
            f"y_score column {y_score!r} has type {schema[y_score]} in the {engine} table; "
            f"scores must be numbers in [0, 1].",
            argument="y_score",
        )
    keys = list(dict.fromkeys([*names, target]))
    if y_pred is not None:
        entries = count_entries(frame, keys=[*keys, y_pred], score=y_score, engine=engine)
        pred, score = y_pred, y_score
    else:
        if model is None:
            raise ArgumentError(
                "Pass either a fitted `model` or `y_pred` (a column name of data); both are None.",
                argument="model",
            )
        if y_score is not None:
            raise ArgumentError(
                f"On a {engine} table with a model, scores come from its predict_proba; pass "
                f"y_score={y_score!r} together with y_pred='<prediction column>' and "
                f"model=None instead.",
                argument="y_score",
            )
        check_fitted(model)
        used = [str(c) for c in model_features(model, empty, target=target, features=features)]
        with_score = hasattr(model, "predict_proba")
        pred, score = PRED, SCORE if with_score else None
        if engine == "spark":
            from rai_toolkit.engines._spark import spark_predict

            sample = frame.select(used).head(64).collect(backend="pyarrow").to_native()
            mapped = spark_predict(
                model,
                data,
                keys=keys,
                features=used,
                with_score=with_score,
                pos_label=pos_label,
                sample=sample.to_pandas(),
            )
            try:
                entries = count_entries(
                    as_lazy(mapped), keys=[*keys, PRED], score=score, engine=engine
                )
            except DataValidationError as err:  # the model failed in the executors
                raise ModelError(
                    CANNOT_RUN.format(engine=engine, reason=error_detail(err.__cause__ or err)),
                    argument="model",
                ) from err
        else:
            entries = count_with_model(
                model,
                data,
                engine=engine,
                keys=keys,
                features=used,
                with_score=with_score,
                pos_label=pos_label,
            )
    if entries.empty or entries[ROWS].sum() == 0:
        raise DataValidationError(
            f"The {engine} table has no rows; there is nothing to analyse.", argument="data"
        )
    if score is not None:
        _check_scores(entries, score if score != SCORE else "model.predict_proba", engine)
    return EngineCounts(engine, entries, pred, score is not None)
