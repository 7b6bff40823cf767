"""Fairness compared over time: whether a gap has grown since the last report.

* :func:`compare_reports` - bootstraps the count tables of two fairness reports
  (objects or their saved JSON) and gives every criterion and group metric its
  change with simultaneous intervals.
* :class:`ReportComparison` - the result: ``.changes``, ``.any_worse``,
  ``.summary()``, ``.to_html()``, ``.to_json()``, ``.to_markdown()``.
"""

from __future__ import annotations

from rai_toolkit.compare._compare import compare_reports
from rai_toolkit.compare._result import ReportComparison

__all__ = ["ReportComparison", "compare_reports"]
