"""Summaries of one grouping: metrics with intervals, disparities and verdicts.

:class:`GroupEstimates` is the computed content of a report for one way of
grouping rows (intersectional, or one sensitive feature alone) and, for
multiclass tasks, one class. :func:`summarise` builds it from point estimates
and bootstrap replicates of the group metrics.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from rai_toolkit.fairness._disparities import (
    difference_and_ratio,
    disparity_interval,
    max_group_interval,
    percentile_interval,
)
from rai_toolkit.fairness._metrics import SUPPORT_UNITS, UNIT_INTERVAL_METRICS, describe_support
from rai_toolkit.fairness._verdicts import Criterion, status

__all__ = [
    "GroupEstimates",
    "summarise",
    "group_key",
    "group_label",
    "DISPARITY_COLUMNS",
    "VERDICT_COLUMNS",
]

DISPARITY_COLUMNS = (
    "difference",
    "ratio",
    "difference_lower",
    "difference_upper",
    "ratio_lower",
    "ratio_upper",
)
VERDICT_COLUMNS = (
    "metric",
    "value",
    "lower",
    "upper",
    "threshold",
    "direction",
    "status",
    "reason",
    "excluded_groups",
    "all_groups_status",
)


def group_key(index: pd.Index, position: int) -> str:
    """Readable name of a group: ``"sex=Female, race=Black"``."""
    label = index[position]
    names = list(index.names)
    labels = label if isinstance(index, pd.MultiIndex) else (label,)
    return ", ".join(f"{n}={v}" for n, v in zip(names, labels))


def group_label(index: pd.Index, position: int) -> str:
    """Short name of a group for messages: ``"Female/Black"``."""
    label = index[position]
    labels = label if isinstance(index, pd.MultiIndex) else (label,)
    return "/".join(map(str, labels))


@dataclass(frozen=True)
class GroupEstimates:
    """Everything computed for one grouping (and one class for multiclass tasks).

    Attributes
    ----------
    index : pandas.Index
        Group labels.
    metrics : tuple of str
        Metric names (columns).
    values, lower, upper : numpy.ndarray
        Shape (n_groups, n_metrics).
    overall, overall_lower, overall_upper : numpy.ndarray
        Shape (n_metrics,).
    disparities : pandas.DataFrame
        Indexed by metric (``count`` excluded), columns :data:`DISPARITY_COLUMNS`.
    verdicts : pandas.DataFrame
        Indexed by criterion, columns :data:`VERDICT_COLUMNS`.
    undefined : list of dict
        ``{"group", "metric", "reason"}`` for every undefined group metric.
    small_groups : list of str
        Groups with fewer rows than ``min_group_size``.
    support : numpy.ndarray
        Shape (n_groups, n_metrics): the denominator behind each group's value
        (see :func:`~rai_toolkit.fairness._metrics.metric_support`).
    under_supported : list of dict
        ``{"group", "metric", "support"}`` for every metric read by a verdict
        whose support in a group is below ``min_group_size``.
    """

    index: pd.Index
    metrics: tuple[str, ...]
    values: np.ndarray
    lower: np.ndarray
    upper: np.ndarray
    overall: np.ndarray
    overall_lower: np.ndarray
    overall_upper: np.ndarray
    disparities: pd.DataFrame
    verdicts: pd.DataFrame
    undefined: list[dict[str, Any]]
    small_groups: list[str]
    support: np.ndarray
    under_supported: list[dict[str, Any]]


def summarise(
    *,
    index: pd.Index,
    metrics: Sequence[str],
    point: np.ndarray,
    replicates: np.ndarray | None,
    overall: np.ndarray,
    overall_replicates: np.ndarray | None,
    reasons: dict[str, list[str | None]],
    criteria: Sequence[Criterion],
    thresholds: dict[str, float | None],
    reference: Hashable | None,
    ci: float,
    n_boot: int,
    min_group_size: int,
    support: np.ndarray | None = None,
) -> GroupEstimates:
    """Intervals, disparities and verdicts of one grouping.

    Parameters
    ----------
    index : pandas.Index
        Group labels.
    metrics : sequence of str
        Metric names; ``point[:, j]`` is metric ``metrics[j]``.
    point : numpy.ndarray
        Shape (n_groups, n_metrics).
    replicates : numpy.ndarray or None
        Shape (n_boot, n_groups, n_metrics), or None without bootstrap.
    overall : numpy.ndarray
        Shape (n_metrics,).
    overall_replicates : numpy.ndarray or None
        Shape (n_boot, n_metrics).
    reasons : dict
        Metric -> per-group reason a value is undefined (None where defined).
    criteria : sequence of Criterion
        Criteria to judge.
    thresholds : dict
        Criterion -> threshold.
    reference : hashable or None
        Reference group label (an entry of ``index``).
    ci : float
        Interval coverage.
    n_boot : int
        Number of replicates.
    min_group_size : int
        Smallest support (rows, or the metric's denominator) for a group to
        count in a verdict.
    support : numpy.ndarray, optional
        Shape (n_groups, n_metrics): denominator of each group's metric; the
        group's row count for every metric when omitted.

    Returns
    -------
    GroupEstimates
        The summary.
    """
    metrics = tuple(metrics)
    col = {m: j for j, m in enumerate(metrics)}
    n_groups = point.shape[0]
    count_j = col["count"]
    if replicates is not None:
        lower, upper = percentile_interval(replicates, ci=ci)
        o_lower, o_upper = percentile_interval(overall_replicates, ci=ci)
        # the size of a group is a property of the data, not an estimate
        lower[:, count_j] = upper[:, count_j] = np.nan
        o_lower[count_j] = o_upper[count_j] = np.nan
    else:
        lower = np.full_like(point, np.nan)
        upper = np.full_like(point, np.nan)
        o_lower = np.full_like(overall, np.nan)
        o_upper = np.full_like(overall, np.nan)
    ref_pos = None if reference is None else int(index.get_loc(reference))

    # disparities: point and per replicate
    compared = [m for m in metrics if m != "count"]
    rows = {}
    for m in compared:
        d, r = difference_and_ratio(point[:, col[m]], reference=ref_pos)
        if replicates is not None:
            block = [(point[:, col[m]], replicates[:, :, col[m]], ref_pos)]
            limit = 1.0 if m in UNIT_INTERVAL_METRICS else None
            d_lo, d_hi = _contain(
                d, *disparity_interval(block, statistic="difference", ci=ci, limit=limit)[:2]
            )
            r_lo, r_hi = _contain(r, *disparity_interval(block, statistic="ratio", ci=ci)[:2])
        else:
            d_lo = d_hi = r_lo = r_hi = np.nan
        rows[m] = [float(d), float(r), float(d_lo), float(d_hi), float(r_lo), float(r_hi)]
    disparities = pd.DataFrame.from_dict(rows, orient="index", columns=list(DISPARITY_COLUMNS))
    disparities.index.name = "metric"

    undefined = []
    for m in metrics:
        for i, reason in enumerate(reasons.get(m, [None] * n_groups)):
            if reason is not None:
                undefined.append({"group": group_key(index, i), "metric": m, "reason": reason})

    counts = point[:, count_j]
    small = [group_key(index, i) for i in np.flatnonzero(counts < min_group_size)]
    if support is None:
        support = np.repeat(np.rint(counts).astype(np.int64)[:, None], len(metrics), axis=1)

    verdict_metrics = list(dict.fromkeys(m for crit in criteria for m in crit.metrics))
    under_supported = [
        {"group": group_key(index, i), "metric": m, "support": int(support[i, col[m]])}
        for i in range(n_groups)
        for m in verdict_metrics
        if support[i, col[m]] < min_group_size
    ]

    verdict_rows = {}
    for crit in criteria:
        verdict_rows[crit.name] = _verdict(
            crit,
            index=index,
            point=point,
            replicates=replicates,
            support=support,
            col=col,
            threshold=thresholds.get(crit.name),
            ci=ci,
            n_boot=n_boot,
            ref_pos=ref_pos,
            min_group_size=min_group_size,
        )
    verdicts = pd.DataFrame.from_dict(verdict_rows, orient="index", columns=list(VERDICT_COLUMNS))
    verdicts.index.name = "criterion"
    return GroupEstimates(
        index=index,
        metrics=metrics,
        values=point,
        lower=lower,
        upper=upper,
        overall=overall,
        overall_lower=o_lower,
        overall_upper=o_upper,
        disparities=disparities,
        verdicts=verdicts,
        undefined=undefined,
        small_groups=small,
        support=support,
        under_supported=under_supported,
    )


def _verdict(
    crit: Criterion,
    *,
    index: pd.Index,
    point: np.ndarray,
    replicates: np.ndarray | None,
    support: np.ndarray,
    col: dict[str, int],
    threshold: float | None,
    ci: float,
    n_boot: int,
    ref_pos: int | None,
    min_group_size: int,
) -> list[Any]:
    """One row of the verdict table (columns :data:`VERDICT_COLUMNS`).

    Groups whose support for one of the criterion's metrics is below
    ``min_group_size`` are left out of that metric's comparison. Adding groups can
    only widen max - min, shrink min / max and raise the worst group, so a ``fail``
    over the supported groups stands. Otherwise the verdict is inconclusive when
    too few groups remain to compare, when the reference group is left out, or
    when the status over all groups differs from the status over the supported
    ones (a ``pass`` the left-out groups could overturn, or a ``fail`` that only
    holds with them).
    """

    def judge(value: float, lo: float, hi: float, unbounded: bool) -> tuple[str, str]:
        blockers = []
        if unbounded and threshold is not None:
            blockers.append(
                f"the simultaneous {100 * ci:g}% interval is unbounded: in more than "
                f"{100 * (1 - ci):g}% of the bootstrap replicates a compared group's metric is "
                f"undefined"
                + (" or 0 (ratios compare logarithms)" if crit.statistic == "ratio" else "")
                + "; more data in the smallest groups is needed"
            )
        return status(
            value,
            lo,
            hi,
            threshold=threshold,
            direction=crit.direction,
            ci=ci,
            n_boot=n_boot,
            blockers=blockers,
        )

    keep = {m: support[:, col[m]] >= min_group_size for m in crit.metrics}
    all_value, all_lo, all_hi, all_unb = _criterion_value(
        crit, point, replicates, col, ci, ref_pos, None
    )
    all_status, all_reason = judge(all_value, all_lo, all_hi, all_unb)
    excluded = [i for i in range(point.shape[0]) if not all(k[i] for k in keep.values())]
    row = [crit.metric_label, all_value, all_lo, all_hi]
    tail = [
        np.nan if threshold is None else threshold,
        crit.direction,
        all_status,
        all_reason,
        (),
        all_status,
    ]
    if not excluded:
        return row + tail

    described = []
    for i in excluded:
        low = [describe_support(m, int(support[i, col[m]])) for m in crit.metrics if not keep[m][i]]
        described.append(f"{group_label(index, i)} ({', '.join(dict.fromkeys(low))})")
    note = (
        f"excluded from this verdict: {', '.join(described)} \u2014 below "
        f"min_group_size={min_group_size}"
    )
    value, lo, hi, unbounded = _criterion_value(crit, point, replicates, col, ci, ref_pos, keep)
    needed = 1 if crit.statistic == "max_group" else 2
    short = [m for m in crit.metrics if keep[m].sum() < needed]
    if threshold is None:
        verdict, reason = judge(value, lo, hi, unbounded)
        reason = f"{reason}; {note}"
    elif short:
        units = " / ".join(dict.fromkeys(SUPPORT_UNITS.get(m, ("", "rows"))[1] for m in short))
        fewer = "no group has" if needed == 1 else "fewer than two groups have"
        verdict = "inconclusive"
        reason = f"{fewer} at least {min_group_size} {units}; {note}"
    elif (
        ref_pos is not None
        and crit.statistic != "max_group"
        and not all(k[ref_pos] for k in keep.values())
    ):
        verdict = "inconclusive"
        reason = (
            f"the reference group {group_label(index, ref_pos)} is under-supported, so no "
            f"comparison with it is reliable; {note}"
        )
    else:
        verdict, reason = judge(value, lo, hi, unbounded)
        if verdict == "fail":
            # adding groups can only widen max - min, shrink min / max and raise the worst
            # group: the excluded groups cannot overturn a failure of the supported ones
            reason = f"{reason}; {note}; including them cannot reverse a failure"
        elif verdict != all_status:
            shown = f"value {all_value:.4g}"
            if not (np.isnan(all_lo) or np.isnan(all_hi)):
                shown += f", interval [{all_lo:.4g}, {all_hi:.4g}]"
            so = "" if verdict == "inconclusive" else ", so the verdict is inconclusive"
            reason = f"{reason}; with all groups it would be {all_status} ({shown}){so}; {note}"
            verdict = "inconclusive"
        else:
            reason = f"{reason}; {note}; including them gives the same status"
    keys = tuple(group_key(index, i) for i in excluded)
    tail[2:] = [verdict, reason, keys, all_status]
    return [crit.metric_label, value, lo, hi, *tail]


def _contain(value: float, lo: float, hi: float) -> tuple[float, float]:
    """Widen ``[lo, hi]`` to contain ``value`` (floating-point rounding of exp/log only)."""
    if np.isnan(value) or np.isnan(lo) or np.isnan(hi):
        return lo, hi
    return min(lo, value), max(hi, value)


def _criterion_value(
    crit: Criterion,
    point: np.ndarray,
    replicates: np.ndarray | None,
    col: dict[str, int],
    ci: float,
    ref_pos: int | None,
    keep: dict[str, np.ndarray] | None,
) -> tuple[float, float, float, bool]:
    """Value and interval of a criterion's statistic over the kept groups of each metric.

    ``keep`` maps each metric to a boolean mask of the groups to compare (all when None).
    A reference group that is not kept makes the value undefined. The interval
    is the simultaneous studentized pairwise bootstrap interval (per-group for
    ``max_group``), joint over all metrics of the criterion; the last element
    says whether it is unbounded (NaN bounds because of undefined replicates).
    """

    def take(m: str) -> tuple[np.ndarray, int | None] | None:
        if keep is None:
            return np.arange(point.shape[0]), ref_pos
        rows = np.flatnonzero(keep[m])
        if rows.size < 2:
            return None
        if ref_pos is None:
            return rows, None
        if not keep[m][ref_pos]:
            return None
        return rows, int(np.searchsorted(rows, ref_pos))

    if crit.statistic == "max_group":
        m = crit.metrics[0]
        rows = np.arange(point.shape[0]) if keep is None else np.flatnonzero(keep[m])
        j = col[m]
        values = point[rows, j]
        value = float(np.max(values)) if values.size and not np.isnan(values).all() else np.nan
        if replicates is None or not values.size or np.isnan(value):
            return value, np.nan, np.nan, False
        lo, hi, unbounded = max_group_interval(values, replicates[:, rows, j], ci=ci)
        return value, *_contain(value, lo, hi), unbounded
    which = 0 if crit.statistic == "difference" else 1
    parts, blocks = [], []
    for m in crit.metrics:
        chosen = take(m)
        if chosen is None:
            return np.nan, np.nan, np.nan, False
        rows, ref = chosen
        j = col[m]
        parts.append(difference_and_ratio(point[rows, j], reference=ref)[which])
        if replicates is not None:
            blocks.append((point[rows, j], replicates[:, rows, j], ref))
    value = float(np.max(parts)) if not np.isnan(parts).any() else np.nan
    if replicates is None or np.isnan(value):
        return value, np.nan, np.nan, False
    limit = 1.0 if all(m in UNIT_INTERVAL_METRICS for m in crit.metrics) else None
    lo, hi, unbounded = disparity_interval(blocks, statistic=crit.statistic, ci=ci, limit=limit)
    return value, *_contain(value, lo, hi), unbounded
