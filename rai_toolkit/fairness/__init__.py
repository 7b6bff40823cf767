"""Group fairness of a model: metrics per group with intervals, disparities and verdicts.

Names are imported on first use, so that the light modules of this room (the
criteria registry :mod:`rai_toolkit.fairness._criteria`, read by the command
line) load without numpy, pandas or scipy.
"""

from __future__ import annotations

from rai_toolkit._lazy import lazy_exports

__all__ = ["analyze_fairness", "FairnessReport", "plot_group_metrics", "plot_disparities"]

_EXPORTS = {
    "analyze_fairness": "rai_toolkit.fairness._analyze",
    "FairnessReport": "rai_toolkit.fairness._report",
    "plot_group_metrics": "rai_toolkit.fairness._plotting",
    "plot_disparities": "rai_toolkit.fairness._plotting",
}

__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS, globals())
