"""ReportComparison: the result of :func:`~rai_toolkit.compare_reports`."""

from __future__ import annotations

from types import ModuleType
from typing import Any

import numpy as np
import pandas as pd

from rai_toolkit._io import frame_records, json_safe
from rai_toolkit._readonly import ReadOnly, store
from rai_toolkit._result import Summary
from rai_toolkit._views import DocumentViews

__all__ = ["CHANGE_COLUMNS", "METHOD", "ReportComparison", "SCHEMA_VERSION"]

#: Version of :meth:`ReportComparison.to_dict` (docs/fairness_schema.md, *Comparison*).
SCHEMA_VERSION = "1.0"

#: Columns of :attr:`ReportComparison.changes`, in order.
CHANGE_COLUMNS = (
    "kind",
    "grouping",
    "criterion",
    "group",
    "metric",
    "statistic",
    "harmful",
    "baseline",
    "current",
    "change",
    "change_lower",
    "change_upper",
    "worse",
    "excluded_groups",
    "note",
)

#: How the change intervals are computed (``to_dict()["method"]``).
METHOD = (
    "Both reports' count tables are bootstrapped independently (a multinomial draw over the "
    "cells of each, i.e. a row bootstrap of each sample). For every tested row the replicate "
    "change is current* - baseline*; tau is its bootstrap standard deviation and c the "
    "ceil(ci (B + 1))-th smallest over replicates of max over rows of |change* - change| / "
    "tau. The interval change -+ c tau holds for all tested rows at once. A row is worse when "
    "the interval excludes 0 on the harmful side."
)


class ReportComparison(DocumentViews):
    """Changes between a baseline and a current fairness report, with simultaneous intervals.

    Create it with :func:`~rai_toolkit.compare_reports`.

    Parameters
    ----------
    changes : pandas.DataFrame
        Columns :data:`CHANGE_COLUMNS`.
    settings : dict
        ``ci``, ``n_boot``, ``random_state``, ``critical_value``,
        ``min_group_size``, ``n_tested``, ``target``, ``pos_label``,
        ``sensitive_features``, ``baseline`` and ``current`` (``n_rows``, ...).
    """

    def __init__(self, changes: pd.DataFrame, settings: dict[str, Any]) -> None:
        store(self, changes=changes.reset_index(drop=True), settings=dict(settings))

    # ------------------------------------------------------------------ results
    changes = ReadOnly[pd.DataFrame](
        """Every compared row: one per (grouping, criterion) and per (grouping, group, metric).

        ``kind`` is ``"criterion"`` or ``"group_metric"``; ``baseline``,
        ``current`` and ``change = current - baseline`` are the point values;
        ``change_lower`` / ``change_upper`` the simultaneous interval (NaN for a
        row that is not tested, ``note`` says why); ``harmful`` the direction
        of a harmful change (None: none, e.g. selection rate); ``worse`` (a
        nullable boolean, NA without a harmful direction or interval) whether
        the interval excludes 0 on that side.
        """,
        copy=pd.DataFrame.copy,
    )

    @property
    def criteria(self) -> pd.DataFrame:
        """The criterion rows of :attr:`changes`."""
        return self._changes[self._changes["kind"] == "criterion"].reset_index(drop=True)

    @property
    def group_metrics(self) -> pd.DataFrame:
        """The (group, metric) rows of :attr:`changes`."""
        return self._changes[self._changes["kind"] == "group_metric"].reset_index(drop=True)

    @property
    def worse(self) -> pd.DataFrame:
        """The rows of :attr:`changes` that got significantly worse."""
        return self._changes[self._changes["worse"].fillna(False).astype(bool)].reset_index(
            drop=True
        )

    @property
    def any_worse(self) -> bool:
        """Whether any criterion got significantly worse (what ``diff --fail-on-worse`` checks)."""
        rows = self.criteria
        return bool(rows["worse"].fillna(False).astype(bool).any())

    @property
    def critical_value(self) -> float:
        """The simultaneous critical value ``c`` (intervals are ``change -+ c tau``)."""
        return float(self._settings["critical_value"])

    settings = ReadOnly[dict[str, Any]](
        "Coverage, replicates, seed, critical value and the two reports' sizes.",
        copy=dict,
    )

    # ------------------------------------------------------------------ views
    def summary(self) -> str:
        """Plain-text summary: the settings, each criterion's change and the worse rows.

        Returns
        -------
        str
            Several lines of text.
        """
        s = self._settings
        worse = self.worse
        lines = [
            f"Fairness comparison of target {s['target']!r} by "
            f"{', '.join(map(str, s['sensitive_features']))}: baseline "
            f"{s['baseline']['n_rows']} rows, current {s['current']['n_rows']} rows; "
            f"{100 * s['ci']:g}% simultaneous intervals over {s['n_tested']} tested rows "
            f"({s['n_boot']} bootstrap replicates each).",
        ]
        for _, row in self.criteria.iterrows():
            lines.append("  " + _line(row))
        if len(worse):
            metrics = worse[worse["kind"] == "group_metric"]
            lines.append(
                f"{len(worse)} row(s) significantly worse"
                + (", group metrics among them:" if len(metrics) else ".")
            )
            lines.extend("  " + _line(row) for _, row in metrics.iterrows())
        else:
            lines.append("No row is significantly worse.")
        return "\n".join(lines)

    def _summary(self) -> Summary:
        return Summary(
            title="Fairness compared over time",
            head=(
                f"target={self._settings['target']!r} rows={len(self._changes)} "
                f"tested={self._settings['n_tested']} worse={len(self.worse)} "
                f"any_criterion_worse={self.any_worse}"
            ),
        )

    def _views(self) -> ModuleType:
        from rai_toolkit.compare import _views

        return _views

    # ------------------------------------------------------------------ serialisation
    def to_dict(self) -> dict[str, Any]:
        """Everything in the comparison as JSON-compatible objects (NaN becomes None).

        Returns
        -------
        dict
            ``{"schema_version", "kind": "report_comparison", "method", "any_worse",
            settings..., "changes": [row...]}``.
        """
        frame = self._changes.copy()
        frame["excluded_groups"] = frame["excluded_groups"].map(list)
        frame["worse"] = frame["worse"].astype(object).where(frame["worse"].notna(), None)
        return {
            "schema_version": SCHEMA_VERSION,
            "kind": "report_comparison",
            "method": METHOD,
            "any_worse": self.any_worse,
            **json_safe(self._settings),
            "changes": frame_records(frame),
        }



def _fmt(value: Any) -> str:
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return "n/a"
    return f"{value:+.4f}" if isinstance(value, float) else str(value)


def _line(row: pd.Series) -> str:
    """One row as text: what, baseline -> current, change and interval, verdict."""
    what = row["criterion"] if row["kind"] == "criterion" else f"{row['group']} {row['metric']}"
    flag = "WORSE " if row["worse"] is not pd.NA and bool(row["worse"]) else ""
    interval = (
        f" [{_fmt(row['change_lower'])}, {_fmt(row['change_upper'])}]"
        if not np.isnan(row["change_lower"])
        else f" (not tested: {row['note']})"
        if row["note"]
        else ""
    )
    base = "n/a" if np.isnan(row["baseline"]) else f"{row['baseline']:.4f}"
    cur = "n/a" if np.isnan(row["current"]) else f"{row['current']:.4f}"
    return (
        f"{flag}{row['grouping']}: {what}: {base} -> {cur}, change {_fmt(row['change'])}{interval}"
    )
