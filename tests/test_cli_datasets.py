import subprocess
import sys
from pathlib import Path

import pytest

from rai_toolkit.cli import main

VENV_BIN = Path(sys.executable).parent


def test_version(capsys):
    assert main(["--version"]) == 0
    assert capsys.readouterr().out == "rai-toolkit 0.1.0\n"


def test_no_arguments_prints_help_and_exits_2(capsys):
    assert main([]) == 2
    err = capsys.readouterr().err
    assert err.startswith("usage: rai-toolkit")
    assert "datasets" in err


def test_datasets_without_action_prints_help_and_exits_2(capsys):
    assert main(["datasets"]) == 2
    assert capsys.readouterr().err.startswith("usage: rai-toolkit datasets")


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


def test_usage_error_exits_2(capsys):
    assert main(["datasets", "frobnicate"]) == 2
    assert "invalid choice" in capsys.readouterr().err


def test_console_script_version():
    script = VENV_BIN / "rai-toolkit"
    if not script.exists():
        pytest.fail(f"console script not installed at {script}; run `make setup`")
    result = subprocess.run(
        [str(script), "--version"], capture_output=True, text=True, timeout=60, check=False
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout == "rai-toolkit 0.1.0\n"


def test_console_script_unknown_dataset_has_no_traceback():
    script = VENV_BIN / "rai-toolkit"
    if not script.exists():
        pytest.fail(f"console script not installed at {script}; run `make setup`")
    result = subprocess.run(
        [str(script), "datasets", "show", "foo"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.count("\n") == 1
    assert result.stderr.startswith("error: Unknown dataset 'foo'")


def test_python_dash_m():
    result = subprocess.run(
        [sys.executable, "-m", "rai_toolkit", "--version"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        cwd=Path(__file__).resolve().parents[1],
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout == "rai-toolkit 0.1.0\n"


def test_version_does_not_import_heavy_packages():
    code = (
        "import sys\n"
        "from rai_toolkit.cli import main\n"
        "assert main(['--version']) == 0\n"
        "heavy = [m for m in ('pandas', 'shap', 'responsibleai', 'fairlearn', 'sklearn') "
        "if m in sys.modules]\n"
        "print(heavy)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=False
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-1] == "[]"
