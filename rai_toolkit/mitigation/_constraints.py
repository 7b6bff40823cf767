"""Fairness constraints, objectives and the disparity each constraint controls.

A constraint names the per-group rates a mitigator equalises; its
*disparity* is the largest between-group difference of those rates (for
equalized odds, the larger of the true- and false-positive-rate
differences), the measure fairlearn reports as e.g.
``demographic_parity_difference``. Every rate is derived from one table of
per-group confusion counts.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from rai_toolkit.exceptions import ArgumentError

__all__ = [
    "CONSTRAINTS",
    "METHODS",
    "OBJECTIVES",
    "Constraint",
    "check_method",
    "check_constraint",
    "check_objective",
    "group_counts",
    "group_rates",
    "disparity",
    "objective_value",
]

#: Mitigation methods: fairlearn's ThresholdOptimizer, or its reductions.
METHODS = ("postprocess", "reduction")


@dataclass(frozen=True)
class Constraint:
    """A fairness constraint as each fairlearn mitigator spells it.

    Attributes
    ----------
    name : str
        Our name (``"demographic_parity"``, ...).
    rates : tuple of str
        Per-group rates the constraint equalises.
    postprocess : str or None
        ``ThresholdOptimizer(constraints=...)`` string; None if unsupported.
    reduction : str or None
        Name of the ``fairlearn.reductions`` moment class; None if unsupported.
    """

    name: str
    rates: tuple[str, ...]
    postprocess: str | None
    reduction: str | None

    @property
    def disparity_name(self) -> str:
        """Name of the disparity measure, e.g. ``"selection_rate_difference"``."""
        if len(self.rates) == 1:
            return f"{self.rates[0]}_difference"
        return f"{self.name}_difference"


#: Every constraint, with the fairlearn 0.7 spelling for each method.
CONSTRAINTS: dict[str, Constraint] = {
    c.name: c
    for c in (
        Constraint("demographic_parity", ("selection_rate",), "demographic_parity",
                   "DemographicParity"),
        Constraint("equalized_odds", ("true_positive_rate", "false_positive_rate"),
                   "equalized_odds", "EqualizedOdds"),
        Constraint("true_positive_rate_parity", ("true_positive_rate",),
                   "true_positive_rate_parity", "TruePositiveRateParity"),
        Constraint("false_positive_rate_parity", ("false_positive_rate",),
                   "false_positive_rate_parity", "FalsePositiveRateParity"),
        Constraint("true_negative_rate_parity", ("true_negative_rate",),
                   "true_negative_rate_parity", None),
        Constraint("false_negative_rate_parity", ("false_negative_rate",),
                   "false_negative_rate_parity", None),
        Constraint("error_rate_parity", ("error_rate",), None, "ErrorRateParity"),
    )
}

#: Objectives each method can optimise. fairlearn 0.7's reductions always minimise the error
#: rate; ThresholdOptimizer accepts these (only the first two with equalized_odds).
OBJECTIVES = {
    "postprocess": (
        "accuracy_score",
        "balanced_accuracy_score",
        "selection_rate",
        "true_positive_rate",
        "true_negative_rate",
    ),
    "reduction": ("accuracy_score",),
}
_EQUALIZED_ODDS_OBJECTIVES = ("accuracy_score", "balanced_accuracy_score")


def check_method(method: object) -> str:
    """Return ``method`` if it is a known mitigation method, else raise ArgumentError.

    Parameters
    ----------
    method : object
        What the caller passed as ``method``.

    Returns
    -------
    str
        The method.

    Raises
    ------
    ArgumentError
        If the method is unknown.
    """
    if method not in METHODS:
        raise ArgumentError(
            f"method={method!r} is not a mitigation method; choose 'postprocess' "
            f"(fairlearn ThresholdOptimizer: group-specific thresholds on the fitted model) or "
            f"'reduction' (fairlearn ExponentiatedGradient: refit the model with reweighted data)."
        )
    return str(method)


def check_constraint(constraint: object, method: str) -> Constraint:
    """Return the :class:`Constraint` named ``constraint`` if ``method`` supports it.

    Parameters
    ----------
    constraint : object
        What the caller passed as ``constraint``.
    method : {"postprocess", "reduction"}
        The mitigation method.

    Returns
    -------
    Constraint
        The constraint.

    Raises
    ------
    ArgumentError
        If the constraint is unknown or unsupported by ``method``; the message lists
        the valid constraints for ``method``.
    """
    valid = [c.name for c in CONSTRAINTS.values() if getattr(c, method) is not None]
    found = CONSTRAINTS.get(constraint) if isinstance(constraint, str) else None
    if found is None or getattr(found, method) is None:
        other = "reduction" if method == "postprocess" else "postprocess"
        hint = (
            f" It is available with method={other!r}."
            if found is not None and getattr(found, other) is not None
            else ""
        )
        raise ArgumentError(
            f"constraint={constraint!r} is not supported by method={method!r}; valid "
            f"constraints for {method!r} are: {', '.join(valid)}.{hint}"
        )
    return found


def check_objective(objective: object, method: str, constraint: Constraint) -> str:
    """Return ``objective`` if ``method`` can optimise it under ``constraint``.

    Parameters
    ----------
    objective : object
        What the caller passed as ``objective``.
    method : {"postprocess", "reduction"}
        The mitigation method.
    constraint : Constraint
        The constraint.

    Returns
    -------
    str
        The objective.

    Raises
    ------
    ArgumentError
        If the objective is not available for this method and constraint.
    """
    valid = OBJECTIVES[method]
    if method == "postprocess" and constraint.name == "equalized_odds":
        valid = _EQUALIZED_ODDS_OBJECTIVES
    if objective not in valid:
        why = (
            " fairlearn 0.7's reductions always minimise the error rate; use "
            "method='postprocess' for other objectives."
            if method == "reduction"
            else ""
        )
        raise ArgumentError(
            f"objective={objective!r} is not available for method={method!r} with "
            f"constraint={constraint.name!r}; choose one of: {', '.join(valid)}.{why}"
        )
    return str(objective)


def group_counts(y_true: np.ndarray, y_pred: np.ndarray, groups: np.ndarray) -> pd.DataFrame:
    """Count true/false negatives/positives per group.

    Parameters
    ----------
    y_true, y_pred : numpy.ndarray
        0/1 labels and predictions, shape (n,).
    groups : numpy.ndarray
        Group label of each row, shape (n,).

    Returns
    -------
    pandas.DataFrame
        Indexed by group (sorted), int columns ``tn``, ``fp``, ``fn``, ``tp``.
    """
    labels, codes = np.unique(np.asarray(groups), return_inverse=True)
    cell = codes * 4 + 2 * np.asarray(y_true, dtype=int) + np.asarray(y_pred, dtype=int)
    table = np.bincount(cell, minlength=4 * len(labels)).reshape(len(labels), 4)
    return pd.DataFrame(table, index=pd.Index(labels, name="group"),
                        columns=["tn", "fp", "fn", "tp"])


def _rates(counts: pd.DataFrame) -> pd.DataFrame:
    tn, fp, fn, tp = (counts[c].to_numpy(dtype=float) for c in ("tn", "fp", "fn", "tp"))
    n = tn + fp + fn + tp
    pos = tp + fn
    neg = tn + fp
    with np.errstate(divide="ignore", invalid="ignore"):
        rates = {
            "selection_rate": (tp + fp) / n,
            "true_positive_rate": tp / pos,
            "false_positive_rate": fp / neg,
            "true_negative_rate": tn / neg,
            "false_negative_rate": fn / pos,
            "error_rate": (fp + fn) / n,
            "accuracy_score": (tp + tn) / n,
        }
    rates["balanced_accuracy_score"] = (rates["true_positive_rate"]
                                        + rates["true_negative_rate"]) / 2
    return pd.DataFrame(rates, index=counts.index)


def group_rates(counts: pd.DataFrame) -> pd.DataFrame:
    """Per-group rates (selection rate, TPR, FPR, ...) from :func:`group_counts`.

    Parameters
    ----------
    counts : pandas.DataFrame
        Output of :func:`group_counts`.

    Returns
    -------
    pandas.DataFrame
        One row per group; NaN where a rate is undefined (no positives or negatives).
    """
    return _rates(counts)


def disparity(counts: pd.DataFrame, constraint: Constraint) -> float:
    """Return the disparity a constraint controls: the largest between-group rate gap.

    Parameters
    ----------
    counts : pandas.DataFrame
        Output of :func:`group_counts`.
    constraint : Constraint
        The constraint.

    Returns
    -------
    float
        ``max over rates of (max_group rate - min_group rate)``, ignoring groups where
        a rate is undefined; NaN if no rate is defined for two groups.
    """
    rates = _rates(counts)
    diffs = []
    for name in constraint.rates:
        values = rates[name].dropna()
        if len(values) >= 2:
            diffs.append(float(values.max() - values.min()))
    return max(diffs) if diffs else float("nan")


def objective_value(counts: pd.DataFrame, objective: str) -> float:
    """Value of ``objective`` over all rows (the groups pooled).

    Parameters
    ----------
    counts : pandas.DataFrame
        Output of :func:`group_counts`.
    objective : str
        One of the objectives in :data:`OBJECTIVES`.

    Returns
    -------
    float
        The objective.
    """
    pooled = counts.sum(axis=0).to_frame().T
    return float(_rates(pooled)[objective].iloc[0])
