"""Matplotlib views of explanation results; they only read the result objects."""

from __future__ import annotations

from collections.abc import Hashable
from typing import Any

import numpy as np
import pandas as pd

from rai_toolkit._api import public
from rai_toolkit._docstrings import shared_text
from rai_toolkit._plotting import axes_or_new
from rai_toolkit._scalars import SeedLike, as_generator, check_int, describe, is_hashable
from rai_toolkit.exceptions import ArgumentError
from rai_toolkit.explain._disparity import DisparityExplanation
from rai_toolkit.explain._report import ExplanationReport

__all__ = [
    "plot_importance",
    "plot_beeswarm",
    "plot_waterfall",
    "plot_dependence",
    "plot_disparity",
]

_POS, _NEG = "#d62728", "#1f77b4"


#: Docstring text the plots share, filled in for its ``{key}`` lines.
_documented = shared_text(
    {
        "report": "report : ExplanationReport\n    The explanation.",
        "ax": "ax : matplotlib.axes.Axes, optional\n    Axes to draw on (None: a new figure).",
        "returns": "Returns\n-------\nmatplotlib.axes.Axes\n    The axes drawn on.",
    }
)


def _check_report(report: Any, kind: type = ExplanationReport) -> None:
    if not isinstance(report, kind):
        raise ArgumentError(
            f"This plot needs {'an' if kind.__name__[0] in 'AEIOU' else 'a'} {kind.__name__} "
            f"(from explain_model, fit_glassbox or "
            f"explain_disparity); received {type(report).__name__}."
        )


def _check_top(top: Any) -> int:
    return check_int(top, argument="top", low=1, hint="It is the number of features shown.")


def _output_label(output: str) -> str:
    return {"log_odds": "log-odds", "probability": "probability", "raw": "model output"}.get(
        output, output
    )


@public
@_documented
def plot_importance(report: ExplanationReport, *, top: int = 20, ax: Any = None) -> Any:
    """Bar chart of global feature importance (mean |SHAP|), largest on top.

    Parameters
    ----------
    {report}
    top : int, default=20
        Number of features shown.
    {ax}

    {returns}
    """
    _check_report(report)
    top = _check_top(top)
    imp = report.global_importance.head(top)[::-1]
    ax = axes_or_new(ax, (6, 0.35 * len(imp) + 1.2))
    ax.barh([str(i) for i in imp.index], imp.to_numpy(), color=_NEG)
    label = "EBM term importance" if report.method == "ebm" else "mean |SHAP value|"
    ax.set_xlabel(f"{label} ({_output_label(report.output)})")
    ax.set_title("Global feature importance")
    return ax


def _colour_values(column: pd.Series) -> np.ndarray:
    """Map raw values to [0, 1] for colouring (numeric: rank; categorical: NaN = grey)."""
    if pd.api.types.is_numeric_dtype(column) and not pd.api.types.is_bool_dtype(column):
        ranks = column.rank(pct=True)
        return ranks.to_numpy(dtype=float, na_value=np.nan)
    return np.full(len(column), np.nan)


@public
@_documented
def plot_beeswarm(
    report: ExplanationReport, *, top: int = 15, max_points: int = 2000, ax: Any = None,
    random_state: SeedLike = 0,
) -> Any:
    """SHAP summary (beeswarm) plot: one row of points per feature.

    Points are coloured by the feature's value (low blue, high red; grey for
    categorical or missing values) and jittered vertically.

    Parameters
    ----------
    {report}
    top : int, default=15
        Number of features shown, most important on top.
    max_points : int, default=2000
        Rows drawn (a seeded sample when there are more; the plot says so).
    {ax}
    random_state : int, numpy.random.Generator or RandomState, default=0
        Seed of the row sample and the jitter.

    {returns}
    """
    _check_report(report)
    top = _check_top(top)
    max_points = check_int(max_points, argument="max_points", low=1)
    rng = as_generator(random_state)
    features = list(report.global_importance.index[:top])
    n = report.n_rows
    rows = np.arange(n) if n <= max_points else np.sort(rng.choice(n, max_points, replace=False))
    ax = axes_or_new(ax, (7, 0.4 * len(features) + 1.5))
    scatter = None
    for pos, feature in enumerate(reversed(features)):
        shap_col = report.values[feature].to_numpy()[rows]
        colour = _colour_values(report.data[feature].iloc[rows])
        y = pos + rng.uniform(-0.3, 0.3, len(rows))
        known = ~np.isnan(colour)
        ax.scatter(shap_col[~known], y[~known], s=6, color="#999999", alpha=0.6, linewidths=0)
        scatter = ax.scatter(
            shap_col[known], y[known], s=6, c=colour[known], cmap="coolwarm", vmin=0, vmax=1,
            alpha=0.8, linewidths=0,
        )
    ax.axvline(0.0, color="black", linewidth=0.8)
    ax.set_yticks(range(len(features)))
    ax.set_yticklabels([str(f) for f in reversed(features)])
    ax.set_xlabel(f"SHAP value ({_output_label(report.output)})")
    title = "SHAP values per feature"
    if len(rows) < n:
        title += f" ({len(rows):,} of {n:,} rows)"
    ax.set_title(title)
    if scatter is not None:
        bar = ax.figure.colorbar(scatter, ax=ax, ticks=[0, 1], pad=0.01)
        bar.ax.set_yticklabels(["low", "high"])
        bar.set_label("feature value")
    return ax


