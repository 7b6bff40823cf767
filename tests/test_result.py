"""The result protocol: one base, and every result class following it."""

import json
import math

import numpy as np
import pandas as pd
import pytest
from sklearn.linear_model import LogisticRegression

import rai_toolkit as rai
from rai_toolkit._result import Result, Summary, Tip, html_table, json_ready
from rai_toolkit.exceptions import ArgumentError

SCRIPT = "<script>alert(1)</script>"


# ---------------------------------------------------------------- the base, on a tiny subclass
class _Tiny(Result):
    def __init__(self, values):
        self.values = values

    def to_dict(self):
        return {"values": self.values, "label": SCRIPT}

    def _summary(self):
        return Summary(
            title=f"Tiny {SCRIPT}",
            head=f"n={len(self.values)}",
            rows=[("label", SCRIPT)],
            tables=[("by key", pd.DataFrame({"v": [1.5, np.nan]}, index=pd.Index([SCRIPT, "b"])))],
            text=SCRIPT,
            lines=["second line"],
            notes=["a note"],
        )


def test_json_policy_nulls_nan_and_infinity_and_unwraps_numpy():
    doc = json_ready(
        {
            "nan": float("nan"),
            "inf": np.float64(np.inf),
            "minus_inf": -math.inf,
            "int": np.int64(3),
            "bool": np.bool_(True),
            "array": np.array([1.0, np.nan]),
            "tuple": (1, "a"),
            np.int64(7): "numpy key",
            "when": pd.Timestamp("2024-01-02"),
            "missing": pd.NA,
        }
    )
    assert doc == {
        "nan": None,
        "inf": None,
        "minus_inf": None,
        "int": 3,
        "bool": True,
        "array": [1.0, None],
        "tuple": [1, "a"],
        7: "numpy key",
        "when": "2024-01-02T00:00:00",
        "missing": None,
    }
    assert type(doc["int"]) is int and type(doc["bool"]) is bool


def test_to_json_applies_the_policy_and_writes_atomically(tmp_path):
    tiny = _Tiny([1.0, float("nan"), np.float32(2.5), np.inf])
    text = tiny.to_json()
    assert "NaN" not in text and "Infinity" not in text
    assert json.loads(text) == {"values": [1.0, None, 2.5, None], "label": SCRIPT}
    assert tiny.to_json(indent=None) == json.dumps(json.loads(text))
    path = tmp_path / "tiny.json"
    assert tiny.to_json(path) == text
    assert path.read_text(encoding="utf-8") == text
    assert [p.name for p in tmp_path.iterdir()] == ["tiny.json"]


@pytest.mark.parametrize("indent", [10**9, 17, -1, True, 2.0, "xx", [2]])
def test_an_indent_json_cannot_write_is_refused_before_writing(tmp_path, indent):
    # indent=10**9 used to build gigabytes of spaces per line until the process was killed
    tiny = _Tiny([1.0, 2.0])
    with pytest.raises(ArgumentError, match=r"indent must be None, an integer in \[0, 16\] or "
                       r"up to 16 whitespace characters; received .*Pass indent=2") as info:
        tiny.to_json(tmp_path / "tiny.json", indent=indent)
    assert info.value.argument == "indent"
    assert list(tmp_path.iterdir()) == []
    assert tiny.to_json(indent=16) == json.dumps(tiny.to_dict(), indent=16)
    assert tiny.to_json(indent="\t") == json.dumps(tiny.to_dict(), indent="\t")


def test_to_json_checks_the_path_and_leaves_nothing_behind(tmp_path):
    tiny = _Tiny([1.0])
    with pytest.raises(ArgumentError, match=r"\.json"):
        tiny.to_json(tmp_path / "tiny.txt")
    with pytest.raises(ArgumentError):
        tiny.to_json(tmp_path)
    assert list(tmp_path.iterdir()) == []


