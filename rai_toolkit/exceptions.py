"""Exception and warning types raised by rai_toolkit.

Every error the toolkit raises on purpose is a :class:`RaiToolkitError`. Each
concrete type also subclasses the builtin a caller would expect (``ValueError``
for bad input, ``TypeError`` for a wrong kind of object), so ``except
ValueError`` keeps working for code that does not know this package.

Errors carry structured fields next to their message, so that callers (the
CLI, the report) never need to parse the text: :attr:`RaiToolkitError.argument`
names the parameter at fault, e.g. ``"allow_pickle"`` when a pickle file is
refused, so a command line can name its own flag in its hint.
"""

from __future__ import annotations

__all__ = [
    "RaiToolkitError",
    "DataValidationError",
    "ArgumentError",
    "ModelError",
    "NotFittedError",
    "DatasetNotFoundError",
    "UnsafeModelError",
    "DependencyError",
    "DashboardError",
    "RaiToolkitWarning",
    "SmallGroupWarning",
    "MissingGroupWarning",
    "SamplingWarning",
    "FallbackWarning",
    "SecurityWarning",
    "LibraryWarning",
]


class RaiToolkitError(Exception):
    """Base class of every error raised on purpose by rai_toolkit.

    Parameters
    ----------
    *args
        The message (as for any exception).
    argument : str, optional
        Name of the parameter of the public function whose value caused the
        error (``"target"``, ``"random_state"``, ``"allow_pickle"``, ...), or
        None when no single argument is at fault.

    Attributes
    ----------
    argument : str or None
        The parameter at fault; a command line maps it to its own flag.
    """

    def __init__(self, *args: object, argument: str | None = None) -> None:
        super().__init__(*args)
        self.argument = argument


class DataValidationError(RaiToolkitError, ValueError):
    """The data passed in cannot be analysed as given (missing column, bad values, ...)."""


class ArgumentError(RaiToolkitError, ValueError):
    """A keyword argument has a value outside what the function accepts."""


class ModelError(RaiToolkitError, RuntimeError):
    """The model failed or returned something unusable when called on the data."""


class NotFittedError(RaiToolkitError, ValueError):
    """The model has not been fitted yet."""


class DatasetNotFoundError(RaiToolkitError, ValueError):
    """An unknown bundled dataset name was requested."""


class UnsafeModelError(RaiToolkitError, ValueError):
    """Loading a model file would execute untrusted code or construct untrusted types."""


class DependencyError(RaiToolkitError, ImportError):
    """An optional dependency needed by this call is not installed."""


class DashboardError(RaiToolkitError, RuntimeError):
    """The Responsible AI dashboard could not be built or served."""


class RaiToolkitWarning(UserWarning):
    """Base class of warnings emitted by rai_toolkit."""


class SmallGroupWarning(RaiToolkitWarning):
    """A group is smaller than ``min_group_size``; its metrics are unreliable."""


class MissingGroupWarning(RaiToolkitWarning):
    """Missing sensitive values were kept as an explicit group."""


class SamplingWarning(RaiToolkitWarning):
    """Rows were sampled to respect a size cap; results describe the sample."""


class FallbackWarning(RaiToolkitWarning):
    """A slower or approximate method was used because the exact one does not apply."""


class SecurityWarning(RaiToolkitWarning):
    """An action with a security consequence was taken on the caller's request."""


class LibraryWarning(RaiToolkitWarning):
    """A warning raised by a library rai_toolkit called, passed on under a rai_toolkit type.

    Deprecation notices of the libraries (numpy, pandas, scikit-learn, SHAP,
    ...) are addressed to their developers, not to the people reading a
    result, so they are dropped inside rai_toolkit calls; any other library
    warning is passed on as a ``LibraryWarning`` that says where it came from.

    Attributes
    ----------
    source : str
        Top-level package that raised it, e.g. ``"sklearn"``.
    original_category : str
        Name of the library's own warning class, e.g. ``"ConvergenceWarning"``.
    """

    source: str = ""
    original_category: str = ""
