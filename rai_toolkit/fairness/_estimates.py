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

from rai_toolkit.fairness._disparities import difference_and_ratio, percentile_interval
from rai_toolkit.fairness._verdicts import Criterion, status

__all__ = ["GroupEstimates", "summarise", "group_key", "DISPARITY_COLUMNS", "VERDICT_COLUMNS"]

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
)


def group_key(index: pd.Index, position: int) -> str:
    """Readable name of a group: ``"sex=Female, race=Black"``."""
    label = index[position]
    names = list(index.names)
    labels = label if isinstance(index, pd.MultiIndex) else (label,)
    return ", ".join(f"{n}={v}" for n, v in zip(names, labels))


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
        Groups below this size make verdicts inconclusive.

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
    disparity_reps: dict[str, tuple[np.ndarray, np.ndarray]] = {}
    for m in compared:
        d, r = difference_and_ratio(point[:, col[m]], reference=ref_pos)
        if replicates is not None:
            d_rep, r_rep = difference_and_ratio(replicates[:, :, col[m]], reference=ref_pos)
            disparity_reps[m] = (d_rep, r_rep)
            d_lo, d_hi = percentile_interval(d_rep, ci=ci)
            r_lo, r_hi = percentile_interval(r_rep, ci=ci)
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

    verdict_rows = {}
    for crit in criteria:
        value, lo, hi = _criterion_value(crit, point, replicates, col, disparity_reps, ci, ref_pos)
        blockers = []
        undefined_groups = sorted({u["group"] for u in undefined if u["metric"] in crit.metrics})
        if undefined_groups:
            blockers.append(
                f"{' & '.join(crit.metrics)} undefined for {', '.join(undefined_groups)}"
            )
        if small:
            blockers.append(
                f"{len(small)} group(s) below min_group_size={min_group_size}: {', '.join(small)}"
            )
        threshold = thresholds.get(crit.name)
        verdict, reason = status(
            value,
            lo,
            hi,
            threshold=threshold,
            direction=crit.direction,
            ci=ci,
            n_boot=n_boot,
            blockers=blockers,
        )
        verdict_rows[crit.name] = [
            crit.metric_label,
            value,
            lo,
            hi,
            np.nan if threshold is None else threshold,
            crit.direction,
            verdict,
            reason,
        ]
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
    )


def _criterion_value(
    crit: Criterion,
    point: np.ndarray,
    replicates: np.ndarray | None,
    col: dict[str, int],
    disparity_reps: dict[str, tuple[np.ndarray, np.ndarray]],
    ci: float,
    ref_pos: int | None,
) -> tuple[float, float, float]:
    if crit.statistic == "max_group":
        j = col[crit.metrics[0]]
        with np.errstate(invalid="ignore"):
            values = point[:, j]
            value = float(np.max(values)) if not np.isnan(values).all() else np.nan
            if replicates is None:
                return value, np.nan, np.nan
            reps = replicates[:, :, j]
            rep_value = np.where(np.isnan(reps).any(axis=1), np.nan, np.max(reps, axis=1))
        lo, hi = percentile_interval(rep_value, ci=ci)
        return value, float(lo), float(hi)
    which = 0 if crit.statistic == "difference" else 1
    parts = [difference_and_ratio(point[:, col[m]], reference=ref_pos)[which] for m in crit.metrics]
    value = float(np.max(parts)) if not np.isnan(parts).any() else np.nan
    if replicates is None:
        return value, np.nan, np.nan
    rep_parts = np.stack([disparity_reps[m][which] for m in crit.metrics])
    rep_value = np.max(rep_parts, axis=0)  # NaN propagates
    lo, hi = percentile_interval(rep_value, ci=ci)
    return value, float(lo), float(hi)
