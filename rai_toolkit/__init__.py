"""rai_toolkit: is a model fair, why does it decide as it does, and how to show it.

The public API is re-exported here. Submodules are imported lazily on first
attribute access, so ``import rai_toolkit`` stays fast and heavy optional
dependencies (responsibleai, raiwidgets, playwright) load only when used.
"""

from __future__ import annotations

from rai_toolkit import exceptions
from rai_toolkit._lazy import lazy_exports
from rai_toolkit._version import __version__

# public name -> module that defines it
_EXPORTS: dict[str, str] = {
    # fairness
    "analyze_fairness": "rai_toolkit.fairness",
    "FairnessReport": "rai_toolkit.fairness",
    "plot_group_metrics": "rai_toolkit.fairness",
    "plot_disparities": "rai_toolkit.fairness",
    # explain
    "explain_model": "rai_toolkit.explain",
    "explain_disparity": "rai_toolkit.explain",
    "ExplanationReport": "rai_toolkit.explain",
    "DisparityExplanation": "rai_toolkit.explain",
    "fit_glassbox": "rai_toolkit.explain",
    "compare_explanations": "rai_toolkit.explain",
    "ExplanationComparison": "rai_toolkit.explain",
    "plot_importance": "rai_toolkit.explain",
    "plot_beeswarm": "rai_toolkit.explain",
    "plot_waterfall": "rai_toolkit.explain",
    "plot_dependence": "rai_toolkit.explain",
    "plot_disparity": "rai_toolkit.explain",
    # mitigation
    "mitigate": "rai_toolkit.mitigation",
    "MitigationResult": "rai_toolkit.mitigation",
    "plot_tradeoff": "rai_toolkit.mitigation",
    # dashboard
    "build_insights": "rai_toolkit.dashboard",
    "save_insights": "rai_toolkit.dashboard",
    "load_insights": "rai_toolkit.dashboard",
    "launch_dashboard": "rai_toolkit.dashboard",
    "Insights": "rai_toolkit.dashboard",
    # security
    "check_privacy": "rai_toolkit.security",
    "PrivacyReport": "rai_toolkit.security",
    "minimization_candidates": "rai_toolkit.security",
    "membership_inference_risk": "rai_toolkit.security",
    "MembershipInferenceResult": "rai_toolkit.security",
    "check_robustness": "rai_toolkit.security",
    "RobustnessReport": "rai_toolkit.security",
    "save_model": "rai_toolkit.security",
    "load_model": "rai_toolkit.security",
    # report
    "assess": "rai_toolkit.report",
    "Assessment": "rai_toolkit.report",
    "impact_assessment": "rai_toolkit.report",
    "verify_bundle": "rai_toolkit.report",
    "generate_keypair": "rai_toolkit.report",
    "BundleVerification": "rai_toolkit.report",
    # error analysis
    "analyze_errors": "rai_toolkit.error_analysis",
    "ErrorAnalysis": "rai_toolkit.error_analysis",
    # audit
    "bias_audit": "rai_toolkit.audit",
    "BiasAudit": "rai_toolkit.audit",
    # compare
    "compare_reports": "rai_toolkit.compare",
    "ReportComparison": "rai_toolkit.compare",
    # datasets
    "load_adult": "rai_toolkit.datasets",
    "load_compas": "rai_toolkit.datasets",
    "load_german_credit": "rai_toolkit.datasets",
    "load_dataset": "rai_toolkit.datasets",
    "list_datasets": "rai_toolkit.datasets",
    "make_biased_classification": "rai_toolkit.datasets",
    "Dataset": "rai_toolkit.datasets",
}

__all__ = ["__version__", "exceptions", *_EXPORTS]


__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS, globals())
