"""Group metrics as vectorised functions of count tables.

Every function here takes arrays whose last axes are the cells of a
:class:`~rai_toolkit.fairness._cells.CellTable` and any number of leading axes
(bootstrap replicates, simulations), so the same code computes point estimates
and replicates. Undefined values (a zero denominator) are NaN; :func:`undefined_reasons`
says why.
"""

from __future__ import annotations

import functools

import numpy as np

__all__ = [
    "LABEL_METRICS",
    "SCORE_METRICS",
    "REGRESSION_METRICS",
    "classification_metrics",
    "metrics_from_margins",
    "score_sums",
    "histogram_pairs",
    "EXACT_PAIR_ROWS",
    "exact_auc",
    "sort_by_score",
    "undefined_reasons",
    "regression_metrics",
    "calibration_noise",
    "N_CONSISTENCY_DRAWS",
    "SUPPORT_UNITS",
    "metric_support",
    "describe_support",
]

#: Metrics computed from predicted labels, in column order.
LABEL_METRICS = (
    "count",
    "base_rate",
    "selection_rate",
    "accuracy",
    "balanced_accuracy",
    "precision",
    "true_positive_rate",
    "false_positive_rate",
    "true_negative_rate",
    "false_negative_rate",
    "false_discovery_rate",
    "false_omission_rate",
    "f1",
)
#: Metrics that need scores (probability of the positive class).
SCORE_METRICS = ("roc_auc", "brier_score", "calibration_error", "calibration_error_debiased")
#: Metrics whose values lie in [0, 1], so that a difference between groups is at most 1.
UNIT_INTERVAL_METRICS = frozenset(
    {m for m in LABEL_METRICS if m != "count"} | {"roc_auc", "brier_score", "calibration_error"}
)
#: Metrics that are a share of their support (a count over its denominator): binomial proportions.
BINOMIAL_METRICS = frozenset(LABEL_METRICS) - {"count", "balanced_accuracy", "f1"}
#: Perfectly calibrated label draws behind the noise term of ``calibration_error_debiased``.
N_CONSISTENCY_DRAWS = 200
# label draws x cells held at once by calibration_noise
_NOISE_CHUNK = 2_000_000
#: Rows up to which :func:`histogram_pairs` is exact (its sums stay below 2**52 halves).
EXACT_PAIR_ROWS = 2**27
#: Regression metrics, in column order.
REGRESSION_METRICS = ("count", "mean_target", "mean_prediction", "mae", "rmse")

#: What each metric's denominator counts (singular, plural), for messages.
SUPPORT_UNITS: dict[str, tuple[str, str]] = {
    "count": ("row", "rows"),
    "base_rate": ("row", "rows"),
    "selection_rate": ("row", "rows"),
    "accuracy": ("row", "rows"),
    "balanced_accuracy": ("row of the rarer class", "rows of the rarer class"),
    "precision": ("predicted positive", "predicted positives"),
    "true_positive_rate": ("positive", "positives"),
    "false_positive_rate": ("negative", "negatives"),
    "true_negative_rate": ("negative", "negatives"),
    "false_negative_rate": ("positive", "positives"),
    "false_discovery_rate": ("predicted positive", "predicted positives"),
    "false_omission_rate": ("predicted negative", "predicted negatives"),
    "f1": ("actual or predicted positive", "actual or predicted positives"),
    "roc_auc": ("row of the rarer class", "rows of the rarer class"),
    "brier_score": ("row", "rows"),
    "calibration_error": ("row", "rows"),
    "calibration_error_debiased": ("row", "rows"),
    "mean_target": ("row", "rows"),
    "mean_prediction": ("row", "rows"),
    "mae": ("row", "rows"),
    "rmse": ("row", "rows"),
}

