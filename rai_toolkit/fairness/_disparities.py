"""Disparities between groups and their bootstrap intervals.

Point disparities (:func:`difference_and_ratio`) work along the group axis (the
last one). Group metrics get percentile intervals (:func:`percentile_interval`).

A disparity is an extreme over groups (max - min, min / max, the worst group),
whose plug-in estimate is biased away from "no disparity" when groups are
small; a percentile interval of the replicate extreme shifts further the same
way. Its interval is instead built from *simultaneous per-group limits*
(:func:`group_limits`) combined pairwise:

1. Each group's metric is put on a variance-stabilising scale: the arcsine of
   the square root for metrics in [0, 1] (rates, probabilities), whose spread
   then hardly depends on the rate itself (a plug-in standard error of a small
   group's rate does); other metrics stay as they are. ``tau_g`` is the
   bootstrap standard deviation of group ``g`` there.
2. One critical value ``c`` holds for every compared pair at once: the ``ci``
   quantile, over replicates, of ``max_pairs |e_i - e_j| / sqrt(tau_i^2 + tau_j^2)``
   (``e`` a replicate's deviation from the estimate; the bootstrap draws groups
   independently given their sizes, so the pair's variance is the sum). The
   order statistic is the ``ceil(ci (B + 1))``-th of ``B`` (Davison & Hinkley).
3. Group limits ``[l_g, u_g]`` are ``estimate -+ c tau_g`` mapped back to the
   metric's scale (asymmetric for rates, and never outside [0, 1]). A group at
   0 or 1 whose replicates do not move gets the Wilson score limit for its
   support at the same ``c``.
4. Each pairwise contrast gets the MOVER interval (Zou & Donner 2008; Newcombe's
   method for two proportions) from the two groups' limits: for the difference
   ``d_ij = m_i - m_j`` it is ``[d - sqrt((m_i - l_i)^2 + (u_j - m_j)^2),
   d + sqrt((u_i - m_i)^2 + (m_j - l_j)^2)]``, for the ratio the same on logs.
   The largest gap lies between the extremes of those bounds.

Everything is computed from per-group arrays: memory is O(n_boot x n_groups),
not O(n_boot x n_groups^2). The maxima over pairs are exact: rows of the pair
table are evaluated in the order of an upper bound and the search stops once no
remaining row can beat the best value found (:func:`pair_max`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from rai_toolkit._warnings import ignoring

__all__ = [
    "Block",
    "DisparityBounds",
    "GroupLimits",
    "MIN_DEFINED_FRACTION",
    "critical_value",
    "difference_and_ratio",
    "disparity_bounds",
    "disparity_interval",
    "group_limits",
    "max_group_interval",
    "pair_max",
    "percentile_interval",
]

#: An interval is reported only when the statistic is defined in at least this share of replicates.
MIN_DEFINED_FRACTION = 0.5
# elements of one block of pair evaluations (replicates x groups, or groups x groups)
_CHUNK = 2_000_000
# below this many replicate x pair evaluations the pair maxima are computed directly
_DIRECT_PAIRS = 2_000_000
# strata of partner groups behind the row bounds of the pair maxima
_STRATA = 8


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
    with np.errstate(invalid="ignore", divide="ignore"), ignoring(RuntimeWarning):
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
    if np.all(defined == 1.0):
        lower, upper = np.quantile(replicates, [alpha, 1.0 - alpha], axis=0)
    else:
        lower, upper = _nan_quantiles(replicates, (alpha, 1.0 - alpha))
    ok = defined >= MIN_DEFINED_FRACTION
    return np.where(ok, lower, np.nan), np.where(ok, upper, np.nan)


def _nan_quantiles(values: np.ndarray, quantiles: tuple[float, ...]) -> list[np.ndarray]:
    """``numpy.nanquantile`` (linear method) along axis 0, vectorised over the other axes.

    numpy loops in Python over columns that hold a NaN; this sorts once (NaN last)
    and interpolates with numpy's own formulas, so the numbers are the same.
    """
    ordered = np.sort(values, axis=0)
    n = (~np.isnan(values)).sum(axis=0).astype(float)
    out = []
    for q in quantiles:
        virtual = (n - 1.0) * q
        previous = np.floor(virtual)
        after = previous + 1.0
        top = virtual >= n - 1.0
        previous = np.where(top, n - 1.0, previous)
        after = np.where(top, n - 1.0, after)
        below = virtual < 0
        previous = np.where(below, 0.0, previous)
        after = np.where(below, 0.0, after)
        gamma = virtual - np.floor(virtual)
        a = np.take_along_axis(ordered, previous.astype(np.intp)[None], axis=0)[0]
        b = np.take_along_axis(ordered, after.astype(np.intp)[None], axis=0)[0]
        diff = b - a
        value = np.where(gamma >= 0.5, b - diff * (1.0 - gamma), a + diff * gamma)
        out.append(np.where(n > 0, value, np.nan))
    return out


@dataclass(frozen=True)
class Block:
    """One metric's groups as compared by a disparity.

    Attributes
    ----------
    point : numpy.ndarray
        Shape (n_groups,): the metric per group (NaN where undefined; such groups
        are not compared).
    replicates : numpy.ndarray
        Shape (n_boot, n_groups): bootstrap replicates of ``point``.
    reference : int or None
        Position of the reference group: compare every group with it, instead of
        every two groups.
    unit_interval : bool
        The metric lies in [0, 1] (a rate or probability): use the arcsine
        square-root scale and keep limits inside [0, 1].
    support : numpy.ndarray or None
        Shape (n_groups,): the denominator behind each group's value, for the
        Wilson limit of a group at 0 or 1 whose replicates do not move.
    """

    point: np.ndarray
    replicates: np.ndarray
    reference: int | None = None
    unit_interval: bool = False
    support: np.ndarray | None = None


@dataclass(frozen=True)
class GroupLimits:
    """Simultaneous limits of the compared groups of one :class:`Block`.

    Attributes
    ----------
    point, lower, upper : numpy.ndarray
        Shape (n_compared,): estimate and limits of each compared group.
    reference : int or None
        Position of the reference group among the compared ones.
    unit_interval : bool
        As in :class:`Block`.
    """

    point: np.ndarray
    lower: np.ndarray
    upper: np.ndarray
    reference: int | None
    unit_interval: bool


def critical_value(statistics: np.ndarray, *, ci: float) -> float:
    """Return the ``ceil(ci (B + 1))``-th smallest of ``B`` replicate statistics.

    Parameters
    ----------
    statistics : numpy.ndarray
        Shape (B,).
    ci : float
        Coverage.

    Returns
    -------
    float
        The critical value.
    """
    n = statistics.shape[0]
    k = min(n - 1, max(0, int(np.ceil(ci * (n + 1))) - 1))
    return float(np.partition(statistics, k)[k])


def _to_scale(values: np.ndarray, unit: bool) -> np.ndarray:
    if not unit:
        return np.asarray(values, dtype=float)
    with np.errstate(invalid="ignore"):
        return np.arcsin(np.sqrt(np.clip(values, 0.0, 1.0)))


def _from_scale(values: np.ndarray, unit: bool) -> np.ndarray:
    if not unit:
        return values
    return np.sin(np.clip(values, 0.0, np.pi / 2)) ** 2


def _spread(dev: np.ndarray) -> np.ndarray:
    """Bootstrap standard deviation per column over its finite entries (NaN below two)."""
    ok = np.isfinite(dev)
    n_ok = ok.sum(axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = np.where(ok, dev, 0.0).sum(axis=0) / n_ok
        var = (np.where(ok, dev - mean, 0.0) ** 2).sum(axis=0) / (n_ok - 1)
    return np.where(n_ok >= 2, np.sqrt(var), np.nan)


def _t(num: np.ndarray, den: np.ndarray) -> np.ndarray:
    """Studentized gap: 0 when the gap is 0, inf when only the spread is 0."""
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(num == 0.0, 0.0, num / den)


def pair_max(dev: np.ndarray, tau: np.ndarray, *, direct: bool | None = None) -> np.ndarray:
    """Largest studentized gap over all pairs of groups, in every replicate.

    ``max_{i<j} |dev[b, i] - dev[b, j]| / sqrt(tau_i^2 + tau_j^2)`` for each ``b``
    (0 / 0 counts 0, x / 0 counts inf). Computed exactly either directly over all
    pairs in chunks, or by bounding each row ``i`` of the pair table by
    ``(dev[b, i] - min_j dev[b, j]) / sqrt(tau_i^2 + min_j tau_j^2)`` (the minima
    taken within strata of partners of similar spread) and evaluating rows in
    decreasing order of that bound until none can beat the best value found.
    Both give the same numbers.

    Parameters
    ----------
    dev : numpy.ndarray
        Shape (n_boot, n_groups), finite.
    tau : numpy.ndarray
        Shape (n_groups,), finite and >= 0.
    direct : bool, optional
        Force the direct (True) or the bounded (False) computation; by default
        direct when ``n_boot * n_pairs`` is small.

    Returns
    -------
    numpy.ndarray
        Shape (n_boot,).
    """
    n_boot, n_groups = dev.shape
    best = np.zeros(n_boot)
    if n_groups < 2:
        return best
    tau2 = tau * tau
    if direct is None:
        direct = n_boot * n_groups * (n_groups - 1) // 2 <= _DIRECT_PAIRS
    if direct:
        i, j = np.triu_indices(n_groups, k=1)
        step = max(1, _CHUNK // max(1, n_boot))
        for start in range(0, i.size, step):
            a, b = i[start : start + step], j[start : start + step]
            t = _t(np.abs(dev[:, a] - dev[:, b]), np.sqrt(tau2[a] + tau2[b]))
            np.maximum(best, t.max(axis=1), out=best)
        return best
    # groups whose replicates do not move: among themselves a gap is 0 or infinite
    still = tau2 == 0.0
    if still.sum() > 1:
        frozen = dev[:, still]
        best[frozen.max(axis=1) > frozen.min(axis=1)] = np.inf
    moving = np.flatnonzero(~still)
    if not moving.size:
        return best
    # Row bound: partners are split into strata of similar spread (the still groups, then
    # the moving ones by increasing spread); within a stratum a row meets at most the
    # stratum's largest deviation below it and at least its smallest spread. A still
    # row skips the still stratum (those pairs are done above).
    strata = np.array_split(moving[np.argsort(tau2[moving], kind="stable")],
                            min(_STRATA, moving.size))  # fmt: skip
    bound = np.full(dev.shape, -np.inf)
    with np.errstate(invalid="ignore", divide="ignore"):
        for part in strata:
            low = dev[:, part].min(axis=1)
            spread = np.sqrt(tau2 + tau2[part].min())
            np.maximum(bound, (dev - low[:, None]) / spread[None, :], out=bound)
        if still.any():
            low = dev[:, still].min(axis=1)
            over = (dev - low[:, None]) / np.sqrt(tau2)[None, :]
            np.maximum(bound, np.where(still[None, :], -np.inf, over), out=bound)

    def rows(b: np.ndarray, i: np.ndarray) -> np.ndarray:
        t = _t(np.abs(dev[b, i][:, None] - dev[b]), np.sqrt(tau2[i][:, None] + tau2[None, :]))
        return t.max(axis=1)

    first = np.argmax(bound, axis=1)
    np.maximum(best, rows(np.arange(n_boot), first), out=best)
    b_idx, i_idx = np.nonzero(bound > best[:, None])
    order = np.argsort(-bound[b_idx, i_idx], kind="stable")
    b_idx, i_idx = b_idx[order], i_idx[order]
    step = max(1, _CHUNK // n_groups)
    while b_idx.size:
        b, i = b_idx[:step], i_idx[:step]
        np.maximum.at(best, b, rows(b, i))
        b_idx, i_idx = b_idx[step:], i_idx[step:]
        alive = bound[b_idx, i_idx] > best[b_idx]
        b_idx, i_idx = b_idx[alive], i_idx[alive]
    return best


def _prepare(block: Block) -> tuple[np.ndarray, np.ndarray, int | None] | None:
    """Positions of the compared groups, their estimates, and the reference among them."""
    point = np.asarray(block.point, dtype=float)
    defined = ~np.isnan(point)
    if block.reference is not None and not defined[block.reference]:
        return None
    idx = np.flatnonzero(defined)
    if idx.size < 2:
        return None
    ref = None if block.reference is None else int(np.searchsorted(idx, block.reference))
    return idx, point[idx], ref


def group_limits(blocks: Sequence[Block], *, ci: float) -> list[GroupLimits] | None | bool:
    """Per-group limits that hold for every compared pair of every block at once.

    Parameters
    ----------
    blocks : sequence of Block
        One per metric (e.g. the two rates of equalized odds); they share one
        critical value.
    ci : float
        Simultaneous coverage.

    Returns
    -------
    list of GroupLimits, None or False
        The limits; None when a block has fewer than two defined groups (or an
        undefined reference group); False when the limits are unbounded: in
        more than ``1 - ci`` of the replicates a compared group's metric is
        undefined.
    """
    prepared = []
    for block in blocks:
        found = _prepare(block)
        if found is None:
            return None
        prepared.append((block, *found))
    n_boot = np.asarray(blocks[0].replicates).shape[0]
    if n_boot == 0:
        return False
    worst = np.zeros(n_boot)
    scaled = []
    for block, idx, point, ref in prepared:
        x = _to_scale(point, block.unit_interval)
        dev = _to_scale(np.asarray(block.replicates, dtype=float)[:, idx], block.unit_interval) - x
        tau = _spread(dev)
        if np.isnan(tau).any():
            return False
        # a replicate in which a compared group is undefined counts as +inf
        good = np.isfinite(dev).all(axis=1)
        worst[~good] = np.inf
        if critical_value(worst, ci=ci) == np.inf:
            return False
        dev = dev[good]
        if ref is None:
            t_max = pair_max(dev, tau)
        else:
            others = np.delete(np.arange(idx.size), ref)
            spread = np.sqrt(tau[others] ** 2 + tau[ref] ** 2)
            t_max = _t(np.abs(dev[:, others] - dev[:, [ref]]), spread).max(axis=1)
        np.maximum(worst[good], t_max, out=t_max)
        worst[good] = t_max
        scaled.append((block, idx, point, ref, x, tau))
    c = critical_value(worst, ci=ci)
    if not np.isfinite(c):
        return False
    limits = []
    for block, idx, point, ref, x, tau in scaled:
        half = np.where(tau == 0.0, 0.0, c * tau)
        lower = _from_scale(x - half, block.unit_interval)
        upper = _from_scale(x + half, block.unit_interval)
        if block.unit_interval and block.support is not None:
            lower, upper = _wilson_at_edges(point, lower, upper, tau,
                                            np.asarray(block.support, dtype=float)[idx], c)
        # limits contain the estimate (the back-transform can round it away)
        limits.append(
            GroupLimits(point, np.minimum(lower, point), np.maximum(upper, point), ref,
                        block.unit_interval)
        )  # fmt: skip
    return limits


def _wilson_at_edges(
    point: np.ndarray,
    lower: np.ndarray,
    upper: np.ndarray,
    tau: np.ndarray,
    support: np.ndarray,
    c: float,
) -> tuple[np.ndarray, np.ndarray]:
    """Wilson score limits for groups at 0 or 1 whose replicates do not move."""
    n = np.maximum(support, 1.0)
    edge = c * c / (n + c * c)
    at_zero = (tau == 0.0) & (point == 0.0)
    at_one = (tau == 0.0) & (point == 1.0)
    return np.where(at_one, 1.0 - edge, lower), np.where(at_zero, edge, upper)


def _pair_extreme(
    gain: np.ndarray, near: np.ndarray, far: np.ndarray, *, sign: float, floor: float
) -> float:
    """``max over i != j of gain_i - gain_j + sign * sqrt(near_i^2 + far_j^2)``, at least ``floor``.

    Exact; rows are evaluated in decreasing order of the bound
    ``gain_i - min gain + sign * sqrt(near_i^2 + (max or min far)^2)``.
    """
    n = gain.shape[0]
    near2, far2 = near * near, far * far
    if sign > 0 and (np.isinf(far2).any() or np.isinf(near2).any()):
        return np.inf  # an unbounded limit: some pair's upper bound is infinite
    extreme_far2 = far2.max() if sign > 0 else far2.min()
    with np.errstate(invalid="ignore"):
        bound = (gain - gain.min()) + sign * np.sqrt(near2 + extreme_far2)
    best = floor
    order = np.argsort(-bound, kind="stable")
    step = max(1, _CHUNK // n)
    for start in range(0, n, step):
        rows = order[start : start + step]
        rows = rows[bound[rows] > best]
        if not rows.size:
            break
        values = (gain[rows][:, None] - gain[None, :]) + sign * np.sqrt(
            near2[rows][:, None] + far2[None, :]
        )
        values[np.arange(rows.size), rows] = -np.inf  # a group is not its own pair
        best = max(best, float(np.nanmax(values)))
    return best


def _contrast_bounds(
    gain: np.ndarray, up: np.ndarray, down: np.ndarray, ref: int | None
) -> tuple[float, float]:
    """Extremes of the MOVER bounds of all pairwise contrasts ``gain_i - gain_j``.

    ``up`` / ``down`` are each group's distances from its estimate to its upper /
    lower limit on the contrast's scale. Returns ``(low, high)``: the largest lower
    bound (at least 0) and the largest upper bound over ordered pairs.
    """
    if ref is not None:
        others = np.delete(np.arange(gain.size), ref)
        d = gain[others] - gain[ref]
        upper = np.concatenate(
            [d + np.hypot(up[others], down[ref]), -d + np.hypot(up[ref], down[others])]
        )
        lower = np.concatenate(
            [d - np.hypot(down[others], up[ref]), -d - np.hypot(down[ref], up[others])]
        )
        return max(0.0, float(lower.max())), float(upper.max())
    high = _pair_extreme(gain, up, down, sign=1.0, floor=-np.inf)
    low = _pair_extreme(gain, down, up, sign=-1.0, floor=0.0)
    return low, high


def difference_bounds(limits: Sequence[GroupLimits]) -> tuple[float, float]:
    """Interval of the largest absolute difference between compared groups.

    Parameters
    ----------
    limits : sequence of GroupLimits
        From :func:`group_limits`; the result is the extreme over all of them.

    Returns
    -------
    lower, upper : float
        Bounds; the upper one at most 1 for metrics in [0, 1].
    """
    low, high = 0.0, -np.inf
    for lim in limits:
        lo, hi = _contrast_bounds(lim.point, lim.upper - lim.point, lim.point - lim.lower,
                                  lim.reference)  # fmt: skip
        if lim.unit_interval:
            hi = min(hi, 1.0)
        low, high = max(low, lo), max(high, hi)
    return low, high


def ratio_bounds(limits: Sequence[GroupLimits]) -> tuple[float, float]:
    """Interval of the smallest ratio min / max between compared groups.

    The ratio is ``exp(-max |log m_i - log m_j|)``; its bounds come from the
    MOVER bounds of the log contrasts. A pair with a group at 0 has an infinite
    log contrast (the ratio's lower bound is 0) bounded below by
    ``log l_i - log u_0``, the positive group's lower limit against the zero
    group's upper limit.

    Parameters
    ----------
    limits : sequence of GroupLimits
        From :func:`group_limits`.

    Returns
    -------
    lower, upper : float
        Bounds; NaN when the ratio is undefined (a negative value, or no positive
        value).
    """
    low, high = 0.0, -np.inf
    for lim in limits:
        point, ref = lim.point, lim.reference
        if np.any(point < 0) or point.max() <= 0:
            return np.nan, np.nan
        with np.errstate(divide="ignore"):
            log_m = np.log(point)
            log_l = np.log(np.maximum(lim.lower, 0.0))
            log_u = np.log(lim.upper)
        positive = point > 0
        if ref is None:
            pos, zero = positive, ~positive
        elif positive[ref]:
            pos, zero = np.arange(point.size) == ref, ~positive
        else:
            pos, zero = positive, np.arange(point.size) == ref
        if pos.any() and zero.any():
            high = np.inf
            low = max(low, float(log_l[pos].max() - log_u[zero].min()))
        keep = np.flatnonzero(positive)
        if ref is not None and not positive[ref]:
            continue
        kept_ref = None if ref is None else int(np.searchsorted(keep, ref))
        if keep.size >= 2:
            m, lo_, up_ = log_m[keep], log_l[keep], log_u[keep]
            lo, hi = _contrast_bounds(m, up_ - m, m - lo_, kept_ref)
            low, high = max(low, lo), max(high, hi)
    return float(np.exp(-high)), float(np.exp(-low))


@dataclass(frozen=True)
class DisparityBounds:
    """Intervals of a disparity's difference and ratio (NaN where undefined)."""

    difference: tuple[float, float]
    ratio: tuple[float, float]
    unbounded: bool


def disparity_bounds(blocks: Sequence[Block], *, ci: float) -> DisparityBounds:
    """Difference and ratio intervals from one set of simultaneous group limits.

    Parameters
    ----------
    blocks : sequence of Block
        One per metric.
    ci : float
        Coverage.

    Returns
    -------
    DisparityBounds
        ``unbounded`` is True when the limits are (too many undefined replicates).
    """
    nan = (np.nan, np.nan)
    limits = group_limits(blocks, ci=ci)
    if limits is None or limits is False:
        return DisparityBounds(nan, nan, limits is False)
    return DisparityBounds(difference_bounds(limits), ratio_bounds(limits), False)


def disparity_interval(
    blocks: Sequence[Block | tuple],
    *,
    statistic: str,
    ci: float,
) -> tuple[float, float, bool]:
    """Simultaneous interval of a difference or ratio between groups.

    The difference is the largest ``|m_i - m_j|`` over the compared pairs (every
    two groups, or every group and the reference); the ratio is the smallest
    ``min / max``. With several blocks (e.g. the two rates of equalized odds) the
    pairs of all blocks hold jointly and the extreme is over all of them.

    Parameters
    ----------
    blocks : sequence of Block or tuple
        ``Block(point, replicates, reference, unit_interval, support)`` (a tuple is
        read in that order).
    statistic : {"difference", "ratio"}
        Which disparity.
    ci : float
        Coverage.

    Returns
    -------
    lower, upper : float
        Bounds (NaN when undefined or unbounded); they contain the point estimate.
    unbounded : bool
        Whether the bounds are NaN because more than ``1 - ci`` of the replicates
        had an undefined group value.
    """
    found = disparity_bounds([b if isinstance(b, Block) else Block(*b) for b in blocks], ci=ci)
    lo, hi = found.difference if statistic == "difference" else found.ratio
    return lo, hi, found.unbounded


def max_group_interval(
    point: np.ndarray, replicates: np.ndarray, *, ci: float
) -> tuple[float, float, bool]:
    """Interval of the largest group value from simultaneous per-group intervals.

    Each group gets ``m_g -+ c tau_g`` with ``c`` the critical value of
    ``max_g |e_g| / tau_g``; then ``max_g m_g`` lies in ``[max_g L_g, max_g U_g]``.

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
    point = np.asarray(point, dtype=float)
    dev = np.asarray(replicates, dtype=float) - point
    if dev.shape[0] == 0:
        return np.nan, np.nan, True
    tau = _spread(dev)
    if np.isnan(tau).any():
        return np.nan, np.nan, True
    finite = np.isfinite(dev)
    t = _t(np.abs(np.where(finite, dev, 0.0)), tau)
    t_max = t.max(axis=1)
    t_max[~finite.all(axis=1)] = np.inf
    c = critical_value(t_max, ci=ci)
    if not np.isfinite(c):
        return np.nan, np.nan, True
    half = np.where(tau == 0.0, 0.0, c * tau)
    return float((point - half).max()), float((point + half).max()), False
