"""Shared input validation: model + data + column names -> a checked frame.

Every analysis room (fairness, explain, mitigation, dashboard, security,
report) turns its inputs into a :class:`CheckedData` through
:func:`prepare_data`, so that the same bad input gets the same clear error
everywhere. Nothing here drops, reorders or changes rows.

Two rules hold for every argument that carries values for the rows of a
frame:

* a pandas Series or DataFrame (``y_pred``, ``y_score``, a Series given as
  ``target`` or ``sensitive_features``) is matched to the rows **by index
  label**, never by position; an index whose labels are not those of the
  frame is refused (:func:`align_values`);
* a column can be named or given as a named Series, fairlearn style
  (:func:`resolve_columns`).

Throughout, ``argument`` is the caller's parameter name as messages show it,
and ``data_argument`` the name of the parameter holding the frame (``"data"``
unless the caller calls it otherwise, e.g. ``"train"``).
"""

from __future__ import annotations

import numbers
import warnings
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from sklearn.exceptions import NotFittedError as _SkNotFittedError
from sklearn.utils.validation import check_is_fitted

from rai_toolkit._scalars import (
    check_choice,
    check_int,
    check_mapping,
    check_names,
    describe,
    is_hashable,
)
from rai_toolkit.exceptions import (
    ArgumentError,
    DataValidationError,
    MissingGroupWarning,
    ModelError,
    NotFittedError,
)

__all__ = [
    "MAX_BINS",
    "MISSING_GROUP",
    "CheckedData",
    "ResolvedColumns",
    "align_values",
    "call_model",
    "check_label",
    "check_names_for_two_frames",
    "check_predictions",
    "check_probabilities",
    "check_data_frame",
    "check_columns",
    "check_fitted",
    "check_hashable_columns",
    "check_sensitive_not_target",
    "check_unique_labels",
    "check_target_values",
    "encode_sensitive",
    "infer_task",
    "is_continuous",
    "model_features",
    "normalise_names",
    "prepare_data",
    "positive_scores",
    "resolve_columns",
    "resolve_names",
]

#: Label of the explicit group formed by missing sensitive values.
MISSING_GROUP = "(missing)"

#: A numeric sensitive column with more distinct values than this is treated as continuous.
MAX_DISCRETE_LEVELS = 20

#: Largest number of quantile bins of a numeric column (sensitive features, error cohorts).
MAX_BINS = 1000

_TASKS = ("auto", "binary", "multiclass", "regression")


def _list_columns(columns: Sequence[Any], limit: int = 30) -> str:
    names = [str(c) for c in columns]
    if len(names) > limit:
        return ", ".join(names[:limit]) + f", ... ({len(names) - limit} more)"
    return ", ".join(names)


def check_data_frame(
    data: Any, *, argument: str = "data", multiindex_columns: bool = False
) -> pd.DataFrame:
    """Check that ``data`` is a non-empty DataFrame with unique column names.

    Parameters
    ----------
    data : object
        What the caller passed.
    argument : str, default="data"
        Name of the argument, used in error messages.
    multiindex_columns : bool, default=False
        Accept MultiIndex column labels. Only for a caller whose every column
        argument names one column (a tuple is then one label); elsewhere a
        tuple also reads as several names, so such frames are refused.

    Returns
    -------
    pandas.DataFrame
        ``data`` itself (not copied).

    Raises
    ------
    DataValidationError
        If ``data`` is not a DataFrame, is empty, has duplicated column names or
        (unless allowed) MultiIndex column labels.
    """
    if not isinstance(data, pd.DataFrame):
        fix = (
            f"Pass a DataFrame, e.g. {argument}=series.to_frame()."
            if isinstance(data, pd.Series)
            else "Wrap arrays with pandas.DataFrame(array, columns=[...])."
        )
        raise DataValidationError(
            f"`{argument}` must be a pandas DataFrame; received {type(data).__name__}. {fix}",
            argument=argument,
        )
    if isinstance(data.columns, pd.MultiIndex) and not multiindex_columns:
        raise DataValidationError(
            f"`{argument}` has MultiIndex (hierarchical) column labels, e.g. "
            f"{data.columns[0]!r}; rai_toolkit needs one label per column. Flatten them "
            f"first, e.g. {argument}.columns = ['_'.join(map(str, c)) for c in "
            f"{argument}.columns].",
            argument=argument,
        )
    if data.shape[0] == 0:
        raise DataValidationError(
            f"`{argument}` is empty (0 rows); pass a DataFrame with at least one row.",
            argument=argument,
        )
    check_unique_labels(
        data.columns,
        argument=argument,
        what="column names",
        fix="Rename them so that each column name is unique.",
    )
    return data


