"""``rai-toolkit keygen``: an Ed25519 key pair on disk."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ed25519

ROOT = Path(__file__).resolve().parents[2]


def test_writes_a_matching_key_pair(run_cli, tmp_path):
    key = tmp_path / "signing.pem"
    code, out, err = run_cli("keygen", "--out", key)
    assert code == 0, err
    assert f"wrote {key}" in out and f"wrote {key}.pub" in out
    private = serialization.load_pem_private_key(key.read_bytes(), password=None)
    public = serialization.load_pem_public_key(Path(f"{key}.pub").read_bytes())
    assert isinstance(private, ed25519.Ed25519PrivateKey)
    signature = private.sign(b"manifest")
    public.verify(signature, b"manifest")  # raises if the pair does not match
    assert stat.S_IMODE(key.stat().st_mode) == 0o600


def test_existing_key_is_kept_without_overwrite(run_cli, tmp_path, assert_error_line):
    key = tmp_path / "k.pem"
    assert run_cli("keygen", "--out", key)[0] == 0
    before = key.read_bytes()
    code, _, err = run_cli("keygen", "--out", key)
    assert_error_line(code, err, f"`path` '{key}' already exists; pass overwrite=True to replace "
                                 f"the key pair")  # fmt: skip
    assert err.rstrip().endswith("(on the command line: --overwrite)")
    assert key.read_bytes() == before
    code, _, err = run_cli("keygen", "--out", key, "--overwrite")
    assert code == 0, err
    assert key.read_bytes() != before


def test_existing_public_key_alone_is_kept(run_cli, tmp_path, assert_error_line):
    key = tmp_path / "k.pem"
    Path(f"{key}.pub").write_text("someone else's")
    code, _, err = run_cli("keygen", "--out", key)
    assert_error_line(code, err, "The public key file beside `path` '")
    assert "k.pem.pub' already exists; pass overwrite=True" in err
    assert err.rstrip().endswith("(on the command line: --overwrite)")
    assert not key.exists()


def test_missing_folder(run_cli, tmp_path, assert_error_line):
    code, _, err = run_cli("keygen", "--out", tmp_path / "no" / "k.pem")
    assert_error_line(code, err, "/no' does not exist; create it first")
    assert err.rstrip().endswith("(on the command line: --out)")


def test_missing_out_is_a_usage_error(run_cli, assert_error_line):
    code, _, err = run_cli("keygen")
    assert_error_line(code, err, "--out")


def test_subprocess_smoke(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "rai_toolkit", "keygen", "--out", str(tmp_path / "k.pem")],
        capture_output=True, text=True, timeout=120, check=False, cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "k.pem.pub").exists()
