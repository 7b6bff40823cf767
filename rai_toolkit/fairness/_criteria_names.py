"""Names of the fairness criteria, importable without numpy or pandas.

The command line offers these as the choices of ``--fail-on`` and must start
fast. The names come from the registry itself
(:data:`rai_toolkit.fairness._criteria.CRITERIA`, standard library only), so
there is one list of criteria.
"""

from __future__ import annotations

from rai_toolkit.fairness._criteria import CRITERION_NAMES

__all__ = ["CRITERION_NAMES"]
