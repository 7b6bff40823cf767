"""`--fail-on` offers exactly the fairness room's criteria, without importing that room."""

import argparse

import pytest

from rai_toolkit.cli._analyze import parse_fail_on
from rai_toolkit.fairness._criteria_names import CRITERION_NAMES


def test_the_light_name_list_is_the_criteria_registry():
    from rai_toolkit.fairness._verdicts import CRITERIA

    assert CRITERION_NAMES == tuple(CRITERIA)


def test_any_is_kept_as_any():
    assert parse_fail_on("any") == ["any"]
    assert parse_fail_on("equalized_odds, any") == ["any"]


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


@pytest.fixture(scope="module")
def model_without_scores(cli_files):
    from sklearn.linear_model import RidgeClassifier

    from rai_toolkit.security import save_model

    train = cli_files["train_frame"]
    features = ["x0", "x1", "x2", "x3", "x4", "proxy"]
    path = cli_files["dir"] / "ridge.skops"
    save_model(RidgeClassifier().fit(train[features], train["y"]), path)
    return path


def test_a_named_criterion_that_was_not_evaluated_is_an_error_not_a_pass(
    cli_files, run_cli, analyze_argv, assert_error_line, error_lines_only, model_without_scores,
    tmp_path,
):  # fmt: skip
    out, js = tmp_path / "r.html", tmp_path / "r.json"
    argv = analyze_argv(out, "--json", js, model=model_without_scores, fail_on="calibration")
    code, _, err = run_cli(*argv)
    assert_error_line(
        code,
        error_lines_only(err),
        "--fail-on names calibration, but this assessment has no verdict on it: it evaluated "
        "demographic_parity, equalized_odds, equal_opportunity, predictive_parity, "
        "disparate_impact.",
    )
    assert sorted(p.name for p in tmp_path.iterdir()) == []


def test_any_gates_on_every_evaluated_criterion(
    cli_files, run_cli, analyze_argv, model_without_scores, tmp_path
):
    import json

    out, js = tmp_path / "r.html", tmp_path / "r.json"
    code, _, err = run_cli(*analyze_argv(out, "--json", js, model=model_without_scores,
                                         fail_on="any"))  # fmt: skip
    verdicts = json.loads(js.read_text())["fairness"]["verdicts"]
    failed = sorted({v["criterion"] for v in verdicts if v["status"] == "fail"})
    assert failed, "the biased fixture data should fail a criterion"
    assert code == 1
    assert f"fail-on: {', '.join(failed)} failed" in err
