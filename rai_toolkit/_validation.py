"""Shared input validation: model + data + column names -> a checked frame.

Every analysis room (fairness, explain, mitigation, dashboard, security,
report) turns its inputs into a :class:`CheckedData` through
:func:`prepare_data`, so that the same bad input gets the same clear error
everywhere. Nothing here drops, reorders or changes rows.
"""

from __future__ import annotations

import warnings
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from sklearn.exceptions import NotFittedError as _SkNotFittedError
from sklearn.utils.validation import check_is_fitted

from rai_toolkit.exceptions import (
    ArgumentError,
    DataValidationError,
    MissingGroupWarning,
    ModelError,
    NotFittedError,
)

__all__ = [
    "MISSING_GROUP",
    "CheckedData",
    "call_model",
    "check_probabilities",
    "check_data_frame",
    "check_columns",
    "check_fitted",
    "encode_sensitive",
    "infer_task",
    "model_features",
    "prepare_data",
    "positive_scores",
]

#: Label of the explicit group formed by missing sensitive values.
MISSING_GROUP = "(missing)"

#: A numeric sensitive column with more distinct values than this is treated as continuous.
MAX_DISCRETE_LEVELS = 20

_TASKS = ("auto", "binary", "multiclass", "regression")


def _list_columns(columns: Sequence[Any], limit: int = 30) -> str:
    names = [str(c) for c in columns]
    if len(names) > limit:
        return ", ".join(names[:limit]) + f", ... ({len(names) - limit} more)"
    return ", ".join(names)


def check_data_frame(data: Any, *, argument: str = "data") -> pd.DataFrame:
    """Check that ``data`` is a non-empty DataFrame with unique column names.

    Parameters
    ----------
    data : object
        What the caller passed.
    argument : str, default="data"
        Name of the argument, used in error messages.

    Returns
    -------
    pandas.DataFrame
        ``data`` itself (not copied).

    Raises
    ------
    DataValidationError
        If ``data`` is not a DataFrame, is empty or has duplicated column names.
    """
    if not isinstance(data, pd.DataFrame):
        raise DataValidationError(
            f"`{argument}` must be a pandas DataFrame; received {type(data).__name__}. "
            f"Wrap arrays with pandas.DataFrame(array, columns=[...])."
        )
    if data.shape[0] == 0:
        raise DataValidationError(
            f"`{argument}` is empty (0 rows); pass a DataFrame with at least one row."
        )
    duplicated = data.columns[data.columns.duplicated()].unique().tolist()
    if duplicated:
        raise DataValidationError(
            f"`{argument}` has duplicated column names: {_list_columns(duplicated)}. "
            f"Rename them so that each column name is unique."
        )
    return data


def check_columns(
    data: pd.DataFrame, columns: Sequence[Hashable], *, argument: str, data_argument: str = "data"
) -> None:
    """Raise a :class:`DataValidationError` naming any of ``columns`` missing from ``data``.

    Parameters
    ----------
    data : pandas.DataFrame
        The frame to look in.
    columns : sequence of hashable
        Column names that must be present.
    argument : str
        The argument that named the columns (``target``, ``sensitive_features``, ...).
    data_argument : str, default="data"
        The argument that holds ``data``.

    Raises
    ------
    DataValidationError
        If a column is missing.
    """
    missing = [c for c in columns if c not in data.columns]
    if missing:
        noun = "Column" if len(missing) == 1 else "Columns"
        raise DataValidationError(
            f"{noun} {_list_columns([repr(m) for m in missing])} given as `{argument}` not found "
            f"in `{data_argument}`; its columns are: {_list_columns(data.columns)}. "
            f"Pass `{argument}` naming existing columns."
        )


