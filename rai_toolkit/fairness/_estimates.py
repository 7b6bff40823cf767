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

from rai_toolkit.fairness._criteria import Criterion
from rai_toolkit.fairness._disparities import (
    Block,
    DisparityBounds,
    difference_and_ratio,
    disparity_bounds,
    max_group_interval,
    percentile_interval,
)
from rai_toolkit.fairness._metrics import BINOMIAL_METRICS, UNIT_INTERVAL_METRICS
from rai_toolkit.fairness._verdicts import ExcludedGroup, Verdict, judge

__all__ = [
    "GroupEstimates",
    "summarise",
    "group_key",
    "group_label",
    "DISPARITY_COLUMNS",
    "VERDICT_COLUMNS",
    "verdict_table",
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
    "metrics",
    "statistic",
    "decided_by",
    "status_with_supported_groups",
    "status_with_all_groups",
    "value_with_all_groups",
    "lower_with_all_groups",
    "upper_with_all_groups",
)


def verdict_table(records: Sequence[Verdict]) -> pd.DataFrame:
    """Tabulate verdict records (columns :data:`VERDICT_COLUMNS`).

    Parameters
    ----------
    records : sequence of Verdict
        One per criterion.

    Returns
    -------
    pandas.DataFrame
        Indexed by criterion.
    """
    rows = {}
    for v in records:
        row = {c: getattr(v, c) for c in VERDICT_COLUMNS if c != "all_groups_status"}
        row["all_groups_status"] = v.status_with_all_groups
        row["threshold"] = np.nan if v.threshold is None else v.threshold
        rows[v.criterion] = [row[c] for c in VERDICT_COLUMNS]
    table = pd.DataFrame.from_dict(rows, orient="index", columns=list(VERDICT_COLUMNS))
    table.index.name = "criterion"
    return table


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
    records : tuple of Verdict
        One verdict per criterion: the source of truth of :attr:`verdicts`.
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
    records: tuple[Verdict, ...]
    undefined: list[dict[str, Any]]
    small_groups: list[str]
    support: np.ndarray
    under_supported: list[dict[str, Any]]

    @property
    def verdicts(self) -> pd.DataFrame:
        """Indexed by criterion, columns :data:`VERDICT_COLUMNS` (from :attr:`records`)."""
        return verdict_table(self.records)


