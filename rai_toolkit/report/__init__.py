"""Share with stakeholders: one call runs every check, one file shows it.

* :func:`assess` - fairness, explanations, error analysis, privacy, membership
  inference and robustness of a model, bundled in an :class:`Assessment`.
* :meth:`Assessment.to_html` - one self-contained HTML report (inline CSS and
  SVG, no script, no network request), with small groups suppressed.
* :func:`impact_assessment` - the Responsible AI Impact Assessment drafted from
  the measured evidence, human-judgment fields marked TODO.
* :func:`plan_suppression` - which group cells a shared report must hide.
* :meth:`Assessment.to_bundle` / :func:`verify_bundle` - a zip of the report,
  hashes and a manifest, optionally signed (Ed25519, :func:`generate_keypair`).

Names are imported on first use, so that the command line (``rai_toolkit.cli``)
starts without loading pandas.
"""

from __future__ import annotations

from rai_toolkit._lazy import lazy_exports

__all__ = [
    "Assessment",
    "BundleVerification",
    "SuppressionPlan",
    "assess",
    "generate_keypair",
    "impact_assessment",
    "plan_suppression",
    "verify_bundle",
]

_EXPORTS = {
    "Assessment": "rai_toolkit.report._assessment",
    "assess": "rai_toolkit.report._assess",
    "impact_assessment": "rai_toolkit.report._assess",
    "SuppressionPlan": "rai_toolkit.report._suppression",
    "plan_suppression": "rai_toolkit.report._suppression",
    "BundleVerification": "rai_toolkit.report._bundle",
    "generate_keypair": "rai_toolkit.report._bundle",
    "verify_bundle": "rai_toolkit.report._bundle",
}


__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS, globals())
