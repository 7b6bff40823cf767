import re

import pytest

from rai_toolkit.exceptions import ArgumentError
from rai_toolkit.report._markdown import escape_markdown, markdown_to_html
from rai_toolkit.report._svg import Bar, bar_chart

from .conftest import PAYLOAD_COLUMN, PAYLOAD_GROUP, PAYLOAD_SCRIPT

SECTIONS = (
    "summary",
    "fairness",
    "attribution",
    "explanations",
    "errors",
    "model-card",
    "security",
    "mitigation",
    "scorecard",
    "impact",
    "limitations",
)


def test_payloads_are_escaped_everywhere(payload_html):
    html = payload_html.read_text()
    assert "<script" not in html
    assert "<img" not in html and "<svg onload" not in html
    assert "&lt;script&gt;window.__pwned=1&lt;/script&gt;" in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html
    assert "&lt;svg onload=alert(2)&gt;" in html
    # no attribute was broken open by a quote in the payload
    assert not re.search(r"<[^>]*\son\w+\s*=", html)


def test_report_references_nothing_outside_the_file(payload_html):
    html = payload_html.read_text()
    for pattern in (
        r"<link\b",
        r"<script\b",
        r"<iframe\b",
        r"<img\b",
        r"@import",
        r"url\(",
        r"<[^>]*\bsrc\s*=",
        r'<a [^>]*href="(?!#)',
    ):
        assert not re.search(pattern, html, flags=re.I), pattern
    assert "Content-Security-Policy" in html


def test_every_section_has_its_anchor(payload_html):
    html = payload_html.read_text()
    for section in SECTIONS:
        assert f'<section id="{section}">' in html


def test_suppressed_cells_read_suppressed(payload_html, assessment):
    html = payload_html.read_text()
    escaped = "&quot;&gt;&lt;script&gt;window.__pwned=1&lt;/script&gt;"
    row = re.search(r'<tr class="hidden"><td>' + re.escape(escaped) + r"</td>(.*?)</tr>", html)
    assert row is not None and "suppressed" in row.group(1)
    assert not re.search(r"\d", re.sub(r"<[^>]+>", "", row.group(1)))


def test_adult_report_is_under_5_mb(adult_assessment, tmp_path):
    path = tmp_path / "adult.html"
    adult_assessment.to_html(path)
    assert path.stat().st_size < 5 * 1024 * 1024


def test_writing_into_a_missing_folder_fails_and_leaves_nothing(assessment, tmp_path):
    target = tmp_path / "nope" / "r.html"
    with pytest.raises(ArgumentError, match="folder .* does not exist"):
        assessment.to_html(target)
    assert not target.parent.exists()


def test_svg_labels_and_notes_are_escaped():
    svg = bar_chart(
        [Bar(PAYLOAD_GROUP, 0.5, 0.4, 0.6), Bar(PAYLOAD_COLUMN, None, note=PAYLOAD_SCRIPT)],
        title=PAYLOAD_SCRIPT,
    )
    assert "<img" not in svg and "<script" not in svg and "<svg onload" not in svg
    assert svg.count("&lt;img src=x onerror=alert(1)&gt;") >= 2  # label and its tooltip


def test_markdown_renders_literal_text_and_only_in_page_links():
    md = (
        f"# T\n\n| a |\n|---|\n| {escape_markdown(PAYLOAD_SCRIPT + ' | x')} |\n\n"
        "[ok](#fairness) [bad](javascript:alert(1))"
    )
    html = markdown_to_html(md)
    assert "<script" not in html and 'href="javascript' not in html
    assert '<a href="#fairness">ok</a>' in html
    assert "&lt;script&gt;window.__pwned=1&lt;/script&gt; | x" in html


def test_regression_report_explains_regression_metrics_not_selection_rates():
    import warnings

    import numpy as np
    import pandas as pd
    from sklearn.linear_model import LinearRegression

    from rai_toolkit.report import assess

    rng = np.random.default_rng(0)
    frame = pd.DataFrame({"x": rng.normal(size=600), "g": rng.choice(["a", "b"], 600)})
    frame["t"] = 2 * frame["x"] + rng.normal(size=600)
    model = LinearRegression().fit(frame[["x"]], frame["t"])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        html = assess(model, frame, target="t", sensitive_features="g", features=["x"],
                      n_boot=100, random_state=0, robustness=False).to_html()
    fairness = html[html.index('<section id="fairness">'):]
    fairness = fairness[: fairness.index("</section>")]
    assert "mae and rmse are the model's errors" in fairness
    assert "selection rate is the share" not in fairness
