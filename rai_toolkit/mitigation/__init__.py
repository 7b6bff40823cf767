"""Bias mitigation with fairlearn: one call, before/after on held-out data, the trade-off."""

from __future__ import annotations

from rai_toolkit.mitigation._mitigate import mitigate
from rai_toolkit.mitigation._plotting import plot_tradeoff
from rai_toolkit.mitigation._postprocess import PostprocessedClassifier
from rai_toolkit.mitigation._reduction import ReductionClassifier
from rai_toolkit.mitigation._result import MitigationResult

__all__ = [
    "mitigate",
    "MitigationResult",
    "PostprocessedClassifier",
    "ReductionClassifier",
    "plot_tradeoff",
]