_NO_POS = "no actual positives in the group (tp + fn = 0)"
_NO_NEG = "no actual negatives in the group (fp + tn = 0)"
_NO_PRED_POS = "no predicted positives in the group (tp + fp = 0)"
_NO_PRED_NEG = "no predicted negatives in the group (fn + tn = 0)"
_NO_BOTH = "needs both actual positives and actual negatives in the group"
_NO_F1 = "no actual and no predicted positives in the group (2tp + fp + fn = 0)"
_EMPTY = "the group has no rows"


def _div(num: np.ndarray, den: np.ndarray) -> np.ndarray:
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(den > 0, num / np.where(den > 0, den, 1.0), np.nan)


def classification_metrics(
    counts: np.ndarray,
    sum_s: np.ndarray | None = None,
    sum_s2: np.ndarray | None = None,
    calibration_map: np.ndarray | None = None,
) -> dict[str, np.ndarray]:
    """Every binary classification metric per group, from cell counts.

    Parameters
    ----------
    counts : numpy.ndarray
        Shape (..., n_groups, 2, 2, n_bins), axes ``y``, ``y_hat``, score bin.
    sum_s, sum_s2 : numpy.ndarray, optional
        Score sums per cell, same shape; give them to get score metrics.
    calibration_map : numpy.ndarray, optional
        Shape (n_bins, n_calibration_bins), from the cell table.

    Returns
    -------
    dict
        Metric name -> array of shape (..., n_groups). ``roc_auc`` here is the
        histogram estimate (exact up to ties within a score bin); see
        :func:`exact_auc` for the exact value.
    """
    conf = counts.sum(axis=-1)
    if sum_s is None or sum_s2 is None or calibration_map is None:
        return metrics_from_margins(conf)
    sums = score_sums(
        counts.sum(axis=-2), sum_s.sum(axis=-2), sum_s2.sum(axis=-2), calibration_map
    )
    return metrics_from_margins(conf, sums)


