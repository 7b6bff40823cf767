"""The evidence bundle: what it holds, that verify_bundle finds every change, and bad input."""

from __future__ import annotations

import base64
import hashlib
import io
import json
import os
import platform
import zipfile

import numpy as np
import pandas as pd
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed448, ed25519, rsa, x25519
from sklearn.linear_model import LogisticRegression

import rai_toolkit
from rai_toolkit.datasets import make_biased_classification
from rai_toolkit.exceptions import ArgumentError, DataValidationError
from rai_toolkit.report._assess import run_bundle
from rai_toolkit.report._bundle import (
    EVIDENCE_STATUSES,
    MANIFEST,
    SIGNATURE,
    generate_keypair,
    key_id,
    manifest_bytes,
    read_verified_member,
    verify_bundle,
)

COLS = ["x0", "x1", "x2", "x3", "x4", "proxy"]
MEMBERS = [
    "report.html", "report.json", "fairness.json", "audits/01-screening-tool.json",
    "audits/01-screening-tool.html", "audits/01-screening-tool.md", "environment.json",
    "evidence.json", MANIFEST, SIGNATURE,
]  # fmt: skip


@pytest.fixture(scope="module")
def setup(tmp_path_factory):
    folder = tmp_path_factory.mktemp("bundle")
    ds = make_biased_classification(1500, label_bias=0.3, random_state=0)
    frame = ds.frame
    model = LogisticRegression().fit(frame[COLS], frame["y"])
    assessment = rai_toolkit.assess(
        model, frame, target="y", sensitive_features="group", n_boot=100, random_state=0,
        explain=False, privacy=False, robustness=False, title="Bundle test",
    )
    data_file = folder / "data.csv"
    frame.to_csv(data_file, index=False)
    model_file = folder / "model.skops"
    rai_toolkit.save_model(model, model_file)
    audit = rai_toolkit.bias_audit(
        frame.assign(pred=model.predict(frame[COLS])), categories={"group": "group"},
        selected="pred", n_boot=100, random_state=0, title="Screening tool",
    )
    private, public = generate_keypair(folder / "signing.pem")
    other_private, other_public = generate_keypair(folder / "other.pem")
    signed = assessment.to_bundle(folder / "signed.zip", signing_key=private, audits=[audit],
                                  data=data_file, model_file=model_file)
    unsigned = assessment.to_bundle(folder / "unsigned.zip", audits=[audit], data=frame)
    return {
        "folder": folder, "frame": frame, "model": model, "assessment": assessment,
        "audit": audit, "private": private, "public": public, "other_private": other_private,
        "other_public": other_public, "signed": signed, "unsigned": unsigned,
        "data_file": data_file, "model_file": model_file,
    }  # fmt: skip


def _members(path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as zf:
        return {name: zf.read(name) for name in zf.namelist()}


def _rewrite(members: dict[str, bytes], path) -> None:
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_STORED) as zf:
        for name, content in members.items():
            zf.writestr(name, content)


# ----------------------------------------------------------------------------- contents
def test_fresh_bundle_verifies_with_its_public_key(setup):
    result = verify_bundle(setup["signed"], public_key=setup["public"])
    assert result.ok and bool(result)
    assert result.first_difference is None and result.problems == []
    assert result.signature == "valid" and result.signer_checked
    assert result.key_id == key_id(serialization.load_pem_public_key(setup["public"].read_bytes()))
    assert list(result.files["status"]) == ["ok"] * 8
    assert result.summary().startswith("OK: 8 files match the manifest; signed by key")
    assert rai_toolkit.verify_bundle is verify_bundle


def test_bundle_members(setup):
    assert list(_members(setup["signed"])) == MEMBERS
    assert SIGNATURE not in _members(setup["unsigned"])


def test_unsigned_bundle_verifies_for_integrity_only(setup):
    result = verify_bundle(setup["unsigned"])
    assert result.ok and result.signature == "unsigned" and not result.signer_checked
    assert "integrity only" in result.summary()


