import json

import numpy as np
import pandas as pd
import pytest

from rai_toolkit.exceptions import ArgumentError, DataValidationError
from rai_toolkit.security import PrivacyReport, check_privacy
from rai_toolkit.security._pii import luhn_valid

N = 120


def _with_luhn_digit(prefix: str) -> str:
    return next(prefix + str(d) for d in range(10) if luhn_valid(prefix + str(d)))


@pytest.fixture(scope="module")
def pii_frame():
    rng = np.random.default_rng(1)
    first = ["James", "Maria", "Wei", "Aisha", "Olga", "Kwame", "Priya", "Lucas"]
    last = ["Smith", "Garcia", "Chen", "Khan", "Ivanova", "Mensah", "Patel", "Silva"]
    # Column names are neutral on purpose so that only the values can give them away.
    return pd.DataFrame(
        {
            "contact": [f"user{i}@example.com" for i in range(N)],
            "reach": [
                f"+1 (555) {rng.integers(200, 999)}-{rng.integers(1000, 9999)}" for _ in range(N)
            ],
            "ref": [
                f"{rng.integers(100, 665):03d}-{rng.integers(10, 99)}-{rng.integers(1000, 9999)}"
                for _ in range(N)
            ],
            "who": [f"{rng.choice(first)} {rng.choice(last)}" for _ in range(N)],
            "pay": [
                _with_luhn_digit("4" + "".join(map(str, rng.integers(0, 10, 14)))) for _ in range(N)
            ],
            "host": [".".join(map(str, rng.integers(0, 256, 4))) for _ in range(N)],
            "hours_per_week": rng.integers(10, 60, N),
            "capital_gain": rng.integers(0, 5000, N),
            "score": rng.random(N),
            "city": rng.choice(["New York", "San Francisco", "Los Angeles"], N),
            "segment": rng.choice(["retail", "online", "partner"], N),
        }
    )


@pytest.fixture(scope="module")
def pii_report(pii_frame):
    return check_privacy(pii_frame)


@pytest.mark.parametrize(
    "column, kind",
    [
        ("contact", "email"),
        ("reach", "phone"),
        ("ref", "national_id"),
        ("who", "person_name"),
        ("pay", "credit_card"),
        ("host", "ip_address"),
    ],
)
def test_pii_detected_from_values(pii_report, column, kind):
    rows = pii_report.findings.set_index("column")
    assert rows.loc[column, "kind"] == kind
    assert rows.loc[column, "evidence"] == "values"
    assert rows.loc[column, "share"] == 1.0


def test_measurements_and_plain_categories_not_flagged(pii_report):
    flagged = set(pii_report.findings["column"])
    assert flagged.isdisjoint({"hours_per_week", "capital_gain", "score", "city", "segment"})


def test_card_numbers_failing_luhn_are_not_cards(pii_frame):
    bad = pii_frame["pay"].map(lambda v: v[:-1] + str((int(v[-1]) + 1) % 10))
    report = check_privacy(pd.DataFrame({"pay": bad}), quasi_identifiers=[])
    assert "credit_card" not in set(report.findings["kind"])


def test_luhn_matches_known_test_numbers():
    assert luhn_valid("4111111111111111")  # Visa test number
    assert luhn_valid("79927398713")  # textbook example
    assert not luhn_valid("79927398710")


def test_iban_checksum():
    ok = ["GB82 WEST 1234 5698 7654 32", "DE89370400440532013000"] * 5
    wrong = ["GB82 WEST 1234 5698 7654 33", "DE89370400440532013001"] * 5
    found = check_privacy(pd.DataFrame({"a": ok, "b": wrong}), quasi_identifiers=[]).findings
    assert found[["column", "kind"]].values.tolist() == [["a", "iban"]]


def test_name_evidence_without_matching_values():
    frame = pd.DataFrame({"zip_code": [12345, 23456, 34567], "EmailAddress": ["x", "y", "z"]})
    found = check_privacy(frame, quasi_identifiers=[]).findings.set_index("column")
    assert found.loc["zip_code", "kind"] == "postal_code"
    assert found.loc["zip_code", "evidence"] == "name"
    assert np.isnan(found.loc["zip_code", "share"])  # integer column: values not scanned
    assert found.loc["EmailAddress", "kind"] == "email"
    assert found.loc["EmailAddress", "share"] == 0.0


def test_name_and_values_agree_is_both():
    frame = pd.DataFrame({"email": ["a@b.org", "c@d.com", "e@f.net"]})
    row = check_privacy(frame, quasi_identifiers=[]).findings.iloc[0]
    assert (row["kind"], row["evidence"]) == ("email", "both")


def test_birth_dates_flagged_as_date_of_birth():
    frame = pd.DataFrame({"dob": ["1980-01-31", "1975-12-02", "2001-07-04"]})
    row = check_privacy(frame, quasi_identifiers=[]).findings.iloc[0]
    assert (row["kind"], row["evidence"]) == ("date_of_birth", "both")
    assert "year" in row["recommendation"]


def test_recommendations_name_the_action(pii_report):
    rec = pii_report.findings.set_index("kind")["recommendation"]
    assert rec["email"].startswith("Drop")
    assert "hash" in rec["email"]