@public
@_documented
def plot_waterfall(report: ExplanationReport, i: int, *, top: int = 10, ax: Any = None) -> Any:
    """Waterfall of one row: from the base value to the model output, feature by feature.

    Parameters
    ----------
    {report}
    i : int
        Row position.
    top : int, default=10
        Features shown individually; the rest are summed into one bar.
    {ax}

    {returns}
    """
    _check_report(report)
    top = _check_top(top)
    local = report.local(i)
    shown = local.iloc[:top]
    labels = [f"{f} = {v}" for f, v in zip(shown.index, shown["value"])]
    steps = list(shown["shap"].to_numpy())
    if len(local) > top:
        labels.append(f"{len(local) - top} other features")
        steps.append(float(local["shap"].iloc[top:].sum()))
    labels, steps = labels[::-1], steps[::-1]
    base = local.attrs["base_value"]
    # drawn bottom-up: the bottom bar starts at the base, the top one ends at the output
    starts = base + np.concatenate([[0.0], np.cumsum(steps)[:-1]])
    ax = axes_or_new(ax, (7, 0.4 * len(steps) + 1.5))
    colours = [_POS if s >= 0 else _NEG for s in steps]
    ax.barh(range(len(steps)), steps, left=starts, color=colours)
    for y, (start, step) in enumerate(zip(starts, steps)):
        ax.text(start + step, y, f" {step:+.3g}", va="center", fontsize=8,
                ha="left" if step >= 0 else "right")
    ax.set_yticks(range(len(steps)))
    ax.set_yticklabels(labels)
    ax.axvline(base, color="grey", linestyle="--", linewidth=0.8)
    final = local.attrs["model_output"]
    ax.axvline(final, color="black", linewidth=0.8)
    ax.set_xlabel(
        f"{_output_label(report.output)}: base {base:.3g} -> output {final:.3g}"
    )
    ax.set_title(f"Explanation of row {local.attrs['label']!r}")
    return ax


@public
@_documented
def plot_dependence(report: ExplanationReport, feature: Hashable, *, ax: Any = None) -> Any:
    """SHAP dependence plot: a feature's value against its SHAP value.

    Numeric features are drawn as a scatter; categorical ones as jittered
    columns, one per category (most frequent first).

    Parameters
    ----------
    {report}
    feature : hashable
        A raw feature of the report.
    {ax}

    {returns}

    Raises
    ------
    ArgumentError
        If ``feature`` is not a feature of the report.
    """
    _check_report(report)
    if not is_hashable(feature) or feature not in report.feature_names:
        raise ArgumentError(
            f"feature={describe(feature)} is not a feature of the report; features are: "
            f"{', '.join(map(str, report.feature_names))}. Pass one of them by name.",
            argument="feature",
        )
    values = report.data[feature]
    shap_col = report.values[feature].to_numpy()
    ax = axes_or_new(ax, (6, 4))
    if pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values):
        ax.scatter(values.to_numpy(dtype=float, na_value=np.nan), shap_col, s=6, alpha=0.5,
                   color=_NEG, linewidths=0)
    else:
        labels = values.astype(object).where(values.notna(), "(missing)").astype(str)
        order = labels.value_counts().index.tolist()
        pos = labels.map({c: k for k, c in enumerate(order)}).to_numpy(dtype=float)
        jitter = np.random.default_rng(0).uniform(-0.25, 0.25, len(pos))
        ax.scatter(pos + jitter, shap_col, s=6, alpha=0.5, color=_NEG, linewidths=0)
        ax.set_xticks(range(len(order)))
        ax.set_xticklabels(order, rotation=45, ha="right")
    ax.axhline(0.0, color="black", linewidth=0.8)
    ax.set_xlabel(str(feature))
    ax.set_ylabel(f"SHAP value ({_output_label(report.output)})")
    ax.set_title(f"Dependence on {feature}")
    return ax


