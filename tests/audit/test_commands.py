"""run_audit: the logic behind `rai-toolkit audit`, called with plain arguments."""

import json

import pytest

from rai_toolkit.audit._commands import parse_categories, run_audit
from rai_toolkit.exceptions import ArgumentError, DataValidationError


def test_parse_categories():
    assert parse_categories(["sex=sex", "race_ethnicity = race", "age"]) == {
        "sex": "sex", "race_ethnicity": "race", "age": "age"
    }
    assert parse_categories({"a": "b"}) == {"a": "b"}


@pytest.mark.parametrize(
    "specs, message",
    [
        ([], r"Name at least one category"),
        ("sex=sex", r"Name at least one category"),
        (["=sex"], r"'=sex' must be DIMENSION=COLUMN with both sides"),
        (["sex="], r"'sex=' must be DIMENSION=COLUMN"),
        (["sex=a", "sex=b"], r"Dimension 'sex' is given twice"),
        ([3], r"Category spec 3 must be a string"),
    ],
)
def test_bad_category_specs(specs, message):
    with pytest.raises(ArgumentError, match=message):
        parse_categories(specs)


def test_run_audit_writes_every_document(dcwp, tmp_path):
    audit, written = run_audit(
        dcwp, categories=["sex=sex", "race_ethnicity=race"], selected="selected",
        out=tmp_path / "audit.html", json_path=tmp_path / "audit.json",
        markdown_path=tmp_path / "audit.md", standard="eeoc", n_boot=100, random_state=0,
        date="2024-01-31",
    )
    assert written == [tmp_path / "audit.html", tmp_path / "audit.json", tmp_path / "audit.md"]
    assert (tmp_path / "audit.html").read_text(encoding="utf-8") == audit.to_html()
    assert json.loads((tmp_path / "audit.json").read_text()) == audit.to_dict()
    assert (tmp_path / "audit.md").read_text(encoding="utf-8") == audit.to_markdown()
    assert audit.to_dict()["date"] == "2024-01-31" and audit.standard == "eeoc"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["audit.html", "audit.json", "audit.md"]


@pytest.mark.parametrize(
    "kwargs, error, message",
    [
        ({"out": "a.pdf"}, ArgumentError, r"`out` .* should end in \.html"),
        ({"json_path": "a.csv"}, ArgumentError, r"`json` .* should end in \.json"),
        ({"markdown_path": "a.txt"}, ArgumentError, r"`markdown` .* should end in \.md"),
        ({"json_path": "missing/a.json"}, ArgumentError, r"folder .* does not exist"),
        ({"selected": "nope"}, DataValidationError, r"'nope' given as `selected` not found"),
        ({"standard": "gdpr"}, ArgumentError, r"choose one of: nyc_ll144, eeoc"),
    ],
)
def test_bad_input_writes_nothing(dcwp, tmp_path, monkeypatch, kwargs, error, message):
    monkeypatch.chdir(tmp_path)
    options = {"categories": ["sex=sex"], "selected": "selected", "out": "audit.html",
               "n_boot": 0, **kwargs}
    with pytest.raises(error, match=message):
        run_audit(dcwp, **options)
    assert list(tmp_path.iterdir()) == []


def test_failure_while_writing_leaves_nothing(dcwp, tmp_path, monkeypatch):
    from pathlib import Path

    real = Path.write_text
    calls = {"n": 0}

    def failing(self, *args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 2:
            raise OSError("disk full")
        return real(self, *args, **kwargs)

    monkeypatch.setattr(Path, "write_text", failing)
    with pytest.raises(OSError, match="disk full"):
        run_audit(dcwp, categories=["sex=sex"], selected="selected", out=tmp_path / "a.html",
                  json_path=tmp_path / "a.json", n_boot=0)
    assert list(tmp_path.iterdir()) == []
