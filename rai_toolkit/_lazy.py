"""Lazy re-exports: a package names its public API without importing it up front.

Used where importing eagerly would be slow (pandas, scikit-learn, SHAP) and a
caller may only need a small part, e.g. ``rai-toolkit --version``.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from typing import Any

__all__ = ["lazy_exports"]


def lazy_exports(
    package: str, exports: Mapping[str, str], namespace: dict[str, Any]
) -> tuple[Callable[[str], Any], Callable[[], list[str]]]:
    """Build a module ``__getattr__`` and ``__dir__`` that import names on first use.

    Parameters
    ----------
    package : str
        Name of the package (for error messages).
    exports : mapping
        ``{public name: module that defines it}``.
    namespace : dict
        The package's ``globals()``; a resolved name is cached there.

    Returns
    -------
    tuple
        ``(__getattr__, __dir__)`` to assign in the package.
    """

    def __getattr__(name: str) -> Any:
        module = exports.get(name)
        if module is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(module), name)
        namespace[name] = value
        return value

    def __dir__() -> list[str]:
        return sorted(set(namespace.get("__all__", ())) | set(exports))

    return __getattr__, __dir__