def test_views_check_their_path_before_rendering_and_write_atomically(tmp_path):
    tiny = _Tiny([1])
    rendered = []

    def render(doc):
        rendered.append(doc)
        return f"<p>{doc['values']}</p>"

    with pytest.raises(ArgumentError, match=r"should end in \.html"):
        tiny._write_view(tmp_path / "v.txt", render, suffixes=(".html",))
    assert rendered == [] and list(tmp_path.iterdir()) == []
    assert tiny._write_view(None, render, suffixes=(".html",)) == "<p>[1]</p>"
    assert tiny._write_view(tmp_path / "v.html", render, suffixes=(".html",)) == "<p>[1]</p>"
    assert (tmp_path / "v.html").read_text(encoding="utf-8") == "<p>[1]</p>"
    assert [p.name for p in tmp_path.iterdir()] == ["v.html"]


def test_an_object_json_cannot_hold_fails_loudly():
    with pytest.raises(TypeError, match="not JSON serializable"):
        _Tiny([object()]).to_json()


def test_repr_and_html_come_from_the_summary_and_are_escaped():
    tiny = _Tiny([1, 2])
    assert repr(tiny) == "<_Tiny n=2>\n  second line"
    page = tiny._repr_html_()
    assert "<script" not in page
    assert page.count("&lt;script&gt;alert(1)&lt;/script&gt;") == 4  # title, text, row, index
    assert "<td>1.5</td><td></td>" not in page  # NaN is blank, in its own row
    assert "<tr><td>b</td><td></td></tr>" in page
    assert "<p>a note</p>" in page


def test_html_table_escapes_cells_and_tooltips():
    table = html_table(["k", "v"], [(SCRIPT, Tip("2", "a; <b>")), ("x", 0.123456)])
    assert "<script" not in table and "<b>" not in table
    assert "<span title='a; &lt;b&gt;'>2</span>" in table
    assert "<td>0.1235</td>" in table


def test_a_subclass_without_hooks_says_what_is_missing():
    class Bare(Result):
        pass

    with pytest.raises(NotImplementedError, match="Bare must implement to_dict"):
        Bare().to_json()
    with pytest.raises(NotImplementedError, match="Bare must implement _summary"):
        repr(Bare())


# ---------------------------------------------------------------- every result class
@pytest.fixture(scope="module")
def scripted():
    """Two groups, one named like a script tag."""
    rng = np.random.default_rng(0)
    n = 400
    frame = pd.DataFrame(
        {
            "x0": rng.normal(size=n),
            "x1": rng.normal(size=n),
            "group": rng.choice(["a", SCRIPT], size=n),
        }
    )
    frame["y"] = (frame["x0"] + 0.5 * (frame["group"] == "a") + rng.normal(size=n) > 0).astype(int)
    model = LogisticRegression().fit(frame[["x0", "x1"]], frame["y"])
    return frame, model


def _fairness(frame, model):
    return rai.analyze_fairness(
        model, frame, target="y", sensitive_features="group", features=["x0", "x1"], n_boot=0
    )


def _explanation(frame, model):
    return rai.explain_model(model, frame[["x0", "x1"]])


def _disparity(frame, model):
    return rai.explain_disparity(
        model, frame, sensitive_feature="group", target="y", features=["x0", "x1"]
    )


def _comparison(frame, model):
    a = pd.Series({"x0": 0.5, "x1": 0.1, SCRIPT: 0.05})
    b = pd.Series({"x0": 0.4, "x1": 0.2, SCRIPT: np.nan}).fillna(0.0)
    return rai.compare_explanations(a, b)


def _mitigation(frame, model):
    train, test = frame.iloc[:250], frame.iloc[250:]
    return rai.mitigate(
        LogisticRegression(),
        train,
        test,
        target="y",
        sensitive_features="group",
        features=["x0", "x1"],
        method="postprocess",
        prefit=False,
        n_boot=0,
    )


def _privacy(frame, model):
    return rai.check_privacy(frame.assign(email=[f"p{i}@example.org" for i in range(len(frame))]))


