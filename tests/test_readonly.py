"""ReadOnly: a stored value (or a fresh copy of it) as a documented, read-only attribute.

Also :func:`store` (a constructor sets every field at once) and :class:`Computed`.
"""

from __future__ import annotations

import inspect
import pydoc
import warnings

import numpy as np
import pandas as pd
import pytest

from rai_toolkit._readonly import Computed, ReadOnly, store


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


# ------------------------------------------------------------- store
class _Fields:
    name = ReadOnly[str]("A plain field.")
    base = ReadOnly[float]("A field stored under another name.", source="_level")
    tags = ReadOnly[list[str]]("A field handed out as a fresh list.", copy=list)
    size = ReadOnly[int]("Not a field: a part of another one.", source="_tags.__len__")

    def __init__(self, **fields) -> None:
        store(self, **fields)

    @property
    def computed(self) -> int:
        return 1


class _MoreFields(_Fields):
    extra = ReadOnly[str]("A field of the subclass.")


class _NotAField(_Fields):
    tags = property(lambda self: ["overridden"])


def test_store_sets_every_field_where_its_attribute_reads_it():
    obj = _Fields(name="n", base=1.5, tags=("a",))
    assert (obj._name, obj._level, obj._tags) == ("n", 1.5, ("a",))
    assert (obj.name, obj.base, obj.tags) == ("n", 1.5, ["a"])
    assert not hasattr(obj, "_base")


def test_store_keeps_fields_read_only_and_copies_fresh():
    obj = _Fields(name="n", base=1.5, tags=["a"])
    with pytest.raises(AttributeError, match="'name' of a _Fields is read-only"):
        obj.name = "other"
    tags = obj.tags
    tags.append("b")
    assert obj.tags == ["a"]
    assert obj.tags is not obj.tags


def test_store_refuses_a_missing_field_naming_it_and_the_fields():
    expected = r"_Fields: missing base, tags\. Its fields are: name, base, tags\."
    with pytest.raises(TypeError, match=expected):
        _Fields(name="n")


def test_store_refuses_an_unknown_name_and_a_dotted_or_computed_attribute():
    for wrong in ("size", "computed", "_name", "nmae"):
        with pytest.raises(TypeError, match=rf"_Fields: unknown {wrong}\."):
            _Fields(name="n", base=1.0, tags=[], **{wrong: 1})
    with pytest.raises(TypeError, match="missing name, base, tags; unknown nmae"):
        _Fields(nmae="n")


def test_store_takes_the_fields_of_the_bases_and_drops_overridden_ones():
    obj = _MoreFields(name="n", base=1.0, tags=[], extra="e")
    assert (obj.name, obj.extra) == ("n", "e")
    with pytest.raises(TypeError, match="missing extra"):
        _MoreFields(name="n", base=1.0, tags=[])
    plain = _NotAField(name="n", base=1.0)
    assert plain.tags == ["overridden"]


def test_store_works_beside_slots():
    class Slotted:
        __slots__ = ("_name",)
        name = ReadOnly[str]("Works beside __slots__.")

        def __init__(self, name: str) -> None:
            store(self, name=name)

    assert Slotted("s").name == "s"
    with pytest.raises(TypeError, match="unknown other"):
        store(Slotted("s"), name="s", other=1)


def test_store_on_a_package_result_expects_its_declared_fields():
    ds = _dataset()
    with pytest.raises(TypeError, match="Dataset: missing metadata"):
        store(ds, **{name: getattr(ds, name) for name in (
            "name", "frame", "target", "sensitive_features", "categorical_features",
            "description", "split")})


# ------------------------------------------------------------- Computed
class _Built:
    lower = Computed[str]("Built with the key 'lower'.", method="_build", key="lower")
    upper = Computed[str]("Built with the key 'upper'.", method="_build", key="upper")

    def __init__(self) -> None:
        self.calls: list[str] = []

    def _build(self, key: str) -> str:
        self.calls.append(key)
        return key.upper()


def test_computed_calls_the_builder_with_its_key_on_every_read():
    obj = _Built()
    assert (obj.lower, obj.upper, obj.lower) == ("LOWER", "UPPER", "LOWER")
    assert obj.calls == ["lower", "upper", "lower"]


def test_computed_is_read_only_documented_and_not_a_field():
    obj = _Built()
    with pytest.raises(AttributeError, match="'lower' of a _Built is read-only"):
        obj.lower = "x"
    assert isinstance(_Built.lower, ReadOnly)
    assert repr(_Built.upper) == "<read-only attribute 'upper' (computes _build('upper'))>"
    page = pydoc.render_doc(_Built, renderer=pydoc.plaintext)
    assert "lower\n |      Built with the key 'lower'." in page
    store(obj)  # no fields: nothing is expected
    with pytest.raises(TypeError, match="unknown lower. Its fields are: none"):
        store(obj, lower="x")


def test_fairness_report_tables_are_computed_attributes_in_help_and_fresh():
    from rai_toolkit import FairnessReport

    builders = {  # builder -> {attribute: the key it passes}
        "_frame": {"by_group": "values", "by_group_lower": "lower", "by_group_upper": "upper",
                   "support": "support"},
        "_series": {name: name for name in ("overall", "overall_lower", "overall_upper")},
        "_rows": {name: name for name in ("disparities", "verdicts")},
    }
    computed = {n for n, v in vars(FairnessReport).items() if isinstance(v, Computed)}
    assert computed == {name for names in builders.values() for name in names}
    report = _fairness_report()
    page = pydoc.render_doc(FairnessReport, renderer=pydoc.plaintext)
    for method, keys in builders.items():
        for name, key in keys.items():
            assert inspect.getdoc(getattr(FairnessReport, name)).splitlines()[0] in page, name
            value = getattr(report, name)
            assert value.equals(getattr(report, method)(key)), name
            assert value is not getattr(report, name), name
    frame = _tiny_frame()
    rates = frame.groupby("sex")["pred"].mean()
    assert report.by_group["selection_rate"].to_numpy() == pytest.approx(rates.to_numpy())
    assert report.overall["selection_rate"] == pytest.approx(frame["pred"].mean())


