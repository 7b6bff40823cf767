"""`--fail-on` offers exactly the fairness room's criteria, without importing that room."""

import argparse

import pytest

from rai_toolkit.cli._analyze import parse_fail_on
from rai_toolkit.fairness._criteria_names import CRITERION_NAMES


def test_the_light_name_list_is_the_criteria_registry():
    from rai_toolkit.fairness._verdicts import CRITERIA

    assert CRITERION_NAMES == tuple(CRITERIA)


def test_any_means_every_registered_criterion():
    assert parse_fail_on("any") == list(CRITERION_NAMES)
    assert parse_fail_on("equalized_odds, any") == list(CRITERION_NAMES)


def test_names_are_kept_once_in_the_given_order():
    assert parse_fail_on("disparate_impact,demographic_parity,disparate_impact") == [
        "disparate_impact",
        "demographic_parity",
    ]


@pytest.mark.parametrize(
    ("value", "match"),
    [
        ("", "is empty; name at least one criterion, or 'any'"),
        (" , ", "is empty"),
        ("fairness", "unknown criterion 'fairness'; choose from: demographic_parity, "),
        ("equalised_odds", "unknown criterion 'equalised_odds'; did you mean 'equalized_odds'?"),
    ],
)
def test_bad_values(value, match):
    with pytest.raises(argparse.ArgumentTypeError, match=match):
        parse_fail_on(value)


def test_help_lists_the_registry(run_cli):
    code, out, _ = run_cli("analyze", "--help")
    assert code == 0
    flat = " ".join(out.split())
    assert ", ".join(CRITERION_NAMES) + ", or 'any'" in flat
