"""``rai-toolkit diff``: real comparisons of saved fairness reports, exit codes, bad input."""

from __future__ import annotations

import copy
import json
import os
import subprocess
import sys
import warnings
from pathlib import Path

import numpy as np
import pytest

from rai_toolkit import analyze_fairness
from rai_toolkit.datasets import make_biased_classification

ROOT = Path(__file__).resolve().parents[2]


def _report(seed, feature_bias=0.0, target="y"):
    frame = make_biased_classification(3000, n_features=3, feature_bias=feature_bias,
                                       random_state=seed).frame  # fmt: skip
    frame["pred"] = (frame["x0"] + frame["x1"] / 2 + frame["x2"] / 3 > 0).astype(int)
    frame = frame.rename(columns={"y": target})
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return analyze_fairness(None, frame, target=target, sensitive_features="group",
                                y_pred="pred", n_boot=0)  # fmt: skip


@pytest.fixture(scope="module")
def reports(tmp_path_factory):
    d = tmp_path_factory.mktemp("diff")
    paths = {"dir": d}
    cases = {"old": {"seed": 1}, "same": {"seed": 2}, "gap": {"seed": 3, "feature_bias": 1.0},
             "hired": {"seed": 4, "target": "hired"}}  # fmt: skip
    for name, kw in cases.items():
        paths[name] = d / f"{name}.json"
        _report(**kw).to_json(paths[name])
    return paths


def test_gap_exits_1_with_fail_on_worse(run_cli, reports):
    code, out, err = run_cli("diff", reports["old"], reports["gap"], "--fail-on-worse",
                             "--n-boot", 200)  # fmt: skip
    assert code == 1, err
    assert "WORSE group: demographic_parity" in out
    assert err.startswith("fail-on-worse: group: demographic_parity, ")
    assert "disparate_impact" in err and err.endswith("(exit status 1)\n")


def test_gap_without_the_flag_exits_0(run_cli, reports):
    code, out, _ = run_cli("diff", reports["old"], reports["gap"], "--n-boot", 200)
    assert code == 0 and "significantly worse" in out


def test_same_data_exits_0_and_writes_each_format(run_cli, reports, tmp_path):
    for suffix in (".html", ".json", ".md"):
        out_path = tmp_path / f"cmp{suffix}"
        code, out, err = run_cli("diff", reports["old"], reports["same"], "--fail-on-worse",
                                 "--n-boot", 200, "--out", out_path)  # fmt: skip
        assert code == 0, err
        assert "No row is significantly worse." in out and f"wrote {out_path}" in out
        text = out_path.read_text()
        if suffix == ".json":
            doc = json.loads(text)
            assert doc["kind"] == "report_comparison" and doc["any_worse"] is False
            assert doc["n_boot"] == 200
        elif suffix == ".html":
            assert text.startswith("<!DOCTYPE html>") and "<script" not in text
        else:
            assert text.startswith("# Fairness compared over time")


def test_seed_makes_the_output_reproducible(run_cli, reports):
    runs = [run_cli("diff", reports["old"], reports["same"], "--n-boot", 100, "--seed", 5)[1]
            for _ in range(2)]  # fmt: skip
    assert runs[0] == runs[1]


def test_different_targets(run_cli, reports, assert_error_line):
    code, _, err = run_cli("diff", reports["old"], reports["hired"], "--n-boot", 100)
    assert_error_line(code, err, "differ in target (baseline 'y', current 'hired')")


def test_missing_and_malformed_files(run_cli, reports, tmp_path, assert_error_line):
    code, _, err = run_cli("diff", reports["old"], tmp_path / "none.json")
    assert_error_line(code, err, "current: no file at")
    assert err.rstrip().endswith("(on the command line: NEW)")
    bad = tmp_path / "bad.json"
    bad.write_text("{not json")
    code, _, err = run_cli("diff", bad, reports["old"])
    assert_error_line(code, err, "is not valid JSON")


def test_older_schema(run_cli, reports, tmp_path, assert_error_line):
    doc = json.loads(reports["old"].read_text())
    old = copy.deepcopy(doc)
    old["schema_version"] = "1.3"
    del old["count_tables"]
    path = tmp_path / "v13.json"
    path.write_text(json.dumps(old))
    code, _, err = run_cli("diff", path, reports["old"])
    assert_error_line(code, err, "Re-run analyze_fairness with the current rai_toolkit")


