"""Pass / fail / inconclusive verdicts: the decision, its record, and its wording.

A verdict is decided from numbers (:func:`judge`) and kept as a :class:`Verdict`
record of structured fields: the metrics it reads, the groups it left out, the
status and numbers over the supported groups and over all groups, and a code
saying what decided it (:data:`DECIDED_BY`). Every sentence shown to a reader
(:attr:`Verdict.reason`) is composed from those fields here, and only here;
other rooms read the fields, never the sentences.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from rai_toolkit._scalars import check_names
from rai_toolkit.exceptions import ArgumentError
from rai_toolkit.fairness._criteria import CRITERIA, Criterion, criteria_for, metric_label
from rai_toolkit.fairness._metrics import SUPPORT_UNITS, describe_support

__all__ = [
    "Criterion",
    "CRITERIA",
    "DECIDED_BY",
    "ExcludedGroup",
    "THRESHOLD_NOTE",
    "Verdict",
    "check_thresholds",
    "criteria_for",
    "judge",
    "status",
]

#: Stated in every report: thresholds are policy choices, not facts about the model.
THRESHOLD_NOTE = (
    "Thresholds are policy choices, not statistical facts: the defaults (0.1 for differences, "
    "0.8 for the selection-rate ratio, 0.05 for the worst group's debiased calibration error) are "
    "conventions to be agreed with the people accountable for the decision. The four-fifths "
    "rule comes from US employment guidance; Fairlearn's user guide warns that it is often "
    "misapplied outside that context. Set thresholds={...} to the values your policy requires."
)


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
        Unknown key, a key of another task, or a value that is not a number in range
        (a classification criterion's threshold is at most 1).
    """
    valid = [c.name for c in CRITERIA.values() if task in c.tasks]
    merged: dict[str, float | None] = {name: CRITERIA[name].default for name in valid}
    if thresholds is None:
        return merged
    if not isinstance(thresholds, Mapping):
        raise ArgumentError(
            f"`thresholds` must be a dict of criterion -> number; received "
            f"{type(thresholds).__name__}. Valid keys for task {task!r}: {', '.join(valid)}.",
            argument="thresholds",
        )
    check_names(
        thresholds,
        argument="thresholds",
        allowed=valid,
        what=f"the criteria of task {task!r}",
        hint="Key thresholds by those criteria.",
    )
    for key, value in thresholds.items():
        ok = isinstance(value, int | float | np.integer | np.floating) and not isinstance(
            value, bool
        )
        if not ok or not np.isfinite(value) or value < 0:
            raise ArgumentError(
                f"thresholds[{key!r}] must be a finite number >= 0; received {value!r}.",
                argument="thresholds",
            )
        if key == "disparate_impact" and not 0 < value <= 1:
            raise ArgumentError(
                f"thresholds['disparate_impact'] is a ratio min/max and must be in (0, 1]; "
                f"received {value!r} (the four-fifths rule is 0.8).",
                argument="thresholds",
            )
        if task != "regression" and key != "disparate_impact" and value > 1:
            # every classification metric is a rate or a score in [0, 1], so is their gap:
            # a threshold above 1 could never be exceeded (a percentage, e.g. 10 for 0.10?)
            raise ArgumentError(
                f"thresholds[{key!r}] bounds a difference between groups' rates, which is at "
                f"most 1, so {value!r} could never fail; pass a fraction (e.g. "
                f"{value / 100:g} for {value:g}%).",
                argument="thresholds",
            )
        merged[key] = float(value)
    return merged


#: What decided a verdict's status (:attr:`Verdict.decided_by`).
DECIDED_BY = {
    "interval": "the simultaneous interval against the threshold",
    "point_estimate": "the point estimate against the threshold (n_boot=0, no interval)",
    "no_threshold": "no threshold is set: inconclusive",
    "undefined": "the statistic is undefined (no comparable groups): inconclusive",
    "unbounded": "the simultaneous interval is unbounded (undefined replicates): inconclusive",
    "interval_undefined": "the bootstrap interval is undefined: inconclusive",
    "too_few_supported_groups": "too few groups have enough support: inconclusive",
    "reference_group_left_out": "the reference group has too little support: inconclusive",
    "left_out_groups_change_status": (
        "the status over all groups differs from the status over the supported groups: "
        "inconclusive"
    ),
}


