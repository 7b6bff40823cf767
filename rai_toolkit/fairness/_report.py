"""FairnessReport: the result object of :func:`analyze_fairness`.

The report only holds what was computed; every property returns a fresh
pandas object, and the views (``summary``, ``_repr_html_``, ``to_dict``, the
plots) only read it.
"""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from rai_toolkit._io import json_safe as _json_value
from rai_toolkit._readonly import Computed, ReadOnly
from rai_toolkit._result import Result, Summary, Tip
from rai_toolkit._scalars import describe, is_hashable
from rai_toolkit.exceptions import ArgumentError, DataValidationError
from rai_toolkit.fairness._cells import CellTable
from rai_toolkit.fairness._estimates import GroupEstimates, group_key
from rai_toolkit.fairness._groups import Grouping
from rai_toolkit.fairness._verdicts import Verdict

__all__ = [
    "CountTables",
    "FairnessReport",
    "ReportMeta",
    "ReportWarning",
    "SCHEMA_VERSION",
    "count_tables_dict",
    "count_tables_from_dict",
]

#: Version of the :meth:`FairnessReport.to_dict` schema (docs/fairness_schema.md).
SCHEMA_VERSION = "1.4"

BOOTSTRAP_METHOD = (
    "Row bootstrap drawn as Multinomial(n, cell counts / n) over the joint (group, y, y_hat, "
    "score bin) count table, unconditional on group sizes; percentile intervals for group "
    "metrics, simultaneous group limits combined pairwise (MOVER) for disparities and verdicts."
)

#: How each kind of interval is computed (``to_dict()["interval_method"]``, schema 1.3).
INTERVAL_METHOD = {
    "group_metrics": (
        "percentile bootstrap interval of each group's metric; a proportion estimated as exactly "
        "0 or 1 (where every replicate repeats it) gets the exact Clopper-Pearson bound over "
        "its support instead"
    ),
    "disparities": (
        "simultaneous group limits combined pairwise: each group's metric on a "
        "variance-stabilising scale (arcsine square root for metrics in [0, 1], else as is) "
        "gets m -+ c*tau, tau its bootstrap standard deviation and c the ci-quantile over "
        "replicates (order statistic ceil(ci (B + 1))) of the largest |e_i - e_j| / "
        "sqrt(tau_i^2 + tau_j^2) over compared pairs (with a reference group, every group vs "
        "the reference); a group at 0 or 1 whose replicates do not move gets the Wilson "
        "limit for its support. Every pair's difference (ratios: log ratio) gets the MOVER "
        "interval from the two groups' limits, and the difference (max |d|) and ratio "
        "(exp(-max |log ratio|)) intervals follow from the extremes of those bounds; they "
        "contain the point estimate"
    ),
    "max_group": (
        "simultaneous per-group bootstrap: [max_g L_g, max_g U_g] from per-group "
        "intervals m_g -+ c*tau_g holding jointly (c from the largest |e_g| / tau_g)"
    ),
    "calibration": (
        "calibration verdict reads calibration_error_debiased: the plug-in ECE minus the ECE a "
        "perfectly calibrated model would show at the group's own scores (mean of 200 "
        "consistency draws y ~ Bernoulli(score), Broecker & Smith 2007)"
    ),
}


@dataclass(frozen=True)
class ReportWarning:
    """A warning raised while building a report, with the groups it is about.

    Attributes
    ----------
    category : str
        Warning class name, e.g. ``"SmallGroupWarning"``.
    message : str
        The text shown to people.
    groups : tuple of str
        Keys of the groups the warning names or describes (empty when it is
        about no group in particular). A view that hides a group hides every
        warning listing it.
    """

    category: str
    message: str
    groups: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """Return ``{"category", "message", "groups"}``."""
        return {"category": self.category, "message": self.message, "groups": list(self.groups)}


@dataclass(frozen=True)
class ReportMeta:
    """Settings and context of a report (see :meth:`FairnessReport.to_dict`)."""

    task: str
    target: Hashable
    sensitive_features: list
    pos_label: Any
    classes: list | None
    n_rows: int
    n_boot: int
    ci: float
    random_state: int | None
    min_group_size: int
    reference_group: Any
    thresholds: dict[str, float | None]
    threshold_note: str
    warnings: list[ReportWarning] = field(default_factory=list)
    auc_error_bound: float | None = None


