"""The dashboard's isolated runtime: find Python 3.11, build the locked environment with uv.

Files shipped here: ``requirements.in`` (what the runtime needs), ``constraints.txt``
(the 2024 versions it stays on) and ``requirements.lock`` (hashed, made by uv from both).
Build it ahead of first use with ``python -m rai_toolkit.dashboard._runtime``.
"""

from __future__ import annotations

from rai_toolkit.dashboard._runtime._environment import (
    CACHE_ENV,
    PYTHON_ENV,
    RUNTIME_PYTHON_VERSION,
    build_runtime,
    cache_root,
    compile_lock,
    find_python,
    lock_hash,
    lock_path,
    runtime_dir,
    runtime_python,
)

__all__ = [
    "CACHE_ENV",
    "PYTHON_ENV",
    "RUNTIME_PYTHON_VERSION",
    "build_runtime",
    "cache_root",
    "compile_lock",
    "find_python",
    "lock_hash",
    "lock_path",
    "runtime_dir",
    "runtime_python",
]
