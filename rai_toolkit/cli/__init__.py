"""The ``rai-toolkit`` command line (also ``python -m rai_toolkit``).

Commands: ``datasets``, ``analyze``, ``demo``, ``dashboard``; each lives in
its own module of this package and is imported only when run, so that
``rai-toolkit --version`` and ``--help`` load neither pandas nor scipy.

Exit status: 0 success; 1 ``analyze --fail-on``: a named criterion failed; 2 a
usage error or an input refused with one clear ``error:`` line (nothing
written); 3 an internal error (a bug: one line saying how to report it;
``--debug`` or ``RAI_TOOLKIT_DEBUG=1`` prints the traceback); 130 interrupted;
141 stdout closed early.
"""

from __future__ import annotations

from rai_toolkit.cli._main import main

__all__ = ["main"]
