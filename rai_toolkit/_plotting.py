"""Plot plumbing shared by the rooms' plot functions (matplotlib is imported lazily)."""

from __future__ import annotations

from typing import Any

from rai_toolkit._scalars import describe
from rai_toolkit.exceptions import ArgumentError

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

    Raises
    ------
    ArgumentError
        If ``ax`` is neither None nor a matplotlib Axes.
    """
    if ax is not None:
        from matplotlib.axes import Axes

        if not isinstance(ax, Axes):
            raise ArgumentError(
                f"ax must be a matplotlib Axes (e.g. from plt.subplots()) or None for a new "
                f"figure; received {describe(ax)}.",
                argument="ax",
            )
        return ax
    import matplotlib.pyplot as plt

    _, ax = plt.subplots(figsize=size)
    return ax
