"""``rai-toolkit verify``: check an evidence bundle's hashes and signature."""

from __future__ import annotations

import argparse

from rai_toolkit.cli._console import EXIT_CRITERION_FAILED, EXIT_OK
from rai_toolkit.cli._parser import add_command

__all__ = ["EXIT_VERIFY_FAILED", "FLAGS", "add_parser", "run"]

#: Exit status when a file differs, the signature fails or the archive is unreadable.
EXIT_VERIFY_FAILED = EXIT_CRITERION_FAILED

#: Parameters of ``verify_bundle`` -> the operand or flag of this command that sets them.
FLAGS = {"path": "BUNDLE", "public_key": "--public-key"}


def add_parser(subparsers: argparse._SubParsersAction) -> argparse.ArgumentParser:
    """Add the ``verify`` command (the protocol is in :mod:`rai_toolkit.cli._main`)."""
    parser = add_command(
        subparsers,
        "verify",
        description=(
            "Check an evidence bundle: every file's sha256 against the manifest, the manifest "
            "itself and its signature. Prints OK, or FAILED naming the first file that "
            "differs; exit 0 when valid, 1 when a file differs, the signature fails or the "
            "archive is unreadable."
        ),
    )
    parser.add_argument("bundle", metavar="BUNDLE", help="the bundle (.zip)")
    parser.add_argument(
        "--public-key",
        metavar="PUB",
        help="the signer's public key (.pub from keygen): the bundle must be signed by it",
    )
    return parser


def run(args: argparse.Namespace) -> int:
    """Handle ``rai-toolkit verify``: exit 1 unless the bundle is intact (see ``_main``)."""
    from rai_toolkit.exceptions import DataValidationError
    from rai_toolkit.report import verify_bundle

    try:
        result = verify_bundle(args.bundle, public_key=args.public_key)
    except DataValidationError as err:  # unreadable archive or no manifest: not intact
        print(f"FAILED: {' '.join(str(err).split())}")
        return EXIT_VERIFY_FAILED
    print(result.summary())
    return EXIT_OK if result.ok else EXIT_VERIFY_FAILED
