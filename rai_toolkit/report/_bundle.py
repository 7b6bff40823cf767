"""The evidence bundle: one zip that a regulator can check byte for byte.

A bundle holds the HTML report and its JSON document, the full fairness report
(``fairness.json``, with the count tables that :func:`~rai_toolkit.compare_reports`
compares), the bias audits passed in, the environment (Python and every
installed package's version), the sha256 of the data and of the model file,
the date and the toolkit version, and ``manifest.json``: the sha256 and size
of every other file. With a signing key, ``manifest.sig`` holds an Ed25519
signature of the manifest's exact bytes; since the manifest hashes every file,
the signature covers them all. The manifest also carries ``digest``, the sha256 of its own canonical
form, so that a change to any byte of it is found even in an unsigned bundle.

:func:`verify_bundle` re-reads every member, recomputes every hash, checks the
manifest's canonical form and the signature, and names the first file that
differs. Without a signature it detects accidental and naive changes only;
with ``public_key=`` it also proves who signed.

This module also builds the report's *regulatory evidence map*
(:func:`evidence_map`): each item of the EU AI Act's Annex IV point 2(g) and
of NIST AI RMF MEASURE 2.11, and the file of the bundle that answers it.
"""

from __future__ import annotations

import base64
import datetime as _dt
import hashlib
import json
import os
import platform
import tempfile
import zipfile
import zlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from rai_toolkit._io import atomic_path, check_output_path
from rai_toolkit._result import Result, Summary
from rai_toolkit.exceptions import ArgumentError, DataValidationError

__all__ = [
    "BUNDLE_SCHEMA",
    "BundleVerification",
    "environment",
    "check_bundle_path",
    "evidence_map",
    "generate_keypair",
    "read_verified_member",
    "verify_bundle",
    "write_bundle",
]

#: Identifier and version of the manifest schema (docs/bundle.md).
BUNDLE_SCHEMA = "rai_toolkit.bundle/1"
EVIDENCE_SCHEMA = "rai_toolkit.evidence/1"
MANIFEST = "manifest.json"
SIGNATURE = "manifest.sig"
#: The full fairness report (``FairnessReport.to_json``, count tables included).
FAIRNESS = "fairness.json"
_CHUNK = 1 << 20


# ----------------------------------------------------------------------------- keys
def _key_kind(key: Any) -> str:
    """Readable name of a key object's type."""
    from cryptography.hazmat.primitives.asymmetric import dsa, ec, ed448, ed25519, rsa, x25519

    algorithms = (
        ("an Ed25519", ed25519.Ed25519PrivateKey, ed25519.Ed25519PublicKey),
        ("an RSA", rsa.RSAPrivateKey, rsa.RSAPublicKey),
        ("an elliptic-curve (ECDSA)", ec.EllipticCurvePrivateKey, ec.EllipticCurvePublicKey),
        ("an Ed448", ed448.Ed448PrivateKey, ed448.Ed448PublicKey),
        ("a DSA", dsa.DSAPrivateKey, dsa.DSAPublicKey),
        ("an X25519 (key exchange)", x25519.X25519PrivateKey, x25519.X25519PublicKey),
    )
    for algorithm, private, public in algorithms:
        if isinstance(key, private | public):
            return f"{algorithm} {'private' if isinstance(key, private) else 'public'} key"
    return f"a {type(key).__name__}"


def _existing_file(value: Any, *, argument: str, expected: str) -> Path:
    """Check that an input path names an existing file; ``expected`` says what it should be."""
    if not isinstance(value, str | os.PathLike):
        raise ArgumentError(
            f"`{argument}` must be the path of {expected}; received {type(value).__name__}."
        )
    p = Path(value)
    if not p.is_file():
        raise ArgumentError(
            f"`{argument}` {str(p)!r} does not exist (or is not a file); pass the path of "
            f"{expected}."
        )
    return p


def _key_material(key: Any, *, argument: str) -> tuple[bytes, str]:
    """Bytes of a key given as a path or as PEM bytes, and where they came from."""
    if isinstance(key, bytes | bytearray):
        return bytes(key), f"`{argument}` (bytes)"
    if isinstance(key, str | os.PathLike):
        p = _existing_file(
            key, argument=argument, expected="a PEM key written by generate_keypair"
        )
        return p.read_bytes(), f"`{argument}` file {str(p)!r}"
    raise ArgumentError(
        f"`{argument}` must be a key file path, PEM bytes or a cryptography Ed25519 key object; "
        f"received {type(key).__name__}."
    )


def load_signing_key(key: Any, *, argument: str = "signing_key") -> Any:
    """Return an Ed25519 private key from a key object, a PEM file path or PEM bytes.

    Parameters
    ----------
    key : Ed25519PrivateKey, str, path-like or bytes
        The private key, or where to read it (unencrypted PKCS#8 PEM, as
        written by :func:`generate_keypair`).
    argument : str, default="signing_key"
        Argument name used in messages.

    Returns
    -------
    cryptography.hazmat.primitives.asymmetric.ed25519.Ed25519PrivateKey
        The key.

    Raises
    ------
    ArgumentError
        If the key is missing, unreadable, encrypted, public or not Ed25519.
    """
    return _load_key(key, private=True, argument=argument)


