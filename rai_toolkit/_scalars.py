"""Scalar arguments: one validator per concept, shared by every public function.

An argument means the same thing, takes the same types and is refused with
the same words in every room: an integer count is an ``int`` (never a bool or
a float), a seed is ``None``, a non-negative ``int`` or a numpy random
generator, ``progress`` is a bool or a callable. Each validator returns the
normalised value or raises one :class:`~rai_toolkit.exceptions.ArgumentError`
whose ``argument`` attribute names the parameter.

The validators share their arguments: ``value`` is what the caller passed;
``argument`` (keyword-only) is the parameter's name as the message shows it;
``hint``, where taken, is a sentence appended to the message (how to fix it);
``allow_none`` accepts None, returned as is.
"""

from __future__ import annotations

import difflib
import math
import numbers
import os
import sys
from collections.abc import Callable, Collection, Iterable, Mapping
from typing import Any

import numpy as np

from rai_toolkit.exceptions import ArgumentError

__all__ = [
    "MAX_SEED",
    "Progress",
    "SeedLike",
    "as_generator",
    "as_seed",
    "check_bool",
    "check_choice",
    "check_fraction",
    "check_int",
    "check_mapping",
    "check_memory",
    "check_names",
    "check_progress",
    "check_random_state",
    "check_real",
    "check_text",
    "describe",
    "is_hashable",
    "memory_limit",
]

#: What every ``random_state`` argument accepts (see :func:`check_random_state`).
SeedLike = int | np.random.Generator | np.random.RandomState | None
#: What every ``progress`` argument accepts (see :func:`check_progress`).
Progress = bool | Callable[[str], None] | None

#: Largest accepted integer seed (numpy's RandomState and scikit-learn take seeds < 2**32).
MAX_SEED = 2**32 - 1

#: Share of the machine's physical memory one call may plan to allocate.
MEMORY_SHARE = 0.5
#: Memory assumed when the machine's physical memory cannot be read.
FALLBACK_MEMORY = 8 * 2**30

_BAD_BOOL = "{argument} must be True or False; received {value}."
_NOT_EXPECTED = "{argument} must be {expected}; received {value}."
_BAD_REAL = "{argument} must be a finite real number{constraint}; received {value}."
_OUT_OF_RANGE = "{argument} must be {constraint}; received {value}."
_BAD_CHOICE = "{argument}={value} is not valid; choose one of {choices}.{close}"
_UNKNOWN_NAMES = "{argument} names {unknown}, which {verb} not among {what}: {allowed}.{close}"
_UNHASHABLE_NAME = (
    "{argument} holds {value}, which cannot be a name; names are hashable values such as a "
    "str or an int."
)
#: Most valid names an error message lists.
_MAX_LISTED = 30
_BAD_RANDOM_STATE = (
    "{argument} must be None, a non-negative integer below 2**32, a numpy.random.Generator or "
    "a numpy.random.RandomState; received {value}. Pass e.g. {argument}=0 for reproducible "
    "results."
)
_BAD_PROGRESS = (
    "{argument} must be True (print each step to stderr), False or None (silent), or a callable "
    "taking one str (called with the name of each step); received {value}."
)
_BAD_TEXT = "{argument} must be a str{or_none}; received {value}."
_BAD_MAPPING = "{argument} must be a dict{or_none}; received {value}."
_TOO_MUCH_MEMORY = (
    "{what} would need about {need} of memory, more than the {limit} one call may use "
    "({share:.0%} of this machine's memory). {fix}"
)


def describe(value: Any) -> str:
    """Render a received value for an error message: a scalar's short repr, else its type."""
    if value is None or isinstance(value, str | bytes | bool | numbers.Number | np.generic):
        text = repr(value.item() if isinstance(value, np.generic) else value)
        return text if len(text) <= 80 else text[:77] + "..."
    if isinstance(value, np.ndarray):
        return f"a numpy array of shape {value.shape}"
    if type(value).__module__.split(".")[0] == "pandas":
        return f"a pandas {type(value).__name__}"
    name = type(value).__name__
    return f"{'an' if name[0] in 'AEIOUaeiou' else 'a'} {name}"


def _suffix(hint: str) -> str:
    return f" {hint}" if hint else ""


def _refused(
    template: str, value: Any, *, argument: str, hint: str = "", **fields: Any
) -> ArgumentError:
    """Build the one error of every validator: ``template`` filled in, then the ``hint``."""
    message = template.format(argument=argument, value=describe(value), **fields)
    return ArgumentError(message + _suffix(hint), argument=argument)


