"""analyze_errors: the cohorts a model gets wrong most often, over one validated input."""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from rai_toolkit._api import public
from rai_toolkit._scalars import check_int
from rai_toolkit._validation import (
    MAX_BINS,
    CheckedData,
    check_data_frame,
    model_features,
    prepare_data,
    resolve_columns,
    resolve_names,
)
from rai_toolkit.error_analysis._cohorts import check_exclude, search_cohorts
from rai_toolkit.error_analysis._result import ErrorAnalysis
from rai_toolkit.exceptions import ArgumentError

__all__ = ["analyze_errors", "error_analysis"]

_PURPOSE = "error analysis needs an observed outcome for every row"


@public
def analyze_errors(
    model: Any,
    data: pd.DataFrame,
    *,
    target: Hashable,
    y_pred: Any = None,
    features: Sequence[Hashable] | None = None,
    cohort_features: Sequence[Hashable] | None = None,
    max_conditions: int = 2,
    min_cohort_size: int = 30,
    min_cell_size: int = 10,
    n_bins: int = 4,
    max_levels: int = 10,
    exclude: Mapping[Hashable, Sequence[Hashable]] | Sequence[Mapping[Hashable, Any]] | None = None,
) -> ErrorAnalysis:
    """Find the cohorts where a model errs most, over one or two conditions.

    Parameters
    ----------
    model : estimator or None
        Fitted model; None when ``y_pred`` is given.
    data : pandas.DataFrame
        Rows to analyse, with the target.
    target : hashable
        Target column.
    y_pred : column name or array-like, optional
        Predictions, if already computed.
    features : sequence of hashable, optional
        Model input columns when the model does not record ``feature_names_in_``;
        beside a model that does, it must name the same columns.
    cohort_features : sequence of hashable, optional
        Columns that define cohorts; by default the model's input columns.
    max_conditions : {1, 2}, default=2
        Largest number of conditions per cohort.
    min_cohort_size : int, default=30
        Smallest cohort listed (an error rate of fewer rows is noise).
    min_cell_size : int, default=10
        Privacy floor: a cohort is listed only if it and its complement inside
        each parent cohort have at least this many rows.
    n_bins : int, default=4
        Quantile bins for numeric features with many values.
    max_levels : int, default=10
        Numeric features with at most this many distinct values are used as
        categories.
    exclude : mapping or sequence of mappings, optional
        Cohorts that must not be listed (the groups a report hides): either
        ``{feature: [levels]}`` (no cohort may name one of these levels), or a
        list of ``{feature: level, ...}`` (no cohort may contain all of these
        conditions, e.g. one hidden intersectional group).

    Returns
    -------
    ErrorAnalysis
        Cohorts worst first.

    Raises
    ------
    DataValidationError
        Missing columns or a target with missing values.
    ArgumentError
        Out-of-range settings.

    Examples
    --------
    >>> from rai_toolkit.datasets import make_biased_classification
    >>> ds = make_biased_classification(2000, random_state=0)
    >>> ea = analyze_errors(None, ds.frame, target="y", y_pred=(ds.frame["x0"] > 0).astype(int))
    >>> ea.metric
    'error_rate'
    """
    data = check_data_frame(data)
    max_conditions = check_int(
        max_conditions,
        argument="max_conditions",
        low=1,
        high=2,
        hint="Cohorts of three or more conditions are too small to be reliable in most data sets.",
    )
    min_cohort_size = check_int(min_cohort_size, argument="min_cohort_size", low=1)
    min_cell_size = check_int(min_cell_size, argument="min_cell_size", low=1)
    n_bins = check_int(n_bins, argument="n_bins", low=2, high=MAX_BINS)
    max_levels = check_int(max_levels, argument="max_levels", low=1)
    rules = check_exclude(exclude)
    columns = resolve_columns(
        data, target=target, features=features, model=model if y_pred is None else None
    )
    data, target, features = columns.data, columns.target, columns.features
    checked = prepare_data(
        model,
        data,
        target=target,
        sensitive_features=None,
        y_pred=y_pred,
        features=features,
        pos_label=None,
        groups=False,
        scores=False,
        purpose=_PURPOSE,
    )
    if cohort_features is None:
        if checked.features:
            cohort_features = checked.features
        else:
            named = [y_pred] if isinstance(y_pred, str) else []
            cohort_features = model_features(
                None, data, target=target, features=features, exclude=named
            )
    else:
        data, cohort_features = resolve_names(data, cohort_features, argument="cohort_features")
    return error_analysis(
        checked,
        data,
        cohort_features=[c for c in cohort_features if c != target],
        max_conditions=max_conditions,
        min_cohort_size=min_cohort_size,
        min_cell_size=min_cell_size,
        n_bins=n_bins,
        max_levels=max_levels,
        rules=rules,
    )


def error_analysis(
    checked: CheckedData,
    data: pd.DataFrame,
    *,
    cohort_features: Sequence[Hashable],
    max_conditions: int = 2,
    min_cohort_size: int = 30,
    min_cell_size: int = 10,
    n_bins: int = 4,
    max_levels: int = 10,
    rules: Sequence[Mapping[Hashable, str]] = (),
) -> ErrorAnalysis:
    """Run the cohort search over inputs that are already validated.

    :func:`analyze_errors` calls it after :func:`~rai_toolkit._validation.prepare_data`;
    :func:`~rai_toolkit.report.assess` calls it with its one validated input.

    Parameters
    ----------
    checked : CheckedData
        Validated target and predictions.
    data : pandas.DataFrame
        Rows in the order of ``checked``, holding the cohort features.
    cohort_features : sequence of hashable
        Columns of ``data`` that define cohorts.
    max_conditions, min_cohort_size, min_cell_size, n_bins, max_levels : int
        Checked settings (see :func:`analyze_errors`).
    rules : sequence of mappings
        Cohorts that must not be listed, as returned by
        :func:`~rai_toolkit.error_analysis._cohorts.check_exclude`.

    Returns
    -------
    ErrorAnalysis
        Cohorts worst first.
    """
    if not cohort_features:
        raise ArgumentError(
            "No cohort features: pass cohort_features=[...] naming columns other than the target.",
            argument="cohort_features",
        )
    task = "regression" if checked.task == "regression" else "classification"
    if task == "classification":
        err = (checked.y_pred != checked.y_true).astype(float)
    else:
        err = np.abs(checked.y_pred - checked.y_true)
    settings = {
        "max_conditions": max_conditions,
        "min_cohort_size": min_cohort_size,
        "min_cell_size": min_cell_size,
        "n_bins": n_bins,
        "max_levels": max_levels,
    }
    cohorts, overall = search_cohorts(
        data, cohort_features, err, task=task, rules=rules, **settings
    )
    return ErrorAnalysis(
        cohorts=cohorts,
        overall=overall,
        task=task,
        features=[str(f) for f in cohort_features],
        settings=settings,
    )
