"""``rai-toolkit diff`` of two evidence bundles: the same as the diff of their fairness reports."""

from __future__ import annotations

import json
import zipfile

import pytest


def _common(cli_files, data):
    return ["--model", cli_files["model"], "--data", cli_files[data], "--target", "y",
            "--sensitive", "group", "--n-boot", 100, "--no-explain", "--seed", 3]  # fmt: skip


@pytest.fixture(scope="module")
def runs(cli_files, tmp_path_factory):
    """For the test and the training file: a bundle, and the fairness JSON of `analyze`."""
    from rai_toolkit.cli import main

    d = tmp_path_factory.mktemp("diff_bundles")
    paths = {"dir": d}
    for data in ("data", "train"):
        paths[f"{data}.zip"] = d / f"{data}.zip"
        paths[f"{data}.json"] = d / f"{data}.json"
        bundle = ["bundle", *_common(cli_files, data), "--out", paths[f"{data}.zip"]]
        analyze = ["analyze", *_common(cli_files, data), "--out", d / f"{data}.html",
                   "--fairness-json", paths[f"{data}.json"]]  # fmt: skip
        assert main([str(a) for a in bundle]) == 0
        assert main([str(a) for a in analyze]) == 0
    return paths


def test_bundle_holds_the_fairness_json_of_analyze(runs):
    for data in ("data", "train"):
        with zipfile.ZipFile(runs[f"{data}.zip"]) as zf:
            member = zf.read("fairness.json")
        assert member == runs[f"{data}.json"].read_bytes()
        doc = json.loads(member)
        assert doc["kind"] == "fairness_report" and doc["count_tables"]


def test_diff_of_bundles_is_the_diff_of_their_fairness_reports(run_cli, runs, tmp_path):
    outputs = {}
    for kind in ("zip", "json"):
        out = tmp_path / f"{kind}.json"
        code, stdout, err = run_cli("diff", runs[f"data.{kind}"], runs[f"train.{kind}"],
                                    "--n-boot", 200, "--seed", 5, "--out", out)  # fmt: skip
        assert code == 0, err
        assert stdout.endswith(f"wrote {out}\n")
        outputs[kind] = (stdout.replace(str(out), "OUT"), json.loads(out.read_text()))
    assert outputs["zip"] == outputs["json"]
    assert outputs["zip"][1]["baseline"]["n_rows"] == 1000
    assert len(outputs["zip"][1]["changes"]) > 10


def test_a_bundle_and_a_json_can_be_compared(run_cli, runs):
    mixed = run_cli("diff", runs["data.zip"], runs["train.json"], "--n-boot", 200, "--seed", 5)
    plain = run_cli("diff", runs["data.json"], runs["train.json"], "--n-boot", 200, "--seed", 5)
    assert mixed[0] == 0 and mixed == plain


def test_a_tampered_bundle_is_refused_with_the_verify_finding(
    run_cli, runs, tmp_path, assert_error_line
):
    tampered = tmp_path / "tampered.zip"
    with zipfile.ZipFile(runs["train.zip"]) as zin, zipfile.ZipFile(tampered, "w") as zout:
        for info in zin.infolist():
            content = zin.read(info.filename)
            if info.filename == "fairness.json":
                content = content.replace(b'"n_rows": 1000', b'"n_rows": 1001', 1)
            zout.writestr(info, content)
    out = tmp_path / "changes.html"
    code, _, err = run_cli("diff", runs["data.zip"], tampered, "--out", out)
    assert_error_line(code, err, "does not verify, so it is not read: FAILED: fairness.json "
                                 "differs from the manifest (sha256 or size).")  # fmt: skip
    assert err.rstrip().endswith("(on the command line: NEW)")
    assert not out.exists()
    code, verify_out, _ = run_cli("verify", tampered)
    assert code == 1 and verify_out.splitlines()[0] in err


def test_a_zip_that_is_no_bundle_is_refused(run_cli, runs, tmp_path, assert_error_line):
    fake = tmp_path / "fake.zip"
    with zipfile.ZipFile(fake, "w") as zf:
        zf.writestr("fairness.json", runs["train.json"].read_bytes())
    code, _, err = run_cli("diff", fake, runs["data.zip"])
    assert_error_line(code, err, "holds no manifest.json; it is not an evidence bundle")
