"""``rai-toolkit keygen``: make an Ed25519 key pair for signing evidence bundles."""

from __future__ import annotations

import argparse

from rai_toolkit.cli._console import EXIT_OK

__all__ = ["DESCRIPTION", "FLAGS", "add_arguments", "run"]

#: Parameters of ``generate_keypair`` -> the flag of this command that sets them.
FLAGS = {"path": "--out", "overwrite": "--overwrite"}


#: What ``rai-toolkit keygen --help`` says the command does.
DESCRIPTION = (
    "Write an Ed25519 private key to KEY (PEM, readable by its owner only) and its "
    "public key to KEY.pub. Sign bundles with `rai-toolkit bundle --signing-key KEY`; "
    "give KEY.pub to whoever verifies them (`rai-toolkit verify --public-key KEY.pub`)."
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Add the arguments of ``rai-toolkit keygen`` (protocol: :mod:`rai_toolkit.cli._main`)."""
    parser.add_argument(
        "--out", required=True, metavar="KEY", help="private key file, e.g. signing.pem"
    )
    parser.add_argument("--overwrite", action="store_true", help="replace existing key files")


def run(args: argparse.Namespace) -> int:
    """Handle ``rai-toolkit keygen`` (the protocol is in :mod:`rai_toolkit.cli._main`)."""
    from rai_toolkit.report import generate_keypair

    private, public = generate_keypair(args.out, overwrite=args.overwrite)
    print(f"wrote {private} (private key: keep it secret)")
    print(f"wrote {public} (public key: share it with whoever verifies your bundles)")
    return EXIT_OK
