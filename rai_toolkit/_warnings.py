"""What a caller sees of warnings is ours: library noise is dropped or passed on labelled.

Every public entry point is wrapped in :func:`rai_toolkit._api.public`. Inside
the call, every warning is collected; when it returns (or raises),
:func:`pass_on` passes them on as follows:

* rai_toolkit's own warnings (:class:`~rai_toolkit.exceptions.RaiToolkitWarning`)
  are re-emitted unchanged, pointing at the caller's line;
* deprecation notices (``DeprecationWarning``, ``PendingDeprecationWarning``,
  ``FutureWarning``) raised by a library or by rai_toolkit itself are dropped:
  they are addressed to developers (e.g. pandas 1.5 calling numpy's deprecated
  ``find_common_type``), and the supported stacks are tested;
* numpy's floating-point ``RuntimeWarning``s raised in rai_toolkit's own code
  (``invalid value encountered in divide``) are dropped: an undefined value
  is reported as NaN with its reason in the result;
* scikit-learn's notices that a model got a frame without (or with) column
  names are dropped: rai_toolkit calls models on frames by design, and the
  explainers call the final estimator of a pipeline on its transformed matrix;
* any other library warning (e.g. scikit-learn's ``InconsistentVersionWarning``)
  is passed on once as a :class:`~rai_toolkit.exceptions.LibraryWarning` that
  names the package and the original warning class;
* warnings raised by the caller's own code (their model) pass unchanged.

Nested calls (``assess`` calling ``analyze_fairness``) are routed once each;
an already-routed warning is a rai_toolkit warning and passes unchanged.
"""

from __future__ import annotations

import os
import re
import sysconfig
import warnings

from rai_toolkit.exceptions import LibraryWarning, RaiToolkitWarning

__all__ = ["pass_on"]

_DEPRECATIONS = (DeprecationWarning, PendingDeprecationWarning, FutureWarning)
#: Library notices about how rai_toolkit itself calls models (see the module docstring).
_OWN_CALL_NOTICES = re.compile(r"X (does not have valid|has) feature names, but \w+ was fitted")
_PACKAGE_DIR = os.path.dirname(os.path.abspath(__file__)) + os.sep
_LIBRARY_DIRS = tuple(
    {
        os.path.abspath(p) + os.sep
        for key in ("stdlib", "platstdlib", "purelib", "platlib")
        if (p := sysconfig.get_paths().get(key))
    }
)
_SITE_MARKERS = (f"{os.sep}site-packages{os.sep}", f"{os.sep}dist-packages{os.sep}")


def _origin(filename: str) -> str:
    """Return ``"rai_toolkit"``, ``"library"`` or ``"caller"`` for a warning's file."""
    path = os.path.abspath(filename) if filename else ""
    if path.startswith(_PACKAGE_DIR):
        return "rai_toolkit"
    if any(m in path for m in _SITE_MARKERS) or path.startswith(_LIBRARY_DIRS):
        return "library"
    if not path or path.startswith("<"):  # e.g. "<frozen importlib._bootstrap>"
        return "library"
    return "caller"


def _package(record: warnings.WarningMessage) -> str:
    module = getattr(record.category, "__module__", "builtins")
    if module != "builtins":
        return module.split(".")[0]
    path = os.path.abspath(record.filename or "")
    for marker in _SITE_MARKERS:
        if marker in path:
            return path.split(marker, 1)[1].split(os.sep, 1)[0].removesuffix(".py")
    return "python"


def pass_on(records: list[warnings.WarningMessage], *, stacklevel: int = 2) -> None:
    """Re-emit collected warnings by the rules of this module.

    Parameters
    ----------
    records : list of warnings.WarningMessage
        Warnings collected with ``warnings.catch_warnings(record=True)``.
    stacklevel : int, default=2
        ``stacklevel`` of the re-emitted warnings, relative to the caller of
        this function.
    """
    seen: set[tuple[type, str]] = set()
    level = stacklevel + 1
    for record in records:
        category = record.category
        if issubclass(category, RaiToolkitWarning):
            warnings.warn(record.message, category, stacklevel=level)
            continue
        origin = _origin(record.filename)
        if origin == "caller":
            warnings.warn(record.message, category, stacklevel=level)
            continue
        if issubclass(category, _DEPRECATIONS):
            continue
        if origin == "rai_toolkit" and issubclass(category, RuntimeWarning):
            continue
        if _OWN_CALL_NOTICES.match(str(record.message)):
            continue
        key = (category, str(record.message))
        if key in seen:
            continue
        seen.add(key)
        package = _package(record)
        routed = LibraryWarning(f"{package} ({category.__name__}): {record.message}")
        routed.source = package
        routed.original_category = category.__name__
        warnings.warn(routed, stacklevel=level)