@dataclass(frozen=True)
class CountTables:
    """The count tables behind a classification report, kept so that it can be re-bootstrapped.

    Attributes
    ----------
    tables : dict
        Class label (None for a binary task) -> :class:`CellTable` of the report's
        first grouping (the intersectional groups).
    groupings : tuple of Grouping
        The report's groupings, the first the table's own groups (``parent`` None),
        then each sensitive feature alone (``parent`` maps each group of the table
        to its group there).
    """

    tables: dict[Hashable, CellTable]
    groupings: tuple[Grouping, ...]

    def alone(self, position: int) -> CountTables:
        """Return the tables of grouping ``position`` as the first and only grouping."""
        gr = self.groupings[position]

        def merged(t: CellTable) -> CellTable:
            if gr.parent is None:
                return t
            sums = [None if a is None else gr.aggregate(a, axis=0) for a in (t.sum_s, t.sum_s2)]
            return CellTable(gr.aggregate(t.counts, axis=0), *sums, t.edges, t.calibration_map)

        own = Grouping(gr.name, gr.index, None)
        return CountTables({c: merged(t) for c, t in self.tables.items()}, (own,))

    def for_class(self, cls: Hashable) -> CountTables:
        """Return the table of one class, as a binary task's (class None)."""
        return CountTables({None: self.tables[cls]}, self.groupings)


def _numbers(values: np.ndarray) -> list:
    """Whole numbers as ints, others as floats (exact round trip through JSON)."""
    if np.all(values == np.round(values)):
        return [int(v) for v in values]
    return [float(v) for v in values]


def count_tables_dict(tables: CountTables | None) -> dict[str, Any] | None:
    """Build the ``count_tables`` entry of :meth:`FairnessReport.to_dict` (schema 1.4).

    Only non-empty cells are written: ``cells`` lists their flat positions in the
    C-ordered ``shape`` (group, y, y_hat, score bin), ``counts``, ``sum_s`` and
    ``sum_s2`` their values.

    Parameters
    ----------
    tables : CountTables or None
        The report's tables; None (regression, or a report built without them)
        gives None.

    Returns
    -------
    dict or None
        ``{"groupings": [...], "tables": [...]}`` (docs/fairness_schema.md).
    """
    if tables is None:
        return None
    groupings = []
    for gr in tables.groupings:
        one_feature = gr.parent is None and gr.index.nlevels == 1 and gr.index.name is not None
        groupings.append(
            {
                "name": _json_value(gr.index.name if one_feature else gr.name),
                "groups": [group_key(gr.index, i) for i in range(gr.n_groups)],
                "parent": None if gr.parent is None else [int(p) for p in gr.parent],
            }
        )
    out = []
    for cls, t in tables.tables.items():
        flat = t.counts.ravel()
        cells = np.flatnonzero(flat)
        entry: dict[str, Any] = {
            "class": _json_value(cls),
            "shape": [int(n) for n in t.counts.shape],
            "edges": None if t.edges is None else [float(e) for e in t.edges],
            "cells": [int(c) for c in cells],
            "counts": _numbers(flat[cells]),
            "sum_s": None,
            "sum_s2": None,
        }
        if t.has_scores:
            entry["sum_s"] = [float(v) for v in t.sum_s.ravel()[cells]]
            entry["sum_s2"] = [float(v) for v in t.sum_s2.ravel()[cells]]
        out.append(entry)
    return {"groupings": groupings, "tables": out}


