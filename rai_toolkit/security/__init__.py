"""Privacy, membership-inference, robustness and safe model persistence checks.

* :func:`check_privacy` - personal data columns and k-anonymity of a table.
* :func:`minimization_candidates` - features a model barely uses (stop collecting them).
* :func:`membership_inference_risk` - can an attacker tell training rows from unseen ones?
* :func:`check_robustness` - how often predictions flip under small perturbations, by group.
* :func:`save_model` / :func:`load_model` - skops persistence that refuses untrusted content.
"""

from rai_toolkit.security._membership import (
    RISK_THRESHOLDS,
    MembershipInferenceResult,
    membership_inference_risk,
)
from rai_toolkit.security._minimization import minimization_candidates
from rai_toolkit.security._persistence import KNOWN_SAFE_TYPES, load_model, save_model
from rai_toolkit.security._pii import KINDS as PII_KINDS
from rai_toolkit.security._privacy import PrivacyReport, check_privacy
from rai_toolkit.security._robustness import RobustnessReport, check_robustness

__all__ = [
    "KNOWN_SAFE_TYPES",
    "PII_KINDS",
    "RISK_THRESHOLDS",
    "MembershipInferenceResult",
    "PrivacyReport",
    "RobustnessReport",
    "check_privacy",
    "check_robustness",
    "load_model",
    "membership_inference_risk",
    "minimization_candidates",
    "save_model",
]
