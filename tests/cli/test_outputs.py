"""Output paths of the CLI: checked before any work, and written together or not at all."""

import os

import pytest

import rai_toolkit._io as io_module


@pytest.fixture
def assess_spy(monkeypatch):
    """Count calls of assess() made by the CLI, and let a test act while it runs."""
    import rai_toolkit.report as report

    real = report.assess
    state = {"calls": 0, "during": None}

    def spy(*args, **kwargs):
        state["calls"] += 1
        result = real(*args, **kwargs)
        if state["during"] is not None:
            state["during"]()
        return result

    monkeypatch.setattr(report, "assess", spy)
    return state


def _leftovers(folder):
    return sorted(p.name for p in folder.rglob("*"))


def _folder(d):
    (d / "out.html").mkdir()
    return d / "out.html"


def _under_a_file(d):
    (d / "f").write_text("x")
    return d / "f" / "r.html"


@pytest.mark.parametrize(
    ("make", "match"),
    [
        (_folder, "is a folder; pass the path of a file"),
        (lambda d: d / "missing" / "r.html", "folder '{d}/missing' does not exist; create it"),
        (_under_a_file, "'{d}/f' is a file, not a folder"),
        (lambda d: d / "r.pdf", "should end in .html or .htm; received .pdf"),
        (lambda d: d / "r", "should end in .html or .htm; received no extension"),
        (lambda d: d / ("x" * 300 + ".html"), "the file name is 305 bytes long"),
    ],
)
def test_bad_out_fails_before_any_work(
    cli_files, run_cli, analyze_argv, assert_error_line, assess_spy, tmp_path, make, match
):
    out = make(tmp_path)
    before = _leftovers(tmp_path)
    code, stdout, err = run_cli(*analyze_argv(out))
    assert_error_line(code, err, "--out '")
    assert match.format(d=tmp_path) in err
    assert assess_spy["calls"] == 0
    assert stdout == "" and _leftovers(tmp_path) == before


def test_out_in_an_unwritable_folder_fails_before_any_work(
    cli_files, run_cli, analyze_argv, assert_error_line, assess_spy, unwritable_dir
):
    code, _, err = run_cli(*analyze_argv(unwritable_dir / "r.html"))
    assert_error_line(code, err, f"cannot create files in folder '{unwritable_dir}'")
    assert assess_spy["calls"] == 0


def test_bad_json_fails_before_any_work(
    cli_files, run_cli, analyze_argv, assert_error_line, assess_spy, tmp_path
):
    (tmp_path / "doc.json").mkdir()
    code, _, err = run_cli(*analyze_argv(tmp_path / "r.html", "--json", tmp_path / "doc.json"))
    assert_error_line(code, err, f"--json '{tmp_path / 'doc.json'}' is a folder")
    assert assess_spy["calls"] == 0
    code, _, err = run_cli(*analyze_argv(tmp_path / "r.html", "--json", tmp_path / "doc.txt"))
    assert_error_line(code, err, "--json")
    assert "should end in .json; received .txt" in err
    assert assess_spy["calls"] == 0 and _leftovers(tmp_path) == ["doc.json"]


def test_a_json_that_fails_after_the_analysis_leaves_no_report(
    cli_files, run_cli, analyze_argv, assert_error_line, error_lines_only, assess_spy, tmp_path
):
    out, json_dir = tmp_path / "r.html", tmp_path / "docs"
    json_dir.mkdir()
    assess_spy["during"] = json_dir.rmdir  # the folder vanishes while the analysis runs
    code, _, err = run_cli(*analyze_argv(out, "--json", json_dir / "r.json"))
    assert_error_line(code, error_lines_only(err), f"folder '{json_dir}' does not exist")
    assert assess_spy["calls"] == 1
    assert _leftovers(tmp_path) == []


def test_a_fairness_json_that_fails_after_the_analysis_leaves_no_output(
    cli_files, run_cli, analyze_argv, assert_error_line, error_lines_only, assess_spy, tmp_path
):
    out, js, fair_dir = tmp_path / "r.html", tmp_path / "r.json", tmp_path / "fair"
    fair_dir.mkdir()
    assess_spy["during"] = fair_dir.rmdir  # the folder vanishes while the analysis runs
    code, _, err = run_cli(*analyze_argv(out, "--json", js, "--fairness-json", fair_dir / "f.json"))
    assert_error_line(code, error_lines_only(err), f"folder '{fair_dir}' does not exist")
    assert assess_spy["calls"] == 1
    assert _leftovers(tmp_path) == []


def test_a_failed_rename_of_the_second_output_restores_the_first(
    cli_files, run_cli, analyze_argv, assert_error_line, error_lines_only, tmp_path, monkeypatch
):
    out, js = tmp_path / "r.html", tmp_path / "r.json"
    out.write_text("the report of yesterday")
    real_replace = os.replace

    def replace(src, dst):
        if str(dst) == str(js):
            raise OSError(28, "No space left on device")
        return real_replace(src, dst)

    monkeypatch.setattr(io_module.os, "replace", replace)
    code, _, err = run_cli(*analyze_argv(out, "--json", js))
    assert_error_line(code, error_lines_only(err), f"Could not write '{js}' (No space left")
    assert "nothing from this run was kept" in err
    assert out.read_text() == "the report of yesterday"
    assert _leftovers(tmp_path) == ["r.html"]


def test_both_outputs_replace_older_files(cli_files, run_cli, analyze_argv, tmp_path):
    out, js = tmp_path / "r.html", tmp_path / "r.json"
    out.write_text("old")
    js.write_text("{}")
    code, stdout, err = run_cli(*analyze_argv(out, "--json", js))
    assert code == 0, err
    assert out.read_text().lstrip().lower().startswith("<!doctype html")
    assert '"schema"' in js.read_text()
    assert stdout.splitlines()[-2:] == [f"Wrote {out}", f"Wrote {js}"]
    assert _leftovers(tmp_path) == ["r.html", "r.json"]
    umask = os.umask(0)
    os.umask(umask)
    assert (out.stat().st_mode & 0o777) == 0o666 & ~umask


def test_the_same_path_for_both_outputs_is_refused(cli_files, run_cli, analyze_argv, tmp_path):
    out = tmp_path / "r.html"
    code, _, err = run_cli(*analyze_argv(out, "--json", out))
    assert code == 2 and "--json" in err and "should end in .json" in err


def test_demo_checks_its_outputs_before_training(run_cli, assert_error_line, tmp_path, monkeypatch):
    import rai_toolkit.report._demo as demo

    monkeypatch.setattr(demo, "adult_reference_model", lambda *a, **k: pytest.fail("trained"))
    (tmp_path / "r.json").mkdir()
    code, _, err = run_cli("demo", "--out", tmp_path / "r.html")
    assert_error_line(code, err, f"the JSON beside --out '{tmp_path / 'r.json'}' is a folder")
    code, _, err = run_cli("demo", "--out", tmp_path / "r.pdf")
    assert_error_line(code, err, "--out")
    assert "should end in .html or .htm; received .pdf" in err
    (tmp_path / "file").write_text("x")
    code, _, err = run_cli("demo", "--out", tmp_path / "file" / "r.html")
    assert_error_line(code, err, f"'{tmp_path / 'file'}' is a file, not a folder")
