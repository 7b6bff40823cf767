"""ProPublica's COMPAS error-rate table, reproduced from the bundled two-year file.

ProPublica ("Machine Bias", 2016) published, for score_text Medium/High as the
"higher risk" prediction and two-year recidivism as the outcome:
false positive rate 44.85% (African-American) vs 23.45% (Caucasian) and
false negative rate 27.99% vs 47.72%. Those figures come from all 7,214 rows
of compas-scores-two-years.csv; the filters is_recid != -1,
c_charge_degree != 'O' and score_text != 'N/A' remove no row of that file.
The further filter |days_b_screening_arrest| <= 30 used for ProPublica's
logistic regression (the usual 6,172-row frame) changes the rates to 42.34% /
22.01% (FPR) and 28.48% / 49.64% (FNR); both are checked.
"""

from __future__ import annotations

import warnings

import pytest

from rai_toolkit.datasets import load_compas
from rai_toolkit.fairness import analyze_fairness


@pytest.fixture(scope="module")
def compas():
    frame = load_compas().frame
    frame = frame[
        (frame["is_recid"] != -1)
        & (frame["c_charge_degree"] != "O")
        & (frame["score_text"] != "N/A")
        & frame["score_text"].notna()
    ].copy()
    frame["high_risk"] = (frame["score_text"] != "Low").astype(int)
    return frame


def rates(frame):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        report = analyze_fairness(
            None,
            frame,
            target="two_year_recid",
            sensitive_features="race",
            y_pred="high_risk",
            n_boot=0,
        )
    return report.by_group[["false_positive_rate", "false_negative_rate"]] * 100


def test_propublica_published_error_rates(compas):
    assert len(compas) == 7214
    table = rates(compas).round(2)
    assert table.loc["African-American", "false_positive_rate"] == 44.85
    assert table.loc["Caucasian", "false_positive_rate"] == 23.45
    assert table.loc["African-American", "false_negative_rate"] == 27.99
    assert table.loc["Caucasian", "false_negative_rate"] == 47.72


def test_screening_window_frame_error_rates(compas):
    window = compas[compas["days_b_screening_arrest"].between(-30, 30)]
    assert len(window) == 6172
    table = rates(window).round(2)
    assert table.loc["African-American", "false_positive_rate"] == 42.34
    assert table.loc["Caucasian", "false_positive_rate"] == 22.01
    assert table.loc["African-American", "false_negative_rate"] == 28.48
    assert table.loc["Caucasian", "false_negative_rate"] == 49.64
