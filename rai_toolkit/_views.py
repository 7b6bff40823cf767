"""The views of a result's document: a self-contained HTML page, Markdown, a notebook fragment.

A result whose room renders its document (``to_dict()``) in a views module --
``render_html``, ``render_markdown`` and ``render_fragment``, each reading the
document only -- subclasses :class:`DocumentViews` and returns that module from
``_views()``; ``to_html``, ``to_markdown`` and the notebook display are then
written once, here.
"""

from __future__ import annotations

import os
from types import ModuleType

from rai_toolkit._io import HTML_SUFFIXES, MARKDOWN_SUFFIXES
from rai_toolkit._result import Result

__all__ = ["DocumentViews"]

#: How the views name their ``path`` parameter in messages.
_PATH = "`path`"


class DocumentViews(Result):
    """A :class:`~rai_toolkit._result.Result` whose room's views module renders its document."""

    def _views(self) -> ModuleType:
        """Return the room's views module (its three ``render_*`` functions)."""
        raise NotImplementedError(f"{type(self).__name__} must implement _views()")

    def to_html(self, path: str | os.PathLike | None = None) -> str:
        """Render the document as one self-contained HTML page, optionally to a file.

        The page has inline CSS only, no script and no network request (a
        Content-Security-Policy forbids both); every value is HTML-escaped.

        Parameters
        ----------
        path : str or path-like, optional
            Where to write (``.html`` or ``.htm``); checked first, written atomically.

        Returns
        -------
        str
            The HTML text.
        """
        return self._write_view(
            path, self._views().render_html, suffixes=HTML_SUFFIXES, argument=_PATH
        )

    def to_markdown(self, path: str | os.PathLike | None = None) -> str:
        """Render the document as Markdown tables, optionally to a file.

        Parameters
        ----------
        path : str or path-like, optional
            Where to write (``.md``, ``.markdown`` or ``.txt``); checked first, written
            atomically.

        Returns
        -------
        str
            The Markdown text; labels are escaped.
        """
        return self._write_view(
            path, self._views().render_markdown, suffixes=MARKDOWN_SUFFIXES, argument=_PATH
        )

    def _repr_html_(self) -> str:
        return self._views().render_fragment(self.to_dict())
