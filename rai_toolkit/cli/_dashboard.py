"""``rai-toolkit dashboard PATH``: the dashboard room's command, spoken in this CLI's voice.

The parser and the handler are the dashboard room's
(:func:`rai_toolkit.dashboard._cli.add_dashboard_arguments` and
:func:`~rai_toolkit.dashboard._cli.run_dashboard`); this module registers them
and routes their output through :mod:`rai_toolkit.cli._console`: Python
warnings become ``warning:`` lines, errors become the one ``error:`` line of
:func:`rai_toolkit.cli.main`, and the ``WARNING:`` lines the handler prints
itself are restyled as ``warning:`` lines. That restyling goes away when the
command's module moves into this package and prints through the console
directly.
"""

from __future__ import annotations

import argparse
import contextlib
import sys
from typing import Any, TextIO

from rai_toolkit.cli._console import print_warning
from rai_toolkit.dashboard._cli import DESCRIPTION, add_dashboard_arguments

__all__ = ["DESCRIPTION", "FLAGS", "add_arguments", "run"]

#: Parameters of ``launch_dashboard`` -> the flag of this command that sets them.
FLAGS = {"insights": "PATH", "path": "PATH", "host": "--host", "port": "--port",
         "allow_remote": "--allow-remote"}  # fmt: skip

#: Prefix of the warning lines ``run_dashboard`` prints itself.
_HANDLER_WARNING_PREFIX = "WARNING: "


class _WarningLines:
    """A stderr stand-in that reprints the handler's ``WARNING: ...`` lines as ``warning:``.

    ``print`` writes its text and its line end in separate calls, so a write
    that starts with the prefix is one whole warning, however many lines its
    message spans; the line end that follows it is dropped, since
    :func:`print_warning` ends its own line. Anything else passes through, and
    other attributes (``encoding``, ``isatty``, ...) are the real stream's.
    """

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream
        self._drop_line_end = False

    def write(self, text: str) -> int:
        if self._drop_line_end and text == "\n":
            self._drop_line_end = False
            return len(text)
        self._drop_line_end = False
        if text.startswith(_HANDLER_WARNING_PREFIX):
            print_warning(text[len(_HANDLER_WARNING_PREFIX) :], stream=self._stream)
            self._drop_line_end = True
        else:
            self._stream.write(text)
        return len(text)

    def flush(self) -> None:
        self._stream.flush()

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Add the dashboard room's arguments (protocol: :mod:`rai_toolkit.cli._main`)."""
    add_dashboard_arguments(parser)


def run(args: argparse.Namespace) -> int:
    """Serve the saved dashboard until Ctrl-C (the protocol is in :mod:`rai_toolkit.cli._main`)."""
    from rai_toolkit.dashboard._cli import run_dashboard

    with contextlib.redirect_stderr(_WarningLines(sys.stderr)):
        return int(run_dashboard(args))
