"""The registry of fairness criteria: what each one reads, compares and expects.

This module imports nothing beyond the standard library, so that a caller that
only needs the criterion names (the command line's ``--fail-on`` choices) can
read :data:`CRITERION_NAMES` without loading numpy or pandas.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = [
    "Criterion",
    "CRITERIA",
    "CRITERION_NAMES",
    "STATISTICS",
    "criteria_for",
    "metric_label",
]

#: How a criterion reduces its metric(s) over groups.
STATISTICS = ("difference", "ratio", "max_group")


@dataclass(frozen=True)
class Criterion:
    """A fairness criterion judged on one statistic.

    Attributes
    ----------
    name : str
        Criterion name (key of ``thresholds``).
    metrics : tuple of str
        Group metrics it reads.
    statistic : str
        ``"difference"`` (largest gap between groups), ``"ratio"`` (smallest
        min / max) or ``"max_group"`` (the worst group's value).
    default : float or None
        Default threshold; None means the caller must give one.
    direction : str
        ``"at_most"`` (pass when value <= threshold) or ``"at_least"``.
    tasks : tuple of str
        Tasks it applies to.
    needs_scores : bool
        Whether it needs predicted scores.
    """

    name: str
    metrics: tuple[str, ...]
    statistic: str
    default: float | None
    direction: str
    tasks: tuple[str, ...]
    needs_scores: bool = False

    @property
    def metric_label(self) -> str:
        """How the statistic is described in the verdict table."""
        return metric_label(self.metrics, self.statistic)


def metric_label(metrics: tuple[str, ...], statistic: str) -> str:
    """Describe a statistic over groups, e.g. ``"selection_rate difference"``.

    Parameters
    ----------
    metrics : tuple of str
        Group metrics read.
    statistic : str
        One of :data:`STATISTICS`.

    Returns
    -------
    str
        The label.
    """
    joined = " & ".join(metrics)
    if statistic == "max_group":
        return f"max {joined}"
    if len(metrics) > 1:
        return f"max {statistic} of {joined}"
    return f"{joined} {statistic}"


_CLS = ("binary", "multiclass")
CRITERIA: dict[str, Criterion] = {
    c.name: c
    for c in (
        Criterion("demographic_parity", ("selection_rate",), "difference", 0.1, "at_most", _CLS),
        Criterion(
            "equalized_odds",
            ("true_positive_rate", "false_positive_rate"),
            "difference",
            0.1,
            "at_most",
            _CLS,
        ),
        Criterion("equal_opportunity", ("true_positive_rate",), "difference", 0.1, "at_most", _CLS),
        Criterion("predictive_parity", ("precision",), "difference", 0.1, "at_most", _CLS),
        Criterion("disparate_impact", ("selection_rate",), "ratio", 0.8, "at_least", _CLS),
        Criterion(
            "calibration",
            ("calibration_error_debiased",),
            "max_group",
            0.05,
            "at_most",
            _CLS,
            True,
        ),
        Criterion("bounded_group_loss", ("mae",), "max_group", None, "at_most", ("regression",)),
    )
}

#: Every criterion name, in the order verdicts are listed.
CRITERION_NAMES: tuple[str, ...] = tuple(CRITERIA)


def criteria_for(task: str, *, has_scores: bool) -> list[Criterion]:
    """Criteria that apply to ``task``.

    Parameters
    ----------
    task : str
        ``"binary"``, ``"multiclass"`` or ``"regression"``.
    has_scores : bool
        Whether predicted scores are available.

    Returns
    -------
    list of Criterion
        In registry order.
    """
    return [c for c in CRITERIA.values() if task in c.tasks and (has_scores or not c.needs_scores)]
