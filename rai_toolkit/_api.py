"""The decorator every public function wears: one clear error for a wrong call, our warnings only.

:func:`public` wraps a public entry point so that

* a call that does not fit its signature (an unknown keyword, an option
  passed positionally, a missing required argument) raises one
  :class:`~rai_toolkit.exceptions.ArgumentError` that names the argument and
  lists the accepted ones, instead of Python's bare ``TypeError``;
* the warnings it lets through follow :mod:`rai_toolkit._warnings`: ours
  unchanged, library deprecation noise dropped, other library warnings passed
  on as :class:`~rai_toolkit.exceptions.LibraryWarning`.

The wrapped function keeps its name, docstring and signature.
"""

from __future__ import annotations

import difflib
import functools
import inspect
from collections.abc import Callable
from typing import Any, TypeVar

from rai_toolkit._warnings import collecting, pass_on
from rai_toolkit.exceptions import ArgumentError

__all__ = ["public"]

F = TypeVar("F", bound=Callable[..., Any])


def _call_error(
    function: Callable, signature: inspect.Signature, err: TypeError, n_positional: int
) -> ArgumentError:
    """Turn the ``TypeError`` of ``Signature.bind`` into one ArgumentError naming the argument."""
    name = function.__name__
    params = signature.parameters
    keyword = [p for p, v in params.items() if v.kind is inspect.Parameter.KEYWORD_ONLY]
    positional = [
        p
        for p, v in params.items()
        if v.kind in (inspect.Parameter.POSITIONAL_ONLY, inspect.Parameter.POSITIONAL_OR_KEYWORD)
    ]
    text = str(err)
    quoted = text.split("'")[1] if text.count("'") >= 2 else None
    if "unexpected keyword argument" in text:
        close = difflib.get_close_matches(quoted or "", list(params), n=1)
        hint = f" Did you mean {close[0]!r}?" if close else ""
        return ArgumentError(
            f"{name}() got an unexpected keyword argument {quoted!r}.{hint} Its arguments are: "
            f"{', '.join(params)}.",
            argument=quoted,
        )
    if "too many positional arguments" in text:
        example = keyword[0] if keyword else "option"
        return ArgumentError(
            f"{name}() takes {len(positional)} argument(s) by position "
            f"({', '.join(positional) or 'none'}) and every other one by keyword; it received "
            f"{n_positional}. Pass options by name, e.g. {name}(..., {example}=...).",
            argument=keyword[0] if keyword else None,
        )
    if "missing a required" in text:
        return ArgumentError(
            f"{name}() is missing the required argument {quoted!r}; pass {quoted}=...",
            argument=quoted,
        )
    return ArgumentError(f"{name}() cannot be called this way: {text}.", argument=quoted)


def public(function: F) -> F:
    """Wrap a public entry point (see the module docstring); it keeps its name and signature."""
    signature = inspect.signature(function)
    open_keywords = any(
        p.kind is inspect.Parameter.VAR_KEYWORD for p in signature.parameters.values()
    )

    @functools.wraps(function)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        unknown = [] if open_keywords else [k for k in kwargs if k not in signature.parameters]
        try:
            if unknown:  # report a misspelt keyword before the argument it leaves missing
                raise TypeError(f"got an unexpected keyword argument '{unknown[0]}'")
            signature.bind(*args, **kwargs)
        except TypeError as err:
            raise _call_error(function, signature, err, len(args)) from None
        caught = []
        try:
            with collecting() as caught:
                return function(*args, **kwargs)
        finally:
            pass_on(caught, stacklevel=2)

    return wrapper  # type: ignore[return-value]
