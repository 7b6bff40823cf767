"""Small categories, the documents (HTML, JSON, Markdown) and the notebook views."""

import json
import re

import numpy as np
import pandas as pd
import pytest

from rai_toolkit.audit import bias_audit
from rai_toolkit.exceptions import ArgumentError

from .conftest import CATEGORIES

PAYLOAD = '"><script>window.__pwned=1</script>'
PIPE = "a|b\n<b>bold</b> *x*"


@pytest.fixture(scope="module")
def small():
    """1000 rows; category 'z' has 15 rows (1.5% < 2%) and the highest rate."""
    g = np.array(["x"] * 600 + ["y"] * 385 + ["z"] * 15)
    y = np.concatenate([np.r_[[1] * 300, [0] * 300], np.r_[[1] * 154, [0] * 231],
                        np.r_[[1] * 12, [0] * 3]])
    return pd.DataFrame({"g": g, "y": y})


def test_small_categories_are_flagged_and_kept(small):
    audit = bias_audit(small, categories={"g": "g"}, selected="y", n_boot=0)
    table = audit.table.set_index("category")
    assert table["small_category"].to_dict() == {"x": False, "y": False, "z": True}
    assert audit.references["g"] == "z"  # kept in the reference unless asked
    assert table.loc["x", "impact_ratio"] == pytest.approx(0.5 / 0.8)
    assert audit.to_dict()["exclude_small"] is False


def test_exclude_small_changes_only_the_reference_and_is_recorded(small):
    audit = bias_audit(small, categories={"g": "g"}, selected="y", n_boot=200, random_state=0,
                       exclude_small=True, exclusion_justification="z is 1.5% of applicants")
    table = audit.table.set_index("category")
    assert len(table) == 3 and table.loc["z", "applicants"] == 15  # never dropped
    assert audit.references["g"] == "x"
    assert table.loc["y", "impact_ratio"] == pytest.approx(0.4 / 0.5)
    assert table.loc["z", "impact_ratio"] == pytest.approx(0.8 / 0.5)
    doc = audit.to_dict()
    assert doc["exclude_small"] is True
    assert doc["excluded_from_reference"] == {"g": ["z"]}
    assert doc["exclusion_justification"] == "z is 1.5% of applicants"
    assert "z is 1.5% of applicants" in audit.to_html()
    assert "z is 1.5% of applicants" in audit.to_markdown()
    assert audit.excluded == {"g": ["z"]}


def test_all_small_categories_excluded_gives_no_ratio_and_a_note():
    frame = pd.DataFrame({"g": ["a", "b"] + [None] * 198, "y": [1, 0] + [0] * 198})
    audit = bias_audit(frame, categories={"g": "g"}, selected="y", n_boot=0, exclude_small=True,
                       exclusion_justification="tiny")
    assert audit.table["impact_ratio"].isna().all()
    assert audit.references["g"] is None
    assert any("no impact ratio is computed" in n for n in audit.notes)


def test_nobody_selected_gives_undefined_ratios_and_a_note():
    frame = pd.DataFrame({"g": ["a", "b"] * 10, "y": [0] * 20})
    audit = bias_audit(frame, categories={"g": "g"}, selected="y", n_boot=0)
    assert audit.table["rate"].tolist() == [0.0, 0.0]
    assert audit.table["impact_ratio"].isna().all()
    assert any("no applicant was selected" in n for n in audit.notes)


@pytest.fixture(scope="module")
def payload_audit(dcwp):
    frame = dcwp.copy()
    frame["race"] = frame["race"].replace({"Hispanic or Latino": PAYLOAD,
                                           "White (Not Hispanic or Latino)": PIPE})
    return bias_audit(frame, categories={"sex <i>": "sex", "race_ethnicity": "race"},
                      selected="selected", standard="eeoc", n_boot=200, random_state=0,
                      title=f"Audit {PAYLOAD}")


def test_html_is_self_contained_and_escaped(payload_audit, tmp_path):
    path = tmp_path / "audit.html"
    text = payload_audit.to_html(path)
    assert path.read_text(encoding="utf-8") == text
    assert "<script" not in text.lower()
    assert "&lt;script&gt;window.__pwned=1&lt;/script&gt;" in text
    assert "<b>bold</b>" not in text and "<i>" not in text
    assert not re.search(r"<[^>]*\son\w+\s*=", text)
    for pattern in (r"<link\b", r"<iframe\b", r"<img\b", r"@import", r"url\(",
                    r"<[^>]*\bsrc\s*=", r'<a [^>]*href="(?!#)', r"https?://"):
        assert not re.search(pattern, text, flags=re.I), pattern
    assert "Content-Security-Policy" in text and "script-src &#x27;none&#x27;" in text


