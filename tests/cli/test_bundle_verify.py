"""``rai-toolkit bundle`` and ``rai-toolkit verify``: a real bundle, signed, checked, tampered."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def keys(tmp_path_factory):
    from rai_toolkit.report import generate_keypair

    d = tmp_path_factory.mktemp("keys")
    mine = generate_keypair(d / "mine.pem")
    other = generate_keypair(d / "other.pem")
    return {"private": mine[0], "public": mine[1], "other_public": other[1]}


def _bundle_argv(cli_files, out, *extra):
    return ["bundle", "--model", cli_files["model"], "--data", cli_files["data"],
            "--target", "y", "--sensitive", "group", "--out", out, "--n-boot", 100,
            "--no-explain", *extra]  # fmt: skip


@pytest.fixture(scope="module")
def signed(cli_files, keys, tmp_path_factory):
    from rai_toolkit.cli import main

    out = tmp_path_factory.mktemp("bundle") / "evidence.zip"
    argv = _bundle_argv(cli_files, out, "--signing-key", keys["private"])
    assert main([str(a) for a in argv]) == 0
    return out


def _rewrite(src: Path, dst: Path, member: str) -> None:
    """Copy a zip, flipping one byte of ``member``."""
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w") as zout:
        for info in zin.infolist():
            data = zin.read(info.filename)
            if info.filename == member:
                data = bytes([data[0] ^ 1]) + data[1:]
            zout.writestr(info, data)


def test_bundle_holds_the_evidence(signed, cli_files):
    with zipfile.ZipFile(signed) as zf:
        names = zf.namelist()
        manifest = json.loads(zf.read("manifest.json"))
    assert "manifest.sig" in names and "manifest.json" in names
    assert any(n.endswith(".html") for n in names) and any(n.endswith(".json") for n in names)
    assert manifest["files"]


def test_verify_ok_with_and_without_the_public_key(run_cli, signed, keys):
    code, out, err = run_cli("verify", signed, "--public-key", keys["public"])
    assert code == 0, err
    assert out.startswith("OK: ") and "checked against the given public key" in out
    code, out, _ = run_cli("verify", signed)
    assert code == 0 and out.startswith("OK: ")


def test_verify_fails_for_another_key(run_cli, signed, keys):
    code, out, _ = run_cli("verify", signed, "--public-key", keys["other_public"])
    assert code == 1 and out.startswith("FAILED: ")


def test_verify_names_the_changed_file(run_cli, signed, tmp_path):
    with zipfile.ZipFile(signed) as zf:
        member = next(n for n in zf.namelist() if n.endswith(".html"))
    tampered = tmp_path / "tampered.zip"
    _rewrite(signed, tampered, member)
    code, out, _ = run_cli("verify", tampered)
    assert code == 1
    assert out.startswith(f"FAILED: {member} ")


def test_verify_corrupted_zip_fails(run_cli, tmp_path):
    broken = tmp_path / "broken.zip"
    broken.write_bytes(b"PK\x03\x04 not really a zip")
    code, out, _ = run_cli("verify", broken)
    assert code == 1 and out.startswith("FAILED: ") and "not a readable zip" in out


def test_verify_usage_errors(run_cli, signed, tmp_path, keys, assert_error_line):
    code, _, err = run_cli("verify", tmp_path / "none.zip")
    assert code == 2 and "none.zip" in err
    code, _, err = run_cli("verify", signed, "--public-key", keys["private"])
    assert code == 2 and err.startswith("error: ") and "Traceback" not in err
    code, _, err = run_cli("verify")
    assert_error_line(code, err, "BUNDLE")


def test_bundle_refuses_an_existing_path(run_cli, cli_files, signed, assert_error_line):
    before = signed.read_bytes()
    code, _, err = run_cli(*_bundle_argv(cli_files, signed))
    assert code == 2 and "exists" in err and "Traceback" not in err
    assert signed.read_bytes() == before


def test_bundle_bad_key_fails_before_the_assessment(run_cli, cli_files, keys, tmp_path):
    out = tmp_path / "b.zip"
    code, _, err = run_cli(*_bundle_argv(cli_files, out, "--signing-key", keys["public"]))
    assert code == 2 and err.startswith("error: ") and "Traceback" not in err
    assert not out.exists()


def test_bundle_bad_suffix_and_missing_data(run_cli, cli_files, tmp_path):
    code, _, err = run_cli(*_bundle_argv(cli_files, tmp_path / "b.tar"))
    assert code == 2 and ".zip" in err
    argv = _bundle_argv(cli_files, tmp_path / "b.zip")
    argv[argv.index("--data") + 1] = tmp_path / "none.csv"
    code, _, err = run_cli(*argv)
    assert code == 2 and "none.csv" in err
    assert not (tmp_path / "b.zip").exists()


def test_help_pages_do_not_import_pandas(modules_loaded_by):
    for command in ("bundle", "verify", "keygen"):
        status, err, heavy = modules_loaded_by(command, "--help")
        assert status == 0 and heavy == [], (command, err)


def test_subprocess_smoke(cli_files, tmp_path):
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    out = tmp_path / "e.zip"
    run = [sys.executable, "-m", "rai_toolkit"]
    made = subprocess.run([*run, *map(str, _bundle_argv(cli_files, out))], capture_output=True,
                          text=True, timeout=600, check=False, cwd=ROOT, env=env)  # fmt: skip
    assert made.returncode == 0, made.stderr
    checked = subprocess.run([*run, "verify", str(out)], capture_output=True, text=True,
                             timeout=120, check=False, cwd=ROOT, env=env)  # fmt: skip
    assert checked.returncode == 0 and checked.stdout.startswith("OK: "), checked.stderr


@pytest.mark.parametrize(
    ("audit_options", "match"),
    [
        (["--selected", "y"], "--selected belongs to a bias audit, which needs --category"),
        (["--standard", "eeoc", "--date", "2026-01-31"], "--standard, --date belong to a bias"),
        (["--category", "group=group"], "needs the outcome column: add --selected COL"),
        (["--category", "group=group", "--selected", "y", "--standard", "eeo"],
         "argument --standard: unknown standard 'eeo'; did you mean 'eeoc'?"),
        (["--category", "group=group", "--selected", "y", "--score", "y"],
         "argument --score: not allowed with argument --selected"),
        (["--category", "group=nope", "--selected", "y"], "nope"),
        (["--category", "=group", "--selected", "y"], "DIMENSION=COLUMN with both sides"),
    ],
)  # fmt: skip
def test_bundle_bad_audit_options(run_cli, cli_files, tmp_path, assert_error_line,
                                  audit_options, match):  # fmt: skip
    out = tmp_path / "b.zip"
    code, _, err = run_cli(*_bundle_argv(cli_files, out, *audit_options))
    assert_error_line(code, err, match)
    assert list(tmp_path.iterdir()) == []
