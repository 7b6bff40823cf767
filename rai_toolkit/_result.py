"""The result protocol every analysis result follows: a document, JSON, and a readable repr.

A result class subclasses :class:`Result` and implements two hooks:

* :meth:`Result.to_dict` — the documented, JSON-compatible document;
* :meth:`Result._summary` — a :class:`Summary` (title, one-line head, key/value
  rows, tables, a paragraph) from which both ``__repr__`` and ``_repr_html_``
  are rendered, every value HTML-escaped.

:meth:`Result.to_json` applies the one JSON policy (:func:`json_ready`: NaN and
infinity become null, numpy scalars and arrays become builtins, dates become
ISO text) and writes through :func:`rai_toolkit._io.dump_json`, atomically when
a path is given.
"""

from __future__ import annotations

import datetime as _dt
import html
import math
import os
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from rai_toolkit._docstrings import shared_text
from rai_toolkit._io import documented_json, dump_json

__all__ = ["Result", "Summary", "Tip", "documented_to_dict", "html_table", "json_ready"]

#: The head of the Returns section of a result's ``to_dict`` docstring, its schema following
#: (indented under it, as ``Stable schema::`` would be).
documented_to_dict = shared_text(
    {
        "to_dict_returns": (
            "Returns\n-------\ndict\n"
            "    Built from dict, list, str, int, float, bool and None (NaN and infinity\n"
            "    as None): the document :meth:`to_json` writes, in this stable schema::"
        )
    }
)


def json_ready(value: Any) -> Any:
    """Apply the JSON policy of every result document.

    NaN and infinity become ``None``; numpy scalars and arrays become Python
    builtins; tuples become lists; dates and timestamps become ISO text; pandas'
    missing markers become ``None``. Mapping keys that are numpy scalars become
    their Python value. Anything else is returned unchanged, so that an object
    JSON cannot represent still fails loudly in :func:`json.dumps`.

    Parameters
    ----------
    value : object
        A document, or any part of one.

    Returns
    -------
    object
        The same document built from builtins.
    """
    if isinstance(value, Mapping):
        return {_key(k): json_ready(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [json_ready(v) for v in value]
    if isinstance(value, bool | str | int) or value is None:
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, _dt.datetime | _dt.date):
        return value.isoformat()
    module = type(value).__module__.split(".")[0]
    if module == "numpy":
        import numpy as np

        if isinstance(value, np.ndarray):
            return json_ready(value.tolist())
        if isinstance(value, np.generic):
            return json_ready(value.item())
    if module == "pandas":
        import pandas as pd

        if value is pd.NA or value is pd.NaT:
            return None
        if isinstance(value, pd.Timestamp):
            return value.isoformat()
    return value


def _key(key: Any) -> Any:
    return key.item() if type(key).__module__ == "numpy" and hasattr(key, "item") else key


class Tip(str):
    """A table cell shown with a tooltip (``<span title=...>``) in HTML."""

    tip: str

    def __new__(cls, text: str, tip: str) -> Tip:  # noqa: D102
        self = super().__new__(cls, text)
        self.tip = tip
        return self


def _cell(value: Any) -> str:
    if isinstance(value, Tip):
        return (
            f"<span title='{html.escape(value.tip, quote=True)}'>{html.escape(str(value))}</span>"
        )
    return html.escape(_text(value))


def _text(value: Any) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, bool) or value is None:
        return "" if value is None else str(value)
    try:
        number = float(value)
    except (TypeError, ValueError):
        return str(value)
    if isinstance(value, int) or (hasattr(value, "dtype") and value.dtype.kind in "iu"):
        return str(value)
    return "" if math.isnan(number) else f"{number:.4g}"


