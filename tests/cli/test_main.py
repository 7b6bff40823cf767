"""The program itself: entry points, light start-up, usage errors, and one exit code per outcome."""

import subprocess
import sys
from pathlib import Path

import pytest

from rai_toolkit.cli import main
from rai_toolkit.cli._main import COMMANDS, describe_error
from rai_toolkit.exceptions import ArgumentError, DataValidationError

VENV_BIN = Path(sys.executable).parent
ROOT = Path(__file__).resolve().parents[2]


def _script():
    script = VENV_BIN / "rai-toolkit"
    if not script.exists():
        pytest.fail(f"console script not installed at {script}; run `make setup`")
    return script


# ------------------------------------------------------------------ entry points
def test_console_script_version():
    result = subprocess.run(
        [str(_script()), "--version"], capture_output=True, text=True, timeout=60, check=False
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout == "rai-toolkit 0.1.0\n"


@pytest.mark.parametrize("module", ["rai_toolkit", "rai_toolkit.cli"])
def test_python_dash_m(module):
    result = subprocess.run(
        [sys.executable, "-m", module, "--version"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        cwd=ROOT,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout == "rai-toolkit 0.1.0\n"


def test_console_script_error_has_no_traceback():
    result = subprocess.run(
        [str(_script()), "datasets", "show", "foo"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.count("\n") == 1
    assert result.stderr.startswith("error: Unknown dataset 'foo'")


# ------------------------------------------------------------------ start-up stays light
@pytest.mark.parametrize(
    "argv",
    [
        ["--version"],
        ["--help"],
        ["analyze", "--help"],
        ["demo", "--help"],
        ["datasets", "--help"],
        ["analyze"],
        ["analyse"],
        ["analyze", "--outt", "x"],
    ],
)
def test_start_up_imports_neither_pandas_nor_scipy(modules_loaded_by, argv):
    status, err, heavy = modules_loaded_by(*argv)
    assert status in (0, 2), err
    assert heavy == [], f"{argv} imported {heavy}"


def test_a_bad_output_path_fails_before_pandas_is_loaded(modules_loaded_by, tmp_path):
    status, err, heavy = modules_loaded_by(
        "analyze", "--model", "m.skops", "--data", "d.csv", "--target", "y",
        "--sensitive", "g", "--out", str(tmp_path),
    )  # fmt: skip
    assert status == 2 and err.startswith(f"error: --out '{tmp_path}' is a folder; pass the")
    assert "pandas" not in heavy and "numpy" not in heavy


def test_every_command_has_a_help_page(run_cli):
    for name in COMMANDS:
        code, out, err = run_cli(name, "--help")
        assert code == 0, err
        assert out.startswith(f"usage: rai-toolkit {name}"), out
        assert "--debug" in out and "exit status:" in out


def test_top_level_help_lists_every_command_and_exit_status(run_cli):
    code, out, _ = run_cli("--help")
    assert code == 0
    for name, (_, summary) in COMMANDS.items():
        assert f"  {name}" in out and summary in out
    for status in ("0 ", "1 ", "2 ", "3 ", "130"):
        assert f"\n  {status}" in out


# ------------------------------------------------------------------ usage errors: one line
@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        ([], f"error: no command given; choose one of: {', '.join(COMMANDS)} "
             "(see `rai-toolkit --help`)"),
        (["analyse"], "error: unknown command 'analyse'; did you mean 'analyze'? commands are: "
                      f"{', '.join(COMMANDS)} (see `rai-toolkit --help`)"),
        (["dashbord", "x"], "error: unknown command 'dashbord'; did you mean 'dashboard'?"),
        (["frobnicate"], "error: unknown command 'frobnicate'; commands are: datasets, analyze"),
        (["--verison"], "error: unknown option '--verison'; did you mean '--version'? "
                        "(see `rai-toolkit --help`)"),
        (["analyze", "--outt", "r.html"], "error: unknown option '--outt'; did you mean '--out'? "
                                          "(see `rai-toolkit analyze --help`)"),
        (["analyze", "--out=r.html", "--jsno", "r.json"], "unknown option '--jsno'; did you "
                                                          "mean '--json'?"),
        (["analyze", "--n-boot", "many"], "error: argument --n-boot: expected a whole number, "
                                          "received 'many'"),
        (["analyze", "--n-boot", "-1"], "argument --n-boot: must be 0 or more, received -1"),
        (["analyze", "--min-cell-size", "0"], "argument --min-cell-size: must be 1 or more"),
        (["analyze", "--seed", "1.5"], "argument --seed: expected a whole number, received '1.5'"),
        (["analyze", "--seed", "-3"], "argument --seed: must be 0 or more, received -3"),
        (["analyze", "--fail-on", "demographic_parit"], "argument --fail-on: unknown criterion "
                                                        "'demographic_parit'; did you mean "
                                                        "'demographic_parity'?"),
        (["analyze", "--fail-on", ","], "argument --fail-on: is empty; name at least one"),
        (["analyze", "--model"], "argument --model: expected one argument"),
        (["demo", "extra"], "error: unexpected argument 'extra' (see `rai-toolkit demo --help`)"),
        (["demo", "--out"], "argument --out: expected one argument"),
        (["dashboard"], "error: the following arguments are required: PATH"),
        (["dashboard", "x", "--port", "eighty"], "argument --port: invalid int value: 'eighty'"),
        (["dashboard", "x", "--hots", "0.0.0.0"], "unknown option '--hots'; did you mean "
                                                  "'--host'?"),
    ],
)  # fmt: skip
def test_usage_errors_are_one_error_line_with_the_fix(
    run_cli, argv, expected, tmp_path, monkeypatch
):
    monkeypatch.chdir(tmp_path)
    code, out, err = run_cli(*argv)
    assert code == 2
    assert out == ""
    assert err.count("\n") == 1 and err.startswith("error: "), err
    assert expected in err, err
    assert "Traceback" not in err and "usage:" not in err
    assert list(tmp_path.iterdir()) == []


def test_an_abbreviated_long_option_is_accepted_as_argparse_does(run_cli, tmp_path):
    code, _, err = run_cli("demo", "--qui", "--ou", str(tmp_path / "r.pdf"))
    assert code == 2
    assert "--out 'r.pdf'" not in err and f"--out '{tmp_path / 'r.pdf'}' should end in .html" in err


# ------------------------------------------------------------------ exit codes of failures
def _raise(exc):
    def handler(args):
        raise exc

    return handler


@pytest.fixture
def datasets_list_raises(monkeypatch):
    """Make `rai-toolkit datasets list` raise the given exception."""

    def patch(exc):
        monkeypatch.setattr("rai_toolkit.cli._datasets._list", lambda: _raise(exc)(None))

    return patch


def test_an_internal_error_exits_3_with_one_line_saying_how_to_report_it(
    run_cli, datasets_list_raises, monkeypatch
):
    monkeypatch.delenv("RAI_TOOLKIT_DEBUG", raising=False)
    datasets_list_raises(KeyError("column"))
    code, out, err = run_cli("datasets", "list")
    assert code == 3
    assert err.count("\n") == 1 and "Traceback" not in err
    assert err.startswith("error: internal error (KeyError: 'column'). rai_toolkit did not expect")
    assert "rerun with --debug (or RAI_TOOLKIT_DEBUG=1)" in err and "report it" in err


@pytest.mark.parametrize("how", ["flag", "flag-before-command", "env"])
def test_debug_shows_the_traceback_of_an_internal_error(
    run_cli, datasets_list_raises, monkeypatch, how
):
    datasets_list_raises(ZeroDivisionError("division by zero"))
    argv = {"flag": ["datasets", "list", "--debug"], "flag-before-command": ["--debug", "datasets",
            "list"], "env": ["datasets", "list"]}[how]  # fmt: skip
    if how == "env":
        monkeypatch.setenv("RAI_TOOLKIT_DEBUG", "1")
    code, _, err = run_cli(*argv)
    assert code == 3
    assert err.startswith("Traceback (most recent call last):")
    assert err.strip().splitlines()[-1].startswith("error: internal error (ZeroDivisionError")


def test_a_memory_error_is_internal_not_a_failed_criterion(run_cli, datasets_list_raises):
    datasets_list_raises(MemoryError())
    code, _, err = run_cli("datasets", "list")
    assert code == 3 and err.startswith("error: internal error (MemoryError)")


def test_a_rai_toolkit_error_exits_2(run_cli, datasets_list_raises):
    datasets_list_raises(DataValidationError("bad\n  input; fix it."))
    code, _, err = run_cli("datasets", "list")
    assert code == 2
    assert err == "error: bad input; fix it.\n"


def test_ctrl_c_exits_130(run_cli, datasets_list_raises):
    datasets_list_raises(KeyboardInterrupt())
    code, _, err = run_cli("datasets", "list")
    assert code == 130
    assert err == "error: interrupted; no output of this run was kept.\n"


def test_a_closed_stdout_pipe_exits_141_quietly():
    code = (
        "import subprocess, sys\n"
        "p = subprocess.Popen([sys.executable, '-m', 'rai_toolkit', 'datasets', 'list'],"
        " stdout=subprocess.PIPE, stderr=subprocess.PIPE)\n"
        "p.stdout.close()\n"
        "err = p.stderr.read().decode()\n"
        "print(p.wait()); print(repr(err))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, cwd=ROOT
    )
    status, err = result.stdout.splitlines()
    assert status == "141", result.stdout
    assert err == "''"


def test_a_library_error_naming_its_parameter_gets_this_commands_flag():
    err = ArgumentError("n_boot must be 0 or >= 100; received 50.")
    err.argument = "n_boot"
    flags = {"n_boot": "--n-boot"}
    assert describe_error(err, flags) == (
        "n_boot must be 0 or >= 100; received 50. (on the command line: --n-boot)"
    )
    err.argument = "something_else"
    assert describe_error(err, flags) == "n_boot must be 0 or >= 100; received 50."
    plain = ArgumentError("no argument field at all")
    assert describe_error(plain, flags) == "no argument field at all"


def test_analyze_maps_every_flagged_parameter_to_a_real_option():
    from rai_toolkit.cli import _analyze
    from rai_toolkit.cli._parser import Parser, option_strings

    parser = Parser(prog="rai-toolkit analyze")
    _analyze.add_arguments(parser)
    assert set(_analyze.FLAGS.values()) <= set(option_strings(parser))


def test_the_documented_exit_statuses_are_the_programs():
    from rai_toolkit.cli import _console

    documented = (ROOT / "docs" / "cli.md").read_text()
    codes = {name: value for name, value in vars(_console).items() if name.startswith("EXIT_")}
    assert sorted(codes.values()) == [0, 1, 2, 3, 130, 141]
    for value in codes.values():
        assert f"\n| {value} | " in documented, value


def test_warnings_of_any_command_are_one_line_each_and_deprecations_are_dropped(
    run_cli, monkeypatch
):
    import warnings

    from rai_toolkit.exceptions import SmallGroupWarning

    def noisy():
        for _ in range(3):
            warnings.warn(
                "group 'x' has 4 rows;\n  its metrics are unreliable",
                SmallGroupWarning,
                stacklevel=1,
            )
        warnings.warn("np.find_common_type is deprecated", DeprecationWarning, stacklevel=1)
        warnings.warn("a future default changes", FutureWarning, stacklevel=1)
        warnings.warn("unclosed file <_io.BufferedReader>", ResourceWarning, stacklevel=1)
        print("listed")
        return 0

    monkeypatch.setattr("rai_toolkit.cli._datasets._list", noisy)
    code, out, err = run_cli("datasets", "list")
    assert code == 0 and out == "listed\n"
    assert err == "warning: group 'x' has 4 rows; its metrics are unreliable\n"


def test_main_refuses_a_string_for_argv():
    with pytest.raises(ArgumentError, match="argv must be a list of arguments, e.g. \\['datasets'"):
        main("datasets list")
