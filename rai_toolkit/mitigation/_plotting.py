"""Plot of a mitigation's trade-off: objective against disparity, with the Pareto front."""

from __future__ import annotations

from typing import Any

from rai_toolkit._api import public
from rai_toolkit._plotting import axes_or_new
from rai_toolkit.exceptions import ArgumentError

__all__ = ["plot_tradeoff"]

_STYLE = {
    "unmitigated": {"marker": "s", "color": "#444444", "label": "unmitigated"},
    "grid_search": {"marker": "o", "color": "#7fa7d0", "label": "GridSearch candidate"},
    "exponentiated_gradient": {"marker": "*", "color": "#d95f02",
                               "label": "ExponentiatedGradient"},
    "threshold_optimizer": {"marker": "*", "color": "#d95f02", "label": "ThresholdOptimizer"},
}


@public
def plot_tradeoff(result: Any, *, ax: Any = None) -> Any:
    """Scatter the candidates' objective against disparity and draw the Pareto front.

    Parameters
    ----------
    result : MitigationResult
        Output of :func:`~rai_toolkit.mitigation.mitigate`.
    ax : matplotlib.axes.Axes, optional
        Axes to draw on; a new figure is made when None.

    Returns
    -------
    matplotlib.axes.Axes
        The axes.

    Raises
    ------
    ArgumentError
        If ``result`` is not a MitigationResult.

    Examples
    --------
    >>> ax = plot_tradeoff(result)  # doctest: +SKIP
    """
    from rai_toolkit.mitigation._result import MitigationResult

    if not isinstance(result, MitigationResult):
        raise ArgumentError(
            f"plot_tradeoff needs the MitigationResult returned by mitigate(); received "
            f"{type(result).__name__}."
        )
    ax = axes_or_new(ax, (6, 4))
    table = result.tradeoff
    for kind, style in _STYLE.items():
        rows = table[table["kind"] == kind]
        if rows.empty:
            continue
        size = 160 if style["marker"] == "*" else 50
        ax.scatter(rows["disparity"], rows["objective"], marker=style["marker"],
                   color=style["color"], s=size, label=style["label"], zorder=3,
                   edgecolors="black", linewidths=0.5)
    front = table[table["pareto"]].sort_values("disparity")
    if len(front) > 1:
        ax.step(front["disparity"], front["objective"], where="post", color="#1b9e77",
                linestyle="--", linewidth=1.2, label="Pareto front", zorder=2)
    ax.set_xlabel(f"{result.disparity_measure} (lower is fairer)")
    ax.set_ylabel(f"{result.objective} (higher is better)")
    ax.set_title(f"{result.mitigator}: {result.constraint} trade-off on test data")
    ax.grid(True, alpha=0.3)
    ax.legend(loc="best", fontsize="small")
    return ax
