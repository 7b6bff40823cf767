"""Shared docstring text is filled in at the indent of its ``{key}`` line."""

from __future__ import annotations

import inspect

from rai_toolkit._docstrings import shared_text
from rai_toolkit.fairness import plot_disparities, plot_group_metrics

_fill = shared_text({"ax": "ax : Axes, optional\n    Where to draw."})


def test_a_key_line_becomes_the_text_at_its_indent():
    @_fill
    def plot(ax=None):
        """Draw.

        Parameters
        ----------
        {ax}
        """

    assert inspect.cleandoc(plot.__doc__) == (
        "Draw.\n\nParameters\n----------\nax : Axes, optional\n    Where to draw."
    )


def test_other_braces_and_missing_docstrings_are_left_alone():
    @_fill
    def inline():
        """Mentions {ax} inside a sentence and {other} alone:

        {other}
        """

    assert inline.__doc__.count("{ax}") == 1 and inline.__doc__.count("{other}") == 2

    def bare():
        pass

    assert _fill(bare) is bare and bare.__doc__ is None
    assert shared_text({})(inline) is inline


def test_the_fairness_plots_document_report_ax_and_returns_in_full():
    for plot in (plot_group_metrics, plot_disparities):
        doc = inspect.cleandoc(plot.__doc__)
        assert "{" not in doc
        assert "report : FairnessReport\n    The report to draw." in doc
        assert (
            "ax : matplotlib.axes.Axes, optional\n"
            "    Axes to draw on; a new figure is created when omitted.\n\n"
            "Returns\n-------\nmatplotlib.axes.Axes\n    The axes drawn on.\n\nRaises"
        ) in doc
