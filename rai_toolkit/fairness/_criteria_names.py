"""Names of the fairness criteria, importable without numpy or pandas.

The command line offers these as the choices of ``--fail-on`` and must start
fast. The names come from the registry itself
(:data:`rai_toolkit.fairness._criteria.CRITERIA`, standard library only), so
there is one list of criteria; :func:`check_criteria` checks names given by a
caller against it.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from rai_toolkit.exceptions import ArgumentError
from rai_toolkit.fairness._criteria import CRITERION_NAMES

__all__ = ["CRITERION_NAMES", "check_criteria"]


def check_criteria(names: Any, *, argument: str = "criteria") -> list[str]:
    """Return criterion names as a list, refusing anything that is not one.

    Parameters
    ----------
    names : str or collection of str
        One criterion name or several.
    argument : str, default="criteria"
        Parameter name for the message.

    Returns
    -------
    list of str
        The names, in the order given.

    Raises
    ------
    ArgumentError
        If ``names`` is not a name or a collection of names, or names an
        unknown criterion (:func:`rai_toolkit._scalars.check_choice`: the
        criteria, and the closest one to a misspelt name).
    """
    if isinstance(names, str):
        names = [names]
    elif not isinstance(names, Collection) or isinstance(names, bytes | dict):
        raise ArgumentError(
            f"{argument} must be a criterion name or a list of them; received "
            f"{type(names).__name__}. Pass e.g. {argument}=['demographic_parity'].",
            argument=argument,
        )
    from rai_toolkit._scalars import check_choice  # numpy: not for the CLI's name list

    return [check_choice(name, argument=argument, choices=CRITERION_NAMES) for name in names]
