"""Disparities between groups and bootstrap percentile intervals.

Both work along the group axis (the last one) of arrays that may carry leading
replicate axes, so a disparity's interval is the percentile interval of the
disparity computed in each replicate.
"""

from __future__ import annotations

import warnings

import numpy as np

__all__ = ["difference_and_ratio", "percentile_interval", "MIN_DEFINED_FRACTION"]

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