def load_public_key(key: Any, *, argument: str = "public_key") -> Any:
    """Return an Ed25519 public key (e.g. the ``.pub`` file), as :func:`load_signing_key` does."""
    return _load_key(key, private=False, argument=argument)


_MAKE_KEYS = "Make a key pair with rai_toolkit.generate_keypair(path) (rai-toolkit keygen)."


def _load_key(key: Any, *, private: bool, argument: str) -> Any:
    """Load the private or the public Ed25519 key; every refusal says what to pass instead."""
    from cryptography.exceptions import UnsupportedAlgorithm
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ed25519

    wanted = ed25519.Ed25519PrivateKey if private else ed25519.Ed25519PublicKey
    half = "private" if private else "public"
    if isinstance(key, wanted):
        return key
    if _is_key_object(key):
        kind = _key_kind(key)
        hint = (
            _MAKE_KEYS
            if private
            else "Pass its public half (key.public_key()) or the .pub file."
            if "private" in kind
            else ""
        )
        raise ArgumentError(
            f"`{argument}` must be an Ed25519 {half} key; received {kind}. {hint}".rstrip(),
            argument=argument,
        )
    data, where = _key_material(key, argument=argument)
    try:
        if private:
            loaded = serialization.load_pem_private_key(data, password=None)
        else:
            loaded = serialization.load_pem_public_key(data)
    except TypeError as err:  # a password-protected private key
        raise ArgumentError(
            f"{where} is an encrypted private key; pass the key object instead: "
            f"cryptography's serialization.load_pem_private_key(data, password=...).",
            argument=argument,
        ) from err
    except (ValueError, UnsupportedAlgorithm) as err:
        message = _unreadable_key(data, where, err, private=private)
        raise ArgumentError(message, argument=argument) from err
    if not isinstance(loaded, wanted):
        raise ArgumentError(
            f"{where} holds {_key_kind(loaded)}; bundles are signed with Ed25519 keys."
            + (f" {_MAKE_KEYS}" if private else ""),
            argument=argument,
        )
    return loaded


def _unreadable_key(data: bytes, where: str, err: Exception, *, private: bool) -> str:
    """Why PEM data did not load as the key wanted: the other half of a pair, or not PEM."""
    from cryptography.exceptions import UnsupportedAlgorithm
    from cryptography.hazmat.primitives import serialization

    if private:
        try:
            public = serialization.load_pem_public_key(data)
        except (ValueError, UnsupportedAlgorithm):
            public = None
        if public is not None:
            return (
                f"{where} holds {_key_kind(public)}, not a private key; sign with the private "
                f"key (the file without .pub) and keep the public key for verify_bundle."
            )
    elif b"PRIVATE KEY" in data:
        return (
            f"{where} holds a private key; verify with the public key (the .pub file written "
            f"next to it), and keep the private key secret."
        )
    detail = " ".join(str(err).split())[:120]
    written = "file written by" if private else ".pub file written by"
    return (
        f"{where} is not a PEM {'private' if private else 'public'} key ({detail}); pass the "
        f"{written} generate_keypair (rai-toolkit keygen)."
    )


def _is_key_object(key: Any) -> bool:
    module = type(key).__module__ or ""
    return module.startswith("cryptography")


def _raw_public(public: Any) -> bytes:
    from cryptography.hazmat.primitives import serialization

    return public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def key_id(public: Any) -> str:
    """Short fingerprint of an Ed25519 public key: the first 16 hex digits of its sha256.

    Parameters
    ----------
    public : Ed25519PublicKey
        The key.

    Returns
    -------
    str
        16 hexadecimal characters.
    """
    return hashlib.sha256(_raw_public(public)).hexdigest()[:16]


def _check_new_file(
    path: Any,
    *,
    argument: str,
    overwrite: bool,
    name: str | None = None,
    what: str = "it",
    suffixes: tuple[str, ...] | None = None,
) -> Path:
    """Check a file about to be written (check_output_path); an existing one names overwrite.

    ``name`` names the file in messages (default: the argument); errors carry ``argument``.
    """
    if not isinstance(overwrite, bool):
        raise ArgumentError(
            f"overwrite must be True or False; received {overwrite!r}.", argument="overwrite"
        )
    name = name or f"`{argument}`"
    if isinstance(path, str | os.PathLike) and os.path.isfile(path) and not overwrite:
        raise ArgumentError(
            f"{name} {os.fspath(path)!r} already exists; pass overwrite=True to replace {what}, "
            f"or choose another `{argument}`.",
            argument="overwrite",
        )
    try:
        return check_output_path(path, argument=name, suffixes=suffixes)
    except ArgumentError as err:
        err.argument = err.argument or argument
        raise