def test_bad_out_fails_before_any_work(run_cli, reports, tmp_path, assert_error_line):
    code, _, err = run_cli("diff", reports["old"], reports["same"], "--out", tmp_path / "c.pdf")
    assert_error_line(code, err, "--out")
    assert not (tmp_path / "c.pdf").exists()


@pytest.mark.parametrize(
    ("argv", "match"),
    [
        (["--n-boot", "10"], "--n-boot"),
        (["--ci", "95"], "--ci"),
        (["--seed", "-1"], "--seed"),
    ],
)
def test_bad_options(run_cli, reports, assert_error_line, argv, match):
    code, _, err = run_cli("diff", reports["old"], reports["same"], *argv)
    assert_error_line(code, err, match)


def test_missing_operand(run_cli, assert_error_line):
    code, _, err = run_cli("diff", "a.json")
    assert_error_line(code, err, "NEW")


def test_help_does_not_import_pandas(modules_loaded_by):
    status, err, heavy = modules_loaded_by("diff", "--help")
    assert status == 0 and heavy == [], err


def test_subprocess_smoke(reports):
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    result = subprocess.run(
        [sys.executable, "-m", "rai_toolkit", "diff", str(reports["old"]), str(reports["gap"]),
         "--fail-on-worse", "--n-boot", "100"],
        capture_output=True, text=True, timeout=300, check=False, env=env, cwd=ROOT,
    )  # fmt: skip
    assert result.returncode == 1, result.stderr
    assert "WORSE" in result.stdout


@pytest.fixture(scope="module")
def cli_reports(cli_files, tmp_path_factory):
    """Fairness reports written by ``analyze --fairness-json``: twice the same run, one worse."""
    from rai_toolkit.cli import main

    d = tmp_path_factory.mktemp("cli-diff")
    model = cli_files["model_object"]
    worse = cli_files["frame"].copy()
    # push group b's proxy against the model's coefficient: fewer positive decisions for b
    b = worse["group"] == "b"
    worse.loc[b, "proxy"] -= 4.0 * float(np.sign(model.coef_[0][-1]))
    worse.to_csv(d / "worse.csv", index=False)
    paths = {"dir": d}
    for name, data in (("old", cli_files["data"]), ("again", cli_files["data"]),
                       ("worse", d / "worse.csv")):  # fmt: skip
        paths[name] = d / f"{name}.json"
        argv = ["analyze", "--no-explain", "--model", cli_files["model"], "--data", data,
                "--target", "y", "--sensitive", "group", "--out", d / f"{name}.html",
                "--n-boot", 100, "--json", d / f"{name}-assessment.json",
                "--fairness-json", paths[name]]  # fmt: skip
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            assert main([str(a) for a in argv]) == 0
    return paths


def test_two_cli_runs_of_the_same_data_exit_0_with_fail_on_worse(run_cli, cli_reports):
    code, out, err = run_cli("diff", cli_reports["old"], cli_reports["again"],
                             "--fail-on-worse", "--n-boot", 100)  # fmt: skip
    assert code == 0, err
    assert "change +0.0000" in out and "No row is significantly worse." in out


def test_a_worse_cli_run_exits_1_with_fail_on_worse(run_cli, cli_reports):
    code, out, err = run_cli("diff", cli_reports["old"], cli_reports["worse"],
                             "--fail-on-worse", "--n-boot", 100)  # fmt: skip
    assert code == 1, err
    assert "WORSE group: " in out
    assert err.startswith("fail-on-worse: group: ") and err.endswith("(exit status 1)\n")


def test_an_assessment_document_gets_one_clear_error(run_cli, cli_reports, assert_error_line):
    assessment = cli_reports["dir"] / "old-assessment.json"
    code, _, err = run_cli("diff", cli_reports["old"], assessment)
    assert_error_line(code, err, "current is an assessment document")
    assert "analyze --fairness-json PATH" in err and "report.to_json(path)" in err
    assert err.rstrip().endswith("(on the command line: NEW)")