def count_tables_from_dict(entry: Any, *, source: str = "the report") -> CountTables:
    """Rebuild :class:`CountTables` from the ``count_tables`` entry of a saved report.

    Parameters
    ----------
    entry : dict
        ``to_dict()["count_tables"]`` (schema 1.4).
    source : str, default="the report"
        What the entry came from, for messages.

    Returns
    -------
    CountTables
        The tables, checked by :meth:`CellTable.from_counts`.

    Raises
    ------
    DataValidationError
        If the entry is not what :func:`count_tables_dict` writes.
    """
    where = f"count_tables of {source}"
    try:
        groupings = []
        for g in entry["groupings"]:
            keys = [str(k) for k in g["groups"]]
            parent = None if g["parent"] is None else np.asarray(g["parent"], dtype=np.intp)
            groupings.append(Grouping(g["name"], pd.Index(keys, dtype=object), parent))
        tables = {}
        for t in entry["tables"]:
            shape = tuple(int(n) for n in t["shape"])
            cells = np.asarray(t["cells"], dtype=np.intp)
            size = int(np.prod(shape))
            if cells.ndim != 1 or (cells.size and (cells.min() < 0 or cells.max() >= size)):
                raise ValueError(f"cell positions outside the table of shape {shape}")

            def dense(values: Any, cells: np.ndarray = cells, shape: tuple = shape) -> Any:
                if values is None:
                    return None
                out = np.zeros(int(np.prod(shape)))
                out[cells] = np.asarray(values, dtype=float)
                return out.reshape(shape)

            edges = None if t["edges"] is None else np.asarray(t["edges"], dtype=float)
            tables[t["class"]] = CellTable.from_counts(
                dense(t["counts"]), dense(t["sum_s"]), dense(t["sum_s2"]), edges=edges
            )
    except DataValidationError as err:
        raise DataValidationError(f"The {where} is inconsistent: {err}") from err
    except (KeyError, TypeError, ValueError, IndexError) as err:
        raise DataValidationError(
            f"The {where} is malformed ({type(err).__name__}: {err}); it must be the "
            f"count_tables entry FairnessReport.to_dict() writes (schema {SCHEMA_VERSION}). "
            f"Re-save the report with report.to_json(path)."
        ) from err
    n_groups = {t.n_groups for t in tables.values()}
    if not groupings or not tables or n_groups != {len(groupings[0].index)} or any(
        g.parent is not None and g.parent.shape != (len(groupings[0].index),)
        or g.parent is not None and (g.parent.min() < 0 or g.parent.max() >= g.n_groups)
        for g in groupings[1:]
    ):
        raise DataValidationError(
            f"The {where} is inconsistent: its tables and groupings do not describe the same "
            f"groups. Re-save the report with report.to_json(path)."
        )
    return CountTables(tables, tuple(groupings))


