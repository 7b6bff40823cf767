"""Responsible AI dashboard: build insights fast, save them, serve them safely.

:func:`build_insights` computes ``responsibleai.RAIInsights`` (explainer, error
analysis, counterfactuals, causal analysis) plus one dashboard cohort per
sensitive group; :func:`save_insights` / :func:`load_insights` round-trip them
through a folder; :func:`launch_dashboard` serves the dashboard on loopback
only unless told otherwise.

responsibleai / raiwidgets 0.36 run only on their 2024 stack (Python 3.11, numpy
1.26, pandas 1.5), so they live in an isolated runtime that rai_toolkit builds
with uv on first use (:func:`build_runtime`, also ``python -m
rai_toolkit.dashboard._runtime``). These functions are called from the user's own
environment; the model never leaves it: the runtime asks it for predictions over
a loopback channel protected by a per-launch secret. The package's own names
load on first use so that the command line starts quickly.
"""

from __future__ import annotations

from rai_toolkit._lazy import lazy_exports

__all__ = [
    "COMPONENTS",
    "Cohort",
    "CohortFilter",
    "DashboardURL",
    "Insights",
    "build_insights",
    "build_runtime",
    "launch_dashboard",
    "load_insights",
    "save_insights",
]

_EXPORTS = {
    "COMPONENTS": "rai_toolkit.dashboard._insights",
    "Insights": "rai_toolkit.dashboard._insights",
    "build_insights": "rai_toolkit.dashboard._insights",
    "Cohort": "rai_toolkit.dashboard._cohorts",
    "CohortFilter": "rai_toolkit.dashboard._cohorts",
    "load_insights": "rai_toolkit.dashboard._persistence",
    "save_insights": "rai_toolkit.dashboard._persistence",
    "DashboardURL": "rai_toolkit.dashboard._server",
    "launch_dashboard": "rai_toolkit.dashboard._server",
    "build_runtime": "rai_toolkit.dashboard._runtime",
}

__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS, globals())