def check_fitted(model: Any, *, argument: str = "model") -> None:
    """Raise :class:`NotFittedError` if ``model`` is an unfitted scikit-learn estimator.

    Parameters
    ----------
    model : object
        A fitted estimator, or any object with ``predict``.
    argument : str, default="model"
        Argument name used in the message.

    Raises
    ------
    ArgumentError
        If ``model`` has no ``predict`` method.
    NotFittedError
        If ``model`` is an estimator that has not been fitted.
    """
    if not hasattr(model, "predict"):
        raise ArgumentError(
            f"`{argument}` must have a `predict` method; received {type(model).__name__}. "
            f"Pass a fitted scikit-learn compatible estimator, or model=None with y_pred=."
        )
    if hasattr(model, "fit") and hasattr(model, "get_params"):
        try:
            check_is_fitted(model)
        except _SkNotFittedError as err:
            raise NotFittedError(
                f"`{argument}` ({type(model).__name__}) is not fitted. "
                f"Call {argument}.fit(X, y) before analysing it."
            ) from err
        except TypeError:
            # Not an sklearn estimator after all; calling it will tell.
            pass


def model_features(
    model: Any,
    data: pd.DataFrame,
    *,
    target: Hashable | None = None,
    features: Sequence[Hashable] | None = None,
    exclude: Sequence[Hashable] = (),
) -> list[Hashable]:
    """Return the columns of ``data`` the model is called on, checking they exist.

    The order of preference is the model's ``feature_names_in_``, then
    ``features``, then every column but ``target`` and ``exclude``.

    Parameters
    ----------
    model : object or None
        The fitted model.
    data : pandas.DataFrame
        The data.
    target : hashable, optional
        Target column, never passed to the model.
    features : sequence of hashable, optional
        Explicit model input columns.
    exclude : sequence of hashable, default=()
        Further columns to leave out when the columns are inferred.

    Returns
    -------
    list
        Column names, in the order the model expects.

    Raises
    ------
    DataValidationError
        If a required column is missing from ``data``.
    ArgumentError
        If the model's columns (or ``features``) include ``target``.
    """
    names = getattr(model, "feature_names_in_", None)
    if names is not None:
        cols = list(names)
        missing = [c for c in cols if c not in data.columns]
        if missing:
            raise DataValidationError(
                f"`data` lacks {len(missing)} column(s) the model was trained on: "
                f"{_list_columns([repr(m) for m in missing])}. Pass data with the model's "
                f"training columns ({_list_columns(cols)})."
            )
    elif features is not None:
        cols = list(features)
        check_columns(data, cols, argument="features")
    else:
        skip = set(exclude)
        if target is not None:
            skip.add(target)
        return [c for c in data.columns if c not in skip]
    if target is not None and target in cols:
        raise ArgumentError(
            f"The model's input columns include the target {target!r}; pass features=[...] "
            f"without it (or retrain the model without the target)."
        )
    return cols


def call_model(model: Any, X: pd.DataFrame, method: str = "predict") -> np.ndarray:
    """Call ``model.<method>(X)``, wrapping failures with context.

    Parameters
    ----------
    model : object
        The fitted model.
    X : pandas.DataFrame
        Model input.
    method : {"predict", "predict_proba", "decision_function"}
        The method to call.

    Returns
    -------
    numpy.ndarray
        The model output as an array with one row per row of ``X``.

    Raises
    ------
    ModelError
        If the call raises or returns the wrong number of rows.
    """
    try:
        out = getattr(model, method)(X)
    except Exception as err:  # noqa: BLE001 - any model failure is reported with context
        raise ModelError(
            f"{type(model).__name__}.{method} failed on {X.shape[0]} rows x {X.shape[1]} "
            f"columns ({_list_columns(X.columns, limit=10)}): {type(err).__name__}: {err}. "
            f"Check that the data has the columns and dtypes the model was trained on."
        ) from err
    out = np.asarray(out)
    if out.shape[0] != X.shape[0]:
        raise ModelError(
            f"{type(model).__name__}.{method} returned {out.shape[0]} rows for {X.shape[0]} "
            f"input rows; a model must return one output per row."
        )
    return out


def _is_continuous(values: pd.Series) -> bool:
    if not pd.api.types.is_numeric_dtype(values) or pd.api.types.is_bool_dtype(values):
        return False
    return values.nunique(dropna=True) > MAX_DISCRETE_LEVELS


