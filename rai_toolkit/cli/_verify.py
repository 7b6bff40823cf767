"""``rai-toolkit verify``: check an evidence bundle's hashes and signature."""

from __future__ import annotations

import argparse

from rai_toolkit.cli._console import EXIT_CRITERION_FAILED, EXIT_OK

__all__ = ["EXIT_VERIFY_FAILED", "FLAGS", "DESCRIPTION", "add_arguments", "run"]

#: Exit status when a file differs, the signature fails or the archive is unreadable.
EXIT_VERIFY_FAILED = EXIT_CRITERION_FAILED

#: Parameters of ``verify_bundle`` -> the operand or flag of this command that sets them.
FLAGS = {"path": "BUNDLE", "public_key": "--public-key"}


#: What ``rai-toolkit verify --help`` says the command does.
DESCRIPTION = (
    "Check an evidence bundle: every file's sha256 against the manifest, the manifest "
    "itself and its signature. Prints OK, or FAILED naming the first file that "
    "differs; exit 0 when valid, 1 when a file differs, the signature fails or the "
    "archive is unreadable."
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Add the arguments of ``rai-toolkit verify`` (protocol: :mod:`rai_toolkit.cli._main`)."""
    parser.add_argument("bundle", metavar="BUNDLE", help="the bundle (.zip)")
    parser.add_argument(
        "--public-key",
        metavar="PUB",
        help="the signer's public key (.pub from keygen): the bundle must be signed by it",
    )


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
