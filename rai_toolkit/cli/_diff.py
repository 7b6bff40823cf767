"""``rai-toolkit diff``: compare two saved fairness reports (or bundles) and say what got worse."""

from __future__ import annotations

import argparse
import sys

from rai_toolkit.cli._console import EXIT_CRITERION_FAILED, EXIT_OK
from rai_toolkit.cli._options import N_BOOT, SEED, flags
from rai_toolkit.cli._parser import int_at_least

__all__ = ["FLAGS", "OUTPUT_SUFFIXES", "DESCRIPTION", "add_arguments", "run"]

#: Parameters of ``compare_reports`` -> the flag or operand of this command that sets them.
FLAGS = flags(N_BOOT, SEED, baseline="OLD", current="NEW", ci="--ci")

#: ``--out`` suffix -> the ReportComparison method that writes it.
OUTPUT_SUFFIXES = {
    ".html": "to_html",
    ".htm": "to_html",
    ".json": "to_json",
    ".md": "to_markdown",
    ".markdown": "to_markdown",
}


def _coverage(value: str) -> float:
    try:
        number = float(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number, received {value!r}") from None
    if not 0 < number < 1:
        raise argparse.ArgumentTypeError(
            f"expected a coverage strictly between 0 and 1 (e.g. 0.95), received {value!r}"
        )
    return number


#: What ``rai-toolkit diff --help`` says the command does.
DESCRIPTION = (
    "Compare two fairness reports written by 'rai-toolkit analyze --fairness-json' or "
    "FairnessReport.to_json() (schema 1.4 or later; not the --json assessment "
    "document), or two evidence bundles written by 'rai-toolkit bundle' (verified "
    "first; a bundle that fails 'rai-toolkit verify' is refused): the change of every "
    "criterion and group metric, with intervals that hold "
    "for all of them at once. Prints the criteria and the rows that got significantly "
    "worse; --fail-on-worse exits 1 when a criterion got significantly worse."
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Add the arguments of ``rai-toolkit diff`` (protocol: :mod:`rai_toolkit.cli._main`)."""
    parser.add_argument(
        "old", metavar="OLD", help="baseline: fairness report (.json) or evidence bundle (.zip)"
    )
    parser.add_argument(
        "new", metavar="NEW", help="current: fairness report (.json) or evidence bundle (.zip)"
    )
    parser.add_argument(
        "--fail-on-worse",
        action="store_true",
        help="exit 1 when any criterion got significantly worse",
    )
    parser.add_argument(
        "--out",
        metavar="FILE",
        help="also write the comparison: .html (self-contained page), .json or .md",
    )
    N_BOOT.add(
        parser,
        type=int_at_least(100),
        help="bootstrap replicates of each report (default 1000, at least 100)",
    )
    parser.add_argument(
        "--ci", type=_coverage, default=0.95, help="simultaneous coverage (default 0.95)"
    )
    SEED.add(parser)


def _check_out(path: str | None) -> str | None:
    """Check ``--out`` before any work; return the writer method's name."""
    if path is None:
        return None
    from pathlib import Path

    from rai_toolkit._io import check_output_path

    check_output_path(path, argument="--out", suffixes=tuple(OUTPUT_SUFFIXES))
    return OUTPUT_SUFFIXES[Path(path).suffix.lower()]


def run(args: argparse.Namespace) -> int:
    """Handle ``rai-toolkit diff``: exit 1 on ``--fail-on-worse`` and a worse criterion."""
    writer = _check_out(args.out)
    from rai_toolkit.compare import compare_reports

    for flag, path in ((FLAGS["baseline"], args.old), (FLAGS["current"], args.new)):
        if path.lstrip().startswith("{"):
            from rai_toolkit.exceptions import DataValidationError

            raise DataValidationError(f"{flag} must be a file path; received JSON text.")
    comparison = compare_reports(
        args.old, args.new, ci=args.ci, n_boot=args.n_boot, random_state=args.seed
    )
    print(comparison.summary())
    if writer is not None:
        getattr(comparison, writer)(args.out)
        print(f"wrote {args.out}")
    if args.fail_on_worse and comparison.any_worse:
        rows = comparison.worse
        rows = rows[rows["kind"] == "criterion"]
        names = [f"{g}: {c}" for g, c in zip(rows["grouping"], rows["criterion"])]
        print(
            f"fail-on-worse: {', '.join(names)} got significantly worse (exit status 1)",
            file=sys.stderr,
        )
        return EXIT_CRITERION_FAILED
    return EXIT_OK