def judge(
    value: float,
    lower: float,
    upper: float,
    *,
    threshold: float | None,
    direction: str,
    n_boot: int,
    unbounded: bool = False,
) -> tuple[str, str]:
    """Decide pass / fail / inconclusive from a value and its interval.

    Parameters
    ----------
    value, lower, upper : float
        Point estimate and interval bounds (NaN when unavailable).
    threshold : float or None
        The threshold; None makes the verdict inconclusive.
    direction : {"at_most", "at_least"}
        Which side of the threshold passes.
    n_boot : int
        Number of replicates; 0 means the point estimate decides.
    unbounded : bool, default=False
        Whether the interval is unbounded (too many undefined replicates).

    Returns
    -------
    status, decided_by : str
        ``status`` is ``"pass"``, ``"fail"`` or ``"inconclusive"``; ``decided_by``
        is a key of :data:`DECIDED_BY`.
    """
    if threshold is None:
        return "inconclusive", "no_threshold"
    if np.isnan(value):
        return "inconclusive", "undefined"
    if unbounded:
        return "inconclusive", "unbounded"

    def good(x: float) -> bool:
        return x <= threshold if direction == "at_most" else x >= threshold

    if n_boot == 0:
        return ("pass" if good(value) else "fail"), "point_estimate"
    if np.isnan(lower) or np.isnan(upper):
        return "inconclusive", "interval_undefined"
    if good(lower) and good(upper):
        return "pass", "interval"
    if not good(lower) and not good(upper):
        return "fail", "interval"
    return "inconclusive", "interval"


@dataclass(frozen=True)
class ExcludedGroup:
    """A group left out of a verdict, and the support that kept it out.

    Attributes
    ----------
    key : str
        Group key, ``"sex=Female, race=Other"``.
    label : str
        Short label for sentences, ``"Female/Other"``.
    support : tuple of (str, int)
        ``(metric, support)`` for each metric of the verdict whose support in the
        group is below ``min_group_size``.
    """

    key: str
    label: str
    support: tuple[tuple[str, int], ...]


@dataclass(frozen=True)
class Verdict:
    """One criterion's verdict as structured fields; the sentences are composed from them.

    Attributes
    ----------
    criterion : str
        Criterion name.
    metrics : tuple of str
        Group metrics the verdict reads.
    statistic : str
        ``"difference"``, ``"ratio"`` or ``"max_group"``.
    direction : str
        ``"at_most"`` or ``"at_least"``.
    threshold : float or None
        The threshold (None: none set).
    value, lower, upper : float
        The statistic and its interval over the supported groups.
    status : str
        The verdict: ``"pass"``, ``"fail"`` or ``"inconclusive"``.
    decided_by : str
        What decided ``status`` (a key of :data:`DECIDED_BY`).
    status_with_supported_groups : str
        Status that ``value`` / ``lower`` / ``upper`` give on their own.
    supported_basis : str
        What decided ``status_with_supported_groups`` (a key of :data:`DECIDED_BY`).
    status_with_all_groups : str
        Status the numbers over every group would give.
    value_with_all_groups, lower_with_all_groups, upper_with_all_groups : float
        The statistic and its interval over every group.
    excluded : tuple of ExcludedGroup
        Groups left out (support below ``min_group_size`` for one of ``metrics``).
    short_metrics : tuple of str
        Metrics for which too few groups are supported to compare.
    reference : str or None
        Label of the reference group, when disparities are measured against one.
    ci : float
        Interval coverage.
    n_boot : int
        Bootstrap replicates (0: the point estimate decides).
    min_group_size : int
        Smallest support for a group to count.
    """

    criterion: str
    metrics: tuple[str, ...]
    statistic: str
    direction: str
    threshold: float | None
    value: float
    lower: float
    upper: float
    status: str
    decided_by: str
    status_with_supported_groups: str
    supported_basis: str
    status_with_all_groups: str
    value_with_all_groups: float
    lower_with_all_groups: float
    upper_with_all_groups: float
    excluded: tuple[ExcludedGroup, ...]
    short_metrics: tuple[str, ...]
    reference: str | None
    ci: float
    n_boot: int
    min_group_size: int

    @property
    def metric(self) -> str:
        """How the statistic is described, e.g. ``"selection_rate difference"``."""
        return metric_label(self.metrics, self.statistic)

    @property
    def excluded_groups(self) -> tuple[str, ...]:
        """Keys of the groups left out of this verdict."""
        return tuple(g.key for g in self.excluded)

    @property
    def reason(self) -> str:
        """Why the verdict has its status, naming the groups left out."""
        return explain(self)

    @property
    def reason_with_supported_groups(self) -> str:
        """Why the supported groups alone give their status; names no group.

        It gives no number computed with a left-out group, so a view that hides
        small groups can show it.
        """
        return judgement_text(self, name_groups=False)


def _interval(lower: float, upper: float) -> str:
    return f"[{lower:.4g}, {upper:.4g}]"


