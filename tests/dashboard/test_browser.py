"""The dashboard rendered in headless Chromium (Debian's /usr/bin/chromium)."""

from __future__ import annotations

import re

import pytest

from rai_toolkit.dashboard import launch_dashboard

#: Section headings as raiwidgets 0.36 renders them.
SECTIONS = ["Error analysis", "Model overview", "Data analysis", "Feature importances",
            "Counterfactuals", "Causal analysis"]

pytestmark = pytest.mark.browser


def _open(browser, url):
    page = browser.new_page(viewport={"width": 1600, "height": 1200})
    # offline machine: fail CDN font requests at once instead of waiting for DNS
    page.route(re.compile(r"^https?://(?!127\.0\.0\.1)"), lambda route: route.abort())
    page.goto(url, timeout=60_000)
    page.get_by_text("Causal analysis", exact=True).first.wait_for(timeout=90_000)
    return page


@pytest.fixture(scope="module")
def page(browser, insights):
    url = launch_dashboard(insights)
    p = _open(browser, url)
    yield p
    p.close()
    url.stop()


@pytest.mark.parametrize("heading", SECTIONS)
def test_section_renders(page, heading):
    assert page.get_by_text(heading, exact=True).first.is_visible()


def test_sensitive_cohorts_are_offered(page, insights):
    text = page.inner_text("body")
    for name in insights.cohort_names:
        assert name in text


def test_saved_folder_opens_in_the_browser(browser, saved_path, insights):
    url = launch_dashboard(saved_path)
    try:
        p = _open(browser, url)
        text = p.inner_text("body")
        assert all(h in text for h in SECTIONS)
        assert all(n in text for n in insights.cohort_names)
        p.close()
    finally:
        url.stop()
