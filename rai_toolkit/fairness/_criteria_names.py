"""Names of the fairness criteria, importable without numpy or pandas.

The command line offers these as the choices of ``--fail-on`` and must start
fast, so it cannot import the fairness room's definitions
(:data:`rai_toolkit.fairness._verdicts.CRITERIA`, which need numpy). This
tuple lists the same names in the same order; a test
(``tests/cli/test_fail_on.py``) fails when the two differ, so a criterion added
to ``CRITERIA`` must be named here too.
"""

from __future__ import annotations

__all__ = ["CRITERION_NAMES"]

#: Keys of ``rai_toolkit.fairness._verdicts.CRITERIA``, in its order.
CRITERION_NAMES: tuple[str, ...] = (
    "demographic_parity",
    "equalized_odds",
    "equal_opportunity",
    "predictive_parity",
    "disparate_impact",
    "calibration",
    "bounded_group_loss",
)