def _bin_column(values: pd.Series, spec: Any, name: Hashable) -> pd.Series:
    if not pd.api.types.is_numeric_dtype(values):
        raise ArgumentError(
            f"bins were given for sensitive feature {name!r}, which is not numeric "
            f"(dtype {values.dtype}); bins apply to numeric columns only. Remove it from `bins`."
        )
    if isinstance(spec, int | np.integer):
        if spec < 2:
            raise ArgumentError(f"bins[{name!r}] must be at least 2; received {spec}.")
        edges = np.unique(np.nanquantile(values.to_numpy(dtype=float), np.linspace(0, 1, spec + 1)))
    else:
        edges = np.asarray(list(spec), dtype=float)
        if edges.ndim != 1 or edges.size < 2 or np.any(np.diff(edges) <= 0):
            raise ArgumentError(
                f"bins[{name!r}] must be an int or a strictly increasing sequence of at least "
                f"two edges; received {spec!r}."
            )
        outside = values.notna() & ((values < edges[0]) | (values > edges[-1]))
        if outside.any():
            raise ArgumentError(
                f"{int(outside.sum())} value(s) of sensitive feature {name!r} fall outside the "
                f"bins [{edges[0]:g}, {edges[-1]:g}] (min {values.min():g}, max {values.max():g}). "
                f"Widen the edges, e.g. use -inf and inf as outer edges."
            )
    labels = [
        f"{'[' if i == 0 else '('}{lo:g}, {hi:g}]"
        for i, (lo, hi) in enumerate(zip(edges[:-1], edges[1:]))
    ]
    binned = pd.cut(values, bins=edges, labels=labels, include_lowest=True)
    return binned.astype(object).map(lambda v: str(v) if not pd.isna(v) else np.nan)


def encode_sensitive(
    data: pd.DataFrame,
    sensitive_features: Hashable | Sequence[Hashable],
    *,
    bins: Mapping[Hashable, Any] | None = None,
) -> pd.DataFrame:
    """Return the sensitive columns as group labels, one column per feature.

    Missing values become the explicit group :data:`MISSING_GROUP` (with a
    :class:`~rai_toolkit.exceptions.MissingGroupWarning`); continuous numeric
    columns must be binned through ``bins``.

    Parameters
    ----------
    data : pandas.DataFrame
        The data.
    sensitive_features : hashable or sequence of hashable
        One or more column names of ``data``.
    bins : mapping, optional
        ``{column: int | edges}``; an int makes that many quantile bins, a
        sequence gives explicit edges.

    Returns
    -------
    pandas.DataFrame
        Same index as ``data``; values are hashable group labels.

    Raises
    ------
    DataValidationError
        Missing column, unhashable values or a continuous column without bins.
    ArgumentError
        Malformed ``bins``.
    """
    names = normalise_names(sensitive_features, argument="sensitive_features")
    check_columns(data, names, argument="sensitive_features")
    bins = dict(bins or {})
    unknown = [b for b in bins if b not in names]
    if unknown:
        raise ArgumentError(
            f"`bins` names {_list_columns([repr(u) for u in unknown])}, which are not among "
            f"sensitive_features ({_list_columns([repr(n) for n in names])})."
        )
    out = {}
    for name in names:
        col = data[name]
        if name in bins:
            col = _bin_column(col, bins[name], name)
        elif _is_continuous(col):
            raise DataValidationError(
                f"Sensitive feature {name!r} looks continuous ({col.nunique()} distinct numeric "
                f"values); group metrics need discrete groups. Pass bins={{{name!r}: [edges]}} "
                f"(e.g. [0, 25, 45, 65, 120]) or bins={{{name!r}: 4}} for quartiles."
            )
        try:
            # hashing the distinct values is enough (and O(n) in C, unlike col.map(hash))
            if col.dtype == object:
                pd.unique(col)
        except TypeError as err:
            raise DataValidationError(
                f"Sensitive feature {name!r} holds unhashable values (e.g. lists or dicts); "
                f"group labels must be hashable. Convert them, e.g. data[{name!r}].astype(str)."
            ) from err
        n_missing = int(col.isna().sum())
        if n_missing:
            warnings.warn(
                f"Sensitive feature {name!r} has {n_missing} missing value(s); they are kept "
                f"as the explicit group {MISSING_GROUP!r}.",
                MissingGroupWarning,
                stacklevel=3,
            )
            col = col.astype(object).where(col.notna(), MISSING_GROUP)
        if isinstance(col.dtype, pd.CategoricalDtype):
            col = col.astype(object)
        out[name] = col
    return pd.DataFrame(out, index=data.index)