def _or_none(allow_none: bool) -> str:
    return " or None" if allow_none else ""


def check_bool(value: Any, *, argument: str) -> bool:
    """Return ``value`` as a bool: only ``True``/``False`` (numpy's too), never ``"no"``."""
    if isinstance(value, bool | np.bool_):
        return bool(value)
    raise _refused(_BAD_BOOL, value, argument=argument)


def _int_expected(low: int | None, high: int | None, allow_none: bool) -> str:
    """Say in words which integers ``check_int`` accepts."""
    bounds = _interval(low, high, number="d")
    return f"an integer {bounds}".rstrip() + _or_none(allow_none)


def check_int(
    value: Any,
    *,
    argument: str,
    low: int | None = None,
    high: int | None = None,
    allow_none: bool = False,
    expected: str = "",
    hint: str = "",
) -> int | None:
    """Return ``value`` as an int within the inclusive bounds ``[low, high]``.

    Bools are refused (``True`` is not a count), and so are floats, even
    whole ones: ``n_boot=1e3`` is a typo for ``1000`` more often than not.
    ``expected`` says in words what the bounds alone do not (e.g.
    ``"0 (no intervals) or an integer >= 100"``).
    """
    if value is None and allow_none:
        return None
    ok = isinstance(value, numbers.Integral) and not isinstance(value, bool | np.bool_)
    if ok and (low is None or value >= low) and (high is None or value <= high):
        return int(value)
    expected = expected or _int_expected(low, high, allow_none)
    raise _refused(_NOT_EXPECTED, value, argument=argument, hint=hint, expected=expected)


def _interval(
    low: float | None,
    high: float | None,
    low_open: bool = False,
    high_open: bool = False,
    *,
    number: str = "g",
) -> str:
    """Say in words the range ``low``/``high`` (open ends excluded); ``number`` formats a bound."""
    if low is not None and high is not None:
        return (
            f"in {'(' if low_open else '['}{low:{number}}, {high:{number}}"
            f"{')' if high_open else ']'}"
        )
    if low is not None:
        return f"{'>' if low_open else '>='} {low:{number}}"
    if high is not None:
        return f"{'<' if high_open else '<='} {high:{number}}"
    return ""


def check_real(
    value: Any,
    *,
    argument: str,
    low: float | None = None,
    high: float | None = None,
    low_open: bool = False,
    high_open: bool = False,
    allow_none: bool = False,
    expected: str = "",
    hint: str = "",
) -> float | None:
    """Return ``value`` as a finite float within ``low``/``high`` (bools refused).

    ``low_open``/``high_open`` exclude the bound itself; ``expected`` replaces
    the generic wording of the message.
    """
    if value is None and allow_none:
        return None
    constraint = _interval(low, high, low_open, high_open)
    finite = (
        isinstance(value, numbers.Real)
        and not isinstance(value, bool | np.bool_)
        and math.isfinite(float(value))
    )
    if expected:
        template, fields = _NOT_EXPECTED, {"expected": expected}
    elif finite:
        template, fields = _OUT_OF_RANGE, {"constraint": constraint}
    else:
        template, fields = _BAD_REAL, {"constraint": _suffix(constraint)}
    if finite:
        number = float(value)
        below = low is not None and (number <= low if low_open else number < low)
        above = high is not None and (number >= high if high_open else number > high)
        if not (below or above):
            return number
    raise _refused(template, value, argument=argument, hint=hint, **fields)


def check_fraction(
    value: Any, *, argument: str, inclusive: bool = False, expected: str = "", hint: str = ""
) -> float:
    """Return a probability / share: a float in (0, 1), or in [0, 1] when ``inclusive``."""
    return check_real(
        value,
        argument=argument,
        low=0.0,
        high=1.0,
        low_open=not inclusive,
        high_open=not inclusive,
        expected=expected,
        hint=hint,
    )


def _same_kind(value: Any, option: Any) -> bool:
    """Whether ``value`` may equal ``option`` without a surprise (``True == 1``, ``1 == 1.0``)."""
    if isinstance(option, str):
        return isinstance(value, str)
    if isinstance(option, bool | np.bool_) or isinstance(value, bool | np.bool_):
        return isinstance(option, bool | np.bool_) and isinstance(value, bool | np.bool_)
    return True


def is_hashable(value: Any) -> bool:
    """Return whether ``value`` can be a mapping key (a label, a name, a tuple of them)."""
    try:
        hash(value)
    except TypeError:
        return False
    return True


_NO_MATCH = object()


