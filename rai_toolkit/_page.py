"""Self-contained pages: one escaping rule and one page shell for every room's HTML view.

A page written by rai_toolkit runs no script and loads nothing from the network:
its Content-Security-Policy forbids both, and every value is escaped with
:func:`esc`. The audit, the report comparison and the assessment report build
their pages with :func:`standalone_page`; the audit and the comparison write
their Markdown tables with :func:`markdown_table` (cells escaped with
:func:`markdown_cell`).
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Sequence
from typing import Any

__all__ = ["SELF_CONTAINED", "esc", "markdown_cell", "markdown_table", "standalone_page"]

#: The footer sentence of every self-contained page.
SELF_CONTAINED = (
    "This file is self-contained: it runs no script and loads nothing from the network."
)


def esc(value: Any) -> str:
    """Return ``str(value)`` escaped for HTML text or a quoted attribute."""
    return html.escape(str(value), quote=True)


def _csp(images: bool) -> str:
    img = "data:" if images else "'none'"
    return (
        f"default-src 'none'; style-src 'unsafe-inline'; img-src {img}; font-src 'none'; "
        "script-src 'none'; connect-src 'none'; form-action 'none'; base-uri 'none'"
    )


def standalone_page(*, title: str, css: str, body: str, images: bool = False) -> str:
    """Wrap a body in a complete page with inline CSS, no script and no request.

    Parameters
    ----------
    title : str
        Page title (escaped here).
    css : str
        The inline style sheet.
    body : str
        HTML of the ``<body>`` (already escaped by the caller).
    images : bool, default=False
        Allow ``data:`` images (inline SVG charts encoded as data URLs).

    Returns
    -------
    str
        The page, ending in a newline.
    """
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f'<meta http-equiv="Content-Security-Policy" content="{esc(_csp(images))}">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        '<meta name="referrer" content="no-referrer">'
        f"<title>{esc(title)}</title><style>{css}</style></head><body>{body}</body></html>\n"
    )


def markdown_cell(value: Any) -> str:
    """Escape a value for a Markdown table cell (pipes, line breaks, HTML, emphasis).

    Parameters
    ----------
    value : object
        Converted with ``str``.

    Returns
    -------
    str
        Text that renders literally inside a table cell: ``<``, ``>`` and ``&``
        as entities, Markdown syntax backslash-escaped, whitespace runs as one space.
    """
    text = html.escape(str(value), quote=False)
    for ch in "\\`*_[]#|":
        text = text.replace(ch, "\\" + ch)
    return " ".join(text.split())


def markdown_table(
    head: Sequence[str], rows: Iterable[Sequence[str]], *, numeric: bool = False
) -> list[str]:
    """Return the lines of a Markdown table.

    Parameters
    ----------
    head : sequence of str
        Column titles, written as given.
    rows : iterable of sequence of str
        Cells, already escaped (:func:`markdown_cell`) or formatted.
    numeric : bool, default=False
        Right-align every column after the first.

    Returns
    -------
    list of str
        The header line, the rule and one line per row.
    """
    rule = ["---" if i == 0 or not numeric else "---:" for i in range(len(head))]
    return [
        "| " + " | ".join(head) + " |",
        "|" + "|".join(rule) + "|",
        *("| " + " | ".join(cells) + " |" for cells in rows),
    ]