class FairnessReport(Result):
    """Group metrics, intervals, disparities and verdicts of a model's fairness.

    Create it with :func:`analyze_fairness`. Multiclass reports hold one
    one-vs-rest analysis per class: tables gain a leading ``class`` level
    (columns of :attr:`by_group`, index of :attr:`disparities` and
    :attr:`verdicts`), and :meth:`for_class` returns the binary-style report of
    one class.

    Parameters
    ----------
    meta : ReportMeta
        Settings and context.
    estimates : dict
        Class label (None for binary and regression tasks) -> GroupEstimates.
    marginal : dict or None
        Sensitive feature -> report of that feature alone (several features only).
    count_tables : CountTables or None
        The count tables the estimates came from (classification), saved by
        :meth:`to_dict` so that :func:`~rai_toolkit.compare_reports` can
        bootstrap them again.
    """

    def __init__(
        self,
        meta: ReportMeta,
        estimates: dict[Hashable, GroupEstimates],
        *,
        marginal: dict[Hashable, FairnessReport] | None = None,
        count_tables: CountTables | None = None,
    ) -> None:
        self._meta = meta
        self._estimates = dict(estimates)
        self._marginal = dict(marginal or {})
        self._count_tables = count_tables

    # ------------------------------------------------------------------ helpers
    @property
    def _multiclass(self) -> bool:
        return self._meta.task == "multiclass"

    def _combine(self, frames: dict[Hashable, pd.DataFrame | pd.Series], axis: int) -> Any:
        if not self._multiclass:
            return frames[None]
        return pd.concat(frames, axis=axis, names=["class"])

    def _frame(self, attr: str) -> pd.DataFrame:
        frames = {}
        for cls, est in self._estimates.items():
            df = pd.DataFrame(
                getattr(est, attr).copy(), index=est.index.copy(), columns=list(est.metrics)
            )
            df.columns.name = "metric"
            frames[cls] = df
        return self._combine(frames, axis=1)

    def _rows(self, attr: str) -> pd.DataFrame:
        frames = {cls: getattr(est, attr).copy() for cls, est in self._estimates.items()}
        return self._combine(frames, axis=0)

    def _series(self, attr: str) -> pd.Series:
        frames = {}
        for cls, est in self._estimates.items():
            frames[cls] = pd.Series(
                getattr(est, attr).copy(), index=pd.Index(est.metrics, name="metric")
            )
        return self._combine(frames, axis=0)

    # ------------------------------------------------------------------ settings
    task = ReadOnly[str]('``"binary"``, ``"multiclass"`` or ``"regression"``.', source="_meta.task")

    sensitive_features = ReadOnly[list](
        "Sensitive feature names, in the order given.",
        source="_meta.sensitive_features",
        copy=list,
    )

    n_rows = ReadOnly[int]("Number of rows analysed (none are dropped).", source="_meta.n_rows")

    classes = ReadOnly[list | None](
        "Class labels for classification tasks.",
        source="_meta.classes",
        copy=list,
    )

    thresholds = ReadOnly[dict[str, float | None]](
        "Threshold used for each criterion (policy choices; see :attr:`threshold_note`).",
        source="_meta.thresholds",
        copy=dict,
    )

    threshold_note = ReadOnly[str](
        "Why the thresholds are policy choices, stated with every verdict.",
        source="_meta.threshold_note",
    )

    auc_error_bound = ReadOnly[float | None](
        """Largest possible error of any group's roc_auc; None when the AUC is exact from rows.

        0.0 when an engine counted a score histogram in which every bin holds one
        distinct score (the AUC is then exact); positive when bins held several
        scores (see ``docs/engines.md``). None without scores or on a pandas frame.
        """,
        source="_meta.auc_error_bound",
    )

    @property
    def warnings(self) -> list[str]:
        """Messages of the warnings raised while building the report."""
        return [w.message for w in self._meta.warnings]

    warning_records = ReadOnly[list[ReportWarning]](
        "The warnings raised while building the report, with the groups each is about.",
        source="_meta.warnings",
        copy=list,
    )

    @property
    def groups(self) -> pd.Index:
        """Group labels (a MultiIndex with several sensitive features)."""
        return next(iter(self._estimates.values())).index.copy()

    # ------------------------------------------------------------------ results
    by_group = Computed[pd.DataFrame](
        """Metrics per group: one row per group, one column per metric.

        Multiclass reports have (class, metric) columns. Undefined values are
        NaN, explained in :attr:`undefined`.
        """,
        method="_frame",
        key="values",
    )

    by_group_lower = Computed[pd.DataFrame](
        "Lower bounds of the bootstrap percentile intervals; ``count`` bounds are NaN.",
        method="_frame",
        key="lower",
    )

    by_group_upper = Computed[pd.DataFrame](
        "Upper bounds of the bootstrap percentile intervals; ``count`` bounds are NaN.",
        method="_frame",
        key="upper",
    )

    support = Computed[pd.DataFrame](
        """Denominator behind each group's value of each metric (same shape as :attr:`by_group`).

        Positives (tp + fn) for the true positive and false negative rates,
        negatives (fp + tn) for the false positive and true negative rates,
        predicted positives (tp + fp) for precision and the false discovery
        rate, predicted negatives (fn + tn) for the false omission rate, the
        rarer of positives and negatives for balanced accuracy and ROC AUC,
        tp + fp + fn for f1, and rows for every other metric (and for every
        regression metric). A group whose support for a metric is below
        ``min_group_size`` is left out of the verdicts that read that metric.
        """,
        method="_frame",
        key="support",
    )

    overall = Computed[pd.Series]("Every metric on all rows.", method="_series", key="overall")

    overall_lower = Computed[pd.Series](
        "Lower interval bounds of :attr:`overall`.", method="_series", key="overall_lower"
    )

    overall_upper = Computed[pd.Series](
        "Upper interval bounds of :attr:`overall`.", method="_series", key="overall_upper"
    )

    disparities = Computed[pd.DataFrame](
        """Disparity of each metric between groups, with bootstrap intervals.

        ``difference`` is max - min and ``ratio`` min / max across groups, or,
        with ``reference_group``, the largest gap to the reference (plug-in
        estimates). Bounds come from simultaneous bootstrap limits of the
        groups combined pairwise (see ``docs/fairness_schema.md``, *Intervals*);
        they always contain the estimate, and are NaN when undefined or unbounded.
        """,
        method="_rows",
        key="disparities",
    )

    verdicts = Computed[pd.DataFrame](
        """Per criterion: metric, value, interval, threshold, direction, status, reason.

        ``value``, ``lower`` and ``upper`` are computed over the groups whose
        support for the criterion's metric(s) is at least ``min_group_size``;
        ``excluded_groups`` is a tuple of the keys of the groups left out,
        ``status_with_supported_groups`` the status those numbers give and
        ``status_with_all_groups`` (also ``all_groups_status``) the status the
        numbers over all groups (``value_with_all_groups``, ...) would give;
        ``decided_by`` says what decided the status (see ``docs/fairness_schema.md``)
        and ``reason`` puts it in words. The same fields are in
        :attr:`verdict_records`.
        A ``"fail"`` over the supported groups stands (adding groups can only
        widen a disparity); otherwise the status is ``"inconclusive"`` when groups
        were left out and either fewer than two supported groups remain or the two
        statuses differ.
        :attr:`disparities` always uses all groups.
        """,
        method="_rows",
        key="verdicts",
    )

    @property
    def verdict_records(self) -> list[Verdict]:
        """The verdicts as records (the source of :attr:`verdicts`).

        Multiclass reports list every class's verdicts, class by class in the order of
        :attr:`classes`; ``for_class(c).verdict_records`` gives one class's.
        """
        return [v for est in self._estimates.values() for v in est.records]

    @property
    def undefined(self) -> pd.DataFrame:
        """Group metrics that are undefined (NaN), with the reason.

        Columns ``class`` (multiclass only), ``group``, ``metric``, ``reason``.
        """
        rows = []
        for cls, est in self._estimates.items():
            for u in est.undefined:
                rows.append({"class": cls, **u} if self._multiclass else dict(u))
        columns = (["class"] if self._multiclass else []) + ["group", "metric", "reason"]
        return pd.DataFrame(rows, columns=columns)

    @property
    def small_groups(self) -> list[str]:
        """Groups with fewer rows than ``min_group_size``."""
        return list(next(iter(self._estimates.values())).small_groups)

    @property
    def marginal(self) -> dict[Hashable, FairnessReport]:
        """Sensitive feature -> report of that feature alone.

        With a single sensitive feature this maps it to the report itself.
        """
        if not self._marginal:
            return {self._meta.sensitive_features[0]: self}
        return dict(self._marginal)

    def by_feature(self, feature: Hashable) -> FairnessReport:
        """Report of one sensitive feature alone (its marginal groups).

        Parameters
        ----------
        feature : hashable
            One of :attr:`sensitive_features`.

        Returns
        -------
        FairnessReport
            The marginal report.

        Raises
        ------
        ArgumentError
            If ``feature`` is not a sensitive feature of this report.
        """
        marginal = self.marginal
        if not is_hashable(feature) or feature not in marginal:
            raise ArgumentError(
                f"{describe(feature)} is not a sensitive feature of this report; choose one of: "
                f"{', '.join(map(repr, marginal))}.",
                argument="feature",
            )
        return marginal[feature]

    def for_class(self, cls: Hashable) -> FairnessReport:
        """One-vs-rest report of one class of a multiclass task.

        Parameters
        ----------
        cls : hashable
            A class label.

        Returns
        -------
        FairnessReport
            A binary report with ``cls`` as the positive class.

        Raises
        ------
        ArgumentError
            If the task is not multiclass or ``cls`` is not a class.
        """
        if not self._multiclass:
            raise ArgumentError(
                f"for_class() applies to multiclass reports; this report's task is "
                f"{self.task!r}. Read by_group directly."
            )
        if not is_hashable(cls) or cls not in self._estimates:
            raise ArgumentError(
                f"{describe(cls)} is not a class of this report; classes are: "
                f"{', '.join(map(repr, self._estimates))}.",
                argument="cls",
            )
        meta = ReportMeta(**{**self._meta.__dict__, "task": "binary", "pos_label": cls})
        marginal = {f: r.for_class(cls) for f, r in self._marginal.items()}
        tables = None if self._count_tables is None else self._count_tables.for_class(cls)
        return FairnessReport(
            meta, {None: self._estimates[cls]}, marginal=marginal, count_tables=tables
        )

    # ------------------------------------------------------------------ views
    def summary(self) -> str:
        """Plain-text summary: settings, verdicts and the metrics behind them.

        Returns
        -------
        str
            Several lines of text.
        """
        m = self._meta
        pct = f"{100 * m.ci:g}%"
        lines = [
            f"Fairness report ({m.task}) of target {m.target!r} by "
            f"{', '.join(map(str, m.sensitive_features))}: {m.n_rows} rows, "
            f"{len(self.groups)} groups, {pct} intervals from {m.n_boot} bootstrap replicates.",
        ]
        if m.reference_group is not None:
            lines.append(
                f"Disparities are measured against the reference group {m.reference_group!r}."
            )
        for cls, est in self._estimates.items():
            if cls is not None:
                lines.append(f"\nClass {cls!r} (one-vs-rest):")
            for name, row in est.verdicts.iterrows():
                interval = (
                    f" [{row['lower']:.3f}, {row['upper']:.3f}]"
                    if not (np.isnan(row["lower"]) or np.isnan(row["upper"]))
                    else ""
                )
                lines.append(
                    f"  {row['status'].upper():<12} {name}: {row['metric']} = {row['value']:.3f}"
                    f"{interval}; {row['reason']}"
                )
        for w in m.warnings:
            lines.append(f"Warning: {w.message}")
        lines.append(f"Note: {m.threshold_note}")
        return "\n".join(lines)

    def _summary(self) -> Summary:
        m = self._meta
        counts: dict[str, int] = {}
        tables: list[tuple[str, Any]] = []
        columns = ["criterion", "status", "value", "interval", "threshold", "excluded groups",
                   "reason"]  # fmt: skip
        for cls, est in self._estimates.items():
            rows = []
            for name, row in est.verdicts.iterrows():
                counts[row["status"]] = counts.get(row["status"], 0) + 1
                excluded = row["excluded_groups"]
                rows.append(
                    (
                        name,
                        row["status"],
                        _fmt(row["value"]),
                        f"[{_fmt(row['lower'])}, {_fmt(row['upper'])}]",
                        _fmt(row["threshold"]),
                        Tip(str(len(excluded)), "; ".join(excluded)) if excluded else "0",
                        row["reason"],
                    )
                )
            caption = "" if cls is None else f"Class {cls!r} (one-vs-rest)"
            tables.append((caption, (columns, rows)))
        tables.append(("Metrics by group", self.by_group))
        verdicts = ", ".join(f"{v} {k}" for k, v in sorted(counts.items())) or "no verdicts"
        return Summary(
            title=(
                f"Fairness report: {m.target} by {', '.join(map(str, m.sensitive_features))}"
            ),
            head=(
                f"task={self.task} sensitive_features={m.sensitive_features!r} "
                f"groups={len(self.groups)} rows={self.n_rows} verdicts: {verdicts}"
            ),
            text=(
                f"{m.task} task, {m.n_rows} rows, {len(self.groups)} groups, "
                f"{100 * m.ci:g}% bootstrap intervals ({m.n_boot} replicates)."
            ),
            tables=tables,
            notes=[*(f"Warning: {w.message}" for w in m.warnings), m.threshold_note],
        )

    # ------------------------------------------------------------------ serialisation
    def _estimates_dict(self, cls: Hashable, est: GroupEstimates) -> dict[str, Any]:
        features = list(est.index.names)
        groups = []
        for i in range(len(est.index)):
            label = est.index[i]
            labels = label if isinstance(est.index, pd.MultiIndex) else (label,)
            groups.append(
                {
                    "key": group_key(est.index, i),
                    "labels": {str(f): _json_value(v) for f, v in zip(features, labels)},
                    "count": int(est.values[i, est.metrics.index("count")]),
                    "small": group_key(est.index, i) in est.small_groups,
                    "metrics": {
                        m: _json_value(float(est.values[i, j])) for j, m in enumerate(est.metrics)
                    },
                    "lower": {
                        m: _json_value(float(est.lower[i, j])) for j, m in enumerate(est.metrics)
                    },
                    "upper": {
                        m: _json_value(float(est.upper[i, j])) for j, m in enumerate(est.metrics)
                    },
                    "support": {m: int(est.support[i, j]) for j, m in enumerate(est.metrics)},
                }
            )
        disparities = [
            {"metric": metric, **{k: _json_value(float(v)) for k, v in row.items()}}
            for metric, row in est.disparities.iterrows()
        ]
        verdicts = [_verdict_dict(v) for v in est.records]
        return {
            "class": _json_value(cls),
            "metrics": list(est.metrics),
            "groups": groups,
            "overall": {
                "metrics": {m: _json_value(float(v)) for m, v in zip(est.metrics, est.overall)},
                "lower": {m: _json_value(float(v)) for m, v in zip(est.metrics, est.overall_lower)},
                "upper": {m: _json_value(float(v)) for m, v in zip(est.metrics, est.overall_upper)},
            },
            "disparities": disparities,
            "verdicts": verdicts,
            "undefined": [dict(u) for u in est.undefined],
            "small_groups": list(est.small_groups),
            "under_supported": [dict(u) for u in est.under_supported],
        }

    def to_dict(self) -> dict[str, Any]:
        """Everything in the report as plain JSON-compatible Python objects.

        The schema is documented in ``docs/fairness_schema.md`` (version
        :data:`SCHEMA_VERSION`); NaN becomes None.

        Returns
        -------
        dict
            The report.
        """
        m = self._meta
        out: dict[str, Any] = {
            "schema_version": SCHEMA_VERSION,
            "kind": "fairness_report",
            "task": m.task,
            "target": _json_value(m.target),
            "sensitive_features": [_json_value(f) for f in m.sensitive_features],
            "pos_label": _json_value(m.pos_label),
            "classes": None if m.classes is None else [_json_value(c) for c in m.classes],
            "n_rows": m.n_rows,
            "n_groups": len(self.groups),
            "n_boot": m.n_boot,
            "ci": m.ci,
            "random_state": m.random_state,
            "min_group_size": m.min_group_size,
            "reference_group": _json_value(m.reference_group),
            "bootstrap": BOOTSTRAP_METHOD,
            "interval_method": dict(INTERVAL_METHOD),
            "thresholds": {k: _json_value(v) for k, v in m.thresholds.items()},
            "threshold_note": m.threshold_note,
            "warnings": [w.message for w in m.warnings],
            "warning_records": [w.to_dict() for w in m.warnings],
            "auc_error_bound": m.auc_error_bound,
            "results": [self._estimates_dict(c, e) for c, e in self._estimates.items()],
        }
        out["marginal"] = {
            str(f): {
                "sensitive_features": [_json_value(f)],
                "reference_group": _json_value(r._meta.reference_group),
                "warnings": [w.message for w in r._meta.warnings],
                "warning_records": [w.to_dict() for w in r._meta.warnings],
                "auc_error_bound": r._meta.auc_error_bound,
                "results": [r._estimates_dict(c, e) for c, e in r._estimates.items()],
            }
            for f, r in self._marginal.items()
        }
        out["count_tables"] = count_tables_dict(self._count_tables)
        return out

