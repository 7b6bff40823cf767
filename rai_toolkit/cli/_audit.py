"""``rai-toolkit audit``: a NYC Local Law 144 or EEOC bias audit of a data file."""

from __future__ import annotations

import argparse

from rai_toolkit.cli._console import EXIT_OK
from rai_toolkit.cli._options import (
    AUDIT,
    DATA,
    N_BOOT,
    SEED,
    TITLE,
    add_audit,
    audit_arguments,
    flags,
)

__all__ = ["DESCRIPTION", "FLAGS", "add_arguments", "run"]

#: Parameters of ``bias_audit`` / ``run_audit`` -> the flag of this command that sets them.
FLAGS = flags(
    DATA, AUDIT, (N_BOOT, TITLE, SEED),
    data_source="--data-source", intersectional="--no-intersection",
    out="--out", json="--out", markdown="--out",
)  # fmt: skip
#: ``--out`` suffix -> document kind.
KINDS = {".html": "html", ".htm": "html", ".json": "json", ".md": "md"}


#: What ``rai-toolkit audit --help`` says the command does.
DESCRIPTION = (
    "Bias audit of selections (or scores) in a CSV or Parquet file: selection or "
    "scoring rate and impact ratio per category of each dimension and of their "
    "intersection, with bootstrap intervals (NYC Local Law 144; --standard eeoc adds "
    "the four-fifths rule, Fisher's exact test and the shortfall). Writes each --out "
    "file (.html, .json, .md) together, or none."
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Add the arguments of ``rai-toolkit audit`` (protocol: :mod:`rai_toolkit.cli._main`)."""
    DATA.add(parser, help="data: .csv or .parquet")
    add_audit(parser, required=True)
    parser.add_argument(
        "--out",
        required=True,
        nargs="+",
        metavar="FILE",
        help="documents to write: .html (self-contained), .json, .md (one of each at most)",
    )
    parser.add_argument(
        "--data-source",
        default="historical",
        metavar="KIND",
        help="historical or test data (default historical)",
    )
    parser.add_argument(
        "--no-intersection", action="store_true", help="skip the intersectional categories"
    )
    TITLE.add(parser, help="audit title")
    N_BOOT.add(parser, help="bootstrap replicates of the intervals (default 1000)")
    SEED.add(parser)


def _outputs(paths: list[str]) -> dict[str, str]:
    """Map each ``--out`` file to its kind; one file per kind, suffixes checked."""
    from pathlib import Path

    from rai_toolkit.exceptions import ArgumentError

    found: dict[str, str] = {}
    for path in paths:
        kind = KINDS.get(Path(path).suffix.lower())
        if kind is None:
            raise ArgumentError(f"--out {path!r} must end in .html, .json or .md.", argument="out")
        if kind in found:
            raise ArgumentError(
                f"--out names two {kind} files ({found[kind]!r} and {path!r}); give one of each "
                f"kind at most.",
                argument="out",
            )
        found[kind] = path
    return found


def run(args: argparse.Namespace) -> int:
    """Handle ``rai-toolkit audit`` (the protocol is in :mod:`rai_toolkit.cli._main`)."""
    outputs = _outputs(args.out)
    from rai_toolkit._io import OutputFiles, check_output_path, read_table
    from rai_toolkit.audit._commands import run_audit

    for path in outputs.values():
        check_output_path(path, argument="--out")
    options = {
        **audit_arguments(args), "data_source": args.data_source,
        "intersectional": not args.no_intersection, "title": args.title,
        "n_boot": args.n_boot, "random_state": args.seed,
    }  # fmt: skip
    data = read_table(args.data, argument="--data")
    if "html" in outputs:
        audit, written = run_audit(
            data, out=outputs["html"], json_path=outputs.get("json"),
            markdown_path=outputs.get("md"), **options,
        )  # fmt: skip
    else:
        from rai_toolkit.audit import bias_audit

        audit = bias_audit(data, **options)
        render = {"json": audit.to_json, "md": audit.to_markdown}
        with OutputFiles() as files:
            for kind, path in outputs.items():
                files.write_text(path, render[kind](), argument="--out")
        written = files.commit()
    print(repr(audit))
    for path in written:
        print(f"wrote {path}")
    return EXIT_OK
