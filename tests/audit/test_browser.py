"""The audit page in a real browser: nothing runs, nothing is fetched, labels show as text."""

import pytest

from rai_toolkit.audit import bias_audit

PAYLOAD = '"><script>window.__pwned=1</script><img src=x onerror=alert(1)>'


@pytest.mark.browser
def test_audit_page_is_inert_and_offline(browser, dcwp, tmp_path):
    frame = dcwp.assign(race=dcwp["race"].replace({"Hispanic or Latino": PAYLOAD}))
    audit = bias_audit(frame, categories={"sex": "sex", "race_ethnicity": "race"},
                       selected="selected", standard="eeoc", n_boot=200, random_state=0,
                       title=PAYLOAD)
    path = tmp_path / "audit.html"
    audit.to_html(path)
    page = browser.new_page()
    events = {"console": [], "requests": [], "dialogs": [], "errors": []}
    page.on("console", lambda m: events["console"].append(m.text))
    page.on("request", lambda r: events["requests"].append(r.url))
    page.on("pageerror", lambda e: events["errors"].append(str(e)))
    page.on("dialog", lambda d: (events["dialogs"].append(d.message), d.dismiss()))
    page.goto(path.as_uri())
    page.wait_for_load_state("load")
    assert page.evaluate("typeof window.__pwned") == "undefined"
    assert events == {"console": [], "requests": [path.as_uri()], "dialogs": [], "errors": []}
    text = page.inner_text("body")
    assert PAYLOAD in text
    assert page.locator("table").count() == 4  # the facts and one table per dimension
    assert "64.3%" in text
    page.close()