def histogram_pairs(hist: np.ndarray, *, exact: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """Mann-Whitney U of the score histogram (ties within a bin one half) and the pair count.

    Every term is a multiple of 1/2 of at most ``n**2 / 4`` for ``n`` rows, so both
    are exact -- the same in any order of summation -- up to :data:`EXACT_PAIR_ROWS` rows.

    Parameters
    ----------
    hist : numpy.ndarray
        Shape (..., n_groups, 2, n_bins): counts per ``y``, score bin.
    exact : bool, default=False
        The caller guarantees at most :data:`EXACT_PAIR_ROWS` rows: the negatives
        below each bin are then summed with one matrix product (faster than a
        cumulative sum; the same numbers, as every sum is exact).

    Returns
    -------
    u, pairs : numpy.ndarray
        Shape (..., n_groups).
    """
    pos, neg = hist[..., 1, :], hist[..., 0, :]
    if exact:
        # negatives in lower bins, plus half of those in the same bin
        inner = neg @ _below_and_half(hist.shape[-1])
    else:
        below = np.cumsum(neg, axis=-1) - neg
        inner = below + 0.5 * neg
    return (pos * inner).sum(axis=-1), pos.sum(axis=-1) * neg.sum(axis=-1)


@functools.lru_cache(maxsize=8)
def _below_and_half(n_bins: int) -> np.ndarray:
    """Return the matrix giving, per bin, the counts in lower bins plus half its own."""
    rank = np.triu(np.ones((n_bins, n_bins)), 1) + 0.5 * np.eye(n_bins)
    rank.flags.writeable = False  # shared by every call
    return rank


def score_sums(
    hist: np.ndarray,
    s1: np.ndarray,
    s2: np.ndarray,
    calibration_map: np.ndarray,
    *,
    pairs: tuple[np.ndarray, np.ndarray] | None = None,
    y_bin: np.ndarray | None = None,
) -> np.ndarray:
    """Per-group sums behind the score metrics: every reduction over score bins.

    Parameters
    ----------
    hist : numpy.ndarray
        Shape (..., n_groups, 2, n_bins): counts per ``y``, score bin.
    s1, s2 : numpy.ndarray
        Same shape: sums of the score and of its square.
    calibration_map : numpy.ndarray
        Shape (n_bins, n_calibration_bins), from the cell table.
    pairs : tuple of numpy.ndarray, optional
        :func:`histogram_pairs` of ``hist``, when the caller computed it.
    y_bin : numpy.ndarray, optional
        Shape (..., n_groups, n_calibration_bins): ``hist[..., 1, :] @ calibration_map``,
        when the caller computed it.

    Returns
    -------
    numpy.ndarray
        Shape (..., n_groups, 4): the sum of squared errors (Brier numerator), the
        Mann-Whitney U of the histogram (ties within a bin one half), the number of
        (positive, negative) pairs, and the summed calibration gaps (ECE numerator).
        :func:`metrics_from_margins` divides them; being elementwise, that division
        may be done once for the sums of many groupings side by side.
    """
    # Brier: mean of (s - y)^2 = [sum_neg s^2 + sum_pos (1 - 2s + s^2)] / n
    sq = s2[..., 0, :].sum(axis=-1) + (hist[..., 1, :] - 2.0 * s1[..., 1, :] + s2[..., 1, :]).sum(
        axis=-1
    )
    u, n_pairs = histogram_pairs(hist) if pairs is None else pairs
    # ECE: sum over calibration bins of |sum s - sum y| / n  (= n_b/n * |mean s - mean y|)
    s_bin = s1.sum(axis=-2) @ calibration_map
    if y_bin is None:
        y_bin = hist[..., 1, :] @ calibration_map
    gap = np.abs(s_bin - y_bin).sum(axis=-1)
    return np.stack([sq, u, n_pairs, gap], axis=-1)


def metrics_from_margins(conf: np.ndarray, sums: np.ndarray | None = None) -> dict[str, np.ndarray]:
    """:func:`classification_metrics` from the table's counts per (y, y_hat) and score sums.

    Parameters
    ----------
    conf : numpy.ndarray
        Shape (..., n_groups, 2, 2): counts per ``y``, ``y_hat`` (summed over score bins).
    sums : numpy.ndarray, optional
        Shape (..., n_groups, 4), from :func:`score_sums`; give them to get score metrics.

    Returns
    -------
    dict
        As :func:`classification_metrics`.
    """
    tn, fp = conf[..., 0, 0], conf[..., 0, 1]
    fn, tp = conf[..., 1, 0], conf[..., 1, 1]
    n = tn + fp + fn + tp
    pos, neg = tp + fn, fp + tn
    tpr, tnr = _div(tp, pos), _div(tn, neg)
    out = {
        "count": n,
        "base_rate": _div(pos, n),
        "selection_rate": _div(tp + fp, n),
        "accuracy": _div(tp + tn, n),
        "balanced_accuracy": (tpr + tnr) / 2.0,
        "precision": _div(tp, tp + fp),
        "true_positive_rate": tpr,
        "false_positive_rate": _div(fp, neg),
        "true_negative_rate": tnr,
        "false_negative_rate": _div(fn, pos),
        "false_discovery_rate": _div(fp, tp + fp),
        "false_omission_rate": _div(fn, fn + tn),
        "f1": _div(2.0 * tp, 2.0 * tp + fp + fn),
    }
    if sums is None:
        return out
    out["roc_auc"] = _div(sums[..., 1], sums[..., 2])
    out["brier_score"] = _div(sums[..., 0], n)
    out["calibration_error"] = _div(sums[..., 3], n)
    return out


def calibration_noise(
    counts: np.ndarray,
    sum_s: np.ndarray,
    calibration_map: np.ndarray,
    *,
    rng: np.random.Generator,
    n_draws: int = N_CONSISTENCY_DRAWS,
) -> np.ndarray:
    """Estimate the ECE a perfectly calibrated model would show at each group's scores.

    Consistency resampling (Broecker & Smith 2007): labels are redrawn as
    ``y ~ Bernoulli(score)`` and the ECE recomputed; the mean over ``n_draws``
    draws estimates the ECE that sampling noise alone produces (about
    ``sqrt(bins / n)`` for a group of ``n`` rows). Per fine score bin only the
    row count and the mean score are needed, so a draw is one binomial per
    (group, fine bin); within a fine bin the scores are nearly equal.

    Parameters
    ----------
    counts, sum_s : numpy.ndarray
        Point count table and score sums, shape (n_groups, 2, 2, n_bins).
    calibration_map : numpy.ndarray
        Shape (n_bins, n_calibration_bins).
    rng : numpy.random.Generator
        Source of randomness.
    n_draws : int, default=N_CONSISTENCY_DRAWS
        Number of label draws.

    Returns
    -------
    numpy.ndarray
        Shape (n_groups,); NaN for an empty group.
    """
    n_bin = counts.sum(axis=(-3, -2))  # (G, B)
    s_bin = sum_s.sum(axis=(-3, -2))
    p = np.clip(_div(s_bin, n_bin), 0.0, 1.0)
    p = np.where(np.isnan(p), 0.0, p)
    n_groups, n_calibration = n_bin.shape[0], calibration_map.shape[1]
    expected = s_bin @ calibration_map  # (G, C)
    # draws only where a (group, fine bin) cell has rows: an empty cell draws 0 without
    # using the random stream, so the draws are those of the full (R, G, B) array
    cells = np.flatnonzero(n_bin.ravel() > 0)
    sizes = np.rint(n_bin).astype(np.int64).ravel()[cells]
    probs = p.ravel()[cells]
    target = (cells // n_bin.shape[1]) * n_calibration + np.argmax(calibration_map, axis=1)[
        cells % n_bin.shape[1]
    ]
    per_draw = n_groups * n_calibration
    total = np.zeros(n_groups)
    chunk = max(1, min(n_draws, _NOISE_CHUNK // max(1, cells.size, per_draw)))
    for start in range(0, n_draws, chunk):
        size = min(chunk, n_draws - start)
        draws = rng.binomial(sizes, probs, size=(size, cells.size))
        slots = (np.arange(size)[:, None] * per_draw + target[None, :]).ravel()
        labels = np.bincount(slots, weights=draws.ravel(), minlength=size * per_draw)
        gap = np.abs(expected - labels.reshape(size, n_groups, n_calibration)).sum(axis=-1)
        for row in gap:  # in draw order, as a mean over the draws would add them
            total += row
    return _div(total / n_draws, n_bin.sum(axis=-1))


def sort_by_score(
    score: np.ndarray, y: np.ndarray, codes: np.ndarray, n_groups: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
    """Sort rows by score once, for :func:`exact_auc` on several groupings.

    Parameters
    ----------
    score : numpy.ndarray
        Scores.
    y : numpy.ndarray of bool
        Positive class membership.
    codes : numpy.ndarray
        Intersectional group code per row.
    n_groups : int
        Number of intersectional groups.

    Returns
    -------
    codes_sorted : numpy.ndarray
        Group codes in increasing score order (small integer dtype).
    y_sorted : numpy.ndarray of bool
        Labels in the same order.
    tie_id : numpy.ndarray or None
        Same order: -1 for a row whose score is unique, otherwise the index of its
        block of equal scores. None when no two scores tie.
    """
    order = np.argsort(score)
    s_sorted = score[order]
    same = s_sorted[1:] == s_sorted[:-1]
    del s_sorted
    tie_id = None
    if same.any():
        in_tie = np.zeros(order.shape[0], dtype=bool)
        in_tie[1:] |= same
        in_tie[:-1] |= same
        block = np.empty(order.shape[0], dtype=np.int64)
        block[0] = 0
        np.cumsum(~same, out=block[1:])
        tie_id = np.where(in_tie, block, -1)
    del same
    small = np.int16 if n_groups < np.iinfo(np.int16).max else np.intp
    return codes[order].astype(small), y[order], tie_id


def exact_auc(
    codes_sorted: np.ndarray, n_groups: int, y_sorted: np.ndarray, tie_id: np.ndarray | None
) -> np.ndarray:
    """Exact ROC AUC per group (Mann-Whitney U, ties counted one half).

    A stable sort by group code (a radix sort for small integer codes) of rows
    already in score order puts each group's rows together, in score order;
    U is then a cumulative count of negatives, corrected on tied rows only.

    Parameters
    ----------
    codes_sorted : numpy.ndarray
        Group code per row, rows in increasing score order (see :func:`sort_by_score`).
    n_groups : int
        Number of groups.
    y_sorted : numpy.ndarray of bool
        Positive class membership, same order.
    tie_id : numpy.ndarray or None
        Tie block of each row (-1 when its score is unique), same order; None when
        no scores tie.

    Returns
    -------
    numpy.ndarray
        Shape (n_groups,); NaN for a group without positives or negatives.
    """
    n = y_sorted.shape[0]
    if n_groups == 1:
        g, yy, tie = None, y_sorted, tie_id
        sizes = np.array([n])
    else:
        within = np.argsort(codes_sorted, kind="stable")
        g = codes_sorted[within]
        yy = y_sorted[within]
        tie = None if tie_id is None else tie_id[within]
        del within
        sizes = np.bincount(g, minlength=n_groups)
    present = sizes > 0
    group_start = np.cumsum(sizes) - sizes
    neg_cum = np.cumsum(~yy, dtype=np.int64)  # negatives at or before each position
    neg_before_group = np.where(group_start > 0, neg_cum[np.maximum(group_start - 1, 0)], 0)
    positives = np.zeros(n_groups)
    positives[present] = np.add.reduceat(yy, group_start[present], dtype=np.int64)
    negatives = sizes - positives
    # a positive outranks every negative of its group placed before it ...
    u = np.zeros(n_groups)
    u[present] = np.add.reduceat(np.where(yy, neg_cum, 0), group_start[present], dtype=np.int64)
    u -= positives * neg_before_group
    if tie is not None:
        # ... except that within a block of tied scores each (positive, negative) pair counts
        # one half, whatever their order: correct on the tied rows only
        rows = np.flatnonzero(tie >= 0)
        t, y_t = tie[rows], yy[rows]
        g_t = np.zeros(rows.size, dtype=np.intp) if g is None else g[rows].astype(np.intp)
        new_block = np.ones(rows.size, dtype=bool)
        new_block[1:] = (t[1:] != t[:-1]) | (g_t[1:] != g_t[:-1])
        starts = np.flatnonzero(new_block)
        block_of = np.cumsum(new_block) - 1
        neg_cum_t = np.cumsum(~y_t, dtype=np.int64)
        neg_before_block = (neg_cum_t - np.where(~y_t, 1, 0))[starts]  # exclusive at block start
        before_in_block = np.where(y_t, neg_cum_t - neg_before_block[block_of], 0)
        n_blocks = starts.size
        s_b = np.bincount(block_of, weights=before_in_block, minlength=n_blocks)
        p_b = np.bincount(block_of, weights=y_t, minlength=n_blocks)
        n_b = np.bincount(block_of, minlength=n_blocks) - p_b
        u += np.bincount(g_t[starts], weights=0.5 * p_b * n_b - s_b, minlength=n_groups)
    return _div(u, positives * negatives)


def undefined_reasons(counts: np.ndarray, metrics: list[str]) -> dict[str, list[str | None]]:
    """Why each metric of each group is undefined (None where defined).

    Parameters
    ----------
    counts : numpy.ndarray
        Point count table, shape (n_groups, 2, 2, n_bins).
    metrics : list of str
        Metric names reported.

    Returns
    -------
    dict
        Metric -> list over groups of a reason or None.
    """
    conf = counts.sum(axis=-1)
    tn, fp, fn, tp = conf[:, 0, 0], conf[:, 0, 1], conf[:, 1, 0], conf[:, 1, 1]
    n = tn + fp + fn + tp
    pos, neg = tp + fn, fp + tn
    rules = {
        "precision": [(tp + fp == 0, _NO_PRED_POS)],
        "false_discovery_rate": [(tp + fp == 0, _NO_PRED_POS)],
        "true_positive_rate": [(pos == 0, _NO_POS)],
        "false_negative_rate": [(pos == 0, _NO_POS)],
        "false_positive_rate": [(neg == 0, _NO_NEG)],
        "true_negative_rate": [(neg == 0, _NO_NEG)],
        "false_omission_rate": [(fn + tn == 0, _NO_PRED_NEG)],
        "balanced_accuracy": [((pos == 0) | (neg == 0), _NO_BOTH)],
        "roc_auc": [((pos == 0) | (neg == 0), _NO_BOTH)],
        "f1": [(2 * tp + fp + fn == 0, _NO_F1)],
    }
    out: dict[str, list[str | None]] = {}
    for metric in metrics:
        reasons: list[str | None] = [None] * n.shape[0]
        for mask, reason in [(n == 0, _EMPTY), *rules.get(metric, [])]:
            for i in np.flatnonzero(mask):
                reasons[i] = reasons[i] or reason
        out[metric] = reasons
    return out


def metric_support(counts: np.ndarray, metrics: list[str] | tuple[str, ...]) -> np.ndarray:
    """Denominator behind each group's value of each metric.

    Positives (tp + fn) for the true positive and false negative rates,
    negatives (fp + tn) for the false positive and true negative rates,
    predicted positives (tp + fp) for precision and the false discovery rate,
    predicted negatives (fn + tn) for the false omission rate, the rarer of
    positives and negatives for balanced accuracy and ROC AUC, tp + fp + fn for
    f1, and rows for every other metric.

    Parameters
    ----------
    counts : numpy.ndarray
        Point count table, shape (n_groups, 2, 2, n_bins).
    metrics : sequence of str
        Metric names, in column order.

    Returns
    -------
    numpy.ndarray
        Shape (n_groups, n_metrics), integer counts.
    """
    conf = counts.sum(axis=-1)
    tn, fp, fn, tp = conf[:, 0, 0], conf[:, 0, 1], conf[:, 1, 0], conf[:, 1, 1]
    n = tn + fp + fn + tp
    pos, neg = tp + fn, fp + tn
    rules = {
        "precision": tp + fp,
        "false_discovery_rate": tp + fp,
        "true_positive_rate": pos,
        "false_negative_rate": pos,
        "false_positive_rate": neg,
        "true_negative_rate": neg,
        "false_omission_rate": fn + tn,
        "balanced_accuracy": np.minimum(pos, neg),
        "roc_auc": np.minimum(pos, neg),
        "f1": tp + fp + fn,
    }
    out = np.stack([rules.get(m, n) for m in metrics], axis=-1)
    return np.rint(out).astype(np.int64)


def describe_support(metric: str, n: int) -> str:
    """``"5 positives"``: a support count with the unit of ``metric``'s denominator.

    Parameters
    ----------
    metric : str
        Metric name.
    n : int
        Support count.

    Returns
    -------
    str
        The count and its unit.
    """
    one, many = SUPPORT_UNITS.get(metric, ("row", "rows"))
    return f"{n} {one if n == 1 else many}"


def regression_metrics(sums: np.ndarray) -> dict[str, np.ndarray]:
    """Regression metrics per group from sufficient statistics.

    Parameters
    ----------
    sums : numpy.ndarray
        Shape (..., n_groups, 5): count, sum of y, sum of prediction, sum of
        absolute error, sum of squared error.

    Returns
    -------
    dict
        Metric name -> array of shape (..., n_groups).
    """
    n = sums[..., 0]
    return {
        "count": n,
        "mean_target": _div(sums[..., 1], n),
        "mean_prediction": _div(sums[..., 2], n),
        "mae": _div(sums[..., 3], n),
        "rmse": np.sqrt(_div(sums[..., 4], n)),
    }