# ------------------------------------------------------------- the package's results
def _tiny_frame() -> pd.DataFrame:
    rng = np.random.default_rng(0)
    n = 400
    frame = pd.DataFrame(
        {
            "x1": rng.normal(size=n),
            "x2": rng.normal(size=n),
            "sex": np.where(rng.random(n) < 0.5, "F", "M"),
        }
    )
    frame["y"] = (frame["x1"] + 0.5 * (frame["sex"] == "M") + rng.normal(size=n) > 0).astype(int)
    frame["pred"] = (frame["x1"] > 0).astype(int)
    return frame


def _dataset():
    from rai_toolkit.datasets import Dataset

    return Dataset(name="tiny", frame=_tiny_frame(), target="y", sensitive_features=["sex"])


def _fairness_report(frame=None):
    from rai_toolkit import analyze_fairness

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return analyze_fairness(
            None,
            _tiny_frame() if frame is None else frame,
            target="y",
            sensitive_features="sex",
            y_pred="pred",
            n_boot=0,
            random_state=0,
        )


def _mitigation():
    from sklearn.linear_model import LogisticRegression

    from rai_toolkit.mitigation import mitigate

    frame = _tiny_frame().drop(columns="pred")
    train, test = frame.iloc[:200], frame.iloc[200:].reset_index(drop=True)
    model = LogisticRegression().fit(train[["x1", "x2"]], train["y"])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return mitigate(
            model, train, test, target="y", sensitive_features="sex", n_boot=0, random_state=0
        )


def _audit():
    from rai_toolkit.audit import bias_audit

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return bias_audit(_tiny_frame(), categories={"sex": "sex"}, selected="pred", n_boot=0)


def _comparison():
    from rai_toolkit import compare_reports

    other = _tiny_frame()
    other["pred"] = (other["x1"] > 0.2).astype(int)
    return compare_reports(_fairness_report(), _fairness_report(other), n_boot=100, random_state=0)


def _error_analysis():
    from rai_toolkit.error_analysis import analyze_errors

    frame = _tiny_frame()
    return analyze_errors(None, frame, target="y", y_pred="pred", features=["x1", "sex"])


def _membership():
    from rai_toolkit.security import MembershipInferenceResult

    details = pd.Series({"n_members": 100, "n_non_members": 100})
    return MembershipInferenceResult(
        attack="loss-threshold",
        loss="log_loss",
        auc=0.6,
        auc_ci=(0.55, 0.65),
        advantage=0.1,
        tpr_at_low_fpr=0.02,
        details=details,
    )


def _explanation():
    from rai_toolkit.explain import ExplanationReport

    data = _tiny_frame().iloc[:5]
    values = np.arange(10, dtype=float).reshape(5, 2)
    return ExplanationReport(
        values,
        np.zeros(5),
        values.sum(axis=1),
        data,
        features=["x1", "x2"],
        output="raw",
        method="linear",
    )


#: builder -> the attributes that hand out a fresh copy (changing it leaves the result as it was)
RESULTS = {
    _dataset: ["sensitive_features", "categorical_features"],
    _fairness_report: ["sensitive_features", "classes", "thresholds", "warning_records"],
    _mitigation: ["tradeoff", "comparison", "notes"],
    _audit: ["table", "intervals", "notes"],
    _comparison: ["changes", "settings"],
    _error_analysis: ["cohorts", "overall", "features", "settings"],
    _membership: ["details"],
    _explanation: ["feature_names"],
}


def _read_only_names(cls: type) -> list[str]:
    found = {name for klass in cls.__mro__ for name, v in vars(klass).items()
             if isinstance(v, ReadOnly)}
    return sorted(found)


def _change(value):
    if isinstance(value, list):
        value.append("changed")
    else:  # a dict, DataFrame (a new column) or Series (a new entry), changed in place
        value["changed"] = 1


def _same(a, b) -> bool:
    return a.equals(b) if isinstance(a, pd.DataFrame | pd.Series) else a == b


@pytest.fixture(scope="module", params=list(RESULTS), ids=lambda f: f.__name__.strip("_"))
def built(request):
    return request.param(), RESULTS[request.param]


def test_copies_stay_fresh_on_the_package_results(built):
    result, copied = built
    assert set(copied) <= set(_read_only_names(type(result)))
    for name in copied:
        value = getattr(result, name)
        if value is None:  # e.g. classes of a regression report
            continue
        kept = getattr(result, name)
        _change(value)
        assert _same(getattr(result, name), kept), name
        assert getattr(result, name) is not getattr(result, name), name


def test_every_read_only_attribute_of_the_package_results_is_documented_and_read_only(built):
    result, _ = built
    cls = type(result)
    names = _read_only_names(cls)
    assert names
    page = pydoc.render_doc(cls, renderer=pydoc.plaintext)
    for name in names:
        doc = inspect.getdoc(getattr(cls, name))
        assert doc, name
        assert doc.splitlines()[0] in page, name
        before = getattr(result, name)
        with pytest.raises(AttributeError, match=f"'{name}' of a {cls.__name__} is read-only"):
            setattr(result, name, None)
        assert _same(getattr(result, name), before), name