# ---------------------------------------------------------------- k-anonymity
@pytest.fixture(scope="module")
def tiny():
    # classes: (30,F,A)=3 rows, (30,M,A)=2, (40,F,B)=1, (40,M,A)=1 -> min 1, 4 classes
    return pd.DataFrame(
        {
            "age": [30, 30, 30, 30, 30, 40, 40],
            "sex": ["F", "F", "F", "M", "M", "F", "M"],
            "zip": ["A", "A", "A", "A", "A", "B", "A"],
            "income": [1, 0, 1, 0, 1, 0, 1],
        }
    )


def test_k_anonymity_exact(tiny):
    ka = check_privacy(tiny, k=3).k_anonymity
    assert ka["min_class_size"] == 1
    assert ka["n_classes"] == 4
    assert ka["n_classes_below_k"] == 3
    assert ka["n_rows_below_k"] == 4
    assert ka["share_rows_below_k"] == pytest.approx(4 / 7)
    assert not ka["satisfied"]


def test_k_anonymity_default_quasi_identifiers(tiny):
    report = check_privacy(tiny)
    assert report.quasi_identifiers == ["age", "sex", "zip"]


def test_k_anonymity_satisfied_after_generalising(tiny):
    ka = check_privacy(tiny, quasi_identifiers=["sex"], k=3).k_anonymity
    assert (ka["min_class_size"], ka["n_classes"], ka["satisfied"]) == (3, 2, True)


def test_missing_quasi_identifier_values_form_their_own_class():
    frame = pd.DataFrame({"sex": ["F", "F", None, None, None]})
    classes = check_privacy(frame, k=2).equivalence_classes
    assert sorted(classes["size"]) == [2, 3]


def test_continuous_quasi_identifier_reported():
    frame = pd.DataFrame({"age": np.arange(18, 60), "sex": ["F", "M"] * 21})
    report = check_privacy(frame)
    assert report.continuous_quasi_identifiers == ["age"]
    assert "generalise" in report.interpretation


def test_no_quasi_identifiers_means_no_k_anonymity():
    report = check_privacy(pd.DataFrame({"x": [1.0, 2.0]}))
    assert report.k_anonymity is None
    assert "quasi_identifiers=" in report.interpretation


def test_to_dict_schema_is_json_ready(pii_report, tiny):
    d = check_privacy(tiny, k=3).to_dict()
    assert set(d) == {
        "n_rows",
        "n_columns",
        "sample_size",
        "findings",
        "k_anonymity",
        "interpretation",
    }
    assert d["k_anonymity"]["min_class_size"] == 1
    assert d["k_anonymity"]["quasi_identifiers"] == ["age", "sex", "zip"]
    out = json.loads(pii_report.to_json())
    assert {f["kind"] for f in out["findings"]} >= {"email", "credit_card"}
    assert set(out["findings"][0]) == {"column", "kind", "share", "evidence", "recommendation"}


def test_views(pii_report):
    assert isinstance(pii_report, PrivacyReport)
    assert "contact: email" in repr(pii_report)
    assert "<table" in pii_report._repr_html_()
    assert pii_report.summary() == pii_report.interpretation
    assert "direct identifiers" in pii_report.interpretation


def test_findings_property_is_a_copy(pii_report):
    pii_report.findings.drop(index=0, inplace=True)
    assert len(pii_report.findings) == 6


def test_sampling_bounds_scanned_values(pii_frame):
    report = check_privacy(pii_frame, sample_size=10)
    assert report.to_dict()["sample_size"] == 10
    assert "email" in set(report.findings["kind"])


# ---------------------------------------------------------------- bad input
def test_empty_frame():
    with pytest.raises(DataValidationError, match="`data` is empty"):
        check_privacy(pd.DataFrame({"a": []}))


def test_not_a_frame():
    with pytest.raises(DataValidationError, match="must be a pandas DataFrame; received list"):
        check_privacy([{"email": "a@b.c"}])


def test_unknown_quasi_identifier(tiny):
    with pytest.raises(DataValidationError, match="'postcode' given as `quasi_identifiers`"):
        check_privacy(tiny, quasi_identifiers=["age", "postcode"])


@pytest.mark.parametrize("k", [1, 0, 2.5])
def test_k_below_two(tiny, k):
    with pytest.raises(ArgumentError, match="k must be an integer >= 2; received .*k=1 holds"):
        check_privacy(tiny, k=k)


def test_bad_sample_size(tiny):
    with pytest.raises(ArgumentError, match="sample_size must be an integer >= 1; received 0"):
        check_privacy(tiny, sample_size=0)


def test_unhashable_quasi_identifiers_are_refused(tiny):
    data = tiny.assign(tags=[[1, 2]] * len(tiny))
    with pytest.raises(DataValidationError, match=r"Column 'tags' given as `quasi_identifiers` "
                       r"holds unhashable values \(e\.g\. lists or dicts\); rows can only be "
                       r"grouped by hashable values"):
        check_privacy(data, quasi_identifiers=["tags"])


def test_quasi_identifiers_as_series_and_seeds(tiny):
    named = check_privacy(tiny, quasi_identifiers=["age"])
    series = check_privacy(tiny.drop(columns="age"), quasi_identifiers=[tiny["age"]])
    pd.testing.assert_series_equal(named.k_anonymity, series.k_anonymity)
    with pytest.raises(ArgumentError, match=r"random_state must be None, a non-negative integer"):
        check_privacy(tiny, random_state="x")
