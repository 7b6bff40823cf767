"""Every public function that writes a file checks its path first, with one validator."""

import json

import pytest
from sklearn.linear_model import LogisticRegression

from rai_toolkit.datasets import make_biased_classification
from rai_toolkit.exceptions import ArgumentError

FEATURES = ["x0", "x1", "x2", "x3", "x4", "proxy"]


@pytest.fixture(scope="module")
def fitted():
    frame = make_biased_classification(1200, random_state=3).frame
    model = LogisticRegression(max_iter=500).fit(frame[FEATURES], frame["y"])
    return model, frame


@pytest.fixture(scope="module")
def small_assessment(fitted):
    from rai_toolkit.report import assess

    model, frame = fitted
    return assess(
        model, frame, target="y", sensitive_features="group", explain=False, n_boot=0,
        robustness=False, random_state=0,
    )  # fmt: skip


def _entries(folder):
    return sorted(p.name for p in folder.iterdir())


@pytest.fixture
def nothing_renders(monkeypatch):
    """Fail the test if the HTML renderer runs: the path must be refused before."""
    import rai_toolkit.report._html as html

    monkeypatch.setattr(html, "render_html", lambda doc: pytest.fail("rendered before checking"))


@pytest.mark.parametrize(
    ("name", "match"),
    [
        ("r.pdf", "path '.*r.pdf' should end in .html or .htm; received .pdf. Name the file e.g. "
                  "'r.html'"),
        ("r.json", "should end in .html or .htm; received .json"),
        ("missing/r.html", "folder '.*missing' does not exist; create it first"),
        ("file.txt/r.html", "'.*file.txt' is a file, not a folder"),
        ("folder.html", "is a folder; pass the path of a file inside it"),
    ],
)  # fmt: skip
def test_to_html_refuses_bad_paths_before_rendering(
    small_assessment, nothing_renders, tmp_path, name, match
):
    (tmp_path / "file.txt").write_text("x")
    (tmp_path / "folder.html").mkdir()
    with pytest.raises(ArgumentError, match=match):
        small_assessment.to_html(tmp_path / name)
    assert _entries(tmp_path) == ["file.txt", "folder.html"]


def test_to_html_in_an_unwritable_folder(small_assessment, nothing_renders, unwritable_dir):
    with pytest.raises(ArgumentError, match="cannot create files in folder"):
        small_assessment.to_html(unwritable_dir / "r.html")


def test_to_html_writes_html_under_an_html_name(small_assessment, tmp_path):
    text = small_assessment.to_html(tmp_path / "r.HTM")
    assert (tmp_path / "r.HTM").read_text() == text and "<html" in text.lower()


def test_to_json_refuses_a_non_json_name_and_a_folder(small_assessment, fitted, tmp_path):
    from rai_toolkit.fairness import analyze_fairness

    with pytest.raises(ArgumentError, match="should end in .json; received .pdf"):
        small_assessment.to_json(tmp_path / "r.pdf")
    model, frame = fitted
    report = analyze_fairness(model, frame, target="y", sensitive_features="group", n_boot=0)
    with pytest.raises(ArgumentError, match="is a folder"):
        report.to_json(tmp_path)
    assert _entries(tmp_path) == []
    report.to_json(tmp_path / "f.json")
    assert json.loads((tmp_path / "f.json").read_text())["schema_version"]


def test_impact_assessment_checks_its_path_before_assessing(fitted, tmp_path, monkeypatch):
    import rai_toolkit.report._assess as assessment_module
    from rai_toolkit.report import impact_assessment

    monkeypatch.setattr(
        assessment_module, "assess", lambda *a, **k: pytest.fail("assessed before checking")
    )
    model, frame = fitted
    for bad, match in [
        (tmp_path / "ia.pdf", "should end in .md or .markdown or .txt; received .pdf"),
        (tmp_path / "nope" / "ia.md", "folder '.*nope' does not exist"),
        (tmp_path, "is a folder"),
    ]:
        with pytest.raises(ArgumentError, match=match):
            impact_assessment(model=model, data=frame, target="y", sensitive_features="group",
                              path=bad)  # fmt: skip
    assert _entries(tmp_path) == []


def test_impact_assessment_writes_markdown(small_assessment, tmp_path):
    from rai_toolkit.report import impact_assessment

    text = impact_assessment(small_assessment, system_name="Demo", path=tmp_path / "ia.md")
    assert (tmp_path / "ia.md").read_text() == text
    assert text.startswith("# Responsible AI Impact Assessment: Demo")


def test_save_model_checks_its_path_before_serialising(fitted, tmp_path, monkeypatch):
    import skops.io

    from rai_toolkit.security import load_model, save_model

    model, _ = fitted
    monkeypatch.setattr(skops.io, "dump", lambda *a, **k: pytest.fail("serialised first"))
    (tmp_path / "taken.skops").mkdir()
    (tmp_path / "plain").write_text("x")
    for bad, match in [
        (tmp_path / "taken.skops", "is a folder; pass the path of a file inside it"),
        (tmp_path / "plain" / "m.skops", "'.*plain' is a file, not a folder"),
    ]:
        with pytest.raises(ArgumentError, match=match):
            save_model(model, bad)
    assert _entries(tmp_path) == ["plain", "taken.skops"]
    monkeypatch.undo()
    path = save_model(model, tmp_path / "new" / "m.skops")  # missing folders are still made
    assert type(load_model(path)) is type(model)


def test_save_model_into_an_unwritable_folder(fitted, unwritable_dir):
    from rai_toolkit.security import save_model

    with pytest.raises(ArgumentError, match=f"cannot create files in folder '{unwritable_dir}'"):
        save_model(fitted[0], unwritable_dir / "m.skops")