def html_table(columns: Sequence[Any], rows: Sequence[Sequence[Any]]) -> str:
    """Render a small HTML table; every cell is escaped (:class:`Tip` cells get a tooltip).

    Parameters
    ----------
    columns : sequence
        Header labels.
    rows : sequence of sequences
        Cells; floats are shown with 4 significant digits, NaN and None as blank.

    Returns
    -------
    str
        ``<table>...</table>``.
    """
    head = "".join(f"<th>{html.escape(str(c))}</th>" for c in columns)
    body = "".join("<tr>" + "".join(f"<td>{_cell(v)}</td>" for v in row) + "</tr>" for row in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _frame_table(frame: Any) -> str:
    """Render a DataFrame with :func:`html_table`; an index other than 0..n-1 goes first."""
    import pandas as pd

    if isinstance(frame.index, pd.RangeIndex) and frame.index.name is None:
        return html_table(list(frame.columns), frame.itertuples(index=False, name=None))
    names = [("" if n is None else n) for n in frame.index.names]
    rows = (
        (*(key if isinstance(key, tuple) else (key,)), *values)
        for key, *values in frame.itertuples(index=True, name=None)
    )
    return html_table([*names, *frame.columns], rows)


@dataclass(frozen=True)
class Summary:
    """What a result shows of itself, in a notebook and in a terminal.

    Attributes
    ----------
    title : str
        Heading of the HTML view (e.g. ``"Fairness report"``).
    head : str
        One line after the class name in ``repr`` (``<ClassName head>``).
    rows : sequence of (label, value)
        Key facts; shown as a two-column table in HTML.
    tables : sequence of (caption, table)
        Each table is a pandas DataFrame or ``(columns, rows)``; shown in HTML.
    text : str
        A paragraph (e.g. the plain-language interpretation), shown in HTML.
    lines : sequence of str
        Further lines of ``repr`` (indented under the head).
    notes : sequence of str
        Paragraphs shown after the tables in HTML (warnings, caveats).
    """

    title: str
    head: str
    rows: Sequence[tuple[str, Any]] = ()
    tables: Sequence[tuple[str, Any]] = ()
    text: str = ""
    lines: Sequence[str] = field(default_factory=tuple)
    notes: Sequence[str] = field(default_factory=tuple)


class Result:
    """Base of every result object: ``to_dict``, ``to_json``, ``__repr__``, ``_repr_html_``.

    Subclasses implement :meth:`to_dict` and :meth:`_summary`.
    """

    def to_dict(self, **options: Any) -> dict[str, Any]:
        """Return the result as a JSON-compatible document (documented per class).

        Parameters
        ----------
        **options
            Options of the subclass's document, if any.

        Returns
        -------
        dict
            The document.
        """
        raise NotImplementedError(f"{type(self).__name__} must implement to_dict()")

    @documented_json
    def to_json(
        self, path: str | os.PathLike | None = None, *, indent: int | None = 2, **options: Any
    ) -> str:
        """Serialise :meth:`to_dict` as JSON, optionally to a ``.json`` file.

        NaN and infinity are written as ``null``; numpy values as numbers. With
        ``path``, the path is checked first and the file is written to a
        temporary name and renamed, so no half-written file is left behind.

        Parameters
        ----------
        {json_path}
        {json_indent}
        **options
            Passed to :meth:`to_dict` (for the classes whose ``to_dict`` takes options).

        {json_returns}
        """
        return dump_json(json_ready(self.to_dict(**options)), path, indent=indent)

    def _write_view(
        self,
        path: str | os.PathLike | None,
        render: Callable[[dict[str, Any]], str],
        *,
        suffixes: Sequence[str],
        argument: str = "path",
    ) -> str:
        """Render a view of :meth:`to_dict`; with ``path``, check it first and write atomically."""
        from rai_toolkit._io import check_output_path, write_text_atomic

        if path is not None:
            check_output_path(path, suffixes=suffixes, argument=argument)
        text = render(self.to_dict())
        if path is not None:
            write_text_atomic(path, text, suffixes=suffixes, argument=argument)
        return text

    def _summary(self) -> Summary:
        raise NotImplementedError(f"{type(self).__name__} must implement _summary()")

    def __repr__(self) -> str:
        s = self._summary()
        return "\n".join([f"<{type(self).__name__} {s.head}>", *(f"  {line}" for line in s.lines)])

    def _repr_html_(self) -> str:
        s = self._summary()
        parts = [f"<div class='rai-result'><h4>{html.escape(s.title)}</h4>"]
        if s.text:
            parts.append(f"<p>{html.escape(s.text)}</p>")
        if s.rows:
            parts.append(html_table(["", ""], [(label, value) for label, value in s.rows]))
        for caption, table in s.tables:
            if caption:
                parts.append(f"<p><strong>{html.escape(caption)}</strong></p>")
            if isinstance(table, tuple):
                parts.append(html_table(*table))
            else:
                parts.append(_frame_table(table))
        parts.extend(f"<p>{html.escape(note)}</p>" for note in s.notes)
        parts.append("</div>")
        return "".join(parts)
