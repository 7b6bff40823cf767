import numpy as np
import pandas as pd
import pytest

from rai_toolkit.report._scorecard import _privacy, _reliability, findings
from rai_toolkit.security import check_privacy

N = 300


def _doc(frame, *, sensitive=(), membership=None):
    return {
        "settings": {"sensitive_features": list(sensitive)},
        "security": {"privacy": check_privacy(frame).to_dict(), "membership": membership},
    }


@pytest.fixture(scope="module")
def rng():
    return np.random.default_rng(0)


@pytest.fixture(scope="module")
def with_race(rng):
    return pd.DataFrame({"race": rng.choice(["A", "B", "C"], N), "score": rng.normal(size=N)})


def test_adult_privacy_is_a_concern_because_k_anonymity_fails(adult_assessment):
    from rai_toolkit.datasets import load_adult

    row = adult_assessment.scorecard.loc["privacy_security"]
    ka = adult_assessment.to_dict()["security"]["privacy"]["k_anonymity"]
    # independent count of the equivalence classes on the same rows
    _, test = load_adult().train_test()
    sizes = test.frame.groupby(ka["quasi_identifiers"], dropna=False).size()
    share = sizes[sizes < 5].sum() / len(test.frame)
    assert ka["share_rows_below_k"] == pytest.approx(share)
    assert share == pytest.approx(0.18, abs=0.01)
    assert row["status"] == "concern"
    assert "k-anonymity (k=5) not satisfied" in row["evidence"]
    assert f"{share:.1%} of rows" in row["evidence"]
    assert "Special-category data present: race. Expected here" in row["evidence"]
    assert row["anchor"] == "security"


def test_adult_summary_names_the_k_anonymity_finding(adult_assessment):
    text = " ".join(adult_assessment.to_dict()["findings"])
    assert "k-anonymity is not satisfied: 18.0% of rows" in text


def test_direct_identifier_is_a_concern_and_named(rng):
    frame = pd.DataFrame(
        {"email": [f"user{i}@example.com" for i in range(N)], "score": rng.normal(size=N)}
    )
    status, evidence = _privacy(_doc(frame))
    assert status == "concern"
    assert "Concern: direct identifiers" in evidence
    assert "email (email)" in evidence
    assert any("direct identifiers: email" in f for f in findings(_fairless(_doc(frame))))


def test_special_category_sensitive_feature_alone_meets_policy(with_race):
    status, evidence = _privacy(_doc(with_race, sensitive=["race"]))
    assert status == "meets policy"
    assert "k-anonymity satisfied at k=5 on race (smallest group" in evidence
    assert "Special-category data present: race. Expected here" in evidence
    assert "Membership inference not run" in evidence


def test_special_category_not_analysed_is_flagged_for_review(with_race):
    status, evidence = _privacy(_doc(with_race, sensitive=[]))
    assert status == "meets policy"
    assert "not used as a sensitive feature: race" in evidence


@pytest.mark.parametrize(
    ("risk", "auc", "status"),
    [("low", 0.52, "meets policy"), ("moderate", 0.60, "concern"), ("high", 0.72, "concern")],
)
def test_membership_risk_sets_status(with_race, risk, auc, status):
    got, evidence = _privacy(
        _doc(with_race, sensitive=["race"], membership={"risk": risk, "auc": auc})
    )
    assert got == status
    assert f"Membership-inference risk {risk} (attack AUC {auc:.3f})" in evidence


def _fairless(doc):
    """The parts of an assessment document that findings() reads besides security."""
    return {**doc, "fairness": {"ci": 0.95, "verdicts": [], "groupings": [], "task": "binary"}}


# ---------------------------------------------------------------- policy values come from results
def _reliability_doc(flip, threshold, cohort_rate, lift):
    return {
        "error_analysis": {
            "metric": "error_rate",
            "overall": {"n": 1000, "errors": 100, "error_rate": 0.1},
            "concern_lift": lift,
            "cohorts": [
                {"cohort": "g = a", "error_rate": cohort_rate, "count": 200, "significant": True}
            ],
        },
        "security": {"robustness": {"overall": {"overall": flip}, "concern_threshold": threshold}},
    }


@pytest.mark.parametrize(
    ("flip", "threshold", "status"),
    [(0.04, 0.05, "inconclusive"), (0.04, 0.03, "concern"), (0.06, 0.05, "concern")],
)
def test_reliability_reads_the_flip_rate_threshold_from_the_document(flip, threshold, status):
    assert _reliability(_reliability_doc(flip, threshold, 0.15, 2.0))[0] == status


@pytest.mark.parametrize(("lift", "status"), [(2.0, "inconclusive"), (1.5, "concern")])
def test_reliability_reads_the_concern_lift_from_the_document(lift, status):
    assert _reliability(_reliability_doc(0.0, 0.05, 0.16, lift))[0] == status


def test_the_policy_values_are_the_analyses_own():
    from rai_toolkit.error_analysis._result import CONCERN_LIFT, ErrorAnalysis
    from rai_toolkit.security._robustness import FLIP_RATE_CONCERN, RobustnessReport

    assert (FLIP_RATE_CONCERN, CONCERN_LIFT) == (0.05, 2.0)
    assert RobustnessReport.concern_threshold.fget(None) == FLIP_RATE_CONCERN
    assert ErrorAnalysis.concern_lift.fget(None) == CONCERN_LIFT
