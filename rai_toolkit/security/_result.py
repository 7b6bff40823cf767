"""What the security and privacy results have in common: a summary and JSON."""

from __future__ import annotations

import json
from typing import Any

__all__ = ["SecurityResult"]


class SecurityResult:
    """Base of the security results: a plain-language interpretation and JSON.

    A subclass sets ``self._interpretation`` when it is built and implements
    ``to_dict()``.
    """

    _interpretation: str

    @property
    def interpretation(self) -> str:
        """Plain-language summary of the result, with the thresholds used."""
        return self._interpretation

    def summary(self) -> str:
        """Return the plain-language summary (same as :attr:`interpretation`).

        Returns
        -------
        str
            The summary.
        """
        return self._interpretation

    def to_json(self, **kwargs: Any) -> str:
        """Return :meth:`to_dict` as a JSON string.

        Parameters
        ----------
        **kwargs
            Passed to :func:`json.dumps` (e.g. ``indent=2``).

        Returns
        -------
        str
            JSON text.
        """
        return json.dumps(self.to_dict(), **kwargs)
