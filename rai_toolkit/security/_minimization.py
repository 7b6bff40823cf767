"""Data minimisation: features that contribute almost nothing to a model."""

from __future__ import annotations

from typing import Any

import pandas as pd

from rai_toolkit._api import public
from rai_toolkit._scalars import check_fraction
from rai_toolkit.exceptions import ArgumentError, DataValidationError

__all__ = ["minimization_candidates"]


def _importance_series(explanation: Any) -> pd.Series:
    source = explanation
    if not isinstance(source, pd.Series | pd.DataFrame):
        source = getattr(explanation, "global_importance", None)
        if callable(source):
            source = source()
    if isinstance(source, pd.DataFrame):
        # e.g. one column of mean |SHAP| per class: a feature's total over classes
        numeric = source.select_dtypes("number")
        if numeric.shape[1] == 0:
            raise ArgumentError(
                "The importance DataFrame has no numeric column; pass mean |SHAP| values "
                "(one numeric column per class), indexed by feature.",
                argument="explanation_report",
            )
        source = numeric.sum(axis=1)
    if not isinstance(source, pd.Series):
        raise ArgumentError(
            f"minimization_candidates needs an ExplanationReport (from "
            f"rai_toolkit.explain.explain_model) or a pandas Series of mean |SHAP| importance "
            f"indexed by feature; received {type(explanation).__name__} without a "
            f"`global_importance` Series.",
            argument="explanation_report",
        )
    return source


@public
def minimization_candidates(explanation_report: Any, *, threshold: float = 0.01) -> pd.DataFrame:
    """List features whose share of total importance is below ``threshold``.

    A feature that accounts for less than ``threshold`` of the model's total
    mean |SHAP| importance barely changes its decisions: it is a candidate to
    stop collecting (data minimisation). Importance is relative to this model
    and this data; before dropping a feature, retrain without it and compare
    performance and fairness. Keep sensitive features for fairness testing even
    when the model does not use them.

    Parameters
    ----------
    explanation_report : ExplanationReport or pandas.Series
        An :class:`~rai_toolkit.explain.ExplanationReport`, any object with a
        ``global_importance`` Series (mean |SHAP| per feature; a DataFrame with
        one column per class is summed over classes), or that Series itself.
    threshold : float, default=0.01
        Share of total importance below which a feature is a candidate, in (0, 1).

    Returns
    -------
    pandas.DataFrame
        Indexed by feature, least important first, with columns ``importance``
        (mean |SHAP|), ``share`` (importance / total) and ``cumulative_share``
        (share of all candidates up to this one). Empty when no feature is below
        the threshold.

    Raises
    ------
    ArgumentError
        If ``threshold`` is not in (0, 1) or the input carries no importance.
    DataValidationError
        If importances are missing, negative, or all zero.

    Examples
    --------
    >>> import pandas as pd
    >>> from rai_toolkit.security import minimization_candidates
    >>> imp = pd.Series({"income": 0.6, "age": 0.395, "zip": 0.005})
    >>> minimization_candidates(imp).index.tolist()
    ['zip']
    """
    threshold = check_fraction(
        threshold,
        argument="threshold",
        expected="a share of total importance strictly between 0 and 1",
        hint="Use e.g. threshold=0.01 for features under 1% of total importance.",
    )
    importance = _importance_series(explanation_report)
    if importance.empty:
        raise DataValidationError(
            "The global importance is empty (no features); explain a model with features first."
        )
    values = pd.to_numeric(importance, errors="coerce").astype(float)
    bad = values.isna() | (values < 0) | (values == float("inf"))
    if bad.any():
        raise DataValidationError(
            f"Global importance must be finite non-negative numbers (mean |SHAP|); features "
            f"{', '.join(map(repr, values.index[bad][:10]))} have missing, infinite or negative "
            f"values. Pass mean absolute SHAP values.",
            argument="explanation_report",
        )
    total = values.sum()
    if total <= 0:
        raise DataValidationError(
            "Every feature has zero importance, so shares are undefined; check that the "
            "explanation was computed on a fitted model and representative data."
        )
    share = values / total
    candidates = share[share < threshold].sort_values(kind="stable")
    out = pd.DataFrame(
        {
            "importance": values[candidates.index],
            "share": candidates,
            "cumulative_share": candidates.cumsum(),
        }
    )
    out.index.name = "feature"
    return out
