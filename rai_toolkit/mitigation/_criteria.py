"""The fairness criteria fairlearn's mitigators enforce, the objectives, and the disparities.

A mitigator equalises a fairness criterion between groups: the fairness room's
:class:`~rai_toolkit.fairness._criteria.Criterion` (``demographic_parity``,
``equalized_odds``, ``equal_opportunity``) where one exists, and otherwise a
criterion of the same shape, one metric compared as a difference. ``mitigate``
takes its name as ``constraint=`` (fairlearn's word); fairlearn's own spellings
of criteria and objectives are accepted too. The disparity a criterion controls
is the largest between-group difference of its metrics (for equalized odds, the
larger of the true- and false-positive-rate differences), computed like every
other fairness number: from the fairness room's count table
(:func:`~rai_toolkit.fairness._cells.build_cells`) and its metrics-from-counts.
"""

from __future__ import annotations

import numpy as np

from rai_toolkit._scalars import check_choice
from rai_toolkit.exceptions import ArgumentError
from rai_toolkit.fairness._cells import CellTable, build_cells
from rai_toolkit.fairness._criteria import CRITERIA, Criterion
from rai_toolkit.fairness._disparities import difference_and_ratio
from rai_toolkit.fairness._metrics import classification_metrics

__all__ = [
    "ALIASES",
    "METHODS",
    "MITIGATION_CRITERIA",
    "OBJECTIVES",
    "check_constraint",
    "check_method",
    "check_objective",
    "count_table",
    "disparity",
    "disparity_measure",
    "fairlearn_name",
    "fairlearn_objective",
    "objective_value",
]

#: Mitigation methods: fairlearn's ThresholdOptimizer, or its reductions.
METHODS = ("postprocess", "reduction")


def _parity(name: str, metric: str) -> Criterion:
    return Criterion(name, (metric,), "difference", None, "at_most", ("binary",))


#: Criteria a mitigator can enforce, by name (the fairness room's where it has one).
MITIGATION_CRITERIA: dict[str, Criterion] = {
    c.name: c
    for c in (
        CRITERIA["demographic_parity"],
        CRITERIA["equalized_odds"],
        CRITERIA["equal_opportunity"],
        _parity("false_positive_rate_parity", "false_positive_rate"),
        _parity("true_negative_rate_parity", "true_negative_rate"),
        _parity("false_negative_rate_parity", "false_negative_rate"),
        # error-rate differences are accuracy differences
        _parity("error_rate_parity", "accuracy"),
    )
}

#: fairlearn's names accepted for a criterion or an objective.
ALIASES = {
    "true_positive_rate_parity": "equal_opportunity",
    "accuracy_score": "accuracy",
    "balanced_accuracy_score": "balanced_accuracy",
}

#: How each fairlearn mitigator spells each criterion (absent: not supported): the
#: ``ThresholdOptimizer(constraints=...)`` string and the ``fairlearn.reductions`` moment.
_FAIRLEARN = {
    "demographic_parity": ("demographic_parity", "DemographicParity"),
    "equalized_odds": ("equalized_odds", "EqualizedOdds"),
    "equal_opportunity": ("true_positive_rate_parity", "TruePositiveRateParity"),
    "false_positive_rate_parity": ("false_positive_rate_parity", "FalsePositiveRateParity"),
    "true_negative_rate_parity": ("true_negative_rate_parity", None),
    "false_negative_rate_parity": ("false_negative_rate_parity", None),
    "error_rate_parity": (None, "ErrorRateParity"),
}

#: Objectives (fairness metric names) each method can optimise. fairlearn 0.7's reductions
#: always minimise the error rate; ThresholdOptimizer accepts these (only the first two with
#: equalized_odds).
OBJECTIVES = {
    "postprocess": (
        "accuracy",
        "balanced_accuracy",
        "selection_rate",
        "true_positive_rate",
        "true_negative_rate",
    ),
    "reduction": ("accuracy",),
}
_EQUALIZED_ODDS_OBJECTIVES = ("accuracy", "balanced_accuracy")
_FAIRLEARN_OBJECTIVES = {v: k for k, v in ALIASES.items() if k.endswith("_score")}


def fairlearn_name(criterion: Criterion, method: str) -> str | None:
    """Return fairlearn's spelling of ``criterion`` for ``method`` (None: not supported).

    Parameters
    ----------
    criterion : Criterion
        A criterion of :data:`MITIGATION_CRITERIA`.
    method : {"postprocess", "reduction"}
        The mitigation method.

    Returns
    -------
    str or None
        ``ThresholdOptimizer`` constraint string, or reductions moment class name.
    """
    postprocess, reduction = _FAIRLEARN[criterion.name]
    return postprocess if method == "postprocess" else reduction


def fairlearn_objective(objective: str) -> str:
    """Return the name ``ThresholdOptimizer(objective=...)`` takes for one of :data:`OBJECTIVES`.

    E.g. ``"accuracy"`` -> ``"accuracy_score"``.
    """
    return _FAIRLEARN_OBJECTIVES.get(objective, objective)


