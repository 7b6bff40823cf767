"""Error analysis: the cohorts of one or two conditions where a model errs most.

* :func:`analyze_errors` - validate the inputs once and search every cohort.
* :class:`ErrorAnalysis` - the listed cohorts, worst first, with Wilson intervals.

The report room shows an :class:`ErrorAnalysis` through its document
(``to_dict``); this room never renders a report.
"""

from __future__ import annotations

from rai_toolkit._lazy import lazy_exports

__all__ = ["ErrorAnalysis", "analyze_errors"]

_EXPORTS = {
    "ErrorAnalysis": "rai_toolkit.error_analysis._result",
    "analyze_errors": "rai_toolkit.error_analysis._analyze",
}

__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS, globals())
