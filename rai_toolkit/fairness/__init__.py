"""Group fairness of a model: metrics per group with intervals, disparities and verdicts."""

from __future__ import annotations

from rai_toolkit.fairness._analyze import analyze_fairness
from rai_toolkit.fairness._plotting import plot_disparities, plot_group_metrics
from rai_toolkit.fairness._report import FairnessReport

__all__ = ["analyze_fairness", "FairnessReport", "plot_group_metrics", "plot_disparities"]