def disparity_measure(criterion: Criterion) -> str:
    """Name of the disparity a criterion controls, e.g. ``"selection_rate_difference"``.

    ``"<metric>_<statistic>"`` for one metric, ``"<criterion>_<statistic>"`` for several.
    """
    if len(criterion.metrics) == 1:
        return f"{criterion.metrics[0]}_{criterion.statistic}"
    return f"{criterion.name}_{criterion.statistic}"


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
    return check_choice(
        method,
        argument="method",
        choices=METHODS,
        hint=(
            "'postprocess' fits fairlearn's ThresholdOptimizer (group-specific thresholds on the "
            "fitted model); 'reduction' fits fairlearn's ExponentiatedGradient (refits the model "
            "with reweighted data)."
        ),
    )


def check_constraint(constraint: object, method: str) -> Criterion:
    """Return the criterion named ``constraint`` if ``method`` can enforce it.

    Parameters
    ----------
    constraint : object
        What the caller passed as ``constraint``: a criterion name, or fairlearn's
        ``"true_positive_rate_parity"`` for ``"equal_opportunity"``.
    method : {"postprocess", "reduction"}
        The mitigation method.

    Returns
    -------
    Criterion
        The criterion.

    Raises
    ------
    ArgumentError
        If the criterion is unknown or unsupported by ``method``; the message lists
        the valid names for ``method``.
    """
    valid = [name for name, c in MITIGATION_CRITERIA.items() if fairlearn_name(c, method)]
    name = ALIASES.get(constraint, constraint) if isinstance(constraint, str) else None
    found = MITIGATION_CRITERIA.get(name) if name is not None else None
    if found is None or fairlearn_name(found, method) is None:
        other = "reduction" if method == "postprocess" else "postprocess"
        hint = (
            f" It is available with method={other!r}."
            if found is not None and fairlearn_name(found, other) is not None
            else ""
        )
        raise ArgumentError(
            f"constraint={constraint!r} is not supported by method={method!r}; valid "
            f"constraints for {method!r} are: {', '.join(valid)} (fairlearn's "
            f"'true_positive_rate_parity' means 'equal_opportunity').{hint}"
        )
    return found


def check_objective(objective: object, method: str, criterion: Criterion) -> str:
    """Return the objective's name if ``method`` can optimise it under ``criterion``.

    Parameters
    ----------
    objective : object
        What the caller passed as ``objective``: a metric name, or fairlearn's
        ``"accuracy_score"`` / ``"balanced_accuracy_score"``.
    method : {"postprocess", "reduction"}
        The mitigation method.
    criterion : Criterion
        The criterion enforced.

    Returns
    -------
    str
        The objective, as the fairness room names the metric.

    Raises
    ------
    ArgumentError
        If the objective is not available for this method and criterion.
    """
    valid = OBJECTIVES[method]
    if method == "postprocess" and criterion.name == "equalized_odds":
        valid = _EQUALIZED_ODDS_OBJECTIVES
    name = ALIASES.get(objective, objective) if isinstance(objective, str) else None
    if name not in valid:
        why = (
            " fairlearn 0.7's reductions always minimise the error rate; use "
            "method='postprocess' for other objectives."
            if method == "reduction"
            else ""
        )
        raise ArgumentError(
            f"objective={objective!r} is not available for method={method!r} with "
            f"constraint={criterion.name!r}; choose one of: {', '.join(valid)} (fairlearn's "
            f"'accuracy_score' and 'balanced_accuracy_score' are accepted too).{why}"
        )
    return str(name)


def count_table(
    y_true: np.ndarray, y_pred: np.ndarray, groups: np.ndarray
) -> tuple[np.ndarray, CellTable]:
    """Count 0/1 labels and predictions per group into the fairness room's count table.

    Parameters
    ----------
    y_true, y_pred : numpy.ndarray
        0/1 labels and predictions, shape (n,).
    groups : numpy.ndarray
        Group label of each row, shape (n,).

    Returns
    -------
    labels : numpy.ndarray
        Sorted group labels (the table's group order).
    table : CellTable
        Rows per (group, y, y_hat).
    """
    labels, codes = np.unique(np.asarray(groups), return_inverse=True)
    y = np.asarray(y_true).astype(bool)
    y_hat = np.asarray(y_pred).astype(bool)
    return labels, build_cells(codes.ravel(), len(labels), y, y_hat)


def disparity(table: CellTable, criterion: Criterion) -> float:
    """Return the disparity a criterion controls: the largest between-group difference.

    Parameters
    ----------
    table : CellTable
        Count table per group (:func:`count_table`).
    criterion : Criterion
        The criterion.

    Returns
    -------
    float
        ``max over the criterion's metrics of (max_group - min_group)``, ignoring groups
        where a metric is undefined; NaN if no metric is defined for two groups.
    """
    values = classification_metrics(table.counts)
    gaps = [float(difference_and_ratio(values[m])[0]) for m in criterion.metrics]
    gaps = [g for g in gaps if not np.isnan(g)]
    return max(gaps) if gaps else float("nan")


def objective_value(table: CellTable, objective: str) -> float:
    """Value of ``objective`` over all rows (the groups pooled).

    Parameters
    ----------
    table : CellTable
        Count table per group.
    objective : str
        One of :data:`OBJECTIVES`.

    Returns
    -------
    float
        The objective.
    """
    pooled = table.counts.sum(axis=0, keepdims=True)
    return float(classification_metrics(pooled)[objective][0])