def check_unique_labels(labels: pd.Index, *, argument: str, what: str, fix: str) -> None:
    """Refuse labels that repeat (columns of a frame, features of a Series of importances).

    Parameters
    ----------
    labels : pandas.Index
        The labels.
    argument : str
        Argument name for the message.
    what : str
        What the labels are, e.g. ``"column names"``.
    fix : str
        Sentence telling how to fix it.

    Raises
    ------
    DataValidationError
        ``"`{argument}` has duplicated {what}: <the repeated labels>. {fix}"``.
    """
    repeated = labels[labels.duplicated()].unique().tolist()
    if repeated:
        raise DataValidationError(
            f"`{argument}` has duplicated {what}: {_list_columns(repeated)}. {fix}",
            argument=argument,
        )


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
    ArgumentError
        If a name is not a column label at all (a list, an array, ...).
    """
    for c in columns:
        _check_name(c, argument=argument, data_argument=data_argument)
    missing = [c for c in columns if c not in data.columns]
    if missing:
        noun = "Column" if len(missing) == 1 else "Columns"
        raise DataValidationError(
            f"{noun} {_list_columns([repr(m) for m in missing])} given as `{argument}` not found "
            f"in `{data_argument}`; its columns are: {_list_columns(data.columns)}. "
            f"Pass `{argument}` naming existing columns.",
            argument=argument.split(" ")[0],
        )


_NOT_A_NAME = (
    "`{argument}` must be {expected}; received {value}. {fix}"
)
_NAMELESS_SERIES = (
    "`{argument}` is a pandas Series without a name; the name labels it in the results. "
    "Name it, e.g. {argument}=series.rename('label'), or pass a column name of "
    "`{data_argument}`."
)
_SERIES_NAME_CLASH = (
    "`{argument}` is a Series named {name!r}, but `{data_argument}` already has a different "
    "column {name!r}. Rename the Series (e.g. series.rename('{name}_2')), or pass "
    "{argument}={name!r} to use the column."
)
_MISALIGNED = (
    "`{argument}` is a pandas {kind} whose index does not match the index of "
    "`{data_argument}`: {detail}. Its values are matched to the rows of `{data_argument}` by "
    "index label, never by position. Pass it with the index of `{data_argument}` (e.g. "
    "{argument}.loc[{data_argument}.index] when it covers more rows), or as a numpy array "
    "in the row order of `{data_argument}` ({argument}.to_numpy())."
)
_SENSITIVE_IS_TARGET = (
    "Sensitive feature {name!r} {how} the target {target!r}; groups that are the outcome "
    "itself say nothing about fairness (every group has a single outcome). Pass the column of "
    "the sensitive attribute (e.g. sensitive_features='sex') as sensitive_features."
)


_EXAMPLES = {"target": "'income'", "sensitive_features": "['sex', 'race']"}


def _check_name(name: Any, *, argument: str, data_argument: str = "data") -> None:
    """Refuse values that cannot be a column label: lists, arrays, Series, dicts, None."""
    if name is None or isinstance(name, list | dict | set | np.ndarray | pd.Index) or (
        isinstance(name, pd.Series | pd.DataFrame)
    ):
        raise ArgumentError(
            _NOT_A_NAME.format(
                argument=argument,
                expected=f"column name(s) of `{data_argument}`",
                value=describe(name),
                fix=f"Pass e.g. {argument.split(' ')[0]}={_EXAMPLES.get(argument, repr('age'))}.",
            ),
            argument=argument.split(" ")[0],
        )
    if not is_hashable(name):
        raise ArgumentError(
            _NOT_A_NAME.format(
                argument=argument,
                expected=f"column name(s) of `{data_argument}`",
                value=describe(name),
                fix="Column names are hashable labels such as strings.",
            ),
            argument=argument.split(" ")[0],
        )


def _index_detail(value_index: pd.Index, index: pd.Index) -> str:
    if len(value_index) != len(index):
        return f"it has {len(value_index)} values for {len(index)} rows"
    if value_index.has_duplicates or index.has_duplicates:
        return "an index with repeated labels cannot be matched row by row"
    missing = index.difference(value_index, sort=False)
    shown = ", ".join(repr(v) for v in missing[:5].tolist())
    return f"{len(missing)} row label(s) of the data are not in it (e.g. {shown})"


def _aligned(
    value: pd.Series | pd.DataFrame, index: pd.Index, *, argument: str, data_argument: str
) -> pd.Series | pd.DataFrame:
    """Return ``value`` reordered to ``index`` by label, or refuse when the labels differ."""
    if value.index.equals(index):
        return value
    same = (
        len(value.index) == len(index)
        and not value.index.has_duplicates
        and not index.has_duplicates
        and len(index.difference(value.index, sort=False)) == 0
    )
    if not same:
        raise DataValidationError(
            _MISALIGNED.format(
                argument=argument,
                kind=type(value).__name__,
                data_argument=data_argument,
                detail=_index_detail(value.index, index),
            ),
            argument=argument,
        )
    return value.reindex(index)


def align_values(
    value: Any, data: pd.DataFrame, *, argument: str, data_argument: str = "data"
) -> np.ndarray:
    """Return per-row values as an array in the row order of ``data``.

    A pandas Series or DataFrame is matched to the rows of ``data`` by index
    label (reordered when its labels are the same in another order, refused
    when they are not the same labels); an array or a list is taken in row
    order and must have one entry per row.

    Parameters
    ----------
    value : Series, DataFrame, array-like
        Values for the rows of ``data`` (predictions, scores, weights, ...).
    data : pandas.DataFrame
        The rows.
    argument, data_argument : str
        Names for messages (see the module docstring).

    Returns
    -------
    numpy.ndarray
        One entry (or one row) per row of ``data``.

    Raises
    ------
    DataValidationError
        On a misaligned index or a wrong number of values.
    """
    if isinstance(value, pd.Series | pd.DataFrame):
        arr = _aligned(value, data.index, argument=argument, data_argument=data_argument)
        arr = arr.to_numpy()
    else:
        if isinstance(value, dict | set | str | bytes) or not np.iterable(value):
            raise DataValidationError(
                f"`{argument}` must hold one value per row of `{data_argument}` (an array, a "
                f"list or a pandas Series with its index); received {describe(value)}.",
                argument=argument,
            )
        try:
            arr = np.asarray(value)
        except ValueError as err:  # ragged nested lists
            raise DataValidationError(
                f"`{argument}` could not be read as an array ({err}); pass one value per row "
                f"of `{data_argument}`.",
                argument=argument,
            ) from err
    if arr.ndim == 0 or arr.shape[0] != data.shape[0]:
        n = 1 if arr.ndim == 0 else arr.shape[0]
        raise DataValidationError(
            f"`{argument}` has {n} values but `{data_argument}` has {data.shape[0]} rows; "
            f"pass one value per row of {data_argument}.",
            argument=argument,
        )
    return arr


def _equal_values(a: pd.Series, b: pd.Series) -> bool:
    left, right = a.to_numpy(), b.to_numpy()
    try:
        equal = left == right
        if not isinstance(equal, np.ndarray):
            return False
        return bool(np.all(equal | (pd.isna(left) & pd.isna(right))))
    except (TypeError, ValueError):
        return False


def _same_values(a: pd.Series, b: pd.Series) -> bool:
    """Whether two columns hold the same values row by row (NaN equal to NaN)."""
    if len(a) != len(b):
        return False
    # columns that differ almost always differ in their first rows: check those first,
    # so that a sensitive column is compared with the target in O(1), not O(n)
    head = min(len(a), 256)
    if not _equal_values(a.iloc[:head], b.iloc[:head]):
        return False
    return _equal_values(a, b)


@dataclass(frozen=True)
class ResolvedColumns:
    """Column arguments after :func:`resolve_columns`: names of columns of ``data``.

    Attributes
    ----------
    data : pandas.DataFrame
        The data, with any Series given as a column added under its name (a
        shallow copy; the caller's frame is never changed).
    target : hashable or None
        Target column name.
    sensitive_features : list or None
        Sensitive column names.
    features : list or None
        Model input columns (set from the original columns when a Series was
        added and the model does not record its inputs, so that the added
        columns are never passed to the model).
    attached : tuple
        Names of the columns added from Series.
    """

    data: pd.DataFrame
    target: Hashable | None
    sensitive_features: list | None
    features: list | None
    attached: tuple = ()


def _column_arg(
    value: Any,
    data: pd.DataFrame,
    attach: dict,
    *,
    argument: str,
    data_argument: str,
) -> Hashable:
    """Return the column name of one column argument, collecting Series to add in ``attach``."""
    if isinstance(value, pd.Series):
        name = value.name
        if name is None:
            raise ArgumentError(
                _NAMELESS_SERIES.format(argument=argument, data_argument=data_argument),
                argument=argument,
            )
        _check_name(name, argument=argument, data_argument=data_argument)
        aligned = _aligned(value, data.index, argument=argument, data_argument=data_argument)
        existing = data[name] if name in data.columns else attach.get(name)
        if existing is None:
            attach[name] = aligned
        elif not _same_values(existing, aligned):
            raise ArgumentError(
                _SERIES_NAME_CLASH.format(
                    argument=argument, name=name, data_argument=data_argument
                ),
                argument=argument,
            )
        return name
    if isinstance(value, pd.DataFrame):
        raise ArgumentError(
            _NOT_A_NAME.format(
                argument=argument,
                expected=f"a column name of `{data_argument}` or a named pandas Series",
                value="a DataFrame",
                fix=f"Pass one column, e.g. {argument}=frame['income'].",
            ),
            argument=argument,
        )
    if isinstance(value, np.ndarray | list | tuple | pd.Index):
        raise ArgumentError(
            _NOT_A_NAME.format(
                argument=argument,
                expected=f"one column name of `{data_argument}` or a named pandas Series",
                value=describe(value),
                fix=(
                    f"Add the values as a column (e.g. {data_argument}.assign(y=values)) and pass "
                    f"its name, or pass a named pandas Series with the index of "
                    f"`{data_argument}`."
                ),
            ),
            argument=argument,
        )
    _check_name(value, argument=argument, data_argument=data_argument)
    return value


def _names_arg(
    value: Any, data: pd.DataFrame, attach: dict, *, argument: str, data_argument: str
) -> list[Hashable]:
    """Return the column names of a several-columns argument (names, Series or a DataFrame)."""
    if isinstance(value, pd.DataFrame):
        items = [value[c] for c in value.columns]
    elif isinstance(value, pd.Series) or not isinstance(
        value, list | tuple | pd.Index | np.ndarray
    ):
        items = [value]
    else:
        items = list(value)
    names = [
        _column_arg(item, data, attach, argument=argument, data_argument=data_argument)
        for item in items
    ]
    return normalise_names(names, argument=argument)


def _with_columns(data: pd.DataFrame, attach: Mapping[Hashable, pd.Series]) -> pd.DataFrame:
    """Return a shallow copy of ``data`` with the (aligned) Series added as columns."""
    out = data.copy(deep=False)
    for name, values in attach.items():
        out[name] = values.array
    return out


def resolve_names(
    data: pd.DataFrame, value: Any, *, argument: str, data_argument: str = "data"
) -> tuple[pd.DataFrame, list[Hashable]]:
    """Turn an argument naming several columns into names, accepting named Series.

    The same rules as ``sensitive_features`` in :func:`resolve_columns`, for
    other arguments that name columns (``quasi_identifiers``,
    ``cohort_features``, ...).

    Parameters
    ----------
    data : pandas.DataFrame
        The rows.
    value : hashable, Series, DataFrame or a sequence of them
        What the caller passed.
    argument, data_argument : str
        Names for messages (see the module docstring).

    Returns
    -------
    tuple
        ``(data, names)``: ``data`` with any Series added (a shallow copy), and
        the column names, checked to exist.

    Raises
    ------
    ArgumentError, DataValidationError
        As :func:`resolve_columns`.
    """
    attach: dict[Hashable, pd.Series] = {}
    names = _names_arg(value, data, attach, argument=argument, data_argument=data_argument)
    if attach:
        data = _with_columns(data, attach)
    check_columns(data, names, argument=argument, data_argument=data_argument)
    return data, names


def resolve_columns(
    data: pd.DataFrame,
    *,
    target: Any = None,
    sensitive_features: Any = None,
    features: Any = None,
    model: Any = None,
    target_required: bool = True,
    data_argument: str = "data",
) -> ResolvedColumns:
    """Turn column arguments into column names of ``data``, accepting named Series.

    ``target`` and each sensitive feature may be a column name or, as in
    fairlearn, a named pandas Series (``sensitive_features=df["sex"]``); a
    DataFrame gives several sensitive features. A Series is matched to the rows
    by index label and added to a shallow copy of ``data`` under its name (or,
    when ``data`` already has a column of that name with the same values, that
    column is used).

    Parameters
    ----------
    data : pandas.DataFrame
        The rows.
    target : hashable or Series, optional
        The target column.
    sensitive_features : hashable, Series, DataFrame or a sequence of them, optional
        The sensitive column(s).
    features : sequence of hashable, optional
        Model input columns.
    model : estimator, optional
        The model; when it does not record its inputs and a Series was added,
        ``features`` defaults to the original columns but the target.
    target_required : bool, default=True
        Refuse ``target=None``.
    data_argument : str, default="data"
        Name of the frame's argument for messages.

    Returns
    -------
    ResolvedColumns
        The frame and the names.

    Raises
    ------
    ArgumentError
        A nameless Series, a Series whose name clashes with another column,
        or a value that is not a column name.
    DataValidationError
        A misaligned Series index or a name that is not a column.
    """
    data = check_data_frame(data, argument=data_argument)
    attach: dict[Hashable, pd.Series] = {}
    if target is None:
        if target_required:
            raise ArgumentError(
                f"`target` is required: name the column of `{data_argument}` holding the true "
                f"outcomes, e.g. target='income'.",
                argument="target",
            )
    else:
        target = _column_arg(
            target, data, attach, argument="target", data_argument=data_argument
        )
    names = None
    if sensitive_features is not None:
        names = _names_arg(
            sensitive_features,
            data,
            attach,
            argument="sensitive_features",
            data_argument=data_argument,
        )
    if features is not None:
        if isinstance(features, pd.Series | pd.DataFrame):
            raise ArgumentError(
                f"`features` must be a list of column names of `{data_argument}`; received a "
                f"{type(features).__name__}. Pass e.g. features=list(X.columns).",
                argument="features",
            )
        features = normalise_names(features, argument="features")
    original = list(data.columns)
    if attach:
        data = _with_columns(data, attach)
        if (
            features is None
            and model is not None
            and getattr(model, "feature_names_in_", None) is None
        ):
            features = [c for c in original if c != target]
    if target is not None:
        check_columns(data, [target], argument="target", data_argument=data_argument)
    if names is not None:
        check_columns(data, names, argument="sensitive_features", data_argument=data_argument)
    return ResolvedColumns(
        data=data,
        target=target,
        sensitive_features=names,
        features=features,
        attached=tuple(attach),
    )


def check_sensitive_not_target(
    data: pd.DataFrame, target: Hashable, sensitive_features: Sequence[Hashable]
) -> None:
    """Refuse a sensitive feature that is the target column or a copy of it.

    Parameters
    ----------
    data : pandas.DataFrame
        The rows.
    target : hashable
        Target column.
    sensitive_features : sequence of hashable
        Sensitive columns.

    Raises
    ------
    ArgumentError
        If a sensitive feature is the target or holds exactly its values.
    """
    for name in sensitive_features:
        if name == target:
            how = "is"
        elif _same_values(data[name], data[target]):
            how = "holds exactly the values of"
        else:
            continue
        raise ArgumentError(
            _SENSITIVE_IS_TARGET.format(name=name, how=how, target=target),
            argument="sensitive_features",
        )


def check_target_values(
    values: pd.Series, *, target: Hashable, data_argument: str = "data", purpose: str = ""
) -> np.ndarray:
    """Check a target column: no missing or infinite values, one kind of label.

    Parameters
    ----------
    values : pandas.Series
        The target column.
    target : hashable
        Its name, for messages.
    data_argument : str, default="data"
        Name of the argument holding the frame.
    purpose : str, optional
        Why every row needs an outcome (appended to the message).

    Returns
    -------
    numpy.ndarray
        The values.

    Raises
    ------
    DataValidationError
        If values are missing or infinite, unhashable, or mix strings and numbers.
    """
    where = "" if data_argument == "data" else f" of `{data_argument}`"
    y = values.to_numpy()
    n_nan = int(pd.isna(y).sum())
    if n_nan == len(y):
        raise DataValidationError(
            f"Target column {target!r}{where} is entirely missing (all {n_nan} values are NaN); "
            f"pass data with observed outcomes.",
            argument="target",
        )
    if n_nan:
        raise DataValidationError(
            f"Target column {target!r}{where} has {n_nan} missing value(s); "
            f"{purpose or 'metrics need an observed outcome for every row'}. Drop or impute "
            f"those rows explicitly before the analysis.",
            argument="target",
        )
    _check_finite(values, what=f"Target column {target!r}{where}", argument="target")
    if not pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values):
        try:
            levels = pd.unique(values)
        except TypeError as err:
            raise DataValidationError(
                f"Target column {target!r}{where} holds unhashable values (e.g. lists); a target "
                f"holds one label or number per row.",
                argument="target",
            ) from err
        _check_one_kind(levels, what=f"Target column {target!r}{where}", argument="target")
    return y


def _check_finite(values: Any, *, what: str, argument: str) -> None:
    series = values if isinstance(values, pd.Series) else pd.Series(np.asarray(values).ravel())
    if pd.api.types.is_integer_dtype(series):  # integers are never infinite
        return
    if pd.api.types.is_bool_dtype(series) or not pd.api.types.is_numeric_dtype(series):
        if series.dtype != object:
            return
        try:
            levels = pd.unique(series)
        except TypeError:  # unhashable values: refused by the caller's own check
            return
        numbers_ = [v for v in levels if isinstance(v, float | np.floating)]
        n_inf = int(np.isinf(np.asarray(numbers_, dtype=float)).sum()) if numbers_ else 0
    else:
        arr = series.to_numpy(dtype=float, na_value=np.nan)
        n_inf = int(np.isinf(arr).sum())
    if n_inf:
        raise DataValidationError(
            f"{what} has {n_inf} infinite value(s); outcomes, predictions and scores must be "
            f"finite. Fix or drop those rows explicitly before the analysis.",
            argument=argument,
        )


def _check_one_kind(levels: Any, *, what: str, argument: str) -> None:
    kinds = {
        "text" if isinstance(v, str) else "number" if isinstance(v, numbers.Number) else "other"
        for v in levels
        if not pd.isna(v)
    }
    if "text" in kinds and len(kinds) > 1:
        shown = ", ".join(repr(v) for v in list(levels)[:6])
        raise DataValidationError(
            f"{what} mixes text and numbers ({shown}); labels must be of one kind to be "
            f"compared. Convert them, e.g. .astype(str), consistently in the data and the model.",
            argument=argument,
        )


def check_hashable_columns(
    data: pd.DataFrame,
    columns: Sequence[Hashable],
    *,
    argument: str,
    purpose: str = "rows can only be grouped by hashable values",
) -> None:
    """Refuse columns holding unhashable values (lists, dicts): they cannot form groups.

    Parameters
    ----------
    data : pandas.DataFrame
        The rows.
    columns : sequence of hashable
        Columns that will be grouped by.
    argument : str
        The argument that named them.
    purpose : str, optional
        Why hashable values are needed (for the message).

    Raises
    ------
    DataValidationError
        If a column holds unhashable values.
    """
    for name in columns:
        col = data[name]
        if col.dtype != object:
            continue
        try:
            pd.unique(col)
        except TypeError as err:
            raise DataValidationError(
                f"Column {name!r} given as `{argument}` holds unhashable values (e.g. lists or "
                f"dicts); {purpose}. Convert them, e.g. data[{name!r}].astype(str).",
                argument=argument,
            ) from err


def check_predictions(pred: np.ndarray, *, argument: str = "y_pred") -> np.ndarray:
    """Return predictions of shape (n,) or (n, 1) as shape (n,): none missing or infinite.

    Raises a :class:`DataValidationError` naming ``argument`` otherwise.
    """
    pred = pred.ravel() if pred.ndim > 1 and pred.shape[1] == 1 else pred
    if pred.ndim != 1:
        raise DataValidationError(
            f"Predictions must be one value per row; received an array of shape {pred.shape}. "
            f"Pass class labels, not probabilities, as {argument} (probabilities go to y_score).",
            argument=argument,
        )
    n_missing = int(pd.isna(pred).sum())
    if n_missing:
        raise DataValidationError(
            f"Predictions contain {n_missing} missing value(s); every row needs a prediction.",
            argument=argument,
        )
    _check_finite(pred, what=f"`{argument}`", argument=argument)
    return pred


def check_names_for_two_frames(value: Any, *, argument: str, frames: str) -> None:
    """Refuse a Series (or DataFrame) given where two frames are named by the same column.

    Functions that take two frames (train and holdout, train and test) read the
    same column of each; a Series carries the rows of one frame only.

    Parameters
    ----------
    value : object
        What the caller passed.
    argument : str
        Argument name for the message.
    frames : str
        The two frames, e.g. ``"`train` and `test`"``.

    Raises
    ------
    ArgumentError
        If ``value`` is, or holds, a pandas Series or DataFrame.
    """
    items = value if isinstance(value, list | tuple) else [value]
    found = next((v for v in items if isinstance(v, pd.Series | pd.DataFrame)), None)
    if found is not None:
        raise ArgumentError(
            f"`{argument}` must name columns of {frames}; received {describe(found)}. A Series "
            f"cannot label the rows of two frames: add it to both frames as a column and pass "
            f"its name.",
            argument=argument,
        )


def check_label(
    value: Any, *, argument: str = "pos_label", expected: str = "", allow_tuple: bool = False
) -> Any:
    """Refuse a class label that cannot be one (a list, a tuple, an array, a dict).

    Parameters
    ----------
    value : object
        What the caller passed.
    argument : str, default="pos_label"
        Parameter name for the message.
    expected : str, optional
        What is expected, in words (default: one class label).
    allow_tuple : bool, default=False
        Accept a tuple (a group of several sensitive features); a class label
        is never one, and comparing a tuple with labels would be element-wise.

    Returns
    -------
    object
        ``value``.

    Raises
    ------
    ArgumentError
        If ``value`` is not hashable or is array-like.
    """
    containers = list | dict | set | frozenset | np.ndarray | pd.Series | pd.DataFrame | pd.Index
    bad = isinstance(value, containers) or (isinstance(value, tuple) and not allow_tuple)
    bad = bad or not is_hashable(value)
    if bad:
        expected = expected or f"one class label (e.g. {argument}=1 or {argument}='>50K')"
        raise ArgumentError(
            f"{argument} must be {expected}; received {describe(value)}.", argument=argument
        )
    return value


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
    if not hasattr(model, "predict") or isinstance(model, type):
        what = f"the class {model.__name__}" if isinstance(model, type) else describe(model)
        raise ArgumentError(
            f"`{argument}` must be a fitted model with a `predict` method (e.g. a scikit-learn "
            f"estimator or Pipeline); received {what}.",
            argument=argument,
        )
    if hasattr(model, "fit") and hasattr(model, "get_params"):
        try:
            check_is_fitted(model)
        except _SkNotFittedError as err:
            raise NotFittedError(
                f"`{argument}` ({type(model).__name__}) is not fitted. "
                f"Call {argument}.fit(X, y) before analysing it.",
                argument=argument,
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
    ``features``, then every column but ``target`` and ``exclude``. A model
    that records ``feature_names_in_`` is always called on those columns;
    ``features`` given beside it must name the same columns.

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
        If the model's columns (or ``features``) include ``target``, or if
        ``features`` differs from the model's ``feature_names_in_``.
    """
    names = getattr(model, "feature_names_in_", None)
    if names is not None:
        cols = list(names)
        missing = [c for c in cols if c not in data.columns]
        if missing:
            raise DataValidationError(
                f"`data` lacks {len(missing)} column(s) the model was trained on: "
                f"{_list_columns([repr(m) for m in missing])}. Pass data with the model's "
                f"training columns ({_list_columns(cols)}).",
                argument="data",
            )
        if features is not None:
            _check_same_features(normalise_names(features, argument="features"), cols)
    elif features is not None:
        cols = normalise_names(features, argument="features")
        check_columns(data, cols, argument="features")
    else:
        skip = set(exclude)
        if target is not None:
            skip.add(target)
        return [c for c in data.columns if c not in skip]
    if target is not None and target in cols:
        raise ArgumentError(
            f"The model's input columns include the target {target!r}; pass features=[...] "
            f"without it (or retrain the model without the target).",
            argument="features",
        )
    return cols


def _check_same_features(given: list[Hashable], recorded: list[Hashable]) -> None:
    """Refuse ``features`` that differ from the model's ``feature_names_in_`` (order aside)."""
    if set(given) == set(recorded):  # neither repeats a name
        return
    extra = [repr(c) for c in given if c not in recorded]
    left = [repr(c) for c in recorded if c not in given]
    parts = []
    if extra:
        parts.append(f"not among them: {_list_columns(extra)}")
    if left:
        parts.append(f"left out: {_list_columns(left)}")
    differ = "; ".join(parts)
    raise ArgumentError(
        f"features= names other columns than the model was trained on "
        f"(feature_names_in_: {_list_columns([repr(c) for c in recorded])}); {differ}. The "
        f"model is always called on its own training columns: omit features=, or pass exactly "
        f"those columns.",
        argument="features",
    )


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
            f"Check that the data has the columns and dtypes the model was trained on.",
            argument="model",
        ) from err
    out = np.asarray(out)
    if out.ndim == 0 or out.shape[0] != X.shape[0]:
        n = "a scalar" if out.ndim == 0 else f"{out.shape[0]} rows"
        raise ModelError(
            f"{type(model).__name__}.{method} returned {n} for {X.shape[0]} "
            f"input rows; a model must return one output per row.",
            argument="model",
        )
    return out


