"""Fairness criteria, their default thresholds, and pass / fail / inconclusive verdicts."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from rai_toolkit.exceptions import ArgumentError

__all__ = ["Criterion", "CRITERIA", "THRESHOLD_NOTE", "criteria_for", "check_thresholds", "status"]

#: Stated in every report: thresholds are policy choices, not facts about the model.
THRESHOLD_NOTE = (
    "Thresholds are policy choices, not statistical facts: the defaults (0.1 for differences, "
    "0.8 for the selection-rate ratio, 0.05 for the worst group's debiased calibration error) are "
    "conventions to be agreed with the people accountable for the decision. The four-fifths "
    "rule comes from US employment guidance; Fairlearn's user guide warns that it is often "
    "misapplied outside that context. Set thresholds={...} to the values your policy requires."
)


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
        ``"difference"``, ``"ratio"`` or ``"max_group"`` (the worst group's value).
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
        joined = " & ".join(self.metrics)
        if self.statistic == "max_group":
            return f"max {joined}"
        if len(self.metrics) > 1:
            return f"max {self.statistic} of {joined}"
        return f"{joined} {self.statistic}"


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


def criteria_for(task: str, *, has_scores: bool) -> list[Criterion]:
    """Criteria that apply to ``task``."""
    return [c for c in CRITERIA.values() if task in c.tasks and (has_scores or not c.needs_scores)]


def check_thresholds(thresholds: Mapping[str, Any] | None, task: str) -> dict[str, float | None]:
    """Validate ``thresholds`` and merge them with the defaults.

    Parameters
    ----------
    thresholds : mapping or None
        Criterion name -> threshold.
    task : str
        The learning task.

    Returns
    -------
    dict
        Threshold of every criterion of ``task`` (None where no default exists and none was
        given).

    Raises
    ------
    ArgumentError
        Unknown key, a key of another task, or a value that is not a number in range.
    """
    valid = [c.name for c in CRITERIA.values() if task in c.tasks]
    merged: dict[str, float | None] = {name: CRITERIA[name].default for name in valid}
    if thresholds is None:
        return merged
    if not isinstance(thresholds, Mapping):
        raise ArgumentError(
            f"`thresholds` must be a dict of criterion -> number; received "
            f"{type(thresholds).__name__}. Valid keys for task {task!r}: {', '.join(valid)}."
        )
    for key, value in thresholds.items():
        if key not in valid:
            raise ArgumentError(
                f"Unknown thresholds key {key!r} for task {task!r}; valid keys are: "
                f"{', '.join(valid)}."
            )
        ok = isinstance(value, int | float | np.integer | np.floating) and not isinstance(
            value, bool
        )
        if not ok or not np.isfinite(value) or value < 0:
            raise ArgumentError(
                f"thresholds[{key!r}] must be a finite number >= 0; received {value!r}."
            )
        if key == "disparate_impact" and not 0 < value <= 1:
            raise ArgumentError(
                f"thresholds['disparate_impact'] is a ratio min/max and must be in (0, 1]; "
                f"received {value!r} (the four-fifths rule is 0.8)."
            )
        merged[key] = float(value)
    return merged


def status(
    value: float,
    lower: float,
    upper: float,
    *,
    threshold: float | None,
    direction: str,
    ci: float,
    n_boot: int,
    blockers: list[str],
) -> tuple[str, str]:
    """Decide pass / fail / inconclusive and say why.

    Parameters
    ----------
    value, lower, upper : float
        Point estimate and interval bounds (NaN when unavailable).
    threshold : float or None
        The threshold; None makes the verdict inconclusive.
    direction : {"at_most", "at_least"}
        Which side of the threshold passes.
    ci : float
        Interval coverage, for the message.
    n_boot : int
        Number of replicates; 0 means the verdict rests on the point estimate.
    blockers : list of str
        Reasons that make the verdict inconclusive regardless of the numbers
        (small or undefined groups).

    Returns
    -------
    status, reason : str
        ``status`` is ``"pass"``, ``"fail"`` or ``"inconclusive"``.
    """
    if threshold is None:
        return "inconclusive", "no threshold: pass thresholds={...} with the bound your policy sets"
    if np.isnan(value):
        return "inconclusive", "undefined: " + ("; ".join(blockers) or "no comparable groups")
    if blockers:
        return "inconclusive", "; ".join(blockers)
    word = "<=" if direction == "at_most" else ">="

    def good(x: float) -> bool:
        return x <= threshold if direction == "at_most" else x >= threshold

    if n_boot == 0:
        verdict = "pass" if good(value) else "fail"
        return (
            verdict,
            f"point estimate {value:.4g} vs {word} {threshold:g} (no interval: n_boot=0)",
        )
    if np.isnan(lower) or np.isnan(upper):
        return "inconclusive", "the bootstrap interval is undefined (too few defined replicates)"
    pct = f"{100 * ci:g}%"
    if good(lower) and good(upper):
        return "pass", f"the {pct} interval [{lower:.4g}, {upper:.4g}] is {word} {threshold:g}"
    if not good(lower) and not good(upper):
        return "fail", (
            f"the {pct} interval [{lower:.4g}, {upper:.4g}] lies entirely on the wrong side of "
            f"{threshold:g} (required {word} {threshold:g})"
        )
    return "inconclusive", (
        f"the {pct} interval [{lower:.4g}, {upper:.4g}] contains the threshold {threshold:g}; "
        f"more data is needed to decide"
    )