def test_html_shows_the_table_values(dcwp):
    audit = bias_audit(dcwp, categories=CATEGORIES, selected="selected", n_boot=0,
                       date="2024-05-01")
    text = audit.to_html()
    assert "64.3%" in text and "0.58" in text and "2024-05-01" in text
    assert "Unknown category" in text and "race_ethnicity: 36" in text


def test_markdown_escapes_labels(payload_audit):
    text = payload_audit.to_markdown()
    assert "<script>" not in text and "<b>" not in text
    assert "a\\|b &lt;b&gt;bold&lt;/b&gt; \\*x\\*" in text
    table_lines = [line for line in text.splitlines() if line.startswith("| ")]
    widths = {len(re.findall(r"(?<!\\)\|", line)) for line in table_lines}
    assert len(widths) == 1  # every row has the same number of cells


def test_json_document_follows_the_schema(payload_audit, tmp_path):
    path = tmp_path / "audit.json"
    text = payload_audit.to_json(path)
    doc = json.loads(path.read_text())
    assert doc == json.loads(text) == payload_audit.to_dict()
    assert doc["schema"] == "rai_toolkit.bias_audit/1"
    assert set(doc) == {
        "schema", "title", "standard", "standard_name", "date", "created_at", "toolkit_version",
        "data_source", "method", "outcome_column", "median_score", "categories",
        "intersectional", "n_rows", "unknown", "small_share", "exclude_small",
        "exclusion_justification", "excluded_from_reference", "reference", "bootstrap",
        "columns", "rows", "notes",
    }
    assert doc["columns"] == list(payload_audit.table.columns)
    row = doc["rows"][0]
    assert set(row) == set(doc["columns"]) | {
        "rate_lower", "rate_upper", "impact_ratio_lower", "impact_ratio_upper"
    }
    for r, (_, t) in zip(doc["rows"], payload_audit.table.iterrows()):
        assert r["applicants"] == t["applicants"] and r["category"] == t["category"]
        assert (r["p_value"] is None) == bool(np.isnan(t["p_value"]))
    assert "NaN" not in text


def test_json_schema_is_documented():
    from pathlib import Path

    doc = (Path(__file__).resolve().parents[2] / "docs" / "audit_schema.md").read_text()
    for key in ("rai_toolkit.bias_audit/1", "excluded_from_reference", "median_score",
                "four_fifths", "shortfall", "impact_ratio_lower", "small_category"):
        assert key in doc


def test_repr_and_notebook_view(payload_audit):
    text = repr(payload_audit)
    assert text.startswith("<BiasAudit eeoc") and "168 rows" in text
    fragment = payload_audit._repr_html_()
    assert "<script" not in fragment and "&lt;script&gt;" in fragment
    assert "<html" not in fragment


@pytest.mark.parametrize(
    "method, name, message",
    [
        ("to_html", "audit.pdf", r"should end in \.html or \.htm; received \.pdf"),
        ("to_json", "audit.txt", r"should end in \.json"),
        ("to_markdown", "audit", r"should end in \.md or \.markdown or \.txt; received no "
                                 r"extension"),
    ],
)
def test_output_suffix_is_checked(dcwp, tmp_path, method, name, message):
    audit = bias_audit(dcwp, categories=CATEGORIES, selected="selected", n_boot=0)
    with pytest.raises(ArgumentError, match=message):
        getattr(audit, method)(tmp_path / name)
    assert list(tmp_path.iterdir()) == []


def test_output_folder_problems(dcwp, tmp_path):
    audit = bias_audit(dcwp, categories=CATEGORIES, selected="selected", n_boot=0)
    folder = tmp_path / "x.html"
    folder.mkdir()
    with pytest.raises(ArgumentError, match=r"is a folder"):
        audit.to_html(folder)
    with pytest.raises(ArgumentError, match=r"folder .* does not exist"):
        audit.to_html(tmp_path / "missing" / "a.html")
    with pytest.raises(ArgumentError, match=r"must be a file path"):
        audit.to_html(3)


def test_table_is_a_copy(dcwp):
    audit = bias_audit(dcwp, categories=CATEGORIES, selected="selected", n_boot=0)
    table = audit.table
    table.loc[0, "rate"] = 99.0
    assert audit.table.loc[0, "rate"] != 99.0
    assert audit.table.dtypes.astype(str).to_dict()["applicants"] == "int64"