def is_continuous(values: pd.Series) -> bool:
    """Return whether a column is numeric with more than MAX_DISCRETE_LEVELS values."""
    if not pd.api.types.is_numeric_dtype(values) or pd.api.types.is_bool_dtype(values):
        return False
    return values.nunique(dropna=True) > MAX_DISCRETE_LEVELS


def _bin_column(values: pd.Series, spec: Any, name: Hashable) -> pd.Series:
    if not pd.api.types.is_numeric_dtype(values):
        raise ArgumentError(
            f"bins were given for sensitive feature {name!r}, which is not numeric "
            f"(dtype {values.dtype}); bins apply to numeric columns only. Remove it from `bins`.",
            argument="bins",
        )
    argument = f"bins[{name!r}]"
    bad_edges = (
        f"{argument} must be a number of quantile bins (an int in [2, {MAX_BINS}]) or a "
        f"strictly increasing sequence of at least two edges (-inf and inf allowed); received "
        f"{describe(spec)}. Pass e.g. bins={{{name!r}: [0, 25, 45, 65, 120]}}."
    )
    if isinstance(spec, numbers.Integral) and not isinstance(spec, bool | np.bool_):
        check_int(spec, argument=argument, low=2, high=MAX_BINS, hint=bad_edges.split("; ")[-1])
        edges = np.unique(np.nanquantile(values.to_numpy(dtype=float), np.linspace(0, 1, spec + 1)))
    else:
        if isinstance(spec, str | bytes | Mapping) or not np.iterable(spec):
            raise ArgumentError(bad_edges, argument="bins")
        try:
            edges = np.asarray(list(spec), dtype=float)
        except (TypeError, ValueError) as err:
            raise ArgumentError(bad_edges, argument="bins") from err
        if (
            edges.ndim != 1
            or edges.size < 2
            or np.isnan(edges).any()
            or np.any(np.diff(edges) <= 0)
        ):
            raise ArgumentError(bad_edges, argument="bins")
        outside = values.notna() & ((values < edges[0]) | (values > edges[-1]))
        if outside.any():
            raise ArgumentError(
                f"{int(outside.sum())} value(s) of sensitive feature {name!r} fall outside the "
                f"bins [{edges[0]:g}, {edges[-1]:g}] (min {values.min():g}, max {values.max():g}). "
                f"Widen the edges, e.g. use -inf and inf as outer edges.",
                argument="bins",
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
    row_counts: np.ndarray | None = None,
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
    row_counts : numpy.ndarray, optional
        Rows each row of ``data`` stands for, when ``data`` is a count table an
        engine collected (messages then count rows, not entries).

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
    bins = check_mapping(
        bins, argument="bins", hint="Pass e.g. bins={'age': [0, 25, 45, 65, 120]}."
    ) or {}
    check_names(
        bins,
        argument="bins",
        allowed=names,
        what="sensitive_features",
        hint="Bin only columns named in sensitive_features.",
    )
    out = {}
    for name in names:
        col = data[name]
        if name in bins:
            col = _bin_column(col, bins[name], name)
        elif is_continuous(col):
            raise DataValidationError(
                f"Sensitive feature {name!r} looks continuous ({col.nunique()} distinct numeric "
                f"values); group metrics need discrete groups. Pass bins={{{name!r}: [edges]}} "
                f"(e.g. [0, 25, 45, 65, 120]) or bins={{{name!r}: 4}} for quartiles.",
                argument="sensitive_features",
            )
        try:
            # hashing the distinct values is enough (and O(n) in C, unlike col.map(hash))
            if col.dtype == object:
                pd.unique(col)
        except TypeError as err:
            raise DataValidationError(
                f"Sensitive feature {name!r} holds unhashable values (e.g. lists or dicts); "
                f"group labels must be hashable. Convert them, e.g. data[{name!r}].astype(str).",
                argument="sensitive_features",
            ) from err
        is_missing = col.isna()
        n_missing = int(
            is_missing.sum() if row_counts is None else row_counts[is_missing.to_numpy()].sum()
        )
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
        raise ArgumentError(
            f"`{argument}` is empty; name at least one column.", argument=argument
        )
    for name in names:
        _check_name(name, argument=argument)
    if len(set(names)) != len(names):
        raise ArgumentError(f"`{argument}` repeats a column: {names!r}.", argument=argument)
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
    """Return a column of ``data`` by name, or per-row values aligned by :func:`align_values`."""
    if isinstance(value, str) or (
        isinstance(value, Hashable)
        and not isinstance(value, np.ndarray | pd.Series | pd.DataFrame | pd.Index | list | tuple)
    ):
        check_columns(data, [value], argument=argument)
        return data[value].to_numpy()
    return align_values(value, data, argument=argument)


def positive_scores(proba: np.ndarray, classes: Sequence[Any], pos_label: Any) -> np.ndarray:
    """Pick the column of ``pos_label`` (one of the model's ``classes``) from ``predict_proba``.

    Returns shape (n,); raises a :class:`ModelError` if ``pos_label`` is not a class.
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
            f"outside{span}. Pass predict_proba output, or rescale decision_function scores.",
            argument=argument,
        )
    return score


def infer_task(y: np.ndarray) -> str:
    """Infer the learning task from target values ``y``, as every analysis does.

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


def _classifier_task(model: Any, y_true: np.ndarray, target: Hashable) -> str:
    """Return the task of a target that reads as numbers: a classifier's labels are classes.

    Returns ``"regression"`` for a model without ``classes_``, ``"multiclass"``
    when every target value is one of its classes (many integer classes), and
    refuses values the classifier cannot predict.
    """
    classes = getattr(model, "classes_", None)
    if classes is None:
        return "regression"
    labels = set(np.asarray(classes).tolist())
    other = [v for v in pd.unique(y_true).tolist() if v not in labels]
    if not other:
        return "multiclass"
    raise DataValidationError(
        f"target {target!r} reads as a regression target (e.g. "
        f"{', '.join(repr(v) for v in other[:3])}), but the model is a classifier of the labels "
        f"{_list_columns([repr(c) for c in sorted(labels, key=repr)])}. Pass the labels the "
        f"classifier was trained on as the target.",
        argument="target",
    )


def prepare_data(
    model: Any,
    data: pd.DataFrame,
    *,
    target: Hashable,
    sensitive_features: Hashable | Sequence[Hashable] | None,
    y_pred: Any = None,
    y_score: Any = None,
    features: Sequence[Hashable] | None = None,
    pos_label: Any = 1,
    bins: Mapping[Hashable, Any] | None = None,
    task: str = "auto",
    groups: bool = True,
    scores: bool = True,
    purpose: str = "",
    row_counts: np.ndarray | None = None,
) -> CheckedData:
    """Validate inputs and compute predictions: the entry point of every analysis.

    ``model``, ``data``, ``target``, ``sensitive_features``, ``y_pred``,
    ``y_score``, ``features``, ``pos_label``, ``bins`` and ``task`` mean what
    they mean in :func:`~rai_toolkit.analyze_fairness`.

    Parameters
    ----------
    groups : bool, default=True
        Whether the analysis compares groups; when False, ``sensitive_features``
        may be None and ``CheckedData.sensitive`` has no columns.
    scores : bool, default=True
        Whether the analysis reads scores. When False the model's
        ``predict_proba`` is not called and ``pos_label`` is not checked (pass
        None): the analysis reads labels only.
    purpose : str, optional
        Why every row needs an outcome, for the message about a missing target.
    row_counts : numpy.ndarray, optional
        Rows each row of ``data`` stands for (a count table collected by an engine).

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
    task = check_choice(task, argument="task", choices=_TASKS)
    pos_label = check_label(pos_label)
    positive_class = scores or pos_label is not None
    columns = resolve_columns(
        data,
        target=target,
        sensitive_features=sensitive_features,
        features=features,
        model=model if y_pred is None else None,
    )
    data, target, features = columns.data, columns.target, columns.features
    names = columns.sensitive_features
    if names is None and groups:
        raise ArgumentError(
            "`sensitive_features` is required: name the column(s) that define the groups of "
            "people to compare, e.g. sensitive_features='sex' or ['sex', 'race'].",
            argument="sensitive_features",
        )
    if names is None:
        sensitive = pd.DataFrame(index=data.index)
    else:
        check_sensitive_not_target(data, target, names)
        sensitive = encode_sensitive(data, names, bins=bins, row_counts=row_counts)
    y_true = check_target_values(data[target], target=target, purpose=purpose)
    inferred = task == "auto"
    if inferred:
        task = infer_task(y_true)

    used_features: list = []
    if y_pred is None:
        if model is None:
            raise ArgumentError(
                "Pass either a fitted `model` or `y_pred` (a column name of data or an array "
                "of predictions); both are None.",
                argument="model",
            )
        check_fitted(model)
        if inferred and task == "regression":
            task = _classifier_task(model, y_true, target)
        used_features = model_features(model, data, target=target, features=features)
        X = data[used_features]
        pred = call_model(model, X, "predict")
        if pred.ndim > 1 and pred.shape[1] == 1:
            pred = pred.ravel()
        score = None
        wants_scores = scores and task != "regression" and hasattr(model, "predict_proba")
        if y_score is None and wants_scores:
            proba = call_model(model, X, "predict_proba")
            classes = getattr(model, "classes_", None)
            if classes is None:
                classes = np.unique(y_true)
            if task == "binary":
                if pos_label not in list(classes):
                    _raise_pos_label(pos_label, classes, "the model's classes_")
                score = positive_scores(proba, classes, pos_label)
            else:
                score = _align_proba(proba, classes, _sorted_labels(classes, y_true, target))
        elif y_score is not None:
            score = _column_or_array(y_score, data, argument="y_score")
    else:
        pred = _column_or_array(y_pred, data, argument="y_pred")
        score = None if y_score is None else _column_or_array(y_score, data, argument="y_score")

    pred = check_predictions(pred)
    if score is not None and task != "regression":
        score = _as_numbers(
            score,
            argument="y_score",
            needs="y_score must hold numbers (probabilities)",
            fix="Pass model.predict_proba(X) output.",
        )

    classes_out = None
    if task in ("binary", "multiclass"):
        # unique values first (hash-based, O(n)), then sort the few of them
        classes_out = _sorted_labels(pd.unique(y_true), None, target)
        if task == "binary":
            if positive_class and pos_label not in set(classes_out.tolist()):
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
                    f"Pass class labels (e.g. model.predict), not scores or other codes.",
                    argument="y_pred",
                )
            classes_out = np.array(sorted(labels, key=repr)) if len(labels) == 2 else classes_out
            if score is not None:
                if score.ndim != 1:
                    raise DataValidationError(
                        f"y_score must be one probability of pos_label per row; received shape "
                        f"{score.shape}. Pass model.predict_proba(X)[:, 1].",
                        argument="y_score",
                    )
                check_probabilities(score)
        else:
            predicted = pd.unique(pred)
            _check_one_kind(
                np.concatenate([classes_out.astype(object), predicted.astype(object)]),
                what=f"The labels of target {target!r} together with y_pred",
                argument="y_pred",
            )
            if not set(predicted.tolist()) & set(classes_out.tolist()):
                raise DataValidationError(
                    f"y_pred shares no label with target {target!r}: predictions "
                    f"{sorted(map(repr, predicted.tolist()))[:10]}, target "
                    f"{sorted(map(repr, classes_out.tolist()))[:10]}. Pass predictions coded "
                    f"like the target.",
                    argument="y_pred",
                )
    else:
        labels = "Pass task='binary' or 'multiclass' for labels."
        needs = f"Regression needs a numeric target {target!r}"
        y_true = _as_numbers(y_true, argument="task", needs=needs, fix=labels)
        pred = _as_numbers(
            pred, argument="task", needs="Regression needs numeric predictions", fix=labels
        )
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


def _sorted_labels(first: Any, second: Any, target: Hashable) -> np.ndarray:
    """Sorted distinct labels of one or two label arrays; refuse labels that cannot be sorted."""
    values = np.asarray(first, dtype=object if second is not None else None)
    if second is not None:
        values = np.concatenate([values, np.asarray(pd.unique(second), dtype=object)])
    try:
        return np.unique(values)
    except TypeError as err:
        shown = ", ".join(repr(v) for v in pd.unique(values)[:6].tolist())
        raise DataValidationError(
            f"The labels of target {target!r} (with the model's classes_) mix kinds that cannot "
            f"be compared ({shown}); code the target as the model was trained, e.g. all "
            f"strings or all integers.",
            argument="target",
        ) from err


#: pandas.api.types.infer_dtype kinds of an object array that holds text.
_TEXT_KINDS = frozenset({"string", "bytes", "mixed", "mixed-integer"})


def _as_numbers(values: Any, *, argument: str, needs: str, fix: str) -> np.ndarray:
    """Return ``values`` as floats, or refuse them (``needs``: what was expected; ``fix``: how).

    Text is refused even where it reads as numbers (``"0.7"``): a score or a
    value held as text is a sign of a misread column, not a number to parse.
    """
    raw = np.asarray(values)
    text = raw.dtype.kind in "US" or (
        raw.dtype == object and pd.api.types.infer_dtype(raw, skipna=True) in _TEXT_KINDS
    )
    try:
        if text:
            raise TypeError("text")
        return raw.astype(float)
    except (TypeError, ValueError) as err:
        raise DataValidationError(
            f"{needs}; received values of dtype {raw.dtype}. {fix}",
            argument=argument,
        ) from err


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
        f"Pass pos_label= set to the favourable outcome's label.",
        argument="pos_label",
    )
