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

Collecting is per thread (per context): ``warnings.catch_warnings`` swaps the
process-wide filters and display hook, so two calls in two threads would
restore each other's state, leak library noise and lose warnings. Instead,
:func:`collecting` is backed by one filter installed once at the front of
``warnings.filters`` that matches only while the current context collects, and
one display hook that hands a warning to that context's list; outside a
collecting context both step aside and the caller's filters apply unchanged.
"""

from __future__ import annotations

import contextlib
import os
import re
import sysconfig
import threading
import warnings
from collections.abc import Callable, Iterable, Iterator
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from rai_toolkit.exceptions import LibraryWarning, RaiToolkitWarning

__all__ = ["collecting", "ignoring", "pass_on", "reemit"]

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


@dataclass(frozen=True)
class _Collecting:
    """A collecting context: its list, and Python's display hooks as they were when it began."""

    records: list[warnings.WarningMessage]
    impl: Any
    showwarning: Any

    def takes(self) -> bool:
        """Whether a warning shown now is ours to collect.

        Not when code inside has since entered ``catch_warnings(record=True)``
        or replaced ``showwarning``: that code asked for the warnings itself.
        """
        return warnings._showwarnmsg_impl is self.impl and warnings.showwarning is self.showwarning


_collector: ContextVar[_Collecting | None] = ContextVar("rai_toolkit_collector", default=None)
_install_lock = threading.Lock()
#: The display hook found when ours was put in place; ours passes other warnings to it.
_next_show: Callable[[warnings.WarningMessage], None] | None = None


class _WhileCollecting:
    """Message pattern of our filter: it matches any text, but only in a collecting context."""

    #: What code copying the filters as text (scikit-learn's ``delayed``) rebuilds: a
    #: pattern that never matches, so that a copy steps aside like the original outside.
    pattern = "(?!)"

    def match(self, text: str) -> bool:
        # step aside too when someone has since replaced our display hook (theirs
        # would show what "always" let through, whatever the caller's filters say)
        return _collector.get() is not None and warnings._showwarnmsg is _show

    def __repr__(self) -> str:
        return "<rai_toolkit: only inside a rai_toolkit call>"


#: ``("always", ...)``: inside a call every warning reaches :func:`_show`, once per raise.
_FILTER = ("always", _WhileCollecting(), Warning, None, 0)


def _show(message: warnings.WarningMessage) -> None:
    """Display hook: the collecting context's list takes the warning, else Python shows it."""
    state = _collector.get()
    if state is not None and state.takes():
        state.records.append(message)
    elif _next_show is not None:
        _next_show(message)


def _forget_seen() -> None:
    """Clear the record of warnings already shown once per line (as ``catch_warnings`` does)."""
    mutated = getattr(warnings, "_filters_mutated", None)
    if mutated is not None:
        mutated()


def _install() -> None:
    """Put the display hook in place once, and our filter first (the caller may add some)."""
    global _next_show
    if _next_show is not None and warnings.filters and warnings.filters[0] is _FILTER:
        return
    with _install_lock:
        if _next_show is None:
            _next_show = warnings._showwarnmsg
            warnings._showwarnmsg = _show
        filters = warnings.filters
        while _FILTER in filters:
            filters.remove(_FILTER)
        filters.insert(0, _FILTER)
        _forget_seen()


@contextlib.contextmanager
def collecting() -> Iterator[list[warnings.WarningMessage]]:
    """Collect every warning raised in this thread (context) while the block runs.

    The thread-safe counterpart of ``warnings.catch_warnings(record=True)``
    with ``simplefilter("always")``: other threads' warnings and filters are
    untouched.

    Yields
    ------
    list of warnings.WarningMessage
        Filled as the block runs.
    """
    if _collector.get() is None:
        _forget_seen()  # so that a call reports its warnings every time
    _install()
    records: list[warnings.WarningMessage] = []
    token = _collector.set(_Collecting(records, warnings._showwarnmsg_impl, warnings.showwarning))
    try:
        yield records
    finally:
        _collector.reset(token)


def reemit(records: Iterable[warnings.WarningMessage]) -> None:
    """Raise collected warnings again from where they were first raised.

    Keeping the file and line keeps the origin that :func:`pass_on` routes by
    (a caller's model warning stays the caller's).

    Parameters
    ----------
    records : iterable of warnings.WarningMessage
        Warnings collected by :func:`collecting`.
    """
    for record in records:
        warnings.warn_explicit(
            record.message, record.category, record.filename, record.lineno, source=record.source
        )


@contextlib.contextmanager
def ignoring(category: type[Warning] = Warning, *, message: str = "") -> Iterator[None]:
    """Drop the warnings of ``category`` raised in this thread while the block runs.

    The thread-safe counterpart of ``warnings.catch_warnings()`` with
    ``filterwarnings("ignore", message, category)``: ``message`` is a regular
    expression matched, case-insensitively, at the start of the text. The other
    warnings are raised again, from where they were raised, when the block ends.

    Parameters
    ----------
    category : type, default=Warning
        Warning class (and subclasses) to drop.
    message : str, optional
        Pattern of the texts to drop; every text by default.

    Yields
    ------
    None
    """
    pattern = re.compile(message, re.IGNORECASE)
    caught: list[warnings.WarningMessage] = []
    try:
        with collecting() as caught:
            yield
    finally:  # the others are raised again even when the block fails
        reemit(
            w
            for w in caught
            if not (issubclass(w.category, category) and pattern.match(str(w.message)))
        )


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
        Warnings collected by :func:`collecting`.
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
