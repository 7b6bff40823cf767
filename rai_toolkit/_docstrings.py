"""Docstring text that several public functions share, written once.

A docstring names a shared entry on a line of its own, as ``{key}``; the
decorator that :func:`shared_text` returns replaces that line by the entry's
text at the line's indent, so ``help()`` and Sphinx show the full numpydoc.
"""

from __future__ import annotations

import re
import textwrap
from collections.abc import Callable, Mapping
from typing import TypeVar

__all__ = ["shared_text"]

_Documented = TypeVar("_Documented")


def shared_text(entries: Mapping[str, str]) -> Callable[[_Documented], _Documented]:
    """Return a decorator filling the ``{key}`` lines of a docstring from ``entries``.

    Parameters
    ----------
    entries : mapping of str to str
        Key -> the text it stands for (several lines allowed, not indented).

    Returns
    -------
    callable
        Decorator returning the function (or class) it is given, its
        ``__doc__`` filled in. A ``{key}`` not in ``entries``, or not alone on
        its line, is left as it is.
    """
    keys = "|".join(re.escape(key) for key in entries)
    line = re.compile(r"^([ \t]*)\{(" + keys + r")\}$", flags=re.MULTILINE)

    def fill(documented: _Documented) -> _Documented:
        doc = getattr(documented, "__doc__", None)
        if doc and entries:
            documented.__doc__ = line.sub(lambda m: textwrap.indent(entries[m[2]], m[1]), doc)
        return documented

    return fill
