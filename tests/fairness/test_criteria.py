"""The criteria registry: names other rooms read without loading the fairness engine."""

from __future__ import annotations

import subprocess
import sys

from rai_toolkit.fairness._criteria import CRITERIA, CRITERION_NAMES, criteria_for


def test_registry_lists_every_criterion_once_in_verdict_order():
    assert CRITERION_NAMES == (
        "demographic_parity",
        "equalized_odds",
        "equal_opportunity",
        "predictive_parity",
        "disparate_impact",
        "calibration",
        "bounded_group_loss",
    )
    assert [c.name for c in criteria_for("binary", has_scores=True)] == list(CRITERION_NAMES[:6])
    assert [c.name for c in criteria_for("binary", has_scores=False)] == list(CRITERION_NAMES[:5])
    assert [c.name for c in criteria_for("regression", has_scores=False)] == [
        "bounded_group_loss"
    ]
    assert CRITERIA["equalized_odds"].metric_label == (
        "max difference of true_positive_rate & false_positive_rate"
    )


def test_reading_the_registry_loads_neither_numpy_nor_pandas():
    code = (
        "import sys\n"
        "from rai_toolkit.fairness._criteria import CRITERION_NAMES\n"
        "heavy = sorted(m for m in ('numpy', 'pandas', 'scipy', 'sklearn') if m in sys.modules)\n"
        "print(len(CRITERION_NAMES), heavy)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "7 []"