def _match(value: Any, options: Collection[Any]) -> Any:
    """Return the element of ``options`` equal to ``value`` and of its kind, else ``_NO_MATCH``."""
    for option in options:
        if _same_kind(value, option):
            try:
                if bool(value == option):
                    return option
            except (TypeError, ValueError):  # e.g. an array compared element-wise, pandas.NA
                return _NO_MATCH
    return _NO_MATCH


def _closest(value: Any, options: Collection[Any]) -> Any:
    """Return the string option closest to a misspelt string ``value``, else ``_NO_MATCH``."""
    if not isinstance(value, str):
        return _NO_MATCH
    close = difflib.get_close_matches(value, [o for o in options if isinstance(o, str)], n=1)
    return close[0] if close else _NO_MATCH


def _listed(options: Collection[Any]) -> str:
    """Return the reprs of ``options``, comma-separated, at most :data:`_MAX_LISTED` of them."""
    shown = [repr(o) for o in list(options)[:_MAX_LISTED]]
    more = len(options) - len(shown)
    return ", ".join(shown) + (f", ... ({more} more)" if more > 0 else "")


def check_choice(value: Any, *, argument: str, choices: Collection[Any], hint: str = "") -> Any:
    """Return the element of ``choices`` equal to ``value`` (e.g. a str for a ``numpy.str_``).

    Strings match strings only. The error lists the choices and, for a
    misspelt string, the closest one.
    """
    options = list(choices)
    found = _match(value, options)
    if found is not _NO_MATCH:
        return found
    close = _closest(value, options)
    raise _refused(
        _BAD_CHOICE,
        value,
        argument=argument,
        hint=hint,
        choices=_listed(options),
        close="" if close is _NO_MATCH else f" Did you mean {close!r}?",
    )


def check_names(
    values: Iterable[Any],
    *,
    argument: str,
    allowed: Collection[Any],
    what: str = "the valid names",
    hint: str = "",
) -> list[Any]:
    """Return the valid names ``values`` gives, refusing every unknown one in one error.

    The names a caller gave (a list, or the keys of a mapping; a str is one
    name) are matched as :func:`check_choice` matches one value: strings match
    strings only, a ``numpy.str_`` gives the str of ``allowed``.

    Parameters
    ----------
    values : iterable
        The names the caller gave.
    argument : str
        The parameter that gave them, as the message shows it.
    allowed : collection
        The valid names, listed in the message in this order.
    what : str, default="the valid names"
        What ``allowed`` is, completing "not among ...", e.g.
        ``"the dashboard components"``.
    hint : str, default=""
        How to fix it; by default, to correct the unknown names or leave them
        out.

    Returns
    -------
    list
        The element of ``allowed`` each name matches, in the order given.

    Raises
    ------
    ArgumentError
        Naming ``argument``, if a name is not hashable, or listing every unknown
        name, the closest valid name to each misspelt one and the valid names.
    """
    names = [values] if isinstance(values, str) else list(values)
    options = list(allowed)
    found, unknown = [], []
    for name in names:
        if not is_hashable(name):
            raise _refused(_UNHASHABLE_NAME, name, argument=argument, hint=hint)
        match = _match(name, options)
        if match is not _NO_MATCH:
            found.append(match)
        elif name not in unknown:
            unknown.append(name)
    if not unknown:
        return found
    one = len(unknown) == 1
    guesses = [(name, _closest(name, options)) for name in unknown]
    guesses = [(name, close) for name, close in guesses if close is not _NO_MATCH]
    if one and guesses:
        close = f" Did you mean {guesses[0][1]!r}?"
    elif guesses:
        close = " Did you mean " + ", ".join(f"{c!r} for {n!r}" for n, c in guesses) + "?"
    else:
        close = ""
    message = _UNKNOWN_NAMES.format(
        argument=argument,
        unknown=", ".join(repr(n) for n in unknown),
        verb="is" if one else "are",
        what=what,
        allowed=_listed(options),
        close=close,
    )
    fix = hint or (
        "Correct that name or leave it out." if one else "Correct those names or leave them out."
    )
    raise ArgumentError(f"{message} {fix}", argument=argument)


def check_random_state(value: Any, *, argument: str = "random_state") -> Any:
    """Return a seed: None, an int in ``[0, 2**32 - 1]``, a Generator or a RandomState.

    The same four kinds are accepted by every function, on every supported
    numpy (numpy < 2 cannot build a Generator from a RandomState itself);
    numpy integers become int; bools, negative ints and floats are refused.
    """
    if value is None or isinstance(value, np.random.Generator | np.random.RandomState):
        return value
    if (
        isinstance(value, numbers.Integral)
        and not isinstance(value, bool | np.bool_)
        and 0 <= value <= MAX_SEED
    ):
        return int(value)
    raise _refused(_BAD_RANDOM_STATE, value, argument=argument)