def _membership(frame, model):
    return rai.membership_inference_risk(model, frame.iloc[:200], frame.iloc[200:], target="y")


def _robustness(frame, model):
    return rai.check_robustness(
        model, frame, target="y", sensitive_features="group", features=["x0", "x1"]
    )


def _assessment(frame, model):
    return rai.assess(
        model, frame, target="y", sensitive_features="group", n_boot=0, explain=False,
        privacy=False, robustness=False, min_cell_size=5,
    )  # fmt: skip


def _errors(frame, model):
    return rai.analyze_errors(
        model, frame, target="y", features=["x0", "x1"], cohort_features=["group", "x0"],
        min_cohort_size=5, min_cell_size=5,
    )  # fmt: skip


def _audit(frame, model):
    return rai.bias_audit(
        frame.assign(selected=(model.predict(frame[["x0", "x1"]]) == 1)),
        categories={"group": "group"},
        selected="selected",
        date="2024-01-01",
    )


def _report_comparison(frame, model):
    half = len(frame) // 2
    reports = [
        rai.analyze_fairness(
            model, part, target="y", sensitive_features="group", features=["x0", "x1"],
            random_state=0,
        )
        for part in (frame.iloc[:half], frame.iloc[half:])
    ]
    return rai.compare_reports(*reports, random_state=0)


def _insights(frame, model):
    from rai_toolkit.dashboard import Insights

    info = {
        "task": "classification", "target": SCRIPT, "n_train": 10, "n_test": 5,
        "components": ["explainer"], "timings_s": {"explainer": 1.0, "total": 1.5},
        "sensitive_features": ["group"], "counterfactuals": None,
    }  # fmt: skip
    return Insights("unused-folder", model, [], info)


def _bundle(frame, model, tmp_path):
    assessment = _assessment(frame, model)
    path = tmp_path / "b.zip"
    assessment.to_bundle(path)
    return rai.verify_bundle(path)


BUILDERS = {
    "FairnessReport": _fairness,
    "ExplanationReport": _explanation,
    "DisparityExplanation": _disparity,
    "ExplanationComparison": _comparison,
    "MitigationResult": _mitigation,
    "PrivacyReport": _privacy,
    "MembershipInferenceResult": _membership,
    "RobustnessReport": _robustness,
    "Assessment": _assessment,
    "ErrorAnalysis": _errors,
    "BiasAudit": _audit,
    "Insights": _insights,
    "BundleVerification": _bundle,
    "ReportComparison": _report_comparison,
}
#: Results whose HTML names the groups (the others show no group label).
SHOWS_GROUPS = {
    "FairnessReport", "DisparityExplanation", "ExplanationComparison",
    "RobustnessReport", "ErrorAnalysis", "BiasAudit", "Insights", "Assessment",
}  # fmt: skip


@pytest.mark.filterwarnings("ignore")
@pytest.mark.parametrize("name", sorted(BUILDERS))
def test_every_result_class_follows_the_protocol(name, scripted, tmp_path):
    frame, model = scripted
    build = BUILDERS[name]
    result = build(frame, model, tmp_path) if name == "BundleVerification" else build(frame, model)
    cls = getattr(rai, name)
    assert isinstance(result, cls) and isinstance(result, Result)
    # no class writes its own to_json, repr or JSON policy
    assert "to_json" not in vars(cls)
    assert "__repr__" not in vars(cls)
    text = result.to_json()
    assert "NaN" not in text and "Infinity" not in text
    assert json.loads(text) == json.loads(json.dumps(json_ready(result.to_dict())))
    path = tmp_path / f"{name}.json"
    assert result.to_json(path) == text and path.read_text(encoding="utf-8") == text
    assert repr(result).startswith(f"<{name} ")
    page = result._repr_html_()
    assert "<script" not in page
    if name in SHOWS_GROUPS:
        assert "&lt;script&gt;" in page