def normalise_names(names: Hashable | Sequence[Hashable], *, argument: str) -> list[Hashable]:
    """Turn a single column name or a sequence of names into a non-empty list.

    Parameters
    ----------
    names : hashable or sequence of hashable
        What the caller passed.
    argument : str
        Argument name for the message.

    Returns
    -------
    list
        The names.

    Raises
    ------
    ArgumentError
        If no name is given or names repeat.
    """
    if isinstance(names, str) or not isinstance(names, Sequence | pd.Index | np.ndarray):
        names = [names]
    names = list(names)
    if not names:
        raise ArgumentError(f"`{argument}` is empty; name at least one column.")
    if len(set(names)) != len(names):
        raise ArgumentError(f"`{argument}` repeats a column: {names!r}.")
    return names


@dataclass(frozen=True)
class CheckedData:
    """Validated inputs of an analysis: labels, predictions, scores and groups.

    Attributes
    ----------
    y_true : numpy.ndarray
        Target values, as given.
    y_pred : numpy.ndarray
        Predicted labels (classification) or values (regression).
    y_score : numpy.ndarray or None
        Binary: probability of ``pos_label``, shape (n,). Multiclass: class
        probabilities, shape (n, n_classes), columns in ``classes`` order.
    sensitive : pandas.DataFrame
        Group labels, one column per sensitive feature.
    task : str
        ``"binary"``, ``"multiclass"`` or ``"regression"``.
    classes : numpy.ndarray or None
        Sorted class labels for classification.
    pos_label : object
        Positive class for binary tasks.
    features : list
        Columns the model was called on (empty when ``model`` is None).
    """

    y_true: np.ndarray
    y_pred: np.ndarray
    y_score: np.ndarray | None
    sensitive: pd.DataFrame
    task: str
    classes: np.ndarray | None
    pos_label: Any
    features: list = field(default_factory=list)

    @property
    def n_rows(self) -> int:
        """Number of rows."""
        return int(self.y_true.shape[0])


def _column_or_array(value: Any, data: pd.DataFrame, *, argument: str) -> np.ndarray:
    if isinstance(value, str) or (
        isinstance(value, Hashable) and not isinstance(value, np.ndarray | pd.Series | list | tuple)
    ):
        check_columns(data, [value], argument=argument)
        return data[value].to_numpy()
    arr = value.to_numpy() if isinstance(value, pd.Series | pd.DataFrame) else np.asarray(value)
    if arr.shape[0] != data.shape[0]:
        raise DataValidationError(
            f"`{argument}` has {arr.shape[0]} values but `data` has {data.shape[0]} rows; "
            f"pass one value per row of data."
        )
    return arr


def positive_scores(proba: np.ndarray, classes: Sequence[Any], pos_label: Any) -> np.ndarray:
    """Pick the probability column of ``pos_label`` from a ``predict_proba`` output.

    Parameters
    ----------
    proba : numpy.ndarray
        Shape (n, n_classes).
    classes : sequence
        The model's ``classes_``.
    pos_label : object
        The positive class.

    Returns
    -------
    numpy.ndarray
        Shape (n,).

    Raises
    ------
    ModelError
        If ``pos_label`` is not among ``classes``.
    """
    classes = list(classes)
    if pos_label not in classes:
        raise ModelError(
            f"pos_label={pos_label!r} is not among the model's classes_ {classes!r}; "
            f"pass the positive class the model was trained with."
        )
    if proba.ndim == 1:
        return proba if classes.index(pos_label) == 1 else 1.0 - proba
    return proba[:, classes.index(pos_label)]