def _exact_at_the_boundary(
    point: np.ndarray,
    lower: np.ndarray,
    upper: np.ndarray,
    support: np.ndarray,
    metrics: Sequence[str],
    *,
    ci: float,
) -> None:
    """Give a proportion estimated as exactly 0 or 1 its Clopper-Pearson bound, in place.

    Every bootstrap replicate of a share with no successes (or no failures)
    repeats it, so the percentile interval collapses to [0, 0] (or [1, 1]) and
    claims a certainty that a handful of rows cannot give. There the exact
    binomial interval over the metric's support n is used instead:
    [0, 1 - (alpha/2)^(1/n)] or [(alpha/2)^(1/n), 1]. Undefined intervals stay
    undefined; ``point``, ``lower``, ``upper`` and ``support`` have the metrics
    along their last axis.
    """
    edge_tail = (1.0 - ci) / 2.0
    for j, metric in enumerate(metrics):
        if metric not in BINOMIAL_METRICS:
            continue
        n = np.asarray(support[..., j], dtype=float)
        defined = (n > 0) & ~np.isnan(lower[..., j]) & ~np.isnan(upper[..., j])
        edge = edge_tail ** (1.0 / np.where(n > 0, n, 1.0))
        value = point[..., j]
        upper[..., j] = np.where(defined & (value == 0.0), 1.0 - edge, upper[..., j])
        lower[..., j] = np.where(defined & (value == 1.0), edge, lower[..., j])


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
    counts = point[:, count_j]
    if support is None:
        support = np.repeat(np.rint(counts).astype(np.int64)[:, None], len(metrics), axis=1)
    if replicates is not None:
        _exact_at_the_boundary(point, lower, upper, support, metrics, ci=ci)
        _exact_at_the_boundary(overall, o_lower, o_upper, support.sum(axis=0), metrics, ci=ci)

    # disparities: point and per replicate
    compared = [m for m in metrics if m != "count"]
    rows = {}
    every = np.arange(n_groups)
    # each metric's bounds over all groups; a verdict on that metric alone reuses them
    bounds: dict[str, DisparityBounds] = {}
    # point disparities of every metric at once (maxima, minima and ratios per metric)
    differences, ratios = difference_and_ratio(
        point[:, [col[m] for m in compared]].T, reference=ref_pos
    )
    for m, d, r in zip(compared, differences, ratios):
        if replicates is not None:
            block = _block(m, every, ref_pos, point, replicates, support, col)
            found = bounds[m] = disparity_bounds([block], ci=ci)
            d_lo, d_hi = _contain(d, *found.difference)
            r_lo, r_hi = _contain(r, *found.ratio)
        else:
            d_lo = d_hi = r_lo = r_hi = np.nan
        rows[m] = [float(d), float(r), float(d_lo), float(d_hi), float(r_lo), float(r_hi)]
    disparities = pd.DataFrame.from_dict(rows, orient="index", columns=list(DISPARITY_COLUMNS))
    disparities.index.name = "metric"

    keys = [group_key(index, i) for i in range(n_groups)]
    undefined = []
    for m in metrics:
        for i, reason in enumerate(reasons.get(m, [None] * n_groups)):
            if reason is not None:
                undefined.append({"group": keys[i], "metric": m, "reason": reason})

    small = [keys[i] for i in np.flatnonzero(counts < min_group_size)]

    verdict_metrics = list(dict.fromkeys(m for crit in criteria for m in crit.metrics))
    verdict_support = support[:, [col[m] for m in verdict_metrics]]
    under_supported = [
        {"group": keys[i], "metric": verdict_metrics[k], "support": int(verdict_support[i, k])}
        for i, k in zip(*np.nonzero(verdict_support < min_group_size))
    ]

    records = tuple(
        _verdict(
            crit,
            keys=keys,
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
            bounds=bounds,
        )
        for crit in criteria
    )
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
        records=records,
        undefined=undefined,
        small_groups=small,
        support=support,
        under_supported=under_supported,
    )


def _verdict(
    crit: Criterion,
    *,
    keys: list[str],
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
    bounds: dict[str, DisparityBounds],
) -> Verdict:
    """Judge one criterion.

    Groups whose support for one of the criterion's metrics is below
    ``min_group_size`` are left out of that metric's comparison. Adding groups can
    only widen max - min, shrink min / max and raise the worst group, so a ``fail``
    over the supported groups stands. Otherwise the verdict is inconclusive when
    too few groups remain to compare, when the reference group is left out, or
    when the status over all groups differs from the status over the supported
    ones (a ``pass`` the left-out groups could overturn, or a ``fail`` that only
    holds with them).
    """

    def decide(value: float, lo: float, hi: float, unbounded: bool) -> tuple[str, str]:
        return judge(
            value, lo, hi, threshold=threshold, direction=crit.direction, n_boot=n_boot,
            unbounded=unbounded,
        )  # fmt: skip

    keep = {m: support[:, col[m]] >= min_group_size for m in crit.metrics}
    all_numbers = _criterion_value(
        crit, point, replicates, support, col, ci, ref_pos, None, bounds=bounds
    )
    all_status, all_basis = decide(*all_numbers)
    excluded = [i for i in range(point.shape[0]) if not all(k[i] for k in keep.values())]
    fields = dict(
        criterion=crit.name, metrics=crit.metrics, statistic=crit.statistic,
        direction=crit.direction, threshold=threshold, status_with_all_groups=all_status,
        value_with_all_groups=all_numbers[0], lower_with_all_groups=all_numbers[1],
        upper_with_all_groups=all_numbers[2],
        reference=None if ref_pos is None else group_label(index, ref_pos), ci=ci,
        n_boot=n_boot, min_group_size=min_group_size,
    )  # fmt: skip
    if not excluded:
        return Verdict(
            **fields, value=all_numbers[0], lower=all_numbers[1], upper=all_numbers[2],
            status=all_status, decided_by=all_basis, status_with_supported_groups=all_status,
            supported_basis=all_basis, excluded=(), short_metrics=(),
        )  # fmt: skip

    left_out = tuple(
        ExcludedGroup(
            key=keys[i],
            label=group_label(index, i),
            support=tuple(
                (m, int(support[i, col[m]])) for m in crit.metrics if not keep[m][i]
            ),
        )
        for i in excluded
    )
    value, lo, hi, unbounded = _criterion_value(
        crit, point, replicates, support, col, ci, ref_pos, keep
    )
    needed = 1 if crit.statistic == "max_group" else 2
    short = tuple(m for m in crit.metrics if keep[m].sum() < needed)
    if threshold is not None and short:
        supported, basis = "inconclusive", "too_few_supported_groups"
    elif (
        threshold is not None
        and ref_pos is not None
        and crit.statistic != "max_group"
        and not all(k[ref_pos] for k in keep.values())
    ):
        supported, basis = "inconclusive", "reference_group_left_out"
    else:
        supported, basis = decide(value, lo, hi, unbounded)
    decided_by = basis
    verdict = supported
    if (
        basis not in ("too_few_supported_groups", "reference_group_left_out", "no_threshold")
        and supported != "fail"
        and supported != all_status
    ):
        # the left-out groups could overturn a pass, or a failure only holds with them
        verdict, decided_by = "inconclusive", "left_out_groups_change_status"
    return Verdict(
        **fields, value=value, lower=lo, upper=hi, status=verdict, decided_by=decided_by,
        status_with_supported_groups=supported, supported_basis=basis, excluded=left_out,
        short_metrics=short,
    )  # fmt: skip


