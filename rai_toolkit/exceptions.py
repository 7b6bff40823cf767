"""Exception and warning types raised by rai_toolkit.

Every error the toolkit raises on purpose is a :class:`RaiToolkitError`. Each
concrete type also subclasses the builtin a caller would expect (``ValueError``
for bad input, ``TypeError`` for a wrong kind of object), so ``except
ValueError`` keeps working for code that does not know this package.
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
]


class RaiToolkitError(Exception):
    """Base class of every error raised on purpose by rai_toolkit."""


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
