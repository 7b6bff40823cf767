"""What the security and privacy results have in common: a summary and JSON."""

from __future__ import annotations

from rai_toolkit._readonly import ReadOnly
from rai_toolkit._result import Result

__all__ = ["SecurityResult"]


class SecurityResult(Result):
    """Base of the security results: a plain-language interpretation and JSON.

    A subclass sets ``self._interpretation`` when it is built and implements
    ``to_dict()`` and ``_summary()`` (:class:`rai_toolkit._result.Result`).
    """

    _interpretation: str

    interpretation = ReadOnly[str](
        "Plain-language summary of the result, with the thresholds used.",
    )

    def summary(self) -> str:
        """Return the plain-language summary (same as :attr:`interpretation`).

        Returns
        -------
        str
            The summary.
        """
        return self._interpretation
