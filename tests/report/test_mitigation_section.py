"""A mitigation passed to assess() appears in the JSON document and the HTML report."""

import re
import warnings

import pytest

from rai_toolkit.mitigation import mitigate
from rai_toolkit.report import assess

from .conftest import FEATURES


@pytest.fixture(scope="module")
def mitigated(biased):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        result = mitigate(biased["model"], biased["train"], biased["test"], target="y",
                          sensitive_features="group", features=FEATURES, random_state=0,
                          n_boot=100)
        assessment = assess(biased["model"], biased["test"], target="y",
                            sensitive_features="group", mitigation=result, explain=False,
                            privacy=False, robustness=False, n_boot=100, random_state=0)
    return result, assessment


def test_document_carries_the_before_after_comparison(mitigated):
    result, assessment = mitigated
    doc = assessment.to_dict()["mitigation"]
    assert doc["constraint"] == "demographic_parity" and doc["method"] == "postprocess"
    by_measure = {row["measure"]: row for row in doc["comparison"]}
    for measure, row in result.comparison.iterrows():
        assert by_measure[measure]["before"] == pytest.approx(row["before"])
        assert by_measure[measure]["after"] == pytest.approx(row["after"])
    gap = by_measure["selection_rate_difference"]
    assert gap["after"] < gap["before"]


def test_html_shows_the_mitigation_table(mitigated):
    result, assessment = mitigated
    html = assessment.to_html()
    section = re.search(r'<section id="mitigation">(.*?)</section>', html, flags=re.S).group(1)
    assert "No mitigation was evaluated" not in section
    assert "selection_rate_difference" in section
    before = result.comparison.loc["selection_rate_difference", "before"]
    assert f"{before:.3f}" in section
