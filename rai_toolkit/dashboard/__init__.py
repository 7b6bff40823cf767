"""Responsible AI dashboard: build insights fast, save them, serve them safely.

:func:`build_insights` computes ``responsibleai.RAIInsights`` (explainer,
error analysis, counterfactuals, causal analysis) plus one dashboard cohort per
sensitive group; :func:`save_insights` / :func:`load_insights` round-trip them
through a folder; :func:`launch_dashboard` serves the dashboard on loopback
only unless told otherwise. ``responsibleai``, ``raiwidgets`` and ``raiutils``
are imported inside these functions, not when this package is imported, and the
package's own names load on first use so that the command line starts quickly.
"""

from __future__ import annotations

from rai_toolkit._lazy import lazy_exports

__all__ = [
    "COMPONENTS",
    "DashboardURL",
    "Insights",
    "build_insights",
    "launch_dashboard",
    "load_insights",
    "save_insights",
]

_EXPORTS = {
    "COMPONENTS": "rai_toolkit.dashboard._insights",
    "Insights": "rai_toolkit.dashboard._insights",
    "build_insights": "rai_toolkit.dashboard._insights",
    "load_insights": "rai_toolkit.dashboard._persistence",
    "save_insights": "rai_toolkit.dashboard._persistence",
    "DashboardURL": "rai_toolkit.dashboard._server",
    "launch_dashboard": "rai_toolkit.dashboard._server",
}

__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS, globals())
