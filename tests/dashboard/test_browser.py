"""The dashboard rendered in headless Chromium (Debian's /usr/bin/chromium).

Built and launched from this (modern) environment; served by the isolated runtime; its
what-if predictions answered by the model in this process.
"""

from __future__ import annotations

import re

import pytest

from rai_toolkit.dashboard import launch_dashboard

from .conftest import row_values

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
def page(browser, dashboard_url):
    p = _open(browser, dashboard_url)
    yield p
    p.close()


@pytest.mark.parametrize("heading", SECTIONS)
def test_section_renders(page, heading):
    assert page.get_by_text(heading, exact=True).first.is_visible()


def test_sensitive_cohorts_are_offered(page, insights):
    text = page.inner_text("body")
    for name in insights.cohort_names:
        assert name in text


_FETCH_PREDICT = """async (rows) => {
    const r = await fetch("/predict", {method: "POST", body: JSON.stringify(rows),
                                       headers: {"Content-Type": "application/json"}});
    return await r.json();
}"""


def test_what_if_from_the_page_is_answered_by_the_users_model(page, adult_small, dashboard_url):
    # the request the what-if panel sends, from inside the page (same origin, same route)
    model, _, test, _ = adult_small
    X = test.drop(columns="income")
    changed = X.iloc[[7]].copy()
    changed["age"] = 58
    changed["capital_gain"] = 7688
    row = row_values(changed.iloc[0])
    requests = dashboard_url._channel.stats["requests"]
    body = page.evaluate(_FETCH_PREDICT, [row])
    assert "error" not in body
    assert body["data"][0] == pytest.approx(model.predict_proba(changed)[0].tolist(), rel=1e-12)
    assert dashboard_url._channel.stats["requests"] == requests + 1


def test_saved_folder_opens_in_the_browser(browser, saved_path, trusted, insights):
    url = launch_dashboard(saved_path, trusted=trusted)
    try:
        p = _open(browser, url)
        text = p.inner_text("body")
        assert all(h in text for h in SECTIONS)
        assert all(n in text for n in insights.cohort_names)
        p.close()
    finally:
        url.stop()
