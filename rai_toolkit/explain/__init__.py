"""Explanations: SHAP values in the raw feature space, group gaps and glassbox models.

* :func:`explain_model` - exact TreeSHAP / linear SHAP through scikit-learn
  pipelines (encoded columns summed back to their raw column), else a
  model-agnostic explainer on raw rows;
* :func:`explain_disparity` - which features drive the gap in model output
  between groups;
* :func:`fit_glassbox` - an Explainable Boosting Machine and its exact
  additive explanation;
* :func:`compare_explanations` - rank agreement of two explanations;
* ``plot_*`` - matplotlib views.
"""

from rai_toolkit.explain._compare import ExplanationComparison, compare_explanations
from rai_toolkit.explain._disparity import DisparityExplanation, explain_disparity
from rai_toolkit.explain._glassbox import fit_glassbox
from rai_toolkit.explain._plotting import (
    plot_beeswarm,
    plot_dependence,
    plot_disparity,
    plot_importance,
    plot_waterfall,
)
from rai_toolkit.explain._report import ExplanationReport, explain_model

__all__ = [
    "DisparityExplanation",
    "ExplanationComparison",
    "ExplanationReport",
    "compare_explanations",
    "explain_disparity",
    "explain_model",
    "fit_glassbox",
    "plot_beeswarm",
    "plot_dependence",
    "plot_disparity",
    "plot_importance",
    "plot_waterfall",
]
