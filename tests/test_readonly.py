"""ReadOnly: a stored value (or a fresh copy of it) as a documented, read-only attribute."""

from __future__ import annotations

import inspect
import pydoc

import pandas as pd
import pytest

from rai_toolkit._readonly import ReadOnly


class _Record:
    def __init__(self) -> None:
        self.size = 3
        self.tags = ("a", "b")
        self.missing = None


class _Holder:
    plain = ReadOnly[int]("A stored number.")
    renamed = ReadOnly[str]("Read from another attribute.", source="_label")
    size = ReadOnly[int]("A field of a stored record.", source="_record.size")
    tags = ReadOnly[list[str]]("A fresh list every time.", source="_record.tags", copy=list)
    missing = ReadOnly[list | None]("None stays None.", source="_record.missing", copy=list)
    frame = ReadOnly[pd.DataFrame]("A fresh frame every time.", copy=pd.DataFrame.copy)

    def __init__(self) -> None:
        self._plain = 7
        self._label = "seven"
        self._record = _Record()
        self._frame = pd.DataFrame({"x": [1.0, 2.0]})


class _Slotted:
    __slots__ = ("_name",)
    name = ReadOnly[str]("Works beside __slots__.")

    def __init__(self) -> None:
        self._name = "slotted"


def test_reads_the_underscored_name_another_attribute_or_a_dotted_path():
    holder = _Holder()
    assert holder.plain == 7
    assert holder.renamed == "seven"
    assert holder.size == 3
    assert _Slotted().name == "slotted"


def test_reads_the_current_stored_value():
    holder = _Holder()
    holder._record.size = 5
    assert holder.size == 5


def test_copy_hands_out_a_fresh_object_that_does_not_write_back():
    holder = _Holder()
    tags = holder.tags
    assert tags == ["a", "b"] and isinstance(tags, list)
    tags.append("c")
    assert holder.tags == ["a", "b"]
    assert holder.tags is not holder.tags
    frame = holder.frame
    frame.iloc[0, 0] = -1.0
    assert holder.frame["x"].tolist() == [1.0, 2.0]


def test_copy_passes_a_stored_none_through():
    assert _Holder().missing is None


@pytest.mark.parametrize("name", ["plain", "renamed", "size", "tags", "frame"])
def test_assignment_and_deletion_raise_attribute_error_naming_the_attribute(name):
    holder = _Holder()
    before = getattr(holder, name)
    with pytest.raises(AttributeError, match=rf"'{name}' of a _Holder is read-only"):
        setattr(holder, name, None)
    with pytest.raises(AttributeError, match=rf"'{name}' of a _Holder is read-only"):
        delattr(holder, name)
    after = getattr(holder, name)
    assert after.equals(before) if isinstance(before, pd.DataFrame) else after == before


def test_assignment_raises_beside_slots_too():
    with pytest.raises(AttributeError, match="'name' of a _Slotted is read-only"):
        _Slotted().name = "other"


def test_the_class_attribute_is_the_documented_descriptor():
    attribute = _Holder.size
    assert isinstance(attribute, ReadOnly)
    assert attribute.__doc__ == "A field of a stored record."
    assert inspect.getdoc(attribute) == "A field of a stored record."
    assert inspect.isdatadescriptor(attribute)
    assert repr(attribute) == "<read-only attribute 'size' (reads _record.size)>"


def test_help_shows_each_docstring():
    assert "A field of a stored record." in pydoc.render_doc(_Holder.size, renderer=pydoc.plaintext)
    page = pydoc.render_doc(_Holder, renderer=pydoc.plaintext)
    for name in ("plain", "renamed", "size", "tags", "missing", "frame"):
        assert f"{name}\n |      {getattr(_Holder, name).__doc__}" in page
