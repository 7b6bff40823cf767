"""Error analysis: the cohorts a model gets wrong most often.

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

from rai_toolkit._api import public
from rai_toolkit._scalars import check_int, describe
from rai_toolkit._validation import (
    MAX_BINS,
    MISSING_GROUP,
    align_values,
    call_model,
    check_columns,
    check_data_frame,
    check_fitted,
    check_predictions,
    check_target_values,
    infer_task,
    model_features,
    resolve_columns,
    resolve_names,
)
from rai_toolkit.exceptions import ArgumentError, DataValidationError

__all__ = ["ErrorAnalysis", "analyze_errors"]

_Z95 = 1.959963984540054

_BAD_EXCLUDE = (
    "exclude must be a dict {{feature: [levels]}} or a list of dicts {{feature: level, ...}}; "
    "received {value}."
)


def _check_exclude(exclude: Any) -> list[dict[Hashable, str]]:
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
    if isinstance(exclude, Sequence) and not isinstance(exclude, str) and all(
        isinstance(rule, Mapping) for rule in exclude
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


class ErrorAnalysis:
    """Worst cohorts of a model by error, over single features and pairs.

    Create with :func:`analyze_errors`.

    Attributes
    ----------
    cohorts : pandas.DataFrame
        Every listed cohort, worst first.
    overall : dict
        ``{"n": rows, "errors": wrong rows, "error_rate": ...}`` (classification)
        or ``{"n", "mean_absolute_error"}`` (regression).
    """

    def __init__(
        self,
        *,
        cohorts: pd.DataFrame,
        overall: dict[str, Any],
        task: str,
        features: list[str],
        settings: dict[str, Any],
    ) -> None:
        self._cohorts = cohorts
        self._overall = overall
        self._task = task
        self._features = features
        self._settings = settings

    @property
    def cohorts(self) -> pd.DataFrame:
        """Listed cohorts, worst first (a copy).

        Columns: ``cohort`` (readable text), ``conditions`` (tuple of
        ``(feature, level)``), ``n_conditions``, ``count``, then for
        classification ``errors``, ``error_rate``, ``lower``, ``upper``
        (Wilson 95%), ``lift`` (error rate / overall error rate) and
        ``significant`` (lower bound above the overall error rate); for
        regression ``mean_absolute_error`` and ``lift``; ``error_share`` is the
        cohort's share of all errors (of the summed absolute error).
        """
        return self._cohorts.copy()

    @property
    def overall(self) -> dict[str, Any]:
        """Overall error of the model on the data."""
        return dict(self._overall)

    @property
    def task(self) -> str:
        """``"classification"`` or ``"regression"``."""
        return self._task

    @property
    def metric(self) -> str:
        """Name of the ranking metric: ``"error_rate"`` or ``"mean_absolute_error"``."""
        return "error_rate" if self._task == "classification" else "mean_absolute_error"

    @property
    def features(self) -> list[str]:
        """Features searched."""
        return list(self._features)

    def worst(self, n: int = 10) -> pd.DataFrame:
        """Return the ``n`` worst cohorts.

        Parameters
        ----------
        n : int, default=10
            Number of cohorts.

        Returns
        -------
        pandas.DataFrame
            The first ``n`` rows of :attr:`cohorts`.
        """
        return self._cohorts.head(n).copy()

    def to_dict(self, *, top: int | None = 20) -> dict[str, Any]:
        """Return a JSON-ready summary.

        Parameters
        ----------
        top : int or None, default=20
            Number of cohorts to include; None for all.

        Returns
        -------
        dict
            ``{"method": "exhaustive", "task": ..., "metric": ..., "overall": {...},
            "features": [...], "settings": {...}, "cohorts": [{"cohort": str,
            "conditions": [{"feature": str, "level": str}], "count": int, ...}]}``.
        """
        frame = self._cohorts if top is None else self._cohorts.head(top)
        rows = []
        for rec in frame.to_dict("records"):
            out = {
                "cohort": rec["cohort"],
                "conditions": [{"feature": f, "level": v} for f, v in rec["conditions"]],
                "count": int(rec["count"]),
            }
            for key in ("errors",):
                if key in rec:
                    out[key] = int(rec[key])
            for key in (
                "error_rate",
                "lower",
                "upper",
                "mean_absolute_error",
                "lift",
                "error_share",
            ):
                if key in rec:
                    out[key] = None if pd.isna(rec[key]) else float(rec[key])
            if "significant" in rec:
                out["significant"] = bool(rec["significant"])
            rows.append(out)
        return {
            "method": "exhaustive cohorts of one or two conditions",
            "task": self._task,
            "metric": self.metric,
            "overall": dict(self._overall),
            "features": list(self._features),
            "settings": dict(self._settings),
            "n_cohorts_found": int(len(self._cohorts)),
            "cohorts": rows,
        }

    def __repr__(self) -> str:
        head = self._cohorts.head(3)["cohort"].tolist()
        return (
            f"ErrorAnalysis(task={self._task!r}, cohorts={len(self._cohorts)}, "
            f"overall={self._overall}, worst={head})"
        )

    def _repr_html_(self) -> str:
        from rai_toolkit.report._svg import esc

        cols = [c for c in self._cohorts.columns if c not in ("conditions", "n_conditions")]
        return (
            f"<div><strong>Error analysis</strong> ({esc(self.metric)}, overall "
            f"{esc(self._overall)})"
            f"{self._cohorts.head(10)[cols].to_html(index=False, escape=True)}</div>"
        )


@public
def analyze_errors(
    model: Any,
    data: pd.DataFrame,
    *,
    target: Hashable,
    y_pred: Any = None,
    features: Sequence[Hashable] | None = None,
    cohort_features: Sequence[Hashable] | None = None,
    max_conditions: int = 2,
    min_cohort_size: int = 30,
    min_cell_size: int = 10,
    n_bins: int = 4,
    max_levels: int = 10,
    exclude: Mapping[Hashable, Sequence[Hashable]] | Sequence[Mapping[Hashable, Any]] | None = None,
) -> ErrorAnalysis:
    """Find the cohorts where a model errs most, over one or two conditions.

    Parameters
    ----------
    model : estimator or None
        Fitted model; None when ``y_pred`` is given.
    data : pandas.DataFrame
        Rows to analyse, with the target.
    target : hashable
        Target column.
    y_pred : column name or array-like, optional
        Predictions, if already computed.
    features : sequence of hashable, optional
        Model input columns when the model does not record them.
    cohort_features : sequence of hashable, optional
        Columns that define cohorts; by default the model's input columns.
    max_conditions : {1, 2}, default=2
        Largest number of conditions per cohort.
    min_cohort_size : int, default=30
        Smallest cohort listed (an error rate of fewer rows is noise).
    min_cell_size : int, default=10
        Privacy floor: a cohort is listed only if it and its complement inside
        each parent cohort have at least this many rows.
    n_bins : int, default=4
        Quantile bins for numeric features with many values.
    max_levels : int, default=10
        Numeric features with at most this many distinct values are used as
        categories.
    exclude : mapping or sequence of mappings, optional
        Cohorts that must not be listed (the groups a report hides): either
        ``{feature: [levels]}`` (no cohort may name one of these levels), or a
        list of ``{feature: level, ...}`` (no cohort may contain all of these
        conditions, e.g. one hidden intersectional group).

    Returns
    -------
    ErrorAnalysis
        Cohorts worst first.

    Raises
    ------
    DataValidationError
        Missing columns or a target with missing values.
    ArgumentError
        Out-of-range settings.

    Examples
    --------
    >>> from rai_toolkit.datasets import make_biased_classification
    >>> ds = make_biased_classification(2000, random_state=0)
    >>> ea = analyze_errors(None, ds.frame, target="y", y_pred=(ds.frame["x0"] > 0).astype(int))
    >>> ea.metric
    'error_rate'
    """
    data = check_data_frame(data)
    max_conditions = check_int(
        max_conditions,
        argument="max_conditions",
        low=1,
        high=2,
        hint="Cohorts of three or more conditions are too small to be reliable in most data sets.",
    )
    min_cohort_size = check_int(min_cohort_size, argument="min_cohort_size", low=1)
    min_cell_size = check_int(min_cell_size, argument="min_cell_size", low=1)
    n_bins = check_int(n_bins, argument="n_bins", low=2, high=MAX_BINS)
    max_levels = check_int(max_levels, argument="max_levels", low=1)
    rules = _check_exclude(exclude)
    columns = resolve_columns(
        data,
        target=target,
        features=features,
        model=model if y_pred is None else None,
    )
    data, target, features = columns.data, columns.target, columns.features

    purpose = "error analysis needs an observed outcome for every row"
    y_true = check_target_values(data[target], target=target, purpose=purpose)
    if y_pred is None:
        if model is None:
            raise ArgumentError(
                "Pass either a fitted `model` or `y_pred`; both are None.", argument="model"
            )
        check_fitted(model)
        used = model_features(model, data, target=target, features=features)
        pred = call_model(model, data[used], "predict")
    elif isinstance(y_pred, str):
        check_columns(data, [y_pred], argument="y_pred")
        used = model_features(None, data, target=target, features=features, exclude=[y_pred])
        pred = data[y_pred].to_numpy()
    else:
        used = model_features(None, data, target=target, features=features)
        pred = align_values(y_pred, data, argument="y_pred")
    pred = check_predictions(pred)
    if cohort_features is None:
        cohort_features = used
    else:
        data, cohort_features = resolve_names(data, cohort_features, argument="cohort_features")
    cohort_features = [c for c in cohort_features if c != target]
    if not cohort_features:
        raise ArgumentError(
            "No cohort features: pass cohort_features=[...] naming columns other than the target.",
            argument="cohort_features",
        )

    task = "regression" if infer_task(y_true) == "regression" else "classification"
    if task == "classification":
        err = (pred != y_true).astype(float)
    else:
        try:
            pred = pred.astype(float)
        except (TypeError, ValueError) as error:
            raise DataValidationError(
                f"Target {target!r} is numeric (regression) but the predictions are not "
                f"numbers (dtype {pred.dtype}); pass the model's numeric predictions.",
                argument="y_pred",
            ) from error
        err = np.abs(pred - y_true.astype(float))
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
    settings = {
        "max_conditions": max_conditions,
        "min_cohort_size": min_cohort_size,
        "min_cell_size": min_cell_size,
        "n_bins": n_bins,
        "max_levels": max_levels,
    }
    return ErrorAnalysis(
        cohorts=frame,
        overall=overall,
        task=task,
        features=[str(f) for f in cohort_features],
        settings=settings,
    )
