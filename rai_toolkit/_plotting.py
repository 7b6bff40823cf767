"""Plot plumbing shared by the rooms' plot functions (matplotlib is imported lazily)."""

from __future__ import annotations

from typing import Any

__all__ = ["axes_or_new"]


def axes_or_new(ax: Any, size: tuple[float, float]) -> Any:
    """Return ``ax``, or the axes of a new figure of ``size`` inches when it is None.

    Parameters
    ----------
    ax : matplotlib.axes.Axes or None
        Axes the caller passed.
    size : tuple of float
        Figure size for a new figure.

    Returns
    -------
    matplotlib.axes.Axes
        The axes to draw on.
    """
    if ax is not None:
        return ax
    import matplotlib.pyplot as plt

    _, ax = plt.subplots(figsize=size)
    return ax