_LABEL_SIZE, _LABEL_PAD = 8, 3  # points


def _xlim_with_labels(ax: Any, bars: list[float], texts: list[str]) -> tuple[float, float]:
    """Return x limits leaving room, inside the axes, for the labels at the bar ends.

    The room a label needs is a width in points, so it is converted to data
    units from the axes' current width (a generous 0.7 em per character keeps
    a margin when a later layout step shrinks the axes a little).
    """
    fig = ax.figure
    width_pt = max(ax.get_position().width * fig.get_figwidth() * 72.0, 1.0)
    lo, hi = min(0.0, *bars), max(0.0, *bars)

    def need(side: list[str]) -> float:
        """Fraction of the axes width the widest label on one side takes."""
        if not side:
            return 0.02
        chars = max(len(t) for t in side)
        return (chars * 0.7 * _LABEL_SIZE + 2 * _LABEL_PAD) / width_pt

    left = need([t for v, t in zip(bars, texts) if v < 0])
    right = need([t for v, t in zip(bars, texts) if v >= 0])
    left, right = min(left, 0.4), min(right, 0.4)
    span = (hi - lo) or 1.0
    total = span / (1.0 - left - right)
    return lo - left * total, hi + right * total


@public
@_documented
def plot_disparity(
    expl: DisparityExplanation, *, top: int = 10, group: Any = None, ax: Any = None
) -> Any:
    """Horizontal bars: each feature's contribution to the gap between groups.

    Parameters
    ----------
    expl : DisparityExplanation
        The decomposition.
    top : int, default=10
        Features shown individually (by |contribution|); the rest are summed.
    group : object, optional
        In one-vs-rest mode, the group to show (required there).
    {ax}

    {returns}

    Raises
    ------
    ArgumentError
        If ``group`` is missing or unknown in one-vs-rest mode.
    """
    _check_report(expl, DisparityExplanation)
    top = _check_top(top)
    if expl.mode == "pair":
        contrib, total = expl.contributions, expl.total
        a, b = expl.groups
        title = f"{expl.sensitive_feature}: {a} - {b}"
    else:
        if group not in expl.groups:
            raise ArgumentError(
                f"This disparity compares each group with the rest; pass group= one of "
                f"{', '.join(map(repr, expl.groups))}."
            )
        contrib, total = expl.contributions[group], expl.total[group]
        title = f"{expl.sensitive_feature}: {group} - rest"
    order = contrib.abs().sort_values(ascending=False).index
    shown = contrib[order[:top]]
    labels = [str(f) for f in shown.index]
    bars = list(shown.to_numpy())
    if len(order) > top:
        labels.append(f"{len(order) - top} other features")
        bars.append(float(contrib[order[top:]].sum()))
    ax = axes_or_new(ax, (7, 0.4 * len(bars) + 1.5))
    ypos = np.arange(len(bars))[::-1]
    ax.barh(ypos, bars, color=[_POS if v >= 0 else _NEG for v in bars])
    texts = [f"{v:+.3g}" for v in bars]
    for y, v, text in zip(ypos, bars, texts):
        # at the outer end of the bar, a few points away from it
        ax.annotate(
            text,
            xy=(v, y),
            xytext=(_LABEL_PAD if v >= 0 else -_LABEL_PAD, 0),
            textcoords="offset points",
            va="center",
            ha="left" if v >= 0 else "right",
            fontsize=_LABEL_SIZE,
        )
    ax.set_xlim(*_xlim_with_labels(ax, bars, texts))
    ax.set_yticks(ypos)
    ax.set_yticklabels(labels)
    ax.axvline(0.0, color="black", linewidth=0.8)
    ax.set_xlabel(
        f"contribution to the gap in mean {_output_label(expl.output)} (total {total:+.3g})"
    )
    ax.set_title(title)
    return ax
