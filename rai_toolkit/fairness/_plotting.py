"""Plots of a FairnessReport. They only read the report; nothing is recomputed."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from rai_toolkit._api import public
from rai_toolkit._docstrings import shared_text
from rai_toolkit._plotting import axes_or_new
from rai_toolkit._scalars import check_names
from rai_toolkit._validation import normalise_names
from rai_toolkit.exceptions import ArgumentError
from rai_toolkit.fairness._report import FairnessReport

__all__ = ["plot_group_metrics", "plot_disparities"]

_DEFAULT_METRICS = {
    "binary": ("selection_rate", "true_positive_rate", "false_positive_rate", "precision"),
    "multiclass": ("selection_rate", "true_positive_rate", "false_positive_rate"),
    "regression": ("mae", "rmse"),
}
_STATUS_COLOURS = {"pass": "#1a7f37", "fail": "#cf222e", "inconclusive": "#bf8700"}

#: The parameters and sections every plot of a FairnessReport documents alike.
_documented = shared_text(
    {
        "report": "report : FairnessReport\n    The report to draw.",
        "ax": (
            "ax : matplotlib.axes.Axes, optional\n"
            "    Axes to draw on; a new figure is created when omitted."
        ),
        "returns": "Returns\n-------\nmatplotlib.axes.Axes\n    The axes drawn on.",
    }
)


def _check_report(report: Any, plot: str) -> None:
    if not isinstance(report, FairnessReport):
        raise ArgumentError(
            f"{plot} needs a FairnessReport; received {type(report).__name__}. "
            f"Pass the result of analyze_fairness(...)."
        )


def _flat(labels: Any, sep: str = "/") -> list[str]:
    """Text of index labels; the parts of a tuple label joined by ``sep``."""
    return [sep.join(map(str, x)) if isinstance(x, tuple) else str(x) for x in labels]


@public
@_documented
def plot_group_metrics(
    report: FairnessReport, *, metrics: Sequence[str] | None = None, ax: Any = None
) -> Any:
    """Draw grouped bars of metrics per group, with the bootstrap intervals as error bars.

    Parameters
    ----------
    {report}
    metrics : sequence of str, optional
        Metric columns of ``report.by_group`` (``"class/metric"`` for multiclass).
        Defaults to selection rate, TPR, FPR and precision (MAE and RMSE for
        regression).
    {ax}

    {returns}

    Raises
    ------
    ArgumentError
        If ``report`` is not a FairnessReport or a metric is unknown.
    """
    _check_report(report, "plot_group_metrics")
    values, lower, upper = report.by_group, report.by_group_lower, report.by_group_upper
    columns = _flat(values.columns)
    if metrics is None:
        wanted = _DEFAULT_METRICS[report.task]
        metrics = [c for c in columns if c.split("/")[-1] in wanted]
    else:
        metrics = normalise_names(metrics, argument="metrics")
    check_names(
        metrics, argument="metrics", allowed=columns, what="the columns of report.by_group"
    )
    positions = [columns.index(m) for m in metrics]
    ax = axes_or_new(ax, (max(6.0, 1.6 * len(metrics)), 4.0))
    n_groups = values.shape[0]
    width = 0.8 / n_groups
    x = np.arange(len(metrics))
    labels = _flat(values.index, sep=", ")
    for i in range(n_groups):
        v = values.iloc[i, positions].to_numpy(dtype=float)
        lo = lower.iloc[i, positions].to_numpy(dtype=float)
        hi = upper.iloc[i, positions].to_numpy(dtype=float)
        err = np.vstack([np.nan_to_num(v - lo), np.nan_to_num(hi - v)])
        ax.bar(x - 0.4 + width * (i + 0.5), v, width, yerr=err, capsize=2, label=labels[i])
    ax.set_xticks(x)
    ax.set_xticklabels(metrics, rotation=20, ha="right")
    ax.set_ylabel("value")
    ax.set_title(
        f"Metrics by {', '.join(map(str, report.sensitive_features))} "
        f"({100 * report.to_dict()['ci']:g}% intervals)"
    )
    ax.legend(fontsize="small", title=", ".join(map(str, report.sensitive_features)))
    return ax


@public
@_documented
def plot_disparities(report: FairnessReport, *, ax: Any = None) -> Any:
    """Each criterion's value with its interval, its threshold line and status colour.

    Parameters
    ----------
    {report}
    {ax}

    {returns}

    Raises
    ------
    ArgumentError
        If ``report`` is not a FairnessReport.
    """
    _check_report(report, "plot_disparities")
    verdicts = report.verdicts
    names = _flat(verdicts.index)
    ax = axes_or_new(ax, (7.0, 0.6 * len(names) + 1.5))
    y = np.arange(len(names))
    for k, (_, row) in enumerate(verdicts.iterrows()):
        colour = _STATUS_COLOURS.get(row["status"], "grey")
        value = row["value"]
        if np.isfinite(value):
            ax.barh(k, value, color=colour, alpha=0.6)
            if np.isfinite(row["lower"]) and np.isfinite(row["upper"]):
                ax.errorbar(
                    value,
                    k,
                    xerr=[[value - row["lower"]], [row["upper"] - value]],
                    fmt="none",
                    ecolor="black",
                    capsize=3,
                )
        if np.isfinite(row["threshold"]):
            ax.vlines(row["threshold"], k - 0.4, k + 0.4, colors="black", linestyles="--")
        ax.text(
            0.0 if not np.isfinite(value) else value,
            k + 0.25,
            f" {row['status']}",
            va="center",
            fontsize="small",
            color=colour,
        )
    ax.set_yticks(y)
    ax.set_yticklabels(names)
    ax.invert_yaxis()
    ax.set_xlabel("disparity (dashed: threshold)")
    ax.set_title("Fairness criteria: value, interval and threshold")
    return ax