def check_probabilities(score: np.ndarray, *, argument: str = "y_score") -> np.ndarray:
    """Raise a :class:`DataValidationError` unless every score is a probability.

    Parameters
    ----------
    score : numpy.ndarray
        Scores of any shape.
    argument : str, default="y_score"
        Argument name used in the message.

    Returns
    -------
    numpy.ndarray
        ``score`` itself.

    Raises
    ------
    DataValidationError
        If a value is NaN, infinite or outside [0, 1].
    """
    bad = ~np.isfinite(score) | (score < 0) | (score > 1)
    if bad.any():
        finite = score[np.isfinite(score)]
        span = f" (min {finite.min():g}, max {finite.max():g})" if finite.size else ""
        raise DataValidationError(
            f"{argument} must be probabilities in [0, 1]; {int(bad.sum())} value(s) are "
            f"outside{span}. Pass predict_proba output, or rescale decision_function scores."
        )
    return score


def infer_task(y: np.ndarray) -> str:
    """Infer the learning task from target values, as every analysis does.

    Parameters
    ----------
    y : numpy.ndarray
        Target values.

    Returns
    -------
    str
        ``"binary"`` (at most two values), ``"multiclass"`` (up to
        :data:`MAX_DISCRETE_LEVELS` values, or any non-numeric labels) or
        ``"regression"`` (non-integer floats, or many numeric values).
    """
    values = pd.unique(y)
    if pd.api.types.is_float_dtype(y) and not np.all(np.mod(values, 1) == 0):
        return "regression"
    if len(values) <= 2:
        return "binary"
    if len(values) <= MAX_DISCRETE_LEVELS or not pd.api.types.is_numeric_dtype(y):
        return "multiclass"
    return "regression"


