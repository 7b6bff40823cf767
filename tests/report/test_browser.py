from pathlib import Path

import pytest

from .conftest import PAYLOAD_GROUP, PAYLOAD_SCRIPT

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
def _open(browser, path):
    page = browser.new_page(viewport={"width": 1200, "height": 900})
    events = {"console": [], "requests": [], "dialogs": [], "errors": []}
    page.on("console", lambda m: events["console"].append(f"{m.type}: {m.text}"))
    page.on("request", lambda r: events["requests"].append(r.url))
    page.on("pageerror", lambda e: events["errors"].append(str(e)))

    def dialog(d):
        events["dialogs"].append(d.message)
        d.dismiss()

    page.on("dialog", dialog)
    page.goto(path.as_uri())
    page.wait_for_load_state("load")
    return page, events


@pytest.mark.browser
def test_payloads_do_not_run_and_show_as_text(browser, payload_html):
    page, events = _open(browser, payload_html)
    assert page.evaluate("typeof window.__pwned") == "undefined"
    assert events["dialogs"] == [] and events["errors"] == []
    assert events["console"] == []
    assert events["requests"] == [payload_html.as_uri()]
    text = page.inner_text("body")
    assert PAYLOAD_SCRIPT in text and PAYLOAD_GROUP in text
    page.close()


@pytest.mark.browser
def test_adult_report_renders(browser, adult_assessment, tmp_path):
    path = tmp_path / "adult.html"
    adult_assessment.to_html(path)
    page, events = _open(browser, path)
    assert events["requests"] == [path.as_uri()] and events["console"] == []
    assert page.locator("section").count() == 12  # 11 sections and the regulatory evidence map
    assert page.locator("svg.chart").count() >= 6
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "adult_report.png"), full_page=True)
    assert (ARTIFACTS / "adult_report.png").stat().st_size > 10_000
    page.close()
