import json

import pandas as pd
import pytest

from rai_toolkit.exceptions import ArgumentError
from rai_toolkit.report import impact_assessment
from rai_toolkit.report._scorecard import PRINCIPLES

from .conftest import PAYLOAD_SCRIPT


def test_verdicts_match_the_fairness_report(assessment):
    ours = assessment.verdicts
    sex = ours[ours["grouping"] == "group"].set_index("criterion")
    theirs = assessment.fairness.by_feature("group").verdicts
    pd.testing.assert_series_equal(sex["status"], theirs["status"], check_names=False)
    pd.testing.assert_series_equal(
        sex["value"].astype(float), theirs["value"].astype(float), check_names=False
    )


def test_biased_model_fails_demographic_parity(assessment):
    assert "demographic_parity" in assessment.failed()
    assert assessment.scorecard.loc["fairness", "status"] == "concern"


def test_scorecard_covers_six_principles_and_does_not_score_human_ones(assessment):
    card = assessment.scorecard
    assert list(card.index) == [p[0] for p in PRINCIPLES]
    assert card.loc["inclusiveness", "status"] == "human review"
    assert card.loc["accountability", "status"] == "human review"
    html = assessment.to_html()
    for anchor in card["anchor"]:
        assert f'id="{anchor}"' in html


def test_json_round_trips_to_dict(assessment, tmp_path):
    path = tmp_path / "a.json"
    text = assessment.to_json(path)
    assert json.loads(path.read_text()) == json.loads(text) == assessment.to_dict()


def test_membership_inference_runs_only_with_train(assessment):
    doc = assessment.to_dict()
    mia = doc["security"]["membership"]
    assert mia["details"]["n_members"] > 0 and 0 <= mia["auc"] <= 1


def test_disparity_attribution_compares_shown_groups_and_adds_up(assessment):
    gap = assessment.disparity_explanations["region"]
    assert PAYLOAD_SCRIPT not in gap.groups
    assert gap.contributions.sum() == pytest.approx(gap.measured_total, abs=1e-6)


def test_unknown_keyword_is_rejected(biased):
    from rai_toolkit.report import assess

    with pytest.raises(ArgumentError, match="unexpected keyword argument\\(s\\): n_bootstrap"):
        assess(
            biased["model"], biased["test"], target="y", sensitive_features="group", n_bootstrap=10
        )


def test_impact_assessment_has_five_sections_evidence_and_todos(assessment):
    text = impact_assessment(assessment, system_name="Loan screening", owner="A. Owner")
    for heading in (
        "## 1 System Information",
        "## 2 Intended Uses",
        "## 3 Adverse Impact",
        "## 4 Data Requirements",
        "## 5 Summary of Impact",
    ):
        assert heading in text
    assert "Loan screening" in text and "A. Owner" in text
    assert "> TODO (owner to complete): List each intended use" in text
    dp = assessment.verdicts.query("grouping == 'group' and criterion == 'demographic_parity'")
    assert f"{dp['value'].iloc[0]:.3f}" in text


def test_impact_assessment_rejects_unknown_fields(assessment):
    with pytest.raises(ArgumentError, match=r"fields names 'colour', 'sytem_name', which are not "
                       r"among the impact assessment fields: 'system_name', .*'sign_off'\. Did you "
                       r"mean 'system_name' for 'sytem_name'\?") as info:
        impact_assessment(assessment, colour="red", sytem_name="Loan screening")
    assert info.value.argument == "fields"


@pytest.mark.parametrize("value", [pd.DataFrame(), 3, ["owner", 4], {"a": "b"}])
def test_impact_assessment_answers_must_be_text(assessment, tmp_path, value):
    # a DataFrame used to leak pandas' ambiguity error, a number was written as it came
    path = tmp_path / "impact.md"
    for call in (lambda: impact_assessment(assessment, system_name=value, path=path),
                 lambda: impact_assessment(assessment, owner=value, path=path)):
        with pytest.raises(ArgumentError, match=r"Impact assessment field '(system_name|owner)' "
                           r"must be text, a list of texts or None; received") as info:
            call()
        assert info.value.argument == "fields"
    assert list(tmp_path.iterdir()) == []
    with pytest.raises(ArgumentError, match=r"`assessment` must be an Assessment returned by "
                       r"assess\(\); received 'report\.json'") as info:
        impact_assessment("report.json")
    assert info.value.argument == "assessment"


def test_failed_names_only_known_criteria(assessment):
    # a misspelt criterion used to be filtered out silently, so it could never fail
    assert assessment.failed("demographic_parity") == ["demographic_parity"]
    assert assessment.failed(["demographic_parity", "calibration"]) == assessment.failed(
        ("calibration", "demographic_parity"))
    with pytest.raises(ArgumentError, match=r"criteria='demographic_parityy' is not valid; "
                       r"choose one of 'demographic_parity', 'equalized_odds', .*\. Did you mean "
                       r"'demographic_parity'\?$") as info:
        assessment.failed(["demographic_parityy"])
    assert info.value.argument == "criteria"
    for bad in (3, None.__class__, {"demographic_parity": 1}):
        with pytest.raises(ArgumentError, match=r"criteria must be a criterion name or a list"):
            assessment.failed(bad)


def test_assess_checks_the_impact_answers_before_any_work(biased):
    from rai_toolkit.report import assess

    for fields, match in [({"owner": 3}, r"field 'owner' must be text"),
                          ({"colour": "red"}, r"impact_fields names 'colour', which is not among "
                                           r"the impact assessment fields: 'system_name'")]:
        with pytest.raises(ArgumentError, match=match) as info:
            assess(biased["model"], biased["test"], target="y", sensitive_features="group",
                   impact_fields=fields, progress=lambda *a: pytest.fail("work started"))
        assert info.value.argument == "impact_fields"
