"""Disparities between groups and their bootstrap intervals.

Point disparities (:func:`difference_and_ratio`) work along the group axis (the
last one). Group metrics get percentile intervals (:func:`percentile_interval`).
A disparity is an extreme over groups (max - min, min / max, the worst group),
whose plug-in estimate is biased away from "no disparity" when groups are
small and whose percentile interval is shifted further the same way, so it can
miss the truth under the null. Its interval is instead built from
*simultaneous studentized pairwise* intervals (:func:`disparity_interval`,
:func:`max_group_interval`): every pairwise gap (or every group's value) gets a
bootstrap-t interval whose half-width uses the ``ci`` quantile of the largest
|t| over all pairs, so they hold jointly with probability about ``ci``; the
extreme of the gaps then lies between the extremes of the bounds.
"""

from __future__ import annotations

import warnings

import numpy as np

__all__ = [
    "difference_and_ratio",
    "percentile_interval",
    "MIN_DEFINED_FRACTION",
    "pairwise_gaps",
    "simultaneous_intervals",
    "largest_gap_interval",
    "disparity_interval",
    "max_group_interval",
]

#: An interval is reported only when the statistic is defined in at least this share of replicates.
MIN_DEFINED_FRACTION = 0.5


def difference_and_ratio(
    values: np.ndarray, *, reference: int | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Difference and ratio across groups (last axis), ignoring undefined groups.

    Without ``reference``: difference = max - min and ratio = min / max over the
    groups where the metric is defined. With ``reference`` (a group position):
    difference = the largest absolute difference between a group and the
    reference, ratio = the smallest ``min(v_g, v_ref) / max(v_g, v_ref)``. Both are
    NaN when fewer than two groups are defined; the ratio is NaN when the
    denominator is 0 or a value is negative.

    Parameters
    ----------
    values : numpy.ndarray
        Shape (..., n_groups).
    reference : int, optional
        Position of the reference group.

    Returns
    -------
    difference, ratio : numpy.ndarray
        Shape (...).
    """
    values = np.asarray(values, dtype=float)
    defined = ~np.isnan(values)
    enough = defined.sum(axis=-1) >= 2
    with np.errstate(invalid="ignore", divide="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        if reference is None:
            hi = np.nanmax(np.where(defined, values, -np.inf), axis=-1)
            lo = np.nanmin(np.where(defined, values, np.inf), axis=-1)
            difference = hi - lo
            ratio = np.where(hi > 0, lo / np.where(hi > 0, hi, 1.0), np.nan)
            ratio = np.where(lo < 0, np.nan, ratio)
        else:
            ref = values[..., reference : reference + 1]
            others = np.delete(values, reference, axis=-1)
            gap = np.abs(others - ref)
            difference = np.nanmax(np.where(np.isnan(gap), -np.inf, gap), axis=-1)
            hi = np.maximum(others, ref)
            lo = np.minimum(others, ref)
            pair = np.where(hi > 0, lo / np.where(hi > 0, hi, 1.0), np.nan)
            pair = np.where((lo < 0) | np.isnan(gap), np.nan, pair)
            ratio = np.nanmin(np.where(np.isnan(pair), np.inf, pair), axis=-1)
            ratio = np.where(np.isinf(ratio), np.nan, ratio)
            enough = ~np.isnan(ref[..., 0]) & (~np.isnan(others).all(axis=-1))
            difference = np.where(np.isinf(difference), np.nan, difference)
    difference = np.where(enough, difference, np.nan)
    ratio = np.where(enough, ratio, np.nan)
    return difference, ratio


def percentile_interval(replicates: np.ndarray, *, ci: float) -> tuple[np.ndarray, np.ndarray]:
    """Bootstrap percentile interval along the first axis, ignoring undefined replicates.

    Parameters
    ----------
    replicates : numpy.ndarray
        Shape (n_boot, ...).
    ci : float
        Coverage, e.g. 0.95.

    Returns
    -------
    lower, upper : numpy.ndarray
        Shape (...); NaN where fewer than :data:`MIN_DEFINED_FRACTION` of the
        replicates are defined.
    """
    alpha = (1.0 - ci) / 2.0
    if replicates.shape[0] == 0:
        nan = np.full(replicates.shape[1:], np.nan)
        return nan, nan.copy()
    defined = (~np.isnan(replicates)).mean(axis=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        if np.all(defined == 1.0):
            lower, upper = np.quantile(replicates, [alpha, 1.0 - alpha], axis=0)
        else:
            lower, upper = np.nanquantile(replicates, [alpha, 1.0 - alpha], axis=0)
    ok = defined >= MIN_DEFINED_FRACTION
    return np.where(ok, lower, np.nan), np.where(ok, upper, np.nan)


def _pairs(defined: np.ndarray, reference: int | None) -> tuple[np.ndarray, np.ndarray]:
    """Positions (i, j) of the compared pairs among the defined groups."""
    idx = np.flatnonzero(defined)
    if reference is None:
        i, j = np.triu_indices(idx.size, k=1)
        return idx[i], idx[j]
    if not defined[reference]:
        return idx[:0], idx[:0]
    others = idx[idx != reference]
    return others, np.full_like(others, reference)


def pairwise_gaps(
    point: np.ndarray,
    replicates: np.ndarray | None,
    *,
    reference: int | None = None,
    log: bool = False,
) -> tuple[np.ndarray, np.ndarray | None] | None:
    """Gaps ``f(m_i) - f(m_j)`` between compared groups, in the point and in every replicate.

    Pairs are every two groups whose point value is defined or, with
    ``reference``, every defined group and the reference. ``f`` is the
    identity for differences and ``log`` for ratios (a group at 0 gives an
    infinite gap).

    Parameters
    ----------
    point : numpy.ndarray
        Shape (n_groups,).
    replicates : numpy.ndarray or None
        Shape (n_boot, n_groups).
    reference : int, optional
        Position of the reference group.
    log : bool, default=False
        Compare logarithms (ratios).

    Returns
    -------
    tuple or None
        ``(gaps, replicate_gaps)`` of shapes (n_pairs,) and (n_boot, n_pairs) (None
        without replicates); None when no pair can be compared (fewer than two
        defined groups, an undefined reference, or for ``log`` a negative value or
        a largest value of 0).
    """
    point = np.asarray(point, dtype=float)
    defined = ~np.isnan(point)
    i, j = _pairs(defined, reference)
    if i.size == 0:
        return None
    if log and (np.any(point[defined] < 0) or np.max(point[defined]) <= 0):
        return None
    with np.errstate(invalid="ignore", divide="ignore"):
        f = np.log(point) if log else point
        gaps = f[i] - f[j]
        rep_gaps = None
        if replicates is not None:
            fr = np.log(replicates) if log else np.asarray(replicates, dtype=float)
            rep_gaps = fr[:, i] - fr[:, j]
    return gaps, rep_gaps


def simultaneous_intervals(
    estimates: np.ndarray, replicates: np.ndarray, *, ci: float
) -> tuple[np.ndarray, np.ndarray] | None:
    """Studentized bootstrap intervals that hold for all statistics at once.

    For statistic ``k`` with estimate ``e_k``, bootstrap standard error ``se_k``
    and replicates ``e*_bk``, ``c`` is the ``ci`` quantile over replicates of
    ``max_k |e*_bk - e_k| / se_k``, and the intervals are ``e_k -+ c se_k``.
    A replicate where any statistic with a finite estimate is undefined or
    infinite counts as ``max = +inf``. Statistics whose estimate is infinite get
    ``(-inf, inf)``.

    Parameters
    ----------
    estimates : numpy.ndarray
        Shape (n_stats,).
    replicates : numpy.ndarray
        Shape (n_boot, n_stats).
    ci : float
        Simultaneous coverage.

    Returns
    -------
    tuple or None
        ``(lower, upper)`` of shape (n_stats,); None when the intervals are
        unbounded: more than ``1 - ci`` of the replicates are non-finite.
    """
    n_boot = replicates.shape[0]
    if n_boot == 0:
        return None
    finite = np.isfinite(estimates)
    with np.errstate(invalid="ignore", divide="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        dev = replicates[:, finite] - estimates[finite]
        ok = np.isfinite(dev)
        dev_ok = np.where(ok, dev, 0.0)
        n_ok = ok.sum(axis=0)
        mean = dev_ok.sum(axis=0) / n_ok
        var = (np.where(ok, dev - mean, 0.0) ** 2).sum(axis=0) / (n_ok - 1)
        se = np.sqrt(var)
        t = np.abs(dev_ok) / se
        t = np.where(dev_ok == 0.0, 0.0, t)
        t = np.where(ok & ~np.isnan(t), t, np.inf)
    t_max = t.max(axis=1) if t.shape[1] else np.zeros(n_boot)
    k = min(n_boot - 1, max(0, int(np.ceil(ci * n_boot)) - 1))
    c = np.partition(t_max, k)[k]
    if not np.isfinite(c):
        return None
    lower = np.full(estimates.shape, -np.inf)
    upper = np.full(estimates.shape, np.inf)
    half = np.where(c == 0.0, 0.0, c * se)
    lower[finite] = estimates[finite] - half
    upper[finite] = estimates[finite] + half
    if np.isnan(lower).any() or np.isnan(upper).any():
        return None
    return lower, upper


def largest_gap_interval(
    gaps: np.ndarray, rep_gaps: np.ndarray, *, ci: float
) -> tuple[float, float] | None:
    """Interval of ``max_k |gap_k|`` from simultaneous intervals of the gaps.

    If every ``gap_k`` lies in ``[L_k, U_k]``, then ``max_k |gap_k|`` lies in
    ``[max_k low_k, max_k max(|L_k|, |U_k|)]`` with ``low_k = 0`` when the
    interval contains 0 and ``min(|L_k|, |U_k|)`` otherwise.

    Parameters
    ----------
    gaps : numpy.ndarray
        Shape (n_pairs,).
    rep_gaps : numpy.ndarray
        Shape (n_boot, n_pairs).
    ci : float
        Coverage.

    Returns
    -------
    tuple or None
        ``(lower, upper)``; None when unbounded (see :func:`simultaneous_intervals`).
    """
    bounds = simultaneous_intervals(gaps, rep_gaps, ci=ci)
    if bounds is None:
        return None
    lo, hi = bounds
    low = np.where((lo <= 0) & (hi >= 0), 0.0, np.minimum(np.abs(lo), np.abs(hi)))
    high = np.maximum(np.abs(lo), np.abs(hi))
    return float(low.max()), float(high.max())


def disparity_interval(
    blocks: list[tuple[np.ndarray, np.ndarray, int | None]],
    *,
    statistic: str,
    ci: float,
    limit: float | None = None,
) -> tuple[float, float, bool]:
    """Simultaneous studentized pairwise bootstrap interval of a difference or ratio.

    The difference (max - min, or largest gap to the reference) is the largest
    ``|m_i - m_j|`` over the compared pairs; the ratio (min / max, or smallest
    ratio to the reference) is ``exp(-max |log m_i - log m_j|)``. Each pair's
    gap gets an interval that holds for all pairs at once (of all ``blocks``
    jointly, e.g. the two rates of equalized odds), see
    :func:`simultaneous_intervals`; the interval of the largest gap follows,
    and always contains the point estimate.

    Parameters
    ----------
    blocks : list of tuple
        ``(point, replicates, reference)`` per metric: shapes (n_groups,) and
        (n_boot, n_groups), reference position or None.
    statistic : {"difference", "ratio"}
        Which disparity.
    ci : float
        Coverage.
    limit : float, optional
        Largest possible difference (1 for metrics that are rates or
        probabilities); the upper bound of a difference is clipped to it, which
        keeps the coverage since the true value cannot lie beyond it.

    Returns
    -------
    lower, upper : float
        Bounds of the disparity (NaN when undefined or unbounded).
    unbounded : bool
        Whether the bounds are NaN because more than ``1 - ci`` of the
        replicates had an undefined (or, for ratios, zero) group value.
    """
    log = statistic == "ratio"
    gaps, reps = [], []
    for point, replicates, reference in blocks:
        pair = pairwise_gaps(point, replicates, reference=reference, log=log)
        if pair is None:
            return np.nan, np.nan, False
        gaps.append(pair[0])
        reps.append(pair[1])
    found = largest_gap_interval(np.concatenate(gaps), np.concatenate(reps, axis=1), ci=ci)
    if found is None:
        return np.nan, np.nan, True
    lo, hi = found
    if log:
        return float(np.exp(-hi)), float(np.exp(-lo)), False
    if limit is not None:
        hi = min(hi, limit)
    return lo, hi, False


def max_group_interval(
    point: np.ndarray, replicates: np.ndarray, *, ci: float
) -> tuple[float, float, bool]:
    """Interval of the largest group value from simultaneous per-group intervals.

    If every ``m_g`` lies in ``[L_g, U_g]``, ``max_g m_g`` lies in
    ``[max_g L_g, max_g U_g]``.

    Parameters
    ----------
    point : numpy.ndarray
        Shape (n_groups,), all defined.
    replicates : numpy.ndarray
        Shape (n_boot, n_groups).
    ci : float
        Coverage.

    Returns
    -------
    lower, upper : float
        Bounds (NaN when unbounded).
    unbounded : bool
        Whether more than ``1 - ci`` of the replicates had an undefined group value.
    """
    bounds = simultaneous_intervals(np.asarray(point, dtype=float), replicates, ci=ci)
    if bounds is None:
        return np.nan, np.nan, True
    return float(bounds[0].max()), float(bounds[1].max()), False
