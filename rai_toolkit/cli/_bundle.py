"""``rai-toolkit bundle``: assess a saved model and write the signed evidence bundle.

The inputs are those of ``rai-toolkit analyze`` (model file, data file, target,
sensitive columns, ...), read and loaded by the same helpers; the output is one
zip (:meth:`~rai_toolkit.report.Assessment.to_bundle`): the HTML report and its
JSON, the environment, the sha256 of the data and model files, the manifest
and, with ``--signing-key``, its Ed25519 signature. With the audit options of
``rai-toolkit audit`` (``--category``, ``--selected`` or ``--score``, ...) the
bias audit of that outcome column is in the zip too. Everything that can be
refused (the bundle path, the key, the audit's options and columns) is
refused before the assessment runs.
"""

from __future__ import annotations

import argparse

from rai_toolkit.cli._console import EXIT_OK, Progress
from rai_toolkit.cli._options import (
    ASSESSMENT,
    AUDIT,
    DATA,
    MODEL_INPUT,
    QUESTION,
    add_audit,
    add_options,
    assessment_arguments,
    audit_arguments,
    flags,
    load_model_input,
    question_arguments,
)

__all__ = ["DESCRIPTION", "FLAGS", "add_arguments", "run"]


#: Parameters of ``run_bundle`` / ``assess`` / ``bias_audit`` -> the flag of this command.
FLAGS = flags(
    MODEL_INPUT, DATA, QUESTION, ASSESSMENT, AUDIT,
    out="--out", path="--out", signing_key="--signing-key", overwrite="--overwrite",
)  # fmt: skip


#: What ``rai-toolkit bundle --help`` says the command does.
DESCRIPTION = (
    "Assess a saved model on a data file (as `rai-toolkit analyze`) and write the "
    "evidence bundle: one zip with the HTML report and its JSON, the environment, the "
    "sha256 of the data and model files, and a manifest of every file's sha256, "
    "signed with --signing-key (a key from `rai-toolkit keygen`). With --category and "
    "--selected or --score it also holds the bias audit of that outcome (as "
    "`rai-toolkit audit`, with --n-boot and --seed). Check it with `rai-toolkit verify`; "
    "compare two bundles with `rai-toolkit diff`."
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Add the arguments of ``rai-toolkit bundle`` (protocol: :mod:`rai_toolkit.cli._main`)."""
    add_options(parser, MODEL_INPUT, DATA, QUESTION)
    parser.add_argument("--out", required=True, metavar="ZIP", help="bundle path (.zip)")
    parser.add_argument(
        "--signing-key", metavar="KEY", help="Ed25519 private key (PEM) to sign the manifest"
    )
    parser.add_argument("--overwrite", action="store_true", help="replace an existing bundle")
    add_options(parser, ASSESSMENT)
    add_audit(parser, required=False)


def run(args: argparse.Namespace) -> int:
    """Handle ``rai-toolkit bundle`` (the protocol is in :mod:`rai_toolkit.cli._main`)."""
    from pathlib import Path

    from rai_toolkit._io import read_table
    from rai_toolkit.report._assess import run_bundle
    from rai_toolkit.report._bundle import check_bundle_path, load_signing_key

    check_bundle_path(args.out, overwrite=args.overwrite, argument="--out")
    if args.signing_key is not None:
        load_signing_key(args.signing_key, argument="--signing-key")
    audit = audit_arguments(args)
    if audit is not None:
        audit.update(n_boot=args.n_boot, random_state=args.seed)
    data = read_table(args.data, argument="--data")
    model, source = load_model_input(args)
    assessment, path = run_bundle(
        model,
        data,
        **question_arguments(args),
        **assessment_arguments(args),
        out=args.out,
        signing_key=args.signing_key,
        overwrite=args.overwrite,
        data_file=args.data,
        model_file=args.model,
        audit=audit,
        dataset_description=f"file {Path(args.data).name}",
        model_source=source,
        progress=Progress(),
    )
    print(repr(assessment))
    signed = "signed" if args.signing_key is not None else "unsigned (pass --signing-key to sign)"
    print(f"wrote {path} ({signed}); check it with `rai-toolkit verify {path}`")
    return EXIT_OK