def _verdict_dict(v: Verdict) -> dict[str, Any]:
    """One verdict as JSON-ready fields (docs/fairness_schema.md, *verdict*)."""
    out = {
        "criterion": v.criterion,
        "metric": v.metric,
        "value": _json_value(v.value),
        "lower": _json_value(v.lower),
        "upper": _json_value(v.upper),
        "threshold": _json_value(v.threshold),
        "direction": v.direction,
        "status": v.status,
        "reason": v.reason,
        "excluded_groups": list(v.excluded_groups),
        "all_groups_status": v.status_with_all_groups,
        "metrics": list(v.metrics),
        "statistic": v.statistic,
        "decided_by": v.decided_by,
        "status_with_supported_groups": v.status_with_supported_groups,
        "reason_with_supported_groups": v.reason_with_supported_groups,
        "status_with_all_groups": v.status_with_all_groups,
        "value_with_all_groups": _json_value(v.value_with_all_groups),
        "lower_with_all_groups": _json_value(v.lower_with_all_groups),
        "upper_with_all_groups": _json_value(v.upper_with_all_groups),
        "excluded_support": [
            {"group": g.key, "metric": metric, "support": n}
            for g in v.excluded
            for metric, n in g.support
        ],
    }
    return out


def _fmt(value: Any) -> str:
    if isinstance(value, float | np.floating):
        return "n/a" if np.isnan(value) else f"{value:.4g}"
    return str(value)