def test_manifest_hashes_every_file(setup):
    members = _members(setup["signed"])
    manifest = json.loads(members[MANIFEST])
    assert manifest["schema"] == "rai_toolkit.bundle/1"
    assert manifest["toolkit_version"] == rai_toolkit.__version__
    listed = {f["path"]: f for f in manifest["files"]}
    assert set(listed) == set(members) - {MANIFEST, SIGNATURE}
    for name, entry in listed.items():
        assert entry["sha256"] == hashlib.sha256(members[name]).hexdigest()
        assert entry["bytes"] == len(members[name])
    assert manifest_bytes(manifest) == members[MANIFEST]
    public = serialization.load_pem_public_key(setup["public"].read_bytes())
    public.verify(base64.b64decode(members[SIGNATURE]), members[MANIFEST])  # raises if invalid
    assert manifest["signature"]["key_id"] == key_id(public)


def test_report_data_model_environment_and_audits(setup):
    members = _members(setup["signed"])
    report = json.loads(members["report.json"])
    expected = setup["assessment"].to_dict()
    assert {k: v for k, v in report.items() if k != "regulatory_evidence"} == {
        k: v for k, v in expected.items() if k != "regulatory_evidence"
    }
    assert report["regulatory_evidence"]["in_bundle"] is True
    assert b'<section id="evidence">' in members["report.html"]
    evidence = json.loads(members["evidence.json"])
    assert evidence["data"]["sha256"] == hashlib.sha256(setup["data_file"].read_bytes()).hexdigest()
    assert evidence["data"]["name"] == "data.csv"
    assert evidence["model"]["sha256"] == hashlib.sha256(
        setup["model_file"].read_bytes()
    ).hexdigest()
    assert evidence["toolkit_version"] == rai_toolkit.__version__
    assert evidence["assessment_created_at"] == expected["created_at"]
    assert evidence["signed"] is True
    env = json.loads(members["environment.json"])
    assert env["python"] == platform.python_version()
    assert env["packages"]["numpy"] == np.__version__
    assert env["packages"]["pandas"] == pd.__version__
    assert env["packages"]["rai-toolkit"] == rai_toolkit.__version__
    assert members["fairness.json"].decode() == setup["assessment"].fairness.to_json()
    assert json.loads(members["audits/01-screening-tool.json"]) == setup["audit"].to_dict()
    assert members["audits/01-screening-tool.md"].decode() == setup["audit"].to_markdown()


def test_data_frame_hash_is_its_csv(setup):
    evidence = json.loads(_members(setup["unsigned"])["evidence.json"])
    csv = setup["frame"].to_csv(lineterminator="\n").encode()
    assert evidence["data"]["sha256"] == hashlib.sha256(csv).hexdigest()
    assert evidence["data"]["rows"] == len(setup["frame"])
    assert evidence["model"]["sha256"] is None


def test_data_frame_of_other_rows_is_refused(setup, tmp_path):
    with pytest.raises(ArgumentError, match=r"`data` has 10 rows but the assessment was run on "
                                            r"1500 rows"):
        setup["assessment"].to_bundle(tmp_path / "b.zip", data=setup["frame"].head(10))
    assert list(tmp_path.iterdir()) == []


# ----------------------------------------------------------------------------- evidence map
def test_standalone_report_has_the_evidence_section(setup):
    doc = setup["assessment"].to_dict()
    ev = doc["regulatory_evidence"]
    assert ev["in_bundle"] is False
    refs = {s["reference"] for s in ev["sources"]}
    assert refs == {"Regulation (EU) 2024/1689, Annex IV, point 2(g)",
                    "NIST AI 100-1 (AI RMF 1.0), MEASURE 2.11"}
    items = {i["item"]: i for i in ev["items"]}
    assert items["Test reports signed by the responsible persons"]["status"] == "missing"
    assert items["Metrics used to measure robustness"]["status"] == "missing"  # robustness=False
    assert all(i["status"] in EVIDENCE_STATUSES for i in ev["items"])
    assert {i["framework"] for i in ev["items"]} == {"EU AI Act", "NIST AI RMF"}
    html = setup["assessment"].to_html()
    assert '<section id="evidence">' in html and 'href="#evidence"' in html
    assert "(written by to_bundle)" in html