def _write_private(path: Path, data: bytes) -> None:
    """Write ``data`` readable by the owner only, through a temporary file and a rename."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.chmod(tmp, 0o600)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def generate_keypair(path: str | os.PathLike, *, overwrite: bool = False) -> tuple[Path, Path]:
    """Make an Ed25519 key pair for signing evidence bundles.

    The private key is written to ``path`` (unencrypted PKCS#8 PEM, readable
    by its owner only) and the public key to ``path`` + ``".pub"`` (PEM).

    Parameters
    ----------
    path : str or path-like
        Private key file, e.g. ``"signing.pem"``.
    overwrite : bool, default=False
        Replace existing key files.

    Returns
    -------
    tuple of pathlib.Path
        ``(private_key_path, public_key_path)``.

    Raises
    ------
    ArgumentError
        If ``path`` or ``path + ".pub"`` exists (without ``overwrite=True``:
        the error's ``argument`` is ``"overwrite"``), or the folder is missing.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> private, public = generate_keypair(folder / "signing.pem")
    >>> public.name
    'signing.pem.pub'
    """
    replacing = (
        "the key pair (bundles signed with the old key then no longer verify against the new "
        ".pub)"
    )
    private_path = _check_new_file(path, argument="path", overwrite=overwrite, what=replacing)
    public_path = _check_new_file(
        Path(f"{private_path}.pub"), argument="path", overwrite=overwrite, what=replacing,
        name="The public key file beside `path`",
    )  # fmt: skip
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ed25519

    key = ed25519.Ed25519PrivateKey.generate()
    private_pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    public_pem = key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    _write_private(private_path, private_pem)
    try:
        with atomic_path(public_path) as tmp:
            tmp.write_bytes(public_pem)
    except BaseException:
        private_path.unlink(missing_ok=True)
        raise
    return private_path, public_path


# ----------------------------------------------------------------------------- contents
def _sha256_stream(fh: Any) -> tuple[str, int]:
    """sha256 and size of a binary file object, read in blocks."""
    digest = hashlib.sha256()
    size = 0
    for block in iter(lambda: fh.read(_CHUNK), b""):
        digest.update(block)
        size += len(block)
    return digest.hexdigest(), size


def _sha256_file(path: Path) -> tuple[str, int]:
    with path.open("rb") as fh:
        return _sha256_stream(fh)


def file_record(value: Any, *, argument: str, what: str) -> dict[str, Any]:
    p = _existing_file(value, argument=argument, expected=f"the {what} file that was assessed")
    sha, size = _sha256_file(p)
    return {"source": "file", "name": p.name, "bytes": size, "sha256": sha}


def frame_sha256(frame: pd.DataFrame) -> str:
    r"""sha256 of a DataFrame's CSV form (index included, ``\n`` line ends, UTF-8).

    Parameters
    ----------
    frame : pandas.DataFrame
        The data.

    Returns
    -------
    str
        Hexadecimal digest; the same as
        ``hashlib.sha256(frame.to_csv(lineterminator="\n").encode()).hexdigest()``.
    """
    return hashlib.sha256(frame.to_csv(lineterminator="\n").encode("utf-8")).hexdigest()


def _data_record(data: Any, n_rows: int | None) -> dict[str, Any]:
    if data is None:
        return {
            "source": None,
            "sha256": None,
            "note": "not given: pass data= (the data file or DataFrame) to record its hash",
        }
    if isinstance(data, pd.DataFrame):
        if n_rows is not None and len(data) != n_rows:
            raise ArgumentError(
                f"`data` has {len(data)} rows but the assessment was run on {n_rows} rows; pass "
                f"the evaluation data the assessment used (or its file)."
            )
        return {
            "source": "dataframe",
            "rows": int(data.shape[0]),
            "columns": int(data.shape[1]),
            "sha256": frame_sha256(data),
            "method": "sha256 of DataFrame.to_csv(lineterminator='\\n') in UTF-8",
        }
    return file_record(data, argument="data", what="data")


def environment() -> dict[str, Any]:
    """Python and the version of every installed distribution.

    Returns
    -------
    dict
        ``{"python", "implementation", "platform", "packages": {name: version}}``.
    """
    from importlib.metadata import distributions

    packages: dict[str, str] = {}
    for dist in distributions():
        name = dist.metadata["Name"]
        if name:
            packages.setdefault(name.lower().replace("_", "-"), dist.version)
    return {
        "python": platform.python_version(),
        "implementation": platform.python_implementation(),
        "platform": platform.platform(),
        "packages": dict(sorted(packages.items())),
    }


def _slug(text: str, limit: int = 40) -> str:
    words = [w for w in "".join(c if c.isalnum() else " " for c in text.lower()).split() if w]
    out = ""
    for word in words:
        candidate = f"{out}-{word}" if out else word
        if len(candidate) > limit:
            break
        out = candidate
    return out or (words[0][:limit] if words else "audit")


def _json_bytes(document: Any) -> bytes:
    return (json.dumps(document, indent=2, allow_nan=False, ensure_ascii=False) + "\n").encode()


def manifest_bytes(manifest: dict[str, Any]) -> bytes:
    """Canonical bytes of a manifest, with ``digest`` set to the sha256 of the rest.

    Parameters
    ----------
    manifest : dict
        The manifest (any ``digest`` key is recomputed).

    Returns
    -------
    bytes
        Sorted-key, two-space-indented ASCII JSON and a final newline.
    """
    body = {k: v for k, v in manifest.items() if k != "digest"}
    text = json.dumps(body, sort_keys=True, indent=2, ensure_ascii=True, allow_nan=False)
    body["digest"] = hashlib.sha256(text.encode("ascii")).hexdigest()
    return (json.dumps(body, sort_keys=True, indent=2, ensure_ascii=True) + "\n").encode("ascii")


# ----------------------------------------------------------------------------- evidence map
_EU = "EU AI Act"
_EU_REF = "Regulation (EU) 2024/1689, Annex IV, point 2(g)"
_NIST = "NIST AI RMF"
_NIST_REF = "NIST AI 100-1 (AI RMF 1.0), MEASURE 2.11"
EVIDENCE_STATUSES = ("present", "partial", "missing", "human review")


def evidence_map(doc: dict[str, Any], bundle: dict[str, Any] | None = None) -> dict[str, Any]:
    """Map each item of Annex IV(2)(g) and NIST AI RMF MEASURE 2.11 to its evidence.

    Parameters
    ----------
    doc : dict
        The assessment document (:meth:`Assessment.to_dict`).
    bundle : dict, optional
        Facts of the bundle being written: ``signed`` (bool), ``data`` and
        ``model`` (bool: hash recorded) and ``audits`` (list of file names).
        None for a report outside a bundle.

    Returns
    -------
    dict
        ``{"in_bundle": bool, "sources": [...], "items": [{"framework",
        "reference", "item", "evidence": [str], "status", "note"}]}``.
    """
    in_bundle = bundle is not None
    facts = bundle or {}
    audits = list(facts.get("audits", []))
    security = doc.get("security") or {}

    def bundle_only(name: str) -> str:
        return name if in_bundle else f"{name} (written by to_bundle)"

    items: list[dict[str, Any]] = []

    def add(framework: str, item: str, evidence: list[str], status: str, note: str) -> None:
        reference = _EU_REF if framework == _EU else _NIST_REF
        items.append(
            {
                "framework": framework,
                "reference": reference,
                "item": item,
                "evidence": evidence,
                "status": status,
                "note": note,
            }
        )

    add(
        _EU,
        "Validation and testing procedures used",
        ["report.html#limitations", "report.json: settings, fairness.bootstrap, "
         "fairness.thresholds, error_analysis.method"],  # fmt: skip
        "present",
        "Bootstrap intervals, thresholds and the error-analysis search are described in the "
        "report and recorded in its settings.",
    )
    has_data = bool(facts.get("data"))
    add(
        _EU,
        "Validation and testing data used and their main characteristics",
        ["report.html#model-card", "report.json: model_card",
         bundle_only("evidence.json: data.sha256")],  # fmt: skip
        "present" if has_data else "partial",
        "Rows, columns, base rate and provenance are in the data card; "
        + (
            "the sha256 of the data identifies the exact rows."
            if has_data
            else "the data's sha256 is recorded when the bundle is written with data=."
        ),
    )
    add(
        _EU,
        "Metrics used to measure accuracy",
        ["report.html#fairness", "report.json: fairness.groupings[].groups[].metrics "
         "(accuracy, balanced accuracy, error rates)", "report.json: error_analysis"],  # fmt: skip
        "present",
        "Accuracy and error rates per group with intervals, and the cohorts with most errors.",
    )
    robust = security.get("robustness") is not None
    add(
        _EU,
        "Metrics used to measure robustness",
        ["report.html#security-robustness", "report.json: security.robustness"],
        "present" if robust else "missing",
        "Prediction flip rates under small perturbations, by feature and group."
        if robust
        else "Robustness was not measured in this assessment (robustness=False or no model).",
    )
    add(
        _EU,
        "Metrics used to measure compliance with the other requirements of Chapter III, "
        "Section 2",
        ["report.html#scorecard", "report.json: scorecard, security.privacy, "
         "security.membership"],  # fmt: skip
        "partial",
        "The scorecard covers the measurable principles; requirements that depend on process "
        "(risk management, human oversight, record keeping) need the provider's own evidence.",
    )
    add(
        _EU,
        "Metrics on potentially discriminatory impacts",
        ["report.html#fairness", "report.json: fairness.verdicts, fairness.groupings[]"
         ".disparities"] + audits,  # fmt: skip
        "present",
        "Group metrics, disparities and verdicts with bootstrap intervals"
        + (f"; {len(audits)} bias audit(s) in audits/." if audits else "."),
    )
    add(
        _EU,
        "Test logs",
        ["report.json: settings (seed, replicates), notes",
         bundle_only("environment.json"), bundle_only("manifest.json")],  # fmt: skip
        "present" if in_bundle else "partial",
        "Settings, random seed, skipped steps, the package versions and every file's sha256 "
        "record how the tests ran.",
    )
    add(
        _EU,
        "Test reports dated",
        ["report.json: created_at", bundle_only("manifest.json: created_at")],
        "present",
        f"Report generated {doc.get('created_at') or 'at an unknown time'}.",
    )
    signed = bool(facts.get("signed"))
    add(
        _EU,
        "Test reports signed by the responsible persons",
        [bundle_only("manifest.sig: Ed25519 signature of manifest.json")],
        "present" if signed else "missing",
        "The signature covers every file through the manifest's hashes; which person holds the "
        "key must be recorded by the organisation."
        if signed
        else "Not signed: write the bundle with signing_key= (rai-toolkit keygen makes a key).",
    )
    add(
        _EU,
        "Test reports on pre-determined changes (point 2(f))",
        [bundle_only(f"{FAIRNESS}: the count tables that compare_reports (rai-toolkit diff) "
                     "compares with a later bundle of the changed system")],
        "human review",
        "The toolkit does not know the planned changes; the provider documents them and "
        "re-runs the assessment on each change.",
    )
    add(
        _NIST,
        "Fairness and bias are evaluated",
        ["report.html#fairness", "report.html#attribution",
         "report.json: fairness.verdicts"] + audits,  # fmt: skip
        "present",
        "Every criterion with its bootstrap interval and verdict, per sensitive feature and "
        "intersection.",
    )
    add(
        _NIST,
        "... for the groups and harms identified in the MAP function",
        ["report.json: settings.sensitive_features", "report.html#impact"],
        "human review",
        "Which groups and harms to evaluate comes from the MAP function's impact analysis; the "
        "impact assessment draft marks what people must fill in.",
    )
    add(
        _NIST,
        "Results are documented",
        ["report.html", "report.json"] + audits + [bundle_only("manifest.json")]
        + ([bundle_only("manifest.sig")] if signed else []),
        "present",
        "The report, its JSON document and the manifest of hashes.",
    )
    return {
        "in_bundle": in_bundle,
        "sources": [
            {"framework": _EU, "reference": _EU_REF},
            {"framework": _NIST, "reference": _NIST_REF},
        ],
        "items": items,
    }


# ----------------------------------------------------------------------------- writing
def _audit_members(audits: Iterable[Any]) -> list[tuple[str, bytes]]:
    from rai_toolkit.audit import BiasAudit

    if audits is None:
        return []
    if isinstance(audits, BiasAudit):
        audits = [audits]
    if isinstance(audits, str | bytes) or not isinstance(audits, Iterable):
        raise ArgumentError(
            f"`audits` must be a list of BiasAudit results (from bias_audit); received "
            f"{type(audits).__name__}."
        )
    members = []
    for i, audit in enumerate(list(audits), start=1):
        if not isinstance(audit, BiasAudit):
            raise ArgumentError(
                f"audits[{i - 1}] is {type(audit).__name__}, not a BiasAudit; pass results of "
                f"rai_toolkit.bias_audit(...)."
            )
        stem = f"audits/{i:02d}-{_slug(audit.to_dict()['title'] or audit.standard)}"
        members.append((f"{stem}.json", audit.to_json().encode() + b"\n"))
        members.append((f"{stem}.html", audit.to_html().encode()))
        members.append((f"{stem}.md", audit.to_markdown().encode()))
    return members


def check_bundle_path(path: Any, *, overwrite: bool, argument: str = "path") -> Path:
    """Check a bundle path before any work: a ``.zip`` in an existing, writable folder.

    Parameters
    ----------
    path : str or path-like
        Where the bundle will be written.
    overwrite : bool
        Whether an existing file may be replaced.
    argument : str, default="path"
        Argument name used in messages.

    Returns
    -------
    pathlib.Path
        The path.

    Raises
    ------
    ArgumentError
        If the path exists (without ``overwrite``), is a folder, does not end in
        ``.zip`` or its folder is missing or read-only.
    """
    return _check_new_file(path, argument=argument, overwrite=overwrite, suffixes=(".zip",))


def write_bundle(
    assessment: Any,
    path: str | os.PathLike,
    *,
    signing_key: Any = None,
    overwrite: bool = False,
    audits: Iterable[Any] = (),
    data: Any = None,
    model_file: str | os.PathLike | None = None,
) -> Path:
    """Write the evidence bundle of ``assessment`` (parameters: ``Assessment.to_bundle``)."""
    target = check_bundle_path(path, overwrite=overwrite)
    key = None if signing_key is None else load_signing_key(signing_key)
    doc = assessment.to_dict()
    data_record = _data_record(data, (doc.get("model_card") or {}).get("n_rows"))
    model_record = (
        {"source": None, "sha256": None, "note": "not given: pass model_file= to record its hash"}
        if model_file is None
        else file_record(model_file, argument="model_file", what="model")
    )
    audit_members = _audit_members(audits)

    from rai_toolkit._version import __version__
    from rai_toolkit.report._html import render_html

    now = _dt.datetime.now(_dt.UTC).replace(microsecond=0)
    audit_names = [name for name, _ in audit_members if name.endswith(".json")]
    doc["regulatory_evidence"] = evidence_map(
        doc,
        {
            "signed": key is not None,
            "data": data_record["sha256"] is not None,
            "model": model_record["sha256"] is not None,
            "audits": audit_names,
        },
    )
    evidence = {
        "schema": EVIDENCE_SCHEMA,
        "created_at": now.isoformat(),
        "toolkit_version": __version__,
        "assessment_created_at": doc.get("created_at"),
        "title": doc.get("title"),
        "data": data_record,
        "model": model_record,
        "audits": audit_names,
        "signed": key is not None,
    }
    members: list[tuple[str, bytes]] = [
        ("report.html", render_html(doc).encode()),
        ("report.json", _json_bytes(doc)),
        (FAIRNESS, assessment.fairness.to_json().encode("utf-8")),
        *audit_members,
        ("environment.json", _json_bytes(environment())),
        ("evidence.json", _json_bytes(evidence)),
    ]
    manifest: dict[str, Any] = {
        "schema": BUNDLE_SCHEMA,
        "created_at": now.isoformat(),
        "toolkit_version": __version__,
        "hash": "sha256",
        "files": [
            {"path": name, "sha256": hashlib.sha256(content).hexdigest(), "bytes": len(content)}
            for name, content in members
        ],
        "signature": None,
    }
    if key is not None:
        public = key.public_key()
        manifest["signature"] = {
            "algorithm": "Ed25519",
            "public_key": base64.b64encode(_raw_public(public)).decode("ascii"),
            "key_id": key_id(public),
            "file": SIGNATURE,
        }
    manifest_raw = manifest_bytes(manifest)
    members.append((MANIFEST, manifest_raw))
    if key is not None:
        members.append((SIGNATURE, base64.b64encode(key.sign(manifest_raw)) + b"\n"))

    # members are stored uncompressed: every byte of a member's data in the archive is a byte
    # of the file the manifest hashes (deflate has padding bits that decompress the same)
    stamp = now.timetuple()[:6]
    with atomic_path(target) as tmp:
        with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_STORED) as zf:
            for name, content in members:
                info = zipfile.ZipInfo(name, date_time=stamp)
                info.compress_type = zipfile.ZIP_STORED
                info.external_attr = 0o644 << 16
                zf.writestr(info, content)
    return target


# ----------------------------------------------------------------------------- verifying
@dataclass(repr=False)
class BundleVerification(Result):
    """Outcome of :func:`verify_bundle`.

    Attributes
    ----------
    path : pathlib.Path
        The bundle.
    ok : bool
        True when every file matches the manifest, the manifest is intact and
        the signature (if any, or if a public key was given) is valid.
    first_difference : str or None
        The first file that differs (manifest files first, then the listed
        files in manifest order, then unlisted files).
    problems : list of tuple
        ``(file, description)`` for every difference found.
    signature : str
        ``"valid"``, ``"invalid"``, ``"unsigned"`` or ``"other key"``.
    key_id : str or None
        Fingerprint of the key that signed (from the manifest).
    signer_checked : bool
        True when ``public_key`` was given and the signature verifies with it;
        a valid signature without ``public_key`` proves integrity, not who signed.
    created_at, toolkit_version : str or None
        From the manifest.
    files : pandas.DataFrame
        ``path``, ``expected_sha256``, ``actual_sha256``, ``status`` per file.
    """

    path: Path
    ok: bool
    first_difference: str | None
    problems: list[tuple[str, str]]
    signature: str
    key_id: str | None
    signer_checked: bool
    created_at: str | None
    toolkit_version: str | None
    files: pd.DataFrame = field(repr=False)

    def __bool__(self) -> bool:
        return self.ok

    def summary(self) -> str:
        """Plain-text outcome, one line per problem.

        Returns
        -------
        str
            Several lines.
        """
        if self.ok:
            who = (
                f"signed by key {self.key_id} (checked against the given public key)"
                if self.signer_checked
                else f"signed by key {self.key_id} (pass a public key to check who signed)"
                if self.signature == "valid"
                else "unsigned (integrity only: anyone could rewrite every hash)"
            )
            lines = [f"OK: {len(self.files)} files match the manifest; {who}."]
        else:
            first = next(i for i, (f, _) in enumerate(self.problems) if f == self.first_difference)
            lines = [f"FAILED: {self.first_difference} {self.problems[first][1]}."]
            lines += [f"  also: {f} {t}" for i, (f, t) in enumerate(self.problems) if i != first]
        return "\n".join(lines)

    def to_dict(self) -> dict[str, Any]:
        """Return the outcome as a JSON-compatible dict.

        Returns
        -------
        dict
            Every attribute; ``files`` as a list of records.
        """
        return {
            "path": str(self.path),
            "ok": self.ok,
            "first_difference": self.first_difference,
            "problems": [{"file": f, "problem": p} for f, p in self.problems],
            "signature": self.signature,
            "key_id": self.key_id,
            "signer_checked": self.signer_checked,
            "created_at": self.created_at,
            "toolkit_version": self.toolkit_version,
            "files": self.files.to_dict(orient="records"),
        }

    def _summary(self) -> Summary:
        state = "ok" if self.ok else f"FAILED at {self.first_difference!r}"
        return Summary(
            title="Bundle verification",
            head=(
                f"{self.path.name}: {state}; signature {self.signature}"
                f"{'' if self.key_id is None else f' (key {self.key_id})'}; {len(self.files)} files"
            ),
            text=f"{'OK' if self.ok else 'FAILED'}: {self.summary().splitlines()[0]}",
            tables=[("", self.files[["path", "status"]])],
        )


_READ_ERRORS = (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError, KeyError,
                NotImplementedError, RuntimeError)  # fmt: skip
#: Largest manifest or signature read into memory; a bundle's manifest is a few kB.
_MAX_SMALL_MEMBER = 16 << 20


def _read_member(zf: zipfile.ZipFile, name: str) -> tuple[bytes | None, str | None]:
    """Bytes of a small member (manifest, signature), or why it cannot be read."""
    try:
        if zf.getinfo(name).file_size > _MAX_SMALL_MEMBER:
            return None, f"is larger than {_MAX_SMALL_MEMBER >> 20} MB, not a bundle's manifest"
        return zf.read(name), None
    except _READ_ERRORS as err:
        return None, f"cannot be read ({type(err).__name__}: {' '.join(str(err).split())})"


def _hash_member(zf: zipfile.ZipFile, name: str) -> tuple[str | None, int, str | None]:
    """sha256 and size of a member read in blocks (the zip's CRC is checked at the end)."""
    try:
        with zf.open(name) as fh:
            return (*_sha256_stream(fh), None)
    except _READ_ERRORS as err:
        return None, 0, f"cannot be read ({type(err).__name__}: {' '.join(str(err).split())})"


def verify_bundle(path: str | os.PathLike, *, public_key: Any = None) -> BundleVerification:
    """Check an evidence bundle: every file's sha256, the manifest and the signature.

    Parameters
    ----------
    path : str or path-like
        The bundle (``.zip``) written by :meth:`Assessment.to_bundle`.
    public_key : Ed25519PublicKey, str, path-like or bytes, optional
        The signer's public key (PEM, e.g. the ``.pub`` file of
        :func:`generate_keypair`). With it, the bundle must be signed by that
        key; without it, a signature is checked against the key named in the
        manifest, which proves integrity but not who signed.

    Returns
    -------
    BundleVerification
        ``.ok`` (also the object's truth value), ``.first_difference``,
        ``.problems``, ``.signature``, ``.files``.

    Raises
    ------
    DataValidationError
        If ``path`` is not a readable zip archive or holds no manifest.
    ArgumentError
        If ``path`` does not exist or ``public_key`` is not an Ed25519 public key.

    Examples
    --------
    >>> result = verify_bundle("evidence.zip")  # doctest: +SKIP
    >>> result.ok, result.first_difference  # doctest: +SKIP
    (True, None)
    """
    bundle = _existing_file(
        path, argument="path", expected="a bundle (.zip) written by Assessment.to_bundle"
    )
    expected_key = None if public_key is None else load_public_key(public_key)
    with _open_zip(bundle) as zf:
        return _verify_open(zf, bundle, expected_key)


def _open_zip(bundle: Path) -> zipfile.ZipFile:
    try:
        return zipfile.ZipFile(bundle)
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as err:
        raise DataValidationError(
            f"Bundle {str(bundle)!r} is not a readable zip archive (corrupted or truncated: "
            f"{' '.join(str(err).split())}); ask for a fresh copy of the bundle."
        ) from err


def read_verified_member(path: str | os.PathLike, member: str, *, argument: str) -> bytes:
    """Verify a bundle (as :func:`verify_bundle`), then return one of its files.

    The bundle is opened once: it is verified, and the member's bytes are
    hashed again as they are read, so what is returned is what the manifest lists.

    Parameters
    ----------
    path : str or path-like
        The bundle (``.zip``).
    member : str
        The file inside it, e.g. :data:`FAIRNESS`.
    argument : str
        Parameter name, for messages.

    Returns
    -------
    bytes
        The member's content.

    Raises
    ------
    DataValidationError
        If the bundle is not a readable zip, fails verification (the message
        holds the verification's finding), or does not list ``member``.
    """
    bundle = _existing_file(
        path, argument=argument, expected="a bundle (.zip) written by Assessment.to_bundle"
    )
    with _open_zip(bundle) as zf:
        result = _verify_open(zf, bundle, None)
        if not result.ok:
            raise DataValidationError(
                f"{argument}: bundle {str(bundle)!r} does not verify, so it is not read: "
                f"{result.summary().splitlines()[0]} Check it with rai-toolkit verify (or "
                f"verify_bundle), and ask for an intact copy.",
                argument=argument,
            )
        listed = result.files.set_index("path")["expected_sha256"]
        if member not in listed.index:
            raise DataValidationError(
                f"{argument}: bundle {str(bundle)!r} holds no {member}; it was written by a "
                f"toolkit version that did not include it. Write the bundle again with the "
                f"current version.",
                argument=argument,
            )
        content = zf.read(member)
    if hashlib.sha256(content).hexdigest() != listed[member]:
        raise DataValidationError(
            f"{argument}: {member} of bundle {str(bundle)!r} changed while it was read; read it "
            f"again from an intact copy.",
            argument=argument,
        )
    return content


Problems = list[tuple[str, str]]


def _check_manifest(zf: zipfile.ZipFile) -> tuple[bytes | None, dict[str, Any] | None, Problems]:
    """Raw bytes and content of the manifest, and whether it is exactly its canonical form."""
    raw, error = _read_member(zf, MANIFEST)
    if error is not None:
        return None, None, [(MANIFEST, error)]
    try:
        manifest = json.loads(raw.decode("ascii"))
        if not isinstance(manifest, dict) or not isinstance(manifest.get("files"), list):
            raise ValueError("no list of files")
    except (UnicodeDecodeError, ValueError) as err:
        return raw, None, [(MANIFEST, f"is not a valid manifest ({err})")]
    try:
        intact = manifest_bytes(manifest) == raw
    except (TypeError, ValueError):
        intact = False
    if not intact:
        return raw, manifest, [(MANIFEST, "was changed: its digest or canonical form differs")]
    return raw, manifest, []


def _read_signature(zf: zipfile.ZipFile, names: list[str]) -> tuple[bytes | None, Problems]:
    if SIGNATURE not in names:
        return None, [(SIGNATURE, "is missing although the manifest names a signature")]
    raw, error = _read_member(zf, SIGNATURE)
    if error is not None:
        return None, [(SIGNATURE, error)]
    try:
        signature = base64.b64decode(raw[:-1], validate=True)
        if base64.b64encode(signature) + b"\n" != raw or len(signature) != 64:
            raise ValueError("not in canonical form")
    except ValueError:
        return None, [(SIGNATURE, "is not a base64 Ed25519 signature (it was changed)")]
    return signature, []


def _check_signature(
    zf: zipfile.ZipFile,
    names: list[str],
    raw: bytes | None,
    manifest: dict[str, Any] | None,
    expected_key: Any,
    manifest_ok: bool,
) -> tuple[str, str | None, bool, Problems]:
    """State of the signature, the signing key's id, whether the signer was checked, problems."""
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives.asymmetric import ed25519

    info = manifest.get("signature") if manifest is not None else None
    if SIGNATURE not in names and not info:
        if expected_key is not None:
            return "unsigned", None, False, [
                (SIGNATURE, "is missing: the bundle is not signed, but a key was given")
            ]
        return "unsigned", None, False, []
    signature, problems = _read_signature(zf, names)
    embedded = None
    if isinstance(info, dict):
        try:
            embedded = ed25519.Ed25519PublicKey.from_public_bytes(
                base64.b64decode(str(info.get("public_key")), validate=True)
            )
        except ValueError:
            embedded = None
    elif manifest is not None:
        problems.append((MANIFEST, "names no signing key although manifest.sig is present"))
    name = key_id(embedded) if embedded is not None else None
    if expected_key is not None and embedded is not None and (
        _raw_public(embedded) != _raw_public(expected_key)
    ):
        problems.append(
            (SIGNATURE, f"is by key {name}, not by the given public key {key_id(expected_key)}")
        )
        return "other key", name, False, problems
    verifier = expected_key if expected_key is not None else embedded
    if signature is not None and verifier is not None and raw is not None:
        try:
            verifier.verify(signature, raw)
            return "valid", name, expected_key is not None, problems
        except InvalidSignature:
            pass
    if manifest_ok and not problems:
        against = "the key named in it" if expected_key is None else "the given public key"
        problems.append((SIGNATURE, f"does not verify manifest.json with {against}"))
    return "invalid", name, False, problems


def _check_files(
    zf: zipfile.ZipFile, names: list[str], manifest: dict[str, Any]
) -> tuple[list[tuple[Any, ...]], list[str], Problems]:
    """Every listed file present, readable and with its sha256 and size; none unlisted."""
    records: list[tuple[Any, ...]] = []
    listed: list[str] = []
    problems: Problems = []
    for entry in manifest["files"]:
        name = entry.get("path") if isinstance(entry, dict) else None
        if not isinstance(name, str):
            problems.append((MANIFEST, f"has a malformed file entry {entry!r}"))
            continue
        listed.append(name)
        expected = entry.get("sha256")
        if name not in names:
            problems.append((name, "is listed in the manifest but missing from the bundle"))
            records.append((name, expected, None, "missing"))
            continue
        actual, size, error = _hash_member(zf, name)
        if error is not None:
            problems.append((name, error))
            records.append((name, expected, None, "unreadable"))
        elif actual != expected or size != entry.get("bytes"):
            problems.append((name, "differs from the manifest (sha256 or size)"))
            records.append((name, expected, actual, "differs"))
        else:
            records.append((name, expected, actual, "ok"))
    for name in dict.fromkeys(names):
        if name not in listed and name not in (MANIFEST, SIGNATURE):
            problems.append((name, "is in the bundle but not in the manifest"))
            records.append((name, None, None, "unlisted"))
    return records, listed, problems


def _verify_open(zf: zipfile.ZipFile, bundle: Path, expected_key: Any) -> BundleVerification:
    names = zf.namelist()
    if MANIFEST not in names:
        raise DataValidationError(
            f"{str(bundle)!r} holds no {MANIFEST}; it is not an evidence bundle written by "
            f"Assessment.to_bundle (members: {', '.join(names[:10]) or 'none'})."
        )
    problems: Problems = []
    seen: set[str] = set()
    for name in names:
        if name in seen:
            problems.append((name, "appears twice in the archive"))
        seen.add(name)
    raw, manifest, found = _check_manifest(zf)
    problems += found
    state, signer, checked, found = _check_signature(
        zf, names, raw, manifest, expected_key, manifest_ok=not found
    )
    problems += found
    records, listed = [], []
    if manifest is not None:
        records, listed, found = _check_files(zf, names, manifest)
        problems += found
    order = [MANIFEST, SIGNATURE, *listed, *names]
    rank = {name: i for i, name in reversed(list(enumerate(order)))}
    first = min((f for f, _ in problems), key=lambda f: rank.get(f, len(order)), default=None)
    return BundleVerification(
        path=bundle,
        ok=not problems,
        first_difference=first,
        problems=problems,
        signature=state,
        key_id=signer,
        signer_checked=checked,
        created_at=None if manifest is None else manifest.get("created_at"),
        toolkit_version=None if manifest is None else manifest.get("toolkit_version"),
        files=pd.DataFrame(
            records, columns=["path", "expected_sha256", "actual_sha256", "status"]
        ),
    )
