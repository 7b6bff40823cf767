from rai_toolkit.cli import main


def test_version(capsys):
    assert main(["--version"]) == 0
    assert capsys.readouterr().out == "rai-toolkit 0.1.0\n"


def test_datasets_without_action_is_one_error_line(capsys):
    assert main(["datasets"]) == 2
    assert capsys.readouterr().err == (
        "error: the following arguments are required: ACTION (see `rai-toolkit datasets --help`)\n"
    )


def test_datasets_show_without_name_says_how(capsys):
    assert main(["datasets", "show"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert err.startswith("error: `datasets show` needs the NAME of a dataset")


def test_datasets_help_describes_both_actions(capsys):
    assert main(["datasets", "--help"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("usage: rai-toolkit datasets")
    assert "`list` prints one line" in out and "`show NAME`" in out


def test_datasets_list(capsys):
    assert main(["datasets", "list"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split() == ["name", "rows", "target", "sensitive", "features"]
    assert lines[1].split() == ["adult", "48842", "income", "sex,", "race"]
    assert lines[2].split() == ["compas", "7214", "two_year_recid", "race,", "sex,", "age_cat"]
    assert lines[3].split() == ["german_credit", "1000", "credit_risk", "sex,", "age"]
    assert len(lines) == 4


def test_datasets_show(capsys):
    assert main(["datasets", "show", "adult"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("adult\nUCI Adult")
    assert "shape: 48842 rows x 15 columns" in out
    assert "target: income (base rate 0.2393; 11687 of 48842 rows are 1)" in out
    assert "sensitive features: sex, race" in out
    column_lines = out.split("columns:\n", 1)[1].splitlines()
    assert len(column_lines) == 15
    assert column_lines[0].split() == ["age", "int64"]
    assert column_lines[-1].split() == ["income", "int64", "target"]


def test_datasets_show_german_base_rate(capsys):
    assert main(["datasets", "show", "german_credit"]) == 0
    assert "target: credit_risk (base rate 0.7000; 700 of 1000 rows are 1)" in (
        capsys.readouterr().out
    )


def test_unknown_dataset_is_one_error_line_and_exit_2(capsys):
    assert main(["datasets", "show", "foo"]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err == (
        "error: Unknown dataset 'foo'; valid names are: adult, compas, german_credit. "
        "Call rai_toolkit.datasets.list_datasets() to list them.\n"
    )


def test_unknown_action_suggests_the_closest(capsys):
    assert main(["datasets", "shwo", "adult"]) == 2
    assert capsys.readouterr().err == (
        "error: argument ACTION: unknown action 'shwo'; did you mean 'show'? Choose from: "
        "list, show (see `rai-toolkit datasets --help`)\n"
    )
    assert main(["datasets", "frobnicate"]) == 2
    assert "unknown action 'frobnicate'; choose from: list, show" in capsys.readouterr().err