def test_signed_bundle_marks_the_signature_present(setup):
    ev = json.loads(_members(setup["signed"])["report.json"])["regulatory_evidence"]
    items = {i["item"]: i for i in ev["items"]}
    assert items["Test reports signed by the responsible persons"]["status"] == "present"
    assert items["Validation and testing data used and their main characteristics"][
        "status"] == "present"
    assert "audits/01-screening-tool.json" in items[
        "Metrics on potentially discriminatory impacts"]["evidence"]
    unsigned = json.loads(_members(setup["unsigned"])["report.json"])["regulatory_evidence"]
    items = {i["item"]: i for i in unsigned["items"]}
    assert items["Test reports signed by the responsible persons"]["status"] == "missing"


def test_robustness_evidence_present_when_measured(assessment):
    items = {i["item"]: i for i in assessment.to_dict()["regulatory_evidence"]["items"]}
    assert items["Metrics used to measure robustness"]["status"] == "present"


# ----------------------------------------------------------------------------- tampering
def _positions(size: int, rng: np.random.Generator, every: bool) -> list[int]:
    if every:
        return list(range(size))
    return sorted({0, size // 2, size - 1, *rng.integers(0, size, 12).tolist()})


@pytest.mark.parametrize("which", ["signed", "unsigned"])
def test_any_changed_byte_of_any_member_is_found_and_named(setup, tmp_path, which):
    original = _members(setup[which])
    rng = np.random.default_rng(0)
    key = setup["public"] if which == "signed" else None
    path = tmp_path / "tampered.zip"
    for name, content in original.items():
        # the manifest and the signature have their own formats: change every byte of them
        every = name in (MANIFEST, SIGNATURE)
        for pos in _positions(len(content), rng, every):
            for flip in (0x01,) if every else (0x01, 0x20, 0x80):
                changed = bytearray(content)
                changed[pos] ^= flip
                _rewrite({**original, name: bytes(changed)}, path)
                result = verify_bundle(path, public_key=key)
                assert not result.ok, (name, pos, flip)
                assert result.first_difference == name, (name, pos, result.problems)


def test_raw_byte_flips_inside_each_member_are_named(setup, tmp_path):
    raw = setup["signed"].read_bytes()
    with zipfile.ZipFile(setup["signed"]) as zf:
        infos = zf.infolist()
    path = tmp_path / "flipped.zip"
    for info in infos:
        # data starts after the 30-byte local header, the name and the extra field
        start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
        for pos in (start, start + info.compress_size // 2, start + info.compress_size - 1):
            changed = bytearray(raw)
            changed[pos] ^= 0x55
            path.write_bytes(bytes(changed))
            result = verify_bundle(path, public_key=setup["public"])
            assert not result.ok and result.first_difference == info.filename, result.problems


def test_signature_from_another_key_fails(setup, tmp_path):
    result = verify_bundle(setup["signed"], public_key=setup["other_public"])
    assert not result.ok and result.signature == "other key"
    assert result.first_difference == SIGNATURE
    assert "not by the given public key" in result.problems[0][1]
    assert result.summary().startswith("FAILED: manifest.sig is by key")


def test_resigned_forgery_fails_with_the_real_key(setup, tmp_path):
    # someone changes the report and re-signs the whole bundle with their own key
    path = setup["assessment"].to_bundle(tmp_path / "forged.zip",
                                         signing_key=setup["other_private"])
    result = verify_bundle(path, public_key=setup["public"])
    assert not result.ok and result.first_difference == SIGNATURE
    # without a public key the signature is only checked against the key it names
    loose = verify_bundle(path)
    assert loose.ok and not loose.signer_checked
    assert loose.key_id == key_id(
        serialization.load_pem_public_key(setup["other_public"].read_bytes())
    )


def test_unsigned_bundle_fails_when_a_key_is_expected(setup):
    result = verify_bundle(setup["unsigned"], public_key=setup["public"])
    assert not result.ok and result.first_difference == SIGNATURE
    assert "not signed" in result.problems[0][1]


def test_removed_signature_is_named(setup, tmp_path):
    members = _members(setup["signed"])
    del members[SIGNATURE]
    _rewrite(members, tmp_path / "b.zip")
    result = verify_bundle(tmp_path / "b.zip")
    assert not result.ok and result.first_difference == SIGNATURE


@pytest.mark.parametrize("change", ["extra", "missing", "duplicate"])
def test_added_removed_or_repeated_members_are_named(setup, tmp_path, change):
    members = _members(setup["signed"])
    path = tmp_path / "b.zip"
    if change == "extra":
        members["notes.txt"] = b"added later"
        _rewrite(members, path)
        expected = "notes.txt"
    elif change == "missing":
        del members["environment.json"]
        _rewrite(members, path)
        expected = "environment.json"
    else:
        _rewrite(members, path)
        with pytest.warns(UserWarning, match="Duplicate name"):
            with zipfile.ZipFile(path, "a") as zf:
                zf.writestr("evidence.json", b"{}")
        expected = "evidence.json"
    result = verify_bundle(path, public_key=setup["public"])
    assert not result.ok and result.first_difference == expected


# ----------------------------------------------------------------------------- bad input
def test_existing_path_is_refused_unless_overwrite(setup, tmp_path):
    path = tmp_path / "b.zip"
    path.write_bytes(b"keep me")
    with pytest.raises(ArgumentError, match=r"already exists; pass overwrite=True"):
        setup["assessment"].to_bundle(path)
    assert path.read_bytes() == b"keep me"
    setup["assessment"].to_bundle(path, overwrite=True, signing_key=setup["private"])
    assert verify_bundle(path, public_key=setup["public"]).ok
    assert sorted(p.name for p in tmp_path.iterdir()) == ["b.zip"]


@pytest.mark.parametrize(
    "name, message",
    [
        ("b.html", r"should end in \.zip; received \.html"),
        ("missing/b.zip", r"folder .* does not exist"),
        ("folder", r"is a folder"),
    ],
)
def test_bad_bundle_paths(setup, tmp_path, name, message):
    (tmp_path / "folder").mkdir()
    with pytest.raises(ArgumentError, match=message):
        setup["assessment"].to_bundle(tmp_path / name)
    assert [p.name for p in tmp_path.iterdir()] == ["folder"]


def test_path_must_be_a_path(setup):
    with pytest.raises(ArgumentError, match=r"`path` must be a file path"):
        setup["assessment"].to_bundle(None)
    with pytest.raises(ArgumentError, match=r"overwrite must be True or False"):
        setup["assessment"].to_bundle("x.zip", overwrite="yes")


@pytest.mark.parametrize("kind", ["random", "truncated", "empty", "text"])
def test_corrupted_zip(setup, tmp_path, kind):
    path = tmp_path / "bad.zip"
    raw = setup["signed"].read_bytes()
    content = {
        "random": np.random.default_rng(0).bytes(4000),
        "truncated": raw[: len(raw) // 2],
        "empty": b"",
        "text": b"not a zip at all\n",
    }[kind]
    path.write_bytes(content)
    with pytest.raises(DataValidationError, match=r"is not a readable zip archive \(corrupted "
                                                  r"or truncated"):
        verify_bundle(path)


def test_zip_without_manifest(tmp_path):
    path = tmp_path / "other.zip"
    _rewrite({"a.txt": b"x"}, path)
    with pytest.raises(DataValidationError, match=r"holds no manifest\.json; it is not an "
                                                  r"evidence bundle"):
        verify_bundle(path)


def test_missing_bundle(tmp_path):
    with pytest.raises(ArgumentError, match=r"does not exist \(or is not a file\)"):
        verify_bundle(tmp_path / "nope.zip")
    with pytest.raises(ArgumentError, match=r"`path` must be the path of a bundle"):
        verify_bundle(3)


def _pem_private(key) -> bytes:
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                             serialization.NoEncryption())


def _pem_public(key) -> bytes:
    return key.public_bytes(serialization.Encoding.PEM,
                            serialization.PublicFormat.SubjectPublicKeyInfo)


@pytest.fixture(scope="module")
def other_keys():
    return {
        "rsa": rsa.generate_private_key(public_exponent=65537, key_size=2048),
        "ec": ec.generate_private_key(ec.SECP256R1()),
        "ed448": ed448.Ed448PrivateKey.generate(),
        "ed25519": ed25519.Ed25519PrivateKey.generate(),
        "x25519": x25519.X25519PrivateKey.generate(),
    }


@pytest.mark.parametrize(
    "make, message",
    [
        (lambda k, d: k["rsa"], r"must be an Ed25519 private key; received an RSA private key"),
        (lambda k, d: k["ec"], r"received an elliptic-curve \(ECDSA\) private key"),
        (lambda k, d: k["ed448"], r"received an Ed448 private key"),
        (lambda k, d: k["x25519"], r"received an X25519 \(key exchange\) private key"),
        (lambda k, d: k["ed25519"].public_key(), r"received an Ed25519 public key"),
        (lambda k, d: _pem_private(k["rsa"]), r"holds an RSA private key; bundles are signed "
                                              r"with Ed25519"),
        (lambda k, d: _pem_public(k["ed25519"].public_key()), r"not a private key; sign with "
                                                              r"the private key"),
        (lambda k, d: b"garbage", r"is not a PEM private key"),
        (lambda k, d: d / "missing.pem", r"`signing_key` .*missing\.pem' does not exist"),
        (lambda k, d: 42, r"must be a key file path, PEM bytes or a cryptography"),
        (lambda k, d: k["ed25519"].private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
            serialization.BestAvailableEncryption(b"secret")), r"is an encrypted private key"),
    ],
)
def test_wrong_signing_key(setup, other_keys, tmp_path, make, message):
    with pytest.raises(ArgumentError, match=message):
        setup["assessment"].to_bundle(tmp_path / "b.zip", signing_key=make(other_keys, tmp_path))
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    "make, message",
    [
        (lambda k: k["rsa"].public_key(), r"must be an Ed25519 public key; received an RSA "
                                          r"public key"),
        (lambda k: k["ed25519"], r"received an Ed25519 private key\. Pass its public half"),
        (lambda k: _pem_private(k["ed25519"]), r"holds a private key; verify with the public"),
        (lambda k: k["ed448"].public_key(), r"received an Ed448 public key"),
        (lambda k: k["x25519"].public_key(), r"received an X25519 \(key exchange\) public key"),
        (lambda k: _pem_public(k["ec"].public_key()), r"holds an elliptic-curve \(ECDSA\) "
                                                      r"public key"),
        (lambda k: b"-----BEGIN PUBLIC KEY-----\nxx\n", r"is not a PEM public key"),
        (lambda k: 3.5, r"must be a key file path, PEM bytes or a cryptography"),
    ],
)
def test_wrong_public_key(setup, other_keys, make, message):
    with pytest.raises(ArgumentError, match=message):
        verify_bundle(setup["signed"], public_key=make(other_keys))


def test_key_file_paths_and_pem_bytes_are_accepted(setup, tmp_path):
    pem = setup["private"].read_bytes()
    path = setup["assessment"].to_bundle(tmp_path / "b.zip", signing_key=pem)
    assert verify_bundle(path, public_key=setup["public"].read_bytes()).ok
    assert verify_bundle(path, public_key=str(setup["public"])).ok


def test_nothing_half_written_remains_when_writing_fails(setup, tmp_path, monkeypatch):
    path = tmp_path / "b.zip"
    old = tmp_path / "old.zip"
    setup["assessment"].to_bundle(old)
    before = old.read_bytes()
    calls = {"n": 0}
    real = zipfile.ZipFile.writestr

    def failing(self, *args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 3:
            raise OSError("disk full")
        return real(self, *args, **kwargs)

    monkeypatch.setattr(zipfile.ZipFile, "writestr", failing)
    with pytest.raises(OSError, match="disk full"):
        setup["assessment"].to_bundle(path)
    assert not path.exists()
    calls["n"] = 0
    with pytest.raises(OSError, match="disk full"):
        setup["assessment"].to_bundle(old, overwrite=True)
    assert old.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["old.zip"]


def test_bad_audits_and_files(setup, tmp_path):
    a = setup["assessment"]
    with pytest.raises(ArgumentError, match=r"audits\[0\] is dict, not a BiasAudit"):
        a.to_bundle(tmp_path / "b.zip", audits=[{}])
    with pytest.raises(ArgumentError, match=r"`audits` must be a list of BiasAudit"):
        a.to_bundle(tmp_path / "b.zip", audits=3)
    with pytest.raises(ArgumentError, match=r"`model_file` .*nope\.skops' does not exist"):
        a.to_bundle(tmp_path / "b.zip", model_file=tmp_path / "nope.skops")
    with pytest.raises(ArgumentError, match=r"`data` must be the path of the data file"):
        a.to_bundle(tmp_path / "b.zip", data=[1, 2])
    assert list(tmp_path.iterdir()) == []
    # a single audit (not in a list) is accepted
    path = a.to_bundle(tmp_path / "one.zip", audits=setup["audit"])
    assert "audits/01-screening-tool.json" in _members(path)


# ----------------------------------------------------------------------------- keys
def test_generate_keypair(tmp_path):
    private, public = generate_keypair(tmp_path / "k.pem")
    assert (private.name, public.name) == ("k.pem", "k.pem.pub")
    assert oct(os.stat(private).st_mode & 0o777) == "0o600"
    key = serialization.load_pem_private_key(private.read_bytes(), password=None)
    pub = serialization.load_pem_public_key(public.read_bytes())
    assert isinstance(key, ed25519.Ed25519PrivateKey)
    assert key_id(key.public_key()) == key_id(pub)
    with pytest.raises(ArgumentError, match=r"already exists; pass overwrite=True"):
        generate_keypair(tmp_path / "k.pem")
    assert private.read_bytes() == _pem_private(key)
    new_private, _ = generate_keypair(tmp_path / "k.pem", overwrite=True)
    assert new_private.read_bytes() != _pem_private(key)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["k.pem", "k.pem.pub"]


def test_generate_keypair_names_path_and_overwrite(tmp_path):
    generate_keypair(tmp_path / "k.pem")
    with pytest.raises(ArgumentError, match=r"^`path` '.*k\.pem' already exists; pass "
                                            r"overwrite=True to replace the key pair") as err:
        generate_keypair(tmp_path / "k.pem")
    assert err.value.argument == "overwrite"
    (tmp_path / "k.pem").unlink()
    with pytest.raises(ArgumentError, match=r"^The public key file beside `path` '.*k\.pem\.pub' "
                                            r"already exists; pass overwrite=True") as err:
        generate_keypair(tmp_path / "k.pem")
    assert err.value.argument == "overwrite"
    with pytest.raises(ArgumentError, match=r"overwrite must be True or False; received 1") as err:
        generate_keypair(tmp_path / "k.pem", overwrite=1)
    assert err.value.argument == "overwrite"
    with pytest.raises(ArgumentError, match=r"`path` '.*' is a folder") as err:
        generate_keypair(tmp_path)
    assert err.value.argument == "path"


def test_generate_keypair_refuses_an_existing_public_file(tmp_path):
    (tmp_path / "k.pem.pub").write_text("x")
    with pytest.raises(ArgumentError, match=r"k\.pem\.pub' already exists"):
        generate_keypair(tmp_path / "k.pem")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["k.pem.pub"]


# ----------------------------------------------------------------------------- result views
def test_verification_views(setup, tmp_path):
    members = _members(setup["signed"])
    members["report.html"] = members["report.html"].replace(b"Bundle test", b"Bundle t3st")
    _rewrite(members, tmp_path / "b.zip")
    result = verify_bundle(tmp_path / "b.zip", public_key=setup["public"])
    assert not result and result.first_difference == "report.html"
    assert repr(result).startswith("<BundleVerification b.zip: FAILED at 'report.html'")
    assert result.summary().splitlines()[0] == (
        "FAILED: report.html differs from the manifest (sha256 or size)."
    )
    doc = result.to_dict()
    assert doc["ok"] is False and doc["problems"][0]["file"] == "report.html"
    json.dumps(doc)
    assert result.files.set_index("path").loc["report.html", "status"] == "differs"
    assert "report.html" in result._repr_html_()


# ----------------------------------------------------------------------------- command logic
def test_run_bundle_checks_before_assessing(setup, tmp_path, monkeypatch):
    import rai_toolkit.report._assess as assessment_module

    def never(*args, **kwargs):
        raise AssertionError("assess ran before the inputs were checked")

    monkeypatch.setattr(assessment_module, "assess", never)
    common = {"target": "y", "sensitive_features": "group"}
    with pytest.raises(ArgumentError, match=r"holds an Ed25519 public key, not a private key"):
        run_bundle(setup["model"], setup["frame"], out=tmp_path / "b.zip",
                   signing_key=setup["public"].read_bytes(), **common)
    (tmp_path / "b.zip").write_bytes(b"x")
    with pytest.raises(ArgumentError, match=r"already exists"):
        run_bundle(setup["model"], setup["frame"], out=tmp_path / "b.zip", **common)
    with pytest.raises(ArgumentError, match=r"`model_file` .* does not exist"):
        run_bundle(setup["model"], setup["frame"], out=tmp_path / "c.zip",
                   model_file=tmp_path / "m.skops", **common)
    with pytest.raises(ArgumentError, match=r"exactly one of selected="):
        run_bundle(setup["model"], setup["frame"], out=tmp_path / "c.zip",
                   audit={"categories": {"group": "group"}}, **common)
    with pytest.raises(ArgumentError, match=r"overwrite must be True or False") as err:
        run_bundle(setup["model"], setup["frame"], out=tmp_path / "c.zip", overwrite="yes",
                   **common)
    assert err.value.argument == "overwrite"


def test_run_bundle_writes_a_verifiable_bundle(setup, tmp_path):
    frame = setup["frame"].assign(hired=setup["model"].predict(setup["frame"][COLS]))
    assessment, path = run_bundle(
        setup["model"], frame, target="y", sensitive_features="group", out=tmp_path / "b.zip",
        signing_key=setup["private"], model_file=setup["model_file"],
        audit={"categories": {"group": "group"}, "selected": "hired", "n_boot": 100,
               "title": "Screening tool"},
        n_boot=100, random_state=0, explain=False, privacy=False, robustness=False,
        features=COLS,
    )
    assert verify_bundle(path, public_key=setup["public"]).ok
    members = _members(path)
    assert "audits/01-screening-tool.json" in members
    evidence = json.loads(members["evidence.json"])
    csv = frame.to_csv(lineterminator="\n").encode()
    assert evidence["data"]["sha256"] == hashlib.sha256(csv).hexdigest()
    assert assessment.to_dict()["title"] == "Responsible AI assessment"


def test_bundle_zip_is_readable_by_the_standard_library(setup):
    with zipfile.ZipFile(io.BytesIO(setup["signed"].read_bytes())) as zf:
        assert zf.testzip() is None


def test_no_audits(setup, tmp_path):
    path = setup["assessment"].to_bundle(tmp_path / "b.zip", audits=None)
    assert not any(name.startswith("audits/") for name in _members(path))
    assert verify_bundle(path).ok


# ----------------------------------------------------------------------------- reading a member
def test_read_verified_member_returns_the_listed_bytes(setup):
    content = read_verified_member(setup["signed"], "fairness.json", argument="baseline")
    assert content == _members(setup["signed"])["fairness.json"]


def test_read_verified_member_refuses_a_bundle_that_does_not_verify(setup, tmp_path):
    members = _members(setup["unsigned"])
    members["report.json"] = members["report.json"].replace(b"Bundle test", b"Bundle t3st")
    _rewrite(members, tmp_path / "b.zip")
    with pytest.raises(DataValidationError, match=r"current: bundle .*b\.zip' does not verify, "
                       r"so it is not read: FAILED: report\.json differs from the manifest") as err:
        read_verified_member(tmp_path / "b.zip", "fairness.json", argument="current")
    assert err.value.argument == "current"


def test_read_verified_member_names_a_missing_member(setup):
    with pytest.raises(DataValidationError, match=r"holds no nothing\.json; it was written by a "
                                                  r"toolkit version that did not include it"):
        read_verified_member(setup["unsigned"], "nothing.json", argument="baseline")


def test_read_verified_member_rechecks_the_bytes_it_reads(setup, monkeypatch):
    real = zipfile.ZipFile.read

    def swapped(self, name, *args, **kwargs):
        content = real(self, name, *args, **kwargs)
        return content + b" " if name == "fairness.json" else content

    monkeypatch.setattr(zipfile.ZipFile, "read", swapped)
    with pytest.raises(DataValidationError, match=r"fairness\.json of bundle .* changed while it "
                                                  r"was read"):
        read_verified_member(setup["unsigned"], "fairness.json", argument="baseline")


def test_compare_reports_reads_the_fairness_report_of_bundles(setup):
    from rai_toolkit import compare_reports

    fairness = setup["assessment"].fairness
    from_bundles = compare_reports(setup["signed"], setup["unsigned"], n_boot=200,
                                   random_state=0)  # fmt: skip
    from_reports = compare_reports(fairness, fairness, n_boot=200, random_state=0)
    pd.testing.assert_frame_equal(from_bundles.changes, from_reports.changes)
    assert from_bundles.to_dict() == from_reports.to_dict()
