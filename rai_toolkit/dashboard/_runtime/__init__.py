"""The dashboard's isolated runtime: find Python 3.11, build the locked environment with uv.

Files shipped here: ``requirements.in`` (what the runtime needs), ``constraints.txt``
(the 2024 versions it stays on) and ``requirements.lock`` (hashed, made by uv from both).
Build it ahead of first use with ``python -m rai_toolkit.dashboard._runtime``.
"""

from __future__ import annotations

# the package's names are exactly those of its one module, listed once, there
from rai_toolkit.dashboard._runtime import _environment
from rai_toolkit.dashboard._runtime._environment import *  # noqa: F403

__all__ = list(_environment.__all__)