def prepare_data(
    model: Any,
    data: pd.DataFrame,
    *,
    target: Hashable,
    sensitive_features: Hashable | Sequence[Hashable],
    y_pred: Any = None,
    y_score: Any = None,
    features: Sequence[Hashable] | None = None,
    pos_label: Any = 1,
    bins: Mapping[Hashable, Any] | None = None,
    task: str = "auto",
) -> CheckedData:
    """Validate inputs and compute predictions: the entry point of every analysis.

    Parameters
    ----------
    model : estimator or None
        Fitted model; None when ``y_pred`` is given.
    data : pandas.DataFrame
        Rows to analyse, with the target and sensitive columns.
    target : hashable
        Target column.
    sensitive_features : hashable or sequence of hashable
        Sensitive column(s).
    y_pred, y_score : column name or array-like, optional
        Precomputed predictions / positive-class scores.
    features : sequence of hashable, optional
        Model input columns when the model does not record them.
    pos_label : object, default=1
        Positive class for binary tasks.
    bins : mapping, optional
        Bins for continuous sensitive features (see :func:`encode_sensitive`).
    task : {"auto", "binary", "multiclass", "regression"}
        Learning task; inferred from the target by default.

    Returns
    -------
    CheckedData
        The validated arrays.

    Raises
    ------
    DataValidationError, ArgumentError, NotFittedError, ModelError
        On any input that cannot be analysed as given; the message names the
        argument and how to fix it.
    """
    data = check_data_frame(data)
    if task not in _TASKS:
        raise ArgumentError(f"task={task!r} is not valid; choose one of {', '.join(_TASKS)}.")
    check_columns(data, [target], argument="target")
    sensitive = encode_sensitive(data, sensitive_features, bins=bins)
    y_true = data[target].to_numpy()
    n_nan = int(pd.isna(y_true).sum())
    if n_nan == len(y_true):
        raise DataValidationError(
            f"Target column {target!r} is entirely missing (all {n_nan} values are NaN); "
            f"pass data with observed outcomes."
        )
    if n_nan:
        raise DataValidationError(
            f"Target column {target!r} has {n_nan} missing value(s); metrics need an observed "
            f"outcome for every row. Drop or impute those rows explicitly before the analysis."
        )
    if task == "auto":
        task = infer_task(y_true)

    used_features: list = []
    if y_pred is None:
        if model is None:
            raise ArgumentError(
                "Pass either a fitted `model` or `y_pred` (a column name of data or an array "
                "of predictions); both are None."
            )
        check_fitted(model)
        used_features = model_features(model, data, target=target, features=features)
        X = data[used_features]
        pred = call_model(model, X, "predict")
        if pred.ndim > 1 and pred.shape[1] == 1:
            pred = pred.ravel()
        score = None
        if y_score is None and task != "regression" and hasattr(model, "predict_proba"):
            proba = call_model(model, X, "predict_proba")
            classes = getattr(model, "classes_", None)
            if classes is None:
                classes = np.unique(y_true)
            if task == "binary":
                if pos_label not in list(classes):
                    _raise_pos_label(pos_label, classes, "the model's classes_")
                score = positive_scores(proba, classes, pos_label)
            else:
                score = _align_proba(
                    proba,
                    classes,
                    np.unique(np.concatenate([np.asarray(classes), np.unique(y_true)])),
                )
        elif y_score is not None:
            score = _column_or_array(y_score, data, argument="y_score")
    else:
        pred = _column_or_array(y_pred, data, argument="y_pred")
        score = None if y_score is None else _column_or_array(y_score, data, argument="y_score")

    if pred.ndim != 1:
        raise DataValidationError(
            f"Predictions must be one value per row; received an array of shape {pred.shape}. "
            f"Pass class labels, not probabilities, as y_pred (probabilities go to y_score)."
        )
    if pd.isna(pred).any():
        raise DataValidationError(
            f"Predictions contain {int(pd.isna(pred).sum())} missing value(s); every row needs "
            f"a prediction."
        )

    classes_out = None
    if task in ("binary", "multiclass"):
        # unique values first (hash-based, O(n)), then sort the few of them
        classes_out = np.unique(pd.unique(y_true))
        if task == "binary":
            if pos_label not in set(classes_out.tolist()):
                _raise_pos_label(pos_label, classes_out, f"target {target!r}")
            labels = set(classes_out.tolist())
            if len(labels) == 1:
                # all rows one class: the other label is whatever is not pos_label in y_pred
                labels |= set(pd.unique(pred).tolist())
            extra = set(pd.unique(pred).tolist()) - labels
            if extra or len(labels) > 2:
                raise DataValidationError(
                    f"y_pred must hold the binary labels of target {target!r} "
                    f"({sorted(map(repr, labels))}); it also holds {sorted(map(repr, extra))}. "
                    f"Pass class labels (e.g. model.predict), not scores or other codes."
                )
            classes_out = np.array(sorted(labels, key=repr)) if len(labels) == 2 else classes_out
            if score is not None:
                score = np.asarray(score, dtype=float)
                if score.ndim != 1:
                    raise DataValidationError(
                        f"y_score must be one probability of pos_label per row; received shape "
                        f"{score.shape}. Pass model.predict_proba(X)[:, 1]."
                    )
                check_probabilities(score)
    else:
        try:
            y_true = y_true.astype(float)
            pred = pred.astype(float)
        except (TypeError, ValueError) as err:
            raise DataValidationError(
                f"Regression needs numeric target and predictions; target {target!r} has dtype "
                f"{data[target].dtype}. Pass task='binary' or 'multiclass' for labels."
            ) from err
    return CheckedData(
        y_true=y_true,
        y_pred=pred,
        y_score=score,
        sensitive=sensitive,
        task=task,
        classes=classes_out,
        pos_label=pos_label if task == "binary" else None,
        features=used_features,
    )


def _align_proba(proba: np.ndarray, model_classes: Any, classes: np.ndarray) -> np.ndarray:
    out = np.zeros((proba.shape[0], len(classes)))
    lookup = {c: i for i, c in enumerate(classes)}
    for j, c in enumerate(model_classes):
        out[:, lookup[c]] = proba[:, j]
    return out


def _raise_pos_label(pos_label: Any, labels: Any, where: str) -> None:
    raise ArgumentError(
        f"pos_label={pos_label!r} is not among the labels of {where}: "
        f"{', '.join(repr(x) for x in np.asarray(labels).tolist())}. "
        f"Pass pos_label= set to the favourable outcome's label."
    )
