"""The cohort search of error analysis: every cohort of one or two conditions, scored.

Method
------
Exhaustive small cohorts, not a tree. Every cohort defined by one feature
value (``occupation = Sales``) or by a pair of values of two features
(``sex = Female and education = HS-grad``) is scored, and the worst are
listed. Numeric features with more than ``max_levels`` distinct values are cut
into ``n_bins`` quantile bins; missing values form the ``(missing)`` level.
Compared with the decision tree of the Responsible AI dashboard's error
analysis, which greedily splits on the features that best separate errors and
reports its leaves, the exhaustive search

* finds every worst cohort up to two conditions (a greedy tree can miss a
  pair whose single features look unremarkable),
* names cohorts in plain conditions a reader can check, and
* is cheap: one ``bincount`` per feature and per pair of features.

For classification the error of a row is ``y_pred != y_true``; cohorts are
ranked by the lower end of the Wilson 95% interval of their error rate, so a
cohort of 30 rows with a few unlucky errors does not outrank a large cohort
whose error rate is reliably high. For regression the error is
``|y_pred - y_true|`` and cohorts are ranked by mean absolute error.

Privacy rules (so that a shared report cannot single out a few people): a
cohort is listed only if it has at least ``max(min_cohort_size,
min_cell_size)`` rows, if what remains of each of its parents after removing it
(the rest of the data for a one-condition cohort, the rest of each single
condition for a pair) still has ``min_cell_size`` rows, and if none of its
conditions names a group the report hides (``exclude``). A pair is listed only
if its error is higher than that of both its single conditions, so that the
list does not repeat one bad feature value paired with every other feature,
and a cohort with exactly the rows of a cohort ranked above it (e.g.
``education = Bachelors`` and ``education_num = 13``) is listed once.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Hashable, Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from rai_toolkit._scalars import describe
from rai_toolkit._validation import MISSING_GROUP
from rai_toolkit.exceptions import ArgumentError

__all__ = ["check_exclude", "search_cohorts"]

_Z95 = 1.959963984540054

_BAD_EXCLUDE = (
    "exclude must be a dict {{feature: [levels]}} or a list of dicts {{feature: level, ...}}; "
    "received {value}."
)


def check_exclude(exclude: Any) -> list[dict[Hashable, str]]:
    """Return the exclusion rules as a list of ``{feature: level}`` dicts of strings."""
    if exclude is None:
        return []
    if isinstance(exclude, Mapping):
        rules = []
        for feature, levels in exclude.items():
            if isinstance(levels, str) or not isinstance(levels, Sequence | set | np.ndarray):
                raise ArgumentError(
                    f"exclude[{feature!r}] must be a list of levels; received {describe(levels)}. "
                    f"Pass e.g. exclude={{{feature!r}: [{describe(levels)}]}}.",
                    argument="exclude",
                )
            rules.extend({feature: str(v)} for v in levels)
        return rules
    if (
        isinstance(exclude, Sequence)
        and not isinstance(exclude, str)
        and all(isinstance(rule, Mapping) for rule in exclude)
    ):
        return [{f: str(v) for f, v in rule.items()} for rule in exclude]
    raise ArgumentError(_BAD_EXCLUDE.format(value=describe(exclude)), argument="exclude")


def _wilson(errors: np.ndarray, n: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    n = n.astype(float)
    p = np.divide(errors, n, out=np.zeros_like(n), where=n > 0)
    z2 = _Z95**2
    denom = 1 + z2 / n
    centre = (p + z2 / (2 * n)) / denom
    half = _Z95 * np.sqrt(p * (1 - p) / n + z2 / (4 * n**2)) / denom
    return np.clip(centre - half, 0, 1), np.clip(centre + half, 0, 1)


def _encode(column: pd.Series, *, n_bins: int, max_levels: int) -> tuple[np.ndarray, list[str]]:
    """Return integer codes and level labels for one feature."""
    values = column
    if pd.api.types.is_bool_dtype(values):
        values = values.astype(object)
    if pd.api.types.is_numeric_dtype(values) and values.nunique(dropna=True) > max_levels:
        arr = values.to_numpy(dtype=float)
        finite = arr[np.isfinite(arr)]
        edges = np.unique(np.quantile(finite, np.linspace(0, 1, n_bins + 1))) if finite.size else []
        if len(edges) >= 2:
            codes = np.searchsorted(edges[1:-1], arr, side="left")
            labels = [
                f"{'[' if i == 0 else '('}{lo:.4g}, {hi:.4g}]"
                for i, (lo, hi) in enumerate(zip(edges[:-1], edges[1:]))
            ]
            codes = np.where(np.isfinite(arr), codes, len(labels))
            return codes.astype(np.int64), [*labels, MISSING_GROUP]
    obj = values.astype(object).where(values.notna(), MISSING_GROUP)
    keys = obj.map(str)
    order = keys.value_counts(sort=True)
    levels = order.index.tolist()
    if len(levels) > 50:  # keep the 50 most frequent levels; the rest share one
        kept = set(levels[:49])
        keys = keys.where(keys.isin(kept), "(other)")
        levels = [*levels[:49], "(other)"]
    lookup = {v: i for i, v in enumerate(levels)}
    return keys.map(lookup).to_numpy(dtype=np.int64), levels


def _same_rows_as_earlier(keys: pd.Series, encoded: dict) -> np.ndarray:
    """Flag cohorts whose rows equal those of a cohort listed before them."""
    seen: set[bytes] = set()
    flags = np.zeros(len(keys), dtype=bool)
    for pos, key in enumerate(keys):
        mask = np.ones(len(next(iter(encoded.values()))[0]), dtype=bool)
        for feature, level in key:
            mask &= encoded[feature][0] == level
        digest = np.packbits(mask).tobytes()
        flags[pos] = digest in seen
        seen.add(digest)
    return flags


def search_cohorts(
    data: pd.DataFrame,
    cohort_features: Sequence[Hashable],
    err: np.ndarray,
    *,
    task: str,
    max_conditions: int,
    min_cohort_size: int,
    min_cell_size: int,
    n_bins: int,
    max_levels: int,
    rules: Sequence[Mapping[Hashable, str]] = (),
) -> tuple[pd.DataFrame, dict[str, Any]]:
    """Score every cohort of one or two conditions by the error of its rows.

    Parameters
    ----------
    data : pandas.DataFrame
        Rows, holding the cohort features.
    cohort_features : sequence of hashable
        Columns that define cohorts.
    err : numpy.ndarray
        Error of each row: 0/1 (classification) or absolute error (regression).
    task : {"classification", "regression"}
        How errors are summarised.
    max_conditions, min_cohort_size, min_cell_size, n_bins, max_levels : int
        Checked settings (see :func:`~rai_toolkit.error_analysis.analyze_errors`).
    rules : sequence of mappings
        Exclusion rules from :func:`check_exclude`.

    Returns
    -------
    tuple of (pandas.DataFrame, dict)
        The listed cohorts worst first, and the overall error.
    """
    n_total = len(err)
    overall_err = float(err.mean())
    floor = max(min_cohort_size, min_cell_size)

    encoded = {f: _encode(data[f], n_bins=n_bins, max_levels=max_levels) for f in cohort_features}
    single_counts: dict[Hashable, np.ndarray] = {}
    single_err: dict[Hashable, np.ndarray] = {}
    records: list[dict[str, Any]] = []

    def allowed(*conditions: tuple[Hashable, str]) -> bool:
        held = dict(conditions)
        return not any(all(f in held and held[f] == v for f, v in rule.items()) for rule in rules)

    for f, (codes, levels) in encoded.items():
        counts = np.bincount(codes, minlength=len(levels))
        sums = np.bincount(codes, weights=err, minlength=len(levels))
        single_counts[f], single_err[f] = counts, sums
        for i, level in enumerate(levels):
            n = int(counts[i])
            if n >= floor and n_total - n >= min_cell_size and allowed((f, level)):
                records.append(
                    {
                        "conditions": ((str(f), level),),
                        "count": n,
                        "err_sum": float(sums[i]),
                        "_key": ((f, i),),
                    }
                )
    if max_conditions >= 2:
        for f1, f2 in itertools.combinations(encoded, 2):
            c1, l1 = encoded[f1]
            c2, l2 = encoded[f2]
            combined = c1 * len(l2) + c2
            size = len(l1) * len(l2)
            counts = np.bincount(combined, minlength=size).reshape(len(l1), len(l2))
            sums = np.bincount(combined, weights=err, minlength=size).reshape(len(l1), len(l2))
            n1, n2 = single_counts[f1], single_counts[f2]
            e1, e2 = single_err[f1], single_err[f2]
            ii, jj = np.nonzero(counts >= floor)
            for i, j in zip(ii, jj):
                n = int(counts[i, j])
                if n1[i] - n < min_cell_size or n2[j] - n < min_cell_size:
                    continue
                if not allowed((f1, l1[i]), (f2, l2[j])):
                    continue
                rate = sums[i, j] / n
                if rate <= e1[i] / n1[i] or rate <= e2[j] / n2[j]:
                    continue
                records.append(
                    {
                        "conditions": ((str(f1), l1[i]), (str(f2), l2[j])),
                        "count": n,
                        "err_sum": float(sums[i, j]),
                        "_key": ((f1, i), (f2, j)),
                    }
                )

    frame = pd.DataFrame.from_records(records, columns=["conditions", "count", "err_sum", "_key"])
    frame["cohort"] = [" and ".join(f"{f} = {v}" for f, v in c) for c in frame["conditions"]]
    frame["n_conditions"] = [len(c) for c in frame["conditions"]]
    counts = frame["count"].to_numpy(dtype=float)
    if task == "classification":
        frame["errors"] = frame["err_sum"].round().astype(np.int64)
        frame["error_rate"] = frame["err_sum"] / counts if len(frame) else []
        lower, upper = _wilson(frame["errors"].to_numpy(), frame["count"].to_numpy())
        frame["lower"], frame["upper"] = lower, upper
        metric = "error_rate"
        overall = {"n": n_total, "errors": int(err.sum()), "error_rate": overall_err}
    else:
        frame["mean_absolute_error"] = frame["err_sum"] / counts if len(frame) else []
        metric = "mean_absolute_error"
        overall = {"n": n_total, "mean_absolute_error": overall_err}
    frame["lift"] = frame[metric] / overall_err if overall_err > 0 else math.nan
    if task == "classification":
        frame["significant"] = frame["lower"] > overall_err
    total_err = float(err.sum())
    frame["error_share"] = frame["err_sum"] / total_err if total_err > 0 else math.nan
    rank_by = "lower" if task == "classification" else metric
    frame = frame.drop(columns="err_sum").sort_values(
        [rank_by, "count"], ascending=[False, False], kind="mergesort"
    )
    frame = frame[~_same_rows_as_earlier(frame["_key"], encoded)].drop(columns="_key")
    front = ["cohort", "conditions", "n_conditions", "count"]
    frame = frame[front + [c for c in frame.columns if c not in front]].reset_index(drop=True)
    return frame, overall