def as_generator(random_state: Any, *, argument: str = "random_state") -> np.random.Generator:
    """Return a numpy Generator for a seed accepted by :func:`check_random_state`.

    A Generator is used as is; a RandomState seeds a new Generator with one
    draw (so it advances, as scikit-learn's use of a RandomState does).
    """
    random_state = check_random_state(random_state, argument=argument)
    if isinstance(random_state, np.random.Generator):
        return random_state
    if isinstance(random_state, np.random.RandomState):
        return np.random.default_rng(int(random_state.randint(0, MAX_SEED, dtype=np.int64)))
    return np.random.default_rng(random_state)


def as_seed(random_state: Any, *, argument: str = "random_state") -> int | None:
    """Return an int seed for libraries that take only ints: a generator gives one draw.

    None only when ``random_state`` is None.
    """
    random_state = check_random_state(random_state, argument=argument)
    if isinstance(random_state, np.random.Generator):
        return int(random_state.integers(0, MAX_SEED, dtype=np.int64))
    if isinstance(random_state, np.random.RandomState):
        return int(random_state.randint(0, MAX_SEED, dtype=np.int64))
    return random_state


def _print_progress(message: str) -> None:
    print(f"[rai_toolkit] {message}", file=sys.stderr, flush=True)


def _no_progress(message: str) -> None:
    return None


def check_progress(value: Any, *, argument: str = "progress") -> Callable[[str], None]:
    """Return the function a ``progress`` argument means, to call with each step's name.

    One meaning everywhere: ``True`` prints ``[rai_toolkit] <step>`` lines to
    stderr, ``False`` or ``None`` is silent, and a callable is called with the
    name of each step as it starts.
    """
    if value is None or (isinstance(value, bool | np.bool_) and not value):
        return _no_progress
    if isinstance(value, bool | np.bool_):
        return _print_progress
    if callable(value) and not isinstance(value, type):
        return value
    raise _refused(_BAD_PROGRESS, value, argument=argument)


def check_text(value: Any, *, argument: str, allow_none: bool = True) -> str | None:
    """Return ``value`` if it is a str (or None when allowed)."""
    if isinstance(value, str) or (value is None and allow_none):
        return value
    raise _refused(_BAD_TEXT, value, argument=argument, or_none=_or_none(allow_none))


def check_mapping(
    value: Any, *, argument: str, allow_none: bool = True, hint: str = ""
) -> dict | None:
    """Return a shallow dict copy of a mapping (or None when allowed)."""
    if value is None and allow_none:
        return None
    if isinstance(value, Mapping):
        return dict(value)
    raise _refused(_BAD_MAPPING, value, argument=argument, hint=hint, or_none=_or_none(allow_none))


def memory_limit() -> int:
    """Return how many bytes one call may plan to allocate.

    :data:`MEMORY_SHARE` of the machine's physical memory, or of
    :data:`FALLBACK_MEMORY` where that cannot be read.

    Returns
    -------
    int
        Bytes.
    """
    try:
        total = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (AttributeError, ValueError, OSError):
        total = FALLBACK_MEMORY
    if total <= 0:
        total = FALLBACK_MEMORY
    return int(total * MEMORY_SHARE)


def _bytes(n: float) -> str:
    for unit in ("bytes", "KiB", "MiB", "GiB", "TiB", "PiB"):
        if n < 1024 or unit == "PiB":
            return f"{n:.0f} {unit}" if unit == "bytes" else f"{n:.1f} {unit}"
        n /= 1024
    raise AssertionError("unreachable")  # pragma: no cover


def check_memory(n_bytes: float, *, argument: str, what: str, fix: str) -> None:
    """Refuse, before allocating, work whose memory estimate exceeds :func:`memory_limit`.

    Parameters
    ----------
    n_bytes : float
        Estimated peak memory of the planned work.
    argument : str
        The parameter the caller should change.
    what : str
        The work, e.g. ``"n_repeats=1000000 perturbations of 600 rows x 7 columns"``.
    fix : str
        What to do instead.

    Raises
    ------
    ArgumentError
        If the estimate is over the limit.
    """
    limit = memory_limit()
    if n_bytes > limit:
        raise ArgumentError(
            _TOO_MUCH_MEMORY.format(
                what=what, need=_bytes(n_bytes), limit=_bytes(limit), share=MEMORY_SHARE, fix=fix
            ),
            argument=argument,
        )
