"""Shared docstring text is filled in at the indent of its ``{key}`` line."""

from __future__ import annotations

import inspect
import re

import pytest

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



def _shared_entries():
    """Each shared entry: the objects whose docstrings use it, and the text they must show."""
    from rai_toolkit._io import dump_json
    from rai_toolkit._result import Result
    from rai_toolkit.dashboard import build_runtime
    from rai_toolkit.dashboard._runtime import runtime_dir, runtime_python
    from rai_toolkit.fairness import FairnessReport
    from rai_toolkit.mitigation import PostprocessedClassifier as Post
    from rai_toolkit.mitigation import ReductionClassifier as Red
    from rai_toolkit.security import MembershipInferenceResult, PrivacyReport, RobustnessReport

    return {
        "json": (
            [dump_json, Result.to_json, FairnessReport.to_json],
            "path : str or path-like, optional\n    Where to write; must end in ``.json``.\n"
            "indent : int, str or None, default=2\n    JSON indentation: at most 16 spaces (or "
            "that many whitespace\n    characters); None writes one line.\n",
            "Returns\n-------\nstr\n    The JSON text.\n\nRaises\n------\nArgumentError\n"
            "    If ``indent`` is out of range, or ``path`` does not end in ``.json``, is a\n"
            "    folder or cannot be written.",
        ),
        "cache_dir": (
            [build_runtime, runtime_dir, runtime_python],
            "Parameters\n----------\ncache_dir : str or os.PathLike, optional\n"
            "    Cache folder; default :func:`cache_root`: ``$RAI_TOOLKIT_CACHE_DIR``, else\n"
            "    ``$XDG_CACHE_HOME/rai_toolkit``, else ``~/.cache/rai_toolkit``.\n",
        ),
        "mitigated inputs": (
            [Post, Red],
            "features : sequence of hashable\n    Model input columns.\n",
            "classes : array-like\n    The two class labels.\n",
            "random_state : int, optional\n    Default seed of :meth:`predict`.\n\n"
            "Attributes\n----------\nclasses_ : numpy.ndarray\n    The class labels.\n"
            "feature_names_in_ : numpy.ndarray\n    Model input columns.",
        ),
        "mitigated X": (
            [Post.predict, Post.predict_proba, Red.predict, Red.predict_proba],
            "Parameters\n----------\nX : pandas.DataFrame\n    Rows with the model's input "
            "columns.\n",
        ),
        "postprocessed predictions": (
            [Post.predict, Post.predict_proba],
            "sensitive_features : DataFrame, Series or array-like\n    Required. The sensitive "
            "features of the same rows (a DataFrame holding the\n    sensitive columns, e.g. the "
            "full data, or their values).\n",
            "Raises\n------\nArgumentError\n    If ``sensitive_features`` is not given.\n"
            "DataValidationError\n    If they do not match ``X`` or hold a group unseen in "
            "training.",
        ),
        "to_dict": (
            [MembershipInferenceResult.to_dict, PrivacyReport.to_dict, RobustnessReport.to_dict],
            "\n\nReturns\n-------\ndict\n    Built from dict, list, str, int, float, bool and "
            "None (NaN and infinity\n    as None): the document :meth:`to_json` writes, in this "
            "stable schema::\n\n        {\n",
        ),
    }


@pytest.mark.parametrize("entry", list(_shared_entries()))
def test_every_shared_entry_is_rendered_in_full_in_each_docstring_using_it(entry):
    documented, *texts = _shared_entries()[entry]
    for obj in documented:
        doc = inspect.cleandoc(obj.__doc__)
        assert not re.search(r"^\s*\{\w+\}$", doc, flags=re.MULTILINE), obj
        for text in texts:
            assert text in doc, (obj, text)