def judgement_text(v: Verdict, *, name_groups: bool = True) -> str:
    """Sentence explaining :attr:`Verdict.status_with_supported_groups`.

    Parameters
    ----------
    v : Verdict
        The verdict.
    name_groups : bool, default=True
        Whether the reference group may be named.

    Returns
    -------
    str
        The sentence.
    """
    basis, ci, threshold = v.supported_basis, v.ci, v.threshold
    if basis == "no_threshold":
        return "no threshold: pass thresholds={...} with the bound your policy sets"
    if basis == "undefined":
        return "undefined: no comparable groups"
    if basis == "unbounded":
        return (
            f"the simultaneous {100 * ci:g}% interval is unbounded: in more than "
            f"{100 * (1 - ci):g}% of the bootstrap replicates a compared group's metric is "
            f"undefined; more data in the smallest groups is needed"
        )
    if basis == "interval_undefined":
        return "the bootstrap interval is undefined (too few defined replicates)"
    if basis == "too_few_supported_groups":
        plural = (SUPPORT_UNITS.get(m, ("", "rows"))[1] for m in v.short_metrics)
        units = " / ".join(dict.fromkeys(plural))
        fewer = "no group has" if v.statistic == "max_group" else "fewer than two groups have"
        return f"{fewer} at least {v.min_group_size} {units}"
    if basis == "reference_group_left_out":
        named = f" {v.reference}" if name_groups and v.reference is not None else ""
        return (
            f"the reference group{named} is under-supported, so no comparison with it is "
            f"reliable"
        )
    word = "<=" if v.direction == "at_most" else ">="
    if basis == "point_estimate":
        return f"point estimate {v.value:.4g} vs {word} {threshold:g} (no interval: n_boot=0)"
    shown = f"the {100 * ci:g}% interval {_interval(v.lower, v.upper)}"
    if v.status_with_supported_groups == "pass":
        return f"{shown} is {word} {threshold:g}"
    if v.status_with_supported_groups == "fail":
        return (
            f"{shown} lies entirely on the wrong side of {threshold:g} (required {word} "
            f"{threshold:g})"
        )
    return f"{shown} contains the threshold {threshold:g}; more data is needed to decide"


def explain(v: Verdict) -> str:
    """Compose the displayed reason of a verdict from its fields.

    The judgement over the supported groups, then (when groups were left out)
    which groups and why, and how including them bears on the status.
    """
    judgement = judgement_text(v)
    if not v.excluded:
        return judgement
    described = []
    for g in v.excluded:
        supports = dict.fromkeys(describe_support(m, n) for m, n in g.support)
        described.append(f"{g.label} ({', '.join(supports)})")
    note = (
        f"excluded from this verdict: {', '.join(described)} \u2014 below "
        f"min_group_size={v.min_group_size}"
    )
    if v.decided_by == "left_out_groups_change_status":
        shown = f"value {v.value_with_all_groups:.4g}"
        if not (np.isnan(v.lower_with_all_groups) or np.isnan(v.upper_with_all_groups)):
            shown += f", interval {_interval(v.lower_with_all_groups, v.upper_with_all_groups)}"
        so = "" if v.status_with_supported_groups == "inconclusive" else (
            ", so the verdict is inconclusive"
        )
        return (
            f"{judgement}; with all groups it would be {v.status_with_all_groups} ({shown}){so}; "
            f"{note}"
        )
    if v.threshold is None or v.decided_by in ("too_few_supported_groups",
                                                "reference_group_left_out"):
        return f"{judgement}; {note}"
    if v.status == "fail":
        return f"{judgement}; {note}; including them cannot reverse a failure"
    return f"{judgement}; {note}; including them gives the same status"


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
    """Return the :func:`judge` status of one statistic (no groups left out) and its reason.

    ``ci`` is the interval coverage the reason quotes; ``blockers`` are reasons
    that make the verdict inconclusive whatever the numbers.
    """
    if threshold is not None and not np.isnan(value) and blockers:
        return "inconclusive", "; ".join(blockers)
    verdict, basis = judge(
        value, lower, upper, threshold=threshold, direction=direction, n_boot=n_boot
    )
    if basis == "undefined" and blockers:
        return verdict, "undefined: " + "; ".join(blockers)
    record = Verdict(
        criterion="", metrics=(), statistic="", direction=direction, threshold=threshold,
        value=value, lower=lower, upper=upper, status=verdict, decided_by=basis,
        status_with_supported_groups=verdict, supported_basis=basis,
        status_with_all_groups=verdict, value_with_all_groups=value,
        lower_with_all_groups=lower, upper_with_all_groups=upper, excluded=(),
        short_metrics=(), reference=None, ci=ci, n_boot=n_boot, min_group_size=0,
    )  # fmt: skip
    return verdict, judgement_text(record)
