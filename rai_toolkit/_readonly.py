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
raises :class:`AttributeError`.

A ``ReadOnly`` that reads a plain attribute (``values`` reads ``self._values``)
declares a *field* of its class: :func:`store` sets all of them at once, by
their public names, and refuses a field left out or a name that is not one, so
a constructor ends with one ``store(self, values=..., ...)`` call instead of a
``self._values = values`` line per field::

    def __init__(self, values, *, notes):
        store(self, values=values, notes=list(notes))

Several attributes that differ only in the key they pass to one builder method
are :class:`Computed` (``self._frame("lower")``, ``self._frame("upper")``). An
attribute that computes something else stays a ``@property``.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from operator import attrgetter
from typing import Any, Generic, Never, NoReturn, TypeVar, overload

__all__ = ["Computed", "ReadOnly", "store"]

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
        self._field: str | None = None

    def __set_name__(self, owner: type, name: str) -> None:
        self._name = name
        self._source = self._source or f"_{name}"
        self._read = attrgetter(self._source)
        # A plain attribute is where store() puts the field's value; a dotted path
        # reads a part of another field.
        self._field = None if "." in self._source else self._source

    @overload
    def __get__(self, instance: None, owner: type | None = None) -> ReadOnly[T]: ...

    @overload
    def __get__(self, instance: object, owner: type | None = None) -> T: ...

    def __get__(self, instance: object | None, owner: type | None = None) -> ReadOnly[T] | T:
        if instance is None:
            return self
        return self._value(instance)

    def _value(self, instance: object) -> T:
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


class Computed(ReadOnly[T]):
    """Read-only attribute built on every read by a method of the object, given a key.

    ``by_group_lower = Computed[pd.DataFrame]("Lower bounds.", method="_frame",
    key="lower")`` returns ``self._frame("lower")``. It is not a field: :func:`store`
    neither expects nor accepts it.

    Parameters
    ----------
    doc : str
        Docstring of the attribute (what ``help(Class.name)`` shows).
    method : str
        Name of the method of the object that builds the value.
    key : object
        The one argument passed to ``method``.
    """

    def __init__(self, doc: str, *, method: str, key: Any) -> None:
        super().__init__(doc, source=method)
        self._key = key

    def __set_name__(self, owner: type, name: str) -> None:
        super().__set_name__(owner, name)
        self._field = None

    def _value(self, instance: object) -> T:
        return self._read(instance)(self._key)

    def __repr__(self) -> str:
        return f"<read-only attribute {self._name!r} (computes {self._source}({self._key!r}))>"


def store(instance: object, /, **fields: Any) -> None:
    """Store the value of every field of an object, where its :class:`ReadOnly` reads it.

    The fields of a class are its :class:`ReadOnly` attributes (its bases'
    included) that read a plain attribute; they are passed by their public
    names (``base_values=...`` for ``base_values = ReadOnly(..., source="_base")``
    sets ``self._base``). Like a function call, every field must be given once
    and nothing else may be.

    Parameters
    ----------
    instance : object
        The object being built (``self`` in its constructor).
    **fields
        One value per field of ``type(instance)``.

    Raises
    ------
    TypeError
        If a field of the class is not given, or a name is not a field of the
        class (a mistake in the calling code, not in a user's input).
    """
    slots = _fields(type(instance))
    wrong = {
        "missing": [name for name in slots if name not in fields],
        "unknown": [name for name in fields if name not in slots],
    }
    if any(wrong.values()):
        problems = "; ".join(f"{kind} {', '.join(names)}" for kind, names in wrong.items() if names)
        raise TypeError(
            f"store() for a {type(instance).__name__}: {problems}. Its fields are: "
            f"{', '.join(slots) or 'none'}."
        )
    for name, value in fields.items():
        setattr(instance, slots[name], value)


@cache
def _fields(cls: type) -> dict[str, str]:
    """Public name -> stored attribute of every field of ``cls``, in declaration order."""
    found: dict[str, str] = {}
    for klass in reversed(cls.__mro__):
        for name, attribute in vars(klass).items():
            if isinstance(attribute, ReadOnly) and attribute._field is not None:
                found[name] = attribute._field
            else:
                found.pop(name, None)
    return found
