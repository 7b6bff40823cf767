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


def test_dump_json_and_every_to_json_document_path_indent_returns_and_raises_alike():
    from rai_toolkit._io import dump_json
    from rai_toolkit._result import Result
    from rai_toolkit.fairness import FairnessReport

    for method in (dump_json, Result.to_json, FairnessReport.to_json):
        doc = inspect.cleandoc(method.__doc__)
        assert "{json" not in doc
        assert (
            "path : str or path-like, optional\n    Where to write; must end in ``.json``.\n" in doc
        )
        assert (
            "indent : int, str or None, default=2\n    JSON indentation: at most 16 spaces (or "
            "that many whitespace\n    characters); None writes one line." in doc
        )
        assert doc.endswith(
            "Returns\n-------\nstr\n    The JSON text.\n\nRaises\n------\nArgumentError\n"
            "    If ``indent`` is out of range, or ``path`` does not end in ``.json``, is a\n"
            "    folder or cannot be written."
        )


def test_the_dashboard_runtime_functions_document_cache_dir_in_full():
    from rai_toolkit.dashboard import build_runtime
    from rai_toolkit.dashboard._runtime import runtime_dir, runtime_python

    for function in (build_runtime, runtime_dir, runtime_python):
        doc = inspect.cleandoc(function.__doc__)
        assert "{" not in doc
        assert (
            "Parameters\n----------\ncache_dir : str or os.PathLike, optional\n"
            "    Cache folder; default :func:`cache_root`: ``$RAI_TOOLKIT_CACHE_DIR``, else\n"
            "    ``$XDG_CACHE_HOME/rai_toolkit``, else ``~/.cache/rai_toolkit``.\n" in doc
        )


def test_the_mitigated_classifiers_document_their_shared_inputs_and_attributes():
    from rai_toolkit.mitigation import PostprocessedClassifier, ReductionClassifier

    for cls in (PostprocessedClassifier, ReductionClassifier):
        doc = inspect.cleandoc(cls.__doc__)
        assert "{" not in doc
        assert "features : sequence of hashable\n    Model input columns.\n" in doc
        assert "classes : array-like\n    The two class labels.\n" in doc
        assert doc.endswith(
            "random_state : int, optional\n    Default seed of :meth:`predict`.\n\n"
            "Attributes\n----------\nclasses_ : numpy.ndarray\n    The class labels.\n"
            "feature_names_in_ : numpy.ndarray\n    Model input columns."
        )
        for method in (cls.predict, cls.predict_proba):
            doc = inspect.cleandoc(method.__doc__)
            assert "{" not in doc
            assert "Parameters\n----------\nX : pandas.DataFrame\n    Rows with the model's " in doc


def test_postprocessed_predictions_document_sensitive_features_and_raises_in_full():
    from rai_toolkit.mitigation import PostprocessedClassifier

    for method in (PostprocessedClassifier.predict, PostprocessedClassifier.predict_proba):
        doc = inspect.cleandoc(method.__doc__)
        assert (
            "sensitive_features : DataFrame, Series or array-like\n    Required. The sensitive "
            "features of the same rows (a DataFrame holding the\n    sensitive columns, e.g. the "
            "full data, or their values).\n" in doc
        )
        assert doc.endswith(
            "Raises\n------\nArgumentError\n    If ``sensitive_features`` is not given.\n"
            "DataValidationError\n"
            "    If they do not match ``X`` or hold a group unseen in training."
        )


def test_the_security_results_document_their_to_dict_schema_in_full():
    from rai_toolkit.security import MembershipInferenceResult, PrivacyReport, RobustnessReport

    for cls in (MembershipInferenceResult, PrivacyReport, RobustnessReport):
        doc = inspect.cleandoc(cls.to_dict.__doc__)
        assert (
            "\n\nReturns\n-------\ndict\n    Built from dict, list, str, int, float, bool and None "
            "(NaN and infinity\n    as None): the document :meth:`to_json` writes, in this "
            "stable schema::\n\n        {\n" in doc
        )
        assert "{to_dict_returns}" not in doc