def _contain(value: float, lo: float, hi: float) -> tuple[float, float]:
    """Widen ``[lo, hi]`` to contain ``value`` (floating-point rounding of exp/log only)."""
    if np.isnan(value) or np.isnan(lo) or np.isnan(hi):
        return lo, hi
    return min(lo, value), max(hi, value)


def _block(
    metric: str,
    rows: np.ndarray,
    ref: int | None,
    point: np.ndarray,
    replicates: np.ndarray,
    support: np.ndarray,
    col: dict[str, int],
) -> Block:
    """Select the groups ``rows`` of one metric, as a disparity interval compares them."""
    j = col[metric]
    return Block(
        point[rows, j],
        replicates[:, rows, j],
        ref,
        unit_interval=metric in UNIT_INTERVAL_METRICS,
        support=support[rows, j],
    )


def _criterion_value(
    crit: Criterion,
    point: np.ndarray,
    replicates: np.ndarray | None,
    support: np.ndarray,
    col: dict[str, int],
    ci: float,
    ref_pos: int | None,
    keep: dict[str, np.ndarray] | None,
    *,
    bounds: dict[str, DisparityBounds] | None = None,
) -> tuple[float, float, float, bool]:
    """Value and interval of a criterion's statistic over the kept groups of each metric.

    ``keep`` maps each metric to a boolean mask of the groups to compare (all when None).
    A reference group that is not kept makes the value undefined. The interval
    is built from simultaneous group limits (see :mod:`._disparities`; per-group
    intervals for ``max_group``), joint over all metrics of the criterion; the last
    element says whether it is unbounded (NaN bounds because of undefined replicates).
    ``bounds`` holds the bounds of single metrics over all groups, computed already.
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
        parts.append(difference_and_ratio(point[rows, col[m]], reference=ref)[which])
        if replicates is not None:
            blocks.append(_block(m, rows, ref, point, replicates, support, col))
    value = float(np.max(parts)) if not np.isnan(parts).any() else np.nan
    if replicates is None or np.isnan(value):
        return value, np.nan, np.nan, False
    known = None
    if keep is None and len(crit.metrics) == 1 and bounds is not None:
        known = bounds.get(crit.metrics[0])
    found = disparity_bounds(blocks, ci=ci) if known is None else known
    lo, hi = found.difference if crit.statistic == "difference" else found.ratio
    return value, *_contain(value, lo, hi), found.unbounded
