"""What the command line prints besides results: exit codes, error, warning and progress lines.

Every command prints through these functions, so the whole program speaks
with one voice on stderr:

* ``error: <message>`` - one line, then exit status 2 (or 3 for an internal error);
* ``warning: <message>`` - one line per distinct warning, as it happens;
* ``[  12.3s] <step> ...`` - one progress line per step of a long run.

Results (summaries, tables, URLs) go to stdout.
"""

from __future__ import annotations

import sys
import time
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, TextIO

__all__ = [
    "EXIT_CRITERION_FAILED",
    "EXIT_ERROR",
    "EXIT_INTERNAL",
    "EXIT_INTERRUPTED",
    "EXIT_OK",
    "EXIT_PIPE_CLOSED",
    "Progress",
    "one_line",
    "print_error",
    "print_warning",
    "warnings_as_lines",
]

#: The command did what was asked.
EXIT_OK = 0
#: ``analyze --fail-on``: a named fairness criterion failed (the outputs were written).
EXIT_CRITERION_FAILED = 1
#: A usage error, or an input rai_toolkit refused with a clear message; nothing was written.
EXIT_ERROR = 2
#: An unexpected internal error (a bug to report); nothing was written.
EXIT_INTERNAL = 3
#: Interrupted with Ctrl-C (128 + SIGINT, as a shell reports it).
EXIT_INTERRUPTED = 130
#: The reader of stdout went away, e.g. ``| head`` (128 + SIGPIPE, as a shell reports it).
EXIT_PIPE_CLOSED = 141

#: Warning categories addressed to developers (of rai_toolkit or the libraries it calls), not
#: to the person running a command; Python hides the last two by default.
_DEVELOPER_WARNINGS = (
    DeprecationWarning,
    PendingDeprecationWarning,
    FutureWarning,
    ImportWarning,
    ResourceWarning,
)


def one_line(text: Any) -> str:
    """Collapse every run of whitespace (newlines included) in ``str(text)`` to one space.

    Parameters
    ----------
    text : object
        A message.

    Returns
    -------
    str
        The message on one line.
    """
    return " ".join(str(text).split())


def print_error(message: Any, *, stream: TextIO | None = None) -> None:
    """Print ``error: <message>`` as one line on stderr.

    Parameters
    ----------
    message : object
        What went wrong and how to fix it.
    stream : file-like, optional
        Where to print; default ``sys.stderr`` (looked up at call time).
    """
    print(f"error: {one_line(message)}", file=stream or sys.stderr, flush=True)


def print_warning(message: Any, *, stream: TextIO | None = None) -> None:
    """Print ``warning: <message>`` as one line on stderr.

    Parameters
    ----------
    message : object
        The warning.
    stream : file-like, optional
        Where to print; default ``sys.stderr`` (looked up at call time).
    """
    print(f"warning: {one_line(message)}", file=stream or sys.stderr, flush=True)


class Progress:
    """Print one ``[elapsed] step ...`` line on stderr per step; pass it as ``progress=``.

    Examples
    --------
    >>> progress = Progress()
    >>> progress("fairness")  # doctest: +SKIP
    [   0.0s] fairness ...
    """

    def __init__(self) -> None:
        self._start = time.perf_counter()

    def __call__(self, step: str) -> None:
        """Print the line for ``step``."""
        elapsed = time.perf_counter() - self._start
        print(f"[{elapsed:6.1f}s] {one_line(step)} ...", file=sys.stderr, flush=True)


@contextmanager
def warnings_as_lines() -> Iterator[None]:
    """Print each distinct warning raised inside the block as one ``warning:`` line, at once.

    Deprecation, future, import and resource warnings are dropped: they are
    addressed to developers, not to the person running the command. Code
    inside that records its own warnings (``catch_warnings``) keeps them.

    Yields
    ------
    None
    """
    seen: set[str] = set()

    def show(message: Warning | str, category: type[Warning], *args: Any, **kwargs: Any) -> None:
        if issubclass(category, _DEVELOPER_WARNINGS):
            return
        text = one_line(message)
        if text not in seen:
            seen.add(text)
            print_warning(text)

    with warnings.catch_warnings():
        warnings.simplefilter("always")
        warnings.showwarning = show
        yield
