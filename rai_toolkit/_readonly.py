"""A read-only attribute of a result object that hands out what the object stored.

Result classes expose what they computed once as read-only attributes. Most of
those attributes only read a stored value (``self._values``), a field of a
stored record (``self._meta.n_rows``) or a fresh copy of either
(``list(self._meta.notes)``). :class:`ReadOnly` declares such an attribute in
one line instead of a four-line ``@property``::

    class Report(Result):
        values = ReadOnly[pd.DataFrame]("SHAP values per row and feature.")
        n_rows = ReadOnly[int]("Number of rows analysed.", source="_meta.n_rows")
        notes = ReadOnly[list[str]]("Caveats.", source="_meta.notes", copy=list)

It behaves as a property: reading it on an instance returns the value (typed
``T`` for type checkers), reading it on the class returns the descriptor (whose
``__doc__`` is the docstring, for ``help()``), and assigning or deleting it
raises :class:`AttributeError`. An attribute that computes something stays a
``@property``.
"""

from __future__ import annotations

from collections.abc import Callable
from operator import attrgetter
from typing import Any, Generic, Never, NoReturn, TypeVar, overload

__all__ = ["ReadOnly"]

T = TypeVar("T")


class ReadOnly(Generic[T]):
    """Read-only attribute that returns a stored value, or a fresh copy of it.

    Parameters
    ----------
    doc : str
        Docstring of the attribute (what ``help(Class.name)`` shows).
    source : str, optional
        Attribute path read on the instance, dotted for a field of a stored
        record (``"_meta.n_rows"``). Default: the attribute's own name with a
        leading underscore (``values`` reads ``self._values``).
    copy : callable, optional
        Applied to the stored value on every read (``list``, ``dict``,
        ``pd.Series.copy``), so that a caller who changes what it got does not
        change the object. A stored ``None`` is returned as ``None``.
    """

    def __init__(
        self, doc: str, *, source: str | None = None, copy: Callable[[Any], T] | None = None
    ) -> None:
        self.__doc__ = doc
        self._source = source
        self._copy = copy
        self._name = ""

    def __set_name__(self, owner: type, name: str) -> None:
        self._name = name
        self._source = self._source or f"_{name}"
        self._read = attrgetter(self._source)

    @overload
    def __get__(self, instance: None, owner: type | None = None) -> ReadOnly[T]: ...

    @overload
    def __get__(self, instance: object, owner: type | None = None) -> T: ...

    def __get__(self, instance: object | None, owner: type | None = None) -> ReadOnly[T] | T:
        if instance is None:
            return self
        value = self._read(instance)
        if self._copy is None or value is None:
            return value
        return self._copy(value)

    def __set__(self, instance: object, value: Never) -> NoReturn:
        raise self._read_only(instance)

    def __delete__(self, instance: object) -> NoReturn:
        raise self._read_only(instance)

    def _read_only(self, instance: object) -> AttributeError:
        return AttributeError(
            f"{self._name!r} of a {type(instance).__name__} is read-only; it is set when "
            "the object is built."
        )

    def __repr__(self) -> str:
        return f"<read-only attribute {self._name!r} (reads {self._source})>"

